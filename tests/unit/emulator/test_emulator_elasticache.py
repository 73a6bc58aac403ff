"""ElastiCache in the emulator: parameter groups, subnet groups, replication groups as AWS runs them.

The ``target`` checks run against the emulator (must pass) and against plain moto 5.2.5 as a strict
xfail (each shows a moto gap the emulator fills). The rest check the emulator alone: lifecycles
with non-zero durations, and the community.aws modules the redis role uses.
"""

from __future__ import annotations

import itertools

import pytest
from botocore.exceptions import ClientError

NO_RETRY = {"retries": {"total_max_attempts": 1}}
_n = itertools.count(1)


def _subnet_group(client, name: str) -> list[str]:
    ec2 = client("ec2")
    n = next(_n)
    vpc = ec2.create_vpc(CidrBlock=f"10.{n}.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{n}.{i}.0/24", AvailabilityZone=f"us-west-2{az}")["Subnet"][
            "SubnetId"
        ]
        for i, az in ((1, "a"), (2, "b"))
    ]
    client("elasticache").create_cache_subnet_group(
        CacheSubnetGroupName=name, CacheSubnetGroupDescription="test", SubnetIds=subnets
    )
    return subnets


def _group(ec, group_id: str) -> dict:
    return ec.describe_replication_groups(ReplicationGroupId=group_id)["ReplicationGroups"][0]


def _members(ec, group_id: str) -> list[dict]:
    return [c for c in ec.describe_cache_clusters()["CacheClusters"] if c.get("ReplicationGroupId") == group_id]


def _create(ec, group_id: str, **extra) -> dict:
    args = {
        "ReplicationGroupId": group_id,
        "ReplicationGroupDescription": "test",
        "Engine": "redis",
        "EngineVersion": "7.1",
        "CacheNodeType": "cache.t3.micro",
        "NumCacheClusters": 1,
        **extra,
    }
    return ec.create_replication_group(**args)["ReplicationGroup"]


# --- parameter groups ---------------------------------------------------------------------------


def test_cache_parameter_group_lifecycle(client) -> None:
    """Create/Describe/Modify/Reset/Delete CacheParameterGroup, DescribeCacheParameters, tags on its ARN."""
    ec = client("elasticache")
    name = f"pg-{next(_n)}"
    group = ec.create_cache_parameter_group(
        CacheParameterGroupName=name,
        CacheParameterGroupFamily="redis7",
        Description="cache",
        Tags=[{"Key": "Project", "Value": "ecap"}],
    )["CacheParameterGroup"]
    assert group["CacheParameterGroupFamily"] == "redis7"
    assert (
        ec.describe_cache_parameter_groups(CacheParameterGroupName=name)["CacheParameterGroups"][0]["ARN"]
        == (group["ARN"])
    )
    assert ec.list_tags_for_resource(ResourceName=group["ARN"])["TagList"] == [{"Key": "Project", "Value": "ecap"}]

    params = {p["ParameterName"]: p for p in ec.describe_cache_parameters(CacheParameterGroupName=name)["Parameters"]}
    assert {"maxmemory-policy", "timeout", "tcp-keepalive", "notify-keyspace-events"} <= set(params)
    assert params["maxmemory-policy"]["ParameterValue"] == "volatile-lru"
    assert params["tcp-keepalive"]["DataType"] == "integer"

    ec.modify_cache_parameter_group(
        CacheParameterGroupName=name,
        ParameterNameValues=[
            {"ParameterName": "maxmemory-policy", "ParameterValue": "allkeys-lru"},
            {"ParameterName": "timeout", "ParameterValue": "300"},
        ],
    )
    user = {
        p["ParameterName"]: p["ParameterValue"]
        for p in ec.describe_cache_parameters(CacheParameterGroupName=name, Source="user")["Parameters"]
    }
    assert user == {"maxmemory-policy": "allkeys-lru", "timeout": "300"}

    with pytest.raises(ClientError) as bad:
        ec.modify_cache_parameter_group(
            CacheParameterGroupName=name,
            ParameterNameValues=[{"ParameterName": "maxmemory-policy", "ParameterValue": "most-lru"}],
        )
    assert bad.value.response["Error"]["Code"] == "InvalidParameterValue"

    ec.reset_cache_parameter_group(
        CacheParameterGroupName=name, ParameterNameValues=[{"ParameterName": "timeout", "ParameterValue": ""}]
    )
    params = {p["ParameterName"]: p for p in ec.describe_cache_parameters(CacheParameterGroupName=name)["Parameters"]}
    assert params["timeout"]["ParameterValue"] == "0" and params["maxmemory-policy"]["ParameterValue"] == "allkeys-lru"
    ec.reset_cache_parameter_group(CacheParameterGroupName=name, ResetAllParameters=True)
    assert ec.describe_cache_parameters(CacheParameterGroupName=name, Source="user")["Parameters"] == []

    ec.delete_cache_parameter_group(CacheParameterGroupName=name)
    with pytest.raises(ClientError) as gone:
        ec.describe_cache_parameters(CacheParameterGroupName=name)
    assert gone.value.response["Error"]["Code"] == "CacheParameterGroupNotFound"


