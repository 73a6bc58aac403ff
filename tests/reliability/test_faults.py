"""The site under injected faults: throttling at 5 % of the calls of every service (each service's own throttling
code and status: RequestLimitExceeded, Throttling, ThrottlingException, TooManyRequestsException, SlowDown, ...)
plus 2 % of 500/503, and a resource stuck CREATING past the run's timeout. Slow (site runs): `make
test-reliability`, not `make test`.

The emulator counts what it injected (``faults_injected``) and which of those requests came again
(``faults_retried``: the same service, operation, method, path, query and body after the fault)."""

from __future__ import annotations

import os
import time

import pytest
from reliability_helpers import PROJECT, inventory_of, names_of, record_figures

pytestmark = pytest.mark.reliability
SEED = int(os.environ.get("ECAP_RELIABILITY_SEED", "20261203"))

#: 5 % throttling, 1 % HTTP 500 and 1 % HTTP 503 on every service. A request draws once per rule and gets the first
#: rule's fault that hits, so the rates are 5 %, 0.95 % and 0.94 %.
FAULTS = {
    "seed": SEED,
    "rules": [
        {"service": "*", "rate": 0.05, "kind": "throttle"},
        {"service": "*", "rate": 0.01, "kind": "server_error"},
        {"service": "*", "rate": 0.01, "kind": "unavailable"},
    ],
}


def _total(counts: dict[str, dict[str, int]]) -> int:
    return sum(n for codes in counts.values() for n in codes.values())


def test_site_converges_under_throttling_and_server_errors(emu, runner, baseline):
    emu.reset()
    emu.set_faults(FAULTS)
    try:
        first = runner.run("site.yml")
        counters = emu.counters()
        assert first.rc == 0, first.failure_text()
        assert inventory_of(emu) == baseline["inventory"], "duplicates or missing resources under faults"
        assert names_of(emu) == baseline["names"], "duplicates or orphans under faults"
        emu.reset_counters()
        again = runner.run("site.yml")  # still faulted: the re-run converges too
        rerun = emu.counters()
        assert again.rc == 0, again.failure_text()
        assert again.changed == 0, again.changed_tasks()
        assert rerun["mutating"] == 0, "a converged re-run writes nothing, faults or not"
    finally:
        emu.set_faults()
    injected, retried = counters["faults_injected"], counters["faults_retried"]
    assert _total(injected) > 50, injected  # the site makes well over a thousand calls
    services_faulted = sorted(injected)
    assert {"ec2", "iam", "kms", "s3", "rds", "elasticache", "kafka", "eks"} <= set(services_faulted), injected
    # Every fault was retried: the run succeeded, and each faulted request came again.
    assert _total(retried) == _total(injected), (injected, retried)
    figures = {
        "seed": SEED,
        "requests": counters["total"],
        "faults_injected": _total(injected),
        "faults_retried": _total(retried),
        "by_service": injected,
        "rerun_changed": again.changed,
        "rerun_faults_injected": _total(rerun["faults_injected"]),
    }
    record_figures("faults", figures)
    print(f"\nfaults: {counters['total']} requests, {_total(injected)} injected, {_total(retried)} retried: {injected}")


def test_a_resource_stuck_creating_fails_by_name_and_the_next_run_picks_it_up(emu, runner, baseline):
    """The RDS instance stays CREATING for 60 s; a run that gives it 5 s fails naming it, the next run waits for
    the same instance instead of creating another."""
    emu.reset()
    emu.set_config(durations={"rds_instance": {"create": 60}})
    try:
        started = time.monotonic()
        stuck = runner.run("site.yml", extra={"rds_wait_timeout": 5, "rds_wait_delay": 1})
        assert stuck.rc != 0
        text = stuck.failure_text()
        assert "ecap-local" in text and "Timed out after 5s" in text and "creating" in text, text
        rds = [r for r in emu.resources(PROJECT) if (r["service"], r["type"]) == ("rds", "db")]
        assert len(rds) == 1, rds
        emu.set_config(durations={})  # new creates are instant again; the stuck one keeps its 60 s
        resumed = runner.run("site.yml", extra={"rds_wait_delay": 2})
        assert resumed.rc == 0, resumed.failure_text()
        assert time.monotonic() - started >= 60, "the next run waited for the instance that was still creating"
        assert [r for r in emu.resources(PROJECT) if (r["service"], r["type"]) == ("rds", "db")] == rds
        assert inventory_of(emu) == baseline["inventory"]
    finally:
        emu.set_config(durations={})
    record_figures("stuck_creating", {"resource": rds[0]["id"], "failed_with": text[:300], "next_run": "converged"})
