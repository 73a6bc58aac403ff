# Copyright: ecap.platform contributors
# MIT License
"""The network tier: subnet maths, and the logic of ``ecap.platform.ec2_vpc_route_table``.

Subnet maths: pure functions (no AWS calls) so that a bad CIDR is caught before anything is
created. The filter plugin ``ecap.platform.subnet_plan`` and the unit tests both call
:func:`subnet_plan`.

Route tables: a table is found by id or by its ``Name`` tag in a VPC with one DescribeRouteTables,
whose answer holds its routes, associations and tags; routes compare as (destination, target id),
subnet associations as a set of subnet ids. Only what differs is written. Routes this module does
not own are never purged: the ``local`` route, propagated routes and the prefix-list routes of
gateway VPC endpoints (``ec2_vpc_endpoint`` owns those).

API reference: CreateRouteTable, DescribeRouteTables, CreateRoute, ReplaceRoute, DeleteRoute,
AssociateRouteTable, ReplaceRouteTableAssociation, DisassociateRouteTable, DeleteRouteTable
(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/).
"""

from __future__ import annotations

import ipaddress
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.ec2 import AnsibleEC2Error
from ansible_collections.ecap.platform.plugins.module_utils.common import (
    apply_tag_changes,
    dict_to_tags,
    tag_changes,
    tag_specifications,
    tags_to_dict,
)
from ansible_collections.ecap.platform.plugins.module_utils.ec2 import (
    delete_with_retry,
    describe_resources,
    set_resource_tags,
)

TIERS = ("public", "private", "database")

# AWS limits: a VPC CIDR block is /16 to /28, so is a subnet.
MIN_PREFIX = 16
MAX_PREFIX = 28

DEFAULT_PREFIXES = {"public": 24, "private": 20, "database": 24}


class SubnetPlanError(ValueError):
    """Raised with a message that names the offending variable."""


def _network(value: str, variable: str) -> ipaddress.IPv4Network:
    try:
        net = ipaddress.ip_network(str(value), strict=True)
    except ValueError as exc:
        raise SubnetPlanError(f"{variable}={value!r} is not a valid IPv4 network in CIDR notation ({exc})") from None
    if net.version != 4:
        raise SubnetPlanError(f"{variable}={value!r} must be an IPv4 CIDR")
    return net


def _validate_prefixes(vpc: ipaddress.IPv4Network, prefixes: dict[str, int]) -> dict[str, int]:
    unknown = sorted(set(prefixes) - set(TIERS))
    if unknown:
        raise SubnetPlanError(f"network_subnet_prefixes has unknown tier(s) {unknown}; allowed keys are {list(TIERS)}")
    merged = {**DEFAULT_PREFIXES, **prefixes}
    for tier, prefix in merged.items():
        if isinstance(prefix, bool) or not isinstance(prefix, int):
            raise SubnetPlanError(f"network_subnet_prefixes.{tier}={prefix!r} must be an integer prefix length")
        if prefix == DEFAULT_PREFIXES[tier] and prefix < vpc.prefixlen:
            # The tier keeps its default size (the role passes the defaults): the VPC is what is too small.
            raise SubnetPlanError(
                f"network_vpc_cidr={vpc} is too small for the default {tier} subnets "
                f"(network_subnet_prefixes.{tier}=/{prefix}): use a VPC of /{prefix} or larger (/16 to /{prefix}), "
                f"or smaller subnets (network_subnet_prefixes, up to /{MAX_PREFIX})"
            )
        if not vpc.prefixlen <= prefix <= MAX_PREFIX:
            raise SubnetPlanError(
                f"network_subnet_prefixes.{tier}=/{prefix} must lie between the VPC's /{vpc.prefixlen} "
                f"and /{MAX_PREFIX} (the smallest subnet AWS allows)"
            )
    return merged


