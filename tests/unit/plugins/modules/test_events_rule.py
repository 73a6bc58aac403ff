"""events_rule end to end on the emulator: main() in process, state read back with boto3, the emulator's counters
showing that check mode and refused input write nothing and that a no-op run makes exactly the reads it documents
(the reason the module exists: amazon.aws.cloudwatchevent_rule made seven per rule). The amazon.aws rhythm: check
mode, create, re-run, update, check-mode delete, delete, delete again."""

from __future__ import annotations

import functools
import json

import pytest
from ansible_collections.ecap.platform.plugins.modules import events_rule

NAME = "ecap-test-root-activity"
PATTERN = {"detail": {"userIdentity": {"type": ["Root"]}}, "detail-type": ["AWS API Call via CloudTrail"]}


@pytest.fixture
def run(run_module):
    return functools.partial(run_module, events_rule)


@pytest.fixture(scope="module")
def topics(aws):
    sns = aws("sns")
    return [sns.create_topic(Name=f"ecap-test-{n}")["TopicArn"] for n in ("alarms", "security")]


def read(events):
    try:
        rule = events.describe_rule(Name=NAME)
    except events.exceptions.ResourceNotFoundException:
        return None
    targets = sorted((t["Id"], t["Arn"]) for t in events.list_targets_by_rule(Rule=NAME)["Targets"])
    tags = {t["Key"]: t["Value"] for t in events.list_tags_for_resource(ResourceARN=rule["Arn"])["Tags"]}
    return {"rule": rule, "pattern": json.loads(rule["EventPattern"]), "targets": targets, "tags": tags}


def calls(emulator, before):
    """The events calls since ``before`` (a counters snapshot), by operation."""
    now = emulator.counters()["services"].get("events", {})
    was = before["services"].get("events", {})
    return {op: n - was.get(op, 0) for op, n in now.items() if n - was.get(op, 0)}


def test_lifecycle(run, aws, emulator, topics):
    events = aws("events")
    args = {
        "name": NAME,
        "description": "Root user activity",
        "event_pattern": PATTERN,
        "targets": [{"id": "alarm-topic", "arn": topics[0]}],
        "tags": {"Project": "ecap"},
    }

    before = emulator.counters()
    result = run(args, check_mode=True)
    assert result["changed"] is True and result["diff"]["after"]["event_pattern"] == PATTERN
    assert emulator.counters()["mutating"] == before["mutating"] and read(events) is None

    result = run(args)
    assert result["changed"] is True and result["rule"]["arn"].endswith(f":rule/{NAME}")
    made = read(events)
    assert made["pattern"] == PATTERN and made["rule"]["State"] == "ENABLED"
    assert made["rule"]["Description"] == "Root user activity"
    assert made["targets"] == [("alarm-topic", topics[0])] and made["tags"] == {"Project": "ecap"}

    # A no-op: one DescribeRule, one ListTargetsByRule, one ListTagsForResource, nothing written.
    before = emulator.counters()
    result = run(args)
    assert result["changed"] is False and result["rule"]["targets"] == [{"id": "alarm-topic", "arn": topics[0]}]
    assert calls(emulator, before) == {"DescribeRule": 1, "ListTargetsByRule": 1, "ListTagsForResource": 1}
    # Without tags (the observability role tags in bulk): two calls. The pattern as JSON text, keys reordered.
    before = emulator.counters()
    untagged = {**args, "tags": None, "event_pattern": json.dumps(dict(reversed(list(PATTERN.items()))))}
    assert run(untagged)["changed"] is False
    assert calls(emulator, before) == {"DescribeRule": 1, "ListTargetsByRule": 1}
    # Only the rule: one call.
    before = emulator.counters()
    assert run({"name": NAME})["changed"] is False
    assert calls(emulator, before) == {"DescribeRule": 1}

    update = {
        **args,
        "event_pattern": {**PATTERN, "source": ["aws.signin"]},
        "targets": [{"id": "security-topic", "arn": topics[1], "input": {"severity": "high"}}],
        "tags": {"Project": "ecap", "Tier": "observability"},
    }
    before = emulator.counters()
    result = run(update, check_mode=True)
    assert result["changed"] is True and result["diff"]["before"]["targets"][0]["id"] == "alarm-topic"
    assert result["diff"]["after"]["targets"] == [
        {"id": "security-topic", "arn": topics[1], "input": '{"severity": "high"}'}
    ]
    assert emulator.counters()["mutating"] == before["mutating"]
    assert run(update)["changed"] is True
    after = read(events)
    assert after["pattern"]["source"] == ["aws.signin"] and after["rule"]["Description"] == "Root user activity"
    assert after["targets"] == [("security-topic", topics[1])]
    assert after["tags"] == {"Project": "ecap", "Tier": "observability"}
    assert run(update)["changed"] is False

    # Disable, keeping the pattern and description (PutRule replaces the whole definition).
    assert run({"name": NAME, "enabled": False})["changed"] is True
    after = read(events)
    assert after["rule"]["State"] == "DISABLED" and after["pattern"]["source"] == ["aws.signin"]
    assert after["rule"]["Description"] == "Root user activity"
    assert run({"name": NAME, "enabled": False})["changed"] is False

    before = emulator.counters()
    assert run({"name": NAME, "state": "absent"}, check_mode=True)["changed"] is True
    assert emulator.counters()["mutating"] == before["mutating"] and read(events) is not None
    assert run({"name": NAME, "state": "absent"})["changed"] is True
    assert read(events) is None
    assert run({"name": NAME, "state": "absent"})["changed"] is False


def test_a_new_rule_needs_a_pattern_or_a_schedule(run, aws, emulator):
    before = emulator.counters()["mutating"]
    result = run({"name": "ecap-test-nothing"}, failed=True)
    assert "needs an event_pattern or a schedule_expression" in result["msg"]
    assert emulator.counters()["mutating"] == before
    assert run({"name": "ecap-test-nightly", "schedule_expression": "cron(0 20 * * ? *)"})["changed"] is True
    assert aws("events").describe_rule(Name="ecap-test-nightly")["ScheduleExpression"] == "cron(0 20 * * ? *)"
    assert run({"name": "ecap-test-nightly", "state": "absent"})["changed"] is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"name": "bad name", "event_pattern": PATTERN}, "must be 1-64 letters"),
        ({"name": NAME, "event_pattern": "{not json"}, "event_pattern is not JSON"),
        ({"name": NAME, "event_pattern": "[1]"}, "must be a JSON object"),
        (
            {"name": NAME, "event_pattern": PATTERN, "targets": [{"id": "t", "arn": "a"}, {"id": "t", "arn": "b"}]},
            "Target ids must be unique: t",
        ),
        (
            {"name": NAME, "event_pattern": PATTERN, "targets": [{"id": f"t{i}", "arn": "a"} for i in range(6)]},
            "at most 5 targets",
        ),
        (
            {
                "name": NAME,
                "event_pattern": PATTERN,
                "targets": [{"id": "t", "arn": "a", "input": "{}", "input_path": "$"}],
            },
            "input and input_path exclude each other",
        ),
    ],
)
def test_refused_before_any_call(run, emulator, args, message):
    before = emulator.counters()["total"]
    result = run(args, failed=True)
    assert message in result["msg"]
    assert emulator.counters()["total"] == before
