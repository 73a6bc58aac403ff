"""Amazon MSK (kafka) backend: configurations, cluster lifecycle and operations, nodes, bootstrap brokers, topics.

moto 5.2.5 keeps clusters ``CREATING`` forever, has no configurations API, no GetBootstrapBrokers,
no ListNodes, no cluster updates or operations and no topic API; its ListClusters returns only five
fields (AWS returns the full ``ClusterInfo``, which community.aws.msk_cluster reads), DescribeCluster
answers 500 for an unknown ARN, and its cluster ARNs lack the cluster name AWS puts in them
(``cluster/<name>/<uuid>``), which IAM policies scoped to topics and groups are built from.

State lives on moto's ``KafkaBackend`` (attributes set lazily), so ``/moto-api/reset`` clears it.
"""

from __future__ import annotations

import base64
import json
import random
import string
import uuid
from dataclasses import dataclass, field
from typing import Any

from moto.core.utils import iso_8601_datetime_with_milliseconds, utcnow
from moto.kafka.exceptions import BadRequestException, KafkaException
from moto.kafka.models import FakeKafkaCluster, KafkaBackend
from moto.utilities.utils import get_partition

from emulator.extensions import extension, original, override
from emulator.lifecycle import Lifecycle
from emulator.services.ec2 import service_interfaces

#: Topic-level configuration keys Apache Kafka accepts (``kafka-configs --entity-type topics``).
TOPIC_CONFIG_KEYS = frozenset(
    """cleanup.policy compression.type compression.gzip.level compression.lz4.level compression.zstd.level
    delete.retention.ms file.delete.delay.ms flush.messages flush.ms follower.replication.throttled.replicas
    index.interval.bytes leader.replication.throttled.replicas local.retention.bytes local.retention.ms
    max.compaction.lag.ms max.message.bytes message.downconversion.enable message.format.version
    message.timestamp.after.max.ms message.timestamp.before.max.ms message.timestamp.difference.max.ms
    message.timestamp.type min.cleanable.dirty.ratio min.compaction.lag.ms min.insync.replicas preallocate
    remote.storage.enable retention.bytes retention.ms segment.bytes segment.index.bytes segment.jitter.ms
    segment.ms unclean.leader.election.enable""".split()
)
#: Keys whose values must be integers (Kafka's ConfigDef type LONG/INT).
INTEGER_TOPIC_CONFIGS = frozenset(
    """delete.retention.ms file.delete.delay.ms flush.messages flush.ms index.interval.bytes local.retention.bytes
    local.retention.ms max.compaction.lag.ms max.message.bytes min.compaction.lag.ms min.insync.replicas
    retention.bytes retention.ms segment.bytes segment.index.bytes segment.jitter.ms segment.ms""".split()
)
ENUM_TOPIC_CONFIGS = {
    "cleanup.policy": {"delete", "compact", "compact,delete", "delete,compact"},
    "compression.type": {"uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"},
    "message.timestamp.type": {"CreateTime", "LogAppendTime"},
}
BOOLEAN_TOPIC_CONFIGS = frozenset(
    "message.downconversion.enable preallocate remote.storage.enable unclean.leader.election.enable".split()
)
#: Ports of the broker listeners, per client authentication (AWS documents them).
PORTS = {"plaintext": 9092, "tls": 9094, "sasl_scram": 9096, "sasl_iam": 9098}
ENHANCED_MONITORING = ("DEFAULT", "PER_BROKER", "PER_TOPIC_PER_BROKER", "PER_TOPIC_PER_PARTITION")
#: States in which a cluster accepts an update (AWS: only ACTIVE).
UPDATABLE = ("ACTIVE",)
#: States in which the brokers answer (bootstrap brokers, nodes, topics).
SERVING = ("ACTIVE", "UPDATING", "HEALING", "REBOOTING_BROKER")


class ConflictException(KafkaException):
    def __init__(self, msg: str):
        super().__init__("ConflictException", msg)
        self.code = 409


class NotFound(KafkaException):
    """NotFoundException with HTTP 404 (moto's answers 400)."""

    def __init__(self, msg: str):
        super().__init__("NotFoundException", msg)
        self.code = 404


def now() -> str:
    return iso_8601_datetime_with_milliseconds(utcnow())


def new_cluster_version() -> str:
    """A cluster's ``CurrentVersion`` looks like ``K3AEGXETSR30VB`` on AWS."""
    return "K" + "".join(random.choices(string.ascii_uppercase + string.digits, k=13))


# --- configurations -----------------------------------------------------------------------------


@dataclass
class ConfigurationRevision:
    revision: int
    description: str
    server_properties: bytes
    creation_time: str = field(default_factory=now)

    def summary(self) -> dict[str, Any]:
        return {"creationTime": self.creation_time, "description": self.description, "revision": self.revision}


