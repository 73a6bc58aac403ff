"""The network interfaces RDS, ElastiCache, MSK and EKS put in the VPC (emulator/services/ec2/service_interfaces.py).

Each check runs against the emulator, where it must pass, and against plain moto 5.2.5 (``serve --no-extensions``),
where it is a strict xfail: moto creates no interface for these services, so their security groups look unused and
the network can be deleted under a live database.
"""

from __future__ import annotations

import itertools
import json
import time

import pytest
from botocore.exceptions import ClientError

_nets = itertools.count(150)
ZONES = ("us-west-2a", "us-west-2b", "us-west-2c")


@pytest.fixture
def network(client):
    """A VPC with a subnet in each of three zones and two security groups."""
    ec2 = client("ec2")
    n = next(_nets)
    vpc = ec2.create_vpc(CidrBlock=f"10.{n}.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{n}.{i}.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
        for i, zone in enumerate(ZONES)
    ]
    groups = [
        ec2.create_security_group(GroupName=f"g{n}-{i}", Description="test", VpcId=vpc)["GroupId"] for i in range(2)
    ]
    return {"ec2": ec2, "vpc": vpc, "subnets": subnets, "groups": groups, "n": n}


def interfaces(ec2, *filters: tuple[str, str]) -> list[dict]:
    flt = [{"Name": name, "Values": [value]} for name, value in filters]
    return ec2.describe_network_interfaces(Filters=flt)["NetworkInterfaces"]


def groups_of(interface: dict) -> set[str]:
    return {g["GroupId"] for g in interface["Groups"]}


def assert_refused(call, code: str, **kwargs) -> None:
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    assert raised.value.response["Error"]["Code"] == code


def create_db(rds, network, name: str, **extra) -> None:
    rds.create_db_instance(
        DBInstanceIdentifier=name,
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        MasterUsername="ecap_admin",
        MasterUserPassword="a-long-enough-password",
        AllocatedStorage=20,
        DBSubnetGroupName=f"subnets-{network['n']}",
        VpcSecurityGroupIds=[network["groups"][0]],
        AvailabilityZone="us-west-2b",
        **extra,
    )


@pytest.fixture
def db_subnet_group(client, network):
    client("rds").create_db_subnet_group(
        DBSubnetGroupName=f"subnets-{network['n']}", DBSubnetGroupDescription="test", SubnetIds=network["subnets"]
    )
    return network


def test_rds_instance_has_its_interface_in_its_group_until_it_is_deleted(client, db_subnet_group):
    """CreateDBInstance: one requester-managed interface in the instance's zone, with its VPC security groups.

    While it exists the group and the subnet cannot be deleted (DependencyViolation); once the instance is gone,
    so is the interface, and both can.
    """
    network, ec2, rds = db_subnet_group, db_subnet_group["ec2"], client("rds")
    create_db(rds, network, f"db-{network['n']}")
    [eni] = interfaces(ec2, ("vpc-id", network["vpc"]))
    assert eni["Description"] == "RDSNetworkInterface"
    assert eni["RequesterManaged"] is True and eni["RequesterId"] == "amazon-rds"
    assert eni["InterfaceType"] == "interface" and eni["Status"] == "in-use"
    assert eni["SubnetId"] == network["subnets"][1] and eni["AvailabilityZone"] == "us-west-2b"
    assert groups_of(eni) == {network["groups"][0]}
    attachment = eni["Attachment"]
    assert attachment["InstanceOwnerId"] == "amazon-rds" and attachment["Status"] == "attached"
    assert attachment["DeviceIndex"] == 1 and attachment["DeleteOnTermination"] is False
    assert "InstanceId" not in attachment
    assert interfaces(ec2, ("group-id", network["groups"][0]))  # what prowler's EC2.22 looks for
    assert_refused(ec2.delete_security_group, "DependencyViolation", GroupId=network["groups"][0])
    assert_refused(ec2.delete_subnet, "DependencyViolation", SubnetId=network["subnets"][1])
    assert_refused(
        ec2.delete_network_interface, "InvalidNetworkInterface.InUse", NetworkInterfaceId=eni["NetworkInterfaceId"]
    )

    rds.delete_db_instance(DBInstanceIdentifier=f"db-{network['n']}", SkipFinalSnapshot=True)
    assert interfaces(ec2, ("vpc-id", network["vpc"])) == []
    ec2.delete_security_group(GroupId=network["groups"][0])
    ec2.delete_subnet(SubnetId=network["subnets"][1])


