"""Pure logic of module_utils/elasticache.py and secretsmanager.py: validation, requests, plans."""

from __future__ import annotations

import pytest
from ansible_collections.ecap.platform.plugins.module_utils import elasticache as ec
from ansible_collections.ecap.platform.plugins.module_utils import secretsmanager as sm

KEY = "arn:aws:kms:us-west-2:123456789012:key/one"


def params(**overrides):
    base = {
        "replication_group_id": "ecap-dev-redis",
        "description": None,
        "engine": "redis",
        "engine_version": "7.1",
        "node_type": "cache.t3.micro",
        "num_node_groups": 1,
        "replicas_per_node_group": 0,
        "automatic_failover": None,
        "multi_az": False,
        "at_rest_encryption": True,
        "kms_key_id": KEY,
        "transit_encryption": True,
        "auth_token_secret_id": "auth",
        "cache_subnet_group": "subnets",
        "security_group_ids": ["sg-2", "sg-1"],
        "cache_parameter_group": "pg",
        "port": 6379,
        "snapshot_retention_limit": 1,
        "snapshot_window": "03:00-04:00",
        "maintenance_window": "Sun:05:00-sun:06:00",
        "auto_minor_version_upgrade": None,
        "log_delivery": [
            {"log_type": "slow-log", "destination": "/slow", "destination_type": None, "log_format": None}
        ],
    }
    base.update(overrides)
    return base


def state(**overrides):
    base = {
        "ReplicationGroupId": "ecap-dev-redis",
        "ARN": "arn:aws:elasticache:us-west-2:123456789012:replicationgroup:ecap-dev-redis",
        "Status": "available",
        "Description": "ecap-dev-redis",
        "Engine": "redis",
        "EngineVersion": "7.1.0",
        "CacheNodeType": "cache.t3.micro",
        "NumNodeGroups": 1,
        "ReplicasPerNodeGroup": 0,
        "AutomaticFailover": "disabled",
        "MultiAZ": "disabled",
        "AtRestEncryptionEnabled": True,
        "KmsKeyId": KEY,
        "TransitEncryptionEnabled": True,
        "AuthTokenEnabled": True,
        "CacheSubnetGroupName": "subnets",
        "SecurityGroupIds": ["sg-1", "sg-2"],
        "CacheParameterGroupName": "pg",
        "Port": 6379,
        "SnapshotRetentionLimit": 1,
        "SnapshotWindow": "03:00-04:00",
        "PreferredMaintenanceWindow": "sun:05:00-sun:06:00",
        "AutoMinorVersionUpgrade": True,
        "LogDeliveryConfigurations": [
            {
                "LogType": "slow-log",
                "DestinationType": "cloudwatch-logs",
                "DestinationDetails": {"CloudWatchLogsDetails": {"LogGroup": "/slow"}},
                "LogFormat": "json",
                "Status": "active",
            }
        ],
        "Tags": {"Project": "ecap", ec.AUTH_VERSION_TAG: "v1"},
    }
    base.update(overrides)
    return base


# --------------------------------------------------------------------------- validation


def test_valid_params_have_no_errors() -> None:
    assert ec.validate_params(params()) == []


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"node_type": "cache.t3.huge"}, "node_type 'cache.t3.huge'"),
        ({"node_type": "db.t3.micro"}, "not an ElastiCache node type"),
        ({"automatic_failover": True}, "automatic_failover needs at least one replica"),
        ({"multi_az": True, "replicas_per_node_group": 1, "automatic_failover": False}, "multi_az needs"),
        ({"replicas_per_node_group": 6}, "between 0 and 5"),
        ({"at_rest_encryption": False}, "kms_key_id is only used"),
        ({"transit_encryption": False}, "requires transit_encryption"),
        ({"snapshot_window": "3am"}, "snapshot_window"),
        ({"snapshot_retention_limit": 36}, "between 0 and 35"),
        ({"replication_group_id": "9lives"}, "replication_group_id"),
        (
            {
                "log_delivery": [
                    {"log_type": "slow-log", "destination": "/a"},
                    {"log_type": "slow-log", "destination": "/b"},
                ]
            },
            "twice",
        ),
    ],
)
def test_validate_params_rejects(overrides, fragment) -> None:
    errors = ec.validate_params(params(**overrides))
    assert any(fragment in e for e in errors), errors


def test_every_listed_node_type_is_well_formed() -> None:
    assert "cache.t3.micro" in ec.NODE_TYPES and "cache.m5.large" in ec.NODE_TYPES
    assert "cache.t3.large" not in ec.NODE_TYPES
    assert all(t.startswith("cache.") and t.count(".") == 2 for t in ec.NODE_TYPES)


def test_failover_defaults_to_on_with_replicas() -> None:
    assert ec.wanted_failover(params(replicas_per_node_group=1)) is True
    assert ec.wanted_failover(params()) is False
    assert ec.wanted_failover(params(replicas_per_node_group=1, automatic_failover=False)) is False


# --------------------------------------------------------------------------- requests


def test_create_request_cluster_mode_disabled() -> None:
    request = ec.build_create_request(params(replicas_per_node_group=2), "token-value", {"Project": "ecap"})
    assert request["NumCacheClusters"] == 3 and "NumNodeGroups" not in request
    assert request["AutomaticFailoverEnabled"] is True
    assert request["AuthToken"] == "token-value"
    assert request["Tags"] == [{"Key": "Project", "Value": "ecap"}]
    assert request["LogDeliveryConfigurations"] == [
        {
            "LogType": "slow-log",
            "DestinationType": "cloudwatch-logs",
            "DestinationDetails": {"CloudWatchLogsDetails": {"LogGroup": "/slow"}},
            "LogFormat": "json",
        }
    ]
    assert "AuthToken" not in ec.build_create_request(params(), None, {})


