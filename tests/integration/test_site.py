"""The whole site (kms, network, security_groups, datalake, ingress, rds, msk, redis, eks, observability, offhours)
against the emulator, in the amazon.aws rhythm: plan (check mode) on nothing -> create -> drift made by hand shows
in the plan as exactly those two changes (so everything else plans "no change") -> update (reverts the drift) ->
re-run changes nothing -> teardown leaves nothing tagged -> teardown again changes nothing. The plan on an empty
account and the refusals that make no call run on their own emulator beside it (test_site_plan.py).

Each tier's own rhythm (check mode, create, re-run, update, absent, absent again) is in
test_role_<tier>.py on a boto3-made foundation; this file proves the tiers together."""

from __future__ import annotations

import base64
import collections
import json

import pytest
import yaml

PROJECT_TAG = "Project=ecap"
SERVICES = {"eks", "rds", "msk", "redis", "s3", "logs", "secrets", "sns"}
SG_KEYS = {"alb", "eks_cluster", "eks_nodes", "rds", "msk", "redis", "monitoring"}

pytestmark = pytest.mark.integration


def _vpc(aws):
    vpcs = aws("ec2").describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["ecap-local-vpc"]}])["Vpcs"]
    return vpcs


def test_create(runner, aws, emulator):
    result = runner.run()
    assert result.rc == 0, result.failure_text()

    # Everything the three tiers make carries the project tag, so the leak report can find it.
    kinds = collections.Counter(f"{r['service']}:{r['type']}" for r in emulator.resources(PROJECT_TAG))
    assert kinds == {
        "ec2:vpc": 1,
        "ec2:subnet": 9,
        "ec2:internet_gateway": 1,
        "ec2:elastic_ip": 1,
        "ec2:nat_gateway": 1,
        "ec2:route_table": 3,
        "ec2:vpc_endpoint": 1,
        "ec2:flow_log": 1,
        "ec2:security_group": 7,
        "iam:role": 15,  # flow logs, RDS monitoring, EKS cluster and nodes, 9 IRSA roles, CloudTrail to Logs, offhours
        "iam:oidc_provider": 1,
        "logs:log_group": 11,  # 7 of the tiers, 4 of Container Insights
        "iam:policy": 2,
        "kafka:cluster": 1,
        "s3:bucket": 3,  # data lake, access logs, CloudTrail
        "rds:db": 1,
        "rds:snapshot": 1,  # the automated snapshot RDS takes of a new instance
        "elasticache:parametergroup": 1,
        "elasticache:replicationgroup": 1,
        "secretsmanager:secret": 2,  # the Redis AUTH token, Grafana's admin password
        "kms:key": 8,
        "kms:alias": 8,
        "elasticloadbalancing:loadbalancer": 1,
        "elasticloadbalancing:targetgroup": 2,
        "ec2:launch_template": 1,
        "eks:cluster": 1,
        "eks:nodegroup": 2,
        "eks:addon": 6,
        # observability: RDS 3, MSK 2 per broker (2), Redis 3 per node (1), ALB 2, EKS 1, app errors 2 (ecap,
        # monitoring), orders stopped 1, consumer lag 3 (orders, order-events, payments); CIS 4.1-4.15 15
        "cloudwatch:alarm": 34,
        "rds:es": 2,  # RDS event subscriptions: the instance's and the parameter group's events to the alarm topic
        "sns:topic": 1,
        "events:rule": 5,
        "cloudtrail:trail": 1,
        "budgets:budget": 1,
        "xray:group": 2,  # <prefix>-api-errors, <prefix>-slow-requests
        "xray:sampling_rule": 4,  # health paths, then the services
        "scheduler:schedule_group": 1,  # off-hours: workload down/up, RDS stop/start
    }

    vpcs = _vpc(aws)
    assert len(vpcs) == 1
    vpc_id = vpcs[0]["VpcId"]
    ec2 = aws("ec2")
    attrs = {
        a: ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute=a) for a in ("enableDnsSupport", "enableDnsHostnames")
    }
    assert attrs["enableDnsSupport"]["EnableDnsSupport"]["Value"] is True
    assert attrs["enableDnsHostnames"]["EnableDnsHostnames"]["Value"] is True

    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    tiers = {}
    for s in subnets:
        tags = {t["Key"]: t["Value"] for t in s["Tags"]}
        tiers.setdefault(tags["Tier"], []).append((s, tags))
    assert {k: len(v) for k, v in tiers.items()} == {"public": 3, "private": 3, "database": 3}
    assert len({s["AvailabilityZone"] for s, _ in tiers["private"]}) == 3
    assert all(t["kubernetes.io/role/elb"] == "1" for _, t in tiers["public"])
    assert all(t["kubernetes.io/role/internal-elb"] == "1" for _, t in tiers["private"])
    assert all(t["kubernetes.io/cluster/ecap-local-eks"] == "shared" for _, t in tiers["private"] + tiers["public"])
    assert not any(s["MapPublicIpOnLaunch"] for s in subnets)

    nats = ec2.describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["NatGateways"]
    live_nats = [n for n in nats if n["State"] in ("pending", "available")]
    assert len(live_nats) == 1, "local mirrors dev: one NAT gateway"
    assert live_nats[0]["State"] == "available"

    # Database subnets have no route to the internet; private ones go through the NAT.
    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"]
    by_name = {next((t["Value"] for t in rt.get("Tags", []) if t["Key"] == "Name"), "main"): rt for rt in tables}
    default_routes = {
        name: [r for r in rt["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0"] for name, rt in by_name.items()
    }
    assert default_routes["ecap-local-database"] == []
    assert default_routes["ecap-local-private"][0]["NatGatewayId"] == live_nats[0]["NatGatewayId"]
    assert default_routes["ecap-local-public"][0]["GatewayId"].startswith("igw-")
    assert len(by_name["ecap-local-database"]["Associations"]) == 3

    endpoints = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["VpcEndpoints"]
    assert [e["ServiceName"] for e in endpoints] == ["com.amazonaws.us-west-2.s3"]

    flow_logs = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc_id]}])["FlowLogs"]
    assert len(flow_logs) == 1
    assert flow_logs[0]["LogGroupName"] == "/aws/vpc/ecap-local/flow-logs"
    groups = aws("logs").describe_log_groups(logGroupNamePrefix="/aws/vpc/ecap-local/")["logGroups"]
    assert groups[0]["retentionInDays"] == 7
    logs_key = aws("kms").describe_key(KeyId="alias/ecap-local-logs")["KeyMetadata"]["Arn"]
    assert groups[0]["kmsKeyId"] == logs_key

    kms = aws("kms")
    aliases = {
        a["AliasName"]: a for a in kms.list_aliases()["Aliases"] if a["AliasName"].startswith("alias/ecap-local-")
    }
    assert set(aliases) == {f"alias/ecap-local-{s}" for s in SERVICES}
    for alias in aliases.values():
        assert kms.get_key_rotation_status(KeyId=alias["TargetKeyId"])["KeyRotationEnabled"] is True
    policy = json.loads(
        kms.get_key_policy(KeyId=aliases["alias/ecap-local-logs"]["TargetKeyId"], PolicyName="default")["Policy"]
    )
    principals = [s["Principal"].get("Service") for s in policy["Statement"]]
    assert "logs.us-west-2.amazonaws.com" in principals

    sgs = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "tag:Project", "Values": ["ecap"]}]
    )
    by_role = {next(t["Value"] for t in g["Tags"] if t["Key"] == "Role"): g for g in sgs["SecurityGroups"]}
    assert set(by_role) == SG_KEYS
    rds = by_role["rds"]
    assert [
        (p["FromPort"], [g["GroupId"] for g in p["UserIdGroupPairs"]], p["IpRanges"]) for p in rds["IpPermissions"]
    ] == [(5432, [by_role["eks_nodes"]["GroupId"]], [])]
    assert rds["IpPermissionsEgress"] == []
    # The VPC's default group has no rule (FSBP EC2.2); EBS encryption by default is on (FSBP EC2.7).
    [default] = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"]
    assert default["IpPermissions"] == [] and default["IpPermissionsEgress"] == []
    assert ec2.get_ebs_encryption_by_default()["EbsEncryptionByDefault"] is True
    # The default network ACL (every subnet's): from the internet only 80, 443 and return traffic without 3389.
    [nacl] = ec2.describe_network_acls(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "default", "Values": ["true"]}]
    )["NetworkAcls"]
    assert len(nacl["Associations"]) == 9
    public = sorted(
        (e["RuleNumber"], e["Protocol"], e["RuleAction"], e.get("PortRange", {}).get("From"))
        for e in nacl["Entries"]
        if not e["Egress"] and e.get("CidrBlock") == "0.0.0.0/0" and e["RuleNumber"] < 32767
    )
    assert public == [(110, "6", "allow", 80), (120, "6", "allow", 443), (900, "6", "deny", 3389)] + [
        (910, "6", "allow", 1024),
        (920, "17", "allow", 1024),
    ]
    # The CloudTrail bucket logs its requests to the logs bucket and expires the trail's files (local: 90 days).
    s3 = aws("s3")
    trail_bucket = next(b["Name"] for b in s3.list_buckets()["Buckets"] if "-cloudtrail-" in b["Name"])
    logging = s3.get_bucket_logging(Bucket=trail_bucket)["LoggingEnabled"]
    assert logging["TargetBucket"].startswith("ecap-local-logs-")
    assert logging["TargetPrefix"] == f"s3-access/{trail_bucket}/"
    [rule] = s3.get_bucket_lifecycle_configuration(Bucket=trail_bucket)["Rules"]
    assert rule["Expiration"]["Days"] == 90
    for group in by_role.values():
        for perm in group["IpPermissions"] + group["IpPermissionsEgress"]:
            for ref in perm["IpRanges"] + perm["UserIdGroupPairs"]:
                assert ref.get("Description"), f"{group['GroupName']} has a rule without description"

    outputs = json.loads((runner.build_dir / "outputs.json").read_text())
    assert outputs["network"]["vpc_id"] == vpc_id
    assert len(outputs["network"]["private_subnet_ids"]) == 3
    assert set(outputs["security_groups"]["group_ids"]) == SG_KEYS
    assert set(outputs["kms"]["key_arns"]) == SERVICES


