# Copyright: ecap.platform contributors
# MIT License
"""ElastiCache (Redis OSS / Valkey) logic of the ecap.platform modules: replication groups.

:func:`validate_params` rejects bad input before any call. :func:`current_state` reads a
replication group the way AWS exposes it (DescribeReplicationGroups for the group, DescribeCacheClusters
on one member for its security groups, parameter group, subnet group, engine version and maintenance
window, ListTagsForResource for its tags). :func:`plan_changes` compares it with the wanted settings
and sorts each difference into *in place* (ModifyReplicationGroup, Increase/DecreaseReplicaCount),
*replacement* (what AWS cannot change on a live group) and tags. The functions that call AWS raise
``AnsibleAWSError`` (the module turns it into ``fail_json_aws``).

The AUTH token is read from a Secrets Manager secret inside the module, only when a create or a
rotation needs it; it is never returned. Which secret version the group uses is kept in the tag
:data:`AUTH_VERSION_TAG`, so a rotated secret is detected with DescribeSecret alone (no value read).

API reference: https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.ecap.platform.plugins.module_utils.common import (
    dict_to_tags,
    tag_changes,
    tags_to_dict,
    wait_for,
)

#: Node types ElastiCache offers for Redis OSS / Valkey (current and previous generations).
_SIZES = {
    "t2": ("micro", "small", "medium"),
    "t3": ("micro", "small", "medium"),
    "t4g": ("micro", "small", "medium"),
    "m4": ("large", "xlarge", "2xlarge", "4xlarge", "10xlarge"),
    "m5": ("large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge"),
    "m6g": ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"),
    "m7g": ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"),
    "r4": ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge"),
    "r5": ("large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge"),
    "r6g": ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"),
    "r7g": ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"),
    "r6gd": ("xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"),
    "c7gn": ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"),
}
NODE_TYPES: frozenset[str] = frozenset(f"cache.{family}.{size}" for family, sizes in _SIZES.items() for size in sizes)

#: The tag that records which secret version (``VersionId``) the group's AUTH token came from.
AUTH_VERSION_TAG = "ecap.platform/auth-token-version"
#: The tag that records the secret version whose token is the group's only one (after a create or a
#: C(SET)); while it differs from :data:`AUTH_VERSION_TAG`, a C(ROTATE) left the old token valid too.
#: Absent (groups made before it existed): the group has one token, the version tag's.
AUTH_SINGLE_TAG = "ecap.platform/auth-token-single"
#: Characters a Redis AUTH token may not contain (printable specials other than ``!&#$^<>-``).
AUTH_TOKEN_EXCLUDED = "\"%'()*+,./:;=?@[\\]_`{|}~ "
WINDOW = re.compile(
    r"^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$"
)
DAILY_WINDOW = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")
GROUP_ID = re.compile(r"^[a-z](?!.*--)[a-z0-9-]{0,39}(?<!-)$")
LOG_TYPES = ("slow-log", "engine-log")
BUSY = frozenset({"creating", "modifying", "snapshotting"})

#: Option → field of the ReplicationGroup (describe); the ones ModifyReplicationGroup changes.
GROUP_FIELDS: dict[str, str] = {
    "description": "Description",
    "node_type": "CacheNodeType",
    "snapshot_retention_limit": "SnapshotRetentionLimit",
    "snapshot_window": "SnapshotWindow",
    "auto_minor_version_upgrade": "AutoMinorVersionUpgrade",
}
#: Option → field of a member CacheCluster (describe) that ModifyReplicationGroup changes.
MEMBER_FIELDS: dict[str, str] = {
    "maintenance_window": "PreferredMaintenanceWindow",
    "cache_parameter_group": "CacheParameterGroupName",
    "security_group_ids": "SecurityGroupIds",
}
#: Option → field of ModifyReplicationGroup.
MODIFY_FIELDS: dict[str, str] = {
    "description": "ReplicationGroupDescription",
    "node_type": "CacheNodeType",
    "snapshot_retention_limit": "SnapshotRetentionLimit",
    "snapshot_window": "SnapshotWindow",
    "auto_minor_version_upgrade": "AutoMinorVersionUpgrade",
    "maintenance_window": "PreferredMaintenanceWindow",
    "cache_parameter_group": "CacheParameterGroupName",
    "security_group_ids": "SecurityGroupIds",
    "automatic_failover": "AutomaticFailoverEnabled",
    "multi_az": "MultiAZEnabled",
    "engine_version": "EngineVersion",
}


class ElastiCacheErrorHandler(AWSErrorHandler):
    """Turns botocore errors into ``AnsibleAWSError`` with a message naming the action."""

    _CUSTOM_EXCEPTION = AnsibleAWSError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(
            ["ReplicationGroupNotFoundFault", "CacheClusterNotFound", "ResourceNotFoundException"]
        )


# --------------------------------------------------------------------------- validation


def validate_params(params: Mapping[str, Any]) -> list[str]:
    """Errors in the options of ``state=present`` (pure; runs before any AWS call)."""
    errors: list[str] = []
    group_id = params["replication_group_id"]
    if not GROUP_ID.match(group_id):
        errors.append(
            f"replication_group_id {group_id!r} must be 1-40 lowercase letters, digits or hyphens, start with a "
            "letter, and not end with a hyphen or contain two consecutive hyphens."
        )
    node_type = params.get("node_type")
    if node_type is not None and node_type not in NODE_TYPES:
        errors.append(
            f"node_type {node_type!r} is not an ElastiCache node type for Redis OSS/Valkey "
            "(e.g. cache.t3.micro, cache.t4g.small, cache.m5.large, cache.r6g.xlarge)."
        )
    replicas = params.get("replicas_per_node_group") or 0
    if not 0 <= replicas <= 5:
        errors.append(f"replicas_per_node_group must be between 0 and 5, not {replicas}.")
    groups = params.get("num_node_groups") or 1
    if not 1 <= groups <= 500:
        errors.append(f"num_node_groups must be between 1 and 500, not {groups}.")
    failover = wanted_failover(params)
    if failover and replicas < 1 and groups == 1:
        errors.append("automatic_failover needs at least one replica: set replicas_per_node_group >= 1.")
    if params.get("multi_az") and not failover:
        errors.append("multi_az needs automatic_failover (and at least one replica).")
    if groups > 1 and not failover:
        errors.append("num_node_groups > 1 (cluster mode enabled) needs automatic_failover.")
    if params.get("kms_key_id") and not params.get("at_rest_encryption"):
        errors.append("kms_key_id is only used with at_rest_encryption: true.")
    if params.get("auth_token_secret_id") and not params.get("transit_encryption"):
        errors.append("auth_token_secret_id (an AUTH token) requires transit_encryption: true.")
    for option, pattern, example in (
        ("maintenance_window", WINDOW, "sun:05:00-sun:06:00"),
        ("snapshot_window", DAILY_WINDOW, "03:00-04:00"),
    ):
        value = params.get(option)
        if value is not None and not pattern.match(value.lower()):
            errors.append(f"{option} {value!r} is not a window like {example} (UTC).")
    retention = params.get("snapshot_retention_limit")
    if retention is not None and not 0 <= retention <= 35:
        errors.append(f"snapshot_retention_limit must be between 0 and 35 days, not {retention}.")
    seen: set[str] = set()
    for entry in params.get("log_delivery") or []:
        if entry["log_type"] in seen:
            errors.append(f"log_delivery lists {entry['log_type']} twice.")
        seen.add(entry["log_type"])
    return errors


def wanted_failover(params: Mapping[str, Any]) -> bool:
    """automatic_failover as asked, or on when there are replicas or several node groups."""
    if params.get("automatic_failover") is not None:
        return bool(params["automatic_failover"])
    return bool((params.get("replicas_per_node_group") or 0) > 0 or (params.get("num_node_groups") or 1) > 1)


# --------------------------------------------------------------------------- requests


def log_delivery_requests(entries: list[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    """``log_delivery`` options → LogDeliveryConfigurations requests (CloudWatch Logs or Firehose)."""
    requests = []
    for entry in entries or []:
        destination = entry.get("destination_type") or "cloudwatch-logs"
        if destination == "cloudwatch-logs":
            details = {"CloudWatchLogsDetails": {"LogGroup": entry["destination"]}}
        else:
            details = {"KinesisFirehoseDetails": {"DeliveryStream": entry["destination"]}}
        requests.append(
            {
                "LogType": entry["log_type"],
                "DestinationType": destination,
                "DestinationDetails": details,
                "LogFormat": entry.get("log_format") or "json",
                "Enabled": True,
            }
        )
    return sorted(requests, key=lambda r: r["LogType"])


def _log_key(config: Mapping[str, Any]) -> tuple[str, str, str, str]:
    details = config.get("DestinationDetails") or {}
    destination = (details.get("CloudWatchLogsDetails") or {}).get("LogGroup") or (
        details.get("KinesisFirehoseDetails") or {}
    ).get("DeliveryStream")
    return (
        config.get("LogType", ""),
        config.get("DestinationType", ""),
        destination or "",
        config.get("LogFormat", ""),
    )


def log_delivery_changes(
    current: list[Mapping[str, Any]], wanted: list[Mapping[str, Any]] | None
) -> list[dict[str, Any]]:
    """The LogDeliveryConfigurations requests that turn ``current`` into ``wanted``.

    ``wanted=None`` leaves log delivery alone; a log type no longer wanted is disabled.
    """
    if wanted is None:
        return []
    want = {r["LogType"]: r for r in log_delivery_requests(list(wanted))}
    have = {c["LogType"]: c for c in current if c.get("Status", "active") not in ("disabling", "error")}
    changes = [r for t, r in want.items() if t not in have or _log_key(have[t]) != _log_key(r)]
    changes += [{"LogType": t, "Enabled": False} for t in have if t not in want]
    return sorted(changes, key=lambda r: r["LogType"])


def build_create_request(params: Mapping[str, Any], auth_token: str | None, tags: Mapping[str, str]) -> dict[str, Any]:
    """The CreateReplicationGroup request (without the AUTH token when ``auth_token`` is None)."""
    groups = params.get("num_node_groups") or 1
    replicas = params.get("replicas_per_node_group") or 0
    request: dict[str, Any] = {
        "ReplicationGroupId": params["replication_group_id"],
        "ReplicationGroupDescription": params.get("description") or params["replication_group_id"],
        "Engine": params["engine"],
        "CacheNodeType": params["node_type"],
        "AutomaticFailoverEnabled": wanted_failover(params),
        "MultiAZEnabled": bool(params.get("multi_az")),
        "TransitEncryptionEnabled": bool(params["transit_encryption"]),
        "AtRestEncryptionEnabled": bool(params["at_rest_encryption"]),
        "Port": params["port"],
    }
    if groups > 1:
        request.update(ClusterMode="enabled", NumNodeGroups=groups, ReplicasPerNodeGroup=replicas)
    else:
        request["NumCacheClusters"] = replicas + 1
    optional = {
        "engine_version": "EngineVersion",
        "cache_parameter_group": "CacheParameterGroupName",
        "cache_subnet_group": "CacheSubnetGroupName",
        "security_group_ids": "SecurityGroupIds",
        "maintenance_window": "PreferredMaintenanceWindow",
        "snapshot_retention_limit": "SnapshotRetentionLimit",
        "snapshot_window": "SnapshotWindow",
        "auto_minor_version_upgrade": "AutoMinorVersionUpgrade",
        "kms_key_id": "KmsKeyId",
    }
    for option, api_field in optional.items():
        if params.get(option) is not None:
            request[api_field] = params[option]
    logs = log_delivery_requests(params.get("log_delivery"))
    if logs:
        request["LogDeliveryConfigurations"] = [{k: v for k, v in r.items() if k != "Enabled"} for r in logs]
    if tags:
        request["Tags"] = dict_to_tags(tags)
    if auth_token is not None:
        request["AuthToken"] = auth_token
    return request


# --------------------------------------------------------------------------- current state


def flatten(group: Mapping[str, Any], member: Mapping[str, Any] | None, tags: Mapping[str, str]) -> dict[str, Any]:
    """One view of a replication group: its own fields, its first member's settings, its tags."""
    member = member or {}
    state = dict(group)
    state["EngineVersion"] = member.get("EngineVersion")
    state["PreferredMaintenanceWindow"] = member.get("PreferredMaintenanceWindow")
    state["CacheParameterGroupName"] = (member.get("CacheParameterGroup") or {}).get("CacheParameterGroupName")
    state["CacheSubnetGroupName"] = member.get("CacheSubnetGroupName")
    state["SecurityGroupIds"] = sorted(sg["SecurityGroupId"] for sg in member.get("SecurityGroups") or [])
    node_group = (group.get("NodeGroups") or [{}])[0]
    state["Port"] = (node_group.get("PrimaryEndpoint") or group.get("ConfigurationEndpoint") or {}).get("Port")
    state["NumNodeGroups"] = len(group.get("NodeGroups") or []) or 1
    state["ReplicasPerNodeGroup"] = max(len(node_group.get("NodeGroupMembers") or []) - 1, 0)
    state["Tags"] = dict(tags)
    return state


