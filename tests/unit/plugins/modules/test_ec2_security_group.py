"""ec2_security_group end to end on the emulator: main() in process, state read back with boto3, the emulator's
counters showing what each step costs. The amazon.aws rhythm (check mode, create, re-run, update, purge, check-mode
delete, delete, delete again), the no-op's call count (one DescribeSecurityGroups: the reason the module exists),
the adoption of a group whose create raced, DependencyViolation waited out, and refused input before any call."""

from __future__ import annotations

import functools
import threading

import pytest
from ansible_collections.ecap.platform.plugins.module_utils import security_groups as sg
from ansible_collections.ecap.platform.plugins.modules import ec2_security_group

TAGS = {"Project": "ecap", "Environment": "test"}


@pytest.fixture
def run(run_module):
    return functools.partial(run_module, ec2_security_group)


@pytest.fixture(scope="module")
def vpc(aws):
    return aws("ec2").create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]


@pytest.fixture(scope="module")
def source(aws, vpc):
    """A group the rules name (as the EKS nodes' group is named by the RDS group)."""
    return aws("ec2").create_security_group(GroupName="ecap-test-source-sg", Description="source", VpcId=vpc)["GroupId"]


def calls(emulator) -> dict:
    counters = emulator.counters()
    return {
        "total": counters["total"],
        "mutating": counters["mutating"],
        "ec2": dict(counters["services"].get("ec2", {})),
    }


def spent(before: dict, after: dict) -> dict[str, int]:
    """Calls per EC2 operation between two counter snapshots."""
    return {op: n - before["ec2"].get(op, 0) for op, n in after["ec2"].items() if n - before["ec2"].get(op, 0)}


def read(ec2, vpc: str, name: str):
    groups = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "group-name", "Values": [name]}]
    )["SecurityGroups"]
    return groups[0] if groups else None


def rules(group, direction="ingress"):
    """A described group's rules as the module compares them: {(proto, from, to, type, source): description}."""
    described = sg.described_rules(group[sg.PERMISSION_FIELDS[direction]])
    return {(k.protocol, k.from_port, k.to_port, k.source_type, k.source): d for k, d in described.items()}


def args(vpc: str, source: str, **overrides) -> dict:
    return {
        "name": "ecap-test-rds-sg",
        "description": "RDS - 5432 from the nodes",
        "vpc_id": vpc,
        "rules": [
            {"proto": "tcp", "from_port": 5432, "to_port": 5432, "group_id": [source], "rule_desc": "Nodes to RDS"},
            {"proto": "tcp", "ports": ["80", "443"], "cidr_ip": ["10.40.0.0/16"], "rule_desc": "VPC to web"},
        ],
        "rules_egress": [],
        "tags": {**TAGS, "Name": "ecap-test-rds-sg"},
        **overrides,
    }


