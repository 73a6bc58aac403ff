"""EventBridge Scheduler in the emulator, as boto3 sees it: what the scheduler modules and the offhours role need.

The checks using the ``client`` fixture run twice: against the emulator, where they must pass, and against
plain moto 5.2.5, where they are a strict xfail (the gap each fix fills). The check of the DELETING state
runs on the emulator only (it sets a delete duration, which plain moto has no notion of).
"""

from __future__ import annotations

import itertools
import json
import time

import pytest
from botocore.exceptions import ClientError

_names = itertools.count(1)
ROLE = "arn:aws:iam::123456789012:role/ecap-dev-offhours-scheduler"
TARGET = {
    "Arn": "arn:aws:scheduler:::aws-sdk:eks:updateNodegroupConfig",
    "RoleArn": ROLE,
    "Input": json.dumps({"ClusterName": "c", "NodegroupName": "n", "ScalingConfig": {"MinSize": 0, "MaxSize": 3}}),
}
CRON = "cron(0 20 ? * MON-FRI *)"
OFF = {"Mode": "OFF"}


@pytest.fixture
def scheduler(client):
    return client("scheduler")


def code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return error.value.response["Error"]["Code"]


def new_group(scheduler, tags=None) -> str:
    name = f"group-{next(_names)}"
    scheduler.create_schedule_group(Name=name, **({"Tags": tags} if tags else {}))
    return name


def new_schedule(scheduler, group: str, **extra) -> str:
    name = f"schedule-{next(_names)}"
    params = {"ScheduleExpression": CRON, "FlexibleTimeWindow": OFF, "Target": TARGET, **extra}
    scheduler.create_schedule(Name=name, GroupName=group, **params)
    return name


def test_create_schedule_group_twice_is_a_conflict(scheduler) -> None:
    """A second CreateScheduleGroup of a name is ConflictException; moto 5.2.5 replaces the group (schedules lost)."""
    group = new_group(scheduler)
    schedule = new_schedule(scheduler, group)
    with pytest.raises(ClientError) as error:
        scheduler.create_schedule_group(Name=group)
    assert code(error) == "ConflictException"
    assert scheduler.get_schedule(Name=schedule, GroupName=group)["Name"] == schedule


def test_create_schedule_group_retry_with_the_same_client_token(scheduler) -> None:
    """A retried CreateScheduleGroup (same ClientToken) answers the group, another token is a conflict."""
    name = f"group-{next(_names)}"
    arn = scheduler.create_schedule_group(Name=name, ClientToken=f"token-{name}")["ScheduleGroupArn"]
    assert scheduler.create_schedule_group(Name=name, ClientToken=f"token-{name}")["ScheduleGroupArn"] == arn
    with pytest.raises(ClientError) as error:
        scheduler.create_schedule_group(Name=name, ClientToken="another-token")
    assert code(error) == "ConflictException"


def test_create_schedule_retry_with_the_same_client_token(scheduler) -> None:
    """A retried CreateSchedule (same ClientToken) answers the schedule; moto 5.2.5 says ConflictException."""
    group = new_group(scheduler)
    name = f"schedule-{next(_names)}"
    params = {"Name": name, "GroupName": group, "ScheduleExpression": CRON, "FlexibleTimeWindow": OFF, "Target": TARGET}
    arn = scheduler.create_schedule(**params, ClientToken=f"t-{name}")["ScheduleArn"]
    assert scheduler.create_schedule(**params, ClientToken=f"t-{name}")["ScheduleArn"] == arn
    with pytest.raises(ClientError) as error:
        scheduler.create_schedule(**params, ClientToken=f"other-{name}")
    assert code(error) == "ConflictException"


def test_create_schedule_in_an_unknown_group(scheduler) -> None:
    """ResourceNotFoundException naming the group; moto 5.2.5 answers 500 (KeyError)."""
    with pytest.raises(ClientError) as error:
        new_schedule(scheduler, "no-such-group")
    assert code(error) == "ResourceNotFoundException"
    assert "no-such-group" in error.value.response["Error"]["Message"]


@pytest.mark.parametrize(
    "params",
    [
        {"ScheduleExpression": "every night"},
        {"ScheduleExpression": "cron(0 20 * * MON-FRI *)"},  # day-of-month and day-of-week both set
        {"ScheduleExpression": "cron(0 20 ? * MON-FRI)"},  # five fields
        {"ScheduleExpression": "rate(1 hours)"},
        {"ScheduleExpression": "at(2030-02-30T10:00:00)"},
        {"ScheduleExpressionTimezone": "Europe/Atlantis"},
        {"FlexibleTimeWindow": {"Mode": "FLEXIBLE"}},
        {"FlexibleTimeWindow": {"Mode": "OFF", "MaximumWindowInMinutes": 5}},
        {"Target": {**TARGET, "RoleArn": "ecap-dev-offhours-scheduler"}},
        {"Target": {**TARGET, "Arn": "arn:aws:scheduler:::aws-sdk:eks"}},
    ],
    ids=lambda p: next(iter(p.values())) if not isinstance(next(iter(p.values())), dict) else str(p),
)
def test_create_schedule_validates_its_input(scheduler, params) -> None:
    """ValidationException for a bad expression, time zone, flexible window, role ARN or universal-target ARN."""
    group = new_group(scheduler)
    with pytest.raises(ClientError) as error:
        new_schedule(scheduler, group, **params)
    assert code(error) == "ValidationException"


