#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: s3_bucket_prefixes
version_added: 0.1.0
short_description: Ensure the folder objects of a bucket's layout exist
description:
  - Creates an empty object for each key in O(prefixes) (for example C(raw/orders/)) that does not exist yet,
    so that a bucket's layout is visible in the console and tools before data arrives; V(absent) deletes those
    empty marker objects (never the data under them).
  - One module run for the whole layout (C(amazon.aws.s3_object) O(amazon.aws.s3_object#module:mode=create) takes
    one run per key). The keys are found with C(ListObjectsV2) pages under their common prefix, each starting just
    before the first key not seen yet - a no-op run on a layout whose folders hold few objects makes one call, on
    a bucket full of data at most one call per key, and no write. No ACL call is made, so it works on buckets
    whose object ownership is C(BucketOwnerEnforced).
  - With O(kms_key_id) the objects are put with SSE-KMS and that key, as a bucket policy that denies unencrypted
    uploads requires.
author:
  - ecap.platform contributors
options:
  bucket:
    description: The name of the bucket.
    type: str
    required: true
    aliases: [name]
  prefixes:
    description: The folder keys, each ending in C(/).
    type: list
    elements: str
    required: true
  kms_key_id:
    description: The KMS key (ARN) to encrypt the objects with (SSE-KMS). Unset - the bucket's default encryption.
    type: str
  state:
    description: V(present) creates the missing folder objects, V(absent) deletes empty ones.
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
- name: Lay out the data lake
  ecap.platform.s3_bucket_prefixes:
    bucket: ecap-prod-datalake-123456789012-us-west-2
    prefixes: [raw/orders/, raw/clickstream/, staging/, curated/, analytics/, archive/]
    kms_key_id: arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
"""

RETURN = r"""
created:
  description: The keys created (in check mode, that would be).
  returned: always
  type: list
  elements: str
  sample: [raw/orders/]
deleted:
  description: The keys deleted with O(state=absent) (in check mode, that would be).
  returned: always
  type: list
  elements: str
  sample: []
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils.common import client, make_diff
from ansible_collections.ecap.platform.plugins.module_utils.s3 import (
    bucket_name_errors,
    existing_keys,
    prefix_errors,
    put_folder_object,
)


def main() -> None:
    module = AnsibleAWSModule(
        argument_spec=dict(
            bucket=dict(type="str", required=True, aliases=["name"]),
            prefixes=dict(type="list", elements="str", required=True),
            kms_key_id=dict(type="str"),
            state=dict(type="str", default="present", choices=["present", "absent"]),
        ),
        supports_check_mode=True,
    )
    params = module.params
    bucket, prefixes = params["bucket"], list(dict.fromkeys(params["prefixes"]))
    errors = bucket_name_errors(bucket) + prefix_errors(prefixes)
    if errors:
        module.fail_json(msg="; ".join(errors), errors=errors)
    connection = client(module, "s3")
    created: list[str] = []
    deleted: list[str] = []
    try:
        found = existing_keys(connection, bucket, prefixes)
        existing = [key for key in prefixes if key in found]
        if params["state"] == "present":
            created = [key for key in prefixes if key not in existing]
            if not module.check_mode:
                for key in created:
                    put_folder_object(connection, bucket, key, params["kms_key_id"])
        else:
            deleted = existing
            if not module.check_mode:
                for key in deleted:
                    connection.delete_object(aws_retry=True, Bucket=bucket, Key=key)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage the folder objects of bucket {bucket}")
    after = sorted(set(existing) | set(created)) if params["state"] == "present" else []
    module.exit_json(
        changed=bool(created or deleted),
        created=created,
        deleted=deleted,
        diff=make_diff({"prefixes": sorted(existing)}, {"prefixes": after}),
    )


if __name__ == "__main__":
    main()
