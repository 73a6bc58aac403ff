"""Scheduling of `make test` on a small machine (2 cores, three xdist workers).

The whole-site sequence (tests/integration/test_site.py) is the critical path: nine playbook runs one after
another, about six minutes alone. Run beside the other files at equal priority it took three times as long.
So the files off the critical path run at a lower CPU priority (nice 10, inherited by the playbooks and the
emulator each starts): they use what the site sequence leaves, and the suite ends when the site sequence
does. The site file is scheduled first (tests/integration/conftest.py), so a worker lowers its priority
only after it; niceness is only ever raised, which needs no privilege.
"""

from __future__ import annotations

import os

import pytest

CRITICAL_PATH = {"tests/integration/test_site.py"}
OFF_PATH_NICENESS = 10


@pytest.fixture(scope="module", autouse=True)
def _off_the_critical_path_yields(request):
    if os.environ.get("PYTEST_XDIST_WORKER") and request.node.nodeid.split("::")[0] not in CRITICAL_PATH:
        current = os.getpriority(os.PRIO_PROCESS, 0)
        if current < OFF_PATH_NICENESS:
            os.nice(OFF_PATH_NICENESS - current)
    yield
