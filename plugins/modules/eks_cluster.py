#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: eks_cluster
version_added: 0.1.0
short_description: Manage an Amazon EKS cluster's control plane, endpoint access, logging, encryption and access config
description:
  - Create, update and delete an Amazon EKS cluster, with what community.aws.eks_cluster cannot set -
    endpoint public/private access and public access CIDRs, control-plane logging, envelope
    encryption of Kubernetes secrets with a KMS key, the authentication mode (access entries) and
    the cluster creator's bootstrap admin permissions.
  - "AWS runs one update of a cluster at a time. When several settings differ, the module applies
    them in turn, in this order: endpoint access (C(EndpointAccessUpdate)), logging (C(LoggingUpdate)),
    access config (C(AccessConfigUpdate)), secrets encryption (C(AssociateEncryptionConfig)), version
    (C(VersionUpdate)); with O(wait=true) it waits for each update to finish (DescribeUpdate) before
    starting the next."
  - With O(wait=false) and more than one update needed, the module starts the first one only and
    returns the others in RV(pending_updates); run it again once the cluster is C(ACTIVE) to apply them.
  - The Kubernetes version moves up one minor version at a time, as EKS allows; a jump of two minor
    versions or a downgrade is refused before any change.
  - The authentication mode only moves forward (C(CONFIG_MAP) → C(API_AND_CONFIG_MAP) → C(API)), one
    step per update; a backward move is refused before any change.
  - O(role_arn), O(subnet_ids) and O(security_group_ids) are not changed on an existing cluster (the
    module treats them as immutable); a difference is reported as a warning and not applied.
  - Secrets encryption can be added to an existing cluster (AssociateEncryptionConfig) but never
    removed or moved to another key; asking for another key fails before any change.
author:
  - ecap.platform contributors
options:
  name:
    description:
      - The name of the cluster.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the cluster, V(absent) deletes it.
      - EKS refuses to delete a cluster that still has node groups or Fargate profiles; the module
        then fails naming them.
    type: str
    default: present
    choices: [present, absent]
  version:
    description:
      - The Kubernetes version (C(MAJOR.MINOR), for example C("1.31")).
      - On create, optional (the EKS default version). On an existing cluster, a version one minor
        above the current one upgrades the control plane; the same version changes nothing.
    type: str
  role_arn:
    description:
      - The ARN of the IAM role the EKS control plane assumes. Required to create the cluster.
      - Not changed on an existing cluster (a difference is a warning).
    type: str
  subnet_ids:
    description:
      - The subnets of the cluster's network interfaces (at least two Availability Zones).
      - Required to create the cluster.
      - Not changed on an existing cluster (a difference is a warning).
    type: list
    elements: str
  security_group_ids:
    description:
      - Additional security groups of the control plane's network interfaces
        (EKS also creates the cluster security group).
      - Not changed on an existing cluster (a difference is a warning).
    type: list
    elements: str
  endpoint_public_access:
    description:
      - Whether the Kubernetes API endpoint is reachable from the internet (EKS default V(true)).
      - At least one of the public and the private endpoint must be enabled.
    type: bool
  endpoint_private_access:
    description:
      - Whether the Kubernetes API endpoint is reachable from inside the VPC (EKS default V(false)).
    type: bool
  public_access_cidrs:
    description:
      - The CIDR blocks allowed to reach the public endpoint (EKS default C(0.0.0.0/0)). Compared as a set.
    type: list
    elements: str
  logging_types:
    description:
      - The control-plane log types to send to CloudWatch Logs; the others are turned off.
      - V([]) turns every type off; not set leaves logging as it is.
    type: list
    elements: str
    choices: [api, audit, authenticator, controllerManager, scheduler]
  secrets_kms_key_arn:
    description:
      - The ARN of the KMS key that encrypts Kubernetes secrets (envelope encryption).
      - Set at create, or associated later (AssociateEncryptionConfig). Cannot be removed or changed to another key.
    type: str
  authentication_mode:
    description:
      - How the cluster authenticates IAM principals. V(API) uses access entries only,
        V(CONFIG_MAP) the C(aws-auth) ConfigMap only, V(API_AND_CONFIG_MAP) both.
      - On create, optional (the EKS API default, V(CONFIG_MAP)). Only forward moves are possible.
    type: str
    choices: [CONFIG_MAP, API_AND_CONFIG_MAP, API]
  bootstrap_cluster_creator_admin_permissions:
    description:
      - Whether the IAM principal that creates the cluster gets cluster-admin permissions (an access
        entry with C(AmazonEKSClusterAdminPolicy), or the C(aws-auth) mapping with V(CONFIG_MAP)).
      - Used on create only; EKS cannot change it later. Must be V(true) with V(authentication_mode=CONFIG_MAP).
    type: bool
    default: true
  tags:
    description:
      - Tags of the cluster. Not set leaves the tags as they are.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description:
      - Remove the tags that are not in O(tags) (only when O(tags) is set).
    type: bool
    default: true
  wait:
    description:
      - Wait for the cluster to be C(ACTIVE) after a create and after each update, and to be gone after a delete.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait in all.
    type: int
    default: 1800
  wait_delay:
    description:
      - Seconds between two polls of DescribeCluster while waiting (updates are polled every O(wait_delay) seconds too).
    type: int
    default: 10
