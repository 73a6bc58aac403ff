"""Module integration targets (tests/integration/targets/<module>/), amazon.aws style, against the emulator."""

from __future__ import annotations

from pathlib import Path

import pytest

TARGETS = sorted(p.name for p in (Path(__file__).parent / "targets").iterdir() if (p / "playbook.yml").exists())

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("target", TARGETS)
def test_target(runner, target):
    result = runner.run(f"tests/integration/targets/{target}/playbook.yml", inventory="localhost,")
    assert result.rc == 0, result.failure_text()
    assert result.tasks, "the target ran no task"
