# Copyright: ecap.platform contributors
# MIT License
"""Filters for the msk tier: the platform's topics sized per environment, ARNs for IAM policies."""

from __future__ import annotations

DOCUMENTATION = r"""
name: msk_topics
short_description: Size and validate the MSK topics of an environment
description:
  - Scales each topic's partitions and retention for the environment, fills in the replication
    factor and min.insync.replicas, and fails with a message naming C(msk_topics) when a topic
    cannot work on the cluster (replication factor above the broker count, min.insync.replicas
    above the replication factor, bad or duplicate names).
options:
  _input:
    description: The topics (msk_topics), each with C(name), C(partitions) and optional C(replication_factor),
      C(retention_hours), C(cleanup_policy), C(configs).
    type: list
    elements: dict
    required: true
  broker_count:
    description: The cluster's broker count (msk_broker_count).
    type: int
    required: true
  partition_factor:
    description: Multiplies every topic's partitions.
    type: int
    default: 1
  replication_factor:
    description: The replication factor of topics that do not set one (default the broker count).
    type: int
  min_insync_replicas:
    description: min.insync.replicas of topics that do not set one.
    type: int
  retention_factor:
    description: Multiplies every topic's retention_hours.
    type: float
    default: 1
"""

# msk_topic_arns(cluster_arn, names) and msk_group_arn(cluster_arn, pattern) build the
# topic/group ARNs of IAM access control: <prefix>:topic/<cluster name>/<cluster uuid>/<topic>.

EXAMPLES = r"""
- name: Size the topics
  ansible.builtin.set_fact:
    topics: "{{ msk_topics | ecap.platform.msk_topics(broker_count=3, partition_factor=2) }}"
"""

RETURN = r"""
_value:
  description: The topics, each C(name), C(partitions), C(replication_factor) and C(configs) (strings).
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.ecap.platform.plugins.module_utils.msk import (
    TopicSpecError,
    cluster_arn_parts,
    platform_topics,
)


def _msk_topics(
    topics, broker_count, partition_factor=1, replication_factor=None, min_insync_replicas=None, retention_factor=1
):
    try:
        return platform_topics(
            list(topics or []),
            int(broker_count),
            int(partition_factor),
            int(replication_factor) if replication_factor not in (None, "") else None,
            int(min_insync_replicas) if min_insync_replicas not in (None, "") else None,
            float(retention_factor),
        )
    except (TopicSpecError, TypeError, ValueError) as exc:
        raise AnsibleFilterError(str(exc)) from None


def _arn(cluster_arn, kind, name):
    try:
        parts = cluster_arn_parts(str(cluster_arn))
    except ValueError as exc:
        raise AnsibleFilterError(str(exc)) from None
    return f"{parts['prefix']}:{kind}/{parts['name']}/{parts['uuid']}/{name}"


def _msk_topic_arns(cluster_arn, names):
    return [_arn(cluster_arn, "topic", name) for name in names]


def _msk_group_arn(cluster_arn, pattern):
    return _arn(cluster_arn, "group", pattern)


class FilterModule:
    def filters(self):
        return {"msk_topics": _msk_topics, "msk_topic_arns": _msk_topic_arns, "msk_group_arn": _msk_group_arn}
