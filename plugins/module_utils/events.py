# Copyright: ecap.platform contributors
# MIT License
"""EventBridge rules: describe, compare and converge a rule with its targets and tags (the events_rule module).

Written because amazon.aws.cloudwatchevent_rule (10.1.2) describes a rule four times and lists its targets three
times on a run that changes nothing, and cannot tag. Here a no-op run reads the rule once (DescribeRule), its
targets once (ListTargetsByRule, only when ``targets`` is set) and its tags once (ListTagsForResource, only when
``tags`` is set).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.ecap.platform.plugins.module_utils.common import (
    apply_tag_changes,
    dict_to_tags,
    paginate,
    tag_changes,
    tags_to_dict,
)

NAME_RE = re.compile(r"^[\.\-_A-Za-z0-9]{1,64}$")
TARGET_ID_RE = re.compile(r"^[\.\-_A-Za-z0-9]{1,64}$")
#: EventBridge's limit of targets per rule.
MAX_TARGETS = 5
#: Option → PutRule / DescribeRule field, for the rule's own settings.
RULE_FIELDS = {
    "description": "Description",
    "schedule_expression": "ScheduleExpression",
    "role_arn": "RoleArn",
}
#: Target option → Target field.
TARGET_FIELDS = {"id": "Id", "arn": "Arn", "input": "Input", "input_path": "InputPath", "role_arn": "RoleArn"}


def validate(params: Mapping[str, Any]) -> list[str]:
    """Errors in the module's options, found before any API call."""
    errors = []
    if not NAME_RE.match(params["name"]):
        errors.append(f"name={params['name']!r} must be 1-64 letters, digits, '.', '-' or '_'.")
    if params.get("state", "present") != "present":
        return errors
    pattern = params.get("event_pattern")
    if isinstance(pattern, str):
        try:
            pattern = json.loads(pattern)
        except ValueError as e:
            errors.append(f"event_pattern is not JSON: {e}.")
            pattern = {}
    if pattern is not None and not isinstance(pattern, dict):
        errors.append("event_pattern must be a JSON object.")
    targets = params.get("targets")
    if targets is not None:
        ids = [t["id"] for t in targets]
        if len(ids) > MAX_TARGETS:
            errors.append(f"A rule has at most {MAX_TARGETS} targets, got {len(ids)}.")
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            errors.append(f"Target ids must be unique: {', '.join(duplicates)}.")
        for target in targets:
            if not TARGET_ID_RE.match(target["id"]):
                errors.append(f"target id {target['id']!r} must be 1-64 letters, digits, '.', '-' or '_'.")
            if target.get("input") is not None and target.get("input_path") is not None:
                errors.append(f"target {target['id']}: input and input_path exclude each other.")
    return errors


def creatable(params: Mapping[str, Any]) -> str | None:
    """Why a new rule cannot be made from ``params``, or ``None``."""
    if params.get("event_pattern") is None and not params.get("schedule_expression"):
        return f"Rule {params['name']} does not exist: creating it needs an event_pattern or a schedule_expression."
    return None


def wanted_pattern(params: Mapping[str, Any]) -> dict[str, Any] | None:
    pattern = params.get("event_pattern")
    if pattern is None:
        return None
    return json.loads(pattern) if isinstance(pattern, str) else dict(pattern)


