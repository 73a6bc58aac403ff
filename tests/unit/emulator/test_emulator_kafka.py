"""Amazon MSK in the emulator: configurations, cluster lifecycle and updates, brokers, topics.

The checks marked with the ``target`` fixture run twice: against the emulator, where they must
pass, and against plain moto 5.2.5, where they are a strict xfail (the gap each extension fills).
"""

from __future__ import annotations

import base64
import itertools
import json
import time

import pytest
from botocore.exceptions import ClientError

NO_RETRY = {"retries": {"total_max_attempts": 1}}
PROPERTIES = b"auto.create.topics.enable=false\nmin.insync.replicas=2\nnum.partitions=3\n"
_names = itertools.count(1)


@pytest.fixture
def kafka(client):
    return client("kafka")


@pytest.fixture
def emu_kafka(aws):
    return aws("kafka", **NO_RETRY)


def configs(data: dict[str, str]) -> str:
    return base64.b64encode(json.dumps(data).encode()).decode()


def make_cluster(kafka, *, brokers: int = 2, config: dict | None = None, auth: dict | None = None, transit="TLS"):
    name = f"msk-{next(_names)}"
    params = {
        "ClusterName": name,
        "KafkaVersion": "3.6.0",
        "NumberOfBrokerNodes": brokers,
        "BrokerNodeGroupInfo": {
            "ClientSubnets": ["subnet-a", "subnet-b"],
            "InstanceType": "kafka.t3.small",
            "StorageInfo": {"EbsStorageInfo": {"VolumeSize": 100}},
        },
        "EncryptionInfo": {"EncryptionInTransit": {"ClientBroker": transit, "InCluster": True}},
    }
    if config:
        params["ConfigurationInfo"] = config
    if auth is not None:
        params["ClientAuthentication"] = auth
    return kafka.create_cluster(**params)


def info(kafka, arn: str) -> dict:
    return kafka.describe_cluster(ClusterArn=arn)["ClusterInfo"]


def code(error: ClientError) -> str:
    return error.response["Error"]["Code"]


# --- configurations -----------------------------------------------------------------------------


def test_configuration_revisions(kafka) -> None:
    name = f"cfg-{next(_names)}"
    created = kafka.create_configuration(Name=name, ServerProperties=PROPERTIES, KafkaVersions=["3.6.0"])
    arn = created["Arn"]
    assert created["LatestRevision"]["Revision"] == 1 and created["State"] == "ACTIVE"
    assert f":configuration/{name}/" in arn
    updated = kafka.update_configuration(Arn=arn, ServerProperties=b"num.partitions=6\n", Description="six")
    assert updated["LatestRevision"]["Revision"] == 2
    assert kafka.describe_configuration_revision(Arn=arn, Revision=1)["ServerProperties"] == PROPERTIES
    second = kafka.describe_configuration_revision(Arn=arn, Revision=2)
    assert (second["ServerProperties"], second["Description"]) == (b"num.partitions=6\n", "six")
    described = kafka.describe_configuration(Arn=arn)
    assert (described["LatestRevision"]["Revision"], described["KafkaVersions"]) == (2, ["3.6.0"])
    revisions = kafka.list_configuration_revisions(Arn=arn)["Revisions"]
    assert [r["Revision"] for r in revisions] == [1, 2]
    listed = kafka.get_paginator("list_configurations").paginate().build_full_result()["Configurations"]
    assert [c["Name"] for c in listed if c["Arn"] == arn] == [name]
    assert kafka.delete_configuration(Arn=arn)["State"] == "DELETING"
    assert arn not in [c["Arn"] for c in kafka.list_configurations()["Configurations"]]


def test_configuration_errors(emu_kafka) -> None:
    name = f"cfg-{next(_names)}"
    arn = emu_kafka.create_configuration(Name=name, ServerProperties=PROPERTIES)["Arn"]
    with pytest.raises(ClientError) as err:
        emu_kafka.create_configuration(Name=name, ServerProperties=PROPERTIES)
    assert code(err.value) == "ConflictException"
    with pytest.raises(ClientError) as err:
        emu_kafka.update_configuration(Arn=arn, ServerProperties=b"not a property line\n")
    assert code(err.value) == "BadRequestException"
    with pytest.raises(ClientError) as err:
        emu_kafka.describe_configuration_revision(Arn=arn, Revision=5)
    assert code(err.value) == "NotFoundException"
    with pytest.raises(ClientError) as err:
        emu_kafka.describe_configuration(Arn=arn + "x")
    assert code(err.value) == "NotFoundException"


