"""Cost report logic (module_utils/costexplorer.py, cost_html.py) and the off-hours scaling plans (scaling.py)."""

from datetime import date

import pytest
from ansible_collections.ecap.platform.plugins.module_utils import cost_html
from ansible_collections.ecap.platform.plugins.module_utils import costexplorer as c
from ansible_collections.ecap.platform.plugins.module_utils import scaling as s


def test_tag_filter_and_service():
    assert c.tag_filter({}) is None
    assert c.tag_filter({"Project": "ecap"}) == {
        "Tags": {"Key": "Project", "Values": ["ecap"], "MatchOptions": ["EQUALS"]}
    }
    both = c.tag_filter({"Project": "ecap", "Environment": "dev"})
    assert [p["Tags"]["Key"] for p in both["And"]] == ["Environment", "Project"]
    assert len(c.with_service(both, "Amazon ElastiCache")["And"]) == 3
    assert "Dimensions" in c.with_service(None, "x")


@pytest.mark.parametrize(
    ("today", "mtd", "forecast"),
    [
        (date(2025, 3, 14), ("2025-03-01", "2025-03-15"), ("2025-03-15", "2025-04-01")),
        (date(2025, 12, 1), ("2025-12-01", "2025-12-02"), ("2025-12-02", "2026-01-01")),
        (date(2025, 2, 28), ("2025-02-01", "2025-03-01"), None),
    ],
)
def test_periods(today, mtd, forecast):
    p = c.periods(today, 30)
    assert (p["month_to_date"]["Start"], p["month_to_date"]["End"]) == mtd
    assert (p["forecast"] and (p["forecast"]["Start"], p["forecast"]["End"])) == (forecast or {})
    assert p["daily"]["End"] == mtd[1]


def test_folds_results():
    results = [
        {
            "TimePeriod": {"Start": "2025-01-01"},
            "Groups": [
                {"Keys": ["EKS"], "Metrics": {"UnblendedCost": {"Amount": "2.4"}}},
                {"Keys": ["RDS"], "Metrics": {"UnblendedCost": {"Amount": "0.5"}}},
            ],
        },
        {
            "TimePeriod": {"Start": "2025-01-02"},
            "Estimated": True,
            "Groups": [
                {"Keys": ["EKS"], "Metrics": {"UnblendedCost": {"Amount": "2.4"}}},
            ],
        },
    ]
    assert c.ranked(c.group_amounts(results, "UnblendedCost")) == [
        {"name": "EKS", "amount": 4.8},
        {"name": "RDS", "amount": 0.5},
    ]
    days = c.daily_series(results, "UnblendedCost")
    assert days[1] == {"date": "2025-01-02", "total": 2.4, "estimated": True, "groups": {"EKS": 2.4}}
    tagged = [
        {
            "TimePeriod": {"Start": "d"},
            "Groups": [{"Keys": ["Environment$"], "Metrics": {"UnblendedCost": {"Amount": "1"}}}],
        }
    ]
    assert c.daily_series(tagged, "UnblendedCost", strip_tag=True)[0]["groups"] == {"(untagged)": 1.0}
    assert c.forecast_metric("UnblendedCost") == "UNBLENDED_COST"
    assert c.forecast_metric("NetAmortizedCost") == "NET_AMORTIZED_COST"


def test_pagination_follows_next_page_token():
    class Fake:
        calls = []

        def get_cost_and_usage(self, aws_retry, **params):
            self.calls.append(params.get("NextPageToken"))
            token = params.get("NextPageToken")
            if token is None:
                return {"ResultsByTime": [1], "NextPageToken": "a"}
            return {"ResultsByTime": [2]}

    assert c.get_cost_and_usage(Fake(), {"Start": "x", "End": "y"}, "DAILY", "UnblendedCost") == [1, 2]
    assert Fake.calls == [None, "a"]


def test_html_is_self_contained_and_escaped():
    days = [
        {"date": f"2025-01-{d:02d}", "total": 3.0, "estimated": d == 3, "groups": {"EKS": 2.0, "<b>x</b>": 1.0}}
        for d in (1, 2, 3)
    ]
    report = {
        "month_to_date": {
            "total": 9.0,
            "by_service": [{"name": "EKS", "amount": 6.0}, {"name": "<b>x</b>", "amount": 3.0}],
        },
        "forecast": {
            "total": 10,
            "lower": 9,
            "upper": 11,
            "month_total": 19,
            "by_service": [{"name": "EKS", "amount": 7}],
        },
        "daily_by_service": days,
        "tags": {"Project": "ecap"},
    }
    page = cost_html.render(report, "Cost of <env>", emulated=True)
    assert "<script" not in page and "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page
    assert page.count("<rect") == 6 and 'fill-opacity="0.55"' in page and "Emulated data" in page
    assert cost_html._nice_ceiling(10.3) == 12 and cost_html._nice_ceiling(0.07) == pytest.approx(0.08)


def ng(minimum, desired, maximum, tags=None, status="ACTIVE"):
    return {
        "nodegroupName": "ng",
        "status": status,
        "scalingConfig": {"minSize": minimum, "desiredSize": desired, "maxSize": maximum},
        "tags": tags or {},
    }


def test_scaling_plans():
    down = s.plan_nodegroup(ng(1, 2, 4), "down")
    assert down["tag"] == "1/2/4" and down["scaling"] == {"minSize": 0, "desiredSize": 0, "maxSize": 4}
    assert s.plan_nodegroup(ng(0, 0, 4, {s.TAG: "1/2/4"}), "down")["scaling"] is None
    up = s.plan_nodegroup(ng(0, 0, 4, {s.TAG: "1/2/4"}), "up")
    assert up["scaling"] == {"minSize": 1, "desiredSize": 2, "maxSize": 4} and up["untag"]
    assert s.plan_nodegroup(ng(1, 2, 4), "up") == {
        "scaling": None,
        "tag": None,
        "untag": False,
        "reason": "nothing remembered (not scaled down by scale.yml)",
        "error": "",
    }
    assert s.plan_nodegroup(ng(1, 2, 4, status="UPDATING"), "down")["error"]
    assert s.parse_sizes("3/2/4") is None and s.parse_sizes("x") is None
    assert s.plan_instance({"DBInstanceStatus": "available"}, "down")["call"] == "stop"
    assert s.plan_instance({"DBInstanceStatus": "stopped"}, "down")["call"] is None
    assert s.plan_instance({"DBInstanceStatus": "stopped"}, "up")["call"] == "start"
    assert s.plan_instance({"DBInstanceStatus": "modifying", "DBInstanceIdentifier": "db"}, "down")["error"]
