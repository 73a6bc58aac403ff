"""elb_target_group end to end on the emulator: main() in process, state read back with boto3, the emulator's
counters showing that check mode and refused input write nothing and that a no-op run makes exactly three reads
(issue #9: community.aws.elb_target_group made six). The amazon.aws rhythm: check mode, create, re-run, update,
check-mode delete, delete, delete again."""

from __future__ import annotations

import functools

import pytest
from ansible_collections.ecap.platform.plugins.modules import elb_target_group

NAME = "ecap-test-grafana"


@pytest.fixture
def run(run_module):
    return functools.partial(run_module, elb_target_group)


@pytest.fixture(scope="module")
def vpc(aws):
    return aws("ec2").create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]


def read(elbv2):
    try:
        group = elbv2.describe_target_groups(Names=[NAME])["TargetGroups"][0]
    except elbv2.exceptions.TargetGroupNotFoundException:
        return None
    arn = group["TargetGroupArn"]
    attributes = {
        a["Key"]: a["Value"] for a in elbv2.describe_target_group_attributes(TargetGroupArn=arn)["Attributes"]
    }
    tags = {t["Key"]: t["Value"] for t in elbv2.describe_tags(ResourceArns=[arn])["TagDescriptions"][0]["Tags"]}
    return {"group": group, "attributes": attributes, "tags": tags}


def elb_calls(emulator, before):
    now = emulator.counters()["services"].get("elasticloadbalancing", {})
    was = before["services"].get("elasticloadbalancing", {})
    return {op: n - was.get(op, 0) for op, n in now.items() if n - was.get(op, 0)}


def test_lifecycle(run, aws, emulator, vpc):
    elbv2 = aws("elbv2")
    args = {
        "name": NAME,
        "target_type": "ip",
        "protocol": "HTTP",
        "port": 3000,
        "vpc_id": vpc,
        "health_check_protocol": "HTTP",
        "health_check_port": "traffic-port",
        "health_check_path": "/api/health",
        "health_check_interval": 15,
        "health_check_timeout": 5,
        "healthy_threshold_count": 2,
        "unhealthy_threshold_count": 3,
        "successful_response_codes": "200",
        "deregistration_delay_timeout": 30,
        "tags": {"Project": "ecap", "App": "grafana"},
    }

    before = emulator.counters()
    result = run(args, check_mode=True)
    assert result["changed"] is True and result["diff"]["after"]["health_check_path"] == "/api/health"
    assert result["target_group_arn"] == ""
    assert emulator.counters()["mutating"] == before["mutating"] and read(elbv2) is None

    result = run(args)
    assert result["changed"] is True and ":targetgroup/ecap-test-grafana/" in result["target_group_arn"]
    made = read(elbv2)
    group = made["group"]
    assert (group["TargetType"], group["Protocol"], group["Port"], group["VpcId"]) == ("ip", "HTTP", 3000, vpc)
    assert (group["HealthCheckPath"], group["HealthCheckIntervalSeconds"], group["Matcher"]) == (
        "/api/health",
        15,
        {"HttpCode": "200"},
    )
    assert made["attributes"]["deregistration_delay.timeout_seconds"] == "30"
    assert made["tags"] == {"Project": "ecap", "App": "grafana"}

    # The no-op: one read each of the group, its attributes, its tags.
    before = emulator.counters()
    result = run(args)
    assert result["changed"] is False and result["target_group_arn"] == group["TargetGroupArn"]
    assert elb_calls(emulator, before) == {
        "DescribeTargetGroups": 1,
        "DescribeTargetGroupAttributes": 1,
        "DescribeTags": 1,
    }
    before = emulator.counters()
    assert run({**args, "tags": None})["changed"] is False
    assert elb_calls(emulator, before) == {"DescribeTargetGroups": 1, "DescribeTargetGroupAttributes": 1}

    update = {
        **args,
        "health_check_path": "/api/health?ready",
        "successful_response_codes": "200-299",
        "deregistration_delay_timeout": 10,
        "tags": {"Project": "ecap"},
    }
    before = emulator.counters()
    result = run(update, check_mode=True)
    assert result["changed"] is True and result["diff"]["before"]["deregistration_delay_timeout"] == 30
    assert result["diff"]["after"]["deregistration_delay_timeout"] == 10
    assert emulator.counters()["mutating"] == before["mutating"]
    assert run(update)["changed"] is True
    after = read(elbv2)
    assert (
        after["group"]["HealthCheckPath"] == "/api/health?ready" and after["group"]["Matcher"]["HttpCode"] == "200-299"
    )
    assert after["attributes"]["deregistration_delay.timeout_seconds"] == "10" and after["tags"] == {"Project": "ecap"}
    assert run(update)["changed"] is False

    # What a target group keeps for life is refused, with nothing written.
    before = emulator.counters()
    result = run({**update, "port": 3001}, failed=True)
    assert "cannot change port 3000 -> 3001" in result["msg"]
    assert emulator.counters()["mutating"] == before["mutating"]

    before = emulator.counters()
    assert run({"name": NAME, "state": "absent"}, check_mode=True)["changed"] is True
    assert emulator.counters()["mutating"] == before["mutating"] and read(elbv2) is not None
    assert run({"name": NAME, "state": "absent"})["changed"] is True
    assert read(elbv2) is None
    assert run({"name": NAME, "state": "absent"})["changed"] is False


def test_a_new_group_needs_protocol_port_and_vpc(run, emulator):
    before = emulator.counters()["mutating"]
    result = run({"name": "ecap-test-new", "target_type": "ip"}, failed=True)
    assert "needs protocol, port, vpc_id" in result["msg"]
    assert emulator.counters()["mutating"] == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"name": "-bad"}, "must be 1-32 letters"),
        ({"name": "x" * 33}, "must be 1-32 letters"),
        ({"name": NAME, "port": 0}, "between 1 and 65535"),
        ({"name": NAME, "health_check_path": "health"}, "must start with '/'"),
        ({"name": NAME, "health_check_interval": 5, "health_check_timeout": 5}, "must be less than"),
        ({"name": NAME, "healthy_threshold_count": 11}, "between 2 and 10"),
        ({"name": NAME, "deregistration_delay_timeout": 4000}, "between 0 and 3600"),
    ],
)
def test_refused_before_any_call(run, emulator, args, message):
    before = emulator.counters()["total"]
    result = run(args, failed=True)
    assert message in result["msg"]
    assert emulator.counters()["total"] == before