def test_default_parameter_groups_are_listed_and_read_only(client) -> None:
    ec = client("elasticache")
    names = {g["CacheParameterGroupName"] for g in ec.describe_cache_parameter_groups()["CacheParameterGroups"]}
    assert "default.redis7" in names
    with pytest.raises(ClientError):
        ec.modify_cache_parameter_group(
            CacheParameterGroupName="default.redis7",
            ParameterNameValues=[{"ParameterName": "timeout", "ParameterValue": "10"}],
        )


# --- subnet groups ------------------------------------------------------------------------------


def test_delete_and_modify_cache_subnet_group(client) -> None:
    """DeleteCacheSubnetGroup and ModifyCacheSubnetGroup (moto 5.2.5: not implemented)."""
    ec = client("elasticache")
    name = f"subnets-{next(_n)}"
    subnets = _subnet_group(client, name)
    ec.modify_cache_subnet_group(CacheSubnetGroupName=name, SubnetIds=subnets[:1], CacheSubnetGroupDescription="one")
    group = ec.describe_cache_subnet_groups(CacheSubnetGroupName=name)["CacheSubnetGroups"][0]
    assert [s["SubnetIdentifier"] for s in group["Subnets"]] == subnets[:1]
    assert group["CacheSubnetGroupDescription"] == "one"
    ec.delete_cache_subnet_group(CacheSubnetGroupName=name)
    with pytest.raises(ClientError) as gone:
        ec.describe_cache_subnet_groups(CacheSubnetGroupName=name)
    assert gone.value.response["Error"]["Code"] == "CacheSubnetGroupNotFoundFault"


# --- replication groups -------------------------------------------------------------------------


def test_replication_group_members_endpoints_and_settings(client) -> None:
    """NumCacheClusters, reader endpoint, member clusters carrying SGs, parameter and subnet group."""
    ec, kms = client("elasticache"), client("kms")
    n = next(_n)
    _subnet_group(client, f"subnets-{n}")
    key = kms.create_key()["KeyMetadata"]["Arn"]
    ec.create_cache_parameter_group(
        CacheParameterGroupName=f"pg-{n}", CacheParameterGroupFamily="redis7", Description="x"
    )
    created = _create(
        ec,
        f"rg-{n}",
        NumCacheClusters=2,
        AutomaticFailoverEnabled=True,
        MultiAZEnabled=True,
        TransitEncryptionEnabled=True,
        AtRestEncryptionEnabled=True,
        KmsKeyId=key,
        AuthToken="A" * 16 + "-b!",
        CacheSubnetGroupName=f"subnets-{n}",
        CacheParameterGroupName=f"pg-{n}",
        SecurityGroupIds=["sg-12345678"],
        SnapshotRetentionLimit=5,
        PreferredMaintenanceWindow="sun:05:00-sun:06:00",
    )
    assert created["Status"] == "creating"
    group = _group(ec, f"rg-{n}")
    assert group["Status"] == "available"
    assert group["MemberClusters"] == [f"rg-{n}-001", f"rg-{n}-002"]
    node_group = group["NodeGroups"][0]
    assert node_group["PrimaryEndpoint"]["Address"] and node_group["ReaderEndpoint"]["Address"]
    assert [m["CurrentRole"] for m in node_group["NodeGroupMembers"]] == ["primary", "replica"]
    assert (group["AuthTokenEnabled"], group["TransitEncryptionEnabled"], group["AtRestEncryptionEnabled"]) == (
        True,
        True,
        True,
    )
    assert group["KmsKeyId"] == key
    assert (group["AutomaticFailover"], group["MultiAZ"]) == ("enabled", "enabled")
    members = _members(ec, f"rg-{n}")
    assert len(members) == 2
    assert {m["PreferredAvailabilityZone"] for m in members} == {"us-west-2a", "us-west-2b"}
    for member in members:
        assert member["CacheSubnetGroupName"] == f"subnets-{n}"
        assert member["CacheParameterGroup"]["CacheParameterGroupName"] == f"pg-{n}"
        assert [sg["SecurityGroupId"] for sg in member["SecurityGroups"]] == ["sg-12345678"]
        assert member["EngineVersion"] == "7.1"
        assert member["PreferredMaintenanceWindow"] == "sun:05:00-sun:06:00"


