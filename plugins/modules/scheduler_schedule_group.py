#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: scheduler_schedule_group
version_added: 0.5.0
short_description: Manage an Amazon EventBridge Scheduler schedule group and its tags
description:
  - Creates or deletes an EventBridge Scheduler schedule group and manages its tags (C(CreateScheduleGroup),
    C(GetScheduleGroup), C(DeleteScheduleGroup), C(TagResource), C(UntagResource), C(ListTagsForResource)).
  - Written because neither amazon.aws nor community.aws (10.x) has a Scheduler module.
  - Schedules carry no tags; the group does, so the group is what a tag-based leak report finds.
  - Deleting a group deletes its schedules. The group stays C(DELETING) until they are gone; with O(wait) the
    module waits for that. A create of a name whose delete is still running waits for the delete first.
  - Every write carries a C(ClientToken) made once per run. A create that meets C(ConflictException) (the group
    made by an earlier, interrupted run) converges the existing group.
  - A no-op run makes one call (C(GetScheduleGroup)), two when O(tags) is set.
author:
  - ecap.platform contributors
options:
  name:
    description: The name of the group (1-64 letters, digits, C(-), C(_), C(.)). C(default) cannot be deleted.
    type: str
    required: true
  tags:
    description: Tags of the group. Unset leaves the tags as they are.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove the tags not in O(tags).
    type: bool
    default: true
  state:
    description: Whether the group should exist. V(absent) deletes the group's schedules too.
    type: str
    choices: [present, absent]
    default: present
  wait:
    description: With O(state=absent), wait until the group is gone.
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait for a deletion.
    type: int
    default: 300
  wait_delay:
    description: Seconds between two polls.
    type: int
    default: 5
notes:
  - Supports check mode and diff.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The group of the off-hours schedules
  ecap.platform.scheduler_schedule_group:
    name: ecap-dev-offhours
    tags:
      Project: ecap
      Environment: dev

- name: Remove it with its schedules
  ecap.platform.scheduler_schedule_group:
    name: ecap-dev-offhours
    state: absent
"""

RETURN = r"""
schedule_group:
  description: The group after the change (in check mode, as it would be); empty when absent.
  returned: always
  type: dict
  contains:
    name:
      description: The name of the group.
      type: str
      returned: when present
      sample: ecap-dev-offhours
    arn:
      description: The ARN of the group; absent in check mode before creation.
      type: str
      returned: when the group exists
      sample: arn:aws:scheduler:us-west-2:123456789012:schedule-group/ecap-dev-offhours
    state:
      description: C(ACTIVE) or C(DELETING).
      type: str
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
from ansible_collections.ecap.platform.plugins.module_utils import scheduler
from ansible_collections.ecap.platform.plugins.module_utils.common import client


def main() -> None:
    argument_spec = dict(
        name=dict(type="str", required=True),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=300),
        wait_delay=dict(type="int", default=5),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    errors = scheduler.validate_group(module.params)
    if errors:
        module.fail_json(msg=" ".join(errors))
    connection = client(module, "scheduler")
    try:
        result = scheduler.converge_group(connection, module.params, module.check_mode)
    except scheduler.WaitTimeoutError as e:
        module.fail_json(msg=str(e))
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage schedule group {module.params['name']}")
    module.exit_json(**result)


if __name__ == "__main__":
    main()
