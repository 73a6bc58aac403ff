# Copyright: ecap.platform contributors
# MIT License
"""KMS customer-managed keys found by alias: describe, compare and converge (used by the kms_key module).

Written because amazon.aws.kms_key (10.1.2) reads everything about a key on every run -- ListAliases (all
pages), ListKeyPolicies, GetKeyPolicy, ListGrants, ListResourceTags, GetKeyRotationStatus, twice DescribeKey,
then all of it again after a change: ~18 calls per key on a no-op. Here a no-op is DescribeKey by alias plus
one read per managed setting: GetKeyRotationStatus, GetKeyPolicy, ListResourceTags (4 calls).

KMS CreateKey has no idempotency token, and a key is only found by its alias once CreateAlias went through.
So each key carries the tag :data:`ALIAS_TAG` (its alias name) from its CreateKey call: a run interrupted
between CreateKey and CreateAlias leaves a tagged key without alias, which the next run adopts instead of
making a second key. The tag is the module's own (kept whatever ``purge_tags`` says).

API reference: https://docs.aws.amazon.com/kms/latest/APIReference/
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies
from ansible_collections.ecap.platform.plugins.module_utils.common import apply_tag_changes, tag_changes

#: The tag that names a key's alias (how an interrupted create is found again).
ALIAS_TAG = "ecap.platform:alias"
POLICY_NAME = "default"  # the only key policy name KMS has
WINDOW_RANGE = (7, 30)


def canonical_alias(alias: str) -> str:
    return alias if alias.startswith("alias/") else f"alias/{alias}"


def validate(params: Mapping[str, Any]) -> list[str]:
    """Errors in the module's options, found before any API call."""
    errors = []
    alias = canonical_alias(params["alias"])
    name = alias[len("alias/") :]
    if not name or name.startswith("aws/") or any(not (c.isalnum() or c in "/_-") for c in name):
        errors.append(f"alias={params['alias']} must be alias/<letters, digits, '/', '_' or '-'>, not alias/aws/*.")
    window = params.get("pending_window")
    if window is not None and not WINDOW_RANGE[0] <= window <= WINDOW_RANGE[1]:
        errors.append(f"pending_window={window} must be {WINDOW_RANGE[0]}-{WINDOW_RANGE[1]} days.")
    policy = params.get("policy")
    if isinstance(policy, str):
        try:
            json.loads(policy)
        except ValueError as e:
            errors.append(f"policy is not JSON: {e}.")
    return errors


def wanted_policy(params: Mapping[str, Any]) -> dict[str, Any] | None:
    policy = params.get("policy")
    if policy is None or policy == "":
        return None
    return json.loads(policy) if isinstance(policy, str) else dict(policy)


def kms_tags(tag_list: list[dict] | None) -> dict[str, str]:
    return {t["TagKey"]: t["TagValue"] for t in tag_list or []}


def kms_tag_list(tags: Mapping[str, Any]) -> list[dict[str, str]]:
    return [{"TagKey": k, "TagValue": str(v)} for k, v in sorted(tags.items())]


def describe(connection: Any, key_id: str) -> dict[str, Any] | None:
    """DescribeKey's ``KeyMetadata`` for a key id, ARN or alias, or ``None`` when there is no such key."""
    try:
        return connection.describe_key(aws_retry=True, KeyId=key_id)["KeyMetadata"]
    except connection.exceptions.NotFoundException:
        return None


def read(connection: Any, meta: Mapping[str, Any], params: Mapping[str, Any]) -> dict[str, Any]:
    """The key's managed settings: only those the options manage are read (one call each)."""
    key_id = meta["KeyId"]
    current: dict[str, Any] = {"meta": dict(meta)}
    if params.get("enable_key_rotation") is not None and meta.get("KeySpec", "SYMMETRIC_DEFAULT") == (
        "SYMMETRIC_DEFAULT"
    ):
        current["rotation"] = connection.get_key_rotation_status(aws_retry=True, KeyId=key_id)["KeyRotationEnabled"]
    if params.get("policy") is not None:
        text = connection.get_key_policy(aws_retry=True, KeyId=key_id, PolicyName=POLICY_NAME)["Policy"]
        current["policy"] = json.loads(text)
    if params.get("tags") is not None:
        current["tags"] = kms_tags(_list_tags(connection, key_id))
    return current


