# Copyright: ecap.platform contributors
# MIT License
"""RDS event subscriptions: validate, describe, compare and converge (used by the rds_event_subscription module).

Written because neither amazon.aws (10.1.2) nor community.aws (10.0.0) manages RDS event subscriptions: the
notifications of instance failures, maintenance and configuration changes that FSBP RDS.19-RDS.22 ask for.

- :func:`validate` refuses bad input before any call.
- :func:`plan` compares what DescribeEventSubscriptions returns with the options the user set (table-driven:
  :data:`FIELDS`, each a ModifyEventSubscription parameter) and lists the source identifiers to add and remove
  (AddSourceIdentifierToSubscription, RemoveSourceIdentifierFromSubscription) and the tags to change.
- :func:`create`, :func:`apply`, :func:`delete` make the calls.

API reference: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/ (CreateEventSubscription,
DescribeEventSubscriptions, ModifyEventSubscription, AddSourceIdentifierToSubscription,
RemoveSourceIdentifierFromSubscription, DeleteEventSubscription, ListTagsForResource, AddTagsToResource,
RemoveTagsFromResource).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.ecap.platform.plugins.module_utils.common import (
    apply_tag_changes,
    dict_to_tags,
    tag_changes,
    tags_to_dict,
)

#: SourceType values of CreateEventSubscription.
SOURCE_TYPES = (
    "db-instance",
    "db-cluster",
    "db-parameter-group",
    "db-security-group",
    "db-snapshot",
    "db-cluster-snapshot",
    "db-proxy",
    "zero-etl",
    "custom-engine-version",
    "blue-green-deployment",
)
#: Option → field of DescribeEventSubscriptions; each is also a ModifyEventSubscription parameter.
FIELDS = {
    "sns_topic_arn": ("SnsTopicArn", "SnsTopicArn"),
    "source_type": ("SourceType", "SourceType"),
    "event_categories": ("EventCategoriesList", "EventCategories"),
    "enabled": ("Enabled", "Enabled"),
}
NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,254}$")
SNS_ARN_RE = re.compile(r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$")
CATEGORY_RE = re.compile(r"^[a-z][a-z -]*[a-z]$")


def validate(params: Mapping[str, Any]) -> list[str]:
    """Errors in the module's options, found before any API call."""
    errors = []
    name = params["name"]
    if not NAME_RE.match(name) or "--" in name or name.endswith("-"):
        errors.append(
            f"name={name!r} must be 1-255 letters, digits or hyphens, start with a letter, "
            "and have no two consecutive hyphens or a trailing hyphen."
        )
    if params["state"] == "present":
        arn = params.get("sns_topic_arn")
        if not arn:
            errors.append("sns_topic_arn is required when state=present.")
        elif not SNS_ARN_RE.match(arn):
            errors.append(f"sns_topic_arn={arn!r} is not an SNS topic ARN.")
        if params.get("source_ids") and not params.get("source_type"):
            errors.append("source_ids need a source_type (the kind of resource they name).")
        for category in params.get("event_categories") or []:
            if not CATEGORY_RE.match(category):
                errors.append(f"event category {category!r} is not a category name (e.g. 'failure').")
    return errors


def describe(connection: Any, name: str) -> dict[str, Any] | None:
    """The subscription with its ``Tags`` (a dict), or ``None`` when there is none (or it is being deleted)."""
    try:
        found = connection.describe_event_subscriptions(aws_retry=True, SubscriptionName=name)
    except is_boto3_error_code("SubscriptionNotFound"):
        return None
    subscriptions = found.get("EventSubscriptionsList") or []
    if not subscriptions or subscriptions[0].get("Status") == "deleting":
        return None
    subscription = dict(subscriptions[0])
    arn = subscription.get("EventSubscriptionArn")
    listed = connection.list_tags_for_resource(aws_retry=True, ResourceName=arn) if arn else {}
    subscription["Tags"] = tags_to_dict(listed.get("TagList"))
    return subscription


def view(subscription: Mapping[str, Any] | None) -> dict[str, Any]:
    """The fields the module manages, snake_cased, for ``diff`` and the result."""
    if not subscription:
        return {}
    return {
        "name": subscription["CustSubscriptionId"],
        "arn": subscription.get("EventSubscriptionArn", ""),
        "sns_topic_arn": subscription.get("SnsTopicArn", ""),
        "source_type": subscription.get("SourceType") or "",
        "source_ids": sorted(subscription.get("SourceIdsList") or []),
        "event_categories": sorted(subscription.get("EventCategoriesList") or []),
        "enabled": bool(subscription.get("Enabled")),
        "status": subscription.get("Status", ""),
        "tags": dict(subscription.get("Tags") or {}),
    }


def _wanted(params: Mapping[str, Any]) -> dict[str, Any]:
    """Option → wanted value for the options the user set (``None``: not managed)."""
    wanted = {option: params.get(option) for option in FIELDS}
    if wanted["event_categories"] is not None:
        wanted["event_categories"] = sorted(set(wanted["event_categories"]))
    return wanted


