"""xray_group and xray_sampling_rule on the emulator, in the amazon.aws rhythm: check mode creates nothing ->
create -> re-run changes nothing (with the calls counted) -> update -> tags -> delete in check mode -> delete ->
delete again; the Default rule and group; bad input refused before any call. State is read back with boto3."""

from __future__ import annotations

import functools

import pytest
from ansible_collections.ecap.platform.plugins.modules import xray_group, xray_sampling_rule
from botocore.exceptions import ClientError

TAGS = {"Project": "ecap", "Environment": "test"}
GROUP = {
    "name": "test-api-errors",
    "filter_expression": 'service("ecap-api") AND (fault = true OR error = true)',
    "insights_enabled": True,
    "tags": TAGS,
}
RULE = {
    "name": "test-api",
    "priority": 100,
    "fixed_rate": 0.1,
    "reservoir_size": 2,
    "service_name": "ecap-api",
    "tags": TAGS,
}


@pytest.fixture
def group(run_module):
    return functools.partial(run_module, xray_group)


@pytest.fixture
def rule(run_module):
    return functools.partial(run_module, xray_sampling_rule)


def read_group(aws, name):
    try:
        found = aws("xray").get_group(GroupName=name)["Group"]
    except ClientError as e:
        assert e.response["Error"]["Code"] == "InvalidRequestException"
        return None
    tags = aws("xray").list_tags_for_resource(ResourceARN=found["GroupARN"])["Tags"]
    return {**found, "Tags": {t["Key"]: t["Value"] for t in tags}}


def read_rule(aws, name):
    pages = aws("xray").get_paginator("get_sampling_rules").paginate()
    for record in (r for p in pages for r in p["SamplingRuleRecords"]):
        if record["SamplingRule"]["RuleName"] == name:
            found = record["SamplingRule"]
            tags = aws("xray").list_tags_for_resource(ResourceARN=found["RuleARN"])["Tags"]
            return {**found, "Tags": {t["Key"]: t["Value"] for t in tags}}
    return None


def calls(emulator) -> dict[str, int]:
    return emulator.counters()["services"].get("xray", {})