def _list_tags(connection: Any, key_id: str) -> list[dict]:
    tags: list[dict] = []
    request: dict[str, Any] = {"KeyId": key_id}
    while True:
        page = connection.list_resource_tags(aws_retry=True, **request)
        tags.extend(page.get("Tags") or [])
        if not page.get("Truncated"):
            return tags
        request["Marker"] = page["NextMarker"]


def _pages(call: Any, result_key: str, **request: Any) -> list[dict]:
    items: list[dict] = []
    while True:
        page = call(aws_retry=True, **request)
        items.extend(page.get(result_key) or [])
        if not page.get("Truncated"):
            return items
        request["Marker"] = page["NextMarker"]


def find_orphan(connection: Any, alias: str) -> dict[str, Any] | None:
    """A key tagged with ``alias`` that has no alias (a create interrupted before CreateAlias), or ``None``.

    Only on the create path: ListAliases once, then the tags of the keys no alias points at (an orphan
    has none), then DescribeKey of the match; the oldest usable match wins.
    """
    aliased = {a["TargetKeyId"] for a in _pages(connection.list_aliases, "Aliases") if a.get("TargetKeyId")}
    found = []
    for key in _pages(connection.list_keys, "Keys"):
        if key["KeyId"] in aliased:
            continue
        try:
            tags = kms_tags(_list_tags(connection, key["KeyId"]))
        except connection.exceptions.ClientError:
            continue  # not ours to read (another principal's key policy)
        if tags.get(ALIAS_TAG) != alias:
            continue
        meta = describe(connection, key["KeyId"])
        if meta and meta.get("KeyManager") == "CUSTOMER" and meta["KeyState"] in ("Enabled", "Disabled"):
            found.append(meta)
    return min(found, key=lambda m: m["CreationDate"]) if found else None


def wanted_tags(params: Mapping[str, Any], alias: str) -> dict[str, str] | None:
    if params.get("tags") is None:
        return None
    return {**{k: str(v) for k, v in params["tags"].items()}, ALIAS_TAG: alias}


def plan(current: Mapping[str, Any], params: Mapping[str, Any], alias: str) -> dict[str, Any]:
    """What to change on an existing key; empty when nothing differs. Unset options are not managed."""
    meta = current["meta"]
    changes: dict[str, Any] = {}
    if meta["KeyState"] == "PendingDeletion":
        changes["cancel_deletion"] = True
    enabled = meta["KeyState"] == "Enabled"
    if params.get("enabled") is not None and (params["enabled"] != enabled or "cancel_deletion" in changes):
        changes["enabled"] = params["enabled"]
    if params.get("description") is not None and params["description"] != meta.get("Description", ""):
        changes["description"] = params["description"]
    if "rotation" in current and params["enable_key_rotation"] != current["rotation"]:
        changes["rotation"] = params["enable_key_rotation"]
    policy = wanted_policy(params)
    if policy is not None and compare_policies(current["policy"], policy):
        changes["policy"] = policy
    tags = wanted_tags(params, alias)
    if tags is not None:
        to_set, to_unset = tag_changes(current["tags"], tags, params["purge_tags"])
        if to_set:
            changes["tag"] = to_set
        if to_unset:
            changes["untag"] = to_unset
    return changes


def apply(connection: Any, key_id: str, changes: Mapping[str, Any]) -> None:
    """Apply :func:`plan`'s changes. Rotation needs an enabled key: enable first, disable last."""
    if changes.get("cancel_deletion"):
        connection.cancel_key_deletion(aws_retry=True, KeyId=key_id)
    if changes.get("enabled") is True:
        connection.enable_key(aws_retry=True, KeyId=key_id)
    if "description" in changes:
        connection.update_key_description(aws_retry=True, KeyId=key_id, Description=changes["description"])
    if "policy" in changes:
        connection.put_key_policy(
            aws_retry=True, KeyId=key_id, PolicyName=POLICY_NAME, Policy=json.dumps(changes["policy"])
        )
    if "rotation" in changes:
        if changes["rotation"]:
            connection.enable_key_rotation(aws_retry=True, KeyId=key_id)
        else:
            connection.disable_key_rotation(aws_retry=True, KeyId=key_id)
    if changes.get("untag"):
        connection.untag_resource(aws_retry=True, KeyId=key_id, TagKeys=list(changes["untag"]))
    if changes.get("tag"):
        connection.tag_resource(aws_retry=True, KeyId=key_id, Tags=kms_tag_list(changes["tag"]))
    if changes.get("enabled") is False:
        connection.disable_key(aws_retry=True, KeyId=key_id)


