"""eks_nodegroup end to end: main() in process against the emulator (moto 5.2.5 + the EKS compute
extensions). State is read back with boto3; the emulator's counters show that check mode and refused
inputs write nothing."""

from __future__ import annotations

import functools
import json

import pytest
from ansible_collections.ecap.platform.plugins.modules import eks_nodegroup

REGION = "us-west-2"
NODE_ROLE = "arn:aws:iam::123456789012:role/ecap-dev-eks-node"
CLUSTER = "ecap-test-eks"


@pytest.fixture
def run(run_module):
    return functools.partial(run_module, eks_nodegroup, defaults={"wait_delay": 1})


@pytest.fixture(scope="module")
def eks(aws):
    eks = aws("eks")
    eks.create_cluster(
        name=CLUSTER,
        version="1.31",
        roleArn="arn:aws:iam::123456789012:role/ecap-eks",
        resourcesVpcConfig={"subnetIds": ["subnet-a", "subnet-b"]},
    )
    return eks


@pytest.fixture(scope="module")
def ec2(aws):
    return aws("ec2")


@pytest.fixture(scope="module")
def template(ec2) -> str:
    data = {
        "MetadataOptions": {"HttpTokens": "required", "HttpPutResponseHopLimit": 2},
        "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 30, "VolumeType": "gp3"}}],
    }
    return ec2.create_launch_template(LaunchTemplateName="ecap-test-nodes", LaunchTemplateData=data)["LaunchTemplate"][
        "LaunchTemplateId"
    ]


def group(eks, name="ecap-test-workload"):
    return eks.describe_nodegroup(clusterName=CLUSTER, nodegroupName=name)["nodegroup"]


def base(template: str) -> dict:
    return {
        "cluster_name": CLUSTER,
        "name": "ecap-test-workload",
        "node_role_arn": NODE_ROLE,
        "subnet_ids": ["subnet-a", "subnet-b"],
        "capacity_type": "SPOT",
        "instance_types": ["t3.small", "t3.medium", "t3a.medium"],
        "launch_template": {"id": template},
        "scaling": {"min_size": 1, "max_size": 4, "desired_size": 2},
        "update_config": {"max_unavailable": 1},
        "labels": {"role": "workload"},
        "taints": [],
        "tags": {"Project": "ecap"},
    }


def test_nodegroup_scenario(run, eks, ec2, template, emulator) -> None:
    args = base(template)
    before = emulator.counters()["mutating"]
    checked = run(args, check_mode=True)
    assert checked["changed"] and checked["diff"]["before"] == {}
    assert checked["nodegroup"]["launch_template"]["version"] == "1"
    assert emulator.counters()["mutating"] == before, "check mode wrote"
    assert eks.list_nodegroups(clusterName=CLUSTER)["nodegroups"] == []

    created = run(args)
    assert created["changed"] and created["nodegroup"]["status"] == "ACTIVE"
    described = group(eks)
    assert described["scalingConfig"] == {"minSize": 1, "maxSize": 4, "desiredSize": 2}
    assert described["launchTemplate"] == {"id": template, "name": "ecap-test-nodes", "version": "1"}
    assert described["capacityType"] == "SPOT" and described["labels"] == {"role": "workload"}
    assert described["amiType"] == "AL2023_x86_64_STANDARD" and described["tags"] == {"Project": "ecap"}
    assert described["resources"]["autoScalingGroups"][0]["name"].startswith("eks-ecap-test-workload-")

    before = emulator.counters()["mutating"]
    again = run(args)
    assert not again["changed"] and again["updates"] == []
    assert emulator.counters()["mutating"] == before

    # The cluster autoscaler moves the desired size within [min, max]: the module leaves it.
    eks.update_nodegroup_config(
        clusterName=CLUSTER, nodegroupName="ecap-test-workload", scalingConfig={"desiredSize": 3}
    )
    before = emulator.counters()["mutating"]
    assert not run(args)["changed"]
    assert group(eks)["scalingConfig"]["desiredSize"] == 3
    assert emulator.counters()["mutating"] == before
    # A smaller max pulls it back within bounds.
    shrunk = run({**args, "scaling": {"min_size": 1, "max_size": 2, "desired_size": 2}})
    assert shrunk["changed"] and group(eks)["scalingConfig"] == {"minSize": 1, "maxSize": 2, "desiredSize": 2}

    # Config and version in one run: labels, taints, update config, then a new template version.
    ec2.create_launch_template_version(
        LaunchTemplateId=template, SourceVersion="1", LaunchTemplateData={"MetadataOptions": {"HttpTokens": "required"}}
    )
    update = {
        **args,
        "scaling": {"min_size": 1, "max_size": 2},
        "labels": {"role": "workload", "tier": "compute"},
        "taints": [{"key": "dedicated", "value": "workload", "effect": "NO_SCHEDULE"}],
        "update_config": {"max_unavailable_percentage": 50},
        "tags": {"Project": "ecap", "Tier": "compute"},
    }
    updated = run(update)
    assert updated["changed"]
    assert [u["type"] for u in updated["updates"]] == ["ConfigUpdate", "VersionUpdate"]
    described = group(eks)
    assert described["launchTemplate"]["version"] == "2"
    assert described["labels"] == {"role": "workload", "tier": "compute"}
    assert described["taints"] == [{"key": "dedicated", "value": "workload", "effect": "NO_SCHEDULE"}]
    assert described["updateConfig"] == {"maxUnavailablePercentage": 50}
    assert described["tags"] == {"Project": "ecap", "Tier": "compute"}
    ids = eks.list_updates(name=CLUSTER, nodegroupName="ecap-test-workload")["updateIds"]
    assert len(ids) == 4  # the autoscaler's, the shrink, the config and the version update
    assert not run(update)["changed"]

    # Removing a taint and a label.
    cleared = run({**update, "taints": [], "labels": {"role": "workload"}})
    assert cleared["changed"] and group(eks)["taints"] == [] and group(eks)["labels"] == {"role": "workload"}

    before = emulator.counters()["mutating"]
    checked = run({**args, "state": "absent"}, check_mode=True)
    assert checked["changed"] and emulator.counters()["mutating"] == before
    gone = run({**args, "state": "absent"})
    assert gone["changed"] and eks.list_nodegroups(clusterName=CLUSTER)["nodegroups"] == []
    assert not run({**args, "state": "absent"})["changed"]


