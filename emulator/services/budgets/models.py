"""AWS Budgets backend: UpdateBudget, notifications keyed as AWS keys them, subscribers, tags, pagination.

moto 5.2.5 keeps a budget as the dict it was created with and its notifications as moto ``Notification``
objects (``details``: the Notification, ``subscribers``: the list of Subscribers). State added here lives
on those objects and on the backend (``ecap_tags``), so ``/moto-api/reset`` clears it.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from moto.budgets.exceptions import DuplicateRecordException, NotFoundException
from moto.budgets.models import Budget, BudgetsBackend, Notification
from moto.core.exceptions import JsonRESTError
from moto.core.utils import unix_time

from emulator.extensions import extension, original, override
from emulator.paging import index_page

#: Subscribers per notification AWS allows, by SubscriptionType.
SUBSCRIBER_LIMITS = {"SNS": 1, "EMAIL": 10}
#: The fields of a budget that UpdateBudget keeps when NewBudget leaves them out.
KEPT_ON_UPDATE = ("TimePeriod", "CostTypes", "CostFilters", "CalculatedSpend")


class InvalidParameterException(JsonRESTError):
    code = 400

    def __init__(self, message: str) -> None:
        super().__init__("InvalidParameterException", message)


class CreationLimitExceededException(JsonRESTError):
    code = 400

    def __init__(self, message: str) -> None:
        super().__init__("CreationLimitExceededException", message)


class InvalidNextTokenException(JsonRESTError):
    code = 400

    def __init__(self) -> None:
        super().__init__("InvalidNextTokenException", "The next token is invalid.")


def notification_key(notification: Mapping[str, Any]) -> tuple[str, str, float, str]:
    """What identifies a notification of a budget (AWS ignores NotificationState when matching)."""
    return (
        str(notification.get("NotificationType")),
        str(notification.get("ComparisonOperator")),
        float(notification.get("Threshold") or 0),
        str(notification.get("ThresholdType") or "PERCENTAGE"),
    )


def subscriber_key(subscriber: Mapping[str, Any]) -> tuple[str, str]:
    return str(subscriber.get("SubscriptionType")), str(subscriber.get("Address"))


def page(items: Sequence[Any], max_results: int | None, next_token: str | None) -> tuple[list[Any], str | None]:
    """One page of ``items`` (``NextToken`` is the index of the first item of the next page)."""
    return index_page(items, next_token, int(max_results or 100), lambda _bad: InvalidNextTokenException())


def budget_arn(account_id: str, name: str) -> str:
    return f"arn:aws:budgets::{account_id}:budget/{name}"


def parse_budget_arn(arn: str) -> tuple[str, str]:
    """``arn:aws:budgets::ACCOUNT:budget/NAME`` → ``(ACCOUNT, NAME)``."""
    parts = (arn or "").split(":", 5)
    if len(parts) != 6 or parts[2] != "budgets" or not parts[5].startswith("budget/"):
        raise InvalidParameterException(f"Invalid ResourceARN: {arn}")
    return parts[4], parts[5].removeprefix("budget/")


def get_budget(backend: BudgetsBackend, account_id: str, name: str, action: str) -> Budget:
    budget = backend.budgets[account_id].get(name)
    if budget is None:
        raise NotFoundException(f"Unable to {action} - the budget {name} doesn't exist.")
    return budget


def get_notification(budget: Budget, notification: Mapping[str, Any], action: str) -> Notification:
    key = notification_key(notification)
    found = next((n for n in budget.notifications if notification_key(n.details) == key), None)
    if found is None:
        raise NotFoundException(f"Unable to {action} - the notification doesn't exist.")
    return found


def tags_of(backend: BudgetsBackend) -> dict[tuple[str, str], dict[str, str]]:
    """(account, budget name) → tags, on the backend."""
    return backend.__dict__.setdefault("ecap_tags", {})


def check_subscribers(subscribers: Sequence[Mapping[str, Any]]) -> None:
    for kind, limit in SUBSCRIBER_LIMITS.items():
        if sum(1 for s in subscribers if s.get("SubscriptionType") == kind) > limit:
            raise CreationLimitExceededException(
                f"A notification can have at most {limit} {kind} subscriber{'s' if limit > 1 else ''}."
            )
    if len({subscriber_key(s) for s in subscribers}) != len(subscribers):
        raise DuplicateRecordException(record_type="subscriber", record_name=str(subscribers))


# --------------------------------------------------------------------------- backend methods


def create_budget(
    self: BudgetsBackend,
    account_id: str,
    budget: dict[str, Any],
    notifications: list[dict[str, Any]],
    resource_tags: list[dict[str, str]] | None = None,
) -> None:
    """CreateBudget with ResourceTags (moto 5.2.5 drops them) and the subscriber limits."""
    keys = [notification_key(n["Notification"]) for n in notifications]
    if len(set(keys)) != len(keys):
        raise DuplicateRecordException(record_type="notification", record_name=str(keys))
    for item in notifications:
        if not item.get("Subscribers"):
            raise InvalidParameterException("A notification needs at least one subscriber.")
        check_subscribers(item["Subscribers"])
    original(BudgetsBackend, "create_budget")(self, account_id, budget, notifications)
    tags_of(self)[(account_id, budget["BudgetName"])] = {t["Key"]: t.get("Value", "") for t in resource_tags or []}


def update_budget(self: BudgetsBackend, account_id: str, new_budget: dict[str, Any]) -> None:
    """UpdateBudget (https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_UpdateBudget.html)."""
    name = new_budget.get("BudgetName")
    budget = get_budget(self, account_id, name, "update budget")
    if "BudgetLimit" not in new_budget and "PlannedBudgetLimits" not in new_budget:
        raise InvalidParameterException("Unable to update budget - please provide a Budget Limit.")
    replaced = copy.deepcopy(new_budget)
    for field in KEPT_ON_UPDATE:
        if field not in replaced and field in budget.budget:
            replaced[field] = budget.budget[field]
    replaced["LastUpdatedTime"] = unix_time()
    budget.budget = replaced


def delete_budget(self: BudgetsBackend, account_id: str, budget_name: str) -> None:
    original(BudgetsBackend, "delete_budget")(self, account_id, budget_name)
    tags_of(self).pop((account_id, budget_name), None)


def create_notification(
    self: BudgetsBackend,
    account_id: str,
    budget_name: str,
    notification: dict[str, Any],
    subscribers: list[dict[str, Any]],
) -> None:
    """CreateNotification: a notification already there is a DuplicateRecordException, as on AWS."""
    budget = get_budget(self, account_id, budget_name, "create notification")
    key = notification_key(notification)
    if any(notification_key(n.details) == key for n in budget.notifications):
        raise DuplicateRecordException(record_type="notification", record_name=str(key))
    if not subscribers:
        raise InvalidParameterException("A notification needs at least one subscriber.")
    check_subscribers(subscribers)
    budget.add_notification(details=notification, subscribers=list(subscribers))


def delete_notification(self: BudgetsBackend, account_id: str, budget_name: str, notification: dict[str, Any]) -> None:
    """DeleteNotification matched by type, operator, threshold and threshold type (moto: the exact dict)."""
    budget = get_budget(self, account_id, budget_name, "delete notification")
    found = get_notification(budget, notification, "delete notification")
    budget.notifications = [n for n in budget.notifications if n is not found]


def update_notification(
    self: BudgetsBackend, account_id: str, budget_name: str, old: dict[str, Any], new: dict[str, Any]
) -> None:
    """UpdateNotification (https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_UpdateNotification.html)."""
    budget = get_budget(self, account_id, budget_name, "update notification")
    found = get_notification(budget, old, "update notification")
    if notification_key(new) != notification_key(old) and any(
        notification_key(n.details) == notification_key(new) for n in budget.notifications
    ):
        raise DuplicateRecordException(record_type="notification", record_name=str(notification_key(new)))
    found.details = dict(new)


def describe_notifications_for_budget(self: BudgetsBackend, account_id: str, budget_name: str) -> list[dict]:
    """DescribeNotificationsForBudget: NotFoundException for a missing budget (moto: KeyError, 500)."""
    budget = get_budget(self, account_id, budget_name, "describe notifications")
    return [dict(n.details) for n in budget.notifications]


def describe_subscribers_for_notification(
    self: BudgetsBackend, account_id: str, budget_name: str, notification: dict[str, Any]
) -> list[dict]:
    budget = get_budget(self, account_id, budget_name, "describe subscribers")
    return [dict(s) for s in get_notification(budget, notification, "describe subscribers").subscribers]


def create_subscriber(
    self: BudgetsBackend, account_id: str, budget_name: str, notification: dict[str, Any], subscriber: dict[str, Any]
) -> None:
    budget = get_budget(self, account_id, budget_name, "create subscriber")
    found = get_notification(budget, notification, "create subscriber")
    if subscriber_key(subscriber) in {subscriber_key(s) for s in found.subscribers}:
        raise DuplicateRecordException(record_type="subscriber", record_name=subscriber.get("Address", ""))
    check_subscribers([*found.subscribers, subscriber])
    found.subscribers = [*found.subscribers, dict(subscriber)]


def delete_subscriber(
    self: BudgetsBackend, account_id: str, budget_name: str, notification: dict[str, Any], subscriber: dict[str, Any]
) -> None:
    """DeleteSubscriber; deleting the last subscriber of a notification deletes the notification, as on AWS."""
    budget = get_budget(self, account_id, budget_name, "delete subscriber")
    found = get_notification(budget, notification, "delete subscriber")
    key = subscriber_key(subscriber)
    if key not in {subscriber_key(s) for s in found.subscribers}:
        raise NotFoundException("Unable to delete subscriber - the subscriber doesn't exist.")
    found.subscribers = [s for s in found.subscribers if subscriber_key(s) != key]
    if not found.subscribers:
        budget.notifications = [n for n in budget.notifications if n is not found]


def update_subscriber(
    self: BudgetsBackend,
    account_id: str,
    budget_name: str,
    notification: dict[str, Any],
    old: dict[str, Any],
    new: dict[str, Any],
) -> None:
    budget = get_budget(self, account_id, budget_name, "update subscriber")
    found = get_notification(budget, notification, "update subscriber")
    keys = [subscriber_key(s) for s in found.subscribers]
    if subscriber_key(old) not in keys:
        raise NotFoundException("Unable to update subscriber - the subscriber doesn't exist.")
    if subscriber_key(new) != subscriber_key(old) and subscriber_key(new) in keys:
        raise DuplicateRecordException(record_type="subscriber", record_name=new.get("Address", ""))
    replaced = [dict(new) if subscriber_key(s) == subscriber_key(old) else s for s in found.subscribers]
    check_subscribers(replaced)
    found.subscribers = replaced


def list_tags_for_resource(self: BudgetsBackend, arn: str) -> dict[str, str]:
    account_id, name = parse_budget_arn(arn)
    get_budget(self, account_id, name, "list tags")
    return dict(tags_of(self).get((account_id, name), {}))


def tag_resource(self: BudgetsBackend, arn: str, tags: list[dict[str, str]]) -> None:
    account_id, name = parse_budget_arn(arn)
    get_budget(self, account_id, name, "tag resource")
    current = tags_of(self).setdefault((account_id, name), {})
    current.update({t["Key"]: t.get("Value", "") for t in tags})
    if len(current) > 50:
        raise InvalidParameterException("A budget can have at most 50 tags.")


def untag_resource(self: BudgetsBackend, arn: str, keys: list[str]) -> None:
    account_id, name = parse_budget_arn(arn)
    get_budget(self, account_id, name, "untag resource")
    current = tags_of(self).setdefault((account_id, name), {})
    for key in keys:
        current.pop(key, None)


@extension(
    "budgets",
    "CreateBudget",
    "UpdateBudget",
    "DeleteBudget",
    "CreateNotification",
    "DeleteNotification",
    "UpdateNotification",
    "DescribeNotificationsForBudget",
    "DescribeSubscribersForNotification",
    "CreateSubscriber",
    "DeleteSubscriber",
    "UpdateSubscriber",
    "TagResource",
    "UntagResource",
    "ListTagsForResource",
)
def budgets_backend() -> None:
    """Budgets: UpdateBudget, UpdateNotification, subscribers and tags (moto: 500), notifications matched as AWS does.

    moto 5.2.5 implements only Create/Describe/DeleteBudget and Create/Delete/DescribeNotification(s):
    UpdateBudget, UpdateNotification, the subscriber operations and the tagging operations answer 500,
    CreateBudget drops ResourceTags, DeleteNotification matches only the exact dict sent,
    DescribeNotificationsForBudget answers 500 for a missing budget, and a duplicate notification is accepted.
    """
    for function in (
        create_budget,
        update_budget,
        delete_budget,
        create_notification,
        delete_notification,
        update_notification,
        describe_notifications_for_budget,
        describe_subscribers_for_notification,
        create_subscriber,
        delete_subscriber,
        update_subscriber,
        list_tags_for_resource,
        tag_resource,
        untag_resource,
    ):
        override(BudgetsBackend, function)
