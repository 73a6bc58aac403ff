# Copyright: ecap.platform contributors
# MIT License
"""Customer-managed IAM policies found by name: read, compare and converge (used by the iam_managed_policy module).

Written because amazon.aws.iam_managed_policy (10.1.2) finds a policy by listing every policy of the account
(ListPolicies, all pages: 32 calls on the bench's no-op for two policies) and then reads every version of it.
A policy's ARN is known from its account, path and name, so a no-op here is GetPolicy (which carries the tags)
and GetPolicyVersion of the default version: two calls. The account comes from the ``account_id`` option (the
roles have it) or from one STS GetCallerIdentity.

An update is CreatePolicyVersion with SetAsDefault; at IAM's limit of five versions the oldest non-default one
is deleted first. A delete detaches the policy from every user, group and role (ListEntitiesForPolicy), deletes
the non-default versions, then the policy, as IAM requires.

API reference: https://docs.aws.amazon.com/IAM/latest/APIReference/API_Operations.html
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.iam import normalize_iam_policy
from ansible_collections.ecap.platform.plugins.module_utils import iam
from ansible_collections.ecap.platform.plugins.module_utils.common import (
    apply_tag_changes,
    dict_to_tags,
    tag_changes,
    tags_to_dict,
)

_ACCOUNT = re.compile(r"^\d{12}$")


def validate(params: Mapping[str, Any]) -> tuple[dict[str, Any] | None, list[str]]:
    """The wanted document (parsed) and the errors in the module's options, found before any API call."""
    errors = iam.validate_name("policy", params["name"]) + iam.validate_path("policy", params.get("path"))
    account = params.get("account_id")
    if account is not None and not _ACCOUNT.match(str(account)):
        errors.append(f"account_id={account!r} must be 12 digits.")
    if params["state"] == "absent":
        return None, errors
    document, problems = iam.parse_document(params.get("policy"), "policy")
    errors += problems
    if document is None and not problems:
        errors.append("policy is required with state=present.")
    elif document is not None:
        size = len("".join(iam.document_json(document).split()))
        if size > iam.MANAGED_POLICY_SIZE:
            errors.append(f"policy is {size} characters; IAM allows {iam.MANAGED_POLICY_SIZE} for a managed policy.")
    return document, errors


def policy_arn(partition: str, account: str, path: str | None, name: str) -> str:
    return f"arn:{partition}:iam::{account}:policy{path or '/'}{name}"


def caller_account(sts: Any) -> tuple[str, str]:
    """``(partition, account)`` of the caller (one GetCallerIdentity)."""
    arn = sts.get_caller_identity(aws_retry=True)["Arn"]
    parts = arn.split(":")
    return parts[1], parts[4]


# --------------------------------------------------------------------------- read


def get_policy(connection: Any, arn: str) -> dict[str, Any] | None:
    try:
        return connection.get_policy(aws_retry=True, PolicyArn=arn)["Policy"]
    except connection.exceptions.NoSuchEntityException:
        return None


def read(connection: Any, policy: Mapping[str, Any]) -> dict[str, Any]:
    """The policy with its default version's document (one GetPolicyVersion)."""
    version = connection.get_policy_version(
        aws_retry=True, PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"]
    )["PolicyVersion"]
    return {"policy": dict(policy), "document": version["Document"]}


# --------------------------------------------------------------------------- compare


def plan(current: Mapping[str, Any], document: dict[str, Any], params: Mapping[str, Any]) -> dict[str, Any]:
    """What to change on an existing policy; empty when nothing differs."""
    changes: dict[str, Any] = {}
    if iam.documents_differ(current["document"], document):
        changes["document"] = document
    if params.get("tags") is not None:
        wanted_tags = {k: str(v) for k, v in params["tags"].items()}
        to_set, to_unset = tag_changes(tags_to_dict(current["policy"].get("Tags")), wanted_tags, params["purge_tags"])
        if to_set:
            changes["tag"] = to_set
        if to_unset:
            changes["untag"] = to_unset
    return changes


# --------------------------------------------------------------------------- write


def create(connection: Any, document: dict[str, Any], params: Mapping[str, Any]) -> dict[str, Any]:
    request: dict[str, Any] = {
        "PolicyName": params["name"],
        "Path": params.get("path") or "/",
        "PolicyDocument": iam.document_json(document),
    }
    if params.get("description"):
        request["Description"] = params["description"]
    if params.get("tags"):
        request["Tags"] = dict_to_tags(params["tags"])
    return connection.create_policy(aws_retry=True, **request)["Policy"]


