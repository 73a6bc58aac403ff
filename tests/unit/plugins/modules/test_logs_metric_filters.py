"""logs_metric_filters on the emulator: check mode on a log group that does not exist yet, create, a re-run that
makes one DescribeMetricFilters and nothing else, update, purge under a prefix (the other filters of the group
left alone), delete in check mode, delete, delete again, sixty filters read in two pages; bad input refused
before any call. State is read back with boto3."""

from __future__ import annotations

import functools
from typing import Any

import pytest
from ansible_collections.ecap.platform.plugins.modules import logs_metric_filters

GROUP = "/aws/cloudtrail/test"


@pytest.fixture
def run(run_module):
    return functools.partial(run_module, logs_metric_filters)


def metric_filter(name: str, pattern: str | None = None, **metric: Any) -> dict[str, Any]:
    return {
        "name": f"test-cis-{name}",
        "filter_pattern": pattern or f'{{ $.eventName = "{name}" }}',
        "metric_transformation": {"metric_name": name, "metric_namespace": "Test/CIS", "metric_value": "1", **metric},
    }


def described(aws, group: str = GROUP) -> dict[str, dict]:
    pages = aws("logs").get_paginator("describe_metric_filters").paginate(logGroupName=group)
    return {f["filterName"]: f for page in pages for f in page["metricFilters"]}


def logs_calls(emulator, before: dict) -> dict[str, int]:
    was, now = before["services"].get("logs", {}), emulator.counters()["services"].get("logs", {})
    return {op: n - was.get(op, 0) for op, n in now.items() if n - was.get(op, 0)}


def test_lifecycle(run, aws, emulator):
    filters = [metric_filter("CreateTrail"), metric_filter("DeleteVpc", unit="Count"), metric_filter("StopLogging")]
    names = [f["name"] for f in filters]
    args = {"log_group_name": GROUP, "metric_filters": filters}

    planned = run(args, check_mode=True)  # the log group does not exist yet: a plan, no call fails
    assert planned["changed"] and planned["created"] == names
    aws("logs").create_log_group(logGroupName=GROUP)
    before = emulator.counters()
    planned = run(args, check_mode=True)
    assert planned["changed"] and planned["created"] == names and planned["diff"]["before"] == dict.fromkeys(names, {})
    assert planned["diff"]["after"][names[1]]["metricTransformations"][0]["unit"] == "Count"
    assert emulator.counters()["mutating"] == before["mutating"] and described(aws) == {}

    before = emulator.counters()
    created = run(args)
    assert created["changed"] and created["created"] == names and created["updated"] == []
    assert logs_calls(emulator, before) == {"DescribeMetricFilters": 1, "PutMetricFilter": 3}
    found = described(aws)
    assert sorted(found) == sorted(names)
    [transformation] = found[names[1]]["metricTransformations"]
    assert transformation == {
        "metricName": "DeleteVpc",
        "metricNamespace": "Test/CIS",
        "metricValue": "1",
        "unit": "Count",
    }
    assert created["metric_filters"][1]["metric_transformations"][0]["metric_name"] == "DeleteVpc"

    before = emulator.counters()
    again = run(args)
    assert again["changed"] is False and "diff" not in again
    assert logs_calls(emulator, before) == {"DescribeMetricFilters": 1}
    assert emulator.counters()["total"] - before["total"] == 1

    louder = [
        filters[0],
        metric_filter("DeleteVpc", '{ ($.eventName = "DeleteVpc") || ($.eventName = "CreateVpc") }', unit="Count"),
        filters[2],
    ]
    before = emulator.counters()
    updated = run({**args, "metric_filters": louder})
    assert updated["changed"] and updated["updated"] == [names[1]] and updated["created"] == []
    assert list(updated["diff"]["after"]) == [names[1]]
    assert updated["diff"]["after"][names[1]]["filterPattern"] == louder[1]["filter_pattern"]
    assert logs_calls(emulator, before) == {"DescribeMetricFilters": 1, "PutMetricFilter": 1}
    assert described(aws)[names[1]]["filterPattern"] == louder[1]["filter_pattern"]
    assert run({**args, "metric_filters": louder})["changed"] is False

    absent = {"log_group_name": GROUP, "metric_filters": [{"name": n} for n in names], "state": "absent"}
    before = emulator.counters()
    planned = run(absent, check_mode=True)
    assert planned["changed"] and planned["deleted"] == names and emulator.counters()["mutating"] == before["mutating"]
    before = emulator.counters()
    gone = run(absent)
    assert gone["deleted"] == names and logs_calls(emulator, before) == {
        "DescribeMetricFilters": 1,
        "DeleteMetricFilter": 3,
    }
    assert described(aws) == {}
    again = run(absent)
    assert again["changed"] is False and again["deleted"] == []
    aws("logs").delete_log_group(logGroupName=GROUP)
    assert run(absent)["changed"] is False, "no log group: nothing to delete"