def test_rds_multi_az_instance_has_a_standby_interface_and_follows_its_groups(client, db_subnet_group):
    """Multi-AZ: the standby's interface in another zone; ModifyDBInstance VpcSecurityGroupIds moves both."""
    network, ec2, rds = db_subnet_group, db_subnet_group["ec2"], client("rds")
    name = f"db-maz-{network['n']}"
    create_db(rds, network, name, MultiAZ=True)
    enis = interfaces(ec2, ("vpc-id", network["vpc"]), ("requester-managed", "true"))
    assert len(enis) == 2
    assert len({e["AvailabilityZone"] for e in enis}) == 2
    assert "us-west-2b" in {e["AvailabilityZone"] for e in enis}

    rds.modify_db_instance(DBInstanceIdentifier=name, VpcSecurityGroupIds=[network["groups"][1]], ApplyImmediately=True)
    assert [groups_of(e) for e in interfaces(ec2, ("vpc-id", network["vpc"]))] == [{network["groups"][1]}] * 2
    ec2.delete_security_group(GroupId=network["groups"][0])  # no longer in use
    rds.delete_db_instance(DBInstanceIdentifier=name, SkipFinalSnapshot=True)
    assert interfaces(ec2, ("vpc-id", network["vpc"])) == []


def test_elasticache_replication_group_has_an_interface_per_node(client, network):
    """CreateReplicationGroup: an interface per cache node (``ElastiCache <cache cluster id>``), gone with the group."""
    ec2, cache = network["ec2"], client("elasticache")
    name = f"redis-{network['n']}"
    cache.create_cache_subnet_group(
        CacheSubnetGroupName=name, CacheSubnetGroupDescription="test", SubnetIds=network["subnets"]
    )
    cache.create_replication_group(
        ReplicationGroupId=name,
        ReplicationGroupDescription="test",
        Engine="redis",
        CacheNodeType="cache.t3.micro",
        NumCacheClusters=2,
        AutomaticFailoverEnabled=True,
        CacheSubnetGroupName=name,
        SecurityGroupIds=[network["groups"][0]],
    )
    enis = sorted(interfaces(ec2, ("vpc-id", network["vpc"])), key=lambda e: e["Description"])
    assert [e["Description"] for e in enis] == [f"ElastiCache {name}-001", f"ElastiCache {name}-002"]
    assert len({e["AvailabilityZone"] for e in enis}) == 2
    for eni in enis:
        assert eni["RequesterManaged"] is True and eni["RequesterId"] == "amazon-elasticache"
        assert eni["Attachment"]["InstanceOwnerId"] == "amazon-elasticache"
        assert groups_of(eni) == {network["groups"][0]}
    assert_refused(ec2.delete_security_group, "DependencyViolation", GroupId=network["groups"][0])

    cache.delete_replication_group(ReplicationGroupId=name)
    cache.describe_replication_groups()
    assert interfaces(ec2, ("vpc-id", network["vpc"])) == []
    ec2.delete_security_group(GroupId=network["groups"][0])


