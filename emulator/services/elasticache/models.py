"""ElastiCache backend: parameter groups, subnet-group delete/modify, replication groups as AWS runs them.

moto 5.2.5 has no cache parameter groups at all, no DeleteCacheSubnetGroup or
ModifyCacheSubnetGroup, and its replication groups are ``available`` at once, ignore
``NumCacheClusters`` (one node whatever is asked), have no reader endpoint and no member cache
clusters (so a group's security groups, parameter group, subnet group and engine version cannot be
read back), ignore most of ``ModifyReplicationGroup``, have no IncreaseReplicaCount /
DecreaseReplicaCount, and never finish deleting (``deleting`` forever).

State lives on moto's ``ElastiCacheBackend`` (``/moto-api/reset`` clears it): parameter groups in
``backend.__dict__["emulator_parameter_groups"]``, replication groups (:class:`ReplicationGroup`
below, not moto's) in moto's own ``backend.replication_groups`` so its tagging and snapshots keep
working.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Iterator
from re import compile as re_compile
from typing import Any

from moto.core.resource_tagging import TaggedResource
from moto.core.utils import utcnow
from moto.elasticache.exceptions import (
    CacheSubnetGroupNotFound,
    ElastiCacheException,
    InvalidParameterCombinationException,
    InvalidParameterValueException,
    ReplicationGroupAlreadyExists,
    ReplicationGroupNotFound,
)
from moto.elasticache.models import ElastiCacheBackend

from emulator import lifecycle as lifecycle_module
from emulator.extensions import extension, original, override
from emulator.lifecycle import Lifecycle
from emulator.services.ec2 import service_interfaces
from emulator.services.elasticache.parameters import FAMILIES, ParameterDef, defaults, family_of

# --- errors (codes and HTTP statuses from botocore's model) -------------------------------------


class CacheParameterGroupNotFound(ElastiCacheException):
    code = "CacheParameterGroupNotFound"

    def __init__(self, name: str):
        super().__init__(f"CacheParameterGroup {name} not found.")


class CacheParameterGroupAlreadyExists(ElastiCacheException):
    code = "CacheParameterGroupAlreadyExists"

    def __init__(self, name: str):
        super().__init__(f"Parameter group {name} already exists.")


class InvalidCacheParameterGroupState(ElastiCacheException):
    code = "InvalidCacheParameterGroupState"


class CacheSubnetGroupInUse(ElastiCacheException):
    code = "CacheSubnetGroupInUse"

    def __init__(self, name: str):
        super().__init__(f"Cache subnet group {name} is currently in use by a cache cluster.")


class InvalidReplicationGroupState(ElastiCacheException):
    code = "InvalidReplicationGroupState"


class InvalidKMSKeyFault(ElastiCacheException):
    code = "InvalidKMSKeyFault"


class NoOperationFault(ElastiCacheException):
    code = "NoOperationFault"


# --- reference data -----------------------------------------------------------------------------

#: Node types ElastiCache offers for Redis OSS / Valkey (current and previous generations).
NODE_TYPES = frozenset(
    [f"cache.t2.{s}" for s in ("micro", "small", "medium")]
    + [f"cache.t3.{s}" for s in ("micro", "small", "medium")]
    + [f"cache.t4g.{s}" for s in ("micro", "small", "medium")]
    + [f"cache.m4.{s}" for s in ("large", "xlarge", "2xlarge", "4xlarge", "10xlarge")]
    + [f"cache.m5.{s}" for s in ("large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge")]
    + [f"cache.m6g.{s}" for s in ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge")]
    + [f"cache.m7g.{s}" for s in ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge")]
    + [f"cache.r4.{s}" for s in ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge")]
    + [f"cache.r5.{s}" for s in ("large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge")]
    + [f"cache.r6g.{s}" for s in ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge")]
    + [f"cache.r7g.{s}" for s in ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge")]
    + [f"cache.r6gd.{s}" for s in ("xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge")]
    + [f"cache.c7gn.{s}" for s in ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge")]
)

#: Engine versions CreateReplicationGroup accepts (DescribeCacheEngineVersions on AWS).
ENGINE_VERSIONS = {
    "redis": ("5.0.6", "6.0", "6.2", "7.0", "7.1"),
    "valkey": ("7.2", "8.0", "8.1"),
}
DEFAULT_ENGINE_VERSION = {"redis": "7.1", "valkey": "8.0"}

#: Printable special characters an AUTH token may contain (the rest of string.punctuation may not).
AUTH_TOKEN_SPECIALS = "!&#$^<>-"
REPLICATION_GROUP_ID = re.compile(r"^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{0,39}(?<!-)$")
LOG_TYPES = ("slow-log", "engine-log")
LOG_DESTINATIONS = ("cloudwatch-logs", "kinesis-firehose")
LOG_FORMATS = ("text", "json")
ARN_REGEX = r"^arn:aws:elasticache:.*:[0-9]*:(cluster|snapshot|subnetgroup|replicationgroup|user|parametergroup):.*$"


def _region_short(region: str) -> str:
    """us-west-2 → usw2, the region token of ElastiCache endpoint names."""
    parts = region.split("-")
    return parts[0] + "".join(p[0] for p in parts[1:-1]) + parts[-1] if len(parts) >= 3 else region


def validate_auth_token(token: str) -> None:
    """AUTH tokens: 16–128 printable ASCII characters; of the specials only ``!&#$^<>-``."""
    if not 16 <= len(token) <= 128:
        raise InvalidParameterValueException("The AUTH token must be between 16 and 128 characters long.")
    allowed = set(string.ascii_letters + string.digits + AUTH_TOKEN_SPECIALS)
    if any(ch not in allowed for ch in token):
        raise InvalidParameterValueException(
            "Invalid AUTH token: only printable ASCII letters, digits and the special characters "
            f"{AUTH_TOKEN_SPECIALS} are permitted."
        )