def apply(connection: Any, arn: str, changes: Mapping[str, Any], only_version: bool) -> None:
    if "document" in changes:
        new_version(connection, arn, changes["document"], only_version)
    if changes.get("untag"):
        connection.untag_policy(aws_retry=True, PolicyArn=arn, TagKeys=list(changes["untag"]))
    if changes.get("tag"):
        connection.tag_policy(aws_retry=True, PolicyArn=arn, Tags=dict_to_tags(changes["tag"]))


def new_version(connection: Any, arn: str, document: dict[str, Any], only_version: bool) -> None:
    """CreatePolicyVersion as the default; at the limit of five, the oldest non-default version goes first.
    ``only_version``: then every other version goes too."""
    text = iam.document_json(document)
    try:
        connection.create_policy_version(aws_retry=True, PolicyArn=arn, PolicyDocument=text, SetAsDefault=True)
    except connection.exceptions.LimitExceededException:
        others = _non_default_versions(connection, arn)
        if not others:
            raise
        oldest = min(others, key=lambda v: v["CreateDate"])
        connection.delete_policy_version(aws_retry=True, PolicyArn=arn, VersionId=oldest["VersionId"])
        connection.create_policy_version(aws_retry=True, PolicyArn=arn, PolicyDocument=text, SetAsDefault=True)
    if only_version:
        for version in _non_default_versions(connection, arn):
            connection.delete_policy_version(aws_retry=True, PolicyArn=arn, VersionId=version["VersionId"])


def _non_default_versions(connection: Any, arn: str) -> list[dict[str, Any]]:
    versions = iam.marker_pages(connection.list_policy_versions, "Versions", PolicyArn=arn)
    return [v for v in versions if not v.get("IsDefaultVersion")]


def delete(connection: Any, arn: str) -> None:
    """Detach from every entity, delete the non-default versions, then the policy."""
    entities: dict[str, list[dict[str, Any]]] = {"PolicyGroups": [], "PolicyUsers": [], "PolicyRoles": []}
    request: dict[str, Any] = {"PolicyArn": arn}
    while True:
        page = connection.list_entities_for_policy(aws_retry=True, **request)
        for key in entities:
            entities[key].extend(page.get(key) or [])
        if not page.get("IsTruncated"):
            break
        request["Marker"] = page["Marker"]
    for group in entities["PolicyGroups"]:
        _ignore_missing(connection.detach_group_policy, GroupName=group["GroupName"], PolicyArn=arn)
    for user in entities["PolicyUsers"]:
        _ignore_missing(connection.detach_user_policy, UserName=user["UserName"], PolicyArn=arn)
    for role in entities["PolicyRoles"]:
        _ignore_missing(connection.detach_role_policy, RoleName=role["RoleName"], PolicyArn=arn)
    for version in _non_default_versions(connection, arn):
        _ignore_missing(connection.delete_policy_version, PolicyArn=arn, VersionId=version["VersionId"])
    _ignore_missing(connection.delete_policy, PolicyArn=arn)


def _ignore_missing(call: Any, **request: Any) -> None:
    try:
        call(aws_retry=True, **request)
    except Exception as e:  # noqa: BLE001 - botocore's ClientError, matched by its code
        if not iam.is_not_found(e):
            raise


# --------------------------------------------------------------------------- views


def predicted(current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    policy = dict(current["policy"])
    tags = apply_tag_changes(tags_to_dict(policy.get("Tags")), changes.get("tag", {}), changes.get("untag", []))
    policy["Tags"] = dict_to_tags(tags)
    return {"policy": policy, "document": changes.get("document", current["document"])}


def state_view(current: Mapping[str, Any] | None) -> dict[str, Any]:
    """What a diff shows: the document, description, path and tags."""
    if not current:
        return {}
    policy = current["policy"]
    return {
        "path": policy.get("Path", "/"),
        "description": policy.get("Description", ""),
        "document": current.get("document"),
        "tags": tags_to_dict(policy.get("Tags")),
    }


def result_view(current: Mapping[str, Any]) -> dict[str, Any]:
    """amazon.aws.iam_managed_policy's ``policy`` (``arn``, ``policy_name``, ``tags`` as a dict, ...) plus the
    default version's ``document``."""
    policy = dict(current["policy"])
    policy.pop("ResponseMetadata", None)
    view = normalize_iam_policy(policy)
    view.setdefault("tags", {})
    if current.get("document") is not None:
        view["document"] = current["document"]
    return view
