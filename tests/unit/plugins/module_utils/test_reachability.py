"""Network-path analysis of the troubleshooting report (plugins/module_utils/reachability.py, troubleshoot.py)."""

import pytest
from ansible_collections.ecap.platform.plugins.module_utils import reachability as r
from ansible_collections.ecap.platform.plugins.module_utils import troubleshoot as t

NODES = ["10.0.16.0/20", "10.0.32.0/20"]
DB = ["10.0.64.0/24"]


def group(gid, ingress=(), egress=()):
    return {
        "GroupId": gid,
        "GroupName": f"name-{gid}",
        "IpPermissions": list(ingress),
        "IpPermissionsEgress": list(egress),
    }


def from_group(port, ref, to_port=None):
    return {"IpProtocol": "tcp", "FromPort": port, "ToPort": to_port or port, "UserIdGroupPairs": [{"GroupId": ref}]}


def to_cidr(cidr, proto="-1"):
    return {"IpProtocol": proto, "IpRanges": [{"CidrIp": cidr}]}


ALL_OUT = to_cidr("0.0.0.0/0")


def test_sg_path_by_group_reference():
    nodes = group("sg-nodes", egress=[ALL_OUT])
    rds = group("sg-rds", ingress=[from_group(5432, "sg-nodes")])
    result = r.sg_path([nodes], [rds], 5432, NODES, DB)
    assert result["allowed"] and result["ingress"]["via"] == ["sg-rds from group sg-nodes"]


def test_sg_path_wrong_port_and_other_group_are_reported():
    nodes = group("sg-nodes", egress=[ALL_OUT])
    rds = group("sg-rds", ingress=[from_group(5432, "sg-other"), from_group(3306, "sg-nodes")])
    result = r.sg_path([nodes], [rds], 5432, NODES, DB)
    assert not result["allowed"] and result["egress"]["allowed"]
    assert result["ingress"]["referenced"] == ["sg-other"]
    detail, fix = r.explain_sg_path(result, 5432, "EKS nodes", "RDS", {"sg-other": {"GroupName": "legacy"}})
    assert "sg-other (legacy)" in detail and "tcp/5432" in fix


def test_sg_path_cidr_must_cover_every_source_subnet():
    nodes = group("sg-nodes", egress=[ALL_OUT])
    partial = group("sg-rds", ingress=[{**to_cidr("10.0.16.0/20", "tcp"), "FromPort": 5432, "ToPort": 5432}])
    result = r.sg_path([nodes], [partial], 5432, NODES, DB)
    assert not result["allowed"] and result["ingress"]["partial_cidrs"] == ["10.0.16.0/20"]
    whole = group("sg-rds", ingress=[{**to_cidr("10.0.0.0/16", "tcp"), "FromPort": 5400, "ToPort": 5500}])
    assert r.sg_path([nodes], [whole], 5432, NODES, DB)["allowed"]


def test_sg_path_needs_egress_too():
    nodes = group("sg-nodes", egress=[{**to_cidr("10.0.128.0/24", "tcp"), "FromPort": 443, "ToPort": 443}])
    rds = group("sg-rds", ingress=[from_group(5432, "sg-nodes")])
    result = r.sg_path([nodes], [rds], 5432, NODES, DB)
    assert not result["allowed"] and not result["egress"]["allowed"]
    detail, _ = r.explain_sg_path(result, 5432, "EKS nodes", "RDS", {})
    assert detail.startswith("no egress rule")


def test_sg_protocol_all_and_udp():
    assert r.permission_covers_port({"IpProtocol": "-1"}, 6379)
    assert not r.permission_covers_port({"IpProtocol": "udp", "FromPort": 0, "ToPort": 65535}, 6379)
    assert r.permission_covers_port({"IpProtocol": "6", "FromPort": 6379, "ToPort": 6380}, 6379)


def entry(number, action, egress, cidr="0.0.0.0/0", ports=None, proto="6"):
    e = {"RuleNumber": number, "RuleAction": action, "Egress": egress, "CidrBlock": cidr, "Protocol": proto}
    if ports:
        e["PortRange"] = {"From": ports[0], "To": ports[1]}
    return e


DEFAULT_ACL = [
    entry(100, "allow", False, proto="-1"),
    entry(100, "allow", True, proto="-1"),
    entry(32767, "deny", False, proto="-1"),
    entry(32767, "deny", True, proto="-1"),
]


def test_default_acl_allows_everything():
    assert r.nacl_path(DEFAULT_ACL, DEFAULT_ACL, NODES[0], DB[0], 5432) == []


def test_deny_before_allow_blocks_only_its_port():
    acl = [entry(50, "deny", False, ports=(5432, 5432)), *DEFAULT_ACL]
    blocked = r.nacl_path(DEFAULT_ACL, acl, NODES[0], DB[0], 5432)
    assert [(b["step"], b["rule"]) for b in blocked] == [("request into the target subnet", 50)]
    # The reply goes to the client's ephemeral ports (32768-60999): a deny of 5432 does not touch it.
    assert r.nacl_path(acl, acl, NODES[0], DB[0], 6379) == []


