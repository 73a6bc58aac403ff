# Copyright: ecap.platform contributors
# MIT License
"""CloudWatch dashboards (the cloudwatch_dashboard module): read, compare as parsed JSON, put, delete.

A dashboard is one document (DashboardBody, JSON); PutDashboard creates or replaces it whole, so the
module compares the parsed body with the wanted one and writes only when they differ. Dashboards have
no tags in CloudWatch's tagging API (alarms and Contributor Insights rules only), so teardown finds
them by name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

try:
    from botocore.exceptions import ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

#: PutDashboard's limits: the name's characters and length, the body's size.
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
MAX_BODY_BYTES = 1024 * 1024
WIDGET_TYPES = {"metric", "text", "log", "alarm", "explorer", "custom"}


def parse_body(body: Any) -> dict[str, Any]:
    """The body as a dict, from a dict or a JSON string; ValueError with the reason otherwise."""
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError as e:
            raise ValueError(f"body is not JSON: {e}") from None
    if not isinstance(body, Mapping):
        raise ValueError(f"body must be a JSON object with a widgets list, got {type(body).__name__}")
    return dict(body)


def validate(params: Mapping[str, Any]) -> list[str]:
    errors = []
    if not NAME_PATTERN.match(params["name"] or ""):
        errors.append(f"name={params['name']!r} must be 1-255 letters, digits, '-' or '_'.")
    if params["state"] != "present":
        return errors
    if params.get("body") is None:
        return errors + ["body is required with state=present."]
    try:
        body = parse_body(params["body"])
    except ValueError as e:
        return errors + [str(e) + "."]
    widgets = body.get("widgets")
    if not isinstance(widgets, list):
        errors.append("body.widgets must be a list of widgets.")
    else:
        for n, widget in enumerate(widgets):
            kind = widget.get("type") if isinstance(widget, Mapping) else None
            if kind not in WIDGET_TYPES:
                errors.append(f"body.widgets[{n}].type={kind!r} must be one of {sorted(WIDGET_TYPES)}.")
            elif "properties" not in widget:
                errors.append(f"body.widgets[{n}] ({kind}) has no properties.")
    size = len(json.dumps(body, separators=(",", ":")).encode())
    if size > MAX_BODY_BYTES:
        errors.append(f"body is {size} bytes; a dashboard holds at most {MAX_BODY_BYTES}.")
    return errors


def describe(connection: Any, name: str) -> dict[str, Any] | None:
    """The dashboard (name, arn, parsed body), or None when it does not exist."""
    try:
        found = connection.get_dashboard(aws_retry=True, DashboardName=name)
    except ClientError as e:
        if e.response["Error"]["Code"] in ("ResourceNotFound", "ResourceNotFoundException"):
            return None
        raise
    return {"name": found["DashboardName"], "arn": found["DashboardArn"], "body": json.loads(found["DashboardBody"])}


def put(connection: Any, name: str, body: Mapping[str, Any]) -> list[str]:
    """Create or replace the dashboard; returns CloudWatch's warnings (the body was saved)."""
    answer = connection.put_dashboard(
        aws_retry=True, DashboardName=name, DashboardBody=json.dumps(body, sort_keys=True, separators=(",", ":"))
    )
    messages = answer.get("DashboardValidationMessages", [])
    return [f"{m.get('DataPath', '')}: {m.get('Message', '')}".strip(": ") for m in messages]


def delete(connection: Any, name: str) -> None:
    connection.delete_dashboards(aws_retry=True, DashboardNames=[name])
