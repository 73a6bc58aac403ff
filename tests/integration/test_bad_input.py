"""Bad input fails before any mutating API call, with a message that names the variable."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration

CASES = [
    ({"ecap_env": "qa"}, "ecap_env", "local, dev, staging, prod"),
    ({"network_vpc_cidr": "10.0.0.0/20"}, "network_vpc_cidr=10.0.0.0/20", "/18 or larger"),
    ({"network_vpc_cidr": "10.0.0.0/8"}, "network_vpc_cidr=10.0.0.0/8", "/16 to /28"),
    ({"network_az_count": 7}, "network_az_count=7", "at most the 4 available AZs"),
    ({"network_az_count": 1}, "network_az_count=1", "at least 2"),
    ({"network_public_subnets": ["10.9.0.0/24", "10.9.1.0/24", "10.9.2.0/24"]}, "network_public_subnets", "outside"),
    (
        {
            "security_groups_extra_rules": {
                "redis": [
                    {"proto": "tcp", "from_port": 6379, "to_port": 6379, "cidrs": ["0.0.0.0/0"], "description": "oops"}
                ]
            }
        },
        "security group 'redis'",
        "data-service group 'redis' to CIDRs",
    ),
    ({"kms_deletion_window_days": 3}, "kms_deletion_window_days=3", "7 to 30"),
    ({"network_flow_logs_retention_days": 10}, "network_flow_logs_retention_days", "value of"),
    ({"rds_master_password": "hunter2"}, "rds_master_password", "secrets passed in plain variables"),
]


@pytest.mark.parametrize(("extra", "variable", "hint"), CASES, ids=[c[1] for c in CASES])
def test_bad_input_fails_before_any_change(runner, emulator, extra, variable, hint):
    before = emulator.counters()["mutating"]
    result = runner.run(extra=extra)
    assert result.rc != 0
    text = result.failure_text()
    assert variable in text, text
    assert hint in text, text
    assert emulator.counters()["mutating"] == before, "a mutating call was made before the input was refused"


# The same refusals when the value comes from the command line as a string (-e key=value).
CLI_CASES = [
    ("network_az_count=7", "at most the 4 available AZs"),
    ("network_az_count=1", "at least 2"),
    ("kms_deletion_window_days=3", "7 to 30"),
    ("network_vpc_cidr=10.0.0.0/20", "/18 or larger"),
]


@pytest.mark.parametrize(("assignment", "hint"), CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_bad_input_from_the_command_line(runner, emulator, assignment, hint):
    before = emulator.counters()["mutating"]
    result = runner.run("site.yml", "-e", assignment)
    assert result.rc != 0
    text = result.failure_text()
    assert assignment.split("=")[0] in text, text
    assert hint in text, text
    assert emulator.counters()["mutating"] == before
