#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: iam_role
version_added: 0.5.0
short_description: Manage an IAM role with its trust policy, managed and inline policies and tags in few API calls
description:
  - Create, update and delete an IAM role, the managed policies attached to it and its inline policies, in one task.
  - Written because M(amazon.aws.iam_role) with M(amazon.aws.iam_policy) (amazon.aws 10.1.2) takes one task item
    per role and one per inline policy, and five to eight calls per role on a run that changes nothing (the role
    and its attached policies are each read twice, the inline policies listed again per policy). This module
    reads the role once (GetRole, with the trust policy, description, max session duration, path, boundary and
    tags), its attached policies once (ListAttachedRolePolicies, when O(managed_policies) is set) and its inline
    policies once (ListRolePolicies, then GetRolePolicy per policy of O(inline_policies), when it is set).
  - Policy documents are compared as policies (as amazon.aws does), so the order of statements and of values, and
    a single value against a one-element list, do not matter.
  - Managed policies are given by ARN (names would need the account's whole policy list to resolve).
  - A create interrupted after CreateRole is finished by the next run (the role is found and what is missing is
    added). A delete removes the role from its instance profiles, detaches its managed policies and deletes its
    inline policies first, as IAM requires.
  - Instance profiles are not created (use M(amazon.aws.iam_instance_profile)); the path of an existing role cannot
    be changed (IAM has no API for it), so a different O(path) is reported as a warning, as amazon.aws does.
author:
  - ecap.platform contributors
options:
  name:
    description: The name of the role.
    type: str
    required: true
    aliases: [role_name]
  path:
    description: The path of the role, set at creation (C(/) when unset).
    type: str
  assume_role_policy_document:
    description: The trust policy (a dict or a JSON string). Required with O(state=present).
    type: raw
  description:
    description: The description of the role. Unset leaves it as it is.
    type: str
  max_session_duration:
    description: The longest session of the role, 3600 to 43200 seconds. Unset leaves it as it is (new role 3600).
    type: int
  boundary:
    description:
      - The ARN of the managed policy used as the role's permissions boundary; V('') removes it.
      - Unset leaves it as it is.
    type: str
    aliases: [boundary_policy_arn]
  managed_policies:
    description:
      - The ARNs of the managed policies to attach. Unset leaves the attached policies as they are.
    type: list
    elements: str
    aliases: [managed_policy]
  purge_policies:
    description: Detach the managed policies not in O(managed_policies).
    type: bool
    default: true
    aliases: [purge_policy, purge_managed_policies]
  inline_policies:
    description:
      - The role's inline policies, policy name to policy document (a dict or a JSON string).
        Unset leaves the inline policies as they are (and does not read them).
    type: dict
  purge_inline_policies:
    description: Delete the inline policies not in O(inline_policies).
    type: bool
    default: true
  tags:
    description: Tags of the role. Unset leaves the tags as they are.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove the tags not in O(tags).
    type: bool
    default: true
  delete_instance_profile:
    description: With O(state=absent), also delete the instance profile named like the role (the role always
      leaves every instance profile it is in).
    type: bool
    default: false
  wait:
    description: After a create, wait until IAM answers GetRole with the new role (IAM is eventually consistent).
    type: bool
    default: true
  wait_timeout:
    description: How long to wait for a new role to be visible, in seconds.
    type: int
    default: 120
  state:
    description: Whether the role should exist.
    type: str
    default: present
    choices: [present, absent]
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The role VPC Flow Logs delivers with, its one inline policy and tags
  ecap.platform.iam_role:
    name: ecap-dev-flow-logs
    description: Lets VPC Flow Logs write to its log group
    assume_role_policy_document: "{{ lookup('ansible.builtin.template', 'flow_logs_trust.json.j2') }}"
    managed_policies: []
    inline_policies:
      write-flow-logs: "{{ lookup('ansible.builtin.template', 'flow_logs_policy.json.j2') }}"
    tags:
      Project: ecap
      Environment: dev
  register: role

- name: Use its ARN
  ansible.builtin.debug:
    msg: "{{ role.iam_role.arn }}"

- name: A node role with AWS managed policies only (its inline policies, if any, are left alone)
  ecap.platform.iam_role:
    name: ecap-dev-eks-node
    assume_role_policy_document: "{{ lookup('ansible.builtin.file', 'node_trust.json') }}"
    managed_policies:
      - arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy
      - arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly

- name: Delete it (instance profiles left, policies detached and deleted first)
  ecap.platform.iam_role:
    name: ecap-dev-flow-logs
    state: absent
"""

RETURN = r"""
iam_role:
  description:
    - The role as IAM describes it, snake_cased (the keys of M(amazon.aws.iam_role)'s C(iam_role)).
    - Absent with O(state=absent), and in check mode when the role would be created.
  type: dict
  returned: when the role exists
  contains:
    arn:
      description: The ARN of the role.
      type: str
      sample: arn:aws:iam::123456789012:role/ecap-dev-flow-logs
    role_name:
      description: The name of the role.
      type: str
      sample: ecap-dev-flow-logs
    role_id:
      description: The stable id of the role.
      type: str
      sample: AROA1234567890EXAMPLE
    path:
      description: The path of the role.
      type: str
      sample: /
    create_date:
      description: When the role was created.
      type: str
    assume_role_policy_document:
      description: The trust policy.
      type: dict
    description:
      description: The description of the role.
      type: str
    max_session_duration:
      description: The longest session, in seconds.
      type: int
      sample: 3600
    permissions_boundary:
      description: The permissions boundary (C(permissions_boundary_arn), C(permissions_boundary_type)).
      type: dict
      returned: when the role has one
    tags:
      description: The tags of the role.
      type: dict
      sample: {"Project": "ecap"}
    attached_policies:
      description: The attached managed policies (C(policy_arn), C(policy_name)).
      type: list
      elements: dict
      returned: when O(managed_policies) is set
    inline_policies:
      description: The inline policies read or written, name to document (purged ones are not read).
      type: dict
      returned: when O(inline_policies) is set
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils import iam_role as roles
from ansible_collections.ecap.platform.plugins.module_utils.common import client, make_diff


def ensure_present(connection, module: AnsibleAWSModule, wanted: dict) -> None:
    params = module.params
    name = params["name"]
    role = roles.get_role(connection, name)
    if role is None:
        planned = {
            "role": {
                "RoleName": name,
                "Path": params.get("path") or "/",
                "AssumeRolePolicyDocument": wanted["trust"],
                "Description": params.get("description") or "",
                "MaxSessionDuration": params.get("max_session_duration") or 3600,
                "PermissionsBoundary": {"PermissionsBoundaryArn": params["boundary"]} if params.get("boundary") else {},
                "Tags": [{"Key": k, "Value": str(v)} for k, v in (params.get("tags") or {}).items()],
            },
            **({"managed": wanted["managed"]} if "managed" in wanted else {}),
            **({"inline": dict(wanted["inline"])} if "inline" in wanted else {}),
        }
        diff = make_diff({}, roles.state_view(planned))
        if module.check_mode:
            module.exit_json(changed=True, diff=diff)
        role = roles.create(connection, wanted, params)
        # As amazon.aws.iam_role does: the policies once GetRole answers with the new role (eventual consistency).
        if params["wait"]:
            role = roles.wait_until_visible(connection, name, params["wait_timeout"])
        if role is None:
            module.fail_json(
                msg=f"Timed out after {params['wait_timeout']}s waiting for the new IAM role {name} to be visible"
            )
        roles.add_policies(connection, name, wanted)
        # The policies as written, not read back (a read so soon may not show them yet).
        created = {**planned, "role": role}
        module.exit_json(changed=True, iam_role=roles.result_view(created), diff=diff)

    if params.get("path") is not None and params["path"] != role.get("Path"):
        module.warn(f"IAM cannot move role {name} from path {role.get('Path')} to {params['path']}: left as it is.")
    current = roles.read(connection, role, wanted, params["purge_inline_policies"])
    changes = roles.plan(current, wanted, params)
    if not changes:
        module.exit_json(changed=False, iam_role=roles.result_view(current))
    after = roles.predicted(current, changes)
    if not module.check_mode:
        roles.apply(connection, name, changes)
        after = roles.read(connection, roles.get_role(connection, name) or after["role"], wanted, False)
        # Purged inline policies are not read again: they are gone.
    module.exit_json(
        changed=True,
        iam_role=roles.result_view(after),
        diff=make_diff(roles.state_view(current), roles.state_view(after)),
    )


def ensure_absent(connection, module: AnsibleAWSModule) -> None:
    name = module.params["name"]
    role = roles.get_role(connection, name)
    if role is None:
        module.exit_json(changed=False)
    if not module.check_mode:
        roles.delete(connection, name, module.params["delete_instance_profile"])
    module.exit_json(changed=True, diff=make_diff(roles.state_view({"role": role}), {}))


def main() -> None:
    argument_spec = dict(
        name=dict(type="str", required=True, aliases=["role_name"]),
        path=dict(type="str"),
        assume_role_policy_document=dict(type="raw"),
        description=dict(type="str"),
        max_session_duration=dict(type="int"),
        boundary=dict(type="str", aliases=["boundary_policy_arn"]),
        managed_policies=dict(type="list", elements="str", aliases=["managed_policy"]),
        purge_policies=dict(type="bool", default=True, aliases=["purge_policy", "purge_managed_policies"]),
        inline_policies=dict(type="dict"),
        purge_inline_policies=dict(type="bool", default=True),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        delete_instance_profile=dict(type="bool", default=False),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=120),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    wanted, errors = roles.validate(module.params)
    if errors:
        module.fail_json(msg=" ".join(errors))
    connection = client(module, "iam")
    try:
        if module.params["state"] == "present":
            ensure_present(connection, module, wanted)
        else:
            ensure_absent(connection, module)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage IAM role {module.params['name']}")


if __name__ == "__main__":
    main()
