# Copyright: ecap.platform contributors
# MIT License
"""ELBv2 target groups: describe, compare and converge (the elb_target_group module).

Written because community.aws.elb_target_group (10.0.0) describes a target group, its attributes and its tags
twice each on a run that changes nothing, and has no check mode. Here a no-op reads each once:
DescribeTargetGroups (by name), DescribeTargetGroupAttributes, DescribeTags.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.ecap.platform.plugins.module_utils.common import (
    apply_tag_changes,
    dict_to_tags,
    tag_changes,
    tags_to_dict,
)

NAME_RE = re.compile(r"^(?!internal-)[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$")
PROTOCOLS = ("HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP", "GENEVE")
TARGET_TYPES = ("instance", "ip", "lambda", "alb")
#: Settings a target group keeps for life: a different value needs a new target group.
IMMUTABLE = {"target_type": "TargetType", "protocol": "Protocol", "port": "Port", "vpc_id": "VpcId"}
#: Health check option → DescribeTargetGroups / ModifyTargetGroup field.
HEALTH_CHECK = {
    "health_check_protocol": "HealthCheckProtocol",
    "health_check_port": "HealthCheckPort",
    "health_check_path": "HealthCheckPath",
    "health_check_interval": "HealthCheckIntervalSeconds",
    "health_check_timeout": "HealthCheckTimeoutSeconds",
    "healthy_threshold_count": "HealthyThresholdCount",
    "unhealthy_threshold_count": "UnhealthyThresholdCount",
}
#: Attribute option → target group attribute key (values are strings on the wire).
ATTRIBUTES = {"deregistration_delay_timeout": "deregistration_delay.timeout_seconds"}


def validate(params: Mapping[str, Any]) -> list[str]:
    """Errors in the module's options, found before any API call."""
    errors = []
    if not NAME_RE.match(params["name"] or ""):
        errors.append(
            f"name={params['name']!r} must be 1-32 letters, digits or hyphens, not begin or end with a hyphen "
            "and not begin with internal-."
        )
    if params.get("state", "present") != "present":
        return errors
    port = params.get("port")
    if port is not None and not 1 <= port <= 65535:
        errors.append(f"port={port} must be between 1 and 65535.")
    path = params.get("health_check_path")
    if path is not None and not path.startswith("/"):
        errors.append(f"health_check_path={path!r} must start with '/'.")
    interval, timeout = params.get("health_check_interval"), params.get("health_check_timeout")
    if interval is not None and timeout is not None and timeout >= interval:
        errors.append(f"health_check_timeout={timeout} must be less than health_check_interval={interval}.")
    for option in ("healthy_threshold_count", "unhealthy_threshold_count"):
        value = params.get(option)
        if value is not None and not 2 <= value <= 10:
            errors.append(f"{option}={value} must be between 2 and 10.")
    delay = params.get("deregistration_delay_timeout")
    if delay is not None and not 0 <= delay <= 3600:
        errors.append(f"deregistration_delay_timeout={delay} must be between 0 and 3600.")
    return errors


def creatable(params: Mapping[str, Any]) -> str | None:
    """Why a new target group cannot be made from ``params``, or ``None``."""
    if params.get("target_type", "instance") != "lambda":
        missing = [o for o in ("protocol", "port", "vpc_id") if params.get(o) is None]
        if missing:
            return f"Target group {params['name']} does not exist: creating it needs {', '.join(missing)}."
    return None


def describe(connection: Any, name: str, with_tags: bool = True) -> dict[str, Any] | None:
    """The target group with its ``Attributes`` (dict) and ``Tags`` (dict, when asked); ``None`` when absent."""
    try:
        groups = connection.describe_target_groups(aws_retry=True, Names=[name])["TargetGroups"]
    except is_boto3_error_code("TargetGroupNotFound"):
        return None
    if not groups:
        return None
    group = dict(groups[0])
    arn = group["TargetGroupArn"]
    attributes = connection.describe_target_group_attributes(aws_retry=True, TargetGroupArn=arn)["Attributes"]
    group["Attributes"] = {a["Key"]: a["Value"] for a in attributes}
    if with_tags:
        descriptions = connection.describe_tags(aws_retry=True, ResourceArns=[arn])["TagDescriptions"]
        group["Tags"] = tags_to_dict(descriptions[0]["Tags"] if descriptions else [])
    return group


def view(group: Mapping[str, Any] | None) -> dict[str, Any]:
    """The fields the module manages, snake_cased, for ``diff`` and the result."""
    if not group:
        return {}
    result: dict[str, Any] = {"name": group["TargetGroupName"], "target_group_arn": group.get("TargetGroupArn", "")}
    result.update({option: group.get(field) for option, field in IMMUTABLE.items() if group.get(field) is not None})
    result.update({option: group.get(field) for option, field in HEALTH_CHECK.items() if group.get(field) is not None})
    matcher = (group.get("Matcher") or {}).get("HttpCode")
    if matcher is not None:
        result["successful_response_codes"] = matcher
    for option, key in ATTRIBUTES.items():
        if key in group.get("Attributes", {}):
            result[option] = int(group["Attributes"][key])
    if "Tags" in group:
        result["tags"] = dict(group["Tags"])
    return result


