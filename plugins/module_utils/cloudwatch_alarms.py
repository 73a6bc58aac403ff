# Copyright: ecap.platform contributors
# MIT License
"""CloudWatch metric alarms in bulk (the cloudwatch_metric_alarms module): read many in few calls, compare
table-driven, put only the ones that differ, tag, delete.

- Reads: ``DescribeAlarms`` by ``AlarmNames`` (100 a call, ``MaxRecords=100``) or by ``AlarmNamePrefix``,
  following ``NextToken``.
- Compares: :data:`FIELDS` maps each option to its ``DescribeAlarms`` field; only the options set are compared,
  after :func:`with_defaults` has filled in what AWS leaves out (``TreatMissingData`` ``missing``, actions on,
  no actions, ``DatapointsToAlarm`` = ``EvaluationPeriods``).
- Writes: ``PutMetricAlarm`` replaces the whole definition, so an update sends the alarm as it is with the
  options set over it (:func:`put_request`): an option left unset keeps its value.
- Tags: ``DescribeAlarms`` returns none. New alarms get theirs in ``PutMetricAlarm`` (which ignores ``Tags`` on
  an update); existing ones are read and converged through the Resource Groups Tagging API
  (``module_utils/resource_tags.py``: one ``GetResources`` per 100 alarms, one ``TagResources`` /
  ``UntagResources`` per 20 alarms needing the same change) instead of a ``ListTagsForResource`` per alarm.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ansible_collections.ecap.platform.plugins.module_utils.common import (
    chunks,
    dict_to_tags,
    diff_params,
    paginate,
)

#: DescribeAlarms' AlarmNames and MaxRecords, and DeleteAlarms' AlarmNames: at most 100 a call.
BATCH = 100
MAX_NAME = 255
MAX_DIMENSIONS = 30
COMPARISONS = (
    "GreaterThanOrEqualToThreshold",
    "GreaterThanThreshold",
    "LessThanThreshold",
    "LessThanOrEqualToThreshold",
)
STATISTICS = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")
TREAT_MISSING_DATA = ("breaching", "notBreaching", "ignore", "missing")
LOW_SAMPLE_COUNT = ("evaluate", "ignore")
#: Periods PutMetricAlarm takes: 10, 20, 30 (high resolution) or a multiple of 60 seconds.
SHORT_PERIODS = (10, 20, 30)

#: Option -> DescribeAlarms / PutMetricAlarm field. Adding an option is one line here (and one in the module).
FIELDS: dict[str, str] = {
    "description": "AlarmDescription",
    "namespace": "Namespace",
    "metric_name": "MetricName",
    "dimensions": "Dimensions",
    "statistic": "Statistic",
    "extended_statistic": "ExtendedStatistic",
    "comparison_operator": "ComparisonOperator",
    "threshold": "Threshold",
    "period": "Period",
    "evaluation_periods": "EvaluationPeriods",
    "datapoints_to_alarm": "DatapointsToAlarm",
    "unit": "Unit",
    "treat_missing_data": "TreatMissingData",
    "evaluate_low_sample_count_percentile": "EvaluateLowSampleCountPercentile",
    "actions_enabled": "ActionsEnabled",
    "alarm_actions": "AlarmActions",
    "ok_actions": "OKActions",
    "insufficient_data_actions": "InsufficientDataActions",
}
REQUIRED = ("namespace", "metric_name", "comparison_operator", "threshold", "period", "evaluation_periods")
ACTIONS = ("alarm_actions", "ok_actions", "insufficient_data_actions")


def dimensions_dict(value: Any) -> dict[str, str]:
    """Dimensions as ``{name: value}``, from the option (a dict) or the API (``[{"Name", "Value"}]``)."""
    if isinstance(value, Mapping):
        return {str(k): str(v) for k, v in value.items()}
    return {d["Name"]: d["Value"] for d in value or []}


def _sorted_list(value: Any) -> list[str]:
    return sorted(value or [])


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


#: Applied to both sides before comparing (dimension order and action order carry no meaning).
NORMALIZE: dict[str, Callable[[Any], Any]] = {
    "dimensions": dimensions_dict,
    "threshold": _float,
    **dict.fromkeys(ACTIONS, _sorted_list),
}
#: Option -> its PutMetricAlarm value.
TO_API: dict[str, Callable[[Any], Any]] = {
    "dimensions": lambda value: [{"Name": k, "Value": v} for k, v in sorted(dimensions_dict(value).items())],
    "threshold": float,
}


# --------------------------------------------------------------------------- validation


def validate(alarms: list[Mapping[str, Any]], state: str, purge: bool, prefix: str | None) -> list[str]:
    """Every error in the options, before any call."""
    names = [alarm["name"] for alarm in alarms]
    errors = [f"alarm name {n!r} must be 1 to {MAX_NAME} characters." for n in names if not 0 < len(n) <= MAX_NAME]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        errors.append(f"alarms lists {', '.join(duplicates)} more than once.")
    if purge and not prefix:
        errors.append("purge needs a prefix: the alarms under it that alarms does not list are deleted.")
    if prefix:
        outside = [n for n in names if not n.startswith(prefix)]
        if outside:
            errors.append(f"with a prefix, every alarm name must start with {prefix}: {', '.join(outside)}.")
    if state == "present":
        for alarm in alarms:
            errors += [f"{alarm['name']}: {e}" for e in validate_alarm(alarm)]
    return errors


def validate_alarm(alarm: Mapping[str, Any]) -> list[str]:
    errors = [f"{option} is required with state=present." for option in REQUIRED if alarm.get(option) is None]
    if (alarm.get("statistic") is None) == (alarm.get("extended_statistic") is None):
        errors.append("exactly one of statistic and extended_statistic is required with state=present.")
    if alarm.get("evaluate_low_sample_count_percentile") and not alarm.get("extended_statistic"):
        errors.append("evaluate_low_sample_count_percentile applies to an extended_statistic (a percentile) only.")
    period = alarm.get("period")
    if period is not None and not (period in SHORT_PERIODS or (period > 0 and period % 60 == 0)):
        errors.append(f"period={period} must be 10, 20, 30 or a multiple of 60 seconds.")
    evaluation = alarm.get("evaluation_periods")
    if evaluation is not None and evaluation < 1:
        errors.append(f"evaluation_periods={evaluation} must be at least 1.")
    datapoints = alarm.get("datapoints_to_alarm")
    if datapoints is not None and not 1 <= datapoints <= (evaluation or datapoints):
        errors.append(f"datapoints_to_alarm={datapoints} must be from 1 to evaluation_periods.")
    if len(alarm.get("dimensions") or {}) > MAX_DIMENSIONS:
        errors.append(f"dimensions has {len(alarm['dimensions'])} entries; at most {MAX_DIMENSIONS}.")
    return errors


# --------------------------------------------------------------------------- reads


def describe_by_names(connection: Any, names: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Name -> the metric alarm as DescribeAlarms returns it, for the names that exist (100 names a call)."""
    found: dict[str, dict[str, Any]] = {}
    for batch in chunks(list(names), BATCH):
        pages = paginate(
            connection.describe_alarms, "MetricAlarms", AlarmNames=batch, AlarmTypes=["MetricAlarm"], MaxRecords=BATCH
        )
        found.update((alarm["AlarmName"], alarm) for alarm in pages)
    return found


