"""eks_access_entry end to end: main() in process against the emulator, state
read back with boto3; check mode and refused inputs make no mutating call."""

from __future__ import annotations

import pytest
from ansible_collections.ecap.platform.plugins.modules import eks_access_entry

REGION = "us-west-2"
POLICY = "arn:aws:eks::aws:cluster-access-policy/"


@pytest.fixture
def run(run_module):
    return run_module


@pytest.fixture(scope="module")
def eks(aws):
    return aws("eks")


@pytest.fixture(scope="module")
def roles(aws):
    iam = aws("iam")
    return {
        n: iam.create_role(RoleName=n, AssumeRolePolicyDocument="{}")["Role"]["Arn"] for n in ("cp", "analyst", "nodes")
    }


@pytest.fixture(scope="module")
def cluster(eks, roles):
    eks.create_cluster(
        name="ecap-test-access",
        roleArn=roles["cp"],
        resourcesVpcConfig={"subnetIds": ["subnet-a", "subnet-b"]},
        accessConfig={"authenticationMode": "API", "bootstrapClusterCreatorAdminPermissions": False},
    )
    eks.create_cluster(name="ecap-test-configmap", roleArn=roles["cp"], resourcesVpcConfig={"subnetIds": ["subnet-a"]})
    return "ecap-test-access"


def policies(eks, cluster, principal):
    found = eks.list_associated_access_policies(clusterName=cluster, principalArn=principal)["associatedAccessPolicies"]
    return {p["policyArn"].removeprefix(POLICY): p["accessScope"] for p in found}


def test_access_entry_scenario(run, eks, cluster, roles, emulator) -> None:
    assert eks.list_access_entries(clusterName=cluster)["accessEntries"] == [], "no bootstrap entry when it is off"
    args = {
        "cluster_name": cluster,
        "principal_arn": roles["analyst"],
        "kubernetes_groups": ["ecap-analysts"],
        "access_policies": [
            {"policy": "AmazonEKSViewPolicy", "access_scope_type": "namespace", "namespaces": ["ingest", "analytics"]}
        ],
        "tags": {"Project": "ecap"},
    }
    before = emulator.counters()["mutating"]
    checked = run(eks_access_entry, args, check_mode=True)
    assert checked["changed"] and checked["diff"]["before"] == {}
    assert emulator.counters()["mutating"] == before
    assert eks.list_access_entries(clusterName=cluster)["accessEntries"] == []

    created = run(eks_access_entry, args)
    assert created["changed"] and created["access_entry"]["access_entry_arn"].startswith(
        f"arn:aws:eks:{REGION}:123456789012:access-entry/{cluster}/role/123456789012/analyst/"
    )
    assert created["access_entry"]["tags"] == {"Project": "ecap"}
    entry = eks.describe_access_entry(clusterName=cluster, principalArn=roles["analyst"])["accessEntry"]
    assert (entry["kubernetesGroups"], entry["type"]) == (["ecap-analysts"], "STANDARD")
    assert policies(eks, cluster, roles["analyst"]) == {
        "AmazonEKSViewPolicy": {"type": "namespace", "namespaces": ["analytics", "ingest"]}
    }

    before = emulator.counters()["mutating"]
    assert not run(eks_access_entry, args)["changed"]
    assert emulator.counters()["mutating"] == before

    update = {
        **args,
        "kubernetes_groups": ["ecap-analysts", "ecap-readers"],
        "username": "analyst",
        "access_policies": [{"policy_arn": POLICY + "AmazonEKSEditPolicy"}],
        "tags": {"Project": "ecap", "Team": "data"},
    }
    checked = run(eks_access_entry, update, check_mode=True)
    assert checked["changed"] and policies(eks, cluster, roles["analyst"]).keys() == {"AmazonEKSViewPolicy"}
    updated = run(eks_access_entry, update)
    assert updated["changed"]
    assert list(updated["diff"]["before"]["access_policies"]) == [POLICY + "AmazonEKSViewPolicy"]
    assert list(updated["diff"]["after"]["access_policies"]) == [POLICY + "AmazonEKSEditPolicy"]
    entry = eks.describe_access_entry(clusterName=cluster, principalArn=roles["analyst"])["accessEntry"]
    assert (entry["kubernetesGroups"], entry["username"]) == (["ecap-analysts", "ecap-readers"], "analyst")
    assert policies(eks, cluster, roles["analyst"]) == {"AmazonEKSEditPolicy": {"type": "cluster"}}
    assert eks.list_tags_for_resource(resourceArn=entry["accessEntryArn"])["tags"] == {
        "Project": "ecap",
        "Team": "data",
    }
    assert not run(eks_access_entry, update)["changed"]

    # keep the associations that are there when purge_access_policies is false
    extra = {**update, "access_policies": [{"policy": "AmazonEKSViewPolicy"}], "purge_access_policies": False}
    assert run(eks_access_entry, extra)["changed"]
    assert policies(eks, cluster, roles["analyst"]).keys() == {"AmazonEKSEditPolicy", "AmazonEKSViewPolicy"}

    before = emulator.counters()["mutating"]
    retype = run(
        eks_access_entry,
        {**update, "type": "EC2_LINUX", "kubernetes_groups": None, "username": None, "access_policies": None},
        failed=True,
    )
    assert "cannot change it to EC2_LINUX" in retype["msg"]
    bad = run(eks_access_entry, {**update, "kubernetes_groups": ["system:masters"]}, failed=True)
    assert "system:" in bad["msg"]
    scope = run(
        eks_access_entry,
        {**update, "access_policies": [{"policy": "AmazonEKSViewPolicy", "access_scope_type": "namespace"}]},
        failed=True,
    )
    assert "needs namespaces" in scope["msg"]
    assert emulator.counters()["mutating"] == before

    absent = {"cluster_name": cluster, "principal_arn": roles["analyst"], "state": "absent"}
    assert run(eks_access_entry, absent, check_mode=True)["changed"]
    assert eks.list_access_entries(clusterName=cluster)["accessEntries"] == [roles["analyst"]]
    assert run(eks_access_entry, absent)["changed"]
    assert eks.list_access_entries(clusterName=cluster)["accessEntries"] == []
    assert not run(eks_access_entry, absent)["changed"]


def test_node_entry(run, eks, cluster, roles) -> None:
    args = {"cluster_name": cluster, "principal_arn": roles["nodes"], "type": "EC2_LINUX"}
    created = run(eks_access_entry, args)
    assert created["access_entry"]["kubernetes_groups"] == ["system:nodes"]
    assert created["access_entry"]["username"] == "system:node:{{EC2PrivateDNSName}}"
    assert not run(eks_access_entry, args)["changed"]
    refused = run(eks_access_entry, {**args, "access_policies": [{"policy": "AmazonEKSViewPolicy"}]}, failed=True)
    assert "cannot be associated" in refused["msg"]


def test_config_map_cluster_refuses_entries(run, roles) -> None:
    result = run(
        eks_access_entry, {"cluster_name": "ecap-test-configmap", "principal_arn": roles["analyst"]}, failed=True
    )
    assert "authentication mode must be set to one of [API, API_AND_CONFIG_MAP]" in result["msg"]
