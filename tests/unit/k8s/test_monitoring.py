"""The monitoring part of the Kubernetes tier: kube-prometheus-stack values, dashboards, alert rules.

- Every Grafana dashboard (roles/k8s_apps/files/dashboards) is valid JSON with a uid, a title and panels,
  and each of its queries names a metric that roles/k8s_apps/files/metrics-catalog.yml lists for the
  query's data source (PromQL metric names from a small tokenizer; CloudWatch by namespace + metricName
  + dimensions).
- Every alert rule (roles/k8s_apps/files/prometheus) has a severity and a summary and description, and
  its expression references catalogued metrics only.
- The values template renders with Ansible's templating (sample variables), `helm template` renders the
  vendored chart with it, the built-in kinds pass `kubernetes-validate --strict` for the target version,
  the custom resources pass their CRDs' schemas, and the objects carry what the platform needs: Service
  grafana on 3000, the MSK scrape jobs on 11001/11002 per broker, the dashboards and rules, and on every
  container requests, limits, probes and a non-root user (CONTAINER_EXCEPTIONS aside).
"""

from __future__ import annotations

import base64
import functools
import json
import re
import shutil
import subprocess
import tarfile
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
ROLE = ROOT / "roles" / "k8s_apps"
DASHBOARDS = ROLE / "files" / "dashboards"
RULES = ROLE / "files" / "prometheus"
CATALOG = yaml.safe_load((ROLE / "files" / "metrics-catalog.yml").read_text())
VALUES_TEMPLATE = ROLE / "templates" / "values" / "kube-prometheus-stack.yml.j2"
CHART = ROOT / "tests" / "fixtures" / "charts" / "kube-prometheus-stack-88.5.3.tgz"
KUBE_VERSION = "1.33"
RELEASE, NAMESPACE = "kube-prometheus-stack", "monitoring"

EXPECTED_DASHBOARDS = {"platform-overview", "kafka", "postgresql", "redis", "business-kpis", "api-performance"}
BROKERS = [
    "b-1.ecapdev.abc123.c2.kafka.us-west-2.amazonaws.com",
    "b-2.ecapdev.abc123.c2.kafka.us-west-2.amazonaws.com",
    "b-3.ecapdev.abc123.c2.kafka.us-west-2.amazonaws.com",
]
GRAFANA_ROLE = "arn:aws:iam::123456789012:role/ecap-dev-eks-grafana"

# Containers that cannot carry liveness/readiness probes, and why (reported to the k8s tier).
CONTAINER_EXCEPTIONS = {
    # Helm hook Jobs of the operator's admission webhook: run-to-completion certificate jobs; the chart
    # has no probe field for them and a probe means nothing for a process that exits in seconds.
    ("Job", "kube-prometheus-stack-admission-create", "create"),
    ("Job", "kube-prometheus-stack-admission-patch", "patch"),
}

# --- PromQL tokenizer -------------------------------------------------------------------------------

PROMQL_KEYWORDS = {
    # aggregation operators and their modifiers
    "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk",
    "quantile", "limitk", "limit_ratio", "by", "without", "on", "ignoring", "group_left", "group_right",
    "bool", "and", "or", "unless", "offset", "atan2",
}  # fmt: skip
_TOKEN = re.compile(
    r"""(?P<ws>\s+)
    |(?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)
    |(?P<var>\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*)
    |(?P<number>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?(?:ms|[smhdwy])?(?:\d+(?:ms|[smhdwy]))*)
    |(?P<ident>[A-Za-z_:][A-Za-z0-9_:]*)
    |(?P<punct>=~|!~|!=|==|>=|<=|[-+*/%^<>=(){}\[\],@])""",
    re.VERBOSE,
)


