"""EKS control-plane logic (plugins/module_utils/eks.py, iam_oidc.py): validation, version and
authentication-mode steps, the update plan and its order, access entry plans. Pure: no AWS."""

from __future__ import annotations

import pytest
from ansible_collections.ecap.platform.plugins.module_utils.eks import (
    UPDATE_ORDER,
    auth_mode_steps,
    cluster_view,
    create_request,
    logging_request,
    plan_access_entry,
    plan_cluster,
    validate_access_entry_params,
    validate_cluster_params,
    version_step,
)
from ansible_collections.ecap.platform.plugins.module_utils.iam_oidc import (
    plan_provider,
    provider_arn,
    validate_provider_params,
)

KEY = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ROLE = "arn:aws:iam::123456789012:role/ecap-dev-analyst"
POLICY = "arn:aws:eks::aws:cluster-access-policy/"


def described(**overrides):
    """A cluster as DescribeCluster returns it."""
    cluster = {
        "name": "ecap-dev-eks",
        "arn": "arn:aws:eks:us-west-2:123456789012:cluster/ecap-dev-eks",
        "version": "1.30",
        "roleArn": "arn:aws:iam::123456789012:role/eks",
        "status": "ACTIVE",
        "resourcesVpcConfig": {
            "subnetIds": ["subnet-b", "subnet-a"],
            "securityGroupIds": ["sg-1"],
            "endpointPublicAccess": True,
            "endpointPrivateAccess": False,
            "publicAccessCidrs": ["0.0.0.0/0"],
        },
        "logging": {"clusterLogging": [{"types": ["api"], "enabled": True}, {"types": ["audit"], "enabled": False}]},
        "accessConfig": {"authenticationMode": "CONFIG_MAP", "bootstrapClusterCreatorAdminPermissions": True},
        "encryptionConfig": [],
        "tags": {"Project": "ecap"},
    }
    cluster.update(overrides)
    return cluster


def params(**overrides):
    base = {"name": "ecap-dev-eks", "state": "present", "purge_tags": True, "wait_timeout": 10, "wait_delay": 1}
    base.update(overrides)
    return base


@pytest.mark.parametrize(
    ("current", "wanted", "expected"),
    [
        ("1.30", None, (False, None)),
        ("1.30", "1.30", (False, None)),
        ("1.30", "1.31", (True, None)),
        ("1.9", "1.10", (True, None)),
    ],
)
def test_version_step_allows_one_minor(current, wanted, expected) -> None:
    assert version_step(current, wanted) == expected


def test_version_step_refuses_jumps_and_downgrades() -> None:
    upgrade, error = version_step("1.30", "1.32")
    assert not upgrade and "one minor version at a time" in error and "1.31" in error
    upgrade, error = version_step("1.30", "1.29")
    assert not upgrade and "cannot downgrade" in error
    assert version_step("1.30", "2.0")[1]


def test_auth_mode_steps_forward_only() -> None:
    assert auth_mode_steps("CONFIG_MAP", "API") == (["API_AND_CONFIG_MAP", "API"], None)
    assert auth_mode_steps("API_AND_CONFIG_MAP", "API") == (["API"], None)
    assert auth_mode_steps("API", "API") == ([], None)
    assert auth_mode_steps(None, None) == ([], None)
    steps, error = auth_mode_steps("API", "CONFIG_MAP")
    assert steps == [] and "cannot move it back" in error


def test_validate_cluster_params() -> None:
    assert validate_cluster_params(params(version="1.31", public_access_cidrs=["203.0.113.0/24"])) == []
    errors = validate_cluster_params(
        params(
            version="v1.31",
            public_access_cidrs=["203.0.113.1/24"],
            endpoint_public_access=False,
            endpoint_private_access=False,
            secrets_kms_key_arn="alias/eks",
            authentication_mode="CONFIG_MAP",
            bootstrap_cluster_creator_admin_permissions=False,
        )
    )
    text = " ".join(errors)
    for fragment in ("MAJOR.MINOR", "not a CIDR", "cannot both be false", "not a KMS key ARN", "CONFIG_MAP"):
        assert fragment in text
    assert validate_cluster_params({"name": "bad name!", "state": "absent"})


def test_cluster_view_normalises() -> None:
    view = cluster_view(described())
    assert view["subnet_ids"] == ["subnet-a", "subnet-b"]
    assert view["logging_types"] == ["api"]
    assert view["authentication_mode"] == "CONFIG_MAP" and view["secrets_kms_key_arn"] is None
    assert cluster_view(None) == {}


