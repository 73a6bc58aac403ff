#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: caller_principal_info
version_added: 0.1.0
short_description: The caller of the run as the platform needs it - account, partition and IAM principal
description:
  - Answers GetCallerIdentity and adds what amazon.aws.aws_caller_info leaves to the playbook, the caller's
    B(IAM principal) ARN. An assumed-role session (C(arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION)) is mapped
    to its role's ARN, with the role's path (one C(GetRole) call), and an STS C(user/) ARN to the IAM user ARN.
    EKS access entries and SimulatePrincipalPolicy take that ARN, not the session's.
  - Also reports the region and the API endpoint the run uses (C(AWS_ENDPOINT_URL), for example the local emulator).
  - The preflight role runs it first. Under the Mitogen strategy modules share one interpreter, and importing this
    collection's module_utils makes every later boto3 session of the run reuse one parsed botocore data loader
    (see C(share_botocore_loader) in module_utils/common.py), which roughly halves an AWS task's time on a no-op run.
author:
  - ecap.platform contributors
options: {}
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
notes:
  - Makes no change; supports check mode.
"""

EXAMPLES = r"""
- name: Identify the caller
  ecap.platform.caller_principal_info:
  register: __caller

- name: Give the caller cluster-admin
  ecap.platform.eks_access_entry:
    cluster_name: ecap-dev-eks
    principal_arn: "{{ __caller.principal_arn }}"
    access_policies: [{policy: AmazonEKSClusterAdminPolicy}]
"""

RETURN = r"""
account:
  description: The account id.
  returned: always
  type: str
  sample: "123456789012"
arn:
  description: The caller's ARN as GetCallerIdentity answers it.
  returned: always
  type: str
  sample: arn:aws:sts::123456789012:assumed-role/PlatformAdmin/alice
principal_arn:
  description: The IAM user or role ARN of the caller (an assumed-role session's role, with its path).
  returned: always
  type: str
  sample: arn:aws:iam::123456789012:role/admins/PlatformAdmin
user_id:
  description: The caller's unique id.
  returned: always
  type: str
partition:
  description: The partition of the account (C(aws), C(aws-cn), C(aws-us-gov)).
  returned: always
  type: str
  sample: aws
region:
  description: The region the run uses.
  returned: always
  type: str
  sample: us-west-2
endpoint_url:
  description: The API endpoint override the run uses (C(AWS_ENDPOINT_URL) or O(endpoint_url)); empty for AWS.
  returned: always
  type: str
  sample: http://127.0.0.1:4566
"""

import os

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils.common import client
from ansible_collections.ecap.platform.plugins.module_utils.iam import principal_arn


def main() -> None:
    module = AnsibleAWSModule(argument_spec={}, supports_check_mode=True)
    try:
        identity = client(module, "sts").get_caller_identity(aws_retry=True)
        principal = principal_arn(client(module, "iam"), identity["Arn"])
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg="Failed to identify the caller")
    module.exit_json(
        changed=False,
        account=identity["Account"],
        arn=identity["Arn"],
        principal_arn=principal,
        user_id=identity["UserId"],
        partition=identity["Arn"].split(":")[1],
        region=module.region or "",
        endpoint_url=module.params.get("endpoint_url") or os.environ.get("AWS_ENDPOINT_URL", ""),
    )


if __name__ == "__main__":
    main()
