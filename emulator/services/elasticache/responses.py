"""ElastiCache request handlers for what moto 5.2.5 lacks or gets wrong (see models.py)."""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.elasticache.exceptions import InvalidParameterValueException
from moto.elasticache.responses import ElastiCacheResponse

from emulator.extensions import extension, override
from emulator.services.elasticache import models
from emulator.services.elasticache.parameters import FAMILIES


def _params(self: ElastiCacheResponse) -> dict[str, Any]:
    params = self.params
    original = getattr(params, "original_dict", None)
    return dict(original() if callable(original) else params)


def _page(self: ElastiCacheResponse, items: list[Any]) -> tuple[list[Any], str | None]:
    """MaxRecords/Marker paging (the marker is the index of the next item)."""
    max_records = int(self._get_param("MaxRecords") or 100)
    start = int(self._get_param("Marker") or 0)
    page = items[start : start + max_records]
    return page, (str(start + max_records) if start + max_records < len(items) else None)


def create_cache_parameter_group(self: ElastiCacheResponse) -> ActionResult:
    """CreateCacheParameterGroup (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateCacheParameterGroup.html)."""
    group = self.elasticache_backend.create_cache_parameter_group(
        self._get_param("CacheParameterGroupName"),
        self._get_param("CacheParameterGroupFamily"),
        self._get_param("Description") or "",
        self._get_param("Tags", []),
    )
    return ActionResult({"CacheParameterGroup": group.describe()})


def describe_cache_parameter_groups(self: ElastiCacheResponse) -> ActionResult:
    """DescribeCacheParameterGroups (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DescribeCacheParameterGroups.html)."""
    groups = self.elasticache_backend.describe_cache_parameter_groups(self._get_param("CacheParameterGroupName"))
    page, marker = _page(self, [g.describe() for g in groups])
    result: dict[str, Any] = {"CacheParameterGroups": page}
    if marker:
        result["Marker"] = marker
    return ActionResult(result)


def modify_cache_parameter_group(self: ElastiCacheResponse) -> ActionResult:
    """ModifyCacheParameterGroup (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_ModifyCacheParameterGroup.html)."""
    name = self._get_param("CacheParameterGroupName")
    self.elasticache_backend.modify_cache_parameter_group(name, self._get_param("ParameterNameValues", []))
    return ActionResult({"CacheParameterGroupName": name})


def reset_cache_parameter_group(self: ElastiCacheResponse) -> ActionResult:
    """ResetCacheParameterGroup (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_ResetCacheParameterGroup.html)."""
    name = self._get_param("CacheParameterGroupName")
    self.elasticache_backend.reset_cache_parameter_group(
        name, bool(self._get_bool_param("ResetAllParameters")), self._get_param("ParameterNameValues", [])
    )
    return ActionResult({"CacheParameterGroupName": name})


def delete_cache_parameter_group(self: ElastiCacheResponse) -> ActionResult:
    """DeleteCacheParameterGroup (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DeleteCacheParameterGroup.html)."""
    self.elasticache_backend.delete_cache_parameter_group(self._get_param("CacheParameterGroupName"))
    return EmptyResult()


def describe_cache_parameters(self: ElastiCacheResponse) -> ActionResult:
    """DescribeCacheParameters (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DescribeCacheParameters.html)."""
    group = models.get_parameter_group(self.elasticache_backend, self._get_param("CacheParameterGroupName"))
    page, marker = _page(self, group.parameters(self._get_param("Source")))
    result: dict[str, Any] = {"Parameters": page, "CacheNodeTypeSpecificParameters": []}
    if marker:
        result["Marker"] = marker
    return ActionResult(result)


def describe_engine_default_parameters(self: ElastiCacheResponse) -> ActionResult:
    """DescribeEngineDefaultParameters (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DescribeEngineDefaultParameters.html)."""
    family = self._get_param("CacheParameterGroupFamily")
    if family not in FAMILIES:
        raise InvalidParameterValueException(f"Invalid parameter group family: {family}")
    group = models.CacheParameterGroup(self.elasticache_backend, f"default.{family}", family, "", True)
    page, marker = _page(self, group.parameters())
    engine_defaults: dict[str, Any] = {"CacheParameterGroupFamily": family, "Parameters": page}
    if marker:
        engine_defaults["Marker"] = marker
    return ActionResult({"EngineDefaults": engine_defaults})


