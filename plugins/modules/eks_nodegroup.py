#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: eks_nodegroup
version_added: 0.1.0
short_description: Manage an Amazon EKS managed node group, without fighting the cluster autoscaler
description:
  - Create, update and delete an EKS managed node group (C(CreateNodegroup), C(UpdateNodegroupConfig),
    C(UpdateNodegroupVersion), C(DeleteNodegroup)).
  - Written because community.aws.eks_nodegroup resets the desired size the cluster autoscaler set,
    cannot move a node group to a new launch template version, and fails on a node group without C(updateConfig).
  - "Desired size: with O(ignore_desired_size=true) (the default) O(scaling.desired_size) is used when the
    group is created; on an existing group it is changed only to bring it back within
    [O(scaling.min_size), O(scaling.max_size)] (to the nearest bound), so the autoscaler owns it."
  - "Launch template: the group follows a version number. With no O(launch_template.version) the
    template's latest version is resolved to its number, so a new template version rolls the group
    (C(UpdateNodegroupVersion)); V($Latest) and V($Default) are resolved to numbers the same way."
  - Scaling, labels, taints and the update config are changed in one C(UpdateNodegroupConfig); the
    launch template version and the Kubernetes version in one C(UpdateNodegroupVersion). AWS runs one
    update of a node group at a time, so the module waits for the first before it starts the second
    (with O(wait=false) too); with O(wait=true) it also waits for the last.
  - Immutable on AWS - O(node_role_arn), O(subnet_ids), O(capacity_type), O(instance_types), O(ami_type),
    O(disk_size) and a switch between launch templates. A difference fails naming the option, before any
    change, unless O(allow_replacement=true) - then the group is deleted, the module waits until it is
    gone, and creates it again with the new settings (its nodes are drained and replaced; plan capacity).
  - Validation before any call - O(scaling.min_size) <= O(scaling.desired_size) <= O(scaling.max_size),
    O(scaling.max_size) >= 1, O(disk_size) only without a launch template, one of
    O(update_config.max_unavailable) and O(update_config.max_unavailable_percentage). A C(SPOT) group
    with one instance type gets a warning (Spot capacity needs several types).
author:
  - ecap.platform contributors