def _version_matches(have: str | None, want: str | None) -> bool:
    """``7.1`` matches ``7.1.0``; None (not set) matches anything."""
    if want is None or have is None:
        return True
    return have == want or have.startswith(f"{want}.")


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version)[:3])


# --------------------------------------------------------------------------- plan


@dataclass
class Plan:
    """What to do to a replication group; ``changed`` tells whether anything will be done."""

    create: bool = False
    replace: list[str] = field(default_factory=list)  # reasons a replacement is needed
    modify: dict[str, Any] = field(default_factory=dict)  # ModifyReplicationGroup fields
    replicas: int | None = None  # new replica count (Increase/DecreaseReplicaCount)
    rotate_auth: bool = False
    set_auth: bool = False  # AuthTokenUpdateStrategy SET: the secret's token becomes the only one
    tags_to_set: dict[str, str] = field(default_factory=dict)
    tags_to_unset: list[str] = field(default_factory=list)
    differences: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(
            self.create
            or self.replace
            or self.modify
            or self.replicas is not None
            or self.rotate_auth
            or self.set_auth
            or self.tags_to_set
            or self.tags_to_unset
        )


def plan_changes(
    state: Mapping[str, Any] | None,
    params: Mapping[str, Any],
    tags: Mapping[str, str] | None,
    purge_tags: bool,
    secret_version: str | None = None,
    resolve_kms: Callable[[str], str] | None = None,
) -> Plan:
    """Compare a :func:`flatten` state with the options; ``secret_version`` is the AUTH secret's current version."""
    if state is None:
        return Plan(create=True)
    plan = Plan()
    diffs = plan.differences

    def differ(option: str, have: Any, want: Any) -> bool:
        if want is None or have == want:
            return False
        diffs[option] = (have, want)
        return True

    # what AWS cannot change on a live group
    if differ("engine", state.get("Engine"), params.get("engine")):
        plan.replace.append(f"engine {state.get('Engine')} -> {params['engine']}")
    want_version = params.get("engine_version")
    have_version = state.get("EngineVersion")
    if want_version and have_version and not _version_matches(have_version, want_version):
        diffs["engine_version"] = (have_version, want_version)
        if _version_tuple(want_version) < _version_tuple(have_version):
            plan.replace.append(f"engine_version downgrade {have_version} -> {want_version}")
        else:
            plan.modify["EngineVersion"] = want_version
    for option, api_field in (
        ("at_rest_encryption", "AtRestEncryptionEnabled"),
        ("transit_encryption", "TransitEncryptionEnabled"),
        ("cache_subnet_group", "CacheSubnetGroupName"),
        ("port", "Port"),
        ("num_node_groups", "NumNodeGroups"),
    ):
        if differ(option, state.get(api_field), params.get(option)):
            plan.replace.append(f"{option} {state.get(api_field)!r} -> {params[option]!r}")
    want_kms = params.get("kms_key_id")
    if want_kms and params.get("at_rest_encryption"):
        have_kms = state.get("KmsKeyId")
        resolved = resolve_kms(want_kms) if resolve_kms and not want_kms.startswith("arn:") else want_kms
        if differ("kms_key_id", have_kms, resolved):
            plan.replace.append(f"kms_key_id {have_kms!r} -> {want_kms!r}")
    want_auth = bool(params.get("auth_token_secret_id"))
    if differ("auth_token_enabled", bool(state.get("AuthTokenEnabled")), want_auth):
        if want_auth:
            plan.rotate_auth = True
        else:
            plan.replace.append("AUTH token removed")
    elif want_auth and secret_version and state["Tags"].get(AUTH_VERSION_TAG) != secret_version:
        diffs["auth_token_version"] = (state["Tags"].get(AUTH_VERSION_TAG), secret_version)
        if (params.get("auth_token_update_strategy") or "rotate") == "set":
            plan.set_auth = True
        else:
            plan.rotate_auth = True
    elif want_auth and secret_version and (params.get("auth_token_update_strategy") or "rotate") == "set":
        single = state["Tags"].get(AUTH_SINGLE_TAG, state["Tags"].get(AUTH_VERSION_TAG))
        if single != secret_version:
            diffs["auth_token_single"] = (single, secret_version)
            plan.set_auth = True

    # in place
    wanted = {option: params.get(option) for option in MODIFY_FIELDS}
    if wanted["security_group_ids"] is not None:
        wanted["security_group_ids"] = sorted(wanted["security_group_ids"])
    if wanted["maintenance_window"]:
        wanted["maintenance_window"] = wanted["maintenance_window"].lower()
    wanted["automatic_failover"] = wanted_failover(params)
    wanted["multi_az"] = bool(params.get("multi_az"))
    have = {option: state.get(api_field) for option, api_field in {**GROUP_FIELDS, **MEMBER_FIELDS}.items()}
    have["automatic_failover"] = state.get("AutomaticFailover") in ("enabled", "enabling")
    have["multi_az"] = state.get("MultiAZ") == "enabled"
    for option, api_field in MODIFY_FIELDS.items():
        if option == "engine_version":
            continue
        if differ(option, have.get(option), wanted.get(option)):
            plan.modify[api_field] = (
                params[option] if option not in ("automatic_failover", "multi_az") else wanted[option]
            )
    logs = log_delivery_changes(state.get("LogDeliveryConfigurations") or [], params.get("log_delivery"))
    if logs:
        diffs["log_delivery"] = (
            [_log_key(c) for c in state.get("LogDeliveryConfigurations") or []],
            params["log_delivery"],
        )
        plan.modify["LogDeliveryConfigurations"] = logs
    want_replicas = params.get("replicas_per_node_group")
    if want_replicas is not None and differ(
        "replicas_per_node_group", state.get("ReplicasPerNodeGroup"), want_replicas
    ):
        plan.replicas = want_replicas

    if tags is not None:
        current = {k: v for k, v in state["Tags"].items() if k not in (AUTH_VERSION_TAG, AUTH_SINGLE_TAG)}
        plan.tags_to_set, plan.tags_to_unset = tag_changes(current, tags, purge_tags)
    return plan


