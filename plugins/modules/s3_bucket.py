#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: s3_bucket
version_added: 0.5.0
short_description: Manage an S3 bucket's versioning, encryption, public access block, ownership, policy and tags
description:
  - Create, update and delete a general purpose S3 bucket with the settings a platform bucket needs - versioning,
    default encryption (SSE-S3 or SSE-KMS with a bucket key), the bucket's public access block, object ownership,
    the bucket policy and tags - with check mode and diff.
  - Written because M(amazon.aws.s3_bucket) (amazon.aws 10.1.2) reads every sub-configuration of a bucket on
    every run (acceleration, ACL, request payment, object lock, inventory, encryption twice, ...) - 12 or 13 calls
    for a bucket that is already as wanted - and has no check mode. Here each option that is set costs one read
    (GetBucketVersioning, GetBucketEncryption, GetPublicAccessBlock, GetBucketOwnershipControls, GetBucketPolicy,
    GetBucketTagging) and an unset option none; a bucket is missing when its first read answers NoSuchBucket.
  - Lifecycle rules, logging, intelligent tiering and replication have their own modules
    (M(ecap.platform.s3_bucket_lifecycle), M(ecap.platform.s3_bucket_logging), ...).
  - Bad input (bucket name, a KMS key without SSE-KMS, a policy that is not JSON) fails before any API call.
author:
  - ecap.platform contributors
options:
  name:
    description: The name of the bucket.
    type: str
    required: true
    aliases: [bucket]
  versioning:
    description:
      - V(true) enables versioning; V(false) suspends it on a versioned bucket (a bucket that was never versioned
        stays so). Unset leaves it as it is.
    type: bool
  encryption:
    description: The default encryption. Unset leaves it as it is.
    type: str
    choices: [AES256, aws:kms, aws:kms:dsse]
  encryption_key_id:
    description:
      - The KMS key (ARN) of V(aws:kms) encryption.
      - Unset with V(aws:kms) - the current key, else the AWS managed key.
    type: str
  bucket_key_enabled:
    description: Whether SSE-KMS uses an S3 bucket key (fewer KMS requests). Needs O(encryption).
    type: bool
  public_access:
    description: The bucket's public access block. Unset leaves it as it is; an unset field keeps its value.
    type: dict
    suboptions:
      block_public_acls:
        description: Reject requests that grant public ACLs.
        type: bool
      ignore_public_acls:
        description: Ignore public ACLs.
        type: bool
      block_public_policy:
        description: Reject bucket policies that grant public access.
        type: bool
      restrict_public_buckets:
        description: Restrict access to a bucket with a public policy to AWS services and the account.
        type: bool
  object_ownership:
    description: The object ownership (V(BucketOwnerEnforced) turns ACLs off). Unset leaves it as it is.
    type: str
    choices: [BucketOwnerEnforced, BucketOwnerPreferred, ObjectWriter]
  policy:
    description:
      - The bucket policy (a dict or a JSON string), compared as a policy (order of statements and lists does not
        matter). An empty string or dict deletes the policy. Unset leaves it as it is.
    type: raw
  tags:
    description: Tags of the bucket. Unset leaves the tags as they are.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove the tags not in O(tags).
    type: bool
    default: true
  force:
    description: With O(state=absent), delete every object version and delete marker before the bucket.
    type: bool
    default: false
  state:
    description: Whether the bucket should exist.
    type: str
    default: present
    choices: [present, absent]
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The data lake bucket, SSE-KMS with a bucket key, private, TLS-only
  ecap.platform.s3_bucket:
    name: ecap-dev-datalake-123456789012-us-west-2
    versioning: true
    encryption: aws:kms
    encryption_key_id: arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
    bucket_key_enabled: true
    object_ownership: BucketOwnerEnforced
    public_access:
      block_public_acls: true
      ignore_public_acls: true
      block_public_policy: true
      restrict_public_buckets: true
    policy: "{{ lookup('ansible.builtin.template', 'bucket_policy.json.j2') }}"
    tags:
      Project: ecap
      Environment: dev

