#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: ec2_ebs_encryption_by_default
version_added: 0.4.0
short_description: Turn EBS encryption by default on or off for the account in a region
description:
  - Sets the account's EBS encryption by default in one region (EC2 C(EnableEbsEncryptionByDefault) /
    C(DisableEbsEncryptionByDefault), read with C(GetEbsEncryptionByDefault)). With it on, every new EBS volume and
    snapshot copy of the account in that region is encrypted, whatever the caller asks for (FSBP EC2.7).
  - Written because amazon.aws (10.1.2) and community.aws (10.0.0) have no module for this account setting.
  - The setting is per account and region, not a resource, so it has no tags and no ARN. Volumes that already exist are
    not changed.
  - The default key stays as it is (the AWS managed key C(aws/ebs) unless someone changed it); the platform's own
    volumes name their key in their launch template.
author:
  - ecap.platform contributors
options:
  state:
    description:
      - V(present) turns encryption by default on, V(absent) turns it off.
      - A no-op run makes one call (GetEbsEncryptionByDefault).
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
- name: Encrypt every new EBS volume of the account in this region
  ecap.platform.ec2_ebs_encryption_by_default:
    region: us-west-2

- name: Turn it off again
  ecap.platform.ec2_ebs_encryption_by_default:
    state: absent
"""

RETURN = r"""
ebs_encryption_by_default:
  description: Whether EBS encryption by default is on after the run (in check mode, as it would be).
  returned: always
  type: bool
  sample: true
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils.common import client, make_diff
from ansible_collections.ecap.platform.plugins.module_utils.ec2 import (
    get_ebs_encryption_by_default,
    set_ebs_encryption_by_default,
)


def main() -> None:
    module = AnsibleAWSModule(
        argument_spec=dict(state=dict(type="str", default="present", choices=["present", "absent"])),
        supports_check_mode=True,
    )
    wanted = module.params["state"] == "present"
    connection = client(module, "ec2")
    try:
        current = get_ebs_encryption_by_default(connection)
        if current == wanted:
            module.exit_json(changed=False, ebs_encryption_by_default=current)
        if not module.check_mode:
            set_ebs_encryption_by_default(connection, wanted)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg="Failed to manage EBS encryption by default")
    module.exit_json(
        changed=True,
        ebs_encryption_by_default=wanted,
        diff=make_diff({"ebs_encryption_by_default": current}, {"ebs_encryption_by_default": wanted}),
    )


if __name__ == "__main__":
    main()