# --------------------------------------------------------------------------- views


def to_ansible(state: Mapping[str, Any] | None) -> dict[str, Any]:
    """The replication group for the module's return: snake_cased, endpoints and tags as dicts."""
    if not state:
        return {}
    node_group = (state.get("NodeGroups") or [{}])[0]
    result = camel_dict_to_snake_dict({k: v for k, v in state.items() if k != "Tags"})
    result["tags"] = {k: v for k, v in (state.get("Tags") or {}).items()}
    result["primary_endpoint"] = (node_group.get("PrimaryEndpoint") or {}).get("Address")
    result["reader_endpoint"] = (node_group.get("ReaderEndpoint") or {}).get("Address")
    result["configuration_endpoint"] = (state.get("ConfigurationEndpoint") or {}).get("Address")
    result["port"] = state.get("Port")
    return result


def diff_view(state: Mapping[str, Any] | None) -> dict[str, Any]:
    if not state:
        return {}
    keys = (
        "ReplicationGroupId",
        "Engine",
        "EngineVersion",
        "CacheNodeType",
        "NumNodeGroups",
        "ReplicasPerNodeGroup",
        "AutomaticFailover",
        "MultiAZ",
        "AtRestEncryptionEnabled",
        "KmsKeyId",
        "TransitEncryptionEnabled",
        "AuthTokenEnabled",
        "CacheSubnetGroupName",
        "SecurityGroupIds",
        "CacheParameterGroupName",
        "SnapshotRetentionLimit",
        "SnapshotWindow",
        "PreferredMaintenanceWindow",
        "LogDeliveryConfigurations",
        "Tags",
    )
    view = camel_dict_to_snake_dict({k: state.get(k) for k in keys if state.get(k) is not None and k != "Tags"})
    view["tags"] = dict(state.get("Tags") or {})
    return view


