#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: msk_cluster_info
version_added: 0.1.0
short_description: Describe an Amazon MSK cluster and its bootstrap brokers
description:
  - Describes one provisioned MSK cluster, found by name or ARN, with its bootstrap broker strings
    (SASL/IAM, TLS, SASL/SCRAM, plaintext; whichever the cluster's authentication opens).
  - Meant for a short-interval wait on a cluster that was started without waiting
    (C(until) on C(result.cluster.state == 'ACTIVE')), and for the outputs of the msk role;
    community.aws.msk_cluster polls every 60 seconds and returns no SASL/IAM brokers.
author:
  - ecap.platform contributors
options:
  name:
    description:
      - The name of the cluster. One of O(name) and O(cluster_arn) is required.
    type: str
  cluster_arn:
    description:
      - The ARN of the cluster.
    type: str
notes:
  - Supports check mode (it changes nothing).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Wait for the cluster to be ACTIVE, polling every 10 seconds
  ecap.platform.msk_cluster_info:
    name: ecap-dev-msk
  register: __cluster
  until: __cluster.cluster.state | default('') == 'ACTIVE'
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
    - The cluster as DescribeCluster describes it, snake_cased (tags as a dict).
    - Empty when it does not exist.
  returned: always
  type: dict
  sample: {"cluster_arn": "arn:aws:kafka:us-west-2:123456789012:cluster/ecap-dev-msk/0b5e-2", "state": "ACTIVE"}
bootstrap_brokers:
  description:
    - The bootstrap broker strings by listener (C(sasl_iam), C(tls), C(sasl_scram), C(plaintext)).
    - Empty unless the cluster serves (ACTIVE, UPDATING).
  returned: always
  type: dict
  sample: {"sasl_iam": "b-1.ecap-dev-msk.abc.c2.kafka.us-west-2.amazonaws.com:9098"}
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils.common import client
from ansible_collections.ecap.platform.plugins.module_utils.msk import bootstrap_brokers, describe_cluster, find_cluster


def main() -> None:
    module = AnsibleAWSModule(
        argument_spec=dict(name=dict(type="str"), cluster_arn=dict(type="str")),
        required_one_of=[["name", "cluster_arn"]],
        mutually_exclusive=[["name", "cluster_arn"]],
        supports_check_mode=True,
    )
    connection = client(module, "kafka")
    try:
        if module.params["cluster_arn"]:
            cluster = describe_cluster(connection, module.params["cluster_arn"])
        else:
            cluster = find_cluster(connection, module.params["name"])
        brokers = bootstrap_brokers(connection, cluster) if cluster else {}
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg="Failed to describe the MSK cluster")
    result = {}
    if cluster:
        tags = cluster.pop("Tags", {}) or {}
        result = camel_dict_to_snake_dict(cluster)
        result["tags"] = tags
    module.exit_json(changed=False, exists=bool(cluster), cluster=result, bootstrap_brokers=brokers)


if __name__ == "__main__":
    main()