options:
  cluster_name:
    description:
      - The name of the EKS cluster.
    type: str
    required: true
  name:
    description:
      - The name of the node group.
    type: str
    required: true
    aliases: [nodegroup_name]
  state:
    description:
      - V(present) creates or updates the node group, V(absent) deletes it.
    type: str
    default: present
    choices: [present, absent]
  node_role_arn:
    description:
      - The IAM role of the nodes. Required to create the group. Immutable.
    type: str
  subnet_ids:
    description:
      - The subnets of the nodes. Required to create the group. Immutable (compared as a set).
    type: list
    elements: str
  capacity_type:
    description:
      - On-demand or Spot capacity. Immutable.
      - Not set - V(ON_DEMAND) at create; an existing group is not compared.
    type: str
    choices: [ON_DEMAND, SPOT]
  instance_types:
    description:
      - The instance types. Immutable (compared in order; EKS tries them in this order for on-demand).
      - Not with a launch template that sets an instance type (EKS refuses it).
      - Not set - EKS's default (C(t3.medium)), or the launch template's type.
    type: list
    elements: str
  ami_type:
    description:
      - The AMI type. Immutable.
      - With a launch template that sets an image the module expects C(CUSTOM) (what EKS reports) and sends no AMI type.
      - Not set - V(AL2023_x86_64_STANDARD) at create; an existing group is not compared.
    type: str
  disk_size:
    description:
      - The root volume size in GiB. Only without a launch template (set the volume in the template). Immutable.
    type: int
  launch_template:
    description:
      - The EC2 launch template of the nodes.
    type: dict
    suboptions:
      id:
        description:
          - The ID of the launch template (C(lt-...)). One of O(launch_template.id) and O(launch_template.name).
        type: str
      name:
        description: The name of the launch template.
        type: str
      version:
        description:
          - The version number, V($Latest) or V($Default); resolved to a number before the comparison.
          - Not set - the template's latest version number.
        type: str
  scaling:
    description:
      - The scaling config of the group.
    type: dict
    suboptions:
      min_size:
        description: The minimum number of nodes (0 or more).
        type: int
        default: 1
      max_size:
        description: The maximum number of nodes (1 or more).
        type: int
        default: 2
      desired_size:
        description:
          - The number of nodes to start with. Not set - O(scaling.min_size).
          - See O(ignore_desired_size) for an existing group.
        type: int
  ignore_desired_size:
    description:
      - On an existing group, leave the desired size to the cluster autoscaler, changing it only to bring
        it within [O(scaling.min_size), O(scaling.max_size)].
      - V(false) sets O(scaling.desired_size) on every run.
    type: bool
    default: true
  update_config:
    description:
      - How many nodes may be unavailable during a rolling update; one of the two.
      - Not set - left as it is (EKS's default is one node).
    type: dict
    suboptions:
      max_unavailable:
        description: A number of nodes (1 to 100).
        type: int
      max_unavailable_percentage:
        description: A percentage of nodes (1 to 100).
        type: int
  labels:
    description:
      - Kubernetes labels of the nodes; the group's labels become exactly these. Not set - left as they are.
    type: dict
  taints:
    description:
      - Kubernetes taints of the nodes; the group's taints become exactly these. Not set - left as they are.
    type: list
    elements: dict
    suboptions:
      key:
        description: The taint key.
        type: str
        required: true
      value:
        description: The taint value.
        type: str
      effect:
        description: The taint effect.
        type: str
        required: true
        choices: [NO_SCHEDULE, NO_EXECUTE, PREFER_NO_SCHEDULE]
  kubernetes_version:
    description:
      - The Kubernetes version of the nodes (C(MAJOR.MINOR)).
      - Not set - the group follows the cluster's version (created at it, and moved to it by C(UpdateNodegroupVersion)
        when the control plane was upgraded; a group with a custom-AMI launch template is never moved).
    type: str
  allow_replacement:
    description:
      - Delete and recreate the group when an immutable option differs (see the description). Default V(false) fails.
    type: bool
    default: false
  tags:
    description:
      - Tags of the node group (EKS does not propagate them to the instances). Not set - left alone.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description:
      - Remove tags not in O(tags).
    type: bool
    default: true
  wait:
    description:
      - Wait until the group is C(ACTIVE) (create, update) or gone (delete).
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait in all.
    type: int
    default: 1800
  wait_delay:
    description:
      - Seconds between two polls while waiting.
    type: int
    default: 10
notes:
  - Supports check mode and diff mode.
  - A create carries a C(clientRequestToken), so a retried create does not fail on the group it made.
  - API calls are retried on throttling with jittered backoff.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: A Spot workload group on a launch template, sized by the cluster autoscaler
  ecap.platform.eks_nodegroup:
    cluster_name: ecap-dev-eks
    name: ecap-dev-workload
    node_role_arn: "{{ iam_outputs.node_role_arn }}"
    subnet_ids: "{{ network_outputs.private_subnet_ids }}"
    capacity_type: SPOT
    instance_types: [t3.small, t3.medium, t3a.medium]
    launch_template:
      id: "{{ launch_template.template.launch_template_id }}"
    scaling:
      min_size: 1
      max_size: 4
      desired_size: 2
    update_config:
      max_unavailable: 1
    labels:
      role: workload
    taints: []
    tags:
      Project: ecap
    wait: false

- name: Delete the group
  ecap.platform.eks_nodegroup:
    cluster_name: ecap-dev-eks
    name: ecap-dev-workload
    state: absent