def predicted(state: Mapping[str, Any] | None, params: Mapping[str, Any], plan: Plan) -> dict[str, Any]:
    """What the group will look like after ``plan`` (check mode's ``after``)."""
    after = dict(state or {})
    if plan.create or plan.replace:
        after = {"ReplicationGroupId": params["replication_group_id"], "Status": "creating", "Tags": {}}
        request = build_create_request(params, None, {})
        after.update(
            Engine=request["Engine"],
            EngineVersion=request.get("EngineVersion"),
            CacheNodeType=request["CacheNodeType"],
            NumNodeGroups=params.get("num_node_groups") or 1,
            ReplicasPerNodeGroup=params.get("replicas_per_node_group") or 0,
            AutomaticFailover="enabled" if request["AutomaticFailoverEnabled"] else "disabled",
            MultiAZ="enabled" if request["MultiAZEnabled"] else "disabled",
            AtRestEncryptionEnabled=request["AtRestEncryptionEnabled"],
            KmsKeyId=params.get("kms_key_id"),
            TransitEncryptionEnabled=request["TransitEncryptionEnabled"],
            AuthTokenEnabled=bool(params.get("auth_token_secret_id")),
            CacheSubnetGroupName=params.get("cache_subnet_group"),
            SecurityGroupIds=sorted(params.get("security_group_ids") or []),
            CacheParameterGroupName=params.get("cache_parameter_group"),
            SnapshotRetentionLimit=params.get("snapshot_retention_limit"),
            SnapshotWindow=params.get("snapshot_window"),
            PreferredMaintenanceWindow=params.get("maintenance_window"),
            LogDeliveryConfigurations=request.get("LogDeliveryConfigurations"),
        )
        after["Tags"] = dict(params.get("tags") or {})
        return after
    reverse = {v: k for k, v in MODIFY_FIELDS.items()}
    field_of = {**GROUP_FIELDS, **MEMBER_FIELDS}
    for api_field, value in plan.modify.items():
        option = reverse.get(api_field)
        if option in field_of:
            after[field_of[option]] = value
    if "AutomaticFailoverEnabled" in plan.modify:
        after["AutomaticFailover"] = "enabled" if plan.modify["AutomaticFailoverEnabled"] else "disabled"
    if "MultiAZEnabled" in plan.modify:
        after["MultiAZ"] = "enabled" if plan.modify["MultiAZEnabled"] else "disabled"
    if "EngineVersion" in plan.modify:
        after["EngineVersion"] = plan.modify["EngineVersion"]
    if "LogDeliveryConfigurations" in plan.modify:
        after["LogDeliveryConfigurations"] = [
            r for r in log_delivery_requests(params.get("log_delivery")) if r.get("Enabled", True)
        ]
    if plan.replicas is not None:
        after["ReplicasPerNodeGroup"] = plan.replicas
    if plan.rotate_auth:
        after["AuthTokenEnabled"] = True
    tags = {k: v for k, v in (after.get("Tags") or {}).items() if k not in plan.tags_to_unset}
    tags.update(plan.tags_to_set)
    after["Tags"] = tags
    return after