def test_plan_nothing_to_do() -> None:
    plan = plan_cluster(described(), params(version="1.30", logging_types=["api"], subnet_ids=["subnet-a", "subnet-b"]))
    assert not plan.changed and plan.errors == [] and plan.warnings == []


def test_plan_orders_the_updates() -> None:
    plan = plan_cluster(
        described(),
        params(
            version="1.31",
            endpoint_private_access=True,
            public_access_cidrs=["203.0.113.0/24"],
            logging_types=[],
            authentication_mode="API",
            secrets_kms_key_arn=KEY,
            tags={"Project": "ecap", "Owner": "data"},
        ),
    )
    types = [u.type for u in plan.updates]
    assert types == [
        "EndpointAccessUpdate",
        "LoggingUpdate",
        "AccessConfigUpdate",
        "AccessConfigUpdate",
        "AssociateEncryptionConfig",
        "VersionUpdate",
    ]
    assert [t for t in UPDATE_ORDER if t in types] == list(dict.fromkeys(types))
    assert plan.updates[0].request == {
        "resourcesVpcConfig": {"endpointPrivateAccess": True, "publicAccessCidrs": ["203.0.113.0/24"]}
    }
    assert plan.updates[1].request["logging"] == {
        "clusterLogging": [
            {"types": ["api", "audit", "authenticator", "controllerManager", "scheduler"], "enabled": False}
        ]
    }
    assert [u.request["accessConfig"]["authenticationMode"] for u in plan.updates[2:4]] == ["API_AND_CONFIG_MAP", "API"]
    assert plan.updates[4].operation == "associate_encryption_config"
    assert plan.tags_to_set == {"Owner": "data"} and plan.tags_to_unset == []
    assert plan.after["version"] == "1.31" and plan.after["authentication_mode"] == "API"
    assert plan.after["tags"] == {"Project": "ecap", "Owner": "data"}


def test_plan_refusals_and_warnings() -> None:
    encrypted = described(encryptionConfig=[{"resources": ["secrets"], "provider": {"keyArn": KEY}}])
    plan = plan_cluster(
        encrypted,
        params(
            version="1.32",
            authentication_mode="CONFIG_MAP",
            secrets_kms_key_arn=KEY.replace("1234abcd", "9999abcd"),
            subnet_ids=["subnet-c"],
            role_arn="arn:aws:iam::123456789012:role/other",
        ),
    )
    assert len(plan.errors) == 2 and "cannot change the key" in plan.errors[0] and "1.31" in plan.errors[1]
    assert [w.split(" ")[0] for w in plan.warnings] == ["role_arn", "subnet_ids"]
    assert not plan_cluster(encrypted, params(secrets_kms_key_arn=KEY)).changed
    closing = plan_cluster(described(), params(endpoint_public_access=False))
    assert "neither a public nor a private endpoint" in closing.errors[0]


def test_tags_left_alone_when_not_set() -> None:
    assert not plan_cluster(described(tags={"Project": "ecap", "x": "y"}), params()).changed
    purge = plan_cluster(described(tags={"Project": "ecap", "x": "y"}), params(tags={"Project": "ecap"}))
    assert purge.tags_to_unset == ["x"]
    keep = plan_cluster(described(tags={"x": "y"}), params(tags={"Project": "ecap"}, purge_tags=False))
    assert (keep.tags_to_set, keep.tags_to_unset) == ({"Project": "ecap"}, [])


def test_create_request() -> None:
    request = create_request(
        params(
            role_arn="arn:aws:iam::123456789012:role/eks",
            subnet_ids=["subnet-a", "subnet-b"],
            endpoint_private_access=True,
            logging_types=["audit"],
            secrets_kms_key_arn=KEY,
            authentication_mode="API",
            bootstrap_cluster_creator_admin_permissions=True,
            tags={"Project": "ecap", "n": 1},
        ),
        "tok",
    )
    assert request["clientRequestToken"] == "tok"
    assert request["resourcesVpcConfig"] == {"subnetIds": ["subnet-a", "subnet-b"], "endpointPrivateAccess": True}
    assert request["accessConfig"] == {"authenticationMode": "API", "bootstrapClusterCreatorAdminPermissions": True}
    assert request["encryptionConfig"] == [{"resources": ["secrets"], "provider": {"keyArn": KEY}}]
    assert request["logging"] == logging_request(["audit"])
    assert request["tags"] == {"Project": "ecap", "n": "1"}
    assert "version" not in request, "EKS picks its default version"


# --------------------------------------------------------------------------- access entries


def entry(**overrides):
    data = {"principalArn": ROLE, "type": "STANDARD", "kubernetesGroups": ["b", "a"], "username": "u", "tags": {}}
    data.update(overrides)
    return data


