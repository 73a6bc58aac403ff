# Copyright: ecap.platform contributors
# MIT License
"""A small self-contained HTML cost report: summary cards, a stacked daily bar chart by service (inline SVG,
no script, no CDN), the service table (month to date, forecast, share) and the purchase recommendations."""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from typing import Any

PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)
OTHER = "Other"
SHORT = {
    "Amazon Elastic Kubernetes Service": "EKS",
    "Amazon Elastic Compute Cloud - Compute": "EC2 compute",
    "EC2 - Other": "EC2 other (NAT, EBS)",
    "Amazon Managed Streaming for Apache Kafka": "MSK",
    "Amazon Relational Database Service": "RDS",
    "Amazon ElastiCache": "ElastiCache",
    "Elastic Load Balancing": "ELB",
    "AmazonCloudWatch": "CloudWatch",
    "Amazon Simple Storage Service": "S3",
    "AWS Key Management Service": "KMS",
    "Amazon Virtual Private Cloud": "VPC",
}


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def money(value: float) -> str:
    return f"${value:,.2f}"


def short(service: str) -> str:
    return SHORT.get(service, service)


def _nice_ceiling(value: float) -> float:
    """The smallest "round" number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 x a power of ten) at or above ``value``."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if value <= step * magnitude + 1e-9:
            return step * magnitude
    return 10 * magnitude


def series_keys(days: list[Mapping[str, Any]], top: int = len(PALETTE) - 1) -> list[str]:
    """The largest ``top`` groups over the period, then ``Other`` when more exist."""
    totals: dict[str, float] = {}
    for day in days:
        for key, value in (day.get("groups") or {}).items():
            totals[key] = totals.get(key, 0.0) + float(value)
    keys = [k for k, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))]
    return keys[:top] + ([OTHER] if len(keys) > top else [])


def stacked_bars_svg(days: list[Mapping[str, Any]], width: int = 1080, height: int = 360) -> str:
    """A stacked bar per day (one segment per service, the same order and colour every day), y axis in USD."""
    keys = series_keys(days)
    colours = {k: PALETTE[i % len(PALETTE)] for i, k in enumerate(keys)}
    left, right, top, bottom = 64, 16, 16, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = _nice_ceiling(max([float(d.get("total") or 0) for d in days] or [0]))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="Daily cost by service">'
    ]
    for i in range(5):
        value = peak * i / 4
        y = top + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        parts.append(f'<text x="{left - 8}" y="{y + 4:.1f}" class="axis" text-anchor="end">{_e(money(value))}</text>')
    count = max(len(days), 1)
    slot = plot_w / count
    bar = max(min(slot * 0.72, 42), 2)
    label_every = max(1, round(count / 12))
    for index, day in enumerate(days):
        x = left + slot * index + (slot - bar) / 2
        y = top + plot_h
        groups = day.get("groups") or {}
        values = [(k, float(groups.get(k, 0))) for k in keys if k != OTHER]
        if OTHER in keys:
            values.append((OTHER, sum(float(v) for k, v in groups.items() if k not in keys)))
        for key, value in values:
            if value <= 0:
                continue
            h = plot_h * value / peak
            y -= h
            opacity = ' fill-opacity="0.55"' if day.get("estimated") else ""
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{colours[key]}"{opacity}>'
                f"<title>{_e(day['date'])} {_e(short(key))}: {_e(money(value))}</title></rect>"
            )
        if index % label_every == 0:
            label = str(day["date"])[5:]
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 18}" class="axis" text-anchor="middle">'
                f"{_e(label)}</text>"
            )
    parts.append(f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" class="base"/>')
    parts.append("</svg>")
    legend = "".join(f'<span class="key"><i style="background:{colours[k]}"></i>{_e(short(k))}</span>' for k in keys)
    return "".join(parts) + f'<div class="legend">{legend}</div>'


CSS = """
body{font:14px/1.45 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1f2933;
margin:0;background:#f5f7fa}
main{max-width:1120px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 10px}
.sub{color:#52606d;margin:0 0 16px}
.banner{background:#fff4e5;border:1px solid #f0b429;color:#8d2b0b;padding:8px 12px;border-radius:6px;margin:0 0 16px}
.cards{display:flex;gap:12px;flex-wrap:wrap}
.card{background:#fff;border:1px solid #e4e7eb;border-radius:8px;padding:12px 16px;min-width:180px;flex:1}
.card b{display:block;font-size:24px;margin-top:2px}.card span{color:#52606d;font-size:12px}
.panel{background:#fff;border:1px solid #e4e7eb;border-radius:8px;padding:12px 16px}
svg .grid{stroke:#e4e7eb}svg .base{stroke:#9aa5b1}svg .axis{font-size:11px;fill:#52606d}
.legend{display:flex;flex-wrap:wrap;gap:6px 16px;margin-top:6px;font-size:12px;color:#323f4b}
.key i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:-1px}
table{border-collapse:collapse;width:100%}th,td{padding:6px 8px;border-bottom:1px solid #e4e7eb;text-align:left}
th{font-size:12px;color:#52606d;font-weight:600}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.bar{background:#e4e7eb;border-radius:3px;height:8px;width:120px;display:inline-block;vertical-align:middle}
.bar i{display:block;height:8px;border-radius:3px;background:#4e79a7}
.note{color:#7b8794;font-size:12px;margin-top:20px}
"""


def _service_rows(report: Mapping[str, Any]) -> str:
    mtd = report.get("month_to_date") or {}
    total = float(mtd.get("total") or 0) or 1.0
    forecast = {r["name"]: r["amount"] for r in (report.get("forecast") or {}).get("by_service") or []}
    rows = []
    for row in mtd.get("by_service") or []:
        share = float(row["amount"]) / total
        rows.append(
            f'<tr><td title="{_e(row["name"])}">{_e(short(row["name"]))}</td>'
            f'<td class="n">{_e(money(row["amount"]))}</td>'
            f'<td class="n">{_e(money(forecast[row["name"]])) if row["name"] in forecast else "-"}</td>'
            f'<td class="n">{share:.0%}</td>'
            f'<td><span class="bar"><i style="width:{share * 100:.1f}%"></i></span></td></tr>'
        )
    return "".join(rows) or '<tr><td colspan="5">No cost carries these tags yet.</td></tr>'


def _recommendation_rows(report: Mapping[str, Any]) -> str:
    recs = report.get("recommendations") or {}
    if not recs:
        return ""
    sp = recs.get("savings_plans") or {}
    rows = [
        '<h2>Purchase recommendations (account-wide)</h2><div class="panel"><table>'
        '<tr><th>What</th><th>Detail</th><th class="n">Monthly savings</th><th class="n">Savings</th></tr>'
    ]
    if sp.get("hourly_commitment"):
        rows.append(
            f"<tr><td>Compute Savings Plan ({_e(sp.get('term', ''))}, {_e(sp.get('payment_option', ''))})</td>"
            f"<td>commit {_e(money(sp['hourly_commitment']))}/hour</td>"
            f'<td class="n">{_e(money(sp.get("estimated_monthly_savings", 0)))}</td>'
            f'<td class="n">{float(sp.get("estimated_savings_percentage", 0)):.0f}%</td></tr>'
        )
    for res in recs.get("reservations") or []:
        rows.append(
            f"<tr><td>Reserved {_e(short(res['service']))}</td><td>{_e(res['count'])} x {_e(res['instance_type'])}</td>"
            f'<td class="n">{_e(money(res["estimated_monthly_savings"]))}</td>'
            f'<td class="n">{float(res["estimated_savings_percentage"]):.0f}%</td></tr>'
        )
    if len(rows) == 1:
        rows.append('<tr><td colspan="4">No purchase is recommended.</td></tr>')
    rows.append("</table></div>")
    return "".join(rows)


def render(report: Mapping[str, Any], title: str, emulated: bool = False, generated: str = "") -> str:
    """The whole page (no external resource)."""
    mtd = report.get("month_to_date") or {}
    forecast = report.get("forecast") or {}
    periods = report.get("periods") or {}
    days = report.get("daily_by_service") or []
    tags = report.get("tags") or {}
    cards = [
        (
            "Month to date",
            money(float(mtd.get("total") or 0)),
            f"{periods.get('month_to_date', {}).get('Start', '')} to today",
        ),
    ]
    if "total" in forecast:
        cards.append(
            (
                "Forecast, rest of month",
                money(forecast["total"]),
                f"80% interval {money(forecast['lower'])} - {money(forecast['upper'])}",
            )
        )
        cards.append(("Month total (forecast)", money(forecast["month_total"]), "month to date + forecast"))
    elif forecast.get("error"):
        cards.append(("Forecast", "n/a", forecast["error"][:80]))
    last = days[-1] if days else {}
    cards.append(
        (
            "Last day",
            money(float(last.get("total") or 0)),
            f"{last.get('date', '-')}{' (estimated)' if last.get('estimated') else ''}",
        )
    )
    card_html = "".join(
        f'<div class="card"><span>{_e(a)}</span><b>{_e(b)}</b><span>{_e(c)}</span></div>' for a, b, c in cards
    )
    banner = (
        '<p class="banner"><b>Emulated data.</b> This report was read from the local AWS emulator: its Cost Explorer '
        "answers a fixed, seeded series (emulator/services/ce), not real costs.</p>"
        if emulated
        else ""
    )
    tag_text = ", ".join(f"{k}={v}" for k, v in sorted(tags.items()))
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body><main>"
        f"<h1>{_e(title)}</h1>"
        f'<p class="sub">Costs tagged {_e(tag_text)} · {_e(report.get("metric", ""))} in '
        f"{_e(report.get('currency', 'USD'))}"
        f"{' · generated ' + _e(generated) if generated else ''}</p>"
        f'{banner}<div class="cards">{card_html}</div>'
        f'<h2>Daily cost by service, last {len(days)} days</h2><div class="panel">{stacked_bars_svg(days)}</div>'
        '<h2>By service</h2><div class="panel"><table><tr><th>Service</th><th class="n">Month to date</th>'
        '<th class="n">Forecast (rest of month)</th><th class="n">Share</th><th></th></tr>'
        f"{_service_rows(report)}</table></div>"
        f"{_recommendation_rows(report)}"
        '<p class="note">Cost Explorer data lags up to 24 hours; the latest day is an estimate (lighter bars). '
        "Costs appear by tag only once the Project and Environment cost allocation tags are activated.</p>"
        "</main></body></html>\n"
    )