def plan(current: Mapping[str, Any], params: Mapping[str, Any]) -> dict[str, Any]:
    """What to change: ``immutable`` (refused), ``health_check`` (ModifyTargetGroup), ``attributes``, tags."""
    changes: dict[str, Any] = {}
    immutable = {
        option: (current.get(field), params[option])
        for option, field in IMMUTABLE.items()
        if params.get(option) is not None and params[option] != current.get(field)
    }
    if immutable:
        changes["immutable"] = immutable
    health = {
        field: params[option]
        for option, field in HEALTH_CHECK.items()
        if params.get(option) is not None and params[option] != current.get(field)
    }
    codes = params.get("successful_response_codes")
    if codes is not None and codes != (current.get("Matcher") or {}).get("HttpCode"):
        health["Matcher"] = {"HttpCode": codes}
    if health:
        changes["health_check"] = health
    attributes = {
        key: str(params[option])
        for option, key in ATTRIBUTES.items()
        if params.get(option) is not None and str(params[option]) != current.get("Attributes", {}).get(key)
    }
    if attributes:
        changes["attributes"] = attributes
    to_set, to_unset = tag_changes(current.get("Tags", {}), params.get("tags"), params.get("purge_tags", True))
    if to_set:
        changes["tags_to_set"] = to_set
    if to_unset:
        changes["tags_to_unset"] = to_unset
    return changes


def predicted(current: Mapping[str, Any] | None, params: Mapping[str, Any], changes: Mapping[str, Any]) -> dict:
    """The view after ``changes`` (or after the creation), for check mode and diff."""
    if current is None:
        base: dict[str, Any] = {"TargetGroupName": params["name"], "Attributes": {}, "Tags": {}}
        base.update({f: params[o] for o, f in IMMUTABLE.items() if params.get(o) is not None})
        base.setdefault("TargetType", "instance")
        current, changes = base, plan(base, params)
    after = {**current, **{k: v for k, v in changes.get("health_check", {}).items()}}
    after["Attributes"] = {**current.get("Attributes", {}), **changes.get("attributes", {})}
    if "Tags" in current:
        after["Tags"] = apply_tag_changes(
            current["Tags"], changes.get("tags_to_set", {}), changes.get("tags_to_unset", [])
        )
    return view(after)


def create(connection: Any, params: Mapping[str, Any]) -> str:
    """CreateTargetGroup with its health check and tags, then its attributes; returns the ARN."""
    request: dict[str, Any] = {"Name": params["name"], "TargetType": params.get("target_type") or "instance"}
    request.update({f: params[o] for o, f in IMMUTABLE.items() if o != "target_type" and params.get(o) is not None})
    request.update({f: params[o] for o, f in HEALTH_CHECK.items() if params.get(o) is not None})
    if params.get("successful_response_codes") is not None:
        request["Matcher"] = {"HttpCode": params["successful_response_codes"]}
    if params.get("tags"):
        request["Tags"] = dict_to_tags(params["tags"])
    arn = connection.create_target_group(aws_retry=True, **request)["TargetGroups"][0]["TargetGroupArn"]
    attributes = [{"Key": k, "Value": str(params[o])} for o, k in ATTRIBUTES.items() if params.get(o) is not None]
    if attributes:
        connection.modify_target_group_attributes(aws_retry=True, TargetGroupArn=arn, Attributes=attributes)
    return arn


def apply(connection: Any, current: Mapping[str, Any], changes: Mapping[str, Any]) -> None:
    arn = current["TargetGroupArn"]
    if changes.get("health_check"):
        connection.modify_target_group(aws_retry=True, TargetGroupArn=arn, **changes["health_check"])
    if changes.get("attributes"):
        attributes = [{"Key": k, "Value": v} for k, v in changes["attributes"].items()]
        connection.modify_target_group_attributes(aws_retry=True, TargetGroupArn=arn, Attributes=attributes)
    if changes.get("tags_to_unset"):
        connection.remove_tags(aws_retry=True, ResourceArns=[arn], TagKeys=list(changes["tags_to_unset"]))
    if changes.get("tags_to_set"):
        connection.add_tags(aws_retry=True, ResourceArns=[arn], Tags=dict_to_tags(changes["tags_to_set"]))


def delete(connection: Any, arn: str) -> None:
    try:
        connection.delete_target_group(aws_retry=True, TargetGroupArn=arn)
    except is_boto3_error_code("TargetGroupNotFound"):
        pass
