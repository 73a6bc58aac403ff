"""CloudWatch request handlers: DescribeAlarms pages."""

from __future__ import annotations

from moto.cloudwatch.exceptions import InvalidParameterValue, ValidationError
from moto.cloudwatch.responses import CloudWatchResponse
from moto.core.responses import ActionResult

from emulator.extensions import extension, original, override
from emulator.paging import index_page

#: DescribeAlarms' MaxRecords: 1 to 100, 50 when not given (the API reference).
MAX_RECORDS = 100
DEFAULT_RECORDS = 50


def describe_alarms(self: CloudWatchResponse) -> ActionResult:
    """DescribeAlarms (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html).

    Alarms sorted by name, at most ``MaxRecords`` (1-100, default 50) a page with a ``NextToken`` for the rest.
    The filters (``AlarmNames``, ``AlarmNamePrefix``, ``StateValue``, ``ActionPrefix``) are moto's.
    """
    max_records = self._get_int_param("MaxRecords", DEFAULT_RECORDS)
    if not 1 <= max_records <= MAX_RECORDS:
        raise ValidationError(
            f"1 validation error detected: Value '{max_records}' at 'maxRecords' failed to satisfy constraint: "
            f"Member must have value between 1 and {MAX_RECORDS}"
        )
    found = original(CloudWatchResponse, "describe_alarms")(self).result
    alarms = sorted(found["MetricAlarms"] + found["CompositeAlarms"], key=lambda alarm: alarm.name)
    page, next_token = index_page(
        alarms,
        self._get_param("NextToken"),
        max_records,
        lambda token: InvalidParameterValue(f"Invalid NextToken: {token}"),
    )
    result = {
        "MetricAlarms": [a for a in page if a.rule is None],
        "CompositeAlarms": [a for a in page if a.rule is not None],
    }
    if next_token:
        result["NextToken"] = next_token
    return ActionResult(result)


@extension("cloudwatch", "DescribeAlarms")
def describe_alarms_pages() -> None:
    """DescribeAlarms pages by MaxRecords (default 50, at most 100) with NextToken (moto 5.2.5: all at once).

    moto answers every alarm in one response whatever MaxRecords says, so a client that never follows
    NextToken, or that leaves MaxRecords at its default of 50, looks right on moto.
    """
    override(CloudWatchResponse, describe_alarms)