def test_replication_group_modify_applies(client) -> None:
    """ModifyReplicationGroup: node type, parameter group, SGs, windows, log delivery; replica counts."""
    ec = client("elasticache")
    n = next(_n)
    ec.create_cache_parameter_group(
        CacheParameterGroupName=f"pg-{n}", CacheParameterGroupFamily="redis7", Description="x"
    )
    _create(ec, f"rg-{n}", NumCacheClusters=2, AutomaticFailoverEnabled=True)
    modified = ec.modify_replication_group(
        ReplicationGroupId=f"rg-{n}",
        CacheNodeType="cache.m5.large",
        CacheParameterGroupName=f"pg-{n}",
        SecurityGroupIds=["sg-0000000a"],
        PreferredMaintenanceWindow="mon:03:00-mon:04:00",
        SnapshotRetentionLimit=7,
        SnapshotWindow="01:00-02:00",
        LogDeliveryConfigurations=[
            {
                "LogType": "slow-log",
                "DestinationType": "cloudwatch-logs",
                "DestinationDetails": {"CloudWatchLogsDetails": {"LogGroup": "/ecap/redis/slow"}},
                "LogFormat": "json",
                "Enabled": True,
            }
        ],
        ApplyImmediately=True,
    )["ReplicationGroup"]
    assert modified["Status"] == "modifying"
    group = _group(ec, f"rg-{n}")
    assert (group["CacheNodeType"], group["SnapshotRetentionLimit"], group["SnapshotWindow"]) == (
        "cache.m5.large",
        7,
        "01:00-02:00",
    )
    assert [
        c["DestinationDetails"]["CloudWatchLogsDetails"]["LogGroup"] for c in group["LogDeliveryConfigurations"]
    ] == ["/ecap/redis/slow"]
    member = _members(ec, f"rg-{n}")[0]
    assert member["CacheParameterGroup"]["CacheParameterGroupName"] == f"pg-{n}"
    assert [sg["SecurityGroupId"] for sg in member["SecurityGroups"]] == ["sg-0000000a"]
    assert member["PreferredMaintenanceWindow"] == "mon:03:00-mon:04:00"

    ec.increase_replica_count(ReplicationGroupId=f"rg-{n}", NewReplicaCount=2, ApplyImmediately=True)
    assert len(_group(ec, f"rg-{n}")["MemberClusters"]) == 3
    ec.decrease_replica_count(ReplicationGroupId=f"rg-{n}", NewReplicaCount=1, ApplyImmediately=True)
    assert len(_group(ec, f"rg-{n}")["MemberClusters"]) == 2


def test_replication_group_delete_finishes(client) -> None:
    """DeleteReplicationGroup: deleting, then gone with its tags; its subnet group can then be deleted."""
    ec = client("elasticache")
    n = next(_n)
    _subnet_group(client, f"subnets-{n}")
    _create(ec, f"rg-{n}", CacheSubnetGroupName=f"subnets-{n}", Tags=[{"Key": "Project", "Value": "ecap"}])
    with pytest.raises(ClientError) as in_use:
        ec.delete_cache_subnet_group(CacheSubnetGroupName=f"subnets-{n}")
    assert in_use.value.response["Error"]["Code"] == "CacheSubnetGroupInUse"
    assert ec.delete_replication_group(ReplicationGroupId=f"rg-{n}")["ReplicationGroup"]["Status"] == "deleting"
    with pytest.raises(ClientError) as gone:
        ec.describe_replication_groups(ReplicationGroupId=f"rg-{n}")
    assert gone.value.response["Error"]["Code"] == "ReplicationGroupNotFoundFault"
    assert _members(ec, f"rg-{n}") == []
    ec.delete_cache_subnet_group(CacheSubnetGroupName=f"subnets-{n}")


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"CacheNodeType": "cache.t3.huge"}, "InvalidParameterValue"),
        ({"AutomaticFailoverEnabled": True}, "InvalidParameterValue"),
        ({"MultiAZEnabled": True, "NumCacheClusters": 2}, "InvalidParameterCombination"),
        ({"AuthToken": "x" * 20}, "InvalidParameterValue"),
        ({"AuthToken": "has@at-sign-1234567", "TransitEncryptionEnabled": True}, "InvalidParameterValue"),
        ({"EngineVersion": "7.9"}, "InvalidParameterValue"),
        ({"CacheParameterGroupName": "default.redis6.x"}, "InvalidParameterCombination"),
        ({"AtRestEncryptionEnabled": True, "KmsKeyId": "alias/none"}, "InvalidKMSKeyFault"),
    ],
    ids=[
        "node-type",
        "failover-no-replica",
        "multi-az-no-failover",
        "auth-no-tls",
        "auth-bad-char",
        "version",
        "family",
        "kms",
    ],
)
def test_replication_group_rejects_bad_input(client, extra, code) -> None:
    """CreateReplicationGroup refuses what AWS refuses (moto 5.2.5 accepts it all)."""
    with pytest.raises(ClientError) as bad:
        _create(client("elasticache"), f"bad-{next(_n)}", **extra)
    assert bad.value.response["Error"]["Code"] == code


