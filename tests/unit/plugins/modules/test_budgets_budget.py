"""budgets_budget end to end on the emulator (moto 5.2.5 + the budgets extensions): main() in process,
state read back with boto3, the emulator's counters showing that check mode and refused input write nothing.
"""

from __future__ import annotations

import functools

import pytest
from ansible_collections.ecap.platform.plugins.module_utils import budgets as budgets_utils
from ansible_collections.ecap.platform.plugins.modules import budgets_budget

NAME = "ecap-dev-monthly"
TOPIC = "arn:aws:sns:us-west-2:123456789012:ecap-dev-alerts"
FILTERS = {"TagKeyValue": ["user:Project$ecap", "user:Environment$dev"]}


@pytest.fixture
def run(run_module):
    return functools.partial(run_module, budgets_budget)


@pytest.fixture(scope="module")
def budgets(aws):
    return aws("budgets")


@pytest.fixture(scope="module")
def account(aws):
    return aws("sts").get_caller_identity()["Account"]


def args(**overrides):
    return {
        "name": NAME,
        "limit_amount": 1500,
        "cost_filters": FILTERS,
        "notifications": [
            {"notification_type": "ACTUAL", "threshold": 80, "emails": ["finops@example.com"]},
            {"notification_type": "FORECASTED", "threshold": 100, "sns_topic_arns": [TOPIC]},
        ],
        "tags": {"Project": "ecap", "Environment": "dev"},
        **overrides,
    }


def described(budgets, account, name=NAME):
    try:
        return budgets.describe_budget(AccountId=account, BudgetName=name)["Budget"]
    except budgets.exceptions.NotFoundException:
        return None


def notifications(budgets, account, name=NAME):
    result = {}
    for n in budgets.describe_notifications_for_budget(AccountId=account, BudgetName=name)["Notifications"]:
        subs = budgets.describe_subscribers_for_notification(AccountId=account, BudgetName=name, Notification=n)[
            "Subscribers"
        ]
        result[(n["NotificationType"], n["Threshold"])] = sorted((s["SubscriptionType"], s["Address"]) for s in subs)
    return result


def tags(budgets, account, name=NAME):
    arn = f"arn:aws:budgets::{account}:budget/{name}"
    return {t["Key"]: t["Value"] for t in budgets.list_tags_for_resource(ResourceARN=arn)["ResourceTags"]}


