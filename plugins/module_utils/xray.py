# Copyright: ecap.platform contributors
# MIT License
"""AWS X-Ray groups and sampling rules: validate, read, compare, converge (xray_group, xray_sampling_rule).

Neither amazon.aws nor community.aws (10.x) has an X-Ray module. A group is read with GetGroup (by name),
a sampling rule from GetSamplingRules (every rule of the Region, paged; there is no GetSamplingRule); tags
need ListTagsForResource, asked only when the module manages tags. Writes: CreateGroup / UpdateGroup /
DeleteGroup, CreateSamplingRule / UpdateSamplingRule / DeleteSamplingRule, TagResource / UntagResource.
X-Ray has no client token: a create retried after it went through meets "already exists", and the module
then reads the resource and converges it as an existing one.

Every account has a ``Default`` group and a ``Default`` sampling rule. They cannot be deleted; the module
can set the Default group's insights and the Default rule's rate and reservoir.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

try:
    from botocore.exceptions import ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.ecap.platform.plugins.module_utils.common import (
    RESERVED_TAG_PREFIX,
    apply_tag_changes,
    dict_to_tags,
    paginate,
    tag_changes,
    tags_to_dict,
)

DEFAULT = "Default"
NAME_MAX = 32
#: The module's own guard: X-Ray's API model sets no maximum, a longer expression is a templating mistake.
FILTER_EXPRESSION_MAX = 2000
TAG_LIMIT = 50
#: Sampling-rule option → SamplingRule field (the rule's matchers and its rate).
RULE_FIELDS = {
    "priority": "Priority",
    "fixed_rate": "FixedRate",
    "reservoir_size": "ReservoirSize",
    "service_name": "ServiceName",
    "service_type": "ServiceType",
    "host": "Host",
    "http_method": "HTTPMethod",
    "url_path": "URLPath",
    "resource_arn": "ResourceARN",
    "attributes": "Attributes",
}
#: Matcher option → its maximum length (the API reference's length constraints).
MATCHER_LENGTHS = {
    "service_name": 64,
    "service_type": 64,
    "host": 64,
    "http_method": 10,
    "url_path": 128,
    "resource_arn": 500,
}
#: What the Default rule lets change.
DEFAULT_RULE_OPTIONS = ("fixed_rate", "reservoir_size")


# --------------------------------------------------------------------------- validation


def _name_errors(name: str | None, kind: str) -> list[str]:
    if not name or len(name) > NAME_MAX:
        return [f"name={name!r}: the {kind} name must be 1-{NAME_MAX} characters (it has {len(name or '')})."]
    return []


def _tag_errors(tags: Mapping[str, Any] | None) -> list[str]:
    if not tags:
        return []
    errors = []
    reserved = sorted(k for k in tags if str(k).lower().startswith(RESERVED_TAG_PREFIX))
    if reserved:
        errors.append(f"tags: keys starting with {RESERVED_TAG_PREFIX} are reserved by AWS: {', '.join(reserved)}.")
    if len(tags) > TAG_LIMIT:
        errors.append(f"tags: at most {TAG_LIMIT} tags per X-Ray resource, got {len(tags)}.")
    long_keys = sorted(k for k, v in tags.items() if not 1 <= len(str(k)) <= 128 or len(str(v)) > 256)
    if long_keys:
        errors.append(f"tags: keys must be 1-128 characters and values at most 256: {', '.join(long_keys)}.")
    return errors


def filter_expression_errors(expression: str | None) -> list[str]:
    """Length and balanced quotes, parentheses and braces (X-Ray parses the rest)."""
    if expression is None or not expression.strip():
        return ["filter_expression is required with state=present and cannot be blank."]
    if len(expression) > FILTER_EXPRESSION_MAX:
        return [f"filter_expression has {len(expression)} characters; at most {FILTER_EXPRESSION_MAX}."]
    stack: list[str] = []
    quote = None
    for char in expression:
        if quote:
            quote = None if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "({":
            stack.append(char)
        elif char in ")}":
            if not stack or stack.pop() != {")": "(", "}": "{"}[char]:
                return [f"filter_expression has an unbalanced {char!r}: {expression}"]
    if quote or stack:
        return [f"filter_expression has an unclosed quote or bracket: {expression}"]
    return []


def validate_group(params: Mapping[str, Any]) -> list[str]:
    """Errors in xray_group's options, found before any API call."""
    name = params["name"]
    errors = _name_errors(name, "group")
    if params["state"] == "absent":
        if name == DEFAULT:
            errors.append("The Default group cannot be deleted (state=absent).")
        return errors
    if name == DEFAULT:
        if params.get("filter_expression") is not None:
            errors.append("The Default group has no filter expression: leave filter_expression unset.")
    else:
        errors += filter_expression_errors(params.get("filter_expression"))
    if params.get("notifications_enabled") and params.get("insights_enabled") is False:
        errors.append("notifications_enabled=true needs insights_enabled=true (X-Ray notifies on insights only).")
    return errors + _tag_errors(params.get("tags"))


