"""Emulated Cost Explorer data: a fixed, seeded series of daily costs per service and environment.

NOT REAL COSTS. The emulator tracks no usage, so it answers from a table: the daily cost of each service
of one ``Project=ecap`` environment (``DAILY_USD``, sized like the local/dev inventory and the repository's
us-west-2 price table: EKS control plane $0.10/h, two t3 nodes, one NAT gateway, a db.t3.micro, two
kafka.t3.small brokers, one cache.t3.micro, ...), times the environment's factor (``ENVIRONMENTS``),
with a deterministic +-10 % day-to-day wobble (SHA-256 of the date and service) and lower compute at
weekends. Every (environment, service) is one "line" carrying the tags ``Project``, ``Environment`` and
``ManagedBy`` and the dimensions ``SERVICE``, ``REGION``, ``LINKED_ACCOUNT``; ``Filter`` expressions
(``And``/``Or``/``Not``, ``Dimensions``/``Tags`` with ``EQUALS``/``ABSENT``) select lines as AWS does.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import Any

REGION = "us-west-2"
DAILY_USD: dict[str, float] = {
    "Amazon Elastic Kubernetes Service": 2.40,
    "Amazon Elastic Compute Cloud - Compute": 1.62,
    "EC2 - Other": 1.31,
    "Amazon Managed Streaming for Apache Kafka": 2.29,
    "Amazon Relational Database Service": 0.52,
    "Amazon ElastiCache": 0.41,
    "Elastic Load Balancing": 0.61,
    "AmazonCloudWatch": 0.38,
    "Amazon Simple Storage Service": 0.09,
    "AWS Key Management Service": 0.27,
}
ENVIRONMENTS: dict[str, float] = {"local": 1.0, "dev": 1.0, "staging": 1.9, "prod": 4.6}
COMPUTE = {"Amazon Elastic Compute Cloud - Compute", "EC2 - Other"}
METRICS = {
    "UnblendedCost",
    "BlendedCost",
    "AmortizedCost",
    "NetUnblendedCost",
    "NetAmortizedCost",
    "UsageQuantity",
    "NormalizedUsageAmount",
}


class CostExplorerError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def parse_date(value: Any, field: str) -> date:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise CostExplorerError("ValidationException", f"{field} {value!r} is not a date yyyy-MM-dd") from None


def period(time_period: dict[str, Any] | None) -> tuple[date, date]:
    if not time_period or "Start" not in time_period or "End" not in time_period:
        raise CostExplorerError("ValidationException", "TimePeriod with Start and End is required")
    start, end = parse_date(time_period["Start"], "Start"), parse_date(time_period["End"], "End")
    if end <= start:
        raise CostExplorerError("ValidationException", "Start date (inclusive) must be before End date (exclusive)")
    return start, end


def lines(account: str) -> list[dict[str, Any]]:
    return [
        {
            "env": env,
            "service": service,
            "factor": factor,
            "dimensions": {"SERVICE": service, "REGION": REGION, "LINKED_ACCOUNT": account},
            "tags": {"Project": "ecap", "Environment": env, "ManagedBy": "ecap.platform"},
        }
        for env, factor in ENVIRONMENTS.items()
        for service in DAILY_USD
    ]


def _match(values: dict[str, str], spec: dict[str, Any]) -> bool:
    key = spec.get("Key", "")
    options = spec.get("MatchOptions") or ["EQUALS"]
    value = values.get(key)
    if "ABSENT" in options:
        return value is None
    wanted = spec.get("Values") or []
    if "CASE_INSENSITIVE" in options and value is not None:
        return value.lower() in {w.lower() for w in wanted}
    if "STARTS_WITH" in options and value is not None:
        return any(value.startswith(w) for w in wanted)
    return value in wanted


def matches(line: dict[str, Any], expression: dict[str, Any] | None) -> bool:
    """Whether a line passes a Cost Explorer ``Expression``."""
    if not expression:
        return True
    if "And" in expression:
        return all(matches(line, e) for e in expression["And"])
    if "Or" in expression:
        return any(matches(line, e) for e in expression["Or"])
    if "Not" in expression:
        return not matches(line, expression["Not"])
    if "Dimensions" in expression:
        return _match(line["dimensions"], expression["Dimensions"])
    if "Tags" in expression:
        return _match(line["tags"], expression["Tags"])
    if "CostCategories" in expression:
        return False
    raise CostExplorerError("ValidationException", f"Unsupported filter expression: {sorted(expression)}")


def daily_cost(line: dict[str, Any], day: date) -> float:
    digest = hashlib.sha256(f"{day.isoformat()}|{line['env']}|{line['service']}".encode()).digest()
    wobble = 0.9 + 0.2 * digest[0] / 255
    weekend = 0.7 if line["service"] in COMPUTE and day.weekday() >= 5 else 1.0
    return DAILY_USD[line["service"]] * line["factor"] * wobble * weekend


def group_key(line: dict[str, Any], group: dict[str, str]) -> str:
    if group.get("Type") == "TAG":
        return f"{group['Key']}${line['tags'].get(group['Key'], '')}"
    if group.get("Type") == "DIMENSION":
        if group.get("Key") not in line["dimensions"]:
            raise CostExplorerError("ValidationException", f"Unsupported GroupBy dimension {group.get('Key')}")
        return line["dimensions"][group["Key"]]
    raise CostExplorerError("ValidationException", f"Unsupported GroupBy type {group.get('Type')}")


def buckets(start: date, end: date, granularity: str) -> list[tuple[date, date]]:
    if granularity == "DAILY":
        return [(start + timedelta(days=i), start + timedelta(days=i + 1)) for i in range((end - start).days)]
    if granularity == "MONTHLY":
        result, cursor = [], start
        while cursor < end:
            month_end = (cursor.replace(day=1) + timedelta(days=32)).replace(day=1)
            result.append((cursor, min(month_end, end)))
            cursor = min(month_end, end)
        return result
    raise CostExplorerError("ValidationException", f"Granularity {granularity} is not supported here (DAILY, MONTHLY)")


def amount(selected: list[dict[str, Any]], first: date, last: date) -> float:
    total = 0.0
    day = first
    while day < last:
        total += sum(daily_cost(line, day) for line in selected)
        day += timedelta(days=1)
    return total
