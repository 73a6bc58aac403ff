#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: eks_lb_controller_cleanup
version_added: 0.4.0
short_description: Delete the load balancers, target groups and SGs the AWS Load Balancer Controller left
description:
  - Finds by the tag C(elbv2.k8s.aws/cluster=<cluster>) the load balancers, target groups and security groups the
    AWS Load Balancer Controller made for Services of type LoadBalancer and Ingresses, and deletes them in order -
    load balancers (waited for), target groups, then, once no network interface of those load balancers or groups
    is left, the security groups, after revoking the rules of other groups that reference them.
  - A no-op (C(changed=false)) when nothing carries the tag. Run it once the cluster's nodes are gone (the
    controller would otherwise make them again) and before the network is torn down.
author:
  - ecap.platform contributors
options:
  cluster_name:
    description: The EKS cluster whose controller made the resources.
    type: str
    required: true
  vpc_id:
    description: Where to look for the rules that reference the controller's groups; default every group of the region.
    type: str
  wait_timeout:
    description: Seconds to wait for the load balancers and their network interfaces to go.
    type: int
    default: 900
  wait_delay:
    description: Seconds between two polls.
    type: int
    default: 5
notes:
  - Supports check mode (reports what would be deleted).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Delete the load balancers the controller left
  ecap.platform.eks_lb_controller_cleanup:
    cluster_name: ecap-dev-eks
    vpc_id: vpc-0123456789abcdef0
"""

RETURN = r"""
load_balancers: {description: The load balancer ARNs deleted (to delete)., returned: always, type: list, elements: str}
target_groups: {description: The target group ARNs deleted (to delete)., returned: always, type: list, elements: str}
security_groups: {description: The security group ids deleted (to delete)., returned: always, type: list, elements: str}
revoked_rules:
  description: The rules of other groups that referenced them, C(group_id), C(direction), C(rule).
  returned: always
  type: list
  elements: dict
"""

import time

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils import lb_cleanup as lb
from ansible_collections.ecap.platform.plugins.module_utils.common import client


def _delete_group(ec2, group_id: str, deadline: float, delay: int) -> None:
    while True:
        try:
            ec2.delete_security_group(aws_retry=True, GroupId=group_id)
            return
        except is_boto3_error_code("InvalidGroup.NotFound"):
            return
        except is_boto3_error_code("DependencyViolation"):
            if time.monotonic() + delay > deadline:
                raise
            time.sleep(delay)


def main() -> None:
    argument_spec = dict(
        cluster_name=dict(type="str", required=True),
        vpc_id=dict(type="str"),
        wait_timeout=dict(type="int", default=900),
        wait_delay=dict(type="int", default=5),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    elbv2, ec2 = client(module, "elbv2"), client(module, "ec2")
    try:
        found = lb.find(elbv2, ec2, params["cluster_name"])
        group_ids = [g["GroupId"] for g in found["security_groups"]]
        rules = lb.referencing_rules(ec2, group_ids, params["vpc_id"])
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(
            e, msg=f"Failed to find what the load balancer controller of {params['cluster_name']} left"
        )
    result = {
        "load_balancers": [b["LoadBalancerArn"] for b in found["load_balancers"]],
        "target_groups": [g["TargetGroupArn"] for g in found["target_groups"]],
        "security_groups": group_ids,
        "revoked_rules": [{"group_id": g, "direction": d, "rule": r} for g, d, r in rules],
    }
    changed = any(result[k] for k in ("load_balancers", "target_groups", "security_groups"))
    if not changed or module.check_mode:
        module.exit_json(changed=changed, **result)
    deadline = time.monotonic() + params["wait_timeout"]
    try:
        for arn in result["load_balancers"]:
            elbv2.delete_load_balancer(aws_retry=True, LoadBalancerArn=arn)

        def balancers_left() -> list[str]:
            live = lb._marker_pages(elbv2.describe_load_balancers, "LoadBalancers")
            return [b["LoadBalancerArn"] for b in live if b["LoadBalancerArn"] in result["load_balancers"]]

        lb.wait(balancers_left, "the load balancers", params["wait_timeout"], params["wait_delay"])
        for arn in result["target_groups"]:
            try:
                elbv2.delete_target_group(aws_retry=True, TargetGroupArn=arn)
            except is_boto3_error_code("TargetGroupNotFound"):
                pass
        remaining = max(int(deadline - time.monotonic()), params["wait_delay"])
        lb.wait(
            lambda: lb.remaining_interfaces(ec2, found["load_balancers"], group_ids),
            "the load balancers' network interfaces",
            remaining,
            params["wait_delay"],
        )
        for group_id, direction, rule in rules:
            call = ec2.revoke_security_group_ingress if direction == "ingress" else ec2.revoke_security_group_egress
            try:
                call(aws_retry=True, GroupId=group_id, IpPermissions=[rule])
            except is_boto3_error_code(["InvalidPermission.NotFound", "InvalidGroup.NotFound"]):
                pass
        for group_id in group_ids:
            _delete_group(ec2, group_id, deadline, params["wait_delay"])
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(
            e, msg=f"Failed to delete what the load balancer controller of {params['cluster_name']} left"
        )
    except TimeoutError as e:
        module.fail_json(msg=str(e), **result)
    module.exit_json(changed=True, **result)


if __name__ == "__main__":
    main()