def validate_rule(params: Mapping[str, Any]) -> list[str]:
    """Errors in xray_sampling_rule's options, found before any API call."""
    name = params["name"]
    errors = _name_errors(name, "sampling rule")
    if params["state"] == "absent":
        if name == DEFAULT:
            errors.append("The Default sampling rule cannot be deleted (state=absent).")
        return errors
    if name == DEFAULT:
        fixed = [o for o in RULE_FIELDS if o not in DEFAULT_RULE_OPTIONS and params.get(o) not in (None, "*", {})]
        if params.get("priority") is not None:
            fixed = ["priority", *[o for o in fixed if o != "priority"]]
        if fixed:
            errors.append(f"Only fixed_rate and reservoir_size of the Default rule can change, not {', '.join(fixed)}.")
    else:
        missing = [o for o in ("priority", "fixed_rate", "reservoir_size") if params.get(o) is None]
        if missing:
            errors.append(f"{', '.join(missing)} required with state=present.")
    priority = params.get("priority")
    if priority is not None and not 1 <= priority <= 9999:
        errors.append(f"priority={priority} must be 1-9999 (lower is evaluated first; Default is 10000).")
    rate = params.get("fixed_rate")
    if rate is not None and not 0 <= rate <= 1:
        errors.append(f"fixed_rate={rate} must be between 0 and 1 (a fraction of the requests, 0.05 is 5 %).")
    reservoir = params.get("reservoir_size")
    if reservoir is not None and reservoir < 0:
        errors.append(f"reservoir_size={reservoir} must be 0 or more (traces per second before fixed_rate applies).")
    for option, limit in MATCHER_LENGTHS.items():
        value = params.get(option)
        if value is not None and len(value) > limit:
            errors.append(f"{option} has {len(value)} characters; at most {limit}.")
    attributes = params.get("attributes")
    if attributes:
        if len(attributes) > 5:
            errors.append(f"attributes: at most 5, got {len(attributes)}.")
        bad = sorted(k for k, v in attributes.items() if not 1 <= len(str(k)) <= 32 or not 1 <= len(str(v)) <= 32)
        if bad:
            errors.append(f"attributes: keys and values must be 1-32 characters: {', '.join(bad)}.")
    return errors + _tag_errors(params.get("tags"))


# --------------------------------------------------------------------------- shared


def _is_not_found(error: Exception) -> bool:
    """X-Ray answers InvalidRequestException ("Group not found", "Sampling rule does not exist")."""
    message = str(getattr(error, "response", {}).get("Error", {}).get("Message", "")).lower()
    return "not found" in message or "does not exist" in message or "not exist" in message


def _already_exists(error: Exception) -> bool:
    return "already exists" in str(getattr(error, "response", {}).get("Error", {}).get("Message", "")).lower()


def read_tags(connection: Any, arn: str) -> dict[str, str]:
    return tags_to_dict(paginate(connection.list_tags_for_resource, "Tags", ResourceARN=arn))


def plan_tags(current: Mapping[str, str] | None, params: Mapping[str, Any]) -> dict[str, Any]:
    if params.get("tags") is None:
        return {}
    to_set, to_unset = tag_changes(current or {}, params["tags"], params.get("purge_tags", True))
    return {**({"tags_to_set": to_set} if to_set else {}), **({"tags_to_unset": to_unset} if to_unset else {})}


