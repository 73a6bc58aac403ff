#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: scheduler_schedule
version_added: 0.5.0
short_description: Manage an Amazon EventBridge Scheduler schedule (cron, rate or one-time) and its target
description:
  - Creates, updates or deletes a schedule in a schedule group (C(CreateSchedule), C(GetSchedule),
    C(UpdateSchedule), C(DeleteSchedule)). The target is a service ARN (an SQS queue, a Lambda function, ...) or a
    universal target C(arn:aws:scheduler:::aws-sdk:<service>:<apiAction>) that calls an AWS API with O(target.input)
    as its request, e.g. C(arn:aws:scheduler:::aws-sdk:rds:stopDBInstance).
  - Written because neither amazon.aws nor community.aws (10.x) has a Scheduler module.
  - The options are checked before any call - the expression (C(at(...)), C(rate(...)) or a six-field
    C(cron(...)) with C(?) in exactly one day field), the IANA time zone, the target ARN (a universal target's
    action camelCase and not read-only, as Scheduler requires), the role ARN, the input (JSON for a universal
    target), the retry policy's limits.
  - UpdateSchedule replaces the whole schedule, so every managed field is sent; AWS's defaults (time zone UTC,
    retry 185 times for 24 hours, no flexible window) are written out, and a schedule created without them
    compares equal.
  - A schedule right after its execution role was created may be refused while IAM propagates (C(ValidationException)
    that Scheduler cannot assume the role); the call is repeated for up to 60 seconds.
  - A no-op run makes one call (C(GetSchedule)).
author:
  - ecap.platform contributors
options:
  name:
    description: The name of the schedule (1-64 letters, digits, C(-), C(_), C(.)), unique in its group.
    type: str
    required: true
  group_name:
    description: The schedule group (it must exist, see M(ecap.platform.scheduler_schedule_group)).
    type: str
    default: default
  schedule_expression:
    description:
      - When the schedule runs - C(cron(0 20 ? * MON-FRI *)), C(rate(1 hour)) or C(at(2026-12-24T18:00:00)).
        Required with O(state=present).
    type: str
  timezone:
    description: The IANA time zone of a cron or at expression (C(Europe/Berlin)); daylight saving is followed.
    type: str
    default: UTC
  description:
    description: What the schedule is for (at most 512 characters).
    type: str
    default: ""
  enabled:
    description: Whether the schedule runs (C(State) C(ENABLED) or C(DISABLED)).
    type: bool
    default: true
  flexible_window_minutes:
    description: A window in which Scheduler may run the target after the scheduled time; 0 runs it on time.
    type: int
    default: 0
  action_after_completion:
    description: V(DELETE) removes a one-time schedule after it ran.
    type: str
    choices: [NONE, DELETE]
    default: NONE
  kms_key_arn:
    description: A customer managed KMS key for the schedule's data (its input); unset uses an AWS owned key.
    type: str
  target:
    description: What the schedule calls. Required with O(state=present).
    type: dict
    suboptions:
      arn:
        description: The target's ARN, or a universal target C(arn:aws:scheduler:::aws-sdk:<service>:<apiAction>).
        type: str
        required: true
      role_arn:
        description: The execution role Scheduler assumes (its trust policy names C(scheduler.amazonaws.com)).
        type: str
        required: true
      input:
        description:
          - What the target receives; for a universal target the API's request parameters as JSON (a dict is
            sent as JSON). Compared as JSON, so key order and spacing make no change.
        type: raw
      retry_policy:
        description: How long and how often Scheduler retries a failed call.
        type: dict
        suboptions:
          maximum_event_age_in_seconds:
            description: 60-86400.
            type: int
            default: 86400
          maximum_retry_attempts:
            description: 0-185.
            type: int
            default: 185
      dead_letter_arn:
        description: An SQS queue for the calls that failed after every retry.
        type: str
  state:
    description: Whether the schedule should exist.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Supports check mode and diff.
  - Schedules have no tags (EventBridge Scheduler tags schedule groups only).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Stop the dev database at 20:00 on weekdays, Berlin time
  ecap.platform.scheduler_schedule:
    name: ecap-dev-rds-stop
    group_name: ecap-dev-offhours
    schedule_expression: cron(0 20 ? * MON-FRI *)
    timezone: Europe/Berlin
    target:
      arn: arn:aws:scheduler:::aws-sdk:rds:stopDBInstance
      role_arn: arn:aws:iam::123456789012:role/ecap-dev-offhours-scheduler
      input:
        DbInstanceIdentifier: ecap-dev-postgres
      retry_policy:
        maximum_event_age_in_seconds: 3600
        maximum_retry_attempts: 3

- name: Remove it
  ecap.platform.scheduler_schedule:
    name: ecap-dev-rds-stop
    group_name: ecap-dev-offhours
    state: absent
"""

RETURN = r"""
schedule:
  description: The schedule after the change (in check mode, as it would be); empty when absent.
  returned: always
  type: dict
  contains:
    name:
      description: The name of the schedule.
      type: str
      returned: when present
    group_name:
      description: Its schedule group.
      type: str
      returned: when present
    arn:
      description: The ARN of the schedule; empty in check mode before creation.
      type: str
      returned: when present
      sample: arn:aws:scheduler:us-west-2:123456789012:schedule/ecap-dev-offhours/ecap-dev-rds-stop
    schedule_expression:
      description: The expression.
      type: str
      returned: when present
    timezone:
      description: The time zone of the expression.
      type: str
      returned: when present
    enabled:
      description: Whether the schedule runs.
      type: bool
      returned: when present
    target:
      description: The target (arn, role_arn, input - parsed when it is JSON -, retry_policy, dead_letter_arn).
      type: dict
      returned: when present
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
        group_name=dict(type="str", default=scheduler.DEFAULT_GROUP),
        schedule_expression=dict(type="str"),
        timezone=dict(type="str", default="UTC"),
        description=dict(type="str", default=""),
        enabled=dict(type="bool", default=True),
        flexible_window_minutes=dict(type="int", default=0),
        action_after_completion=dict(type="str", default="NONE", choices=["NONE", "DELETE"]),
        kms_key_arn=dict(type="str"),
        target=dict(
            type="dict",
            options=dict(
                arn=dict(type="str", required=True),
                role_arn=dict(type="str", required=True),
                input=dict(type="raw"),
                retry_policy=dict(
                    type="dict",
                    options=dict(
                        maximum_event_age_in_seconds=dict(type="int", default=86400),
                        maximum_retry_attempts=dict(type="int", default=185),
                    ),
                ),
                dead_letter_arn=dict(type="str"),
            ),
        ),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("state", "present", ["schedule_expression", "target"])],
    )
    errors = scheduler.validate_schedule(module.params)
    if errors:
        module.fail_json(msg=" ".join(errors))
    connection = client(module, "scheduler")
    try:
        result = scheduler.converge_schedule(connection, module.params, module.check_mode)
    except scheduler.GroupMissing as e:
        module.fail_json(msg=str(e))
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(
            e, msg=f"Failed to manage schedule {module.params['name']} of group {module.params['group_name']}"
        )
    module.exit_json(**result)


if __name__ == "__main__":
    main()
