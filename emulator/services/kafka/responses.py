"""Amazon MSK request handlers: configurations, cluster updates and operations, brokers, topics.

moto's dispatcher resolves the operation from botocore's model; its URL patterns already cover
``/v1/clusters/...``; the configuration and operation paths get their own patterns.
"""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import unquote

from moto.kafka.responses import KafkaResponse

from emulator.extensions import add_url_paths, extension, override
from emulator.services.kafka import models


def _uri(self: KafkaResponse, name: str) -> str:
    value = self.uri_match.get(name)
    if value is None:
        raise KeyError(name)
    return unquote(value)


def _int(value: Any) -> int | None:
    return None if value in (None, "") else int(value)


def _page(self: KafkaResponse, items: list[Any], key: str) -> str:
    """One page of ``items`` (``maxResults``/``nextToken`` are an offset here)."""
    start = int(self._get_param("nextToken") or 0)
    size = int(self._get_param("maxResults") or 100)
    body: dict[str, Any] = {key: items[start : start + size]}
    if start + size < len(items):
        body["nextToken"] = str(start + size)
    return json.dumps(body)


def _blob(self: KafkaResponse, name: str) -> bytes:
    value = self._get_param(name)
    if value is None:
        raise models.BadRequestException(f"{name} is required.")
    try:
        return base64.b64decode(value, validate=True)
    except ValueError:
        raise models.BadRequestException(f"{name} must be Base64-encoded.") from None


# --- configurations -----------------------------------------------------------------------------


def create_configuration(self: KafkaResponse) -> str:
    config = self.kafka_backend.create_configuration(
        self._get_param("name"),
        self._get_param("description"),
        self._get_param("kafkaVersions"),
        _blob(self, "serverProperties"),
    )
    data = config.to_dict()
    return json.dumps({k: data[k] for k in ("arn", "creationTime", "latestRevision", "name", "state")})


def describe_configuration(self: KafkaResponse) -> str:
    return json.dumps(models.find_configuration(self.kafka_backend, _uri(self, "arn")).to_dict())


def describe_configuration_revision(self: KafkaResponse) -> str:
    arn = _uri(self, "arn")
    revision = self.kafka_backend.describe_configuration_revision(arn, int(_uri(self, "revision")))
    return json.dumps(
        {
            "arn": arn,
            "creationTime": revision.creation_time,
            "description": revision.description,
            "revision": revision.revision,
            "serverProperties": base64.b64encode(revision.server_properties).decode(),
        }
    )


def list_configurations(self: KafkaResponse) -> str:
    configs = [c.to_dict() for c in models.configurations(self.kafka_backend).values()]
    return _page(self, configs, "configurations")


def list_configuration_revisions(self: KafkaResponse) -> str:
    config = models.find_configuration(self.kafka_backend, _uri(self, "arn"))
    return _page(self, [r.summary() for r in config.revisions], "revisions")


def update_configuration(self: KafkaResponse) -> str:
    config = self.kafka_backend.update_configuration(
        _uri(self, "arn"), self._get_param("description"), _blob(self, "serverProperties")
    )
    return json.dumps({"arn": config.arn, "latestRevision": config.latest.summary()})


def delete_configuration(self: KafkaResponse) -> str:
    config = self.kafka_backend.delete_configuration(_uri(self, "arn"))
    return json.dumps({"arn": config.arn, "state": config.state})


# --- cluster updates and operations -------------------------------------------------------------


def _operation(self: KafkaResponse, arn: str) -> str:
    return json.dumps({"clusterArn": _uri(self, "clusterArn"), "clusterOperationArn": arn})


def update_cluster_configuration(self: KafkaResponse) -> str:
    arn = self.kafka_backend.update_cluster_configuration(
        _uri(self, "clusterArn"), self._get_param("currentVersion"), self._get_param("configurationInfo") or {}
    )
    return _operation(self, arn)


def update_monitoring(self: KafkaResponse) -> str:
    arn = self.kafka_backend.update_monitoring(
        _uri(self, "clusterArn"),
        self._get_param("currentVersion"),
        self._get_param("enhancedMonitoring"),
        self._get_param("openMonitoring"),
        self._get_param("loggingInfo"),
    )
    return _operation(self, arn)


