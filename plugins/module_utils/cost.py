# Copyright: ecap.platform contributors
# MIT License
"""Monthly cost estimate of one environment from its sizing and a pinned price table.

Pure Python, no AWS call: ``estimate(sizing)`` prices what an inventory asks for (EKS control plane
and nodes, NAT gateways, RDS, MSK, ElastiCache, the ALB, S3, CloudWatch Logs, KMS, Secrets Manager)
with :data:`PRICES`, a dated table of us-west-2 on-demand list prices. ``compare(total, range)``
says whether the figure meets the environment's target range from the seed.

The table is pinned on purpose: an estimate must be reproducible and reviewable in a diff. Refresh
it from the AWS Price List API (or the pricing pages) and bump :data:`PRICES_AS_OF`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

HOURS_PER_MONTH = 730
PRICES_AS_OF = "2026-11-01"
REGION = "us-west-2"

#: USD, us-west-2, on-demand list prices (Linux). Hourly unless the key says otherwise.
PRICES: dict[str, Any] = {
    "eks_cluster_hour": 0.10,
    "ec2_hour": {
        "t3.small": 0.0208,
        "t3.medium": 0.0416,
        "t3.large": 0.0832,
        "t3a.medium": 0.0376,
        "m5.large": 0.096,
        "m5.xlarge": 0.192,
        "m5.2xlarge": 0.384,
        "c5.xlarge": 0.17,
        "c5.2xlarge": 0.34,
    },
    # Average spot price as a share of on-demand for these families (AWS advertises up to 90 % off).
    "spot_share": 0.35,
    "ebs_gp3_gb_month": 0.08,
    "nat_hour": 0.045,
    "nat_gb": 0.045,
    # Interface VPC endpoints (AWS PrivateLink): per endpoint and AZ hour, and per GB processed (first PB tier).
    "vpc_endpoint_az_hour": 0.01,
    "vpc_endpoint_gb": 0.01,
    "alb_hour": 0.0225,
    "alb_lcu_hour": 0.008,
    "rds_hour": {
        "db.t3.micro": 0.018,
        "db.t3.small": 0.036,
        "db.t3.medium": 0.072,
        "db.t3.large": 0.145,
        "db.m5.large": 0.178,
        "db.m5.xlarge": 0.356,
        "db.m5.2xlarge": 0.712,
        "db.r5.large": 0.25,
        "db.r5.xlarge": 0.50,
    },
    "rds_gp3_gb_month": 0.115,  # doubled for Multi-AZ, like the instance hours
    "msk_broker_hour": {
        "kafka.t3.small": 0.0456,
        "kafka.m5.large": 0.21,
        "kafka.m5.xlarge": 0.42,
        "kafka.m5.2xlarge": 0.84,
    },
    "msk_storage_gb_month": 0.10,
    # MSK Serverless: per cluster-hour and partition-hour (storage and traffic extra).
    "msk_serverless_cluster_hour": 0.75,
    "msk_serverless_partition_hour": 0.0015,
    "elasticache_hour": {
        "cache.t3.micro": 0.017,
        "cache.t3.small": 0.034,
        "cache.t3.medium": 0.068,
        "cache.m5.large": 0.156,
        "cache.m5.xlarge": 0.311,
        "cache.r5.large": 0.216,
    },
    "s3_standard_gb_month": 0.023,
    "logs_ingest_gb": 0.50,
    "logs_storage_gb_month": 0.03,
    "kms_key_month": 1.00,
    "secret_month": 0.40,
    # Share of on-demand paid under a 1-year, no-upfront commitment (the proposals for steady workloads):
    # Compute Savings Plan on m5/c5 nodes, reserved RDS and ElastiCache nodes. MSK has no reservations.
    "savings_plan_share": 0.72,
    "rds_reserved_share": 0.66,
    "elasticache_reserved_share": 0.68,
}

#: Hours a week an off-hours schedule keeps the dev/staging nodes and database up (12 h on 5 weekdays).
OFFHOURS_SHARE = round(60 / 168, 4)


class CostError(ValueError):
    """A size the price table does not know; the message names the variable."""


def _price(table: str, size: str, variable: str) -> float:
    try:
        return float(PRICES[table][size])
    except KeyError:
        known = ", ".join(sorted(PRICES[table]))
        raise CostError(f"{variable}={size} has no price in the table ({PRICES_AS_OF}); known: {known}") from None


def _line(service: str, item: str, quantity: float, unit: str, unit_price: float) -> dict[str, Any]:
    return {
        "service": service,
        "item": item,
        "quantity": round(quantity, 2),
        "unit": unit,
        "unit_price": unit_price,
        "monthly": round(quantity * unit_price, 2),
    }


def estimate(sizing: Mapping[str, Any]) -> dict[str, Any]:
    """Price one environment. ``sizing`` keys (all optional but ``env``) are documented in the estimate playbook."""
    h = HOURS_PER_MONTH
    lines: list[dict[str, Any]] = []
    if sizing.get("eks", True):
        lines.append(_line("EKS", "control plane", h, "hour", PRICES["eks_cluster_hour"]))
        for group in sizing.get("node_groups", []):
            types = group.get("instance_types") or ["t3.medium"]
            hourly = sum(_price("ec2_hour", t, "node instance type") for t in types) / len(types)
            spot = group.get("capacity_type", "ON_DEMAND") == "SPOT"
            committed = not spot and sizing.get("savings_plan")
            share = PRICES["spot_share"] if spot else (PRICES["savings_plan_share"] if committed else 1.0)
            unit = round(hourly * share, 5)
            name = f"{group.get('name', 'nodes')} nodes {'/'.join(types)}"
            name += " spot" if spot else " savings plan" if committed else ""
            hours = group.get("desired", 1) * h * float(group.get("hours_share", 1.0))
            lines.append(_line("EC2", name, hours, "instance-hour", unit))
            lines.append(
                _line(
                    "EC2",
                    f"{group.get('name', 'nodes')} gp3 root volumes",
                    group.get("desired", 1) * group.get("disk_gb", 50) * float(group.get("hours_share", 1.0)),
                    "GB-month",
                    PRICES["ebs_gp3_gb_month"],
                )
            )
    nats = int(sizing.get("nat_gateways", 1))
    if nats:
        lines.append(_line("VPC", "NAT gateways", nats * h, "gateway-hour", PRICES["nat_hour"]))
        lines.append(_line("VPC", "NAT data processed", sizing.get("nat_gb", 50), "GB", PRICES["nat_gb"]))
    endpoints = int(sizing.get("interface_endpoints", 0))
    if endpoints:
        azs = int(sizing.get("endpoint_azs", 3))
        name = f"Interface endpoints ({endpoints} x {azs} AZs)"
        lines.append(_line("VPC", name, endpoints * azs * h, "endpoint-AZ-hour", PRICES["vpc_endpoint_az_hour"]))
        if sizing.get("endpoint_gb"):
            gb = sizing["endpoint_gb"]
            lines.append(_line("VPC", "Interface endpoint data processed", gb, "GB", PRICES["vpc_endpoint_gb"]))
    if sizing.get("alb", True):
        lines.append(_line("ELB", "ALB", h, "hour", PRICES["alb_hour"]))
        lines.append(
            _line("ELB", "ALB capacity units", sizing.get("alb_lcu", 1) * h, "LCU-hour", PRICES["alb_lcu_hour"])
        )
    rds = sizing.get("rds")
    if rds:
        copies = 2 if rds.get("multi_az") else 1
        unit = _price("rds_hour", rds["instance_class"], "rds_instance_class")
        label = f"PostgreSQL {rds['instance_class']}{' Multi-AZ' if copies == 2 else ''}"
        if rds.get("reserved"):
            unit, label = round(unit * PRICES["rds_reserved_share"], 5), label + " reserved"
        hours = copies * h * float(rds.get("hours_share", 1.0))
        lines.append(_line("RDS", label, hours, "instance-hour", unit))
        lines.append(
            _line("RDS", "gp3 storage", copies * rds.get("storage_gb", 20), "GB-month", PRICES["rds_gp3_gb_month"])
        )
    msk = sizing.get("msk")
    if msk and msk.get("serverless"):
        lines.append(_line("MSK", "Serverless cluster", h, "cluster-hour", PRICES["msk_serverless_cluster_hour"]))
        lines.append(
            _line(
                "MSK",
                "Serverless partitions",
                msk.get("partitions", 30) * h,
                "partition-hour",
                PRICES["msk_serverless_partition_hour"],
            )
        )
    elif msk:
        unit = _price("msk_broker_hour", msk["instance_type"], "msk_instance_type")
        lines.append(
            _line("MSK", f"{msk['brokers']} x {msk['instance_type']} brokers", msk["brokers"] * h, "broker-hour", unit)
        )
        lines.append(
            _line(
                "MSK",
                "broker storage",
                msk["brokers"] * msk.get("volume_gb", 100),
                "GB-month",
                PRICES["msk_storage_gb_month"],
            )
        )
    redis = sizing.get("redis")
    if redis:
        nodes = 1 + int(redis.get("replicas", 0))
        unit = _price("elasticache_hour", redis["node_type"], "redis_node_type")
        label = f"{nodes} x {redis['node_type']}"
        if redis.get("reserved"):
            unit, label = round(unit * PRICES["elasticache_reserved_share"], 5), label + " reserved"
        lines.append(_line("ElastiCache", label, nodes * h, "node-hour", unit))
    lines.append(
        _line("S3", "data lake (Standard)", sizing.get("s3_gb", 100), "GB-month", PRICES["s3_standard_gb_month"])
    )
    lines.append(_line("CloudWatch", "log ingestion", sizing.get("logs_gb", 10), "GB", PRICES["logs_ingest_gb"]))
    lines.append(
        _line(
            "CloudWatch", "log storage", sizing.get("logs_stored_gb", 20), "GB-month", PRICES["logs_storage_gb_month"]
        )
    )
    lines.append(_line("KMS", "customer-managed keys", sizing.get("kms_keys", 8), "key-month", PRICES["kms_key_month"]))
    lines.append(_line("Secrets Manager", "secrets", sizing.get("secrets", 2), "secret-month", PRICES["secret_month"]))
    by_service: dict[str, float] = {}
    for line in lines:
        by_service[line["service"]] = round(by_service.get(line["service"], 0.0) + line["monthly"], 2)
    return {
        "env": sizing.get("env"),
        "region": REGION,
        "prices_as_of": PRICES_AS_OF,
        "lines": lines,
        "by_service": by_service,
        "total": round(sum(line["monthly"] for line in lines), 2),
    }


def _offhours(sizing: dict[str, Any]) -> dict[str, Any]:
    groups = [{**g, "hours_share": OFFHOURS_SHARE} for g in sizing.get("node_groups", [])]
    rds = {**sizing["rds"], "hours_share": OFFHOURS_SHARE} if sizing.get("rds") else sizing.get("rds")
    return {**sizing, "node_groups": groups, "rds": rds}


def _msk_small(sizing: dict[str, Any]) -> dict[str, Any]:
    msk = sizing.get("msk")
    if not msk or msk.get("serverless"):
        return sizing
    return {
        **sizing,
        "msk": {**msk, "instance_type": "kafka.t3.small", "volume_gb": min(msk.get("volume_gb", 100), 100)},
    }


def _msk_one_broker_per_az(sizing: dict[str, Any]) -> dict[str, Any]:
    msk = sizing.get("msk")
    if not msk or msk.get("serverless") or msk.get("brokers", 3) <= 3:
        return sizing
    return {**sizing, "msk": {**msk, "brokers": 3, "volume_gb": min(msk.get("volume_gb", 1000), 500)}}


def _rds_single_az(sizing: dict[str, Any]) -> dict[str, Any]:
    return {**sizing, "rds": {**sizing["rds"], "multi_az": False}} if sizing.get("rds") else sizing


def _workload_spot(sizing: dict[str, Any]) -> dict[str, Any]:
    groups = [{**g, "capacity_type": "SPOT"} if g.get("name") != "system" else g for g in sizing.get("node_groups", [])]
    return {**sizing, "node_groups": groups}


def _commitments(sizing: dict[str, Any]) -> dict[str, Any]:
    out = {**sizing, "savings_plan": True}
    for key in ("rds", "redis"):
        if sizing.get(key):
            out[key] = {**sizing[key], "reserved": True}
    return out


def _kafka_in_cluster(sizing: dict[str, Any]) -> dict[str, Any]:
    groups = [
        {**g, "desired": g.get("desired", 1) + 1} if g.get("name") == "workload" else g
        for g in sizing.get("node_groups", [])
    ]
    return {**sizing, "msk": None, "node_groups": groups}


#: What the estimate proposes, in this order and cumulatively, for an environment above its range:
#: (id, the environments it suits, the change, how to make it, the function that re-sizes).
PROPOSALS: list[tuple[str, tuple[str, ...], str, str, Any]] = [
    (
        "offhours",
        ("local", "dev", "staging"),
        "off-hours: nodes at zero, RDS stopped (up 12 h x 5 days)",
        "schedule playbooks/ops/scale.yml -e scale_action=down|up",
        _offhours,
    ),
    (
        "workload_spot",
        ("staging",),
        "workload node group on spot (system group on-demand)",
        "eks_node_groups[workload].capacity_type: SPOT",
        _workload_spot,
    ),
    (
        "msk_small",
        ("local", "dev", "staging"),
        "MSK brokers kafka.t3.small, at most 100 GB each",
        "msk_instance_type: kafka.t3.small, msk_broker_volume_size: 100 (storage autoscaling grows it)",
        _msk_small,
    ),
    (
        "rds_single_az",
        ("staging",),
        "RDS single-AZ (backups and point-in-time recovery stay)",
        "rds_multi_az: false",
        _rds_single_az,
    ),
    (
        "kafka_in_cluster",
        ("local", "dev"),
        "no MSK: one Kafka broker on the workload nodes (+1 node)",
        "msk tier off (--skip-tags msk) and a Kafka Helm release in k8s_apps",
        _kafka_in_cluster,
    ),
    (
        "msk_one_broker_per_az",
        ("prod",),
        "MSK 3 brokers (one per AZ), 500 GB each to start",
        "msk_broker_count: 3, msk_broker_volume_size: 500 (storage autoscaling grows it)",
        _msk_one_broker_per_az,
    ),
    (
        "commitments",
        ("prod",),
        "1-year Savings Plan, reserved RDS and ElastiCache nodes",
        "1-year no upfront, a purchase: playbooks/ops/cost_report.yml lists the recommendations",
        _commitments,
    ),
]


def propose(sizing: Mapping[str, Any], env: str, target: Mapping[str, float]) -> dict[str, Any]:
    """The documented options that bring ``env`` towards its ``target`` range, priced one after the other.

    Each step applies its change on top of the previous ones and says what it saves; ``meets_range`` says
    whether all of them together reach the range, and ``floor`` names what no option here removes (for the
    seed's dev: the EKS control plane, the ALB and the NAT gateway).
    """
    current = dict(sizing)
    total = estimate(current)["total"]
    steps = []
    if compare(total, target)["verdict"] == "above":
        for pid, envs, change, how, resize in PROPOSALS:
            if env not in envs:
                continue
            current = resize(current)
            after = estimate(current)["total"]
            if after >= total:
                continue
            steps.append({"id": pid, "change": change, "how": how, "saves": round(total - after, 2), "total": after})
            total = after
    fixed = estimate(
        {
            "env": sizing.get("env"),
            "node_groups": [],
            "nat_gateways": sizing.get("nat_gateways", 1),
            "nat_gb": 0,
            "interface_endpoints": sizing.get("interface_endpoints", 0),
            "endpoint_azs": sizing.get("endpoint_azs", 3),
            "s3_gb": 0,
            "logs_gb": 0,
            "logs_stored_gb": 0,
            "kms_keys": 0,
            "secrets": 0,
            "alb_lcu": 0,
        }
    )["total"]
    return {
        "steps": steps,
        "total": total,
        "verdict": compare(total, target)["verdict"],
        "meets_range": compare(total, target)["verdict"] != "above",
        "floor": fixed,
    }


def compare(total: float, target: Mapping[str, float]) -> dict[str, Any]:
    """Where ``total`` falls against the seed's range ``{"low": .., "high": ..}``."""
    low, high = float(target["low"]), float(target["high"])
    if total > high:
        verdict = "above"
    elif total < low:
        verdict = "below"
    else:
        verdict = "within"
    return {"low": low, "high": high, "verdict": verdict, "over_by": round(max(0.0, total - high), 2)}


def render(document: Mapping[str, Any], target: Mapping[str, Any] | None = None) -> list[str]:
    """The estimate as a text table, with the comparison to the target range."""
    out = [f"Monthly estimate for {document['env']} ({document['region']}, list prices of {document['prices_as_of']})"]
    for line in document["lines"]:
        what = f"{line['service'][:11]:<12}{line['item'][:38]:<39}"
        out.append(f"{what}{line['quantity']:>7g} {line['unit']:<14}${line['monthly']:>8.2f}")
    out.append(f"{'TOTAL':<73}${document['total']:>8.2f}")
    if target:
        cmp = compare(document["total"], target)
        out.append(
            f"Seed range ${cmp['low']:.0f}-${cmp['high']:.0f}: {cmp['verdict']}"
            + (f" (over by ${cmp['over_by']:.2f})" if cmp["verdict"] == "above" else "")
        )
    proposal = document.get("proposals")
    if proposal and proposal["steps"]:
        out.append("Proposed options, each on top of the ones before (see docs/cost.md):")
        for step in proposal["steps"]:
            out.append(f"  - {step['change'][:58]:<59} -${step['saves']:>7.2f} = ${step['total']:>8.2f}")
            out.append(f"      ({step['how']})")
        out.append(
            f"With all of them: ${proposal['total']:.2f}, "
            + ("within the range." if proposal["meets_range"] else f"still {proposal['verdict']} the range")
            + (
                ""
                if proposal["meets_range"]
                else f"; EKS control plane, ALB and NAT alone cost ${proposal['floor']:.2f}."
            )
        )
    return out