def _allocate(vpc: ipaddress.IPv4Network, az_count: int, prefixes: dict[str, int]) -> dict[str, list[str]]:
    """Pack the subnets into the VPC, largest first, each aligned on its own size."""
    requests = [(tier, i, prefixes[tier]) for tier in TIERS for i in range(az_count)]
    needed = sum(2 ** (32 - p) for _, _, p in requests)
    if needed > vpc.num_addresses:
        smallest = 32 - (needed - 1).bit_length()
        sizes = ", ".join(f"{az_count} {tier} /{prefixes[tier]}" for tier in TIERS)
        raise SubnetPlanError(
            f"network_vpc_cidr={vpc} holds {vpc.num_addresses} addresses but {az_count} AZs need {sizes} "
            f"({needed} addresses): use a /{smallest} or larger VPC, fewer AZs (network_az_count) "
            "or smaller subnets (network_subnet_prefixes)"
        )
    plan: dict[str, list[str]] = {tier: [""] * az_count for tier in TIERS}
    cursor = int(vpc.network_address)
    # Largest first keeps every block aligned with no gaps, so the check above is exact.
    for tier, index, prefix in sorted(requests, key=lambda r: (r[2], TIERS.index(r[0]), r[1])):
        size = 2 ** (32 - prefix)
        cursor = (cursor + size - 1) // size * size
        plan[tier][index] = str(ipaddress.ip_network((cursor, prefix)))
        cursor += size
    return plan


def _validate_explicit(
    vpc: ipaddress.IPv4Network, az_count: int, explicit: dict[str, list[str]]
) -> dict[str, list[str]]:
    seen: list[tuple[str, ipaddress.IPv4Network]] = []
    for tier, cidrs in explicit.items():
        variable = f"network_{tier}_subnets"
        if len(cidrs) != az_count:
            raise SubnetPlanError(
                f"{variable} lists {len(cidrs)} CIDRs but network_az_count={az_count}: give one per AZ"
            )
        for cidr in cidrs:
            net = _network(cidr, variable)
            if not net.subnet_of(vpc):
                raise SubnetPlanError(f"{variable} entry {net} is outside network_vpc_cidr={vpc}")
            if net.prefixlen > MAX_PREFIX:
                raise SubnetPlanError(f"{variable} entry {net} is smaller than /{MAX_PREFIX}, the smallest AWS allows")
            for other_var, other in seen:
                if net.overlaps(other):
                    raise SubnetPlanError(f"{variable} entry {net} overlaps {other_var} entry {other}")
            seen.append((variable, net))
    return explicit


def subnet_plan(
    vpc_cidr: str,
    az_count: int,
    prefixes: dict[str, int] | None = None,
    explicit: dict[str, list[str] | None] | None = None,
) -> dict[str, Any]:
    """Return ``{"public": [...], "private": [...], "database": [...]}``, one CIDR per AZ.

    Tiers listed in ``explicit`` (non-empty lists) are taken as given after validation;
    the others are computed from ``vpc_cidr`` with the tier's prefix length, packed
    after the explicit ones never overlap: computed blocks that collide are refused.
    """
    vpc = _network(vpc_cidr, "network_vpc_cidr")
    if not MIN_PREFIX <= vpc.prefixlen <= MAX_PREFIX:
        raise SubnetPlanError(
            f"network_vpc_cidr={vpc} has prefix /{vpc.prefixlen}; AWS allows /{MIN_PREFIX} to /{MAX_PREFIX}"
        )
    if isinstance(az_count, bool) or not isinstance(az_count, int) or az_count < 1:
        raise SubnetPlanError(f"network_az_count={az_count!r} must be a positive integer")
    fixed = {tier: list(cidrs) for tier, cidrs in (explicit or {}).items() if cidrs}
    unknown = sorted(set(fixed) - set(TIERS))
    if unknown:
        raise SubnetPlanError(f"unknown subnet tier(s) {unknown}; allowed are {list(TIERS)}")
    merged = _validate_prefixes(vpc, dict(prefixes or {}))
    plan = _allocate(vpc, az_count, merged) if len(fixed) < len(TIERS) else {}
    plan.update(_validate_explicit(vpc, az_count, fixed))
    if fixed and len(fixed) < len(TIERS):
        computed = [(t, ipaddress.ip_network(c)) for t in TIERS if t not in fixed for c in plan[t]]
        for tier, cidrs in fixed.items():
            for cidr in cidrs:
                for other_tier, other in computed:
                    if ipaddress.ip_network(cidr).overlaps(other):
                        raise SubnetPlanError(
                            f"network_{tier}_subnets entry {cidr} overlaps the computed {other_tier} subnet "
                            f"{other}: give network_{other_tier}_subnets explicitly too"
                        )
    return plan


