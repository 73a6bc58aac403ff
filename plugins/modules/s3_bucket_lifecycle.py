#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: s3_bucket_lifecycle
version_added: 0.1.0
short_description: Manage the whole lifecycle configuration of an S3 bucket in one call
description:
  - Converges the lifecycle configuration of a bucket to a list of rules. It reads the configuration once,
    compares it with O(rules), and writes the whole configuration in one C(PutBucketLifecycleConfiguration)
    call when anything differs (or deletes it when no rule is left).
  - Why not C(community.aws.s3_lifecycle) - it manages one rule per task, so a bucket with 6-8 rules costs
    6-8 read-modify-write cycles of the same document; on AWS the lifecycle configuration is eventually
    consistent, so a task can read the configuration before the previous task's write shows and silently
    drop that rule (its own O(community.aws.s3_lifecycle#module:wait) works around this by re-reading every 5 s
    until six reads agree, 30-50 s per changed rule); it cannot remove rules that are no longer declared unless each is
    named in a separate C(state=absent) task; and it does not check transitions before the call.
  - The rules are validated before any call - ids unique, transitions in the order AWS allows
    (STANDARD_IA, INTELLIGENT_TIERING, ONEZONE_IA, GLACIER_IR, GLACIER, DEEP_ARCHIVE) with the
    30-day minimums of the infrequent-access classes, expirations after the last transition - so a plan
    fails early with a message naming the rule instead of an C(InvalidArgument) from S3.
author:
  - ecap.platform contributors
options:
  bucket:
    description: The name of the bucket.
    type: str
    required: true
    aliases: [name]
  rules:
    description:
      - The lifecycle rules. Their order does not matter; a rule is identified by O(rules[].id).
    type: list
    elements: dict
    default: []
    suboptions:
      id:
        description: The unique id of the rule (at most 255 characters).
        type: str
        required: true
      status:
        description: Whether the rule applies.
        type: str
        default: enabled
        choices: [enabled, disabled]
      prefix:
        description: Only objects whose key starts with this prefix (for example C(raw/orders/)). Unset - every object.
        type: str
      filter_tags:
        description: Only objects with all of these tags.
        type: dict
      object_size_greater_than:
        description: Only objects larger than this many bytes.
        type: int
      object_size_less_than:
        description: Only objects smaller than this many bytes.
        type: int
      transitions:
        description: Transitions of current versions.
        type: list
        elements: dict
        suboptions:
          days:
            description: Days after creation.
            type: int
            required: true
          storage_class:
            description: The storage class to move to.
            type: str
            required: true
            choices: [STANDARD_IA, INTELLIGENT_TIERING, ONEZONE_IA, GLACIER_IR, GLACIER, DEEP_ARCHIVE]
      expiration_days:
        description: Expire current versions this many days after creation.
        type: int
      expired_object_delete_marker:
        description: Remove delete markers that have no noncurrent version left. Not with O(rules[].expiration_days).
        type: bool
        default: false
      noncurrent_version_transitions:
        description: Transitions of noncurrent versions.
        type: list
        elements: dict
        suboptions:
          noncurrent_days:
            description: Days after the version became noncurrent.
            type: int
            required: true
          storage_class:
            description: The storage class to move to.
            type: str
            required: true
            choices: [STANDARD_IA, INTELLIGENT_TIERING, ONEZONE_IA, GLACIER_IR, GLACIER, DEEP_ARCHIVE]
      noncurrent_version_expiration_days:
        description: Delete noncurrent versions this many days after they became noncurrent.
        type: int
      noncurrent_version_keep_newer:
        description: Keep this many newest noncurrent versions whatever their age.
        type: int
      abort_incomplete_multipart_upload_days:
        description: Abort multipart uploads not completed this many days after they started.
        type: int
  purge_rules:
    description:
      - With V(true), rules of the bucket that are not in O(rules) are removed.
      - With V(false), they are kept; O(state=absent) then removes only the rules in O(rules).
    type: bool
    default: true
  state:
    description:
      - V(present) converges the configuration to O(rules).
      - V(absent) deletes the whole configuration, or with O(purge_rules=false) only the rules in O(rules).
    type: str
    default: present
    choices: [present, absent]
notes:
  - Supports check mode and diff mode. A no-op run makes one read call.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Tier raw events down and clean up multipart uploads
  ecap.platform.s3_bucket_lifecycle:
    bucket: ecap-prod-datalake-123456789012-us-west-2
    rules:
      - id: raw
        prefix: raw/
        transitions:
          - {days: 30, storage_class: STANDARD_IA}
          - {days: 90, storage_class: GLACIER_IR}
          - {days: 365, storage_class: DEEP_ARCHIVE}
        noncurrent_version_expiration_days: 90
        abort_incomplete_multipart_upload_days: 7
      - id: staging
        prefix: staging/
        expiration_days: 14

- name: Remove the lifecycle configuration
  ecap.platform.s3_bucket_lifecycle:
    bucket: ecap-prod-datalake-123456789012-us-west-2
    state: absent
"""

RETURN = r"""
rules:
  description:
    - The rules the bucket holds after the run (in check mode, would hold), snake_cased and sorted by id,
      in the form of O(rules) (C(filter) holds C(prefix), C(tags) and sizes).
  returned: always
  type: list
  elements: dict
  sample:
    - id: raw
      status: enabled
      filter: {prefix: raw/}
      transitions: [{days: 30, storage_class: STANDARD_IA}]
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils.common import client, make_diff
from ansible_collections.ecap.platform.plugins.module_utils.s3 import (
    TRANSITION_ORDER,
    bucket_name_errors,
    build_lifecycle_rule,
    canonical_lifecycle,
    get_lifecycle_rules,
    plan_lifecycle,
    put_lifecycle_rules,
    validate_lifecycle_rules,
)

STORAGE_CLASSES = list(TRANSITION_ORDER)


def main() -> None:
    transition = dict(
        days=dict(type="int", required=True),
        storage_class=dict(type="str", required=True, choices=STORAGE_CLASSES),
    )
    noncurrent_transition = dict(
        noncurrent_days=dict(type="int", required=True),
        storage_class=dict(type="str", required=True, choices=STORAGE_CLASSES),
    )
    rule = dict(
        id=dict(type="str", required=True),
        status=dict(type="str", default="enabled", choices=["enabled", "disabled"]),
        prefix=dict(type="str"),
        filter_tags=dict(type="dict"),
        object_size_greater_than=dict(type="int"),
        object_size_less_than=dict(type="int"),
        transitions=dict(type="list", elements="dict", options=transition),
        expiration_days=dict(type="int"),
        expired_object_delete_marker=dict(type="bool", default=False),
        noncurrent_version_transitions=dict(type="list", elements="dict", options=noncurrent_transition),
        noncurrent_version_expiration_days=dict(type="int"),
        noncurrent_version_keep_newer=dict(type="int"),
        abort_incomplete_multipart_upload_days=dict(type="int"),
    )
    module = AnsibleAWSModule(
        argument_spec=dict(
            bucket=dict(type="str", required=True, aliases=["name"]),
            rules=dict(type="list", elements="dict", options=rule, default=[]),
            purge_rules=dict(type="bool", default=True),
            state=dict(type="str", default="present", choices=["present", "absent"]),
        ),
        supports_check_mode=True,
    )
    params = module.params
    absent = params["state"] == "absent"
    errors = bucket_name_errors(params["bucket"])
    if not absent:
        errors += validate_lifecycle_rules(params["rules"])
    if errors:
        module.fail_json(msg="; ".join(errors), errors=errors)

    connection = client(module, "s3")
    try:
        current = get_lifecycle_rules(connection, params["bucket"])
        wanted = [build_lifecycle_rule(r) for r in params["rules"]]
        planned = plan_lifecycle(current, wanted, params["purge_rules"], absent=absent)
        before, after = canonical_lifecycle(current), canonical_lifecycle(planned)
        if before == after:
            module.exit_json(changed=False, rules=before)
        if not module.check_mode:
            put_lifecycle_rules(connection, params["bucket"], planned)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage the lifecycle configuration of bucket {params['bucket']}")
    module.exit_json(changed=True, rules=after, diff=make_diff({"rules": before}, {"rules": after}))


if __name__ == "__main__":
    main()
