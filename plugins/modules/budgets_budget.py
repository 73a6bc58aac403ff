#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: budgets_budget
version_added: 0.5.0
short_description: Manage an AWS Budgets budget, its notifications, subscribers and tags, with check mode and diff
description:
  - Create, update and delete an AWS Budgets budget (no amazon.aws or community.aws module manages budgets).
  - Creates the budget with its notifications, subscribers and tags in one CreateBudget call; updates the limit,
    time unit, budget type and cost filters of an existing budget in place (UpdateBudget).
  - Notifications are identified, as AWS identifies them, by notification type, comparison operator, threshold
    and threshold type. A notification that is no longer wanted is deleted (DeleteNotification) unless a new one
    of the same notification type takes its place, which is then an UpdateNotification (the subscribers are kept
    and reconciled). Subscribers are reconciled with CreateSubscriber, DeleteSubscriber and, to replace a
    subscriber by another of the same type (the only SNS topic of a notification), UpdateSubscriber.
  - Every option is validated before any API call. Check mode makes no mutating call and reports what would
    change; diff shows the budget before and after.
  - A no-op run reads the budget with DescribeBudget, DescribeNotificationsForBudget, one
    DescribeSubscribersForNotification per notification and ListTagsForResource (plus GetCallerIdentity without
    O(account_id)).
author:
  - ecap.platform contributors
options:
  name:
    description: The name of the budget, unique in the account, without a colon or a backslash.
    type: str
    required: true
  state:
    description: Whether the budget should exist.
    type: str
    default: present
    choices: [present, absent]
  account_id:
    description: The account that owns the budget. Default, the caller's account (STS GetCallerIdentity).
    type: str
  limit_amount:
    description:
      - The budgeted amount per O(time_unit), in O(limit_unit). Required with O(state=present); must be greater
        than 0.
    type: float
  limit_unit:
    description:
      - The unit of O(limit_amount) (V(USD) for cost budgets, the usage unit such as V(GB) for usage budgets).
    type: str
    default: USD
  time_unit:
    description: The period the budget covers and resets after.
    type: str
    default: MONTHLY
    choices: [DAILY, MONTHLY, QUARTERLY, ANNUALLY]
  budget_type:
    description: What the budget tracks.
    type: str
    default: COST
    choices: [COST, USAGE]
  cost_filters:
    description:
      - >-
        The cost filters of the budget, filter name to values, for example
        C({"TagKeyValue": ["user:Project$ecap", "user:Environment$dev"]}) (a cost allocation tag value is
        C(user:<key>$<value>)). V({}) (the default) tracks the whole account.
    type: dict
    default: {}
  notifications:
    description:
      - The notifications of the budget; those not listed are deleted. V([]) (the default) removes every one.
    type: list
    elements: dict
    default: []
    suboptions:
      notification_type:
        description: Whether the notification is about actual or forecasted spend.
        type: str
        required: true
        choices: [ACTUAL, FORECASTED]
      comparison_operator:
        description: How spend is compared with O(notifications[].threshold).
        type: str
        default: GREATER_THAN
        choices: [GREATER_THAN, LESS_THAN, EQUAL_TO]
      threshold:
        description:
          - The threshold; greater than 0, and at most 1000 for a percentage of the limit.
        type: float
        required: true
      threshold_type:
        description: Whether O(notifications[].threshold) is a percentage of the limit or an amount.
        type: str
        default: PERCENTAGE
        choices: [PERCENTAGE, ABSOLUTE_VALUE]
      sns_topic_arns:
        description: The SNS topic to notify (AWS allows one per notification).
        type: list
        elements: str
        default: []
      emails:
        description: The email addresses to notify (AWS allows ten per notification).
        type: list
        elements: str
        default: []
  tags:
    description: Tags of the budget. Unset leaves the tags as they are.
    type: dict
  purge_tags:
    description: Remove the tags not in O(tags).
    type: bool
    default: true
notes:
  - Each notification needs at least one subscriber (O(notifications[].sns_topic_arns) or
    O(notifications[].emails)); the module refuses one without before any call.
  - The SNS topic's policy must allow C(budgets.amazonaws.com) to publish.
  - AWS Budgets is a global service; the region only selects the endpoint's signing region.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Monthly cost budget of the dev environment, by cost allocation tags
  ecap.platform.budgets_budget:
    name: ecap-dev-monthly
    limit_amount: 1500
    time_unit: MONTHLY
    cost_filters:
      TagKeyValue:
        - user:Project$ecap
        - user:Environment$dev
    notifications:
      - notification_type: ACTUAL
        threshold: 80
        emails: [finops@example.com]
      - notification_type: FORECASTED
        threshold: 100
        sns_topic_arns: [arn:aws:sns:us-west-2:123456789012:ecap-dev-alerts]
        emails: [finops@example.com]
    tags:
      Project: ecap
      Environment: dev

- name: Remove it
  ecap.platform.budgets_budget:
    name: ecap-dev-monthly
    state: absent
