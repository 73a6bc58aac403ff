"""cloudwatch_metric_alarms on the emulator, in the amazon.aws rhythm: check mode, create, a re-run that makes
exactly ceil(N/100) DescribeAlarms (and, with tags, one GetResources) and nothing else, update, tags changed and
drifted, purge under a prefix, delete in check mode, delete, delete again; bad input refused before any call.
State is read back with boto3 (DescribeAlarms, ListTagsForResource), not from the module's return."""

from __future__ import annotations

import functools
from typing import Any

import pytest
from ansible_collections.ecap.platform.plugins.modules import cloudwatch_metric_alarms

TOPIC = "arn:aws:sns:us-west-2:123456789012:test-alarms"
TAGS = {"Project": "ecap", "Environment": "test"}


@pytest.fixture
def run(run_module):
    return functools.partial(run_module, cloudwatch_metric_alarms)


def alarm(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "description": f"{name}: CPU above 80%",
        "namespace": "AWS/RDS",
        "metric_name": "CPUUtilization",
        "dimensions": {"DBInstanceIdentifier": "test-postgres"},
        "statistic": "Average",
        "comparison_operator": "GreaterThanThreshold",
        "threshold": 80,
        "period": 300,
        "evaluation_periods": 3,
        "treat_missing_data": "missing",
        "alarm_actions": [TOPIC],
        "ok_actions": [TOPIC],
        **extra,
    }


class Calls:
    """The calls the emulator received inside a ``with`` block: ``calls.of("monitoring")``, ``calls.mutating``."""

    def __init__(self, emulator) -> None:
        self.emulator = emulator

    def __enter__(self) -> Calls:
        self.before = self.emulator.counters()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.after = self.emulator.counters()

    def of(self, service: str) -> dict[str, int]:
        was = self.before["services"].get(service, {})
        now = self.after["services"].get(service, {})
        return {op: n - was.get(op, 0) for op, n in now.items() if n - was.get(op, 0)}

    @property
    def mutating(self) -> int:
        return self.after["mutating"] - self.before["mutating"]

    @property
    def total(self) -> int:
        return self.after["total"] - self.before["total"]


def described(aws, prefix: str) -> dict[str, dict]:
    pages = aws("cloudwatch").get_paginator("describe_alarms").paginate(AlarmNamePrefix=prefix)
    return {a["AlarmName"]: a for page in pages for a in page["MetricAlarms"]}


def tags_of(aws, arn: str) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in aws("cloudwatch").list_tags_for_resource(ResourceARN=arn)["Tags"]}