# --- emulator only: durations, community.aws modules --------------------------------------------


def test_replication_group_lifecycle_durations(emulator, aws) -> None:
    """With durations: creating → available, modifying refuses another modify, deleting → gone."""
    ec = aws("elasticache", **NO_RETRY)
    emulator.set_config(
        durations={"elasticache_replication_group": 60, "elasticache_replication_group_modify": {"create": 60}}
    )
    try:
        _create(ec, "slow")
        assert _group(ec, "slow")["Status"] == "creating"
        with pytest.raises(ClientError) as busy:
            ec.modify_replication_group(ReplicationGroupId="slow", SnapshotRetentionLimit=1, ApplyImmediately=True)
        assert busy.value.response["Error"]["Code"] == "InvalidReplicationGroupState"
    finally:
        emulator.set_config(durations={})
    _create(ec, "fast")
    emulator.set_config(durations={"elasticache_replication_group_modify": {"create": 60}})
    try:
        ec.modify_replication_group(ReplicationGroupId="fast", SnapshotRetentionLimit=1, ApplyImmediately=True)
        assert _group(ec, "fast")["Status"] == "modifying"
        assert _members(ec, "fast")[0]["CacheClusterStatus"] == "modifying"
    finally:
        emulator.set_config(durations={})


def test_community_modules_converge(ansible_module, aws) -> None:
    """community.aws elasticache_subnet_group / elasticache_parameter_group: create, no-op, absent."""
    from ansible_collections.community.aws.plugins.modules import (
        elasticache_parameter_group,
        elasticache_subnet_group,
    )

    subnets = _subnet_group(lambda s: aws(s), "community-seed")
    aws("elasticache").delete_cache_subnet_group(CacheSubnetGroupName="community-seed")
    subnet_args = {"name": "community", "description": "cache", "subnets": subnets, "state": "present"}
    assert ansible_module(elasticache_subnet_group, subnet_args)["changed"] is True
    assert ansible_module(elasticache_subnet_group, subnet_args)["changed"] is False
    assert ansible_module(elasticache_subnet_group, {**subnet_args, "subnets": subnets[:1]})["changed"] is True
    assert ansible_module(elasticache_subnet_group, {**subnet_args, "state": "absent"})["changed"] is True
    assert ansible_module(elasticache_subnet_group, {**subnet_args, "state": "absent"})["changed"] is False

    values = {"maxmemory-policy": "allkeys-lru", "tcp-keepalive": 60, "timeout": 300}
    pg_args = {"name": "community-pg", "group_family": "redis6.x", "state": "present", "values": values}
    assert ansible_module(elasticache_parameter_group, pg_args)["changed"] is True
    assert ansible_module(elasticache_parameter_group, pg_args)["changed"] is False
    current = {
        p["ParameterName"]: p.get("ParameterValue")
        for p in aws("elasticache").describe_cache_parameters(CacheParameterGroupName="community-pg", Source="user")[
            "Parameters"
        ]
    }
    assert current == {"maxmemory-policy": "allkeys-lru", "tcp-keepalive": "60", "timeout": "300"}
    assert ansible_module(elasticache_parameter_group, {**pg_args, "state": "absent"})["changed"] is True
    assert ansible_module(elasticache_parameter_group, {**pg_args, "state": "absent"})["changed"] is False