"""

RETURN = r"""
nodegroup:
  description:
    - The node group as C(DescribeNodegroup) describes it (snake_cased, tags and labels as dicts), or as it
      will be in check mode. Empty with O(state=absent).
  returned: always
  type: dict
  contains:
    nodegroup_name:
      description: The name of the group.
      returned: success
      type: str
      sample: ecap-dev-workload
    nodegroup_arn:
      description: The ARN of the group.
      returned: when the group exists
      type: str
    status:
      description: C(CREATING), C(ACTIVE), C(UPDATING), C(DELETING), C(DEGRADED), ...
      returned: success
      type: str
      sample: ACTIVE
    scaling_config:
      description: C(min_size), C(max_size), C(desired_size).
      returned: success
      type: dict
      sample: {"min_size": 1, "max_size": 4, "desired_size": 2}
    launch_template:
      description: C(id), C(name) and C(version) (a number as a string) of the launch template.
      returned: with a launch template
      type: dict
    resources:
      description: The group's Auto Scaling groups (C(auto_scaling_groups[].name)) and remote access security group.
      returned: when the group exists
      type: dict
    version:
      description: The Kubernetes version of the nodes.
      returned: success
      type: str
      sample: "1.31"
    release_version:
      description: The AMI release version.
      returned: success
      type: str
    labels:
      description: The Kubernetes labels.
      returned: success
      type: dict
    taints:
      description: The Kubernetes taints (C(key), C(value), C(effect)).
      returned: success
      type: list
      elements: dict
    update_config:
      description: C(max_unavailable) or C(max_unavailable_percentage).
      returned: success
      type: dict
    tags:
      description: The tags of the group.
      returned: success
      type: dict
updates:
  description: The updates started (snake_cased C(UpdateNodegroupConfig)/C(UpdateNodegroupVersion) answers), in order.
  returned: always
  type: list
  elements: dict
  sample: [{"id": "0d2f...", "type": "ConfigUpdate", "status": "InProgress", "params": []}]
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils.common import client
from ansible_collections.ecap.platform.plugins.module_utils.eks_nodegroup import (
    ensure_absent,
    ensure_present,
    validate,
)


def main() -> None:
    argument_spec = dict(
        cluster_name=dict(type="str", required=True),
        name=dict(type="str", required=True, aliases=["nodegroup_name"]),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        node_role_arn=dict(type="str"),
        subnet_ids=dict(type="list", elements="str"),
        capacity_type=dict(type="str", choices=["ON_DEMAND", "SPOT"]),
        instance_types=dict(type="list", elements="str"),
        ami_type=dict(type="str"),
        disk_size=dict(type="int"),
        launch_template=dict(
            type="dict",
            options=dict(id=dict(type="str"), name=dict(type="str"), version=dict(type="str")),
            mutually_exclusive=[["id", "name"]],
            required_one_of=[["id", "name"]],
        ),
        scaling=dict(
            type="dict",
            options=dict(
                min_size=dict(type="int", default=1),
                max_size=dict(type="int", default=2),
                desired_size=dict(type="int"),
            ),
        ),
        ignore_desired_size=dict(type="bool", default=True),
        update_config=dict(
            type="dict",
            options=dict(max_unavailable=dict(type="int"), max_unavailable_percentage=dict(type="int")),
            mutually_exclusive=[["max_unavailable", "max_unavailable_percentage"]],
            required_one_of=[["max_unavailable", "max_unavailable_percentage"]],
        ),
        labels=dict(type="dict"),
        taints=dict(
            type="list",
            elements="dict",
            options=dict(
                key=dict(type="str", required=True, no_log=False),
                value=dict(type="str"),
                effect=dict(type="str", required=True, choices=["NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"]),
            ),
        ),
        kubernetes_version=dict(type="str"),
        allow_replacement=dict(type="bool", default=False),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=1800),
        wait_delay=dict(type="int", default=10),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    errors, warnings = validate(module.params)
    for warning in warnings:
        module.warn(warning)
    if errors:
        module.fail_json(msg=" ".join(errors))
    connection = client(module, "eks")
    try:
        if module.params["state"] == "present":
            ensure_present(connection, module)
        else:
            ensure_absent(connection, module)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(
            e, msg=f"Failed to manage the EKS node group {module.params['name']} of {module.params['cluster_name']}"
        )


if __name__ == "__main__":
    main()
