# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
name: eks_token
version_added: 0.1.0
short_description: A bearer token for an Amazon EKS cluster, with no aws CLI
description:
  - Returns, for each cluster name given, the bearer token C(aws eks get-token) would print
    (C(status.token)), C(k8s-aws-v1.) followed by the base64url (no padding) of a presigned STS
    C(GetCallerIdentity) GET URL with the header C(x-k8s-aws-id) (the cluster name) signed in and
    C(X-Amz-Expires=60), for the regional STS endpoint of O(region).
  - The token is signed locally with boto3 and the credentials the options, the C(AWS_*) environment
    variables or the profile give; no API call is made. EKS accepts it for 15 minutes.
  - Pass it to the C(api_key) option of the kubernetes.core modules, with C(host) and C(ca_cert) from
    M(ecap.platform.eks_kubeconfig), so they reach the cluster without the aws CLI or a kubeconfig
    exec plugin. In C(module_defaults) the lookup runs again for every task, so long plays never use
    an expired token.
  - B(The token is a credential for the cluster.) kubernetes.core's C(api_key) is a C(no_log) option,
    so its value is masked in task results; anywhere else (C(set_fact), C(debug), a template) set
    C(no_log=true) on the task.
  - Lookups run in the controller's process, so a play's C(environment) does not reach them; against
    an emulator or a custom STS endpoint pass O(endpoint_url) (or export C(AWS_ENDPOINT_URL)).
options:
  _terms:
    description: The names of the EKS clusters (for an Outposts local cluster, its id).
    required: true
    type: list
    elements: str
  expires_in:
    description:
      - The C(X-Amz-Expires) of the presigned URL. STS ignores it (the token is valid 15 minutes after
        signing); aws-iam-authenticator 0.3.0 and older refuse values above 60. Keep the default.
    type: int
    default: 60
notes:
  - The identity that signs the token must be granted access to the cluster (an EKS access entry, or
    the C(aws-auth) ConfigMap).
  - The STS endpoint is regional (C(sts.REGION.amazonaws.com), botocore's default), or O(endpoint_url),
    C(AWS_ENDPOINT_URL_STS) or C(AWS_ENDPOINT_URL) when set.
extends_documentation_fragment:
  - amazon.aws.boto3
  - amazon.aws.common.plugins
  - amazon.aws.region.plugins
"""

EXAMPLES = r"""
# kubernetes.core without the aws CLI: the token from the lookup, host and CA from eks_kubeconfig.
- name: Write the kubeconfig and the CA file of the cluster
  ecap.platform.eks_kubeconfig:
    cluster_name: ecap-dev-eks
    path: "{{ ecap_build_dir }}/kubeconfig"
    ca_cert_path: "{{ ecap_build_dir }}/kubeconfig.d/ecap-dev-eks-ca.crt"
  register: __eks

- name: Create the analytics namespace
  kubernetes.core.k8s:
    host: "{{ __eks.host }}"
    ca_cert: "{{ __eks.ca_cert }}"
    api_key: "{{ lookup('ecap.platform.eks_token', 'ecap-dev-eks', region='us-west-2') }}"
    name: analytics
    api_version: v1
    kind: Namespace
    state: present

# With a named profile, or against the local emulator (lookups do not see the play's environment).
- name: Keep a token in a fact (a credential, so no_log)
  ansible.builtin.set_fact:
    __eks_token: >-
      {{ lookup('ecap.platform.eks_token', 'ecap-dev-eks', region='us-west-2', profile='ecap-dev',
                endpoint_url=ecap_aws_env.AWS_ENDPOINT_URL | default(omit)) }}
  no_log: true
"""

RETURN = r"""
_raw:
  description:
    - One bearer token per cluster name, C(k8s-aws-v1.<base64url of the presigned STS URL>).
  type: list
  elements: str
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AWSLookupBase

from ansible.errors import AnsibleLookupError
from ansible.module_utils.common.text.converters import to_native
from ansible_collections.amazon.aws.plugins.plugin_utils.lookup import AWSLookupBase
from ansible_collections.ecap.platform.plugins.module_utils.eks_token import get_token


class LookupModule(AWSLookupBase):
    def run(self, terms, variables=None, **kwargs):
        super().run(terms, variables, **kwargs)
        if not terms:
            raise AnsibleLookupError("ecap.platform.eks_token needs the name of an EKS cluster")
        region = self.region
        if not region:
            raise AnsibleLookupError(
                "ecap.platform.eks_token needs a region (region=..., AWS_REGION, AWS_DEFAULT_REGION or the profile's)"
            )
        expires_in = self.get_option("expires_in")
        tokens = []
        for name in terms:
            try:
                tokens.append(get_token(self._sts_client, name, region, expires_in)["token"])
            except (BotoCoreError, ClientError) as e:
                raise AnsibleLookupError(f"Cannot sign an EKS token for {name}: {to_native(e)}") from e
            except (TypeError, ValueError) as e:
                raise AnsibleLookupError(f"Cannot sign an EKS token for {name}: {e}") from e
        return tokens

    def _sts_client(self, service_name: str):
        return self.client(service_name)
