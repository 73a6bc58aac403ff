# Copyright: ecap.platform contributors
# MIT License
"""AWS Budgets: describe, compare and converge a budget, its notifications, subscribers and tags.

Used by the budgets_budget module (no amazon.aws or community.aws module manages budgets).

A budget is read as its *view*: the fields the module manages, snake_cased, with the notifications
sorted by their key (notification type, comparison operator, threshold, threshold type: what AWS
identifies a notification by) and each notification's subscribers split into ``sns_topic_arns`` and
``emails``. :func:`plan` compares two views and lists the calls that turn one into the other.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ansible_collections.ecap.platform.plugins.module_utils.common import (
    apply_tag_changes,
    dict_to_tags,
    paginate,
    tag_changes,
    tags_to_dict,
)

TIME_UNITS = ("DAILY", "MONTHLY", "QUARTERLY", "ANNUALLY")
BUDGET_TYPES = ("COST", "USAGE")
NOTIFICATION_TYPES = ("ACTUAL", "FORECASTED")
COMPARISON_OPERATORS = ("GREATER_THAN", "LESS_THAN", "EQUAL_TO")
THRESHOLD_TYPES = ("PERCENTAGE", "ABSOLUTE_VALUE")
#: Subscribers AWS allows per notification.
MAX_SNS, MAX_EMAILS = 1, 10
MAX_PERCENTAGE = 1000.0
EMAIL_RE = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$"
)
SNS_ARN_RE = re.compile(r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$")
ACCOUNT_RE = re.compile(r"^\d{12}$")
PAGE_SIZE = 100

NotificationKey = tuple[str, str, float, str]


# --------------------------------------------------------------------------- input


def validate(params: Mapping[str, Any]) -> list[str]:
    """Errors in the module's options, found before any API call (all of them only for ``state=present``)."""
    errors: list[str] = []
    name = params.get("name") or ""
    if not name or len(name) > 100 or ":" in name or "\\" in name:
        errors.append(f"name={name!r} must be 1 to 100 characters without ':' or '\\'.")
    account = params.get("account_id")
    if account is not None and not ACCOUNT_RE.match(account):
        errors.append(f"account_id={account!r} must be a 12-digit AWS account id.")
    if params.get("state", "present") != "present":
        return errors
    limit = params.get("limit_amount")
    if limit is None:
        errors.append("limit_amount is required with state=present.")
    elif limit <= 0:
        errors.append(f"limit_amount must be greater than 0 (got {limit:g}).")
    for key, values in (params.get("cost_filters") or {}).items():
        if not isinstance(values, list) or not values or not all(isinstance(v, str) and v for v in values):
            errors.append(f"cost_filters.{key} must be a non-empty list of strings (got {values!r}).")
    seen: set[NotificationKey] = set()
    for index, item in enumerate(params.get("notifications") or []):
        where = f"notifications[{index}]"
        threshold = item.get("threshold")
        if threshold is None or threshold <= 0:
            errors.append(f"{where}.threshold must be greater than 0 (got {threshold}).")
        elif item.get("threshold_type", "PERCENTAGE") == "PERCENTAGE" and threshold > MAX_PERCENTAGE:
            errors.append(f"{where}.threshold is a percentage: at most {MAX_PERCENTAGE:g} (got {threshold:g}).")
        topics, emails = item.get("sns_topic_arns") or [], item.get("emails") or []
        if not topics and not emails:
            errors.append(f"{where} needs at least one subscriber (sns_topic_arns or emails).")
        if len(set(topics)) > MAX_SNS:
            errors.append(f"{where} has {len(set(topics))} SNS topics; AWS allows {MAX_SNS} per notification.")
        if len(set(emails)) > MAX_EMAILS:
            errors.append(f"{where} has {len(set(emails))} emails; AWS allows {MAX_EMAILS} per notification.")
        errors.extend(f"{where}.emails: {e!r} is not an email address." for e in emails if not EMAIL_RE.match(e))
        errors.extend(
            f"{where}.sns_topic_arns: {t!r} is not an SNS topic ARN." for t in topics if not SNS_ARN_RE.match(t)
        )
        if threshold is not None:
            key = wanted_notification(item)["key"]
            if key in seen:
                errors.append(f"{where} repeats notification {format_key(key)}.")
            seen.add(key)
    return errors


def format_key(key: NotificationKey) -> str:
    return f"{key[0]} {key[1]} {key[2]:g} {key[3]}"


# --------------------------------------------------------------------------- views


