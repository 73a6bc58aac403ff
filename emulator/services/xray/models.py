"""AWS X-Ray groups, sampling rules and their tags (moto 5.2.5 has traces only).

State lives on moto's ``XRayBackend`` (one per account and region: ``ecap_groups``, ``ecap_rules``,
``ecap_tags``), so ``POST /moto-api/reset`` clears it. As on AWS every account and region has a ``Default``
group (no filter expression, cannot be deleted) and a ``Default`` sampling rule (priority 10000, 1 trace per
second and 5 %, cannot be deleted; only its rate and reservoir can change).

API reference: https://docs.aws.amazon.com/xray/latest/api/ (CreateGroup, GetGroup, GetGroups, UpdateGroup,
DeleteGroup, CreateSamplingRule, GetSamplingRules, UpdateSamplingRule, DeleteSamplingRule, TagResource,
UntagResource, ListTagsForResource). Quotas (X-Ray endpoints and quotas): 25 groups and 25 sampling rules
per Region, not counting the defaults; 50 user tags per resource.
"""

from __future__ import annotations

import copy
import random
import re
import string
import time
from collections.abc import Mapping, Sequence
from typing import Any

from moto.core.exceptions import JsonRESTError
from moto.xray.models import XRayBackend

from emulator.extensions import extension, override
from emulator.paging import index_page

DEFAULT = "Default"
GROUP_LIMIT = 25
RULE_LIMIT = 25
TAG_LIMIT = 50
#: Items per page of GetGroups and GetSamplingRules (AWS does not document its page size; a small page makes
#: clients' NextToken handling matter).
PAGE_SIZE = 10
#: What a tag key or value may hold (CreateGroup's documentation: letters, digits, space, ``_ . : / = + - @``).
TAG_RE = re.compile(r"^[\w .:/=+\-@]*$", re.UNICODE)

#: SamplingRule fields: (type, maximum length or value); strings are limited in length, numbers in value.
RULE_STRINGS = {"ServiceName": 64, "ServiceType": 64, "Host": 64, "HTTPMethod": 10, "URLPath": 128, "ResourceARN": 500}
RULE_REQUIRED = ("ResourceARN", "Priority", "FixedRate", "ReservoirSize", "ServiceName", "ServiceType", "Host",
                 "HTTPMethod", "URLPath", "Version")  # fmt: skip
#: The fields of the Default rule an update may change.
DEFAULT_RULE_UPDATABLE = {"FixedRate", "ReservoirSize"}


class InvalidRequestException(JsonRESTError):
    code = 400

    def __init__(self, message: str) -> None:
        super().__init__("InvalidRequestException", message)


class RuleLimitExceededException(JsonRESTError):
    code = 400

    def __init__(self) -> None:
        super().__init__("RuleLimitExceededException", f"You have reached the maximum of {RULE_LIMIT} sampling rules.")


class ResourceNotFoundException(JsonRESTError):
    code = 404

    def __init__(self, arn: str) -> None:
        super().__init__("ResourceNotFoundException", f"Resource {arn} not found.")
        self.description = self.description[:-1] + f', "ResourceName": "{arn}"}}'


class TooManyTagsException(JsonRESTError):
    code = 400

    def __init__(self, arn: str) -> None:
        super().__init__("TooManyTagsException", f"A resource can have at most {TAG_LIMIT} tags ({arn}).")


# --------------------------------------------------------------------------- state


def _state(backend: XRayBackend) -> dict[str, Any]:
    """The backend's groups, rules and tags, with the account's Default group and rule."""
    state = backend.__dict__.get("ecap_xray")
    if state is None:
        prefix = f"arn:aws:xray:{backend.region_name}:{backend.account_id}"
        now = time.time()
        state = {
            "groups": {
                DEFAULT: {
                    "GroupName": DEFAULT,
                    "GroupARN": f"{prefix}:group/{DEFAULT}",
                    "InsightsConfiguration": {"InsightsEnabled": False, "NotificationsEnabled": False},
                }
            },
            "rules": {
                DEFAULT: {
                    "SamplingRule": {
                        "RuleName": DEFAULT,
                        "RuleARN": f"{prefix}:sampling-rule/{DEFAULT}",
                        "ResourceARN": "*",
                        "Priority": 10000,
                        "FixedRate": 0.05,
                        "ReservoirSize": 1,
                        "ServiceName": "*",
                        "ServiceType": "*",
                        "Host": "*",
                        "HTTPMethod": "*",
                        "URLPath": "*",
                        "Version": 1,
                        "Attributes": {},
                    },
                    "CreatedAt": 0.0,
                    "ModifiedAt": now,
                }
            },
            "tags": {},
            "prefix": prefix,
        }
        backend.__dict__["ecap_xray"] = state
    return state