def test_lifecycle(run, aws, emulator):
    names = [f"life-alarm-{k}" for k in ("cpu", "storage", "connections")]
    alarms = [alarm(names[0], unit="Percent"), alarm(names[1]), alarm(names[2], datapoints_to_alarm=3)]
    args = {"alarms": alarms, "tags": TAGS}

    with Calls(emulator) as calls:
        planned = run(args, check_mode=True)
    assert planned["changed"] and planned["created"] == names and planned["diff"]["before"] == dict.fromkeys(names, {})
    assert planned["diff"]["after"][names[0]]["threshold"] == 80.0
    assert planned["diff"]["after"][names[0]]["tags"] == TAGS
    assert calls.mutating == 0 and calls.of("monitoring") == {"DescribeAlarms": 1} and calls.of("tagging") == {}
    assert described(aws, "life-") == {}

    with Calls(emulator) as calls:
        created = run(args)
    assert created["changed"] and created["created"] == names and created["updated"] == []
    # Tags go with the create: no tag read, no tag call.
    assert calls.of("monitoring") == {"DescribeAlarms": 1, "PutMetricAlarm": 3} and calls.of("tagging") == {}
    found = described(aws, "life-")
    assert sorted(found) == sorted(names)
    cpu = found[names[0]]
    assert (cpu["Namespace"], cpu["MetricName"], cpu["Statistic"]) == ("AWS/RDS", "CPUUtilization", "Average")
    assert cpu["Dimensions"] == [{"Name": "DBInstanceIdentifier", "Value": "test-postgres"}]
    assert (cpu["ComparisonOperator"], cpu["Threshold"], cpu["Period"], cpu["EvaluationPeriods"]) == (
        "GreaterThanThreshold",
        80.0,
        300,
        3,
    )
    assert (cpu["AlarmActions"], cpu["OKActions"], cpu["Unit"]) == ([TOPIC], [TOPIC], "Percent")
    assert all(tags_of(aws, a["AlarmArn"]) == TAGS for a in found.values())

    # The no-op: one DescribeAlarms for the three, one GetResources for their tags, nothing else.
    with Calls(emulator) as calls:
        again = run(args)
    assert again["changed"] is False and "diff" not in again
    assert calls.of("monitoring") == {"DescribeAlarms": 1} and calls.of("tagging") == {"GetResources": 1}
    assert calls.total == 2
    assert [a["tags"] for a in again["alarms"]] == [TAGS] * 3 and again["alarms"][0]["arn"] == cpu["AlarmArn"]

    # One threshold changes: exactly its alarm is put; the unit it no longer sets is kept (PutMetricAlarm replaces
    # the whole definition, the module sends the current one under the options set).
    lower = [{**{k: v for k, v in alarms[0].items() if k != "unit"}, "threshold": 70}, *alarms[1:]]
    with Calls(emulator) as calls:
        updated = run({**args, "alarms": lower})
    assert updated["changed"] and updated["updated"] == [names[0]] and updated["created"] == []
    assert updated["diff"]["before"][names[0]]["threshold"] == 80.0
    assert updated["diff"]["after"][names[0]]["threshold"] == 70.0
    assert list(updated["diff"]["after"]) == [names[0]]
    assert calls.of("monitoring") == {"DescribeAlarms": 1, "PutMetricAlarm": 1}
    cpu = described(aws, names[0])[names[0]]
    assert (cpu["Threshold"], cpu["Unit"], cpu["Dimensions"][0]["Value"]) == (70.0, "Percent", "test-postgres")
    assert tags_of(aws, cpu["AlarmArn"]) == TAGS, "an update keeps the tags"
    assert run({**args, "alarms": lower})["changed"] is False

    # Tags change: no PutMetricAlarm, one TagResources and one UntagResources for the three.
    retagged = {"Project": "ecap", "Owner": "platform"}
    with Calls(emulator) as calls:
        result = run({**args, "alarms": lower, "tags": retagged})
    assert result["changed"] and result["updated"] == names
    assert result["diff"]["before"][names[1]]["tags"] == TAGS and result["diff"]["after"][names[1]]["tags"] == retagged
    assert calls.of("monitoring") == {"DescribeAlarms": 1}
    assert calls.of("tagging") == {"GetResources": 1, "TagResources": 1, "UntagResources": 1}
    assert all(tags_of(aws, a["AlarmArn"]) == retagged for a in described(aws, "life-").values())

    # Drift: a tag removed by hand on one alarm is put back on that alarm only.
    arn = described(aws, names[2])[names[2]]["AlarmArn"]
    aws("cloudwatch").untag_resource(ResourceARN=arn, TagKeys=["Owner"])
    with Calls(emulator) as calls:
        result = run({**args, "alarms": lower, "tags": retagged})
    assert result["updated"] == [names[2]] and calls.of("tagging") == {"GetResources": 1, "TagResources": 1}
    assert tags_of(aws, arn) == retagged
    # Without tags, the tags are neither read nor changed.
    with Calls(emulator) as calls:
        assert run({"alarms": lower})["changed"] is False
    assert calls.of("tagging") == {} and calls.of("monitoring") == {"DescribeAlarms": 1}

    absent = {"alarms": [{"name": n} for n in names], "state": "absent"}
    with Calls(emulator) as calls:
        planned = run(absent, check_mode=True)
    assert planned["changed"] and planned["deleted"] == names and calls.mutating == 0
    assert planned["diff"]["after"] == dict.fromkeys(names, {})
    assert planned["diff"]["before"][names[0]]["threshold"] == 70.0
    with Calls(emulator) as calls:
        gone = run(absent)
    assert gone["deleted"] == names and calls.of("monitoring") == {"DescribeAlarms": 1, "DeleteAlarms": 1}
    assert described(aws, "life-") == {}
    with Calls(emulator) as calls:
        again = run(absent)
    assert again["changed"] is False and again["deleted"] == [] and calls.of("monitoring") == {"DescribeAlarms": 1}


def test_aws_defaults_are_not_changes(run, aws, emulator):
    """An alarm made without the options AWS defaults (TreatMissingData, ActionsEnabled, DatapointsToAlarm, no
    actions, no description) matches them set to those defaults."""
    aws("cloudwatch").put_metric_alarm(
        AlarmName="defaults-alarm",
        Namespace="AWS/RDS",
        MetricName="CPUUtilization",
        Dimensions=[{"Name": "DBInstanceIdentifier", "Value": "test-postgres"}],
        Statistic="Average",
        ComparisonOperator="GreaterThanThreshold",
        Threshold=80.0,
        Period=300,
        EvaluationPeriods=3,
    )
    defaults = alarm(
        "defaults-alarm",
        description="",
        treat_missing_data="missing",
        actions_enabled=True,
        datapoints_to_alarm=3,
        alarm_actions=[],
        ok_actions=[],
        insufficient_data_actions=[],
    )
    with Calls(emulator) as calls:
        result = run({"alarms": [defaults]})
    assert result["changed"] is False and calls.mutating == 0
    assert run({"alarms": [{**defaults, "treat_missing_data": "notBreaching"}]})["updated"] == ["defaults-alarm"]
    assert described(aws, "defaults-alarm")["defaults-alarm"]["TreatMissingData"] == "notBreaching"
    run({"alarms": [{"name": "defaults-alarm"}], "state": "absent"})


