"""AWS X-Ray request handlers: groups, sampling rules and tags (rest-json, every operation a POST).

moto's ``XRayResponse`` takes the operation from the request path (``/TraceSegments`` → ``trace_segments``)
and routes only its trace paths; the paths of these operations are added here. ``GetGroups`` is
``POST /Groups``, so its path is mapped to the operation's name.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from moto.xray.responses import XRayResponse

from emulator.extensions import add_url_paths, extension, original, override

#: Request path → operation, where the path is not the operation's name.
PATH_OPERATIONS = {"Groups": "GetGroups"}
PATHS = (
    "CreateGroup",
    "GetGroup",
    "Groups",
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


def _get_action(self: XRayResponse) -> str:
    path = urlsplit(self.uri).path.lstrip("/")
    return PATH_OPERATIONS.get(path) or original(XRayResponse, "_get_action")(self)


def _json(payload: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in payload.items() if v is not None})


def create_group(self: XRayResponse) -> str:
    group = self.xray_backend.create_group(
        self._get_param("GroupName"),
        self._get_param("FilterExpression"),
        self._get_param("InsightsConfiguration"),
        self._get_param("Tags"),
    )
    return _json({"Group": group})


def get_group(self: XRayResponse) -> str:
    return _json({"Group": self.xray_backend.get_group(self._get_param("GroupName"), self._get_param("GroupARN"))})


def get_groups(self: XRayResponse) -> str:
    groups, token = self.xray_backend.get_groups(self._get_param("NextToken"))
    return _json({"Groups": groups, "NextToken": token})


def update_group(self: XRayResponse) -> str:
    group = self.xray_backend.update_group(
        self._get_param("GroupName"),
        self._get_param("GroupARN"),
        self._get_param("FilterExpression"),
        self._get_param("InsightsConfiguration"),
    )
    return _json({"Group": group})


def delete_group(self: XRayResponse) -> str:
    self.xray_backend.delete_group(self._get_param("GroupName"), self._get_param("GroupARN"))
    return "{}"


def create_sampling_rule(self: XRayResponse) -> str:
    record = self.xray_backend.create_sampling_rule(self._get_param("SamplingRule") or {}, self._get_param("Tags"))
    return _json({"SamplingRuleRecord": record})


def get_sampling_rules(self: XRayResponse) -> str:
    records, token = self.xray_backend.get_sampling_rules(self._get_param("NextToken"))
    return _json({"SamplingRuleRecords": records, "NextToken": token})


def update_sampling_rule(self: XRayResponse) -> str:
    record = self.xray_backend.update_sampling_rule(self._get_param("SamplingRuleUpdate") or {})
    return _json({"SamplingRuleRecord": record})


def delete_sampling_rule(self: XRayResponse) -> str:
    record = self.xray_backend.delete_sampling_rule(self._get_param("RuleName"), self._get_param("RuleARN"))
    return _json({"SamplingRuleRecord": record})


def list_tags_for_resource(self: XRayResponse) -> str:
    tags = self.xray_backend.list_tags_for_resource(self._get_param("ResourceARN"))
    return _json({"Tags": [{"Key": k, "Value": v} for k, v in sorted(tags.items())]})


def tag_resource(self: XRayResponse) -> str:
    self.xray_backend.tag_resource(self._get_param("ResourceARN"), self._get_param("Tags") or [])
    return "{}"


def untag_resource(self: XRayResponse) -> str:
    self.xray_backend.untag_resource(self._get_param("ResourceARN"), self._get_param("TagKeys") or [])
    return "{}"


HANDLERS = (
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
def groups_and_sampling_rules_handlers() -> None:
    """Routes and request handlers of the X-Ray group, sampling-rule and tagging APIs moto 5.2.5 lacks."""
    add_url_paths("xray", {f"{{0}}/{path}$": XRayResponse.dispatch for path in PATHS})
    override(XRayResponse, _get_action)
    for function in HANDLERS:
        override(XRayResponse, function)
