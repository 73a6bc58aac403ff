#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: eks_access_entry
version_added: 0.1.0
short_description: Manage an Amazon EKS access entry and its access policy associations
description:
  - Create, update and delete the access entry of an IAM principal on an EKS cluster whose
    authentication mode is C(API) or C(API_AND_CONFIG_MAP), and converge the access policies
    associated with it (AssociateAccessPolicy, DisassociateAccessPolicy).
  - O(type) cannot change once the entry exists; another value fails before any change.
  - Only C(STANDARD) entries take O(kubernetes_groups), O(username) and O(access_policies)
    (C(EC2) and C(HYBRID_LINUX) entries take access policies too); EKS sets the groups and user
    name of the node types itself.
author:
  - ecap.platform contributors
options:
  cluster_name:
    description:
      - The name of the cluster.
    type: str
    required: true
  principal_arn:
    description:
      - The ARN of the IAM role or user (C(arn:aws:iam::ACCOUNT:role/NAME)).
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the entry, V(absent) deletes it (with its policy associations).
    type: str
    default: present
    choices: [present, absent]
  type:
    description:
      - The type of the entry. V(EC2_LINUX), V(EC2_WINDOWS) and V(FARGATE_LINUX) are for the node
        roles of self-managed nodes and Fargate; V(EC2) for EKS Auto Mode node roles.
    type: str
    default: STANDARD
    choices: [STANDARD, EC2_LINUX, EC2_WINDOWS, FARGATE_LINUX, EC2, HYBRID_LINUX, HYPERPOD_LINUX]
  kubernetes_groups:
    description:
      - Kubernetes groups the principal belongs to (bound by RBAC role bindings). Names may not start with C(system:).
      - Not set leaves them as they are; V([]) removes them all.
    type: list
    elements: str
  username:
    description:
      - The Kubernetes user name of the principal (EKS default for a role
        C(arn:aws:sts::ACCOUNT:assumed-role/NAME/{{SessionName}})). Not set leaves it as it is.
    type: str
  access_policies:
    description:
      - The access policies to associate with the entry. Not set leaves the associations as they are.
    type: list
    elements: dict
    suboptions:
      policy_arn:
        description:
          - The ARN of the access policy (C(arn:aws:eks::aws:cluster-access-policy/NAME)).
          - One of O(access_policies[].policy_arn) and O(access_policies[].policy) is required.
        type: str
      policy:
        description:
          - The short name of the access policy (V(AmazonEKSClusterAdminPolicy), V(AmazonEKSAdminPolicy),
            V(AmazonEKSEditPolicy), V(AmazonEKSViewPolicy), ...), expanded to its ARN.
        type: str
      access_scope_type:
        description:
          - V(cluster) for the whole cluster, V(namespace) for the namespaces in O(access_policies[].namespaces).
        type: str
        default: cluster
        choices: [cluster, namespace]
      namespaces:
        description:
          - The namespaces of a V(namespace) scope (required with it, not allowed with V(cluster)).
        type: list
        elements: str
  purge_access_policies:
    description:
      - Disassociate the policies that are associated but not in O(access_policies)
        (only when O(access_policies) is set).
    type: bool
    default: true
  tags:
    description:
      - Tags of the access entry. Not set leaves the tags as they are.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description:
      - Remove the tags that are not in O(tags) (only when O(tags) is set).
    type: bool
    default: true
notes:
  - Supports check mode and diff mode.
  - API calls are retried on throttling with jittered backoff; the create sends a C(clientRequestToken).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Give the platform admins' role cluster-admin
  ecap.platform.eks_access_entry:
    cluster_name: ecap-dev-eks
    principal_arn: arn:aws:iam::123456789012:role/ecap-dev-platform-admin
    access_policies:
      - policy: AmazonEKSClusterAdminPolicy

- name: Read-only access to two namespaces, plus an RBAC group
  ecap.platform.eks_access_entry:
    cluster_name: ecap-dev-eks
    principal_arn: arn:aws:iam::123456789012:role/ecap-dev-analyst
    kubernetes_groups: [ecap-analysts]
    access_policies:
      - policy: AmazonEKSViewPolicy
        access_scope_type: namespace
        namespaces: [ingest, analytics]
    tags:
      Project: ecap

- name: Remove an entry
  ecap.platform.eks_access_entry:
    cluster_name: ecap-dev-eks
    principal_arn: arn:aws:iam::123456789012:role/ecap-dev-analyst
    state: absent
"""

RETURN = r"""
access_entry:
  description:
    - The entry as DescribeAccessEntry describes it, snake_cased (tags as a dict); in check mode, as it would be.
    - Empty with O(state=absent).
  returned: always
  type: dict
  contains:
    access_entry_arn:
      description: The ARN of the entry.
      returned: when the entry exists
      type: str
      sample: arn:aws:eks:us-west-2:123456789012:access-entry/ecap-dev-eks/role/123456789012/ecap-dev-analyst/5ac8...
    principal_arn:
      description: The IAM principal.
      returned: success
      type: str
    kubernetes_groups:
      description: The Kubernetes groups.
      returned: success
      type: list
      elements: str
    username:
      description: The Kubernetes user name.
      returned: success
      type: str
    type:
      description: The entry type.
      returned: success
      type: str
      sample: STANDARD
    tags:
      description: The tags of the entry.
      returned: success
      type: dict
access_policies:
  description: The associated access policies (ListAssociatedAccessPolicies), snake_cased.
  returned: always
  type: list
  elements: dict
  sample: [{"policy_arn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
            "access_scope": {"type": "namespace", "namespaces": ["analytics", "ingest"]}}]
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils.common import client
from ansible_collections.ecap.platform.plugins.module_utils.eks import (
    ACCESS_ENTRY_TYPES,
    ClusterError,
    ensure_access_entry,
    validate_access_entry_params,
)


def main() -> None:
    argument_spec = dict(
        cluster_name=dict(type="str", required=True),
        principal_arn=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        type=dict(type="str", default="STANDARD", choices=list(ACCESS_ENTRY_TYPES)),
        kubernetes_groups=dict(type="list", elements="str"),
        username=dict(type="str"),
        access_policies=dict(
            type="list",
            elements="dict",
            options=dict(
                policy_arn=dict(type="str"),
                policy=dict(type="str"),
                access_scope_type=dict(type="str", default="cluster", choices=["cluster", "namespace"]),
                namespaces=dict(type="list", elements="str"),
            ),
        ),
        purge_access_policies=dict(type="bool", default=True),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    errors = validate_access_entry_params(module.params)
    if errors:
        module.fail_json(msg=" ".join(errors))

    connection = client(module, "eks")
    try:
        result = ensure_access_entry(connection, module.params, module.check_mode)
    except ClusterError as e:
        module.fail_json(msg=str(e), **e.result)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(
            e,
            msg=f"Failed to manage the access entry of {module.params['principal_arn']} "
            f"on the EKS cluster {module.params['cluster_name']}",
        )
    module.exit_json(**result)


if __name__ == "__main__":
    main()
