# Copyright: ecap.platform contributors
# MIT License
"""CloudWatch Logs metric filters: describe, compare, put and delete (the logs_metric_filter module, one filter,
and logs_metric_filters, the filters of a log group read in one paginated DescribeMetricFilters).

Written because amazon.aws.cloudwatchlogs_log_group_metric_filter (10.1.2) compares the wanted dimensions
with the existing ones after camel_dict_to_snake_dict, which lower-cases the dimension names too: a
filter with a dimension such as ``Namespace`` reports a change on every run. It also reads the filter
by name prefix and takes the first one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.ecap.platform.plugins.module_utils.common import paginate

try:
    from botocore.exceptions import ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

#: PutMetricFilter's limits.
MAX_DIMENSIONS = 3
MAX_NAME = 512
NAME_PATTERN = re.compile(r"^[^:*]+$")
UNITS = (
    "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes",
    "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second",
    "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second",
    "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
)  # fmt: skip


def validate(params: Mapping[str, Any]) -> list[str]:
    errors = []
    if params["state"] != "present":
        return errors
    if not params.get("filter_pattern") and params.get("filter_pattern") != "":
        errors.append("filter_pattern is required with state=present (an empty string matches every event).")
    metric = params.get("metric_transformation") or {}
    for key in ("metric_name", "metric_namespace", "metric_value"):
        if not metric.get(key):
            errors.append(f"metric_transformation.{key} is required with state=present.")
    dimensions = metric.get("dimensions") or {}
    if len(dimensions) > MAX_DIMENSIONS:
        errors.append(f"metric_transformation.dimensions has {len(dimensions)} entries; at most {MAX_DIMENSIONS}.")
    if dimensions and metric.get("default_value") is not None:
        errors.append("metric_transformation.default_value and dimensions are mutually exclusive.")
    pattern = (params.get("filter_pattern") or "").strip()
    if dimensions and not (pattern.startswith("{") or pattern.startswith("[")):
        errors.append(
            "metric_transformation.dimensions need a JSON ({ ... }) or space-delimited ([ ... ]) filter_pattern."
        )
    if metric.get("unit") and metric["unit"] not in UNITS:
        errors.append(f"metric_transformation.unit={metric['unit']} must be one of {', '.join(UNITS)}.")
    return errors


def validate_name(name: str) -> list[str]:
    """A filter name as PutMetricFilter takes it: 1 to 512 characters, no ``:`` or ``*``."""
    if not NAME_PATTERN.match(name) or len(name) > MAX_NAME:
        return [f"filter name {name!r} must be 1 to {MAX_NAME} characters without ':' or '*'."]
    return []


def wanted(params: Mapping[str, Any]) -> dict[str, Any]:
    """The filter as DescribeMetricFilters returns it (the fields this module manages)."""
    metric = params["metric_transformation"]
    transformation: dict[str, Any] = {
        "metricName": metric["metric_name"],
        "metricNamespace": metric["metric_namespace"],
        "metricValue": str(metric["metric_value"]),
    }
    if metric.get("default_value") is not None:
        transformation["defaultValue"] = float(metric["default_value"])
    if metric.get("dimensions"):
        transformation["dimensions"] = {str(k): str(v) for k, v in metric["dimensions"].items()}
    if metric.get("unit"):
        transformation["unit"] = metric["unit"]
    return {"filterPattern": params["filter_pattern"], "metricTransformations": [transformation]}


def describe(connection: Any, log_group: str, name: str) -> dict[str, Any] | None:
    """The filter named exactly ``name`` on ``log_group`` (None when it or the log group does not exist)."""
    try:
        pages = connection.get_paginator("describe_metric_filters").paginate(
            logGroupName=log_group, filterNamePrefix=name
        )
        for page in pages:
            for found in page.get("metricFilters", []):
                if found.get("filterName") == name:
                    return found
    except ClientError as e:
        if e.response["Error"]["Code"] == "ResourceNotFoundException":
            return None
        raise
    return None


def describe_all(connection: Any, log_group: str) -> dict[str, dict[str, Any]]:
    """Every filter of ``log_group`` by name, in one paginated DescribeMetricFilters (50 a page, at most 100 filters
    per log group); ``{}`` when the log group does not exist."""
    try:
        found = paginate(
            connection.describe_metric_filters, "metricFilters", token_key="nextToken", logGroupName=log_group
        )
    except ClientError as e:
        if e.response["Error"]["Code"] == "ResourceNotFoundException":
            return {}
        raise
    return {f["filterName"]: f for f in found}


def view(found: Mapping[str, Any] | None) -> dict[str, Any]:
    """The managed fields of a filter, with the defaults AWS leaves out filled in, for comparing and diff."""
    if not found:
        return {}
    transformations = []
    for t in found.get("metricTransformations", []):
        item = {k: t[k] for k in ("metricName", "metricNamespace", "metricValue") if k in t}
        if t.get("defaultValue") is not None:
            item["defaultValue"] = float(t["defaultValue"])
        if t.get("dimensions"):
            item["dimensions"] = dict(t["dimensions"])
        if t.get("unit") and t["unit"] != "None":
            item["unit"] = t["unit"]
        transformations.append(item)
    return {"filterPattern": found.get("filterPattern", ""), "metricTransformations": transformations}


def put(connection: Any, log_group: str, name: str, body: Mapping[str, Any]) -> None:
    connection.put_metric_filter(aws_retry=True, logGroupName=log_group, filterName=name, **body)


def delete(connection: Any, log_group: str, name: str) -> None:
    connection.delete_metric_filter(aws_retry=True, logGroupName=log_group, filterName=name)


def to_ansible(filter_view: Mapping[str, Any]) -> dict[str, Any]:
    """A :func:`view` snake_cased for a module's result; the dimension names inside stay the user's."""
    if not filter_view:
        return {}
    return {
        "filter_pattern": filter_view["filterPattern"],
        "metric_transformations": [
            {
                **camel_dict_to_snake_dict({k: v for k, v in t.items() if k != "dimensions"}),
                **({"dimensions": t["dimensions"]} if "dimensions" in t else {}),
            }
            for t in filter_view["metricTransformations"]
        ],
    }
