"""Rule matrix of the security-groups tier, rule diff of ec2_security_group (module_utils/security_groups.py)."""

import copy
from pathlib import Path

import pytest
import yaml
from ansible_collections.ecap.platform.plugins.module_utils import security_groups as sg
from ansible_collections.ecap.platform.plugins.module_utils.security_groups import (
    RuleMatrixError,
    module_rules,
    validate_matrix,
)

ROLE_VARS = Path(__file__).resolve().parents[4] / "roles" / "security_groups" / "vars" / "main.yml"
DATA = ["rds", "msk", "redis"]


@pytest.fixture()
def matrix():
    """The role's real matrix, with the ALB's templated values filled in as the defaults would."""
    groups = yaml.safe_load(ROLE_VARS.read_text())["__security_groups_matrix"]
    for group in groups:
        for rule in group.get("ingress", []) + ([] if group.get("egress") == "all" else group.get("egress", [])):
            for key, value in list(rule.items()):
                if isinstance(value, str) and "{{" in value:
                    rule[key] = {
                        "ports": [80, 443],
                        "cidrs": ["0.0.0.0/0"],
                        "from_port": 1024,
                        "to_port": 65535,
                    }[key]
    return groups


def test_real_matrix_is_valid_and_data_groups_are_closed(matrix):
    groups = {g["key"]: g for g in validate_matrix(matrix, {}, DATA)}
    assert set(groups) == {"alb", "eks_cluster", "eks_nodes", "rds", "msk", "redis", "monitoring"}
    for key in DATA:
        assert groups[key]["egress"] == []
        assert all(rule["source"] in ("eks_nodes", "monitoring") for rule in groups[key]["ingress"])
    assert {(r["from_port"], r["source"]) for r in groups["rds"]["ingress"]} == {(5432, "eks_nodes")}
    assert {(r["from_port"], r["source"]) for r in groups["redis"]["ingress"]} == {(6379, "eks_nodes")}
    assert {(r["from_port"], r["to_port"], r["source"]) for r in groups["msk"]["ingress"]} == {
        (9098, 9098, "eks_nodes"),
        (9094, 9094, "eks_nodes"),
        # Prometheus runs on the nodes: without the eks_nodes rule it could not scrape the brokers on AWS.
        (11001, 11002, "eks_nodes"),
        (11001, 11002, "monitoring"),
    }
    # Only the ALB takes CIDRs.
    with_cidrs = {g["key"] for g in groups.values() for r in g["ingress"] if r.get("cidrs")}
    assert with_cidrs == {"alb"}


def test_data_group_opened_to_a_cidr_is_refused(matrix):
    extra = {"rds": [{"proto": "tcp", "from_port": 5432, "to_port": 5432, "cidrs": ["10.0.0.0/8"], "description": "x"}]}
    with pytest.raises(RuleMatrixError, match="opens the data-service group 'rds' to CIDRs"):
        validate_matrix(matrix, extra, DATA)


@pytest.mark.parametrize(
    ("rule", "fragment"),
    [
        ({"proto": "tcp", "from_port": 1, "to_port": 2, "source": "eks_nodes"}, "has no description"),
        ({"proto": "gre", "from_port": 1, "to_port": 2, "source": "eks_nodes", "description": "d"}, "proto 'gre'"),
        ({"proto": "tcp", "from_port": 9, "to_port": 2, "source": "eks_nodes", "description": "d"}, "ports 9-2"),
        ({"proto": "tcp", "from_port": 1, "to_port": 70000, "source": "eks_nodes", "description": "d"}, "65535"),
        ({"proto": "tcp", "from_port": 1, "to_port": 2, "source": "nowhere", "description": "d"}, "unknown group"),
        ({"proto": "tcp", "from_port": 1, "to_port": 2, "description": "d"}, "exactly one of"),
        ({"proto": "tcp", "from_port": 1, "to_port": 2, "cidrs": ["1.2.3.300/8"], "description": "d"}, "invalid CIDR"),
    ],
)
def test_bad_extra_rules_name_group_and_rule(matrix, rule, fragment):
    with pytest.raises(RuleMatrixError, match="security group 'monitoring' ingress rule 3") as err:
        validate_matrix(matrix, {"monitoring": [rule]}, DATA)
    assert fragment in str(err.value)


def test_unknown_group_in_extra_rules(matrix):
    with pytest.raises(RuleMatrixError, match="security_groups_extra_rules has unknown group"):
        validate_matrix(matrix, {"kafka": []}, DATA)


