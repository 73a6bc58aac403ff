#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: xray_group
version_added: 0.3.0
short_description: Manage an AWS X-Ray group (filter expression, insights, tags) with check mode and diff
description:
  - Creates, updates or deletes an X-Ray group, the set of traces that match a filter expression, with its
    insights and insight notifications and its tags (C(CreateGroup), C(GetGroup), C(UpdateGroup), C(DeleteGroup),
    C(TagResource), C(UntagResource), C(ListTagsForResource)).
  - Written because neither amazon.aws nor community.aws (10.x) has an X-Ray module.
  - The options are checked before any call (name 1-32 characters, a filter expression that is not blank, at most
    2000 characters, with balanced quotes and brackets, notifications only with insights, tags); X-Ray checks the
    expression's syntax itself.
  - The account's C(Default) group exists in every Region; its insights can be set, it has no filter expression
    and cannot be deleted.
  - A no-op run makes one call (C(GetGroup)), two when O(tags) is set (C(ListTagsForResource)).
author:
  - ecap.platform contributors
options:
  name:
    description: The name of the group (1-32 characters, case-sensitive).
    type: str
    required: true
    aliases: [group_name]
  filter_expression:
    description:
      - The filter expression of the traces in the group, e.g. C(fault = true OR error = true) or
        C(service("ecap-api") AND responsetime > 2). Required with O(state=present) (except for C(Default)).
    type: str
  insights_enabled:
    description: Whether X-Ray Insights analyses the group's traces. Unset keeps it (a new group has it off).
    type: bool
  notifications_enabled:
    description:
      - Whether X-Ray sends insight notifications (EventBridge events) for the group; needs insights. Unset keeps
        it (a new group has it off).
    type: bool
  tags:
    description: Tags of the group. Unset leaves the tags as they are.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove the tags not in O(tags).
    type: bool
    default: true
  state:
    description: Whether the group should exist. Deleting a group deletes no trace.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Group the API's failed requests, with insights and notifications
  ecap.platform.xray_group:
    name: ecap-prod-api-errors
    filter_expression: '(service("streamlit-dashboard") OR service("ecap-api")) AND (fault = true OR error = true)'
    insights_enabled: true
    notifications_enabled: true
    tags:
      Project: ecap
      Environment: prod

- name: Slow requests
  ecap.platform.xray_group:
    name: ecap-prod-slow-requests
    filter_expression: responsetime > 1

- name: Remove a group
  ecap.platform.xray_group:
    name: ecap-prod-slow-requests
    state: absent
"""

RETURN = r"""
group:
  description: The group after the change (in check mode, as it would be); empty when absent.
  returned: always
  type: dict
  contains:
    name:
      description: The name of the group.
      type: str
      returned: when present
      sample: ecap-prod-api-errors
    arn:
      description: The ARN of the group; absent in check mode before creation.
      type: str
      returned: when the group exists
      sample: arn:aws:xray:us-west-2:123456789012:group/ecap-prod-api-errors/7Q4XKTP3Z2AJKQ6YQGXWQ6PLGRSMDUH2
    filter_expression:
      description: The filter expression (empty for C(Default)).
      type: str
      returned: when present
    insights_enabled:
      description: Whether insights are on.
      type: bool
      returned: when present
    notifications_enabled:
      description: Whether insight notifications are on.
      type: bool
      returned: when present
    tags:
      description: The tags of the group.
      type: dict
      returned: when O(tags) is set
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils import xray
from ansible_collections.ecap.platform.plugins.module_utils.common import client


def main() -> None:
    argument_spec = dict(
        name=dict(type="str", required=True, aliases=["group_name"]),
        filter_expression=dict(type="str"),
        insights_enabled=dict(type="bool"),
        notifications_enabled=dict(type="bool"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    errors = xray.validate_group(module.params)
    if errors:
        module.fail_json(msg=" ".join(errors))
    connection = client(module, "xray")
    try:
        result = xray.converge(connection, "group", module.params, module.check_mode)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage X-Ray group {module.params['name']}")
    module.exit_json(**result)


if __name__ == "__main__":
    main()