def test_configuration_in_use_cannot_be_deleted(emu_kafka) -> None:
    arn = emu_kafka.create_configuration(Name=f"cfg-{next(_names)}", ServerProperties=PROPERTIES)["Arn"]
    cluster = make_cluster(emu_kafka, config={"Arn": arn, "Revision": 1})["ClusterArn"]
    with pytest.raises(ClientError) as err:
        emu_kafka.delete_configuration(Arn=arn)
    assert code(err.value) == "BadRequestException"
    emu_kafka.delete_cluster(ClusterArn=cluster)
    emu_kafka.delete_configuration(Arn=arn)


def test_create_cluster_validates_its_request(emu_kafka) -> None:
    with pytest.raises(ClientError, match="multiple of the number of Availability Zones"):
        make_cluster(emu_kafka, brokers=3)
    with pytest.raises(ClientError) as err:
        make_cluster(emu_kafka, config={"Arn": "arn:aws:kafka:us-west-2:123456789012:configuration/x/y", "Revision": 1})
    assert code(err.value) == "NotFoundException"


# --- cluster lifecycle, updates and operations --------------------------------------------------


def test_cluster_becomes_active_and_is_listed_in_full(kafka) -> None:
    """community.aws.msk_cluster reads NumberOfBrokerNodes, BrokerNodeGroupInfo... from ListClusters."""
    created = make_cluster(kafka)
    assert created["State"] == "CREATING", "the create response carries the transitional state"
    assert info(kafka, created["ClusterArn"])["State"] == "ACTIVE"
    listed = kafka.list_clusters(ClusterNameFilter=created["ClusterName"])["ClusterInfoList"]
    assert listed[0]["NumberOfBrokerNodes"] == 2
    assert listed[0]["BrokerNodeGroupInfo"]["StorageInfo"]["EbsStorageInfo"]["VolumeSize"] == 100
    assert f":cluster/{created['ClusterName']}/" in created["ClusterArn"], "AWS cluster ARNs carry the name"


def test_update_cluster_configuration_moves_the_cluster_to_a_revision(kafka) -> None:
    arn = kafka.create_configuration(Name=f"cfg-{next(_names)}", ServerProperties=PROPERTIES)["Arn"]
    cluster = make_cluster(kafka, config={"Arn": arn, "Revision": 1})["ClusterArn"]
    kafka.update_configuration(Arn=arn, ServerProperties=b"num.partitions=6\n")
    before = info(kafka, cluster)
    op = kafka.update_cluster_configuration(
        ClusterArn=cluster, CurrentVersion=before["CurrentVersion"], ConfigurationInfo={"Arn": arn, "Revision": 2}
    )
    described = kafka.describe_cluster_operation(ClusterOperationArn=op["ClusterOperationArn"])["ClusterOperationInfo"]
    assert (described["OperationType"], described["OperationState"]) == (
        "UPDATE_CLUSTER_CONFIGURATION",
        "UPDATE_COMPLETE",
    )
    after = info(kafka, cluster)
    assert after["CurrentBrokerSoftwareInfo"]["ConfigurationRevision"] == 2
    assert after["CurrentVersion"] != before["CurrentVersion"]
    with pytest.raises(ClientError) as err:
        kafka.update_cluster_configuration(
            ClusterArn=cluster, CurrentVersion=before["CurrentVersion"], ConfigurationInfo={"Arn": arn, "Revision": 1}
        )
    assert code(err.value) == "BadRequestException", "a stale CurrentVersion is refused"


