"""scheduler_schedule_group and scheduler_schedule on the emulator, in the amazon.aws rhythm: check mode creates
nothing -> create -> re-run changes nothing (calls counted) -> update -> delete in check mode -> delete -> delete
again; a schedule in a missing group, a create an interrupted run already made, the role IAM has not yet
propagated, bad input refused before any call. State is read back with boto3."""

from __future__ import annotations

import functools
import json

import pytest
from ansible_collections.ecap.platform.plugins.module_utils import scheduler
from ansible_collections.ecap.platform.plugins.modules import scheduler_schedule, scheduler_schedule_group
from botocore.exceptions import ClientError

TAGS = {"Project": "ecap", "Environment": "test"}
ROLE = "arn:aws:iam::123456789012:role/test-offhours-scheduler"
STOP = {
    "name": "test-rds-stop",
    "group_name": "test-offhours",
    "schedule_expression": "cron(0 20 ? * MON-FRI *)",
    "timezone": "Europe/Berlin",
    "description": "Stop the test database for the night",
    "target": {
        "arn": "arn:aws:scheduler:::aws-sdk:rds:stopDBInstance",
        "role_arn": ROLE,
        "input": {"DbInstanceIdentifier": "test-postgres"},
        "retry_policy": {"maximum_event_age_in_seconds": 3600, "maximum_retry_attempts": 3},
    },
}


@pytest.fixture
def group(run_module):
    return functools.partial(run_module, scheduler_schedule_group, defaults={"wait_delay": 1})


@pytest.fixture
def schedule(run_module):
    return functools.partial(run_module, scheduler_schedule)


def read_group(aws, name):
    try:
        found = aws("scheduler").get_schedule_group(Name=name)
    except ClientError as e:
        assert e.response["Error"]["Code"] == "ResourceNotFoundException"
        return None
    tags = aws("scheduler").list_tags_for_resource(ResourceArn=found["Arn"])["Tags"]
    return {**found, "Tags": {t["Key"]: t["Value"] for t in tags}}


def read_schedule(aws, name, group_name):
    try:
        return aws("scheduler").get_schedule(Name=name, GroupName=group_name)
    except ClientError as e:
        assert e.response["Error"]["Code"] == "ResourceNotFoundException"
        return None


def calls(emulator) -> dict[str, int]:
    return emulator.counters()["services"].get("scheduler", {})


