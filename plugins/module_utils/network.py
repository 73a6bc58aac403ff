# Copyright: ecap.platform contributors
# MIT License
"""Subnet maths for the network tier.

Pure functions (no AWS calls) so that a bad CIDR is caught before anything is
created. The filter plugin ``ecap.platform.subnet_plan`` and the unit tests both
call :func:`subnet_plan`.
"""

from __future__ import annotations

import ipaddress
from typing import Any

TIERS = ("public", "private", "database")

# AWS limits: a VPC CIDR block is /16 to /28, so is a subnet.
MIN_PREFIX = 16
MAX_PREFIX = 28

DEFAULT_PREFIXES = {"public": 24, "private": 20, "database": 24}


class SubnetPlanError(ValueError):
    """Raised with a message that names the offending variable."""


def _network(value: str, variable: str) -> ipaddress.IPv4Network:
    try:
        net = ipaddress.ip_network(str(value), strict=True)
    except ValueError as exc:
        raise SubnetPlanError(f"{variable}={value!r} is not a valid IPv4 network in CIDR notation ({exc})") from None
    if net.version != 4:
        raise SubnetPlanError(f"{variable}={value!r} must be an IPv4 CIDR")
    return net


def _validate_prefixes(vpc: ipaddress.IPv4Network, prefixes: dict[str, int]) -> dict[str, int]:
    unknown = sorted(set(prefixes) - set(TIERS))
    if unknown:
        raise SubnetPlanError(f"network_subnet_prefixes has unknown tier(s) {unknown}; allowed keys are {list(TIERS)}")
    merged = {**DEFAULT_PREFIXES, **prefixes}
    for tier, prefix in merged.items():
        if isinstance(prefix, bool) or not isinstance(prefix, int):
            raise SubnetPlanError(f"network_subnet_prefixes.{tier}={prefix!r} must be an integer prefix length")
        if prefix == DEFAULT_PREFIXES[tier] and prefix < vpc.prefixlen:
            # The tier keeps its default size (the role passes the defaults): the VPC is what is too small.
            raise SubnetPlanError(
                f"network_vpc_cidr={vpc} is too small for the default {tier} subnets "
                f"(network_subnet_prefixes.{tier}=/{prefix}): use a VPC of /{prefix} or larger (/16 to /{prefix}), "
                f"or smaller subnets (network_subnet_prefixes, up to /{MAX_PREFIX})"
            )
        if not vpc.prefixlen <= prefix <= MAX_PREFIX:
            raise SubnetPlanError(
                f"network_subnet_prefixes.{tier}=/{prefix} must lie between the VPC's /{vpc.prefixlen} "
                f"and /{MAX_PREFIX} (the smallest subnet AWS allows)"
            )
    return merged


def _allocate(vpc: ipaddress.IPv4Network, az_count: int, prefixes: dict[str, int]) -> dict[str, list[str]]:
    """Pack the subnets into the VPC, largest first, each aligned on its own size."""
    requests = [(tier, i, prefixes[tier]) for tier in TIERS for i in range(az_count)]
    needed = sum(2 ** (32 - p) for _, _, p in requests)
    if needed > vpc.num_addresses:
        smallest = 32 - (needed - 1).bit_length()
        sizes = ", ".join(f"{az_count} {tier} /{prefixes[tier]}" for tier in TIERS)
        raise SubnetPlanError(
            f"network_vpc_cidr={vpc} holds {vpc.num_addresses} addresses but {az_count} AZs need {sizes} "
            f"({needed} addresses): use a /{smallest} or larger VPC, fewer AZs (network_az_count) "
            "or smaller subnets (network_subnet_prefixes)"
        )
    plan: dict[str, list[str]] = {tier: [""] * az_count for tier in TIERS}
    cursor = int(vpc.network_address)
    # Largest first keeps every block aligned with no gaps, so the check above is exact.
    for tier, index, prefix in sorted(requests, key=lambda r: (r[2], TIERS.index(r[0]), r[1])):
        size = 2 ** (32 - prefix)
        cursor = (cursor + size - 1) // size * size
        plan[tier][index] = str(ipaddress.ip_network((cursor, prefix)))
        cursor += size
    return plan


def _validate_explicit(
    vpc: ipaddress.IPv4Network, az_count: int, explicit: dict[str, list[str]]
) -> dict[str, list[str]]:
    seen: list[tuple[str, ipaddress.IPv4Network]] = []
    for tier, cidrs in explicit.items():
        variable = f"network_{tier}_subnets"
        if len(cidrs) != az_count:
            raise SubnetPlanError(
                f"{variable} lists {len(cidrs)} CIDRs but network_az_count={az_count}: give one per AZ"
            )
        for cidr in cidrs:
            net = _network(cidr, variable)
            if not net.subnet_of(vpc):
                raise SubnetPlanError(f"{variable} entry {net} is outside network_vpc_cidr={vpc}")
            if net.prefixlen > MAX_PREFIX:
                raise SubnetPlanError(f"{variable} entry {net} is smaller than /{MAX_PREFIX}, the smallest AWS allows")
            for other_var, other in seen:
                if net.overlaps(other):
                    raise SubnetPlanError(f"{variable} entry {net} overlaps {other_var} entry {other}")
            seen.append((variable, net))
    return explicit


