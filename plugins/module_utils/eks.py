# Copyright: ecap.platform contributors
# MIT License
"""Amazon EKS control-plane logic shared by the eks_* modules: clusters and access entries.

A cluster's settings change through *updates* that AWS runs one at a time (UpdateClusterConfig for
endpoint access, logging and the access config; AssociateEncryptionConfig; UpdateClusterVersion),
each with an id that DescribeUpdate follows. :func:`plan_cluster` compares a cluster as
DescribeCluster describes it with the module's options and returns the updates to make, in the
order the module applies them (:data:`UPDATE_ORDER`), the tag changes, warnings for the settings
the module does not change on an existing cluster, and errors for changes EKS cannot make
(a version jump of two minors, a downgrade, a backward authentication mode, another KMS key).

Pure functions (:func:`validate_cluster_params`, :func:`version_step`, :func:`auth_mode_steps`,
:func:`plan_cluster`, :func:`cluster_view`, :func:`plan_access_entry`) hold the decisions and are
unit-tested without AWS; the ``ensure_*`` functions run a module's flow against a boto3 client.
"""

from __future__ import annotations

import ipaddress
import re
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.ecap.platform.plugins.module_utils.common import (
    WaitTimeoutError,
    apply_tag_changes,
    make_diff,
    tag_changes,
    wait_for,
)

LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")
AUTH_MODES = ("CONFIG_MAP", "API_AND_CONFIG_MAP", "API")
#: The order in which the module applies the updates of one run.
UPDATE_ORDER = (
    "EndpointAccessUpdate",
    "LoggingUpdate",
    "AccessConfigUpdate",
    "AssociateEncryptionConfig",
    "VersionUpdate",
)
ACCESS_ENTRY_TYPES = ("STANDARD", "EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX", "EC2", "HYBRID_LINUX", "HYPERPOD_LINUX")
#: Entry types whose groups and user name EKS sets itself.
NODE_ENTRY_TYPES = ("EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX", "EC2", "HYBRID_LINUX", "HYPERPOD_LINUX")
#: Entry types that take access policies.
POLICY_ENTRY_TYPES = ("STANDARD", "EC2", "HYBRID_LINUX")
ACCESS_POLICY_ARN = re.compile(r"^arn:aws[a-z-]*:eks::aws:cluster-access-policy/[A-Za-z0-9]+$")
PRINCIPAL_ARN = re.compile(r"^arn:(aws[a-z-]*):iam::\d{12}:(role|user)/.+$")
KMS_KEY_ARN = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+$")
VERSION = re.compile(r"^(\d+)\.(\d+)$")
#: Cluster states in which EKS accepts an update.
UPDATABLE = ("ACTIVE",)

#: Option → how :func:`cluster_view` reads it (the diff shows these).
COMPARED_OPTIONS = (
    "version",
    "role_arn",
    "subnet_ids",
    "security_group_ids",
    "endpoint_public_access",
    "endpoint_private_access",
    "public_access_cidrs",
    "logging_types",
    "secrets_kms_key_arn",
    "authentication_mode",
    "tags",
)


class ClusterError(Exception):
    """A change the module refuses or that failed; ``result`` goes into the failed result."""

    def __init__(self, message: str, **result: Any) -> None:
        super().__init__(message)
        self.result = result


# --------------------------------------------------------------------------- validation


def parse_version(version: str | None) -> tuple[int, int] | None:
    match = VERSION.match(str(version or ""))
    return (int(match.group(1)), int(match.group(2))) if match else None


def _cidr_errors(cidrs: list[str] | None) -> list[str]:
    errors = []
    for cidr in cidrs or []:
        try:
            ipaddress.ip_network(cidr, strict=True)
        except ValueError:
            errors.append(f"public_access_cidrs: {cidr!r} is not a CIDR block (for example 203.0.113.0/24).")
    return errors


def validate_cluster_params(params: Mapping[str, Any]) -> list[str]:
    """Errors in eks_cluster's arguments that need no AWS call (empty when all is well)."""
    errors: list[str] = []
    if not re.match(r"^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$", params.get("name") or ""):
        errors.append(f"name {params.get('name')!r} is not a valid EKS cluster name (1-100 letters, digits, - and _).")
    if params.get("state", "present") != "present":
        return errors
    if params.get("version") is not None and parse_version(params["version"]) is None:
        errors.append(f'version {params["version"]!r} is not MAJOR.MINOR (for example "1.31").')
    errors.extend(_cidr_errors(params.get("public_access_cidrs")))
    if params.get("endpoint_public_access") is False and params.get("endpoint_private_access") is False:
        errors.append(
            "endpoint_public_access and endpoint_private_access cannot both be false: the API would be unreachable."
        )
    key = params.get("secrets_kms_key_arn")
    if key is not None and not KMS_KEY_ARN.match(key):
        errors.append(f"secrets_kms_key_arn {key!r} is not a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID).")
    if (
        params.get("authentication_mode") == "CONFIG_MAP"
        and params.get("bootstrap_cluster_creator_admin_permissions") is False
    ):
        errors.append(
            "bootstrap_cluster_creator_admin_permissions must be true with authentication_mode CONFIG_MAP "
            "(EKS refuses otherwise)."
        )
    if (params.get("wait_timeout") or 0) < 0:
        errors.append("wait_timeout cannot be negative.")
    if (params.get("wait_delay") or 1) < 1:
        errors.append("wait_delay must be at least 1 second.")
    return errors


