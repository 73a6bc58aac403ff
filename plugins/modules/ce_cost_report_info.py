#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: ce_cost_report_info
version_added: 0.4.0
short_description: Month-to-date cost, forecast, daily breakdowns and purchase recommendations from Cost Explorer
description:
  - Reads Cost Explorer for the costs carrying every tag in O(tags) (the Project/Environment cost allocation tags,
    which must be activated in the Billing console to filter on them).
  - Month to date by service (C(GetCostAndUsage), monthly, C(GroupBy SERVICE)); the forecast to the end of the
    month, in total and per service (C(GetCostForecast), one call per service); the last O(daily_days) days by
    service and by the tag O(group_tag) (C(GetCostAndUsage), daily); with O(recommendations), the Compute Savings
    Plans and the Reserved Instance purchase recommendations of O(reservation_services)
    (C(GetSavingsPlansPurchaseRecommendation), C(GetReservationPurchaseRecommendation)). Every listing follows
    C(NextPageToken).
  - Read-only. On AWS each Cost Explorer request costs USD 0.01.
author:
  - ecap.platform contributors
options:
  tags:
    description: The tags the costs must carry (all of them).
    type: dict
    required: true
  metric:
    description: The cost metric.
    type: str
    default: UnblendedCost
    choices: [UnblendedCost, BlendedCost, AmortizedCost, NetUnblendedCost, NetAmortizedCost]
  today:
    description: The report's day (C(YYYY-MM-DD), UTC); default today.
    type: str
  daily_days:
    description: How many days (up to today) the daily breakdowns cover.
    type: int
    default: 30
  group_tag:
    description: The tag key of the daily breakdown by tag.
    type: str
    default: Environment
  forecast:
    description:
      - Read the forecast. Cost Explorer needs some history; a new account answers C(DataUnavailableException),
        reported in RV(forecast).
    type: bool
    default: true
  recommendations:
    description:
      - Read the Savings Plans and Reserved Instance purchase recommendations (account-wide, not filtered by tag).
    type: bool
    default: false
  reservation_services:
    description: The services of the Reserved Instance recommendations.
    type: list
    elements: str
    default: [Amazon Relational Database Service, Amazon ElastiCache, Amazon Elastic Compute Cloud - Compute]
  term_in_years:
    description: The term of the recommendations.
    type: str
    default: ONE_YEAR
    choices: [ONE_YEAR, THREE_YEARS]
  payment_option:
    description: The payment option of the recommendations.
    type: str
    default: NO_UPFRONT
    choices: [NO_UPFRONT, PARTIAL_UPFRONT, ALL_UPFRONT]
  lookback_days:
    description: The usage the recommendations look back on.
    type: str
    default: THIRTY_DAYS
    choices: [SEVEN_DAYS, THIRTY_DAYS, SIXTY_DAYS]
notes:
  - Supports check mode (it makes no change).
  - Cost Explorer answers in us-east-1 whatever the region; the module uses that region unless O(region) is set.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The cost of ecap-prod this month, with recommendations
  ecap.platform.ce_cost_report_info:
    tags: {Project: ecap, Environment: prod}
    recommendations: true
  register: cost
"""

RETURN = r"""
currency: {description: The currency., returned: always, type: str, sample: USD}
metric: {description: The metric., returned: always, type: str, sample: UnblendedCost}
periods:
  description: The C(month_to_date), C(forecast) and C(daily) periods (C(Start) inclusive, C(End) exclusive).
  returned: always
  type: dict
month_to_date:
  description: The month-to-date C(total) and C(by_service) (C(name), C(amount); largest first).
  returned: always
  type: dict
forecast:
  description: The forecast to the end of the month, C(total), C(lower), C(upper) (80 % interval), C(by_service),
    C(month_total) (month to date plus forecast), or C(error) when Cost Explorer had no forecast.
  returned: always
  type: dict
daily_by_service:
  description: One item per day, C(date), C(total), C(estimated), C(groups) (service -> amount).
  returned: always
  type: list
  elements: dict
daily_by_tag:
  description: One item per day, C(date), C(total), C(estimated), C(groups) (tag value of O(group_tag) -> amount).
  returned: always
  type: list
  elements: dict
recommendations:
  description: C(savings_plans) (Compute SP hourly commitment, monthly savings, details) and C(reservations)
    (C(service), C(instance_type), C(count), C(estimated_monthly_savings), ...); empty without O(recommendations).
  returned: always
  type: dict