def promql_metrics(expr: str) -> dict[str, list[dict[str, str]]]:
    """The metric names an expression selects, each with the equality label matchers of its selectors."""
    # Grafana's label_values(<selector>, <label>) variable query: only the selector names metrics.
    expr = re.sub(r"^\s*label_values\((.*),\s*[A-Za-z_][A-Za-z0-9_]*\s*\)\s*$", r"\1", expr)
    tokens = []
    pos = 0
    while pos < len(expr):
        m = _TOKEN.match(expr, pos)
        if not m:
            raise ValueError(f"cannot tokenize PromQL at {expr[pos:]!r}")
        pos = m.end()
        if m.lastgroup != "ws":
            tokens.append((m.lastgroup, m.group()))
    metrics: dict[str, list[dict[str, str]]] = {}
    depth_braces = 0
    i = 0
    while i < len(tokens):
        kind, text = tokens[i]
        nxt = tokens[i + 1][1] if i + 1 < len(tokens) else None
        if text == "{":
            depth_braces += 1
        elif text == "}":
            depth_braces -= 1
        elif kind == "ident" and depth_braces == 0:
            if text in ("by", "without", "on", "ignoring", "group_left", "group_right") and nxt == "(":
                i = _skip_parens(tokens, i + 1)  # a label list, not metrics
                continue
            if nxt == "(" or text in PROMQL_KEYWORDS:
                i += 1
                continue
            matchers: dict[str, str] = {}
            if nxt == "{":
                j = i + 2
                while tokens[j][1] != "}":
                    if tokens[j][0] == "ident" and tokens[j + 1][1] == "=" and tokens[j + 2][0] == "string":
                        matchers[tokens[j][1]] = tokens[j + 2][1][1:-1]
                    j += 1
            metrics.setdefault(text, []).append(matchers)
        i += 1
    return metrics


def _skip_parens(tokens, i: int) -> int:
    depth = 0
    while True:
        if tokens[i][1] == "(":
            depth += 1
        elif tokens[i][1] == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1


def test_promql_tokenizer():
    expr = (
        'sum by (broker, topic) (rate(kafka_x_Count{job="msk-jmx", name="BytesInPerSec", topic!=""}[5m] offset 1h))'
        ' / on (broker) group_left (instance) up{job=~"a|b"} > 0.5e3 or vector(0) and absent(foo)'
        " * $__rate_interval"
    )
    assert promql_metrics(expr) == {
        "kafka_x_Count": [{"job": "msk-jmx", "name": "BytesInPerSec"}],
        "up": [{}],
        "foo": [{}],
    }
    assert promql_metrics('label_values(up{job="msk-jmx"}, broker)') == {"up": [{"job": "msk-jmx"}]}
    with pytest.raises(ValueError):
        promql_metrics("sum(x) # §")


# --- catalogue ----------------------------------------------------------------------------------------


def _prometheus_catalog() -> dict[str, dict]:
    merged: dict[str, dict] = {}
    for source in CATALOG["prometheus"].values():
        for name, spec in source["metrics"].items():
            merged.setdefault(name, {}).setdefault("name", set()).update((spec or {}).get("name", []))
    return merged


PROM_CATALOG = _prometheus_catalog()


def assert_promql_catalogued(expr: str, where: str) -> None:
    for metric, selectors in promql_metrics(expr).items():
        assert metric in PROM_CATALOG, f"{where}: {metric} is not in metrics-catalog.yml (prometheus)"
        names = PROM_CATALOG[metric]["name"]
        for matchers in selectors:
            if names and "name" in matchers:
                assert matchers["name"] in names, f"{where}: {metric}{{name={matchers['name']!r}}} not catalogued"


def assert_cloudwatch_catalogued(namespace: str, metric: str, dimensions, where: str) -> None:
    ns = CATALOG["cloudwatch"].get(namespace)
    assert ns, f"{where}: CloudWatch namespace {namespace} is not in metrics-catalog.yml"
    assert metric in ns["metrics"], f"{where}: {namespace} {metric} is not in metrics-catalog.yml"
    allowed = (ns["metrics"][metric] or {}).get("dimensions", ns["dimensions"])
    assert set(dimensions) <= set(allowed), f"{where}: {namespace} {metric} dimensions {sorted(dimensions)}"


