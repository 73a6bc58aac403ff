"""Pure logic of eks_addon and eks_nodegroup: version resolution, the config/version plans, validation."""

from __future__ import annotations

from ansible_collections.ecap.platform.plugins.module_utils import eks_addon, eks_nodegroup


def info(*versions: tuple[str, dict[str, bool]]) -> list[dict]:
    return [
        {
            "addonName": "coredns",
            "addonVersions": [
                {
                    "addonVersion": v,
                    "compatibilities": [{"clusterVersion": k, "defaultVersion": d} for k, d in compat.items()],
                }
                for v, compat in versions
            ],
        }
    ]


CATALOGUE = info(
    ("v1.11.3-eksbuild.2", {"1.30": True, "1.31": True}),
    ("v1.11.4-eksbuild.14", {"1.31": False, "1.32": True}),
    ("v1.10.1-eksbuild.18", {"1.28": True}),
)


def test_resolve_version() -> None:
    resolve = eks_addon.resolve_version
    assert resolve(CATALOGUE, "coredns", "1.31", None) == ("v1.11.3-eksbuild.2", None)
    assert resolve(CATALOGUE, "coredns", "1.31", "default") == ("v1.11.3-eksbuild.2", None)
    assert resolve(CATALOGUE, "coredns", "1.31", "latest") == ("v1.11.4-eksbuild.14", None)
    assert resolve(CATALOGUE, "coredns", "1.31", None, current="v1.11.4-eksbuild.14")[0] == "v1.11.4-eksbuild.14"
    assert resolve(CATALOGUE, "coredns", "1.31", "default", current="v1.11.4-eksbuild.14")[0] == "v1.11.3-eksbuild.2"
    version, error = resolve(CATALOGUE, "coredns", "1.31", "v1.10.1-eksbuild.18")
    assert version is None and "not compatible with Kubernetes 1.31" in error
    assert resolve(CATALOGUE, "coredns", "1.34", None)[1].startswith("EKS has no version")


def test_version_key_orders_builds_numerically() -> None:
    assert eks_addon.version_key("v1.19.10-eksbuild.2") > eks_addon.version_key("v1.19.9-eksbuild.12")


def test_addon_plan_compares_configuration_as_json() -> None:
    current = {"addonVersion": "v1", "serviceAccountRoleArn": "arn:r", "configurationValues": '{"b": 1, "a": {"x": 2}}'}
    assert eks_addon.plan_update(current, "v1", "arn:r", {"a": {"x": 2}, "b": 1}) == {}
    assert eks_addon.plan_update(current, "v1", None, None) == {}
    assert eks_addon.plan_update(current, "v2", "", {}) == {
        "addonVersion": "v2",
        "serviceAccountRoleArn": "",
        "configurationValues": "",
    }
    assert eks_addon.parse_configuration("[1]")[1] == "configuration_values must be a JSON object"


def test_wanted_scaling_leaves_desired_to_the_autoscaler() -> None:
    scaling = {"min_size": 1, "max_size": 4, "desired_size": 2}
    assert eks_nodegroup.wanted_scaling(None, scaling, True) == {"minSize": 1, "maxSize": 4, "desiredSize": 2}
    current = {"minSize": 1, "maxSize": 4, "desiredSize": 3}
    assert eks_nodegroup.wanted_scaling(current, scaling, True)["desiredSize"] == 3
    assert eks_nodegroup.wanted_scaling(current, {**scaling, "max_size": 2}, True)["desiredSize"] == 2
    assert eks_nodegroup.wanted_scaling({**current, "desiredSize": 0}, scaling, True)["desiredSize"] == 1
    assert eks_nodegroup.wanted_scaling(current, scaling, False)["desiredSize"] == 2
    assert eks_nodegroup.wanted_scaling(current, None, True) is None


def test_plan_config_labels_taints_update_config() -> None:
    current = {
        "scalingConfig": {"minSize": 1, "maxSize": 4, "desiredSize": 3},
        "labels": {"role": "workload", "old": "x"},
        "taints": [{"key": "a", "value": "1", "effect": "NO_SCHEDULE"}],
        "updateConfig": {"maxUnavailable": 1},
    }
    same = eks_nodegroup.plan_config(
        current,
        {"minSize": 1, "maxSize": 4, "desiredSize": 3},
        {"role": "workload", "old": "x"},
        [{"key": "a", "value": "1", "effect": "NO_SCHEDULE"}],
        {"max_unavailable": 1, "max_unavailable_percentage": None},
    )
    assert same == {}
    plan = eks_nodegroup.plan_config(
        current,
        None,
        {"role": "workload", "tier": "compute"},
        [{"key": "b", "value": None, "effect": "NO_EXECUTE"}],
        {"max_unavailable": None, "max_unavailable_percentage": 25},
    )
    assert plan["labels"] == {"addOrUpdateLabels": {"tier": "compute"}, "removeLabels": ["old"]}
    assert plan["taints"] == {
        "addOrUpdateTaints": [{"key": "b", "effect": "NO_EXECUTE"}],
        "removeTaints": [{"key": "a", "value": "1", "effect": "NO_SCHEDULE"}],
    }
    assert plan["updateConfig"] == {"maxUnavailablePercentage": 25}


def test_immutable_differences_and_version_plan() -> None:
    current = {
        "nodeRole": "arn:r",
        "subnets": ["subnet-b", "subnet-a"],
        "capacityType": "SPOT",
        "launchTemplate": {"id": "lt-1", "version": "1"},
        "version": "1.30",
    }
    wanted = {"node_role_arn": "arn:r", "subnet_ids": ["subnet-a", "subnet-b"], "capacity_type": "SPOT"}
    assert eks_nodegroup.immutable_differences(current, {**wanted, "launch_template": {"id": "lt-1"}}) == {}
    differences = eks_nodegroup.immutable_differences(current, {**wanted, "capacity_type": "ON_DEMAND"})
    assert set(differences) == {"capacity_type"}, "an option left out (the launch template) is not compared"
    differences = eks_nodegroup.immutable_differences(current, {**wanted, "launch_template": {"id": "lt-2"}})
    assert differences == {"launch_template": ("lt-1", "lt-2")}
    template = {"id": "lt-1", "name": "n", "version": "2"}
    plan, error = eks_nodegroup.plan_version(current, template, None, "1.31", False)
    assert error is None and plan == {"launchTemplate": {"id": "lt-1", "version": "2"}, "version": "1.31"}
    assert eks_nodegroup.plan_version(current, template, None, "1.31", True)[0] == {
        "launchTemplate": {"id": "lt-1", "version": "2"}
    }
    assert "cannot downgrade" in eks_nodegroup.plan_version(current, None, "1.29", "1.31", False)[1]


def test_validate() -> None:
    ok = {"state": "present", "scaling": {"min_size": 1, "max_size": 4, "desired_size": 2}, "capacity_type": "SPOT"}
    assert eks_nodegroup.validate({**ok, "instance_types": ["t3.small", "t3.medium"]}) == ([], [])
    errors, warnings = eks_nodegroup.validate({**ok, "instance_types": ["t3.small"]})
    assert errors == [] and "Spot capacity diversity" in warnings[0]
    errors, _ = eks_nodegroup.validate(
        {
            **ok,
            "scaling": {"min_size": 3, "max_size": 2, "desired_size": 5},
            "disk_size": 20,
            "launch_template": {"id": "lt"},
        }
    )
    assert len(errors) == 3
    assert eks_nodegroup.validate({"state": "absent", "scaling": {"max_size": 0}}) == ([], [])