def delta(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {k: after[k] - before.get(k, 0) for k in after if after[k] != before.get(k, 0)}


def test_group_lifecycle(group, aws, emulator):
    planned = group(GROUP, check_mode=True)
    assert planned["changed"] and planned["group"]["filter_expression"] == GROUP["filter_expression"]
    assert planned["diff"]["before"] == {} and planned["diff"]["after"]["insights_enabled"] is True
    assert read_group(aws, GROUP["name"]) is None

    created = group(GROUP)
    assert created["changed"]
    found = read_group(aws, GROUP["name"])
    assert created["group"]["arn"] == found["GroupARN"]
    assert found["FilterExpression"] == GROUP["filter_expression"]
    assert found["InsightsConfiguration"] == {"InsightsEnabled": True, "NotificationsEnabled": False}
    assert found["Tags"] == TAGS

    before = calls(emulator)
    again = group(GROUP)
    assert again["changed"] is False and again["group"] == created["group"]
    assert delta(before, calls(emulator)) == {"GetGroup": 1, "ListTagsForResource": 1}
    before = calls(emulator)
    assert group({k: v for k, v in GROUP.items() if k != "tags"})["changed"] is False
    assert delta(before, calls(emulator)) == {"GetGroup": 1}, "without tags, one read"

    slower = {**GROUP, "filter_expression": "responsetime > 2", "notifications_enabled": True}
    planned = group(slower, check_mode=True)
    assert planned["changed"] and planned["diff"]["after"]["filter_expression"] == "responsetime > 2"
    assert read_group(aws, GROUP["name"])["FilterExpression"] == GROUP["filter_expression"]
    updated = group(slower)
    assert updated["changed"] and updated["diff"]["before"]["filter_expression"] == GROUP["filter_expression"]
    found = read_group(aws, GROUP["name"])
    assert found["FilterExpression"] == "responsetime > 2"
    assert found["InsightsConfiguration"] == {"InsightsEnabled": True, "NotificationsEnabled": True}
    assert group(slower)["changed"] is False

    retagged = group({**slower, "tags": {"Project": "ecap", "Owner": "sre"}})
    assert retagged["changed"] and retagged["group"]["tags"] == {"Project": "ecap", "Owner": "sre"}
    assert read_group(aws, GROUP["name"])["Tags"] == {"Project": "ecap", "Owner": "sre"}
    kept = group({**slower, "tags": {"Team": "web"}, "purge_tags": False})
    assert kept["changed"]
    assert read_group(aws, GROUP["name"])["Tags"] == {"Project": "ecap", "Owner": "sre", "Team": "web"}

    absent = {"name": GROUP["name"], "state": "absent"}
    assert group(absent, check_mode=True)["changed"] and read_group(aws, GROUP["name"]) is not None
    deleted = group(absent)
    assert deleted["changed"] and deleted["diff"]["after"] == {} and deleted["group"] == {}
    assert read_group(aws, GROUP["name"]) is None
    assert group(absent)["changed"] is False


def test_default_group_insights(group, aws):
    assert group({"name": "Default", "insights_enabled": True})["changed"]
    assert read_group(aws, "Default")["InsightsConfiguration"]["InsightsEnabled"] is True
    assert group({"name": "Default", "insights_enabled": True})["changed"] is False
    assert group({"name": "Default", "insights_enabled": False})["changed"]


def test_rule_lifecycle(rule, aws, emulator):
    planned = rule(RULE, check_mode=True)
    assert planned["changed"] and planned["sampling_rule"]["url_path"] == "*"
    assert planned["diff"]["after"]["fixed_rate"] == 0.1
    assert read_rule(aws, RULE["name"]) is None

    created = rule(RULE)
    assert created["changed"]
    found = read_rule(aws, RULE["name"])
    assert created["sampling_rule"]["arn"] == found["RuleARN"]
    assert (found["Priority"], found["FixedRate"], found["ReservoirSize"]) == (100, 0.1, 2)
    assert (found["ServiceName"], found["URLPath"], found["HTTPMethod"], found["Version"]) == ("ecap-api", "*", "*", 1)
    assert found["Tags"] == TAGS

    before = calls(emulator)
    again = rule(RULE)
    assert again["changed"] is False and again["sampling_rule"] == created["sampling_rule"]
    assert delta(before, calls(emulator)) == {"GetSamplingRules": 1, "ListTagsForResource": 1}

    lower = {**RULE, "fixed_rate": 0.05, "url_path": "/api/*"}
    assert rule(lower, check_mode=True)["changed"] and read_rule(aws, RULE["name"])["FixedRate"] == 0.1
    updated = rule(lower)
    assert updated["changed"]
    assert updated["diff"]["before"]["fixed_rate"] == 0.1 and updated["diff"]["after"]["fixed_rate"] == 0.05
    found = read_rule(aws, RULE["name"])
    assert (found["FixedRate"], found["URLPath"], found["ReservoirSize"]) == (0.05, "/api/*", 2)
    assert rule(lower)["changed"] is False

    # A rate of 0 and a reservoir of 0 compare as values, not as "unset".
    never = {**lower, "fixed_rate": 0.0, "reservoir_size": 0, "attributes": {"http.route": "/health"}}
    assert rule(never)["changed"]
    found = read_rule(aws, RULE["name"])
    assert (found["FixedRate"], found["ReservoirSize"], found["Attributes"]) == (0.0, 0, {"http.route": "/health"})
    assert rule(never)["changed"] is False
    assert rule({**never, "attributes": {}})["changed"] and read_rule(aws, RULE["name"])["Attributes"] == {}

    retagged = rule({**never, "attributes": {}, "tags": {"Project": "ecap"}})
    assert retagged["changed"] and read_rule(aws, RULE["name"])["Tags"] == {"Project": "ecap"}

    absent = {"name": RULE["name"], "state": "absent"}
    assert rule(absent, check_mode=True)["changed"] and read_rule(aws, RULE["name"]) is not None
    assert rule(absent)["changed"] and read_rule(aws, RULE["name"]) is None
    assert rule(absent)["changed"] is False


def test_default_rule_rate_and_reservoir(rule, aws):
    default = read_rule(aws, "Default")
    try:
        changed = rule({"name": "Default", "fixed_rate": 0.01, "reservoir_size": 1})
        assert changed["changed"] and changed["sampling_rule"]["priority"] == 10000
        assert read_rule(aws, "Default")["FixedRate"] == 0.01
        assert rule({"name": "Default", "fixed_rate": 0.01, "reservoir_size": 1})["changed"] is False
    finally:
        aws("xray").update_sampling_rule(SamplingRuleUpdate={"RuleName": "Default", "FixedRate": default["FixedRate"]})


def test_many_rules_are_read_across_pages(rule, aws):
    """GetSamplingRules pages (the emulator by 10): a rule on a later page is found, not created again."""
    for n in range(12):
        rule({**RULE, "name": f"page-{n:02d}", "priority": n + 1, "tags": None})
    assert rule({**RULE, "name": "page-11", "priority": 12, "tags": None})["changed"] is False
    for n in range(12):
        rule({"name": f"page-{n:02d}", "state": "absent"})


BAD_GROUPS = [
    ({"name": "g" * 33, "filter_expression": "fault"}, "must be 1-32 characters"),
    ({"name": "g", "filter_expression": "   "}, "cannot be blank"),
    ({"name": "g"}, "filter_expression is required"),
    ({"name": "g", "filter_expression": "x" * 2001}, "at most 2000"),
    ({"name": "g", "filter_expression": 'service("api" { fault }'}, "unclosed quote or bracket"),
    ({"name": "g", "filter_expression": "fault = true)"}, "unbalanced ')'"),
    ({"name": "g", "filter_expression": "fault", "notifications_enabled": True, "insights_enabled": False}, "needs"),
    ({"name": "g", "filter_expression": "fault", "tags": {"aws:x": "y"}}, "reserved by AWS"),
    ({"name": "Default", "state": "absent"}, "Default group cannot be deleted"),
    ({"name": "Default", "filter_expression": "fault"}, "no filter expression"),
]
BAD_RULES = [
    ({"name": "r" * 33, "priority": 1, "fixed_rate": 0.1, "reservoir_size": 1}, "must be 1-32 characters"),
    ({"name": "r", "priority": 0, "fixed_rate": 0.1, "reservoir_size": 1}, "priority=0 must be 1-9999"),
    ({"name": "r", "priority": 10000, "fixed_rate": 0.1, "reservoir_size": 1}, "priority=10000 must be 1-9999"),
    ({"name": "r", "priority": 1, "fixed_rate": 1.5, "reservoir_size": 1}, "fixed_rate=1.5 must be between 0 and 1"),
    ({"name": "r", "priority": 1, "fixed_rate": -0.1, "reservoir_size": 1}, "fixed_rate=-0.1 must be between"),
    ({"name": "r", "priority": 1, "fixed_rate": 0.1, "reservoir_size": -1}, "reservoir_size=-1 must be 0 or more"),
    ({"name": "r", "fixed_rate": 0.1}, "priority, reservoir_size required"),
    ({"name": "r", "priority": 1, "fixed_rate": 0.1, "reservoir_size": 1, "http_method": "X" * 11}, "http_method"),
    ({"name": "r", "priority": 1, "fixed_rate": 0.1, "reservoir_size": 1, "url_path": "/" * 129}, "url_path"),
    (
        {
            "name": "r",
            "priority": 1,
            "fixed_rate": 0.1,
            "reservoir_size": 1,
            "attributes": {str(i): "v" for i in range(6)},
        },
        "at most 5",
    ),
    ({"name": "Default", "state": "absent"}, "Default sampling rule cannot be deleted"),
    ({"name": "Default", "fixed_rate": 0.1, "priority": 5}, "Only fixed_rate and reservoir_size"),
    ({"name": "Default", "fixed_rate": 0.1, "url_path": "/api"}, "not url_path"),
]


@pytest.mark.parametrize(("args", "message"), BAD_GROUPS, ids=[m for _, m in BAD_GROUPS])
def test_bad_group_input_fails_before_any_call(group, emulator, args, message):
    before = emulator.counters()["total"]
    result = group(args, failed=True)
    assert message in result["msg"], result["msg"]
    assert emulator.counters()["total"] == before, "a call was made before the input was checked"


@pytest.mark.parametrize(("args", "message"), BAD_RULES, ids=[m for _, m in BAD_RULES])
def test_bad_rule_input_fails_before_any_call(rule, emulator, args, message):
    before = emulator.counters()["total"]
    result = rule(args, failed=True)
    assert message in result["msg"], result["msg"]
    assert emulator.counters()["total"] == before, "a call was made before the input was checked"


def test_a_create_that_already_went_through_converges(group, aws):
    """X-Ray has no client token: a retried CreateGroup meets "already exists" and the module converges."""
    from ansible_collections.ecap.platform.plugins.module_utils import xray

    class Racing:
        """A client whose GetGroup misses the group another run has just made."""

        def __init__(self, real):
            self.real, self.first = real, True

        def get_group(self, **kwargs):
            kwargs.pop("aws_retry", None)
            if self.first:
                self.first = False
                aws("xray").create_group(GroupName="raced", FilterExpression="fault")
                raise ClientError(
                    {"Error": {"Code": "InvalidRequestException", "Message": "Group not found"}}, "GetGroup"
                )
            return self.real.get_group(**kwargs)

        def __getattr__(self, name):
            method = getattr(self.real, name)
            return lambda **kw: method(**{k: v for k, v in kw.items() if k != "aws_retry"})

    params = {"name": "raced", "filter_expression": "error", "insights_enabled": None, "notifications_enabled": None}
    result = xray.converge(Racing(aws("xray")), "group", {**params, "tags": None, "state": "present"}, False)
    assert result["changed"] and result["group"]["filter_expression"] == "error"
    assert read_group(aws, "raced")["FilterExpression"] == "error"
    aws("xray").delete_group(GroupName="raced")
