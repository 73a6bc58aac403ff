#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: msk_topic_info
version_added: 0.1.0
short_description: Describe the topics of an Amazon MSK cluster
description:
  - Lists the topics of a provisioned Amazon MSK cluster through the MSK control-plane API, each
    with its partitions, replication factor and the configurations set on it.
requirements:
  - boto3 >= 1.44 (the MSK topic API)
author:
  - ecap.platform contributors
options:
  cluster_arn:
    description:
      - The ARN of the MSK cluster.
    type: str
    required: true
  name:
    description:
      - Describe only this topic (an empty list when it does not exist).
    type: str
    aliases: [topic_name]
  name_prefix:
    description:
      - Only the topics whose name starts with this prefix.
    type: str
  configs:
    description:
      - Describe each topic to return its configurations (one DescribeTopic call per topic).
      - With V(false), only what ListTopics returns (no C(configs)).
    type: bool
    default: true
notes:
  - Supports check mode (it changes nothing).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Read the topics of the cluster
  ecap.platform.msk_topic_info:
    cluster_arn: "{{ msk_outputs.cluster_arn }}"
  register: __topics

- name: Read one topic
  ecap.platform.msk_topic_info:
    cluster_arn: "{{ msk_outputs.cluster_arn }}"
    name: orders
"""

RETURN = r"""
topics:
  description: The topics, sorted by name.
  returned: always
  type: list
  elements: dict
  contains:
    topic_name:
      description: The name of the topic.
      returned: always
      type: str
      sample: orders
    topic_arn:
      description: The ARN of the topic.
      returned: always
      type: str
      sample: arn:aws:kafka:us-west-2:123456789012:topic/ecap-dev-msk/0b5e.../orders
    partition_count:
      description: The number of partitions.
      returned: always
      type: int
      sample: 6
    replication_factor:
      description: The replication factor.
      returned: always
      type: int
      sample: 3
    configs:
      description: The configurations set on the topic, as strings.
      returned: when O(configs=true)
      type: dict
      sample: {"retention.ms": "604800000"}
    status:
      description: The state of the topic.
      returned: when O(configs=true)
      type: str
      sample: ACTIVE
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils.common import client
from ansible_collections.ecap.platform.plugins.module_utils.msk import describe_topic, list_topics, to_ansible


def main() -> None:
    argument_spec = dict(
        cluster_arn=dict(type="str", required=True),
        name=dict(type="str", aliases=["topic_name"]),
        name_prefix=dict(type="str"),
        configs=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec, mutually_exclusive=[["name", "name_prefix"]], supports_check_mode=True
    )
    connection = client(module, "kafka")
    cluster_arn = module.params["cluster_arn"]
    try:
        if module.params["name"]:
            topic = describe_topic(connection, cluster_arn, module.params["name"])
            topics = [topic] if topic else []
        else:
            listed = list_topics(connection, cluster_arn, module.params["name_prefix"])
            if module.params["configs"]:
                described = (describe_topic(connection, cluster_arn, t["TopicName"]) for t in listed)
                topics = [t for t in described if t]
            else:
                topics = listed
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to describe the topics of {cluster_arn}")
    results = []
    for topic in sorted(topics, key=lambda t: t["TopicName"]):
        item = to_ansible(topic)
        if not module.params["configs"] and not module.params["name"]:
            item.pop("configs", None)
        results.append(item)
    module.exit_json(changed=False, topics=results)


if __name__ == "__main__":
    main()
