#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: eks_kubeconfig
version_added: 0.1.0
short_description: Write the kubeconfig entries of an Amazon EKS cluster, with no aws CLI
description:
  - Reads the cluster with one C(DescribeCluster) call (endpoint, C(certificateAuthority.data), ARN) and
    merges its cluster, user and context entries into the kubeconfig file O(path), as
    C(aws eks update-kubeconfig) does, without touching the entries of other clusters.
  - Entry names follow C(aws eks update-kubeconfig). The cluster entry and the exec user are named after the
    cluster ARN; the context is O(context_name) (its C(--alias)) or the ARN. The static-token user is
    C(<ARN>-token); with O(user_mode=both) its context is C(<context>-token).
  - V(exec) users (the default) hold no secret; C(kubectl) runs C(aws eks get-token) for each connection, so
    people need the aws CLI, and the file does not change between runs (re-runs report no change).
  - V(token) users hold a bearer token signed here with boto3 (a presigned STS C(GetCallerIdentity), see the
    notes and the P(ecap.platform.eks_token#lookup) lookup). EKS accepts it
    for 15 minutes; Ansible's kubernetes.core modules and CI steps can use it with no aws CLI. A token in the
    file is kept while it has at least O(token_min_validity) seconds left, so a re-run within a few minutes
    reports no change; after that the token is renewed and the task reports a change (the file did change).
  - The file is written atomically with mode C(0600) (it may hold a credential). Comments and key order of an
    existing file are not kept (it is rewritten the way C(kubectl) lays it out), but every entry is.
  - With O(state=absent) the cluster's entries (the cluster entry named by its ARN, every context on it, and the
    users C(<ARN>) and C(<ARN>-token) no other context uses) are removed with no AWS call, so this also works
    after the cluster was deleted.
requirements:
  - boto3
  - PyYAML
author:
  - ecap.platform contributors
options:
  cluster_name:
    description:
      - The name of the EKS cluster, e.g. C(ecap-dev-eks).
    type: str
    required: true
    aliases: [name]
  path:
    description:
      - The kubeconfig file to create or merge into, e.g. C(build/dev/kubeconfig).
      - There is no default, so that C(~/.kube/config) is only written when asked for.
      - A symlink is followed. Missing parent directories are created with mode C(0700).
    type: path
    required: true
  context_name:
    description:
      - The name of the context (C(aws eks update-kubeconfig --alias)).
      - Default is the cluster ARN, as C(aws eks update-kubeconfig) names it.
    type: str
    aliases: [alias]
  user_mode:
    description:
      - V(exec) writes the user C(aws eks update-kubeconfig) writes, an exec plugin
        (C(client.authentication.k8s.io/v1beta1)) running
        C(aws --region REGION eks get-token --cluster-name NAME --output json), with C(AWS_PROFILE) set when
        O(profile) (or C(AWS_PROFILE)) names a profile.
      - V(token) writes a user with a static bearer token valid 15 minutes (for Ansible and CI).
      - V(both) writes the two users and two contexts; the exec context is the current one.
      - Entries of the other mode that this module wrote before for the cluster are removed.
    type: str
    default: exec
    choices: [exec, token, both]
  set_current_context:
    description:
      - Make the cluster's context (the exec one with O(user_mode=both)) the file's C(current-context),
        as C(aws eks update-kubeconfig) does.
    type: bool
    default: true
  ca_cert_path:
    description:
      - Also write the cluster's CA certificate (PEM, mode C(0644)) to this file, for the C(ca_cert) option of
        the kubernetes.core modules (it takes a file path, not data). Removed with O(state=absent).
      - Not written unless given (the kubeconfig itself carries the CA as C(certificate-authority-data)).
    type: path
  token_min_validity:
    description:
      - With a token user, the seconds a token already in the file must still be valid (of its 14 minutes) to be
        kept; otherwise a new token is written.
    type: int
    default: 300
  return_token:
    description:
      - Return the bearer token in RV(token). The token is a credential for the cluster, so the task must set
        C(no_log=true); without it the module fails before any change.
      - Prefer the P(ecap.platform.eks_token#lookup) lookup to pass a token to kubernetes.core modules.
    type: bool
    default: false
  state:
    description:
      - V(present) writes the cluster's entries, V(absent) removes them.
    type: str
    default: present
    choices: [present, absent]
notes:
  - Supports check mode (nothing is written) and diff mode (the kubeconfig YAML before and after, with every
    user credential of the file masked).
  - The bearer token is C(k8s-aws-v1.) followed by the base64url (no padding) of a presigned STS
    C(GetCallerIdentity) GET URL whose signed headers include C(x-k8s-aws-id) set to the cluster name, with
    C(X-Amz-Expires=60), signed for the regional STS endpoint (or C(endpoint_url) / C(AWS_ENDPOINT_URL)), as
    C(aws eks get-token) and aws-iam-authenticator build it. Signing makes no API call.
  - The identity that signs the token must be granted access to the cluster (an EKS access entry, or the
    C(aws-auth) ConfigMap).
  - With O(state=absent) and no O(region), entries of a cluster of that name in any region are removed.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Write build/dev/kubeconfig for the dev cluster (exec user, as aws eks update-kubeconfig)
  ecap.platform.eks_kubeconfig:
    cluster_name: ecap-dev-eks
    path: "{{ ecap_build_dir }}/kubeconfig"
    context_name: ecap-dev

- name: Add a token user for Ansible and CI, and the CA file for kubernetes.core
  ecap.platform.eks_kubeconfig:
    cluster_name: ecap-dev-eks
    path: "{{ ecap_build_dir }}/kubeconfig"
    context_name: ecap-dev
    user_mode: both
    ca_cert_path: "{{ ecap_build_dir }}/kubeconfig.d/ecap-dev-eks-ca.crt"
  register: __kubeconfig

# kubernetes.core with no aws CLI: host and CA from the module, a fresh token from the lookup.
# module_defaults are templated for each task, so every task gets a token valid 15 minutes.
- name: Apply the platform's namespaces
  kubernetes.core.k8s:
    state: present
    src: k8s/base/namespaces.yaml
  module_defaults:
    group/kubernetes.core.k8s:
      host: "{{ __kubeconfig.host }}"
      ca_cert: "{{ __kubeconfig.ca_cert }}"
      api_key: "{{ lookup('ecap.platform.eks_token', 'ecap-dev-eks', region='us-west-2') }}"

# Or through the kubeconfig's token context (the token is renewed when less than 5 minutes are left).
- name: Read the nodes through the token context
  kubernetes.core.k8s_info:
    kind: Node
    kubeconfig: "{{ __kubeconfig.path }}"
    context: "{{ __kubeconfig.contexts.token }}"

- name: Get the token itself (a credential, so no_log)
  ecap.platform.eks_kubeconfig:
    cluster_name: ecap-dev-eks
    path: "{{ ecap_build_dir }}/kubeconfig"
    user_mode: token
    return_token: true
  no_log: true
  register: __eks_access

- name: Remove the cluster's entries (also after the cluster is gone)
  ecap.platform.eks_kubeconfig:
    cluster_name: ecap-dev-eks
    path: "{{ ecap_build_dir }}/kubeconfig"
    ca_cert_path: "{{ ecap_build_dir }}/kubeconfig.d/ecap-dev-eks-ca.crt"
    state: absent
"""

RETURN = r"""
path:
  description: The kubeconfig file (absolute).
  returned: always
  type: str
  sample: /srv/ecap/build/dev/kubeconfig
context:
  description: The context of the cluster made current (the exec one with O(user_mode=both)).
  returned: when O(state=present)
  type: str
  sample: ecap-dev
contexts:
  description: The contexts written, by user kind.
  returned: when O(state=present)
  type: dict
  contains:
    exec:
      description: The context of the exec user.
      returned: with O(user_mode=exec) or O(user_mode=both)
      type: str
      sample: ecap-dev
    token:
      description: The context of the token user.
      returned: with O(user_mode=token) or O(user_mode=both)
      type: str
      sample: ecap-dev-token
cluster_arn:
  description: The ARN of the cluster (the name of its cluster entry).
  returned: when O(state=present) and the cluster exists
  type: str
  sample: arn:aws:eks:us-west-2:123456789012:cluster/ecap-dev-eks
server:
  description: The cluster's API server endpoint.
  returned: when O(state=present) and the cluster exists
  type: str
  sample: https://0123456789ABCDEF0123456789ABCDEF.gr7.us-west-2.eks.amazonaws.com
host:
  description: The same as RV(server), under the name of kubernetes.core's C(host) option.
  returned: when O(state=present) and the cluster exists
  type: str
  sample: https://0123456789ABCDEF0123456789ABCDEF.gr7.us-west-2.eks.amazonaws.com
ca_cert:
  description: The CA certificate file, for kubernetes.core's C(ca_cert) option.
  returned: when O(ca_cert_path) is given and O(state=present)
  type: str
  sample: /srv/ecap/build/dev/kubeconfig.d/ecap-dev-eks-ca.crt
token_expiration:
  description: When the token in the file expires as C(aws eks get-token) reports it (ISO 8601 UTC).
  returned: with O(user_mode=token) or O(user_mode=both)
  type: str
  sample: "2025-06-01T12:14:00Z"
token:
  description: The bearer token (C(k8s-aws-v1....)); a credential.
  returned: when O(return_token=true)
  type: str
removed_clusters:
  description: The cluster entries removed.
  returned: when O(state=absent)
  type: list
  elements: str
  sample: [arn:aws:eks:us-west-2:123456789012:cluster/ecap-dev-eks]
"""

import os

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils.common import client
from ansible_collections.ecap.platform.plugins.module_utils.eks_token import (
    format_time as format_token_time,
)
from ansible_collections.ecap.platform.plugins.module_utils.eks_token import (
    get_token,
    inspect_token,
    reusable,
)
from ansible_collections.ecap.platform.plugins.module_utils.kubeconfig import (
    CA_FILE_MODE,
    CLUSTER_NAME,
    FILE_MODE,
    Cluster,
    KubeconfigError,
    ca_pem,
    exec_user_entry,
    existing_token,
    masked,
    merge_absent,
    merge_present,
    names_for,
    parse,
    read_file,
    remove_file,
    render,
    token_user_entry,
    write_file,
)

READY_STATUSES = ("ACTIVE", "UPDATING")


def load(module: AnsibleAWSModule, path: str):
    state = read_file(path)
    try:
        return state, parse(state.content.decode("utf-8") if state.exists else None)
    except (KubeconfigError, UnicodeDecodeError) as e:
        module.fail_json(msg=f"{path} is not a kubeconfig this module can merge into: {e}")


def diff_of(path: str, before, after, existed: bool) -> dict:
    return {
        "before_header": path,
        "after_header": path,
        "before": render(masked(before)) if existed else "",
        "after": render(masked(after)) if after is not None else "",
    }


def describe_cluster(connection, name: str):
    try:
        return connection.describe_cluster(aws_retry=True, name=name)["cluster"]
    except is_boto3_error_code("ResourceNotFoundException"):
        return None


def ensure_present(module: AnsibleAWSModule) -> None:
    params = module.params
    path, name, mode = params["path"], params["cluster_name"], params["user_mode"]
    file_state, config = load(module, path)

    described = describe_cluster(client(module, "eks"), name)
    if described is None:
        if module.check_mode:
            module.warn(f"The EKS cluster {name} does not exist yet: its kubeconfig entries are written once it does.")
            module.exit_json(changed=True, path=path, contexts={})
        module.fail_json(msg=f"The EKS cluster {name} does not exist in {module.region}.")
    cluster = Cluster.from_describe(described, module.region)
    if described.get("status") not in READY_STATUSES or not cluster.endpoint or not cluster.ca_data:
        module.fail_json(
            msg=f"The EKS cluster {name} is {described.get('status')}, with no endpoint or CA yet: "
            "write its kubeconfig once it is ACTIVE."
        )

    names = names_for(cluster.arn, params["context_name"], mode)
    exec_user = token_user = None
    token = None
    if mode in ("exec", "both"):
        profile = params["profile"] or os.environ.get("AWS_PROFILE") or None
        exec_user = exec_user_entry(names.exec_user, name, cluster.region, profile)
    if mode in ("token", "both"):
        fresh = get_token(lambda service: module.client(service), name, cluster.region)
        old = existing_token(config, names)
        token = old if reusable(old, fresh["token"], params["token_min_validity"]) else fresh["token"]
        if not params["return_token"]:
            module.no_log_values.update({fresh["token"], token})
        token_user = token_user_entry(names.token_user, token)

    after = merge_present(
        config,
        cluster,
        names,
        exec_user=exec_user,
        token_user=token_user,
        set_current=params["set_current_context"],
    )
    content = render(after).encode("utf-8")
    kubeconfig_changed = not file_state.exists or after != config or file_state.mode != FILE_MODE

    ca_path = params["ca_cert_path"]
    ca_changed = False
    if ca_path:
        try:
            pem = ca_pem(cluster.ca_data)
        except KubeconfigError as e:
            module.fail_json(msg=f"Cannot write the CA of {name}: {e}")
        if not pem.lstrip().startswith(b"-----BEGIN"):
            module.warn(f"The CA of {name} is not a PEM certificate; {ca_path} will not verify the API server.")
        ca_state = read_file(ca_path)
        ca_changed = not ca_state.exists or ca_state.content != pem or ca_state.mode != CA_FILE_MODE

    if not module.check_mode:
        if kubeconfig_changed:
            write_file(path, content, FILE_MODE)
        if ca_changed:
            write_file(ca_path, pem, CA_FILE_MODE)

    result = dict(
        changed=kubeconfig_changed or ca_changed,
        path=path,
        context=names.current,
        contexts={k: v for k, v in (("exec", names.exec_context), ("token", names.token_context)) if v},
        cluster_arn=cluster.arn,
        server=cluster.endpoint,
        host=cluster.endpoint,
    )
    if ca_path:
        result["ca_cert"] = ca_path
    if token:
        expiration = inspect_token(token).expiration
        if expiration:
            result["token_expiration"] = format_token_time(expiration)
        if params["return_token"]:
            result["token"] = token
    if result["changed"]:
        result["diff"] = diff_of(path, config, after, file_state.exists)
    module.exit_json(**result)


def ensure_absent(module: AnsibleAWSModule) -> None:
    path, name, ca_path = module.params["path"], module.params["cluster_name"], module.params["ca_cert_path"]
    file_state, config = load(module, path)
    after, removed = merge_absent(config, name, module.region)
    kubeconfig_changed = file_state.exists and bool(removed)
    ca_changed = bool(ca_path) and read_file(ca_path).exists
    if not module.check_mode:
        if kubeconfig_changed:
            write_file(path, render(after).encode("utf-8"), FILE_MODE)
        if ca_changed:
            remove_file(ca_path)
    result = dict(changed=kubeconfig_changed or ca_changed, path=path, removed_clusters=removed)
    if kubeconfig_changed:
        result["diff"] = diff_of(path, config, after, True)
    module.exit_json(**result)


def main() -> None:
    argument_spec = dict(
        cluster_name=dict(type="str", required=True, aliases=["name"]),
        path=dict(type="path", required=True),
        context_name=dict(type="str", aliases=["alias"]),
        user_mode=dict(type="str", default="exec", choices=["exec", "token", "both"]),
        set_current_context=dict(type="bool", default=True),
        ca_cert_path=dict(type="path"),
        token_min_validity=dict(type="int", default=300),
        return_token=dict(type="bool", default=False),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    params["path"] = os.path.abspath(params["path"])
    if params["ca_cert_path"]:
        params["ca_cert_path"] = os.path.abspath(params["ca_cert_path"])
    if not CLUSTER_NAME.match(params["cluster_name"]):
        module.fail_json(
            msg=f"cluster_name={params['cluster_name']} is not an EKS cluster name (1-100 letters, digits, "
            "hyphens and underscores, starting with a letter or digit)."
        )
    if params["context_name"] is not None and not params["context_name"].strip():
        module.fail_json(msg="context_name must not be empty (leave it out to name the context after the ARN).")
    if not 0 <= params["token_min_validity"] <= 840:
        module.fail_json(msg="token_min_validity must be 0 to 840 seconds (a token is reported valid 14 minutes).")
    if params["return_token"] and params["state"] == "present":
        if params["user_mode"] == "exec":
            module.fail_json(msg="return_token=true needs a token user: set user_mode to token or both.")
        if not module.no_log:
            module.fail_json(
                msg="return_token=true returns a credential for the cluster: set no_log: true on the task "
                "(or use the ecap.platform.eks_token lookup)."
            )

    try:
        if params["state"] == "present":
            ensure_present(module)
        else:
            ensure_absent(module)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to write the kubeconfig of the EKS cluster {params['cluster_name']}")
    except OSError as e:
        module.fail_json(msg=f"Failed to write {params['path']}: {e}")


if __name__ == "__main__":
    main()