def delta(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {k: after[k] - before.get(k, 0) for k in after if after[k] != before.get(k, 0)}


@pytest.fixture
def offhours_group(group, aws):
    group({"name": "test-offhours", "tags": TAGS})
    yield "test-offhours"
    group({"name": "test-offhours", "state": "absent"})


def test_group_lifecycle(group, aws, emulator):
    args = {"name": "test-group", "tags": TAGS}
    planned = group(args, check_mode=True)
    assert planned["changed"] and planned["diff"] == {
        "before": {},
        "after": {"name": "test-group", "state": "ACTIVE", "tags": TAGS},
    }
    assert read_group(aws, "test-group") is None

    created = group(args)
    found = read_group(aws, "test-group")
    assert created["changed"] and created["schedule_group"]["arn"] == found["Arn"]
    assert found["State"] == "ACTIVE" and found["Tags"] == TAGS

    before = calls(emulator)
    again = group(args)
    assert again["changed"] is False and again["schedule_group"] == created["schedule_group"]
    assert delta(before, calls(emulator)) == {"GetScheduleGroup": 1, "ListTagsForResource": 1}
    before = calls(emulator)
    assert group({"name": "test-group"})["changed"] is False
    assert delta(before, calls(emulator)) == {"GetScheduleGroup": 1}, "without tags, one read"

    retagged = group({"name": "test-group", "tags": {"Project": "ecap", "Owner": "sre"}})
    assert retagged["changed"] and retagged["diff"]["before"]["tags"] == TAGS
    assert read_group(aws, "test-group")["Tags"] == {"Project": "ecap", "Owner": "sre"}
    assert group({"name": "test-group", "tags": {"Team": "web"}, "purge_tags": False})["changed"]
    assert read_group(aws, "test-group")["Tags"] == {"Project": "ecap", "Owner": "sre", "Team": "web"}

    absent = {"name": "test-group", "state": "absent"}
    assert group(absent, check_mode=True)["changed"] and read_group(aws, "test-group") is not None
    deleted = group(absent)
    assert deleted["changed"] and deleted["schedule_group"] == {} and deleted["diff"]["after"] == {}
    assert read_group(aws, "test-group") is None, "wait=true returns once the group is gone"
    assert group(absent)["changed"] is False


def test_a_group_is_made_again_after_its_delete_finished(group, aws):
    """Deleting is not instant (DELETING while its schedules go): a create of the name waits for the delete."""
    group({"name": "test-again"})
    aws("scheduler").delete_schedule_group(Name="test-again")
    made = group({"name": "test-again", "tags": TAGS})
    assert made["changed"] and read_group(aws, "test-again")["State"] == "ACTIVE"
    assert read_group(aws, "test-again")["Tags"] == TAGS
    group({"name": "test-again", "state": "absent"})


def test_schedule_lifecycle(schedule, offhours_group, aws, emulator):
    planned = schedule(STOP, check_mode=True)
    assert planned["changed"] and planned["diff"]["before"] == {}
    assert planned["diff"]["after"]["target"]["input"] == {"DbInstanceIdentifier": "test-postgres"}
    assert read_schedule(aws, STOP["name"], offhours_group) is None

    created = schedule(STOP)
    assert created["changed"]
    found = read_schedule(aws, STOP["name"], offhours_group)
    assert created["schedule"]["arn"] == found["Arn"]
    assert (found["ScheduleExpression"], found["ScheduleExpressionTimezone"], found["State"]) == (
        "cron(0 20 ? * MON-FRI *)",
        "Europe/Berlin",
        "ENABLED",
    )
    assert found["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert json.loads(found["Target"]["Input"]) == {"DbInstanceIdentifier": "test-postgres"}
    assert found["Target"]["RetryPolicy"] == {"MaximumEventAgeInSeconds": 3600, "MaximumRetryAttempts": 3}
    assert found["Target"]["RoleArn"] == ROLE

    before = calls(emulator)
    again = schedule(STOP)
    assert again["changed"] is False and again["schedule"] == created["schedule"]
    assert delta(before, calls(emulator)) == {"GetSchedule": 1}
    # The same input as a JSON string, keys in another order and spaced: no change.
    as_text = {**STOP, "target": {**STOP["target"], "input": '{ "DbInstanceIdentifier" : "test-postgres" }'}}
    assert schedule(as_text)["changed"] is False

    later = {**STOP, "schedule_expression": "cron(30 21 ? * MON-FRI *)", "flexible_window_minutes": 15}
    planned = schedule(later, check_mode=True)
    assert planned["changed"] and planned["diff"]["after"]["schedule_expression"] == "cron(30 21 ? * MON-FRI *)"
    assert read_schedule(aws, STOP["name"], offhours_group)["ScheduleExpression"] == STOP["schedule_expression"]
    before = calls(emulator)
    updated = schedule(later)
    assert updated["changed"] and updated["diff"]["before"]["schedule_expression"] == STOP["schedule_expression"]
    assert delta(before, calls(emulator)) == {"GetSchedule": 2, "UpdateSchedule": 1}
    found = read_schedule(aws, STOP["name"], offhours_group)
    assert found["ScheduleExpression"] == "cron(30 21 ? * MON-FRI *)"
    assert found["FlexibleTimeWindow"] == {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15}
    # UpdateSchedule replaces the schedule: what was not changed is still there.
    assert found["ScheduleExpressionTimezone"] == "Europe/Berlin" and found["Description"] == STOP["description"]
    assert schedule(later)["changed"] is False

    paused = schedule({**later, "enabled": False})
    assert paused["changed"] and read_schedule(aws, STOP["name"], offhours_group)["State"] == "DISABLED"
    other_input = {**later, "target": {**later["target"], "input": {"DbInstanceIdentifier": "other"}}}
    assert schedule(other_input)["changed"]
    assert (
        json.loads(read_schedule(aws, STOP["name"], offhours_group)["Target"]["Input"])["DbInstanceIdentifier"]
        == "other"
    )

    absent = {"name": STOP["name"], "group_name": offhours_group, "state": "absent"}
    assert schedule(absent, check_mode=True)["changed"] and read_schedule(aws, STOP["name"], offhours_group)
    deleted = schedule(absent)
    assert deleted["changed"] and deleted["diff"]["after"] == {} and deleted["schedule"] == {}
    assert read_schedule(aws, STOP["name"], offhours_group) is None
    assert schedule(absent)["changed"] is False


def test_a_schedule_made_without_the_defaults_compares_equal(schedule, offhours_group, aws):
    """AWS fills the time zone, retry policy and state; the module writes them out, so no false change."""
    aws("scheduler").create_schedule(
        Name="bare",
        GroupName=offhours_group,
        ScheduleExpression="rate(1 hour)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": "arn:aws:sqs:us-west-2:123456789012:q", "RoleArn": ROLE},
    )
    bare = {"name": "bare", "group_name": offhours_group, "schedule_expression": "rate(1 hour)",
            "target": {"arn": "arn:aws:sqs:us-west-2:123456789012:q", "role_arn": ROLE}}  # fmt: skip
    assert schedule(bare)["changed"] is False
    schedule({**bare, "state": "absent"})


def test_a_schedule_in_a_missing_group_fails_clearly(schedule):
    result = schedule({**STOP, "group_name": "no-such-group"}, failed=True)
    assert "The schedule group no-such-group does not exist" in result["msg"]


def test_deleting_the_group_deletes_its_schedules(group, schedule, aws):
    group({"name": "test-doomed"})
    schedule({**STOP, "group_name": "test-doomed"})
    assert group({"name": "test-doomed", "state": "absent"})["changed"]
    assert read_group(aws, "test-doomed") is None
    assert schedule({"name": STOP["name"], "group_name": "test-doomed", "state": "absent"})["changed"] is False


class Racing:
    """A client whose first GetSchedule misses the schedule an interrupted run has just made."""

    def __init__(self, real, aws):
        self.real, self.aws, self.first = real, aws, True

    def get_schedule(self, **kwargs):
        kwargs.pop("aws_retry", None)
        if self.first:
            self.first = False
            self.aws("scheduler").create_schedule(
                Name=kwargs["Name"], GroupName=kwargs["GroupName"], ScheduleExpression="rate(5 minutes)",
                FlexibleTimeWindow={"Mode": "OFF"},
                Target={"Arn": "arn:aws:scheduler:::aws-sdk:rds:stopDBInstance", "RoleArn": ROLE, "Input": "{}"},
            )  # fmt: skip
            raise ClientError({"Error": {"Code": "ResourceNotFoundException", "Message": "nope"}}, "GetSchedule")
        return self.real.get_schedule(**kwargs)

    def __getattr__(self, name):
        call = getattr(self.real, name)
        return lambda **kwargs: call(**{k: v for k, v in kwargs.items() if k != "aws_retry"})


def test_a_create_an_interrupted_run_made_converges(offhours_group, aws):
    params = {
        **STOP,
        "enabled": True,
        "flexible_window_minutes": 0,
        "action_after_completion": "NONE",
        "state": "present",
    }
    result = scheduler.converge_schedule(Racing(aws("scheduler"), aws), params, check_mode=False)
    assert result["changed"]
    found = read_schedule(aws, STOP["name"], offhours_group)
    assert found["ScheduleExpression"] == STOP["schedule_expression"], "the schedule found was updated, not left"
    assert len(aws("scheduler").list_schedules(GroupName=offhours_group)["Schedules"]) == 1
    aws("scheduler").delete_schedule(Name=STOP["name"], GroupName=offhours_group)


def test_a_new_role_is_waited_for():
    """Scheduler refuses a role IAM has not propagated yet; the call is repeated, other errors are not."""
    answers = [
        ClientError(
            {
                "Error": {
                    "Code": "ValidationException",
                    "Message": "The execution role you provide must allow AWS EventBridge Scheduler to assume "
                    "the role.",
                }
            },
            "CreateSchedule",
        ),
        {"ScheduleArn": "arn"},
    ]
    slept = []

    def call():
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert scheduler.call_while_role_propagates(call, sleep=slept.append) == {"ScheduleArn": "arn"}
    assert slept == [5]
    other = ClientError({"Error": {"Code": "ValidationException", "Message": "Invalid Schedule Expression"}}, "X")
    with pytest.raises(ClientError):
        scheduler.call_while_role_propagates(lambda: (_ for _ in ()).throw(other), sleep=slept.append)
    assert slept == [5], "a different ValidationException is not retried"


TARGET = STOP["target"]
BAD_SCHEDULES = [
    ({**STOP, "name": "bad name"}, "name='bad name'"),
    ({**STOP, "group_name": "g" * 65}, "group_name="),
    ({**STOP, "schedule_expression": "cron(0 20 * * MON-FRI *)"}, "? in exactly one"),
    ({**STOP, "schedule_expression": "cron(0 20 ? * MON-FRI)"}, "is not a Scheduler expression"),
    ({**STOP, "schedule_expression": "rate(1 hours)"}, "is not a Scheduler expression"),
    ({**STOP, "schedule_expression": "rate(0 minutes)"}, "is not a Scheduler expression"),
    ({**STOP, "schedule_expression": "at(2026-02-30T10:00:00)"}, "is not a Scheduler expression"),
    ({**STOP, "schedule_expression": "0 20 * * 1-5"}, "is not a Scheduler expression"),
    ({**STOP, "timezone": "Europe/Atlantis"}, "is not an IANA time zone"),
    ({**STOP, "flexible_window_minutes": 1441}, "flexible_window_minutes=1441"),
    ({**STOP, "description": "d" * 513}, "at most 512"),
    ({**STOP, "target": {**TARGET, "arn": "arn:aws:scheduler:::aws-sdk:rds"}}, "universal target is"),
    ({**STOP, "target": {**TARGET, "arn": "arn:aws:scheduler:::aws-sdk:rds:describeDBInstances"}}, "not read-only"),
    ({**STOP, "target": {**TARGET, "arn": "arn:aws:scheduler:::aws-sdk:rds:StopDBInstance"}}, "camelCase"),
    ({**STOP, "target": {**TARGET, "arn": "rds:stop"}}, "is not an ARN"),
    ({**STOP, "target": {**TARGET, "role_arn": "test-role"}}, "is not an IAM role ARN"),
    ({**STOP, "target": {**TARGET, "input": "{not json"}}, "must be JSON"),
    ({**STOP, "target": {**TARGET, "retry_policy": {"maximum_retry_attempts": 186}}}, "must be 0-185"),
    ({**STOP, "target": {**TARGET, "retry_policy": {"maximum_event_age_in_seconds": 30}}}, "must be 60-86400"),
    ({k: v for k, v in STOP.items() if k != "target"}, "target"),
]
BAD_GROUPS = [
    ({"name": "default", "state": "absent"}, "default schedule group cannot be deleted"),
    ({"name": "has space"}, "1 to 64 letters"),
    ({"name": "g", "tags": {"aws:x": "y"}}, "reserved by AWS"),
]


@pytest.mark.parametrize(("args", "message"), BAD_SCHEDULES, ids=[m for _, m in BAD_SCHEDULES])
def test_bad_schedule_input_fails_before_any_call(schedule, emulator, args, message):
    before = emulator.counters()["total"]
    result = schedule(args, failed=True)
    assert message in result["msg"], result["msg"]
    assert emulator.counters()["total"] == before, "a call was made before the input was checked"


@pytest.mark.parametrize(("args", "message"), BAD_GROUPS, ids=[m for _, m in BAD_GROUPS])
def test_bad_group_input_fails_before_any_call(group, emulator, args, message):
    before = emulator.counters()["total"]
    result = group(args, failed=True)
    assert message in result["msg"], result["msg"]
    assert emulator.counters()["total"] == before, "a call was made before the input was checked"
