"""EventBridge Scheduler request handlers: ClientToken and ActionAfterCompletion reach the backend."""

from __future__ import annotations

import json

from moto.scheduler.responses import EventBridgeSchedulerResponse

from emulator.extensions import extension, override


def _schedule_params(self: EventBridgeSchedulerResponse) -> dict[str, object]:
    return {
        "description": self._get_param("Description"),
        "end_date": self._get_param("EndDate"),
        "flexible_time_window": self._get_param("FlexibleTimeWindow"),
        "group_name": self._get_param("GroupName"),
        "kms_key_arn": self._get_param("KmsKeyArn"),
        "name": self.uri.split("?")[0].split("/")[-1],
        "schedule_expression": self._get_param("ScheduleExpression"),
        "schedule_expression_timezone": self._get_param("ScheduleExpressionTimezone"),
        "start_date": self._get_param("StartDate"),
        "state": self._get_param("State"),
        "target": self._get_param("Target"),
        "action_after_completion": self._get_param("ActionAfterCompletion"),
        "client_token": self._get_param("ClientToken"),
    }


def create_schedule(self: EventBridgeSchedulerResponse) -> str:
    schedule = self.scheduler_backend.create_schedule(**_schedule_params(self))
    return json.dumps({"ScheduleArn": schedule.arn})


def update_schedule(self: EventBridgeSchedulerResponse) -> str:
    schedule = self.scheduler_backend.update_schedule(**_schedule_params(self))
    return json.dumps({"ScheduleArn": schedule.arn})


def create_schedule_group(self: EventBridgeSchedulerResponse) -> str:
    group = self.scheduler_backend.create_schedule_group(
        name=self.uri.split("?")[0].split("/")[-1],
        tags=self._get_param("Tags"),
        client_token=self._get_param("ClientToken"),
    )
    return json.dumps({"ScheduleGroupArn": group.arn})


@extension("scheduler", "CreateSchedule", "UpdateSchedule", "CreateScheduleGroup")
def scheduler_handlers() -> None:
    """CreateSchedule, UpdateSchedule, CreateScheduleGroup pass ClientToken (and ActionAfterCompletion on update)."""
    for function in (create_schedule, update_schedule, create_schedule_group):
        override(EventBridgeSchedulerResponse, function)
