"""Rule matrix of the security-groups tier (plugins/module_utils/security_groups.py)."""

import copy
from pathlib import Path

import pytest
import yaml
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