def test_catalog_lists_the_issue_metrics():
    jmx = CATALOG["prometheus"]["msk_jmx"]
    assert (jmx["job"], jmx["port"]) == ("msk-jmx", 11001)
    assert "UnderReplicatedPartitions" in jmx["metrics"]["kafka_server_ReplicaManager_Value"]["name"]
    assert (CATALOG["prometheus"]["msk_node"]["job"], CATALOG["prometheus"]["msk_node"]["port"]) == ("msk-node", 11002)
    business = CATALOG["cloudwatch"]["ECAP/Business"]["metrics"]
    assert set(business) == {"OrdersPerMinute", "Revenue", "CartAbandonmentRate", "ConsumerLag"}
    assert business["ConsumerLag"]["dimensions"] == ["Environment", "Topic"]
    assert {"AWS/RDS", "AWS/ElastiCache"} <= set(CATALOG["cloudwatch"])


# --- dashboards ---------------------------------------------------------------------------------------


def _dashboards() -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text()) for p in sorted(DASHBOARDS.glob("*.json"))}


def test_dashboards_are_valid_and_complete():
    boards = _dashboards()
    assert set(boards) == EXPECTED_DASHBOARDS
    uids = [b["uid"] for b in boards.values()]
    assert len(set(uids)) == len(uids)
    for name, board in boards.items():
        assert board["uid"] and len(board["uid"]) <= 40 and board["title"], name
        assert board["panels"], name
        ids = [p["id"] for p in board["panels"]]
        assert len(set(ids)) == len(ids), name
        for panel in board["panels"]:
            assert panel["title"] and panel["targets"], f"{name}: {panel.get('title')}"
            assert panel["datasource"]["uid"] in ("prometheus", "cloudwatch"), f"{name}: {panel['title']}"


@pytest.mark.parametrize("name", sorted(EXPECTED_DASHBOARDS))
def test_dashboard_queries_reference_catalogued_metrics(name):
    board = _dashboards()[name]
    queries = 0
    for panel in board["panels"]:
        for target in panel["targets"]:
            where = f"{name}: {panel['title']} {target['refId']}"
            ds = target["datasource"]["type"]
            assert ds == panel["datasource"]["type"], where
            if ds == "prometheus":
                assert promql_metrics(target["expr"]), f"{where}: selects no metric"
                assert_promql_catalogued(target["expr"], where)
            else:
                assert target["queryMode"] == "Metrics" and not target.get("expression"), where
                assert_cloudwatch_catalogued(target["namespace"], target["metricName"], target["dimensions"], where)
            queries += 1
    for var in board["templating"]["list"]:
        where = f"{name}: variable {var['name']}"
        if var["datasource"]["type"] == "prometheus":
            assert_promql_catalogued(var["query"]["query"], where)
        else:
            q = var["query"]
            assert_cloudwatch_catalogued(q["namespace"], q["metricName"], [q["dimensionKey"]], where)
    assert queries >= 6


def test_business_dashboard_shows_the_kpis():
    board = _dashboards()["business-kpis"]
    shown = {t["metricName"] for p in board["panels"] for t in p["targets"] if t["namespace"] == "ECAP/Business"}
    assert shown == {"OrdersPerMinute", "Revenue", "CartAbandonmentRate", "ConsumerLag"}


# --- alert rules --------------------------------------------------------------------------------------


def _rules() -> list[tuple[str, dict]]:
    found = []
    for path in sorted(RULES.glob("*.yml")):
        text = path.read_text()
        assert set(re.findall(r"@[A-Z_]+@", text)) <= {"@APP_NAMESPACE@", "@MONITORING_NAMESPACE@"}, path.name
        doc = yaml.safe_load(text.replace("@APP_NAMESPACE@", "ecap").replace("@MONITORING_NAMESPACE@", "monitoring"))
        assert set(doc) == {"groups"}, path.name
        for group in doc["groups"]:
            assert group["name"] == f"ecap-{path.stem}"
            found += [(f"{path.name}: {rule.get('alert')}", rule) for rule in group["rules"]]
    return found