def test_many_alarms_no_op_costs_ceil_n_over_100_describes(run, aws, emulator):
    """150 alarms: two DescribeAlarms by name (100 names a call, MaxRecords 100) or by prefix (100 a page),
    two DeleteAlarms (100 names a call)."""
    alarms = [alarm(f"many-alarm-{i:03d}", threshold=i) for i in range(150)]
    with Calls(emulator) as calls:
        assert len(run({"alarms": alarms})["created"]) == 150
    assert calls.of("monitoring") == {"DescribeAlarms": 2, "PutMetricAlarm": 150}
    assert len(described(aws, "many-alarm-")) == 150
    with Calls(emulator) as calls:
        assert run({"alarms": alarms})["changed"] is False
    assert calls.of("monitoring") == {"DescribeAlarms": 2} and calls.total == 2
    with Calls(emulator) as calls:
        assert run({"alarms": alarms, "prefix": "many-alarm-"})["changed"] is False
    assert calls.of("monitoring") == {"DescribeAlarms": 2} and calls.total == 2
    with Calls(emulator) as calls:
        assert run({"alarms": alarms, "tags": TAGS})["updated"] == [a["name"] for a in alarms]
    # Two GetResources (100 ARNs a call), eight TagResources (20 ARNs a call) for the one change.
    assert calls.of("tagging") == {"GetResources": 2, "TagResources": 8}
    with Calls(emulator) as calls:
        gone = run({"alarms": [], "prefix": "many-alarm-", "purge": True, "state": "absent"})
    assert len(gone["deleted"]) == 150 and calls.of("monitoring") == {"DescribeAlarms": 2, "DeleteAlarms": 2}
    assert described(aws, "many-alarm-") == {}


def test_purge_under_the_prefix(run, aws, emulator):
    kept = [alarm("purge-alarm-a"), alarm("purge-alarm-b")]
    run({"alarms": [*kept, alarm("purge-alarm-stray")]})
    run({"alarms": [alarm("purge-other")]})  # outside the prefix: never purged
    args = {"alarms": kept, "prefix": "purge-alarm-", "purge": True}
    with Calls(emulator) as calls:
        planned = run(args, check_mode=True)
    assert planned["changed"] and planned["deleted"] == ["purge-alarm-stray"] and calls.mutating == 0
    assert list(planned["diff"]["before"]) == ["purge-alarm-stray"] and planned["diff"]["after"] == {
        "purge-alarm-stray": {}
    }
    with Calls(emulator) as calls:
        done = run(args)
    assert done["deleted"] == ["purge-alarm-stray"] and calls.of("monitoring") == {
        "DescribeAlarms": 1,
        "DeleteAlarms": 1,
    }
    assert sorted(described(aws, "purge-")) == ["purge-alarm-a", "purge-alarm-b", "purge-other"]
    assert run(args)["changed"] is False
    # Without purge, an alarm the list no longer names stays.
    assert run({"alarms": kept[:1], "prefix": "purge-alarm-"})["changed"] is False
    assert "purge-alarm-b" in described(aws, "purge-alarm-")
    run({"alarms": [], "prefix": "purge-", "purge": True, "state": "absent"})
    assert described(aws, "purge-") == {}


BAD = [
    ({"alarms": [alarm("bad-a"), alarm("bad-a")]}, "alarms lists bad-a more than once"),
    ({"alarms": [alarm("bad-a", comparison_operator=">=")]}, "comparison_operator must be one of"),
    ({"alarms": [alarm("bad-a", statistic="Mean")]}, "statistic must be one of"),
    ({"alarms": [alarm("bad-a", threshold=None)]}, "bad-a: threshold is required with state=present"),
    ({"alarms": [alarm("bad-a", extended_statistic="p99")]}, "exactly one of statistic and extended_statistic"),
    ({"alarms": [alarm("bad-a", period=45)]}, "period=45 must be 10, 20, 30 or a multiple of 60"),
    ({"alarms": [alarm("bad-a", datapoints_to_alarm=4)]}, "datapoints_to_alarm=4 must be from 1 to evaluation_periods"),
    ({"alarms": [alarm("bad-a")], "purge": True}, "purge needs a prefix"),
    ({"alarms": [alarm("bad-a")], "prefix": "good-"}, "every alarm name must start with good-: bad-a"),
    ({"alarms": [alarm("x" * 256)]}, "must be 1 to 255 characters"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[b[1] for b in BAD])
def test_bad_input_is_refused_before_any_call(run, emulator, args, message):
    with Calls(emulator) as calls:
        result = run(args, failed=True)
    assert message in result["msg"]
    assert calls.total == 0
