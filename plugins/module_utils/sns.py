# Copyright: ecap.platform contributors
# MIT License
"""SNS topics: describe, compare and converge (used by the sns_topic module).

Written because community.aws.sns_topic (10.0.0) cannot set a topic's KMS key (``KmsMasterKeyId``):
an alarm topic of this platform is encrypted with the kms tier's sns key.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies
from ansible_collections.ecap.platform.plugins.module_utils.common import (
    apply_tag_changes,
    dict_to_tags,
    paginate,
    tag_changes,
    tags_to_dict,
)

#: Option → topic attribute (GetTopicAttributes / SetTopicAttributes).
ATTRIBUTES = {"display_name": "DisplayName", "kms_master_key_id": "KmsMasterKeyId"}
PROTOCOLS = ("email", "email-json", "http", "https", "sqs", "sms", "lambda", "application", "firehose")
#: What SNS lists for a subscription that is not confirmed yet (it cannot be unsubscribed).
PENDING = ("PendingConfirmation", "pending confirmation")
NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def validate(params: Mapping[str, Any]) -> list[str]:
    """Errors in the module's options, found before any API call."""
    errors = []
    if not NAME_RE.match(params["name"]):
        errors.append(f"name={params['name']} must be 1-256 letters, digits, '-' or '_'.")
    account = params.get("account_id")
    if account is not None and not re.match(r"^\d{12}$", str(account)):
        errors.append(f"account_id={account} must be the 12 digits of an AWS account.")
    for sub in params.get("subscriptions") or []:
        if sub["protocol"].startswith("email") and not EMAIL_RE.match(sub["endpoint"]):
            errors.append(f"subscription endpoint {sub['endpoint']!r} is not an email address.")
    policy = params.get("policy")
    if isinstance(policy, str):
        try:
            json.loads(policy)
        except ValueError as e:
            errors.append(f"policy is not JSON: {e}.")
    return errors


def wanted_policy(params: Mapping[str, Any]) -> dict[str, Any] | None:
    policy = params.get("policy")
    if policy is None or policy == "":
        return None
    return json.loads(policy) if isinstance(policy, str) else dict(policy)


def find_arn(connection: Any, name: str) -> str | None:
    """The ARN of the topic called ``name`` (ListTopics pages), or ``None``."""
    for topic in paginate(connection.list_topics, "Topics"):
        if topic["TopicArn"].rsplit(":", 1)[-1] == name:
            return topic["TopicArn"]
    return None


def partition(region: str | None) -> str:
    """The ARN partition of a region (``aws``, ``aws-cn``, ``aws-us-gov``)."""
    region = region or ""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def topic_arn(name: str, region: str | None, account_id: str) -> str:
    return f"arn:{partition(region)}:sns:{region}:{account_id}:{name}"


def describe(connection: Any, name: str, arn: str | None = None) -> dict[str, Any] | None:
    """The topic ``name`` with its ``Attributes``, ``Tags`` and ``Subscriptions``, or ``None``.

    With ``arn`` (built from the account id) the topic is read directly; without, found by ListTopics pages.
    """
    arn = arn or find_arn(connection, name)
    if arn is None:
        return None
    try:
        attributes = connection.get_topic_attributes(aws_retry=True, TopicArn=arn)["Attributes"]
    except (connection.exceptions.NotFoundException, connection.exceptions.AuthorizationErrorException):
        # AuthorizationError: an ARN of another account (an account_id that is not the caller's).
        return None
    tags = tags_to_dict(connection.list_tags_for_resource(aws_retry=True, ResourceArn=arn).get("Tags"))
    subscriptions = paginate(connection.list_subscriptions_by_topic, "Subscriptions", TopicArn=arn)
    return {"TopicArn": arn, "Attributes": attributes, "Tags": tags, "Subscriptions": subscriptions}


def _sub_key(protocol: str, endpoint: str) -> tuple[str, str]:
    # SNS keeps an email address as given but matches it without regard to case.
    return protocol, endpoint.lower() if protocol.startswith("email") else endpoint


def view(topic: Mapping[str, Any] | None) -> dict[str, Any]:
    """The fields the module manages, snake_cased, for ``diff`` and the result."""
    if not topic:
        return {}
    attributes = topic["Attributes"]
    policy = attributes.get("Policy")
    return {
        "name": topic["TopicArn"].rsplit(":", 1)[-1],
        "arn": topic["TopicArn"],
        "display_name": attributes.get("DisplayName", ""),
        "kms_master_key_id": attributes.get("KmsMasterKeyId", ""),
        "policy": json.loads(policy) if policy else {},
        "subscriptions": sorted(
            (
                {"protocol": s["Protocol"], "endpoint": s["Endpoint"], "subscription_arn": s["SubscriptionArn"]}
                for s in topic["Subscriptions"]
            ),
            key=lambda s: (s["protocol"], s["endpoint"]),
        ),
        "tags": dict(topic["Tags"]),
    }


