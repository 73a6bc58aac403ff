#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: iam_managed_policy
version_added: 0.5.0
short_description: Manage a customer-managed IAM policy found by name, in two API calls on a no-op
description:
  - Create, update (a new default version) and delete a customer-managed IAM policy named by its path and name.
  - Written because M(amazon.aws.iam_managed_policy) (amazon.aws 10.1.2) finds a policy by listing every policy
    of the account (ListPolicies, all pages) and reads every version of it on each run. The ARN of a policy is
    known from its account, path and name, so a run that changes nothing here is GetPolicy (with the tags) and
    GetPolicyVersion of the default version.
  - The account is O(account_id), or the caller's (one STS GetCallerIdentity) when unset.
  - The document is compared as a policy (as amazon.aws does), so the order of statements and values, and a single
    value against a one-element list, do not matter. A different document is a new version, made the default;
    at IAM's limit of five versions the oldest non-default version is deleted first.
  - IAM cannot change the description or the path of a policy, so a different O(description) is reported as a
    warning (as amazon.aws does); a policy of the same name at another path is reported as an error.
  - Deleting detaches the policy from every user, group and role and deletes its other versions first.
author:
  - ecap.platform contributors
options:
  name:
    description: The name of the policy.
    type: str
    required: true
    aliases: [policy_name]
  path:
    description: The path of the policy (part of its ARN).
    type: str
    default: /
    aliases: [prefix, path_prefix]
  description:
    description: The description of the policy, set at creation.
    type: str
    aliases: [policy_description]
  policy:
    description: The policy document (a dict or a JSON string). Required with O(state=present).
    type: raw
  only_version:
    description: When a new version is made, delete every other version of the policy.
    type: bool
    default: false
  account_id:
    description: The account of the policy (12 digits). Unset, the caller's account (one STS GetCallerIdentity).
    type: str
  tags:
    description: Tags of the policy. Unset leaves the tags as they are.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove the tags not in O(tags).
    type: bool
    default: true
  state:
    description: Whether the policy should exist.
    type: str
    default: present
    choices: [present, absent]
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The policy the application's role attaches to connect to the database
  ecap.platform.iam_managed_policy:
    name: ecap-dev-rds-connect
    description: rds-db:connect to ecap-dev-postgres as ecap_admin
    policy: "{{ lookup('ansible.builtin.template', 'connect_policy.json.j2') }}"
    account_id: "{{ ecap_account_id }}"
    tags:
      Project: ecap
      Environment: dev
  register: connect_policy

- name: Use its ARN
  ansible.builtin.debug:
    msg: "{{ connect_policy.policy.arn }}"

- name: Delete it (detached from its roles first)
  ecap.platform.iam_managed_policy:
    name: ecap-dev-rds-connect
    state: absent
"""

RETURN = r"""
policy:
  description:
    - The policy as IAM describes it, snake_cased (the keys of M(amazon.aws.iam_managed_policy)'s C(policy)),
      with the default version's C(document).
    - Absent when there is no policy, and in check mode when the policy would be created.
  type: dict
  returned: when the policy exists
  contains:
    arn:
      description: The ARN of the policy.
      type: str
      sample: arn:aws:iam::123456789012:policy/ecap-dev-rds-connect
    policy_name:
      description: The name of the policy.
      type: str
    policy_id:
      description: The stable id of the policy.
      type: str
    path:
      description: The path of the policy.
      type: str
      sample: /
    default_version_id:
      description: The default version.
      type: str
      sample: v2
    attachment_count:
      description: How many users, groups and roles the policy is attached to.
      type: int
    description:
      description: The description of the policy.
      type: str
    tags:
      description: The tags of the policy.
      type: dict
    document:
      description: The document of the default version.
      type: dict
"""

try:
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils import iam_managed_policy as policies
from ansible_collections.ecap.platform.plugins.module_utils.common import client, make_diff


def policy_arn(module: AnsibleAWSModule) -> str:
    params = module.params
    if params.get("account_id"):
        partition = boto3.session.Session().get_partition_for_region(module.region or "us-east-1")
        account = str(params["account_id"])
    else:
        partition, account = policies.caller_account(client(module, "sts"))
    return policies.policy_arn(partition, account, params["path"], params["name"])


def ensure_present(connection, module: AnsibleAWSModule, arn: str, document: dict) -> None:
    params = module.params
    policy = policies.get_policy(connection, arn)
    if policy is None:
        planned = {
            "policy": {
                "Path": params["path"],
                "Description": params.get("description") or "",
                "Tags": [{"Key": k, "Value": str(v)} for k, v in (params.get("tags") or {}).items()],
            },
            "document": document,
        }
        diff = make_diff({}, policies.state_view(planned))
        if module.check_mode:
            module.exit_json(changed=True, diff=diff)
        try:
            created = policies.create(connection, document, params)
        except connection.exceptions.EntityAlreadyExistsException:
            module.fail_json(
                msg=f"An IAM policy named {params['name']} exists at another path than {params['path']} "
                "(IAM cannot move it): delete it or set path."
            )
        current = {"policy": created, "document": document}
        module.exit_json(changed=True, policy=policies.result_view(current), diff=diff)

    if params.get("description") is not None and params["description"] != policy.get("Description", ""):
        module.warn(f"IAM cannot change the description of policy {arn}: left as it is.")
    current = policies.read(connection, policy)
    changes = policies.plan(current, document, params)
    if not changes:
        module.exit_json(changed=False, policy=policies.result_view(current))
    after = policies.predicted(current, changes)
    if not module.check_mode:
        policies.apply(connection, arn, changes, params["only_version"])
        after = policies.read(connection, policies.get_policy(connection, arn) or after["policy"])
    module.exit_json(
        changed=True,
        policy=policies.result_view(after),
        diff=make_diff(policies.state_view(current), policies.state_view(after)),
    )


def ensure_absent(connection, module: AnsibleAWSModule, arn: str) -> None:
    policy = policies.get_policy(connection, arn)
    if policy is None:
        module.exit_json(changed=False)
    if not module.check_mode:
        policies.delete(connection, arn)
    before = {"policy": policy}
    module.exit_json(changed=True, policy=policies.result_view(before), diff=make_diff(policies.state_view(before), {}))


def main() -> None:
    argument_spec = dict(
        name=dict(type="str", required=True, aliases=["policy_name"]),
        path=dict(type="str", default="/", aliases=["prefix", "path_prefix"]),
        description=dict(type="str", aliases=["policy_description"]),
        policy=dict(type="raw"),
        only_version=dict(type="bool", default=False),
        account_id=dict(type="str"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    document, errors = policies.validate(module.params)
    if errors:
        module.fail_json(msg=" ".join(errors))
    connection = client(module, "iam")
    try:
        arn = policy_arn(module)
        if module.params["state"] == "present":
            ensure_present(connection, module, arn, document)
        else:
            ensure_absent(connection, module, arn)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage IAM policy {module.params['name']}")


if __name__ == "__main__":
    main()
