"""Subnet maths of the network tier, route-table plan of ec2_vpc_route_table (module_utils/network.py)."""

import ipaddress
import itertools

import pytest
from ansible_collections.ecap.platform.plugins.module_utils import network as rt
from ansible_collections.ecap.platform.plugins.module_utils.network import (
    SubnetPlanError,
    subnet_layout,
    subnet_plan,
)


def _all(plan):
    return [ipaddress.ip_network(c) for tier in ("public", "private", "database") for c in plan[tier]]


@pytest.mark.parametrize("az_count", [2, 3, 4, 6])
def test_plan_fits_vpc_without_overlap(az_count):
    plan = subnet_plan("10.0.0.0/16", az_count)
    nets = _all(plan)
    assert len(nets) == 3 * az_count
    vpc = ipaddress.ip_network("10.0.0.0/16")
    assert all(n.subnet_of(vpc) for n in nets)
    assert not any(a.overlaps(b) for a, b in itertools.combinations(nets, 2))
    assert {n.prefixlen for n in map(ipaddress.ip_network, plan["private"])} == {20}
    assert {n.prefixlen for n in map(ipaddress.ip_network, plan["public"] + plan["database"])} == {24}


def test_plan_is_stable():
    # Re-running must compute the same CIDRs, or the network role would try to replace subnets.
    assert subnet_plan("10.0.0.0/16", 3) == subnet_plan("10.0.0.0/16", 3)
    assert subnet_plan("10.0.0.0/16", 3)["private"] == ["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20"]


def test_vpc_too_small_names_the_variable_and_the_fix():
    with pytest.raises(SubnetPlanError) as err:
        subnet_plan("10.0.0.0/20", 3)
    message = str(err.value)
    assert "network_vpc_cidr=10.0.0.0/20" in message
    assert "13824 addresses" in message
    assert "/18 or larger" in message


def test_vpc_smaller_than_a_default_subnet_names_the_vpc():
    """A /24 VPC cannot hold the default /20 private subnets: the VPC is wrong, not a prefix nobody set."""
    with pytest.raises(SubnetPlanError) as err:
        subnet_plan("10.0.0.0/24", 3)
    message = str(err.value)
    assert "network_vpc_cidr=10.0.0.0/24 is too small for the default private subnets" in message
    assert "/16 to /20" in message


def test_smallest_suggested_vpc_really_fits():
    with pytest.raises(SubnetPlanError):
        subnet_plan("10.0.0.0/19", 3)
    assert subnet_plan("10.0.0.0/18", 3)


@pytest.mark.parametrize(
    ("cidr", "fragment"),
    [
        ("10.0.0.0/33", "not a valid IPv4 network"),
        ("10.0.0.1/16", "not a valid IPv4 network"),
        ("banana", "not a valid IPv4 network"),
        ("10.0.0.0/8", "AWS allows /16 to /28"),
        ("fd00::/56", "must be an IPv4 CIDR"),
    ],
)
def test_invalid_vpc_cidr(cidr, fragment):
    with pytest.raises(SubnetPlanError, match="network_vpc_cidr") as err:
        subnet_plan(cidr, 3)
    assert fragment in str(err.value)


@pytest.mark.parametrize("az_count", [0, -1, True, "3"])
def test_invalid_az_count(az_count):
    with pytest.raises(SubnetPlanError, match="network_az_count"):
        subnet_plan("10.0.0.0/16", az_count)


def test_prefix_overrides_and_their_errors():
    plan = subnet_plan("10.0.0.0/16", 2, {"private": 19})
    assert plan["private"] == ["10.0.0.0/19", "10.0.32.0/19"]
    with pytest.raises(SubnetPlanError, match=r"network_subnet_prefixes.public=/29"):
        subnet_plan("10.0.0.0/16", 2, {"public": 29})
    with pytest.raises(SubnetPlanError, match=r"network_subnet_prefixes.private=/15"):
        subnet_plan("10.0.0.0/16", 2, {"private": 15})
    with pytest.raises(SubnetPlanError, match="unknown tier"):
        subnet_plan("10.0.0.0/16", 2, {"edge": 24})


def test_explicit_subnets_are_validated():
    explicit = {"public": ["10.0.100.0/24", "10.0.101.0/24"]}
    plan = subnet_plan("10.0.0.0/16", 2, explicit=explicit)
    assert plan["public"] == explicit["public"]
    with pytest.raises(SubnetPlanError, match="network_public_subnets lists 1 CIDRs but network_az_count=2"):
        subnet_plan("10.0.0.0/16", 2, explicit={"public": ["10.0.100.0/24"]})
    with pytest.raises(SubnetPlanError, match="outside network_vpc_cidr"):
        subnet_plan("10.0.0.0/16", 2, explicit={"public": ["10.1.0.0/24", "10.0.101.0/24"]})
    with pytest.raises(SubnetPlanError, match="overlaps"):
        subnet_plan("10.0.0.0/16", 2, explicit={"public": ["10.0.100.0/24", "10.0.100.0/25"]})
    # An explicit tier that collides with a computed one is refused, naming both.
    with pytest.raises(SubnetPlanError, match="overlaps the computed private subnet"):
        subnet_plan("10.0.0.0/16", 2, explicit={"public": ["10.0.0.0/24", "10.0.1.0/24"]})


def test_layout_single_nat():
    plan = subnet_plan("10.0.0.0/16", 3)
    layout = subnet_layout(plan, ["a", "b", "c", "d"], "ecap-dev", "ecap-dev-eks", True)
    assert [n["name"] for n in layout["nat_gateways"]] == ["ecap-dev-nat-a"]
    tables = {t["name"]: t for t in layout["route_tables"]}
    assert set(tables) == {"ecap-dev-public", "ecap-dev-private", "ecap-dev-database"}
    assert tables["ecap-dev-private"]["subnets"] == ["ecap-dev-private-a", "ecap-dev-private-b", "ecap-dev-private-c"]
    assert tables["ecap-dev-private"]["target"] == "ecap-dev-nat-a"
    assert tables["ecap-dev-public"]["target"] == "igw"
    # Database subnets never get a route to the internet.
    assert tables["ecap-dev-database"]["target"] is None


