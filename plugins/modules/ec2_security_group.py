#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: ec2_security_group
version_added: 0.5.0
short_description: Manage one VPC security group (description, tags, ingress and egress rules) in few API calls
description:
  - Create, update or delete a security group found by its id, or by its name in a VPC.
  - Written because M(amazon.aws.ec2_security_group) (amazon.aws 10.1.2) sleeps 3 s after each create and, on a
    run that changes nothing, makes three DescribeSecurityGroups, a DescribeTags and an STS call per group. This
    module reads the group once (rules and tags are in DescribeSecurityGroups' answer) and writes only what
    differs. Calls that follow a create retry AWS's eventual-consistency answers (C(InvalidGroup.NotFound)) with a
    short backoff instead of sleeping, and the group is read back as soon as it shows the change.
  - Rules take the shape of M(amazon.aws.ec2_security_group)'s O(rules) (what the filter
    C(ecap.platform.security_group_rules) emits), except that sources are ids (no O(rules[].group_name)). They are
    compared as normalised permissions, one per protocol, port range and source (C(6) and C(tcp), or C(10.0.0.0/16)
    in one IpPermission or two, are the same). Missing ones are authorized, extra ones revoked (O(purge_rules),
    O(purge_rules_egress)), changed descriptions updated in place.
  - CreateSecurityGroup has no idempotency token. If AWS answers C(InvalidGroup.Duplicate) (a retried create whose
    first attempt went through), the existing group is adopted and converged.
  - A new group gets AWS's default egress rule (all traffic to C(0.0.0.0/0)); it is revoked when O(rules_egress) is
    given without it.
  - The group description and name cannot be changed (AWS has no API for it); a difference is a warning.
author:
  - ecap.platform contributors
options:
  name:
    description: The group name. Required with O(state=present); finds the group in O(vpc_id) when O(group_id) is unset.
    type: str
  group_id:
    description: The id of an existing group (C(sg-...)); it takes precedence over O(name) for finding the group.
    type: str
  description:
    description: The group description, set at creation. Required with O(state=present).
    type: str
  vpc_id:
    description: The VPC of the group. Required unless O(group_id) is given.
    type: str
  rules:
    description:
      - Ingress rules. Unset leaves the ingress rules as they are; V([]) removes them all (with O(purge_rules)).
    type: list
    elements: dict
    suboptions: &rule_options
      proto:
        description: C(tcp), C(udp), C(icmp), C(icmpv6), C(all) (or C(-1)), or an IP protocol number.
        type: str
        default: tcp
      ports:
        description: Ports or ranges (C(443), C(1024-65535)); one permission each. Not with O(rules[].from_port).
        type: list
        elements: str
      from_port:
        description: First port of the range (tcp, udp), or the ICMP type.
        type: int
      to_port:
        description: Last port of the range (tcp, udp), or the ICMP code.
        type: int
      icmp_type:
        description: The ICMP type (C(-1) for any). Not with ports.
        type: int
      icmp_code:
        description: The ICMP code (C(-1) for any); needs O(rules[].icmp_type).
        type: int
      cidr_ip:
        description: IPv4 CIDRs. A CIDR with host bits is taken as its network, with a warning.
        type: list
        elements: raw
      cidr_ipv6:
        description: IPv6 CIDRs.
        type: list
        elements: raw
      group_id:
        description: Ids of source (or, for egress, destination) security groups.
        type: list
        elements: str
      ip_prefix:
        description: Ids of managed prefix lists (C(pl-...)).
        type: list
        elements: str
      rule_desc:
        description: The description of the rule (each of its sources gets it).
        type: str
  rules_egress:
    description:
      - Egress rules, same shape as O(rules). Unset leaves the egress rules as they are (a new group keeps AWS's
        default allow-all egress); V([]) removes them all (with O(purge_rules_egress)).
    type: list
    elements: dict
    aliases: [egress_rules]
    suboptions: *rule_options
  purge_rules:
    description: Revoke the ingress rules that are not in O(rules).
    type: bool
    default: true
  purge_rules_egress:
    description: Revoke the egress rules that are not in O(rules_egress).
    type: bool
    default: true
    aliases: [purge_egress_rules]
  tags:
    description: Tags of the group. Unset leaves the tags as they are.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove the tags not in O(tags) (never C(aws:*) tags).
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for O(state=absent) to stop failing with C(DependencyViolation) while network interfaces
        are released, and (at most 30) for a change to show in DescribeSecurityGroups; the module returns as soon as
        it does.
    type: int
    default: 300
  state:
    description: V(absent) deletes the group (rules of other groups that name it must be removed first).
    type: str
    default: present
    choices: [present, absent]
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The RDS group, open to the EKS nodes only, no egress
  ecap.platform.ec2_security_group:
    name: ecap-dev-rds-sg
    description: RDS PostgreSQL - 5432 from the EKS nodes only
    vpc_id: vpc-0123456789abcdef0
    rules:
      - proto: tcp
        from_port: 5432
        to_port: 5432
        group_id: sg-0aaaabbbbccccdddd
        rule_desc: EKS workloads to PostgreSQL
    rules_egress: []
    tags:
      Project: ecap
      Name: ecap-dev-rds-sg