# Containers of the upstream charts that cannot be given a probe, with the reason.
# Containers whose chart offers no probe value. The cluster-autoscaler chart (9.59.0) hard-codes a liveness
# probe and no readiness probe; the autoscaler is a leader-elected controller that no Service routes to, so
# readiness would gate nothing. A post-renderer could add one: not done (docs/monitoring.md, known gaps).
NO_PROBES: dict[str, str] = {
    "Deployment cluster-autoscaler-aws-cluster-autoscaler container aws-cluster-autoscaler": "readiness",
}


def _rendered(runner) -> list[dict]:
    manifests = runner.build_dir / "k8s" / "manifests"
    return [doc for path in sorted(manifests.glob("*.yaml")) for doc in yaml.safe_load_all(path.read_text()) if doc]


def _pod_spec(obj: dict) -> dict | None:
    spec = obj.get("spec") or {}
    if obj["kind"] in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"):
        return spec["template"]["spec"]
    if obj["kind"] == "CronJob":
        return spec["jobTemplate"]["spec"]["template"]["spec"]
    return None


def test_kubernetes_tier_is_rendered_from_what_the_emulator_holds(runner, aws):
    """The local site renders the Kubernetes tier (no API server here): strict validation passed in the run
    (k8s_manifest_validate); the IRSA annotations are the role ARNs IAM holds, the ConfigMap the endpoints
    the emulated RDS, MSK, Redis and S3 report, and every container is bounded, probed and non-root."""
    objects = _rendered(runner)
    by_key = {(o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"]): o for o in objects}
    iam, cluster = aws("iam"), "ecap-local-eks"
    for namespace, name, role in [
        ("ecap", "analytics", "analytics"),
        ("kube-system", "aws-load-balancer-controller", "load-balancer-controller"),
        ("kube-system", "cluster-autoscaler", "cluster-autoscaler"),
        ("ecap", "otel-collector", "otel-collector"),
        ("monitoring", "grafana", "grafana"),
        ("monitoring", "kube-prometheus-stack-alertmanager", "alertmanager"),
    ]:
        annotations = by_key[("ServiceAccount", namespace, name)]["metadata"]["annotations"]
        assert annotations["eks.amazonaws.com/role-arn"] == iam.get_role(RoleName=f"{cluster}-{role}")["Role"]["Arn"]

    db = aws("rds").describe_db_instances(DBInstanceIdentifier="ecap-local-postgres")["DBInstances"][0]
    [msk_arn] = [c["ClusterArn"] for c in aws("kafka").list_clusters_v2()["ClusterInfoList"]]
    brokers = aws("kafka").get_bootstrap_brokers(ClusterArn=msk_arn)
    [group] = aws("elasticache").describe_replication_groups()["ReplicationGroups"]
    buckets = [b["Name"] for b in aws("s3").list_buckets()["Buckets"] if b["Name"].startswith("ecap-local-datalake-")]
    assert by_key[("ConfigMap", "ecap", "platform-endpoints")]["data"] == {
        "RDS_HOST": db["Endpoint"]["Address"],
        "RDS_PORT": str(db["Endpoint"]["Port"]),
        "RDS_DB": "ecommerce_analytics",
        "MSK_BOOTSTRAP": brokers["BootstrapBrokerStringSaslIam"],
        "REDIS_HOST": group["NodeGroups"][0]["PrimaryEndpoint"]["Address"],
        "REDIS_PORT": str(group["NodeGroups"][0]["PrimaryEndpoint"]["Port"]),
        "DATALAKE_BUCKET": buckets[0],
        "AWS_REGION": "us-west-2",
    }
    # GitOps is on in inventories/local: Argo CD's overlay Application carries the same outputs as patches.
    argocd = yaml.safe_load_all((runner.build_dir / "k8s" / "gitops" / "argocd.yaml").read_text())
    [platform_app] = [d for d in argocd if d and d["metadata"]["name"] == "ecap-local-platform"]
    assert platform_app["spec"]["source"]["path"] == "k8s/overlays/local"
    patches = json.dumps(platform_app["spec"]["source"]["kustomize"]["patches"])
    assert iam.get_role(RoleName=f"{cluster}-analytics")["Role"]["Arn"] in patches
    assert db["Endpoint"]["Address"] in patches and brokers["BootstrapBrokerStringSaslIam"] in patches
    vpc_cidr = aws("ec2").describe_vpcs(Filters=[{"Name": "tag:Project", "Values": ["ecap"]}])["Vpcs"][0]["CidrBlock"]
    assert by_key[("ConfigMap", "ecap", "platform-network")]["data"] == {"VPC_CIDR": vpc_cidr}

    target_groups = {
        tg["TargetGroupName"]: tg["TargetGroupArn"] for tg in aws("elbv2").describe_target_groups()["TargetGroups"]
    }
    bindings = {o["metadata"]["name"]: o["spec"] for o in objects if o["kind"] == "TargetGroupBinding"}
    assert bindings["grafana"]["targetGroupARN"] == target_groups["ecap-local-grafana"]
    assert bindings["streamlit"]["targetGroupARN"] == target_groups["ecap-local-dashboard"]

    workloads = [(o, _pod_spec(o)) for o in objects if _pod_spec(o) is not None]
    assert {o["metadata"]["name"] for o, _ in workloads} >= {
        "aws-load-balancer-controller",
        "metrics-server",
        "streamlit-dashboard",
        "otel-collector",
    }
    # The seed's port-forwards: svc/streamlit 8501 and svc/grafana 3000.
    assert by_key[("Service", "ecap", "streamlit")]["spec"]["ports"][0]["port"] == 8501
    assert by_key[("Service", "monitoring", "grafana")]["spec"]["ports"][0]["port"] == 3000
    for obj, pod in workloads:
        pod_context = pod.get("securityContext") or {}
        for container in pod.get("initContainers", []) + pod["containers"]:
            where = f"{obj['kind']} {obj['metadata']['name']} container {container['name']}"
            resources = container.get("resources") or {}
            assert set(resources.get("requests", {})) >= {"cpu", "memory"}, where
            assert set(resources.get("limits", {})) >= {"cpu", "memory"}, where
            context = {**pod_context, **(container.get("securityContext") or {})}
            assert context.get("runAsNonRoot") is True or (context.get("runAsUser") or 0) > 0, where
            assert context.get("allowPrivilegeEscalation") is False, where
            long_running = obj["kind"] in ("Deployment", "StatefulSet", "DaemonSet")
            if long_running and container in pod["containers"]:
                assert container.get("livenessProbe"), where
                assert container.get("readinessProbe") or NO_PROBES.get(where) == "readiness", where

    # Grafana's admin Secret: the user in the file; the password is generated by Secrets Manager, encrypted
    # with the secrets key, and appears in no rendered file (apply mode adds it in memory).
    admin = by_key[("Secret", "monitoring", "grafana-admin")]
    assert admin["stringData"] == {"admin-user": "admin"} and "data" not in admin
    assert admin["metadata"]["annotations"]["ecap.io/admin-password-from"] == "secretsmanager:ecap-local-grafana-admin"
    sm = aws("secretsmanager")
    described = sm.describe_secret(SecretId="ecap-local-grafana-admin")
    aliases = aws("kms").list_aliases()["Aliases"]
    [key] = [a["TargetKeyId"] for a in aliases if a["AliasName"] == "alias/ecap-local-secrets"]
    assert key in described["KmsKeyId"]
    password = sm.get_secret_value(SecretId="ecap-local-grafana-admin")["SecretString"]
    assert len(password) == 32
    render_dir = runner.build_dir / "k8s"
    assert not [p for p in render_dir.rglob("*") if p.is_file() and password in p.read_text(errors="replace")]

    # Alertmanager: every alert but Watchdog, InfoInhibitor and info goes to the observability tier's topic.
    topics = [t["TopicArn"] for t in aws("sns").list_topics()["Topics"]]
    [topic] = [t for t in topics if t.endswith(":ecap-local-alarms")]
    am_secret = by_key[("Secret", "monitoring", "alertmanager-kube-prometheus-stack-alertmanager")]
    config = yaml.safe_load(base64.b64decode(am_secret["data"]["alertmanager.yaml"]))
    assert config["route"]["receiver"] == "alarm-topic"
    assert [r["receiver"] for r in config["route"]["routes"]] == ["null", "null"]
    [receiver] = [r for r in config["receivers"] if r["name"] == "alarm-topic"]
    assert receiver["sns_configs"][0]["topic_arn"] == topic
    assert receiver["sns_configs"][0]["sigv4"] == {"region": "us-west-2"}

    # helm template makes fresh webhook certificates on each run: they are masked, so a re-run writes nothing.
    masked = base64.b64encode(b"generated-at-install").decode()
    webhooks = [o for o in objects if o["kind"].endswith("WebhookConfiguration")]
    bundles = [w["clientConfig"].get("caBundle") for o in webhooks for w in o["webhooks"]]
    bundles = [b for b in bundles if b is not None]
    assert bundles and set(bundles) == {masked}


def test_plan_shows_exactly_the_drift_made_by_hand(runner, emulator, aws):
    ec2 = aws("ec2")
    rds_sg = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["ecap-local-rds-sg"]}])
    ec2.authorize_security_group_ingress(
        GroupId=rds_sg["SecurityGroups"][0]["GroupId"],
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 5432,
                "ToPort": 5432,
                "IpRanges": [{"CidrIp": "10.9.0.0/16", "Description": "opened by hand"}],
            }
        ],
    )
    aws("logs").put_retention_policy(logGroupName="/aws/vpc/ecap-local/flow-logs", retentionInDays=30)
    before = emulator.counters()["mutating"]
    _, document = runner.plan()
    assert emulator.counters()["mutating"] == before, "the plan reverted the drift"
    changes = {
        tier: [(c["action"], c["resource"]) for c in body["changes"]] for tier, body in document["tiers"].items()
    }
    assert changes == {
        "kms": [],
        "network": [("update", "Create the KMS-encrypted flow-log group [/aws/vpc/ecap-local/flow-logs]")],
        "security_groups": [("update", "Converge the rules of every group [rds]")],
        "datalake": [],
        "rds": [],
        "msk": [],
        "redis": [],
        "ingress": [],
        "eks": [],
        "observability": [],
        "offhours": [],
    }
    network = document["tiers"]["network"]["changes"][0]["changes"]
    assert network == ["retention_days: 30 -> 7"]
    sg_lines = document["tiers"]["security_groups"]["changes"][0]["changes"]
    assert any("10.9.0.0/16" in line and ": - " in line for line in sg_lines), sg_lines


