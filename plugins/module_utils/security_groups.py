# Copyright: ecap.platform contributors
# MIT License
"""Rule matrix of the security-groups tier.

The matrix (roles/security_groups/vars/main.yml) names other groups by key; these pure functions
check it (no data service open to a CIDR, every source known, every rule described) and turn it
into the ``rules`` / ``rules_egress`` lists of ``amazon.aws.ec2_security_group`` once the group ids
are known. The filter plugin ``ecap.platform.security_group_rules`` exposes them to the role.
"""

from __future__ import annotations

import ipaddress
from typing import Any

PROTOCOLS = {"tcp", "udp", "icmp", "all", "-1"}


class RuleMatrixError(ValueError):
    """Raised with a message naming the group and the rule at fault."""


def _rule_label(key: str, direction: str, index: int, rule: dict[str, Any]) -> str:
    return f"security group '{key}' {direction} rule {index + 1} ({rule.get('description', 'no description')})"


def _check_rule(
    key: str, direction: str, index: int, rule: dict[str, Any], keys: set[str], data_keys: set[str]
) -> None:
    label = _rule_label(key, direction, index, rule)
    if not str(rule.get("description", "")).strip():
        raise RuleMatrixError(f"{label} has no description: every rule must say why it exists")
    proto = str(rule.get("proto", "tcp"))
    if proto not in PROTOCOLS:
        raise RuleMatrixError(f"{label} has proto {proto!r}; allowed are {sorted(PROTOCOLS)}")
    if proto not in ("all", "-1") and "ports" not in rule:
        try:
            low, high = int(rule["from_port"]), int(rule["to_port"])
        except (KeyError, TypeError, ValueError):
            raise RuleMatrixError(f"{label} needs integer from_port and to_port (or ports)") from None
        if not 0 <= low <= high <= 65535:
            raise RuleMatrixError(
                f"{label} has ports {low}-{high}; they must satisfy 0 <= from_port <= to_port <= 65535"
            )
    has_source = "source" in rule
    cidrs = rule.get("cidrs") or []
    if has_source == bool(cidrs):
        raise RuleMatrixError(f"{label} needs exactly one of 'source' (a group key or 'self') and 'cidrs'")
    if has_source and rule["source"] != "self" and rule["source"] not in keys:
        raise RuleMatrixError(f"{label} refers to unknown group '{rule['source']}'; known groups are {sorted(keys)}")
    if cidrs:
        if key in data_keys:
            raise RuleMatrixError(
                f"{label} opens the data-service group '{key}' to CIDRs {cidrs}: data services accept "
                "only security-group references (e.g. source: eks_nodes)"
            )
        for cidr in cidrs:
            try:
                ipaddress.ip_network(str(cidr), strict=False)
            except ValueError:
                raise RuleMatrixError(f"{label} has an invalid CIDR {cidr!r}") from None


def validate_matrix(
    matrix: list[dict[str, Any]], extra_rules: dict[str, list[dict[str, Any]]] | None, data_keys: list[str]
) -> list[dict[str, Any]]:
    """Merge ``extra_rules`` (security_groups_extra_rules) into the matrix and validate every rule."""
    keys = [group["key"] for group in matrix]
    if len(set(keys)) != len(keys):
        raise RuleMatrixError(f"duplicate group keys in the matrix: {keys}")
    extra_rules = extra_rules or {}
    unknown = sorted(set(extra_rules) - set(keys))
    if unknown:
        raise RuleMatrixError(f"security_groups_extra_rules has unknown group(s) {unknown}; known groups are {keys}")
    merged = []
    for group in matrix:
        group = dict(group)
        group["ingress"] = list(group.get("ingress") or []) + list(extra_rules.get(group["key"], []))
        egress = group.get("egress", [])
        for direction, rules in (("ingress", group["ingress"]), ("egress", [] if egress == "all" else egress)):
            for index, rule in enumerate(rules):
                _check_rule(group["key"], direction, index, rule, set(keys), set(data_keys))
        merged.append(group)
    return merged


def _to_module_rule(rule: dict[str, Any], own_key: str, group_ids: dict[str, str]) -> list[dict[str, Any]]:
    base: dict[str, Any] = {"proto": str(rule.get("proto", "tcp")), "rule_desc": rule["description"]}
    if base["proto"] not in ("all", "-1"):
        if "ports" in rule:
            base["ports"] = [str(p) for p in rule["ports"]]
        else:
            base["from_port"] = int(rule["from_port"])
            base["to_port"] = int(rule["to_port"])
    if "source" in rule:
        source = own_key if rule["source"] == "self" else rule["source"]
        return [{**base, "group_id": group_ids[source]}]
    return [{**base, "cidr_ip": list(rule["cidrs"])}]


def module_rules(group: dict[str, Any], group_ids: dict[str, str]) -> dict[str, Any]:
    """Return ``{"rules": [...], "rules_egress": [...]}`` for ``amazon.aws.ec2_security_group``."""
    rules = [r for rule in group.get("ingress") or [] for r in _to_module_rule(rule, group["key"], group_ids)]
    egress = group.get("egress", [])
    if egress == "all":
        rules_egress = [{"proto": "all", "cidr_ip": "0.0.0.0/0", "rule_desc": "All outbound (AWS APIs, ECR, DNS)"}]
    else:
        rules_egress = [r for rule in egress for r in _to_module_rule(rule, group["key"], group_ids)]
    return {"rules": rules, "rules_egress": rules_egress}
