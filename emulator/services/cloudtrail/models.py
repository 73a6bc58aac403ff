"""CloudTrail backend fixes: DeleteTrail by ARN, GetTrailStatus with the CloudWatch Logs delivery, event selectors."""

from __future__ import annotations

import json
from typing import Any

from moto.cloudtrail.models import CloudTrailBackend, Trail
from moto.cloudtrail.responses import CloudTrailResponse
from moto.core.utils import utcnow

from emulator.extensions import extension, override


def delete_trail(self: CloudTrailBackend, name: str) -> None:
    """DeleteTrail (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DeleteTrail.html).

    ``Name`` is the trail's name or its ARN; an unknown trail is TrailNotFoundException, and the trail's
    tags go with it.
    """
    trail = self.get_trail(name)  # raises TrailNotFoundException, by name or ARN
    del self.trails[trail.trail_name]
    self.tagging_service.delete_all_tags_for_resource(trail.arn)


@extension("cloudtrail", "DeleteTrail")
def delete_trail_by_arn() -> None:
    """DeleteTrail takes the trail's ARN (moto 5.2.5 ignores an ARN: the trail stays, the call succeeds).

    amazon.aws.cloudtrail deletes by ARN, so on plain moto a teardown leaves the trail behind.
    """
    override(CloudTrailBackend, delete_trail)


def get_trail_status(self: CloudTrailResponse) -> str:
    """GetTrailStatus (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetTrailStatus.html).

    A logging trail with a CloudWatch Logs group delivers to it within minutes: ``LatestCloudWatchLogsDeliveryTime``
    (epoch seconds, as boto3 reads a timestamp of this JSON API).
    """
    name = self._get_param("Name")
    status = self.cloudtrail_backend.get_trail_status(name)
    description = status.description()
    trails = self.cloudtrail_backend.describe_trails(include_shadow_trails=True)
    trail = next((t for t in trails if name in (t.trail_name, t.arn)), None)
    if status.is_logging and trail is not None and getattr(trail, "cw_log_group_arn", None):
        description["LatestCloudWatchLogsDeliveryTime"] = utcnow().timestamp()
    return json.dumps(description)


@extension("cloudtrail", "GetTrailStatus")
def cloudwatch_logs_delivery() -> None:
    """GetTrailStatus reports the CloudWatch Logs delivery of a logging trail (moto 5.2.5: never delivered).

    prowler's cloudtrail_cloudwatch_logging_enabled (FSBP CloudTrail.5) reads LatestCloudWatchLogsDeliveryTime.
    """
    override(CloudTrailResponse, get_trail_status)


def put_event_selectors(
    self: Trail, event_selectors: list[dict[str, Any]], advanced_event_selectors: list[dict[str, Any]]
) -> None:
    """PutEventSelectors: classic and advanced selectors replace each other (a trail has one kind or the other).

    https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventSelectors.html
    """
    if event_selectors:
        self.event_selectors = event_selectors
        self.advanced_event_selectors = []
    elif advanced_event_selectors:
        self.event_selectors = []
        self.advanced_event_selectors = advanced_event_selectors


@extension("cloudtrail", "PutEventSelectors")
def event_selector_kinds() -> None:
    """Classic event selectors replace advanced ones (moto 5.2.5 keeps the advanced ones beside them)."""
    override(Trail, put_event_selectors)
