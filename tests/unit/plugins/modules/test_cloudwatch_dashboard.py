"""cloudwatch_dashboard on the emulator, the amazon.aws way: check mode, create, idempotent re-run, a body that
only differs in key order and whitespace is no change, update with a diff, bad input refused before any call,
delete, delete again."""

from __future__ import annotations

import functools
import json

import pytest
from ansible_collections.ecap.platform.plugins.modules import cloudwatch_dashboard

NAME = "ecap-test-business"


def body(title: str = "Orders per minute") -> dict:
    return {
        "widgets": [
            {
                "type": "metric",
                "x": 0,
                "y": 0,
                "width": 12,
                "height": 6,
                "properties": {
                    "title": title,
                    "region": "us-west-2",
                    "metrics": [["ECAP/Business", "OrdersPerMinute", "Environment", "test"]],
                },
            },
            {"type": "text", "x": 12, "y": 0, "width": 12, "height": 6, "properties": {"markdown": "# ECAP"}},
        ]
    }


@pytest.fixture
def run(run_module):
    return functools.partial(run_module, cloudwatch_dashboard)


def stored(aws):
    return json.loads(aws("cloudwatch").get_dashboard(DashboardName=NAME)["DashboardBody"])


def test_lifecycle(run, aws, emulator):
    cw = aws("cloudwatch")
    checked = run({"name": NAME, "body": body()}, check_mode=True)
    assert checked["changed"] and checked["dashboard"] == {"name": NAME, "widgets": 2}
    assert cw.list_dashboards(DashboardNamePrefix=NAME)["DashboardEntries"] == []

    created = run({"name": NAME, "body": body()})
    assert created["changed"] and created["dashboard"]["arn"].endswith(f":dashboard/{NAME}")
    assert stored(aws) == body()

    assert run({"name": NAME, "body": body()})["changed"] is False
    # the same document as a JSON string with other key order and spacing: no change
    reordered = json.dumps({"widgets": [dict(reversed(list(w.items()))) for w in body()["widgets"]]}, indent=4)
    assert run({"name": NAME, "body": reordered})["changed"] is False

    before = emulator.counters()["mutating"]
    planned = run({"name": NAME, "body": body("Orders / min")}, check_mode=True)
    assert planned["changed"] and emulator.counters()["mutating"] == before
    assert planned["diff"]["after"]["body"]["widgets"][0]["properties"]["title"] == "Orders / min"
    updated = run({"name": NAME, "body": body("Orders / min")})
    assert updated["changed"] and stored(aws)["widgets"][0]["properties"]["title"] == "Orders / min"

    assert run({"name": NAME, "state": "absent"}, check_mode=True)["changed"]
    assert cw.list_dashboards(DashboardNamePrefix=NAME)["DashboardEntries"]
    assert run({"name": NAME, "state": "absent"})["changed"]
    assert cw.list_dashboards(DashboardNamePrefix=NAME)["DashboardEntries"] == []
    assert run({"name": NAME, "state": "absent"})["changed"] is False


@pytest.mark.parametrize(
    "args, message",
    [
        ({"name": "bad name!", "body": body()}, "name='bad name!' must be 1-255"),
        ({"name": NAME}, "body is required"),
        ({"name": NAME, "body": "{not json"}, "body is not JSON"),
        ({"name": NAME, "body": {"widget": []}}, "body.widgets must be a list"),
        ({"name": NAME, "body": {"widgets": [{"type": "chart", "properties": {}}]}}, "widgets[0].type='chart'"),
        ({"name": NAME, "body": {"widgets": [{"type": "metric"}]}}, "widgets[0] (metric) has no properties"),
        ({"name": NAME, "body": {"widgets": [{"type": "text", "properties": {"markdown": "x" * 1048576}}]}}, "at most"),
    ],
)
def test_bad_input_is_refused_before_any_call(run, emulator, args, message):
    before = emulator.counters()["total"]
    result = run(args, failed=True)
    assert message in result["msg"]
    assert emulator.counters()["total"] == before
