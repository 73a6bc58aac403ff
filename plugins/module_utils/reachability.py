# Copyright: ecap.platform contributors
# MIT License
"""Pure network-path analysis for the troubleshooting playbook (no AWS call here).

Inputs are the shapes boto3 returns (DescribeSecurityGroups ``SecurityGroups``, DescribeNetworkAcls
``NetworkAcls``, DescribeRouteTables ``RouteTables``, DescribeNatGateways ``NatGateways``), so the same
functions serve a module and a unit test.

- :func:`sg_path`: may TCP traffic from instances carrying the source groups reach the port on an
  interface carrying the target groups? Both sides are checked: an egress rule of a source group and an
  ingress rule of a target group, each matching by group reference or by a CIDR that covers every
  address of the other side. A rule that references some other group is reported (``referenced``), so a
  report can say "allows sg-x (name), which the nodes do not carry".
- :func:`nacl_decision` / :func:`nacl_path`: network ACLs are stateless and evaluated rule by rule in
  ascending number, the first match wins, ``*`` (32767) denies. A path needs four decisions: the request
  out of the source subnet and into the target subnet on the port, the reply out of the target subnet and
  into the source subnet on the client's ephemeral ports (32768-60999, the nodes are Linux). A deny rule
  that overlaps the peer's CIDR and the ports before a covering allow blocks (at least part of) the path.
- :func:`route_problems`: a subnet's effective route table (explicit association, else the main table)
  must hold the VPC's local route; routes in state ``blackhole`` and a default route to a NAT gateway that
  is not ``available`` are problems; ``require_default`` asks for a 0.0.0.0/0 route (private subnets: the
  nodes pull images and reach AWS APIs through it).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from typing import Any

TCP = {"-1", "tcp", "6", "all"}
#: The client's ephemeral ports the replies go to: Linux's ip_local_port_range (the EKS nodes: AL2023, Bottlerocket).
EPHEMERAL = (32768, 60999)
DEFAULT_RULE = 32767


def _net(cidr: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    return ipaddress.ip_network(cidr, strict=False)


def covers(outer: str, inner: str) -> bool:
    """Whether every address of ``inner`` is in ``outer`` (both CIDRs; different IP versions never cover)."""
    a, b = _net(outer), _net(inner)
    return a.version == b.version and b.subnet_of(a)  # type: ignore[arg-type]


def overlaps(a: str, b: str) -> bool:
    x, y = _net(a), _net(b)
    return x.version == y.version and x.overlaps(y)  # type: ignore[arg-type]


def _proto(permission: Mapping[str, Any]) -> str:
    return str(permission.get("IpProtocol", "")).lower()


def permission_covers_port(permission: Mapping[str, Any], port: int) -> bool:
    """An SG permission (IpPermissions item) allows TCP ``port``: protocol all, or tcp with the port in range."""
    proto = _proto(permission)
    if proto not in TCP:
        return False
    if proto in ("-1", "all"):
        return True
    low, high = permission.get("FromPort"), permission.get("ToPort")
    if low is None or high is None or low == -1:
        return True
    return int(low) <= port <= int(high)


def _group_name(groups_by_id: Mapping[str, Mapping[str, Any]], group_id: str) -> str:
    group = groups_by_id.get(group_id) or {}
    return f"{group_id} ({group['GroupName']})" if group.get("GroupName") else group_id


def _direction(
    groups: Iterable[Mapping[str, Any]],
    key: str,
    port: int,
    peer_ids: set[str],
    peer_cidrs: list[str],
) -> dict[str, Any]:
    via: list[str] = []
    referenced: set[str] = set()
    partial_cidrs: set[str] = set()
    for group in groups:
        for permission in group.get(key) or []:
            if not permission_covers_port(permission, port):
                continue
            for pair in permission.get("UserIdGroupPairs") or []:
                ref = pair.get("GroupId", "")
                if ref in peer_ids:
                    via.append(f"{group['GroupId']} {'from' if key == 'IpPermissions' else 'to'} group {ref}")
                elif ref:
                    referenced.add(ref)
            for ip_range in permission.get("IpRanges") or []:
                cidr = ip_range.get("CidrIp", "")
                if cidr and peer_cidrs and all(covers(cidr, peer) for peer in peer_cidrs):
                    via.append(f"{group['GroupId']} {'from' if key == 'IpPermissions' else 'to'} {cidr}")
                elif cidr and any(overlaps(cidr, peer) for peer in peer_cidrs):
                    partial_cidrs.add(cidr)
    return {
        "allowed": bool(via),
        "via": via,
        "referenced": sorted(referenced),
        "partial_cidrs": sorted(partial_cidrs),
    }


def sg_path(
    source_groups: list[Mapping[str, Any]],
    target_groups: list[Mapping[str, Any]],
    port: int,
    source_cidrs: list[str],
    target_cidrs: list[str],
) -> dict[str, Any]:
    """Whether TCP ``port`` is open from the source groups (on addresses in ``source_cidrs``) to the target groups.

    Returns ``{"allowed", "egress": {...}, "ingress": {...}}``; each side has ``allowed``, ``via`` (the
    matching rules), ``referenced`` (other groups its rules on that port name) and ``partial_cidrs``
    (CIDRs that cover only part of the peer's addresses).
    """
    source_ids = {g["GroupId"] for g in source_groups}
    target_ids = {g["GroupId"] for g in target_groups}
    egress = _direction(source_groups, "IpPermissionsEgress", port, target_ids, target_cidrs)
    ingress = _direction(target_groups, "IpPermissions", port, source_ids, source_cidrs)
    return {"allowed": egress["allowed"] and ingress["allowed"], "egress": egress, "ingress": ingress}


def explain_sg_path(
    result: Mapping[str, Any],
    port: int,
    source_label: str,
    target_label: str,
    groups_by_id: Mapping[str, Mapping[str, Any]],
) -> tuple[str, str]:
    """(what is wrong, how to fix) for an :func:`sg_path` result that is not allowed."""
    problems, fixes = [], []
    if not result["ingress"]["allowed"]:
        text = f"no ingress rule of the {target_label} security group allows tcp/{port} from the {source_label}"
        if result["ingress"]["referenced"]:
            names = ", ".join(_group_name(groups_by_id, g) for g in result["ingress"]["referenced"])
            text += f" (its rules on {port} allow {names}, which the {source_label} do not carry)"
        if result["ingress"]["partial_cidrs"]:
            text += f" (CIDRs {', '.join(result['ingress']['partial_cidrs'])} cover only part of the source subnets)"
        problems.append(text)
        fixes.append(
            f"add the ingress rule tcp/{port} from the {source_label}' security group to the {target_label} group "
            "(re-run the site: the security_groups tier restores its rule matrix)"
        )
    if not result["egress"]["allowed"]:
        text = f"no egress rule of the {source_label} security groups allows tcp/{port} to the {target_label}"
        if result["egress"]["referenced"]:
            names = ", ".join(_group_name(groups_by_id, g) for g in result["egress"]["referenced"])
            text += f" (their rules on {port} name {names})"
        problems.append(text)
        fixes.append(
            f"allow egress tcp/{port} from the {source_label}' security group (re-run the site's security_groups tier)"
        )
    return "; ".join(problems), "; ".join(fixes)


# --------------------------------------------------------------------------- network ACLs


def _entry_ports(entry: Mapping[str, Any]) -> tuple[int, int]:
    ports = entry.get("PortRange") or {}
    if str(entry.get("Protocol", "-1")) == "-1" or not ports:
        return 0, 65535
    return int(ports.get("From", 0)), int(ports.get("To", 65535))


def nacl_decision(
    entries: list[Mapping[str, Any]], egress: bool, peer_cidr: str, port_from: int, port_to: int | None = None
) -> dict[str, Any]:
    """The decision of a network ACL for TCP traffic with ``peer_cidr`` on ports ``port_from..port_to``.

    ``egress`` picks the outbound rules (peer = destination) or the inbound rules (peer = source). Returns
    ``{"allowed": bool, "rule": <rule number or "*">, "action": "allow"|"deny"}``: the first rule (ascending
    number) that matches TCP, overlaps the ports and the peer decides; an allow decides only when it covers
    the whole peer CIDR and every port (otherwise later rules decide the rest, and the ``*`` rule denies).
    """
    high = port_from if port_to is None else port_to
    rules = sorted(
        (e for e in entries if bool(e.get("Egress")) == egress and int(e.get("RuleNumber", 0)) < DEFAULT_RULE),
        key=lambda e: int(e["RuleNumber"]),
    )
    for entry in rules:
        if str(entry.get("Protocol", "-1")).lower() not in TCP:
            continue
        cidr = entry.get("CidrBlock") or entry.get("Ipv6CidrBlock") or ""
        if not cidr or not overlaps(cidr, peer_cidr):
            continue
        low_e, high_e = _entry_ports(entry)
        if high_e < port_from or low_e > high:
            continue
        number = int(entry["RuleNumber"])
        if entry.get("RuleAction") == "deny":
            return {"allowed": False, "rule": number, "action": "deny", "cidr": cidr}
        if covers(cidr, peer_cidr) and low_e <= port_from and high_e >= high:
            return {"allowed": True, "rule": number, "action": "allow", "cidr": cidr}
    return {"allowed": False, "rule": "*", "action": "deny", "cidr": "0.0.0.0/0"}


def nacl_path(
    source_entries: list[Mapping[str, Any]],
    target_entries: list[Mapping[str, Any]],
    source_cidr: str,
    target_cidr: str,
    port: int,
) -> list[dict[str, Any]]:
    """The decisions that block a TCP connection from ``source_cidr`` to ``target_cidr``:``port`` (empty: open).

    Each blocked step: ``{"step", "acl": "source"|"target", "rule", "detail"}``.
    """
    steps = [
        ("request out of the source subnet", "source", source_entries, True, target_cidr, (port, port)),
        ("request into the target subnet", "target", target_entries, False, source_cidr, (port, port)),
        ("reply out of the target subnet", "target", target_entries, True, source_cidr, EPHEMERAL),
        ("reply into the source subnet", "source", source_entries, False, target_cidr, EPHEMERAL),
    ]
    blocked = []
    for step, side, entries, egress, peer, (low, high) in steps:
        decision = nacl_decision(entries, egress, peer, low, high)
        if not decision["allowed"]:
            ports = str(low) if low == high else f"{low}-{high}"
            blocked.append(
                {
                    "step": step,
                    "acl": side,
                    "rule": decision["rule"],
                    "detail": (
                        f"{step}: {'outbound' if egress else 'inbound'} rule {decision['rule']} "
                        f"{'denies' if decision['rule'] != '*' else '(default) denies'} tcp/{ports} "
                        f"{'to' if egress else 'from'} {peer}"
                    ),
                }
            )
    return blocked


def acl_of_subnet(acls: list[Mapping[str, Any]], subnet_id: str, vpc_id: str) -> Mapping[str, Any] | None:
    """The network ACL a subnet uses: the one associated with it, else the VPC's default ACL."""
    for acl in acls:
        if any(a.get("SubnetId") == subnet_id for a in acl.get("Associations") or []):
            return acl
    return next((a for a in acls if a.get("IsDefault") and a.get("VpcId") == vpc_id), None)


# --------------------------------------------------------------------------- route tables


def route_table_of_subnet(tables: list[Mapping[str, Any]], subnet_id: str, vpc_id: str) -> Mapping[str, Any] | None:
    """The route table a subnet uses: its explicit association, else the VPC's main table."""
    for table in tables:
        if any(a.get("SubnetId") == subnet_id for a in table.get("Associations") or []):
            return table
    for table in tables:
        if table.get("VpcId") == vpc_id and any(a.get("Main") for a in table.get("Associations") or []):
            return table
    return None


def route_problems(
    table: Mapping[str, Any] | None,
    vpc_cidrs: list[str],
    nat_gateways: Mapping[str, Mapping[str, Any]],
    require_default: bool,
) -> list[str]:
    """What is wrong with a subnet's effective route table (empty: nothing)."""
    if table is None:
        return ["no route table (no association and no main table)"]
    name = table.get("RouteTableId", "?")
    problems = []
    routes = table.get("Routes") or []
    for cidr in vpc_cidrs:
        if not any(r.get("GatewayId") == "local" and r.get("DestinationCidrBlock") == cidr for r in routes):
            problems.append(f"{name} has no local route for {cidr}")
    for route in routes:
        if route.get("State") == "blackhole":
            target = route.get("NatGatewayId") or route.get("GatewayId") or route.get("NetworkInterfaceId") or "?"
            problems.append(f"{name}: route {route.get('DestinationCidrBlock')} -> {target} is a blackhole")
    default = [r for r in routes if r.get("DestinationCidrBlock") == "0.0.0.0/0"]
    if require_default and not default:
        problems.append(f"{name} has no default route (0.0.0.0/0): the nodes cannot reach ECR, EKS or other AWS APIs")
    for route in default:
        nat_id = route.get("NatGatewayId")
        if nat_id:
            state = (nat_gateways.get(nat_id) or {}).get("State", "missing")
            if state != "available":
                problems.append(f"{name}: default route to NAT gateway {nat_id}, which is {state}")
    return problems


# --------------------------------------------------------------------------- endpoint access


def public_access_allows(cidrs: list[str], caller_ip: str) -> bool:
    """Whether the caller's IP (an address or CIDR) is inside one of the cluster's publicAccessCidrs."""
    return any(covers(cidr, caller_ip if "/" in caller_ip else f"{caller_ip}/32") for cidr in cidrs)


def quota_usage_problem(usage: float, value: float, threshold: float) -> bool:
    """Whether ``usage`` has reached ``threshold`` (a fraction) of the quota ``value``."""
    return value <= 0 or usage >= threshold * value
