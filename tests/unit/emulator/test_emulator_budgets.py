"""AWS Budgets in the emulator: UpdateBudget, notifications, subscribers, tags, pagination.

The checks using the ``client`` fixture run twice: against the emulator, where they must pass, and
against plain moto 5.2.5, where they are a strict xfail (the gap each extension fills).
"""

from __future__ import annotations

import itertools

import pytest
from botocore.exceptions import ClientError

_names = itertools.count(1)
FILTERS = {"TagKeyValue": ["user:Project$ecap", "user:Environment$dev"]}
ACTUAL_80 = {"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": 80.0}
EMAIL = {"SubscriptionType": "EMAIL", "Address": "finops@example.com"}
TOPIC = "arn:aws:sns:us-west-2:123456789012:ecap-alerts"


@pytest.fixture
def budgets(client):
    return client("budgets")


@pytest.fixture
def account(client):
    return client("sts").get_caller_identity()["Account"]


def code(error: ClientError) -> str:
    return error.response["Error"]["Code"]


def make_budget(budgets, account, notifications=(), tags=None) -> str:
    name = f"budget-{next(_names)}"
    params = {
        "AccountId": account,
        "Budget": {
            "BudgetName": name,
            "BudgetLimit": {"Amount": "100.0", "Unit": "USD"},
            "TimeUnit": "MONTHLY",
            "BudgetType": "COST",
            "CostFilters": FILTERS,
        },
        "NotificationsWithSubscribers": list(notifications),
    }
    if tags:
        params["ResourceTags"] = tags
    budgets.create_budget(**params)
    return name


def arn(account: str, name: str) -> str:
    return f"arn:aws:budgets::{account}:budget/{name}"


@pytest.mark.parametrize("server", ["emulator", "plain_moto"])
def test_cost_filters_round_trip(server, request, clients_for) -> None:
    """CreateBudget keeps CostFilters on both (moto 5.2.5 gets this right: no extension needed)."""
    factory = clients_for(request.getfixturevalue(server))
    budgets = factory("budgets")
    account = factory("sts").get_caller_identity()["Account"]
    name = make_budget(budgets, account)
    assert budgets.describe_budget(AccountId=account, BudgetName=name)["Budget"]["CostFilters"] == FILTERS


def test_update_budget(budgets, account) -> None:
    name = make_budget(budgets, account)
    budgets.update_budget(
        AccountId=account,
        NewBudget={
            "BudgetName": name,
            "BudgetLimit": {"Amount": "250.5", "Unit": "USD"},
            "TimeUnit": "QUARTERLY",
            "BudgetType": "COST",
            "CostFilters": {"TagKeyValue": ["user:Project$ecap"]},
        },
    )
    budget = budgets.describe_budget(AccountId=account, BudgetName=name)["Budget"]
    assert budget["BudgetLimit"] == {"Amount": "250.5", "Unit": "USD"} and budget["TimeUnit"] == "QUARTERLY"
    assert budget["CostFilters"] == {"TagKeyValue": ["user:Project$ecap"]} and "TimePeriod" in budget
    with pytest.raises(ClientError) as error:
        budgets.update_budget(
            AccountId=account,
            NewBudget={"BudgetName": "nope", "BudgetLimit": {"Amount": "1", "Unit": "USD"}, "TimeUnit": "MONTHLY",
                       "BudgetType": "COST"},
        )  # fmt: skip
    assert code(error.value) == "NotFoundException"


def test_resource_tags_and_tagging(budgets, account) -> None:
    name = make_budget(budgets, account, tags=[{"Key": "Project", "Value": "ecap"}])
    target = arn(account, name)
    assert budgets.list_tags_for_resource(ResourceARN=target)["ResourceTags"] == [{"Key": "Project", "Value": "ecap"}]
    budgets.tag_resource(ResourceARN=target, ResourceTags=[{"Key": "Environment", "Value": "dev"}])
    budgets.untag_resource(ResourceARN=target, ResourceTagKeys=["Project"])
    assert budgets.list_tags_for_resource(ResourceARN=target)["ResourceTags"] == [
        {"Key": "Environment", "Value": "dev"}
    ]
    budgets.delete_budget(AccountId=account, BudgetName=name)
    with pytest.raises(ClientError) as error:
        budgets.list_tags_for_resource(ResourceARN=target)
    assert code(error.value) == "NotFoundException"


