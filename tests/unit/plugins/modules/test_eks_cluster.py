"""eks_cluster and eks_cluster_info end to end: main() in process against the emulator (moto 5.2.5 +
the EKS extensions), state read back with boto3; the emulator's counters show that check mode and
refused changes write nothing."""

from __future__ import annotations

import pytest
from ansible_collections.ecap.platform.plugins.modules import eks_cluster, eks_cluster_info

REGION = "us-west-2"
ALL_LOGS = ["api", "audit", "authenticator", "controllerManager", "scheduler"]


@pytest.fixture
def run(run_module):
    return run_module


@pytest.fixture(scope="module")
def eks(aws):
    return aws("eks")


@pytest.fixture(scope="module")
def network(aws):
    """A VPC with two subnets in two AZs, a control-plane security group, the cluster role, a KMS key."""
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{i}.0/24", AvailabilityZone=f"{REGION}{az}")["Subnet"][
            "SubnetId"
        ]
        for i, az in ((1, "a"), (2, "b"))
    ]
    sg = ec2.create_security_group(GroupName="eks-cp", Description="control plane", VpcId=vpc)["GroupId"]
    role = aws("iam").create_role(RoleName="ecap-test-eks-cluster", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    key = aws("kms").create_key()["KeyMetadata"]["Arn"]
    other_key = aws("kms").create_key()["KeyMetadata"]["Arn"]
    return {"vpc": vpc, "subnets": subnets, "sg": sg, "role": role, "key": key, "other_key": other_key}


def names(eks):
    return eks.list_clusters()["clusters"]


def test_cluster_scenario(run, eks, network, emulator) -> None:
    args = {
        "name": "ecap-test-eks",
        "version": "1.30",
        "role_arn": network["role"],
        "subnet_ids": network["subnets"],
        "security_group_ids": [network["sg"]],
        "endpoint_public_access": True,
        "endpoint_private_access": False,
        "public_access_cidrs": ["203.0.113.0/24"],
        "logging_types": ["api", "audit"],
        "authentication_mode": "API_AND_CONFIG_MAP",
        "tags": {"Project": "ecap", "Environment": "test"},
        "wait_delay": 1,
    }
    before = emulator.counters()["mutating"]
    checked = run(eks_cluster, args, check_mode=True)
    assert checked["changed"] and checked["diff"]["before"] == {}
    assert checked["diff"]["after"]["version"] == "1.30"
    assert checked["cluster"]["status"] == "CREATING"
    assert emulator.counters()["mutating"] == before, "check mode wrote"
    assert names(eks) == []

    created = run(eks_cluster, args)
    cluster = created["cluster"]
    assert created["changed"] and cluster["status"] == "ACTIVE"
    assert cluster["arn"].endswith(":cluster/ecap-test-eks")
    assert cluster["identity"]["oidc"]["issuer"].startswith(f"https://oidc.eks.{REGION}.amazonaws.com/id/")
    assert cluster["certificate_authority"]["data"]
    assert cluster["resources_vpc_config"]["vpc_id"] == network["vpc"]
    assert cluster["resources_vpc_config"]["cluster_security_group_id"].startswith("sg-")
    assert cluster["tags"] == {"Project": "ecap", "Environment": "test"}
    described = eks.describe_cluster(name="ecap-test-eks")["cluster"]
    assert described["resourcesVpcConfig"]["publicAccessCidrs"] == ["203.0.113.0/24"]
    assert described["accessConfig"] == {
        "authenticationMode": "API_AND_CONFIG_MAP",
        "bootstrapClusterCreatorAdminPermissions": True,
    }
    assert described["logging"]["clusterLogging"][0] == {"types": ["api", "audit"], "enabled": True}
    # AWS gives the creator an admin access entry (bootstrapClusterCreatorAdminPermissions)
    assert eks.list_access_entries(clusterName="ecap-test-eks")["accessEntries"] == [
        "arn:aws:iam::123456789012:user/moto"
    ]

    before = emulator.counters()["mutating"]
    again = run(eks_cluster, args)
    assert not again["changed"] and again["updates"] == [] and again["pending_updates"] == []
    assert emulator.counters()["mutating"] == before

    update = {
        **args,
        "endpoint_private_access": True,
        "logging_types": ALL_LOGS,
        "authentication_mode": "API",
        "secrets_kms_key_arn": network["key"],
        "version": "1.31",
        "tags": {"Project": "ecap", "Owner": "data"},
    }
    checked = run(eks_cluster, update, check_mode=True)
    assert checked["changed"]
    assert checked["pending_updates"] == [
        "EndpointAccessUpdate",
        "LoggingUpdate",
        "AccessConfigUpdate",
        "AssociateEncryptionConfig",
        "VersionUpdate",
    ]
    assert checked["diff"]["before"]["version"] == "1.30" and checked["diff"]["after"]["version"] == "1.31"
    assert eks.describe_cluster(name="ecap-test-eks")["cluster"]["version"] == "1.30"

    # wait=false: the first update only; the rest are pending
    partial = run(eks_cluster, {**update, "wait": False})
    assert partial["changed"] and len(partial["updates"]) == 1
    assert partial["pending_updates"] == [
        "LoggingUpdate",
        "AccessConfigUpdate",
        "AssociateEncryptionConfig",
        "VersionUpdate",
    ]
    first = eks.describe_update(name="ecap-test-eks", updateId=partial["updates"][0])["update"]
    assert first["type"] == "EndpointAccessUpdate"
    assert eks.list_tags_for_resource(resourceArn=partial["cluster"]["arn"])["tags"] == {
        "Project": "ecap",
        "Owner": "data",
    }

    updated = run(eks_cluster, update)
    assert updated["changed"] and len(updated["updates"]) == 4 and updated["pending_updates"] == []
    types = [eks.describe_update(name="ecap-test-eks", updateId=u)["update"]["type"] for u in updated["updates"]]
    assert types == ["LoggingUpdate", "AccessConfigUpdate", "AssociateEncryptionConfig", "VersionUpdate"]
    described = eks.describe_cluster(name="ecap-test-eks")["cluster"]
    assert described["version"] == "1.31" and described["status"] == "ACTIVE"
    assert described["resourcesVpcConfig"]["endpointPrivateAccess"] is True
    assert described["accessConfig"]["authenticationMode"] == "API"
    assert described["encryptionConfig"][0]["provider"]["keyArn"] == network["key"]
    assert described["logging"]["clusterLogging"] == [{"types": ALL_LOGS, "enabled": True}]
    assert not run(eks_cluster, update)["changed"]

    # refused before any call
    before = emulator.counters()["mutating"]
    jump = run(eks_cluster, {**update, "version": "1.33"}, failed=True)
    assert "one minor version at a time" in jump["msg"]
    down = run(eks_cluster, {**update, "version": "1.30"}, failed=True)
    assert "cannot downgrade" in down["msg"]
    back = run(eks_cluster, {**update, "authentication_mode": "API_AND_CONFIG_MAP"}, failed=True)
    assert "cannot move it back" in back["msg"]
    key = run(eks_cluster, {**update, "secrets_kms_key_arn": network["other_key"]}, failed=True)
    assert "cannot change the key" in key["msg"]
    closed = run(
        eks_cluster, {**update, "endpoint_public_access": False, "endpoint_private_access": False}, failed=True
    )
    assert "cannot both be false" in closed["msg"]
    assert emulator.counters()["mutating"] == before

    # immutable options: a warning, no change
    moved = run(eks_cluster, {**update, "subnet_ids": network["subnets"][:1]})
    assert not moved["changed"] and any("subnet_ids" in str(w) for w in moved["warnings"])

    info = run(eks_cluster_info, {"name": "ecap-test-eks"})
    assert info["exists"] and info["cluster"]["version"] == "1.31"
    assert info["cluster"]["endpoint"] == updated["cluster"]["endpoint"]
    missing = run(eks_cluster_info, {"name": "ecap-test-nope"})
    assert (missing["exists"], missing["cluster"]) == (False, {})

    absent = {"name": "ecap-test-eks", "state": "absent", "wait_delay": 1}
    checked = run(eks_cluster, absent, check_mode=True)
    assert checked["changed"] and names(eks) == ["ecap-test-eks"]
    gone = run(eks_cluster, absent)
    assert gone["changed"] and gone["cluster"] == {}
    assert names(eks) == []
    assert not run(eks_cluster, absent)["changed"]


def test_create_without_waiting_then_converge(run, eks, network, emulator) -> None:
    emulator.set_config(durations={"eks_cluster": {"create": 2}, "eks_cluster_update": 1})
    try:
        args = {
            "name": "ecap-test-nowait",
            "role_arn": network["role"],
            "subnet_ids": network["subnets"],
            "authentication_mode": "API",
            "wait": False,
            "wait_delay": 1,
        }
        started = run(eks_cluster, args)
        assert started["changed"] and started["cluster"]["status"] == "CREATING"
        assert started["cluster"]["version"] == "1.33", "the EKS default version"
        # a second run while CREATING with an update needed: nothing started, the update is pending
        pending = run(eks_cluster, {**args, "logging_types": ["audit"]})
        assert not pending["changed"] and pending["pending_updates"] == ["LoggingUpdate"]
        assert any("CREATING" in str(w) for w in pending["warnings"])
        # wait=true waits for ACTIVE, then runs the update and waits for it
        done = run(eks_cluster, {**args, "logging_types": ["audit"], "wait": True})
        assert done["changed"] and done["cluster"]["status"] == "ACTIVE" and len(done["updates"]) == 1
        assert (
            eks.describe_update(name="ecap-test-nowait", updateId=done["updates"][0])["update"]["status"]
            == "Successful"
        )
    finally:
        emulator.set_config(durations={})
    assert run(eks_cluster, {"name": "ecap-test-nowait", "state": "absent", "wait_delay": 1})["changed"]


def test_delete_refused_while_node_groups_exist(run, eks, network) -> None:
    eks.create_cluster(
        name="ecap-test-ng", roleArn=network["role"], resourcesVpcConfig={"subnetIds": network["subnets"]}
    )
    eks.create_nodegroup(
        clusterName="ecap-test-ng", nodegroupName="workers", nodeRole=network["role"], subnets=network["subnets"]
    )
    refused = run(eks_cluster, {"name": "ecap-test-ng", "state": "absent"}, failed=True)
    assert "node groups workers" in refused["msg"]
    eks.delete_nodegroup(clusterName="ecap-test-ng", nodegroupName="workers")
    for _ in range(50):  # the node group may have a delete lifecycle of its own
        if not eks.list_nodegroups(clusterName="ecap-test-ng")["nodegroups"]:
            break
    assert run(eks_cluster, {"name": "ecap-test-ng", "state": "absent", "wait_delay": 1})["changed"]


def test_create_needs_role_and_subnets(run, emulator) -> None:
    before = emulator.counters()["mutating"]
    result = run(eks_cluster, {"name": "ecap-test-bare"}, failed=True)
    assert "role_arn and subnet_ids required" in result["msg"]
    bad = run(eks_cluster, {"name": "ecap-test-bare", "version": "latest"}, failed=True)
    assert "MAJOR.MINOR" in bad["msg"]
    assert emulator.counters()["mutating"] == before


def test_leak_report_lists_eks_clusters(aws, eks, network) -> None:
    from ansible_collections.ecap.platform.plugins.module_utils.tagged_resources import list_resources

    eks.create_cluster(
        name="ecap-test-leak",
        roleArn=network["role"],
        resourcesVpcConfig={"subnetIds": network["subnets"]},
        tags={"Project": "ecap-leak"},
    )
    eks.create_nodegroup(
        clusterName="ecap-test-leak",
        nodegroupName="workers",
        nodeRole=network["role"],
        subnets=network["subnets"],
        tags={"Project": "ecap-leak"},
    )
    found = list_resources(aws, {"Project": "ecap-leak"}, REGION, services=["eks"])
    assert [(r["type"], r["id"]) for r in found] == [
        ("cluster", "ecap-test-leak"),
        ("nodegroup", "ecap-test-leak/workers"),
    ]
    eks.delete_nodegroup(clusterName="ecap-test-leak", nodegroupName="workers")
    for _ in range(50):
        if not eks.list_nodegroups(clusterName="ecap-test-leak")["nodegroups"]:
            break
    eks.delete_cluster(name="ecap-test-leak")
    assert list_resources(aws, {"Project": "ecap-leak"}, REGION, services=["eks"]) == []