# --------------------------------------------------------------------------- AWS calls


@ElastiCacheErrorHandler.list_error_handler("describe replication group")
def describe_group(client: Any, group_id: str) -> dict[str, Any] | None:
    groups = client.describe_replication_groups(aws_retry=True, ReplicationGroupId=group_id)["ReplicationGroups"]
    return groups[0] if groups else None


@ElastiCacheErrorHandler.list_error_handler("describe cache cluster")
def describe_member(client: Any, cluster_id: str) -> dict[str, Any] | None:
    clusters = client.describe_cache_clusters(aws_retry=True, CacheClusterId=cluster_id)["CacheClusters"]
    return clusters[0] if clusters else None


@ElastiCacheErrorHandler.list_error_handler("list tags of replication group", {})
def list_tags(client: Any, arn: str) -> dict[str, str]:
    return tags_to_dict(client.list_tags_for_resource(aws_retry=True, ResourceName=arn).get("TagList"))


def current_state(client: Any, group_id: str) -> dict[str, Any] | None:
    """The :func:`flatten` view of the group (3 reads), or None when there is none (or it is gone)."""
    group = describe_group(client, group_id)
    if group is None:
        return None
    members = group.get("MemberClusters") or []
    member = describe_member(client, members[0]) if members else None
    return flatten(group, member, list_tags(client, group["ARN"]))