def subnet_layout(
    plan: dict[str, list[str]],
    azs: list[str],
    name_prefix: str,
    cluster_name: str,
    single_nat_gateway: bool,
) -> dict[str, Any]:
    """Turn a subnet plan into the specs the network role loops over.

    Returns ``{"subnets": [...], "subnet_names": {tier: [...]}, "nat_gateways": [...],
    "route_tables": [...]}``: every subnet with its name, tier, AZ and tags (EKS discovery tags on
    public and private); one NAT gateway per AZ, or only in the first AZ when
    ``single_nat_gateway``; route tables by name with the subnets they serve and their
    default-route target: the internet gateway for public, a NAT gateway for private (one table
    per NAT), none for database.
    """
    if len(azs) < len(plan["public"]):
        raise SubnetPlanError(
            f"network_az_count={len(plan['public'])} but only {len(azs)} availability zones are available: {azs}"
        )
    cluster_tag = {f"kubernetes.io/cluster/{cluster_name}": "shared"}
    role_tags = {
        "public": {"kubernetes.io/role/elb": "1", **cluster_tag},
        "private": {"kubernetes.io/role/internal-elb": "1", **cluster_tag},
        "database": {},
    }
    subnets = []
    for tier in TIERS:
        for index, cidr in enumerate(plan[tier]):
            az = azs[index]
            name = f"{name_prefix}-{tier}-{az}"
            subnets.append(
                {
                    "name": name,
                    "tier": tier,
                    "cidr": cidr,
                    "az": az,
                    "tags": {"Name": name, "Tier": tier, **role_tags[tier]},
                }
            )
    nat_azs = azs[: 1 if single_nat_gateway else len(plan["public"])]
    nat_gateways = [
        {"name": f"{name_prefix}-nat-{az}", "az": az, "subnet": f"{name_prefix}-public-{az}"} for az in nat_azs
    ]
    names = {tier: [s["name"] for s in subnets if s["tier"] == tier] for tier in TIERS}
    # target: "igw", a NAT gateway name, or None (database: no route to the internet).
    route_tables = [{"name": f"{name_prefix}-public", "tier": "public", "subnets": names["public"], "target": "igw"}]
    if single_nat_gateway:
        route_tables.append(
            {
                "name": f"{name_prefix}-private",
                "tier": "private",
                "subnets": names["private"],
                "target": nat_gateways[0]["name"],
            }
        )
    else:
        route_tables += [
            {
                "name": f"{name_prefix}-private-{nat['az']}",
                "tier": "private",
                "subnets": [names["private"][i]],
                "target": nat["name"],
            }
            for i, nat in enumerate(nat_gateways)
        ]
    route_tables.append(
        {"name": f"{name_prefix}-database", "tier": "database", "subnets": names["database"], "target": None}
    )
    return {"subnets": subnets, "subnet_names": names, "nat_gateways": nat_gateways, "route_tables": route_tables}


# =========================================================================== ecap.platform.ec2_vpc_route_table

RT_NOT_FOUND_CODES = ("InvalidRouteTableID.NotFound",)
#: Retried on the calls that follow a CreateRouteTable (the new table may not be visible yet), and on
#: ReplaceRouteTableAssociation / DisassociateRouteTable of an association that is still settling.
RT_CONSISTENCY_CODES = ("InvalidRouteTableID.NotFound", "InvalidAssociationID.NotFound")
RT_TAG_RESOURCE_TYPE = "route-table"