def test_create_request_cluster_mode_enabled() -> None:
    request = ec.build_create_request(params(num_node_groups=3, replicas_per_node_group=1), None, {})
    assert (request["ClusterMode"], request["NumNodeGroups"], request["ReplicasPerNodeGroup"]) == ("enabled", 3, 1)
    assert "NumCacheClusters" not in request


def test_log_delivery_changes() -> None:
    current = state()["LogDeliveryConfigurations"]
    assert ec.log_delivery_changes(current, None) == []
    assert ec.log_delivery_changes(current, [{"log_type": "slow-log", "destination": "/slow"}]) == []
    changes = ec.log_delivery_changes(current, [{"log_type": "engine-log", "destination": "/engine"}])
    assert [(c["LogType"], c["Enabled"]) for c in changes] == [("engine-log", True), ("slow-log", False)]
    assert ec.log_delivery_changes(current, []) == [{"LogType": "slow-log", "Enabled": False}]


# --------------------------------------------------------------------------- plans


def test_plan_no_change() -> None:
    plan = ec.plan_changes(state(), params(), {"Project": "ecap"}, True, "v1")
    assert not plan.changed, plan


def test_plan_create_when_missing() -> None:
    assert ec.plan_changes(None, params(), None, True).create


def test_plan_in_place_changes() -> None:
    plan = ec.plan_changes(
        state(),
        params(
            node_type="cache.m5.large",
            replicas_per_node_group=1,
            cache_parameter_group="pg2",
            security_group_ids=["sg-3"],
            engine_version="7.2",
        ),
        {"Project": "ecap", "Tier": "cache"},
        True,
        "v1",
    )
    assert plan.replace == []
    assert plan.modify == {
        "CacheNodeType": "cache.m5.large",
        "CacheParameterGroupName": "pg2",
        "SecurityGroupIds": ["sg-3"],
        "AutomaticFailoverEnabled": True,
        "EngineVersion": "7.2",
    }
    assert plan.replicas == 1
    assert plan.tags_to_set == {"Tier": "cache"} and plan.tags_to_unset == []


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"engine": "valkey"}, "engine"),
        ({"engine_version": "6.2"}, "downgrade"),
        ({"at_rest_encryption": False, "kms_key_id": None}, "at_rest_encryption"),
        ({"transit_encryption": False, "auth_token_secret_id": None}, "transit_encryption"),
        ({"cache_subnet_group": "other"}, "cache_subnet_group"),
        ({"port": 6380}, "port"),
        ({"kms_key_id": "arn:aws:kms:us-west-2:123456789012:key/two"}, "kms_key_id"),
        ({"auth_token_secret_id": None}, "AUTH token removed"),
    ],
)
def test_plan_replacements(overrides, reason) -> None:
    plan = ec.plan_changes(state(), params(**overrides), None, True, "v1")
    assert any(reason in r for r in plan.replace), plan.replace


def test_plan_kms_alias_is_resolved_before_comparing() -> None:
    plan = ec.plan_changes(state(), params(kms_key_id="alias/redis"), None, True, "v1", resolve_kms=lambda k: KEY)
    assert not plan.changed


def test_plan_rotates_auth_when_secret_version_changes() -> None:
    plan = ec.plan_changes(state(), params(), None, True, "v2")
    assert plan.rotate_auth and not plan.replace
    plan = ec.plan_changes(state(AuthTokenEnabled=False), params(), None, True, "v1")
    assert plan.rotate_auth


def test_plan_never_purges_the_auth_version_tag() -> None:
    plan = ec.plan_changes(state(), params(), {}, True, "v1")
    assert plan.tags_to_unset == ["Project"]


def test_to_ansible_keeps_tag_case_and_endpoints() -> None:
    view = ec.to_ansible(
        state(
            NodeGroups=[
                {"PrimaryEndpoint": {"Address": "master.x", "Port": 6379}, "ReaderEndpoint": {"Address": "r.x"}}
            ]
        )
    )
    assert view["primary_endpoint"] == "master.x" and view["reader_endpoint"] == "r.x" and view["port"] == 6379
    assert view["tags"]["Project"] == "ecap"


# --------------------------------------------------------------------------- secrets


def test_secret_validation_and_request() -> None:
    base = {"length": 64, "recovery_window_in_days": 7, "exclude_characters": sm.REDIS_AUTH_EXCLUDED}
    assert sm.validate_params(base) == []
    assert sm.validate_params({**base, "length": 2})
    assert sm.validate_params({**base, "recovery_window_in_days": 3})
    request = sm.random_password_request({**base, "exclude_punctuation": False})
    assert (
        request["PasswordLength"] == 64
        and "@" in request["ExcludeCharacters"]
        and "!" not in request["ExcludeCharacters"]
    )


def test_secret_plan() -> None:
    current = {"ARN": "arn", "Description": "d", "KmsKeyId": "k1", "Tags": [{"Key": "a", "Value": "1"}]}
    args = {"description": "d", "kms_key_id": "k1", "regenerate": False}
    assert not sm.plan_secret(current, args, {"a": "1"}, True).changed
    plan = sm.plan_secret(current, {**args, "kms_key_id": "k2"}, {"b": "2"}, True)
    assert plan.update == {"KmsKeyId": "k2"} and plan.tags_to_set == {"b": "2"} and plan.tags_to_unset == ["a"]
    assert sm.plan_secret({**current, "DeletedDate": "x"}, args, None, True).restore
    assert sm.plan_secret(None, args, None, True).create
    assert "value" not in sm.to_ansible({**current, "SecretString": "x"})
