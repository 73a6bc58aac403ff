"""EKS compute in the emulator: node groups, add-ons, their updates; EC2 launch template versions.

The checks with the ``client`` fixture run twice: against the emulator, where they must pass, and
against plain moto 5.2.5, where they are a strict xfail (the gap each extension fills).
"""

from __future__ import annotations

import itertools
import json

import pytest
from botocore.exceptions import ClientError

ROLE = "arn:aws:iam::123456789012:role/ecap-eks"
_names = itertools.count(1)


def code(error: ClientError) -> str:
    return error.response["Error"]["Code"]


def make_cluster(eks, version: str = "1.31") -> str:
    name = f"eks-{next(_names)}"
    eks.create_cluster(name=name, version=version, roleArn=ROLE, resourcesVpcConfig={"subnetIds": ["subnet-a"]})
    return name


def make_group(eks, cluster: str, **extra) -> dict:
    params = {
        "clusterName": cluster,
        "nodegroupName": f"ng-{next(_names)}",
        "nodeRole": ROLE,
        "subnets": ["subnet-a"],
        "scalingConfig": {"minSize": 1, "maxSize": 3, "desiredSize": 2},
        **extra,
    }
    return eks.create_nodegroup(**params)["nodegroup"]


# --- node groups --------------------------------------------------------------------------------


def test_nodegroup_shape_and_lifecycle(client) -> None:
    eks = client("eks")
    cluster = make_cluster(eks)
    created = make_group(eks, cluster, capacityType="SPOT", instanceTypes=["t3.small", "t3.medium"])
    assert created["status"] == "CREATING"
    group = eks.describe_nodegroup(clusterName=cluster, nodegroupName=created["nodegroupName"])["nodegroup"]
    assert group["status"] == "ACTIVE"
    assert group["updateConfig"] == {"maxUnavailable": 1}  # community.aws.eks_nodegroup's KeyError on moto
    assert group["releaseVersion"].startswith("1.31.")
    assert "remoteAccess" not in group
    assert group["resources"]["autoScalingGroups"][0]["name"].startswith(f"eks-{created['nodegroupName']}-")
    deleted = eks.delete_nodegroup(clusterName=cluster, nodegroupName=created["nodegroupName"])["nodegroup"]
    assert deleted["status"] == "DELETING"
    assert eks.list_nodegroups(clusterName=cluster)["nodegroups"] == []


def test_nodegroup_validation(client) -> None:
    eks = client("eks")
    cluster = make_cluster(eks)
    for scaling in ({"minSize": 3, "maxSize": 2, "desiredSize": 2}, {"minSize": 1, "maxSize": 2, "desiredSize": 5}):
        with pytest.raises(ClientError) as caught:
            make_group(eks, cluster, scalingConfig=scaling)
        assert code(caught.value) == "InvalidParameterException"
    with pytest.raises(ClientError) as caught:
        make_group(eks, cluster, launchTemplate={"id": "lt-0123456789abcdef0"})
    assert code(caught.value) == "InvalidParameterException"


def test_nodegroup_config_update(client) -> None:
    eks = client("eks")
    cluster = make_cluster(eks)
    name = make_group(eks, cluster, taints=[{"key": "a", "value": "1", "effect": "NO_SCHEDULE"}])["nodegroupName"]
    update = eks.update_nodegroup_config(
        clusterName=cluster,
        nodegroupName=name,
        scalingConfig={"minSize": 1, "maxSize": 5, "desiredSize": 4},
        labels={"addOrUpdateLabels": {"role": "workload"}},
        taints={"removeTaints": [{"key": "a", "effect": "NO_SCHEDULE"}]},
        updateConfig={"maxUnavailablePercentage": 25},
    )["update"]
    assert (update["type"], update["status"]) == ("ConfigUpdate", "InProgress")
    assert {"type": "MaxSize", "value": "5"} in update["params"]
    described = eks.describe_update(name=cluster, updateId=update["id"], nodegroupName=name)["update"]
    assert described["status"] == "Successful"
    assert eks.list_updates(name=cluster, nodegroupName=name)["updateIds"] == [update["id"]]
    group = eks.describe_nodegroup(clusterName=cluster, nodegroupName=name)["nodegroup"]
    assert group["scalingConfig"] == {"minSize": 1, "maxSize": 5, "desiredSize": 4}
    assert (group["labels"], group["taints"]) == ({"role": "workload"}, [])
    assert group["updateConfig"] == {"maxUnavailablePercentage": 25}
    with pytest.raises(ClientError) as caught:
        eks.update_nodegroup_config(clusterName=cluster, nodegroupName=name, scalingConfig={"desiredSize": 9})
    assert code(caught.value) == "InvalidParameterException"