- name: Create a group empty first (rules are set once every group it names exists)
  ecap.platform.ec2_security_group:
    name: ecap-dev-alb-sg
    description: Application Load Balancer
    vpc_id: vpc-0123456789abcdef0
    tags: {Project: ecap}

- name: Delete it
  ecap.platform.ec2_security_group:
    group_id: sg-0123456789abcdef0
    state: absent
"""

RETURN = r"""
group_id:
  description: The id of the group; absent in check mode before creation and when there is no group.
  type: str
  returned: when the group exists
  sample: sg-0123456789abcdef0
group_name:
  description: The name of the group.
  type: str
  returned: when the group exists
description:
  description: The description of the group.
  type: str
  returned: when the group exists
vpc_id:
  description: The VPC of the group.
  type: str
  returned: when the group exists
owner_id:
  description: The account that owns the group.
  type: str
  returned: when the group exists
security_group_arn:
  description: The ARN of the group.
  type: str
  returned: when the group exists and AWS returns it
ip_permissions:
  description: The ingress rules as DescribeSecurityGroups answers them, snake_cased.
  type: list
  elements: dict
  returned: when the group exists
  sample:
    - ip_protocol: tcp
      from_port: 5432
      to_port: 5432
      user_id_group_pairs: [{group_id: sg-0aaaabbbbccccdddd, user_id: "123456789012", description: EKS to RDS}]
      ip_ranges: []
      ipv6_ranges: []
      prefix_list_ids: []
ip_permissions_egress:
  description: The egress rules, same shape as RV(ip_permissions).
  type: list
  elements: dict
  returned: when the group exists
tags:
  description: The tags of the group.
  type: dict
  returned: when the group exists
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils import security_groups as sg
from ansible_collections.ecap.platform.plugins.module_utils.common import client, make_diff
from ansible_collections.ecap.platform.plugins.module_utils.ec2 import (
    VISIBLE_TIMEOUT,
    consistent_client,
    wait_consistent,
)


def _wanted(module: AnsibleAWSModule) -> tuple[dict, dict]:
    params = module.params
    wanted, purge = {}, {}
    for direction, option, purge_option in (
        ("ingress", "rules", "purge_rules"),
        ("egress", "rules_egress", "purge_rules_egress"),
    ):
        wanted[direction], warnings = sg.expand_rules(params[option])
        for warning in warnings:
            module.warn(f"{option}: {warning}")
        purge[direction] = params[purge_option]
    return wanted, purge


def _read_back(connection, module: AnsibleAWSModule, group_id: str, expected: dict) -> dict:
    """The group as AWS describes it once it shows ``expected``'s rules and tags (at once, usually)."""
    return wait_consistent(
        lambda: sg.describe_group(connection, group_id=group_id),
        lambda group: sg.matches(group, expected),
        timeout=min(module.params["wait_timeout"], VISIBLE_TIMEOUT),
        what=f"security group {group_id} to show its rules and tags",
        warn=module.warn,
    ) or {**expected, "GroupId": group_id}