def page(items: Sequence[Any], next_token: str | None) -> tuple[list[Any], str | None]:
    """One page of ``items`` (copies); the token is the index of the next page's first item."""
    found, token = index_page(
        items, next_token, PAGE_SIZE, lambda bad: InvalidRequestException(f"Invalid NextToken: {bad}")
    )
    return [copy.deepcopy(i) for i in found], token


# --------------------------------------------------------------------------- validation


def check_tags(tags: Sequence[Mapping[str, Any]] | None) -> dict[str, str]:
    result: dict[str, str] = {}
    for tag in tags or []:
        key, value = tag.get("Key"), tag.get("Value")
        if not isinstance(key, str) or not 1 <= len(key) <= 128 or not isinstance(value, str) or len(value) > 256:
            raise InvalidRequestException("Tag keys must be 1-128 characters and values at most 256.")
        if key.lower().startswith("aws:"):
            raise InvalidRequestException(f"Tag keys starting with aws: are reserved for AWS use: {key}")
        if not TAG_RE.match(key) or not TAG_RE.match(value):
            raise InvalidRequestException(f"Invalid characters in tag {key}={value}")
        result[key] = value
    return result


def check_filter_expression(expression: str | None) -> None:
    """A light syntax check: non-empty, balanced quotes, parentheses and braces (AWS parses it fully)."""
    if expression is None:
        return
    if not expression.strip():
        raise InvalidRequestException("Invalid filter expression: the expression is empty")
    depth: list[str] = []
    pairs = {")": "(", "}": "{"}
    quote = None
    for char in expression:
        if quote:
            quote = None if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "({":
            depth.append(char)
        elif char in ")}":
            if not depth or depth.pop() != pairs[char]:
                raise InvalidRequestException(f"Invalid filter expression: unbalanced {char!r} in {expression}")
    if quote or depth:
        raise InvalidRequestException(f"Invalid filter expression: unbalanced quotes or brackets in {expression}")


def check_insights(config: Mapping[str, Any] | None) -> None:
    if config and config.get("NotificationsEnabled") and not config.get("InsightsEnabled"):
        raise InvalidRequestException("Notifications may only be enabled on a group with InsightsEnabled set to true.")


def check_group_name(name: Any) -> str:
    if not isinstance(name, str) or not 1 <= len(name) <= 32:
        raise InvalidRequestException("GroupName must be 1-32 characters.")
    return name


def check_rule_fields(rule: Mapping[str, Any]) -> None:
    """Ranges and lengths of a SamplingRule or SamplingRuleUpdate (botocore checks only minimums)."""
    name = rule.get("RuleName")
    if name is not None and not (isinstance(name, str) and 1 <= len(name) <= 32):
        raise InvalidRequestException("RuleName must be 1-32 characters.")
    for field, limit in RULE_STRINGS.items():
        value = rule.get(field)
        if value is not None and (not isinstance(value, str) or len(value) > limit):
            raise InvalidRequestException(f"{field} must be a string of at most {limit} characters.")
    priority = rule.get("Priority")
    if priority is not None and not 1 <= int(priority) <= 9999:
        raise InvalidRequestException(f"Priority must be between 1 and 9999, got {priority}.")
    rate = rule.get("FixedRate")
    if rate is not None and not 0 <= float(rate) <= 1:
        raise InvalidRequestException(f"FixedRate must be between 0 and 1, got {rate}.")
    reservoir = rule.get("ReservoirSize")
    if reservoir is not None and int(reservoir) < 0:
        raise InvalidRequestException(f"ReservoirSize must be at least 0, got {reservoir}.")
    attributes = rule.get("Attributes")
    if attributes is not None:
        if len(attributes) > 5:
            raise InvalidRequestException("A sampling rule can match at most 5 attributes.")
        for key, value in attributes.items():
            if not 1 <= len(key) <= 32 or not 1 <= len(value) <= 32:
                raise InvalidRequestException("Attribute keys and values must be 1-32 characters.")
    boost = rule.get("SamplingRateBoost")
    if boost is not None and not 0 <= float(boost.get("MaxRate", 0)) <= 1:
        raise InvalidRequestException("SamplingRateBoost.MaxRate must be between 0 and 1.")


# --------------------------------------------------------------------------- groups


def find_group(self: XRayBackend, name: str | None, arn: str | None) -> dict[str, Any]:
    if not name and not arn:
        raise InvalidRequestException("Either GroupName or GroupARN is required.")
    groups = _state(self)["groups"]
    group = groups.get(name) if name else next((g for g in groups.values() if g["GroupARN"] == arn), None)
    if group is None or (name and arn and group["GroupARN"] != arn):
        raise InvalidRequestException("Group not found")
    return group


