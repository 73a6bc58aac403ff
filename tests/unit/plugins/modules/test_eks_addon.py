"""eks_addon end to end: main() in process against the emulator (moto 5.2.5 + the EKS compute
extensions). State is read back with boto3; the emulator's counters show that check mode and refused
inputs write nothing."""

from __future__ import annotations

import functools
import json

import pytest
from ansible_collections.ecap.platform.plugins.modules import eks_addon

REGION = "us-west-2"
ROLE = "arn:aws:iam::123456789012:role/ecap-dev-vpc-cni"


@pytest.fixture
def run(run_module):
    return functools.partial(run_module, eks_addon, defaults={"wait_delay": 1})


@pytest.fixture(scope="module")
def eks(aws):
    return aws("eks")


@pytest.fixture(scope="module")
def cluster(eks) -> str:
    eks.create_cluster(
        name="ecap-test-eks",
        version="1.31",
        roleArn="arn:aws:iam::123456789012:role/ecap-eks",
        resourcesVpcConfig={"subnetIds": ["subnet-a", "subnet-b"]},
    )
    return "ecap-test-eks"


def addon(eks, cluster, name="vpc-cni"):
    return eks.describe_addon(clusterName=cluster, addonName=name)["addon"]


def test_addon_scenario(run, eks, cluster, emulator) -> None:
    args = {
        "cluster_name": cluster,
        "name": "vpc-cni",
        "service_account_role_arn": ROLE,
        "configuration_values": {"env": {"ENABLE_PREFIX_DELEGATION": "true"}},
        "tags": {"Project": "ecap"},
    }
    before = emulator.counters()["mutating"]
    checked = run(args, check_mode=True)
    assert checked["changed"] and checked["resolved_version"] == "v1.19.2-eksbuild.1"
    assert checked["diff"]["before"] == {}
    assert emulator.counters()["mutating"] == before, "check mode wrote"
    assert eks.list_addons(clusterName=cluster)["addons"] == []

    created = run(args)
    assert created["changed"] and created["addon"]["status"] == "ACTIVE"
    described = addon(eks, cluster)
    assert described["addonVersion"] == "v1.19.2-eksbuild.1"  # the default for 1.31
    assert described["serviceAccountRoleArn"] == ROLE and described["tags"] == {"Project": "ecap"}
    assert json.loads(described["configurationValues"]) == {"env": {"ENABLE_PREFIX_DELEGATION": "true"}}

    before = emulator.counters()["mutating"]
    again = run({**args, "configuration_values": json.dumps({"env": {"ENABLE_PREFIX_DELEGATION": "true"}})})
    assert not again["changed"], "configuration values are compared as parsed JSON"
    assert emulator.counters()["mutating"] == before

    latest = run({**args, "version": "latest", "tags": {"Project": "ecap", "Tier": "compute"}})
    assert latest["changed"] and latest["resolved_version"] == "v1.20.0-eksbuild.1"
    assert latest["update"]["type"] == "AddonUpdate"
    assert latest["diff"]["before"]["addon_version"] == "v1.19.2-eksbuild.1"
    described = addon(eks, cluster)
    assert described["addonVersion"] == "v1.20.0-eksbuild.1" and described["tags"]["Tier"] == "compute"
    assert len(eks.list_updates(name=cluster, addonName="vpc-cni")["updateIds"]) == 1

    kept = run({**args, "tags": {"Project": "ecap", "Tier": "compute"}})
    assert not kept["changed"], "no version given keeps the installed one"
    assert kept["resolved_version"] == "v1.20.0-eksbuild.1"

    back = run(
        {**args, "version": "default", "configuration_values": {}, "tags": {"Project": "ecap", "Tier": "compute"}}
    )
    assert back["changed"] and addon(eks, cluster)["addonVersion"] == "v1.19.2-eksbuild.1"
    assert "configurationValues" not in addon(eks, cluster)

    before = emulator.counters()["mutating"]
    checked = run({**args, "state": "absent"}, check_mode=True)
    assert checked["changed"] and emulator.counters()["mutating"] == before
    gone = run({**args, "state": "absent", "preserve": True})
    assert gone["changed"] and eks.list_addons(clusterName=cluster)["addons"] == []
    assert not run({**args, "state": "absent"})["changed"]


def test_refused_inputs_make_no_change(run, eks, cluster, emulator) -> None:
    before = emulator.counters()["mutating"]
    incompatible = run({"cluster_name": cluster, "name": "coredns", "version": "v1.12.1-eksbuild.2"}, failed=True)
    assert "not compatible with Kubernetes 1.31" in incompatible["msg"]
    bad_json = run({"cluster_name": cluster, "name": "coredns", "configuration_values": "{nope"}, failed=True)
    assert "not valid JSON" in bad_json["msg"]
    missing = run({"cluster_name": "no-such-cluster", "name": "coredns"}, failed=True)
    assert "does not exist" in missing["msg"]
    assert emulator.counters()["mutating"] == before


def test_pinned_version_and_no_wait(run, eks, cluster) -> None:
    result = run({"cluster_name": cluster, "name": "coredns", "version": "v1.11.3-eksbuild.2", "wait": False})
    assert result["changed"] and result["addon"]["status"] == "CREATING"
    assert addon(eks, cluster, "coredns")["addonVersion"] == "v1.11.3-eksbuild.2"
    assert not run({"cluster_name": cluster, "name": "coredns", "version": "v1.11.3-eksbuild.2"})["changed"]
    run({"cluster_name": cluster, "name": "coredns", "state": "absent"})