- name: Delete it with everything in it
  ecap.platform.s3_bucket:
    name: ecap-dev-datalake-123456789012-us-west-2
    state: absent
    force: true
"""

RETURN = r"""
bucket:
  description: The managed settings of the bucket after the change (in check mode, as they would be); empty when absent.
  returned: always
  type: dict
  contains:
    name:
      description: The name of the bucket.
      type: str
      returned: when present
      sample: ecap-dev-datalake-123456789012-us-west-2
    versioning:
      description: V(Enabled), V(Suspended) or empty (never versioned).
      type: str
      returned: when O(versioning) is set
    encryption:
      description: The default encryption (C(sse_algorithm), C(kms_master_key_id), C(bucket_key_enabled)).
      type: dict
      returned: when O(encryption) is set
      sample: {"sse_algorithm": "aws:kms", "kms_master_key_id": "arn:aws:kms:...", "bucket_key_enabled": true}
    public_access:
      description: The public access block (the four booleans).
      type: dict
      returned: when O(public_access) is set
    object_ownership:
      description: The object ownership.
      type: str
      returned: when O(object_ownership) is set
    policy:
      description: The bucket policy (empty when none).
      type: dict
      returned: when O(policy) is set
    tags:
      description: The tags of the bucket.
      type: dict
      returned: when O(tags) is set
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils import s3_bucket
from ansible_collections.ecap.platform.plugins.module_utils.common import client, make_diff


def ensure_present(connection, module: AnsibleAWSModule) -> None:
    params = module.params
    current = s3_bucket.describe(connection, params)
    if current is None:
        after = s3_bucket.predicted_new(params)
        if not module.check_mode:
            s3_bucket.create(connection, params, module.region)
            after = s3_bucket.view(s3_bucket.describe(connection, params))
        module.exit_json(changed=True, bucket=after, diff=make_diff({}, after))
    changes = s3_bucket.plan(current, params)
    before = s3_bucket.view(current)
    if not changes:
        module.exit_json(changed=False, bucket=before)
    after = s3_bucket.view(current, changes)
    if not module.check_mode:
        s3_bucket.apply(connection, current, changes)
    module.exit_json(changed=True, bucket=after, diff=make_diff(before, after))


def ensure_absent(connection, module: AnsibleAWSModule) -> None:
    name = module.params["name"]
    current = s3_bucket.describe(connection, {"name": name})
    if current is None:
        module.exit_json(changed=False, bucket={})
    if not module.check_mode:
        s3_bucket.delete(connection, name, module.params["force"])
    module.exit_json(changed=True, bucket={}, diff=make_diff({"name": name}, {}))


def main() -> None:
    argument_spec = dict(
        name=dict(type="str", required=True, aliases=["bucket"]),
        versioning=dict(type="bool"),
        encryption=dict(type="str", choices=list(s3_bucket.ENCRYPTIONS)),
        encryption_key_id=dict(type="str", no_log=False),
        bucket_key_enabled=dict(type="bool"),
        public_access=dict(
            type="dict",
            options={option: dict(type="bool") for option in s3_bucket.PUBLIC_ACCESS},
        ),
        object_ownership=dict(type="str", choices=list(s3_bucket.OWNERSHIPS)),
        policy=dict(type="raw"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        force=dict(type="bool", default=False),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    errors = s3_bucket.validate(module.params)
    if errors:
        module.fail_json(msg=" ".join(errors))
    connection = client(module, "s3")
    try:
        if module.params["state"] == "present":
            ensure_present(connection, module)
        else:
            ensure_absent(connection, module)
    except s3_bucket.BucketError as e:
        module.fail_json(msg=str(e))
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage S3 bucket {module.params['name']}")


if __name__ == "__main__":
    main()
