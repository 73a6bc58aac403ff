"""Cost Explorer handlers: GetCostAndUsage, GetCostForecast and the purchase recommendations, from emulated data.

NOT REAL COSTS: see ``models.py``. Shapes follow the API reference (TimePeriod with an exclusive End,
Granularity DAILY/MONTHLY, GroupBy up to two DIMENSION/TAG keys with ``Key$Value`` tag group keys, Filter
expressions, NextPageToken pagination).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from moto.ce.responses import CostExplorerResponse

from emulator.extensions import extension, override
from emulator.services.ce import models as m

PAGE = 10  # ResultsByTime per page (small, so clients must follow NextPageToken)
RECOMMENDATION_PAGE = 1


def _params(self: CostExplorerResponse) -> dict[str, Any]:
    return json.loads(self.body or "{}")


def _error(error: m.CostExplorerError) -> tuple[int, dict[str, str], str]:
    return 400, {"status": "400"}, json.dumps({"__type": error.code, "message": error.message})


def _money(value: float, unit: str = "USD") -> dict[str, str]:
    return {"Amount": f"{value:.10f}", "Unit": unit}


def _today() -> date:
    return datetime.now(UTC).date()


def _account(self: CostExplorerResponse) -> str:
    return self.current_account


def _metrics(params: dict[str, Any]) -> list[str]:
    metrics = params.get("Metrics") or []
    if not metrics:
        raise m.CostExplorerError("ValidationException", "Metrics is required")
    bad = [x for x in metrics if x not in m.METRICS]
    if bad:
        raise m.CostExplorerError("ValidationException", f"Unsupported metrics: {', '.join(bad)}")
    return metrics


def _values(metrics: list[str], value: float) -> dict[str, dict[str, str]]:
    return {x: _money(value, "N/A" if x in ("UsageQuantity", "NormalizedUsageAmount") else "USD") for x in metrics}


def get_cost_and_usage(self: CostExplorerResponse) -> Any:
    params = _params(self)
    try:
        start, end = m.period(params.get("TimePeriod"))
        metrics = _metrics(params)
        groups = params.get("GroupBy") or []
        if len(groups) > 2:
            raise m.CostExplorerError("ValidationException", "GroupBy takes at most two keys")
        selected = [line for line in m.lines(_account(self)) if m.matches(line, params.get("Filter"))]
        periods = m.buckets(start, end, params.get("Granularity") or "MONTHLY")
        offset = int(params.get("NextPageToken") or 0)
        today = _today()
        results = []
        for first, last in periods[offset : offset + PAGE]:
            accrued_last = min(last, today + timedelta(days=1))
            result: dict[str, Any] = {
                "TimePeriod": {"Start": first.isoformat(), "End": last.isoformat()},
                "Estimated": first <= today < last,
            }
            if groups:
                by_key: dict[tuple[str, ...], list[dict[str, Any]]] = {}
                for line in selected:
                    by_key.setdefault(tuple(m.group_key(line, g) for g in groups), []).append(line)
                result["Total"] = {}
                result["Groups"] = [
                    {"Keys": list(keys), "Metrics": _values(metrics, m.amount(items, first, accrued_last))}
                    for keys, items in sorted(by_key.items())
                    if first < accrued_last
                ]
            else:
                result["Total"] = _values(metrics, m.amount(selected, first, accrued_last))
                result["Groups"] = []
            results.append(result)
    except m.CostExplorerError as e:
        return _error(e)
    body: dict[str, Any] = {"ResultsByTime": results, "DimensionValueAttributes": []}
    if groups:
        body["GroupDefinitions"] = [{"Type": g["Type"], "Key": g["Key"]} for g in groups]
    if offset + PAGE < len(periods):
        body["NextPageToken"] = str(offset + PAGE)
    return json.dumps(body)


def get_cost_forecast(self: CostExplorerResponse) -> Any:
    params = _params(self)
    try:
        start, end = m.period(params.get("TimePeriod"))
        if start < _today():
            raise m.CostExplorerError("ValidationException", "Start date must be equal or greater than current date")
        metric = params.get("Metric") or ""
        names = {x.replace("_", "").lower(): x for x in m.METRICS}
        if metric.replace("_", "").lower() not in names:
            raise m.CostExplorerError("ValidationException", f"Unsupported metric {metric}")
        level = int(params.get("PredictionIntervalLevel") or 80)
        if not 51 <= level <= 99:
            raise m.CostExplorerError("ValidationException", "PredictionIntervalLevel must be between 51 and 99")
        selected = [line for line in m.lines(_account(self)) if m.matches(line, params.get("Filter"))]
        if not selected:
            raise m.CostExplorerError("DataUnavailableException", "Insufficient amount of historical data")
        spread = 0.04 + 0.08 * (level - 51) / 48
        periods = m.buckets(start, end, params.get("Granularity") or "MONTHLY")
        by_time = []
        total = 0.0
        for first, last in periods:
            mean = m.amount(selected, first, last)
            total += mean
            by_time.append(
                {
                    "TimePeriod": {"Start": first.isoformat(), "End": last.isoformat()},
                    "MeanValue": f"{mean:.10f}",
                    "PredictionIntervalLowerBound": f"{mean * (1 - spread):.10f}",
                    "PredictionIntervalUpperBound": f"{mean * (1 + spread):.10f}",
                }
            )
    except m.CostExplorerError as e:
        return _error(e)
    return json.dumps({"Total": _money(total), "ForecastResultsByTime": by_time})


def _prod_daily(account: str, service: str) -> float:
    line = next(x for x in m.lines(account) if x["env"] == "prod" and x["service"] == service)
    return m.DAILY_USD[service] * line["factor"]


def _metadata(lookback: str) -> dict[str, str]:
    return {
        "RecommendationId": str(uuid.uuid5(uuid.NAMESPACE_URL, f"ecap-emulated-{lookback}")),
        "GenerationTimestamp": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "LookbackPeriodInDays": lookback,
    }


def get_savings_plans_purchase_recommendation(self: CostExplorerResponse) -> Any:
    params = _params(self)
    for key in ("SavingsPlansType", "TermInYears", "PaymentOption", "LookbackPeriodInDays"):
        if not params.get(key):
            return _error(m.CostExplorerError("ValidationException", f"{key} is required"))
    kind = params["SavingsPlansType"]
    hourly_on_demand = _prod_daily(_account(self), "Amazon Elastic Compute Cloud - Compute") / 24
    savings_pct = {"ONE_YEAR": 27.0, "THREE_YEARS": 46.0}.get(params["TermInYears"], 27.0)
    commitment = hourly_on_demand * (1 - savings_pct / 100) * 0.8
    monthly_savings = hourly_on_demand * 0.8 * savings_pct / 100 * 730
    details = []
    if kind in ("COMPUTE_SP", "EC2_INSTANCE_SP"):
        details = [
            {
                "SavingsPlansDetails": {"Region": "US West (Oregon)", "InstanceFamily": "m5", "OfferingId": "emulated"},
                "HourlyCommitmentToPurchase": f"{commitment:.3f}",
                "EstimatedOnDemandCost": f"{hourly_on_demand * 730:.2f}",
                "EstimatedMonthlySavingsAmount": f"{monthly_savings:.2f}",
                "EstimatedSavingsPercentage": f"{savings_pct:.1f}",
                "EstimatedAverageUtilization": "100.0",
                "UpfrontCost": "0",
                "CurrencyCode": "USD",
            }
        ]
    recommendation = {
        "SavingsPlansType": kind,
        "TermInYears": params["TermInYears"],
        "PaymentOption": params["PaymentOption"],
        "LookbackPeriodInDays": params["LookbackPeriodInDays"],
        "SavingsPlansPurchaseRecommendationDetails": details,
        "SavingsPlansPurchaseRecommendationSummary": {
            "HourlyCommitmentToPurchase": f"{commitment if details else 0:.3f}",
            "EstimatedMonthlySavingsAmount": f"{monthly_savings if details else 0:.2f}",
            "EstimatedSavingsPercentage": f"{savings_pct if details else 0:.1f}",
            "EstimatedTotalCost": f"{commitment * 730 if details else 0:.2f}",
            "TotalRecommendationCount": str(len(details)),
            "CurrencyCode": "USD",
        },
    }
    return json.dumps(
        {"Metadata": _metadata(params["LookbackPeriodInDays"]), "SavingsPlansPurchaseRecommendation": recommendation}
    )


#: Service -> (instance details key, details, count, savings %) of the emulated prod reservations.
RESERVATIONS = {
    "Amazon Relational Database Service": (
        "RDSInstanceDetails",
        {
            "Family": "db.m5",
            "InstanceType": "db.m5.large",
            "Region": "US West (Oregon)",
            "DatabaseEngine": "PostgreSQL",
            "DeploymentOption": "Multi-AZ",
            "LicenseModel": "No license required",
            "CurrentGeneration": True,
            "SizeFlexEligible": True,
        },
        1,
        31.0,
    ),
    "Amazon ElastiCache": (
        "ElastiCacheInstanceDetails",
        {
            "Family": "cache.r6g",
            "NodeType": "cache.r6g.large",
            "Region": "US West (Oregon)",
            "ProductDescription": "redis",
            "CurrentGeneration": True,
            "SizeFlexEligible": True,
        },
        2,
        29.0,
    ),
    "Amazon Elastic Compute Cloud - Compute": (
        "EC2InstanceDetails",
        {
            "Family": "m5",
            "InstanceType": "m5.large",
            "Region": "US West (Oregon)",
            "Platform": "Linux/UNIX",
            "Tenancy": "default",
            "CurrentGeneration": True,
            "SizeFlexEligible": True,
        },
        2,
        24.0,
    ),
}


def get_reservation_purchase_recommendation(self: CostExplorerResponse) -> Any:
    params = _params(self)
    service = params.get("Service")
    if not service:
        return _error(m.CostExplorerError("ValidationException", "Service is required"))
    term = params.get("TermInYears") or "ONE_YEAR"
    payment = params.get("PaymentOption") or "NO_UPFRONT"
    lookback = params.get("LookbackPeriodInDays") or "SEVEN_DAYS"
    recommendations = []
    if service in RESERVATIONS:
        key, details, count, pct = RESERVATIONS[service]
        on_demand = _prod_daily(_account(self), service) * 30.4
        recommendations.append(
            {
                "AccountScope": params.get("AccountScope") or "PAYER",
                "LookbackPeriodInDays": lookback,
                "TermInYears": term,
                "PaymentOption": payment,
                "RecommendationDetails": [
                    {
                        "AccountId": _account(self),
                        "InstanceDetails": {key: details},
                        "RecommendedNumberOfInstancesToPurchase": str(count),
                        "EstimatedMonthlyOnDemandCost": f"{on_demand:.2f}",
                        "EstimatedMonthlySavingsAmount": f"{on_demand * pct / 100:.2f}",
                        "EstimatedMonthlySavingsPercentage": f"{pct:.1f}",
                        "UpfrontCost": "0",
                        "RecurringStandardMonthlyCost": f"{on_demand * (1 - pct / 100):.2f}",
                        "AverageUtilization": "100.0",
                        "CurrencyCode": "USD",
                    }
                ],
                "RecommendationSummary": {
                    "TotalEstimatedMonthlySavingsAmount": f"{on_demand * pct / 100:.2f}",
                    "TotalEstimatedMonthlySavingsPercentage": f"{pct:.1f}",
                    "CurrencyCode": "USD",
                },
            }
        )
    return json.dumps({"Metadata": _metadata(lookback), "Recommendations": recommendations})


@extension(
    "ce",
    "GetCostAndUsage",
    "GetCostForecast",
    "GetSavingsPlansPurchaseRecommendation",
    "GetReservationPurchaseRecommendation",
)
def emulated_costs() -> None:
    """Cost and usage, forecasts and purchase recommendations from a fixed, seeded series (NOT real costs).

    moto 5.2.5 answers GetCostAndUsage only from a queue of results posted to its moto-api (empty by
    default, TimePeriod/Granularity/GroupBy/Filter ignored) and has no GetCostForecast,
    GetSavingsPlansPurchaseRecommendation nor GetReservationPurchaseRecommendation.
    """
    for handler in (
        get_cost_and_usage,
        get_cost_forecast,
        get_savings_plans_purchase_recommendation,
        get_reservation_purchase_recommendation,
    ):
        override(CostExplorerResponse, handler)