#: Route option → (CreateRoute/ReplaceRoute parameter, DescribeRouteTables Route field).
ROUTE_TARGETS: dict[str, tuple[str, str]] = {
    "gateway_id": ("GatewayId", "GatewayId"),
    "nat_gateway_id": ("NatGatewayId", "NatGatewayId"),
    "transit_gateway_id": ("TransitGatewayId", "TransitGatewayId"),
    "vpc_peering_connection_id": ("VpcPeeringConnectionId", "VpcPeeringConnectionId"),
    "egress_only_gateway_id": ("EgressOnlyInternetGatewayId", "EgressOnlyInternetGatewayId"),
    "carrier_gateway_id": ("CarrierGatewayId", "CarrierGatewayId"),
    "local_gateway_id": ("LocalGatewayId", "LocalGatewayId"),
    "instance_id": ("InstanceId", "InstanceId"),
    "network_interface_id": ("NetworkInterfaceId", "NetworkInterfaceId"),
    # A Gateway Load Balancer endpoint: created with VpcEndpointId, described as GatewayId.
    "vpc_endpoint_id": ("VpcEndpointId", "GatewayId"),
    "core_network_arn": ("CoreNetworkArn", "CoreNetworkArn"),
}
#: A ``gateway_id`` that names another kind of target (as amazon.aws.ec2_vpc_route_table reads it).
GATEWAY_ID_PREFIXES: dict[str, str] = {
    "nat-": "nat_gateway_id",
    "tgw-": "transit_gateway_id",
    "pcx-": "vpc_peering_connection_id",
    "eigw-": "egress_only_gateway_id",
    "cagw-": "carrier_gateway_id",
    "lgw-": "local_gateway_id",
    "eni-": "network_interface_id",
    "vpce-": "vpc_endpoint_id",
}
#: Route fields read for a described route's target, most specific first (an instance route also shows its ENI).
DESCRIBED_TARGET_FIELDS = (
    "NatGatewayId",
    "TransitGatewayId",
    "VpcPeeringConnectionId",
    "EgressOnlyInternetGatewayId",
    "CarrierGatewayId",
    "LocalGatewayId",
    "InstanceId",
    "CoreNetworkArn",
    "NetworkInterfaceId",
    "GatewayId",
)
DESTINATION_FIELDS = ("DestinationCidrBlock", "DestinationIpv6CidrBlock", "DestinationPrefixListId")
LIVE_ASSOCIATION_STATES = frozenset({"associated", "associating"})


@dataclass(frozen=True)
class Route:
    """A route as compared: destination (CIDR or prefix list id) and target (option, id)."""

    dest: str
    target_option: str
    target: str

    def request(self) -> dict[str, str]:
        """The destination and target parameters of CreateRoute / ReplaceRoute."""
        return {destination_field(self.dest): self.dest, ROUTE_TARGETS[self.target_option][0]: self.target}

    def view(self) -> dict[str, str]:
        return {"dest": self.dest, self.target_option: self.target}


def destination_field(dest: str) -> str:
    if dest.startswith("pl-"):
        return "DestinationPrefixListId"
    return "DestinationIpv6CidrBlock" if ":" in dest else "DestinationCidrBlock"


def _target_option(spec: Mapping[str, Any]) -> tuple[str, str] | None:
    given = [(option, spec[option]) for option in ROUTE_TARGETS if spec.get(option)]
    if len(given) != 1:
        return None
    option, value = given[0]
    if option == "gateway_id":
        option = next((o for prefix, o in GATEWAY_ID_PREFIXES.items() if value.startswith(prefix)), option)
    return option, value


def _normalize_dest(dest: Any) -> str:
    text = str(dest).strip()
    if text.startswith("pl-"):
        return text
    return str(ipaddress.ip_network(text, strict=True))


def validate_route_table_params(params: Mapping[str, Any]) -> list[str]:
    """Errors in the module's options that the argument spec cannot see; pure, before any AWS call."""
    errors: list[str] = []
    if params.get("route_table_id") and not str(params["route_table_id"]).startswith("rtb-"):
        errors.append(f"route_table_id {params['route_table_id']!r} is not a route table id (rtb-...).")
    for index, spec in enumerate(params.get("routes") or []):
        label = f"routes[{index}]"
        try:
            _normalize_dest(spec.get("dest"))
        except ValueError as e:
            errors.append(f"{label} has dest {spec.get('dest')!r}: a CIDR (its network address) or a pl- id ({e}).")
        if _target_option(spec) is None:
            errors.append(f"{label} needs exactly one target of {', '.join(ROUTE_TARGETS)}.")
    for subnet in params.get("subnets") or []:
        if not str(subnet).startswith("subnet-"):
            errors.append(f"subnets has {subnet!r}: subnet ids (subnet-...) are expected.")
    return errors


