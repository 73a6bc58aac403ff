"""Interrupted runs: the site killed (SIGKILL, no clean-up) at seeded points across the tiers converges on the next
run to exactly what an uninterrupted run builds -- same resources, no duplicate, no orphan -- and a teardown from
the partial state leaves nothing tagged. Slow (a dozen site runs): `make test-reliability`, not `make test`.

The kill points are counted in mutating API calls (the emulator's counters), so they land inside tasks, between a
create and the tagging or wait that follows it, which is where an interruption hurts."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from reliability_helpers import PROJECT, inventory_of, names_of, record_figures

ROOT = Path(__file__).resolve().parents[2]
ANSIBLE_PLAYBOOK = str(Path(sys.executable).with_name("ansible-playbook"))
pytestmark = pytest.mark.reliability
SEED = int(os.environ.get("ECAP_RELIABILITY_SEED", "20261203"))
POINTS = int(os.environ.get("ECAP_RELIABILITY_POINTS", "3"))


def kill_after(emu, runner, mutating_calls: int, timeout: float = 900) -> int:
    """Start the site and SIGKILL its whole process group once the emulator has seen ``mutating_calls`` writes."""
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": runner.endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-west-2",
        "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
    }
    extra = json.dumps({"ecap_build_dir": str(runner.build_dir)})
    start = emu.counters()["mutating"]
    proc = subprocess.Popen(
        [ANSIBLE_PLAYBOOK, "site.yml", "-i", "inventories/local", "-e", extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + timeout
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            if emu.counters()["mutating"] - start >= mutating_calls:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                return emu.counters()["mutating"] - start
            time.sleep(0.05)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    pytest.fail(
        f"the site finished (rc={proc.returncode}) before {mutating_calls} mutating calls: lower the kill point"
    )


def kill_points(total: int) -> list[int]:
    """``POINTS`` seeded kill points spread over the run: one in each of as many equal slices of its writes."""
    rng = random.Random(SEED)
    width = total // POINTS
    return [rng.randrange(max(1, i * width), (i + 1) * width) for i in range(POINTS)]


def test_interrupted_site_converges_to_the_uninterrupted_result(emu, runner, baseline):
    report = []
    for point in kill_points(baseline["mutating"]):
        emu.reset()
        killed_at = kill_after(emu, runner, point)
        partial = inventory_of(emu)
        resumed = runner.run("site.yml")
        assert resumed.rc == 0, f"killed after {killed_at} writes; the next run failed: {resumed.failure_text()}"
        assert inventory_of(emu) == baseline["inventory"], f"killed after {killed_at} writes: not the baseline"
        assert names_of(emu) == baseline["names"], f"killed after {killed_at} writes: orphans or duplicates"
        again = runner.run("site.yml")
        assert again.changed == 0, (killed_at, again.changed_tasks())
        report.append({"killed_after_writes": killed_at, "resources_then": sum(partial.values())})
    record_figures("interrupted_runs", {"baseline_writes": baseline["mutating"], "converged": report})
    print(f"\ninterruptions (writes before the kill, resources then): {report}; all converged to the baseline")


def test_teardown_from_a_partial_state_leaves_nothing(emu, runner, baseline):
    report = []
    for point in kill_points(baseline["mutating"]):
        emu.reset()
        killed_at = kill_after(emu, runner, point)
        teardown = runner.run("playbooks/teardown.yml", extra={"teardown_delete_data": True})
        assert teardown.rc == 0, f"killed after {killed_at} writes; teardown failed: {teardown.failure_text()}"
        assert emu.resources(PROJECT) == [], f"killed after {killed_at} writes: the teardown left resources"
        report.append(killed_at)
    record_figures("teardown_from_partial", {"killed_after_writes": report, "left_tagged": 0})