def version_step(current: str, wanted: str | None) -> tuple[bool, str | None]:
    """``(upgrade, error)``: whether ``wanted`` is one minor above ``current``; an error for any other move."""
    if wanted is None or str(wanted) == str(current):
        return False, None
    have, want = parse_version(current), parse_version(wanted)
    if have is None or want is None:
        return False, f"Cannot compare the Kubernetes versions {current!r} and {wanted!r}."
    if want < have:
        return False, f"The cluster runs Kubernetes {current}; EKS cannot downgrade it to {wanted}."
    if want[0] != have[0] or want[1] != have[1] + 1:
        return False, (
            f"The cluster runs Kubernetes {current}; EKS upgrades one minor version at a time, so {wanted} "
            f"needs {have[0]}.{have[1] + 1} first (set version to {have[0]}.{have[1] + 1}, then {wanted})."
        )
    return True, None


def auth_mode_steps(current: str | None, wanted: str | None) -> tuple[list[str], str | None]:
    """``(modes, error)``: the authentication modes to move through, one update each, forward only."""
    current = current or "CONFIG_MAP"
    if wanted is None or wanted == current:
        return [], None
    have, want = AUTH_MODES.index(current), AUTH_MODES.index(wanted)
    if want < have:
        return [], (
            f"The cluster's authentication mode is {current}; EKS cannot move it back to {wanted} "
            f"(only {' -> '.join(AUTH_MODES)})."
        )
    return list(AUTH_MODES[have + 1 : want + 1]), None


# --------------------------------------------------------------------------- cluster views and plan


def enabled_log_types(cluster: Mapping[str, Any]) -> list[str]:
    enabled: set[str] = set()
    for entry in (cluster.get("logging") or {}).get("clusterLogging") or []:
        if entry.get("enabled"):
            enabled.update(entry.get("types") or [])
    return [t for t in LOG_TYPES if t in enabled]


def cluster_key_arn(cluster: Mapping[str, Any]) -> str | None:
    for entry in cluster.get("encryptionConfig") or []:
        key = (entry.get("provider") or {}).get("keyArn")
        if key:
            return key
    return None


def cluster_view(cluster: Mapping[str, Any] | None) -> dict[str, Any]:
    """The compared options of a cluster as DescribeCluster describes it (``{}`` when missing)."""
    if not cluster:
        return {}
    vpc = cluster.get("resourcesVpcConfig") or {}
    return {
        "version": cluster.get("version"),
        "role_arn": cluster.get("roleArn"),
        "subnet_ids": sorted(vpc.get("subnetIds") or []),
        "security_group_ids": sorted(vpc.get("securityGroupIds") or []),
        "endpoint_public_access": vpc.get("endpointPublicAccess"),
        "endpoint_private_access": vpc.get("endpointPrivateAccess"),
        "public_access_cidrs": sorted(vpc.get("publicAccessCidrs") or []),
        "logging_types": enabled_log_types(cluster),
        "secrets_kms_key_arn": cluster_key_arn(cluster),
        "authentication_mode": (cluster.get("accessConfig") or {}).get("authenticationMode", "CONFIG_MAP"),
        "tags": dict(cluster.get("tags") or {}),
    }


def wanted_view(params: Mapping[str, Any]) -> dict[str, Any]:
    """The options the user set, normalised as :func:`cluster_view` shows them (``None`` = not set)."""

    def sorted_or_none(value: list[str] | None) -> list[str] | None:
        return None if value is None else sorted(value)

    logging = params.get("logging_types")
    return {
        "version": params.get("version"),
        "role_arn": params.get("role_arn"),
        "subnet_ids": sorted_or_none(params.get("subnet_ids")),
        "security_group_ids": sorted_or_none(params.get("security_group_ids")),
        "endpoint_public_access": params.get("endpoint_public_access"),
        "endpoint_private_access": params.get("endpoint_private_access"),
        "public_access_cidrs": sorted_or_none(params.get("public_access_cidrs")),
        "logging_types": None if logging is None else [t for t in LOG_TYPES if t in logging],
        "secrets_kms_key_arn": params.get("secrets_kms_key_arn"),
        "authentication_mode": params.get("authentication_mode"),
        "tags": None if params.get("tags") is None else {k: str(v) for k, v in params["tags"].items()},
    }


