"""Day-2 playbooks troubleshoot.yml, scale.yml and cost_report.yml on one emulator with the network,
security_groups, rds, msk, redis and eks tiers deployed once (module-scoped; the real network and
security_groups tiers, since the troubleshooting reads their route tables, ACLs and rules):
a healthy deploy has no problem; a revoked RDS rule and a NACL deny on 5432 are named exactly;
scale down/up in check mode changes nothing, down twice is a no-op, up restores the sizes, prod is refused
before any call; the cost report writes its JSON and HTML from the emulator's (emulated) Cost Explorer."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.integration

RDS = "ecap-local-postgres"
CLUSTER = "ecap-local-eks"


@pytest.fixture(scope="module")
def deployed(runner):
    result = runner.run("site.yml", "--tags", "kms,network,security_groups,rds,msk,redis,eks")
    assert result.rc == 0, result.failure_text()
    return {}


def _report(runner) -> dict:
    return json.loads((runner.build_dir / "troubleshoot.json").read_text())


def _problems(report: dict) -> list[dict]:
    return [f for f in report["findings"] if f["status"] == "PROBLEM"]


def test_healthy_deploy_has_no_problem(runner, emulator, deployed):
    before = emulator.counters()["mutating"]
    result = runner.run("playbooks/ops/troubleshoot.yml", extra={"troubleshoot_fail_on_problem": True})
    assert result.rc == 0, result.failure_text()
    assert emulator.counters()["mutating"] == before, "troubleshooting made a mutating call"
    report = _report(runner)
    assert _problems(report) == []
    checks = {(f["case"], f["check"]) for f in report["findings"]}
    for expected in (
        ("apply", "rds state"),
        ("apply", "nodegroup state"),
        ("apply", "quota"),
        ("eks_access", "endpoint access"),
        ("eks_access", "access entry"),
        ("eks_access", "OIDC provider"),
        ("connectivity", "security groups"),
        ("connectivity", "network ACLs"),
        ("connectivity", "route tables"),
        ("connectivity", "endpoint"),
    ):
        assert expected in checks, expected
    ports = {f["resource"].rsplit(":", 1)[1] for f in report["findings"] if f["check"] == "security groups"}
    assert ports == {"5432", "9098", "6379"}


def test_broken_rds_path_is_named_exactly(runner, aws, deployed):
    ec2, rds = aws("ec2"), aws("rds")
    db = rds.describe_db_instances(DBInstanceIdentifier=RDS)["DBInstances"][0]
    group_id = db["VpcSecurityGroups"][0]["VpcSecurityGroupId"]
    group = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
    rule = [p for p in group["IpPermissions"] if p.get("FromPort") == 5432]
    subnet = db["DBSubnetGroup"]["Subnets"][0]["SubnetIdentifier"]
    acl = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [subnet]}])["NetworkAcls"][0]
    ec2.revoke_security_group_ingress(GroupId=group_id, IpPermissions=rule)
    ec2.create_network_acl_entry(
        NetworkAclId=acl["NetworkAclId"],
        RuleNumber=50,
        Protocol="6",
        RuleAction="deny",
        Egress=False,
        CidrBlock="0.0.0.0/0",
        PortRange={"From": 5432, "To": 5432},
    )
    try:
        result = runner.run("playbooks/ops/troubleshoot.yml")
        assert result.rc == 0, "without troubleshoot_fail_on_problem the run succeeds"
        problems = _problems(_report(runner))
        assert [(p["check"], p["resource"]) for p in problems] == [
            ("security groups", f"{RDS}:5432"),
            ("network ACLs", f"{RDS}:5432"),
        ]
        assert "no ingress rule of the RDS security group allows tcp/5432" in problems[0]["detail"]
        assert acl["NetworkAclId"] in problems[1]["detail"] and "rule 50 denies tcp/5432" in problems[1]["detail"]
        assert all(p["fix"] for p in problems)
        printed = json.dumps([t["result"].get("msg") for t in result.tasks if t["name"] == "Print the report"])
        assert "PROBLEM security groups" in printed and "fix:" in printed
        failing = runner.run("playbooks/ops/troubleshoot.yml", extra={"troubleshoot_fail_on_problem": True})
        assert failing.rc != 0 and "2 problem(s)" in failing.failure_text()
    finally:
        ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=rule)
        ec2.delete_network_acl_entry(NetworkAclId=acl["NetworkAclId"], RuleNumber=50, Egress=False)


def _sizes(aws) -> dict:
    eks = aws("eks")
    return {
        name: eks.describe_nodegroup(clusterName=CLUSTER, nodegroupName=name)["nodegroup"]["scalingConfig"]
        for name in eks.list_nodegroups(clusterName=CLUSTER)["nodegroups"]
    }


def _status(aws) -> str:
    return aws("rds").describe_db_instances(DBInstanceIdentifier=RDS)["DBInstances"][0]["DBInstanceStatus"]


def test_scale_down_and_up(runner, emulator, aws, deployed):
    sizes = _sizes(aws)
    assert all(s["desiredSize"] > 0 for s in sizes.values())
    before = emulator.counters()["mutating"]
    check = runner.run("playbooks/ops/scale.yml", extra={"scale_action": "down"}, check=True)
    assert check.rc == 0 and check.changed > 0, check.failure_text()
    assert emulator.counters()["mutating"] == before, "check mode made a mutating call"

    down = runner.run("playbooks/ops/scale.yml", extra={"scale_action": "down"})
    assert down.rc == 0 and down.changed == 1, down.failure_text()
    assert all(s["minSize"] == 0 and s["desiredSize"] == 0 for s in _sizes(aws).values())
    assert _status(aws) == "stopped"
    again = runner.run("playbooks/ops/scale.yml", extra={"scale_action": "down"})
    assert again.rc == 0 and again.changed == 0, again.changed_tasks()

    up = runner.run("playbooks/ops/scale.yml", extra={"scale_action": "up"})
    assert up.rc == 0 and up.changed == 1, up.failure_text()
    assert _sizes(aws) == sizes
    assert _status(aws) == "available"
    eks = aws("eks")
    for name in sizes:
        arn = eks.describe_nodegroup(clusterName=CLUSTER, nodegroupName=name)["nodegroup"]["nodegroupArn"]
        assert "ecap.platform/scaled-down-from" not in eks.list_tags_for_resource(resourceArn=arn)["tags"]
    up_again = runner.run("playbooks/ops/scale.yml", extra={"scale_action": "up"})
    assert up_again.rc == 0 and up_again.changed == 0


def test_scale_refuses_prod_before_any_call(runner, emulator, deployed):
    emulator.reset_counters()
    result = runner.run("playbooks/ops/scale.yml", extra={"scale_action": "down"}, inventory="inventories/prod")
    assert result.rc != 0 and "scale_allow_prod=true" in result.failure_text()
    assert emulator.counters()["total"] == 0
    bad = runner.run("playbooks/ops/scale.yml", extra={"scale_action": "sideways"})
    assert bad.rc != 0 and "scale_action=down" in bad.failure_text()


def test_cost_report(runner, emulator, deployed):
    before = emulator.counters()["mutating"]
    result = runner.run("playbooks/ops/cost_report.yml", extra={"cost_report_recommendations": True})
    assert result.rc == 0, result.failure_text()
    assert emulator.counters()["mutating"] == before
    assert emulator.counters()["services"]["ce"]["GetCostAndUsage"] >= 3
    report = json.loads((runner.build_dir / "cost-report.json").read_text())
    assert report["emulated"] is True and report["tags"] == {"Project": "ecap", "Environment": "local"}
    assert report["month_to_date"]["total"] > 0
    assert len(report["daily_by_service"]) == 30, "the daily window follows NextPageToken (10 days a page)"
    assert set(report["daily_by_tag"][-1]["groups"]) == {"local"}
    assert report["recommendations"]["reservations"]
    page = (runner.build_dir / "cost-report.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "Emulated data" in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "") and "<script" not in page


CONTROLLER_TAG = "elbv2.k8s.aws/cluster"


def _plant_controller_leftovers(aws) -> dict:
    """What the AWS Load Balancer Controller makes for an Ingress: an ALB, a target group, its SG (+ a node SG rule)."""
    ec2, elbv2 = aws("ec2"), aws("elbv2")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["ecap-local-vpc"]}])["Vpcs"][0]["VpcId"]
    subnets = ec2.describe_subnets(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "tag:Name", "Values": ["ecap-local-public-*"]}]
    )["Subnets"]
    tag = [{"Key": CONTROLLER_TAG, "Value": CLUSTER}, {"Key": "ingress.k8s.aws/stack", "Value": "default/web"}]
    group = ec2.create_security_group(
        GroupName="k8s-traffic-ecap-local-eks-1a2b3c",
        Description="[k8s] Shared Backend SecurityGroup for LoadBalancer",
        VpcId=vpc,
        TagSpecifications=[{"ResourceType": "security-group", "Tags": tag}],
    )["GroupId"]
    nodes = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "tag:Role", "Values": ["eks_nodes"]}]
    )["SecurityGroups"][0]["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=nodes,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "UserIdGroupPairs": [{"GroupId": group}]}
        ],
    )
    balancer = elbv2.create_load_balancer(
        Name="k8s-default-web-1a2b3c4d5e",
        Subnets=[s["SubnetId"] for s in subnets[:2]],
        SecurityGroups=[group],
        Scheme="internet-facing",
        Type="application",
        Tags=tag,
    )["LoadBalancers"][0]["LoadBalancerArn"]
    target_group = elbv2.create_target_group(
        Name="k8s-default-web-6f7a8b9c0d", Protocol="HTTP", Port=8080, VpcId=vpc, TargetType="ip", Tags=tag
    )["TargetGroups"][0]["TargetGroupArn"]
    elbv2.create_listener(
        LoadBalancerArn=balancer,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": target_group}],
    )
    return {"vpc": vpc, "group": group, "nodes": nodes, "balancer": balancer, "target_group": target_group}


def test_teardown_removes_what_the_load_balancer_controller_left(runner, aws, deployed):
    planted = _plant_controller_leftovers(aws)
    ec2, elbv2 = aws("ec2"), aws("elbv2")
    check = runner.run("playbooks/teardown.yml", "--tags", "eks", check=True)
    assert check.rc == 0, check.failure_text()
    assert elbv2.describe_load_balancers(LoadBalancerArns=[planted["balancer"]])["LoadBalancers"]

    result = runner.run("playbooks/teardown.yml")
    assert result.rc == 0, result.failure_text()
    cleanup = next(t for t in result.tasks if "Delete what the load balancer controller left" in t["name"])
    assert cleanup["changed"] and cleanup["result"]["security_groups"] == [planted["group"]]
    assert cleanup["result"]["revoked_rules"][0]["group_id"] == planted["nodes"]
    names = [b["LoadBalancerArn"] for b in elbv2.describe_load_balancers()["LoadBalancers"]]
    assert planted["balancer"] not in names
    assert planted["target_group"] not in [g["TargetGroupArn"] for g in elbv2.describe_target_groups()["TargetGroups"]]
    assert not ec2.describe_security_groups(Filters=[{"Name": f"tag:{CONTROLLER_TAG}", "Values": [CLUSTER]}])[
        "SecurityGroups"
    ]
    assert not ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [planted["vpc"]]}])["Vpcs"], "network torn down"
