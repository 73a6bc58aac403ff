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