def plan(current: Mapping[str, Any], params: Mapping[str, Any]) -> dict[str, Any]:
    """What to change on an existing topic: ``attributes``, ``policy``, ``subscribe``, ``unsubscribe``, tags.

    An option left unset (``None``) is not managed. Returns an empty dict when nothing differs.
    """
    have = current["Attributes"]
    changes: dict[str, Any] = {}
    attributes = {
        field: params[option]
        for option, field in ATTRIBUTES.items()
        if params.get(option) is not None and params[option] != have.get(field, "")
    }
    if attributes:
        changes["attributes"] = attributes
    policy = wanted_policy(params)
    if policy is not None and compare_policies(json.loads(have.get("Policy") or "{}"), policy):
        changes["policy"] = policy
    if params.get("subscriptions") is not None:
        existing = {_sub_key(s["Protocol"], s["Endpoint"]): s for s in current["Subscriptions"]}
        wanted = {_sub_key(s["protocol"], s["endpoint"]): s for s in params["subscriptions"]}
        subscribe = [wanted[k] for k in sorted(wanted) if k not in existing]
        unsubscribe = [
            existing[k]
            for k in sorted(existing)
            if k not in wanted
            and params.get("purge_subscriptions", True)
            # A subscription still pending confirmation has no ARN to unsubscribe; it expires after 3 days.
            and existing[k]["SubscriptionArn"] not in PENDING
        ]
        if subscribe:
            changes["subscribe"] = subscribe
        if unsubscribe:
            changes["unsubscribe"] = unsubscribe
    to_set, to_unset = tag_changes(current["Tags"], params.get("tags"), params.get("purge_tags", True))
    if to_set:
        changes["tags_to_set"] = to_set
    if to_unset:
        changes["tags_to_unset"] = to_unset
    return changes


def predicted(current: Mapping[str, Any] | None, params: Mapping[str, Any], changes: Mapping[str, Any]) -> dict:
    """The view of the topic after ``changes`` (or after its creation), for check mode and diff."""
    if current is None:
        return {
            "name": params["name"],
            "display_name": params.get("display_name") or "",
            "kms_master_key_id": params.get("kms_master_key_id") or "",
            "policy": wanted_policy(params) or {},
            "subscriptions": sorted(
                ({"protocol": s["protocol"], "endpoint": s["endpoint"]} for s in params.get("subscriptions") or []),
                key=lambda s: (s["protocol"], s["endpoint"]),
            ),
            "tags": {k: str(v) for k, v in (params.get("tags") or {}).items()},
        }
    after = view(current)
    for option, field in ATTRIBUTES.items():
        if field in changes.get("attributes", {}):
            after[option] = changes["attributes"][field]
    if "policy" in changes:
        after["policy"] = changes["policy"]
    gone = {s["SubscriptionArn"] for s in changes.get("unsubscribe", [])}
    subscriptions = [s for s in after["subscriptions"] if s["subscription_arn"] not in gone]
    subscriptions += [{"protocol": s["protocol"], "endpoint": s["endpoint"]} for s in changes.get("subscribe", [])]
    after["subscriptions"] = sorted(subscriptions, key=lambda s: (s["protocol"], s["endpoint"]))
    after["tags"] = apply_tag_changes(after["tags"], changes.get("tags_to_set", {}), changes.get("tags_to_unset", []))
    return after


def create(connection: Any, params: Mapping[str, Any]) -> str:
    """Create the topic with its attributes and tags in one call (CreateTopic is idempotent by name)."""
    attributes = {field: params[option] for option, field in ATTRIBUTES.items() if params.get(option)}
    policy = wanted_policy(params)
    if policy is not None:
        attributes["Policy"] = json.dumps(policy, sort_keys=True)
    request: dict[str, Any] = {"Name": params["name"], "Attributes": attributes}
    if params.get("tags"):
        request["Tags"] = dict_to_tags(params["tags"])
    arn = connection.create_topic(aws_retry=True, **request)["TopicArn"]
    for sub in params.get("subscriptions") or []:
        subscribe(connection, arn, sub)
    return arn


def subscribe(connection: Any, arn: str, sub: Mapping[str, Any]) -> None:
    connection.subscribe(aws_retry=True, TopicArn=arn, Protocol=sub["protocol"], Endpoint=sub["endpoint"])


def apply(connection: Any, topic: Mapping[str, Any], changes: Mapping[str, Any]) -> None:
    arn = topic["TopicArn"]
    for field, value in changes.get("attributes", {}).items():
        connection.set_topic_attributes(aws_retry=True, TopicArn=arn, AttributeName=field, AttributeValue=value)
    if "policy" in changes:
        connection.set_topic_attributes(
            aws_retry=True, TopicArn=arn, AttributeName="Policy", AttributeValue=json.dumps(changes["policy"])
        )
    for sub in changes.get("subscribe", []):
        subscribe(connection, arn, sub)
    for sub in changes.get("unsubscribe", []):
        try:
            connection.unsubscribe(aws_retry=True, SubscriptionArn=sub["SubscriptionArn"])
        except connection.exceptions.NotFoundException:
            pass
    if changes.get("tags_to_unset"):
        connection.untag_resource(aws_retry=True, ResourceArn=arn, TagKeys=list(changes["tags_to_unset"]))
    if changes.get("tags_to_set"):
        connection.tag_resource(aws_retry=True, ResourceArn=arn, Tags=dict_to_tags(changes["tags_to_set"]))


def delete(connection: Any, arn: str) -> None:
    """Delete the topic; SNS deletes its subscriptions with it. A missing topic is not an error."""
    try:
        connection.delete_topic(aws_retry=True, TopicArn=arn)
    except connection.exceptions.NotFoundException:
        pass