def test_msk_cluster_has_an_interface_per_broker(client, network):
    """CreateCluster: one interface per broker in its client subnet; ListNodes names it; gone with the cluster."""
    ec2, kafka = network["ec2"], client("kafka")
    arn = kafka.create_cluster(
        ClusterName=f"msk-{network['n']}",
        KafkaVersion="3.6.0",
        NumberOfBrokerNodes=3,
        BrokerNodeGroupInfo={
            "InstanceType": "kafka.t3.small",
            "ClientSubnets": network["subnets"],
            "SecurityGroups": [network["groups"][0]],
        },
    )["ClusterArn"]
    enis = interfaces(ec2, ("vpc-id", network["vpc"]))
    assert len(enis) == 3
    assert {e["SubnetId"] for e in enis} == set(network["subnets"])
    for eni in enis:
        assert eni["Description"] == f"DO NOT DELETE - Amazon MSK network interface for cluster {arn}."
        assert groups_of(eni) == {network["groups"][0]}
        assert eni["Status"] == "in-use" and eni["Attachment"]["Status"] == "attached"
    nodes = kafka.list_nodes(ClusterArn=arn)["NodeInfoList"]
    by_id = {e["NetworkInterfaceId"]: e for e in enis}
    for node in nodes:
        info = node["BrokerNodeInfo"]
        assert by_id[info["AttachedENIId"]]["PrivateIpAddress"] == info["ClientVpcIpAddress"]
        assert by_id[info["AttachedENIId"]]["SubnetId"] == info["ClientSubnet"]

    kafka.delete_cluster(ClusterArn=arn)
    assert interfaces(ec2, ("vpc-id", network["vpc"])) == []


def test_eks_cluster_has_its_control_plane_interfaces(client, network):
    """CreateCluster: a cross-account interface per subnet with the cluster group and the additional groups."""
    ec2, eks, iam = network["ec2"], client("eks"), client("iam")
    trust = {
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "eks.amazonaws.com"}, "Action": "sts:AssumeRole"}]
    }
    role = iam.create_role(RoleName=f"eks-{network['n']}", AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    name = f"eks-{network['n']}"
    cluster = eks.create_cluster(
        name=name,
        roleArn=role["Arn"],
        resourcesVpcConfig={"subnetIds": network["subnets"], "securityGroupIds": [network["groups"][0]]},
    )["cluster"]
    cluster_group = cluster["resourcesVpcConfig"]["clusterSecurityGroupId"]
    enis = interfaces(ec2, ("description", f"Amazon EKS {name}"))
    assert {e["SubnetId"] for e in enis} == set(network["subnets"])
    for eni in enis:
        assert groups_of(eni) == {cluster_group, network["groups"][0]}
        assert eni["RequesterManaged"] is False and eni["RequesterId"] == f"{role['RoleId']}:AmazonEKS"
        assert eni["Attachment"]["DeleteOnTermination"] is True
    assert_refused(ec2.delete_security_group, "DependencyViolation", GroupId=network["groups"][0])

    eks.delete_cluster(name=name)
    assert interfaces(ec2, ("vpc-id", network["vpc"])) == []
    groups = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [network["vpc"]]}])["SecurityGroups"]
    assert cluster_group not in {g["GroupId"] for g in groups}  # deleted with the cluster, its interfaces first
    ec2.delete_security_group(GroupId=network["groups"][0])


@pytest.fixture
def slow_deletes(emulator):
    emulator.set_config(
        durations={"rds_instance": {"create": 0, "delete": 1}, "eks_cluster": {"create": 0, "delete": 1}}
    )
    yield
    emulator.set_config(profile="instant", durations={})