def test_lifecycle(run, budgets, account, emulator) -> None:
    before = emulator.counters()["mutating"]
    result = run(args(), check_mode=True)
    assert result["changed"] is True and result["diff"]["before"] == {}
    assert result["budget"]["limit_amount"] == 1500.0
    assert result["budget"]["arn"] == f"arn:aws:budgets::{account}:budget/{NAME}"
    assert emulator.counters()["mutating"] == before, "check mode wrote"
    assert described(budgets, account) is None

    result = run(args())
    assert result["changed"] is True
    made = described(budgets, account)
    assert float(made["BudgetLimit"]["Amount"]) == 1500.0 and made["TimeUnit"] == "MONTHLY"
    assert sorted(made["CostFilters"]["TagKeyValue"]) == sorted(FILTERS["TagKeyValue"])
    assert notifications(budgets, account) == {
        ("ACTUAL", 80.0): [("EMAIL", "finops@example.com")],
        ("FORECASTED", 100.0): [("SNS", TOPIC)],
    }
    assert tags(budgets, account) == {"Project": "ecap", "Environment": "dev"}
    budget = result["budget"]
    assert budget["cost_filters"] == {"TagKeyValue": ["user:Environment$dev", "user:Project$ecap"]}
    assert budget["notifications"][0] == {
        "notification_type": "ACTUAL",
        "comparison_operator": "GREATER_THAN",
        "threshold": 80.0,
        "threshold_type": "PERCENTAGE",
        "sns_topic_arns": [],
        "emails": ["finops@example.com"],
    }

    before = emulator.counters()["mutating"]
    result = run(args())
    assert result["changed"] is False
    assert emulator.counters()["mutating"] == before

    before = emulator.counters()["mutating"]
    result = run(args(limit_amount=2000.5, time_unit="QUARTERLY"), check_mode=True)
    assert result["changed"] is True and result["budget"]["limit_amount"] == 2000.5
    assert result["diff"]["before"]["time_unit"] == "MONTHLY" and result["diff"]["after"]["time_unit"] == "QUARTERLY"
    assert emulator.counters()["mutating"] == before, "check mode wrote"
    assert float(described(budgets, account)["BudgetLimit"]["Amount"]) == 1500.0

    result = run(args(limit_amount=2000.5, time_unit="QUARTERLY"))
    assert result["changed"] is True
    assert result["diff"]["before"]["limit_amount"] == 1500.0 and result["diff"]["after"]["limit_amount"] == 2000.5
    made = described(budgets, account)
    assert float(made["BudgetLimit"]["Amount"]) == 2000.5 and made["TimeUnit"] == "QUARTERLY"
    assert made["CostFilters"]["TagKeyValue"]

    changed_notifications = [
        {"notification_type": "ACTUAL", "threshold": 90, "emails": ["finops@example.com", "lead@example.com"]},
        {"notification_type": "FORECASTED", "threshold": 100, "sns_topic_arns": [TOPIC], "emails": ["a@example.com"]},
    ]
    result = run(args(limit_amount=2000.5, time_unit="QUARTERLY", notifications=changed_notifications))
    assert result["changed"] is True
    assert notifications(budgets, account) == {
        ("ACTUAL", 90.0): [("EMAIL", "finops@example.com"), ("EMAIL", "lead@example.com")],
        ("FORECASTED", 100.0): [("EMAIL", "a@example.com"), ("SNS", TOPIC)],
    }
    final = args(limit_amount=2000.5, time_unit="QUARTERLY", notifications=changed_notifications)
    assert run(final)["changed"] is False

    result = run({**final, "tags": {"Project": "ecap", "Owner": "data"}})
    assert result["changed"] is True and result["budget"]["tags"] == {"Project": "ecap", "Owner": "data"}
    assert tags(budgets, account) == {"Project": "ecap", "Owner": "data"}
    result = run({**final, "tags": {"Tier": "observability"}, "purge_tags": False})
    assert tags(budgets, account) == {"Project": "ecap", "Owner": "data", "Tier": "observability"}
    assert run({**final, "tags": None})["changed"] is False  # unset: tags left alone

    before = emulator.counters()["mutating"]
    result = run({"name": NAME, "state": "absent"}, check_mode=True)
    assert result["changed"] is True and result["diff"]["before"]["name"] == NAME
    assert emulator.counters()["mutating"] == before and described(budgets, account) is not None
    result = run({"name": NAME, "state": "absent"})
    assert result["changed"] is True and described(budgets, account) is None
    result = run({"name": NAME, "state": "absent"})
    assert result["changed"] is False and result["budget"] == {}


def test_notification_swaps(run, budgets, account) -> None:
    """The only SNS topic replaced (UpdateSubscriber), a notification removed, one with every subscriber replaced."""
    name = "ecap-swaps"
    other = TOPIC.replace("ecap-dev-alerts", "ecap-dev-other")
    base = args(name=name, account_id=account)
    run(base)
    swapped = [
        {"notification_type": "ACTUAL", "threshold": 80, "sns_topic_arns": [other]},
        {"notification_type": "FORECASTED", "threshold": 100, "sns_topic_arns": [other]},
    ]
    result = run({**base, "notifications": swapped})
    assert result["changed"] is True
    assert notifications(budgets, account, name) == {
        ("ACTUAL", 80.0): [("SNS", other)],
        ("FORECASTED", 100.0): [("SNS", other)],
    }
    result = run({**base, "notifications": swapped[:1], "cost_filters": {}})
    assert notifications(budgets, account, name) == {("ACTUAL", 80.0): [("SNS", other)]}
    assert (
        "CostFilters" not in described(budgets, account, name) or not described(budgets, account, name)["CostFilters"]
    )
    assert run({**base, "notifications": swapped[:1], "cost_filters": {}})["changed"] is False
    run({"name": name, "state": "absent"})


