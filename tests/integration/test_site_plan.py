"""The site's plan on an empty account, and the refusals that make no API call: on their own emulator, so that
they run beside test_site.py's long sequence (create, drift, update, re-run, teardown) instead of inside it."""

from __future__ import annotations

import pytest

PROJECT_TAG = "Project=ecap"
SERVICES = {"eks", "rds", "msk", "redis", "s3", "logs", "secrets", "sns"}

pytestmark = pytest.mark.integration


def test_plan_refuses_to_run_outside_check_mode(runner, emulator):
    before = emulator.counters()["mutating"]
    result = runner.run("playbooks/plan.yml")
    assert result.rc != 0
    assert "only plans: run it with --check --diff" in result.failure_text()
    assert emulator.counters()["mutating"] == before


def test_plan_on_an_empty_account_lists_creates_and_changes_nothing(runner, emulator):
    before = emulator.counters()["mutating"]
    result, document = runner.plan()
    assert result.changed > 0, "check mode must report what it would create"
    assert emulator.counters()["mutating"] == before, "check mode made a mutating call"
    assert emulator.resources(PROJECT_TAG) == []
    creates = [c["resource"] for c in document["tiers"]["kms"]["changes"] if c["action"] == "create"]
    assert sorted(creates) == sorted(f"Create the service keys with rotation [{s}]" for s in SERVICES)
    assert [c["action"] for c in document["tiers"]["network"]["changes"]] == ["create"]
    # Tiers that need the VPC id say where their plan stops instead of claiming "no changes".
    assert "VPC" in document["tiers"]["network"]["deferred"]
    assert "VPC" in document["tiers"]["security_groups"]["deferred"]
    assert "network does not exist yet" in document["tiers"]["redis"]["deferred"]
    for tier in ("datalake", "rds", "msk"):
        assert "exist yet" in document["tiers"][tier]["deferred"], tier
    assert document["converged"] is False


def test_teardown_of_prod_needs_its_name_before_any_call(runner, emulator):
    before = emulator.counters()["total"]
    result = runner.run("playbooks/teardown.yml", inventory="inventories/prod")
    assert result.rc != 0
    assert "confirm with -e teardown_confirm=prod" in result.failure_text()
    assert emulator.counters()["total"] == before, "an API call was made before the confirmation"
