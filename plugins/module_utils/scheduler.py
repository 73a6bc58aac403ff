# Copyright: ecap.platform contributors
# MIT License
"""EventBridge Scheduler schedule groups and schedules: validate, read, compare, converge
(scheduler_schedule_group, scheduler_schedule).

amazon.aws 10.x has no Scheduler module and community.aws 10.x none either. A group is read with
GetScheduleGroup, a schedule with GetSchedule (one call each); tags exist on groups only (ListTagsForResource,
asked only when the module manages tags). Every create, update and delete carries a ClientToken made once per
module run, so a call botocore retries after it went through is not made twice; a create that meets
ConflictException (made by an earlier, interrupted run) reads the resource and converges it.

UpdateSchedule replaces the whole schedule, so the module always sends every field it manages.
API reference: https://docs.aws.amazon.com/scheduler/latest/APIReference/
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

try:
    from botocore.exceptions import ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.ecap.platform.plugins.module_utils.common import (
    RESERVED_TAG_PREFIX,
    WaitTimeoutError,
    apply_tag_changes,
    dict_to_tags,
    tag_changes,
    tags_to_dict,
    wait_for,
)

DEFAULT_GROUP = "default"
NAME = re.compile(r"^[0-9a-zA-Z\-_.]{1,64}$")
ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")
TARGET_ARN = re.compile(r"^arn:aws[a-z-]*:[a-z0-9\-]+:")
UNIVERSAL_TARGET = re.compile(r"^arn:aws[a-z-]*:scheduler:::aws-sdk:([a-z0-9\-]+):([a-zA-Z0-9]+)$")
#: What a universal target may not call (the user guide's "Unsupported actions": read-only prefixes).
READ_ONLY_PREFIXES = (
    "get", "describe", "list", "poll", "receive", "search", "scan", "query", "select", "read", "lookup",
    "discover", "validate", "batchGet", "batchDescribe", "batchRead", "transactGet", "adminGet", "adminList",
    "testMigration", "retrieve", "testConnection", "translateDocument", "isAuthorized", "invokeModel",
)  # fmt: skip
AT = re.compile(r"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")
RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
CRON_FIELD = re.compile(r"^[0-9A-Za-z*?/,\-#]+$")
DESCRIPTION_MAX = 512
INPUT_MAX = 8192
TAG_LIMIT = 200
#: RetryPolicy's limits and AWS's defaults (a schedule created without one gets them).
EVENT_AGE = (60, 86400)
RETRY_ATTEMPTS = (0, 185)
#: ValidationException while a new execution role is not yet visible to Scheduler (IAM is eventually consistent).
ROLE_NOT_READY = ("assume", "role")


# --------------------------------------------------------------------------- validation


def expression_errors(expression: str | None, option: str = "schedule_expression") -> list[str]:
    """``at(yyyy-mm-ddThh:mm:ss)``, ``rate(value unit)`` or a six-field ``cron(min hour dom month dow year)``
    with ``?`` in exactly one of day-of-month and day-of-week, as Scheduler accepts them."""
    expression = expression or ""
    if match := AT.match(expression):
        try:
            datetime.strptime(match.group(1), "%Y-%m-%dT%H:%M:%S")
            return []
        except ValueError:
            pass
    elif match := RATE.match(expression):
        value, unit = int(match.group(1)), match.group(2)
        if value > 0 and (value == 1) == (not unit.endswith("s")):
            return []
    elif expression.startswith("cron(") and expression.endswith(")"):
        fields = expression[5:-1].split(" ")
        if (
            len(fields) == 6
            and all(field and CRON_FIELD.match(field.replace("L", "").replace("W", "")) for field in fields)
            and (fields[2] == "?") != (fields[4] == "?")
        ):
            return []
    return [
        f"{option}={expression!r} is not a Scheduler expression: use at(yyyy-mm-ddThh:mm:ss), rate(1 hour) / "
        "rate(5 minutes), or cron(minutes hours day-of-month month day-of-week year) with ? in exactly one of the "
        "day fields, e.g. cron(0 20 ? * MON-FRI *)."
    ]


def timezone_errors(timezone: str | None, option: str = "timezone") -> list[str]:
    """An IANA time zone name (Scheduler's ScheduleExpressionTimezone), e.g. Europe/Berlin or UTC."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(timezone or "")
        return []
    except (ZoneInfoNotFoundError, ValueError):
        return [f"{option}={timezone!r} is not an IANA time zone name such as UTC, Europe/Berlin or America/New_York."]


def _name_errors(name: str | None, option: str) -> list[str]:
    if not NAME.match(name or ""):
        return [f"{option}={name!r}: 1 to 64 letters, digits, '-', '_' or '.'."]
    return []


def _tag_errors(tags: Mapping[str, Any] | None) -> list[str]:
    if not tags:
        return []
    errors = []
    reserved = sorted(k for k in tags if str(k).lower().startswith(RESERVED_TAG_PREFIX))
    if reserved:
        errors.append(f"tags: keys starting with {RESERVED_TAG_PREFIX} are reserved by AWS: {', '.join(reserved)}.")
    if len(tags) > TAG_LIMIT:
        errors.append(f"tags: at most {TAG_LIMIT} tags per schedule group, got {len(tags)}.")
    return errors


def target_errors(target: Mapping[str, Any] | None) -> list[str]:
    """The target's ARN (a service ARN or a universal target that is not read-only), role, input, retries."""
    target = target or {}
    errors = []
    arn = target.get("arn") or ""
    universal = UNIVERSAL_TARGET.match(arn)
    if arn.startswith(("arn:aws:scheduler:::", "arn:aws-cn:scheduler:::", "arn:aws-us-gov:scheduler:::")):
        if not universal:
            errors.append(
                f"target.arn={arn!r}: a universal target is arn:aws:scheduler:::aws-sdk:<service>:<apiAction>."
            )
        elif not universal.group(2)[0].islower() or universal.group(2).startswith(READ_ONLY_PREFIXES):
            errors.append(
                f"target.arn={arn!r}: the API action must be camelCase (e.g. stopDBInstance) and not read-only "
                "(Scheduler refuses actions starting with get, describe, list, ...)."
            )
    elif not TARGET_ARN.match(arn):
        errors.append(f"target.arn={arn!r} is not an ARN.")
    if not ROLE_ARN.match(target.get("role_arn") or ""):
        errors.append(
            f"target.role_arn={target.get('role_arn')!r} is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)."
        )
    raw = input_text(target.get("input"))
    if raw is not None:
        if len(raw) > INPUT_MAX:
            errors.append(f"target.input has {len(raw)} characters; at most {INPUT_MAX}.")
        if universal:
            try:
                json.loads(raw)
            except ValueError:
                errors.append("target.input must be JSON for a universal target (the API's request parameters).")
    retry = target.get("retry_policy") or {}
    age = retry.get("maximum_event_age_in_seconds")
    if age is not None and not EVENT_AGE[0] <= age <= EVENT_AGE[1]:
        errors.append(f"target.retry_policy.maximum_event_age_in_seconds={age} must be {EVENT_AGE[0]}-{EVENT_AGE[1]}.")
    attempts = retry.get("maximum_retry_attempts")
    if attempts is not None and not RETRY_ATTEMPTS[0] <= attempts <= RETRY_ATTEMPTS[1]:
        errors.append(
            f"target.retry_policy.maximum_retry_attempts={attempts} must be {RETRY_ATTEMPTS[0]}-{RETRY_ATTEMPTS[1]}."
        )
    return errors


def validate_group(params: Mapping[str, Any]) -> list[str]:
    """Errors in scheduler_schedule_group's options, found before any API call."""
    errors = _name_errors(params["name"], "name")
    if params["name"] == DEFAULT_GROUP and params["state"] == "absent":
        errors.append("The default schedule group cannot be deleted (state=absent).")
    return errors + _tag_errors(params.get("tags"))


def validate_schedule(params: Mapping[str, Any]) -> list[str]:
    """Errors in scheduler_schedule's options, found before any API call."""
    errors = _name_errors(params["name"], "name") + _name_errors(params["group_name"], "group_name")
    if params["state"] == "absent":
        return errors
    if not params.get("schedule_expression"):
        errors.append("schedule_expression is required with state=present.")
    else:
        errors += expression_errors(params["schedule_expression"])
    errors += timezone_errors(params.get("timezone"))
    if len(params.get("description") or "") > DESCRIPTION_MAX:
        errors.append(f"description has {len(params['description'])} characters; at most {DESCRIPTION_MAX}.")
    window = params.get("flexible_window_minutes") or 0
    if not 0 <= window <= 1440:
        errors.append(f"flexible_window_minutes={window} must be 0 (off) to 1440.")
    if not params.get("target"):
        errors.append("target is required with state=present (arn and role_arn).")
    else:
        errors += target_errors(params["target"])
    return errors


# --------------------------------------------------------------------------- shared


def input_text(value: Any) -> str | None:
    """The target's Input as Scheduler stores it: a string; a dict or list is sent as compact JSON."""
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), sort_keys=True)
    return str(value)