def apply_tags(connection: Any, arn: str, changes: Mapping[str, Any]) -> None:
    if changes.get("tags_to_unset"):
        connection.untag_resource(aws_retry=True, ResourceARN=arn, TagKeys=list(changes["tags_to_unset"]))
    if changes.get("tags_to_set"):
        connection.tag_resource(aws_retry=True, ResourceARN=arn, Tags=dict_to_tags(changes["tags_to_set"]))


def _with_tags(view: dict[str, Any], current: Mapping[str, str] | None, changes: Mapping[str, Any]) -> dict:
    if current is not None:
        view["tags"] = apply_tag_changes(current, changes.get("tags_to_set", {}), changes.get("tags_to_unset", []))
    return view


# --------------------------------------------------------------------------- groups


def describe_group(connection: Any, name: str, with_tags: bool) -> dict[str, Any] | None:
    """The group ``name`` as GetGroup describes it, plus ``Tags`` when ``with_tags``; ``None`` if missing."""
    try:
        group = connection.get_group(aws_retry=True, GroupName=name)["Group"]
    except is_boto3_error_code("InvalidRequestException") as e:
        if _is_not_found(e):
            return None
        raise
    if with_tags:
        group["Tags"] = read_tags(connection, group["GroupARN"])
    return group


def group_view(group: Mapping[str, Any] | None) -> dict[str, Any]:
    if not group:
        return {}
    insights = group.get("InsightsConfiguration") or {}
    view = {
        "name": group["GroupName"],
        "arn": group.get("GroupARN", ""),
        "filter_expression": group.get("FilterExpression", ""),
        "insights_enabled": bool(insights.get("InsightsEnabled")),
        "notifications_enabled": bool(insights.get("NotificationsEnabled")),
    }
    if "Tags" in group:
        view["tags"] = dict(group["Tags"])
    return view


def plan_group(current: Mapping[str, Any], params: Mapping[str, Any]) -> dict[str, Any]:
    """What UpdateGroup and the tag calls must change on an existing group (empty: nothing)."""
    have = group_view(current)
    changes: dict[str, Any] = {}
    expression = params.get("filter_expression")
    if expression is not None and expression != have["filter_expression"]:
        changes["FilterExpression"] = expression
    insights = {
        field: params[option]
        for option, field in (
            ("insights_enabled", "InsightsEnabled"),
            ("notifications_enabled", "NotificationsEnabled"),
        )
        if params.get(option) is not None and params[option] != have[option]
    }
    if insights:
        # Sent whole: X-Ray checks notifications against the insights of the same request.
        changes["InsightsConfiguration"] = {
            "InsightsEnabled": insights.get("InsightsEnabled", have["insights_enabled"]),
            "NotificationsEnabled": insights.get("NotificationsEnabled", have["notifications_enabled"]),
        }
    return {**changes, **plan_tags(current.get("Tags"), params)}


def predicted_group(current: Mapping[str, Any] | None, params: Mapping[str, Any], changes: Mapping[str, Any]) -> dict:
    """The view after the create or the changes (check mode, diff)."""
    if current is None:
        view = {
            "name": params["name"],
            "filter_expression": params.get("filter_expression") or "",
            "insights_enabled": bool(params.get("insights_enabled")),
            "notifications_enabled": bool(params.get("notifications_enabled")),
        }
        if params.get("tags") is not None:
            view["tags"] = {k: str(v) for k, v in params["tags"].items()}
        return view
    view = group_view(current)
    if "FilterExpression" in changes:
        view["filter_expression"] = changes["FilterExpression"]
    if "InsightsConfiguration" in changes:
        view["insights_enabled"] = changes["InsightsConfiguration"]["InsightsEnabled"]
        view["notifications_enabled"] = changes["InsightsConfiguration"]["NotificationsEnabled"]
    return _with_tags(view, current.get("Tags"), changes)


