#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: s3_account_public_access_block
version_added: 0.1.0
short_description: Manage the account-level S3 Block Public Access settings
description:
  - Sets or removes the S3 Block Public Access configuration of the whole account (S3 Control
    C(PutPublicAccessBlock) / C(DeletePublicAccessBlock)); it applies to every bucket and access point of the
    account on top of each bucket's own settings (C(amazon.aws.s3_bucket) O(amazon.aws.s3_bucket#module:public_access)).
  - With a local endpoint (O(endpoint_url) or C(AWS_ENDPOINT_URL) not an AWS domain) the account-id label
    S3 Control puts in front of the host is left out, since C(123456789012.127.0.0.1) does not resolve.
author:
  - ecap.platform contributors
options:
  account_id:
    description: The account. Default - the caller's account (C(sts:GetCallerIdentity)).
    type: str
  block_public_acls:
    description: Reject requests that grant public ACLs.
    type: bool
    default: true
  ignore_public_acls:
    description: Ignore existing public ACLs.
    type: bool
    default: true
  block_public_policy:
    description: Reject bucket policies that grant public access.
    type: bool
    default: true
  restrict_public_buckets:
    description: Restrict access to buckets with public policies to AWS services and the account.
    type: bool
    default: true
  state:
    description: V(present) sets the four settings, V(absent) removes the configuration.
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
- name: Block all public access to S3 in this account
  ecap.platform.s3_account_public_access_block:
"""

RETURN = r"""
account_id:
  description: The account.
  returned: always
  type: str
  sample: "123456789012"
public_access_block:
  description: The settings after the run (in check mode, as they would be); empty when absent.
  returned: always
  type: dict
  sample:
    block_public_acls: true
    ignore_public_acls: true
    block_public_policy: true
    restrict_public_buckets: true
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils.common import client, make_diff
from ansible_collections.ecap.platform.plugins.module_utils.s3 import (
    PUBLIC_ACCESS_FIELDS,
    canonical_public_access_block,
    get_account_public_access_block,
    use_local_endpoint,
)


def main() -> None:
    module = AnsibleAWSModule(
        argument_spec=dict(
            account_id=dict(type="str"),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            **{option: dict(type="bool", default=True) for option in PUBLIC_ACCESS_FIELDS},
        ),
        supports_check_mode=True,
    )
    params = module.params
    account_id = params["account_id"]
    if account_id is not None and not (account_id.isdigit() and len(account_id) == 12):
        module.fail_json(msg=f"account_id must be 12 digits, got {account_id!r}")
    try:
        if account_id is None:
            account_id = client(module, "sts").get_caller_identity(aws_retry=True)["Account"]
        connection = client(module, "s3control")
        use_local_endpoint(connection)
        before = canonical_public_access_block(get_account_public_access_block(connection, account_id))
        after = {option: params[option] for option in PUBLIC_ACCESS_FIELDS} if params["state"] == "present" else {}
        if before == after:
            module.exit_json(changed=False, account_id=account_id, public_access_block=before)
        if not module.check_mode:
            if after:
                config = {field: after[option] for option, field in PUBLIC_ACCESS_FIELDS.items()}
                connection.put_public_access_block(
                    aws_retry=True, AccountId=account_id, PublicAccessBlockConfiguration=config
                )
            else:
                connection.delete_public_access_block(aws_retry=True, AccountId=account_id)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage the S3 public access block of account {account_id}")
    module.exit_json(changed=True, account_id=account_id, public_access_block=after, diff=make_diff(before, after))


if __name__ == "__main__":
    main()