@dataclass
class ClusterUpdate:
    """One update to start: its type and the call that starts it (without ``name``/``clientRequestToken``)."""

    type: str
    operation: str
    request: dict[str, Any]


@dataclass
class ClusterPlan:
    updates: list[ClusterUpdate] = field(default_factory=list)
    tags_to_set: dict[str, str] = field(default_factory=dict)
    tags_to_unset: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    after: dict[str, Any] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.updates or self.tags_to_set or self.tags_to_unset)


def logging_request(enabled: list[str]) -> dict[str, Any]:
    """``logging`` of UpdateClusterConfig/CreateCluster: the enabled types on, every other type off."""
    on = [t for t in LOG_TYPES if t in enabled]
    off = [t for t in LOG_TYPES if t not in enabled]
    entries = []
    if on:
        entries.append({"types": on, "enabled": True})
    if off:
        entries.append({"types": off, "enabled": False})
    return {"clusterLogging": entries}


def plan_cluster(cluster: Mapping[str, Any], params: Mapping[str, Any]) -> ClusterPlan:
    """Compare an existing cluster with the module's options: the updates (in :data:`UPDATE_ORDER`), tags,
    warnings about the immutable options, and errors for changes EKS cannot make."""
    have = cluster_view(cluster)
    want = wanted_view(params)
    plan = ClusterPlan(after=dict(have))

    for option in ("role_arn", "subnet_ids", "security_group_ids"):
        if want[option] is not None and want[option] != have[option]:
            plan.warnings.append(
                f"{option} of the EKS cluster {cluster.get('name')} is {have[option]!r}, not {want[option]!r}: "
                "the module does not change it on an existing cluster (recreate the cluster to change it)."
            )

    endpoint = {}
    for option, api in (
        ("endpoint_public_access", "endpointPublicAccess"),
        ("endpoint_private_access", "endpointPrivateAccess"),
        ("public_access_cidrs", "publicAccessCidrs"),
    ):
        if want[option] is not None and want[option] != have[option]:
            endpoint[api] = params[option]
            plan.after[option] = want[option]
    if endpoint:
        if not plan.after["endpoint_public_access"] and not plan.after["endpoint_private_access"]:
            plan.errors.append("The cluster would have neither a public nor a private endpoint.")
        plan.updates.append(
            ClusterUpdate("EndpointAccessUpdate", "update_cluster_config", {"resourcesVpcConfig": endpoint})
        )

    if want["logging_types"] is not None and want["logging_types"] != have["logging_types"]:
        plan.after["logging_types"] = want["logging_types"]
        plan.updates.append(
            ClusterUpdate("LoggingUpdate", "update_cluster_config", {"logging": logging_request(want["logging_types"])})
        )

    modes, error = auth_mode_steps(have["authentication_mode"], want["authentication_mode"])
    if error:
        plan.errors.append(error)
    for mode in modes:
        plan.updates.append(
            ClusterUpdate("AccessConfigUpdate", "update_cluster_config", {"accessConfig": {"authenticationMode": mode}})
        )
        plan.after["authentication_mode"] = mode

    key = want["secrets_kms_key_arn"]
    if key is not None and key != have["secrets_kms_key_arn"]:
        if have["secrets_kms_key_arn"]:
            plan.errors.append(
                f"The secrets of the EKS cluster {cluster.get('name')} are encrypted with "
                f"{have['secrets_kms_key_arn']}; "
                f"EKS cannot change the key to {key} (recreate the cluster to use another key)."
            )
        else:
            plan.after["secrets_kms_key_arn"] = key
            plan.updates.append(
                ClusterUpdate(
                    "AssociateEncryptionConfig",
                    "associate_encryption_config",
                    {"encryptionConfig": [{"resources": ["secrets"], "provider": {"keyArn": key}}]},
                )
            )

    upgrade, error = version_step(have["version"], want["version"])
    if error:
        plan.errors.append(error)
    if upgrade:
        plan.after["version"] = want["version"]
        plan.updates.append(ClusterUpdate("VersionUpdate", "update_cluster_version", {"version": want["version"]}))

    plan.tags_to_set, plan.tags_to_unset = tag_changes(have["tags"], want["tags"], params.get("purge_tags", True))
    plan.after["tags"] = apply_tag_changes(have["tags"], plan.tags_to_set, plan.tags_to_unset)
    return plan


