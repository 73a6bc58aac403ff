"""The security_groups tier on the network tier (site.yml --tags network,security_groups: the groups need the VPC,
so the network role makes it here rather than a boto3 foundation), in the amazon.aws rhythm: check mode on nothing
-> create -> re-run changes nothing, with its EC2 call count -> drift made by hand (a rule opened to a CIDR, a route
pointed elsewhere, a subnet moved) is reverted by one run -> re-run changes nothing -> absent -> absent again.
Everything is read back through boto3. Both tiers' groups and route tables are managed by ecap.platform's
ec2_security_group and ec2_vpc_route_table; the S3 gateway endpoint's routes must survive their purges."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.integration

TAGS = "network,security_groups"
# The flow logs need the kms tier's logs key: not this file's subject.
EXTRA = {"network_flow_logs": False}
SG_KEYS = {"alb", "eks_cluster", "eks_nodes", "rds", "msk", "redis", "monitoring"}
TABLES = {"ecap-local-public", "ecap-local-private", "ecap-local-database"}


def run(runner, check=False, **extra):
    return runner.run("site.yml", "--tags", TAGS, extra={**EXTRA, **extra}, check=check)


def changed_tasks(result):
    return sorted({name.split(" : ")[-1] for name in result.changed_tasks()})


def vpc_id(aws):
    vpcs = aws("ec2").describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["ecap-local-vpc"]}])["Vpcs"]
    return vpcs[0]["VpcId"] if vpcs else None


def groups(aws, vpc):
    found = aws("ec2").describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "tag:Project", "Values": ["ecap"]}]
    )["SecurityGroups"]
    return {next(t["Value"] for t in g["Tags"] if t["Key"] == "Role"): g for g in found}


def tables(aws, vpc):
    found = aws("ec2").describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"]
    return {next((t["Value"] for t in rt.get("Tags", []) if t["Key"] == "Name"), "main"): rt for rt in found}


def default_route(table):
    return next((r for r in table["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0"), None)


def test_check_mode_on_an_empty_account_changes_nothing(runner, emulator, aws):
    before = emulator.counters()["mutating"]
    result = run(runner, check=True)
    assert result.rc == 0, result.failure_text()
    assert result.changed > 0
    assert emulator.counters()["mutating"] == before, "check mode made a mutating call"
    assert vpc_id(aws) is None


def test_create(runner, aws):
    result = run(runner)
    assert result.rc == 0, result.failure_text()
    vpc = vpc_id(aws)
    by_role = groups(aws, vpc)
    assert set(by_role) == SG_KEYS
    nodes = by_role["eks_nodes"]["GroupId"]
    rds = by_role["rds"]
    assert [(p["FromPort"], [g["GroupId"] for g in p["UserIdGroupPairs"]]) for p in rds["IpPermissions"]] == [
        (5432, [nodes])
    ]
    assert rds["IpPermissionsEgress"] == [], "the default allow-all egress is revoked"
    assert [p["IpProtocol"] for p in by_role["eks_nodes"]["IpPermissionsEgress"]] == ["-1"]
    for group in by_role.values():
        tags = {t["Key"]: t["Value"] for t in group["Tags"]}
        assert tags["Name"] == group["GroupName"] and tags["Project"] == "ecap"
        for perm in group["IpPermissions"] + group["IpPermissionsEgress"]:
            for ref in perm["IpRanges"] + perm["UserIdGroupPairs"]:
                assert ref.get("Description"), f"{group['GroupName']} has a rule without description"

    by_name = tables(aws, vpc)
    assert TABLES <= set(by_name) and len(by_name) == 4  # and the VPC's main table
    assert default_route(by_name["ecap-local-public"])["GatewayId"].startswith("igw-")
    assert default_route(by_name["ecap-local-private"])["NatGatewayId"].startswith("nat-")
    assert default_route(by_name["ecap-local-database"]) is None
    for name in TABLES:
        assert len([a for a in by_name[name]["Associations"] if a.get("SubnetId")]) == 3
        tags = {t["Key"]: t["Value"] for t in by_name[name]["Tags"]}
        assert tags["Tier"] == name.rsplit("-", 1)[1] and tags["Project"] == "ecap"
    # The S3 gateway endpoint's prefix-list routes on the private and database tables.
    for name in ("ecap-local-private", "ecap-local-database"):
        assert any(r.get("DestinationPrefixListId") for r in by_name[name]["Routes"])

    outputs = json.loads((runner.build_dir / "outputs.json").read_text())
    assert set(outputs["security_groups"]["group_ids"]) == SG_KEYS
    assert set(outputs["network"]["route_table_ids"]) == TABLES


def test_rerun_changes_nothing_with_one_describe_per_group_and_table(runner, emulator):
    emulator.reset_counters()
    result = run(runner)
    assert result.rc == 0, result.failure_text()
    assert changed_tasks(result) == []
    ec2 = emulator.counters()["services"]["ec2"]
    # security_groups: the tier's groups found once, then one read per group (7), the VPC's default group found
    # and read (2, security_groups_restrict_default); network: one per table (3).
    assert ec2["DescribeSecurityGroups"] == 1 + 7 + 2, ec2
    assert ec2["DescribeRouteTables"] == 3, ec2
    assert emulator.counters()["mutating"] == 0


def test_drift_is_reverted_once(runner, aws):
    ec2 = aws("ec2")
    vpc = vpc_id(aws)
    by_role, by_name = groups(aws, vpc), tables(aws, vpc)
    rds = by_role["rds"]["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=rds,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": "10.9.0.0/16"}]}
        ],
    )
    igw = default_route(by_name["ecap-local-public"])["GatewayId"]
    private = by_name["ecap-local-private"]["RouteTableId"]
    ec2.replace_route(RouteTableId=private, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    public_subnet = next(a for a in by_name["ecap-local-public"]["Associations"] if a.get("SubnetId"))
    ec2.replace_route_table_association(AssociationId=public_subnet["RouteTableAssociationId"], RouteTableId=private)

    plan = run(runner, check=True)
    assert plan.rc == 0, plan.failure_text()
    assert changed_tasks(plan) == ["Converge the rules of every group", "Create the route tables"]

    result = run(runner)
    assert result.rc == 0, result.failure_text()
    assert changed_tasks(result) == ["Converge the rules of every group", "Create the route tables"]
    assert "10.9.0.0/16" not in json.dumps(groups(aws, vpc)["rds"]["IpPermissions"])
    by_name = tables(aws, vpc)
    assert default_route(by_name["ecap-local-private"])["NatGatewayId"].startswith("nat-")
    public = {a["SubnetId"] for a in by_name["ecap-local-public"]["Associations"] if a.get("SubnetId")}
    assert public_subnet["SubnetId"] in public and len(public) == 3

    again = run(runner)
    assert again.rc == 0, again.failure_text()
    assert changed_tasks(again) == []


def test_absent_removes_both_tiers(runner, emulator, aws):
    vpc = vpc_id(aws)
    result = run(runner, ecap_state="absent")
    assert result.rc == 0, result.failure_text()
    assert vpc_id(aws) is None
    assert aws("ec2").describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["SecurityGroups"] == []
    assert aws("ec2").describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"] == []
    leftovers = [r for r in emulator.resources("Project=ecap") if r["service"] == "ec2"]
    assert leftovers == []


def test_absent_again_changes_nothing(runner):
    result = run(runner, ecap_state="absent")
    assert result.rc == 0, result.failure_text()
    assert changed_tasks(result) == []