def delete_cache_subnet_group(self: ElastiCacheResponse) -> ActionResult:
    """DeleteCacheSubnetGroup (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DeleteCacheSubnetGroup.html)."""
    self.elasticache_backend.delete_cache_subnet_group(self._get_param("CacheSubnetGroupName"))
    return EmptyResult()


def modify_cache_subnet_group(self: ElastiCacheResponse) -> ActionResult:
    """ModifyCacheSubnetGroup (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_ModifyCacheSubnetGroup.html)."""
    group = self.elasticache_backend.modify_cache_subnet_group(
        self._get_param("CacheSubnetGroupName"),
        self._get_param("CacheSubnetGroupDescription"),
        self._get_param("SubnetIds"),
    )
    return ActionResult({"CacheSubnetGroup": group})


def create_replication_group(self: ElastiCacheResponse) -> ActionResult:
    """CreateReplicationGroup (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html)."""
    group = self.elasticache_backend.create_replication_group_v2(_params(self))
    return ActionResult({"ReplicationGroup": group.describe(pinned="creating")})


def describe_replication_groups(self: ElastiCacheResponse) -> ActionResult:
    """DescribeReplicationGroups (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DescribeReplicationGroups.html)."""
    backend = self.elasticache_backend
    group_id = self._get_param("ReplicationGroupId")
    groups = [models.get_replication_group(backend, group_id)] if group_id else models.live_replication_groups(backend)
    page, marker = _page(self, [g.describe() if isinstance(g, models.ReplicationGroup) else g for g in groups])
    result: dict[str, Any] = {"ReplicationGroups": page}
    if marker:
        result["Marker"] = marker
    return ActionResult(result)


def modify_replication_group(self: ElastiCacheResponse) -> ActionResult:
    """ModifyReplicationGroup (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_ModifyReplicationGroup.html)."""
    group = self.elasticache_backend.modify_replication_group_v2(_params(self))
    return ActionResult({"ReplicationGroup": group.describe(pinned="modifying")})


def increase_replica_count(self: ElastiCacheResponse) -> ActionResult:
    """IncreaseReplicaCount (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_IncreaseReplicaCount.html)."""
    group = self.elasticache_backend.change_replica_count(
        self._get_param("ReplicationGroupId"), self._get_int_param("NewReplicaCount"), True
    )
    return ActionResult({"ReplicationGroup": group.describe(pinned="modifying")})


def decrease_replica_count(self: ElastiCacheResponse) -> ActionResult:
    """DecreaseReplicaCount (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DecreaseReplicaCount.html)."""
    group = self.elasticache_backend.change_replica_count(
        self._get_param("ReplicationGroupId"), self._get_int_param("NewReplicaCount"), False
    )
    return ActionResult({"ReplicationGroup": group.describe(pinned="modifying")})


def delete_replication_group(self: ElastiCacheResponse) -> ActionResult:
    """DeleteReplicationGroup (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DeleteReplicationGroup.html)."""
    group = self.elasticache_backend.delete_replication_group_v2(
        self._get_param("ReplicationGroupId"), self._get_param("FinalSnapshotIdentifier")
    )
    return ActionResult({"ReplicationGroup": group.describe(pinned="deleting")})


def describe_cache_clusters(self: ElastiCacheResponse) -> ActionResult:
    """DescribeCacheClusters (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DescribeCacheClusters.html)."""
    clusters = self.elasticache_backend.describe_cache_clusters_v2(
        self._get_param("CacheClusterId"),
        bool(self._get_bool_param("ShowCacheNodeInfo")),
        bool(self._get_bool_param("ShowCacheClustersNotInReplicationGroups")),
    )
    page, marker = _page(self, clusters)
    result: dict[str, Any] = {"CacheClusters": page}
    if marker:
        result["Marker"] = marker
    return ActionResult(result)


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
)
def elasticache_handlers() -> None:
    """ElastiCache request handlers: parameter groups, subnet-group delete/modify, replication groups."""
    for handler in (
        create_cache_parameter_group,
        describe_cache_parameter_groups,
        modify_cache_parameter_group,
        reset_cache_parameter_group,
        delete_cache_parameter_group,
        describe_cache_parameters,
        describe_engine_default_parameters,
        delete_cache_subnet_group,
        modify_cache_subnet_group,
        create_replication_group,
        describe_replication_groups,
        modify_replication_group,
        increase_replica_count,
        decrease_replica_count,
        delete_replication_group,
        describe_cache_clusters,
    ):
        override(ElastiCacheResponse, handler)