def wait_status(
    client: Any,
    group_id: str,
    timeout: float,
    delay: float,
    done: Callable[[dict[str, Any] | None], bool],
    what: str,
    sleep: Callable[[float], None] | None = None,
) -> dict[str, Any] | None:
    """Poll DescribeReplicationGroups until ``done(group)`` (``group`` is None once it is gone)."""
    extra = {"sleep": sleep} if sleep else {}
    try:
        return wait_for(
            lambda: describe_group(client, group_id),
            done,
            timeout=timeout,
            delay=delay,
            what=f"replication group {group_id} {what}",
            state_fn=lambda g: g["Status"] if g else "gone",
            **extra,
        )
    except Exception as e:  # WaitTimeoutError → the module's error
        if isinstance(e, AnsibleAWSError):
            raise
        raise AnsibleAWSError(message=str(e)) from e


def available(group: dict[str, Any] | None) -> bool:
    return group is not None and group.get("Status") == "available"


def gone(group: dict[str, Any] | None) -> bool:
    return group is None


@ElastiCacheErrorHandler.common_error_handler("create replication group")
def create_group(client: Any, request: Mapping[str, Any]) -> dict[str, Any]:
    return client.create_replication_group(aws_retry=True, **request)["ReplicationGroup"]


@ElastiCacheErrorHandler.common_error_handler("modify replication group")
def modify_group(client: Any, group_id: str, changes: Mapping[str, Any]) -> dict[str, Any]:
    return client.modify_replication_group(
        aws_retry=True, ReplicationGroupId=group_id, ApplyImmediately=True, **changes
    )["ReplicationGroup"]