def test_refused_inputs_make_no_change(run, eks, ec2, template, emulator) -> None:
    args = base(template)
    run({**args, "name": "ecap-test-fixed", "wait": False})
    typed = ec2.create_launch_template(
        LaunchTemplateName="ecap-test-typed", LaunchTemplateData={"InstanceType": "t3.large"}
    )["LaunchTemplate"]["LaunchTemplateId"]
    before = emulator.counters()["mutating"]
    cases = {
        "must be within": {**args, "scaling": {"min_size": 2, "max_size": 4, "desired_size": 1}},
        "max_size must be 1 or more": {**args, "scaling": {"min_size": 0, "max_size": 0}},
        "disk_size cannot be used": {**args, "disk_size": 50},
        "does not exist": {**args, "launch_template": {"name": "no-such-template"}},
        "has no version 9": {**args, "launch_template": {"id": template, "version": "9"}},
        "cannot change capacity_type, instance_types": {
            **args,
            "name": "ecap-test-fixed",
            "capacity_type": "ON_DEMAND",
            "instance_types": ["m5.large"],
        },
    }
    for message, case in cases.items():
        result = run(case, failed=True)
        assert message in result["msg"], result["msg"]
    both = run({**args, "name": "typed", "launch_template": {"id": typed}}, failed=True)
    assert "leave instance_types out" in both["msg"]
    assert emulator.counters()["mutating"] == before, "a refused input reached AWS"


def test_spot_warning_and_replacement(run, eks, template) -> None:
    args = {**base(template), "name": "ecap-test-spot", "instance_types": ["t3.medium"]}
    created = run(args)
    assert "Spot capacity diversity" in json.dumps(created.get("warnings")), created.get("warnings")
    old_arn = group(eks, "ecap-test-spot")["nodegroupArn"]
    replaced = run({**args, "capacity_type": "ON_DEMAND", "allow_replacement": True})
    assert replaced["changed"]
    described = group(eks, "ecap-test-spot")
    assert described["capacityType"] == "ON_DEMAND" and described["nodegroupArn"] != old_arn
    run({**args, "state": "absent"})


def test_without_launch_template_follows_the_cluster(run, eks) -> None:
    args = {
        "cluster_name": CLUSTER,
        "name": "ecap-test-plain",
        "node_role_arn": NODE_ROLE,
        "subnet_ids": ["subnet-a"],
        "disk_size": 40,
        "scaling": {"min_size": 1, "max_size": 2},
    }
    created = run(args)
    assert created["nodegroup"]["version"] == "1.31" and created["nodegroup"]["disk_size"] == 40
    assert created["nodegroup"]["update_config"] == {"max_unavailable": 1}
    assert not run(args)["changed"]
    downgrade = run({**args, "kubernetes_version": "1.30"}, failed=True)
    assert "cannot downgrade" in downgrade["msg"]
    run({**args, "state": "absent"})