def test_plan_access_entry_create_and_converged() -> None:
    wanted = {"principal_arn": ROLE, "access_policies": [{"policy": "AmazonEKSViewPolicy"}]}
    plan = plan_access_entry(None, [], wanted)
    assert plan.create and plan.associate == {POLICY + "AmazonEKSViewPolicy": {"type": "cluster"}}
    associated = [{"policyArn": POLICY + "AmazonEKSViewPolicy", "accessScope": {"type": "cluster", "namespaces": []}}]
    assert not plan_access_entry(entry(), associated, {**wanted, "kubernetes_groups": ["a", "b"]}).changed


def test_plan_access_entry_updates_scopes_and_purges() -> None:
    associated = [
        {"policyArn": POLICY + "AmazonEKSViewPolicy", "accessScope": {"type": "namespace", "namespaces": ["x"]}},
        {"policyArn": POLICY + "AmazonEKSEditPolicy", "accessScope": {"type": "cluster"}},
    ]
    wanted = {
        "principal_arn": ROLE,
        "username": "v",
        "access_policies": [
            {"policy": "AmazonEKSViewPolicy", "access_scope_type": "namespace", "namespaces": ["y", "x"]}
        ],
        "tags": {"a": "b"},
    }
    plan = plan_access_entry(entry(), associated, wanted)
    assert plan.update == {"username": "v"}
    assert plan.associate == {POLICY + "AmazonEKSViewPolicy": {"type": "namespace", "namespaces": ["x", "y"]}}
    assert plan.disassociate == [POLICY + "AmazonEKSEditPolicy"]
    assert plan.tags_to_set == {"a": "b"}
    kept = plan_access_entry(entry(), associated, {**wanted, "purge_access_policies": False})
    assert kept.disassociate == []
    retyped = plan_access_entry(entry(), [], {"principal_arn": ROLE, "type": "EC2_LINUX"})
    assert "cannot change it to EC2_LINUX" in retyped.errors[0]


def test_validate_access_entry_params() -> None:
    assert (
        validate_access_entry_params({"principal_arn": ROLE, "access_policies": [{"policy": "AmazonEKSViewPolicy"}]})
        == []
    )
    errors = " ".join(
        validate_access_entry_params(
            {
                "principal_arn": ROLE,
                "type": "EC2_LINUX",
                "kubernetes_groups": ["system:masters"],
                "access_policies": [
                    {"policy": "AmazonEKSViewPolicy", "policy_arn": POLICY + "AmazonEKSViewPolicy"},
                    {"policy": "AmazonEKSEditPolicy", "access_scope_type": "namespace"},
                    {
                        "policy_arn": "arn:aws:iam::aws:policy/Admin",
                        "access_scope_type": "cluster",
                        "namespaces": ["x"],
                    },
                ],
            }
        )
    )
    for fragment in (
        "type EC2_LINUX",
        "system:",
        "exactly one of policy_arn and policy",
        "needs namespaces",
        "not an EKS access policy ARN",
        "only allowed with access_scope_type namespace",
    ):
        assert fragment in errors
    assert validate_access_entry_params({"principal_arn": "arn:aws:sts::123456789012:assumed-role/x/y"})


# --------------------------------------------------------------------------- OIDC providers


def test_provider_arn_and_validation() -> None:
    url = "https://oidc.eks.us-west-2.amazonaws.com/id/ABC/"
    assert (
        provider_arn("123456789012", url)
        == "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABC"
    )
    assert validate_provider_params({"url": url, "client_ids": ["sts.amazonaws.com"]}) == []
    errors = " ".join(validate_provider_params({"url": "http://x?y=1", "client_ids": [], "thumbprints": ["ab"]}))
    assert "https://" in errors and "at least one audience" in errors and "40 hex" in errors


def test_plan_provider() -> None:
    current = {
        "ClientIDList": ["sts.amazonaws.com", "old"],
        "ThumbprintList": ["A" * 40],
        "Tags": [{"Key": "a", "Value": "1"}],
    }
    plan = plan_provider(current, {"client_ids": ["sts.amazonaws.com", "new"], "thumbprints": None, "tags": None})
    assert (plan.add_client_ids, plan.remove_client_ids, plan.thumbprints) == (["new"], ["old"], None)
    assert not plan.tags_to_set and not plan.tags_to_unset
    same = plan_provider(
        current, {"client_ids": ["old", "sts.amazonaws.com"], "thumbprints": ["a" * 40], "tags": {"a": "1"}}
    )
    assert not same.changed, "thumbprints compare case-insensitively, client ids as a set"
    assert plan_provider(None, {"client_ids": ["x"]}).create
