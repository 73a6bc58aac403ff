# Copyright: ecap.platform contributors
# MIT License
"""CloudWatch Logs log groups: describe, compare and converge (used by the logs_log_group module).

Written because amazon.aws.cloudwatchlogs_log_group (10.1.2) changes the retention of an existing
group in check mode, deletes the group when given a retention AWS does not accept, and cannot
change the KMS key of an existing group.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ansible_collections.ecap.platform.plugins.module_utils.common import tag_changes

#: The retention values PutRetentionPolicy accepts (days).
RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip
LOG_GROUP_CLASSES = ("STANDARD", "INFREQUENT_ACCESS")


def validate(params: Mapping[str, Any]) -> list[str]:
    """Errors in the module's options, found before any API call."""
    errors = []
    retention = params.get("retention_days")
    if retention is not None and retention != 0 and retention not in RETENTION_DAYS:
        errors.append(
            f"retention_days={retention} is not a value CloudWatch Logs accepts; use 0 (never expire) or one of "
            f"{', '.join(map(str, RETENTION_DAYS))}."
        )
    key = params.get("kms_key_arn")
    if key and not (key.startswith("arn:") and ":kms:" in key and ":key/" in key):
        errors.append(f"kms_key_arn={key} must be the full ARN of a KMS key (arn:aws:kms:REGION:ACCOUNT:key/ID).")
    return errors


def describe(connection: Any, name: str) -> dict[str, Any] | None:
    """The log group ``name`` with its ``tags``, or ``None`` (two calls)."""
    groups = connection.describe_log_groups(aws_retry=True, logGroupNamePrefix=name).get("logGroups", [])
    group = next((g for g in groups if g["logGroupName"] == name), None)
    if group is None:
        return None
    arn = group_arn(group)
    tags = connection.list_tags_for_resource(aws_retry=True, resourceArn=arn).get("tags", {})
    return {**group, "logGroupArn": arn, "tags": tags}


def group_arn(group: Mapping[str, Any]) -> str:
    """The ARN tagging takes: ``logGroupArn``, or ``arn`` without its trailing ``:*``."""
    return group.get("logGroupArn") or str(group.get("arn", "")).removesuffix(":*")


def view(group: Mapping[str, Any] | None) -> dict[str, Any]:
    """The fields the module manages, snake_cased, for ``diff`` and the result."""
    if not group:
        return {}
    return {
        "name": group["logGroupName"],
        "arn": group_arn(group),
        "retention_days": group.get("retentionInDays", 0),
        "kms_key_arn": group.get("kmsKeyId", ""),
        "log_group_class": group.get("logGroupClass", "STANDARD"),
        "tags": dict(group.get("tags", {})),
    }


def plan(current: Mapping[str, Any] | None, params: Mapping[str, Any]) -> dict[str, Any]:
    """What to change on an existing group: ``retention``, ``kms``, ``tags_to_set``, ``tags_to_unset``.

    An option left unset (``None``) is not managed. Returns an empty dict when nothing differs.
    """
    have = view(current)
    changes: dict[str, Any] = {}
    if params.get("retention_days") is not None and params["retention_days"] != have["retention_days"]:
        changes["retention"] = params["retention_days"]
    if params.get("kms_key_arn") is not None and params["kms_key_arn"] != have["kms_key_arn"]:
        changes["kms"] = params["kms_key_arn"]
    to_set, to_unset = tag_changes(have["tags"], params.get("tags"), params.get("purge_tags", True))
    if to_set:
        changes["tags_to_set"] = to_set
    if to_unset:
        changes["tags_to_unset"] = to_unset
    return changes


def predicted(current: Mapping[str, Any] | None, params: Mapping[str, Any], changes: Mapping[str, Any]) -> dict:
    """The view of the group after ``changes`` (or after its creation), for check mode and diff."""
    if current is None:
        return {
            "name": params["name"],
            "retention_days": params.get("retention_days") or 0,
            "kms_key_arn": params.get("kms_key_arn") or "",
            "log_group_class": params.get("log_group_class") or "STANDARD",
            "tags": dict(params.get("tags") or {}),
        }
    after = view(current)
    if "retention" in changes:
        after["retention_days"] = changes["retention"]
    if "kms" in changes:
        after["kms_key_arn"] = changes["kms"]
    tags = {k: v for k, v in after["tags"].items() if k not in set(changes.get("tags_to_unset", []))}
    tags.update(changes.get("tags_to_set", {}))
    after["tags"] = tags
    return after


def create(connection: Any, params: Mapping[str, Any]) -> None:
    request: dict[str, Any] = {"logGroupName": params["name"]}
    if params.get("kms_key_arn"):
        request["kmsKeyId"] = params["kms_key_arn"]
    if params.get("tags"):
        request["tags"] = {k: str(v) for k, v in params["tags"].items()}
    if params.get("log_group_class"):
        request["logGroupClass"] = params["log_group_class"]
    try:
        connection.create_log_group(aws_retry=True, **request)
    except connection.exceptions.ResourceAlreadyExistsException:
        pass  # a retried create that had succeeded: converge it below like an existing group
    if params.get("retention_days"):
        connection.put_retention_policy(
            aws_retry=True, logGroupName=params["name"], retentionInDays=params["retention_days"]
        )


def apply(connection: Any, group: Mapping[str, Any], changes: Mapping[str, Any]) -> None:
    name, arn = group["logGroupName"], group_arn(group)
    if "retention" in changes:
        if changes["retention"]:
            connection.put_retention_policy(aws_retry=True, logGroupName=name, retentionInDays=changes["retention"])
        else:
            connection.delete_retention_policy(aws_retry=True, logGroupName=name)
    if "kms" in changes:
        if changes["kms"]:
            connection.associate_kms_key(aws_retry=True, logGroupName=name, kmsKeyId=changes["kms"])
        else:
            connection.disassociate_kms_key(aws_retry=True, logGroupName=name)
    if changes.get("tags_to_unset"):
        connection.untag_resource(aws_retry=True, resourceArn=arn, tagKeys=list(changes["tags_to_unset"]))
    if changes.get("tags_to_set"):
        connection.tag_resource(aws_retry=True, resourceArn=arn, tags=dict(changes["tags_to_set"]))


def delete(connection: Any, name: str) -> None:
    try:
        connection.delete_log_group(aws_retry=True, logGroupName=name)
    except connection.exceptions.ResourceNotFoundException:
        pass
