# Copyright: ecap.platform contributors
# MIT License
"""IAM roles with their managed and inline policies: read, compare and converge (used by the iam_role module).

Written because amazon.aws (10.1.2) needs two modules and five to eight calls per role on a run that changes
nothing: iam_role reads the role twice and its attached policies twice, iam_policy lists and reads the inline
policies in another task. Here a role and its inline policies are one task item, read once:

- GetRole: trust policy, description, max session duration, path, permissions boundary, tags;
- ListAttachedRolePolicies, when ``managed_policies`` is given;
- ListRolePolicies, then GetRolePolicy for each inline policy asked for, when ``inline_policies`` is given.

GetAccountAuthorizationDetails would read every role of the account (pages of them, with every document) to
find one: more bytes and no fewer calls for a single role, and it lacks the description and max session.

A create is CreateRole (with its tags, description, max session and boundary), then the inline policies and
the attached policies; an interrupted create is finished by the next run, which finds the role and adds what
is missing. A delete first removes the role from its instance profiles, detaches its managed policies and
deletes its inline policies, as IAM requires (DeleteConflict otherwise).

API reference: https://docs.aws.amazon.com/IAM/latest/APIReference/API_Operations.html
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.iam import normalize_iam_role
from ansible_collections.ecap.platform.plugins.module_utils import iam
from ansible_collections.ecap.platform.plugins.module_utils.common import (
    apply_tag_changes,
    dict_to_tags,
    tag_changes,
    tags_to_dict,
)

SESSION_RANGE = (3600, 43200)
#: What a diff shows of a role (and what the module compares).
DIFF_KEYS = (
    "path",
    "assume_role_policy_document",
    "description",
    "max_session_duration",
    "permissions_boundary",
    "tags",
    "managed_policies",
    "inline_policies",
)


def validate(params: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The wanted documents (parsed) and the errors in the module's options, found before any API call."""
    errors = iam.validate_name("role", params["name"]) + iam.validate_path("role", params.get("path"))
    wanted: dict[str, Any] = {}
    if params["state"] == "absent":
        return wanted, errors
    trust, problems = iam.parse_document(params.get("assume_role_policy_document"), "assume_role_policy_document")
    errors += problems
    if trust is None and not problems:
        errors.append("assume_role_policy_document is required with state=present.")
    wanted["trust"] = trust
    duration = params.get("max_session_duration")
    if duration is not None and not SESSION_RANGE[0] <= duration <= SESSION_RANGE[1]:
        errors.append(f"max_session_duration={duration} must be {SESSION_RANGE[0]}-{SESSION_RANGE[1]} seconds.")
    boundary = params.get("boundary")
    if boundary:
        errors += iam.validate_policy_arn(boundary, "boundary")
    managed = params.get("managed_policies")
    if managed is not None:
        managed = [arn for arn in managed if arn]  # amazon.aws reads [None] and [''] as "none"
        for arn in managed:
            errors += iam.validate_policy_arn(arn, "managed_policies:")
        wanted["managed"] = sorted(set(managed))
    inline = params.get("inline_policies")
    if inline is not None:
        wanted["inline"] = {}
        for name, value in inline.items():
            errors += iam.validate_name("policy", name)
            document, problems = iam.parse_document(value, f"inline_policies[{name}]")
            errors += problems
            wanted["inline"][name] = document
        size = sum(len("".join(iam.document_json(d).split())) for d in wanted["inline"].values() if d)
        if size > iam.INLINE_POLICY_SIZE:
            errors.append(f"The inline policies are {size} characters; IAM allows {iam.INLINE_POLICY_SIZE} per role.")
    return wanted, errors


# --------------------------------------------------------------------------- read


def get_role(connection: Any, name: str) -> dict[str, Any] | None:
    try:
        return connection.get_role(aws_retry=True, RoleName=name)["Role"]
    except connection.exceptions.NoSuchEntityException:
        return None


def read(connection: Any, role: Mapping[str, Any], wanted: Mapping[str, Any], purge_inline: bool) -> dict[str, Any]:
    """The role's state, reading only what the options manage. Inline documents are read for the policies
    asked for; the others only by name (they are purged or left alone, never compared)."""
    name = role["RoleName"]
    current: dict[str, Any] = {"role": dict(role)}
    if "managed" in wanted:
        attached = iam.marker_pages(connection.list_attached_role_policies, "AttachedPolicies", RoleName=name)
        current["managed"] = sorted(p["PolicyArn"] for p in attached)
    if "inline" in wanted:
        names = iam.marker_pages(connection.list_role_policies, "PolicyNames", RoleName=name)
        documents: dict[str, Any] = {}
        for policy_name in names:
            if policy_name in wanted["inline"]:
                documents[policy_name] = connection.get_role_policy(
                    aws_retry=True, RoleName=name, PolicyName=policy_name
                )["PolicyDocument"]
            elif purge_inline:
                documents[policy_name] = None  # not read: it goes
        current["inline"] = documents
    return current


