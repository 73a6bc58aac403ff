"""AWS X-Ray groups, sampling rules and tags in the emulator, as boto3 calls them.

The checks using the ``client`` fixture run twice: against the emulator, where they must pass, and against
plain moto 5.2.5, where they are a strict xfail (moto has no group, sampling-rule or tagging API: 404).
"""

from __future__ import annotations

import itertools

import pytest
from botocore.exceptions import ClientError

_names = itertools.count(1)
PROJECT = [{"Key": "Project", "Value": "ecap"}]


def code(error: pytest.ExceptionInfo) -> str:
    return error.value.response["Error"]["Code"]


def rule(name: str, **fields) -> dict:
    return {
        "RuleName": name,
        "ResourceARN": "*",
        "Priority": 100,
        "FixedRate": 0.1,
        "ReservoirSize": 2,
        "ServiceName": "ecap-api",
        "ServiceType": "*",
        "Host": "*",
        "HTTPMethod": "*",
        "URLPath": "*",
        "Version": 1,
        **fields,
    }


def records(xray) -> dict[str, dict]:
    pages = xray.get_paginator("get_sampling_rules").paginate()
    return {r["SamplingRule"]["RuleName"]: r for p in pages for r in p["SamplingRuleRecords"]}


@pytest.fixture
def xray(client):
    return client("xray")


def test_default_group_and_rule_exist_and_stay(xray) -> None:
    """Every account has the Default group and the Default rule; neither can be deleted."""
    [default] = [g for g in xray.get_groups()["Groups"] if g["GroupName"] == "Default"]
    assert default["GroupARN"].endswith(":group/Default") and "FilterExpression" not in default
    rule_record = records(xray)["Default"]["SamplingRule"]
    assert (rule_record["Priority"], rule_record["FixedRate"], rule_record["ReservoirSize"]) == (10000, 0.05, 1)
    assert rule_record["RuleARN"].endswith(":sampling-rule/Default")
    with pytest.raises(ClientError) as error:
        xray.delete_sampling_rule(RuleName="Default")
    assert code(error) == "InvalidRequestException"
    with pytest.raises(ClientError) as error:
        xray.delete_group(GroupName="Default")
    assert code(error) == "InvalidRequestException"
    with pytest.raises(ClientError) as error:
        xray.create_group(GroupName="Default", FilterExpression="fault = true")
    assert code(error) == "InvalidRequestException"


def test_group_create_read_update_delete(xray) -> None:
    name = f"api-errors-{next(_names)}"
    created = xray.create_group(
        GroupName=name,
        FilterExpression="fault = true OR error = true",
        InsightsConfiguration={"InsightsEnabled": True},
        Tags=PROJECT,
    )["Group"]
    arn = created["GroupARN"]
    assert arn.startswith(f"arn:aws:xray:us-west-2:123456789012:group/{name}/")
    assert created["InsightsConfiguration"] == {"InsightsEnabled": True, "NotificationsEnabled": False}
    assert xray.get_group(GroupName=name)["Group"] == created
    assert xray.get_group(GroupARN=arn)["Group"] == created
    listed = [g for p in xray.get_paginator("get_groups").paginate() for g in p["Groups"]]
    assert created in listed
    assert xray.list_tags_for_resource(ResourceARN=arn)["Tags"] == PROJECT

    with pytest.raises(ClientError) as error:
        xray.create_group(GroupName=name, FilterExpression="fault = true")
    assert code(error) == "InvalidRequestException"

    updated = xray.update_group(GroupName=name, FilterExpression="responsetime > 2")["Group"]
    assert updated["FilterExpression"] == "responsetime > 2"
    assert updated["InsightsConfiguration"]["InsightsEnabled"] is True, "insights kept when left out"
    updated = xray.update_group(GroupARN=arn, InsightsConfiguration={"NotificationsEnabled": True})["Group"]
    assert updated["InsightsConfiguration"] == {"InsightsEnabled": True, "NotificationsEnabled": True}
    assert xray.get_group(GroupName=name)["Group"] == updated

    xray.delete_group(GroupName=name)
    for call in (lambda: xray.get_group(GroupName=name), lambda: xray.delete_group(GroupARN=arn)):
        with pytest.raises(ClientError) as error:
            call()
        assert code(error) == "InvalidRequestException"
    with pytest.raises(ClientError) as error:
        xray.list_tags_for_resource(ResourceARN=arn)
    assert code(error) == "ResourceNotFoundException"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


