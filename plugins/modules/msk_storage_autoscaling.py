#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: msk_storage_autoscaling
version_added: 0.1.0
short_description: Manage broker storage autoscaling of an Amazon MSK cluster
description:
  - Registers the cluster's broker storage (C(kafka:broker-storage:VolumeSize)) as an Application
    Auto Scaling target and attaches a target-tracking policy on C(KafkaBrokerStorageUtilization),
    so MSK grows the broker volumes when they fill up.
  - MSK never shrinks storage, so the policy always disables scale-in.
  - community.aws.application_autoscaling_policy does not accept the C(kafka) service namespace.
author:
  - ecap.platform contributors
options:
  cluster_arn:
    description:
      - The ARN of the MSK cluster.
    type: str
    required: true
  min_capacity:
    description:
      - The smallest broker volume, in GiB; AWS expects the cluster's current volume size.
      - Required with O(state=present).
    type: int
  max_capacity:
    description:
      - The largest broker volume, in GiB, that autoscaling may reach (at most 16384).
      - Required with O(state=present).
    type: int
  target_utilization:
    description:
      - The disk utilization, in percent, that the policy keeps the brokers at.
    type: float
    default: 60
  policy_name:
    description:
      - The name of the scaling policy. Defaults to C(<cluster name>-broker-storage).
    type: str
  state:
    description:
      - V(present) registers the target and the policy, V(absent) removes both.
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
- name: Let the broker volumes grow from 100 GiB up to 1 TiB at 60 % utilization
  ecap.platform.msk_storage_autoscaling:
    cluster_arn: "{{ msk_outputs.cluster_arn }}"
    min_capacity: 100
    max_capacity: 1024
    target_utilization: 60
"""

RETURN = r"""
scalable_target:
  description:
    - The scalable target as DescribeScalableTargets describes it, snake_cased.
    - In check mode, as it will be.
  returned: with O(state=present)
  type: dict
  sample: {"min_capacity": 100, "max_capacity": 1024, "scalable_dimension": "kafka:broker-storage:VolumeSize"}
policy_name:
  description: The name of the scaling policy.
  returned: always
  type: str
  sample: ecap-dev-msk-broker-storage
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils.common import client, make_diff
from ansible_collections.ecap.platform.plugins.module_utils.msk import (
    STORAGE_DIMENSION,
    cluster_arn_parts,
    describe_storage_autoscaling,
    plan_storage_autoscaling,
    storage_policy_request,
)


def view(target, policy) -> dict:
    if not target:
        return {}
    config = (policy or {}).get("TargetTrackingScalingPolicyConfiguration") or {}
    return {
        "min_capacity": target.get("MinCapacity"),
        "max_capacity": target.get("MaxCapacity"),
        "target_utilization": config.get("TargetValue"),
    }


def ensure_present(connection, module, cluster_arn: str, policy_name: str) -> None:
    params = module.params
    target, policy = describe_storage_autoscaling(connection, cluster_arn, policy_name)
    before = view(target, policy)
    plan = plan_storage_autoscaling(
        target, policy, params["min_capacity"], params["max_capacity"], params["target_utilization"]
    )
    wanted_target = {
        "ServiceNamespace": "kafka",
        "ResourceId": cluster_arn,
        "ScalableDimension": STORAGE_DIMENSION,
        "MinCapacity": params["min_capacity"],
        "MaxCapacity": params["max_capacity"],
    }
    if not plan.changed:
        module.exit_json(changed=False, scalable_target=camel_dict_to_snake_dict(target), policy_name=policy_name)
    request = storage_policy_request(cluster_arn, policy_name, params["target_utilization"])
    if not module.check_mode:
        if plan.register_target:
            connection.register_scalable_target(aws_retry=True, **wanted_target)
        if plan.put_policy:
            connection.put_scaling_policy(aws_retry=True, **request)
        target, policy = describe_storage_autoscaling(connection, cluster_arn, policy_name)
    else:
        target, policy = {**(target or {}), **wanted_target}, request
    module.exit_json(
        changed=True,
        scalable_target=camel_dict_to_snake_dict(target or {}),
        policy_name=policy_name,
        differences={k: list(v) for k, v in plan.differences.items()},
        diff=make_diff(before, view(target, policy)),
    )


def ensure_absent(connection, module, cluster_arn: str, policy_name: str) -> None:
    target, policy = describe_storage_autoscaling(connection, cluster_arn, policy_name)
    if target is None:
        module.exit_json(changed=False, policy_name=policy_name)
    if not module.check_mode:
        key = {"ServiceNamespace": "kafka", "ResourceId": cluster_arn, "ScalableDimension": STORAGE_DIMENSION}
        if policy is not None:
            try:
                connection.delete_scaling_policy(PolicyName=policy_name, aws_retry=True, **key)
            except is_boto3_error_code("ObjectNotFoundException"):
                pass
        try:
            connection.deregister_scalable_target(aws_retry=True, **key)
        except is_boto3_error_code("ObjectNotFoundException"):
            pass
    module.exit_json(changed=True, policy_name=policy_name, diff=make_diff(view(target, policy), {}))


def main() -> None:
    argument_spec = dict(
        cluster_arn=dict(type="str", required=True),
        min_capacity=dict(type="int"),
        max_capacity=dict(type="int"),
        target_utilization=dict(type="float", default=60.0),
        policy_name=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        required_if=[["state", "present", ["min_capacity", "max_capacity"]]],
        supports_check_mode=True,
    )
    params = module.params
    try:
        cluster_name = cluster_arn_parts(params["cluster_arn"])["name"]
    except ValueError as e:
        module.fail_json(msg=f"cluster_arn: {e}")
    if params["state"] == "present":
        if not 1 <= params["min_capacity"] < params["max_capacity"] <= 16384:
            module.fail_json(
                msg=f"min_capacity ({params['min_capacity']}) must be at least 1 and below max_capacity "
                f"({params['max_capacity']}), which is at most 16384 GiB."
            )
        if not 10 <= params["target_utilization"] <= 90:
            module.fail_json(msg=f"target_utilization ({params['target_utilization']}) must be between 10 and 90.")
    policy_name = params["policy_name"] or f"{cluster_name}-broker-storage"
    connection = client(module, "application-autoscaling")
    try:
        if params["state"] == "present":
            ensure_present(connection, module, params["cluster_arn"], policy_name)
        else:
            ensure_absent(connection, module, params["cluster_arn"], policy_name)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage the storage autoscaling of {params['cluster_arn']}")


if __name__ == "__main__":
    main()
