"""The eks tier alone (site.yml --tags eks) on a boto3-made foundation, against the emulator:
check mode on nothing -> create (cluster, OIDC, access entry, IRSA, add-ons, launch template, node groups,
kubeconfig) -> re-run changes nothing -> update (log types, node group scaling, an add-on version) ->
absent in reverse order -> absent again changes nothing. Then bad input, refused before any call.

Every assertion reads the state back through the API, not from the role's own results."""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import yaml

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
# The tier's modules (eks_cluster, eks_nodegroup, eks_addon, ...) land together with the site wiring.
if not all((ROOT / "plugins/modules" / f"{m}.py").exists() for m in ("eks_cluster", "eks_nodegroup", "eks_addon")):
    pytest.skip("the eks modules are not in this checkout yet", allow_module_level=True)

CLUSTER = "ecap-local-eks"
NODEGROUPS = {f"{CLUSTER}-system", f"{CLUSTER}-workload"}
ADDONS = {
    "vpc-cni",
    "kube-proxy",
    "eks-pod-identity-agent",
    "coredns",
    "aws-ebs-csi-driver",
    "amazon-cloudwatch-observability",
}
IRSA = {
    "vpc-cni": "kube-system:aws-node",
    "ebs-csi": "kube-system:ebs-csi-controller-sa",
    "load-balancer-controller": "kube-system:aws-load-balancer-controller",
    "cluster-autoscaler": "kube-system:cluster-autoscaler",
    "analytics": "ecap:analytics",
    "cloudwatch-agent": "amazon-cloudwatch:cloudwatch-agent",
    "otel-collector": "ecap:otel-collector",
    "grafana": "monitoring:grafana",
    "alertmanager": "monitoring:kube-prometheus-stack-alertmanager",
}
ALL_LOGS = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
# Statements that need "Resource": "*" for a write action (listed in roles/eks/README.md).
# Each with its condition key, or None where AWS has none for the action (X-Ray's trace writes).
STAR_WRITES_ALLOWED = {
    ("cluster-autoscaler", "ScaleOwnedGroups"): "aws:ResourceTag/k8s.io/cluster-autoscaler/ecap-local-eks",
    ("cloudwatch-agent", "PutContainerInsightsMetrics"): "cloudwatch:namespace",
    ("analytics", "PutBusinessMetrics"): "cloudwatch:namespace",
    ("otel-collector", "SendTracesToXRay"): None,
}
READ_PREFIXES = ("Describe", "Get", "List")


def run(runner, foundation, *, check=False, **extra):
    return runner.run("site.yml", "--tags", "eks", extra={**foundation, **extra}, check=check)


def roles(iam):
    return {r["RoleName"]: r for r in iam.list_roles(MaxItems=1000)["Roles"] if r["RoleName"].startswith(f"{CLUSTER}-")}


def document(value):
    return json.loads(value) if isinstance(value, str) else value


def inline_policies(iam, role):
    names = iam.list_role_policies(RoleName=role)["PolicyNames"]
    return {n: document(iam.get_role_policy(RoleName=role, PolicyName=n)["PolicyDocument"]) for n in names}


def as_list(value):
    return value if isinstance(value, list) else [value]


