"""The emulator's security-group and route-table fixes (emulator/services/ec2/{security_groups,route_tables}.py).

Each check runs against the emulator, where it must pass, and against plain moto 5.2.5 (``serve
--no-extensions``), where it is a strict xfail: it shows the bug the fix exists for."""

from __future__ import annotations

import itertools

import pytest
from botocore.exceptions import ClientError

_cidrs = itertools.count(100)


@pytest.fixture
def vpc(client):
    ec2 = client("ec2")
    n = next(_cidrs)
    vpc_id = ec2.create_vpc(CidrBlock=f"10.{n}.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.{n}.1.0/24")["Subnet"]["SubnetId"]
    return {"ec2": ec2, "vpc": vpc_id, "subnet": subnet}


def _group(vpc, name: str) -> str:
    return vpc["ec2"].create_security_group(GroupName=name, Description=name, VpcId=vpc["vpc"])["GroupId"]


def _pairs(ec2, group_id: str) -> list[dict]:
    group = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
    return [pair for perm in group["IpPermissions"] for pair in perm["UserIdGroupPairs"]]


def test_rule_description_of_a_group_reference_is_updated(vpc):
    """UpdateSecurityGroupRuleDescriptionsIngress names the rule by protocol, ports and source group."""
    ec2 = vpc["ec2"]
    target, source = _group(vpc, "target"), _group(vpc, "source")
    permission = {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432}
    ec2.authorize_security_group_ingress(
        GroupId=target, IpPermissions=[{**permission, "UserIdGroupPairs": [{"GroupId": source, "Description": "old"}]}]
    )
    ec2.update_security_group_rule_descriptions_ingress(
        GroupId=target, IpPermissions=[{**permission, "UserIdGroupPairs": [{"GroupId": source, "Description": "new"}]}]
    )
    assert [p["Description"] for p in _pairs(ec2, target)] == ["new"]


def test_egress_rule_description_of_a_group_reference_is_updated(vpc):
    ec2 = vpc["ec2"]
    target, dest = _group(vpc, "egress-target"), _group(vpc, "egress-dest")
    pair = {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": dest, "Description": "old"}]}
    ec2.authorize_security_group_egress(GroupId=target, IpPermissions=[pair])
    pair["UserIdGroupPairs"][0]["Description"] = "new"
    ec2.update_security_group_rule_descriptions_egress(GroupId=target, IpPermissions=[pair])
    group = ec2.describe_security_groups(GroupIds=[target])["SecurityGroups"][0]
    described = [p for perm in group["IpPermissionsEgress"] for p in perm["UserIdGroupPairs"]]
    assert [p["Description"] for p in described] == ["new"]


def test_delete_of_a_group_another_group_names_is_refused(vpc):
    ec2 = vpc["ec2"]
    named, naming = _group(vpc, "named"), _group(vpc, "naming")
    ec2.authorize_security_group_ingress(
        GroupId=naming,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 1, "ToPort": 1, "UserIdGroupPairs": [{"GroupId": named}]}],
    )
    with pytest.raises(ClientError) as error:
        ec2.delete_security_group(GroupId=named)
    assert error.value.response["Error"]["Code"] == "DependencyViolation"
    ec2.revoke_security_group_ingress(
        GroupId=naming,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 1, "ToPort": 1, "UserIdGroupPairs": [{"GroupId": named}]}],
    )
    ec2.delete_security_group(GroupId=named)  # no reference left: deleted


def test_delete_of_a_group_a_network_interface_uses_is_refused(vpc):
    ec2 = vpc["ec2"]
    used = _group(vpc, "used")
    eni = ec2.create_network_interface(SubnetId=vpc["subnet"], Groups=[used])["NetworkInterface"]["NetworkInterfaceId"]
    with pytest.raises(ClientError) as error:
        ec2.delete_security_group(GroupId=used)
    assert error.value.response["Error"]["Code"] == "DependencyViolation"
    ec2.delete_network_interface(NetworkInterfaceId=eni)
    ec2.delete_security_group(GroupId=used)


# --------------------------------------------------------------------------- route tables (route_tables.py)


def test_a_subnet_cannot_be_associated_twice(vpc):
    """AssociateRouteTable: Resource.AlreadyAssociated; ReplaceRouteTableAssociation is how a subnet moves."""
    ec2 = vpc["ec2"]
    first = ec2.create_route_table(VpcId=vpc["vpc"])["RouteTable"]["RouteTableId"]
    second = ec2.create_route_table(VpcId=vpc["vpc"])["RouteTable"]["RouteTableId"]
    association = ec2.associate_route_table(RouteTableId=first, SubnetId=vpc["subnet"])["AssociationId"]
    with pytest.raises(ClientError) as error:
        ec2.associate_route_table(RouteTableId=second, SubnetId=vpc["subnet"])
    assert error.value.response["Error"]["Code"] == "Resource.AlreadyAssociated"
    ec2.replace_route_table_association(AssociationId=association, RouteTableId=second)
    [table] = ec2.describe_route_tables(RouteTableIds=[second])["RouteTables"]
    assert [a["SubnetId"] for a in table["Associations"]] == [vpc["subnet"]]


def test_create_route_table_honours_its_client_token(vpc):
    ec2 = vpc["ec2"]
    first = ec2.create_route_table(VpcId=vpc["vpc"], ClientToken="token-1")["RouteTable"]["RouteTableId"]
    again = ec2.create_route_table(VpcId=vpc["vpc"], ClientToken="token-1")["RouteTable"]["RouteTableId"]
    assert again == first
    assert len(ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc["vpc"]]}])["RouteTables"]) == 2
