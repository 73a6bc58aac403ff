#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: events_rule
version_added: 0.5.0
short_description: Manage an EventBridge rule with its targets and tags, with check mode and diff
description:
  - Create, update, enable or disable, and delete an Amazon EventBridge rule (event pattern and/or schedule),
    its targets and its tags, in one task.
  - Written because M(amazon.aws.cloudwatchevent_rule) (amazon.aws 10.1.2) makes seven read calls per rule on a
    run that changes nothing (DescribeRule four times, ListTargetsByRule three times) and cannot tag.
    A no-op run here makes one call (DescribeRule), plus ListTargetsByRule when O(targets) is set and
    ListTagsForResource when O(tags) is set.
  - The event pattern is compared as JSON (key order and spacing do not matter), as is a target's O(targets[].input).
  - Bad input (name, pattern, duplicate or too many targets) fails before any API call.
author:
  - ecap.platform contributors
options:
  name:
    description: The name of the rule (1-64 letters, digits, C(.), C(-) and C(_)).
    type: str
    required: true
  event_bus_name:
    description: The event bus of the rule.
    type: str
    default: default
  description:
    description: The description of the rule. Unset leaves it as it is.
    type: str
  event_pattern:
    description:
      - The event pattern (a dict or a JSON string). A new rule needs O(event_pattern), O(schedule_expression)
        or both. Unset leaves it as it is.
    type: raw
  schedule_expression:
    description: A schedule (V(rate(5 minutes)), V(cron(0 20 * * ? *))). Unset leaves it as it is.
    type: str
  role_arn:
    description: The IAM role the rule uses to deliver to its targets. Unset leaves it as it is.
    type: str
  enabled:
    description: Whether the rule is V(ENABLED) (true) or V(DISABLED) (false).
    type: bool
    default: true
  targets:
    description:
      - The targets of the rule (at most 5), matched on O(targets[].id). Unset leaves them as they are.
    type: list
    elements: dict
    suboptions:
      id:
        description: The id of the target within the rule.
        type: str
        required: true
      arn:
        description: The ARN of the target (an SNS topic, an SQS queue, a Lambda function, ...).
        type: str
        required: true
      input:
        description: A constant JSON text (or dict) passed to the target instead of the event.
        type: raw
      input_path:
        description: A JSONPath selecting the part of the event passed to the target.
        type: str
      role_arn:
        description: The IAM role EventBridge uses for this target.
        type: str
  purge_targets:
    description: Remove the targets not in O(targets).
    type: bool
    default: true
  tags:
    description: Tags of the rule. Unset leaves the tags as they are (and saves the ListTagsForResource call).
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove the tags not in O(tags).
    type: bool
    default: true
  state:
    description: Whether the rule should exist. Deleting a rule removes its targets first.
    type: str
    default: present
    choices: [present, absent]
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Notify the alarm topic of root account use
  ecap.platform.events_rule:
    name: ecap-dev-root-activity
    description: Any API call made with the root user's credentials
    event_pattern:
      detail-type: ["AWS API Call via CloudTrail", "AWS Console Sign In via CloudTrail"]
      detail:
        userIdentity:
          type: [Root]
    targets:
      - id: alarm-topic
        arn: arn:aws:sns:us-west-2:123456789012:ecap-dev-alarms
    tags:
      Project: ecap
      Environment: dev

- name: Pause it
  ecap.platform.events_rule:
    name: ecap-dev-root-activity
    enabled: false

- name: Remove it (its targets first)
  ecap.platform.events_rule:
    name: ecap-dev-root-activity
    state: absent
"""

RETURN = r"""
rule:
  description: The rule after the change (in check mode, as it would be); empty when absent.
  returned: always
  type: dict
  contains:
    name:
      description: The name of the rule.
      type: str
      returned: when present
      sample: ecap-dev-root-activity
    arn:
      description: The ARN of the rule; empty in check mode before creation.
      type: str
      returned: when present
      sample: arn:aws:events:us-west-2:123456789012:rule/ecap-dev-root-activity
    event_bus_name:
      description: The event bus of the rule.
      type: str
      returned: when present
      sample: default
    description:
      description: The description.
      type: str
      returned: when present
    event_pattern:
      description: The event pattern (empty for a schedule-only rule).
      type: dict
      returned: when present
    schedule_expression:
      description: The schedule, empty for a pattern-only rule.
      type: str
      returned: when present
    role_arn:
      description: The rule's delivery role, empty when none.
      type: str
      returned: when present
    state:
      description: V(ENABLED) or V(DISABLED).
      type: str
      returned: when present
    targets:
      description: The targets (C(id), C(arn) and the optional C(input), C(input_path), C(role_arn)).
      type: list
      elements: dict
      returned: when O(targets) is set
      sample: [{"id": "alarm-topic", "arn": "arn:aws:sns:us-west-2:123456789012:ecap-dev-alarms"}]
    tags:
      description: The tags of the rule.
      type: dict
      returned: when O(tags) is set
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils import events
from ansible_collections.ecap.platform.plugins.module_utils.common import client, make_diff


def _diffable(view: dict) -> dict:
    """The view without the ARN (an id, not a setting)."""
    return {k: v for k, v in view.items() if k != "arn"}


def ensure_present(connection, module: AnsibleAWSModule) -> None:
    params = module.params
    current = events.describe(connection, params)
    if current is None:
        problem = events.creatable(params)
        if problem:
            module.fail_json(msg=problem)
        after = events.predicted(None, params, {})
        if not module.check_mode:
            events.create(connection, params)
            after = events.view(events.describe(connection, params))
        module.exit_json(changed=True, rule=after, diff=make_diff({}, _diffable(after)))
    changes = events.plan(current, params)
    before = events.view(current)
    if not changes:
        module.exit_json(changed=False, rule=before)
    after = events.predicted(current, params, changes)
    if not module.check_mode:
        events.apply(connection, current, params, changes)
        after = events.view(events.describe(connection, params))
    module.exit_json(changed=True, rule=after, diff=make_diff(_diffable(before), _diffable(after)))


def ensure_absent(connection, module: AnsibleAWSModule) -> None:
    current = events.describe(connection, module.params)
    if current is None:
        module.exit_json(changed=False, rule={})
    if not module.check_mode:
        events.delete(connection, current)
    module.exit_json(changed=True, rule={}, diff=make_diff(_diffable(events.view(current)), {}))


def main() -> None:
    argument_spec = dict(
        name=dict(type="str", required=True),
        event_bus_name=dict(type="str", default="default"),
        description=dict(type="str"),
        event_pattern=dict(type="raw"),
        schedule_expression=dict(type="str"),
        role_arn=dict(type="str"),
        enabled=dict(type="bool", default=True),
        targets=dict(
            type="list",
            elements="dict",
            options=dict(
                id=dict(type="str", required=True),
                arn=dict(type="str", required=True),
                input=dict(type="raw"),
                input_path=dict(type="str"),
                role_arn=dict(type="str"),
            ),
        ),
        purge_targets=dict(type="bool", default=True),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    errors = events.validate(module.params)
    if errors:
        module.fail_json(msg=" ".join(errors))
    connection = client(module, "events")
    try:
        if module.params["state"] == "present":
            ensure_present(connection, module)
        else:
            ensure_absent(connection, module)
    except (BotoCoreError, ClientError, events.TargetError) as e:
        if isinstance(e, events.TargetError):
            module.fail_json(msg=f"Failed to manage EventBridge rule {module.params['name']}: {e}")
        module.fail_json_aws(e, msg=f"Failed to manage EventBridge rule {module.params['name']}")


if __name__ == "__main__":
    main()
