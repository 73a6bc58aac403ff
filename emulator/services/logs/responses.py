"""CloudWatch Logs request handlers: AssociateKmsKey and DisassociateKmsKey, DescribeMetricFilters pages."""

from __future__ import annotations

import json

from moto.logs.exceptions import InvalidParameterException
from moto.logs.responses import LogsResponse

from emulator.extensions import extension, original, override
from emulator.paging import index_page


def associate_kms_key(self: LogsResponse) -> str:
    """AssociateKmsKey (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_AssociateKmsKey.html)."""
    self.logs_backend.associate_kms_key(
        self._get_param("logGroupName"), self._get_param("kmsKeyId"), self._get_param("resourceIdentifier")
    )
    return ""


def disassociate_kms_key(self: LogsResponse) -> str:
    """DisassociateKmsKey (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DisassociateKmsKey.html)."""
    self.logs_backend.disassociate_kms_key(self._get_param("logGroupName"), self._get_param("resourceIdentifier"))
    return ""


@extension("logs", "AssociateKmsKey", "DisassociateKmsKey")
def kms_key_handlers() -> None:
    """AssociateKmsKey, DisassociateKmsKey: the request handlers moto 5.2.5 lacks."""
    override(LogsResponse, associate_kms_key)
    override(LogsResponse, disassociate_kms_key)


#: DescribeMetricFilters' limit: 1 to 50, 50 when not given (the API reference).
METRIC_FILTERS_PAGE = 50


def describe_metric_filters(self: LogsResponse) -> str:
    """DescribeMetricFilters (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeMetricFilters.html).

    "The results are ASCII-sorted by filter name", at most ``limit`` (1-50, default 50) a page, with a
    ``nextToken`` for the rest; moto's own handler validates the parameters and filters.
    """
    limit = self._get_param("limit")
    if limit is not None and not 1 <= int(limit) <= METRIC_FILTERS_PAGE:
        raise InvalidParameterException(
            constraint=f"Member must have value between 1 and {METRIC_FILTERS_PAGE}", parameter="limit", value=limit
        )
    token = self._get_param("nextToken")
    found = json.loads(original(LogsResponse, "describe_metric_filters")(self))["metricFilters"]
    found.sort(key=lambda f: f["filterName"])
    page, next_token = index_page(
        found,
        token,
        int(limit or METRIC_FILTERS_PAGE),
        lambda bad: InvalidParameterException(msg=f"Invalid nextToken: {bad}"),
    )
    result: dict[str, object] = {"metricFilters": page}
    if next_token:
        result["nextToken"] = next_token
    return json.dumps(result)


@extension("logs", "DescribeMetricFilters")
def metric_filters_pages() -> None:
    """DescribeMetricFilters answers pages of 50 (or limit), sorted by name, with nextToken (moto 5.2.5: all at once).

    moto ignores ``limit``, answers every filter in one response and echoes the ``nextToken`` it was sent (a
    client that follows it loops), so a client that reads one page only looks right on moto.
    """
    override(LogsResponse, describe_metric_filters)
