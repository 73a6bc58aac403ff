"""ec2_vpc_route_table end to end on the emulator: main() in process, state read back with boto3, the emulator's
counters showing what each step costs. The amazon.aws rhythm (check mode, create, re-run, update routes, subnets and
tags, purge, check-mode delete, delete, delete again), the no-op's call count (one DescribeRouteTables), a subnet
moved from another table, endpoint routes left alone, and refused input before any call."""

from __future__ import annotations

import functools

import pytest
from ansible_collections.ecap.platform.plugins.modules import ec2_vpc_route_table

TAGS = {"Project": "ecap", "Environment": "test"}
NAME = "ecap-test-private"


@pytest.fixture
def run(run_module):
    return functools.partial(run_module, ec2_vpc_route_table)


@pytest.fixture(scope="module")
def net(aws):
    """A VPC with three subnets, an internet gateway and a NAT gateway."""
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.50.{i}.0/24")["Subnet"]["SubnetId"] for i in range(3)]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=subnets[0], AllocationId=eip)["NatGateway"]["NatGatewayId"]
    return {"vpc": vpc, "subnets": subnets, "igw": igw, "nat": nat}


def calls(emulator) -> dict:
    counters = emulator.counters()
    return {
        "total": counters["total"],
        "mutating": counters["mutating"],
        "ec2": dict(counters["services"].get("ec2", {})),
    }


def spent(before: dict, after: dict) -> dict[str, int]:
    return {op: n - before["ec2"].get(op, 0) for op, n in after["ec2"].items() if n - before["ec2"].get(op, 0)}


def read(ec2, vpc: str, name: str = NAME):
    tables = ec2.describe_route_tables(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "tag:Name", "Values": [name]}]
    )["RouteTables"]
    assert len(tables) <= 1
    return tables[0] if tables else None


def routes(table) -> dict[str, str]:
    """Routes other than local: destination → target id."""
    found = {}
    for route in table["Routes"]:
        if route.get("GatewayId") == "local":
            continue
        dest = (
            route.get("DestinationCidrBlock")
            or route.get("DestinationIpv6CidrBlock")
            or route.get("DestinationPrefixListId")
        )
        found[dest] = route.get("NatGatewayId") or route.get("GatewayId")
    return found


def subnets(table) -> set[str]:
    return {a["SubnetId"] for a in table["Associations"] if a.get("SubnetId")}


def args(net, **overrides) -> dict:
    return {
        "vpc_id": net["vpc"],
        "name": NAME,
        "routes": [{"dest": "0.0.0.0/0", "gateway_id": net["nat"]}],  # a nat- id as gateway_id, as the role passes it
        "subnets": net["subnets"][:2],
        "tags": {**TAGS, "Tier": "private"},
        **overrides,
    }