def create_request(params: Mapping[str, Any], token: str) -> dict[str, Any]:
    """CreateCluster's parameters from the module's options (options not set are left to EKS)."""
    vpc: dict[str, Any] = {"subnetIds": list(params["subnet_ids"])}
    for option, api in (
        ("security_group_ids", "securityGroupIds"),
        ("endpoint_public_access", "endpointPublicAccess"),
        ("endpoint_private_access", "endpointPrivateAccess"),
        ("public_access_cidrs", "publicAccessCidrs"),
    ):
        if params.get(option) is not None:
            vpc[api] = params[option]
    request: dict[str, Any] = {
        "name": params["name"],
        "roleArn": params["role_arn"],
        "resourcesVpcConfig": vpc,
        "clientRequestToken": token,
        "accessConfig": {
            "bootstrapClusterCreatorAdminPermissions": bool(
                params.get("bootstrap_cluster_creator_admin_permissions", True)
            )
        },
    }
    if params.get("version"):
        request["version"] = params["version"]
    if params.get("authentication_mode"):
        request["accessConfig"]["authenticationMode"] = params["authentication_mode"]
    if params.get("logging_types") is not None:
        request["logging"] = logging_request(params["logging_types"])
    if params.get("secrets_kms_key_arn"):
        request["encryptionConfig"] = [
            {"resources": ["secrets"], "provider": {"keyArn": params["secrets_kms_key_arn"]}}
        ]
    if params.get("tags"):
        request["tags"] = {k: str(v) for k, v in params["tags"].items()}
    return request


def predicted_cluster(params: Mapping[str, Any]) -> dict[str, Any]:
    """The cluster a create would make, as DescribeCluster would show the options set (check mode)."""
    request = create_request(params, "check-mode")
    request.pop("clientRequestToken")
    vpc = request["resourcesVpcConfig"]
    vpc.setdefault("securityGroupIds", [])
    vpc.setdefault("endpointPublicAccess", True)
    vpc.setdefault("endpointPrivateAccess", False)
    vpc.setdefault("publicAccessCidrs", ["0.0.0.0/0"])
    request["accessConfig"].setdefault("authenticationMode", "CONFIG_MAP")
    request.setdefault("logging", logging_request([]))
    request.setdefault("encryptionConfig", [])
    request.setdefault("tags", {})
    request["status"] = "CREATING"
    return request


def cluster_to_ansible(cluster: Mapping[str, Any] | None) -> dict[str, Any]:
    """A cluster as the modules return it: snake_cased, tags as a dict (``{}`` when missing)."""
    if not cluster:
        return {}
    cluster = {k: v for k, v in cluster.items() if k != "ResponseMetadata"}
    return camel_dict_to_snake_dict(cluster, ignore_list=["tags"])


# --------------------------------------------------------------------------- cluster calls


def describe_cluster(client: Any, name: str) -> dict[str, Any] | None:
    """DescribeCluster; ``None`` when the cluster does not exist."""
    try:
        return client.describe_cluster(name=name, aws_retry=True)["cluster"]
    except is_boto3_error_code("ResourceNotFoundException"):
        return None


def list_nodegroups(client: Any, name: str) -> list[str]:
    return paginate_lower(client.list_nodegroups, "nodegroups", clusterName=name)


def paginate_lower(call: Any, result_key: str, **params: Any) -> list[Any]:
    """:func:`common.paginate` for the EKS API's lower-case ``nextToken``."""
    items: list[Any] = []
    seen: set[str] = set()
    while True:
        page = call(aws_retry=True, **params)
        items.extend(page.get(result_key) or [])
        token = page.get("nextToken")
        if not token or token in seen:
            return items
        seen.add(token)
        params = {**params, "nextToken": token}


def _remaining(deadline: float) -> float:
    return max(0.0, deadline - time.monotonic())


def wait_cluster(client: Any, name: str, deadline: float, delay: float, sleep: Any = time.sleep) -> dict[str, Any]:
    """Poll DescribeCluster until the cluster is ACTIVE (fails on FAILED)."""
    cluster = wait_for(
        lambda: describe_cluster(client, name),
        lambda c: c is None or c.get("status") in ("ACTIVE", "FAILED"),
        timeout=_remaining(deadline),
        delay=delay,
        what=f"the EKS cluster {name} to be ACTIVE",
        state_fn=lambda c: (c or {}).get("status"),
        sleep=sleep,
    )
    if cluster is None:
        raise ClusterError(f"The EKS cluster {name} disappeared while waiting for it to be ACTIVE.")
    if cluster.get("status") == "FAILED":
        raise ClusterError(f"The EKS cluster {name} is FAILED.", cluster=cluster_to_ansible(cluster))
    return cluster