def test_module_rules_resolve_references(matrix):
    ids = {g["key"]: f"sg-{g['key']}" for g in matrix}
    groups = {g["key"]: g for g in validate_matrix(copy.deepcopy(matrix), {}, DATA)}
    nodes = module_rules(groups["eks_nodes"], ids)
    assert {"proto": "all", "rule_desc": "Node to node and pod to pod", "group_id": "sg-eks_nodes"} in nodes["rules"]
    assert nodes["rules_egress"] == [
        {"proto": "all", "cidr_ip": "0.0.0.0/0", "rule_desc": "All outbound (AWS APIs, ECR, DNS)"}
    ]
    rds = module_rules(groups["rds"], ids)
    assert rds == {
        "rules": [
            {
                "proto": "tcp",
                "rule_desc": "EKS workloads to PostgreSQL",
                "from_port": 5432,
                "to_port": 5432,
                "group_id": "sg-eks_nodes",
            }
        ],
        "rules_egress": [],
    }
    alb = module_rules(groups["alb"], ids)
    assert alb["rules"] == [
        {"proto": "tcp", "rule_desc": "Clients to the ALB listeners", "ports": ["80", "443"], "cidr_ip": ["0.0.0.0/0"]}
    ]
    with pytest.raises(KeyError):
        module_rules(groups["rds"], {"rds": "sg-rds"})


# --------------------------------------------------------------------------- ecap.platform.ec2_security_group logic


def test_rules_compare_as_normalised_permissions():
    wanted, warnings = sg.expand_rules(
        [
            {"proto": "6", "ports": ["80", "8000-8080"], "cidr_ip": [["10.0.0.0/16"]], "rule_desc": "web"},
            {"proto": "all", "from_port": 1, "to_port": 2, "group_id": "sg-1", "rule_desc": "all"},
            {"proto": "icmp", "icmp_type": 8, "cidr_ip": "10.0.0.5/16"},
        ]
    )
    assert wanted == {
        sg.RuleKey("tcp", 80, 80, "cidr_ip", "10.0.0.0/16"): "web",
        sg.RuleKey("tcp", 8000, 8080, "cidr_ip", "10.0.0.0/16"): "web",
        sg.RuleKey("-1", None, None, "group_id", "sg-1"): "all",
        sg.RuleKey("icmp", 8, -1, "cidr_ip", "10.0.0.0/16"): "",
    }
    assert warnings == ["10.0.0.5/16 has host bits set; using 10.0.0.0/16."]
    # AWS's grouping of sources into one IpPermission does not matter; the request groups them back.
    described = sg.described_rules(sg.to_permissions(wanted))
    assert described == wanted
    assert sg.expand_rules(None) == (None, [])


def test_plan_rules_authorizes_revokes_and_redescribes():
    a = sg.RuleKey("tcp", 443, 443, "cidr_ip", "10.0.0.0/8")
    b = sg.RuleKey("tcp", 80, 80, "cidr_ip", "10.0.0.0/8")
    c = sg.RuleKey("udp", 53, 53, "cidr_ipv6", "::/0")
    plan = sg.plan_rules({a: "old", b: ""}, {a: "new", c: "dns"}, purge=True)
    assert (plan.authorize, plan.revoke, plan.describe) == ({c: "dns"}, {b: ""}, {a: "new"})
    assert plan.result({a: "old", b: ""}) == {a: "new", c: "dns"}
    assert sg.plan_rules({a: "old", b: ""}, {a: "old"}, purge=False).changed is False
    assert sg.plan_rules({a: ""}, None, purge=True).changed is False


def test_new_group_loses_the_default_egress_only_when_egress_rules_are_given():
    blank = sg.new_group("g", "d", "vpc-1", {"Name": "g"})
    closed = sg.plan_group(blank, {"ingress": None, "egress": {}}, {"ingress": True, "egress": False}, None, True, True)
    assert closed.rules["egress"].revoke == {sg.DEFAULT_EGRESS: ""}
    kept = sg.plan_group(blank, {"ingress": None, "egress": None}, {"ingress": True, "egress": True}, None, True, True)
    assert not kept.changed


def test_permissions_requests_omit_empty_descriptions():
    rules = {
        sg.RuleKey("-1", None, None, "group_id", "sg-1"): "",
        sg.RuleKey("-1", None, None, "ip_prefix", "pl-1"): "s3",
    }
    assert sg.to_permissions(rules) == [
        {
            "IpProtocol": "-1",
            "UserIdGroupPairs": [{"GroupId": "sg-1"}],
            "PrefixListIds": [{"PrefixListId": "pl-1", "Description": "s3"}],
        }
    ]


@pytest.mark.parametrize(
    "rule, fragment",
    [
        ({"proto": "udp", "cidr_ip": ["10.0.0.0/8"]}, "needs from_port and to_port"),
        ({"proto": "tcp", "from_port": 0, "to_port": 70000, "cidr_ip": ["10.0.0.0/8"]}, "0 <= from"),
        ({"proto": "tcp", "ports": ["22"], "cidr_ipv6": ["10.0.0.0/8"]}, "invalid cidr_ipv6"),
        ({"proto": "tcp", "ports": ["22"], "ip_prefix": ["s3"]}, "prefix list id"),
    ],
)
def test_validate_rules(rule, fragment):
    [error] = sg.validate_rules([rule], "rules")
    assert fragment in error and error.startswith("rules[0]")