"""

RETURN = r"""
budget:
  description: The budget after the change (in check mode, as it would be); empty when absent.
  returned: always
  type: dict
  contains:
    name:
      description: The name of the budget.
      type: str
      returned: when present
      sample: ecap-dev-monthly
    limit_amount:
      description: The budgeted amount.
      type: float
      returned: when present
      sample: 1500.0
    limit_unit:
      description: The unit of the amount.
      type: str
      returned: when present
      sample: USD
    time_unit:
      description: The period of the budget.
      type: str
      returned: when present
      sample: MONTHLY
    budget_type:
      description: What the budget tracks.
      type: str
      returned: when present
      sample: COST
    cost_filters:
      description: The cost filters, filter name to sorted values.
      type: dict
      returned: when present
      sample: {"TagKeyValue": ["user:Environment$dev", "user:Project$ecap"]}
    notifications:
      description: The notifications, sorted by type, operator, threshold and threshold type.
      type: list
      elements: dict
      returned: when present
      contains:
        notification_type:
          description: V(ACTUAL) or V(FORECASTED).
          type: str
          returned: always
        comparison_operator:
          description: V(GREATER_THAN), V(LESS_THAN) or V(EQUAL_TO).
          type: str
          returned: always
        threshold:
          description: The threshold.
          type: float
          returned: always
        threshold_type:
          description: V(PERCENTAGE) or V(ABSOLUTE_VALUE).
          type: str
          returned: always
        sns_topic_arns:
          description: The SNS topics notified, sorted.
          type: list
          elements: str
          returned: always
        emails:
          description: The email addresses notified, sorted.
          type: list
          elements: str
          returned: always
    arn:
      description: The ARN of the budget (what the tagging calls take).
      type: str
      returned: when present
      sample: arn:aws:budgets::123456789012:budget/ecap-dev-monthly
    tags:
      description: The tags of the budget.
      type: dict
      returned: when present
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils import budgets
from ansible_collections.ecap.platform.plugins.module_utils.common import client, make_diff


def ensure_present(connection, module: AnsibleAWSModule, account_id: str) -> None:
    name = module.params["name"]
    found = budgets.describe(connection, account_id, name)
    if found is None:
        wanted = budgets.wanted_view(module.params, account_id, None)
        if module.check_mode:
            module.exit_json(changed=True, budget=wanted, diff=make_diff({}, wanted))
        if budgets.create(connection, account_id, wanted):
            after = budgets.describe(connection, account_id, name)[0]
            module.exit_json(changed=True, budget=after, diff=make_diff({}, after))
        found = budgets.describe(connection, account_id, name)  # a retried create had succeeded: converge it
    current, raw = found
    wanted = budgets.wanted_view(module.params, account_id, current)
    changes = budgets.plan(current, wanted)
    if not changes:
        module.exit_json(changed=False, budget=current)
    after = wanted
    if not module.check_mode:
        budgets.apply(connection, account_id, wanted, raw, changes)
        after = budgets.describe(connection, account_id, name)[0]
    module.exit_json(changed=True, budget=after, diff=make_diff(current, after))


def ensure_absent(connection, module: AnsibleAWSModule, account_id: str) -> None:
    found = budgets.describe(connection, account_id, module.params["name"])
    if found is None:
        module.exit_json(changed=False, budget={})
    if not module.check_mode:
        budgets.delete(connection, account_id, module.params["name"])
    module.exit_json(changed=True, budget={}, diff=make_diff(found[0], {}))


def main() -> None:
    notification_spec = dict(
        notification_type=dict(type="str", required=True, choices=list(budgets.NOTIFICATION_TYPES)),
        comparison_operator=dict(type="str", default="GREATER_THAN", choices=list(budgets.COMPARISON_OPERATORS)),
        threshold=dict(type="float", required=True),
        threshold_type=dict(type="str", default="PERCENTAGE", choices=list(budgets.THRESHOLD_TYPES)),
        sns_topic_arns=dict(type="list", elements="str", default=[]),
        emails=dict(type="list", elements="str", default=[]),
    )
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        account_id=dict(type="str"),
        limit_amount=dict(type="float"),
        limit_unit=dict(type="str", default="USD"),
        time_unit=dict(type="str", default="MONTHLY", choices=list(budgets.TIME_UNITS)),
        budget_type=dict(type="str", default="COST", choices=list(budgets.BUDGET_TYPES)),
        cost_filters=dict(type="dict", default={}),
        notifications=dict(type="list", elements="dict", default=[], options=notification_spec),
        tags=dict(type="dict"),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    errors = budgets.validate(params)
    if errors:
        module.fail_json(msg=" ".join(errors))
    try:
        account_id = params["account_id"] or budgets.caller_account(client(module, "sts"))
        connection = client(module, "budgets")
        if params["state"] == "present":
            ensure_present(connection, module, account_id)
        else:
            ensure_absent(connection, module, account_id)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage budget {params['name']}")


if __name__ == "__main__":
    main()