def wait_cluster_gone(client: Any, name: str, deadline: float, delay: float, sleep: Any = time.sleep) -> None:
    wait_for(
        lambda: describe_cluster(client, name),
        lambda c: c is None,
        timeout=_remaining(deadline),
        delay=delay,
        what=f"the EKS cluster {name} to be deleted",
        state_fn=lambda c: (c or {}).get("status"),
        sleep=sleep,
    )


def wait_update(
    client: Any, name: str, update_id: str, deadline: float, delay: float, sleep: Any = time.sleep
) -> dict[str, Any]:
    """Poll DescribeUpdate until the update is no longer InProgress; fail unless it is Successful."""
    update = wait_for(
        lambda: client.describe_update(name=name, updateId=update_id, aws_retry=True)["update"],
        lambda u: u.get("status") != "InProgress",
        timeout=_remaining(deadline),
        delay=delay,
        what=f"the update {update_id} of the EKS cluster {name}",
        state_fn=lambda u: u.get("status"),
        sleep=sleep,
    )
    if update.get("status") != "Successful":
        raise ClusterError(
            f"The {update.get('type')} {update_id} of the EKS cluster {name} ended {update.get('status')}: "
            f"{update.get('errors')}",
            update=camel_dict_to_snake_dict(update),
        )
    return update


def start_update(client: Any, name: str, update: ClusterUpdate) -> dict[str, Any]:
    call = getattr(client, update.operation)
    key = "clusterName" if update.operation == "associate_encryption_config" else "name"
    return call(clientRequestToken=str(uuid.uuid4()), aws_retry=True, **{key: name}, **update.request)["update"]


def _result(changed: bool, cluster: Mapping[str, Any] | None, **extra: Any) -> dict[str, Any]:
    result = {"changed": changed, "cluster": cluster_to_ansible(cluster), "updates": [], "pending_updates": []}
    result.update(extra)
    return result


def ensure_cluster_present(client: Any, params: Mapping[str, Any], check_mode: bool) -> dict[str, Any]:
    """eks_cluster state=present: create, or apply the needed updates one at a time."""
    name = params["name"]
    deadline = time.monotonic() + params.get("wait_timeout", 1800)
    delay = params.get("wait_delay", 10)
    current = describe_cluster(client, name)
    if current is None:
        missing = [option for option in ("role_arn", "subnet_ids") if not params.get(option)]
        if missing:
            raise ClusterError(f"{' and '.join(missing)} required to create the EKS cluster {name}.")
        diff = make_diff({}, {k: v for k, v in wanted_view(params).items() if v is not None})
        if check_mode:
            return _result(True, predicted_cluster(params), diff=diff)
        cluster = client.create_cluster(aws_retry=True, **create_request(params, str(uuid.uuid4())))["cluster"]
        if params.get("wait", True):
            cluster = wait_cluster(client, name, deadline, delay)
        return _result(True, cluster, diff=diff)

    status = current.get("status")
    if status == "DELETING":
        raise ClusterError(f"The EKS cluster {name} is being deleted; run again once it is gone to create it anew.")
    plan = plan_cluster(current, params)
    if plan.errors:
        raise ClusterError(" ".join(plan.errors), cluster=cluster_to_ansible(current))
    pending = [u.type for u in plan.updates]
    if not plan.changed:
        return _result(False, current, warnings=plan.warnings)
    diff = make_diff(cluster_view(current), plan.after)
    if check_mode:
        return _result(True, current, diff=diff, pending_updates=pending, warnings=plan.warnings)

    changed = False
    if plan.tags_to_set:
        client.tag_resource(resourceArn=current["arn"], tags=plan.tags_to_set, aws_retry=True)
        changed = True
    if plan.tags_to_unset:
        client.untag_resource(resourceArn=current["arn"], tagKeys=plan.tags_to_unset, aws_retry=True)
        changed = True

    wait = params.get("wait", True)
    started: list[str] = []
    todo = list(plan.updates)
    cluster = current
    warnings = list(plan.warnings)
    while todo:
        if cluster.get("status") not in UPDATABLE:
            if not wait:
                warnings.append(
                    f"The EKS cluster {name} is {cluster.get('status')}: {len(todo)} update(s) not started "
                    "(see pending_updates); run again once it is ACTIVE, or with wait=true."
                )
                break
            cluster = wait_cluster(client, name, deadline, delay)
        update = todo.pop(0)
        started.append(start_update(client, name, update)["id"])
        changed = True
        if not wait:
            break
        wait_update(client, name, started[-1], deadline, delay)
        cluster = describe_cluster(client, name) or cluster
    if started or changed:
        cluster = describe_cluster(client, name) or cluster
    if wait and started and cluster.get("status") != "ACTIVE":
        cluster = wait_cluster(client, name, deadline, delay)
    return _result(
        changed,
        cluster,
        diff=diff,
        updates=started,
        pending_updates=[u.type for u in todo],
        warnings=warnings,
    )