def create(connection: Any, params: Mapping[str, Any], alias: str) -> str:
    """CreateKey (tagged with its alias), CreateAlias, then rotation and enabled state; returns the key id."""
    request: dict[str, Any] = {
        "KeyUsage": params["key_usage"],
        "KeySpec": params["key_spec"],
        "Origin": "AWS_KMS",
        "MultiRegion": params["multi_region"],
        "Tags": kms_tag_list(wanted_tags(params, alias) or {ALIAS_TAG: alias}),
        "BypassPolicyLockoutSafetyCheck": False,
    }
    if params.get("description") is not None:
        request["Description"] = params["description"]
    policy = wanted_policy(params)
    if policy is not None:
        request["Policy"] = json.dumps(policy)
    key_id = connection.create_key(aws_retry=True, **request)["KeyMetadata"]["KeyId"]
    connection.create_alias(aws_retry=True, AliasName=alias, TargetKeyId=key_id)
    adopt(connection, key_id, params)
    return key_id


def adopt(connection: Any, key_id: str, params: Mapping[str, Any]) -> None:
    """The settings CreateKey cannot take: rotation, then a disabled state."""
    if params.get("enable_key_rotation"):
        connection.enable_key_rotation(aws_retry=True, KeyId=key_id)
    if params.get("enabled") is False:
        connection.disable_key(aws_retry=True, KeyId=key_id)


def view(current: Mapping[str, Any] | None, alias: str) -> dict[str, Any]:
    """The key as the module returns it (amazon.aws.kms_key's keys the roles read), snake_cased."""
    if not current:
        return {}
    meta = current["meta"]
    out: dict[str, Any] = {
        "key_id": meta["KeyId"],
        "key_arn": meta["Arn"],
        "key_state": meta["KeyState"],
        "key_usage": meta.get("KeyUsage"),
        "key_spec": meta.get("KeySpec"),
        "origin": meta.get("Origin"),
        "aws_account_id": meta.get("AWSAccountId"),
        "description": meta.get("Description", ""),
        "enabled": meta["KeyState"] == "Enabled",
        "multi_region": meta.get("MultiRegion", False),
        "aliases": [alias],
    }
    if meta.get("CreationDate") is not None:
        out["creation_date"] = str(meta["CreationDate"])
    if meta.get("DeletionDate") is not None:
        out["deletion_date"] = str(meta["DeletionDate"])
    for field in ("rotation", "policy", "tags"):
        if field in current:
            out[{"rotation": "enable_key_rotation", "policy": "key_policy"}.get(field, field)] = current[field]
    return out


def predicted(current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """``current`` as :func:`apply` would leave it (check mode and diff)."""
    meta = dict(current["meta"])
    if changes.get("cancel_deletion"):
        meta["KeyState"] = "Disabled"
        meta.pop("DeletionDate", None)
    if "enabled" in changes:
        meta["KeyState"] = "Enabled" if changes["enabled"] else "Disabled"
    if "description" in changes:
        meta["Description"] = changes["description"]
    after: dict[str, Any] = {**current, "meta": meta}
    if "rotation" in changes:
        after["rotation"] = changes["rotation"]
    if "policy" in changes:
        after["policy"] = changes["policy"]
    if "tags" in current:
        after["tags"] = apply_tag_changes(current["tags"], changes.get("tag", {}), changes.get("untag", []))
    return after


def diffable(value: Mapping[str, Any]) -> dict[str, Any]:
    """What a diff shows: the settings, not the ids and dates."""
    keep = ("key_state", "description", "enabled", "enable_key_rotation", "key_policy", "tags")
    return {k: value[k] for k in keep if k in value}


def schedule_deletion(connection: Any, key_id: str, window: int | None) -> None:
    request: dict[str, Any] = {"KeyId": key_id}
    if window is not None:
        request["PendingWindowInDays"] = window
    connection.schedule_key_deletion(aws_retry=True, **request)