def test_lifecycle(run, aws, emulator, vpc, source):
    ec2 = aws("ec2")
    name = "ecap-test-rds-sg"

    before = calls(emulator)
    result = run(args(vpc, source), check_mode=True)
    assert result["changed"] and "group_id" not in result
    assert calls(emulator)["mutating"] == before["mutating"], "check mode wrote"
    assert result["diff"]["before"] == {} and len(result["diff"]["after"]["ip_permissions"]) == 3
    assert read(ec2, vpc, name) is None

    # Create: the tags in CreateSecurityGroup, the rules, AWS's default egress revoked (rules_egress: []).
    before = calls(emulator)
    result = run(args(vpc, source))
    used = spent(before, calls(emulator))
    assert result["changed"]
    group = read(ec2, vpc, name)
    assert result["group_id"] == group["GroupId"] and result["vpc_id"] == vpc
    assert rules(group) == {
        ("tcp", 5432, 5432, "group_id", source): "Nodes to RDS",
        ("tcp", 80, 80, "cidr_ip", "10.40.0.0/16"): "VPC to web",
        ("tcp", 443, 443, "cidr_ip", "10.40.0.0/16"): "VPC to web",
    }
    assert group["IpPermissionsEgress"] == []
    assert {t["Key"]: t["Value"] for t in group["Tags"]} == {**TAGS, "Name": name}
    assert result["tags"] == {**TAGS, "Name": name} and result["ip_permissions_egress"] == []
    assert used == {
        "DescribeSecurityGroups": 2,  # find (none), read back
        "CreateSecurityGroup": 1,
        "AuthorizeSecurityGroupIngress": 1,  # every new rule in one call
        "RevokeSecurityGroupEgress": 1,  # AWS's default allow-all
    }, used

    # The no-op: one DescribeSecurityGroups (rules and tags are in it), nothing written.
    before = calls(emulator)
    result = run(args(vpc, source))
    after = calls(emulator)
    assert not result["changed"], result.get("diff")
    assert after["total"] - before["total"] == 1 and spent(before, after) == {"DescribeSecurityGroups": 1}
    assert result["group_id"] == group["GroupId"]

    # The same rules spelled otherwise (protocol number, one rule per port, host bits) are no change either.
    respelled = args(
        vpc,
        source,
        rules=[
            {"proto": "6", "ports": ["5432"], "group_id": [source], "rule_desc": "Nodes to RDS"},
            {"proto": "tcp", "from_port": 80, "to_port": 80, "cidr_ip": "10.40.0.0/16", "rule_desc": "VPC to web"},
            {"proto": "tcp", "from_port": 443, "to_port": 443, "cidr_ip": ["10.40.1.1/16"], "rule_desc": "VPC to web"},
        ],
    )
    result = run(respelled)
    assert not result["changed"], result
    assert any("host bits" in str(w) for w in result.get("warnings", [])), result

    # Update: a description, a rule added, one purged, an egress rule, a tag changed and one purged.
    changed = args(
        vpc,
        source,
        rules=[
            {"proto": "tcp", "from_port": 5432, "to_port": 5432, "group_id": [source], "rule_desc": "EKS to RDS"},
            {"proto": "tcp", "ports": ["443"], "cidr_ip": ["10.40.0.0/16"], "rule_desc": "VPC to web"},
            {"proto": "icmp", "icmp_type": 8, "icmp_code": -1, "cidr_ip": ["10.40.0.0/16"], "rule_desc": "Ping"},
            {"proto": "udp", "from_port": 53, "to_port": 53, "cidr_ipv6": ["2600:1f00::/56"], "rule_desc": "DNS"},
        ],
        rules_egress=[{"proto": "all", "group_id": [source], "rule_desc": "To the source"}],
        tags={"Project": "ecap", "Owner": "data", "Name": name},
    )
    before = calls(emulator)
    result = run(changed, check_mode=True)
    assert result["changed"] and calls(emulator)["mutating"] == before["mutating"], "check mode wrote"
    removed = [
        r for r in result["diff"]["before"]["ip_permissions"] if r not in result["diff"]["after"]["ip_permissions"]
    ]
    assert removed == [  # the plan shows these as "ip_permissions: - {...}"
        {"proto": "tcp", "from_port": 80, "to_port": 80, "cidr_ip": "10.40.0.0/16", "description": "VPC to web"},
        {"proto": "tcp", "from_port": 5432, "to_port": 5432, "group_id": source, "description": "Nodes to RDS"},
    ]
    assert rules(read(ec2, vpc, name))[("tcp", 5432, 5432, "group_id", source)] == "Nodes to RDS"

    before = calls(emulator)
    result = run(changed)
    used = spent(before, calls(emulator))
    assert result["changed"]
    group = read(ec2, vpc, name)
    assert rules(group) == {
        ("tcp", 5432, 5432, "group_id", source): "EKS to RDS",
        ("tcp", 443, 443, "cidr_ip", "10.40.0.0/16"): "VPC to web",
        ("icmp", 8, -1, "cidr_ip", "10.40.0.0/16"): "Ping",
        ("udp", 53, 53, "cidr_ipv6", "2600:1f00::/56"): "DNS",
    }
    assert rules(group, "egress") == {("-1", None, None, "group_id", source): "To the source"}
    assert {t["Key"]: t["Value"] for t in group["Tags"]} == {"Project": "ecap", "Owner": "data", "Name": name}
    assert used == {
        "DescribeSecurityGroups": 2,
        "CreateTags": 1,
        "DeleteTags": 1,
        "AuthorizeSecurityGroupIngress": 1,
        "UpdateSecurityGroupRuleDescriptionsIngress": 1,
        "RevokeSecurityGroupIngress": 1,
        "AuthorizeSecurityGroupEgress": 1,
    }, used
    assert not run(changed)["changed"]

    # Unset rules and tags are left alone; purge_rules false keeps rules that are not listed.
    keep = {**changed, "rules": [changed["rules"][0]], "purge_rules": False}
    keep.pop("rules_egress")
    keep.pop("tags")
    assert not run(keep)["changed"]
    assert len(rules(read(ec2, vpc, name))) == 4

    # Empty every direction (what the role's absent path does first), by group id.
    gid = group["GroupId"]
    empty = {"group_id": gid, "name": name, "description": "RDS - 5432 from the nodes", "rules": [], "rules_egress": []}
    result = run(empty)
    assert result["changed"] and rules(read(ec2, vpc, name)) == {} and rules(read(ec2, vpc, name), "egress") == {}
    assert not run(empty)["changed"]

    # Delete: check mode, delete, delete again.
    before = calls(emulator)
    result = run({"group_id": gid, "state": "absent"}, check_mode=True)
    assert result["changed"] and calls(emulator)["mutating"] == before["mutating"]
    assert read(ec2, vpc, name) is not None
    result = run({"name": name, "vpc_id": vpc, "state": "absent"})
    assert result["changed"] and result["group_id"] == gid and read(ec2, vpc, name) is None
    before = calls(emulator)
    assert not run({"group_id": gid, "state": "absent"})["changed"]
    assert not run({"name": name, "vpc_id": vpc, "state": "absent"})["changed"]
    assert calls(emulator)["mutating"] == before["mutating"]


