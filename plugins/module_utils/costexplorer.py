# Copyright: ecap.platform contributors
# MIT License
"""Cost Explorer reads for the cost report: month to date, forecast, daily breakdowns, purchase recommendations.

Pure helpers (:func:`tag_filter`, :func:`periods`, :func:`group_amounts`, :func:`daily_series`, ...) build the
requests and fold the answers; the ``get_*`` functions call Cost Explorer and follow ``NextPageToken``.
Cost Explorer is a global API answered in us-east-1; every call costs $0.01 on AWS (a report makes about
2 + one per service forecast + 4 recommendation calls).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

RESERVATION_SERVICES = (
    "Amazon Relational Database Service",
    "Amazon ElastiCache",
    "Amazon Elastic Compute Cloud - Compute",
)


def tag_filter(tags: Mapping[str, str]) -> dict[str, Any] | None:
    """A Cost Explorer ``Expression`` that keeps the costs carrying every tag (``And`` needs two or more)."""
    parts = [{"Tags": {"Key": k, "Values": [str(v)], "MatchOptions": ["EQUALS"]}} for k, v in sorted(tags.items())]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else {"And": parts}


def with_service(expression: dict[str, Any] | None, service: str) -> dict[str, Any]:
    dimension = {"Dimensions": {"Key": "SERVICE", "Values": [service], "MatchOptions": ["EQUALS"]}}
    if not expression:
        return dimension
    return {"And": [*(expression.get("And") or [expression]), dimension]}


def periods(today: date, daily_days: int) -> dict[str, dict[str, str]]:
    """Month to date (End exclusive: tomorrow), the forecast (tomorrow to the 1st of next month; empty on the
    month's last day), the daily window."""
    first = today.replace(day=1)
    next_month = (first + timedelta(days=32)).replace(day=1)
    tomorrow = today + timedelta(days=1)
    return {
        "month_to_date": {"Start": first.isoformat(), "End": tomorrow.isoformat()},
        "forecast": {"Start": tomorrow.isoformat(), "End": next_month.isoformat()} if tomorrow < next_month else {},
        "daily": {"Start": (tomorrow - timedelta(days=daily_days)).isoformat(), "End": tomorrow.isoformat()},
    }


def _amount(metrics: Mapping[str, Any], metric: str) -> float:
    return float((metrics.get(metric) or {}).get("Amount") or 0)


def group_amounts(results: list[Mapping[str, Any]], metric: str) -> dict[str, float]:
    """Sum per group key (the first key) over every ResultsByTime item."""
    totals: dict[str, float] = {}
    for result in results:
        for group in result.get("Groups") or []:
            key = group["Keys"][0]
            totals[key] = totals.get(key, 0.0) + _amount(group.get("Metrics") or {}, metric)
    return totals


def ranked(totals: Mapping[str, float], min_amount: float = 0.005) -> list[dict[str, Any]]:
    rows = [{"name": k, "amount": round(v, 2)} for k, v in totals.items() if v >= min_amount]
    return sorted(rows, key=lambda r: (-r["amount"], r["name"]))


def daily_series(results: list[Mapping[str, Any]], metric: str, strip_tag: bool = False) -> list[dict[str, Any]]:
    """``[{"date", "total", "estimated", "groups": {key: amount}}]`` from DAILY ResultsByTime with one GroupBy."""
    days = []
    for result in results:
        groups = {}
        for group in result.get("Groups") or []:
            key = group["Keys"][0]
            if strip_tag:
                key = key.split("$", 1)[1] if "$" in key else key
                key = key or "(untagged)"
            value = _amount(group.get("Metrics") or {}, metric)
            if value:
                groups[key] = round(groups.get(key, 0.0) + value, 4)
        days.append(
            {
                "date": result["TimePeriod"]["Start"],
                "total": round(sum(groups.values()), 4),
                "estimated": bool(result.get("Estimated")),
                "groups": groups,
            }
        )
    return days


def forecast_metric(metric: str) -> str:
    """GetCostAndUsage's ``UnblendedCost`` is GetCostForecast's ``UNBLENDED_COST``."""
    out = "".join(f"_{c}" if c.isupper() else c for c in metric).lstrip("_")
    return out.upper()


# --------------------------------------------------------------------------- calls


def get_cost_and_usage(ce: Any, time_period: Mapping[str, str], granularity: str, metric: str, **extra: Any) -> list:
    """Every ResultsByTime item, following NextPageToken."""
    params: dict[str, Any] = {
        "TimePeriod": dict(time_period),
        "Granularity": granularity,
        "Metrics": [metric],
        **{k: v for k, v in extra.items() if v},
    }
    results: list = []
    seen: set[str] = set()
    while True:
        page = ce.get_cost_and_usage(aws_retry=True, **params)
        results.extend(page.get("ResultsByTime") or [])
        token = page.get("NextPageToken")
        if not token or token in seen:
            return results
        seen.add(token)
        params["NextPageToken"] = token


def get_forecast(ce: Any, time_period: Mapping[str, str], metric: str, expression: dict | None) -> dict[str, Any]:
    params: dict[str, Any] = {
        "TimePeriod": dict(time_period),
        "Metric": forecast_metric(metric),
        "Granularity": "MONTHLY",
        "PredictionIntervalLevel": 80,
    }
    if expression:
        params["Filter"] = expression
    answer = ce.get_cost_forecast(aws_retry=True, **params)
    lower = sum(float(x.get("PredictionIntervalLowerBound") or 0) for x in answer.get("ForecastResultsByTime") or [])
    upper = sum(float(x.get("PredictionIntervalUpperBound") or 0) for x in answer.get("ForecastResultsByTime") or [])
    return {"amount": float(answer["Total"]["Amount"]), "lower": lower, "upper": upper}


def _pages(call: Any, key: str, **params: Any) -> list:
    items: list = []
    seen: set[str] = set()
    while True:
        page = call(aws_retry=True, **params)
        value = page.get(key)
        items.extend(value if isinstance(value, list) else [value] if value else [])
        token = page.get("NextPageToken")
        if not token or token in seen:
            return items
        seen.add(token)
        params["NextPageToken"] = token


def savings_plans(ce: Any, term: str, payment: str, lookback: str) -> dict[str, Any]:
    found = _pages(
        ce.get_savings_plans_purchase_recommendation,
        "SavingsPlansPurchaseRecommendation",
        SavingsPlansType="COMPUTE_SP",
        TermInYears=term,
        PaymentOption=payment,
        LookbackPeriodInDays=lookback,
    )
    summary = (found[0] if found else {}).get("SavingsPlansPurchaseRecommendationSummary") or {}
    return {
        "type": "COMPUTE_SP",
        "term": term,
        "payment_option": payment,
        "hourly_commitment": float(summary.get("HourlyCommitmentToPurchase") or 0),
        "estimated_monthly_savings": float(summary.get("EstimatedMonthlySavingsAmount") or 0),
        "estimated_savings_percentage": float(summary.get("EstimatedSavingsPercentage") or 0),
        "details": [
            {
                "instance_family": (d.get("SavingsPlansDetails") or {}).get("InstanceFamily", ""),
                "region": (d.get("SavingsPlansDetails") or {}).get("Region", ""),
                "hourly_commitment": float(d.get("HourlyCommitmentToPurchase") or 0),
                "estimated_monthly_savings": float(d.get("EstimatedMonthlySavingsAmount") or 0),
            }
            for rec in found
            for d in rec.get("SavingsPlansPurchaseRecommendationDetails") or []
        ],
    }


def reservations(ce: Any, service: str, term: str, payment: str, lookback: str) -> list[dict[str, Any]]:
    found = _pages(
        ce.get_reservation_purchase_recommendation,
        "Recommendations",
        Service=service,
        TermInYears=term,
        PaymentOption=payment,
        LookbackPeriodInDays=lookback,
    )
    rows = []
    for rec in found:
        for detail in rec.get("RecommendationDetails") or []:
            instance = next(iter((detail.get("InstanceDetails") or {}).values()), {})
            rows.append(
                {
                    "service": service,
                    "instance_type": instance.get("InstanceType")
                    or instance.get("NodeType")
                    or instance.get("Family", ""),
                    "count": int(float(detail.get("RecommendedNumberOfInstancesToPurchase") or 0)),
                    "estimated_monthly_savings": float(detail.get("EstimatedMonthlySavingsAmount") or 0),
                    "estimated_savings_percentage": float(detail.get("EstimatedMonthlySavingsPercentage") or 0),
                    "upfront_cost": float(detail.get("UpfrontCost") or 0),
                }
            )
    return rows