def wanted_routes(specs: list[Mapping[str, Any]] | None) -> dict[str, Route] | None:
    """The ``routes`` option by destination (``None``: routes not managed)."""
    if specs is None:
        return None
    routes: dict[str, Route] = {}
    for spec in specs:
        option, target = _target_option(spec)  # validated before
        dest = _normalize_dest(spec["dest"])
        routes[dest] = Route(dest, option, target)
    return routes


def described_routes(table: Mapping[str, Any]) -> tuple[dict[str, Route], dict[str, Route]]:
    """``(owned, others)``: the table's routes this module manages, and those it leaves alone, by destination."""
    owned: dict[str, Route] = {}
    others: dict[str, Route] = {}
    for route in table.get("Routes") or []:
        dest = next((route[f] for f in DESTINATION_FIELDS if route.get(f)), None)
        target_field = next((f for f in DESCRIBED_TARGET_FIELDS if route.get(f)), None)
        if dest is None:
            continue
        target = route.get(target_field, "") if target_field else ""
        option = next((o for o, (_, f) in ROUTE_TARGETS.items() if f == target_field), "gateway_id")
        if option == "gateway_id":
            option = next((o for prefix, o in GATEWAY_ID_PREFIXES.items() if target.startswith(prefix)), option)
        if not dest.startswith("pl-"):
            dest = str(ipaddress.ip_network(dest, strict=False))
        entry = Route(dest, option, target)
        gateway_endpoint = dest.startswith("pl-") and target.startswith("vpce-")
        if route.get("Origin") == "CreateRoute" and not gateway_endpoint:
            owned[dest] = entry
        else:
            others[dest] = entry
    return owned, others


def subnet_associations(table: Mapping[str, Any]) -> dict[str, str]:
    """Subnet id → association id of the table's live explicit subnet associations."""
    return {
        a["SubnetId"]: a.get("RouteTableAssociationId", "")
        for a in table.get("Associations") or []
        if a.get("SubnetId")
        and not a.get("Main")
        and (a.get("AssociationState") or {}).get("State", "associated") in LIVE_ASSOCIATION_STATES
    }


@dataclass
class RouteTablePlan:
    create_routes: list[Route] = field(default_factory=list)
    replace_routes: list[Route] = field(default_factory=list)
    delete_routes: list[Route] = field(default_factory=list)
    associate: list[str] = field(default_factory=list)  # subnet ids
    disassociate: dict[str, str] = field(default_factory=dict)  # subnet id → association id
    tags_to_set: dict[str, str] = field(default_factory=dict)
    tags_to_unset: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.create_routes
            or self.replace_routes
            or self.delete_routes
            or self.associate
            or self.disassociate
            or self.tags_to_set
            or self.tags_to_unset
        )


def plan_route_table(
    table: Mapping[str, Any],
    routes: dict[str, Route] | None,
    purge_routes: bool,
    subnets: list[str] | None,
    purge_subnets: bool,
    tags: Mapping[str, str] | None,
    purge_tags: bool,
) -> RouteTablePlan:
    """The writes that turn ``table`` (DescribeRouteTables shape) into the wanted one."""
    plan = RouteTablePlan()
    owned, others = described_routes(table)
    if routes is not None:
        for dest, route in routes.items():
            have = owned.get(dest) or others.get(dest)
            if have is None:
                plan.create_routes.append(route)
            elif have.target != route.target:
                plan.replace_routes.append(route)
        if purge_routes:
            plan.delete_routes = [route for dest, route in owned.items() if dest not in routes]
    if subnets is not None:
        current = subnet_associations(table)
        plan.associate = [subnet for subnet in dict.fromkeys(subnets) if subnet not in current]
        if purge_subnets:
            plan.disassociate = {subnet: assoc for subnet, assoc in current.items() if subnet not in subnets}
    plan.tags_to_set, plan.tags_to_unset = tag_changes(tags_to_dict(table.get("Tags")), tags, purge_tags)
    return plan


