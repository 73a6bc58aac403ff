"""msk_topic and msk_topic_info end to end: main() in process against the emulator (a subprocess,
moto 5.2.5 + the kafka extensions). State is read back with boto3; the emulator's counters show
that check mode and refused changes write nothing."""

from __future__ import annotations

import base64
import json

import boto3
import pytest
from ansible_collections.ecap.platform.plugins.modules import msk_topic, msk_topic_info

REGION = "us-west-2"


@pytest.fixture
def run(run_module):
    return run_module


@pytest.fixture(scope="module")
def kafka(emulator):
    return boto3.client(
        "kafka",
        endpoint_url=emulator.endpoint,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.fixture(scope="module")
def cluster(kafka) -> str:
    """A three-broker cluster (ACTIVE at once under the instant profile)."""
    return kafka.create_cluster(
        ClusterName="ecap-test-msk",
        KafkaVersion="3.6.0",
        NumberOfBrokerNodes=3,
        BrokerNodeGroupInfo={"ClientSubnets": ["subnet-a", "subnet-b", "subnet-c"], "InstanceType": "kafka.t3.small"},
    )["ClusterArn"]


def topic(kafka, cluster, name="orders"):
    described = kafka.describe_topic(ClusterArn=cluster, TopicName=name)
    return (
        described["PartitionCount"],
        described["ReplicationFactor"],
        json.loads(base64.b64decode(described["Configs"])),
    )


def names(kafka, cluster):
    return [t["TopicName"] for t in kafka.list_topics(ClusterArn=cluster)["Topics"]]


def test_topic_scenario(run, kafka, cluster, emulator) -> None:
    args = {
        "cluster_arn": cluster,
        "name": "orders",
        "partitions": 6,
        "replication_factor": 3,
        "configs": {"retention.ms": 604800000, "cleanup.policy": "delete", "min.insync.replicas": 2},
    }
    before = emulator.counters()["mutating"]
    checked = run(msk_topic, args, check_mode=True)
    assert checked["changed"] and checked["diff"]["before"] == {}
    assert checked["diff"]["after"]["partitions"] == 6
    assert emulator.counters()["mutating"] == before, "check mode wrote"
    assert names(kafka, cluster) == []

    created = run(msk_topic, args)
    assert created["changed"] and created["topic"]["topic_arn"].endswith("/orders")
    assert topic(kafka, cluster) == (
        6,
        3,
        {"retention.ms": "604800000", "cleanup.policy": "delete", "min.insync.replicas": "2"},
    )

    before = emulator.counters()["mutating"]
    again = run(msk_topic, args)
    assert not again["changed"]
    assert again["topic"]["configs"]["retention.ms"] == "604800000"
    assert emulator.counters()["mutating"] == before

    update = {**args, "partitions": 12, "configs": {**args["configs"], "retention.ms": 86400000}}
    checked = run(msk_topic, update, check_mode=True)
    assert checked["changed"] and topic(kafka, cluster)[0] == 6
    updated = run(msk_topic, update)
    assert updated["changed"]
    assert updated["diff"]["before"]["configs"]["retention.ms"] == "604800000"
    assert updated["diff"]["after"]["configs"]["retention.ms"] == "86400000"
    assert topic(kafka, cluster) == (
        12,
        3,
        {"retention.ms": "86400000", "cleanup.policy": "delete", "min.insync.replicas": "2"},
    )
    assert not run(msk_topic, update)["changed"]

    before = emulator.counters()["mutating"]
    shrink = run(msk_topic, {**update, "partitions": 3}, failed=True)
    assert "cannot decrease" in shrink["msg"]
    rf = run(msk_topic, {**update, "replication_factor": 2}, failed=True)
    assert "fixed after creation" in rf["msg"]
    unknown = run(msk_topic, {**update, "configs": {"retention.hours": 1}}, failed=True)
    assert "Unknown topic config name" in unknown["msg"]
    assert emulator.counters()["mutating"] == before + 1, "only the unknown config reached AWS (which refused it)"
    assert topic(kafka, cluster)[0] == 12

    info = run(msk_topic_info, {"cluster_arn": cluster})
    assert [t["topic_name"] for t in info["topics"]] == ["orders"]
    assert info["topics"][0]["configs"]["retention.ms"] == "86400000"
    assert run(msk_topic_info, {"cluster_arn": cluster, "name": "missing"})["topics"] == []

    absent = {"cluster_arn": cluster, "name": "orders", "state": "absent"}
    assert run(msk_topic, absent, check_mode=True)["changed"]
    assert names(kafka, cluster) == ["orders"]
    assert run(msk_topic, absent)["changed"]
    assert names(kafka, cluster) == []
    assert not run(msk_topic, absent)["changed"]


def test_bad_input_fails_before_any_call(run, emulator) -> None:
    before = emulator.counters()["total"]
    bad = run(
        msk_topic,
        {
            "cluster_arn": "arn:aws:kafka:us-west-2:123456789012:cluster/nope",
            "name": "orders",
            "partitions": 1,
            "replication_factor": 1,
        },
        failed=True,
    )
    assert "not an MSK cluster ARN" in bad["msg"]
    assert emulator.counters()["total"] == before


def test_replication_factor_above_the_broker_count(run, cluster) -> None:
    result = run(
        msk_topic, {"cluster_arn": cluster, "name": "wide", "partitions": 1, "replication_factor": 4}, failed=True
    )
    assert "larger than available brokers: 3" in result["msg"]


def test_topics_list_with_purge(run, kafka, cluster, emulator) -> None:
    from ansible_collections.ecap.platform.plugins.modules import msk_topics

    kafka.create_topic(ClusterArn=cluster, TopicName="stray", PartitionCount=1, ReplicationFactor=1)
    kafka.create_topic(ClusterArn=cluster, TopicName="__amazon_msk_canary", PartitionCount=1, ReplicationFactor=1)
    topics = [
        {"name": "a", "partitions": 2, "replication_factor": 2, "configs": {"retention.ms": 1000}},
        {"name": "b", "partitions": 1, "replication_factor": 3, "configs": {"cleanup.policy": "compact"}},
    ]
    args = {"cluster_arn": cluster, "topics": topics, "purge": True}
    before = emulator.counters()["mutating"]
    checked = run(msk_topics, args, check_mode=True)
    assert (checked["created"], checked["deleted"]) == (["a", "b"], ["stray"])
    assert emulator.counters()["mutating"] == before
    done = run(msk_topics, args)
    assert done["changed"] and done["deleted"] == ["stray"]
    assert sorted(names(kafka, cluster)) == ["__amazon_msk_canary", "a", "b"], "internal topics are never purged"
    assert topic(kafka, cluster, "b") == (1, 3, {"cleanup.policy": "compact"})
    assert not run(msk_topics, args)["changed"]

    grown = [{**topics[0], "partitions": 4}, {**topics[1], "configs": {"cleanup.policy": "delete"}}]
    updated = run(msk_topics, {**args, "topics": grown})
    assert updated["updated"] == ["a", "b"]
    assert topic(kafka, cluster, "a")[0] == 4 and topic(kafka, cluster, "b")[2] == {"cleanup.policy": "delete"}

    before = emulator.counters()["mutating"]
    refused = run(
        msk_topics, {**args, "topics": [{**grown[0], "partitions": 1}, {**grown[1], "partitions": 2}]}, failed=True
    )
    assert "cannot decrease" in refused["msg"]
    assert emulator.counters()["mutating"] == before, "b would have grown: nothing may change when a topic is refused"
    assert topic(kafka, cluster, "b")[0] == 1

    gone = run(msk_topics, {"cluster_arn": cluster, "topics": [{"name": "a"}, {"name": "b"}], "state": "absent"})
    assert gone["deleted"] == ["a", "b"] and names(kafka, cluster) == ["__amazon_msk_canary"]
    kafka.delete_topic(ClusterArn=cluster, TopicName="__amazon_msk_canary")


def test_storage_autoscaling(run, cluster, emulator) -> None:
    from ansible_collections.ecap.platform.plugins.modules import msk_storage_autoscaling

    scaling = boto3.client(
        "application-autoscaling",
        endpoint_url=emulator.endpoint,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )

    def state():
        targets = scaling.describe_scalable_targets(ServiceNamespace="kafka", ResourceIds=[cluster])["ScalableTargets"]
        found = scaling.describe_scaling_policies(ServiceNamespace="kafka", ResourceId=cluster)["ScalingPolicies"]
        return [(t["MinCapacity"], t["MaxCapacity"]) for t in targets], [
            (p["PolicyName"], p["TargetTrackingScalingPolicyConfiguration"]["TargetValue"]) for p in found
        ]

    args = {"cluster_arn": cluster, "min_capacity": 100, "max_capacity": 500, "target_utilization": 60}
    assert run(msk_storage_autoscaling, args, check_mode=True)["changed"] and state() == ([], [])
    assert run(msk_storage_autoscaling, args)["changed"]
    assert state() == ([(100, 500)], [("ecap-test-msk-broker-storage", 60.0)])
    assert not run(msk_storage_autoscaling, args)["changed"]
    changed = run(msk_storage_autoscaling, {**args, "max_capacity": 800, "target_utilization": 70})
    assert changed["changed"] and changed["diff"]["before"]["max_capacity"] == 500
    assert state() == ([(100, 800)], [("ecap-test-msk-broker-storage", 70.0)])
    bad = run(msk_storage_autoscaling, {**args, "max_capacity": 50}, failed=True)
    assert "below max_capacity" in bad["msg"]
    absent = {"cluster_arn": cluster, "state": "absent"}
    assert run(msk_storage_autoscaling, absent)["changed"] and state() == ([], [])
    assert not run(msk_storage_autoscaling, absent)["changed"]


def test_cluster_info(run, cluster) -> None:
    from ansible_collections.ecap.platform.plugins.modules import msk_cluster_info

    by_name = run(msk_cluster_info, {"name": "ecap-test-msk"})
    assert by_name["exists"] and by_name["cluster"]["cluster_arn"] == cluster
    assert by_name["cluster"]["state"] == "ACTIVE"
    assert by_name["bootstrap_brokers"] == {"tls": by_name["bootstrap_brokers"]["tls"]}, "unauthenticated + TLS"
    assert run(msk_cluster_info, {"cluster_arn": cluster})["cluster"]["number_of_broker_nodes"] == 3
    missing = run(msk_cluster_info, {"name": "ecap-test-msk-nope"})
    assert (missing["exists"], missing["cluster"], missing["bootstrap_brokers"]) == (False, {}, {})
