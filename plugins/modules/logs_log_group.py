#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: logs_log_group
version_added: 0.2.0
short_description: Manage CloudWatch Logs log groups (retention, KMS key, tags) with check mode and diff
description:
  - Create, update and delete a CloudWatch Logs log group.
  - Updates the retention, the KMS key (AssociateKmsKey / DisassociateKmsKey) and the tags of an existing
    group in place; the log group class can only be set at creation.
  - Written because M(amazon.aws.cloudwatchlogs_log_group) (amazon.aws 10.1.2) changes the retention of an
    existing group in check mode, deletes the group when given a retention AWS does not accept, and
    cannot change the KMS key of an existing group. This module validates its options before any call.
  - A no-op run makes two calls (DescribeLogGroups, ListTagsForResource).
author:
  - ecap.platform contributors
options:
  name:
    description: The name of the log group.
    type: str
    required: true
    aliases: [log_group_name]
  retention_days:
    description:
      - Days to keep the events; V(0) keeps them forever (no retention policy).
      - One of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545,
        731, 1096, 1827, 2192, 2557, 2922, 3288, 3653); anything else fails before any change.
      - Unset leaves the retention as it is.
    type: int
  kms_key_arn:
    description:
      - The full ARN of the KMS key that encrypts the events (the key policy must allow
        C(logs.REGION.amazonaws.com)). An empty string removes the key. Unset leaves it as it is.
    type: str
  log_group_class:
    description: The class of the log group, set at creation only.
    type: str
    choices: [STANDARD, INFREQUENT_ACCESS]
  tags:
    description: Tags of the log group. Unset leaves the tags as they are.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove the tags not in O(tags).
    type: bool
    default: true
  state:
    description: Whether the log group should exist.
    type: str
    default: present
    choices: [present, absent]
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: A KMS-encrypted log group kept 30 days
  ecap.platform.logs_log_group:
    name: /aws/vpc/ecap-dev/flow-logs
    retention_days: 30
    kms_key_arn: arn:aws:kms:us-west-2:123456789012:key/0a1b2c3d-1111-2222-3333-444455556666
    tags:
      Project: ecap
      Environment: dev

- name: Remove it
  ecap.platform.logs_log_group:
    name: /aws/vpc/ecap-dev/flow-logs
    state: absent
"""

RETURN = r"""
log_group:
  description: The log group after the change (in check mode, as it would be); empty when absent.
  returned: always
  type: dict
  contains:
    name:
      description: The name of the log group.
      type: str
      returned: when present
      sample: /aws/vpc/ecap-dev/flow-logs
    arn:
      description: The ARN of the log group (without the trailing C(:*)); absent in check mode before creation.
      type: str
      returned: when the group exists
      sample: arn:aws:logs:us-west-2:123456789012:log-group:/aws/vpc/ecap-dev/flow-logs
    retention_days:
      description: Days the events are kept, V(0) for ever.
      type: int
      returned: when present
      sample: 30
    kms_key_arn:
      description: The KMS key ARN, empty when the group is not encrypted with a customer key.
      type: str
      returned: when present
    log_group_class:
      description: The class of the log group.
      type: str
      returned: when present
      sample: STANDARD
    tags:
      description: The tags of the log group.
      type: dict
      returned: when present
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils import logs
from ansible_collections.ecap.platform.plugins.module_utils.common import client, make_diff


def ensure_present(connection, module: AnsibleAWSModule) -> None:
    params = module.params
    current = logs.describe(connection, params["name"])
    if current is None:
        after = logs.predicted(None, params, {})
        if not module.check_mode:
            logs.create(connection, params)
            after = logs.view(logs.describe(connection, params["name"]))
        module.exit_json(changed=True, log_group=after, diff=make_diff({}, after))
    wanted_class = params.get("log_group_class")
    have_class = current.get("logGroupClass", "STANDARD")
    if wanted_class and wanted_class != have_class:
        module.fail_json(
            msg=f"log_group_class of {params['name']} is {have_class}; AWS sets it at creation only. "
            "Delete the group (state=absent) to change it."
        )
    changes = logs.plan(current, params)
    before = logs.view(current)
    if not changes:
        module.exit_json(changed=False, log_group=before)
    after = logs.predicted(current, params, changes)
    if not module.check_mode:
        logs.apply(connection, current, changes)
        after = logs.view(logs.describe(connection, params["name"]))
    module.exit_json(changed=True, log_group=after, diff=make_diff(before, after))


def ensure_absent(connection, module: AnsibleAWSModule) -> None:
    current = logs.describe(connection, module.params["name"])
    if current is None:
        module.exit_json(changed=False, log_group={})
    if not module.check_mode:
        logs.delete(connection, module.params["name"])
    module.exit_json(changed=True, log_group={}, diff=make_diff(logs.view(current), {}))


def main() -> None:
    argument_spec = dict(
        name=dict(type="str", required=True, aliases=["log_group_name"]),
        retention_days=dict(type="int"),
        kms_key_arn=dict(type="str", no_log=False),
        log_group_class=dict(type="str", choices=list(logs.LOG_GROUP_CLASSES)),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    errors = logs.validate(module.params) if module.params["state"] == "present" else []
    if errors:
        module.fail_json(msg=" ".join(errors))
    connection = client(module, "logs")
    try:
        if module.params["state"] == "present":
            ensure_present(connection, module)
        else:
            ensure_absent(connection, module)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage log group {module.params['name']}")


if __name__ == "__main__":
    main()
