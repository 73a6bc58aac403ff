"""resource_tags end to end on the emulator: main() in process, tags read back with each service's own API,
check mode writing nothing, ARNs that need the same change tagged in one call."""

from __future__ import annotations

import functools
import json

import pytest
from ansible_collections.ecap.platform.plugins.modules import resource_tags

TAGS = {"Project": "ecap", "Environment": "test"}


@pytest.fixture
def run(run_module):
    return functools.partial(run_module, resource_tags)


@pytest.fixture(scope="module")
def resources(aws):
    cw, events = aws("cloudwatch"), aws("events")
    alarms = []
    for n in range(3):
        cw.put_metric_alarm(
            AlarmName=f"tags-alarm-{n}",
            Namespace="AWS/RDS",
            MetricName="CPUUtilization",
            Statistic="Average",
            Period=300,
            EvaluationPeriods=1,
            Threshold=80,
            ComparisonOperator="GreaterThanThreshold",
        )
        alarms.append(cw.describe_alarms(AlarmNames=[f"tags-alarm-{n}"])["MetricAlarms"][0]["AlarmArn"])
    rule = events.put_rule(Name="tags-rule", EventPattern=json.dumps({"source": ["aws.kms"]}))["RuleArn"]
    return {"alarms": alarms, "rule": rule, "arns": [*alarms, rule]}


def tags_of(aws, resources):
    cw, events = aws("cloudwatch"), aws("events")
    found = {
        a: {t["Key"]: t["Value"] for t in cw.list_tags_for_resource(ResourceARN=a)["Tags"]} for a in resources["alarms"]
    }
    found[resources["rule"]] = {
        t["Key"]: t["Value"] for t in events.list_tags_for_resource(ResourceARN=resources["rule"])["Tags"]
    }
    return found


def test_lifecycle(run, aws, emulator, resources):
    args = {"resource_arns": resources["arns"], "tags": TAGS}
    before = emulator.counters()["mutating"]
    result = run(args, check_mode=True)
    assert result["changed"] is True and set(result["diff"]["after"]) == set(resources["arns"])
    assert emulator.counters()["mutating"] == before
    assert all(tags == {} for tags in tags_of(aws, resources).values())

    emulator.reset_counters()
    result = run(args)
    assert result["changed"] is True
    assert emulator.counters()["mutating"] == 1, "the four ARNs need the same tags: one TagResources call"
    assert all(tags == TAGS for tags in tags_of(aws, resources).values())
    assert [r["tags"] for r in result["resources"]] == [TAGS] * 4

    before = emulator.counters()["mutating"]
    assert run(args)["changed"] is False
    assert emulator.counters()["mutating"] == before

    # An extra tag by hand: kept without purge_tags, removed with it.
    aws("cloudwatch").tag_resource(ResourceARN=resources["alarms"][0], Tags=[{"Key": "Owner", "Value": "me"}])
    assert run(args)["changed"] is False
    result = run({**args, "purge_tags": True})
    assert result["changed"] is True and list(result["diff"]["before"]) == [resources["alarms"][0]]
    assert tags_of(aws, resources)[resources["alarms"][0]] == TAGS

    update = {**args, "tags": {**TAGS, "Environment": "dev"}}
    assert run(update)["changed"] is True
    assert all(tags["Environment"] == "dev" for tags in tags_of(aws, resources).values())
    assert run(update)["changed"] is False


def test_refused_before_any_call(run, emulator):
    before = emulator.counters()["total"]
    result = run({"resource_arns": ["tags-alarm-0"], "tags": TAGS}, failed=True)
    assert "must be ARNs" in result["msg"]
    assert emulator.counters()["total"] == before