@ElastiCacheErrorHandler.common_error_handler("change the replica count of replication group")
def change_replicas(client: Any, group_id: str, current: int, wanted: int) -> dict[str, Any]:
    call = client.increase_replica_count if wanted > current else client.decrease_replica_count
    return call(aws_retry=True, ReplicationGroupId=group_id, NewReplicaCount=wanted, ApplyImmediately=True)[
        "ReplicationGroup"
    ]


@ElastiCacheErrorHandler.deletion_error_handler("delete replication group")
def delete_group(client: Any, group_id: str, final_snapshot: str | None = None) -> None:
    extra = {"FinalSnapshotIdentifier": final_snapshot} if final_snapshot else {}
    client.delete_replication_group(aws_retry=True, ReplicationGroupId=group_id, **extra)


@ElastiCacheErrorHandler.common_error_handler("tag replication group")
def update_tags(client: Any, arn: str, to_set: Mapping[str, str], to_unset: list[str]) -> None:
    if to_unset:
        client.remove_tags_from_resource(aws_retry=True, ResourceName=arn, TagKeys=list(to_unset))
    if to_set:
        client.add_tags_to_resource(aws_retry=True, ResourceName=arn, Tags=dict_to_tags(to_set))


# --------------------------------------------------------------------------- Secrets Manager


@ElastiCacheErrorHandler.list_error_handler("describe the AUTH token secret")
def secret_current_version(client: Any, secret_id: str) -> str | None:
    """The VersionId labelled AWSCURRENT of the secret (DescribeSecret: no value is read); None if no secret."""
    versions = client.describe_secret(aws_retry=True, SecretId=secret_id).get("VersionIdsToStages") or {}
    for version, stages in versions.items():
        if "AWSCURRENT" in stages:
            return version
    raise AnsibleAWSError(message=f"Secret {secret_id} has no AWSCURRENT version")


@ElastiCacheErrorHandler.common_error_handler("read the AUTH token secret")
def secret_value(client: Any, secret_id: str, version_id: str) -> str:
    """The secret's string value at ``version_id`` (kept in memory only, never returned)."""
    return client.get_secret_value(aws_retry=True, SecretId=secret_id, VersionId=version_id)["SecretString"]


# --------------------------------------------------------------------------- parameter groups

#: ModifyCacheParameterGroup takes at most 20 parameters per call.
MAX_PARAMETERS_PER_CALL = 20