notes:
  - Supports check mode (no change is made; RV(changed) and the diff show what would change) and diff mode.
  - API calls are retried on throttling with jittered backoff. The create sends a C(clientRequestToken),
    so a retried create cannot make a second cluster; so does each update.
  - The diff shows the compared options before and after.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Create the cluster without waiting (the role polls eks_cluster_info)
  ecap.platform.eks_cluster:
    name: ecap-dev-eks
    version: "1.31"
    role_arn: "{{ iam_outputs.eks_cluster_role_arn }}"
    subnet_ids: "{{ network_outputs.private_subnet_ids }}"
    security_group_ids: ["{{ security_groups_outputs.eks_control_plane }}"]
    endpoint_public_access: true
    endpoint_private_access: true
    public_access_cidrs: ["203.0.113.0/24"]
    logging_types: [api, audit, authenticator, controllerManager, scheduler]
    secrets_kms_key_arn: "{{ kms_outputs.eks_key_arn }}"
    authentication_mode: API
    tags:
      Project: ecap
      Environment: dev
    wait: false

- name: Upgrade the control plane one minor version and wait
  ecap.platform.eks_cluster:
    name: ecap-dev-eks
    version: "1.32"

- name: Delete the cluster (its node groups must be gone)
  ecap.platform.eks_cluster:
    name: ecap-dev-eks
    state: absent
"""

RETURN = r"""
cluster:
  description:
    - The cluster as DescribeCluster describes it, snake_cased, tags as a dict; in check mode, as it would be.
    - Empty with O(state=absent).
  returned: always
  type: dict
  contains:
    name:
      description: The name of the cluster.
      returned: success
      type: str
      sample: ecap-dev-eks
    arn:
      description: The ARN of the cluster.
      returned: when the cluster exists
      type: str
      sample: arn:aws:eks:us-west-2:123456789012:cluster/ecap-dev-eks
    status:
      description: C(CREATING), C(ACTIVE), C(UPDATING), C(DELETING) or C(FAILED).
      returned: when the cluster exists
      type: str
      sample: ACTIVE
    version:
      description: The Kubernetes version.
      returned: success
      type: str
      sample: "1.31"
    endpoint:
      description: The URL of the Kubernetes API server.
      returned: when the cluster exists
      type: str
      sample: https://9C2B1D0E8F7A6B5C4D3E2F1A0B9C8D7E.gr7.us-west-2.eks.amazonaws.com
    certificate_authority:
      description: The cluster's CA, C(data) is the Base64 PEM certificate.
      returned: when the cluster exists
      type: dict
      sample: {"data": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t..."}
    identity:
      description: The OIDC issuer of the cluster (C(identity.oidc.issuer)), for IAM roles for service accounts.
      returned: when the cluster exists
      type: dict
      sample: {"oidc": {"issuer": "https://oidc.eks.us-west-2.amazonaws.com/id/9C2B1D0E8F7A6B5C4D3E2F1A0B9C8D7E"}}
    resources_vpc_config:
      description:
        - Subnets, security groups, C(cluster_security_group_id), C(vpc_id), endpoint access and public access CIDRs.
      returned: success
      type: dict
    logging:
      description: The control-plane logging configuration.
      returned: success
      type: dict
    encryption_config:
      description: The secrets encryption configuration.
      returned: success
      type: list
    access_config:
      description: C(authentication_mode) and C(bootstrap_cluster_creator_admin_permissions).
      returned: success
      type: dict
    tags:
      description: The tags of the cluster.
      returned: success
      type: dict
      sample: {"Project": "ecap"}
updates:
  description:
    - The ids of the updates this run started (UpdateClusterConfig, UpdateClusterVersion, AssociateEncryptionConfig).
  returned: always
  type: list
  elements: str
  sample: ["b5f0ba18-9a87-4450-b5a0-825e6e84496f"]
pending_updates:
  description:
    - The updates still needed and not started (with O(wait=false), or while the cluster is not
      C(ACTIVE)), by update type, in the order they will be applied.
  returned: always
  type: list
  elements: str
  sample: ["LoggingUpdate", "VersionUpdate"]
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils.common import WaitTimeoutError, client
from ansible_collections.ecap.platform.plugins.module_utils.eks import (
    LOG_TYPES,
    ClusterError,
    ensure_cluster_absent,
    ensure_cluster_present,
    validate_cluster_params,
)


def main() -> None:
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        version=dict(type="str"),
        role_arn=dict(type="str"),
        subnet_ids=dict(type="list", elements="str"),
        security_group_ids=dict(type="list", elements="str"),
        endpoint_public_access=dict(type="bool"),
        endpoint_private_access=dict(type="bool"),
        public_access_cidrs=dict(type="list", elements="str"),
        logging_types=dict(type="list", elements="str", choices=list(LOG_TYPES)),
        secrets_kms_key_arn=dict(type="str", no_log=False),
        authentication_mode=dict(type="str", choices=["CONFIG_MAP", "API_AND_CONFIG_MAP", "API"]),
        bootstrap_cluster_creator_admin_permissions=dict(type="bool", default=True),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=1800),
        wait_delay=dict(type="int", default=10),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    errors = validate_cluster_params(module.params)
    if errors:
        module.fail_json(msg=" ".join(errors))

    connection = client(module, "eks")
    try:
        if module.params["state"] == "present":
            result = ensure_cluster_present(connection, module.params, module.check_mode)
        else:
            result = ensure_cluster_absent(connection, module.params, module.check_mode)
    except ClusterError as e:
        module.fail_json(msg=str(e), **e.result)
    except WaitTimeoutError as e:
        module.fail_json(msg=str(e))
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage the EKS cluster {module.params['name']}")
    for warning in result.pop("warnings", []):
        module.warn(warning)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