def ensure_cluster_absent(client: Any, params: Mapping[str, Any], check_mode: bool) -> dict[str, Any]:
    """eks_cluster state=absent: delete; EKS's refusal while node groups exist is turned into a clear message."""
    name = params["name"]
    deadline = time.monotonic() + params.get("wait_timeout", 1800)
    delay = params.get("wait_delay", 10)
    wait = params.get("wait", True)
    current = describe_cluster(client, name)
    if current is None:
        return _result(False, None)
    if current.get("status") == "DELETING":
        if wait and not check_mode:
            wait_cluster_gone(client, name, deadline, delay)
        return _result(False, None)
    diff = make_diff(cluster_view(current), {})
    if check_mode:
        return _result(True, None, diff=diff)
    try:
        client.delete_cluster(name=name, aws_retry=True)
    except is_boto3_error_code("ResourceNotFoundException"):
        return _result(False, None)
    except is_boto3_error_code("ResourceInUseException") as e:
        nodegroups = list_nodegroups(client, name)
        blockers = []
        if nodegroups:
            blockers.append(f"node groups {', '.join(nodegroups)}")
        try:
            profiles = paginate_lower(client.list_fargate_profiles, "fargateProfileNames", clusterName=name)
        except Exception:  # noqa: BLE001 best effort: the message names what it can
            profiles = []
        if profiles:
            blockers.append(f"Fargate profiles {', '.join(profiles)}")
        if blockers:
            raise ClusterError(
                f"EKS refuses to delete the cluster {name} while it has {' and '.join(blockers)}: delete them first "
                "(ecap.platform.eks_nodegroup / community.aws.eks_fargate_profile with state=absent)."
            ) from e
        raise ClusterError(f"EKS refuses to delete the cluster {name}: {e.response['Error'].get('Message')}") from e
    if wait:
        wait_cluster_gone(client, name, deadline, delay)
    return _result(True, None, diff=diff)


# --------------------------------------------------------------------------- access entries


def policy_arn(policy: Mapping[str, Any], partition: str = "aws") -> str:
    """The ARN of an ``access_policies`` item (``policy_arn``, or ``policy`` as a short name)."""
    if policy.get("policy_arn"):
        return policy["policy_arn"]
    return f"arn:{partition}:eks::aws:cluster-access-policy/{policy['policy']}"


def scope_of(policy: Mapping[str, Any]) -> dict[str, Any]:
    """An ``access_policies`` item's scope, as :func:`normalize_scope` compares it."""
    kind = policy.get("access_scope_type") or "cluster"
    return normalize_scope({"type": kind, "namespaces": policy.get("namespaces") or []})


def normalize_scope(scope: Mapping[str, Any] | None) -> dict[str, Any]:
    scope = scope or {}
    result: dict[str, Any] = {"type": scope.get("type", "cluster")}
    if result["type"] == "namespace":
        result["namespaces"] = sorted(set(scope.get("namespaces") or []))
    return result


def validate_access_entry_params(params: Mapping[str, Any]) -> list[str]:
    """Errors in eks_access_entry's arguments that need no AWS call."""
    errors: list[str] = []
    principal = params.get("principal_arn") or ""
    if not PRINCIPAL_ARN.match(principal):
        errors.append(f"principal_arn {principal!r} is not an IAM role or user ARN (arn:aws:iam::ACCOUNT:role/NAME).")
    if params.get("state", "present") != "present":
        return errors
    entry_type = params.get("type") or "STANDARD"
    if entry_type in NODE_ENTRY_TYPES and (params.get("kubernetes_groups") or params.get("username")):
        errors.append(
            f"kubernetes_groups and username cannot be set on an access entry of type {entry_type} (EKS sets them)."
        )
    for group in params.get("kubernetes_groups") or []:
        if group.startswith("system:"):
            errors.append(f"kubernetes_groups: {group!r} starts with system:, which EKS reserves.")
    username = params.get("username")
    if username and username.startswith(("system:", "eks:", "aws:", "amazon:", "iam:")):
        errors.append(f"username {username!r} starts with a prefix EKS reserves (system:, eks:, aws:, amazon:, iam:).")
    policies = params.get("access_policies")
    if policies and entry_type not in POLICY_ENTRY_TYPES:
        errors.append(f"access_policies cannot be associated with an access entry of type {entry_type}.")
    seen: set[str] = set()
    partition = (PRINCIPAL_ARN.match(principal) or [None, "aws"])[1]
    for index, policy in enumerate(policies or []):
        if bool(policy.get("policy_arn")) == bool(policy.get("policy")):
            errors.append(f"access_policies[{index}]: set exactly one of policy_arn and policy.")
            continue
        arn = policy_arn(policy, partition)
        if not ACCESS_POLICY_ARN.match(arn):
            errors.append(f"access_policies[{index}]: {arn!r} is not an EKS access policy ARN.")
        if arn in seen:
            errors.append(f"access_policies: {arn} is listed twice.")
        seen.add(arn)
        kind = policy.get("access_scope_type") or "cluster"
        if kind == "namespace" and not policy.get("namespaces"):
            errors.append(f"access_policies[{index}]: a namespace scope needs namespaces.")
        if kind == "cluster" and policy.get("namespaces"):
            errors.append(f"access_policies[{index}]: namespaces are only allowed with access_scope_type namespace.")
    return errors


