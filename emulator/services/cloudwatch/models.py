"""CloudWatch backend fixes: PutMetricAlarm leaves the tags of an existing alarm alone."""

from __future__ import annotations

from typing import Any

from moto.cloudwatch.models import Alarm, CloudWatchBackend

from emulator.extensions import extension, original, override


def put_metric_alarm(self: CloudWatchBackend, name: str, *args: Any, **kwargs: Any) -> Alarm:
    """PutMetricAlarm (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).

    "If you are using this operation to update an existing alarm, any tags you specify in this parameter are
    ignored": only a create applies ``Tags`` (moto 5.2.5 adds them on every call).
    """
    if name in self.alarms:
        kwargs["tags"] = None
    return original(CloudWatchBackend, "put_metric_alarm")(self, name, *args, **kwargs)


@extension("cloudwatch", "PutMetricAlarm")
def alarm_tags_only_on_create() -> None:
    """PutMetricAlarm applies Tags only when it creates the alarm (moto 5.2.5 also tags on an update).

    AWS ignores them on an update (TagResource and UntagResource change the tags of an existing alarm), so a
    client that passed them on every update would look converged on moto and never tag on AWS.
    """
    override(CloudWatchBackend, put_metric_alarm)
