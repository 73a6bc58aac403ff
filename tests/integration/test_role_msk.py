"""The msk tier alone (site.yml --tags msk) on a boto3-made foundation, against the emulator:
check mode on nothing -> create (with the wait) -> re-run changes nothing -> a configuration change
makes a new revision the cluster moves to, and a topic config changes -> absent removes topics,
cluster and configuration -> absent again changes nothing. Then bad input, refused before any call."""

from __future__ import annotations

import base64
import json

import pytest

pytestmark = pytest.mark.integration

CLUSTER = "ecap-local-msk"
TOPICS = {
    "orders",
    "order-events",
    "payments",
    "clickstream",
    "cart-events",
    "inventory-updates",
    "user-events",
    "product-catalog",
    "dead-letter",
}
HOUR_MS = 3600 * 1000


def run(runner, foundation, *, check=False, **extra):
    return runner.run("site.yml", "--tags", "msk", extra={**foundation, **extra}, check=check)


def clusters(kafka):
    return [c for c in kafka.list_clusters()["ClusterInfoList"] if c["ClusterName"] == CLUSTER]


def configurations(kafka):
    return [c for c in kafka.list_configurations()["Configurations"] if c["Name"] == f"{CLUSTER}-config"]


def topic_configs(kafka, cluster_arn, name):
    topic = kafka.describe_topic(ClusterArn=cluster_arn, TopicName=name)
    return topic, json.loads(base64.b64decode(topic["Configs"]))


def properties(kafka, arn, revision):
    text = kafka.describe_configuration_revision(Arn=arn, Revision=revision)["ServerProperties"].decode()
    return dict(line.split("=", 1) for line in text.splitlines() if line)


def policies(iam):
    return [p for p in iam.list_policies(Scope="Local")["Policies"] if p["PolicyName"] == f"{CLUSTER}-client"]


