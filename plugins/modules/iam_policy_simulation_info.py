#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: iam_policy_simulation_info
version_added: 0.3.0
short_description: Simulate whether an IAM principal may call a list of actions
description:
  - Runs C(SimulatePrincipalPolicy) for O(policy_source_arn) and the actions O(action_names) on
    O(resource_arns), and returns one result per action and resource (decision C(allowed), C(explicitDeny)
    or C(implicitDeny)) with the policies that decided it.
  - O(policy_source_arn) may be what C(GetCallerIdentity) answers (the C(arn) of M(amazon.aws.aws_caller_info));
    an assumed-role session ARN is turned into its role's ARN (C(GetRole)).
  - Identity-based policies are evaluated with no context values; the keys a condition needed are listed in
    RV(results[].missing_context_values). Service control policies are not part of this simulation.
  - No upstream module wraps SimulatePrincipalPolicy (amazon.aws 10.1.2, community.aws 10.0.0). Makes no change.
author:
  - ecap.platform contributors
options:
  policy_source_arn:
    description:
      - The user, group or role (or an assumed-role session) whose policies are simulated.
    type: str
    required: true
  action_names:
    description:
      - The actions, for example V(ec2:CreateVpc).
    type: list
    elements: str
    required: true
  resource_arns:
    description:
      - The resources the actions are simulated on.
    type: list
    elements: str
    default: ["*"]
notes:
  - Supports check mode.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Identify the caller
  amazon.aws.aws_caller_info:
  register: caller

- name: May the caller create what the network tier makes?
  ecap.platform.iam_policy_simulation_info:
    policy_source_arn: "{{ caller.arn }}"
    action_names: [ec2:CreateVpc, ec2:CreateSubnet, ec2:CreateNatGateway]
  register: simulation
"""

RETURN = r"""
policy_source_arn:
  description: The IAM ARN that was simulated (an assumed-role session's role).
  returned: always
  type: str
  sample: arn:aws:iam::123456789012:role/deployer
results:
  description: One result per action and resource.
  returned: always
  type: list
  elements: dict
  contains:
    action: {description: The action., type: str, sample: ec2:CreateVpc}
    resource: {description: The resource., type: str, sample: "*"}
    decision: {description: C(allowed), C(explicitDeny) or C(implicitDeny)., type: str, sample: allowed}
    allowed: {description: Whether the decision is C(allowed)., type: bool}
    matched_statements: {description: The policies whose statements decided it., type: list, elements: str}
    missing_context_values: {description: Context keys a condition needed., type: list, elements: str}
denied:
  description: The actions not allowed on some resource.
  returned: always
  type: list
  elements: str
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils.common import client
from ansible_collections.ecap.platform.plugins.module_utils.iam import principal_arn, simulate


def main() -> None:
    argument_spec = dict(
        policy_source_arn=dict(type="str", required=True),
        action_names=dict(type="list", elements="str", required=True),
        resource_arns=dict(type="list", elements="str", default=["*"]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    bad = [a for a in params["action_names"] if ":" not in a]
    if not params["action_names"] or bad:
        module.fail_json(msg=f"action_names must be service:Action names such as ec2:CreateVpc (got {bad or 'none'}).")
    connection = client(module, "iam")
    try:
        source = principal_arn(connection, params["policy_source_arn"])
        results = simulate(connection, source, params["action_names"], params["resource_arns"] or ["*"])
    except is_boto3_error_code("NoSuchEntity") as e:
        module.fail_json_aws(e, msg=f"The principal {params['policy_source_arn']} does not exist (policy_source_arn)")
    except (BotoCoreError, ClientError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Failed to simulate the policies of {params['policy_source_arn']}")
    denied = sorted({r["action"] for r in results if not r["allowed"]})
    module.exit_json(changed=False, policy_source_arn=source, results=results, denied=denied)


if __name__ == "__main__":
    main()