def test_interfaces_stay_while_deleting_and_go_when_ec2_sees_the_end(aws, slow_deletes) -> None:
    """Emulator only (durations): a deleting database keeps its interface (the group stays in use); once the delete
    has finished, EC2 alone sees the interface gone, without a call to RDS; the same for EKS and its cluster group."""
    ec2, rds, eks, iam = aws("ec2"), aws("rds"), aws("eks"), aws("iam")
    n = next(_nets)
    vpc = ec2.create_vpc(CidrBlock=f"10.{n}.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{n}.{i}.0/24", AvailabilityZone=z)["Subnet"]["SubnetId"]
        for i, z in enumerate(ZONES[:2])
    ]
    group = ec2.create_security_group(GroupName=f"g{n}", Description="test", VpcId=vpc)["GroupId"]
    network = {"n": n, "groups": [group]}
    rds.create_db_subnet_group(DBSubnetGroupName=f"subnets-{n}", DBSubnetGroupDescription="t", SubnetIds=subnets)
    create_db(rds, network, f"db-slow-{n}")
    trust = {
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "eks.amazonaws.com"}, "Action": "sts:AssumeRole"}]
    }
    role = iam.create_role(RoleName=f"eks-slow-{n}", AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    cluster = eks.create_cluster(name=f"eks-slow-{n}", roleArn=role["Arn"], resourcesVpcConfig={"subnetIds": subnets})
    cluster_group = cluster["cluster"]["resourcesVpcConfig"]["clusterSecurityGroupId"]
    assert len(interfaces(ec2, ("vpc-id", vpc))) == 3

    rds.delete_db_instance(DBInstanceIdentifier=f"db-slow-{n}", SkipFinalSnapshot=True)
    eks.delete_cluster(name=f"eks-slow-{n}")
    assert len(interfaces(ec2, ("vpc-id", vpc))) == 3  # deleting: still there
    assert_refused(ec2.delete_security_group, "DependencyViolation", GroupId=group)
    time.sleep(1.2)
    assert interfaces(ec2, ("vpc-id", vpc)) == []
    remaining = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["SecurityGroups"]
    assert cluster_group not in {g["GroupId"] for g in remaining}
    ec2.delete_security_group(GroupId=group)
    for subnet in subnets:
        ec2.delete_subnet(SubnetId=subnet)


def test_interface_endpoint_interfaces_carry_its_groups(client, network):
    """CreateVpcEndpoint (Interface): an interface per subnet in the endpoint's groups, following ModifyVpcEndpoint;
    the groups are in use until DeleteVpcEndpoints (moto: the interfaces are in the VPC's default group)."""
    ec2 = network["ec2"]
    endpoint = ec2.create_vpc_endpoint(
        VpcId=network["vpc"],
        VpcEndpointType="Interface",
        ServiceName="com.amazonaws.us-west-2.sts",
        SubnetIds=network["subnets"][:2],
        SecurityGroupIds=[network["groups"][0]],
    )["VpcEndpoint"]
    enis = interfaces(ec2, ("vpc-id", network["vpc"]))
    assert sorted(e["NetworkInterfaceId"] for e in enis) == sorted(endpoint["NetworkInterfaceIds"])
    assert {e["SubnetId"] for e in enis} == set(network["subnets"][:2])
    for eni in enis:
        assert eni["InterfaceType"] == "vpc_endpoint" and eni["RequesterManaged"] is True
        assert eni["Description"] == f"VPC Endpoint Interface {endpoint['VpcEndpointId']}"
        assert groups_of(eni) == {network["groups"][0]} and "Attachment" not in eni
    assert_refused(ec2.delete_security_group, "DependencyViolation", GroupId=network["groups"][0])

    ec2.modify_vpc_endpoint(
        VpcEndpointId=endpoint["VpcEndpointId"],
        AddSubnetIds=[network["subnets"][2]],
        AddSecurityGroupIds=[network["groups"][1]],
        RemoveSecurityGroupIds=[network["groups"][0]],
    )
    described = ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint["VpcEndpointId"]])["VpcEndpoints"][0]
    enis = interfaces(ec2, ("vpc-id", network["vpc"]))
    assert sorted(e["NetworkInterfaceId"] for e in enis) == sorted(described["NetworkInterfaceIds"])
    assert {e["SubnetId"] for e in enis} == set(network["subnets"])
    assert [groups_of(e) for e in enis] == [{network["groups"][1]}] * 3
    ec2.delete_security_group(GroupId=network["groups"][0])

    ec2.delete_vpc_endpoints(VpcEndpointIds=[endpoint["VpcEndpointId"]])
    assert interfaces(ec2, ("vpc-id", network["vpc"])) == []
    ec2.delete_security_group(GroupId=network["groups"][1])