def test_rule_order_first_match_wins():
    acl = [entry(200, "deny", False, ports=(5432, 5432)), entry(100, "allow", False, "10.0.0.0/16"), *DEFAULT_ACL[1:]]
    assert r.nacl_decision(acl, False, NODES[0], 5432)["allowed"]
    assert r.nacl_decision(acl, False, "192.168.0.0/24", 5432) == {
        "allowed": False,
        "rule": 200,
        "action": "deny",
        "cidr": "0.0.0.0/0",
    }


def test_no_allow_is_the_default_deny_and_replies_need_ephemeral_ports():
    acl = [entry(100, "allow", False, ports=(5432, 5432)), entry(100, "allow", True, ports=(5432, 5432))]
    blocked = r.nacl_path(DEFAULT_ACL, acl, NODES[0], DB[0], 5432)
    assert [b["step"] for b in blocked] == ["reply out of the target subnet"]
    assert blocked[0]["rule"] == "*"


def test_partial_cidr_allow_does_not_decide():
    acl = [entry(100, "allow", False, "10.0.16.0/24", proto="-1"), entry(32767, "deny", False, proto="-1")]
    assert not r.nacl_decision(acl, False, NODES[0], 5432)["allowed"]


def test_acl_and_route_table_of_subnet():
    acls = [
        {"NetworkAclId": "acl-default", "IsDefault": True, "VpcId": "vpc-1", "Associations": [{"SubnetId": "s-1"}]},
        {"NetworkAclId": "acl-db", "IsDefault": False, "VpcId": "vpc-1", "Associations": [{"SubnetId": "s-2"}]},
    ]
    assert r.acl_of_subnet(acls, "s-2", "vpc-1")["NetworkAclId"] == "acl-db"
    assert r.acl_of_subnet(acls, "s-9", "vpc-1")["NetworkAclId"] == "acl-default"
    tables = [
        {"RouteTableId": "rtb-main", "VpcId": "vpc-1", "Associations": [{"Main": True}]},
        {"RouteTableId": "rtb-priv", "VpcId": "vpc-1", "Associations": [{"SubnetId": "s-1"}]},
    ]
    assert r.route_table_of_subnet(tables, "s-1", "vpc-1")["RouteTableId"] == "rtb-priv"
    assert r.route_table_of_subnet(tables, "s-2", "vpc-1")["RouteTableId"] == "rtb-main"


LOCAL = {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"}


@pytest.mark.parametrize(
    ("routes", "nats", "expected"),
    [
        (
            [LOCAL, {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-1", "State": "active"}],
            {"nat-1": {"State": "available"}},
            [],
        ),
        ([LOCAL], {}, ["no default route"]),
        (
            [LOCAL, {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-1", "State": "blackhole"}],
            {},
            ["blackhole", "missing"],
        ),
        (
            [LOCAL, {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-1", "State": "active"}],
            {"nat-1": {"State": "failed"}},
            ["failed"],
        ),
        ([], {}, ["no local route", "no default route"]),
    ],
)
def test_route_problems(routes, nats, expected):
    problems = r.route_problems({"RouteTableId": "rtb-1", "Routes": routes}, ["10.0.0.0/16"], nats, True)
    assert len(problems) == len(expected)
    for problem, word in zip(problems, expected, strict=True):
        assert word in problem


def test_public_access_and_quota_threshold():
    assert r.public_access_allows(["203.0.113.0/24"], "203.0.113.7")
    assert not r.public_access_allows(["203.0.113.0/24"], "198.51.100.1/32")
    assert r.quota_usage_problem(4, 5, 0.8) and not r.quota_usage_problem(3, 5, 0.8)


def test_findings_and_report():
    cluster = {
        "name": "c",
        "resourcesVpcConfig": {
            "endpointPublicAccess": True,
            "endpointPrivateAccess": False,
            "publicAccessCidrs": ["203.0.113.0/24"],
        },
        "accessConfig": {"authenticationMode": "API"},
        "identity": {"oidc": {"issuer": "https://oidc.eks.us-west-2.amazonaws.com/id/ABC"}},
    }
    outside = t.check_endpoint_access(cluster, "198.51.100.1", False)[0]
    assert outside["status"] == "PROBLEM" and "198.51.100.1/32" in outside["fix"]
    assert t.check_endpoint_access(cluster, "", False)[0]["status"] == "SKIPPED"
    assert t.check_access_entry(cluster, [], "arn:aws:iam::1:role/me", None)["status"] == "PROBLEM"
    ok = t.check_access_entry(
        cluster, ["arn:aws:iam::1:role/me"], "arn:aws:iam::1:role/me", [{"policyArn": "x/AmazonEKSClusterAdminPolicy"}]
    )
    assert ok["status"] == "OK"
    assert (
        t.check_oidc(cluster, ["arn:aws:iam::1:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABC"])["status"]
        == "OK"
    )
    assert t.check_oidc(cluster, [])["status"] == "PROBLEM"
    degraded = t.check_nodegroup(
        {"nodegroupName": "ng", "status": "ACTIVE", "health": {"issues": [{"code": "AccessDenied", "message": "x"}]}}
    )
    assert degraded["status"] == "PROBLEM"
    assert t.check_state("rds", "db", None)["status"] == "PROBLEM"
    lines = t.report_lines([outside, ok])
    assert lines[0] == "== EKS access" and lines[-1] == "1 problem(s), 1 OK, 0 skipped"
    assert any(line.strip().startswith("fix:") for line in lines)