@pytest.mark.parametrize(
    "params",
    [
        {"FilterExpression": 'service("api" { fault }'},
        {"FilterExpression": "fault = true", "InsightsConfiguration": {"NotificationsEnabled": True}},
        {"FilterExpression": "fault = true", "Tags": [{"Key": "aws:owner", "Value": "me"}]},
        {"FilterExpression": "fault = true", "Tags": [{"Key": f"k{i}", "Value": "v"} for i in range(51)]},
    ],
    ids=["unbalanced", "notifications-without-insights", "aws-tag", "51-tags"],
)
def test_group_bad_input(xray, params) -> None:
    name = f"bad-{next(_names)}"
    with pytest.raises(ClientError) as error:
        xray.create_group(GroupName=name, **params)
    assert code(error) in ("InvalidRequestException", "TooManyTagsException")
    assert name not in {g["GroupName"] for g in xray.get_groups()["Groups"]}


def test_group_name_longer_than_32_is_refused(xray) -> None:
    with pytest.raises(ClientError) as error:
        xray.create_group(GroupName="g" * 33, FilterExpression="fault = true")
    assert code(error) == "InvalidRequestException"


def test_sampling_rule_create_update_delete(xray) -> None:
    name = f"api-{next(_names)}"
    record = xray.create_sampling_rule(SamplingRule=rule(name), Tags=PROJECT)["SamplingRuleRecord"]
    arn = record["SamplingRule"]["RuleARN"]
    assert arn == f"arn:aws:xray:us-west-2:123456789012:sampling-rule/{name}"
    assert record["SamplingRule"]["Attributes"] == {}
    assert records(xray)[name]["SamplingRule"] == record["SamplingRule"]
    assert xray.list_tags_for_resource(ResourceARN=arn)["Tags"] == PROJECT

    with pytest.raises(ClientError) as error:
        xray.create_sampling_rule(SamplingRule=rule(name, Priority=200))
    assert code(error) == "InvalidRequestException"

    updated = xray.update_sampling_rule(SamplingRuleUpdate={"RuleName": name, "FixedRate": 0.5, "URLPath": "/api/*"})
    after = updated["SamplingRuleRecord"]["SamplingRule"]
    assert (after["FixedRate"], after["URLPath"], after["ReservoirSize"]) == (0.5, "/api/*", 2)
    assert records(xray)[name]["SamplingRule"] == after
    xray.update_sampling_rule(SamplingRuleUpdate={"RuleARN": arn, "Attributes": {"http.route": "/orders"}})
    assert records(xray)[name]["SamplingRule"]["Attributes"] == {"http.route": "/orders"}

    deleted = xray.delete_sampling_rule(RuleName=name)["SamplingRuleRecord"]
    assert deleted["SamplingRule"]["RuleName"] == name
    assert name not in records(xray)
    for call in (
        lambda: xray.delete_sampling_rule(RuleARN=arn),
        lambda: xray.update_sampling_rule(SamplingRuleUpdate={"RuleName": name, "FixedRate": 0.1}),
    ):
        with pytest.raises(ClientError) as error:
            call()
        assert code(error) == "InvalidRequestException"