def test_update_monitoring(kafka) -> None:
    cluster = make_cluster(kafka)["ClusterArn"]
    logging = {"BrokerLogs": {"CloudWatchLogs": {"Enabled": True, "LogGroup": "/aws/msk/x"}}}
    prometheus = {"Prometheus": {"JmxExporter": {"EnabledInBroker": True}, "NodeExporter": {"EnabledInBroker": True}}}
    op = kafka.update_monitoring(
        ClusterArn=cluster,
        CurrentVersion=info(kafka, cluster)["CurrentVersion"],
        EnhancedMonitoring="PER_TOPIC_PER_BROKER",
        OpenMonitoring=prometheus,
        LoggingInfo=logging,
    )
    v2 = kafka.describe_cluster_operation_v2(ClusterOperationArn=op["ClusterOperationArn"])["ClusterOperationInfo"]
    assert v2["OperationState"] == "UPDATE_COMPLETE"
    after = info(kafka, cluster)
    assert after["EnhancedMonitoring"] == "PER_TOPIC_PER_BROKER"
    assert after["OpenMonitoring"] == prometheus
    assert after["LoggingInfo"] == logging


def test_update_broker_storage_only_grows(emu_kafka) -> None:
    cluster = make_cluster(emu_kafka)["ClusterArn"]

    def grow(size: int) -> None:
        emu_kafka.update_broker_storage(
            ClusterArn=cluster,
            CurrentVersion=info(emu_kafka, cluster)["CurrentVersion"],
            TargetBrokerEBSVolumeInfo=[{"KafkaBrokerNodeId": "All", "VolumeSizeGB": size}],
        )

    grow(200)
    assert info(emu_kafka, cluster)["BrokerNodeGroupInfo"]["StorageInfo"]["EbsStorageInfo"]["VolumeSize"] == 200
    with pytest.raises(ClientError, match="must be larger"):
        grow(150)


def test_delete_cluster(kafka, target, clients_for) -> None:
    cluster = make_cluster(kafka)["ClusterArn"]
    kafka.tag_resource(ResourceArn=cluster, Tags={"Leak": "check"})
    assert kafka.delete_cluster(ClusterArn=cluster)["State"] == "DELETING"
    tagging = clients_for(target)("resourcegroupstaggingapi")
    found = tagging.get_resources(TagFilters=[{"Key": "Leak", "Values": ["check"]}])["ResourceTagMappingList"]
    assert found == [], "a deleted cluster is not in the leak report"
    with pytest.raises(ClientError) as err:
        kafka.describe_cluster(ClusterArn=cluster)
    assert code(err.value) == "NotFoundException"


@pytest.fixture
def slow_kafka(emulator):
    emulator.set_config(durations={"kafka_cluster": 1.0, "kafka_cluster_update": 1.0})
    yield
    emulator.set_config(profile="instant", durations={})


def _until(kafka, arn: str, state: str, timeout: float = 15.0) -> None:
    # Bounded by time, not by a number of round trips: on an idle machine 200 of them took less than the 1 s phase.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if info(kafka, arn)["State"] == state:
                return
        except ClientError as e:
            if state == "GONE" and code(e) == "NotFoundException":
                return
            raise
        kafka.list_clusters()  # a round trip, not a sleep: the clock moves on
    raise AssertionError(f"cluster never reached {state}")


def test_cluster_goes_through_its_states(emu_kafka, slow_kafka) -> None:
    cluster = make_cluster(emu_kafka)["ClusterArn"]
    assert info(emu_kafka, cluster)["State"] == "CREATING"
    with pytest.raises(ClientError, match="CREATING state"):
        emu_kafka.get_bootstrap_brokers(ClusterArn=cluster)
    _until(emu_kafka, cluster, "ACTIVE")
    emu_kafka.update_monitoring(
        ClusterArn=cluster, CurrentVersion=info(emu_kafka, cluster)["CurrentVersion"], EnhancedMonitoring="PER_BROKER"
    )
    updating = info(emu_kafka, cluster)
    assert updating["State"] == "UPDATING" and updating["EnhancedMonitoring"] == "DEFAULT"
    assert "ActiveOperationArn" in updating
    with pytest.raises(ClientError, match="UPDATING state"):
        emu_kafka.update_monitoring(
            ClusterArn=cluster, CurrentVersion=updating["CurrentVersion"], EnhancedMonitoring="DEFAULT"
        )
    _until(emu_kafka, cluster, "ACTIVE")
    assert info(emu_kafka, cluster)["EnhancedMonitoring"] == "PER_BROKER"
    emu_kafka.delete_cluster(ClusterArn=cluster)
    assert info(emu_kafka, cluster)["State"] == "DELETING"
    _until(emu_kafka, cluster, "GONE")