def test_layout_nat_per_az_and_eks_tags():
    plan = subnet_plan("10.0.0.0/16", 3)
    layout = subnet_layout(plan, ["a", "b", "c"], "ecap-prod", "ecap-prod-eks", False)
    assert [n["subnet"] for n in layout["nat_gateways"]] == [f"ecap-prod-public-{az}" for az in "abc"]
    private = [t for t in layout["route_tables"] if t["tier"] == "private"]
    assert [(t["subnets"], t["target"]) for t in private] == [
        ([f"ecap-prod-private-{az}"], f"ecap-prod-nat-{az}") for az in "abc"
    ]
    tags = {s["name"]: s["tags"] for s in layout["subnets"]}
    assert tags["ecap-prod-public-a"]["kubernetes.io/role/elb"] == "1"
    assert tags["ecap-prod-private-b"]["kubernetes.io/role/internal-elb"] == "1"
    assert tags["ecap-prod-private-b"]["kubernetes.io/cluster/ecap-prod-eks"] == "shared"
    assert not any(k.startswith("kubernetes.io") for k in tags["ecap-prod-database-c"])


def test_layout_refuses_more_azs_than_the_region_has():
    plan = subnet_plan("10.0.0.0/16", 3)
    with pytest.raises(SubnetPlanError, match="network_az_count=3 but only 2 availability zones"):
        subnet_layout(plan, ["a", "b"], "ecap-dev", "ecap-dev-eks", True)


# --------------------------------------------------------------------------- ecap.platform.ec2_vpc_route_table logic

TABLE = {
    "RouteTableId": "rtb-1",
    "VpcId": "vpc-1",
    "Routes": [
        {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable"},
        {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-1", "Origin": "CreateRoute"},
        {
            "DestinationCidrBlock": "192.168.0.0/16",
            "InstanceId": "i-1",
            "NetworkInterfaceId": "eni-1",
            "Origin": "CreateRoute",
        },
        {"DestinationPrefixListId": "pl-s3", "GatewayId": "vpce-1", "Origin": "CreateRoute"},
        {"DestinationCidrBlock": "172.16.0.0/12", "GatewayId": "vgw-1", "Origin": "EnableVgwRoutePropagation"},
    ],
    "Associations": [
        {
            "Main": False,
            "SubnetId": "subnet-a",
            "RouteTableAssociationId": "a-1",
            "AssociationState": {"State": "associated"},
        },
        {
            "Main": False,
            "SubnetId": "subnet-b",
            "RouteTableAssociationId": "a-2",
            "AssociationState": {"State": "disassociated"},
        },
    ],
    "Tags": [{"Key": "Name", "Value": "private"}],
}


def test_only_created_routes_are_owned():
    owned, others = rt.described_routes(TABLE)
    assert owned == {
        "0.0.0.0/0": rt.Route("0.0.0.0/0", "nat_gateway_id", "nat-1"),
        "192.168.0.0/16": rt.Route("192.168.0.0/16", "instance_id", "i-1"),
    }
    assert set(others) == {"10.0.0.0/16", "pl-s3", "172.16.0.0/12"}
    assert rt.subnet_associations(TABLE) == {"subnet-a": "a-1"}


def test_gateway_id_names_the_target_kind_and_the_request_field():
    routes = rt.wanted_routes([{"dest": "0.0.0.0/0", "gateway_id": "nat-2"}, {"dest": "::/0", "gateway_id": "eigw-1"}])
    assert routes["0.0.0.0/0"].request() == {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-2"}
    assert routes["::/0"].request() == {"DestinationIpv6CidrBlock": "::/0", "EgressOnlyInternetGatewayId": "eigw-1"}


def test_plan_replaces_creates_purges_and_moves_subnets():
    routes = rt.wanted_routes(
        [{"dest": "0.0.0.0/0", "gateway_id": "igw-1"}, {"dest": "100.64.0.0/10", "gateway_id": "tgw-1"}]
    )
    plan = rt.plan_route_table(TABLE, routes, True, ["subnet-c"], True, {"Name": "private"}, True)
    assert [r.dest for r in plan.replace_routes] == ["0.0.0.0/0"]
    assert [r.dest for r in plan.create_routes] == ["100.64.0.0/10"]
    assert [r.dest for r in plan.delete_routes] == ["192.168.0.0/16"]  # never local, propagated or endpoint routes
    assert plan.associate == ["subnet-c"] and plan.disassociate == {"subnet-a": "a-1"}
    assert not plan.tags_to_set and not plan.tags_to_unset
    after = rt.predicted_route_table(TABLE, plan)
    assert rt.route_table_view(after)["routes"] == [
        {"dest": "0.0.0.0/0", "gateway_id": "igw-1"},
        {"dest": "100.64.0.0/10", "transit_gateway_id": "tgw-1"},
    ]
    assert rt.route_table_view(after)["subnets"] == ["subnet-c"]
    unchanged = rt.plan_route_table(TABLE, None, True, None, True, None, True)
    assert not unchanged.changed


def test_route_table_params_are_validated():
    errors = rt.validate_route_table_params(
        {"route_table_id": "main", "routes": [{"dest": "10.1.2.3/16", "gateway_id": "igw-1"}], "subnets": ["a"]}
    )
    assert len(errors) == 3 and "network address" in errors[1]
