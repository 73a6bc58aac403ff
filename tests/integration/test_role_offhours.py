"""The off-hours tier on an emulated cluster and database, in the amazon.aws rhythm: check mode on nothing ->
create -> the schedules, fired as EventBridge Scheduler would (their universal target's API called with their
Input), scale the workload group to zero and stop the database, then bring them back -> re-run changes nothing ->
a time-zone change updates exactly the schedules, offhours_rds=false removes the database's -> turned off, all
gone -> absent again. The execution role is checked with IAM's policy simulator. Bad input fails before any
mutating call."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore import xform_name
from botocore.exceptions import ClientError

pytestmark = pytest.mark.integration

PREFIX = "ecap-local"
GROUP = f"{PREFIX}-offhours"
ROLE = f"{PREFIX}-offhours-scheduler"
CLUSTER = f"{PREFIX}-eks"
DB = f"{PREFIX}-postgres"
SCHEDULES = {
    f"{PREFIX}-workload-down": "cron(0 20 ? * MON-FRI *)",
    f"{PREFIX}-workload-up": "cron(0 7 ? * MON-FRI *)",
    f"{PREFIX}-rds-stop": "cron(0 20 ? * MON-FRI *)",
    f"{PREFIX}-rds-start": "cron(45 6 ? * MON-FRI *)",
}
# The local inventory's node groups: (min, desired, max).
SIZES = {"system": (1, 1, 2), "workload": (1, 2, 4)}


@pytest.fixture(scope="module", autouse=True)
def platform(aws):
    """What the eks and rds tiers leave: the cluster with its two node groups and the PostgreSQL instance."""
    eks = aws("eks")
    eks.create_cluster(
        name=CLUSTER,
        version="1.33",
        roleArn="arn:aws:iam::123456789012:role/ecap-local-eks-cluster",
        resourcesVpcConfig={"subnetIds": ["subnet-a", "subnet-b"]},
    )
    for name, (low, desired, high) in SIZES.items():
        eks.create_nodegroup(
            clusterName=CLUSTER,
            nodegroupName=f"{CLUSTER}-{name}",
            nodeRole="arn:aws:iam::123456789012:role/ecap-local-eks-nodes",
            subnets=["subnet-a", "subnet-b"],
            scalingConfig={"minSize": low, "desiredSize": desired, "maxSize": high},
        )
    aws("rds").create_db_instance(
        DBInstanceIdentifier=DB,
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        AllocatedStorage=20,
        MasterUsername="ecap",
        ManageMasterUserPassword=True,
    )


def run_tier(runner, check=False, **extra):
    return runner.run("site.yml", "--tags", "offhours", extra=extra, check=check)


def schedules(aws) -> dict[str, dict]:
    try:
        listed = aws("scheduler").list_schedules(GroupName=GROUP)["Schedules"]
    except ClientError as e:
        assert e.response["Error"]["Code"] == "ResourceNotFoundException"
        return {}
    return {s["Name"]: aws("scheduler").get_schedule(Name=s["Name"], GroupName=GROUP) for s in listed}


def fire(aws, schedule: dict[str, Any]) -> None:
    """What EventBridge Scheduler does at the schedule's time for a universal target: call the API named by the
    target ARN with Input as its request. Input's members are matched to the API's case-insensitively, as the SDK
    names differ in case from boto3's (DbInstanceIdentifier / DBInstanceIdentifier); a member the API does not
    have fails the test, as AWS would fail the invocation."""
    service, action = schedule["Target"]["Arn"].split(":")[-2:]
    client = aws(service)
    model = client.meta.service_model
    operation = next(name for name in model.operation_names if name.lower() == action.lower())
    request = _as_shape(json.loads(schedule["Target"]["Input"]), model.operation_model(operation).input_shape, action)
    getattr(client, xform_name(operation))(**request)


def _as_shape(value: Any, shape: Any, path: str) -> Any:
    if shape.type_name == "structure":
        members = {name.lower(): name for name in shape.members}
        unknown = [key for key in value if key.lower() not in members]
        assert not unknown, f"{path}: {unknown} are not members of {shape.name} ({sorted(shape.members)})"
        return {
            members[k.lower()]: _as_shape(v, shape.members[members[k.lower()]], f"{path}.{k}") for k, v in value.items()
        }
    if shape.type_name == "list":
        return [_as_shape(item, shape.member, path) for item in value]
    return value


def nodegroup(aws, name: str) -> dict:
    return aws("eks").describe_nodegroup(clusterName=CLUSTER, nodegroupName=f"{CLUSTER}-{name}")["nodegroup"]


def sizes(aws, name: str) -> tuple[int, int, int]:
    scaling = nodegroup(aws, name)["scalingConfig"]
    return scaling["minSize"], scaling["desiredSize"], scaling["maxSize"]


def db_status(aws) -> str:
    return aws("rds").describe_db_instances(DBInstanceIdentifier=DB)["DBInstances"][0]["DBInstanceStatus"]


def allowed(aws, actions: list[str], resource: str) -> dict[str, str]:
    role_arn = aws("iam").get_role(RoleName=ROLE)["Role"]["Arn"]
    results = aws("iam").simulate_principal_policy(
        PolicySourceArn=role_arn, ActionNames=actions, ResourceArns=[resource]
    )["EvaluationResults"]
    return {r["EvalActionName"]: r["EvalDecision"] for r in results}


def test_check_mode_on_nothing_makes_no_change(runner, emulator, aws):
    before = emulator.counters()["mutating"]
    result = run_tier(runner, check=True)
    assert result.rc == 0, result.failure_text()
    assert result.changed > 0, "check mode must report what it would create"
    assert emulator.counters()["mutating"] == before, "check mode made a mutating call"
    assert "Converge the off-hours schedules" in [t.split(" : ")[-1] for t in result.changed_tasks()]
    assert schedules(aws) == {}


def test_create(runner, aws, emulator):
    result = run_tier(runner)
    assert result.rc == 0, result.failure_text()

    group = aws("scheduler").get_schedule_group(Name=GROUP)
    tags = {t["Key"]: t["Value"] for t in aws("scheduler").list_tags_for_resource(ResourceArn=group["Arn"])["Tags"]}
    assert tags["Project"] == "ecap" and tags["Environment"] == "local" and tags["Name"] == GROUP

    found = schedules(aws)
    assert {name: s["ScheduleExpression"] for name, s in found.items()} == SCHEDULES
    role_arn = aws("iam").get_role(RoleName=ROLE)["Role"]["Arn"]
    for schedule in found.values():
        assert schedule["ScheduleExpressionTimezone"] == "Europe/Berlin"
        assert schedule["State"] == "ENABLED" and schedule["FlexibleTimeWindow"] == {"Mode": "OFF"}
        assert schedule["Target"]["RoleArn"] == role_arn
        assert schedule["Target"]["RetryPolicy"] == {"MaximumEventAgeInSeconds": 3600, "MaximumRetryAttempts": 3}
    down = json.loads(found[f"{PREFIX}-workload-down"]["Target"]["Input"])
    assert down["ScalingConfig"] == {"MinSize": 0, "DesiredSize": 0, "MaxSize": 4}
    assert down["Taints"] == {
        "AddOrUpdateTaints": [{"Key": "ecap.io/offhours", "Value": "true", "Effect": "NO_SCHEDULE"}]
    }

    # Only EventBridge Scheduler, of this account, for this schedule group, may assume the role.
    trust = aws("iam").get_role(RoleName=ROLE)["Role"]["AssumeRolePolicyDocument"]
    trust = json.loads(trust) if isinstance(trust, str) else trust
    (statement,) = trust["Statement"]
    account = aws("sts").get_caller_identity()["Account"]
    assert statement["Principal"] == {"Service": "scheduler.amazonaws.com"}
    assert statement["Condition"] == {
        "StringEquals": {"aws:SourceAccount": account},
        "ArnLike": {"aws:SourceArn": group["Arn"]},
    }
    # Least privilege: the workload group's config and the instance's stop/start, nothing else.
    workload, system = nodegroup(aws, "workload")["nodegroupArn"], nodegroup(aws, "system")["nodegroupArn"]
    db_arn = aws("rds").describe_db_instances(DBInstanceIdentifier=DB)["DBInstances"][0]["DBInstanceArn"]
    assert allowed(aws, ["eks:UpdateNodegroupConfig", "eks:DeleteNodegroup"], workload) == {
        "eks:UpdateNodegroupConfig": "allowed",
        "eks:DeleteNodegroup": "implicitDeny",
    }
    assert allowed(aws, ["eks:UpdateNodegroupConfig"], system) == {"eks:UpdateNodegroupConfig": "implicitDeny"}
    assert allowed(aws, ["rds:StopDBInstance", "rds:StartDBInstance", "rds:DeleteDBInstance"], db_arn) == {
        "rds:StopDBInstance": "allowed",
        "rds:StartDBInstance": "allowed",
        "rds:DeleteDBInstance": "implicitDeny",
    }

    kinds = {f"{r['service']}:{r['type']}" for r in emulator.resources({"Project": "ecap", "Environment": "local"})}
    assert {"scheduler:schedule_group", "iam:role"} <= kinds, "the leak report must see the tier"


def test_the_schedules_scale_down_and_back(aws):
    found = schedules(aws)
    fire(aws, found[f"{PREFIX}-workload-down"])
    fire(aws, found[f"{PREFIX}-rds-stop"])
    assert sizes(aws, "workload") == (0, 0, 4)
    assert {"key": "ecap.io/offhours", "value": "true", "effect": "NO_SCHEDULE"} in nodegroup(aws, "workload")["taints"]
    assert sizes(aws, "system") == SIZES["system"], "the system group stays up"
    assert db_status(aws) in ("stopping", "stopped")

    fire(aws, found[f"{PREFIX}-rds-start"])
    fire(aws, found[f"{PREFIX}-workload-up"])
    assert sizes(aws, "workload") == SIZES["workload"]
    assert nodegroup(aws, "workload")["taints"] == []
    assert db_status(aws) in ("starting", "available")


def test_rerun_changes_nothing(runner, count_calls):
    with count_calls("iam") as iam:
        result = run_tier(runner)
    assert result.rc == 0, result.failure_text()
    assert result.changed == 0, result.changed_tasks()
    # The Scheduler role with its inline policy, one task item: 4 calls.
    assert iam.calls == {"GetRole": 1, "ListAttachedRolePolicies": 1, "ListRolePolicies": 1, "GetRolePolicy": 1}


def test_a_timezone_change_updates_exactly_the_schedules(runner, aws, emulator):
    emulator.reset_counters()
    result = run_tier(runner, offhours_timezone="America/New_York")
    assert result.rc == 0, result.failure_text()
    assert [t.split(" : ")[-1] for t in result.changed_tasks()] == ["Converge the off-hours schedules"]
    assert emulator.counters()["services"]["scheduler"].get("UpdateSchedule") == 4
    assert {s["ScheduleExpressionTimezone"] for s in schedules(aws).values()} == {"America/New_York"}


def test_without_the_database_its_schedules_and_permissions_go(runner, aws):
    result = run_tier(runner, offhours_rds=False)
    assert result.rc == 0, result.failure_text()
    assert set(schedules(aws)) == {f"{PREFIX}-workload-down", f"{PREFIX}-workload-up"}
    db_arn = aws("rds").describe_db_instances(DBInstanceIdentifier=DB)["DBInstances"][0]["DBInstanceArn"]
    assert allowed(aws, ["rds:StopDBInstance"], db_arn) == {"rds:StopDBInstance": "implicitDeny"}
    assert run_tier(runner, offhours_rds=False).changed == 0


def test_turned_off_then_absent_again(runner, aws, emulator):
    result = run_tier(runner, offhours_enabled=False)
    assert result.rc == 0, result.failure_text()
    assert result.changed > 0
    assert schedules(aws) == {}
    with pytest.raises(ClientError):
        aws("scheduler").get_schedule_group(Name=GROUP)
    with pytest.raises(ClientError):
        aws("iam").get_role(RoleName=ROLE)
    kinds = {f"{r['service']}:{r['type']}" for r in emulator.resources({"Project": "ecap", "Environment": "local"})}
    assert "scheduler:schedule_group" not in kinds
    again = run_tier(runner, ecap_state="absent")
    assert again.rc == 0, again.failure_text()
    assert again.changed == 0, again.changed_tasks()


BAD = [
    (
        {"offhours_scale_down_schedule": "cron(0 20 * * MON-FRI *)"},
        "offhours_scale_down_schedule='cron(0 20 * * MON-FRI *)'",
    ),
    ({"offhours_scale_up_schedule": "0 7 * * 1-5"}, "offhours_scale_up_schedule='0 7 * * 1-5' is not a Scheduler"),
    ({"offhours_timezone": "Berlin"}, "offhours_timezone='Berlin' is not an IANA time zone"),
    ({"offhours_node_groups": ["batch"]}, "unknown: batch"),
    ({"offhours_node_groups": [], "offhours_rds": False}, "with offhours_rds=false at least one"),
    ({"offhours_retry_attempts": 200}, "offhours_retry_attempts=200 0-185"),
    ({"offhours_flexible_window_minutes": 2000}, "offhours_flexible_window_minutes=2000 must be"),
    (
        {"offhours_enabled": "sometimes"},
        "argument 'offhours_enabled' is of type str and we were unable to convert to bool",
    ),
]


@pytest.mark.parametrize(("extra", "message"), BAD, ids=[b[1] for b in BAD])
def test_bad_input_fails_before_any_call(runner, emulator, extra, message):
    before = emulator.counters()["mutating"]
    result = run_tier(runner, **extra)
    assert result.rc != 0
    assert message in result.failure_text(), result.failure_text()
    assert emulator.counters()["mutating"] == before


def test_prod_is_refused_unless_asked(runner, emulator):
    before = emulator.counters()["mutating"]
    result = runner.run(
        "site.yml", "--tags", "offhours", extra={"offhours_enabled": True}, inventory="inventories/prod"
    )
    assert result.rc != 0
    assert "refused unless offhours_allow_prod=true" in result.failure_text(), result.failure_text()
    assert emulator.counters()["mutating"] == before