def update_broker_storage(self: KafkaResponse) -> str:
    arn = self.kafka_backend.update_broker_storage(
        _uri(self, "clusterArn"), self._get_param("currentVersion"), self._get_param("targetBrokerEBSVolumeInfo")
    )
    return _operation(self, arn)


def update_broker_count(self: KafkaResponse) -> str:
    arn = self.kafka_backend.update_broker_count(
        _uri(self, "clusterArn"), self._get_param("currentVersion"), self._get_param("targetNumberOfBrokerNodes")
    )
    return _operation(self, arn)


def describe_cluster_operation(self: KafkaResponse) -> str:
    op = self.kafka_backend.describe_cluster_operation(_uri(self, "clusterOperationArn"))
    return json.dumps({"clusterOperationInfo": op.to_dict()})


def describe_cluster_operation_v2(self: KafkaResponse) -> str:
    op = self.kafka_backend.describe_cluster_operation(_uri(self, "clusterOperationArn"))
    return json.dumps({"clusterOperationInfo": op.to_dict(v2=True)})


def list_cluster_operations(self: KafkaResponse) -> str:
    ops = self.kafka_backend.list_cluster_operations(_uri(self, "clusterArn"))
    return _page(self, [op.to_dict() for op in ops], "clusterOperationInfoList")


# --- brokers ------------------------------------------------------------------------------------


def get_bootstrap_brokers(self: KafkaResponse) -> str:
    return json.dumps(self.kafka_backend.get_bootstrap_brokers(_uri(self, "clusterArn")))


def list_nodes(self: KafkaResponse) -> str:
    return _page(self, self.kafka_backend.list_nodes(_uri(self, "clusterArn")), "nodeInfoList")


# --- topics -------------------------------------------------------------------------------------


def create_topic(self: KafkaResponse) -> str:
    topic = self.kafka_backend.create_topic(
        _uri(self, "clusterArn"),
        self._get_param("topicName"),
        self._get_param("partitionCount"),
        self._get_param("replicationFactor"),
        self._get_param("configs"),
    )
    return json.dumps({"topicArn": topic.arn, "topicName": topic.name, "status": "CREATING"})


def describe_topic(self: KafkaResponse) -> str:
    return json.dumps(self.kafka_backend.describe_topic(_uri(self, "clusterArn"), _uri(self, "topicName")).describe())


def list_topics(self: KafkaResponse) -> str:
    topics = self.kafka_backend.list_topics(_uri(self, "clusterArn"), self._get_param("topicNameFilter"))
    return _page(self, [t.to_info() for t in topics], "topics")


def update_topic(self: KafkaResponse) -> str:
    topic = self.kafka_backend.update_topic(
        _uri(self, "clusterArn"),
        _uri(self, "topicName"),
        self._get_param("configs"),
        _int(self._get_param("partitionCount")),
    )
    return json.dumps({"topicArn": topic.arn, "topicName": topic.name, "status": "UPDATING"})


def delete_topic(self: KafkaResponse) -> str:
    topic = self.kafka_backend.delete_topic(_uri(self, "clusterArn"), _uri(self, "topicName"))
    return json.dumps({"topicArn": topic.arn, "topicName": topic.name, "status": "DELETING"})


@extension("kafka", "ListClusters", "CreateConfiguration", "GetBootstrapBrokers", "CreateTopic")
def handlers() -> None:
    """Request handlers of the MSK configurations, cluster update, broker and topic APIs moto 5.2.5 lacks."""
    add_url_paths(
        "kafka",
        {
            "{0}/v1/configurations$": KafkaResponse.dispatch,
            "{0}/v1/configurations/(?P<arn>.+)$": KafkaResponse.dispatch,
            "{0}/v1/operations/(?P<clusterOperationArn>.+)$": KafkaResponse.dispatch,
            "{0}/api/v2/operations/(?P<clusterOperationArn>.+)$": KafkaResponse.dispatch,
        },
    )
    for function in (
        create_configuration,
        describe_configuration,
        describe_configuration_revision,
        list_configurations,
        list_configuration_revisions,
        update_configuration,
        delete_configuration,
        update_cluster_configuration,
        update_monitoring,
        update_broker_storage,
        update_broker_count,
        describe_cluster_operation,
        describe_cluster_operation_v2,
        list_cluster_operations,
        get_bootstrap_brokers,
        list_nodes,
        create_topic,
        describe_topic,
        list_topics,
        update_topic,
        delete_topic,
    ):
        override(KafkaResponse, function)
