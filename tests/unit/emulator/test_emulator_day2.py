"""The emulator's fixes for the day-2 playbooks scale.yml and cost_report.yml, checked with boto3.

Each fix check runs against the emulator (must pass) and against plain moto 5.2.5 (strict xfail: it
must fail there, showing the gap). Checks that need durations run on the emulator only.
"""

from __future__ import annotations

import itertools
import time

import pytest
from botocore.exceptions import ClientError

FAST = {"Delay": 0.25, "MaxAttempts": 40}
_names = itertools.count(1)


def _instance(rds) -> str:
    name = f"scale-{next(_names)}"
    rds.create_db_instance(
        DBInstanceIdentifier=name,
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        AllocatedStorage=20,
        MasterUsername="ecap_admin",
        MasterUserPassword="not-a-secret-1",
    )
    rds.get_waiter("db_instance_available").wait(DBInstanceIdentifier=name, WaiterConfig=FAST)
    return name


def _status(rds, name: str) -> str:
    return rds.describe_db_instances(DBInstanceIdentifier=name)["DBInstances"][0]["DBInstanceStatus"]


def test_stop_answers_stopping_and_start_answers_starting(client) -> None:
    rds = client("rds")
    name = _instance(rds)
    assert rds.stop_db_instance(DBInstanceIdentifier=name)["DBInstance"]["DBInstanceStatus"] == "stopping"
    assert _status(rds, name) == "stopped"
    with pytest.raises(ClientError) as err:
        rds.stop_db_instance(DBInstanceIdentifier=name)
    assert err.value.response["Error"]["Code"] == "InvalidDBInstanceState"
    assert rds.start_db_instance(DBInstanceIdentifier=name)["DBInstance"]["DBInstanceStatus"] == "starting"
    assert _status(rds, name) == "available"


@pytest.fixture
def power_durations(emulator):
    emulator.set_config(durations={"rds_instance_stop": 1, "rds_instance_start": 1})
    yield
    emulator.set_config(profile="instant", durations={})


def test_stop_and_start_take_time(aws, power_durations) -> None:
    rds = aws("rds")
    name = _instance(rds)
    rds.stop_db_instance(DBInstanceIdentifier=name)
    assert _status(rds, name) == "stopping"
    with pytest.raises(ClientError) as err:
        rds.start_db_instance(DBInstanceIdentifier=name)
    assert err.value.response["Error"]["Code"] == "InvalidDBInstanceState"
    time.sleep(1.1)
    assert _status(rds, name) == "stopped"
    rds.start_db_instance(DBInstanceIdentifier=name)
    assert _status(rds, name) == "starting"
    time.sleep(1.1)
    assert _status(rds, name) == "available"


# --- Cost Explorer (emulated, fixed series) ----------------------------------------------------

TAGS = {"And": [{"Tags": {"Key": "Project", "Values": ["ecap"]}}, {"Tags": {"Key": "Environment", "Values": ["dev"]}}]}


def _ce(client):
    return client("ce")


def test_cost_and_usage_honours_period_granularity_group_and_filter(client) -> None:
    ce = _ce(client)
    answer = ce.get_cost_and_usage(
        TimePeriod={"Start": "2025-01-01", "End": "2025-01-04"},
        Granularity="DAILY",
        Metrics=["UnblendedCost"],
        GroupBy=[{"Type": "DIMENSION", "Key": "SERVICE"}],
        Filter=TAGS,
    )
    days = answer["ResultsByTime"]
    assert [d["TimePeriod"]["Start"] for d in days] == ["2025-01-01", "2025-01-02", "2025-01-03"]
    services = {g["Keys"][0] for g in days[0]["Groups"]}
    assert "Amazon Elastic Kubernetes Service" in services and len(services) >= 5
    assert answer["GroupDefinitions"] == [{"Type": "DIMENSION", "Key": "SERVICE"}]
    by_tag = ce.get_cost_and_usage(
        TimePeriod={"Start": "2025-01-01", "End": "2025-01-02"},
        Granularity="DAILY",
        Metrics=["UnblendedCost"],
        GroupBy=[{"Type": "TAG", "Key": "Environment"}],
        Filter=TAGS,
    )
    assert [g["Keys"] for g in by_tag["ResultsByTime"][0]["Groups"]] == [["Environment$dev"]]
    nothing = ce.get_cost_and_usage(
        TimePeriod={"Start": "2025-01-01", "End": "2025-01-02"},
        Granularity="MONTHLY",
        Metrics=["UnblendedCost"],
        Filter={"Tags": {"Key": "Project", "Values": ["someone-else"]}},
    )
    assert float(nothing["ResultsByTime"][0]["Total"]["UnblendedCost"]["Amount"]) == 0


def test_cost_and_usage_pages_with_next_page_token(client) -> None:
    ce = _ce(client)
    args = {
        "TimePeriod": {"Start": "2025-01-01", "End": "2025-01-31"},
        "Granularity": "DAILY",
        "Metrics": ["UnblendedCost"],
    }
    first = ce.get_cost_and_usage(**args)
    assert first.get("NextPageToken") and len(first["ResultsByTime"]) < 30
    days, token = list(first["ResultsByTime"]), first["NextPageToken"]
    while token:
        page = ce.get_cost_and_usage(**args, NextPageToken=token)
        days.extend(page["ResultsByTime"])
        token = page.get("NextPageToken")
    assert len(days) == 30 and len({d["TimePeriod"]["Start"] for d in days}) == 30


def test_forecast_and_recommendations(client) -> None:
    from datetime import UTC, datetime, timedelta

    ce = _ce(client)
    today = datetime.now(UTC).date()
    forecast = ce.get_cost_forecast(
        TimePeriod={"Start": today.isoformat(), "End": (today + timedelta(days=10)).isoformat()},
        Metric="UNBLENDED_COST",
        Granularity="MONTHLY",
        Filter=TAGS,
    )
    assert float(forecast["Total"]["Amount"]) > 0 and forecast["ForecastResultsByTime"]
    with pytest.raises(ClientError) as err:
        ce.get_cost_forecast(
            TimePeriod={"Start": "2020-01-01", "End": "2020-02-01"}, Metric="UNBLENDED_COST", Granularity="MONTHLY"
        )
    assert err.value.response["Error"]["Code"] == "ValidationException"
    sp = ce.get_savings_plans_purchase_recommendation(
        SavingsPlansType="COMPUTE_SP",
        TermInYears="ONE_YEAR",
        PaymentOption="NO_UPFRONT",
        LookbackPeriodInDays="THIRTY_DAYS",
    )["SavingsPlansPurchaseRecommendation"]
    assert float(sp["SavingsPlansPurchaseRecommendationSummary"]["HourlyCommitmentToPurchase"]) > 0
    ri = ce.get_reservation_purchase_recommendation(Service="Amazon Relational Database Service")["Recommendations"]
    assert ri[0]["RecommendationDetails"][0]["InstanceDetails"]["RDSInstanceDetails"]["DatabaseEngine"] == "PostgreSQL"
