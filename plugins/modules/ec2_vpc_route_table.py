#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: ec2_vpc_route_table
version_added: 0.5.0
short_description: Manage one VPC route table (routes, subnet associations, tags) in few API calls
description:
  - Create, update or delete a route table found by its id, or by its C(Name) tag in a VPC.
  - Written because M(amazon.aws.ec2_vpc_route_table) (amazon.aws 10.1.2) sleeps 5 s after any change and, on a run
    that changes nothing, makes a DescribeRouteTables per subnet, a DescribeSubnets and two DescribeTags per table;
    its tag lookup matches every tag, so changing a tag creates a second table. This module reads the table once
    (routes, associations and tags are in DescribeRouteTables' answer), finds it by C(Name) only, and writes only
    what differs. Calls that follow a create retry AWS's eventual-consistency answers
    (C(InvalidRouteTableID.NotFound)) with a short backoff instead of sleeping, and the table is read back as soon
    as it shows the change.
  - Routes compare as destination and target id. Routes the module does not own are never purged - the C(local)
    route, routes propagated from a virtual private gateway, and the prefix-list routes of gateway VPC endpoints
    (M(amazon.aws.ec2_vpc_endpoint) manages those).
  - A subnet associated with another table is moved with ReplaceRouteTableAssociation (AssociateRouteTable refuses
    a subnet that already has an explicit association).
  - CreateRouteTable is sent with a ClientToken, so a retried call makes one table.
author:
  - ecap.platform contributors
options:
  name:
    description:
      - The C(Name) tag of the table; finds it in O(vpc_id) when O(route_table_id) is unset, and is set as its C(Name)
        tag (over one in O(tags)).
    type: str
  route_table_id:
    description: The id of an existing table (C(rtb-...)); takes precedence over O(name) for finding it.
    type: str
  vpc_id:
    description: The VPC of the table. Required unless O(route_table_id) is given.
    type: str
  routes:
    description:
      - The routes of the table. Unset leaves the routes as they are; V([]) removes those the module owns (with
        O(purge_routes)).
    type: list
    elements: dict
    suboptions:
      dest:
        description: The destination, an IPv4 or IPv6 CIDR (network address) or a prefix list id (C(pl-...)).
        type: str
        required: true
      gateway_id:
        description:
          - An internet or virtual private gateway id (C(igw-), C(vgw-)). As in M(amazon.aws.ec2_vpc_route_table), an id
            of another kind of target (C(nat-), C(tgw-), C(pcx-), C(eigw-), C(cagw-), C(lgw-), C(eni-), C(vpce-)) is
            taken as that target.
        type: str
      nat_gateway_id:
        description: A NAT gateway id.
        type: str
      transit_gateway_id:
        description: A transit gateway id.
        type: str
      vpc_peering_connection_id:
        description: A VPC peering connection id.
        type: str
      egress_only_gateway_id:
        description: An egress-only internet gateway id.
        type: str
      carrier_gateway_id:
        description: A carrier gateway id.
        type: str
      local_gateway_id:
        description: A local gateway id.
        type: str
      instance_id:
        description: A NAT instance id.
        type: str
      network_interface_id:
        description: A network interface id.
        type: str
      vpc_endpoint_id:
        description: A Gateway Load Balancer endpoint id.
        type: str
      core_network_arn:
        description: A Cloud WAN core network ARN.
        type: str
  purge_routes:
    description: Delete the owned routes that are not in O(routes).
    type: bool
    default: true
  subnets:
    description:
      - Ids of the subnets associated with the table. Unset leaves the associations as they are.
    type: list
    elements: str
  purge_subnets:
    description: Disassociate the subnets that are not in O(subnets).
    type: bool
    default: true
  tags:
    description: Tags of the table. Unset leaves the tags as they are (but O(name) is still ensured).
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove the tags not in O(tags) (never C(aws:*) tags).
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds for O(state=absent) to wait out C(DependencyViolation), and (at most 30) for a change to show in
        DescribeRouteTables; the module returns as soon as it does.
    type: int
    default: 120
  state:
    description:
      - V(absent) disassociates the table's subnets and gateways, then deletes it. The main table of a VPC cannot be
        deleted (it goes with the VPC).
    type: str
    default: present
    choices: [present, absent]
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The private route table, default route through the NAT gateway
  ecap.platform.ec2_vpc_route_table:
    vpc_id: vpc-0123456789abcdef0
    name: ecap-dev-private
    routes:
      - dest: 0.0.0.0/0
        nat_gateway_id: nat-0123456789abcdef0
    subnets: [subnet-0aaa, subnet-0bbb, subnet-0ccc]
    tags:
      Project: ecap
      Tier: private

- name: Delete it
  ecap.platform.ec2_vpc_route_table:
    vpc_id: vpc-0123456789abcdef0
    name: ecap-dev-private
    state: absent
"""

RETURN = r"""
route_table:
  description:
    - The table as DescribeRouteTables answers it, snake_cased, with RV(route_table.id) and tags as a dict (the shape
      of M(amazon.aws.ec2_vpc_route_table)). Not returned in check mode for a table that does not exist yet (there is
      no id), nor after O(state=absent).
  returned: when the table exists
  type: dict
  contains:
    id:
      description: The id of the table (same as RV(route_table.route_table_id)).
      type: str
      sample: rtb-0123456789abcdef0
    route_table_id:
      description: The id of the table.
      type: str
    vpc_id:
      description: The VPC of the table.
      type: str
    routes:
      description: Every route of the table (the C(local) route, endpoint routes included).
      type: list
      elements: dict
    associations:
      description: The associations of the table (subnets, gateways, main).
      type: list
      elements: dict
    tags:
      description: The tags of the table.
      type: dict
    owner_id:
      description: The account that owns the table.
      type: str
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils import network as rt
from ansible_collections.ecap.platform.plugins.module_utils.common import client, make_diff, wanted_tags
from ansible_collections.ecap.platform.plugins.module_utils.ec2 import (
    VISIBLE_TIMEOUT,
    consistent_client,
    wait_consistent,
)


def _find(connection, params) -> dict | None:
    return rt.describe_route_table(connection, params["route_table_id"], params["name"], params["vpc_id"])


def ensure_present(connection, module: AnsibleAWSModule) -> None:
    params = module.params
    tags, purge_tags = wanted_tags(params["tags"], params["purge_tags"], params["name"])
    routes = rt.wanted_routes(params["routes"])
    table = _find(connection, params)
    if table is None and params["route_table_id"]:
        module.fail_json(
            msg=f"Route table {params['route_table_id']} does not exist (give name and vpc_id to create one)"
        )

    created = table is None
    if created:
        blank = rt.new_route_table(params["vpc_id"], tags)
        plan = rt.plan_route_table(blank, routes, True, params["subnets"], True, tags, purge_tags)
        if module.check_mode:  # no route_table: there is no id to return (or to route to) yet
            predicted = rt.predicted_route_table(blank, plan)
            module.exit_json(changed=True, diff=make_diff({}, rt.route_table_view(predicted)))
        table_id = rt.create_route_table(connection, params["vpc_id"], tags)
        table = {**blank, "RouteTableId": table_id}

    plan = rt.plan_route_table(
        table, routes, params["purge_routes"], params["subnets"], params["purge_subnets"], tags, purge_tags
    )
    before = {} if created else rt.route_table_view(table)
    if not created and not plan.changed:
        module.exit_json(changed=False, route_table=rt.route_table_to_ansible(table))

    predicted = rt.predicted_route_table(table, plan)
    if module.check_mode:
        module.exit_json(
            changed=True,
            route_table=rt.route_table_to_ansible(predicted),
            diff=make_diff(before, rt.route_table_view(predicted)),
        )
    rt.apply_route_table_plan(consistent_client(connection, rt.RT_CONSISTENCY_CODES), table, plan)
    table_id = table["RouteTableId"]
    after = (
        wait_consistent(
            lambda: rt.describe_route_table(connection, route_table_id=table_id),
            lambda described: rt.route_table_matches(described, predicted),
            timeout=min(params["wait_timeout"], VISIBLE_TIMEOUT),
            what=f"route table {table_id} to show its routes, subnets and tags",
            warn=module.warn,
        )
        or predicted
    )
    module.exit_json(
        changed=True, route_table=rt.route_table_to_ansible(after), diff=make_diff(before, rt.route_table_view(after))
    )


def ensure_absent(connection, module: AnsibleAWSModule) -> None:
    table = _find(connection, module.params)
    if table is None:
        module.exit_json(changed=False)
    if not module.check_mode:
        rt.delete_route_table(connection, table, module.params["wait_timeout"])
    module.exit_json(changed=True, diff=make_diff(rt.route_table_view(table), {}))


def main() -> None:
    route_options = dict(
        dest=dict(type="str", required=True),
        **{option: dict(type="str") for option in rt.ROUTE_TARGETS},
    )
    argument_spec = dict(
        name=dict(type="str"),
        route_table_id=dict(type="str"),
        vpc_id=dict(type="str"),
        routes=dict(type="list", elements="dict", options=route_options),
        purge_routes=dict(type="bool", default=True),
        subnets=dict(type="list", elements="str"),
        purge_subnets=dict(type="bool", default=True),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=120),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_one_of=[["name", "route_table_id"], ["vpc_id", "route_table_id"]],
    )
    errors = rt.validate_route_table_params(module.params)
    if module.params["wait_timeout"] < 0:
        errors.append("wait_timeout must be 0 or more seconds.")
    if errors:
        module.fail_json(msg=" ".join(errors))

    connection = client(module, "ec2")
    label = module.params["route_table_id"] or module.params["name"]
    try:
        if module.params["state"] == "present":
            ensure_present(connection, module)
        else:
            ensure_absent(connection, module)
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage route table {label}")


if __name__ == "__main__":
    main()