def test_update_schedule_takes_the_defaults_of_what_it_leaves_out(scheduler) -> None:
    """UpdateSchedule replaces the schedule: State left out is ENABLED (moto 5.2.5 stores none)."""
    group = new_group(scheduler)
    name = new_schedule(scheduler, group, State="DISABLED", ScheduleExpressionTimezone="Europe/Berlin")
    scheduler.update_schedule(
        Name=name, GroupName=group, ScheduleExpression="cron(0 21 ? * MON-FRI *)", FlexibleTimeWindow=OFF, Target=TARGET
    )
    schedule = scheduler.get_schedule(Name=name, GroupName=group)
    assert (schedule["State"], schedule["ScheduleExpressionTimezone"], schedule["ScheduleExpression"]) == (
        "ENABLED",
        "UTC",
        "cron(0 21 ? * MON-FRI *)",
    )
    assert schedule["Target"]["Input"] == TARGET["Input"]


def test_list_schedules_of_an_unknown_group(scheduler) -> None:
    """ResourceNotFoundException; moto 5.2.5 answers an empty list."""
    with pytest.raises(ClientError) as error:
        scheduler.list_schedules(GroupName="no-such-group")
    assert code(error) == "ResourceNotFoundException"


def test_delete_schedule_group_deletes_its_schedules_and_tags(scheduler) -> None:
    """The group's schedules and tags go with it; a group made again under that name starts untagged and empty
    (moto 5.2.5 keeps the tags); a second delete is ResourceNotFoundException (moto 5.2.5: 500)."""
    group = new_group(scheduler, tags=[{"Key": "Project", "Value": "ecap"}])
    arn = scheduler.get_schedule_group(Name=group)["Arn"]
    new_schedule(scheduler, group)
    scheduler.delete_schedule_group(Name=group)
    with pytest.raises(ClientError) as error:
        scheduler.get_schedule_group(Name=group)
    assert code(error) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as error:
        scheduler.delete_schedule_group(Name=group)
    assert code(error) == "ResourceNotFoundException"
    scheduler.create_schedule_group(Name=group)
    assert scheduler.list_tags_for_resource(ResourceArn=arn)["Tags"] == []
    assert scheduler.list_schedules(GroupName=group)["Schedules"] == []


def test_default_group_cannot_be_deleted(scheduler) -> None:
    """ValidationException; moto 5.2.5 deletes it (and nothing can be scheduled in it any more)."""
    with pytest.raises(ClientError) as error:
        scheduler.delete_schedule_group(Name="default")
    assert code(error) == "ValidationException"
    assert scheduler.get_schedule_group(Name="default")["State"] == "ACTIVE"


def test_only_existing_schedule_groups_are_taggable(scheduler) -> None:
    """TagResource takes a schedule group's ARN (API model pattern): a schedule's ARN is ValidationException, an
    unknown group ResourceNotFoundException; moto 5.2.5 tags both."""
    group = new_group(scheduler)
    schedule_arn = scheduler.get_schedule(Name=new_schedule(scheduler, group), GroupName=group)["Arn"]
    group_arn = scheduler.get_schedule_group(Name=group)["Arn"]
    with pytest.raises(ClientError) as error:
        scheduler.tag_resource(ResourceArn=schedule_arn, Tags=[{"Key": "a", "Value": "b"}])
    assert code(error) == "ValidationException"
    with pytest.raises(ClientError) as error:
        scheduler.tag_resource(ResourceArn=group_arn + "-gone", Tags=[{"Key": "a", "Value": "b"}])
    assert code(error) == "ResourceNotFoundException"
    scheduler.tag_resource(ResourceArn=group_arn, Tags=[{"Key": "a", "Value": "b"}])
    scheduler.untag_resource(ResourceArn=group_arn, TagKeys=["a"])
    assert scheduler.list_tags_for_resource(ResourceArn=group_arn)["Tags"] == []


def test_deleting_group_is_deleting_then_gone(emulator, aws) -> None:
    """DeleteScheduleGroup: the group is DELETING (its schedules already gone, no schedule can be added:
    ConflictException) until the delete duration (``scheduler_schedule_group``) has passed, then gone."""
    scheduler = aws("scheduler")
    emulator.set_config(durations={"scheduler_schedule_group": {"delete": 1.0}})
    try:
        group = new_group(scheduler)
        new_schedule(scheduler, group)
        scheduler.delete_schedule_group(Name=group)
        assert scheduler.get_schedule_group(Name=group)["State"] == "DELETING"
        assert group in [g["Name"] for g in scheduler.list_schedule_groups()["ScheduleGroups"]]
        assert scheduler.list_schedules(GroupName=group)["Schedules"] == []
        with pytest.raises(ClientError) as error:
            new_schedule(scheduler, group)
        assert code(error) == "ConflictException"
        time.sleep(1.2)
        with pytest.raises(ClientError) as error:
            scheduler.get_schedule_group(Name=group)
        assert code(error) == "ResourceNotFoundException"
    finally:
        emulator.set_config(durations={})