def create_group(connection: Any, params: Mapping[str, Any]) -> dict[str, Any]:
    """CreateGroup with the filter expression, insights and tags; returns the Group (with ``Tags``)."""
    request: dict[str, Any] = {
        "GroupName": params["name"],
        "FilterExpression": params["filter_expression"],
        "InsightsConfiguration": {
            "InsightsEnabled": bool(params.get("insights_enabled")),
            "NotificationsEnabled": bool(params.get("notifications_enabled")),
        },
    }
    if params.get("tags"):
        request["Tags"] = dict_to_tags(params["tags"])
    group = connection.create_group(aws_retry=True, **request)["Group"]
    if params.get("tags") is not None:
        group["Tags"] = {k: str(v) for k, v in params["tags"].items()}
    return group


def update_group(connection: Any, current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """UpdateGroup and the tag calls; returns the Group after them."""
    arn = current["GroupARN"]
    group = dict(current)
    fields = {k: changes[k] for k in ("FilterExpression", "InsightsConfiguration") if k in changes}
    if fields:
        group = {**connection.update_group(aws_retry=True, GroupARN=arn, **fields)["Group"]}
    apply_tags(connection, arn, changes)
    if current.get("Tags") is not None:
        group["Tags"] = apply_tag_changes(
            current["Tags"], changes.get("tags_to_set", {}), changes.get("tags_to_unset", [])
        )
    return group


def delete_group(connection: Any, arn: str) -> None:
    """DeleteGroup; a group already gone is not an error."""
    try:
        connection.delete_group(aws_retry=True, GroupARN=arn)
    except is_boto3_error_code("InvalidRequestException") as e:
        if not _is_not_found(e):
            raise


# --------------------------------------------------------------------------- sampling rules


def describe_rule(connection: Any, name: str, with_tags: bool) -> dict[str, Any] | None:
    """The SamplingRule called ``name`` (GetSamplingRules pages), plus ``Tags`` when ``with_tags``."""
    for record in paginate(connection.get_sampling_rules, "SamplingRuleRecords"):
        rule = record.get("SamplingRule") or {}
        if rule.get("RuleName") == name:
            rule = dict(rule)
            if with_tags:
                rule["Tags"] = read_tags(connection, rule["RuleARN"])
            return rule
    return None


def rule_view(rule: Mapping[str, Any] | None) -> dict[str, Any]:
    if not rule:
        return {}
    view = {"name": rule["RuleName"], "arn": rule.get("RuleARN", "")}
    view.update({option: rule.get(field) for option, field in RULE_FIELDS.items()})
    view["attributes"] = dict(rule.get("Attributes") or {})
    if "Tags" in rule:
        view["tags"] = dict(rule["Tags"])
    return view


def _wanted_rule_fields(params: Mapping[str, Any]) -> dict[str, Any]:
    """API field → wanted value of the options that are set (Default: only its rate and reservoir)."""
    options = DEFAULT_RULE_OPTIONS if params["name"] == DEFAULT else RULE_FIELDS
    wanted = {RULE_FIELDS[o]: params[o] for o in options if params.get(o) is not None}
    if "Attributes" in wanted:
        wanted["Attributes"] = {str(k): str(v) for k, v in wanted["Attributes"].items()}
    return wanted


def plan_rule(current: Mapping[str, Any], params: Mapping[str, Any]) -> dict[str, Any]:
    """The SamplingRuleUpdate fields that differ (``update``) and the tag changes; empty when converged."""
    have = {**current, "Attributes": dict(current.get("Attributes") or {})}
    update = {field: value for field, value in _wanted_rule_fields(params).items() if have.get(field) != value}
    return {**({"update": update} if update else {}), **plan_tags(current.get("Tags"), params)}


def predicted_rule(current: Mapping[str, Any] | None, params: Mapping[str, Any], changes: Mapping[str, Any]) -> dict:
    if current is None:
        rule = {"RuleName": params["name"], **_wanted_rule_fields(params)}
        if params.get("tags") is not None:
            rule["Tags"] = {k: str(v) for k, v in params["tags"].items()}
        view = rule_view(rule)
        view.pop("arn")
        return view
    view = rule_view({**current, **changes.get("update", {})})
    return _with_tags(view, current.get("Tags"), changes)


def create_rule(connection: Any, params: Mapping[str, Any]) -> dict[str, Any]:
    """CreateSamplingRule (format Version 1) with its tags; returns the SamplingRule (with ``Tags``)."""
    rule = {"RuleName": params["name"], "Version": 1, "Attributes": {}, **_wanted_rule_fields(params)}
    request: dict[str, Any] = {"SamplingRule": rule}
    if params.get("tags"):
        request["Tags"] = dict_to_tags(params["tags"])
    created = dict(connection.create_sampling_rule(aws_retry=True, **request)["SamplingRuleRecord"]["SamplingRule"])
    if params.get("tags") is not None:
        created["Tags"] = {k: str(v) for k, v in params["tags"].items()}
    return created


def update_rule(connection: Any, current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    arn = current["RuleARN"]
    rule = dict(current)
    if changes.get("update"):
        record = connection.update_sampling_rule(
            aws_retry=True, SamplingRuleUpdate={"RuleARN": arn, **changes["update"]}
        )
        rule = {**record["SamplingRuleRecord"]["SamplingRule"]}
    apply_tags(connection, arn, changes)
    if current.get("Tags") is not None:
        rule["Tags"] = apply_tag_changes(
            current["Tags"], changes.get("tags_to_set", {}), changes.get("tags_to_unset", [])
        )
    return rule


def delete_rule(connection: Any, arn: str) -> None:
    """DeleteSamplingRule; a rule already gone is not an error."""
    try:
        connection.delete_sampling_rule(aws_retry=True, RuleARN=arn)
    except is_boto3_error_code("InvalidRequestException") as e:
        if not _is_not_found(e):
            raise


# --------------------------------------------------------------------------- the module flow


KINDS = {
    "group": {
        "describe": describe_group,
        "view": group_view,
        "plan": plan_group,
        "predicted": predicted_group,
        "create": create_group,
        "update": update_group,
        "delete": delete_group,
        "arn": "GroupARN",
    },
    "sampling_rule": {
        "describe": describe_rule,
        "view": rule_view,
        "plan": plan_rule,
        "predicted": predicted_rule,
        "create": create_rule,
        "update": update_rule,
        "delete": delete_rule,
        "arn": "RuleARN",
    },
}


def _diffable(view: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in view.items() if k != "arn"}


def converge(connection: Any, kind: str, params: Mapping[str, Any], check_mode: bool) -> dict[str, Any]:
    """The module's run: ``{"changed", <kind>, "diff"}`` (raises botocore errors to the module)."""
    ops = KINDS[kind]
    with_tags = params.get("tags") is not None
    current = ops["describe"](connection, params["name"], with_tags)
    before = ops["view"](current)
    if params["state"] == "absent":
        if current is None:
            return {"changed": False, kind: {}}
        if not check_mode:
            ops["delete"](connection, current[ops["arn"]])
        return {"changed": True, kind: {}, "diff": {"before": _diffable(before), "after": {}}}
    if current is None:
        after = ops["predicted"](None, params, {})
        if not check_mode:
            try:
                after = ops["view"](ops["create"](connection, params))
            except ClientError as e:
                if not _already_exists(e):  # a retried create that went through: converge what is there
                    raise
                current = ops["describe"](connection, params["name"], with_tags)
                if current is None:
                    raise
                return _update(connection, ops, kind, current, params, check_mode)
        return {"changed": True, kind: after, "diff": {"before": {}, "after": _diffable(after)}}
    return _update(connection, ops, kind, current, params, check_mode)


def _update(connection: Any, ops: Mapping[str, Any], kind: str, current: Mapping[str, Any], params, check_mode) -> dict:
    before = ops["view"](current)
    changes = ops["plan"](current, params)
    if not changes:
        return {"changed": False, kind: before}
    after = ops["predicted"](current, params, changes)
    if not check_mode:
        after = ops["view"](ops["update"](connection, current, changes))
    return {"changed": True, kind: after, "diff": {"before": _diffable(before), "after": _diffable(after)}}
