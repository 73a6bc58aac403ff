#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: s3_bucket_replication
version_added: 0.1.0
short_description: Manage the replication configuration of an S3 bucket
description:
  - Converges the replication configuration of a bucket (C(PutBucketReplication), schema V2 - every rule
    has a filter, a priority and a delete-marker replication setting) to O(role) and O(rules), in one call
    when anything differs; V(absent) deletes it.
  - Supports same- and cross-region replication of SSE-KMS encrypted objects (O(rules[].replica_kms_key_id)
    with O(rules[].sse_kms_encrypted_objects)), storage class of the replicas and delete-marker replication.
  - The source bucket and every destination bucket must have versioning enabled; O(role) must be assumable
    by C(s3.amazonaws.com) and allowed to read the source, write the destination and use both KMS keys.
  - The options are checked before any call (role ARN, unique ids and priorities, valid destination names,
    a replica KMS key for SSE-KMS objects).
author:
  - ecap.platform contributors
options:
  bucket:
    description: The name of the source bucket.
    type: str
    required: true
    aliases: [name]
  role:
    description: The ARN of the IAM role S3 assumes to replicate. Required with O(state=present).
    type: str
  rules:
    description: The replication rules.
    type: list
    elements: dict
    default: []
    suboptions:
      id:
        description: The unique id of the rule.
        type: str
        required: true
      priority:
        description:
          - Which rule wins when several match an object (higher wins).
          - Default - the position in the list, from 1.
        type: int
      status:
        description: Whether the rule applies.
        type: str
        default: enabled
        choices: [enabled, disabled]
      prefix:
        description: Only objects whose key starts with this prefix. Unset - every object.
        type: str
      filter_tags:
        description: Only objects with all of these tags.
        type: dict
      destination_bucket:
        description: The destination bucket, by name or ARN.
        type: str
        required: true
      storage_class:
        description: The storage class of the replicas. Unset - the source object's class.
        type: str
        choices:
          - STANDARD
          - REDUCED_REDUNDANCY
          - STANDARD_IA
          - ONEZONE_IA
          - INTELLIGENT_TIERING
          - GLACIER
          - DEEP_ARCHIVE
          - GLACIER_IR
      replica_kms_key_id:
        description: The ARN of the KMS key (in the destination's region) that encrypts the replicas.
        type: str
      sse_kms_encrypted_objects:
        description:
          - Replicate objects encrypted with SSE-KMS. Needs O(rules[].replica_kms_key_id).
          - Default - V(true) when O(rules[].replica_kms_key_id) is set.
        type: bool
      delete_marker_replication:
        description: Replicate delete markers.
        type: bool
        default: false
      replica_modifications:
        description: Replicate metadata changes made on replicas back (two-way replication).
        type: bool
        default: false
  state:
    description: V(present) converges the configuration, V(absent) deletes it.
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
- name: Replicate the data lake to the DR region, KMS-encrypted, with delete markers
  ecap.platform.s3_bucket_replication:
    bucket: ecap-prod-datalake-123456789012-us-west-2
    role: arn:aws:iam::123456789012:role/ecap-prod-datalake-replication
    rules:
      - id: dr
        destination_bucket: ecap-prod-datalake-replica-123456789012-us-east-2
        replica_kms_key_id: arn:aws:kms:us-east-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
        storage_class: STANDARD_IA
        delete_marker_replication: true
"""

RETURN = r"""
configuration:
  description: The configuration after the run (in check mode, as it would be), snake_cased; empty when absent.
  returned: always
  type: dict
  contains:
    role:
      description: The replication role's ARN.
      type: str
      returned: when present
      sample: arn:aws:iam::123456789012:role/ecap-prod-datalake-replication
    rules:
      description: The rules, sorted by id, with C(destination_bucket) as an ARN.
      type: list
      elements: dict
      returned: when present
      sample: [{"id": "dr", "priority": 1, "status": "enabled", "filter": {}, "delete_marker_replication": true}]
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils.common import client, make_diff
from ansible_collections.ecap.platform.plugins.module_utils.s3 import (
    bucket_name_errors,
    build_replication,
    canonical_replication,
    get_replication,
    validate_replication,
)

STORAGE_CLASSES = [
    "STANDARD",
    "REDUCED_REDUNDANCY",
    "STANDARD_IA",
    "ONEZONE_IA",
    "INTELLIGENT_TIERING",
    "GLACIER",
    "DEEP_ARCHIVE",
    "GLACIER_IR",
]


def main() -> None:
    rule = dict(
        id=dict(type="str", required=True),
        priority=dict(type="int"),
        status=dict(type="str", default="enabled", choices=["enabled", "disabled"]),
        prefix=dict(type="str"),
        filter_tags=dict(type="dict"),
        destination_bucket=dict(type="str", required=True),
        storage_class=dict(type="str", choices=STORAGE_CLASSES),
        replica_kms_key_id=dict(type="str"),
        sse_kms_encrypted_objects=dict(type="bool"),
        delete_marker_replication=dict(type="bool", default=False),
        replica_modifications=dict(type="bool", default=False),
    )
    module = AnsibleAWSModule(
        argument_spec=dict(
            bucket=dict(type="str", required=True, aliases=["name"]),
            role=dict(type="str"),
            rules=dict(type="list", elements="dict", options=rule, default=[]),
            state=dict(type="str", default="present", choices=["present", "absent"]),
        ),
        required_if=[["state", "present", ["role"]]],
        supports_check_mode=True,
    )
    params = module.params
    present = params["state"] == "present"
    errors = bucket_name_errors(params["bucket"]) + (validate_replication(params) if present else [])
    if errors:
        module.fail_json(msg="; ".join(errors), errors=errors)

    connection = client(module, "s3")
    bucket = params["bucket"]
    try:
        current = get_replication(connection, bucket)
        wanted = build_replication(params) if present else None
        before, after = canonical_replication(current), canonical_replication(wanted)
        if before == after:
            module.exit_json(changed=False, configuration=before)
        if not module.check_mode:
            if present:
                connection.put_bucket_replication(aws_retry=True, Bucket=bucket, ReplicationConfiguration=wanted)
            else:
                connection.delete_bucket_replication(aws_retry=True, Bucket=bucket)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage the replication configuration of bucket {bucket}")
    module.exit_json(changed=True, configuration=after, diff=make_diff(before, after))


if __name__ == "__main__":
    main()