def test_new_group_without_egress_rules_keeps_the_default(run, aws, vpc):
    result = run({"name": "ecap-test-open-sg", "description": "open", "vpc_id": vpc, "tags": TAGS})
    assert result["changed"] and result["group_id"]
    group = read(aws("ec2"), vpc, "ecap-test-open-sg")
    assert rules(group, "egress") == {("-1", None, None, "cidr_ip", "0.0.0.0/0"): ""}
    # The allow-all egress listed as the role's matrix lists it (egress: all): no change.
    allow_all = [{"proto": "all", "cidr_ip": "0.0.0.0/0", "rule_desc": "All outbound"}]
    result = run({"name": "ecap-test-open-sg", "description": "open", "vpc_id": vpc, "rules_egress": allow_all})
    assert result["changed"]  # only the description of the rule
    assert rules(read(aws("ec2"), vpc, "ecap-test-open-sg"), "egress") == {
        ("-1", None, None, "cidr_ip", "0.0.0.0/0"): "All outbound"
    }


def test_duplicate_create_adopts_the_existing_group(run, aws, vpc, emulator, monkeypatch):
    """A create that AWS answers InvalidGroup.Duplicate (the group appeared between describe and create)."""
    ec2 = aws("ec2")
    existing = ec2.create_security_group(GroupName="ecap-test-race-sg", Description="race", VpcId=vpc)["GroupId"]
    real = sg.describe_group
    first = []

    def describe_missing_once(client, group_id=None, name=None, vpc_id=None):
        if not first:
            first.append(True)
            return None
        return real(client, group_id, name, vpc_id)

    monkeypatch.setattr(sg, "describe_group", describe_missing_once)
    result = run({"name": "ecap-test-race-sg", "description": "race", "vpc_id": vpc, "tags": TAGS})
    assert result["changed"] and result["group_id"] == existing
    assert any("adopted" in str(w) for w in result["warnings"])
    assert {t["Key"]: t["Value"] for t in read(ec2, vpc, "ecap-test-race-sg")["Tags"]} == TAGS
    assert emulator.counters()["services"]["ec2"].get("CreateSecurityGroup", 0) >= 1


def test_delete_waits_out_a_dependency(run, aws, vpc):
    """DeleteSecurityGroup answers DependencyViolation while a network interface uses the group; the module
    retries until the interface is gone (here: deleted 1 s later), then deletes."""
    ec2 = aws("ec2")
    gid = ec2.create_security_group(GroupName="ecap-test-busy-sg", Description="busy", VpcId=vpc)["GroupId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.40.9.0/24")["Subnet"]["SubnetId"]
    eni = ec2.create_network_interface(SubnetId=subnet, Groups=[gid])["NetworkInterface"]["NetworkInterfaceId"]
    timer = threading.Timer(1.0, lambda: ec2.delete_network_interface(NetworkInterfaceId=eni))
    timer.start()
    try:
        result = run({"group_id": gid, "state": "absent", "wait_timeout": 30})
    finally:
        timer.join()
    assert result["changed"] and read(ec2, vpc, "ecap-test-busy-sg") is None


def test_delete_gives_up_after_wait_timeout(run, aws, vpc):
    ec2 = aws("ec2")
    gid = ec2.create_security_group(GroupName="ecap-test-stuck-sg", Description="stuck", VpcId=vpc)["GroupId"]
    other = ec2.create_security_group(GroupName="ecap-test-ref-sg", Description="ref", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=other,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 1, "ToPort": 1, "UserIdGroupPairs": [{"GroupId": gid}]}],
    )
    result = run({"group_id": gid, "state": "absent", "wait_timeout": 0}, failed=True)
    assert "still has dependencies" in result["msg"] and gid in result["msg"]
    assert read(ec2, vpc, "ecap-test-stuck-sg") is not None


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"rules": [{"proto": "tcp", "cidr_ip": ["10.0.0.0/8"], "rule_desc": "x"}]}, "needs from_port and to_port"),
        ({"rules": [{"proto": "tcp", "from_port": 90, "to_port": 80, "cidr_ip": ["10.0.0.0/8"]}]}, "0 <= from"),
        ({"rules": [{"proto": "tcp", "from_port": 80, "to_port": 80, "cidr_ip": ["10.0.0/8"]}]}, "invalid cidr_ip"),
        ({"rules": [{"proto": "tcp", "from_port": 80, "to_port": 80, "rule_desc": "x"}]}, "names no source"),
        ({"rules": [{"proto": "gre2", "cidr_ip": ["10.0.0.0/8"]}]}, "has proto 'gre2'"),
        ({"rules_egress": [{"proto": "all", "group_id": ["web"]}]}, "security group id (sg-...)"),
        ({"rules": [{"proto": "tcp", "ports": ["80-x"], "cidr_ip": ["10.0.0.0/8"]}]}, "has ports"),
        ({"group_id": "rds", "state": "absent"}, "not a security group id"),
    ],
)
def test_bad_input_fails_before_any_call(run, emulator, vpc, source, overrides, message):
    before = emulator.counters()["total"]
    result = run(args(vpc, source, **overrides), failed=True)
    assert message in result["msg"]
    assert emulator.counters()["total"] == before