"""

from datetime import UTC, date, datetime

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils import costexplorer as c
from ansible_collections.ecap.platform.plugins.module_utils.common import client


def main() -> None:
    argument_spec = dict(
        tags=dict(type="dict", required=True),
        metric=dict(
            type="str",
            default="UnblendedCost",
            choices=["UnblendedCost", "BlendedCost", "AmortizedCost", "NetUnblendedCost", "NetAmortizedCost"],
        ),
        today=dict(type="str"),
        daily_days=dict(type="int", default=30),
        group_tag=dict(type="str", default="Environment"),
        forecast=dict(type="bool", default=True),
        recommendations=dict(type="bool", default=False),
        reservation_services=dict(type="list", elements="str", default=list(c.RESERVATION_SERVICES)),
        term_in_years=dict(type="str", default="ONE_YEAR", choices=["ONE_YEAR", "THREE_YEARS"]),
        payment_option=dict(type="str", default="NO_UPFRONT", choices=["NO_UPFRONT", "PARTIAL_UPFRONT", "ALL_UPFRONT"]),
        lookback_days=dict(type="str", default="THIRTY_DAYS", choices=["SEVEN_DAYS", "THIRTY_DAYS", "SIXTY_DAYS"]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    if not module.params.get("region"):
        module.params["region"] = "us-east-1"
    try:
        today = date.fromisoformat(params["today"]) if params["today"] else datetime.now(UTC).date()
    except ValueError:
        module.fail_json(msg=f"today={params['today']} is not a date YYYY-MM-DD")
    if not 1 <= params["daily_days"] <= 90:
        module.fail_json(msg=f"daily_days={params['daily_days']} must be 1 to 90")
    if not params["tags"]:
        module.fail_json(msg="tags must hold at least one tag (Project/Environment)")
    metric = params["metric"]
    expression = c.tag_filter(params["tags"])
    period = c.periods(today, params["daily_days"])
    ce = client(module, "ce")
    forecast: dict = {}
    recommendations: dict = {}
    try:
        mtd = c.get_cost_and_usage(
            ce,
            period["month_to_date"],
            "MONTHLY",
            metric,
            Filter=expression,
            GroupBy=[{"Type": "DIMENSION", "Key": "SERVICE"}],
        )
        by_service = c.ranked(c.group_amounts(mtd, metric))
        mtd_total = round(sum(r["amount"] for r in by_service), 2)
        daily_service = c.daily_series(
            c.get_cost_and_usage(
                ce,
                period["daily"],
                "DAILY",
                metric,
                Filter=expression,
                GroupBy=[{"Type": "DIMENSION", "Key": "SERVICE"}],
            ),
            metric,
        )
        daily_tag = c.daily_series(
            c.get_cost_and_usage(
                ce,
                period["daily"],
                "DAILY",
                metric,
                Filter=expression,
                GroupBy=[{"Type": "TAG", "Key": params["group_tag"]}],
            ),
            metric,
            strip_tag=True,
        )
        if params["forecast"] and not period["forecast"]:
            forecast = {"error": "the month ends today: nothing left to forecast"}
        elif params["forecast"]:
            try:
                total = c.get_forecast(ce, period["forecast"], metric, expression)
                services = []
                for row in by_service:
                    try:
                        value = c.get_forecast(ce, period["forecast"], metric, c.with_service(expression, row["name"]))
                        services.append({"name": row["name"], "amount": round(value["amount"], 2)})
                    except is_boto3_error_code("DataUnavailableException"):
                        services.append({"name": row["name"], "amount": 0.0})
                forecast = {
                    "total": round(total["amount"], 2),
                    "lower": round(total["lower"], 2),
                    "upper": round(total["upper"], 2),
                    "month_total": round(mtd_total + total["amount"], 2),
                    "by_service": services,
                }
            except is_boto3_error_code("DataUnavailableException") as e:
                forecast = {"error": str(e)}
        if params["recommendations"]:
            args = (params["term_in_years"], params["payment_option"], params["lookback_days"])
            recommendations = {
                "savings_plans": c.savings_plans(ce, *args),
                "reservations": [row for s in params["reservation_services"] for row in c.reservations(ce, s, *args)],
            }
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg="Failed to read Cost Explorer")
    module.exit_json(
        changed=False,
        currency="USD",
        metric=metric,
        periods=period,
        month_to_date={"total": mtd_total, "by_service": by_service},
        forecast=forecast,
        daily_by_service=daily_service,
        daily_by_tag=daily_tag,
        recommendations=recommendations,
    )


if __name__ == "__main__":
    main()
