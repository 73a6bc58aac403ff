# Copyright: ecap.platform contributors
# MIT License
"""Filters of playbooks/ops/cost_report.yml: the HTML report and its text summary."""

from __future__ import annotations

DOCUMENTATION = r"""
name: cost_report_html
short_description: A self-contained HTML page of a cost report (inline SVG chart, no script, no CDN)
description:
  - From what M(ecap.platform.ce_cost_report_info) returns (plus C(tags)), summary cards, a stacked daily bar chart
    by service, the service table (month to date, forecast, share) and the purchase recommendations.
options:
  _input:
    description: The cost report.
    type: dict
    required: true
  title:
    description: The page title.
    type: str
    required: true
  emulated:
    description: Show the "emulated data" banner.
    type: bool
    default: false
  generated:
    description: When the report was made (shown under the title).
    type: str
    default: ""
"""

from collections.abc import Mapping
from typing import Any

from ansible_collections.ecap.platform.plugins.module_utils.cost_html import money, render, short


def cost_report_html(report: Mapping[str, Any], title: str, emulated: bool = False, generated: str = "") -> str:
    return render(report, title, emulated=bool(emulated), generated=generated)


def cost_report_lines(report: Mapping[str, Any]) -> list[str]:
    """The report as a few printable lines."""
    mtd = report.get("month_to_date") or {}
    forecast = report.get("forecast") or {}
    lines = [f"Month to date: {money(float(mtd.get('total') or 0))}"]
    if "total" in forecast:
        lines.append(
            f"Forecast, rest of the month: {money(forecast['total'])} (80% {money(forecast['lower'])}"
            f" - {money(forecast['upper'])}); month total {money(forecast['month_total'])}"
        )
    elif forecast.get("error"):
        lines.append(f"Forecast: none ({forecast['error']})")
    for row in mtd.get("by_service") or []:
        lines.append(f"  {money(row['amount']):>12}  {short(row['name'])}")
    recs = report.get("recommendations") or {}
    sp = recs.get("savings_plans") or {}
    if sp.get("hourly_commitment"):
        lines.append(
            f"Savings Plan: commit {money(sp['hourly_commitment'])}/h,"
            f" saves {money(sp['estimated_monthly_savings'])}/month"
        )
    for res in recs.get("reservations") or []:
        lines.append(
            f"Reserve {res['count']} x {res['instance_type']} ({short(res['service'])}):"
            f" saves {money(res['estimated_monthly_savings'])}/month"
        )
    return lines


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"cost_report_html": cost_report_html, "cost_report_lines": cost_report_lines}