@dataclass
class AccessEntryPlan:
    create: bool = False
    update: dict[str, Any] = field(default_factory=dict)
    associate: dict[str, dict[str, Any]] = field(default_factory=dict)
    disassociate: list[str] = field(default_factory=list)
    tags_to_set: dict[str, str] = field(default_factory=dict)
    tags_to_unset: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.create or self.update or self.associate or self.disassociate or self.tags_to_set or self.tags_to_unset
        )


def wanted_policies(params: Mapping[str, Any]) -> dict[str, dict[str, Any]] | None:
    """Policy ARN → normalised scope of ``access_policies`` (``None`` when not set)."""
    if params.get("access_policies") is None:
        return None
    match = PRINCIPAL_ARN.match(params.get("principal_arn") or "")
    partition = match.group(1) if match else "aws"
    return {policy_arn(p, partition): scope_of(p) for p in params["access_policies"]}


def associated_view(associated: list[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    return {p["policyArn"]: normalize_scope(p.get("accessScope")) for p in associated}


def plan_access_entry(
    entry: Mapping[str, Any] | None, associated: list[Mapping[str, Any]], params: Mapping[str, Any]
) -> AccessEntryPlan:
    """Compare an access entry (DescribeAccessEntry, ``None``: missing) and its associated policies with the options."""
    plan = AccessEntryPlan()
    have_policies = associated_view(associated)
    want_policies = wanted_policies(params)
    if entry is None:
        plan.create = True
        plan.associate = dict(want_policies or {})
        return plan
    entry_type = params.get("type") or "STANDARD"
    if entry.get("type") != entry_type:
        plan.errors.append(
            f"The access entry of {entry.get('principalArn')} is of type {entry.get('type')}; EKS cannot change it to "
            f"{entry_type} (delete the entry, then create it again)."
        )
    groups = params.get("kubernetes_groups")
    if groups is not None and sorted(set(groups)) != sorted(set(entry.get("kubernetesGroups") or [])):
        plan.update["kubernetesGroups"] = sorted(set(groups))
    username = params.get("username")
    if username is not None and username != entry.get("username"):
        plan.update["username"] = username
    if want_policies is not None:
        plan.associate = {arn: scope for arn, scope in want_policies.items() if have_policies.get(arn) != scope}
        if params.get("purge_access_policies", True):
            plan.disassociate = sorted(arn for arn in have_policies if arn not in want_policies)
    plan.tags_to_set, plan.tags_to_unset = tag_changes(
        entry.get("tags") or {},
        None if params.get("tags") is None else {k: str(v) for k, v in params["tags"].items()},
        params.get("purge_tags", True),
    )
    return plan


def access_entry_view(entry: Mapping[str, Any] | None, policies: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    if not entry:
        return {}
    return {
        "principal_arn": entry.get("principalArn"),
        "type": entry.get("type"),
        "kubernetes_groups": sorted(entry.get("kubernetesGroups") or []),
        "username": entry.get("username"),
        "access_policies": {arn: dict(scope) for arn, scope in sorted(policies.items())},
        "tags": dict(entry.get("tags") or {}),
    }


def describe_access_entry(client: Any, cluster_name: str, principal_arn: str) -> dict[str, Any] | None:
    try:
        return client.describe_access_entry(clusterName=cluster_name, principalArn=principal_arn, aws_retry=True)[
            "accessEntry"
        ]
    except is_boto3_error_code("ResourceNotFoundException"):
        return None


def list_associated_policies(client: Any, cluster_name: str, principal_arn: str) -> list[dict[str, Any]]:
    return paginate_lower(
        client.list_associated_access_policies,
        "associatedAccessPolicies",
        clusterName=cluster_name,
        principalArn=principal_arn,
    )


def _entry_result(
    changed: bool, entry: Mapping[str, Any] | None, policies: list[Mapping[str, Any]], **extra: Any
) -> dict[str, Any]:
    result = {
        "changed": changed,
        "access_entry": camel_dict_to_snake_dict(dict(entry), ignore_list=["tags"]) if entry else {},
        "access_policies": [camel_dict_to_snake_dict(dict(p)) for p in policies],
    }
    result.update(extra)
    return result


def ensure_access_entry(client: Any, params: Mapping[str, Any], check_mode: bool) -> dict[str, Any]:
    """eks_access_entry: converge the entry, its policy associations and its tags (or delete it)."""
    cluster, principal = params["cluster_name"], params["principal_arn"]
    entry = describe_access_entry(client, cluster, principal)
    associated = list_associated_policies(client, cluster, principal) if entry else []
    before = access_entry_view(entry, associated_view(associated))

    if params.get("state") == "absent":
        if entry is None:
            return _entry_result(False, None, [])
        if not check_mode:
            try:
                client.delete_access_entry(clusterName=cluster, principalArn=principal, aws_retry=True)
            except is_boto3_error_code("ResourceNotFoundException"):
                return _entry_result(False, None, [])
        return _entry_result(True, None, [], diff=make_diff(before, {}))

    plan = plan_access_entry(entry, associated, params)
    if plan.errors:
        raise ClusterError(" ".join(plan.errors))
    if not plan.changed:
        return _entry_result(False, entry, associated)

    predicted_policies = {} if entry is None else associated_view(associated)
    predicted_policies.update(plan.associate)
    for arn in plan.disassociate:
        predicted_policies.pop(arn, None)
    if entry is None:
        predicted = {
            "clusterName": cluster,
            "principalArn": principal,
            "type": params.get("type") or "STANDARD",
            "kubernetesGroups": sorted(set(params.get("kubernetes_groups") or [])),
            "username": params.get("username"),
            "tags": {k: str(v) for k, v in (params.get("tags") or {}).items()},
        }
    else:
        predicted = dict(entry)
        predicted.update(plan.update)
        predicted["tags"] = apply_tag_changes(entry.get("tags") or {}, plan.tags_to_set, plan.tags_to_unset)
    diff = make_diff(before, access_entry_view(predicted, predicted_policies))
    if check_mode:
        policies = [{"policyArn": arn, "accessScope": scope} for arn, scope in sorted(predicted_policies.items())]
        return _entry_result(True, predicted, policies, diff=diff)

    if entry is None:
        request: dict[str, Any] = {
            "clusterName": cluster,
            "principalArn": principal,
            "type": params.get("type") or "STANDARD",
            "clientRequestToken": str(uuid.uuid4()),
        }
        if params.get("kubernetes_groups"):
            request["kubernetesGroups"] = sorted(set(params["kubernetes_groups"]))
        if params.get("username"):
            request["username"] = params["username"]
        if params.get("tags"):
            request["tags"] = {k: str(v) for k, v in params["tags"].items()}
        entry = client.create_access_entry(aws_retry=True, **request)["accessEntry"]
    else:
        if plan.update:
            entry = client.update_access_entry(
                clusterName=cluster, principalArn=principal, aws_retry=True, **plan.update
            )["accessEntry"]
        if plan.tags_to_set:
            client.tag_resource(resourceArn=entry["accessEntryArn"], tags=plan.tags_to_set, aws_retry=True)
        if plan.tags_to_unset:
            client.untag_resource(resourceArn=entry["accessEntryArn"], tagKeys=plan.tags_to_unset, aws_retry=True)
    for arn in plan.disassociate:
        client.disassociate_access_policy(clusterName=cluster, principalArn=principal, policyArn=arn, aws_retry=True)
    for arn, scope in plan.associate.items():
        client.associate_access_policy(
            clusterName=cluster, principalArn=principal, policyArn=arn, accessScope=scope, aws_retry=True
        )
    entry = describe_access_entry(client, cluster, principal) or entry
    return _entry_result(True, entry, list_associated_policies(client, cluster, principal), diff=diff)


__all__ = [
    "ACCESS_ENTRY_TYPES",
    "AUTH_MODES",
    "ClusterError",
    "LOG_TYPES",
    "UPDATE_ORDER",
    "WaitTimeoutError",
    "auth_mode_steps",
    "cluster_to_ansible",
    "cluster_view",
    "create_request",
    "describe_cluster",
    "ensure_access_entry",
    "ensure_cluster_absent",
    "ensure_cluster_present",
    "plan_access_entry",
    "plan_cluster",
    "validate_access_entry_params",
    "validate_cluster_params",
    "version_step",
]