UPDATE = {"ecap_extra_tags": {"CostCenter": "analytics"}, "network_flow_logs_retention_days": 14}


def test_update_applies_once(runner, aws):
    result = runner.run(extra=UPDATE)
    assert result.rc == 0, result.failure_text()
    assert result.changed > 0
    vpc = _vpc(aws)[0]
    assert {"Key": "CostCenter", "Value": "analytics"} in vpc["Tags"]
    group = aws("logs").describe_log_groups(logGroupNamePrefix="/aws/vpc/ecap-local/")["logGroups"][0]
    assert group["retentionInDays"] == 14
    # ... and the rule opened by hand is gone again.
    rds_sg = aws("ec2").describe_security_groups(Filters=[{"Name": "group-name", "Values": ["ecap-local-rds-sg"]}])
    assert "10.9.0.0/16" not in json.dumps(rds_sg["SecurityGroups"][0]["IpPermissions"])


def test_rerun_after_the_update_changes_nothing(runner):
    result = runner.run(extra=UPDATE)
    assert result.rc == 0, result.failure_text()
    assert result.changed_tasks() == []


def test_teardown_leaves_nothing_tagged(runner, emulator, aws):
    result = runner.run("playbooks/teardown.yml")
    assert result.rc == 0, result.failure_text()
    report = next(t for t in result.tasks if t["name"] == "List the resources still tagged for this environment")
    assert report["result"]["resources"] == []
    assert emulator.resources(PROJECT_TAG) == []
    # What cannot carry tags: the dashboard, the metric filters (they went with their log groups).
    assert aws("cloudwatch").list_dashboards()["DashboardEntries"] == []
    assert aws("logs").describe_metric_filters()["metricFilters"] == []


def test_second_teardown_changes_nothing(runner):
    result = runner.run("playbooks/teardown.yml")
    assert result.rc == 0, result.failure_text()
    assert result.changed_tasks() == []