def test_update_notification(budgets, account) -> None:
    name = make_budget(budgets, account, [{"Notification": ACTUAL_80, "Subscribers": [EMAIL]}])
    new = {**ACTUAL_80, "Threshold": 90.0, "ThresholdType": "PERCENTAGE"}
    budgets.update_notification(AccountId=account, BudgetName=name, OldNotification=ACTUAL_80, NewNotification=new)
    listed = budgets.describe_notifications_for_budget(AccountId=account, BudgetName=name)["Notifications"]
    assert [n["Threshold"] for n in listed] == [90.0]
    subscribers = budgets.describe_subscribers_for_notification(AccountId=account, BudgetName=name, Notification=new)
    assert subscribers["Subscribers"] == [EMAIL], "UpdateNotification keeps the subscribers"
    with pytest.raises(ClientError) as error:
        budgets.update_notification(AccountId=account, BudgetName=name, OldNotification=ACTUAL_80, NewNotification=new)
    assert code(error.value) == "NotFoundException"


def test_subscribers(budgets, account) -> None:
    name = make_budget(budgets, account, [{"Notification": ACTUAL_80, "Subscribers": [EMAIL]}])
    common = {"AccountId": account, "BudgetName": name, "Notification": ACTUAL_80}
    sns = {"SubscriptionType": "SNS", "Address": TOPIC}
    budgets.create_subscriber(Subscriber=sns, **common)
    with pytest.raises(ClientError) as error:
        budgets.create_subscriber(Subscriber=sns, **common)
    assert code(error.value) == "DuplicateRecordException"
    with pytest.raises(ClientError) as error:
        budgets.create_subscriber(Subscriber={**sns, "Address": TOPIC + "-2"}, **common)
    assert code(error.value) == "CreationLimitExceededException", "one SNS topic per notification"
    other = {**sns, "Address": TOPIC + "-2"}
    budgets.update_subscriber(OldSubscriber=sns, NewSubscriber=other, **common)
    listed = budgets.describe_subscribers_for_notification(**common)["Subscribers"]
    assert sorted(s["Address"] for s in listed) == sorted([EMAIL["Address"], other["Address"]])
    budgets.delete_subscriber(Subscriber=other, **common)
    assert budgets.describe_subscribers_for_notification(**common)["Subscribers"] == [EMAIL]
    budgets.delete_subscriber(Subscriber=EMAIL, **common)
    assert budgets.describe_notifications_for_budget(AccountId=account, BudgetName=name)["Notifications"] == [], (
        "deleting the last subscriber deletes the notification, as on AWS"
    )


def test_notifications_matched_by_key(budgets, account) -> None:
    """DeleteNotification finds the notification by its key, whatever optional fields the caller sends."""
    name = make_budget(budgets, account, [{"Notification": ACTUAL_80, "Subscribers": [EMAIL]}])
    with pytest.raises(ClientError) as error:
        budgets.create_notification(AccountId=account, BudgetName=name, Notification=ACTUAL_80, Subscribers=[EMAIL])
    assert code(error.value) == "DuplicateRecordException"
    full = {**ACTUAL_80, "ThresholdType": "PERCENTAGE", "NotificationState": "OK"}
    budgets.delete_notification(AccountId=account, BudgetName=name, Notification=full)
    assert budgets.describe_notifications_for_budget(AccountId=account, BudgetName=name)["Notifications"] == []


def test_missing_budget_is_not_found(budgets, account) -> None:
    with pytest.raises(ClientError) as error:
        budgets.describe_notifications_for_budget(AccountId=account, BudgetName="no-such-budget")
    assert code(error.value) == "NotFoundException"


def test_pagination(budgets, account) -> None:
    notifications = [
        {"Notification": {**ACTUAL_80, "Threshold": float(t)}, "Subscribers": [EMAIL]} for t in (10, 20, 30)
    ]
    name = make_budget(budgets, account, notifications)
    first = budgets.describe_notifications_for_budget(AccountId=account, BudgetName=name, MaxResults=2)
    assert len(first["Notifications"]) == 2 and first.get("NextToken")
    second = budgets.describe_notifications_for_budget(
        AccountId=account, BudgetName=name, MaxResults=2, NextToken=first["NextToken"]
    )
    assert len(second["Notifications"]) == 1 and not second.get("NextToken")
    paginator = budgets.get_paginator("describe_budgets")
    pages = list(paginator.paginate(AccountId=account, PaginationConfig={"PageSize": 1}))
    assert len(pages) >= 2 and all(len(p["Budgets"]) == 1 for p in pages)