def parameter_value(value: Any) -> str:
    """An option value as ElastiCache stores it: booleans are ``yes``/``no``, numbers are strings."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


@dataclass
class ParameterPlan:
    create: bool = False
    family_mismatch: tuple[str, str] | None = None
    description: str | None = None
    to_modify: dict[str, str] = field(default_factory=dict)
    to_reset: list[str] = field(default_factory=list)
    tags_to_set: dict[str, str] = field(default_factory=dict)
    tags_to_unset: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.create or self.to_modify or self.to_reset or self.tags_to_set or self.tags_to_unset)


def plan_parameter_group(
    group: Mapping[str, Any] | None,
    user_values: Mapping[str, str],
    tags: Mapping[str, str],
    params: Mapping[str, Any],
    wanted_tags: Mapping[str, str] | None,
    purge_tags: bool,
) -> ParameterPlan:
    """Compare a parameter group (its user-set values and tags) with the options."""
    wanted = {name: parameter_value(value) for name, value in (params.get("parameters") or {}).items()}
    if group is None:
        return ParameterPlan(create=True, to_modify=wanted)
    plan = ParameterPlan()
    family = params.get("family")
    if family and family != group.get("CacheParameterGroupFamily"):
        plan.family_mismatch = (group.get("CacheParameterGroupFamily", ""), family)
    plan.to_modify = {name: value for name, value in wanted.items() if user_values.get(name) != value}
    if params.get("purge_parameters"):
        plan.to_reset = sorted(name for name in user_values if name not in wanted)
    plan.tags_to_set, plan.tags_to_unset = tag_changes(tags, wanted_tags, purge_tags)
    return plan


@ElastiCacheErrorHandler.list_error_handler("describe cache parameter group")
def describe_parameter_group(client: Any, name: str) -> dict[str, Any] | None:
    try:
        groups = client.describe_cache_parameter_groups(aws_retry=True, CacheParameterGroupName=name)
    except is_boto3_error_code("CacheParameterGroupNotFound"):
        return None
    return groups["CacheParameterGroups"][0]


@ElastiCacheErrorHandler.common_error_handler("describe cache parameters")
def describe_parameters(client: Any, name: str, source: str | None = None) -> list[dict[str, Any]]:
    """Every parameter of the group (MaxRecords/Marker paging)."""
    params: dict[str, Any] = {"CacheParameterGroupName": name}
    if source:
        params["Source"] = source
    items: list[dict[str, Any]] = []
    while True:
        page = client.describe_cache_parameters(aws_retry=True, **params)
        items.extend(page.get("Parameters") or [])
        if not page.get("Marker"):
            return items
        params["Marker"] = page["Marker"]


@ElastiCacheErrorHandler.common_error_handler("create cache parameter group")
def create_parameter_group(client: Any, name: str, family: str, description: str, tags: Mapping[str, str]) -> dict:
    request: dict[str, Any] = {
        "CacheParameterGroupName": name,
        "CacheParameterGroupFamily": family,
        "Description": description,
    }
    if tags:
        request["Tags"] = dict_to_tags(tags)
    return client.create_cache_parameter_group(aws_retry=True, **request)["CacheParameterGroup"]


@ElastiCacheErrorHandler.common_error_handler("modify cache parameter group")
def modify_parameters(client: Any, name: str, values: Mapping[str, str]) -> None:
    items = [{"ParameterName": k, "ParameterValue": v} for k, v in sorted(values.items())]
    for start in range(0, len(items), MAX_PARAMETERS_PER_CALL):
        client.modify_cache_parameter_group(
            aws_retry=True,
            CacheParameterGroupName=name,
            ParameterNameValues=items[start : start + MAX_PARAMETERS_PER_CALL],
        )


@ElastiCacheErrorHandler.common_error_handler("reset cache parameters")
def reset_parameters(client: Any, name: str, names: list[str]) -> None:
    items = [{"ParameterName": n} for n in names]
    for start in range(0, len(items), MAX_PARAMETERS_PER_CALL):
        client.reset_cache_parameter_group(
            aws_retry=True,
            CacheParameterGroupName=name,
            ParameterNameValues=items[start : start + MAX_PARAMETERS_PER_CALL],
        )


@ElastiCacheErrorHandler.deletion_error_handler("delete cache parameter group")
def delete_parameter_group(client: Any, name: str) -> None:
    try:
        client.delete_cache_parameter_group(aws_retry=True, CacheParameterGroupName=name)
    except is_boto3_error_code("CacheParameterGroupNotFound"):
        return