def budget_arn(account_id: str, name: str) -> str:
    """The ARN TagResource / UntagResource / ListTagsForResource take."""
    return f"arn:aws:budgets::{account_id}:budget/{name}"


def notification_key(notification: Mapping[str, Any]) -> NotificationKey:
    """``(type, operator, threshold, threshold type)`` of a view or API notification."""
    if "notification_type" in notification:
        return (
            notification["notification_type"],
            notification["comparison_operator"],
            float(notification["threshold"]),
            notification["threshold_type"],
        )
    return (
        notification["NotificationType"],
        notification["ComparisonOperator"],
        float(notification["Threshold"]),
        notification.get("ThresholdType") or "PERCENTAGE",
    )


def api_notification(notification: Mapping[str, Any]) -> dict[str, Any]:
    """A view notification as the API's Notification (without NotificationState, which AWS sets)."""
    kind, operator, threshold, threshold_type = notification_key(notification)
    return {
        "NotificationType": kind,
        "ComparisonOperator": operator,
        "Threshold": threshold,
        "ThresholdType": threshold_type,
    }


def api_subscribers(notification: Mapping[str, Any]) -> list[dict[str, str]]:
    return [{"SubscriptionType": "SNS", "Address": arn} for arn in notification.get("sns_topic_arns", [])] + [
        {"SubscriptionType": "EMAIL", "Address": email} for email in notification.get("emails", [])
    ]