def predicted_route_table(table: Mapping[str, Any], plan: RouteTablePlan) -> dict[str, Any]:
    """``table`` as it will be once ``plan`` is applied (check mode, read-back check)."""
    after = dict(table)
    changed = {route.dest: route for route in plan.create_routes + plan.replace_routes}
    gone = {route.dest for route in plan.delete_routes} | set(changed)
    routes = [
        r for r in table.get("Routes") or [] if next((r[f] for f in DESTINATION_FIELDS if r.get(f)), None) not in gone
    ]
    for route in changed.values():
        described = {destination_field(route.dest): route.dest, ROUTE_TARGETS[route.target_option][1]: route.target}
        routes.append({**described, "Origin": "CreateRoute", "State": "active"})
    after["Routes"] = routes
    associations = [
        a for a in table.get("Associations") or [] if a.get("RouteTableAssociationId") not in plan.disassociate.values()
    ]
    for subnet in plan.associate:
        associations.append(
            {
                "Main": False,
                "SubnetId": subnet,
                "RouteTableId": table.get("RouteTableId"),
                "AssociationState": {"State": "associated"},
            }
        )
    after["Associations"] = associations
    tags = apply_tag_changes(tags_to_dict(table.get("Tags")), plan.tags_to_set, plan.tags_to_unset)
    after["Tags"] = dict_to_tags(tags)
    return after


def route_table_view(table: Mapping[str, Any] | None) -> dict[str, Any]:
    """The ``diff`` view: id, VPC, owned routes (``{dest, <target option>: id}``), subnets, tags."""
    if not table:
        return {}
    owned, _ = described_routes(table)
    view = {
        "route_table_id": table.get("RouteTableId"),
        "vpc_id": table.get("VpcId"),
        "routes": [owned[dest].view() for dest in sorted(owned)],
        "subnets": sorted(subnet_associations(table)),
        "tags": tags_to_dict(table.get("Tags")),
    }
    return {key: value for key, value in view.items() if value is not None}


def route_table_matches(table: Mapping[str, Any] | None, expected: Mapping[str, Any]) -> bool:
    """Whether a described table shows ``expected``'s routes, subnets and tags (read-after-write check)."""
    if not table:
        return False
    mine, theirs = route_table_view(table), route_table_view(expected)
    return all(mine.get(key) == theirs.get(key) for key in ("routes", "subnets", "tags"))


def route_table_to_ansible(table: Mapping[str, Any] | None) -> dict[str, Any]:
    """A DescribeRouteTables entry as amazon.aws.ec2_vpc_route_table returns it: snake_cased, ``id``, tags as a dict."""
    if not table:
        return {}
    result = camel_dict_to_snake_dict({key: value for key, value in table.items() if key != "Tags"})
    result["tags"] = tags_to_dict(table.get("Tags"))
    if result.get("route_table_id"):
        result["id"] = result["route_table_id"]
    return result


def new_route_table(vpc_id: str, tags: Mapping[str, str] | None) -> dict[str, Any]:
    """A DescribeRouteTables-shaped table as CreateRouteTable makes it (no id yet; the local route is not owned)."""
    return {"VpcId": vpc_id, "Routes": [], "Associations": [], "Tags": dict_to_tags(tags)}


# --------------------------------------------------------------------------- AWS calls