@dataclass
class Configuration:
    arn: str
    name: str
    description: str
    kafka_versions: list[str]
    revisions: list[ConfigurationRevision]
    state: str = "ACTIVE"
    creation_time: str = field(default_factory=now)

    @property
    def latest(self) -> ConfigurationRevision:
        return self.revisions[-1]

    def to_dict(self) -> dict[str, Any]:
        return {
            "arn": self.arn,
            "creationTime": self.creation_time,
            "description": self.description,
            "kafkaVersions": self.kafka_versions,
            "latestRevision": self.latest.summary(),
            "name": self.name,
            "state": self.state,
        }


def parse_server_properties(data: bytes) -> dict[str, str]:
    """``key=value`` lines (blank lines and ``#`` comments allowed), as MSK validates them."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequestException("ServerProperties must be UTF-8 text.") from None
    properties: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise BadRequestException(f"Invalid server property on line {number}: {raw!r}. Expected key=value.")
        properties[key.strip()] = value.strip()
    return properties


def configurations(backend: KafkaBackend) -> dict[str, Configuration]:
    return backend.__dict__.setdefault("_emulator_configurations", {})


def find_configuration(backend: KafkaBackend, arn: str) -> Configuration:
    config = configurations(backend).get(arn)
    if config is None:
        raise NotFound(f"The configuration {arn} does not exist.")
    return config


def create_configuration(
    self: KafkaBackend, name: str, description: str | None, kafka_versions: list[str] | None, server_properties: bytes
) -> Configuration:
    """CreateConfiguration (https://docs.aws.amazon.com/msk/1.0/apireference/configurations.html)."""
    if not name or not all(c.isalnum() or c == "-" for c in name) or not name[0].isalnum():
        raise BadRequestException(f"Invalid configuration name {name!r}: use letters, digits and hyphens.")
    parse_server_properties(server_properties)
    if any(c.name == name and c.state == "ACTIVE" for c in configurations(self).values()):
        raise ConflictException(f"A configuration with the name {name} already exists.")
    partition = get_partition(self.region_name)
    arn = f"arn:{partition}:kafka:{self.region_name}:{self.account_id}:configuration/{name}/{uuid.uuid4()}-1"
    config = Configuration(
        arn=arn,
        name=name,
        description=description or "",
        kafka_versions=list(kafka_versions or []),
        revisions=[ConfigurationRevision(1, description or "", server_properties)],
    )
    configurations(self)[arn] = config
    return config


def update_configuration(
    self: KafkaBackend, arn: str, description: str | None, server_properties: bytes
) -> Configuration:
    """UpdateConfiguration: a new revision (https://docs.aws.amazon.com/msk/1.0/apireference/configurations-arn.html)."""
    config = find_configuration(self, arn)
    if config.state != "ACTIVE":
        raise BadRequestException(f"The configuration {arn} is in the {config.state} state.")
    parse_server_properties(server_properties)
    config.revisions.append(ConfigurationRevision(len(config.revisions) + 1, description or "", server_properties))
    if description is not None:
        config.description = description
    return config


def describe_configuration_revision(self: KafkaBackend, arn: str, revision: int) -> ConfigurationRevision:
    config = find_configuration(self, arn)
    if not 1 <= int(revision) <= len(config.revisions):
        raise NotFound(f"The revision {revision} of the configuration {arn} does not exist.")
    return config.revisions[int(revision) - 1]


def delete_configuration(self: KafkaBackend, arn: str) -> Configuration:
    """DeleteConfiguration: refused while a cluster uses the configuration."""
    config = find_configuration(self, arn)
    settle_clusters(self)
    users = [c.cluster_name for c in self.clusters.values() if (c.configuration_info or {}).get("arn") == arn]
    if users:
        raise BadRequestException(f"The configuration {arn} is in use by the cluster(s) {', '.join(users)}.")
    configurations(self).pop(arn)
    config.state = "DELETING"
    return config


# --- clusters: lifecycle, operations ------------------------------------------------------------


@dataclass
class ClusterOperation:
    arn: str
    cluster_arn: str
    operation_type: str
    source: dict[str, Any]
    target: dict[str, Any]
    lifecycle: Lifecycle
    start_time: str = field(default_factory=now)
    end_time: str | None = None

    @property
    def state(self) -> str:
        return self.lifecycle.state or "UPDATE_COMPLETE"

    def to_dict(self, v2: bool = False) -> dict[str, Any]:
        info: dict[str, Any] = {
            "clusterArn": self.cluster_arn,
            "creationTime": self.start_time,
            "operationArn": self.arn,
            "operationState": self.state,
            "operationType": self.operation_type,
            "sourceClusterInfo": self.source,
            "targetClusterInfo": self.target,
        }
        if self.end_time:
            info["endTime"] = self.end_time
        if v2:
            return {
                "clusterArn": self.cluster_arn,
                "clusterType": "PROVISIONED",
                "startTime": self.start_time,
                **({"endTime": self.end_time} if self.end_time else {}),
                "operationArn": self.arn,
                "operationState": self.state,
                "operationType": self.operation_type,
                "provisioned": {"sourceClusterInfo": self.source, "targetClusterInfo": self.target},
            }
        return info


def cluster_lifecycle(cluster: FakeKafkaCluster) -> Lifecycle | None:
    return cluster.__dict__.get("_emulator_lifecycle")


def operations(backend: KafkaBackend) -> dict[str, ClusterOperation]:
    return backend.__dict__.setdefault("_emulator_operations", {})


def running_operation(cluster: FakeKafkaCluster) -> ClusterOperation | None:
    op = cluster.__dict__.get("_emulator_operation")
    if op is not None and op.lifecycle.phase == "creating":
        return op
    return None


def _cluster_state(self: FakeKafkaCluster) -> str:
    lifecycle = cluster_lifecycle(self)
    if lifecycle is None:
        return self.__dict__.get("_emulator_state", "ACTIVE")
    state = lifecycle.state
    if state is None:
        return "DELETED"
    if state == "ACTIVE" and running_operation(self) is not None:
        return "UPDATING"
    return state


def _set_cluster_state(self: FakeKafkaCluster, value: str) -> None:
    self.__dict__["_emulator_state"] = value


def _generate_arn(self: FakeKafkaCluster) -> str:
    """``cluster/<name>/<uuid>-<n>``, as AWS builds cluster ARNs (moto: ``cluster/<uuid>``)."""
    kind = "cluster" if self.cluster_type == "PROVISIONED" else "serverless-cluster"
    partition = get_partition(self.region_name)
    return f"arn:{partition}:kafka:{self.region_name}:{self.account_id}:{kind}/{self.cluster_name}/{self.cluster_id}-2"


def settle_clusters(backend: KafkaBackend) -> None:
    """Drop the clusters whose delete has finished."""
    for arn, cluster in list(backend.clusters.items()):
        lifecycle = cluster_lifecycle(cluster)
        if lifecycle is not None and lifecycle.gone:
            backend.clusters.pop(arn, None)
            topics_of(backend).pop(arn, None)
            backend.tagger.delete_all_tags_for_resource(arn)


def find_cluster(backend: KafkaBackend, cluster_arn: str) -> FakeKafkaCluster:
    settle_clusters(backend)
    cluster = backend.clusters.get(cluster_arn)
    if cluster is None:
        raise NotFound(f"The cluster {cluster_arn} does not exist.")
    return cluster


def _start(cluster: FakeKafkaCluster) -> None:
    cluster.current_version = new_cluster_version()
    cluster.__dict__["_emulator_lifecycle"] = Lifecycle.begin(
        "kafka_cluster", creating="CREATING", ready="ACTIVE", deleting="DELETING", deleted=None
    )


def validate_cluster_request(
    backend: KafkaBackend,
    broker_node_group_info: dict[str, Any] | None,
    number_of_broker_nodes: int | None,
    configuration_info: dict[str, Any] | None,
    enhanced_monitoring: str | None,
) -> None:
    """What CreateCluster checks before it starts (brokers per AZ, the configuration revision)."""
    subnets = (broker_node_group_info or {}).get("clientSubnets") or []
    if broker_node_group_info is not None and len(subnets) < 2:
        raise BadRequestException("Specify at least two client subnets (in different Availability Zones).")
    if number_of_broker_nodes is not None and subnets and int(number_of_broker_nodes) % len(subnets):
        raise BadRequestException(
            f"The number of broker nodes ({number_of_broker_nodes}) must be a multiple of the number of "
            f"Availability Zones ({len(subnets)})."
        )
    if configuration_info:
        describe_configuration_revision(
            backend, configuration_info.get("arn", ""), configuration_info.get("revision", 0)
        )
    if enhanced_monitoring is not None and enhanced_monitoring not in ENHANCED_MONITORING:
        raise BadRequestException(f"Invalid enhancedMonitoring {enhanced_monitoring!r}.")


def create_cluster(self: KafkaBackend, **kwargs: Any) -> tuple[str, str, str]:
    """CreateCluster: ``CREATING`` for the profile's create duration, then ``ACTIVE``."""
    settle_clusters(self)
    name = kwargs.get("cluster_name")
    if any(c.cluster_name == name for c in self.clusters.values()):
        raise ConflictException(f"A cluster with the name {name} already exists.")
    validate_cluster_request(
        self,
        kwargs.get("broker_node_group_info"),
        kwargs.get("number_of_broker_nodes"),
        kwargs.get("configuration_info"),
        kwargs.get("enhanced_monitoring"),
    )
    kwargs["enhanced_monitoring"] = kwargs.get("enhanced_monitoring") or "DEFAULT"
    kwargs["kafka_version"] = kwargs.get("kafka_version") or "2.8.1"
    kwargs["storage_mode"] = kwargs.get("storage_mode") or "LOCAL"
    kwargs["number_of_broker_nodes"] = int(kwargs.get("number_of_broker_nodes") or 1)
    arn, cluster_name, state = original(KafkaBackend, "create_cluster")(self, **kwargs)
    _start(self.clusters[arn])
    service_interfaces.kafka_cluster(self, self.clusters[arn])
    return arn, cluster_name, state


def create_cluster_v2(self: KafkaBackend, *args: Any, **kwargs: Any) -> tuple[str, str, str, str]:
    """CreateClusterV2: the same lifecycle as CreateCluster."""
    settle_clusters(self)
    provisioned = kwargs.get("provisioned") or {}
    if provisioned:
        validate_cluster_request(
            self,
            provisioned.get("brokerNodeGroupInfo"),
            provisioned.get("numberOfBrokerNodes"),
            provisioned.get("configurationInfo"),
            provisioned.get("enhancedMonitoring"),
        )
    arn, name, state, cluster_type = original(KafkaBackend, "create_cluster_v2")(self, *args, **kwargs)
    cluster = self.clusters[arn]
    if provisioned:
        cluster.configuration_info = provisioned.get("configurationInfo")
        cluster.client_authentication = provisioned.get("clientAuthentication")
        cluster.encryption_info = provisioned.get("encryptionInfo")
        cluster.enhanced_monitoring = provisioned.get("enhancedMonitoring") or "DEFAULT"
        cluster.open_monitoring = provisioned.get("openMonitoring")
        cluster.logging_info = provisioned.get("loggingInfo")
    _start(cluster)
    if provisioned:
        service_interfaces.kafka_cluster(self, cluster)
    return arn, name, state, cluster_type


def _active_operation_arn(backend: KafkaBackend, info: dict[str, Any], cluster: FakeKafkaCluster) -> None:
    op = running_operation(cluster)
    if op is not None:
        info["activeOperationArn"] = op.arn
    else:
        info.pop("activeOperationArn", None)


def describe_cluster(self: KafkaBackend, cluster_arn: str) -> dict[str, Any]:
    """DescribeCluster: NotFoundException for an unknown or deleted cluster (moto: 500)."""
    cluster = find_cluster(self, cluster_arn)
    info = original(KafkaBackend, "describe_cluster")(self, cluster_arn)
    _active_operation_arn(self, info, cluster)
    if not cluster.configuration_info:
        info.pop("currentBrokerSoftwareInfo", None)
        info["currentBrokerSoftwareInfo"] = {"kafkaVersion": cluster.kafka_version}
    return info


def describe_cluster_v2(self: KafkaBackend, cluster_arn: str) -> dict[str, Any]:
    cluster = find_cluster(self, cluster_arn)
    info = original(KafkaBackend, "describe_cluster_v2")(self, cluster_arn)
    _active_operation_arn(self, info, cluster)
    return info


def list_clusters(self: KafkaBackend, cluster_name_filter: str | None) -> list[dict[str, Any]]:
    """ListClusters: the full ClusterInfo of each cluster, as AWS returns it (moto: five fields)."""
    settle_clusters(self)
    return [
        describe_cluster(self, arn)
        for arn, cluster in list(self.clusters.items())
        if cluster.cluster_type == "PROVISIONED"
        and (not cluster_name_filter or cluster.cluster_name.startswith(cluster_name_filter))
    ]


def list_clusters_v2(self: KafkaBackend, *args: Any, **kwargs: Any) -> list[dict[str, Any]]:
    settle_clusters(self)
    return original(KafkaBackend, "list_clusters_v2")(self, *args, **kwargs)


def check_version(cluster: FakeKafkaCluster, current_version: str | None, required: bool = True) -> None:
    if current_version is None and not required:
        return
    if current_version != cluster.current_version:
        raise BadRequestException(
            f"The cluster version {current_version} does not match the current version {cluster.current_version}."
        )


def delete_cluster(self: KafkaBackend, cluster_arn: str, current_version: str | None) -> tuple[str, str]:
    """DeleteCluster: ``DELETING`` for the profile's delete duration, then gone."""
    cluster = find_cluster(self, cluster_arn)
    check_version(cluster, current_version, required=False)
    lifecycle = cluster_lifecycle(cluster)
    if lifecycle is None:
        self.clusters.pop(cluster_arn)
        return cluster_arn, "DELETING"
    if cluster.state == "DELETING":
        raise BadRequestException(f"The cluster {cluster_arn} is already being deleted.")
    lifecycle.delete()
    return cluster_arn, "DELETING"


def mutable_info(cluster: FakeKafkaCluster) -> dict[str, Any]:
    """The ``MutableClusterInfo`` of a cluster (what an operation changes)."""
    storage = ((cluster.broker_node_group_info or {}).get("storageInfo") or {}).get("ebsStorageInfo") or {}
    info: dict[str, Any] = {
        "numberOfBrokerNodes": cluster.number_of_broker_nodes,
        "enhancedMonitoring": cluster.enhanced_monitoring,
        "openMonitoring": cluster.open_monitoring or {},
        "loggingInfo": cluster.logging_info or {},
        "kafkaVersion": cluster.kafka_version,
        "instanceType": (cluster.broker_node_group_info or {}).get("instanceType"),
        "brokerEBSVolumeInfo": [{"kafkaBrokerNodeId": "All", "volumeSizeGB": storage.get("volumeSize")}],
    }
    if cluster.configuration_info:
        info["configurationInfo"] = cluster.configuration_info
    return info


def start_operation(
    backend: KafkaBackend,
    cluster_arn: str,
    current_version: str | None,
    operation_type: str,
    target: dict[str, Any],
    apply: Any,
) -> str:
    """Start an update of an ACTIVE cluster: ``UPDATING`` for the update duration, then ``ACTIVE``.

    The cluster's ``CurrentVersion`` changes at once (a second update with the old version is
    refused, as on AWS); the new settings show once the operation completes.
    """
    cluster = find_cluster(backend, cluster_arn)
    if cluster.state not in UPDATABLE:
        raise BadRequestException(
            f"This operation cannot be performed because the cluster {cluster_arn} is in the {cluster.state} state."
        )
    check_version(cluster, current_version)
    partition = get_partition(backend.region_name)
    arn = (
        f"arn:{partition}:kafka:{backend.region_name}:{backend.account_id}:cluster-operation/"
        f"{cluster.cluster_name}/{cluster.cluster_id}/{uuid.uuid4()}"
    )
    holder: dict[str, ClusterOperation] = {}

    def finish() -> None:
        apply(cluster)
        holder["op"].end_time = now()

    op = ClusterOperation(
        arn=arn,
        cluster_arn=cluster_arn,
        operation_type=operation_type,
        source=mutable_info(cluster),
        target=target,
        lifecycle=Lifecycle.begin(
            "kafka_cluster_update",
            creating="UPDATE_IN_PROGRESS",
            ready="UPDATE_COMPLETE",
            deleting="UPDATE_COMPLETE",
            deleted="UPDATE_COMPLETE",
            on_ready=finish,
        ),
    )
    holder["op"] = op
    operations(backend)[arn] = op
    cluster.__dict__["_emulator_operation"] = op
    cluster.current_version = new_cluster_version()
    op.lifecycle.settle()
    return arn


def update_cluster_configuration(
    self: KafkaBackend, cluster_arn: str, current_version: str, configuration_info: dict[str, Any]
) -> str:
    """UpdateClusterConfiguration: the cluster moves to a configuration revision."""
    describe_configuration_revision(self, configuration_info.get("arn", ""), configuration_info.get("revision", 0))
    target = {"configurationInfo": {"arn": configuration_info["arn"], "revision": int(configuration_info["revision"])}}

    def apply(cluster: FakeKafkaCluster) -> None:
        cluster.configuration_info = dict(target["configurationInfo"])

    return start_operation(self, cluster_arn, current_version, "UPDATE_CLUSTER_CONFIGURATION", target, apply)


def update_monitoring(
    self: KafkaBackend,
    cluster_arn: str,
    current_version: str,
    enhanced_monitoring: str | None,
    open_monitoring: dict[str, Any] | None,
    logging_info: dict[str, Any] | None,
) -> str:
    """UpdateMonitoring: enhanced monitoring level, open monitoring (Prometheus), broker logs."""
    if enhanced_monitoring is not None and enhanced_monitoring not in ENHANCED_MONITORING:
        raise BadRequestException(f"Invalid enhancedMonitoring {enhanced_monitoring!r}.")
    if logging_info is not None and "brokerLogs" not in logging_info:
        raise BadRequestException("loggingInfo.brokerLogs is required.")
    target = {
        k: v
        for k, v in {
            "enhancedMonitoring": enhanced_monitoring,
            "openMonitoring": open_monitoring,
            "loggingInfo": logging_info,
        }.items()
        if v is not None
    }

    def apply(cluster: FakeKafkaCluster) -> None:
        if enhanced_monitoring is not None:
            cluster.enhanced_monitoring = enhanced_monitoring
        if open_monitoring is not None:
            cluster.open_monitoring = open_monitoring
        if logging_info is not None:
            cluster.logging_info = logging_info

    return start_operation(self, cluster_arn, current_version, "UPDATE_MONITORING", target, apply)


def update_broker_storage(
    self: KafkaBackend, cluster_arn: str, current_version: str, target_broker_ebs_volume_info: list[dict[str, Any]]
) -> str:
    """UpdateBrokerStorage: broker volumes only grow."""
    cluster = find_cluster(self, cluster_arn)
    storage = (cluster.broker_node_group_info or {}).setdefault("storageInfo", {}).setdefault("ebsStorageInfo", {})
    size = max(int(v.get("volumeSizeGB", 0)) for v in target_broker_ebs_volume_info or [{}])
    if size <= int(storage.get("volumeSize") or 0):
        raise BadRequestException(
            f"The new storage size ({size} GiB) must be larger than the current size ({storage.get('volumeSize')} GiB)."
        )

    def apply(_: FakeKafkaCluster) -> None:
        storage["volumeSize"] = size

    target = {"brokerEBSVolumeInfo": target_broker_ebs_volume_info}
    return start_operation(self, cluster_arn, current_version, "UPDATE_BROKER_STORAGE", target, apply)


def update_broker_count(
    self: KafkaBackend, cluster_arn: str, current_version: str, target_number_of_broker_nodes: int
) -> str:
    """UpdateBrokerCount: brokers are only added, in multiples of the AZ count."""
    cluster = find_cluster(self, cluster_arn)
    subnets = (cluster.broker_node_group_info or {}).get("clientSubnets") or [None]
    target = int(target_number_of_broker_nodes)
    if target <= int(cluster.number_of_broker_nodes or 0) or target % len(subnets):
        raise BadRequestException(
            f"The target broker count ({target}) must be larger than the current count "
            f"({cluster.number_of_broker_nodes}) and a multiple of the number of Availability Zones ({len(subnets)})."
        )

    def apply(c: FakeKafkaCluster) -> None:
        c.number_of_broker_nodes = target

    return start_operation(
        self, cluster_arn, current_version, "INCREASE_BROKER_COUNT", {"numberOfBrokerNodes": target}, apply
    )


def describe_cluster_operation(self: KafkaBackend, operation_arn: str) -> ClusterOperation:
    op = operations(self).get(operation_arn)
    if op is None:
        raise NotFound(f"The cluster operation {operation_arn} does not exist.")
    op.lifecycle.settle()
    return op


def list_cluster_operations(self: KafkaBackend, cluster_arn: str) -> list[ClusterOperation]:
    find_cluster(self, cluster_arn)
    ops = [op for op in operations(self).values() if op.cluster_arn == cluster_arn]
    for op in ops:
        op.lifecycle.settle()
    return sorted(ops, key=lambda o: o.start_time, reverse=True)


# --- brokers: nodes and bootstrap strings -------------------------------------------------------


def broker_hosts(cluster: FakeKafkaCluster) -> list[str]:
    suffix = cluster.cluster_id.split("-")[0][:6]
    return [
        f"b-{n}.{cluster.cluster_name}.{suffix}.c2.kafka.{cluster.region_name}.amazonaws.com"
        for n in range(1, int(cluster.number_of_broker_nodes or 1) + 1)
    ]


def serving_cluster(backend: KafkaBackend, cluster_arn: str) -> FakeKafkaCluster:
    cluster = find_cluster(backend, cluster_arn)
    if cluster.state not in SERVING:
        raise BadRequestException(
            f"This operation cannot be performed because the cluster {cluster_arn} is in the {cluster.state} state."
        )
    return cluster


def get_bootstrap_brokers(self: KafkaBackend, cluster_arn: str) -> dict[str, str]:
    """GetBootstrapBrokers: one string per listener the cluster's encryption and authentication open.

    Plaintext (9092) needs PLAINTEXT or TLS_PLAINTEXT in transit and unauthenticated access; TLS
    (9094) needs TLS or TLS_PLAINTEXT and unauthenticated or TLS client authentication; SASL/SCRAM
    (9096) and SASL/IAM (9098) follow their own switch. No ``clientAuthentication`` means
    unauthenticated; no ``encryptionInTransit`` means TLS.
    """
    cluster = serving_cluster(self, cluster_arn)
    transit = ((cluster.encryption_info or {}).get("encryptionInTransit") or {}).get("clientBroker", "TLS")
    auth = cluster.client_authentication or {}
    unauthenticated = (auth.get("unauthenticated") or {}).get("enabled", not auth)
    tls_auth = (auth.get("tls") or {}).get("enabled", bool((auth.get("tls") or {}).get("certificateAuthorityArnList")))
    sasl = auth.get("sasl") or {}
    hosts = broker_hosts(cluster)

    def join(port: int) -> str:
        return ",".join(f"{host}:{port}" for host in hosts)

    result: dict[str, str] = {}
    if transit in ("PLAINTEXT", "TLS_PLAINTEXT") and unauthenticated:
        result["bootstrapBrokerString"] = join(PORTS["plaintext"])
    if transit in ("TLS", "TLS_PLAINTEXT") and (unauthenticated or tls_auth):
        result["bootstrapBrokerStringTls"] = join(PORTS["tls"])
    if (sasl.get("scram") or {}).get("enabled"):
        result["bootstrapBrokerStringSaslScram"] = join(PORTS["sasl_scram"])
    if (sasl.get("iam") or {}).get("enabled"):
        result["bootstrapBrokerStringSaslIam"] = join(PORTS["sasl_iam"])
    return result


def list_nodes(self: KafkaBackend, cluster_arn: str) -> list[dict[str, Any]]:
    """ListNodes: one broker node per broker, spread over the client subnets in order, with its network interface."""
    cluster = serving_cluster(self, cluster_arn)
    group = cluster.broker_node_group_info or {}
    subnets = group.get("clientSubnets") or [""]
    software = {"kafkaVersion": cluster.kafka_version}
    if cluster.configuration_info:
        software.update(
            configurationArn=cluster.configuration_info.get("arn"),
            configurationRevision=cluster.configuration_info.get("revision"),
        )
    ec2 = service_interfaces.ec2_backend(self.account_id, self.region_name)
    interfaces = service_interfaces.interfaces_of(ec2, f"kafka:{cluster.arn}")
    nodes = []
    for index, host in enumerate(broker_hosts(cluster)):
        broker_id = index + 1
        eni = interfaces.get(f"broker-{broker_id}")  # the broker's network interface in its client subnet
        address = eni.private_ip_address if eni else f"10.0.{index % len(subnets)}.{10 + broker_id}"
        nodes.append(
            {
                "addedToClusterTime": cluster.creation_time,
                "brokerNodeInfo": {
                    "attachedENIId": eni.id if eni else f"eni-{uuid.uuid5(uuid.NAMESPACE_URL, host).hex[:17]}",
                    "brokerId": float(broker_id),
                    "clientSubnet": subnets[index % len(subnets)],
                    "clientVpcIpAddress": address,
                    "currentBrokerSoftwareInfo": software,
                    "endpoints": [host],
                },
                "instanceType": group.get("instanceType"),
                "nodeARN": f"{cluster.arn.replace(':cluster/', ':broker/')}/{broker_id}",
                "nodeType": "BROKER",
            }
        )
    return nodes


# --- topics -------------------------------------------------------------------------------------


@dataclass
class Topic:
    name: str
    arn: str
    partitions: int
    replication_factor: int
    configs: dict[str, str]
    replica_ids: list[int]

    def to_info(self) -> dict[str, Any]:
        return {
            "topicArn": self.arn,
            "topicName": self.name,
            "replicationFactor": self.replication_factor,
            "partitionCount": self.partitions,
            "outOfSyncReplicaCount": 0,
            "replicaIds": self.replica_ids,
        }

    def describe(self) -> dict[str, Any]:
        return {
            "topicArn": self.arn,
            "topicName": self.name,
            "replicationFactor": self.replication_factor,
            "partitionCount": self.partitions,
            "configs": encode_configs(self.configs),
            "status": "ACTIVE",
            "replicaIds": self.replica_ids,
        }


def encode_configs(configs: dict[str, str]) -> str:
    """Topic configs as the MSK API carries them: a Base64 string of a JSON object of strings."""
    return base64.b64encode(json.dumps(configs, sort_keys=True).encode()).decode()


def decode_configs(encoded: str | None) -> dict[str, str]:
    """The topic configs of a request, validated as Kafka validates them."""
    if not encoded:
        return {}
    try:
        configs = json.loads(base64.b64decode(encoded, validate=True))
    except (ValueError, TypeError):
        raise BadRequestException("configs must be a Base64-encoded JSON object of topic configurations.") from None
    if not isinstance(configs, dict):
        raise BadRequestException("configs must be a Base64-encoded JSON object of topic configurations.")
    result: dict[str, str] = {}
    for key, value in configs.items():
        if key not in TOPIC_CONFIG_KEYS:
            raise BadRequestException(f"Unknown topic config name: {key}")
        text = str(value).lower() if isinstance(value, bool) else str(value)
        if key in INTEGER_TOPIC_CONFIGS:
            try:
                int(text)
            except ValueError:
                raise BadRequestException(
                    f"Invalid value {text} for configuration {key}: Not a number of type LONG"
                ) from None
        if key in BOOLEAN_TOPIC_CONFIGS and text not in ("true", "false"):
            raise BadRequestException(
                f"Invalid value {text} for configuration {key}: Expected value to be true or false"
            )
        allowed = ENUM_TOPIC_CONFIGS.get(key)
        if allowed and text not in allowed:
            raise BadRequestException(
                f"Invalid value {text} for configuration {key}: String must be one of: {', '.join(sorted(allowed))}"
            )
        result[key] = text
    return result


def topics_of(backend: KafkaBackend) -> dict[str, dict[str, Topic]]:
    return backend.__dict__.setdefault("_emulator_topics", {})


def find_topic(backend: KafkaBackend, cluster_arn: str, name: str) -> tuple[FakeKafkaCluster, Topic]:
    cluster = serving_cluster(backend, cluster_arn)
    topic = topics_of(backend).get(cluster_arn, {}).get(name)
    if topic is None:
        raise NotFound(f"The topic {name} does not exist on the cluster {cluster_arn}.")
    return cluster, topic


def _check_min_insync(configs: dict[str, str], replication_factor: int) -> None:
    if "min.insync.replicas" in configs and int(configs["min.insync.replicas"]) < 1:
        raise BadRequestException("Invalid value for configuration min.insync.replicas: Value must be at least 1")


def create_topic(
    self: KafkaBackend, cluster_arn: str, name: str, partitions: int, replication_factor: int, configs: str | None
) -> Topic:
    """CreateTopic: Kafka's checks (name, replication factor ≤ brokers, known configs)."""
    cluster = serving_cluster(self, cluster_arn)
    if not name or len(name) > 249 or name in (".", "..") or not all(c.isalnum() or c in "._-" for c in name):
        raise BadRequestException(
            f"Topic name {name!r} is illegal: use up to 249 characters among ASCII letters, digits, '.', '_' and '-'."
        )
    if int(partitions) < 1 or int(replication_factor) < 1:
        raise BadRequestException("partitionCount and replicationFactor must be at least 1.")
    brokers = int(cluster.number_of_broker_nodes or 1)
    if int(replication_factor) > brokers:
        raise BadRequestException(f"Replication factor: {replication_factor} larger than available brokers: {brokers}.")
    parsed = decode_configs(configs)
    _check_min_insync(parsed, int(replication_factor))
    topics = topics_of(self).setdefault(cluster_arn, {})
    if name in topics:
        raise KafkaException("TopicExistsException", f"Topic '{name}' already exists.")
    arn = cluster.arn.replace(":cluster/", ":topic/", 1) + f"/{name}"  # topic/<cluster name>/<cluster uuid>/<topic>
    topic = Topic(name, arn, int(partitions), int(replication_factor), parsed, list(range(1, brokers + 1)))
    topics[name] = topic
    return topic


def describe_topic(self: KafkaBackend, cluster_arn: str, name: str) -> Topic:
    return find_topic(self, cluster_arn, name)[1]


def list_topics(self: KafkaBackend, cluster_arn: str, name_filter: str | None) -> list[Topic]:
    serving_cluster(self, cluster_arn)
    topics = topics_of(self).get(cluster_arn, {})
    return [t for n, t in sorted(topics.items()) if not name_filter or n.startswith(name_filter)]


def update_topic(self: KafkaBackend, cluster_arn: str, name: str, configs: str | None, partitions: int | None) -> Topic:
    """UpdateTopic: configs are set (merged over the topic's), partitions only grow."""
    _, topic = find_topic(self, cluster_arn, name)
    if configs is None and partitions is None:
        raise BadRequestException("Specify configs or partitionCount.")
    parsed = decode_configs(configs) if configs is not None else {}
    if partitions is not None:
        if int(partitions) < topic.partitions:
            raise BadRequestException(
                f"Topic currently has {topic.partitions} partitions, which is higher than the requested {partitions}."
            )
        if int(partitions) == topic.partitions:
            raise BadRequestException(f"Topic already has {topic.partitions} partitions.")
    _check_min_insync(parsed, topic.replication_factor)
    if partitions is not None:
        topic.partitions = int(partitions)
    topic.configs.update(parsed)
    return topic


def delete_topic(self: KafkaBackend, cluster_arn: str, name: str) -> Topic:
    find_topic(self, cluster_arn, name)
    return topics_of(self)[cluster_arn].pop(name)


def iter_tagged_resources(self: KafkaBackend) -> Any:
    """Resource Groups Tagging API: a cluster whose delete finished is not listed (the leak report)."""
    settle_clusters(self)
    yield from original(KafkaBackend, "iter_tagged_resources")(self)


def _settling(name: str) -> Any:
    wrapped = original(KafkaBackend, name)

    def method(self: KafkaBackend, *args: Any, **kwargs: Any) -> Any:
        settle_clusters(self)
        return wrapped(self, *args, **kwargs)

    method.__name__ = name
    return method


@extension(
    "kafka",
    "CreateCluster",
    "CreateClusterV2",
    "DescribeCluster",
    "DescribeClusterV2",
    "ListClusters",
    "DeleteCluster",
    "UpdateClusterConfiguration",
    "UpdateMonitoring",
    "UpdateBrokerStorage",
    "UpdateBrokerCount",
    "DescribeClusterOperation",
    "DescribeClusterOperationV2",
    "ListClusterOperations",
    "GetBootstrapBrokers",
    "ListNodes",
)
def cluster_lifecycle_and_operations() -> None:
    """MSK clusters: CREATING → ACTIVE → UPDATING → ACTIVE → DELETING → gone, updates, brokers, AWS ARNs.

    moto 5.2.5 keeps a cluster CREATING forever, deletes it at once, has no update APIs,
    GetBootstrapBrokers or ListNodes, lists five fields per cluster (community.aws.msk_cluster
    reads the full ClusterInfo from ListClusters) and answers 500 for an unknown cluster ARN.
    """
    FakeKafkaCluster.state = property(_cluster_state, _set_cluster_state)  # type: ignore[assignment]
    override(FakeKafkaCluster, _generate_arn)
    for function in (
        create_cluster,
        create_cluster_v2,
        describe_cluster,
        describe_cluster_v2,
        list_clusters,
        list_clusters_v2,
        delete_cluster,
        update_cluster_configuration,
        update_monitoring,
        update_broker_storage,
        update_broker_count,
        describe_cluster_operation,
        list_cluster_operations,
        get_bootstrap_brokers,
        list_nodes,
        iter_tagged_resources,
    ):
        override(KafkaBackend, function)
    for name in ("put_cluster_policy", "get_cluster_policy", "delete_cluster_policy"):
        override(KafkaBackend, _settling(name), name)


@extension(
    "kafka",
    "CreateConfiguration",
    "DescribeConfiguration",
    "DescribeConfigurationRevision",
    "ListConfigurations",
    "ListConfigurationRevisions",
    "UpdateConfiguration",
    "DeleteConfiguration",
)
def configurations_api() -> None:
    """MSK configurations and their revisions (moto 5.2.5 has no configurations API)."""
    for function in (
        create_configuration,
        update_configuration,
        describe_configuration_revision,
        delete_configuration,
    ):
        override(KafkaBackend, function)


@extension("kafka", "CreateTopic", "DescribeTopic", "ListTopics", "UpdateTopic", "DeleteTopic")
def topics_api() -> None:
    """MSK topics: partitions only grow, replication factor ≤ brokers, unknown configs refused (moto: none)."""
    for function in (create_topic, describe_topic, list_topics, update_topic, delete_topic):
        override(KafkaBackend, function)