# --- brokers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("auth", "transit", "keys"),
    [
        ({"Sasl": {"Iam": {"Enabled": True}}, "Unauthenticated": {"Enabled": False}}, "TLS", {"SaslIam"}),
        (
            {"Sasl": {"Iam": {"Enabled": True}}, "Tls": {"CertificateAuthorityArnList": ["arn:ca"], "Enabled": True}},
            "TLS",
            {"SaslIam", "Tls"},
        ),
        (None, "TLS_PLAINTEXT", {"Plain", "Tls"}),
        ({"Sasl": {"Scram": {"Enabled": True}}}, "TLS", {"SaslScram"}),
    ],
)
def test_bootstrap_brokers_follow_the_authentication(kafka, auth, transit, keys) -> None:
    cluster = make_cluster(kafka, auth=auth, transit=transit)["ClusterArn"]
    brokers = kafka.get_bootstrap_brokers(ClusterArn=cluster)
    found = {k.removeprefix("BootstrapBrokerString") or "Plain" for k in brokers if k.startswith("Bootstrap")}
    assert found == keys
    ports = {"Plain": "9092", "Tls": "9094", "SaslScram": "9096", "SaslIam": "9098"}
    for key in keys:
        value = brokers["BootstrapBrokerString" + ("" if key == "Plain" else key)]
        assert [b.rsplit(":", 1)[1] for b in value.split(",")] == [ports[key]] * 2


def test_list_nodes(kafka) -> None:
    cluster = make_cluster(kafka, brokers=4)["ClusterArn"]
    nodes = kafka.get_paginator("list_nodes").paginate(ClusterArn=cluster).build_full_result()["NodeInfoList"]
    assert [n["BrokerNodeInfo"]["BrokerId"] for n in nodes] == [1.0, 2.0, 3.0, 4.0]
    assert [n["BrokerNodeInfo"]["ClientSubnet"] for n in nodes] == ["subnet-a", "subnet-b"] * 2
    assert {n["NodeType"] for n in nodes} == {"BROKER"}


# --- topics -------------------------------------------------------------------------------------


def test_topic_lifecycle(kafka) -> None:
    cluster = make_cluster(kafka, brokers=2)["ClusterArn"]
    created = kafka.create_topic(
        ClusterArn=cluster,
        TopicName="orders",
        PartitionCount=3,
        ReplicationFactor=2,
        Configs=configs({"retention.ms": "1000"}),
    )
    assert created["TopicName"] == "orders"
    assert created["TopicArn"] == cluster.replace(":cluster/", ":topic/") + "/orders", "topic/<name>/<uuid>/<topic>"
    topic = kafka.describe_topic(ClusterArn=cluster, TopicName="orders")
    assert (topic["PartitionCount"], topic["ReplicationFactor"]) == (3, 2)
    assert json.loads(base64.b64decode(topic["Configs"])) == {"retention.ms": "1000"}, "only what was set"
    kafka.update_topic(
        ClusterArn=cluster, TopicName="orders", PartitionCount=6, Configs=configs({"cleanup.policy": "compact"})
    )
    topic = kafka.describe_topic(ClusterArn=cluster, TopicName="orders")
    assert topic["PartitionCount"] == 6
    assert json.loads(base64.b64decode(topic["Configs"])) == {"retention.ms": "1000", "cleanup.policy": "compact"}
    kafka.create_topic(ClusterArn=cluster, TopicName="payments", PartitionCount=1, ReplicationFactor=1)
    listed = kafka.get_paginator("list_topics").paginate(ClusterArn=cluster).build_full_result()["Topics"]
    assert [t["TopicName"] for t in listed] == ["orders", "payments"]
    assert [t["TopicName"] for t in kafka.list_topics(ClusterArn=cluster, TopicNameFilter="pay")["Topics"]] == [
        "payments"
    ]
    kafka.delete_topic(ClusterArn=cluster, TopicName="orders")
    with pytest.raises(ClientError) as err:
        kafka.describe_topic(ClusterArn=cluster, TopicName="orders")
    assert code(err.value) == "NotFoundException"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ({"op": "update", "PartitionCount": 2}, "higher than the requested 2"),
        ({"op": "update", "Configs": configs({"retention.hours": "1"})}, "Unknown topic config name: retention.hours"),
        ({"op": "update", "Configs": configs({"cleanup.policy": "forever"})}, "cleanup.policy"),
        ({"op": "update", "Configs": configs({"retention.ms": "a week"})}, "retention.ms"),
        ({"op": "create", "ReplicationFactor": 3}, "larger than available brokers: 2"),
        ({"op": "create", "TopicName": "orders"}, "already exists"),
        ({"op": "create", "TopicName": "bad/name"}, "illegal"),
    ],
)
def test_topic_validation(emu_kafka, call, message) -> None:
    cluster = make_cluster(emu_kafka, brokers=2)["ClusterArn"]
    emu_kafka.create_topic(ClusterArn=cluster, TopicName="orders", PartitionCount=3, ReplicationFactor=2)
    params = {k: v for k, v in call.items() if k != "op"}
    with pytest.raises(ClientError, match=message):
        if call["op"] == "update":
            emu_kafka.update_topic(ClusterArn=cluster, TopicName="orders", **params)
        else:
            emu_kafka.create_topic(
                ClusterArn=cluster, **{"TopicName": "other", "PartitionCount": 1, "ReplicationFactor": 1, **params}
            )
    topic = emu_kafka.describe_topic(ClusterArn=cluster, TopicName="orders")
    assert (topic["PartitionCount"], json.loads(base64.b64decode(topic["Configs"]))) == (3, {}), "nothing changed"