def test_paginated_reads(run, budgets, account) -> None:
    name = "ecap-many"
    many = [
        {"notification_type": "ACTUAL", "threshold": t, "emails": [f"u{i}@example.com" for i in range(10)]}
        for t in (10, 20, 30, 40, 50)
    ]
    run(args(name=name, notifications=many))
    original = budgets_utils.PAGE_SIZE
    budgets_utils.PAGE_SIZE = 2
    try:
        result = run(args(name=name, notifications=many))
    finally:
        budgets_utils.PAGE_SIZE = original
    assert result["changed"] is False
    assert [n["threshold"] for n in result["budget"]["notifications"]] == [10.0, 20.0, 30.0, 40.0, 50.0]
    assert all(len(n["emails"]) == 10 for n in result["budget"]["notifications"])
    run({"name": name, "state": "absent"})


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"limit_amount": 0}, "limit_amount must be greater than 0"),
        ({"limit_amount": None}, "limit_amount is required"),
        (
            {"notifications": [{"notification_type": "ACTUAL", "threshold": 80, "emails": ["not-an-email"]}]},
            "is not an email",
        ),
        ({"notifications": [{"notification_type": "ACTUAL", "threshold": 80}]}, "at least one subscriber"),
        (
            {"notifications": [{"notification_type": "ACTUAL", "threshold": 1001, "emails": ["a@example.com"]}]},
            "at most 1000",
        ),
        (
            {
                "notifications": [
                    {"notification_type": "ACTUAL", "threshold": 80, "sns_topic_arns": [TOPIC, TOPIC + "2"]}
                ]
            },
            "AWS allows 1",
        ),
        (
            {
                "notifications": [
                    {"notification_type": "ACTUAL", "threshold": 8, "emails": [f"u{i}@x.io" for i in range(11)]}
                ]
            },
            "AWS allows 10",
        ),
        ({"cost_filters": {"TagKeyValue": "user:Project$ecap"}}, "cost_filters.TagKeyValue must be"),
        ({"account_id": "12345"}, "12-digit"),
        ({"account_id": "12345", "state": "absent"}, "12-digit"),
    ],
)
def test_bad_input_fails_before_any_call(run, emulator, overrides, message) -> None:
    before = emulator.counters()
    result = run(args(**overrides), failed=True)
    assert message in result["msg"]
    after = emulator.counters()
    assert after["mutating"] == before["mutating"] and after["total"] == before["total"]


def test_leak_report_finds_a_tagged_budget(run, aws, account) -> None:
    """tagged_resources (the teardown's leak report) lists a budget carrying the environment's tags."""
    from ansible_collections.ecap.platform.plugins.module_utils import tagged_resources

    name = "ecap-leak"
    run(args(name=name, tags={"Project": "ecap", "Environment": "leak"}))
    run(args(name="ecap-other", tags={"Project": "ecap", "Environment": "other"}))
    found = tagged_resources.list_resources(aws, {"Project": "ecap", "Environment": "leak"}, "us-west-2")
    assert {
        "service": "budgets",
        "type": "budget",
        "id": name,
        "arn": f"arn:aws:budgets::{account}:budget/{name}",
    } in found
    assert not [r for r in found if r["id"] == "ecap-other"]
    run({"name": name, "state": "absent"})
    found = tagged_resources.list_resources(aws, {"Project": "ecap", "Environment": "leak"}, "us-west-2", ["budgets"])
    assert found == []
    run({"name": "ecap-other", "state": "absent"})


def test_subscriber_call_order() -> None:
    """Same-type swaps are UpdateSubscriber; deletions come first unless they would leave no subscriber."""
    calls = budgets_utils.subscriber_calls
    email, other = ("EMAIL", "a@example.com"), ("EMAIL", "b@example.com")
    sns, sns2 = ("SNS", TOPIC), ("SNS", TOPIC + "2")
    assert calls({sns}, {sns2}) == [("update", (sns, sns2))]
    assert calls({email}, {sns}) == [("create", sns), ("delete", email)]
    assert calls({email, other}, {email, sns}) == [("delete", other), ("create", sns)]
    assert calls({email, sns}, {sns}) == [("delete", email)]
    assert calls({sns}, {sns, email}) == [("create", email)]
