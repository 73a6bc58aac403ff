# Copyright: ecap.platform contributors
# MIT License
"""EKS add-ons: version resolution against DescribeAddonVersions, the diff, create/update/delete, waits.

Pure functions (:func:`resolve_version`, :func:`parse_configuration`, :func:`plan_update`) are unit
tested on their own; :func:`ensure_present` / :func:`ensure_absent` are the module's flow.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

try:
    from botocore.exceptions import ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.ecap.platform.plugins.module_utils.common import (
    apply_tag_changes,
    make_diff,
    tag_changes,
    wait_for_status,
)

TRANSITIONAL = ("CREATING", "UPDATING", "DELETING")
FAILED = ("CREATE_FAILED", "UPDATE_FAILED", "DELETE_FAILED")


# --------------------------------------------------------------------------- pure logic


def version_key(version: str) -> tuple:
    """Sort key of ``v1.19.2-eksbuild.1``: (1, 19, 2, 1); unknown parts sort first."""
    numbers = [int(n) for n in re.findall(r"\d+", version or "")]
    return tuple(numbers)


def parse_configuration(value: Any) -> tuple[dict | None, str | None]:
    """``configuration_values`` (dict, JSON string or None) → (parsed dict or None, error)."""
    if value is None:
        return None, None
    if isinstance(value, dict):
        return value, None
    if isinstance(value, str):
        if not value.strip():
            return {}, None
        try:
            parsed = json.loads(value)
        except ValueError as e:
            return None, f"configuration_values is not valid JSON: {e}"
        if not isinstance(parsed, dict):
            return None, "configuration_values must be a JSON object"
        return parsed, None
    return None, f"configuration_values must be a dict or a JSON string, got {type(value).__name__}"


def current_configuration(addon: dict[str, Any]) -> dict:
    parsed, _ = parse_configuration(addon.get("configurationValues") or "")
    return parsed or {}


def compatible_versions(addon_infos: list[dict[str, Any]], name: str, kubernetes_version: str) -> list[dict]:
    """The ``addonVersions`` of ``name`` compatible with ``kubernetes_version``, newest first."""
    versions = []
    for info in addon_infos:
        if info.get("addonName") != name:
            continue
        for version in info.get("addonVersions") or []:
            compat = [c for c in version.get("compatibilities") or [] if c.get("clusterVersion") == kubernetes_version]
            if compat:
                versions.append({**version, "_default": any(c.get("defaultVersion") for c in compat)})
    return sorted(versions, key=lambda v: version_key(v["addonVersion"]), reverse=True)


def resolve_version(
    addon_infos: list[dict[str, Any]],
    name: str,
    kubernetes_version: str,
    wanted: str | None,
    current: str | None = None,
) -> tuple[str | None, str | None]:
    """The add-on version to have, and an error.

    ``wanted`` None keeps ``current`` (the default when there is none); ``"default"`` is the version EKS
    marks as the default for ``kubernetes_version``; ``"latest"`` the newest compatible; else pinned and
    checked compatible.
    """
    versions = compatible_versions(addon_infos, name, kubernetes_version)
    if wanted is None and current:
        return current, None
    if not versions:
        return None, f"EKS has no version of the add-on {name} for Kubernetes {kubernetes_version}"
    if wanted in (None, "", "default"):
        defaults = [v["addonVersion"] for v in versions if v["_default"]]
        return (defaults[0] if defaults else versions[0]["addonVersion"]), None
    if wanted == "latest":
        return versions[0]["addonVersion"], None
    if any(v["addonVersion"] == wanted for v in versions):
        return wanted, None
    known = ", ".join(v["addonVersion"] for v in versions[:6])
    return None, (
        f"The {name} add-on version {wanted} is not compatible with Kubernetes {kubernetes_version} "
        f"(compatible: {known})"
    )


def plan_update(current: dict[str, Any], version: str, role: str | None, configuration: dict | None) -> dict[str, Any]:
    """The UpdateAddon fields that differ (``addonVersion``, ``serviceAccountRoleArn``, ``configurationValues``)."""
    changes: dict[str, Any] = {}
    if version != current.get("addonVersion"):
        changes["addonVersion"] = version
    if role is not None and role != (current.get("serviceAccountRoleArn") or ""):
        changes["serviceAccountRoleArn"] = role
    if configuration is not None and configuration != current_configuration(current):
        changes["configurationValues"] = json.dumps(configuration, sort_keys=True) if configuration else ""
    return changes


def view(addon: dict[str, Any] | None) -> dict[str, Any]:
    """What the diff shows."""
    if not addon:
        return {}
    return {
        "addon_version": addon.get("addonVersion"),
        "service_account_role_arn": addon.get("serviceAccountRoleArn"),
        "configuration_values": current_configuration(addon),
        "tags": dict(addon.get("tags") or {}),
    }


def to_ansible(addon: dict[str, Any] | None) -> dict[str, Any]:
    if not addon:
        return {}
    result = camel_dict_to_snake_dict(addon, ignore_list=["tags"])
    result["tags"] = dict(addon.get("tags") or {})
    return result


def validate(params: dict[str, Any]) -> list[str]:
    errors = []
    _, error = parse_configuration(params.get("configuration_values"))
    if error:
        errors.append(error)
    if params.get("wait_timeout", 0) < 0 or params.get("wait_delay", 1) < 1:
        errors.append("wait_timeout must be 0 or more and wait_delay 1 or more")
    return errors


# --------------------------------------------------------------------------- AWS calls


def describe_addon(connection: Any, cluster: str, name: str) -> dict | None:
    try:
        return connection.describe_addon(clusterName=cluster, addonName=name, aws_retry=True)["addon"]
    except is_boto3_error_code("ResourceNotFoundException"):
        return None


def describe_cluster_version(connection: Any, cluster: str) -> str | None:
    try:
        return connection.describe_cluster(name=cluster, aws_retry=True)["cluster"]["version"]
    except is_boto3_error_code("ResourceNotFoundException"):
        return None


def addon_versions(connection: Any, name: str, kubernetes_version: str) -> list[dict]:
    infos: list[dict] = []
    params: dict[str, Any] = {"addonName": name, "kubernetesVersion": kubernetes_version}
    seen: set[str] = set()
    while True:
        page = connection.describe_addon_versions(aws_retry=True, **params)
        infos.extend(page.get("addons") or [])
        token = page.get("nextToken")
        if not token or token in seen:
            return infos
        seen.add(token)
        params["nextToken"] = token


def _wait_status(module: Any, connection: Any, cluster: str, name: str, gone: bool = False) -> dict | None:
    return wait_for_status(
        module,
        lambda: describe_addon(connection, cluster, name),
        TRANSITIONAL,
        f"the EKS add-on {name} of {cluster}",
        gone,
    )


def _fail_on_failed(module: Any, addon: dict | None) -> None:
    if addon and addon.get("status") in FAILED:
        issues = (addon.get("health") or {}).get("issues") or []
        module.fail_json(
            msg=f"The EKS add-on {addon['addonName']} is {addon['status']}: {issues}", addon=to_ansible(addon)
        )


def ensure_present(connection: Any, module: Any) -> None:
    params = module.params
    cluster, name = params["cluster_name"], params["name"]
    kubernetes_version = describe_cluster_version(connection, cluster)
    if kubernetes_version is None:
        module.fail_json(msg=f"The EKS cluster {cluster} does not exist")
    current = describe_addon(connection, cluster, name)
    if current and current.get("status") == "DELETING":
        if module.check_mode:
            current = None
        else:
            _wait_status(module, connection, cluster, name, gone=True)
            current = None
    configuration, _ = parse_configuration(params["configuration_values"])
    version, error = resolve_version(
        addon_versions(connection, name, kubernetes_version),
        name,
        kubernetes_version,
        params["version"],
        current.get("addonVersion") if current else None,
    )
    if error:
        module.fail_json(msg=error)
    if current is None:
        create_addon(connection, module, version, configuration)
        return
    update_addon(connection, module, current, version, configuration)


def create_addon(connection: Any, module: Any, version: str, configuration: dict | None) -> None:
    params = module.params
    cluster, name = params["cluster_name"], params["name"]
    request: dict[str, Any] = {
        "clusterName": cluster,
        "addonName": name,
        "addonVersion": version,
        "resolveConflicts": params["resolve_conflicts"],
        "clientRequestToken": str(uuid.uuid4()),
    }
    if params["service_account_role_arn"]:
        request["serviceAccountRoleArn"] = params["service_account_role_arn"]
    if configuration:
        request["configurationValues"] = json.dumps(configuration, sort_keys=True)
    if params["tags"]:
        request["tags"] = {k: str(v) for k, v in params["tags"].items()}
    after = {
        "addonName": name,
        "clusterName": cluster,
        "addonVersion": version,
        "status": "CREATING",
        "serviceAccountRoleArn": request.get("serviceAccountRoleArn"),
        "configurationValues": request.get("configurationValues"),
        "tags": request.get("tags", {}),
    }
    after = {k: v for k, v in after.items() if v is not None}
    if module.check_mode:
        module.exit_json(
            changed=True, addon=to_ansible(after), resolved_version=version, diff=make_diff({}, view(after))
        )
    addon = connection.create_addon(aws_retry=True, **request)["addon"]
    if params["wait"]:
        addon = _wait_status(module, connection, cluster, name) or addon
        _fail_on_failed(module, addon)
    module.exit_json(changed=True, addon=to_ansible(addon), resolved_version=version, diff=make_diff({}, view(addon)))


def update_addon(connection: Any, module: Any, current: dict, version: str, configuration: dict | None) -> None:
    params = module.params
    cluster, name = params["cluster_name"], params["name"]
    changes = plan_update(current, version, params["service_account_role_arn"], configuration)
    to_set, to_unset = tag_changes(current.get("tags") or {}, params["tags"], params["purge_tags"])
    if not changes and not to_set and not to_unset:
        module.exit_json(changed=False, addon=to_ansible(current), resolved_version=version)
    after = dict(current)
    after.update({k: v for k, v in changes.items()})
    if "configurationValues" in changes and not changes["configurationValues"]:
        after.pop("configurationValues", None)
    if "serviceAccountRoleArn" in changes and not changes["serviceAccountRoleArn"]:
        after.pop("serviceAccountRoleArn", None)
    after["tags"] = apply_tag_changes(current.get("tags") or {}, to_set, to_unset)
    diff = make_diff(view(current), view(after))
    if module.check_mode:
        module.exit_json(changed=True, addon=to_ansible(after), resolved_version=version, diff=diff)
    result: dict[str, Any] = {}
    if to_set:
        connection.tag_resource(resourceArn=current["addonArn"], tags=to_set, aws_retry=True)
    if to_unset:
        connection.untag_resource(resourceArn=current["addonArn"], tagKeys=to_unset, aws_retry=True)
    if changes:
        if current.get("status") in TRANSITIONAL:
            _wait_status(module, connection, cluster, name)  # AWS runs one update at a time
        request = {
            "clusterName": cluster,
            "addonName": name,
            "resolveConflicts": params["resolve_conflicts"],
            "clientRequestToken": str(uuid.uuid4()),
            **changes,
        }
        update = connection.update_addon(aws_retry=True, **request)["update"]
        result["update"] = camel_dict_to_snake_dict(update)
    addon = describe_addon(connection, cluster, name) or after
    if changes and params["wait"]:
        addon = _wait_status(module, connection, cluster, name) or addon
        _fail_on_failed(module, addon)
    module.exit_json(changed=True, addon=to_ansible(addon), resolved_version=version, diff=diff, **result)


def ensure_absent(connection: Any, module: Any) -> None:
    params = module.params
    cluster, name = params["cluster_name"], params["name"]
    try:
        current = describe_addon(connection, cluster, name)
    except is_boto3_error_code("ResourceNotFoundException"):
        current = None
    if current is None:
        module.exit_json(changed=False, addon={})
    if current.get("status") == "DELETING":
        if params["wait"] and not module.check_mode:
            _wait_status(module, connection, cluster, name, gone=True)
        module.exit_json(changed=False, addon={})
    if module.check_mode:
        module.exit_json(changed=True, addon={}, diff=make_diff(view(current), {}))
    try:
        connection.delete_addon(clusterName=cluster, addonName=name, preserve=params["preserve"], aws_retry=True)
    except is_boto3_error_code("ResourceNotFoundException"):
        module.exit_json(changed=False, addon={})
    except ClientError:
        raise
    if params["wait"]:
        _wait_status(module, connection, cluster, name, gone=True)
    module.exit_json(changed=True, addon={}, diff=make_diff(view(current), {}))
