#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: sns_topic
version_added: 0.3.0
short_description: Manage an SNS topic (KMS key, access policy, subscriptions, tags) with check mode and diff
description:
  - Create, update and delete a standard SNS topic, with its server-side encryption key, its access policy,
    its subscriptions and its tags.
  - Written because M(community.aws.sns_topic) (community.aws 10.0.0) cannot set the topic's KMS key
    (C(KmsMasterKeyId)). A new topic gets its key, policy and tags in its CreateTopic call, so it is never
    unencrypted.
  - Subscriptions are matched on protocol and endpoint (email addresses without regard to case). A subscription
    still pending confirmation cannot be removed (SNS gives it no ARN); it expires after three days.
  - A no-op run makes four calls (ListTopics, GetTopicAttributes, ListTagsForResource, ListSubscriptionsByTopic);
    three with O(account_id), which names the topic's ARN so that no ListTopics look-up is needed.
author:
  - ecap.platform contributors
options:
  name:
    description: The name of the topic (1-256 letters, digits, C(-) and C(_)).
    type: str
    required: true
  account_id:
    description:
      - The account of the topic (the caller's, 12 digits). With it the topic is read by its ARN
        (C(arn:<partition>:sns:<region>:<account_id>:<name>)); unset, it is found by name with ListTopics.
    type: str
  display_name:
    description: The display name (the sender name of SMS and email notifications). Unset leaves it as it is.
    type: str
  kms_master_key_id:
    description:
      - The KMS key that encrypts the messages at rest (key ARN, key id or alias). Its key policy must allow the
        publishing services (for example C(cloudwatch.amazonaws.com)) C(kms:GenerateDataKey*) and C(kms:Decrypt).
      - An empty string turns encryption off. Unset leaves it as it is.
    type: str
  policy:
    description:
      - The access policy of the topic (a dict or a JSON string); compared as a policy, so the order of statements
        and of lists does not matter. Unset leaves it as it is.
    type: raw
  subscriptions:
    description:
      - The subscriptions of the topic. Unset leaves them as they are.
    type: list
    elements: dict
    suboptions:
      protocol:
        description: The protocol.
        type: str
        required: true
        choices: [email, email-json, http, https, sqs, sms, lambda, application, firehose]
      endpoint:
        description: The endpoint (an email address for V(email)).
        type: str
        required: true
  purge_subscriptions:
    description: Remove the confirmed subscriptions not in O(subscriptions).
    type: bool
    default: true
  tags:
    description: Tags of the topic. Unset leaves the tags as they are.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove the tags not in O(tags).
    type: bool
    default: true
  state:
    description: Whether the topic should exist. Deleting a topic deletes its subscriptions.
    type: str
    default: present
    choices: [present, absent]
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The alarm topic, encrypted, that CloudWatch may publish to
  ecap.platform.sns_topic:
    name: ecap-dev-alarms
    kms_master_key_id: arn:aws:kms:us-west-2:123456789012:key/0a1b2c3d-1111-2222-3333-444455556666
    policy:
      Version: "2012-10-17"
      Statement:
        - Sid: CloudWatchAlarms
          Effect: Allow
          Principal: {Service: cloudwatch.amazonaws.com}
          Action: sns:Publish
          Resource: arn:aws:sns:us-west-2:123456789012:ecap-dev-alarms
          Condition: {StringEquals: {"aws:SourceAccount": "123456789012"}}
    subscriptions:
      - {protocol: email, endpoint: oncall@example.com}
    tags:
      Project: ecap
      Environment: dev

- name: Remove it
  ecap.platform.sns_topic:
    name: ecap-dev-alarms
    state: absent
"""

RETURN = r"""
topic:
  description: The topic after the change (in check mode, as it would be); empty when absent.
  returned: always
  type: dict
  contains:
    name:
      description: The name of the topic.
      type: str
      returned: when present
      sample: ecap-dev-alarms
    arn:
      description: The ARN of the topic; absent in check mode before creation.
      type: str
      returned: when the topic exists
      sample: arn:aws:sns:us-west-2:123456789012:ecap-dev-alarms
    display_name:
      description: The display name.
      type: str
      returned: when present
    kms_master_key_id:
      description: The KMS key of the topic, empty when it is not encrypted.
      type: str
      returned: when present
    policy:
      description: The access policy.
      type: dict
      returned: when present
    subscriptions:
      description: The subscriptions (C(subscription_arn) is V(PendingConfirmation) until confirmed).
      type: list
      elements: dict
      returned: when present
      sample: [{"protocol": "email", "endpoint": "oncall@example.com", "subscription_arn": "PendingConfirmation"}]
    tags:
      description: The tags of the topic.
      type: dict
      returned: when present
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils import sns
from ansible_collections.ecap.platform.plugins.module_utils.common import client, make_diff


def _diffable(view: dict) -> dict:
    """The view without subscription ARNs (they are ids, not settings)."""
    subscriptions = [{"protocol": s["protocol"], "endpoint": s["endpoint"]} for s in view.get("subscriptions", [])]
    return {**view, "subscriptions": subscriptions} if view else {}


def _arn(module: AnsibleAWSModule) -> str | None:
    account = module.params["account_id"]
    return sns.topic_arn(module.params["name"], module.region, account) if account else None


def ensure_present(connection, module: AnsibleAWSModule) -> None:
    params = module.params
    current = sns.describe(connection, params["name"], _arn(module))
    if current is None:
        after = sns.predicted(None, params, {})
        if not module.check_mode:
            sns.create(connection, params)
            after = sns.view(sns.describe(connection, params["name"], _arn(module)))
        module.exit_json(changed=True, topic=after, diff=make_diff({}, _diffable(after)))
    changes = sns.plan(current, params)
    before = sns.view(current)
    if not changes:
        module.exit_json(changed=False, topic=before)
    after = sns.predicted(current, params, changes)
    if not module.check_mode:
        sns.apply(connection, current, changes)
        after = sns.view(sns.describe(connection, params["name"], _arn(module)))
    module.exit_json(changed=True, topic=after, diff=make_diff(_diffable(before), _diffable(after)))


def ensure_absent(connection, module: AnsibleAWSModule) -> None:
    current = sns.describe(connection, module.params["name"], _arn(module))
    if current is None:
        module.exit_json(changed=False, topic={})
    if not module.check_mode:
        sns.delete(connection, current["TopicArn"])
    module.exit_json(changed=True, topic={}, diff=make_diff(_diffable(sns.view(current)), {}))


def main() -> None:
    argument_spec = dict(
        name=dict(type="str", required=True),
        account_id=dict(type="str"),
        display_name=dict(type="str"),
        kms_master_key_id=dict(type="str", no_log=False),
        policy=dict(type="raw"),
        subscriptions=dict(
            type="list",
            elements="dict",
            options=dict(
                protocol=dict(type="str", required=True, choices=list(sns.PROTOCOLS)),
                endpoint=dict(type="str", required=True),
            ),
        ),
        purge_subscriptions=dict(type="bool", default=True),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    errors = sns.validate(module.params)
    if errors:
        module.fail_json(msg=" ".join(errors))
    connection = client(module, "sns")
    try:
        if module.params["state"] == "present":
            ensure_present(connection, module)
        else:
            ensure_absent(connection, module)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage SNS topic {module.params['name']}")


if __name__ == "__main__":
    main()