def test_eks_tier(runner, foundation, emulator, aws, tmp_path, count_calls):
    eks, iam, ec2, logs = aws("eks"), aws("iam"), aws("ec2"), aws("logs")
    keys = foundation["kms_outputs"]["key_arns"]
    private = foundation["network_outputs"]["private_subnet_ids"]
    groups = foundation["security_groups_outputs"]["group_ids"]

    # ------------------------------------------------------------------ check mode on nothing
    before = emulator.counters()["mutating"]
    checked = run(runner, foundation, check=True)
    assert checked.rc == 0, checked.failure_text()
    assert checked.changed > 0, "check mode must report what it would create"
    assert emulator.counters()["mutating"] == before, "check mode made a mutating call"
    assert eks.list_clusters()["clusters"] == []

    # ------------------------------------------------------------------ create
    created = run(runner, foundation)
    assert created.rc == 0, created.failure_text()
    assert any(t["name"].endswith("Wait for the EKS cluster to be ACTIVE") for t in created.tasks)

    cluster = eks.describe_cluster(name=CLUSTER)["cluster"]
    assert cluster["status"] == "ACTIVE"
    assert cluster["version"] == "1.33"
    vpc = cluster["resourcesVpcConfig"]
    assert sorted(vpc["subnetIds"]) == sorted(private)
    assert vpc["securityGroupIds"] == [groups["eks_cluster"]]
    assert (vpc["endpointPublicAccess"], vpc["endpointPrivateAccess"]) == (True, True), "local mirrors dev"
    [encryption] = cluster["encryptionConfig"]
    assert encryption["provider"]["keyArn"] == keys["eks"] and encryption["resources"] == ["secrets"]
    enabled = [t for entry in cluster["logging"]["clusterLogging"] if entry["enabled"] for t in entry["types"]]
    assert sorted(enabled) == sorted(ALL_LOGS)
    assert cluster["accessConfig"]["authenticationMode"] == "API"
    assert cluster["tags"]["Project"] == "ecap" and cluster["tags"]["Environment"] == "local"
    [group] = logs.describe_log_groups(logGroupNamePrefix=f"/aws/eks/{CLUSTER}/cluster")["logGroups"]
    assert group["kmsKeyId"] == keys["logs"] and group["retentionInDays"] == 7

    # the OIDC provider of the issuer, for IRSA
    issuer = cluster["identity"]["oidc"]["issuer"]
    host = issuer.removeprefix("https://")
    providers = [p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]]
    [provider_arn] = [p for p in providers if p.endswith(f"oidc-provider/{host}")]
    assert iam.get_open_id_connect_provider(OpenIDConnectProviderArn=provider_arn)["ClientIDList"] == [
        "sts.amazonaws.com"
    ]

    # the caller is cluster-admin through an access entry
    caller = aws("sts").get_caller_identity()["Arn"].replace(":sts::", ":iam::")
    assert caller in eks.list_access_entries(clusterName=CLUSTER)["accessEntries"]
    associated = eks.list_associated_access_policies(clusterName=CLUSTER, principalArn=caller)[
        "associatedAccessPolicies"
    ]
    assert [(p["policyArn"].rsplit("/", 1)[1], p["accessScope"]["type"]) for p in associated] == [
        ("AmazonEKSClusterAdminPolicy", "cluster")
    ]

    # IRSA: each role trusts exactly one service account of this issuer, audience sts.amazonaws.com
    found = roles(iam)
    for suffix, subject in IRSA.items():
        trust = document(found[f"{CLUSTER}-{suffix}"]["AssumeRolePolicyDocument"])
        [statement] = trust["Statement"]
        assert statement["Principal"] == {"Federated": provider_arn}
        assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
        assert statement["Condition"] == {
            "StringEquals": {f"{host}:sub": f"system:serviceaccount:{subject}", f"{host}:aud": "sts.amazonaws.com"}
        }, suffix
    attached = {
        p["PolicyName"] for p in iam.list_attached_role_policies(RoleName=f"{CLUSTER}-node")["AttachedPolicies"]
    }
    assert attached == {"AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly"}, "no CNI policy on nodes"
    cni = iam.list_attached_role_policies(RoleName=f"{CLUSTER}-vpc-cni")["AttachedPolicies"]
    assert [p["PolicyName"] for p in cni] == ["AmazonEKS_CNI_Policy"]

    # no policy the tier writes allows a write action on "*", except where AWS requires it
    for role in found:
        for name, policy in inline_policies(iam, role).items():
            for statement in policy["Statement"]:
                if statement["Effect"] != "Allow" or "*" not in as_list(statement["Resource"]):
                    continue
                writes = [a for a in as_list(statement["Action"]) if not a.split(":")[1].startswith(READ_PREFIXES)]
                if writes:
                    key = (role.removeprefix(f"{CLUSTER}-"), statement["Sid"])
                    assert key in STAR_WRITES_ALLOWED, (role, writes)
                    if STAR_WRITES_ALLOWED[key]:
                        condition_keys = {k for test in statement["Condition"].values() for k in test}
                        message = f"{role}/{name}: a write on * must be conditioned"
                        assert STAR_WRITES_ALLOWED[key] in condition_keys, message

    # Grafana reads CloudWatch and queries this environment's log groups only; Alertmanager may only publish
    # to the alarm topic (through SNS with its key)
    [grafana] = inline_policies(iam, f"{CLUSTER}-grafana").values()
    actions = {a for s in grafana["Statement"] for a in as_list(s["Action"])}
    assert all(a.split(":")[1].startswith(READ_PREFIXES) or a == "logs:StartQuery" for a in actions), actions
    queried = next(s for s in grafana["Statement"] if "logs:StartQuery" in as_list(s["Action"]))
    assert all(":log-group:/" in r and "ecap-local" in r for r in as_list(queried["Resource"])), queried
    [alertmanager] = inline_policies(iam, f"{CLUSTER}-alertmanager").values()
    publish = next(s for s in alertmanager["Statement"] if s["Action"] == "sns:Publish")
    assert publish["Resource"].endswith(":sns:us-west-2:123456789012:ecap-local-alarms"), publish
    assert {a for s in alertmanager["Statement"] for a in as_list(s["Action"])} <= {
        "sns:Publish",
        "kms:GenerateDataKey",
        "kms:Decrypt",
    }

    # the launch template: IMDSv2 required, hop limit 1, encrypted gp3 root volume with the eks key, no SSH key
    [template] = ec2.describe_launch_templates(LaunchTemplateNames=[f"{CLUSTER}-nodes"])["LaunchTemplates"]
    data = ec2.describe_launch_template_versions(LaunchTemplateId=template["LaunchTemplateId"], Versions=["$Latest"])[
        "LaunchTemplateVersions"
    ][0]["LaunchTemplateData"]
    assert data["MetadataOptions"]["HttpTokens"] == "required"
    assert data["MetadataOptions"]["HttpPutResponseHopLimit"] == 1
    [root] = data["BlockDeviceMappings"]
    assert root["Ebs"]["Encrypted"] is True and root["Ebs"]["VolumeType"] == "gp3"
    assert root["Ebs"]["KmsKeyId"] == keys["eks"]
    assert "KeyName" not in data
    assert groups["eks_nodes"] in data["SecurityGroupIds"]

    # node groups: on-demand system, spot workload with several instance types
    assert set(eks.list_nodegroups(clusterName=CLUSTER)["nodegroups"]) == NODEGROUPS
    system = eks.describe_nodegroup(clusterName=CLUSTER, nodegroupName=f"{CLUSTER}-system")["nodegroup"]
    workload = eks.describe_nodegroup(clusterName=CLUSTER, nodegroupName=f"{CLUSTER}-workload")["nodegroup"]
    assert system["capacityType"] == "ON_DEMAND" and system["status"] == "ACTIVE"
    assert workload["capacityType"] == "SPOT"
    assert sorted(workload["instanceTypes"]) == ["t3.medium", "t3.small", "t3a.medium"]
    assert workload["scalingConfig"] == {"minSize": 1, "maxSize": 4, "desiredSize": 2}
    assert workload["labels"] == {"ecap.io/node-role": "workload"}
    assert workload["launchTemplate"]["id"] == template["LaunchTemplateId"]
    assert workload["nodeRole"].endswith(f":role/{CLUSTER}-node")

    # add-ons: all active, the CNI and the EBS CSI driver with their IRSA roles
    assert set(eks.list_addons(clusterName=CLUSTER)["addons"]) == ADDONS
    for name in ADDONS:
        assert eks.describe_addon(clusterName=CLUSTER, addonName=name)["addon"]["status"] == "ACTIVE", name
    cni_addon = eks.describe_addon(clusterName=CLUSTER, addonName="vpc-cni")["addon"]
    assert cni_addon["serviceAccountRoleArn"] == found[f"{CLUSTER}-vpc-cni"]["Arn"]
    # Container Insights: the add-on with its role and container logs on, writing to four log groups the role
    # made with the logs key and the retention (its role cannot create log groups)
    insights = eks.describe_addon(clusterName=CLUSTER, addonName="amazon-cloudwatch-observability")["addon"]
    assert insights["serviceAccountRoleArn"] == found[f"{CLUSTER}-cloudwatch-agent"]["Arn"]
    assert json.loads(insights["configurationValues"]) == {"containerLogs": {"enabled": True}}
    prefix = f"/aws/containerinsights/{CLUSTER}/"
    made = aws("logs").describe_log_groups(logGroupNamePrefix=prefix)["logGroups"]
    kinds = sorted(g["logGroupName"].removeprefix(prefix) for g in made)
    assert kinds == ["application", "dataplane", "host", "performance"]
    assert all(g["kmsKeyId"] == keys["logs"] and g["retentionInDays"] == 7 for g in made), made
    [agent] = inline_policies(iam, f"{CLUSTER}-cloudwatch-agent").values()
    agent_actions = {a for s in agent["Statement"] for a in as_list(s["Action"])}
    assert "logs:CreateLogGroup" not in agent_actions
    writes = next(s for s in agent["Statement"] if "logs:PutLogEvents" in as_list(s["Action"]))
    assert all(r.startswith(f"arn:aws:logs:us-west-2:123456789012:log-group:{prefix}") for r in writes["Resource"])

    # the kubeconfig parses with the Kubernetes client: the cluster's endpoint and CA, the aws eks get-token exec entry
    from kubernetes.config.kube_config import KubeConfigLoader

    kubeconfig = yaml.safe_load((runner.build_dir / "kubeconfig").read_text())
    loader = KubeConfigLoader(config_dict=kubeconfig)
    assert loader.current_context["context"]["cluster"] == cluster["arn"]
    [entry] = [c for c in kubeconfig["clusters"] if c["name"] == cluster["arn"]]
    assert entry["cluster"]["server"] == cluster["endpoint"].rstrip("/")
    assert entry["cluster"]["certificate-authority-data"] == cluster["certificateAuthority"]["data"]
    [user] = [u for u in kubeconfig["users"] if u["name"] == cluster["arn"]]
    assert user["user"]["exec"]["args"][-4:-2] == ["--cluster-name", CLUSTER]

    # ------------------------------------------------------------------ re-run: no change
    with count_calls("iam") as iam_calls:
        again = run(runner, foundation)
    assert again.rc == 0, again.failure_text()
    assert again.changed == 0, again.changed_tasks()
    # 11 roles: cluster and node (GetRole, attached), 9 IRSA roles (also their inline policies, 8 of them have
    # one), each role and its inline policy one task item; plus the OIDC provider.
    role_calls = {k: v for k, v in iam_calls.calls.items() if "OpenIDConnect" not in k}
    assert role_calls == {"GetRole": 11, "ListAttachedRolePolicies": 11, "ListRolePolicies": 9, "GetRolePolicy": 8}

    # ------------------------------------------------------------------ update
    versions = eks.describe_addon_versions(addonName="coredns", kubernetesVersion="1.33")["addons"][0]["addonVersions"]
    current = eks.describe_addon(clusterName=CLUSTER, addonName="coredns")["addon"]["addonVersion"]
    other = next(v["addonVersion"] for v in versions if v["addonVersion"] != current)
    addons = [
        {"name": "vpc-cni", "version": None, "irsa": "vpc_cni", "before_nodes": True},
        {"name": "kube-proxy", "version": None, "before_nodes": True},
        {"name": "eks-pod-identity-agent", "version": None, "before_nodes": True},
        {"name": "coredns", "version": other},
        {"name": "aws-ebs-csi-driver", "version": None, "irsa": "ebs_csi"},
        {"name": "amazon-cloudwatch-observability", "version": None, "irsa": "cloudwatch_agent",
         "configuration_values": {"containerLogs": {"enabled": True}}},
    ]  # fmt: skip
    node_groups = [
        {"name": "system", "capacity_type": "ON_DEMAND", "instance_types": ["t3.medium"], "min_size": 1,
         "desired_size": 1, "max_size": 2, "labels": {"ecap.io/node-role": "system"}, "taints": []},
        {"name": "workload", "capacity_type": "SPOT", "instance_types": ["t3.small", "t3.medium", "t3a.medium"],
         "min_size": 1, "desired_size": 2, "max_size": 6, "labels": {"ecap.io/node-role": "workload"}, "taints": []},
    ]  # fmt: skip
    update = {
        "eks_cluster_log_types": ["api", "audit"],
        "eks_addons": addons,
        "eks_node_groups": node_groups,
        "eks_endpoint_public_access": False,  # prod's private-only endpoint
    }
    updated = run(runner, foundation, **update)
    assert updated.rc == 0, updated.failure_text()
    cluster = eks.describe_cluster(name=CLUSTER)["cluster"]
    enabled = [t for entry in cluster["logging"]["clusterLogging"] if entry["enabled"] for t in entry["types"]]
    assert sorted(enabled) == ["api", "audit"]
    vpc = cluster["resourcesVpcConfig"]
    assert (vpc["endpointPublicAccess"], vpc["endpointPrivateAccess"]) == (False, True)
    workload = eks.describe_nodegroup(clusterName=CLUSTER, nodegroupName=f"{CLUSTER}-workload")["nodegroup"]
    assert workload["scalingConfig"]["maxSize"] == 6
    assert eks.describe_addon(clusterName=CLUSTER, addonName="coredns")["addon"]["addonVersion"] == other
    again = run(runner, foundation, **update)
    assert again.rc == 0, again.failure_text()
    assert again.changed == 0, again.changed_tasks()

    # ------------------------------------------------------------------ absent, twice
    removed = run(runner, foundation, ecap_state="absent")
    assert removed.rc == 0, removed.failure_text()
    assert eks.list_clusters()["clusters"] == []
    assert roles(iam) == {}
    assert not [p for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"] if host in p["Arn"]]
    assert (
        ec2.describe_launch_templates(Filters=[{"Name": "launch-template-name", "Values": [f"{CLUSTER}-nodes"]}])[
            "LaunchTemplates"
        ]
        == []
    )
    assert logs.describe_log_groups(logGroupNamePrefix=f"/aws/eks/{CLUSTER}")["logGroups"] == []
    again = run(runner, foundation, ecap_state="absent")
    assert again.rc == 0, again.failure_text()
    assert again.changed == 0, again.changed_tasks()


def token_url(token: str) -> str:
    payload = token.removeprefix("k8s-aws-v1.")
    return base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()


def test_token_of_the_kubeconfig_is_a_presigned_sts_url(tmp_path):
    """The token helper's output, as kubernetes.core receives it (no aws CLI): a presigned STS GetCallerIdentity."""
    sys.path.insert(0, str(ROOT / ".collections"))
    import boto3
    from ansible_collections.ecap.platform.plugins.module_utils import eks_token

    session = boto3.session.Session(aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="x", region_name="us-west-2")
    token = eks_token.get_token(session, CLUSTER, "us-west-2")["token"]
    url = urlparse(token_url(token))
    query = parse_qs(url.query)
    assert url.hostname == "sts.us-west-2.amazonaws.com"
    assert query["Action"] == ["GetCallerIdentity"]
    assert "x-k8s-aws-id" in query["X-Amz-SignedHeaders"][0].split(";")


BAD = [
    ({"ecap_env": "prod", "eks_endpoint_public_access": True, "eks_public_access_cidrs": ["0.0.0.0/0"]},
     "prod may not open a public endpoint to 0.0.0.0/0"),
    ({"eks_cluster_version": "1.2"}, "eks_cluster_version=1.2 must be a Kubernetes minor version"),
    ({"eks_node_groups": [{"name": "big", "capacity_type": "SPOT", "instance_types": ["t3.small"],
                           "min_size": 3, "desired_size": 2, "max_size": 4}]}, "min_size <= desired_size <= max_size"),
    ({"eks_node_groups": [{"name": "odd", "capacity_type": "RESERVED", "instance_types": ["t3.small"],
                           "min_size": 1, "desired_size": 1, "max_size": 1}]}, "capacity_type=RESERVED must be one of"),
    ({"eks_node_groups": [{"name": "od", "capacity_type": "ON_DEMAND", "instance_types": ["t3.small"],
                           "min_size": 1, "desired_size": 1, "max_size": 1}]}, "dev runs its workload nodes on spot"),
    ({"eks_admin_principals": ["arn:aws:sts::123456789012:assumed-role/Admin/me"]}, "eks_admin_principals="),
    ({"eks_public_access_cidrs": ["10.0.0.0/33"]}, "must be IPv4 CIDRs"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("extra", "message"),
    BAD,
    ids=["prod-public", "version", "scaling", "capacity-type", "dev-spot", "admin-arn", "cidr"],
)
def test_bad_input_is_refused_before_any_call(runner, foundation, emulator, extra, message):
    before = emulator.counters()["mutating"]
    result = run(runner, foundation, **extra)
    assert result.rc != 0
    assert message in result.failure_text(), result.failure_text()
    assert emulator.counters()["mutating"] == before, "a mutating call was made before the input was refused"
