"""logs_metric_filter on the emulator: check mode, create, a re-run with a capitalised dimension name changes
nothing (amazon.aws's module does), update, a missing log group in check mode is a planned create, bad input
refused before any call, delete, delete again."""

from __future__ import annotations

import functools

import pytest
from ansible_collections.ecap.platform.plugins.modules import logs_metric_filter

GROUP = "/aws/containerinsights/test-eks/application"
ARGS = {
    "log_group_name": GROUP,
    "filter_name": "test-application-errors",
    "filter_pattern": '{ $.log = "*ERROR*" }',
    "metric_transformation": {
        "metric_name": "ErrorLogEvents",
        "metric_namespace": "ECAP/Applications",
        "metric_value": "1",
        "unit": "Count",
        "dimensions": {"Namespace": "$.kubernetes.namespace_name"},
    },
}


@pytest.fixture
def run(run_module):
    return functools.partial(run_module, logs_metric_filter)


def filters(aws):
    return aws("logs").describe_metric_filters(logGroupName=GROUP)["metricFilters"]


def test_lifecycle(run, aws, emulator):
    planned = run(ARGS, check_mode=True)  # the log group does not exist yet: a plan, no call fails
    assert planned["changed"]
    aws("logs").create_log_group(logGroupName=GROUP)
    assert run(ARGS, check_mode=True)["changed"] and filters(aws) == []

    created = run(ARGS)
    assert created["changed"]
    assert created["metric_filter"]["metric_transformations"][0]["dimensions"] == {
        "Namespace": "$.kubernetes.namespace_name"
    }
    [found] = filters(aws)
    assert found["filterPattern"] == ARGS["filter_pattern"]
    assert found["metricTransformations"][0]["dimensions"] == {"Namespace": "$.kubernetes.namespace_name"}

    before = emulator.counters()["mutating"]
    assert run(ARGS)["changed"] is False
    assert emulator.counters()["mutating"] == before

    louder = {**ARGS, "filter_pattern": '{ $.log = "*ERROR*" || $.log = "*FATAL*" }'}
    updated = run(louder)
    assert updated["changed"] and updated["diff"]["after"]["filterPattern"] == louder["filter_pattern"]
    assert filters(aws)[0]["filterPattern"] == louder["filter_pattern"]
    assert run(louder)["changed"] is False

    absent = {"log_group_name": GROUP, "filter_name": ARGS["filter_name"], "state": "absent"}
    assert run(absent, check_mode=True)["changed"] and filters(aws)
    assert run(absent)["changed"] and filters(aws) == []
    assert run(absent)["changed"] is False


def _with(**metric):
    return {**ARGS, "metric_transformation": {**ARGS["metric_transformation"], **metric}}


@pytest.mark.parametrize(
    "args, message",
    [
        ({**ARGS, "filter_pattern": None}, "filter_pattern is required"),
        (_with(metric_name=None), "metric_transformation.metric_name is required"),
        (_with(dimensions={"A": "$.a", "B": "$.b", "C": "$.c", "D": "$.d"}), "at most 3"),
        (_with(default_value=0.0), "default_value and dimensions are mutually exclusive"),
        ({**ARGS, "filter_pattern": "ERROR"}, "dimensions need a JSON"),
        (_with(unit="Lines"), "unit=Lines must be one of"),
    ],
)
def test_bad_input_is_refused_before_any_call(run, emulator, args, message):
    before = emulator.counters()["total"]
    assert message in run(args, failed=True)["msg"]
    assert emulator.counters()["total"] == before
