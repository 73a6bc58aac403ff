#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: msk_topic
version_added: 0.1.0
short_description: Manage a topic of an Amazon MSK cluster
description:
  - Create, update and delete a Kafka topic of a provisioned Amazon MSK cluster through the MSK
    control-plane API (C(CreateTopic), C(DescribeTopic), C(UpdateTopic), C(DeleteTopic)), so the
    controller needs no network path to the brokers.
  - Partitions only grow; asking for fewer partitions than the topic has is an error, made before any change.
  - The replication factor is fixed once the topic exists; asking for another one is an error, made before any change.
  - Topic configurations are compared key by key for the keys in O(configs), as strings (the API
    reports the configurations set on the topic, not the broker defaults). A key left out of
    O(configs) is left as it is.
requirements:
  - boto3 >= 1.44 (the MSK topic API)
author:
  - ecap.platform contributors
options:
  cluster_arn:
    description:
      - The ARN of the MSK cluster (C(arn:aws:kafka:REGION:ACCOUNT:cluster/NAME/UUID)).
    type: str
    required: true
  name:
    description:
      - The name of the topic (1 to 249 ASCII letters, digits, C(.), C(_) and C(-)).
    type: str
    required: true
    aliases: [topic_name]
  partitions:
    description:
      - The number of partitions. Required to create the topic.
      - Can only grow; a smaller number than the topic has fails.
    type: int
  replication_factor:
    description:
      - The number of replicas of each partition; at most the cluster's broker count. Required to create the topic.
      - Cannot change once the topic exists; another value fails.
    type: int
  configs:
    description:
      - Topic-level Kafka configurations, for example C(retention.ms), C(cleanup.policy),
        C(min.insync.replicas), C(compression.type).
      - Values are sent and compared as strings; booleans become C(true)/C(false).
      - Unknown configuration names are refused by MSK.
    type: dict
  state:
    description:
      - V(present) creates or updates the topic, V(absent) deletes it.
    type: str
    default: present
    choices: [present, absent]
notes:
  - Supports check mode and diff mode.
  - API calls are retried on throttling with jittered backoff.
  - AWS documents that DescribeTopic reflects changes after about a minute; a create that AWS refuses
    because the topic already exists is reported as no change, with a warning.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Create the orders topic
  ecap.platform.msk_topic:
    cluster_arn: "{{ msk_outputs.cluster_arn }}"
    name: orders
    partitions: 6
    replication_factor: 3
    configs:
      retention.ms: 604800000
      min.insync.replicas: 2
      compression.type: zstd

- name: A compacted topic
  ecap.platform.msk_topic:
    cluster_arn: "{{ msk_outputs.cluster_arn }}"
    name: product-catalog
    partitions: 3
    replication_factor: 3
    configs:
      cleanup.policy: compact

- name: Delete a topic
  ecap.platform.msk_topic:
    cluster_arn: "{{ msk_outputs.cluster_arn }}"
    name: orders
    state: absent
"""

RETURN = r"""
topic:
  description:
    - The topic as DescribeTopic describes it, or, right after a change and in check mode, as it will be.
    - Empty with O(state=absent).
  returned: always
  type: dict
  contains:
    topic_name:
      description: The name of the topic.
      returned: success
      type: str
      sample: orders
    topic_arn:
      description: The ARN of the topic.
      returned: when the topic exists
      type: str
      sample: arn:aws:kafka:us-west-2:123456789012:topic/ecap-dev-msk/0b5e.../orders
    partition_count:
      description: The number of partitions.
      returned: success
      type: int
      sample: 6
    replication_factor:
      description: The replication factor.
      returned: success
      type: int
      sample: 3
    configs:
      description: The configurations set on the topic (strings; broker defaults are not listed).
      returned: success
      type: dict
      sample: {"retention.ms": "604800000", "cleanup.policy": "delete"}
    status:
      description: The state of the topic (C(CREATING), C(UPDATING), C(ACTIVE), C(DELETING)).
      returned: when AWS reports it
      type: str
      sample: ACTIVE
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils.common import client, make_diff
from ansible_collections.ecap.platform.plugins.module_utils.msk import (
    create_topic,
    delete_topic,
    describe_topic,
    normalize_configs,
    plan_topic,
    predicted_topic,
    to_ansible,
    topic_view,
    update_topic,
    validate_topic,
)


def ensure_present(connection, module: AnsibleAWSModule) -> None:
    params = module.params
    cluster_arn, name = params["cluster_arn"], params["name"]
    current = describe_topic(connection, cluster_arn, name)
    plan = plan_topic(current, name, params["partitions"], params["replication_factor"], params["configs"])
    if plan.errors:
        module.fail_json(msg=" ".join(plan.errors))
    managed = list(normalize_configs(params["configs"]))
    if not plan.changed:
        module.exit_json(changed=False, topic=to_ansible(current))

    after = predicted_topic(current, name, plan, params["replication_factor"])
    if not module.check_mode:
        if plan.create:
            try:
                response = create_topic(
                    connection, cluster_arn, name, plan.partitions, params["replication_factor"], plan.configs_to_set
                )
            except is_boto3_error_code("TopicExistsException"):
                module.warn(
                    f"MSK reports that the topic {name} already exists but does not describe it yet; retry later."
                )
                module.exit_json(changed=False, topic=to_ansible(after))
        else:
            configs = {**(current.get("Configs") or {}), **plan.configs_to_set} if plan.configs_to_set else None
            response = update_topic(connection, cluster_arn, name, plan.partitions, configs)
        after.update({k: response[k] for k in ("TopicArn", "Status") if response.get(k)})
    module.exit_json(
        changed=True,
        topic=to_ansible(after),
        diff=make_diff(topic_view(current, managed), topic_view(after, managed)),
    )


def ensure_absent(connection, module: AnsibleAWSModule) -> None:
    cluster_arn, name = module.params["cluster_arn"], module.params["name"]
    current = describe_topic(connection, cluster_arn, name)
    if current is None:
        module.exit_json(changed=False, topic={})
    if not module.check_mode and not delete_topic(connection, cluster_arn, name):
        module.exit_json(changed=False, topic={})
    module.exit_json(changed=True, topic={}, diff=make_diff(topic_view(current), {}))


def main() -> None:
    argument_spec = dict(
        cluster_arn=dict(type="str", required=True),
        name=dict(type="str", required=True, aliases=["topic_name"]),
        partitions=dict(type="int"),
        replication_factor=dict(type="int"),
        configs=dict(type="dict"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    errors = validate_topic(module.params)
    if errors:
        module.fail_json(msg=" ".join(errors))

    connection = client(module, "kafka")
    try:
        if module.params["state"] == "present":
            ensure_present(connection, module)
        else:
            ensure_absent(connection, module)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage the MSK topic {module.params['name']}")


if __name__ == "__main__":
    main()