def create_group(
    self: XRayBackend,
    name: str,
    filter_expression: str | None,
    insights: Mapping[str, Any] | None,
    tags: Sequence[Mapping[str, Any]] | None,
) -> dict[str, Any]:
    state = _state(self)
    check_group_name(name)
    if name == DEFAULT:
        raise InvalidRequestException("Default is a reserved group name.")
    if name in state["groups"]:
        raise InvalidRequestException(f"Group with name {name} already exists.")
    if len(state["groups"]) - 1 >= GROUP_LIMIT:
        raise InvalidRequestException(f"You have reached the maximum of {GROUP_LIMIT} groups.")
    check_filter_expression(filter_expression)
    check_insights(insights)
    tag_map = check_tags(tags)
    if len(tag_map) > TAG_LIMIT:
        raise TooManyTagsException(name)
    suffix = "".join(random.choices(string.ascii_uppercase + "234567", k=52))
    group: dict[str, Any] = {
        "GroupName": name,
        "GroupARN": f"{state['prefix']}:group/{name}/{suffix}",
        "InsightsConfiguration": {
            "InsightsEnabled": bool((insights or {}).get("InsightsEnabled", False)),
            "NotificationsEnabled": bool((insights or {}).get("NotificationsEnabled", False)),
        },
    }
    if filter_expression is not None:
        group["FilterExpression"] = filter_expression
    state["groups"][name] = group
    state["tags"][group["GroupARN"]] = tag_map
    return copy.deepcopy(group)


def get_group(self: XRayBackend, name: str | None, arn: str | None) -> dict[str, Any]:
    return copy.deepcopy(find_group(self, name, arn))


def get_groups(self: XRayBackend, next_token: str | None) -> tuple[list[dict[str, Any]], str | None]:
    groups = _state(self)["groups"]
    ordered = [groups[DEFAULT]] + [groups[n] for n in sorted(groups) if n != DEFAULT]
    return page(ordered, next_token)


def update_group(
    self: XRayBackend,
    name: str | None,
    arn: str | None,
    filter_expression: str | None,
    insights: Mapping[str, Any] | None,
) -> dict[str, Any]:
    group = find_group(self, name, arn)
    if group["GroupName"] == DEFAULT and filter_expression is not None:
        raise InvalidRequestException("The filter expression of the Default group cannot be changed.")
    check_filter_expression(filter_expression)
    merged = {**group["InsightsConfiguration"], **{k: bool(v) for k, v in (insights or {}).items() if v is not None}}
    check_insights(merged)
    if filter_expression is not None:
        group["FilterExpression"] = filter_expression
    group["InsightsConfiguration"] = merged
    return copy.deepcopy(group)


def delete_group(self: XRayBackend, name: str | None, arn: str | None) -> None:
    group = find_group(self, name, arn)
    if group["GroupName"] == DEFAULT:
        raise InvalidRequestException("The Default group cannot be deleted.")
    state = _state(self)
    del state["groups"][group["GroupName"]]
    state["tags"].pop(group["GroupARN"], None)


# --------------------------------------------------------------------------- sampling rules


def find_rule(self: XRayBackend, name: str | None, arn: str | None) -> dict[str, Any]:
    if not name and not arn:
        raise InvalidRequestException("Either RuleName or RuleARN is required.")
    rules = _state(self)["rules"]
    record = rules.get(name) if name else next((r for r in rules.values() if r["SamplingRule"]["RuleARN"] == arn), None)
    if record is None or (name and arn and record["SamplingRule"]["RuleARN"] != arn):
        raise InvalidRequestException("Sampling rule does not exist")
    return record


def create_sampling_rule(
    self: XRayBackend, rule: Mapping[str, Any], tags: Sequence[Mapping[str, Any]] | None
) -> dict[str, Any]:
    state = _state(self)
    missing = [field for field in ("RuleName", *RULE_REQUIRED) if rule.get(field) is None]
    if missing:
        raise InvalidRequestException(f"Missing required fields of the sampling rule: {', '.join(missing)}")
    check_rule_fields(rule)
    name = rule["RuleName"]
    if name == DEFAULT:
        raise InvalidRequestException("Default is a reserved sampling rule name.")
    if int(rule["Version"]) != 1:
        raise InvalidRequestException(f"Version must be 1, got {rule['Version']}.")
    if name in state["rules"]:
        raise InvalidRequestException(f"A sampling rule named {name} already exists.")
    if len(state["rules"]) - 1 >= RULE_LIMIT:
        raise RuleLimitExceededException()
    tag_map = check_tags(tags)
    if len(tag_map) > TAG_LIMIT:
        raise TooManyTagsException(name)
    stored = {k: copy.deepcopy(v) for k, v in rule.items() if k != "RuleARN"}
    stored.setdefault("Attributes", {})
    stored["RuleARN"] = f"{state['prefix']}:sampling-rule/{name}"
    now = time.time()
    record = {"SamplingRule": stored, "CreatedAt": now, "ModifiedAt": now}
    state["rules"][name] = record
    state["tags"][stored["RuleARN"]] = tag_map
    return copy.deepcopy(record)