def _input_value(raw: str | None) -> Any:
    """Input for comparison and display: parsed when it is JSON (key order and spacing do not count)."""
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _not_found(error: Exception) -> bool:
    return getattr(error, "response", {}).get("Error", {}).get("Code") == "ResourceNotFoundException"


def _role_not_ready(error: Exception) -> bool:
    body = getattr(error, "response", {}).get("Error", {})
    message = str(body.get("Message", "")).lower()
    return body.get("Code") == "ValidationException" and all(word in message for word in ROLE_NOT_READY)


def call_while_role_propagates(call: Callable[[], Any], timeout: float = 60, delay: float = 5,
                               sleep: Callable[[float], None] = time.sleep) -> Any:  # fmt: skip
    """``call()``, again while Scheduler answers that it cannot assume a role IAM has just created."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return call()
        except ClientError as e:
            if not _role_not_ready(e) or time.monotonic() + delay > deadline:
                raise
        sleep(delay)


# --------------------------------------------------------------------------- schedule groups


def describe_group(connection: Any, name: str, with_tags: bool) -> dict[str, Any] | None:
    """The group as GetScheduleGroup answers it, plus ``Tags`` when ``with_tags``; ``None`` when missing."""
    try:
        group = connection.get_schedule_group(aws_retry=True, Name=name)
    except is_boto3_error_code("ResourceNotFoundException"):
        return None
    group = {k: v for k, v in group.items() if k != "ResponseMetadata"}
    if with_tags and group.get("State") != "DELETING":
        group["Tags"] = tags_to_dict(
            connection.list_tags_for_resource(aws_retry=True, ResourceArn=group["Arn"])["Tags"]
        )
    return group


def group_view(group: Mapping[str, Any] | None) -> dict[str, Any]:
    if not group:
        return {}
    view = {"name": group["Name"], "arn": group.get("Arn", ""), "state": group.get("State", "ACTIVE")}
    if "Tags" in group:
        view["tags"] = dict(group["Tags"])
    return view


def plan_group_tags(current: Mapping[str, Any], params: Mapping[str, Any]) -> dict[str, Any]:
    if params.get("tags") is None:
        return {}
    to_set, to_unset = tag_changes(current.get("Tags") or {}, params["tags"], params.get("purge_tags", True))
    return {**({"tags_to_set": to_set} if to_set else {}), **({"tags_to_unset": to_unset} if to_unset else {})}


def wait_group_gone(connection: Any, name: str, timeout: float, delay: float) -> None:
    """Poll GetScheduleGroup until the group is gone (it is DELETING while Scheduler deletes its schedules)."""
    wait_for(
        lambda: describe_group(connection, name, False),
        lambda group: group is None,
        timeout=timeout,
        delay=delay,
        what=f"the schedule group {name} to be deleted",
        state_fn=lambda group: (group or {}).get("State", "gone"),
    )


def converge_group(connection: Any, params: Mapping[str, Any], check_mode: bool) -> dict[str, Any]:
    """scheduler_schedule_group's run: ``{"changed", "schedule_group", "diff"}``."""
    name, with_tags = params["name"], params.get("tags") is not None
    current = describe_group(connection, name, with_tags)
    token = str(uuid.uuid4())
    if params["state"] == "absent":
        if current is None:
            return {"changed": False, "schedule_group": {}}
        changed = current.get("State") != "DELETING"
        if changed and not check_mode:
            try:
                connection.delete_schedule_group(aws_retry=True, Name=name, ClientToken=token)
            except ClientError as e:
                if not _not_found(e):
                    raise
        if params.get("wait") and not check_mode:
            wait_group_gone(connection, name, params["wait_timeout"], params["wait_delay"])
        before = {k: v for k, v in group_view(current).items() if k != "arn"}
        return {
            "changed": changed,
            "schedule_group": {},
            **({"diff": {"before": before, "after": {}}} if changed else {}),
        }

    if current is not None and current.get("State") == "DELETING":
        # An earlier delete is still running: a create now would fail with ConflictException.
        if check_mode:
            current = None
        else:
            wait_group_gone(connection, name, params["wait_timeout"], params["wait_delay"])
            current = None
    if current is None:
        after = {
            "name": name,
            "state": "ACTIVE",
            **({"tags": {k: str(v) for k, v in params["tags"].items()}} if with_tags else {}),
        }
        if check_mode:
            return {"changed": True, "schedule_group": after, "diff": {"before": {}, "after": after}}
        request = {
            "Name": name,
            "ClientToken": token,
            **({"Tags": dict_to_tags(params["tags"])} if params.get("tags") else {}),
        }
        try:
            connection.create_schedule_group(aws_retry=True, **request)
        except is_boto3_error_code("ConflictException"):  # made by an interrupted run: converge it
            current = describe_group(connection, name, with_tags)
            if current is None:
                raise
        else:
            created = describe_group(connection, name, with_tags)
            view = group_view(created)
            return {
                "changed": True,
                "schedule_group": view,
                "diff": {"before": {}, "after": {k: v for k, v in view.items() if k != "arn"}},
            }

    before = group_view(current)
    changes = plan_group_tags(current, params)
    if not changes:
        return {"changed": False, "schedule_group": before}
    after = {
        **before,
        "tags": apply_tag_changes(
            current.get("Tags") or {}, changes.get("tags_to_set", {}), changes.get("tags_to_unset", [])
        ),
    }
    if not check_mode:
        if changes.get("tags_to_unset"):
            connection.untag_resource(
                aws_retry=True, ResourceArn=current["Arn"], TagKeys=list(changes["tags_to_unset"])
            )
        if changes.get("tags_to_set"):
            connection.tag_resource(
                aws_retry=True, ResourceArn=current["Arn"], Tags=dict_to_tags(changes["tags_to_set"])
            )
    strip = lambda view: {k: v for k, v in view.items() if k != "arn"}  # noqa: E731
    return {"changed": True, "schedule_group": after, "diff": {"before": strip(before), "after": strip(after)}}