def test_msk_tier(runner, foundation, emulator, aws, count_calls):
    kafka, iam, logs = aws("kafka"), aws("iam"), aws("logs")
    autoscaling = aws("application-autoscaling")
    private = foundation["network_outputs"]["private_subnet_ids"]
    keys = foundation["kms_outputs"]["key_arns"]

    # ------------------------------------------------------------------ check mode on nothing
    before = emulator.counters()["mutating"]
    checked = run(runner, foundation, check=True)
    assert checked.rc == 0, checked.failure_text()
    assert checked.changed > 0, "check mode must report what it would create"
    assert emulator.counters()["mutating"] == before, "check mode made a mutating call"
    assert clusters(kafka) == [] and configurations(kafka) == []

    # ------------------------------------------------------------------ create
    created = run(runner, foundation)
    assert created.rc == 0, created.failure_text()
    assert any(t["name"].endswith("Wait for the MSK cluster to be ACTIVE") for t in created.tasks)

    [cluster] = clusters(kafka)
    arn = cluster["ClusterArn"]
    assert cluster["State"] == "ACTIVE"
    assert cluster["NumberOfBrokerNodes"] == 2
    assert cluster["BrokerNodeGroupInfo"]["ClientSubnets"] == private[:2]
    assert cluster["BrokerNodeGroupInfo"]["SecurityGroups"] == [
        foundation["security_groups_outputs"]["group_ids"]["msk"]
    ]
    assert cluster["BrokerNodeGroupInfo"]["InstanceType"] == "kafka.t3.small"
    assert cluster["EncryptionInfo"]["EncryptionAtRest"]["DataVolumeKMSKeyId"] == keys["msk"]
    assert cluster["EncryptionInfo"]["EncryptionInTransit"] == {"ClientBroker": "TLS", "InCluster": True}
    assert cluster["ClientAuthentication"]["Sasl"]["Iam"]["Enabled"] is True
    assert (
        "Unauthenticated" not in cluster["ClientAuthentication"]
        or not cluster["ClientAuthentication"]["Unauthenticated"]["Enabled"]
    )
    assert cluster["EnhancedMonitoring"] == "DEFAULT"
    prometheus = cluster["OpenMonitoring"]["Prometheus"]
    assert prometheus["JmxExporter"]["EnabledInBroker"] and prometheus["NodeExporter"]["EnabledInBroker"]
    cloudwatch = cluster["LoggingInfo"]["BrokerLogs"]["CloudWatchLogs"]
    assert cloudwatch == {"Enabled": True, "LogGroup": f"/aws/msk/{CLUSTER}/broker"}
    assert cluster["Tags"]["Project"] == "ecap" and cluster["Tags"]["Environment"] == "local"
    brokers = kafka.get_bootstrap_brokers(ClusterArn=arn)
    assert brokers["BootstrapBrokerStringSaslIam"].endswith(":9098")
    assert "BootstrapBrokerString" not in brokers, "no plaintext listener"

    [config] = configurations(kafka)
    assert cluster["CurrentBrokerSoftwareInfo"]["ConfigurationArn"] == config["Arn"]
    assert cluster["CurrentBrokerSoftwareInfo"]["ConfigurationRevision"] == 1
    props = properties(kafka, config["Arn"], 1)
    assert props["auto.create.topics.enable"] == "false"
    assert (props["default.replication.factor"], props["min.insync.replicas"]) == ("2", "1")

    group = logs.describe_log_groups(logGroupNamePrefix=f"/aws/msk/{CLUSTER}/broker")["logGroups"][0]
    assert group["kmsKeyId"] == keys["logs"] and group["retentionInDays"] == 7

    listed = {t["TopicName"]: t for t in kafka.list_topics(ClusterArn=arn)["Topics"]}
    assert set(listed) == TOPICS
    assert listed["clickstream"]["PartitionCount"] == 6 and listed["orders"]["ReplicationFactor"] == 2
    _, catalog = topic_configs(kafka, arn, "product-catalog")
    assert catalog == {"cleanup.policy": "compact", "retention.ms": "-1", "min.insync.replicas": "1"}
    _, orders = topic_configs(kafka, arn, "orders")
    assert orders["retention.ms"] == str(168 * HOUR_MS)

    [target] = autoscaling.describe_scalable_targets(ServiceNamespace="kafka", ResourceIds=[arn])["ScalableTargets"]
    assert (target["MinCapacity"], target["MaxCapacity"]) == (100, 250)
    [policy] = autoscaling.describe_scaling_policies(ServiceNamespace="kafka", ResourceId=arn)["ScalingPolicies"]
    tracking = policy["TargetTrackingScalingPolicyConfiguration"]
    assert tracking["TargetValue"] == 60 and tracking["DisableScaleIn"] is True

    [client_policy] = policies(iam)
    version = iam.get_policy(PolicyArn=client_policy["Arn"])["Policy"]["DefaultVersionId"]
    document = iam.get_policy_version(PolicyArn=client_policy["Arn"], VersionId=version)["PolicyVersion"]["Document"]
    if isinstance(document, str):
        document = json.loads(document)
    statements = {s["Sid"]: s for s in document["Statement"]}
    assert statements["ConnectToTheCluster"]["Resource"] == arn
    topic_arns = statements["ProduceAndConsumeThePlatformTopics"]["Resource"]
    assert arn.replace(":cluster/", ":topic/") + "/orders" in topic_arns and len(topic_arns) == len(TOPICS)
    assert statements["UseThePlatformConsumerGroups"]["Resource"] == arn.replace(":cluster/", ":group/") + "/ecap-*"

    # ------------------------------------------------------------------ re-run: no change
    with count_calls("iam") as iam_calls:
        again = run(runner, foundation)
    assert again.rc == 0, again.failure_text()
    assert again.changed == 0, again.changed_tasks()
    # The client policy by ARN (the cluster's account) and its default version: no ListPolicies, no STS.
    assert iam_calls.calls == {"GetPolicy": 1, "GetPolicyVersion": 1}

    # ------------------------------------------------------------------ update: configuration + topic config
    update = {"msk_log_retention_hours": 96, "msk_topic_retention_factor": 2, "msk_enhanced_monitoring": "PER_BROKER"}
    updated = run(runner, foundation, **update)
    assert updated.rc == 0, updated.failure_text()
    [config] = configurations(kafka)
    assert config["LatestRevision"]["Revision"] == 2
    assert properties(kafka, config["Arn"], 2)["log.retention.hours"] == "96"
    [cluster] = clusters(kafka)
    assert cluster["CurrentBrokerSoftwareInfo"]["ConfigurationRevision"] == 2, "the cluster moved to the revision"
    assert cluster["EnhancedMonitoring"] == "PER_BROKER"
    _, orders = topic_configs(kafka, arn, "orders")
    assert orders["retention.ms"] == str(2 * 168 * HOUR_MS)

    # ------------------------------------------------------------------ absent, twice
    removed = run(runner, foundation, ecap_state="absent")
    assert removed.rc == 0, removed.failure_text()
    assert clusters(kafka) == [] and configurations(kafka) == [] and policies(iam) == []
    assert logs.describe_log_groups(logGroupNamePrefix=f"/aws/msk/{CLUSTER}")["logGroups"] == []
    assert autoscaling.describe_scalable_targets(ServiceNamespace="kafka")["ScalableTargets"] == []
    again = run(runner, foundation, ecap_state="absent")
    assert again.rc == 0, again.failure_text()
    assert again.changed == 0, again.changed_tasks()


BAD = [
    ({"msk_broker_count": 3}, "msk_broker_count=3 must be a positive multiple of msk_az_count=2"),
    (
        {"msk_topics": [{"name": "wide", "partitions": 1, "replication_factor": 3}]},
        "msk_topics: wide has replication factor 3, but msk_broker_count is 2",
    ),
    ({"msk_min_insync_replicas": 3}, "msk_min_insync_replicas=3"),
    (
        {"msk_topics": [{"name": "strict", "partitions": 1, "configs": {"min.insync.replicas": 3}}]},
        "msk_topics: strict has min.insync.replicas 3 above its replication factor 2",
    ),
]


@pytest.mark.parametrize(("extra", "message"), BAD, ids=["brokers-per-az", "topic-rf", "min-isr", "topic-min-isr"])
def test_bad_input_is_refused_before_any_call(runner, foundation, emulator, extra, message):
    before = emulator.counters()["mutating"]
    result = run(runner, foundation, **extra)
    assert result.rc != 0
    assert message in result.failure_text(), result.failure_text()
    assert emulator.counters()["mutating"] == before, "a mutating call was made before the input was refused"
