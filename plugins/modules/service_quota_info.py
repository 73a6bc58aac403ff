#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: service_quota_info
version_added: 0.3.0
short_description: Read the account's Service Quotas (applied values, else AWS's defaults)
description:
  - Reads quotas with the Service Quotas API. For each quota in O(quotas) the account's applied value
    (C(GetServiceQuota)); when the account has none, AWS's default (C(GetAWSDefaultServiceQuota)).
  - With O(service_code), every applied quota of that service (C(ListServiceQuotas), all pages).
  - No upstream module reads Service Quotas (amazon.aws 10.1.2, community.aws 10.0.0).
  - Makes no change; runs the same in check mode.
author:
  - ecap.platform contributors
options:
  quotas:
    description:
      - The quotas to read.
    type: list
    elements: dict
    suboptions:
      service_code:
        description: The service code, for example V(ec2), V(vpc), V(eks), V(rds), V(kafka).
        type: str
        required: true
      quota_code:
        description: The quota code, for example V(L-1216C47A).
        type: str
        required: true
  service_code:
    description:
      - List every applied quota of this service instead.
    type: str
notes:
  - Supports check mode.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Read the EC2 on-demand vCPU and VPC quotas
  ecap.platform.service_quota_info:
    quotas:
      - {service_code: ec2, quota_code: L-1216C47A}
      - {service_code: vpc, quota_code: L-F678F1CE}
  register: quotas

- name: Every quota of Amazon EKS
  ecap.platform.service_quota_info:
    service_code: eks
"""

RETURN = r"""
quotas:
  description: The quotas, in the order asked (one Service Quotas does not know is left out, see RV(missing)).
  returned: always
  type: list
  elements: dict
  contains:
    service_code: {description: The service code., type: str, sample: ec2}
    quota_code: {description: The quota code., type: str, sample: L-1216C47A}
    quota_name: {description: The quota's name., type: str, sample: EC2-VPC Elastic IPs}
    value: {description: The quota's value., type: float, sample: 5.0}
    unit: {description: The unit (C(None) for a count)., type: str, sample: None}
    adjustable: {description: Whether an increase can be requested., type: bool}
    global_quota: {description: Whether the quota is global (not per region)., type: bool}
    quota_arn: {description: The quota's ARN., type: str}
    source:
      description: V(applied) (the account's value) or V(default) (AWS's default; the account has no applied value).
      type: str
      sample: applied
missing:
  description: The O(quotas) Service Quotas does not know, as C(service_code/quota_code).
  returned: always
  type: list
  elements: str
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils.common import client
from ansible_collections.ecap.platform.plugins.module_utils.servicequotas import (
    get_quota,
    list_quotas,
    validate_quotas,
)


def main() -> None:
    argument_spec = dict(
        quotas=dict(
            type="list",
            elements="dict",
            options=dict(service_code=dict(type="str", required=True), quota_code=dict(type="str", required=True)),
        ),
        service_code=dict(type="str"),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        mutually_exclusive=[["quotas", "service_code"]],
        required_one_of=[["quotas", "service_code"]],
        supports_check_mode=True,
    )
    errors = validate_quotas(module.params["quotas"] or [])
    if errors:
        module.fail_json(msg=" ".join(errors))
    connection = client(module, "service-quotas")
    found, missing = [], []
    try:
        if module.params["service_code"]:
            found = list_quotas(connection, module.params["service_code"])
        for wanted in module.params["quotas"] or []:
            quota = get_quota(connection, wanted["service_code"], wanted["quota_code"])
            if quota is None:
                missing.append(f"{wanted['service_code']}/{wanted['quota_code']}")
            else:
                found.append(quota)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg="Failed to read the service quotas")
    module.exit_json(changed=False, quotas=found, missing=missing)


if __name__ == "__main__":
    main()
