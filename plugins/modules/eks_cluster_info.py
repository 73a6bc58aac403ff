#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: eks_cluster_info
version_added: 0.1.0
short_description: Describe an Amazon EKS cluster
description:
  - Describes one EKS cluster by name with a single DescribeCluster call.
  - Meant for a short-interval wait on a cluster started without waiting
    (C(until) on C(result.cluster.status == 'ACTIVE')), and for the outputs of the eks role
    (endpoint, certificate authority, OIDC issuer, cluster security group).
author:
  - ecap.platform contributors
options:
  name:
    description:
      - The name of the cluster.
    type: str
    required: true
notes:
  - Supports check mode (it changes nothing).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Wait for the cluster to be ACTIVE, polling every 10 seconds
  ecap.platform.eks_cluster_info:
    name: ecap-dev-eks
  register: __eks_cluster
  until: __eks_cluster.cluster.status | default('') == 'ACTIVE'
  retries: 180
  delay: 10
"""

RETURN = r"""
exists:
  description: Whether the cluster exists.
  returned: always
  type: bool
  sample: true
cluster:
  description:
    - The cluster as DescribeCluster describes it, snake_cased (tags as a dict),
      as ecap.platform.eks_cluster returns it.
    - Empty when it does not exist.
  returned: always
  type: dict
  sample:
    name: ecap-dev-eks
    status: ACTIVE
    version: "1.31"
    endpoint: https://9C2B1D0E8F7A6B5C4D3E2F1A0B9C8D7E.gr7.us-west-2.eks.amazonaws.com
    identity: {"oidc": {"issuer": "https://oidc.eks.us-west-2.amazonaws.com/id/9C2B1D0E8F7A6B5C4D3E2F1A0B9C8D7E"}}
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils.common import client
from ansible_collections.ecap.platform.plugins.module_utils.eks import cluster_to_ansible, describe_cluster


def main() -> None:
    module = AnsibleAWSModule(argument_spec=dict(name=dict(type="str", required=True)), supports_check_mode=True)
    connection = client(module, "eks")
    try:
        cluster = describe_cluster(connection, module.params["name"])
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to describe the EKS cluster {module.params['name']}")
    module.exit_json(changed=False, exists=cluster is not None, cluster=cluster_to_ansible(cluster))


if __name__ == "__main__":
    main()