# --------------------------------------------------------------------------- compare


def plan(current: Mapping[str, Any], wanted: Mapping[str, Any], params: Mapping[str, Any]) -> dict[str, Any]:
    """What to change on an existing role; empty when nothing differs. Unset options are not managed."""
    role = current["role"]
    changes: dict[str, Any] = {}
    if iam.documents_differ(role.get("AssumeRolePolicyDocument") or {"Statement": []}, wanted["trust"]):
        changes["trust"] = wanted["trust"]
    description = params.get("description")
    duration = params.get("max_session_duration")
    if (description is not None and description != role.get("Description", "")) or (
        duration is not None and duration != role.get("MaxSessionDuration")
    ):
        # UpdateRole is given both, so that neither is reset (moto resets an omitted MaxSessionDuration).
        changes["update"] = {
            "Description": description if description is not None else role.get("Description", ""),
            "MaxSessionDuration": duration if duration is not None else role.get("MaxSessionDuration", 3600),
        }
    boundary = params.get("boundary")
    current_boundary = (role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn", "")
    if boundary is not None and boundary != current_boundary:
        changes["boundary"] = boundary
    if params.get("tags") is not None:
        wanted_tags = {k: str(v) for k, v in params["tags"].items()}
        to_set, to_unset = tag_changes(tags_to_dict(role.get("Tags")), wanted_tags, params["purge_tags"])
        if to_set:
            changes["tag"] = to_set
        if to_unset:
            changes["untag"] = to_unset
    if "managed" in wanted:
        attach = sorted(set(wanted["managed"]) - set(current["managed"]))
        detach = sorted(set(current["managed"]) - set(wanted["managed"])) if params["purge_policies"] else []
        if attach:
            changes["attach"] = attach
        if detach:
            changes["detach"] = detach
    if "inline" in wanted:
        put = {
            name: document
            for name, document in wanted["inline"].items()
            if name not in current["inline"] or iam.documents_differ(current["inline"][name], document)
        }
        delete = sorted(name for name in current["inline"] if name not in wanted["inline"])
        if put:
            changes["put"] = put
        if delete and params["purge_inline_policies"]:
            changes["delete"] = delete
    return changes


# --------------------------------------------------------------------------- write


def create(connection: Any, wanted: Mapping[str, Any], params: Mapping[str, Any]) -> dict[str, Any]:
    """CreateRole with everything it takes (the policies come with :func:`add_policies`, once IAM shows it)."""
    request: dict[str, Any] = {
        "RoleName": params["name"],
        "Path": params.get("path") or "/",
        "AssumeRolePolicyDocument": iam.document_json(wanted["trust"]),
    }
    if params.get("description") is not None:
        request["Description"] = params["description"]
    if params.get("max_session_duration") is not None:
        request["MaxSessionDuration"] = params["max_session_duration"]
    if params.get("boundary"):
        request["PermissionsBoundary"] = params["boundary"]
    if params.get("tags"):
        request["Tags"] = dict_to_tags(params["tags"])
    return connection.create_role(aws_retry=True, **request)["Role"]


def add_policies(connection: Any, name: str, wanted: Mapping[str, Any]) -> None:
    """The inline and managed policies of a new role."""
    apply(connection, name, {"put": dict(wanted.get("inline") or {}), "attach": list(wanted.get("managed") or [])})


def wait_until_visible(connection: Any, name: str, timeout: int, delay: float = 2) -> dict[str, Any] | None:
    """Poll GetRole until IAM answers with the new role (IAM is eventually consistent), at most ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        role = get_role(connection, name)
        if role is not None or time.monotonic() >= deadline:
            return role
        time.sleep(delay)


def apply(connection: Any, name: str, changes: Mapping[str, Any]) -> None:
    """Apply :func:`plan`'s changes. New permissions come before old ones go (attach, then detach)."""
    if "trust" in changes:
        connection.update_assume_role_policy(
            aws_retry=True, RoleName=name, PolicyDocument=iam.document_json(changes["trust"])
        )
    if "update" in changes:
        connection.update_role(aws_retry=True, RoleName=name, **changes["update"])
    if "boundary" in changes:
        if changes["boundary"]:
            connection.put_role_permissions_boundary(
                aws_retry=True, RoleName=name, PermissionsBoundary=changes["boundary"]
            )
        else:
            connection.delete_role_permissions_boundary(aws_retry=True, RoleName=name)
    if changes.get("untag"):
        connection.untag_role(aws_retry=True, RoleName=name, TagKeys=list(changes["untag"]))
    if changes.get("tag"):
        connection.tag_role(aws_retry=True, RoleName=name, Tags=dict_to_tags(changes["tag"]))
    for policy_name, document in sorted((changes.get("put") or {}).items()):
        connection.put_role_policy(
            aws_retry=True, RoleName=name, PolicyName=policy_name, PolicyDocument=iam.document_json(document)
        )
    for arn in changes.get("attach") or []:
        connection.attach_role_policy(aws_retry=True, RoleName=name, PolicyArn=arn)
    for arn in changes.get("detach") or []:
        _ignore_missing(connection.detach_role_policy, RoleName=name, PolicyArn=arn)
    for policy_name in changes.get("delete") or []:
        _ignore_missing(connection.delete_role_policy, RoleName=name, PolicyName=policy_name)


def delete(connection: Any, name: str, delete_instance_profiles: bool) -> None:
    """What IAM needs gone before DeleteRole: instance profiles, attached and inline policies; then the role."""
    profiles = iam.marker_pages(connection.list_instance_profiles_for_role, "InstanceProfiles", RoleName=name)
    for profile in profiles:
        profile_name = profile["InstanceProfileName"]
        _ignore_missing(connection.remove_role_from_instance_profile, InstanceProfileName=profile_name, RoleName=name)
        if delete_instance_profiles and profile_name == name:
            _ignore_missing(connection.delete_instance_profile, InstanceProfileName=profile_name)
    for policy in iam.marker_pages(connection.list_attached_role_policies, "AttachedPolicies", RoleName=name):
        _ignore_missing(connection.detach_role_policy, RoleName=name, PolicyArn=policy["PolicyArn"])
    for policy_name in iam.marker_pages(connection.list_role_policies, "PolicyNames", RoleName=name):
        _ignore_missing(connection.delete_role_policy, RoleName=name, PolicyName=policy_name)
    _ignore_missing(connection.delete_role, RoleName=name)


def _ignore_missing(call: Any, **request: Any) -> None:
    """A delete of what is already gone (another run, eventual consistency) is not an error."""
    try:
        call(aws_retry=True, **request)
    except Exception as e:  # noqa: BLE001 - botocore's ClientError, matched by its code
        if not iam.is_not_found(e):
            raise


# --------------------------------------------------------------------------- views


def state_view(current: Mapping[str, Any] | None) -> dict[str, Any]:
    """The compared settings of a role (diff and check mode), snake_cased."""
    if not current:
        return {}
    role = current["role"]
    out: dict[str, Any] = {
        "path": role.get("Path", "/"),
        "assume_role_policy_document": role.get("AssumeRolePolicyDocument"),
        "description": role.get("Description", ""),
        "max_session_duration": role.get("MaxSessionDuration", 3600),
        "permissions_boundary": (role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn", ""),
        "tags": tags_to_dict(role.get("Tags")),
    }
    if "managed" in current:
        out["managed_policies"] = list(current["managed"])
    if "inline" in current:
        out["inline_policies"] = {name: doc for name, doc in sorted(current["inline"].items())}
    return out


def predicted(current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """``current`` as :func:`apply` would leave it (check mode and diff)."""
    role = dict(current["role"])
    if "trust" in changes:
        role["AssumeRolePolicyDocument"] = changes["trust"]
    if "update" in changes:
        role.update(changes["update"])
    if "boundary" in changes:
        role["PermissionsBoundary"] = (
            {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": changes["boundary"]}
            if changes["boundary"]
            else {}
        )
    tags = apply_tag_changes(tags_to_dict(role.get("Tags")), changes.get("tag", {}), changes.get("untag", []))
    role["Tags"] = dict_to_tags(tags)
    after: dict[str, Any] = {"role": role}
    if "managed" in current:
        attached = set(current["managed"]) | set(changes.get("attach", []))
        after["managed"] = sorted(attached - set(changes.get("detach", [])))
    if "inline" in current:
        inline = {**current["inline"], **changes.get("put", {})}
        after["inline"] = {k: v for k, v in inline.items() if k not in changes.get("delete", [])}
    return after


def result_view(current: Mapping[str, Any]) -> dict[str, Any]:
    """The role as the module returns it: amazon.aws.iam_role's ``iam_role`` (``arn``, ``role_name``, ``tags``
    as a dict, ...) plus ``attached_policies`` and ``inline_policies`` when they are managed."""
    role = dict(current["role"])
    role.pop("ResponseMetadata", None)
    if "managed" in current:
        role["AttachedPolicies"] = [
            {"PolicyArn": arn, "PolicyName": arn.rsplit("/", 1)[-1]} for arn in current["managed"]
        ]
    view = normalize_iam_role(role)
    if "inline" in current:
        view["inline_policies"] = {name: doc for name, doc in sorted(current["inline"].items()) if doc is not None}
    return view