def _bool(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    return str(value).lower() == "true"


# --- parameter groups ---------------------------------------------------------------------------


class CacheParameterGroup:
    """A cache parameter group: its family's defaults plus the values set on it."""

    def __init__(self, backend: ElastiCacheBackend, name: str, family: str, description: str, is_default: bool):
        self.cache_parameter_group_name = name
        self.cache_parameter_group_family = family
        self.description = description
        self.is_global = False
        self.is_default = is_default
        self.arn = f"arn:aws:elasticache:{backend.region_name}:{backend.account_id}:parametergroup:{name}"
        self.values: dict[str, str] = {}

    def describe(self) -> dict[str, Any]:
        return {
            "CacheParameterGroupName": self.cache_parameter_group_name,
            "CacheParameterGroupFamily": self.cache_parameter_group_family,
            "Description": self.description,
            "IsGlobal": self.is_global,
            "ARN": self.arn,
        }

    def parameters(self, source: str | None = None) -> list[dict[str, Any]]:
        out = []
        for p in defaults(self.cache_parameter_group_family):
            user = p.name in self.values
            if source and source != ("user" if user else "system"):
                continue
            value = self.values.get(p.name, p.default)
            item: dict[str, Any] = {
                "ParameterName": p.name,
                "Description": p.description,
                "Source": "user" if user else "system",
                "DataType": p.data_type,
                "IsModifiable": p.modifiable,
                "MinimumEngineVersion": p.minimum_engine_version,
                "ChangeType": p.change_type,
            }
            if value not in (None, ""):
                item["ParameterValue"] = value
            if p.allowed:
                item["AllowedValues"] = p.allowed
            out.append(item)
        return out


def parameter_groups(backend: ElastiCacheBackend) -> dict[str, CacheParameterGroup]:
    groups = backend.__dict__.get("emulator_parameter_groups")
    if groups is None:
        groups = backend.__dict__["emulator_parameter_groups"] = {}
        for family in FAMILIES:
            name = f"default.{family}"
            groups[name] = CacheParameterGroup(backend, name, family, f"Default parameter group for {family}", True)
    return groups


def get_parameter_group(backend: ElastiCacheBackend, name: str) -> CacheParameterGroup:
    group = parameter_groups(backend).get(name)
    if group is None:
        raise CacheParameterGroupNotFound(name)
    return group


def create_cache_parameter_group(
    self: ElastiCacheBackend, name: str, family: str, description: str, tags: list[dict[str, str]]
) -> CacheParameterGroup:
    """CreateCacheParameterGroup (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateCacheParameterGroup.html)."""
    groups = parameter_groups(self)
    if name in groups:
        raise CacheParameterGroupAlreadyExists(name)
    if family not in FAMILIES and not family.startswith("memcached"):
        raise InvalidParameterValueException(
            f"The parameter CacheParameterGroupFamily is not a valid family: {family}. "
            f"Valid families: {', '.join(sorted(FAMILIES))}, memcached1.6"
        )
    if not name or name.startswith("default."):
        raise InvalidParameterValueException(f"Invalid parameter group name: {name}")
    group = groups[name] = CacheParameterGroup(self, name, family, description, False)
    if tags:
        self.tagging_service.tag_resource(group.arn, tags)
    return group


def describe_cache_parameter_groups(self: ElastiCacheBackend, name: str | None) -> list[CacheParameterGroup]:
    if name:
        return [get_parameter_group(self, name)]
    return list(parameter_groups(self).values())


def _check_values(group: CacheParameterGroup, values: list[dict[str, str]]) -> dict[str, ParameterDef]:
    table = {p.name: p for p in defaults(group.cache_parameter_group_family)}
    for item in values:
        name = item.get("ParameterName")
        p = table.get(name or "")
        if p is None:
            raise InvalidParameterValueException(f"Unknown parameter: {name}")
        if not p.modifiable:
            raise InvalidParameterValueException(f"Parameter {name} is not modifiable.")
    return table


def modify_cache_parameter_group(self: ElastiCacheBackend, name: str, values: list[dict[str, str]]) -> None:
    """ModifyCacheParameterGroup (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_ModifyCacheParameterGroup.html)."""
    group = get_parameter_group(self, name)
    if group.is_default:
        raise InvalidParameterValueException(f"The default parameter group {name} cannot be modified.")
    if not values:
        raise InvalidParameterValueException("At least one parameter name and value must be provided.")
    table = _check_values(group, values)
    for item in values:
        value = str(item.get("ParameterValue", ""))
        if not table[item["ParameterName"]].valid(value):
            raise InvalidParameterValueException(
                f"Invalid value for parameter {item['ParameterName']}: {value!r}. "
                f"Allowed values: {table[item['ParameterName']].allowed}"
            )
    for item in values:
        group.values[item["ParameterName"]] = str(item.get("ParameterValue", ""))


def reset_cache_parameter_group(
    self: ElastiCacheBackend, name: str, reset_all: bool, values: list[dict[str, str]]
) -> None:
    """ResetCacheParameterGroup (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_ResetCacheParameterGroup.html)."""
    group = get_parameter_group(self, name)
    if group.is_default:
        raise InvalidParameterValueException(f"The default parameter group {name} cannot be modified.")
    if reset_all and values:
        raise InvalidParameterCombinationException("ResetAllParameters and ParameterNameValues are mutually exclusive.")
    if reset_all:
        group.values.clear()
        return
    if not values:
        raise InvalidParameterValueException("Either ResetAllParameters or ParameterNameValues must be provided.")
    _check_values(group, values)
    for item in values:
        group.values.pop(item["ParameterName"], None)


def delete_cache_parameter_group(self: ElastiCacheBackend, name: str) -> None:
    """DeleteCacheParameterGroup (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DeleteCacheParameterGroup.html)."""
    group = get_parameter_group(self, name)
    if group.is_default:
        raise InvalidCacheParameterGroupState("Default parameter groups cannot be deleted.")
    for rg in live_replication_groups(self):
        if rg.cache_parameter_group_name == name:
            raise InvalidCacheParameterGroupState(
                f"One or more cache clusters are still members of parameter group {name}."
            )
    del parameter_groups(self)[name]
    self.tagging_service.delete_all_tags_for_resource(group.arn)


# --- subnet groups ------------------------------------------------------------------------------


def delete_cache_subnet_group(self: ElastiCacheBackend, name: str) -> None:
    """DeleteCacheSubnetGroup (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DeleteCacheSubnetGroup.html)."""
    group = self.cache_subnet_groups.get(name)
    if group is None:
        raise CacheSubnetGroupNotFound(name)
    in_use = [rg for rg in live_replication_groups(self) if rg.cache_subnet_group_name == name]
    in_use += [c for c in self.cache_clusters.values() if getattr(c, "cache_subnet_group_name", None) == name]
    if in_use:
        raise CacheSubnetGroupInUse(name)
    del self.cache_subnet_groups[name]
    self.tagging_service.delete_all_tags_for_resource(group.arn)


def modify_cache_subnet_group(
    self: ElastiCacheBackend, name: str, description: str | None, subnet_ids: list[str] | None
) -> Any:
    """ModifyCacheSubnetGroup (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_ModifyCacheSubnetGroup.html)."""
    group = self.cache_subnet_groups.get(name)
    if group is None:
        raise CacheSubnetGroupNotFound(name)
    if subnet_ids:
        rebuilt = type(group)(
            account_id=self.account_id,
            region_name=self.region_name,
            cache_subnet_group_name=name,
            cache_subnet_group_description=description or group.cache_subnet_group_description,
            subnet_ids=subnet_ids,
            tags=group.tags,
        )
        group.subnet_ids = rebuilt.subnet_ids
        group.subnets = rebuilt.subnets
        group.supported_network_types = rebuilt.supported_network_types
        group.vpc_id = rebuilt.vpc_id
    if description is not None:
        group.cache_subnet_group_description = description
    return group


def subnet_group_azs(backend: ElastiCacheBackend, name: str | None) -> list[str]:
    group = backend.cache_subnet_groups.get(name or "")
    azs = []
    for subnet in getattr(group, "subnets", []) or []:
        az = subnet.get("subnet_availability_zone") or (subnet.get("Subnet_availability_zone") or {}).get("Name")
        if isinstance(az, str) and az not in azs:
            azs.append(az)
    return azs or [f"{backend.region_name}a", f"{backend.region_name}b"]


# --- replication groups -------------------------------------------------------------------------


class ReplicationGroup:
    """A Redis OSS / Valkey replication group as DescribeReplicationGroups reports it."""

    def __init__(self, backend: ElastiCacheBackend, params: dict[str, Any]):
        self.backend = backend
        self.replication_group_id: str = params["ReplicationGroupId"]
        self.description: str = params.get("ReplicationGroupDescription") or ""
        self.engine: str = (params.get("Engine") or "redis").lower()
        self.engine_version: str = params.get("EngineVersion") or DEFAULT_ENGINE_VERSION[self.engine]
        self.cache_node_type: str = params["CacheNodeType"]
        self.cluster_mode: str = params.get("ClusterMode") or (
            "enabled" if (params.get("NumNodeGroups") or 1) > 1 else "disabled"
        )
        self.num_node_groups: int = int(params.get("NumNodeGroups") or 1)
        self.automatic_failover = "enabled" if _bool(params.get("AutomaticFailoverEnabled")) else "disabled"
        self.multi_az = "enabled" if _bool(params.get("MultiAZEnabled")) else "disabled"
        self.port = int(params.get("Port") or 6379)
        self.cache_parameter_group_name: str = params.get("CacheParameterGroupName") or (
            f"default.{family_of(self.engine, self.engine_version)}"
        )
        self.cache_subnet_group_name: str | None = params.get("CacheSubnetGroupName")
        self.security_group_ids: list[str] = list(params.get("SecurityGroupIds") or [])
        self.preferred_maintenance_window: str = (
            params.get("PreferredMaintenanceWindow") or "sun:23:00-mon:01:30"
        ).lower()
        self.snapshot_retention_limit = int(params.get("SnapshotRetentionLimit") or 0)
        self.snapshot_window: str = params.get("SnapshotWindow") or "05:00-06:00"
        self.auto_minor_version_upgrade = _bool(params.get("AutoMinorVersionUpgrade"))
        if self.auto_minor_version_upgrade is None:
            self.auto_minor_version_upgrade = True
        self.transit_encryption_enabled = bool(_bool(params.get("TransitEncryptionEnabled")))
        self.transit_encryption_mode = params.get("TransitEncryptionMode") or (
            "required" if self.transit_encryption_enabled else None
        )
        self.at_rest_encryption_enabled = bool(_bool(params.get("AtRestEncryptionEnabled")))
        self.kms_key_id: str | None = params.get("KmsKeyId")
        self.auth_token: str | None = params.get("AuthToken")
        self.auth_token_last_modified_date = utcnow() if self.auth_token else None
        self.notification_topic_arn = params.get("NotificationTopicArn")
        self.log_delivery_configurations: list[dict[str, Any]] = []
        self.set_log_delivery(params.get("LogDeliveryConfigurations") or [])
        self.created = utcnow()
        prefix = f"arn:aws:elasticache:{backend.region_name}:{backend.account_id}"
        self.arn = f"{prefix}:replicationgroup:{self.replication_group_id}"
        token = "".join(random.choices(string.ascii_lowercase + string.digits, k=6))
        self.domain = f"{token}.{_region_short(backend.region_name)}.cache.amazonaws.com"
        self.azs = list(params.get("PreferredCacheClusterAZs") or []) or subnet_group_azs(
            backend, self.cache_subnet_group_name
        )
        if params.get("NumCacheClusters"):
            replicas = int(params["NumCacheClusters"]) - 1
        else:
            replicas = int(params.get("ReplicasPerNodeGroup") or 0)
        self.replicas = replicas
        self.modifying_until: float = 0.0
        self.lifecycle = Lifecycle.begin(
            "elasticache_replication_group",
            creating="creating",
            ready="available",
            deleting="deleting",
            deleted=None,
            on_deleted=self._gone,
        )

    # state

    @property
    def status(self) -> str:
        state = self.lifecycle.state or "deleted"
        if state == "available" and lifecycle_module.clock() < self.modifying_until:
            return "modifying"
        return state

    def start_modifying(self) -> None:
        self.modifying_until = lifecycle_module.clock() + lifecycle_module.duration(
            "elasticache_replication_group_modify", "create"
        )

    def _gone(self) -> None:
        self.backend.replication_groups.pop(self.replication_group_id, None)
        self.backend.tagging_service.delete_all_tags_for_resource(self.arn)

    def set_log_delivery(self, requests: list[dict[str, Any]]) -> None:
        """Apply LogDeliveryConfigurations requests (``Enabled: false`` removes that log type)."""
        current = {c["LogType"]: c for c in self.log_delivery_configurations}
        for request in requests:
            log_type = request.get("LogType")
            if log_type not in LOG_TYPES:
                raise InvalidParameterValueException(f"Invalid LogType {log_type!r}: expected slow-log or engine-log.")
            if _bool(request.get("Enabled")) is False:
                current.pop(log_type, None)
                continue
            destination = request.get("DestinationType")
            if destination not in LOG_DESTINATIONS:
                raise InvalidParameterValueException(f"Invalid DestinationType {destination!r}.")
            log_format = request.get("LogFormat")
            if log_format not in LOG_FORMATS:
                raise InvalidParameterValueException(f"Invalid LogFormat {log_format!r}: expected text or json.")
            details = request.get("DestinationDetails") or {}
            if destination == "cloudwatch-logs" and not (details.get("CloudWatchLogsDetails") or {}).get("LogGroup"):
                raise InvalidParameterValueException("CloudWatchLogsDetails.LogGroup is required for cloudwatch-logs.")
            current[log_type] = {
                "LogType": log_type,
                "DestinationType": destination,
                "DestinationDetails": details,
                "LogFormat": log_format,
                "Status": "active",
            }
        self.log_delivery_configurations = [current[t] for t in LOG_TYPES if t in current]

    # members

    @property
    def member_ids(self) -> list[str]:
        if self.cluster_mode == "enabled":
            return [
                f"{self.replication_group_id}-{g + 1:04d}-{m + 1:03d}"
                for g in range(self.num_node_groups)
                for m in range(self.replicas + 1)
            ]
        return [f"{self.replication_group_id}-{m + 1:03d}" for m in range(self.replicas + 1)]

    def _az(self, index: int) -> str:
        return self.azs[index % len(self.azs)]

    @property
    def node_groups(self) -> list[dict[str, Any]]:
        tls = self.transit_encryption_enabled
        if self.cluster_mode == "enabled":
            groups = []
            slots = 16384 // self.num_node_groups
            for g in range(self.num_node_groups):
                low, high = g * slots, (16383 if g == self.num_node_groups - 1 else (g + 1) * slots - 1)
                members = [
                    {
                        "CacheClusterId": f"{self.replication_group_id}-{g + 1:04d}-{m + 1:03d}",
                        "CacheNodeId": "0001",
                        "PreferredAvailabilityZone": self._az(g + m),
                    }
                    for m in range(self.replicas + 1)
                ]
                groups.append(
                    {
                        "NodeGroupId": f"{g + 1:04d}",
                        "Status": self.status,
                        "Slots": f"{low}-{high}",
                        "NodeGroupMembers": members,
                    }
                )
            return groups
        if tls:
            primary = f"master.{self.replication_group_id}.{self.domain}"
            reader = f"replica.{self.replication_group_id}.{self.domain}"
        else:
            short, _, rest = self.domain.partition(".")
            primary = f"{self.replication_group_id}.{short}.ng.0001.{rest}"
            reader = f"{self.replication_group_id}-ro.{short}.ng.0001.{rest}"
        members = [
            {
                "CacheClusterId": cluster_id,
                "CacheNodeId": "0001",
                "ReadEndpoint": {"Address": f"{cluster_id}.{self.domain}", "Port": self.port},
                "PreferredAvailabilityZone": self._az(i),
                "CurrentRole": "primary" if i == 0 else "replica",
            }
            for i, cluster_id in enumerate(self.member_ids)
        ]
        return [
            {
                "NodeGroupId": "0001",
                "Status": "available" if self.status in ("available", "modifying") else self.status,
                "PrimaryEndpoint": {"Address": primary, "Port": self.port},
                "ReaderEndpoint": {"Address": reader, "Port": self.port},
                "NodeGroupMembers": members,
            }
        ]

    def describe(self, pinned: str | None = None) -> dict[str, Any]:
        """The group as DescribeReplicationGroups reports it; ``pinned``: the status a write answers with."""
        out: dict[str, Any] = {
            "ReplicationGroupId": self.replication_group_id,
            "Description": self.description,
            "GlobalReplicationGroupInfo": {},
            "Status": pinned or self.status,
            "PendingModifiedValues": {},
            "MemberClusters": self.member_ids,
            "NodeGroups": self.node_groups,
            "AutomaticFailover": self.automatic_failover,
            "MultiAZ": self.multi_az,
            "SnapshotRetentionLimit": self.snapshot_retention_limit,
            "SnapshotWindow": self.snapshot_window,
            "ClusterEnabled": self.cluster_mode == "enabled",
            "CacheNodeType": self.cache_node_type,
            "AuthTokenEnabled": bool(self.auth_token),
            "TransitEncryptionEnabled": self.transit_encryption_enabled,
            "AtRestEncryptionEnabled": self.at_rest_encryption_enabled,
            "MemberClustersOutpostArns": [],
            "ARN": self.arn,
            "UserGroupIds": [],
            "LogDeliveryConfigurations": self.log_delivery_configurations,
            "ReplicationGroupCreateTime": self.created,
            "DataTiering": "disabled",
            "AutoMinorVersionUpgrade": self.auto_minor_version_upgrade,
            "NetworkType": "ipv4",
            "IpDiscovery": "ipv4",
            "ClusterMode": self.cluster_mode,
            "Engine": self.engine,
        }
        if self.snapshot_retention_limit:
            out["SnapshottingClusterId"] = self.member_ids[-1]
        if self.auth_token_last_modified_date:
            out["AuthTokenLastModifiedDate"] = self.auth_token_last_modified_date
        if self.kms_key_id:
            out["KmsKeyId"] = self.kms_key_id
        if self.transit_encryption_mode:
            out["TransitEncryptionMode"] = self.transit_encryption_mode
        if self.cluster_mode == "enabled":
            out["ConfigurationEndpoint"] = {
                "Address": f"clustercfg.{self.replication_group_id}.{self.domain}",
                "Port": self.port,
            }
        return out

    def member_clusters(self, show_nodes: bool = False) -> list[dict[str, Any]]:
        """The member cache clusters, as DescribeCacheClusters reports them."""
        status = {"modifying": "modifying", "creating": "creating", "deleting": "deleting"}.get(
            self.status, "available"
        )
        out = []
        for i, cluster_id in enumerate(self.member_ids):
            cluster: dict[str, Any] = {
                "CacheClusterId": cluster_id,
                "CacheNodeType": self.cache_node_type,
                "Engine": self.engine,
                "EngineVersion": self.engine_version,
                "CacheClusterStatus": status,
                "NumCacheNodes": 1,
                "PreferredAvailabilityZone": self._az(i),
                "CacheClusterCreateTime": self.created,
                "PreferredMaintenanceWindow": self.preferred_maintenance_window,
                "PendingModifiedValues": {},
                "CacheSecurityGroups": [],
                "CacheParameterGroup": {
                    "CacheParameterGroupName": self.cache_parameter_group_name,
                    "ParameterApplyStatus": "in-sync",
                    "CacheNodeIdsToReboot": [],
                },
                "CacheSubnetGroupName": self.cache_subnet_group_name,
                "AutoMinorVersionUpgrade": self.auto_minor_version_upgrade,
                "SecurityGroups": [{"SecurityGroupId": sg, "Status": "active"} for sg in self.security_group_ids],
                "ReplicationGroupId": self.replication_group_id,
                "SnapshotRetentionLimit": self.snapshot_retention_limit,
                "SnapshotWindow": self.snapshot_window,
                "AuthTokenEnabled": bool(self.auth_token),
                "TransitEncryptionEnabled": self.transit_encryption_enabled,
                "AtRestEncryptionEnabled": self.at_rest_encryption_enabled,
                "ARN": f"arn:aws:elasticache:{self.backend.region_name}:{self.backend.account_id}:cluster:{cluster_id}",
                "ReplicationGroupLogDeliveryEnabled": bool(self.log_delivery_configurations),
                "LogDeliveryConfigurations": self.log_delivery_configurations,
                "NetworkType": "ipv4",
                "IpDiscovery": "ipv4",
            }
            if show_nodes:
                cluster["CacheNodes"] = [
                    {
                        "CacheNodeId": "0001",
                        "CacheNodeStatus": status,
                        "CacheNodeCreateTime": self.created,
                        "Endpoint": {"Address": f"{cluster_id}.{self.domain}", "Port": self.port},
                        "ParameterGroupStatus": "in-sync",
                        "CustomerAvailabilityZone": self._az(i),
                    }
                ]
            out.append(cluster)
        return out

    # moto's create_snapshot reads these
    @property
    def num_cache_nodes(self) -> int:
        return len(self.member_ids)


def live_replication_groups(backend: ElastiCacheBackend) -> list[ReplicationGroup]:
    """Every replication group that is not gone yet (settling finished deletes)."""
    groups = []
    for group in list(backend.replication_groups.values()):
        if isinstance(group, ReplicationGroup):
            group.lifecycle.settle()
            if group.lifecycle.gone:
                continue
        groups.append(group)
    return [g for g in groups if g.replication_group_id in backend.replication_groups]


def get_replication_group(backend: ElastiCacheBackend, group_id: str) -> ReplicationGroup:
    for group in live_replication_groups(backend):
        if group.replication_group_id == group_id:
            return group
    raise ReplicationGroupNotFound(group_id)


def _resolve_kms_key(backend: ElastiCacheBackend, key_id: str) -> str:
    """The key ARN of ``key_id`` (id, ARN or alias) in this account and region, else InvalidKMSKeyFault."""
    from moto.kms.models import kms_backends

    kms = kms_backends[backend.account_id][backend.region_name]
    try:
        key = kms.describe_key(key_id)
    except Exception:  # noqa: BLE001 - any lookup failure is an invalid key for ElastiCache
        raise InvalidKMSKeyFault(f"KMS key {key_id} not found or not accessible.") from None
    if getattr(key, "key_state", "Enabled") != "Enabled":
        raise InvalidKMSKeyFault(f"KMS key {key_id} is not enabled.")
    return key.arn


def _validate_topology(automatic_failover: bool, multi_az: bool, replicas: int) -> None:
    if multi_az and not automatic_failover:
        raise InvalidParameterCombinationException("Multi-AZ requires automatic failover to be enabled.")
    if automatic_failover and replicas < 1:
        raise InvalidParameterValueException(
            "Automatic failover requires at least one replica: NumCacheClusters must be at least 2."
        )
    if replicas > 5:
        raise InvalidParameterValueException("A node group can have at most 5 replicas.")


def _validate_node_type(node_type: str | None) -> None:
    if not node_type:
        raise InvalidParameterValueException("The parameter CacheNodeType must be provided and must not be null.")
    if node_type not in NODE_TYPES:
        raise InvalidParameterValueException(f"Invalid Cache Node Type: {node_type}")


def _validate_parameter_group(backend: ElastiCacheBackend, name: str, engine: str, version: str) -> None:
    group = get_parameter_group(backend, name)
    family = family_of(engine, version)
    if group.cache_parameter_group_family != family:
        raise InvalidParameterCombinationException(
            f"The parameter group {name} (family {group.cache_parameter_group_family}) "
            f"cannot be used with {engine} {version} (family {family})."
        )


def create_replication_group_v2(self: ElastiCacheBackend, params: dict[str, Any]) -> ReplicationGroup:
    """CreateReplicationGroup (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html)."""
    group_id = params.get("ReplicationGroupId") or ""
    if not REPLICATION_GROUP_ID.match(group_id):
        raise InvalidParameterValueException(
            "Replication group id must be 1-40 letters, digits or hyphens, start with a letter, "
            "and not end with a hyphen or contain two consecutive hyphens."
        )
    params = {**params, "ReplicationGroupId": group_id.lower()}
    if params["ReplicationGroupId"] in {g.replication_group_id for g in live_replication_groups(self)}:
        raise ReplicationGroupAlreadyExists(params["ReplicationGroupId"])
    _validate_node_type(params.get("CacheNodeType"))
    engine = (params.get("Engine") or "redis").lower()
    if engine not in ENGINE_VERSIONS:
        raise InvalidParameterValueException(f"Invalid engine {engine!r} for a replication group.")
    version = params.get("EngineVersion") or DEFAULT_ENGINE_VERSION[engine]
    if version not in ENGINE_VERSIONS[engine]:
        raise InvalidParameterValueException(f"Cannot find version {version} for {engine}")
    if params.get("CacheParameterGroupName"):
        _validate_parameter_group(self, params["CacheParameterGroupName"], engine, version)
    if params.get("CacheSubnetGroupName") and params["CacheSubnetGroupName"] not in self.cache_subnet_groups:
        raise CacheSubnetGroupNotFound(params["CacheSubnetGroupName"])
    if params.get("NumCacheClusters") and params.get("NumNodeGroups") and int(params["NumNodeGroups"]) > 1:
        raise InvalidParameterCombinationException("NumCacheClusters cannot be used with NumNodeGroups > 1.")
    replicas = (
        int(params["NumCacheClusters"]) - 1
        if params.get("NumCacheClusters")
        else int(params.get("ReplicasPerNodeGroup") or 0)
    )
    _validate_topology(
        bool(_bool(params.get("AutomaticFailoverEnabled"))), bool(_bool(params.get("MultiAZEnabled"))), replicas
    )
    if params.get("AuthToken"):
        if not _bool(params.get("TransitEncryptionEnabled")):
            raise InvalidParameterValueException(
                "The AUTH token is only supported when encryption-in-transit is enabled."
            )
        validate_auth_token(params["AuthToken"])
    if params.get("KmsKeyId"):
        if not _bool(params.get("AtRestEncryptionEnabled")):
            raise InvalidParameterCombinationException("KmsKeyId requires AtRestEncryptionEnabled.")
        params["KmsKeyId"] = _resolve_kms_key(self, params["KmsKeyId"])
    group = ReplicationGroup(self, params)
    if params.get("Tags"):
        self.tagging_service.tag_resource(group.arn, params["Tags"])
    self.replication_groups[group.replication_group_id] = group  # type: ignore[assignment]
    service_interfaces.elasticache_replication_group(self, group)
    return group


def _require_available(group: ReplicationGroup) -> None:
    if group.status != "available":
        raise InvalidReplicationGroupState(
            f"Replication group {group.replication_group_id} must be in available state to be modified "
            f"(it is {group.status})."
        )


def modify_replication_group_v2(self: ElastiCacheBackend, params: dict[str, Any]) -> ReplicationGroup:
    """ModifyReplicationGroup (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_ModifyReplicationGroup.html).

    Changes apply at once (as with ``ApplyImmediately=true``); the group is ``modifying`` for the
    profile's ``elasticache_replication_group_modify`` duration.
    """
    group = get_replication_group(self, params["ReplicationGroupId"])
    _require_available(group)
    failover = _bool(params.get("AutomaticFailoverEnabled"))
    multi_az = _bool(params.get("MultiAZEnabled"))
    new_failover = group.automatic_failover == "enabled" if failover is None else failover
    new_multi_az = group.multi_az == "enabled" if multi_az is None else multi_az
    _validate_topology(new_failover, new_multi_az, group.replicas)
    if params.get("CacheNodeType"):
        _validate_node_type(params["CacheNodeType"])
    engine = (params.get("Engine") or group.engine).lower()
    version = params.get("EngineVersion") or group.engine_version
    if engine not in ENGINE_VERSIONS or version not in ENGINE_VERSIONS[engine]:
        raise InvalidParameterValueException(f"Cannot find version {version} for {engine}")
    if tuple(int(x) for x in version.split(".")[:2]) < tuple(int(x) for x in group.engine_version.split(".")[:2]):
        raise InvalidParameterValueException(
            f"Cannot downgrade {group.engine} {group.engine_version} to {version}: only upgrades are supported."
        )
    parameter_group = params.get("CacheParameterGroupName")
    if parameter_group:
        _validate_parameter_group(self, parameter_group, engine, version)
    elif (engine, version.split(".")[0]) != (group.engine, group.engine_version.split(".")[0]):
        parameter_group = f"default.{family_of(engine, version)}"
        if family_of(group.engine, group.engine_version) != family_of(engine, version):
            raise InvalidParameterCombinationException(
                "A major engine version upgrade needs a CacheParameterGroupName of the new family."
            )
    strategy = (params.get("AuthTokenUpdateStrategy") or "ROTATE").upper()
    if params.get("AuthToken"):
        if not (group.transit_encryption_enabled or _bool(params.get("TransitEncryptionEnabled"))):
            raise InvalidParameterValueException(
                "The AUTH token is only supported when encryption-in-transit is enabled."
            )
        validate_auth_token(params["AuthToken"])
    elif strategy == "DELETE" and params.get("AuthTokenUpdateStrategy"):
        pass
    if params.get("LogDeliveryConfigurations"):
        probe = list(group.log_delivery_configurations)
        group.set_log_delivery(params["LogDeliveryConfigurations"])
        group.log_delivery_configurations, pending = probe, group.log_delivery_configurations
    else:
        pending = None
    # every check passed: apply
    simple = {
        "ReplicationGroupDescription": "description",
        "CacheNodeType": "cache_node_type",
        "PreferredMaintenanceWindow": "preferred_maintenance_window",
        "SnapshotWindow": "snapshot_window",
        "NotificationTopicArn": "notification_topic_arn",
        "TransitEncryptionMode": "transit_encryption_mode",
    }
    for key, attr in simple.items():
        if params.get(key) is not None:
            value = params[key]
            setattr(group, attr, value.lower() if key == "PreferredMaintenanceWindow" else value)
    if params.get("SnapshotRetentionLimit") is not None:
        group.snapshot_retention_limit = int(params["SnapshotRetentionLimit"])
    if params.get("SecurityGroupIds"):
        group.security_group_ids = list(params["SecurityGroupIds"])
    if _bool(params.get("AutoMinorVersionUpgrade")) is not None:
        group.auto_minor_version_upgrade = _bool(params["AutoMinorVersionUpgrade"])
    if _bool(params.get("TransitEncryptionEnabled")) is not None:
        group.transit_encryption_enabled = bool(_bool(params["TransitEncryptionEnabled"]))
    group.automatic_failover = "enabled" if new_failover else "disabled"
    group.multi_az = "enabled" if new_multi_az else "disabled"
    group.engine, group.engine_version = engine, version
    if parameter_group:
        group.cache_parameter_group_name = parameter_group
    if params.get("AuthToken"):
        group.auth_token = params["AuthToken"]
        group.auth_token_last_modified_date = utcnow()
    elif strategy == "DELETE" and params.get("AuthTokenUpdateStrategy"):
        group.auth_token = None
    if pending is not None:
        group.log_delivery_configurations = pending
    group.start_modifying()
    return group


def change_replica_count(
    self: ElastiCacheBackend, group_id: str, new_count: int | None, increase: bool
) -> ReplicationGroup:
    """IncreaseReplicaCount / DecreaseReplicaCount (cluster mode disabled: ``NewReplicaCount``)."""
    group = get_replication_group(self, group_id)
    _require_available(group)
    if new_count is None:
        raise InvalidParameterValueException("NewReplicaCount is required.")
    if increase and new_count <= group.replicas:
        raise InvalidParameterValueException(
            f"NewReplicaCount {new_count} must be greater than the current replica count {group.replicas}."
        )
    if not increase and new_count >= group.replicas:
        raise InvalidParameterValueException(
            f"NewReplicaCount {new_count} must be less than the current replica count {group.replicas}."
        )
    _validate_topology(group.automatic_failover == "enabled", group.multi_az == "enabled", new_count)
    group.replicas = new_count
    group.start_modifying()
    return group


def delete_replication_group_v2(
    self: ElastiCacheBackend, group_id: str, final_snapshot: str | None
) -> ReplicationGroup:
    """DeleteReplicationGroup (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DeleteReplicationGroup.html).

    ``deleting`` for the profile's delete duration, then gone (with its tags).
    """
    group = get_replication_group(self, group_id)
    if group.status != "available":
        raise InvalidReplicationGroupState(
            f"Replication group {group_id} is not in available state (it is {group.status}) and cannot be deleted."
        )
    if final_snapshot:
        self.create_snapshot(
            snapshot_name=final_snapshot,
            replication_group_id=group_id,
            cache_cluster_id=None,
            kms_key_id=None,
            tags=None,
        )
    group.lifecycle.delete()
    return group


def describe_cache_clusters_v2(
    self: ElastiCacheBackend, cluster_id: str | None, show_nodes: bool, not_in_groups: bool
) -> list[Any]:
    """DescribeCacheClusters: moto's own clusters plus the member clusters of replication groups."""
    clusters: list[Any] = [] if cluster_id else list(self.cache_clusters.values())
    if cluster_id and cluster_id in self.cache_clusters:
        return [self.cache_clusters[cluster_id]]
    if not not_in_groups:
        for group in live_replication_groups(self):
            if isinstance(group, ReplicationGroup):
                clusters.extend(
                    c for c in group.member_clusters(show_nodes) if not cluster_id or c["CacheClusterId"] == cluster_id
                )
    if cluster_id and not clusters:
        from moto.elasticache.exceptions import CacheClusterNotFound

        raise CacheClusterNotFound(cluster_id)
    return clusters


def iter_tagged_resources(self: ElastiCacheBackend) -> Iterator[TaggedResource]:
    """Resource Groups Tagging API: moto's resources (live ones only) plus parameter groups."""
    live = {g.replication_group_id for g in live_replication_groups(self)}
    for resource in original(ElastiCacheBackend, "iter_tagged_resources")(self):
        if ":replicationgroup:" in resource.arn and resource.arn.rsplit(":", 1)[-1] not in live:
            continue
        yield resource
    for group in parameter_groups(self).values():
        if group.is_default:
            continue
        yield TaggedResource(
            arn=group.arn,
            tags=self.tagging_service.get_tag_dict_for_resource(group.arn),
            resource_type="elasticache:parametergroup",
            extra={"include_untagged": True},
        )


def list_tags_for_resource(self: ElastiCacheBackend, arn: str) -> dict[str, list[dict[str, str]]]:
    """ListTagsForResource: also on parameter-group ARNs; an unknown replication group is not found."""
    self.arn_regex = re_compile(ARN_REGEX)
    kind, _, name = arn.split(":", 5)[-1].partition(":") if arn.count(":") >= 6 else ("", "", "")
    if kind == "replicationgroup":
        get_replication_group(self, name)
    if kind == "parametergroup":
        get_parameter_group(self, name)
    return original(ElastiCacheBackend, "list_tags_for_resource")(self, arn)


@extension(
    "elasticache",
    "CreateCacheParameterGroup",
    "DescribeCacheParameterGroups",
    "ModifyCacheParameterGroup",
    "ResetCacheParameterGroup",
    "DeleteCacheParameterGroup",
    "DescribeCacheParameters",
    "DescribeEngineDefaultParameters",
    "DeleteCacheSubnetGroup",
    "ModifyCacheSubnetGroup",
    "CreateReplicationGroup",
    "DescribeReplicationGroups",
    "ModifyReplicationGroup",
    "IncreaseReplicaCount",
    "DecreaseReplicaCount",
    "DeleteReplicationGroup",
    "DescribeCacheClusters",
    "ListTagsForResource",
)
def elasticache_backend() -> None:
    """Parameter groups, subnet-group delete/modify, replication groups with members, lifecycle and modify.

    moto 5.2.5 has no cache parameter groups and no DeleteCacheSubnetGroup/ModifyCacheSubnetGroup
    (500); its replication groups are ``available`` at once, ignore ``NumCacheClusters``, have no
    reader endpoint and no member clusters, apply almost nothing of ModifyReplicationGroup, have no
    replica-count APIs, never finish deleting, and accept any node type.
    """
    for function in (
        create_cache_parameter_group,
        describe_cache_parameter_groups,
        modify_cache_parameter_group,
        reset_cache_parameter_group,
        delete_cache_parameter_group,
        delete_cache_subnet_group,
        modify_cache_subnet_group,
        create_replication_group_v2,
        modify_replication_group_v2,
        change_replica_count,
        delete_replication_group_v2,
        describe_cache_clusters_v2,
        iter_tagged_resources,
        list_tags_for_resource,
    ):
        override(ElastiCacheBackend, function)
