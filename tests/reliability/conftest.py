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

from emulator.control import running  # noqa: E402


@pytest.fixture(scope="module")
def emu():
    with running() as emulator:
        yield emulator


@pytest.fixture(scope="module")
def runner(emu, tmp_path_factory):
    return harness.Runner(emu.endpoint, emu, tmp_path_factory.mktemp("build"))