def test_nodegroup_version_update_follows_launch_template(client) -> None:
    eks, ec2 = client("eks"), client("ec2")
    cluster = make_cluster(eks)
    template = ec2.create_launch_template(
        LaunchTemplateName=f"lt-{next(_names)}", LaunchTemplateData={"MetadataOptions": {"HttpTokens": "required"}}
    )["LaunchTemplate"]["LaunchTemplateId"]
    name = make_group(eks, cluster, launchTemplate={"id": template})["nodegroupName"]
    group = eks.describe_nodegroup(clusterName=cluster, nodegroupName=name)["nodegroup"]
    assert group["launchTemplate"]["version"] == "1"
    ec2.create_launch_template_version(LaunchTemplateId=template, SourceVersion="1", LaunchTemplateData={})
    update = eks.update_nodegroup_version(
        clusterName=cluster, nodegroupName=name, launchTemplate={"id": template, "version": "2"}
    )["update"]
    assert update["type"] == "VersionUpdate"
    assert {"type": "LaunchTemplateVersion", "value": "2"} in update["params"]
    group = eks.describe_nodegroup(clusterName=cluster, nodegroupName=name)["nodegroup"]
    assert group["launchTemplate"]["version"] == "2"


def test_one_nodegroup_update_at_a_time(emulator, clients_for) -> None:
    """With a real update duration a second update is refused while the first runs (the group UPDATING)."""
    emulator.set_config(durations={"eks_nodegroup_update": 30})
    try:
        eks = clients_for(emulator)("eks", retries={"total_max_attempts": 1})
        cluster = make_cluster(eks)
        name = make_group(eks, cluster)["nodegroupName"]
        eks.update_nodegroup_config(clusterName=cluster, nodegroupName=name, scalingConfig={"maxSize": 4})
        group = eks.describe_nodegroup(clusterName=cluster, nodegroupName=name)["nodegroup"]
        assert group["status"] == "UPDATING"
        with pytest.raises(ClientError) as caught:
            eks.update_nodegroup_config(clusterName=cluster, nodegroupName=name, scalingConfig={"maxSize": 5})
        assert code(caught.value) == "ResourceInUseException"
    finally:
        emulator.set_config(durations={})


# --- add-ons ------------------------------------------------------------------------------------


def test_addon_versions_catalogue(client) -> None:
    eks = client("eks")
    for k8s in ("1.29", "1.30", "1.31", "1.32", "1.33"):
        addons = eks.describe_addon_versions(kubernetesVersion=k8s)["addons"]
        names = {a["addonName"] for a in addons}
        assert {"vpc-cni", "coredns", "kube-proxy", "aws-ebs-csi-driver", "eks-pod-identity-agent"} <= names
        for addon in addons:
            defaults = [
                v["addonVersion"]
                for v in addon["addonVersions"]
                for c in v["compatibilities"]
                if c["clusterVersion"] == k8s and c["defaultVersion"]
            ]
            assert len(defaults) == 1, (k8s, addon["addonName"], defaults)
    page = eks.describe_addon_versions(kubernetesVersion="1.31", maxResults=2)
    assert len(page["addons"]) == 2 and page["nextToken"]


def test_addon_lifecycle(client) -> None:
    eks = client("eks")
    cluster = make_cluster(eks)
    created = eks.create_addon(
        clusterName=cluster,
        addonName="vpc-cni",
        serviceAccountRoleArn=ROLE,
        configurationValues='{"env": {"ENABLE_PREFIX_DELEGATION": "true"}}',
        clientRequestToken="tok-1",
        tags={"Project": "ecap"},
    )["addon"]
    assert created["status"] == "CREATING" and created["addonVersion"] == "v1.19.2-eksbuild.1"
    addon = eks.describe_addon(clusterName=cluster, addonName="vpc-cni")["addon"]
    assert addon["status"] == "ACTIVE" and addon["serviceAccountRoleArn"] == ROLE
    assert eks.list_addons(clusterName=cluster)["addons"] == ["vpc-cni"]
    eks.tag_resource(resourceArn=addon["addonArn"], tags={"Tier": "compute"})
    assert eks.list_tags_for_resource(resourceArn=addon["addonArn"])["tags"] == {"Project": "ecap", "Tier": "compute"}
    update = eks.update_addon(clusterName=cluster, addonName="vpc-cni", addonVersion="v1.20.0-eksbuild.1")["update"]
    assert (update["type"], update["status"]) == ("AddonUpdate", "InProgress")
    assert (
        eks.describe_update(name=cluster, updateId=update["id"], addonName="vpc-cni")["update"]["status"]
        == "Successful"
    )
    with pytest.raises(ClientError) as caught:
        eks.create_addon(clusterName=cluster, addonName="coredns", addonVersion="v1.12.1-eksbuild.2")
    assert code(caught.value) == "InvalidParameterException"
    with pytest.raises(ClientError) as caught:
        eks.update_addon(clusterName=cluster, addonName="vpc-cni", configurationValues='{"nope": 1}')
    assert code(caught.value) == "InvalidParameterException"
    schema = eks.describe_addon_configuration(addonName="coredns", addonVersion="v1.11.3-eksbuild.2")
    assert "replicaCount" in json.loads(schema["configurationSchema"])["properties"]
    assert eks.delete_addon(clusterName=cluster, addonName="vpc-cni", preserve=True)["addon"]["status"] == "DELETING"
    assert eks.list_addons(clusterName=cluster)["addons"] == []