# --- the upstream modules the msk role uses -----------------------------------------------------


def test_community_msk_config_and_cluster_modules(target, ansible_module, clients_for) -> None:
    """community.aws.msk_config and msk_cluster: create, re-run unchanged, new revision, update, delete."""
    from ansible_collections.community.aws.plugins.modules import msk_cluster, msk_config

    common = {"endpoint_url": target.endpoint, "aws_config": NO_RETRY}
    name = f"mod-{next(_names)}"
    props = {"auto.create.topics.enable": "false", "num.partitions": "3"}
    cfg = ansible_module(msk_config, {**common, "name": name, "config": props, "kafka_versions": ["3.6.0"]})
    assert cfg["changed"] and cfg["revision"] == 1
    assert not ansible_module(msk_config, {**common, "name": name, "config": props})["changed"]
    cluster_args = {
        **common,
        "name": name,
        "version": "3.6.0",
        "nodes": 2,
        "subnets": ["subnet-a", "subnet-b"],
        "configuration_arn": cfg["arn"],
        "configuration_revision": 1,
        "authentication": {"sasl_iam": True, "unauthenticated": False},
        "enhanced_monitoring": "DEFAULT",
        "open_monitoring": {"jmx_exporter": True, "node_exporter": True},
        "logging": {"cloudwatch": {"enabled": True, "log_group": "/aws/msk/broker"}},
        "tags": {"Project": "ecap"},
        "wait": False,
    }
    created = ansible_module(msk_cluster, cluster_args)
    assert created["changed"]
    again = ansible_module(msk_cluster, cluster_args)
    assert not again["changed"], again.get("response")
    assert "sasl_iam" not in again["bootstrap_broker_string"]  # the module reports plain and tls only
    revised = ansible_module(msk_config, {**common, "name": name, "config": {**props, "num.partitions": "6"}})
    assert revised["changed"] and revised["revision"] == 2
    updated = ansible_module(
        msk_cluster, {**cluster_args, "configuration_revision": 2, "enhanced_monitoring": "PER_BROKER"}
    )
    assert updated["changed"]
    kafka = clients_for(target)("kafka")
    arn = created["cluster_info"]["cluster_arn"]
    described = info(kafka, arn)
    assert described["CurrentBrokerSoftwareInfo"]["ConfigurationRevision"] == 2
    assert described["EnhancedMonitoring"] == "PER_BROKER"
    assert not ansible_module(
        msk_cluster, {**cluster_args, "configuration_revision": 2, "enhanced_monitoring": "PER_BROKER"}
    )["changed"]
    assert ansible_module(msk_cluster, {**common, "name": name, "state": "absent"})["changed"]
    assert not ansible_module(msk_cluster, {**common, "name": name, "state": "absent"})["changed"]
    assert ansible_module(msk_config, {**common, "name": name, "state": "absent"})["changed"]
    assert not ansible_module(msk_config, {**common, "name": name, "state": "absent"})["changed"]
