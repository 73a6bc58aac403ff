# Copyright: ecap.platform contributors
# MIT License
"""Amazon MSK logic shared by the msk_* modules: topics through the Kafka control-plane API.

The topic API (``CreateTopic``, ``DescribeTopic``, ``ListTopics``, ``UpdateTopic``, ``DeleteTopic``,
boto3 >= 1.44) carries topic configurations as a Base64 string of a JSON object whose values are
strings, and reports only the configurations set on the topic (not the broker defaults). So a
topic's configs are compared key by key for the keys the caller manages: a key the caller leaves
out is left as it is.

Pure functions (:func:`normalize_configs`, :func:`validate_topic`, :func:`plan_topic`,
:func:`topic_view`) hold the decisions and are unit-tested without AWS; the rest are thin calls.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.ecap.platform.plugins.module_utils.common import paginate

CLUSTER_ARN = re.compile(r"^arn:aws[a-z-]*:kafka:[a-z0-9-]+:\d{12}:cluster/[^/]+/[^/]+$")
#: Error codes that mean "no such topic".
MISSING = ("NotFoundException", "UnknownTopicOrPartitionException")
TOPIC_NAME = re.compile(r"^[A-Za-z0-9._-]{1,249}$")


# --------------------------------------------------------------------------- configs


def config_value(value: Any) -> str:
    """A topic config value as the API reports it: a string; booleans lower-case (``true``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def normalize_configs(configs: Mapping[str, Any] | None) -> dict[str, str]:
    """Every value as a string: ``{"retention.ms": 604800000, "preallocate": False}`` →
    ``{"retention.ms": "604800000", "preallocate": "false"}``."""
    return {str(key): config_value(value) for key, value in (configs or {}).items()}


def encode_configs(configs: Mapping[str, str]) -> str:
    """The ``Configs`` field of CreateTopic/UpdateTopic: Base64 of a JSON object of strings."""
    return base64.b64encode(json.dumps(dict(configs), sort_keys=True).encode()).decode()


def decode_configs(encoded: str | None) -> dict[str, str]:
    """The ``Configs`` field of DescribeTopic as a dict (``{}`` when absent or empty)."""
    if not encoded:
        return {}
    decoded = json.loads(base64.b64decode(encoded))
    return normalize_configs(decoded) if isinstance(decoded, dict) else {}


# --------------------------------------------------------------------------- validation and plan


def validate_topic(params: Mapping[str, Any]) -> list[str]:
    """Errors in the module's arguments that need no AWS call (empty when all is well)."""
    errors: list[str] = []
    if not CLUSTER_ARN.match(params.get("cluster_arn") or ""):
        errors.append(
            f"cluster_arn {params.get('cluster_arn')!r} is not an MSK cluster ARN "
            "(arn:aws:kafka:REGION:ACCOUNT:cluster/NAME/UUID)."
        )
    name = params.get("name") or ""
    if not TOPIC_NAME.match(name) or name in (".", ".."):
        errors.append(f"Topic name {name!r} is not valid: use 1 to 249 ASCII letters, digits, '.', '_' and '-'.")
    if params.get("state", "present") != "present":
        return errors
    for option in ("partitions", "replication_factor"):
        value = params.get(option)
        if value is not None and value < 1:
            errors.append(f"{option} must be at least 1, got {value}.")
    for key, value in (params.get("configs") or {}).items():
        if isinstance(value, (dict, list)) or value is None:
            errors.append(f"configs[{key!r}] must be a string, number or boolean, got {value!r}.")
    configs = normalize_configs(params.get("configs"))
    rf = params.get("replication_factor")
    min_isr = configs.get("min.insync.replicas")
    if rf is not None and min_isr is not None and min_isr.isdigit() and int(min_isr) > rf:
        errors.append(
            f"configs min.insync.replicas ({min_isr}) is larger than replication_factor ({rf}): "
            "no write with acks=all could ever succeed."
        )
    return errors


@dataclass
class TopicPlan:
    """What to do to a topic: create it, or update its partitions and/or configs; or fail."""

    create: bool = False
    partitions: int | None = None
    configs_to_set: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.create or self.partitions is not None or bool(self.configs_to_set)


def plan_topic(
    current: Mapping[str, Any] | None,
    name: str,
    partitions: int | None,
    replication_factor: int | None,
    configs: Mapping[str, Any] | None,
) -> TopicPlan:
    """Compare a topic as DescribeTopic returns it (``None``: missing) with the wanted settings.

    ``current["Configs"]`` is the decoded dict (see :func:`describe_topic`). Partitions only grow;
    the replication factor cannot change after creation; only the config keys in ``configs`` are
    compared (AWS does not report defaults, so a missing key means "the default").
    """
    wanted_configs = normalize_configs(configs)
    if current is None:
        plan = TopicPlan(create=True, partitions=partitions, configs_to_set=wanted_configs)
        for option, value in (("partitions", partitions), ("replication_factor", replication_factor)):
            if value is None:
                plan.errors.append(f"{option} is required to create the topic {name}.")
        return plan

    plan = TopicPlan()
    have_partitions = int(current.get("PartitionCount") or 0)
    have_rf = int(current.get("ReplicationFactor") or 0)
    if replication_factor is not None and replication_factor != have_rf:
        plan.errors.append(
            f"The replication factor of the topic {name} is fixed after creation: it is {have_rf}, "
            f"replication_factor asks for {replication_factor}. Recreate the topic (state=absent, then present) "
            "or reassign its partitions outside this module."
        )
    if partitions is not None and partitions < have_partitions:
        plan.errors.append(
            f"The topic {name} has {have_partitions} partitions; Kafka cannot decrease a partition count "
            f"(partitions asks for {partitions})."
        )
    elif partitions is not None and partitions > have_partitions:
        plan.partitions = partitions
    have_configs = current.get("Configs") or {}
    plan.configs_to_set = {k: v for k, v in wanted_configs.items() if have_configs.get(k) != v}
    min_isr = {**have_configs, **wanted_configs}.get("min.insync.replicas")
    if plan.configs_to_set and min_isr is not None and min_isr.isdigit() and int(min_isr) > have_rf:
        plan.errors.append(
            f"configs min.insync.replicas ({min_isr}) is larger than the replication factor ({have_rf}) "
            f"of the topic {name}."
        )
    return plan


def topic_view(topic: Mapping[str, Any] | None, config_keys: list[str] | None = None) -> dict[str, Any]:
    """The part of a topic the diff shows: name, partitions, replication factor, configs (managed keys)."""
    if not topic:
        return {}
    configs = dict(topic.get("Configs") or {})
    if config_keys is not None:
        configs = {k: v for k, v in configs.items() if k in config_keys}
    return {
        "name": topic.get("TopicName"),
        "partitions": topic.get("PartitionCount"),
        "replication_factor": topic.get("ReplicationFactor"),
        "configs": configs,
    }


def predicted_topic(
    current: Mapping[str, Any] | None, name: str, plan: TopicPlan, replication_factor: int | None
) -> dict[str, Any]:
    """The topic as it will be once ``plan`` is applied (check mode, and right after a write)."""
    topic = dict(current or {"TopicName": name, "ReplicationFactor": replication_factor, "Configs": {}})
    if plan.partitions is not None:
        topic["PartitionCount"] = plan.partitions
    topic["Configs"] = {**(topic.get("Configs") or {}), **plan.configs_to_set}
    return topic


def to_ansible(topic: Mapping[str, Any] | None) -> dict[str, Any]:
    """A topic as the module returns it (snake_case, configs as a dict of strings)."""
    if not topic:
        return {}
    result = {
        "topic_name": topic.get("TopicName"),
        "topic_arn": topic.get("TopicArn"),
        "partition_count": topic.get("PartitionCount"),
        "replication_factor": topic.get("ReplicationFactor"),
        "configs": dict(topic.get("Configs") or {}),
    }
    if topic.get("Status"):
        result["status"] = topic["Status"]
    return result


# --------------------------------------------------------------------------- AWS calls


def describe_topic(client: Any, cluster_arn: str, name: str) -> dict[str, Any] | None:
    """DescribeTopic with ``Configs`` decoded; ``None`` when the topic does not exist."""
    try:
        topic = client.describe_topic(ClusterArn=cluster_arn, TopicName=name, aws_retry=True)
    except is_boto3_error_code(MISSING):
        return None
    topic.pop("ResponseMetadata", None)
    topic["Configs"] = decode_configs(topic.get("Configs"))
    return topic


def list_topics(client: Any, cluster_arn: str, prefix: str | None = None) -> list[dict[str, Any]]:
    """Every topic of the cluster (ListTopics, all pages), optionally only names starting with ``prefix``."""
    params: dict[str, Any] = {"ClusterArn": cluster_arn}
    if prefix:
        params["TopicNameFilter"] = prefix
    return paginate(client.list_topics, "Topics", **params)


def create_topic(
    client: Any, cluster_arn: str, name: str, partitions: int, replication_factor: int, configs: Mapping[str, str]
) -> dict[str, Any]:
    params: dict[str, Any] = {
        "ClusterArn": cluster_arn,
        "TopicName": name,
        "PartitionCount": partitions,
        "ReplicationFactor": replication_factor,
    }
    if configs:
        params["Configs"] = encode_configs(configs)
    return client.create_topic(aws_retry=True, **params)


def update_topic(
    client: Any,
    cluster_arn: str,
    name: str,
    partitions: int | None,
    configs: Mapping[str, str] | None,
) -> dict[str, Any]:
    """UpdateTopic: the new partition count and/or the full set of configs (current merged with wanted)."""
    params: dict[str, Any] = {"ClusterArn": cluster_arn, "TopicName": name}
    if partitions is not None:
        params["PartitionCount"] = partitions
    if configs:
        params["Configs"] = encode_configs(configs)
    return client.update_topic(aws_retry=True, **params)


def delete_topic(client: Any, cluster_arn: str, name: str) -> bool:
    """DeleteTopic; ``False`` when the topic was already gone."""
    try:
        client.delete_topic(ClusterArn=cluster_arn, TopicName=name, aws_retry=True)
    except is_boto3_error_code(MISSING):
        return False
    return True


# --------------------------------------------------------------------------- clusters


def find_cluster(client: Any, name: str) -> dict[str, Any] | None:
    """The provisioned cluster named ``name`` (ListClusters filters on a name prefix), or ``None``."""
    clusters = paginate(client.list_clusters, "ClusterInfoList", ClusterNameFilter=name)
    matches = [c for c in clusters if c.get("ClusterName") == name]
    return matches[0] if matches else None


def describe_cluster(client: Any, cluster_arn: str) -> dict[str, Any] | None:
    """DescribeCluster; ``None`` when the cluster does not exist (any more)."""
    try:
        return client.describe_cluster(ClusterArn=cluster_arn, aws_retry=True)["ClusterInfo"]
    except is_boto3_error_code("NotFoundException"):
        return None


#: The states in which GetBootstrapBrokers answers.
SERVING_STATES = ("ACTIVE", "UPDATING", "HEALING", "REBOOTING_BROKER")


def bootstrap_brokers(client: Any, cluster: Mapping[str, Any]) -> dict[str, str]:
    """GetBootstrapBrokers as ``{"sasl_iam": ..., "tls": ..., ...}`` (``{}`` while the cluster is not serving)."""
    if cluster.get("State") not in SERVING_STATES:
        return {}
    response = client.get_bootstrap_brokers(ClusterArn=cluster["ClusterArn"], aws_retry=True)
    names = {
        "BootstrapBrokerString": "plaintext",
        "BootstrapBrokerStringTls": "tls",
        "BootstrapBrokerStringSaslScram": "sasl_scram",
        "BootstrapBrokerStringSaslIam": "sasl_iam",
        "BootstrapBrokerStringPublicTls": "public_tls",
        "BootstrapBrokerStringPublicSaslScram": "public_sasl_scram",
        "BootstrapBrokerStringPublicSaslIam": "public_sasl_iam",
    }
    return {short: response[key] for key, short in names.items() if response.get(key)}


def cluster_arn_parts(cluster_arn: str) -> dict[str, str]:
    """``{"prefix": "arn:aws:kafka:REGION:ACCOUNT", "name": ..., "uuid": ...}`` of a cluster ARN.

    Topic and group ARNs (IAM access control) are ``<prefix>:topic/<name>/<uuid>/<topic>`` and
    ``<prefix>:group/<name>/<uuid>/<group>``.
    """
    prefix, _, resource = cluster_arn.partition(":cluster/")
    name, _, uuid = resource.partition("/")
    if not prefix or not name or not uuid:
        raise ValueError(f"{cluster_arn!r} is not an MSK cluster ARN")
    return {"prefix": prefix, "name": name, "uuid": uuid}


# --------------------------------------------------------------------------- storage autoscaling

STORAGE_DIMENSION = "kafka:broker-storage:VolumeSize"
STORAGE_METRIC = "KafkaBrokerStorageUtilization"


@dataclass
class StoragePlan:
    register_target: bool = False
    put_policy: bool = False
    differences: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return self.register_target or self.put_policy


def plan_storage_autoscaling(
    target: Mapping[str, Any] | None,
    policy: Mapping[str, Any] | None,
    min_capacity: int,
    max_capacity: int,
    target_utilization: float,
) -> StoragePlan:
    """Compare the scalable target and its target-tracking policy with what is wanted.

    MSK never scales storage in, so the policy always has ``DisableScaleIn``.
    """
    plan = StoragePlan()
    have_target = {k: (target or {}).get(k) for k in ("MinCapacity", "MaxCapacity")}
    want_target = {"MinCapacity": min_capacity, "MaxCapacity": max_capacity}
    for key, want in want_target.items():
        if have_target[key] != want:
            plan.register_target = True
            plan.differences[key] = (have_target[key], want)
    config = (policy or {}).get("TargetTrackingScalingPolicyConfiguration") or {}
    metric = (config.get("PredefinedMetricSpecification") or {}).get("PredefinedMetricType")
    have_policy = (policy is not None, config.get("TargetValue"), metric, config.get("DisableScaleIn"))
    want_policy = (True, float(target_utilization), STORAGE_METRIC, True)
    if have_policy != want_policy:
        plan.put_policy = True
        plan.differences["TargetValue"] = (config.get("TargetValue"), float(target_utilization))
    return plan


def storage_policy_request(cluster_arn: str, policy_name: str, target_utilization: float) -> dict[str, Any]:
    return {
        "PolicyName": policy_name,
        "ServiceNamespace": "kafka",
        "ResourceId": cluster_arn,
        "ScalableDimension": STORAGE_DIMENSION,
        "PolicyType": "TargetTrackingScaling",
        "TargetTrackingScalingPolicyConfiguration": {
            "TargetValue": float(target_utilization),
            "PredefinedMetricSpecification": {"PredefinedMetricType": STORAGE_METRIC},
            "DisableScaleIn": True,
        },
    }


def describe_storage_autoscaling(
    client: Any, cluster_arn: str, policy_name: str
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The cluster's broker-storage scalable target and its policy named ``policy_name`` (each may be ``None``)."""
    targets = paginate(
        client.describe_scalable_targets,
        "ScalableTargets",
        ServiceNamespace="kafka",
        ResourceIds=[cluster_arn],
        ScalableDimension=STORAGE_DIMENSION,
    )
    if not targets:
        return None, None
    policies = paginate(
        client.describe_scaling_policies,
        "ScalingPolicies",
        ServiceNamespace="kafka",
        ResourceId=cluster_arn,
        ScalableDimension=STORAGE_DIMENSION,
        PolicyNames=[policy_name],
    )
    return targets[0], (policies[0] if policies else None)


# --------------------------------------------------------------------------- platform topics

#: Kafka's own and MSK's internal topics, never purged.
INTERNAL_TOPIC_PREFIXES = ("__", "_confluent", "_schemas")


class TopicSpecError(ValueError):
    """A topic list that cannot work on the cluster (raised before any AWS call)."""


def platform_topics(
    topics: list[Mapping[str, Any]],
    broker_count: int,
    partition_factor: int = 1,
    replication_factor: int | None = None,
    min_insync_replicas: int | None = None,
    retention_factor: float = 1,
) -> list[dict[str, Any]]:
    """The topics to create, sized for an environment, validated against the cluster.

    Each input item: ``name``, ``partitions`` (scaled by ``partition_factor``), optional
    ``replication_factor`` (default: ``replication_factor``), ``retention_hours`` (scaled by
    ``retention_factor``; ``-1`` keeps forever), ``cleanup_policy``, ``configs`` (extra topic
    configs). ``min_insync_replicas`` applies unless the item's configs set it.

    :raises TopicSpecError: duplicate or invalid names, a replication factor above the broker
        count, min.insync.replicas above the replication factor, partitions < 1.
    """
    errors: list[str] = []
    result: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in topics:
        name = str(item.get("name", ""))
        if not TOPIC_NAME.match(name) or name in (".", ".."):
            errors.append(f"msk_topics: {name!r} is not a valid topic name.")
            continue
        if name in seen:
            errors.append(f"msk_topics: the topic {name} is listed twice.")
        seen.add(name)
        partitions = int(item.get("partitions", 1)) * int(partition_factor)
        rf = int(item.get("replication_factor") or replication_factor or broker_count)
        configs = normalize_configs(item.get("configs"))
        if "retention_hours" in item and "retention.ms" not in configs:
            hours = float(item["retention_hours"])
            configs["retention.ms"] = "-1" if hours < 0 else str(int(hours * float(retention_factor) * 3600 * 1000))
        if item.get("cleanup_policy") and "cleanup.policy" not in configs:
            configs["cleanup.policy"] = str(item["cleanup_policy"])
        if min_insync_replicas is not None and "min.insync.replicas" not in configs:
            configs["min.insync.replicas"] = str(int(min_insync_replicas))
        if partitions < 1:
            errors.append(f"msk_topics: {name} has {partitions} partitions; at least 1 is needed.")
        if rf < 1 or rf > int(broker_count):
            errors.append(
                f"msk_topics: {name} has replication factor {rf}, but msk_broker_count is {broker_count} "
                "(the replication factor must be between 1 and the broker count)."
            )
        isr = configs.get("min.insync.replicas")
        if isr is not None and (not isr.isdigit() or int(isr) > rf):
            errors.append(
                f"msk_topics: {name} has min.insync.replicas {isr} above its replication factor {rf}: "
                "no producer with acks=all could write to it."
            )
        result.append({"name": name, "partitions": partitions, "replication_factor": rf, "configs": configs})
    if errors:
        raise TopicSpecError(" ".join(errors))
    return result
