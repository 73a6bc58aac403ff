#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: iam_oidc_provider
version_added: 0.1.0
short_description: Manage an IAM OpenID Connect identity provider (for EKS IAM roles for service accounts)
description:
  - Create, update and delete an IAM OIDC identity provider, typically the one of an EKS cluster's
    issuer (C(cluster.identity.oidc.issuer)), so that IAM roles can trust the cluster's service accounts.
  - The provider is found by its ARN, computed from the account and the URL's host and path
    (C(arn:aws:iam::ACCOUNT:oidc-provider/HOST/PATH)), so a converged run makes one
    GetOpenIDConnectProvider call (after the STS GetCallerIdentity that gives the account).
  - O(client_ids) is the whole list of audiences; missing ones are added
    (AddClientIDToOpenIDConnectProvider) and extra ones removed (RemoveClientIDFromOpenIDConnectProvider).
  - "Thumbprints: since 2024 IAM no longer needs them for providers whose issuer it can verify itself
    (EKS issuers, and any issuer with a certificate from a trusted CA): IAM secures the connection with
    its own library of trusted root CAs and ignores the thumbprint. The module therefore sends none unless
    O(thumbprints) is given, and then converges them (UpdateOpenIDConnectProviderThumbprint)."
author:
  - ecap.platform contributors
options:
  url:
    description:
      - The URL of the identity provider (C(https://...)), for EKS the cluster's OIDC issuer.
      - A trailing C(/) is ignored.
    type: str
    required: true
  client_ids:
    description:
      - The audiences (client ids) of the provider.
    type: list
    elements: str
    default: [sts.amazonaws.com]
  thumbprints:
    description:
      - SHA-1 thumbprints (40 hex characters) of the provider's top intermediate CA certificate.
      - Optional; not sent when empty (see the description). When given, the provider's list is set to it.
    type: list
    elements: str
  state:
    description:
      - V(present) creates or updates the provider, V(absent) deletes it.
    type: str
    default: present
    choices: [present, absent]
  tags:
    description:
      - Tags of the provider. Not set leaves the tags as they are.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description:
      - Remove the tags that are not in O(tags) (only when O(tags) is set).
    type: bool
    default: true
notes:
  - Supports check mode and diff mode.
  - API calls are retried on throttling with jittered backoff.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Trust the EKS cluster's service accounts
  ecap.platform.iam_oidc_provider:
    url: "{{ __eks_cluster.cluster.identity.oidc.issuer }}"
    tags:
      Project: ecap

- name: Delete the provider
  ecap.platform.iam_oidc_provider:
    url: "{{ __eks_cluster.cluster.identity.oidc.issuer }}"
    state: absent
"""

RETURN = r"""
arn:
  description: The ARN of the provider (also with O(state=absent), computed).
  returned: always
  type: str
  sample: arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/9C2B1D0E8F7A6B5C4D3E2F1A0B9C8D7E
url:
  description: The provider's URL as IAM stores it (host and path, no scheme).
  returned: always
  type: str
  sample: oidc.eks.us-west-2.amazonaws.com/id/9C2B1D0E8F7A6B5C4D3E2F1A0B9C8D7E
client_ids:
  description: The audiences of the provider (empty with O(state=absent)).
  returned: always
  type: list
  elements: str
  sample: [sts.amazonaws.com]
thumbprints:
  description: The thumbprints of the provider (empty with O(state=absent)).
  returned: always
  type: list
  elements: str
  sample: []
tags:
  description: The tags of the provider (empty with O(state=absent)).
  returned: always
  type: dict
  sample: {"Project": "ecap"}
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils.common import client
from ansible_collections.ecap.platform.plugins.module_utils.iam_oidc import ensure_provider, validate_provider_params


def main() -> None:
    argument_spec = dict(
        url=dict(type="str", required=True),
        client_ids=dict(type="list", elements="str", default=["sts.amazonaws.com"]),
        thumbprints=dict(type="list", elements="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    errors = validate_provider_params(module.params)
    if errors:
        module.fail_json(msg=" ".join(errors))

    try:
        result = ensure_provider(client(module, "iam"), client(module, "sts"), module.params, module.check_mode)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage the IAM OIDC provider {module.params['url']}")
    module.exit_json(**result)


if __name__ == "__main__":
    main()