def get_sampling_rules(self: XRayBackend, next_token: str | None) -> tuple[list[dict[str, Any]], str | None]:
    rules = _state(self)["rules"].values()
    ordered = sorted(rules, key=lambda r: (r["SamplingRule"]["Priority"], r["SamplingRule"]["RuleName"]))
    return page(ordered, next_token)


def update_sampling_rule(self: XRayBackend, update: Mapping[str, Any]) -> dict[str, Any]:
    record = find_rule(self, update.get("RuleName"), update.get("RuleARN"))
    check_rule_fields(update)
    changes = {k: v for k, v in update.items() if k not in ("RuleName", "RuleARN") and v is not None}
    rule = record["SamplingRule"]
    if rule["RuleName"] == DEFAULT:
        refused = sorted(k for k, v in changes.items() if k not in DEFAULT_RULE_UPDATABLE and v != rule.get(k))
        if refused:
            raise InvalidRequestException(f"Only FixedRate and ReservoirSize of the Default rule can change: {refused}")
    rule.update(copy.deepcopy(changes))
    record["ModifiedAt"] = time.time()
    return copy.deepcopy(record)


def delete_sampling_rule(self: XRayBackend, name: str | None, arn: str | None) -> dict[str, Any]:
    record = find_rule(self, name, arn)
    rule = record["SamplingRule"]
    if rule["RuleName"] == DEFAULT:
        raise InvalidRequestException("The Default sampling rule cannot be deleted.")
    state = _state(self)
    del state["rules"][rule["RuleName"]]
    state["tags"].pop(rule["RuleARN"], None)
    return copy.deepcopy(record)


# --------------------------------------------------------------------------- tags


def _tags_of(self: XRayBackend, arn: str) -> dict[str, str]:
    tags = _state(self)["tags"]
    known = {g["GroupARN"] for g in _state(self)["groups"].values()}
    known |= {r["SamplingRule"]["RuleARN"] for r in _state(self)["rules"].values()}
    if arn not in known:
        raise ResourceNotFoundException(arn)
    return tags.setdefault(arn, {})


def list_tags_for_resource(self: XRayBackend, arn: str) -> dict[str, str]:
    return dict(_tags_of(self, arn))


def tag_resource(self: XRayBackend, arn: str, tags: Sequence[Mapping[str, Any]]) -> None:
    current = _tags_of(self, arn)
    merged = {**current, **check_tags(tags)}
    if len(merged) > TAG_LIMIT:
        raise TooManyTagsException(arn)
    current.update(merged)


def untag_resource(self: XRayBackend, arn: str, keys: Sequence[str]) -> None:
    current = _tags_of(self, arn)
    for key in keys:
        if key.lower().startswith("aws:"):
            raise InvalidRequestException(f"Tag keys starting with aws: are reserved for AWS use: {key}")
    for key in keys:
        current.pop(key, None)


BACKEND_METHODS = (
    create_group,
    get_group,
    get_groups,
    update_group,
    delete_group,
    create_sampling_rule,
    get_sampling_rules,
    update_sampling_rule,
    delete_sampling_rule,
    list_tags_for_resource,
    tag_resource,
    untag_resource,
)


@extension(
    "xray",
    "CreateGroup",
    "GetGroup",
    "GetGroups",
    "UpdateGroup",
    "DeleteGroup",
    "CreateSamplingRule",
    "GetSamplingRules",
    "UpdateSamplingRule",
    "DeleteSamplingRule",
    "TagResource",
    "UntagResource",
    "ListTagsForResource",
)
def groups_and_sampling_rules() -> None:
    """X-Ray groups, sampling rules and tags (moto 5.2.5: traces only, these answer 404), with the Default ones.

    AWS's checks: names 1-32 characters, Default reserved and undeletable (only the Default rule's rate and
    reservoir change, only the Default group's insights), duplicates refused (InvalidRequestException), 25
    groups and 25 rules per Region (RuleLimitExceededException), priority 1-9999, rate 0-1, reservoir >= 0,
    Version 1, notifications only with insights, 50 tags (TooManyTagsException), ResourceNotFoundException
    for the tags of an unknown ARN; pages of 10.
    """
    for function in BACKEND_METHODS:
        override(XRayBackend, function)