def test_default_rule_changes_only_rate_and_reservoir(xray) -> None:
    before = records(xray)["Default"]["SamplingRule"]
    try:
        xray.update_sampling_rule(SamplingRuleUpdate={"RuleName": "Default", "FixedRate": 0.01, "ReservoirSize": 2})
        after = records(xray)["Default"]["SamplingRule"]
        assert (after["FixedRate"], after["ReservoirSize"]) == (0.01, 2)
        with pytest.raises(ClientError) as error:
            xray.update_sampling_rule(SamplingRuleUpdate={"RuleName": "Default", "URLPath": "/api/*"})
        assert code(error) == "InvalidRequestException"
    finally:
        xray.update_sampling_rule(
            SamplingRuleUpdate={
                "RuleName": "Default",
                "FixedRate": before["FixedRate"],
                "ReservoirSize": before["ReservoirSize"],
            }
        )


@pytest.mark.parametrize(
    "fields",
    [{"Priority": 10000}, {"FixedRate": 1.5}, {"Version": 2}, {"HTTPMethod": "PROPPATCHING"}, {"RuleName": "Default"}],
    ids=["priority", "fixed-rate", "version", "http-method", "reserved-name"],
)
def test_sampling_rule_bad_input(xray, fields) -> None:
    fields = dict(fields)
    name = fields.pop("RuleName", f"bad-{next(_names)}")
    with pytest.raises(ClientError) as error:
        xray.create_sampling_rule(SamplingRule=rule(name, **fields))
    assert code(error) == "InvalidRequestException"
    if name != "Default":
        assert name not in records(xray)


def test_rule_limit_and_paging(target, xray) -> None:
    """25 rules besides Default; the 26th is RuleLimitExceededException; GetSamplingRules pages."""
    target.reset()
    for n in range(25):
        xray.create_sampling_rule(SamplingRule=rule(f"limit-{n:02d}", Priority=n + 1))
    with pytest.raises(ClientError) as error:
        xray.create_sampling_rule(SamplingRule=rule("limit-25"))
    assert code(error) == "RuleLimitExceededException"
    first = xray.get_sampling_rules()
    assert "NextToken" in first and len(first["SamplingRuleRecords"]) < 26
    assert sorted(records(xray)) == sorted([f"limit-{n:02d}" for n in range(25)] + ["Default"])
    target.reset()
    assert list(records(xray)) == ["Default"], "/moto-api/reset clears the rules and brings Default back"


def test_group_limit(target, xray) -> None:
    target.reset()
    for n in range(25):
        xray.create_group(GroupName=f"group-{n:02d}", FilterExpression="fault = true")
    with pytest.raises(ClientError) as error:
        xray.create_group(GroupName="group-25", FilterExpression="fault = true")
    assert code(error) == "InvalidRequestException"
    names = [g["GroupName"] for p in xray.get_paginator("get_groups").paginate() for g in p["Groups"]]
    assert sorted(names) == sorted([f"group-{n:02d}" for n in range(25)] + ["Default"])
    target.reset()
    assert [g["GroupName"] for g in xray.get_groups()["Groups"]] == ["Default"]


def test_tag_untag_list(xray) -> None:
    name = f"tags-{next(_names)}"
    arn = xray.create_group(GroupName=name, FilterExpression="error", Tags=PROJECT)["Group"]["GroupARN"]
    xray.tag_resource(ResourceARN=arn, Tags=[{"Key": "Environment", "Value": "dev"}, {"Key": "Project", "Value": "x"}])
    assert xray.list_tags_for_resource(ResourceARN=arn)["Tags"] == [
        {"Key": "Environment", "Value": "dev"},
        {"Key": "Project", "Value": "x"},
    ]
    xray.untag_resource(ResourceARN=arn, TagKeys=["Project", "Missing"])
    assert xray.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "Environment", "Value": "dev"}]
    with pytest.raises(ClientError) as error:
        xray.tag_resource(ResourceARN=arn, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    assert code(error) == "TooManyTagsException"
    with pytest.raises(ClientError) as error:
        xray.untag_resource(ResourceARN=arn, TagKeys=["aws:cloudformation:stack-name"])
    assert code(error) == "InvalidRequestException"
    unknown = arn.replace(name, "unknown")
    with pytest.raises(ClientError) as error:
        xray.tag_resource(ResourceARN=unknown, Tags=PROJECT)
    assert code(error) == "ResourceNotFoundException"
