# Copyright: ecap.platform contributors
# MIT License
"""CloudTrail event selectors: validate, compare and converge (used by the cloudtrail_event_selectors module).

Written because amazon.aws.cloudtrail (10.1.2) cannot set a trail's event selectors, so a trail of the platform could
record management events only: CIS 3.8/3.9 ask for S3 object-level (data) events.

Advanced event selectors replace the classic ones: a trail that has them records management events only if one of
them selects ``eventCategory = Management``. The module's ``absent`` puts back the selector a new trail has (every
management event, no data event).

API reference: https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/ (PutEventSelectors, GetEventSelectors).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Option of a field selector → field of the API's AdvancedFieldSelector.
OPERATORS = {
    "equals": "Equals",
    "starts_with": "StartsWith",
    "ends_with": "EndsWith",
    "not_equals": "NotEquals",
    "not_starts_with": "NotStartsWith",
    "not_ends_with": "NotEndsWith",
}
FIELDS = (
    "eventCategory",
    "eventSource",
    "eventName",
    "eventType",
    "readOnly",
    "resources.type",
    "resources.ARN",
    "errorCode",
    "sessionCredentialFromConsole",
    "userIdentity.arn",
    "vpcEndpointId",
)
#: What a new trail records: every management event, read and write, no data event.
DEFAULT_SELECTORS = [{"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": []}]


def validate(params: Mapping[str, Any]) -> list[str]:
    """Errors in the module's options, found before any API call."""
    errors = []
    selectors = params.get("advanced_event_selectors") or []
    if params["state"] == "present" and not selectors:
        errors.append("advanced_event_selectors needs at least one selector when state=present.")
    if len(selectors) > 500:
        errors.append(f"a trail takes at most 500 advanced event selectors, got {len(selectors)}.")
    for i, selector in enumerate(selectors):
        fields = [f["field"] for f in selector.get("field_selectors") or []]
        if "eventCategory" not in fields:
            errors.append(f"advanced_event_selectors[{i}] needs a field selector on eventCategory.")
        for f in selector.get("field_selectors") or []:
            if f["field"] not in FIELDS and not f["field"].startswith("resources."):
                errors.append(f"advanced_event_selectors[{i}]: unknown field {f['field']!r}.")
            if not any(f.get(option) for option in OPERATORS):
                errors.append(f"advanced_event_selectors[{i}]: the selector on {f['field']} has no condition.")
    return errors


def wanted(params: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The AdvancedEventSelectors the options ask for, in the API's shape, normalized."""
    out = []
    for selector in params.get("advanced_event_selectors") or []:
        field_selectors = []
        for f in selector["field_selectors"]:
            item: dict[str, Any] = {"Field": f["field"]}
            for option, field in OPERATORS.items():
                if f.get(option):
                    item[field] = list(f[option])
            field_selectors.append(item)
        entry: dict[str, Any] = {"FieldSelectors": field_selectors}
        if selector.get("name"):
            entry["Name"] = selector["name"]
        out.append(entry)
    return normalize(out)


def normalize(selectors: list[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    """Selectors compared without regard to the order of their field selectors or of the values."""
    out = []
    for selector in selectors or []:
        field_selectors = sorted(
            (
                {k: (sorted(v) if isinstance(v, list) else v) for k, v in f.items() if v not in (None, [])}
                for f in selector.get("FieldSelectors") or []
            ),
            key=lambda f: f["Field"],
        )
        entry: dict[str, Any] = {"FieldSelectors": field_selectors}
        if selector.get("Name"):
            entry["Name"] = selector["Name"]
        out.append(entry)
    return out


def describe(connection: Any, trail: str) -> dict[str, Any]:
    """``{"EventSelectors": [...], "AdvancedEventSelectors": [...]}`` of the trail (TrailNotFoundException if none)."""
    found = connection.get_event_selectors(aws_retry=True, TrailName=trail)
    return {
        "EventSelectors": found.get("EventSelectors") or [],
        "AdvancedEventSelectors": normalize(found.get("AdvancedEventSelectors")),
    }


def is_default(current: Mapping[str, Any]) -> bool:
    """Whether the trail records what a new trail records (management events only)."""
    if current["AdvancedEventSelectors"]:
        return False
    classic = [
        {
            "ReadWriteType": s.get("ReadWriteType", "All"),
            "IncludeManagementEvents": s.get("IncludeManagementEvents", True),
            "DataResources": s.get("DataResources") or [],
        }
        for s in current["EventSelectors"]
    ]
    return classic in ([], DEFAULT_SELECTORS)


def view(current: Mapping[str, Any]) -> dict[str, Any]:
    """The result and diff: the advanced selectors snake_cased, or the classic ones when there are none."""
    advanced = [
        {
            "name": s.get("Name", ""),
            "field_selectors": [
                {"field": f["Field"], **{o: f[k] for o, k in OPERATORS.items() if k in f}} for f in s["FieldSelectors"]
            ],
        }
        for s in current["AdvancedEventSelectors"]
    ]
    return {"advanced_event_selectors": advanced, "event_selectors": list(current["EventSelectors"])}


def put_advanced(connection: Any, trail: str, selectors: list[dict[str, Any]]) -> dict[str, Any]:
    connection.put_event_selectors(aws_retry=True, TrailName=trail, AdvancedEventSelectors=selectors)
    return describe(connection, trail)


def put_default(connection: Any, trail: str) -> dict[str, Any]:
    connection.put_event_selectors(aws_retry=True, TrailName=trail, EventSelectors=DEFAULT_SELECTORS)
    return describe(connection, trail)