def subnet_plan(
    vpc_cidr: str,
    az_count: int,
    prefixes: dict[str, int] | None = None,
    explicit: dict[str, list[str] | None] | None = None,
) -> dict[str, Any]:
    """Return ``{"public": [...], "private": [...], "database": [...]}``, one CIDR per AZ.

    Tiers listed in ``explicit`` (non-empty lists) are taken as given after validation;
    the others are computed from ``vpc_cidr`` with the tier's prefix length, packed
    after the explicit ones never overlap: computed blocks that collide are refused.
    """
    vpc = _network(vpc_cidr, "network_vpc_cidr")
    if not MIN_PREFIX <= vpc.prefixlen <= MAX_PREFIX:
        raise SubnetPlanError(
            f"network_vpc_cidr={vpc} has prefix /{vpc.prefixlen}; AWS allows /{MIN_PREFIX} to /{MAX_PREFIX}"
        )
    if isinstance(az_count, bool) or not isinstance(az_count, int) or az_count < 1:
        raise SubnetPlanError(f"network_az_count={az_count!r} must be a positive integer")
    fixed = {tier: list(cidrs) for tier, cidrs in (explicit or {}).items() if cidrs}
    unknown = sorted(set(fixed) - set(TIERS))
    if unknown:
        raise SubnetPlanError(f"unknown subnet tier(s) {unknown}; allowed are {list(TIERS)}")
    merged = _validate_prefixes(vpc, dict(prefixes or {}))
    plan = _allocate(vpc, az_count, merged) if len(fixed) < len(TIERS) else {}
    plan.update(_validate_explicit(vpc, az_count, fixed))
    if fixed and len(fixed) < len(TIERS):
        computed = [(t, ipaddress.ip_network(c)) for t in TIERS if t not in fixed for c in plan[t]]
        for tier, cidrs in fixed.items():
            for cidr in cidrs:
                for other_tier, other in computed:
                    if ipaddress.ip_network(cidr).overlaps(other):
                        raise SubnetPlanError(
                            f"network_{tier}_subnets entry {cidr} overlaps the computed {other_tier} subnet "
                            f"{other}: give network_{other_tier}_subnets explicitly too"
                        )
    return plan


def subnet_layout(
    plan: dict[str, list[str]],
    azs: list[str],
    name_prefix: str,
    cluster_name: str,
    single_nat_gateway: bool,
) -> dict[str, Any]:
    """Turn a subnet plan into the specs the network role loops over.

    Returns ``{"subnets": [...], "subnet_names": {tier: [...]}, "nat_gateways": [...],
    "route_tables": [...]}``: every subnet with its name, tier, AZ and tags (EKS discovery tags on
    public and private); one NAT gateway per AZ, or only in the first AZ when
    ``single_nat_gateway``; route tables by name with the subnets they serve and their
    default-route target: the internet gateway for public, a NAT gateway for private (one table
    per NAT), none for database.
    """
    if len(azs) < len(plan["public"]):
        raise SubnetPlanError(
            f"network_az_count={len(plan['public'])} but only {len(azs)} availability zones are available: {azs}"
        )
    cluster_tag = {f"kubernetes.io/cluster/{cluster_name}": "shared"}
    role_tags = {
        "public": {"kubernetes.io/role/elb": "1", **cluster_tag},
        "private": {"kubernetes.io/role/internal-elb": "1", **cluster_tag},
        "database": {},
    }
    subnets = []
    for tier in TIERS:
        for index, cidr in enumerate(plan[tier]):
            az = azs[index]
            name = f"{name_prefix}-{tier}-{az}"
            subnets.append(
                {
                    "name": name,
                    "tier": tier,
                    "cidr": cidr,
                    "az": az,
                    "tags": {"Name": name, "Tier": tier, **role_tags[tier]},
                }
            )
    nat_azs = azs[: 1 if single_nat_gateway else len(plan["public"])]
    nat_gateways = [
        {"name": f"{name_prefix}-nat-{az}", "az": az, "subnet": f"{name_prefix}-public-{az}"} for az in nat_azs
    ]
    names = {tier: [s["name"] for s in subnets if s["tier"] == tier] for tier in TIERS}
    # target: "igw", a NAT gateway name, or None (database: no route to the internet).
    route_tables = [{"name": f"{name_prefix}-public", "tier": "public", "subnets": names["public"], "target": "igw"}]
    if single_nat_gateway:
        route_tables.append(
            {
                "name": f"{name_prefix}-private",
                "tier": "private",
                "subnets": names["private"],
                "target": nat_gateways[0]["name"],
            }
        )
    else:
        route_tables += [
            {
                "name": f"{name_prefix}-private-{nat['az']}",
                "tier": "private",
                "subnets": [names["private"][i]],
                "target": nat["name"],
            }
            for i, nat in enumerate(nat_gateways)
        ]
    route_tables.append(
        {"name": f"{name_prefix}-database", "tier": "database", "subnets": names["database"], "target": None}
    )
    return {"subnets": subnets, "subnet_names": names, "nat_gateways": nat_gateways, "route_tables": route_tables}