# --- EC2 launch templates -----------------------------------------------------------------------


def test_launch_template_tags_stay_off_the_data(client) -> None:
    ec2 = client("ec2")
    name = f"lt-{next(_names)}"
    ec2.create_launch_template(
        LaunchTemplateName=name,
        LaunchTemplateData={"InstanceType": "t3.medium"},
        TagSpecifications=[{"ResourceType": "launch-template", "Tags": [{"Key": "Project", "Value": "ecap"}]}],
    )
    data = ec2.describe_launch_template_versions(LaunchTemplateName=name)["LaunchTemplateVersions"][0]
    assert data["LaunchTemplateData"] == {"InstanceType": "t3.medium"}


def test_launch_template_client_token_and_source_version(client) -> None:
    ec2 = client("ec2")
    name = f"lt-{next(_names)}"
    data = {"InstanceType": "t3.medium", "MetadataOptions": {"HttpTokens": "required", "HttpPutResponseHopLimit": 2}}
    first = ec2.create_launch_template(LaunchTemplateName=name, LaunchTemplateData=data, ClientToken="t-1")
    again = ec2.create_launch_template(LaunchTemplateName=name, LaunchTemplateData=data, ClientToken="t-1")
    assert first["LaunchTemplate"]["LaunchTemplateId"] == again["LaunchTemplate"]["LaunchTemplateId"]
    version = ec2.create_launch_template_version(
        LaunchTemplateName=name, SourceVersion="1", LaunchTemplateData={"InstanceType": "t3.large"}
    )["LaunchTemplateVersion"]
    assert version["LaunchTemplateData"]["MetadataOptions"]["HttpTokens"] == "required"
    assert version["LaunchTemplateData"]["InstanceType"] == "t3.large"


def test_launch_template_version_delete_and_paging(client) -> None:
    ec2 = client("ec2")
    name = f"lt-{next(_names)}"
    ec2.create_launch_template(LaunchTemplateName=name, LaunchTemplateData={"InstanceType": "t3.medium"})
    for _ in range(17):
        ec2.create_launch_template_version(LaunchTemplateName=name, LaunchTemplateData={"InstanceType": "t3.large"})
    paginator = ec2.get_paginator("describe_launch_template_versions")
    numbers = [
        v["VersionNumber"] for p in paginator.paginate(LaunchTemplateName=name) for v in p["LaunchTemplateVersions"]
    ]
    assert numbers == list(range(1, 19))
    deleted = ec2.delete_launch_template_versions(LaunchTemplateName=name, Versions=["1", "2"])
    assert [v["VersionNumber"] for v in deleted["SuccessfullyDeletedLaunchTemplateVersions"]] == [2]
    assert deleted["UnsuccessfullyDeletedLaunchTemplateVersions"][0]["VersionNumber"] == 1
    numbers = [
        v["VersionNumber"] for p in paginator.paginate(LaunchTemplateName=name) for v in p["LaunchTemplateVersions"]
    ]
    assert 2 not in numbers and len(numbers) == 17


def test_amazon_aws_ec2_launch_template_is_idempotent(ansible_module, aws) -> None:
    """amazon.aws.ec2_launch_template: create, re-run unchanged, change → version 2, absent (deletes versions)."""
    from ansible_collections.amazon.aws.plugins.modules import ec2_launch_template

    args = {
        "template_name": "ecap-test-eks-nodes",
        "metadata_options": {"http_tokens": "required", "http_put_response_hop_limit": 2},
        "block_device_mappings": [
            {
                "device_name": "/dev/xvda",
                "ebs": {"volume_size": 30, "volume_type": "gp3", "encrypted": True, "delete_on_termination": True},
            }
        ],
        "tag_specifications": [{"resource_type": "instance", "tags": {"Project": "ecap"}}],
        "tags": {"Project": "ecap"},
        "default_version": "latest",
    }
    created = ansible_module(ec2_launch_template, args)
    assert created["changed"] and created["latest_version"] == 1
    again = ansible_module(ec2_launch_template, args)
    assert not again["changed"] and again["latest_version"] == 1
    changed = ansible_module(ec2_launch_template, {**args, "instance_type": "t3.large"})
    assert changed["changed"] and (changed["latest_version"], changed["default_version"]) == (2, 2)
    assert not ansible_module(ec2_launch_template, {**args, "instance_type": "t3.large"})["changed"]
    gone = ansible_module(ec2_launch_template, {"template_name": "ecap-test-eks-nodes", "state": "absent"})
    assert gone["changed"]
    templates = aws("ec2").describe_launch_templates()["LaunchTemplates"]
    assert "ecap-test-eks-nodes" not in [t["LaunchTemplateName"] for t in templates]