def plan(current: Mapping[str, Any], params: Mapping[str, Any]) -> dict[str, Any]:
    """What to change: ``modify`` (API parameter → value), ``add_sources``, ``remove_sources``, tags.

    An option left unset (``None``) is not managed; an empty ``event_categories`` list means every category.
    Returns an empty dict when nothing differs.
    """
    have = view(current)
    changes: dict[str, Any] = {}
    modify = {}
    for option, want in _wanted(params).items():
        if want is not None and want != have[option]:
            modify[FIELDS[option][1]] = want
    if modify:
        changes["modify"] = modify
    if params.get("source_ids") is not None:
        # A new source type drops the old identifiers (AWS does the same on ModifyEventSubscription).
        existing = set() if "SourceType" in modify else set(have["source_ids"])
        wanted = set(params["source_ids"])
        if wanted - existing:
            changes["add_sources"] = sorted(wanted - existing)
        if existing - wanted:
            changes["remove_sources"] = sorted(existing - wanted)
    to_set, to_unset = tag_changes(have["tags"], params.get("tags"), params.get("purge_tags", True))
    if to_set:
        changes["tags_to_set"] = to_set
    if to_unset:
        changes["tags_to_unset"] = to_unset
    return changes


def predicted(current: Mapping[str, Any] | None, params: Mapping[str, Any], changes: Mapping[str, Any]) -> dict:
    """The view after ``changes`` (or after the create), for check mode and diff."""
    if current is None:
        return {
            "name": params["name"],
            "sns_topic_arn": params["sns_topic_arn"],
            "source_type": params.get("source_type") or "",
            "source_ids": sorted(set(params.get("source_ids") or [])),
            "event_categories": sorted(set(params.get("event_categories") or [])),
            "enabled": params["enabled"] if params.get("enabled") is not None else True,
            "tags": {k: str(v) for k, v in (params.get("tags") or {}).items()},
        }
    after = view(current)
    for option, (_field, parameter) in FIELDS.items():
        if parameter in changes.get("modify", {}):
            after[option] = changes["modify"][parameter]
    if "SourceType" in changes.get("modify", {}):
        after["source_ids"] = []
    sources = (set(after["source_ids"]) | set(changes.get("add_sources", []))) - set(changes.get("remove_sources", []))
    after["source_ids"] = sorted(sources)
    after["tags"] = apply_tag_changes(after["tags"], changes.get("tags_to_set", {}), changes.get("tags_to_unset", []))
    return after


def build_create_request(params: Mapping[str, Any]) -> dict[str, Any]:
    request: dict[str, Any] = {
        "SubscriptionName": params["name"],
        "SnsTopicArn": params["sns_topic_arn"],
        "Enabled": params["enabled"] if params.get("enabled") is not None else True,
    }
    if params.get("source_type"):
        request["SourceType"] = params["source_type"]
    if params.get("event_categories"):
        request["EventCategories"] = sorted(set(params["event_categories"]))
    if params.get("source_ids"):
        request["SourceIds"] = sorted(set(params["source_ids"]))
    if params.get("tags"):
        request["Tags"] = dict_to_tags(params["tags"])
    return request


def create(connection: Any, params: Mapping[str, Any]) -> None:
    """Create the subscription with its settings, sources and tags in one call.

    CreateEventSubscription takes no idempotency token; a create that an interrupted run already made answers
    ``SubscriptionAlreadyExist`` and the caller converges it as an existing subscription.
    """
    connection.create_event_subscription(aws_retry=True, **build_create_request(params))


def apply(connection: Any, current: Mapping[str, Any], changes: Mapping[str, Any]) -> None:
    name = current["CustSubscriptionId"]
    if changes.get("modify"):
        connection.modify_event_subscription(aws_retry=True, SubscriptionName=name, **changes["modify"])
    for source in changes.get("add_sources", []):
        connection.add_source_identifier_to_subscription(aws_retry=True, SubscriptionName=name, SourceIdentifier=source)
    for source in changes.get("remove_sources", []):
        connection.remove_source_identifier_from_subscription(
            aws_retry=True, SubscriptionName=name, SourceIdentifier=source
        )
    arn = current.get("EventSubscriptionArn")
    if changes.get("tags_to_unset"):
        connection.remove_tags_from_resource(aws_retry=True, ResourceName=arn, TagKeys=list(changes["tags_to_unset"]))
    if changes.get("tags_to_set"):
        connection.add_tags_to_resource(aws_retry=True, ResourceName=arn, Tags=dict_to_tags(changes["tags_to_set"]))


def delete(connection: Any, name: str) -> None:
    """Delete the subscription; one already gone is not an error."""
    try:
        connection.delete_event_subscription(aws_retry=True, SubscriptionName=name)
    except is_boto3_error_code("SubscriptionNotFound"):
        pass