def test_lifecycle(run, aws, emulator, net):
    ec2 = aws("ec2")
    vpc = net["vpc"]

    before = calls(emulator)
    result = run(args(net), check_mode=True)
    assert result["changed"] and "route_table" not in result
    assert calls(emulator)["mutating"] == before["mutating"], "check mode wrote"
    assert result["diff"]["after"]["routes"] == [{"dest": "0.0.0.0/0", "nat_gateway_id": net["nat"]}]
    assert read(ec2, vpc) is None

    before = calls(emulator)
    result = run(args(net))
    used = spent(before, calls(emulator))
    assert result["changed"]
    table = read(ec2, vpc)
    assert result["route_table"]["id"] == table["RouteTableId"] == result["route_table"]["route_table_id"]
    assert routes(table) == {"0.0.0.0/0": net["nat"]} and subnets(table) == set(net["subnets"][:2])
    assert {t["Key"]: t["Value"] for t in table["Tags"]} == {**TAGS, "Tier": "private", "Name": NAME}
    assert result["route_table"]["tags"]["Name"] == NAME and result["route_table"]["vpc_id"] == vpc
    assert used == {
        "DescribeRouteTables": 3,  # find (none), where the subnets are, read back
        "CreateRouteTable": 1,
        "CreateRoute": 1,
        "AssociateRouteTable": 2,
    }, used

    # The no-op: one DescribeRouteTables, nothing written.
    before = calls(emulator)
    result = run(args(net))
    after = calls(emulator)
    assert not result["changed"], result.get("diff")
    assert after["total"] - before["total"] == 1 and spent(before, after) == {"DescribeRouteTables": 1}
    assert result["route_table"]["id"] == table["RouteTableId"]
    # ... also when found by id.
    assert not run({**args(net), "route_table_id": table["RouteTableId"]})["changed"]

    # A gateway endpoint adds its prefix-list route: not the module's, never purged.
    endpoint = ec2.create_vpc_endpoint(
        VpcId=vpc,
        ServiceName="com.amazonaws.us-west-2.s3",
        VpcEndpointType="Gateway",
        RouteTableIds=[table["RouteTableId"]],
    )["VpcEndpoint"]["VpcEndpointId"]
    assert any(v == endpoint for v in routes(read(ec2, vpc)).values())
    assert not run(args(net))["changed"]

    # Update: the default route through the internet gateway (replaced), an extra route, a subnet added and one
    # removed, a tag changed and one purged.
    changed = args(
        net,
        routes=[
            {"dest": "0.0.0.0/0", "gateway_id": net["igw"]},
            {"dest": "172.16.0.0/12", "nat_gateway_id": net["nat"]},
        ],
        subnets=[net["subnets"][1], net["subnets"][2]],
        tags={"Project": "ecap", "Owner": "net"},
    )
    before = calls(emulator)
    result = run(changed, check_mode=True)
    assert result["changed"] and calls(emulator)["mutating"] == before["mutating"], "check mode wrote"
    assert result["diff"]["before"]["subnets"] == sorted(net["subnets"][:2])
    assert result["diff"]["after"]["subnets"] == sorted(net["subnets"][1:])
    assert routes(read(ec2, vpc))["0.0.0.0/0"] == net["nat"]

    before = calls(emulator)
    result = run(changed)
    used = spent(before, calls(emulator))
    assert result["changed"]
    table = read(ec2, vpc)
    assert routes(table) == {"0.0.0.0/0": net["igw"], "172.16.0.0/12": net["nat"], **_endpoint_routes(table, endpoint)}
    assert subnets(table) == set(net["subnets"][1:])
    assert {t["Key"]: t["Value"] for t in table["Tags"]} == {"Project": "ecap", "Owner": "net", "Name": NAME}
    assert used == {
        "DescribeRouteTables": 3,
        "CreateTags": 1,
        "DeleteTags": 1,
        "ReplaceRoute": 1,
        "CreateRoute": 1,
        "AssociateRouteTable": 1,
        "DisassociateRouteTable": 1,
    }, used
    assert not run(changed)["changed"]

    # Purge: no routes, no subnets (tags unset: left alone, the Name ensured).
    purge = {"vpc_id": vpc, "name": NAME, "routes": [], "subnets": []}
    result = run(purge)
    assert result["changed"]
    table = read(ec2, vpc)
    assert routes(table) == _endpoint_routes(table, endpoint) and subnets(table) == set()
    assert {t["Key"]: t["Value"] for t in table["Tags"]}["Owner"] == "net"
    assert not run(purge)["changed"]

    # Delete: check mode, delete (with a subnet still associated), delete again.
    run(args(net))
    ec2.delete_vpc_endpoints(VpcEndpointIds=[endpoint])
    before = calls(emulator)
    result = run({"vpc_id": vpc, "name": NAME, "state": "absent"}, check_mode=True)
    assert result["changed"] and calls(emulator)["mutating"] == before["mutating"]
    assert read(ec2, vpc) is not None
    result = run({"vpc_id": vpc, "name": NAME, "state": "absent"})
    assert result["changed"] and read(ec2, vpc) is None
    before = calls(emulator)
    assert not run({"vpc_id": vpc, "name": NAME, "state": "absent"})["changed"]
    assert not run({"route_table_id": table["RouteTableId"], "state": "absent"})["changed"]
    assert calls(emulator)["mutating"] == before["mutating"]


def _endpoint_routes(table, endpoint: str) -> dict[str, str]:
    return {dest: target for dest, target in routes(table).items() if target == endpoint}


def test_subnet_associated_elsewhere_is_moved(run, aws, net):
    ec2 = aws("ec2")
    other = ec2.create_route_table(VpcId=net["vpc"])["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=other, SubnetId=net["subnets"][2])
    result = run(args(net, name="ecap-test-moved", subnets=[net["subnets"][2]], routes=[]))
    assert result["changed"]
    assert subnets(read(ec2, net["vpc"], "ecap-test-moved")) == {net["subnets"][2]}
    assert subnets(ec2.describe_route_tables(RouteTableIds=[other])["RouteTables"][0]) == set()
    run({"vpc_id": net["vpc"], "name": "ecap-test-moved", "state": "absent"})


def test_two_tables_with_one_name_fail(run, aws, net):
    ec2 = aws("ec2")
    for _ in range(2):
        ec2.create_route_table(
            VpcId=net["vpc"],
            TagSpecifications=[{"ResourceType": "route-table", "Tags": [{"Key": "Name", "Value": "twin"}]}],
        )
    result = run({"vpc_id": net["vpc"], "name": "twin"}, failed=True)
    assert "are all named 'twin'" in result["msg"]


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"routes": [{"dest": "10.0.0.1/16", "gateway_id": "igw-1"}]}, "network address"),
        ({"routes": [{"dest": "0.0.0.0/0"}]}, "exactly one target"),
        ({"routes": [{"dest": "0.0.0.0/0", "gateway_id": "igw-1", "nat_gateway_id": "nat-1"}]}, "exactly one target"),
        ({"subnets": ["ecap-test-public-a"]}, "subnet ids"),
        ({"route_table_id": "ecap-test-private"}, "not a route table id"),
    ],
)
def test_bad_input_fails_before_any_call(run, emulator, net, overrides, message):
    before = emulator.counters()["total"]
    result = run(args(net, **overrides), failed=True)
    assert message in result["msg"]
    assert emulator.counters()["total"] == before
