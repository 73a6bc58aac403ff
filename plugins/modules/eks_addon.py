#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: eks_addon
version_added: 0.1.0
short_description: Manage an Amazon EKS add-on (vpc-cni, coredns, kube-proxy, aws-ebs-csi-driver, ...)
description:
  - Create, update and delete an EKS add-on of a cluster (C(CreateAddon), C(UpdateAddon), C(DeleteAddon)).
  - The version is resolved against C(DescribeAddonVersions) for the cluster's Kubernetes version, before
    any change - V(default) (or no O(version)) is the version EKS marks as the default for that Kubernetes
    version, V(latest) the newest compatible one, anything else a pinned version that must be compatible.
  - An existing add-on is updated with one C(UpdateAddon) call when its version, service account role
    or configuration values differ; with O(wait=true) the module waits until the add-on is C(ACTIVE) again.
  - With no O(version) on an existing add-on, its version is left as it is (the default only applies
    to a create); V(default) and V(latest) move it.
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
      - The name of the add-on, as C(DescribeAddonVersions) lists it (C(vpc-cni), C(coredns), C(kube-proxy),
        C(aws-ebs-csi-driver), C(eks-pod-identity-agent), C(amazon-cloudwatch-observability), ...).
    type: str
    required: true
    aliases: [addon_name]
  state:
    description:
      - V(present) creates or updates the add-on, V(absent) deletes it.
    type: str
    default: present
    choices: [present, absent]
  version:
    description:
      - The add-on version (for example C(v1.19.2-eksbuild.1)), V(default) or V(latest).
      - Not set - on create the default version for the cluster's Kubernetes version; on an existing
        add-on the current version is kept.
      - A pinned version that is not compatible with the cluster's Kubernetes version fails before any change.
    type: str
  service_account_role_arn:
    description:
      - The IAM role (IRSA) the add-on's service account uses.
      - Not set - left as it is. An empty string removes the role.
    type: str
  configuration_values:
    description:
      - The add-on's configuration values, as a dict or a JSON string; compared as parsed JSON.
      - Not set - left as it is. An empty dict clears them.
    type: raw
  resolve_conflicts:
    description:
      - What EKS does with fields of the add-on's Kubernetes objects changed outside EKS (create and update).
    type: str
    default: OVERWRITE
    choices: [OVERWRITE, PRESERVE, NONE]
  preserve:
    description:
      - With O(state=absent), keep the add-on's Kubernetes objects in the cluster (EKS stops managing them).
    type: bool
    default: false
  tags:
    description:
      - Tags of the add-on. Not set - tags are left alone.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description:
      - Remove tags not in O(tags).
    type: bool
    default: true
  wait:
    description:
      - Wait until the add-on is C(ACTIVE) (after a create or update) or gone (after a delete).
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait.
    type: int
    default: 900
  wait_delay:
    description:
      - Seconds between two polls of C(DescribeAddon) while waiting.
    type: int
    default: 5
notes:
  - Supports check mode and diff mode.
  - A create carries a C(clientRequestToken), so a retried create does not make a second add-on.
  - API calls are retried on throttling with jittered backoff.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Install vpc-cni at the default version, with its IRSA role, without waiting
  ecap.platform.eks_addon:
    cluster_name: ecap-dev-eks
    name: vpc-cni
    service_account_role_arn: "{{ iam_outputs.vpc_cni_role_arn }}"
    configuration_values:
      env:
        ENABLE_PREFIX_DELEGATION: "true"
    wait: false

- name: Pin coredns
  ecap.platform.eks_addon:
    cluster_name: ecap-dev-eks
    name: coredns
    version: v1.11.4-eksbuild.2

- name: Remove the EBS CSI driver but keep its objects
  ecap.platform.eks_addon:
    cluster_name: ecap-dev-eks
    name: aws-ebs-csi-driver
    state: absent
    preserve: true
"""

RETURN = r"""
addon:
  description:
    - The add-on as C(DescribeAddon) describes it (snake_cased; tags as a dict), or as it will be in check mode.
    - Empty with O(state=absent).
  returned: always
  type: dict
  contains:
    addon_name:
      description: The name of the add-on.
      returned: success
      type: str
      sample: vpc-cni
    cluster_name:
      description: The cluster of the add-on.
      returned: success
      type: str
      sample: ecap-dev-eks
    addon_version:
      description: The installed version.
      returned: success
      type: str
      sample: v1.19.2-eksbuild.1
    status:
      description: C(CREATING), C(ACTIVE), C(UPDATING), C(DELETING), C(DEGRADED), C(CREATE_FAILED), ...
      returned: success
      type: str
      sample: ACTIVE
    addon_arn:
      description: The ARN of the add-on.
      returned: when the add-on exists
      type: str
      sample: arn:aws:eks:us-west-2:123456789012:addon/ecap-dev-eks/vpc-cni/1ac7...
    service_account_role_arn:
      description: The IAM role of the add-on's service account.
      returned: when set
      type: str
    configuration_values:
      description: The configuration values, as the JSON string EKS keeps.
      returned: when set
      type: str
      sample: '{"env": {"ENABLE_PREFIX_DELEGATION": "true"}}'
    tags:
      description: The tags of the add-on.
      returned: success
      type: dict
      sample: {"Project": "ecap"}
resolved_version:
  description: The version O(version) resolved to (the version kept, with no O(version) on an existing add-on).
  returned: with O(state=present)
  type: str
  sample: v1.19.2-eksbuild.1
update:
  description: The C(UpdateAddon) update (snake_cased), when one was started.
  returned: when the add-on was updated
  type: dict
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils.common import client
from ansible_collections.ecap.platform.plugins.module_utils.eks_addon import ensure_absent, ensure_present, validate


def main() -> None:
    argument_spec = dict(
        cluster_name=dict(type="str", required=True),
        name=dict(type="str", required=True, aliases=["addon_name"]),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        version=dict(type="str"),
        service_account_role_arn=dict(type="str"),
        configuration_values=dict(type="raw"),
        resolve_conflicts=dict(type="str", default="OVERWRITE", choices=["OVERWRITE", "PRESERVE", "NONE"]),
        preserve=dict(type="bool", default=False),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=900),
        wait_delay=dict(type="int", default=5),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    errors = validate(module.params)
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
            e, msg=f"Failed to manage the EKS add-on {module.params['name']} of {module.params['cluster_name']}"
        )


if __name__ == "__main__":
    main()
