#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: s3_bucket_logging
version_added: 0.1.0
short_description: Manage S3 server access logging of a bucket, delivered through a bucket policy
description:
  - Turns server access logging of a bucket on (to O(target_bucket) under O(target_prefix)) or off
    (C(PutBucketLogging)).
  - Unlike C(community.aws.s3_logging), it never changes the ACL of the target bucket. That module grants the
    C(LogDelivery) group C(FULL_CONTROL) through the bucket ACL, which AWS refuses
    (C(AccessControlListNotSupported)) on a bucket whose object ownership is C(BucketOwnerEnforced) - the AWS
    default since April 2023 and what this platform uses. Grant delivery instead with a statement in the target
    bucket's policy that allows C(s3:PutObject) to the service principal C(logging.s3.amazonaws.com) with
    C(aws:SourceArn) and C(aws:SourceAccount) conditions.
  - The target bucket must be in the same region and account, and use SSE-S3 default encryption (server access
    logs cannot be delivered to an SSE-KMS bucket).
author:
  - ecap.platform contributors
options:
  bucket:
    description: The bucket whose requests are logged.
    type: str
    required: true
    aliases: [name]
  target_bucket:
    description: The bucket that receives the logs. Required with O(state=present).
    type: str
  target_prefix:
    description: The key prefix of the log objects, for example C(datalake/).
    type: str
    default: ""
  state:
    description: V(present) turns logging on, V(absent) off.
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
- name: Log the data lake's requests to the logs bucket
  ecap.platform.s3_bucket_logging:
    bucket: ecap-prod-datalake-123456789012-us-west-2
    target_bucket: ecap-prod-logs-123456789012-us-west-2
    target_prefix: s3-access/datalake/
"""

RETURN = r"""
logging:
  description: The logging settings after the run (in check mode, as they would be); empty when off.
  returned: always
  type: dict
  sample: {"target_bucket": "ecap-prod-logs-123456789012-us-west-2", "target_prefix": "s3-access/datalake/"}
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils.common import client, make_diff
from ansible_collections.ecap.platform.plugins.module_utils.s3 import bucket_name_errors, get_logging, put_logging


def main() -> None:
    module = AnsibleAWSModule(
        argument_spec=dict(
            bucket=dict(type="str", required=True, aliases=["name"]),
            target_bucket=dict(type="str"),
            target_prefix=dict(type="str", default=""),
            state=dict(type="str", default="present", choices=["present", "absent"]),
        ),
        required_if=[["state", "present", ["target_bucket"]]],
        supports_check_mode=True,
    )
    params = module.params
    present = params["state"] == "present"
    errors = bucket_name_errors(params["bucket"])
    if present:
        errors += bucket_name_errors(params["target_bucket"], "target bucket")
    if errors:
        module.fail_json(msg="; ".join(errors), errors=errors)
    wanted = {"target_bucket": params["target_bucket"], "target_prefix": params["target_prefix"]} if present else {}
    connection = client(module, "s3")
    try:
        current = get_logging(connection, params["bucket"])
        if current == wanted:
            module.exit_json(changed=False, logging=current)
        if not module.check_mode:
            put_logging(connection, params["bucket"], wanted)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage the access logging of bucket {params['bucket']}")
    module.exit_json(changed=True, logging=wanted, diff=make_diff(current, wanted))


if __name__ == "__main__":
    main()