def describe_route_table(
    client: Any, route_table_id: str | None = None, name: str | None = None, vpc_id: str | None = None
) -> dict[str, Any] | None:
    """The table with ``route_table_id``, else the one whose Name tag is ``name`` in ``vpc_id``; None if none.

    One DescribeRouteTables call (routes, associations and tags are in its answer). Two tables with the
    same Name in the VPC are an error: the module would not know which one to converge.
    """
    if route_table_id:
        tables = describe_resources(
            client.describe_route_tables, "RouteTables", RT_NOT_FOUND_CODES, RouteTableIds=[route_table_id]
        )
    else:
        filters = [{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "tag:Name", "Values": [name]}]
        tables = describe_resources(client.describe_route_tables, "RouteTables", RT_NOT_FOUND_CODES, Filters=filters)
    if len(tables) > 1:
        ids = ", ".join(sorted(t["RouteTableId"] for t in tables))
        raise AnsibleEC2Error(
            message=f"Route tables {ids} of {vpc_id} are all named {name!r}: "
            "delete the extra ones or give route_table_id"
        )
    return tables[0] if tables else None


def create_route_table(client: Any, vpc_id: str, tags: Mapping[str, str] | None) -> str:
    """CreateRouteTable with the tags in TagSpecifications and a ClientToken (a retried call makes one table)."""
    request: dict[str, Any] = {"VpcId": vpc_id, "ClientToken": uuid.uuid4().hex}
    specs = tag_specifications(tags, RT_TAG_RESOURCE_TYPE)
    if specs:
        request["TagSpecifications"] = specs
    return client.create_route_table(aws_retry=True, **request)["RouteTable"]["RouteTableId"]


def _associations_elsewhere(client: Any, vpc_id: str, subnets: list[str]) -> dict[str, str]:
    """Subnet id → its explicit association with another table (to be replaced, as AssociateRouteTable refuses)."""
    tables = describe_resources(
        client.describe_route_tables,
        "RouteTables",
        RT_NOT_FOUND_CODES,
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "association.subnet-id", "Values": subnets}],
    )
    found: dict[str, str] = {}
    for table in tables:
        for subnet, association in subnet_associations(table).items():
            if subnet in subnets:
                found[subnet] = association
    return found


def apply_route_table_plan(client: Any, table: Mapping[str, Any], plan: RouteTablePlan) -> None:
    """Write ``plan``: tags, routes (create, replace, delete), then subnets (move or associate, disassociate).

    ``client`` should be a :func:`ec2.consistent_client` retrying ``RT_CONSISTENCY_CODES`` after a create.
    """
    table_id = table["RouteTableId"]
    set_resource_tags(client, table_id, plan.tags_to_set, plan.tags_to_unset)
    for route in plan.create_routes:
        client.create_route(aws_retry=True, RouteTableId=table_id, **route.request())
    for route in plan.replace_routes:
        client.replace_route(aws_retry=True, RouteTableId=table_id, **route.request())
    for route in plan.delete_routes:
        client.delete_route(aws_retry=True, RouteTableId=table_id, **{destination_field(route.dest): route.dest})
    if plan.associate:
        elsewhere = _associations_elsewhere(client, table["VpcId"], plan.associate)
        for subnet in plan.associate:
            if subnet in elsewhere:
                client.replace_route_table_association(
                    aws_retry=True, AssociationId=elsewhere[subnet], RouteTableId=table_id
                )
            else:
                client.associate_route_table(aws_retry=True, RouteTableId=table_id, SubnetId=subnet)
    for association in plan.disassociate.values():
        client.disassociate_route_table(aws_retry=True, AssociationId=association)


def delete_route_table(
    client: Any, table: Mapping[str, Any], timeout: float, sleep: Callable[[float], None] = time.sleep
) -> bool:
    """Disassociate the table's subnets and gateways, then DeleteRouteTable (DependencyViolation waited out)."""
    if any(a.get("Main") for a in table.get("Associations") or []):
        raise AnsibleEC2Error(
            message=f"Route table {table['RouteTableId']} is the main table of {table.get('VpcId')}: "
            "it goes with its VPC"
        )
    for association in table.get("Associations") or []:
        if (association.get("AssociationState") or {}).get("State", "associated") in LIVE_ASSOCIATION_STATES:
            client.disassociate_route_table(aws_retry=True, AssociationId=association["RouteTableAssociationId"])
    return delete_with_retry(
        lambda: client.delete_route_table(aws_retry=True, RouteTableId=table["RouteTableId"]),
        RT_NOT_FOUND_CODES,
        timeout,
        f"route table {table['RouteTableId']}",
        sleep=sleep,
    )
