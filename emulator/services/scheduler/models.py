"""EventBridge Scheduler backend fixes: idempotency tokens, conflicts, validation, group deletion, tags.

moto 5.2.5 keeps schedule groups in ``backend.schedule_groups`` (name → ``ScheduleGroup``, each with its
``schedules``) and tags in ``backend.tagger``. What is added here lives on those objects (a group's
``_emulator_lifecycle``) and on the backend (``ecap_client_tokens``), so ``/moto-api/reset`` clears it.

API reference: https://docs.aws.amazon.com/scheduler/latest/APIReference/
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from moto.core.exceptions import JsonRESTError
from moto.scheduler.exceptions import ScheduleExists, ScheduleGroupNotFound, ValidationException
from moto.scheduler.models import EventBridgeSchedulerBackend, Schedule, ScheduleGroup

from emulator.extensions import extension, original, override
from emulator.lifecycle import Lifecycle

LIFECYCLE = "_emulator_lifecycle"
DEFAULT_GROUP = "default"
NAME = re.compile(r"^[0-9a-zA-Z\-_.]{1,64}$")
ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")
GROUP_ARN = re.compile(r"^arn:aws[a-z-]*:scheduler:[a-z0-9\-]+:\d{12}:schedule-group/([0-9a-zA-Z\-_.]+)$")
UNIVERSAL_TARGET = re.compile(r"^arn:aws[a-z-]*:scheduler:::aws-sdk:[a-z0-9\-]+:[a-zA-Z0-9]+$")
AT = re.compile(r"^at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)$")
RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
CRON_FIELD = re.compile(r"^[0-9A-Za-z*?/,\-#L W]+$")


class ConflictException(JsonRESTError):
    code = 409

    def __init__(self, message: str) -> None:
        super().__init__("ConflictException", message)


class ResourceNotFoundException(JsonRESTError):
    code = 404

    def __init__(self, message: str) -> None:
        super().__init__("ResourceNotFoundException", message)


# --------------------------------------------------------------------------- validation (as AWS answers)


def validate_expression(expression: str) -> None:
    """``at(yyyy-mm-ddThh:mm:ss)``, ``rate(value unit)`` or ``cron(min hour dom month dow year)``."""
    valid = False
    if AT.match(expression or ""):
        try:
            datetime.strptime(expression[3:-1], "%Y-%m-%dT%H:%M:%S")
            valid = True
        except ValueError:
            valid = False
    elif match := RATE.match(expression or ""):
        valid = int(match.group(1)) > 0 and (match.group(1) == "1") == (not match.group(2).endswith("s"))
    elif (expression or "").startswith("cron(") and expression.endswith(")"):
        fields = expression[5:-1].split(" ")
        valid = (
            len(fields) == 6
            and all(field and CRON_FIELD.match(field) for field in fields)
            and (fields[2] == "?") != (fields[4] == "?")
        )
    if not valid:
        raise ValidationException(f"Invalid Schedule Expression {expression}.")


def validate_timezone(timezone: str | None) -> None:
    if timezone is None:
        return
    try:
        ZoneInfo(timezone)
        known = timezone in available_timezones() or timezone == "UTC"
    except (ZoneInfoNotFoundError, ValueError):
        known = False
    if not known:
        raise ValidationException(f"Invalid time zone: {timezone}.")


def validate_window(window: dict[str, Any] | None) -> None:
    mode = (window or {}).get("Mode")
    maximum = (window or {}).get("MaximumWindowInMinutes")
    if mode == "FLEXIBLE" and maximum is None:
        raise ValidationException("MaximumWindowInMinutes is required when the FlexibleTimeWindow Mode is FLEXIBLE.")
    if mode == "OFF" and maximum is not None:
        raise ValidationException("MaximumWindowInMinutes must not be set when the FlexibleTimeWindow Mode is OFF.")
    if mode not in ("OFF", "FLEXIBLE"):
        raise ValidationException(f"Invalid FlexibleTimeWindow Mode {mode}: must be OFF or FLEXIBLE.")


def validate_target(target: dict[str, Any] | None) -> None:
    target = target or {}
    if not ROLE_ARN.match(target.get("RoleArn") or ""):
        raise ValidationException(f"Invalid RoleArn {target.get('RoleArn')}.")
    arn = target.get("Arn") or ""
    if arn.startswith("arn:aws:scheduler:::") and not UNIVERSAL_TARGET.match(arn):
        raise ValidationException(
            f"Invalid universal target {arn}: expected arn:aws:scheduler:::aws-sdk:service:apiAction."
        )


def validate_schedule(
    name: str, expression: str, timezone: str | None, window: dict[str, Any], target: dict[str, Any]
) -> None:
    if not NAME.match(name or ""):
        raise ValidationException(f"Invalid schedule name {name}: 1 to 64 of [0-9a-zA-Z-_.].")
    validate_expression(expression)
    validate_timezone(timezone)
    validate_window(window)
    validate_target(target)


# --------------------------------------------------------------------------- groups: lifecycle and look-ups


def tokens(backend: EventBridgeSchedulerBackend) -> dict[tuple[str, str], tuple[str, str]]:
    """(kind, ClientToken) → (group, name) of what a create with that token made."""
    return backend.__dict__.setdefault("ecap_client_tokens", {})


def group_state(group: ScheduleGroup) -> str:
    lifecycle: Lifecycle | None = group.__dict__.get(LIFECYCLE)
    return (lifecycle.state if lifecycle else None) or "ACTIVE"


def settle_groups(backend: EventBridgeSchedulerBackend) -> None:
    """Forget the groups whose delete has finished (and their tags)."""
    for name, group in list(backend.schedule_groups.items()):
        lifecycle: Lifecycle | None = group.__dict__.get(LIFECYCLE)
        if lifecycle is not None and lifecycle.gone:
            backend.schedule_groups.pop(name, None)
            backend.tagger.delete_all_tags_for_resource(group.arn)


def get_schedule_group(self: EventBridgeSchedulerBackend, group_name: str | None) -> ScheduleGroup:
    """GetScheduleGroup: DELETING while its delete runs, then ResourceNotFoundException."""
    settle_groups(self)
    return original(EventBridgeSchedulerBackend, "get_schedule_group")(self, group_name)


def active_group(backend: EventBridgeSchedulerBackend, group_name: str | None) -> ScheduleGroup:
    group = get_schedule_group(backend, group_name)
    if group_state(group) != "ACTIVE":
        raise ConflictException(f"Schedule group {group.name} is being deleted.")
    return group


def group_to_dict(self: ScheduleGroup) -> dict[str, Any]:
    data = original(ScheduleGroup, "to_dict")(self)
    data["State"] = group_state(self)
    return {k: v for k, v in data.items() if v is not None}


def create_schedule_group(
    self: EventBridgeSchedulerBackend, name: str, tags: list[dict[str, str]] | None, client_token: str | None = None
) -> ScheduleGroup:
    """CreateScheduleGroup: ConflictException for an existing name (moto 5.2.5 replaces the group and loses
    its schedules), except a retry with the same ClientToken, which answers the group."""
    settle_groups(self)
    if not NAME.match(name or ""):
        raise ValidationException(f"Invalid schedule group name {name}: 1 to 64 of [0-9a-zA-Z-_.].")
    if name in self.schedule_groups:
        if client_token and tokens(self).get(("group", client_token)) == (name, ""):
            return self.schedule_groups[name]
        raise ConflictException(f"Schedule group {name} already exists.")
    group = original(EventBridgeSchedulerBackend, "create_schedule_group")(self, name, tags or [])
    group.__dict__[LIFECYCLE] = Lifecycle.begin(
        "scheduler_schedule_group", creating="ACTIVE", ready="ACTIVE", deleting="DELETING", deleted=None
    )
    if client_token:
        tokens(self)[("group", client_token)] = (name, "")
    return group


def delete_schedule_group(self: EventBridgeSchedulerBackend, name: str | None) -> None:
    """DeleteScheduleGroup: deletes the group's schedules; the group is DELETING, then gone. The default
    group cannot be deleted (ValidationException); an unknown group is ResourceNotFoundException."""
    name = name or DEFAULT_GROUP
    if name == DEFAULT_GROUP:
        raise ValidationException("The default schedule group cannot be deleted.")
    group = get_schedule_group(self, name)
    group.schedules.clear()
    lifecycle: Lifecycle | None = group.__dict__.get(LIFECYCLE)
    if lifecycle is None:
        lifecycle = group.__dict__[LIFECYCLE] = Lifecycle.begin(
            "scheduler_schedule_group", creating="ACTIVE", ready="ACTIVE", deleting="DELETING", deleted=None
        )
    lifecycle.delete()
    settle_groups(self)


def list_schedule_groups(self: EventBridgeSchedulerBackend, *args: Any, **kwargs: Any) -> Any:
    settle_groups(self)
    return original(EventBridgeSchedulerBackend, "list_schedule_groups")(self, *args, **kwargs)


# --------------------------------------------------------------------------- schedules


def create_schedule(self: EventBridgeSchedulerBackend, **kwargs: Any) -> Schedule:
    """CreateSchedule: the group must exist (moto 5.2.5: KeyError, HTTP 500) and be ACTIVE; expression,
    time zone, flexible window, role ARN and universal-target ARN checked; a retry with the same ClientToken
    answers the schedule."""
    client_token = kwargs.pop("client_token", None)
    group = active_group(self, kwargs.get("group_name"))
    name = kwargs["name"]
    if name in group.schedules:
        if client_token and tokens(self).get(("schedule", client_token)) == (group.name, name):
            return group.schedules[name]
        raise ScheduleExists(name)
    validate_schedule(
        name,
        kwargs["schedule_expression"],
        kwargs.get("schedule_expression_timezone"),
        kwargs.get("flexible_time_window"),
        kwargs.get("target"),
    )
    kwargs["group_name"] = group.name
    schedule = original(EventBridgeSchedulerBackend, "create_schedule")(self, **kwargs)
    if client_token:
        tokens(self)[("schedule", client_token)] = (group.name, name)
    return schedule


def update_schedule(self: EventBridgeSchedulerBackend, **kwargs: Any) -> Schedule:
    """UpdateSchedule replaces the schedule: what is left out takes its default (State ENABLED, time zone
    UTC, ActionAfterCompletion NONE), as on AWS (moto 5.2.5 stores State None and drops ActionAfterCompletion)."""
    kwargs.pop("client_token", None)
    action_after_completion = kwargs.pop("action_after_completion", None)
    group = active_group(self, kwargs.get("group_name"))
    schedule = group.get_schedule(kwargs["name"])
    validate_schedule(
        kwargs["name"],
        kwargs["schedule_expression"],
        kwargs.get("schedule_expression_timezone"),
        kwargs.get("flexible_time_window"),
        kwargs.get("target"),
    )
    kwargs["state"] = kwargs.get("state") or "ENABLED"
    kwargs["group_name"] = group.name
    schedule = original(EventBridgeSchedulerBackend, "update_schedule")(self, **kwargs)
    schedule.action_after_completion = action_after_completion or "NONE"
    return schedule


def list_schedules(self: EventBridgeSchedulerBackend, group_names: Any, *args: Any, **kwargs: Any) -> Any:
    """ListSchedules of an unknown group: ResourceNotFoundException (moto 5.2.5 answers an empty list)."""
    for name in group_names or []:
        get_schedule_group(self, name)
    return original(EventBridgeSchedulerBackend, "list_schedules")(self, group_names, *args, **kwargs)


# --------------------------------------------------------------------------- tags (schedule groups only)


def tagged_group(backend: EventBridgeSchedulerBackend, arn: str) -> ScheduleGroup:
    """Only schedule groups are taggable (TagResource's ResourceArn pattern); the group must exist."""
    match = GROUP_ARN.match(arn or "")
    if not match:
        raise ValidationException(f"Invalid ResourceArn {arn}: only schedule groups can be tagged.")
    try:
        group = get_schedule_group(backend, match.group(1))
    except ScheduleGroupNotFound:
        raise ResourceNotFoundException(f"Schedule group {match.group(1)} does not exist.") from None
    if group.arn != arn:
        raise ResourceNotFoundException(f"Schedule group {match.group(1)} does not exist.")
    return group


def list_tags_for_resource(self: EventBridgeSchedulerBackend, resource_arn: str) -> dict[str, list[dict[str, str]]]:
    tagged_group(self, resource_arn)
    return original(EventBridgeSchedulerBackend, "list_tags_for_resource")(self, resource_arn)


def tag_resource(self: EventBridgeSchedulerBackend, resource_arn: str, tags: list[dict[str, str]]) -> None:
    tagged_group(self, resource_arn)
    original(EventBridgeSchedulerBackend, "tag_resource")(self, resource_arn, tags)


def untag_resource(self: EventBridgeSchedulerBackend, resource_arn: str, tag_keys: list[str]) -> None:
    tagged_group(self, resource_arn)
    original(EventBridgeSchedulerBackend, "untag_resource")(self, resource_arn, tag_keys or [])


@extension(
    "scheduler",
    "CreateSchedule",
    "UpdateSchedule",
    "ListSchedules",
    "CreateScheduleGroup",
    "GetScheduleGroup",
    "DeleteScheduleGroup",
    "ListScheduleGroups",
    "TagResource",
    "UntagResource",
    "ListTagsForResource",
)
def schedules_and_groups() -> None:
    """Scheduler: ClientToken retries, ConflictException, groups DELETING with their schedules, checks, tags.

    moto 5.2.5 replaces an existing schedule group on a second create (its schedules are lost), answers
    500 for a schedule in an unknown group and for deleting an unknown group, deletes the default group,
    keeps a deleted group's tags (a new group of that name inherits them), tags anything (schedules and
    unknown ARNs too), stores any expression, time zone or flexible window, refuses a retried create with
    the same ClientToken (ConflictException), and UpdateSchedule without State stores none.
    """
    for function in (
        get_schedule_group,
        create_schedule_group,
        delete_schedule_group,
        list_schedule_groups,
        create_schedule,
        update_schedule,
        list_schedules,
        list_tags_for_resource,
        tag_resource,
        untag_resource,
    ):
        override(EventBridgeSchedulerBackend, function)
    override(ScheduleGroup, group_to_dict, "to_dict")
