#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: msk_topics
version_added: 0.1.0
short_description: Manage the set of topics of an Amazon MSK cluster in one call
description:
  - The list form of M(ecap.platform.msk_topic), with the same rules, for a role that manages many
    topics (one module run instead of one per topic), with an optional purge of the topics not listed.
  - Every topic is planned before any change; if one cannot be converged (fewer partitions than it
    has, another replication factor, min.insync.replicas above the replication factor) the module
    fails naming each such topic and changes nothing.
  - Kafka's and MSK's internal topics (names starting with C(__)) are never purged.
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
  topics:
    description:
      - The topics. Each item takes the options of M(ecap.platform.msk_topic).
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: The name of the topic.
        type: str
        required: true
      partitions:
        description: The number of partitions (only grows). Required to create the topic.
        type: int
      replication_factor:
        description: The replication factor (fixed after creation). Required to create the topic.
        type: int
      configs:
        description: Topic-level configurations, compared as strings for the keys given.
        type: dict
  purge:
    description:
      - With O(state=present), delete the topics of the cluster that O(topics) does not list
        (internal topics excepted).
    type: bool
    default: false
  state:
    description:
      - V(present) creates or updates the listed topics, V(absent) deletes them.
    type: str
    default: present
    choices: [present, absent]
notes:
  - Supports check mode and diff mode.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Converge the platform's topics, deleting any other
  ecap.platform.msk_topics:
    cluster_arn: "{{ msk_outputs.cluster_arn }}"
    purge: true
    topics:
      - name: orders
        partitions: 6
        replication_factor: 3
        configs:
          retention.ms: 604800000
      - name: product-catalog
        partitions: 3
        replication_factor: 3
        configs:
          cleanup.policy: compact
"""

RETURN = r"""
topics:
  description: The listed topics as they are (or, in check mode, will be); empty with O(state=absent).
  returned: always
  type: list
  elements: dict
  sample: [{"topic_name": "orders", "partition_count": 6, "replication_factor": 3, "configs": {}}]
created:
  description: The topics created (or that would be).
  returned: always
  type: list
  elements: str
  sample: ["orders"]
updated:
  description: The topics whose partitions or configs changed (or would).
  returned: always
  type: list
  elements: str
  sample: ["clickstream"]
deleted:
  description: The topics deleted (or that would be).
  returned: always
  type: list
  elements: str
  sample: ["old-topic"]
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils.common import client, make_diff
from ansible_collections.ecap.platform.plugins.module_utils.msk import (
    INTERNAL_TOPIC_PREFIXES,
    create_topic,
    delete_topic,
    describe_topic,
    list_topics,
    normalize_configs,
    plan_topic,
    predicted_topic,
    to_ansible,
    topic_view,
    update_topic,
    validate_topic,
)


def main() -> None:
    topic_spec = dict(
        name=dict(type="str", required=True),
        partitions=dict(type="int"),
        replication_factor=dict(type="int"),
        configs=dict(type="dict"),
    )
    module = AnsibleAWSModule(
        argument_spec=dict(
            cluster_arn=dict(type="str", required=True),
            topics=dict(type="list", elements="dict", required=True, options=topic_spec),
            purge=dict(type="bool", default=False),
            state=dict(type="str", default="present", choices=["present", "absent"]),
        ),
        supports_check_mode=True,
    )
    params = module.params
    cluster_arn, state = params["cluster_arn"], params["state"]
    names = [t["name"] for t in params["topics"]]
    errors = [e for t in params["topics"] for e in validate_topic({**t, "cluster_arn": cluster_arn, "state": state})]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        errors.append(f"topics lists {', '.join(duplicates)} more than once.")
    if errors:
        module.fail_json(msg=" ".join(dict.fromkeys(errors)))

    connection = client(module, "kafka")
    try:
        listed = {t["TopicName"] for t in list_topics(connection, cluster_arn)}
        current = {
            t["name"]: describe_topic(connection, cluster_arn, t["name"]) if t["name"] in listed else None
            for t in params["topics"]
        }
        if state == "absent":
            deleted = [n for n in names if current[n] is not None]
            if not module.check_mode:
                for name in deleted:
                    delete_topic(connection, cluster_arn, name)
            before = {n: topic_view(current[n]) for n in deleted}
            module.exit_json(
                changed=bool(deleted), topics=[], created=[], updated=[], deleted=deleted, diff=make_diff(before, {})
            )

        plans = {
            t["name"]: plan_topic(current[t["name"]], t["name"], t["partitions"], t["replication_factor"], t["configs"])
            for t in params["topics"]
        }
        errors = [e for plan in plans.values() for e in plan.errors]
        if errors:
            module.fail_json(msg=" ".join(errors))
        purged = []
        if params["purge"]:
            purged = sorted(n for n in listed - set(names) if not n.startswith(INTERNAL_TOPIC_PREFIXES))
        created = [n for n, p in plans.items() if p.create]
        updated = [n for n, p in plans.items() if p.changed and not p.create]
        results, before, after = [], {}, {}
        for item in params["topics"]:
            name, plan, have = item["name"], plans[item["name"]], current[item["name"]]
            if not plan.changed:
                results.append(to_ansible(have))
                continue
            wanted = predicted_topic(have, name, plan, item["replication_factor"])
            if not module.check_mode:
                if plan.create:
                    response = create_topic(
                        connection, cluster_arn, name, plan.partitions, item["replication_factor"], plan.configs_to_set
                    )
                else:
                    configs = {**(have.get("Configs") or {}), **plan.configs_to_set} if plan.configs_to_set else None
                    response = update_topic(connection, cluster_arn, name, plan.partitions, configs)
                wanted.update({k: response[k] for k in ("TopicArn", "Status") if response.get(k)})
            managed = list(normalize_configs(item["configs"]))
            before[name], after[name] = topic_view(have, managed), topic_view(wanted, managed)
            results.append(to_ansible(wanted))
        for name in purged:
            before[name], after[name] = {"name": name}, {}
            if not module.check_mode:
                delete_topic(connection, cluster_arn, name)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage the topics of {cluster_arn}")

    changed = bool(created or updated or purged)
    result = dict(changed=changed, topics=results, created=created, updated=updated, deleted=purged)
    if changed:
        result["diff"] = make_diff(before, after)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
