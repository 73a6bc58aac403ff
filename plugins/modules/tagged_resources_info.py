#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: tagged_resources_info
version_added: 0.2.0
short_description: List the live AWS resources that carry a set of tags (the leak report of a teardown)
description:
  - Lists, per service, the resources whose tags include every key and value of O(tags).
  - EC2 (VPCs, subnets, gateways, addresses, route tables, security groups, endpoints, flow logs, network
    interfaces), KMS keys and aliases, CloudWatch Logs groups, IAM roles and policies and S3 buckets are
    listed by their own APIs, which know what is on its way out (a NAT gateway C(deleted), a KMS key
    pending deletion is not live); so are RDS event subscriptions (the tagging API of the local emulator does not
    list them); anything else tagged (RDS, ElastiCache, MSK, EKS, ...) comes from the Resource Groups Tagging API.
  - Read-only; runs in check mode.
author:
  - ecap.platform contributors
options:
  tags:
    description: The tags a resource must carry, all of them.
    type: dict
    required: true
  services:
    description:
      - Limit the listing to these listers (C(ec2), C(kms), C(logs), C(iam), C(s3), C(rds), C(tagging), ...).
      - Default is all of them.
    type: list
    elements: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Anything of the dev environment still alive after the teardown
  ecap.platform.tagged_resources_info:
    tags:
      Project: ecap
      Environment: dev
  register: leaks
"""

RETURN = r"""
resources:
  description: The live resources carrying the tags, sorted by service, type and id.
  returned: always
  type: list
  elements: dict
  contains:
    service:
      description: The AWS service.
      type: str
      sample: ec2
    type:
      description: The kind of resource.
      type: str
      sample: nat_gateway
    id:
      description: The id or name of the resource.
      type: str
      sample: nat-0123456789abcdef0
    arn:
      description: Its ARN.
      type: str
      sample: arn:aws:ec2:us-west-2:123456789012:natgateway/nat-0123456789abcdef0
    kind:
      description: C(service:type), to select kinds of resources.
      type: str
      sample: ec2:nat_gateway
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils.common import retry_decorator
from ansible_collections.ecap.platform.plugins.module_utils.tagged_resources import LISTERS, list_resources


def main() -> None:
    argument_spec = dict(
        tags=dict(type="dict", required=True),
        services=dict(type="list", elements="str"),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    tags = {str(k): str(v) for k, v in module.params["tags"].items()}
    if not tags:
        module.fail_json(msg="tags must name at least one tag; an empty filter would list the whole account.")
    services = module.params["services"]
    unknown = sorted(set(services or []) - set(LISTERS))
    if unknown:
        module.fail_json(msg=f"services: unknown {', '.join(unknown)}; choose from {', '.join(sorted(LISTERS))}.")
    try:
        resources = list_resources(
            lambda service: module.client(service, retry_decorator=retry_decorator()),
            tags,
            module.region,
            services,
        )
    except RuntimeError as e:
        module.fail_json(msg=str(e))
    module.exit_json(changed=False, resources=[{**r, "kind": f"{r['service']}:{r['type']}"} for r in resources])


if __name__ == "__main__":
    main()
