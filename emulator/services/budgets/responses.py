"""AWS Budgets request handlers: the operations moto 5.2.5 lacks, ResourceTags, and NextToken pagination."""

from __future__ import annotations

import json

from moto.budgets.responses import BudgetsResponse

from emulator.extensions import extension, override
from emulator.services.budgets.models import page


def _account(self: BudgetsResponse) -> str:
    return self._get_param("AccountId")


def create_budget(self: BudgetsResponse) -> str:
    """CreateBudget with its ResourceTags."""
    self.backend.create_budget(
        _account(self),
        self._get_param("Budget"),
        self._get_param("NotificationsWithSubscribers", []),
        self._get_param("ResourceTags", []),
    )
    return json.dumps({})


def update_budget(self: BudgetsResponse) -> str:
    self.backend.update_budget(_account(self), self._get_param("NewBudget"))
    return json.dumps({})


def describe_budgets(self: BudgetsResponse) -> str:
    """DescribeBudgets, MaxResults/NextToken (moto 5.2.5 answers everything, ``nextToken``)."""
    budgets, token = page(
        list(self.backend.describe_budgets(account_id=_account(self))),
        self._get_param("MaxResults"),
        self._get_param("NextToken"),
    )
    return json.dumps({"Budgets": budgets, **({"NextToken": token} if token else {})})


def describe_notifications_for_budget(self: BudgetsResponse) -> str:
    notifications, token = page(
        self.backend.describe_notifications_for_budget(_account(self), self._get_param("BudgetName")),
        self._get_param("MaxResults"),
        self._get_param("NextToken"),
    )
    return json.dumps({"Notifications": notifications, **({"NextToken": token} if token else {})})


def update_notification(self: BudgetsResponse) -> str:
    self.backend.update_notification(
        _account(self),
        self._get_param("BudgetName"),
        self._get_param("OldNotification"),
        self._get_param("NewNotification"),
    )
    return json.dumps({})


def describe_subscribers_for_notification(self: BudgetsResponse) -> str:
    subscribers, token = page(
        self.backend.describe_subscribers_for_notification(
            _account(self), self._get_param("BudgetName"), self._get_param("Notification")
        ),
        self._get_param("MaxResults"),
        self._get_param("NextToken"),
    )
    return json.dumps({"Subscribers": subscribers, **({"NextToken": token} if token else {})})


def create_subscriber(self: BudgetsResponse) -> str:
    self.backend.create_subscriber(
        _account(self), self._get_param("BudgetName"), self._get_param("Notification"), self._get_param("Subscriber")
    )
    return json.dumps({})


def delete_subscriber(self: BudgetsResponse) -> str:
    self.backend.delete_subscriber(
        _account(self), self._get_param("BudgetName"), self._get_param("Notification"), self._get_param("Subscriber")
    )
    return json.dumps({})


def update_subscriber(self: BudgetsResponse) -> str:
    self.backend.update_subscriber(
        _account(self),
        self._get_param("BudgetName"),
        self._get_param("Notification"),
        self._get_param("OldSubscriber"),
        self._get_param("NewSubscriber"),
    )
    return json.dumps({})


def list_tags_for_resource(self: BudgetsResponse) -> str:
    tags = self.backend.list_tags_for_resource(self._get_param("ResourceARN"))
    return json.dumps({"ResourceTags": [{"Key": k, "Value": v} for k, v in sorted(tags.items())]})


def tag_resource(self: BudgetsResponse) -> str:
    self.backend.tag_resource(self._get_param("ResourceARN"), self._get_param("ResourceTags", []))
    return json.dumps({})


def untag_resource(self: BudgetsResponse) -> str:
    self.backend.untag_resource(self._get_param("ResourceARN"), self._get_param("ResourceTagKeys", []))
    return json.dumps({})


@extension(
    "budgets",
    "CreateBudget",
    "UpdateBudget",
    "DescribeBudgets",
    "DescribeNotificationsForBudget",
    "UpdateNotification",
    "DescribeSubscribersForNotification",
    "CreateSubscriber",
    "DeleteSubscriber",
    "UpdateSubscriber",
    "TagResource",
    "UntagResource",
    "ListTagsForResource",
)
def budgets_handlers() -> None:
    """Budgets request handlers moto 5.2.5 lacks (UpdateBudget, UpdateNotification, subscribers, tags), paging."""
    for function in (
        create_budget,
        update_budget,
        describe_budgets,
        describe_notifications_for_budget,
        update_notification,
        describe_subscribers_for_notification,
        create_subscriber,
        delete_subscriber,
        update_subscriber,
        list_tags_for_resource,
        tag_resource,
        untag_resource,
    ):
        override(BudgetsResponse, function)
