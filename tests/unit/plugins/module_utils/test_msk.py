"""MSK topic logic (plugins/module_utils/msk.py): config encoding, validation, the plan. Pure: no AWS."""

from __future__ import annotations

import base64
import json

import pytest
from ansible_collections.ecap.platform.plugins.module_utils.msk import (
    TopicSpecError,
    cluster_arn_parts,
    decode_configs,
    encode_configs,
    normalize_configs,
    plan_storage_autoscaling,
    plan_topic,
    platform_topics,
    predicted_topic,
    to_ansible,
    topic_view,
    validate_topic,
)

CLUSTER = "arn:aws:kafka:us-west-2:123456789012:cluster/ecap-dev-msk/0b5e6d2c-1111-2222-3333-444455556666-2"


def described(partitions=6, rf=3, configs=None):
    """A topic as DescribeTopic returns it, Configs decoded (strings, only what is set)."""
    return {
        "TopicName": "orders",
        "TopicArn": "arn:aws:kafka:us-west-2:123456789012:topic/ecap-dev-msk/0b5e/orders",
        "PartitionCount": partitions,
        "ReplicationFactor": rf,
        "Configs": dict(configs or {}),
        "Status": "ACTIVE",
    }


def test_configs_are_strings_as_the_api_reports_them() -> None:
    assert normalize_configs({"retention.ms": 604800000, "preallocate": False, "cleanup.policy": "compact"}) == {
        "retention.ms": "604800000",
        "preallocate": "false",
        "cleanup.policy": "compact",
    }
    assert normalize_configs(None) == {}


def test_configs_round_trip_as_base64_json() -> None:
    encoded = encode_configs({"retention.ms": "1000"})
    assert json.loads(base64.b64decode(encoded)) == {"retention.ms": "1000"}
    assert decode_configs(encoded) == {"retention.ms": "1000"}
    assert decode_configs(None) == decode_configs("") == {}


def test_missing_topic_is_created_with_every_wanted_config() -> None:
    plan = plan_topic(None, "orders", 6, 3, {"retention.ms": 1000})
    assert plan.create and plan.changed and not plan.errors
    assert plan.partitions == 6 and plan.configs_to_set == {"retention.ms": "1000"}


def test_create_needs_partitions_and_replication_factor() -> None:
    plan = plan_topic(None, "orders", None, None, None)
    assert [e.split(" ")[0] for e in plan.errors] == ["partitions", "replication_factor"]


def test_same_topic_is_no_change() -> None:
    """Numbers given as ints match the strings AWS reports; keys not managed are ignored."""
    current = described(configs={"retention.ms": "1000", "segment.ms": "5"})
    plan = plan_topic(current, "orders", 6, 3, {"retention.ms": 1000})
    assert not plan.changed and not plan.errors


def test_defaults_not_reported_mean_a_wanted_key_is_set() -> None:
    plan = plan_topic(described(), "orders", 6, 3, {"cleanup.policy": "delete"})
    assert plan.configs_to_set == {"cleanup.policy": "delete"}, "AWS does not report the default, so set it"


def test_config_change_sets_only_the_differing_keys() -> None:
    current = described(configs={"retention.ms": "1000", "cleanup.policy": "delete"})
    plan = plan_topic(current, "orders", None, None, {"retention.ms": "2000", "cleanup.policy": "delete"})
    assert plan.configs_to_set == {"retention.ms": "2000"} and plan.partitions is None and not plan.create


def test_partitions_only_grow() -> None:
    assert plan_topic(described(partitions=6), "orders", 12, None, None).partitions == 12
    shrink = plan_topic(described(partitions=6), "orders", 3, None, None)
    assert shrink.errors and "cannot decrease" in shrink.errors[0]


def test_replication_factor_is_fixed() -> None:
    plan = plan_topic(described(rf=3), "orders", None, 2, None)
    assert plan.errors and "fixed after creation" in plan.errors[0] and "it is 3" in plan.errors[0]


def test_min_insync_replicas_above_the_replication_factor_is_refused() -> None:
    plan = plan_topic(described(rf=2), "orders", None, None, {"min.insync.replicas": 3})
    assert plan.errors and "min.insync.replicas" in plan.errors[0]


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"cluster_arn": "arn:aws:kafka:us-west-2:123456789012:cluster/x"}, "not an MSK cluster ARN"),
        ({"name": "bad/name"}, "not valid"),
        ({"partitions": 0}, "partitions must be at least 1"),
        ({"configs": {"retention.ms": {"a": 1}}}, "must be a string"),
        ({"replication_factor": 2, "configs": {"min.insync.replicas": 3}}, "larger than replication_factor"),
    ],
)
def test_validate_topic(params, fragment) -> None:
    base = {"cluster_arn": CLUSTER, "name": "orders", "state": "present", "partitions": 3, "replication_factor": 3}
    errors = validate_topic({**base, **params})
    assert len(errors) == 1 and fragment in errors[0]
    assert validate_topic(base) == []


