"""Fixtures of the reliability suites (`make test-reliability`): the integration harness (playbook runner against a
private emulator), loaded under its own name so that it does not clash with the other conftest modules."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

_spec = importlib.util.spec_from_file_location("ecap_integration_harness", ROOT / "tests/integration/conftest.py")
harness = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = harness  # dataclasses look their module up
_spec.loader.exec_module(harness)

from reliability_helpers import PROJECT, inventory_of, names_of  # noqa: E402

from emulator.control import running  # noqa: E402


# One emulator and one baseline for the whole reliability session (each test resets the emulator first).
@pytest.fixture(scope="session")
def emu():
    with running() as emulator:
        yield emulator


@pytest.fixture(scope="session")
def runner(emu, tmp_path_factory):
    return harness.Runner(emu.endpoint, emu, tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="session")
def baseline(emu, runner):
    """An uninterrupted, fault-free site run from empty: what every other run must converge to."""
    emu.reset()
    emu.set_faults()
    first = runner.run("site.yml")
    assert first.rc == 0, first.failure_text()
    total = emu.counters()["mutating"]
    deployed = inventory_of(emu)
    named = names_of(emu)
    teardown = runner.run("playbooks/teardown.yml", extra={"teardown_delete_data": True})
    assert teardown.rc == 0, teardown.failure_text()
    assert emu.resources(PROJECT) == []
    return {"mutating": total, "inventory": deployed, "names": named}