def _input(value: Any) -> str | None:
    """A target's input as the JSON text EventBridge keeps (a dict is serialised, sorted)."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True)


def wanted_targets(params: Mapping[str, Any]) -> list[dict[str, str]] | None:
    """The ``targets`` option as API targets (``[{"Id", "Arn", ...}]``), or ``None`` when not managed."""
    if params.get("targets") is None:
        return None
    targets = []
    for target in params["targets"]:
        api = {field: target.get(option) for option, field in TARGET_FIELDS.items()}
        api["Input"] = _input(target.get("input"))
        targets.append({k: v for k, v in api.items() if v is not None})
    return sorted(targets, key=lambda t: t["Id"])


def describe(connection: Any, params: Mapping[str, Any]) -> dict[str, Any] | None:
    """DescribeRule, plus ``Targets`` when they are managed and ``Tags`` when tags are; ``None`` when absent."""
    bus = params.get("event_bus_name") or "default"
    try:
        rule = connection.describe_rule(aws_retry=True, Name=params["name"], EventBusName=bus)
    except is_boto3_error_code("ResourceNotFoundException"):
        return None
    rule.pop("ResponseMetadata", None)
    if params.get("targets") is not None or params.get("state") == "absent":
        rule["Targets"] = list_targets(connection, params["name"], bus)
    if params.get("tags") is not None:
        rule["Tags"] = tags_to_dict(connection.list_tags_for_resource(aws_retry=True, ResourceARN=rule["Arn"])["Tags"])
    return rule


def list_targets(connection: Any, name: str, bus: str) -> list[dict[str, Any]]:
    return paginate(connection.list_targets_by_rule, "Targets", Rule=name, EventBusName=bus)


def _target_view(target: Mapping[str, Any]) -> dict[str, str]:
    return {option: target[field] for option, field in TARGET_FIELDS.items() if target.get(field) is not None}


def _pattern(rule: Mapping[str, Any]) -> dict[str, Any] | None:
    text = rule.get("EventPattern")
    return json.loads(text) if text else None


def view(rule: Mapping[str, Any] | None) -> dict[str, Any]:
    """The fields the module manages, snake_cased, for ``diff`` and the result."""
    if not rule:
        return {}
    result = {
        "name": rule["Name"],
        "arn": rule.get("Arn", ""),
        "event_bus_name": rule.get("EventBusName", "default"),
        "description": rule.get("Description", ""),
        "event_pattern": _pattern(rule) or {},
        "schedule_expression": rule.get("ScheduleExpression", ""),
        "role_arn": rule.get("RoleArn", ""),
        "state": rule.get("State", "ENABLED"),
    }
    if "Targets" in rule:
        result["targets"] = sorted((_target_view(t) for t in rule["Targets"]), key=lambda t: t["id"])
    if "Tags" in rule:
        result["tags"] = dict(rule["Tags"])
    return result


def _wanted_state(params: Mapping[str, Any]) -> str:
    return "ENABLED" if params.get("enabled", True) else "DISABLED"


def _comparable(target: Mapping[str, Any]) -> dict[str, Any]:
    """A target with its input parsed, so JSON that differs only in spacing or key order is the same."""
    result = dict(target)
    if result.get("Input"):
        try:
            result["Input"] = json.loads(result["Input"])
        except ValueError:
            pass
    return result


def plan(current: Mapping[str, Any], params: Mapping[str, Any]) -> dict[str, Any]:
    """What to change on an existing rule: ``rule`` (PutRule), ``put_targets``, ``remove_targets``, tags.

    An option left unset (``None``) is not managed. Returns an empty dict when nothing differs.
    """
    changes: dict[str, Any] = {}
    rule_differs = any(
        params.get(option) is not None and params[option] != current.get(field, "")
        for option, field in RULE_FIELDS.items()
    )
    pattern = wanted_pattern(params)
    if pattern is not None and pattern != _pattern(current):
        rule_differs = True
    if _wanted_state(params) != current.get("State", "ENABLED"):
        rule_differs = True
    if rule_differs:
        changes["rule"] = True
    targets = wanted_targets(params)
    if targets is not None:
        have = {t["Id"]: t for t in current.get("Targets", [])}
        put = [t for t in targets if t["Id"] not in have or _comparable(_strip(have[t["Id"]])) != _comparable(t)]
        wanted_ids = {t["Id"] for t in targets}
        remove = sorted(i for i in have if i not in wanted_ids) if params.get("purge_targets", True) else []
        if put:
            changes["put_targets"] = put
        if remove:
            changes["remove_targets"] = remove
    to_set, to_unset = tag_changes(current.get("Tags", {}), params.get("tags"), params.get("purge_tags", True))
    if to_set:
        changes["tags_to_set"] = to_set
    if to_unset:
        changes["tags_to_unset"] = to_unset
    return changes


def _strip(target: Mapping[str, Any]) -> dict[str, Any]:
    """A listed target with only the fields the module manages."""
    return {field: target[field] for field in TARGET_FIELDS.values() if target.get(field) is not None}


def rule_request(current: Mapping[str, Any] | None, params: Mapping[str, Any]) -> dict[str, Any]:
    """The PutRule request: PutRule replaces the whole definition, so unset options keep their current value."""
    current = current or {}
    request: dict[str, Any] = {
        "Name": params["name"],
        "EventBusName": params.get("event_bus_name") or "default",
        "State": _wanted_state(params),
    }
    for option, field in RULE_FIELDS.items():
        value = params[option] if params.get(option) is not None else current.get(field)
        if value:
            request[field] = value
    pattern = wanted_pattern(params)
    if pattern is not None:
        request["EventPattern"] = json.dumps(pattern, sort_keys=True)
    elif current.get("EventPattern"):
        request["EventPattern"] = current["EventPattern"]
    return request


def predicted(current: Mapping[str, Any] | None, params: Mapping[str, Any], changes: Mapping[str, Any]) -> dict:
    """The view of the rule after ``changes`` (or after its creation), for check mode and diff."""
    request = rule_request(current, params)
    after = view({**(current or {}), **request, "Arn": (current or {}).get("Arn", "")})
    targets = wanted_targets(params)
    if targets is not None:
        have = {t["Id"]: _strip(t) for t in (current or {}).get("Targets", [])}
        for target in targets:
            have[target["Id"]] = target
        for target_id in changes.get("remove_targets", []):
            have.pop(target_id, None)
        after["targets"] = sorted((_target_view(t) for t in have.values()), key=lambda t: t["id"])
    if params.get("tags") is not None:
        base = (current or {}).get("Tags", {})
        if current is None:
            after["tags"] = {k: str(v) for k, v in params["tags"].items()}
        else:
            after["tags"] = apply_tag_changes(base, changes.get("tags_to_set", {}), changes.get("tags_to_unset", []))
    return after


def create(connection: Any, params: Mapping[str, Any]) -> None:
    """PutRule with the tags (they only apply to a new rule), then PutTargets."""
    request = rule_request(None, params)
    if params.get("tags"):
        request["Tags"] = dict_to_tags(params["tags"])
    connection.put_rule(aws_retry=True, **request)
    targets = wanted_targets(params)
    if targets:
        put_targets(connection, params, targets)


def put_targets(connection: Any, params: Mapping[str, Any], targets: list[dict[str, Any]]) -> None:
    bus = params.get("event_bus_name") or "default"
    response = connection.put_targets(aws_retry=True, Rule=params["name"], EventBusName=bus, Targets=targets)
    if response.get("FailedEntryCount"):
        raise TargetError(f"PutTargets failed for {response.get('FailedEntries')}")


class TargetError(Exception):
    """PutTargets or RemoveTargets answered with failed entries."""


def apply(connection: Any, current: Mapping[str, Any], params: Mapping[str, Any], changes: Mapping[str, Any]) -> None:
    bus = params.get("event_bus_name") or "default"
    if changes.get("rule"):
        connection.put_rule(aws_retry=True, **rule_request(current, params))
    if changes.get("remove_targets"):
        response = connection.remove_targets(
            aws_retry=True, Rule=params["name"], EventBusName=bus, Ids=list(changes["remove_targets"])
        )
        if response.get("FailedEntryCount"):
            raise TargetError(f"RemoveTargets failed for {response.get('FailedEntries')}")
    if changes.get("put_targets"):
        put_targets(connection, params, list(changes["put_targets"]))
    if changes.get("tags_to_unset"):
        connection.untag_resource(aws_retry=True, ResourceARN=current["Arn"], TagKeys=list(changes["tags_to_unset"]))
    if changes.get("tags_to_set"):
        connection.tag_resource(aws_retry=True, ResourceARN=current["Arn"], Tags=dict_to_tags(changes["tags_to_set"]))


def delete(connection: Any, current: Mapping[str, Any]) -> None:
    """Remove the rule's targets (EventBridge refuses to delete a rule that has some), then the rule."""
    bus = current.get("EventBusName", "default")
    ids = [t["Id"] for t in current.get("Targets", [])]
    if ids:
        connection.remove_targets(aws_retry=True, Rule=current["Name"], EventBusName=bus, Ids=ids)
    try:
        connection.delete_rule(aws_retry=True, Name=current["Name"], EventBusName=bus)
    except is_boto3_error_code("ResourceNotFoundException"):
        pass