def test_views_for_the_diff_and_the_result() -> None:
    current = described(configs={"retention.ms": "1000", "segment.ms": "5"})
    plan = plan_topic(current, "orders", 12, None, {"retention.ms": "2000"})
    after = predicted_topic(current, "orders", plan, None)
    assert topic_view(current, ["retention.ms"]) == {
        "name": "orders",
        "partitions": 6,
        "replication_factor": 3,
        "configs": {"retention.ms": "1000"},
    }
    assert topic_view(after, ["retention.ms"])["configs"] == {"retention.ms": "2000"}
    assert to_ansible(after)["partition_count"] == 12
    assert to_ansible(after)["configs"] == {"retention.ms": "2000", "segment.ms": "5"}
    assert topic_view(None) == {} and to_ansible(None) == {}


# --- the platform's topics (the msk role's validation) ---------------------------------------------


DEFAULTS = [
    {"name": "orders", "partitions": 3, "retention_hours": 168},
    {"name": "product-catalog", "partitions": 3, "retention_hours": -1, "cleanup_policy": "compact"},
    {"name": "clickstream", "partitions": 6, "retention_hours": 72, "configs": {"compression.type": "zstd"}},
]


def test_platform_topics_are_sized_per_environment() -> None:
    topics = platform_topics(
        DEFAULTS, 6, partition_factor=4, replication_factor=3, min_insync_replicas=2, retention_factor=2
    )
    by_name = {t["name"]: t for t in topics}
    assert by_name["orders"] == {
        "name": "orders",
        "partitions": 12,
        "replication_factor": 3,
        "configs": {"retention.ms": str(2 * 168 * 3600 * 1000), "min.insync.replicas": "2"},
    }
    assert by_name["product-catalog"]["configs"]["retention.ms"] == "-1"
    assert by_name["product-catalog"]["configs"]["cleanup.policy"] == "compact"
    assert by_name["clickstream"]["configs"]["compression.type"] == "zstd"


@pytest.mark.parametrize(
    ("topics", "kwargs", "fragment"),
    [
        (
            [{"name": "wide", "partitions": 1, "replication_factor": 4}],
            {},
            "wide has replication factor 4, but msk_broker_count is 3",
        ),
        (
            [{"name": "x", "partitions": 1}],
            {"replication_factor": 2, "min_insync_replicas": 3},
            "min.insync.replicas 3 above",
        ),
        ([{"name": "x", "partitions": 1, "configs": {"min.insync.replicas": 4}}], {}, "min.insync.replicas 4 above"),
        ([{"name": "a/b", "partitions": 1}], {}, "not a valid topic name"),
        ([{"name": "a", "partitions": 1}, {"name": "a", "partitions": 1}], {}, "listed twice"),
        ([{"name": "a", "partitions": 0}], {}, "at least 1"),
    ],
)
def test_platform_topics_refuse_what_cannot_work(topics, kwargs, fragment) -> None:
    with pytest.raises(TopicSpecError, match=fragment):
        platform_topics(topics, 3, **kwargs)


def test_cluster_arn_parts() -> None:
    assert cluster_arn_parts(CLUSTER) == {
        "prefix": "arn:aws:kafka:us-west-2:123456789012",
        "name": "ecap-dev-msk",
        "uuid": "0b5e6d2c-1111-2222-3333-444455556666-2",
    }
    with pytest.raises(ValueError):
        cluster_arn_parts("arn:aws:kafka:us-west-2:123456789012:configuration/x/y")


def test_storage_autoscaling_plan() -> None:
    target = {"MinCapacity": 100, "MaxCapacity": 500}
    policy = {
        "TargetTrackingScalingPolicyConfiguration": {
            "TargetValue": 60.0,
            "PredefinedMetricSpecification": {"PredefinedMetricType": "KafkaBrokerStorageUtilization"},
            "DisableScaleIn": True,
        }
    }
    assert not plan_storage_autoscaling(target, policy, 100, 500, 60).changed
    grown = plan_storage_autoscaling(target, policy, 200, 500, 60)
    assert grown.register_target and not grown.put_policy and grown.differences == {"MinCapacity": (100, 200)}
    assert plan_storage_autoscaling(target, policy, 100, 500, 70).put_policy
    scale_in = {
        "TargetTrackingScalingPolicyConfiguration": {
            **policy["TargetTrackingScalingPolicyConfiguration"],
            "DisableScaleIn": False,
        }
    }
    assert plan_storage_autoscaling(target, scale_in, 100, 500, 60).put_policy, "MSK never scales in"
    missing = plan_storage_autoscaling(None, None, 100, 500, 60)
    assert missing.register_target and missing.put_policy