# --------------------------------------------------------------------------- schedules


def describe_schedule(connection: Any, name: str, group_name: str) -> dict[str, Any] | None:
    """GetSchedule (one call); ``None`` when the schedule or its group does not exist."""
    try:
        schedule = connection.get_schedule(aws_retry=True, Name=name, GroupName=group_name)
    except is_boto3_error_code("ResourceNotFoundException"):
        return None
    return {k: v for k, v in schedule.items() if k != "ResponseMetadata"}


def wanted_schedule(params: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of CreateSchedule / UpdateSchedule the module manages, from its options (AWS's defaults
    written out, so that a comparison with GetSchedule's answer is exact)."""
    target = params["target"]
    retry = target.get("retry_policy") or {}
    request_target: dict[str, Any] = {
        "Arn": target["arn"],
        "RoleArn": target["role_arn"],
        "RetryPolicy": {
            "MaximumEventAgeInSeconds": retry.get("maximum_event_age_in_seconds") or EVENT_AGE[1],
            "MaximumRetryAttempts": RETRY_ATTEMPTS[1]
            if retry.get("maximum_retry_attempts") is None
            else retry["maximum_retry_attempts"],
        },
    }
    if target.get("input") is not None:
        request_target["Input"] = input_text(target["input"])
    if target.get("dead_letter_arn"):
        request_target["DeadLetterConfig"] = {"Arn": target["dead_letter_arn"]}
    window = params.get("flexible_window_minutes") or 0
    wanted: dict[str, Any] = {
        "ScheduleExpression": params["schedule_expression"],
        "ScheduleExpressionTimezone": params.get("timezone") or "UTC",
        "Description": params.get("description") or "",
        "State": "ENABLED" if params.get("enabled", True) else "DISABLED",
        "FlexibleTimeWindow": {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": window} if window else {"Mode": "OFF"},
        "ActionAfterCompletion": params.get("action_after_completion") or "NONE",
        "Target": request_target,
    }
    if params.get("kms_key_arn"):
        wanted["KmsKeyArn"] = params["kms_key_arn"]
    return wanted


def schedule_view(schedule: Mapping[str, Any] | None) -> dict[str, Any]:
    """The module's view of a schedule (GetSchedule's answer or a request), AWS's defaults filled in."""
    if not schedule:
        return {}
    target = schedule.get("Target") or {}
    retry = target.get("RetryPolicy") or {}
    window = schedule.get("FlexibleTimeWindow") or {}
    return {
        "name": schedule.get("Name", ""),
        "group_name": schedule.get("GroupName", DEFAULT_GROUP),
        "arn": schedule.get("Arn", ""),
        "schedule_expression": schedule.get("ScheduleExpression", ""),
        "timezone": schedule.get("ScheduleExpressionTimezone") or "UTC",
        "description": schedule.get("Description") or "",
        "enabled": (schedule.get("State") or "ENABLED") == "ENABLED",
        "flexible_window_minutes": window.get("MaximumWindowInMinutes") or 0 if window.get("Mode") == "FLEXIBLE" else 0,
        "action_after_completion": schedule.get("ActionAfterCompletion") or "NONE",
        "kms_key_arn": schedule.get("KmsKeyArn") or "",
        "target": {
            "arn": target.get("Arn", ""),
            "role_arn": target.get("RoleArn", ""),
            "input": _input_value(target.get("Input")),
            "retry_policy": {
                "maximum_event_age_in_seconds": retry.get("MaximumEventAgeInSeconds", EVENT_AGE[1]),
                "maximum_retry_attempts": retry.get("MaximumRetryAttempts", RETRY_ATTEMPTS[1]),
            },
            "dead_letter_arn": (target.get("DeadLetterConfig") or {}).get("Arn", ""),
        },
    }


def _comparable(view: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in view.items() if k != "arn"}


def converge_schedule(
    connection: Any, params: Mapping[str, Any], check_mode: bool, sleep: Callable[[float], None] = time.sleep
) -> dict[str, Any]:
    """scheduler_schedule's run: ``{"changed", "schedule", "diff"}``."""
    name, group = params["name"], params["group_name"]
    current = describe_schedule(connection, name, group)
    token = str(uuid.uuid4())
    if params["state"] == "absent":
        if current is None:
            return {"changed": False, "schedule": {}}
        if not check_mode:
            try:
                connection.delete_schedule(aws_retry=True, Name=name, GroupName=group, ClientToken=token)
            except ClientError as e:
                if not _not_found(e):
                    raise
        return {"changed": True, "schedule": {}, "diff": {"before": _comparable(schedule_view(current)), "after": {}}}

    wanted = wanted_schedule(params)
    after = schedule_view({"Name": name, "GroupName": group, **wanted})
    before = schedule_view(current)
    if current is not None and _comparable(before) == _comparable(after):
        return {"changed": False, "schedule": before}
    if check_mode:
        return {"changed": True, "schedule": {**after, "arn": before.get("arn", "")},
                "diff": {"before": _comparable(before), "after": _comparable(after)}}  # fmt: skip
    request = {"Name": name, "GroupName": group, "ClientToken": token, **wanted}
    if current is None:
        try:
            call_while_role_propagates(lambda: connection.create_schedule(aws_retry=True, **request), sleep=sleep)
        except ClientError as e:
            code = e.response.get("Error", {}).get("Code")
            if code == "ResourceNotFoundException":
                raise GroupMissing(group) from e
            if code != "ConflictException" or describe_schedule(connection, name, group) is None:
                raise
            # Made by an interrupted run: UpdateSchedule below brings it to what is wanted.
            call_while_role_propagates(lambda: connection.update_schedule(aws_retry=True, **request), sleep=sleep)
    else:
        call_while_role_propagates(lambda: connection.update_schedule(aws_retry=True, **request), sleep=sleep)
    result = schedule_view(describe_schedule(connection, name, group))
    return {"changed": True, "schedule": result, "diff": {"before": _comparable(before), "after": _comparable(after)}}


class GroupMissing(Exception):
    """The schedule's group does not exist (CreateSchedule's ResourceNotFoundException)."""

    def __init__(self, group: str) -> None:
        super().__init__(
            f"The schedule group {group} does not exist: create it first (ecap.platform.scheduler_schedule_group)."
        )


__all__ = [
    "GroupMissing",
    "WaitTimeoutError",
    "converge_group",
    "converge_schedule",
    "expression_errors",
    "timezone_errors",
    "validate_group",
    "validate_schedule",
]