def ensure_present(connection, module: AnsibleAWSModule) -> None:
    params = module.params
    wanted, purge = _wanted(module)
    tags, purge_tags = params["tags"], params["purge_tags"]
    group = sg.describe_group(connection, params["group_id"], params["name"], params["vpc_id"])

    if group is None and params["group_id"]:
        module.fail_json(msg=f"Security group {params['group_id']} does not exist (give name and vpc_id to create one)")
    created = group is None
    if created:
        blank = sg.new_group(params["name"], params["description"], params["vpc_id"], tags)
        plan = sg.plan_group(blank, wanted, purge, tags, purge_tags, created=True)
        predicted = sg.predicted_group(blank, plan)
        if module.check_mode:
            module.exit_json(changed=True, **sg.to_ansible(predicted), diff=make_diff({}, sg.group_view(predicted)))
        group_id, adopted = sg.create_group(connection, params["name"], params["description"], params["vpc_id"], tags)
        if adopted:
            module.warn(f"Security group {params['name']} already existed ({group_id}): adopted it")
            group = sg.describe_group(connection, group_id=group_id)
            created = False
        else:
            group = {**blank, "GroupId": group_id}
    else:
        for option, field in (("description", "Description"), ("name", "GroupName")):
            if params[option] is not None and group.get(field) != params[option]:
                module.warn(
                    f"Security group {group['GroupId']} has {field} {group.get(field)!r}, not {params[option]!r}: "
                    "AWS cannot change it; delete and re-create the group to change it"
                )

    plan = sg.plan_group(group, wanted, purge, tags, purge_tags, created=created)
    before = {} if created else sg.group_view(group)
    if not created and not plan.changed:
        module.exit_json(changed=False, **sg.to_ansible(group))

    predicted = sg.predicted_group(group, plan)
    if module.check_mode:
        module.exit_json(changed=True, **sg.to_ansible(predicted), diff=make_diff(before, sg.group_view(predicted)))
    writer = consistent_client(connection, sg.CONSISTENCY_CODES)
    sg.apply_group_plan(writer, group["GroupId"], plan)
    after = _read_back(connection, module, group["GroupId"], predicted)
    module.exit_json(changed=True, **sg.to_ansible(after), diff=make_diff(before, sg.group_view(after)))


def ensure_absent(connection, module: AnsibleAWSModule) -> None:
    params = module.params
    group = sg.describe_group(connection, params["group_id"], params["name"], params["vpc_id"])
    if group is None:
        module.exit_json(changed=False)
    if not module.check_mode:
        sg.delete_group(connection, group["GroupId"], params["wait_timeout"])
    module.exit_json(changed=True, group_id=group["GroupId"], diff=make_diff(sg.group_view(group), {}))


def main() -> None:
    rule_options = dict(
        proto=dict(type="str", default="tcp"),
        ports=dict(type="list", elements="str"),
        from_port=dict(type="int"),
        to_port=dict(type="int"),
        icmp_type=dict(type="int"),
        icmp_code=dict(type="int"),
        cidr_ip=dict(type="list", elements="raw"),
        cidr_ipv6=dict(type="list", elements="raw"),
        group_id=dict(type="list", elements="str"),
        ip_prefix=dict(type="list", elements="str"),
        rule_desc=dict(type="str"),
    )
    rule_checks = dict(
        mutually_exclusive=[
            ["ports", "from_port"],
            ["ports", "to_port"],
            ["ports", "icmp_type"],
            ["ports", "icmp_code"],
            ["icmp_type", "from_port"],
            ["icmp_type", "to_port"],
            ["icmp_code", "from_port"],
            ["icmp_code", "to_port"],
        ],
        required_by=dict(icmp_code=["icmp_type"]),
    )
    argument_spec = dict(
        name=dict(type="str"),
        group_id=dict(type="str"),
        description=dict(type="str"),
        vpc_id=dict(type="str"),
        rules=dict(type="list", elements="dict", options=rule_options, **rule_checks),
        rules_egress=dict(type="list", elements="dict", options=rule_options, aliases=["egress_rules"], **rule_checks),
        purge_rules=dict(type="bool", default=True),
        purge_rules_egress=dict(type="bool", default=True, aliases=["purge_egress_rules"]),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=300),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_one_of=[["name", "group_id"], ["vpc_id", "group_id"]],
        required_if=[["state", "present", ["name", "description"]]],
    )
    errors = sg.validate_rules(module.params["rules"], "rules") + sg.validate_rules(
        module.params["rules_egress"], "rules_egress"
    )
    if module.params["group_id"] and not module.params["group_id"].startswith("sg-"):
        errors.append(f"group_id {module.params['group_id']!r} is not a security group id (sg-...).")
    if module.params["wait_timeout"] < 0:
        errors.append("wait_timeout must be 0 or more seconds.")
    if errors:
        module.fail_json(msg=" ".join(errors))

    connection = client(module, "ec2")
    label = module.params["group_id"] or module.params["name"]
    try:
        if module.params["state"] == "present":
            ensure_present(connection, module)
        else:
            ensure_absent(connection, module)
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage security group {label}")


if __name__ == "__main__":
    main()
