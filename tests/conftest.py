"""Scheduling of `make test` on a small machine (2 cores, three xdist workers).

The whole-site sequence (tests/integration/test_site.py) is the critical path: nine playbook runs one after
another, about six minutes alone. Run beside the other files at equal priority it took three times as long.
So the files off the critical path run at a lower CPU priority (nice 10, inherited by the playbooks and the
emulator each starts): they use what the site sequence leaves, and the suite ends when the site sequence
does. The site file is scheduled first (below), so a worker lowers its priority only after it; niceness is only
ever raised, which needs no privilege.
"""

from __future__ import annotations

import os

import pytest

# The longest files first (make test runs --dist loadfile --no-loadscope-reorder): the whole-site sequence
# (nine plan, site and teardown runs one after another) starts at once on one worker, the slow tier files
# on the others, and the many short files fill in around them (longest-processing-time-first scheduling).
SLOW_FIRST = (
    "tests/integration/test_site.py",
    "tests/integration/test_role_eks.py",
    "tests/integration/test_role_msk.py",
    "tests/integration/test_role_ingress.py",
)
CRITICAL_PATH = SLOW_FIRST[0]
OFF_PATH_NICENESS = 10


def pytest_collection_modifyitems(session, config, items):
    def rank(item) -> int:
        path = item.nodeid.split("::")[0]
        if path in SLOW_FIRST:
            return SLOW_FIRST.index(path)
        return len(SLOW_FIRST) + (not path.startswith("tests/integration/"))

    items.sort(key=rank)


@pytest.fixture(scope="module", autouse=True)
def _off_the_critical_path_yields(request):
    if os.environ.get("PYTEST_XDIST_WORKER") and request.node.nodeid.split("::")[0] != CRITICAL_PATH:
        current = os.getpriority(os.PRIO_PROCESS, 0)
        if current < OFF_PATH_NICENESS:
            os.nice(OFF_PATH_NICENESS - current)
    yield