def describe_by_prefix(connection: Any, prefix: str) -> dict[str, dict[str, Any]]:
    """Name -> metric alarm for every metric alarm whose name starts with ``prefix`` (100 a page)."""
    pages = paginate(
        connection.describe_alarms, "MetricAlarms", AlarmNamePrefix=prefix, AlarmTypes=["MetricAlarm"], MaxRecords=BATCH
    )
    return {alarm["AlarmName"]: alarm for alarm in pages}


# --------------------------------------------------------------------------- compare


def with_defaults(alarm: Mapping[str, Any]) -> dict[str, Any]:
    """The alarm with the values AWS leaves out of DescribeAlarms filled in, for comparing."""
    result = dict(alarm)
    result["AlarmDescription"] = alarm.get("AlarmDescription") or ""
    result["TreatMissingData"] = alarm.get("TreatMissingData") or "missing"
    result["ActionsEnabled"] = True if alarm.get("ActionsEnabled") is None else alarm["ActionsEnabled"]
    for option in (*ACTIONS, "dimensions"):
        result[FIELDS[option]] = alarm.get(FIELDS[option]) or []
    if alarm.get("DatapointsToAlarm") is None:
        result["DatapointsToAlarm"] = alarm.get("EvaluationPeriods")
    return result


def differences(current: Mapping[str, Any], wanted: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Option -> ``(current, wanted)`` for every option set in ``wanted`` that the alarm does not have."""
    return diff_params(with_defaults(current), wanted, FIELDS, NORMALIZE)


def put_request(
    name: str, wanted: Mapping[str, Any], current: Mapping[str, Any] | None, tags: Mapping[str, str] | None
) -> dict[str, Any]:
    """PutMetricAlarm's parameters: the options set, over the current definition when the alarm exists.

    PutMetricAlarm replaces the whole definition, so an option left unset keeps its current value. ``Tags`` go
    with a create only (AWS ignores them on an update).
    """
    request: dict[str, Any] = {}
    if current:
        request = {field: current[field] for field in FIELDS.values() if current.get(field) not in (None, [])}
        if wanted.get("statistic") is not None:  # one of the two, never both
            request.pop("ExtendedStatistic", None)
            request.pop("EvaluateLowSampleCountPercentile", None)
        if wanted.get("extended_statistic") is not None:
            request.pop("Statistic", None)
    for option, field in FIELDS.items():
        if wanted.get(option) is not None:
            request[field] = TO_API.get(option, _identity)(wanted[option])
    request["AlarmName"] = name
    if not current and tags:
        request["Tags"] = dict_to_tags(tags)
    return request


def _identity(value: Any) -> Any:
    return value


def view(alarm: Mapping[str, Any] | None) -> dict[str, Any]:
    """The alarm's options (the fields AWS returned or a request sets), as a module returns and diffs them."""
    if not alarm:
        return {}
    return {
        option: NORMALIZE.get(option, _identity)(alarm[field])
        for option, field in FIELDS.items()
        if alarm.get(field) not in (None, [])
    }


# --------------------------------------------------------------------------- writes


def put(connection: Any, request: Mapping[str, Any]) -> None:
    connection.put_metric_alarm(aws_retry=True, **request)


def delete(connection: Any, names: list[str]) -> None:
    """DeleteAlarms, 100 names a call."""
    for batch in chunks(list(names), BATCH):
        connection.delete_alarms(aws_retry=True, AlarmNames=batch)