def notification_view(notification: Mapping[str, Any], subscribers: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    kind, operator, threshold, threshold_type = notification_key(notification)
    return {
        "notification_type": kind,
        "comparison_operator": operator,
        "threshold": threshold,
        "threshold_type": threshold_type,
        "sns_topic_arns": sorted({s["Address"] for s in subscribers if s.get("SubscriptionType") == "SNS"}),
        "emails": sorted({s["Address"] for s in subscribers if s.get("SubscriptionType") == "EMAIL"}),
    }


def wanted_notification(option: Mapping[str, Any]) -> dict[str, Any]:
    """A ``notifications`` item as a view notification, with its ``key``."""
    view = {
        "notification_type": option["notification_type"],
        "comparison_operator": option.get("comparison_operator") or "GREATER_THAN",
        "threshold": float(option["threshold"]),
        "threshold_type": option.get("threshold_type") or "PERCENTAGE",
        "sns_topic_arns": sorted(set(option.get("sns_topic_arns") or [])),
        "emails": sorted(set(option.get("emails") or [])),
    }
    return {**view, "key": notification_key(view)}


def _sorted_notifications(notifications: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    items = [{k: v for k, v in n.items() if k != "key"} for n in notifications]
    return sorted(items, key=notification_key)


def _filters(filters: Mapping[str, Any] | None) -> dict[str, list[str]]:
    return {key: sorted(values) for key, values in sorted((filters or {}).items())}


def view(
    budget: Mapping[str, Any], notifications: Sequence[Mapping[str, Any]], tags: Mapping[str, str], arn: str
) -> dict[str, Any]:
    """The module's view of a described budget (``notifications`` already as view notifications)."""
    limit = budget.get("BudgetLimit") or {}
    return {
        "name": budget["BudgetName"],
        "limit_amount": float(limit.get("Amount") or 0),
        "limit_unit": limit.get("Unit", "USD"),
        "time_unit": budget.get("TimeUnit"),
        "budget_type": budget.get("BudgetType"),
        "cost_filters": _filters(budget.get("CostFilters")),
        "notifications": _sorted_notifications(notifications),
        "arn": arn,
        "tags": dict(tags),
    }


def wanted_view(params: Mapping[str, Any], account_id: str, current: Mapping[str, Any] | None) -> dict[str, Any]:
    """The view of the budget the options describe; tags follow ``tags`` / ``purge_tags`` from ``current``."""
    have_tags = dict((current or {}).get("tags") or {})
    to_set, to_unset = tag_changes(have_tags, params.get("tags"), params.get("purge_tags", True))
    return {
        "name": params["name"],
        "limit_amount": float(params["limit_amount"]),
        "limit_unit": params.get("limit_unit") or "USD",
        "time_unit": params.get("time_unit") or "MONTHLY",
        "budget_type": params.get("budget_type") or "COST",
        "cost_filters": _filters(params.get("cost_filters")),
        "notifications": _sorted_notifications([wanted_notification(n) for n in params.get("notifications") or []]),
        "arn": budget_arn(account_id, params["name"]),
        "tags": apply_tag_changes(have_tags, to_set, to_unset),
    }


# --------------------------------------------------------------------------- reading


def describe(connection: Any, account_id: str, name: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """``(view, raw budget)`` of the budget ``name``, or ``None`` when there is none.

    Calls DescribeBudget, DescribeNotificationsForBudget and DescribeSubscribersForNotification (each
    paginated) and ListTagsForResource.
    """
    try:
        budget = connection.describe_budget(aws_retry=True, AccountId=account_id, BudgetName=name)["Budget"]
    except connection.exceptions.NotFoundException:
        return None
    common = {"AccountId": account_id, "BudgetName": name, "MaxResults": PAGE_SIZE}
    notifications = []
    for notification in paginate(connection.describe_notifications_for_budget, "Notifications", **common):
        subscribers = paginate(
            connection.describe_subscribers_for_notification,
            "Subscribers",
            Notification=api_notification(notification_view(notification, [])),
            **common,
        )
        notifications.append(notification_view(notification, subscribers))
    arn = budget_arn(account_id, name)
    tags = tags_to_dict(connection.list_tags_for_resource(aws_retry=True, ResourceARN=arn).get("ResourceTags"))
    return view(budget, notifications, tags, arn), budget


# --------------------------------------------------------------------------- planning

BUDGET_FIELDS = ("limit_amount", "limit_unit", "time_unit", "budget_type", "cost_filters")


def plan(current: Mapping[str, Any], wanted: Mapping[str, Any]) -> dict[str, Any]:
    """The changes from view ``current`` to view ``wanted``; an empty dict when they are the same.

    ``budget``: UpdateBudget is needed. ``notifications_to_delete`` / ``notifications_to_create``: view
    notifications. ``notifications_to_update``: ``(old, new)`` pairs of the same notification type whose key
    changes (UpdateNotification keeps the subscribers, which are then reconciled). ``subscribers``:
    ``(notification, current subscribers, wanted subscribers)`` for each kept or updated notification whose
    subscribers differ. ``tags_to_set`` / ``tags_to_unset``.
    """
    changes: dict[str, Any] = {}
    if any(current[f] != wanted[f] for f in BUDGET_FIELDS):
        changes["budget"] = True
    have = {notification_key(n): n for n in current["notifications"]}
    want = {notification_key(n): n for n in wanted["notifications"]}
    gone = [have[k] for k in sorted(have) if k not in want]
    new = [want[k] for k in sorted(want) if k not in have]
    pairs: list[tuple[dict, dict]] = [(have[k], want[k]) for k in sorted(want) if k in have]
    updates = []
    for wanted_item in list(new):
        old = next((n for n in gone if n["notification_type"] == wanted_item["notification_type"]), None)
        if old is not None:
            gone.remove(old)
            new.remove(wanted_item)
            updates.append((old, wanted_item))
    subscribers = [
        (w, _subscribers(o), _subscribers(w)) for o, w in [*pairs, *updates] if _subscribers(o) != _subscribers(w)
    ]
    for key, value in (
        ("notifications_to_delete", gone),
        ("notifications_to_create", new),
        ("notifications_to_update", updates),
        ("subscribers", subscribers),
    ):
        if value:
            changes[key] = value
    unset = sorted(set(current["tags"]) - set(wanted["tags"]))
    to_set = {k: v for k, v in wanted["tags"].items() if current["tags"].get(k) != v}
    if to_set:
        changes["tags_to_set"] = to_set
    if unset:
        changes["tags_to_unset"] = unset
    return changes


def _subscribers(notification: Mapping[str, Any]) -> set[tuple[str, str]]:
    return {("SNS", a) for a in notification.get("sns_topic_arns", [])} | {
        ("EMAIL", a) for a in notification.get("emails", [])
    }


def subscriber_calls(have: set[tuple[str, str]], want: set[tuple[str, str]]) -> list[tuple[str, Any]]:
    """The subscriber calls, in a safe order, that turn ``have`` into ``want`` (``want`` is never empty).

    A removal and an addition of the same type become one UpdateSubscriber (so a notification's only SNS
    topic can be replaced without going over AWS's one-topic limit). Deleting a notification's last
    subscriber deletes the notification on AWS, so when the deletions would leave none, the creations
    come first; otherwise the deletions do (so the email limit is not crossed on the way).
    """
    removed, added = sorted(have - want), sorted(want - have)
    calls: list[tuple[str, Any]] = []
    for kind in ("SNS", "EMAIL"):
        old = [s for s in removed if s[0] == kind]
        new = [s for s in added if s[0] == kind]
        for index in range(min(len(old), len(new))):
            calls.append(("update", (old[index], new[index])))
            removed.remove(old[index])
            added.remove(new[index])
    deletes = [("delete", s) for s in removed]
    creates = [("create", s) for s in added]
    if len(have) - len(removed) > 0:
        return calls + deletes + creates
    return calls + creates + deletes


# --------------------------------------------------------------------------- writing


def _budget_request(wanted: Mapping[str, Any], raw: Mapping[str, Any] | None = None) -> dict[str, Any]:
    budget: dict[str, Any] = {
        "BudgetName": wanted["name"],
        "BudgetLimit": {"Amount": repr(float(wanted["limit_amount"])), "Unit": wanted["limit_unit"]},
        "TimeUnit": wanted["time_unit"],
        "BudgetType": wanted["budget_type"],
        "CostFilters": {key: list(values) for key, values in wanted["cost_filters"].items()},
    }
    if raw:  # not managed here: keep what AWS has
        if raw.get("CostTypes") and wanted["budget_type"] == "COST":
            budget["CostTypes"] = raw["CostTypes"]
        # A new time unit gets AWS's default period (from the start of the current one): the old start may not
        # begin a quarter or a year.
        if raw.get("TimePeriod") and raw.get("TimeUnit") == wanted["time_unit"]:
            budget["TimePeriod"] = raw["TimePeriod"]
    return budget


def create(connection: Any, account_id: str, wanted: Mapping[str, Any]) -> bool:
    """CreateBudget with its notifications, subscribers and tags. ``False``: it already existed.

    The Budgets API has no client token: a retried create that had succeeded answers
    DuplicateRecordException, and the caller converges the existing budget instead.
    """
    request: dict[str, Any] = {
        "AccountId": account_id,
        "Budget": _budget_request(wanted),
        "NotificationsWithSubscribers": [
            {"Notification": api_notification(n), "Subscribers": api_subscribers(n)} for n in wanted["notifications"]
        ],
    }
    if wanted["tags"]:
        request["ResourceTags"] = dict_to_tags(wanted["tags"])
    try:
        connection.create_budget(aws_retry=True, **request)
    except connection.exceptions.DuplicateRecordException:
        return False
    return True


def apply(
    connection: Any, account_id: str, wanted: Mapping[str, Any], raw: Mapping[str, Any], changes: Mapping[str, Any]
) -> None:
    """Make the calls :func:`plan` listed."""
    common = {"AccountId": account_id, "BudgetName": wanted["name"]}
    if changes.get("budget"):
        connection.update_budget(aws_retry=True, AccountId=account_id, NewBudget=_budget_request(wanted, raw))
    for notification in changes.get("notifications_to_delete", []):
        connection.delete_notification(aws_retry=True, Notification=api_notification(notification), **common)
    for old, new in changes.get("notifications_to_update", []):
        connection.update_notification(
            aws_retry=True, OldNotification=api_notification(old), NewNotification=api_notification(new), **common
        )
    for notification, have, want in changes.get("subscribers", []):
        target = {"Notification": api_notification(notification), **common}
        for action, subject in subscriber_calls(have, want):
            if action == "update":
                old, new = (_api_subscriber(s) for s in subject)
                connection.update_subscriber(aws_retry=True, OldSubscriber=old, NewSubscriber=new, **target)
            elif action == "create":
                connection.create_subscriber(aws_retry=True, Subscriber=_api_subscriber(subject), **target)
            else:
                connection.delete_subscriber(aws_retry=True, Subscriber=_api_subscriber(subject), **target)
    for notification in changes.get("notifications_to_create", []):
        connection.create_notification(
            aws_retry=True,
            Notification=api_notification(notification),
            Subscribers=api_subscribers(notification),
            **common,
        )
    arn = wanted["arn"]
    if changes.get("tags_to_unset"):
        connection.untag_resource(aws_retry=True, ResourceARN=arn, ResourceTagKeys=list(changes["tags_to_unset"]))
    if changes.get("tags_to_set"):
        connection.tag_resource(aws_retry=True, ResourceARN=arn, ResourceTags=dict_to_tags(changes["tags_to_set"]))


def _api_subscriber(subscriber: tuple[str, str]) -> dict[str, str]:
    return {"SubscriptionType": subscriber[0], "Address": subscriber[1]}


def delete(connection: Any, account_id: str, name: str) -> bool:
    """DeleteBudget; ``False`` when there was no such budget."""
    try:
        connection.delete_budget(aws_retry=True, AccountId=account_id, BudgetName=name)
    except connection.exceptions.NotFoundException:
        return False
    return True


def caller_account(sts: Any) -> str:
    return sts.get_caller_identity(aws_retry=True)["Account"]
