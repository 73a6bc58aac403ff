#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: rds_event_subscription
version_added: 0.4.0
short_description: Manage an RDS event subscription (SNS topic, source type, sources, categories, tags)
description:
  - Create, update and delete an RDS event notification subscription, which publishes the RDS events of a source
    type (instances, parameter groups, ...) to an SNS topic.
  - Written because amazon.aws (10.1.2) and community.aws (10.0.0) have no module for RDS event subscriptions
    (FSBP RDS.19-RDS.22 ask for them).
  - Settings are changed in place (ModifyEventSubscription); source identifiers are added and removed one by one.
    Changing O(source_type) drops the identifiers of the old type, as RDS does.
  - A no-op run makes two calls (DescribeEventSubscriptions, ListTagsForResource).
author:
  - ecap.platform contributors
options:
  name:
    description: The name of the subscription (1-255 letters, digits or hyphens, starting with a letter).
    type: str
    required: true
  sns_topic_arn:
    description:
      - The SNS topic the events go to. Required with O(state=present). An encrypted topic's key policy must let
        C(events.rds.amazonaws.com) use the key (C(kms:GenerateDataKey*), C(kms:Decrypt)), and its access policy must
        let it C(sns:Publish).
    type: str
  source_type:
    description:
      - The kind of source whose events are sent. Unset on create means every kind; unset on update leaves it as it
        is.
    type: str
    choices: [db-instance, db-cluster, db-parameter-group, db-security-group, db-snapshot, db-cluster-snapshot,
              db-proxy, zero-etl, custom-engine-version, blue-green-deployment]
  event_categories:
    description:
      - The event categories (for example V(failure), V(maintenance), V(configuration change)); an empty list means
        every category. Unset leaves them as they are (every category on create).
    type: list
    elements: str
  source_ids:
    description:
      - The sources (for example DB instance identifiers) whose events are sent; an empty list means every source of
        O(source_type). Unset leaves them as they are.
    type: list
    elements: str
  enabled:
    description: Whether notifications are sent. Unset leaves it as it is (V(true) on create).
    type: bool
  tags:
    description: Tags of the subscription. Unset leaves the tags as they are.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove the tags not in O(tags).
    type: bool
    default: true
  state:
    description: Whether the subscription should exist.
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
- name: Failures, maintenance and configuration changes of the database to the alarm topic
  ecap.platform.rds_event_subscription:
    name: ecap-dev-rds-instance-events
    sns_topic_arn: arn:aws:sns:us-west-2:123456789012:ecap-dev-alarms
    source_type: db-instance
    source_ids: [ecap-dev-postgres]
    event_categories: [failure, maintenance, configuration change]
    tags:
      Project: ecap
      Environment: dev

- name: Remove it
  ecap.platform.rds_event_subscription:
    name: ecap-dev-rds-instance-events
    state: absent
"""

RETURN = r"""
subscription:
  description: The subscription after the change (in check mode, as it would be); empty when absent.
  returned: always
  type: dict
  contains:
    name:
      description: The name of the subscription.
      type: str
      returned: when present
      sample: ecap-dev-rds-instance-events
    arn:
      description: The ARN of the subscription; absent in check mode before creation.
      type: str
      returned: when the subscription exists
      sample: arn:aws:rds:us-west-2:123456789012:es:ecap-dev-rds-instance-events
    sns_topic_arn:
      description: The SNS topic.
      type: str
      returned: when present
    source_type:
      description: The source type, empty for every kind.
      type: str
      returned: when present
      sample: db-instance
    source_ids:
      description: The sources, sorted; empty for every source of the type.
      type: list
      elements: str
      returned: when present
    event_categories:
      description: The categories, sorted; empty for every category.
      type: list
      elements: str
      returned: when present
      sample: [configuration change, failure, maintenance]
    enabled:
      description: Whether notifications are sent.
      type: bool
      returned: when present
    status:
      description: The status RDS reports (V(creating), V(active), V(no-permission), V(topic-not-exist), ...).
      type: str
      returned: when the subscription exists
    tags:
      description: The tags of the subscription.
      type: dict
      returned: when present
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils import rds_event_subscription as subscriptions
from ansible_collections.ecap.platform.plugins.module_utils.common import client, make_diff


def _diffable(view: dict) -> dict:
    """The view without what is not a setting (ARN, status)."""
    return {k: v for k, v in view.items() if k not in ("arn", "status")}


def converge(connection, module: AnsibleAWSModule, current: dict) -> None:
    params = module.params
    changes = subscriptions.plan(current, params)
    before = subscriptions.view(current)
    if not changes:
        module.exit_json(changed=False, subscription=before)
    after = subscriptions.predicted(current, params, changes)
    if not module.check_mode:
        subscriptions.apply(connection, current, changes)
        after = subscriptions.view(subscriptions.describe(connection, params["name"]))
    module.exit_json(changed=True, subscription=after, diff=make_diff(_diffable(before), _diffable(after)))


def ensure_present(connection, module: AnsibleAWSModule) -> None:
    params = module.params
    current = subscriptions.describe(connection, params["name"])
    if current is not None:
        converge(connection, module, current)
    after = subscriptions.predicted(None, params, {})
    if not module.check_mode:
        try:
            subscriptions.create(connection, params)
        except is_boto3_error_code("SubscriptionAlreadyExist"):
            # Made by an interrupted run between our describe and create: converge it instead.
            converge(connection, module, subscriptions.describe(connection, params["name"]))
        after = subscriptions.view(subscriptions.describe(connection, params["name"]))
    module.exit_json(changed=True, subscription=after, diff=make_diff({}, _diffable(after)))


def ensure_absent(connection, module: AnsibleAWSModule) -> None:
    current = subscriptions.describe(connection, module.params["name"])
    if current is None:
        module.exit_json(changed=False, subscription={})
    if not module.check_mode:
        subscriptions.delete(connection, module.params["name"])
    module.exit_json(changed=True, subscription={}, diff=make_diff(_diffable(subscriptions.view(current)), {}))


def main() -> None:
    argument_spec = dict(
        name=dict(type="str", required=True),
        sns_topic_arn=dict(type="str"),
        source_type=dict(type="str", choices=list(subscriptions.SOURCE_TYPES)),
        event_categories=dict(type="list", elements="str"),
        source_ids=dict(type="list", elements="str"),
        enabled=dict(type="bool"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    errors = subscriptions.validate(module.params)
    if errors:
        module.fail_json(msg=" ".join(errors))
    connection = client(module, "rds")
    try:
        if module.params["state"] == "present":
            ensure_present(connection, module)
        else:
            ensure_absent(connection, module)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage RDS event subscription {module.params['name']}")


if __name__ == "__main__":
    main()