def test_purge_under_the_prefix(run, aws, emulator):
    group = "/purge/test"
    aws("logs").create_log_group(logGroupName=group)
    kept = [metric_filter("CreateTrail"), metric_filter("DeleteTrail")]
    run({"log_group_name": group, "metric_filters": [*kept, metric_filter("StopLogging")]})
    other = {
        "name": "someone-else",
        "filter_pattern": "ERROR",
        "metric_transformation": kept[0]["metric_transformation"],
    }
    run({"log_group_name": group, "metric_filters": [other]})
    args = {"log_group_name": group, "metric_filters": kept, "purge": True, "prefix": "test-cis-"}
    before = emulator.counters()
    planned = run(args, check_mode=True)
    assert planned["deleted"] == ["test-cis-StopLogging"] and emulator.counters()["mutating"] == before["mutating"]
    before = emulator.counters()
    done = run(args)
    assert done["changed"] and done["deleted"] == ["test-cis-StopLogging"] and done["created"] == []
    assert logs_calls(emulator, before) == {"DescribeMetricFilters": 1, "DeleteMetricFilter": 1}
    assert sorted(described(aws, group)) == ["someone-else", "test-cis-CreateTrail", "test-cis-DeleteTrail"]
    assert run(args)["changed"] is False
    # Without a prefix, purge deletes every filter the list does not name.
    assert run({**args, "prefix": None})["deleted"] == ["someone-else"]
    # state=absent with purge: every filter under the prefix, listed or not.
    gone = run({"log_group_name": group, "metric_filters": [], "purge": True, "prefix": "test-cis-", "state": "absent"})
    assert gone["deleted"] == ["test-cis-CreateTrail", "test-cis-DeleteTrail"] and described(aws, group) == {}
    aws("logs").delete_log_group(logGroupName=group)


def test_sixty_filters_are_read_in_two_pages(run, aws, emulator):
    group = "/many/test"
    aws("logs").create_log_group(logGroupName=group)
    filters = [metric_filter(f"Event{i:02d}") for i in range(60)]
    assert len(run({"log_group_name": group, "metric_filters": filters})["created"]) == 60
    before = emulator.counters()
    assert run({"log_group_name": group, "metric_filters": filters})["changed"] is False
    assert logs_calls(emulator, before) == {"DescribeMetricFilters": 2}
    aws("logs").delete_log_group(logGroupName=group)


def _with(**metric):
    item = metric_filter("CreateTrail")
    return {**item, "metric_transformation": {**item["metric_transformation"], **metric}}


BAD = [
    ([metric_filter("CreateTrail"), metric_filter("CreateTrail")], "lists test-cis-CreateTrail more than once"),
    ([{**metric_filter("CreateTrail"), "name": "bad:name"}], "filter name 'bad:name' must be 1 to 512 characters"),
    ([{**metric_filter("CreateTrail"), "filter_pattern": None}], "test-cis-CreateTrail: filter_pattern is required"),
    ([_with(metric_name=None)], "metric_transformation.metric_name is required"),
    ([{**_with(dimensions={"Region": "$.awsRegion"}), "filter_pattern": "ERROR"}], "dimensions need a JSON"),
    ([_with(unit="Lines")], "unit=Lines must be one of"),
]


@pytest.mark.parametrize(("items", "message"), BAD, ids=[b[1] for b in BAD])
def test_bad_input_is_refused_before_any_call(run, emulator, items, message):
    before = emulator.counters()["total"]
    assert message in run({"log_group_name": GROUP, "metric_filters": items}, failed=True)["msg"]
    assert emulator.counters()["total"] == before