def test_alert_rules_are_complete_and_catalogued():
    rules = _rules()
    names = [rule["alert"] for _, rule in rules]
    assert len(set(names)) == len(names)
    for where, rule in rules:
        assert set(rule) <= {"alert", "expr", "for", "labels", "annotations"}, where
        assert rule["labels"]["severity"] in ("info", "warning", "critical"), where
        assert rule["annotations"]["summary"] and rule["annotations"]["description"], where
        assert re.fullmatch(r"\d+[smh]", rule["for"]), where
        assert promql_metrics(rule["expr"]), where
        assert_promql_catalogued(rule["expr"], where)
    # What the issue asks to alert on.
    assert {
        "KafkaUnderReplicatedPartitions", "KafkaOfflinePartitions", "KafkaBrokerDiskUsageHigh", "KafkaConsumerLagHigh",
        "EcapNodeNotReady", "EcapPodCrashLooping", "StreamlitDashboardDown", "EcapHigh5xxRate",
    } <= set(names)  # fmt: skip


# --- the Helm release ---------------------------------------------------------------------------------


def _tool(name: str) -> str:
    for candidate in (ROOT / ".tools" / "bin" / name, ROOT / ".venv" / "bin" / name):
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if not found:
        pytest.skip(f"{name} is not installed (make setup)")
    return found


def render_values(env: str, **overrides) -> str:
    """The values template rendered as the role renders it: Ansible's templating, lookups in files/."""
    from ansible.parsing.dataloader import DataLoader
    from ansible.template import Templar, trust_as_template

    variables = {
        "ecap_env": env,
        "ecap_region": "us-west-2",
        "k8s_apps_cluster_name": f"ecap-{env}-eks",
        "k8s_apps_env": env,
        "k8s_apps_region": "us-west-2",
        "k8s_apps_monitoring_namespace": NAMESPACE,
        "k8s_apps_app_namespace": "ecap",
        "k8s_apps_irsa_role_arns": {"analytics": "arn:aws:iam::123456789012:role/ecap-dev-eks-analytics"},
        "k8s_apps_grafana_role_arn": GRAFANA_ROLE,
        "k8s_apps_msk_broker_hosts": BROKERS,
        "k8s_apps_endpoints": {"region": "us-west-2", "bucket": f"ecap-{env}-datalake"},
        "k8s_apps_grafana_root_url": "http://ecap-dev-alb-123.us-west-2.elb.amazonaws.com/grafana/",
        "ansible_search_path": [str(ROLE)],
        "role_path": str(ROLE),
    } | overrides
    loader = DataLoader()
    loader.set_basedir(str(ROLE))
    return Templar(loader=loader, variables=variables).template(trust_as_template(VALUES_TEMPLATE.read_text()))


def helm_template(values: str, tmp_path: Path, include_crds: bool = False) -> list[dict]:
    values_file = tmp_path / "values.yml"
    values_file.write_text(values)
    cmd = [_tool("helm"), "template", RELEASE, str(CHART), "--namespace", NAMESPACE]
    cmd += ["--kube-version", f"{KUBE_VERSION}.0", "--values", str(values_file)]
    if include_crds:
        cmd.append("--include-crds")
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    (tmp_path / "rendered.yml").write_text(out)
    objects = [d for d in yaml.safe_load_all(out) if d]
    # No kind List (strict validation skips those whole): every object is checked.
    assert not [o for o in objects if o["kind"].endswith("List")]
    return objects


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> list[dict]:
    tmp = tmp_path_factory.mktemp("kps")
    values = render_values("dev")
    yaml.safe_load(values)  # the values file is YAML
    return helm_template(values, tmp)


def _find(objects, kind, name=None):
    found = [o for o in objects if o["kind"] == kind and (name is None or o["metadata"]["name"] == name)]
    assert found, f"no {kind} {name or ''}"
    return found


def test_builtin_kinds_validate_strictly(rendered, tmp_path):
    builtin = [o for o in rendered if "monitoring.coreos.com" not in o["apiVersion"]]
    path = tmp_path / "builtin.yml"
    path.write_text(yaml.safe_dump_all(builtin))
    result = subprocess.run(
        [_tool("kubernetes-validate"), "--strict", "-k", KUBE_VERSION, str(path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ERROR" not in result.stdout and "WARN" not in result.stdout, result.stdout
    assert result.stdout.count("passed for resource") == len(builtin)


class _NoValueTagLoader(yaml.SafeLoader):
    """SafeLoader without the implicit `=` (YAML value) resolver the monitoring.coreos.com CRDs trip over."""


_NoValueTagLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:value"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _closed(schema):
    """An openAPIV3Schema as JSON schema, objects closed unless they preserve unknown fields."""
    if isinstance(schema, dict):
        schema = {k: _closed(v) for k, v in schema.items()}
        if "properties" in schema and not schema.get("x-kubernetes-preserve-unknown-fields"):
            schema.setdefault("additionalProperties", False)
        return schema
    if isinstance(schema, list):
        return [_closed(v) for v in schema]
    return schema


@functools.cache
def _crd_schemas() -> dict[tuple[str, str], dict]:
    schemas = {}
    with tarfile.open(CHART) as tar:
        for member in tar.getmembers():
            if "/charts/crds/crds/" in member.name and member.name.endswith(".yaml"):
                crd = yaml.load(tar.extractfile(member).read(), Loader=_NoValueTagLoader)  # noqa: S506
                for version in crd["spec"]["versions"]:
                    api = f"{crd['spec']['group']}/{version['name']}"
                    schemas[(api, crd["spec"]["names"]["kind"])] = _closed(version["schema"]["openAPIV3Schema"])
    return schemas


def test_custom_resources_validate_against_their_crds(rendered):
    schemas = _crd_schemas()
    custom = [o for o in rendered if "monitoring.coreos.com" in o["apiVersion"]]
    assert {o["kind"] for o in custom} >= {
        "Prometheus",
        "Alertmanager",
        "PrometheusRule",
        "ServiceMonitor",
        "PodMonitor",
    }
    for obj in custom:
        schema = dict(schemas[(obj["apiVersion"], obj["kind"])])
        schema["properties"] = dict(schema["properties"], metadata={"type": "object"})
        errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(obj), key=str)
        assert not errors, f"{obj['kind']}/{obj['metadata']['name']}: {errors[0].message} at {list(errors[0].path)}"


def test_crd_validation_rejects_an_unknown_field():
    schema = _crd_schemas()[("monitoring.coreos.com/v1", "PodMonitor")]  # closed objects
    bad = {"apiVersion": "monitoring.coreos.com/v1", "kind": "PodMonitor", "spec": {"selector": {}, "bogus": 1}}
    assert not jsonschema.Draft7Validator(schema).is_valid(bad)


def test_grafana_service_and_admin_secret(rendered):
    (svc,) = _find(rendered, "Service", "grafana")
    assert svc["metadata"]["namespace"] == NAMESPACE
    assert [p["port"] for p in svc["spec"]["ports"]] == [3000]
    (deploy,) = _find(rendered, "Deployment", "grafana")
    pod = deploy["spec"]["template"]["spec"]
    grafana = next(c for c in pod["containers"] if c["name"] == "grafana")
    assert {p["containerPort"] for p in grafana["ports"]} >= {3000}
    env = {e["name"]: e for e in grafana["env"]}
    for var, key in (("GF_SECURITY_ADMIN_USER", "admin-user"), ("GF_SECURITY_ADMIN_PASSWORD", "admin-password")):
        assert env[var]["valueFrom"]["secretKeyRef"] == {"name": "grafana-admin", "key": key}
    # No password anywhere in the release: the chart makes no Secret for Grafana.
    assert not [s for s in _find(rendered, "Secret") if "grafana" in s["metadata"]["name"]]
    assert grafana["readinessProbe"]["httpGet"]["path"] == "/grafana/api/health"
    (sa,) = _find(rendered, "ServiceAccount", "grafana")
    assert sa["metadata"]["annotations"]["eks.amazonaws.com/role-arn"] == GRAFANA_ROLE
    assert pod["serviceAccountName"] == "grafana"
    (config,) = _find(rendered, "ConfigMap", "grafana")
    ini = config["data"]["grafana.ini"]
    assert "root_url = http://ecap-dev-alb-123.us-west-2.elb.amazonaws.com/grafana/" in ini
    assert "serve_from_sub_path = true" in ini
    (pvc,) = _find(rendered, "PersistentVolumeClaim", "grafana")
    assert pvc["spec"]["resources"]["requests"]["storage"] == "2Gi"


def test_grafana_datasources(rendered):
    (cm,) = _find(rendered, "ConfigMap", "kube-prometheus-stack-grafana-datasource")
    sources = {d["uid"]: d for d in yaml.safe_load(cm["data"]["datasource.yaml"])["datasources"]}
    assert sources["prometheus"]["type"] == "prometheus"
    assert sources["cloudwatch"]["type"] == "cloudwatch"
    assert sources["cloudwatch"]["jsonData"] == {"authType": "default", "defaultRegion": "us-west-2"}


def test_prometheus_scrapes_the_msk_exporters_and_the_apps(rendered):
    (prom,) = _find(rendered, "Prometheus")
    ref = prom["spec"]["additionalScrapeConfigs"]
    (secret,) = _find(rendered, "Secret", ref["name"])
    jobs = {j["job_name"]: j for j in yaml.safe_load(base64.b64decode(secret["data"][ref["key"]]))}
    for job, port in (("msk-jmx", 11001), ("msk-node", 11002)):
        (static,) = jobs[job]["static_configs"]
        assert static["targets"] == [f"{host}:{port}" for host in BROKERS]
        assert static["labels"] == {"cluster": "ecap-dev-eks", "environment": "dev"}
    namespaces = prom["spec"]["serviceMonitorNamespaceSelector"]["matchExpressions"][0]["values"]
    assert namespaces == ["monitoring", "ecap"]
    assert prom["spec"]["podMonitorSelector"] == {} and prom["spec"]["ruleSelector"] == {}
    (apps,) = _find(rendered, "PodMonitor", "ecap-apps")
    assert apps["spec"]["namespaceSelector"] == {"matchNames": ["ecap"]}
    assert apps["spec"]["podMetricsEndpoints"][0]["port"] == "metrics"
    assert prom["spec"]["retention"] == "7d"
    assert prom["spec"]["storage"]["volumeClaimTemplate"]["spec"]["resources"]["requests"]["storage"] == "10Gi"


def test_dashboards_and_rules_are_loaded(rendered):
    for name in EXPECTED_DASHBOARDS:
        (cm,) = _find(rendered, "ConfigMap", f"grafana-dashboard-ecap-{name}")
        assert cm["metadata"]["labels"]["grafana_dashboard"] == "1"
        assert cm["metadata"]["annotations"]["grafana_folder"] == "ECAP"
        # Byte for byte the dashboard file, after Helm's tpl (legend formats' braces intact).
        assert json.loads(cm["data"][f"{name}.json"]) == json.loads((DASHBOARDS / f"{name}.json").read_text())
    for path in RULES.glob("*.yml"):
        (rule,) = _find(rendered, "PrometheusRule", f"kube-prometheus-stack-ecap-{path.stem}")
        exprs = [r["expr"] for g in rule["spec"]["groups"] for r in g["rules"]]
        assert exprs and not any("@" in e for e in exprs)
        assert any("{{ $labels." in r["annotations"]["summary"] for g in rule["spec"]["groups"] for r in g["rules"])
    # The control-plane rules and dashboards EKS cannot feed are not deployed.
    names = {o["metadata"]["name"] for o in rendered}
    assert not {n for n in names if "etcd" in n or "kube-scheduler" in n or "controller-manager" in n}


def _pod_specs(objects):
    for obj in objects:
        if obj["kind"] in ("Deployment", "DaemonSet", "StatefulSet", "Job"):
            yield obj, obj["spec"]["template"]["spec"]
        elif obj["kind"] == "Pod":
            yield obj, obj["spec"]


def test_every_container_has_resources_probes_and_runs_as_non_root(rendered):
    seen = set()
    for obj, pod in _pod_specs(rendered):
        assert not pod.get("initContainers"), f"{obj['kind']}/{obj['metadata']['name']} has init containers"
        for c in pod["containers"]:
            key = (obj["kind"], obj["metadata"]["name"], c["name"])
            seen.add(key)
            for part in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(c["resources"].get(part, {})), f"{key}: {part}"
            if key not in CONTAINER_EXCEPTIONS:
                assert c.get("livenessProbe") and c.get("readinessProbe"), f"{key}: probes"
            sc = c.get("securityContext", {})
            assert sc.get("runAsNonRoot", pod["securityContext"].get("runAsNonRoot")) is True, f"{key}: root"
            assert sc.get("runAsUser", pod["securityContext"].get("runAsUser", 1)) != 0, f"{key}: uid 0"
            assert sc.get("allowPrivilegeEscalation") is False, f"{key}: privilege escalation"
    assert CONTAINER_EXCEPTIONS <= seen
    assert len(seen) == 8  # operator, kube-state-metrics, node-exporter, grafana + 2 sidecars, 2 hook jobs
    # Prometheus and Alertmanager pods are built by the operator from these specs.
    for kind in ("Prometheus", "Alertmanager"):
        (cr,) = _find(rendered, kind)
        assert {"cpu", "memory"} <= set(cr["spec"]["resources"]["requests"]) & set(cr["spec"]["resources"]["limits"])
        assert cr["spec"]["securityContext"]["runAsNonRoot"] is True
    (operator,) = _find(rendered, "Deployment", "kube-prometheus-stack-operator")
    args = operator["spec"]["template"]["spec"]["containers"][0]["args"]
    assert "--enable-config-reloader-probes=true" in args
    assert any(a.startswith("--config-reloader-cpu-limit=") for a in args)


def test_sizing_follows_the_environment(tmp_path):
    objects = helm_template(render_values("prod"), tmp_path)
    (prom,) = _find(objects, "Prometheus")
    assert (prom["spec"]["replicas"], prom["spec"]["retention"]) == (2, "30d")
    assert prom["spec"]["storage"]["volumeClaimTemplate"]["spec"]["resources"]["requests"]["storage"] == "50Gi"
    assert _find(objects, "Alertmanager")[0]["spec"]["replicas"] == 2
    (pvc,) = _find(objects, "PersistentVolumeClaim", "grafana")
    assert pvc["spec"]["resources"]["requests"]["storage"] == "10Gi"


def test_overrides_and_missing_grafana_role(tmp_path):
    values = yaml.safe_load(
        render_values(
            "staging",
            k8s_apps_grafana_role_arn="",
            k8s_apps_monitoring_sizing={"prometheus_retention": "3d"},
            k8s_apps_storage_class="gp3",
        )
    )
    spec = values["prometheus"]["prometheusSpec"]
    assert spec["retention"] == "3d" and spec["retentionSize"] == "18GB"
    assert spec["storageSpec"]["volumeClaimTemplate"]["spec"]["storageClassName"] == "gp3"
    assert "annotations" not in values["grafana"]["serviceAccount"]


TOPIC = "arn:aws:sns:us-west-2:123456789012:ecap-dev-alarms"
ALERTMANAGER_ROLE = "arn:aws:iam::123456789012:role/ecap-dev-eks-alertmanager"


def _alertmanager(objects) -> tuple[dict, dict]:
    (secret,) = _find(objects, "Secret", "alertmanager-kube-prometheus-stack-alertmanager")
    (account,) = _find(objects, "ServiceAccount", "kube-prometheus-stack-alertmanager")
    return yaml.safe_load(base64.b64decode(secret["data"]["alertmanager.yaml"])), account


def _receiver_of(route: dict, labels: dict) -> str:
    """The receiver Alertmanager picks for an alert: the first matching child route, else the root's
    (enough of Alertmanager's routing for the equality and =~ matchers these values use)."""
    for child in route.get("routes", []):
        ok = True
        for matcher in child.get("matchers", []):
            name, op, value = re.match(r"\s*(\w+)\s*(=~|=)\s*\"?([^\"]*)\"?\s*$", matcher).groups()
            got = labels.get(name, "")
            ok &= bool(re.fullmatch(value, got)) if op == "=~" else got == value
        if ok:
            return child["receiver"]
    return route["receiver"]


def test_alertmanager_sends_to_the_alarm_topic_with_its_irsa_role(tmp_path):
    objects = helm_template(
        render_values(
            "prod",
            k8s_apps_alarm_topic_arn=TOPIC,
            k8s_apps_irsa_role_arns={"alertmanager": ALERTMANAGER_ROLE},
        ),
        tmp_path,
    )
    config, account = _alertmanager(objects)
    assert account["metadata"]["annotations"]["eks.amazonaws.com/role-arn"] == ALERTMANAGER_ROLE
    (alertmanager,) = _find(objects, "Alertmanager")
    assert alertmanager["spec"]["serviceAccountName"] == "kube-prometheus-stack-alertmanager"
    [receiver] = [r for r in config["receivers"] if r["name"] == "alarm-topic"]
    assert receiver["sns_configs"] == [
        {
            "topic_arn": TOPIC,
            "send_resolved": True,
            "sigv4": {"region": "us-west-2"},
            "attributes": {"environment": "prod", "source": "alertmanager"},
        }
    ]
    route = config["route"]
    assert _receiver_of(route, {"alertname": "KafkaUnderReplicatedPartitions", "severity": "critical"}) == "alarm-topic"
    assert _receiver_of(route, {"alertname": "EcapAppHighErrorRate", "severity": "warning"}) == "alarm-topic"
    assert _receiver_of(route, {"alertname": "Watchdog", "severity": "none"}) == "null"
    assert _receiver_of(route, {"alertname": "InfoInhibitor", "severity": "none"}) == "null"
    assert _receiver_of(route, {"alertname": "CPUThrottlingHigh", "severity": "info"}) == "null"
    assert route["repeat_interval"] == "4h"
    # every receiver a route names exists
    names = {r["name"] for r in config["receivers"]}
    assert {route["receiver"], *(c["receiver"] for c in route["routes"])} <= names


def test_alertmanager_without_a_topic_sends_nowhere(tmp_path):
    config, account = _alertmanager(helm_template(render_values("dev", k8s_apps_irsa_role_arns={}), tmp_path))
    assert config["route"]["receiver"] == "null"
    assert [r["name"] for r in config["receivers"]] == ["null"]
    assert "eks.amazonaws.com/role-arn" not in (account["metadata"].get("annotations") or {})
    assert config["route"]["repeat_interval"] == "12h"


def test_the_catalogue_check_rejects_unknown_metrics_and_names():
    with pytest.raises(AssertionError, match="not in metrics-catalog"):
        assert_promql_catalogued('sum(rate(kafka_made_up_total{job="msk-jmx"}[5m]))', "probe")
    with pytest.raises(AssertionError, match="not catalogued"):
        assert_promql_catalogued('kafka_server_ReplicaManager_Value{name="NoSuchMBean"}', "probe")
    with pytest.raises(AssertionError, match="dimensions"):
        assert_cloudwatch_catalogued("ECAP/Business", "Revenue", {"Topic": ["*"]}, "probe")
    with pytest.raises(AssertionError, match="not in metrics-catalog"):
        assert_cloudwatch_catalogued("AWS/RDS", "MadeUpMetric", {}, "probe")
