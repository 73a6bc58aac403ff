# Copyright: ecap.platform contributors
# MIT License
"""Filters for the day-2 playbooks (playbooks/ops/): the RDS restore window, quota needs, the S3 version to restore."""

from __future__ import annotations

DOCUMENTATION = r"""
name: rds_restore_window
short_description: The point-in-time restore window of an RDS instance
description:
  - From an instance as M(amazon.aws.rds_instance_info) returns it, the earliest and latest restorable times,
    ISO 8601 in UTC. The latest is C(latest_restorable_time); the earliest is the backup retention period back
    from it, not before the instance was created. Both empty when backups are off.
options:
  _input:
    description: The instance (snake_case, as amazon.aws.rds_instance_info returns it).
    type: dict
    required: true
"""

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from ansible.errors import AnsibleFilterError


def _time(value: Any) -> datetime:
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError as e:
            raise AnsibleFilterError(f"{value!r} is not an ISO 8601 time such as 2025-01-31T12:00:00Z") from e
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def rds_restore_window(instance: Mapping[str, Any]) -> dict[str, str]:
    latest = instance.get("latest_restorable_time")
    retention = int(instance.get("backup_retention_period") or 0)
    if not latest or retention == 0:
        return {"earliest": "", "latest": ""}
    latest_time = _time(latest)
    earliest = latest_time - timedelta(days=retention)
    created = instance.get("instance_create_time")
    if created:
        earliest = max(earliest, _time(created))
    return {"earliest": earliest.isoformat(), "latest": latest_time.isoformat()}


def restore_time_in_window(time: str, window: Mapping[str, str]) -> bool:
    """Whether the ISO 8601 ``time`` is inside ``window`` (as rds_restore_window returns it)."""
    if not window.get("latest"):
        return False
    return _time(window["earliest"]) <= _time(time) <= _time(window["latest"])


def iso_utc(time: str) -> str:
    """An ISO 8601 time normalised to UTC (``2025-01-31T12:00:00+00:00``); fails on anything else."""
    return _time(time).isoformat()


def s3_version_to_restore(versions: list[Mapping[str, Any]], version_id: str = "", before: str = "") -> dict[str, Any]:
    """The object version (not a delete marker) to make current again, from s3_object_version_info's list.

    ``version_id``: that version; ``before``: the newest version written before that time. Returns
    ``{"version": ..., "markers_above": [...], "current": ...}``: ``markers_above`` are the delete markers
    newer than the version when nothing else is (removing them undeletes it); empty ``version`` when none fits.
    """
    ordered = sorted(versions, key=lambda v: (v["is_latest"], _time(v["last_modified"])), reverse=True)
    current = ordered[0] if ordered else {}
    candidates = [v for v in ordered if not v["delete_marker"]]
    if version_id:
        chosen = next((v for v in ordered if v["version_id"] == version_id), None)
        if chosen is not None and chosen["delete_marker"]:
            raise AnsibleFilterError(f"version_id {version_id} is a delete marker, not a version to restore")
    elif before:
        limit = _time(before)
        chosen = next((v for v in candidates if _time(v["last_modified"]) < limit), None)
    else:
        chosen = None
    if chosen is None:
        return {"version": {}, "markers_above": [], "current": current}
    above = ordered[: ordered.index(chosen)]
    markers = [v for v in above if v["delete_marker"]] if all(v["delete_marker"] for v in above) else []
    return {"version": chosen, "markers_above": markers, "current": current}


def node_group_vcpus(node_groups: list[Mapping[str, Any]], vcpus: Mapping[str, int], capacity_type: str) -> int:
    """vCPUs the EKS node groups of ``capacity_type`` (ON_DEMAND or SPOT) reach at their max size.

    A group with several instance types counts its largest one (what the quota must allow).
    """
    total = 0
    for group in node_groups:
        if (group.get("capacity_type") or "ON_DEMAND").upper() != capacity_type.upper():
            continue
        types = group.get("instance_types") or []
        unknown = [t for t in types if t not in vcpus]
        if unknown:
            raise AnsibleFilterError(f"no vCPU count for {', '.join(unknown)} (node group {group.get('name')})")
        total += int(group.get("max_size") or 0) * max((int(vcpus[t]) for t in types), default=0)
    return total


def quota_request(need: Mapping[str, Any]) -> dict[str, str]:
    """``{service_code, quota_code}`` of a need row (``service``, ``code``), for service_quota_info."""
    return {"service_code": str(need["service"]), "quota_code": str(need["code"])}


def report_line(row: Mapping[str, Any]) -> str:
    """One aligned line of the preflight table."""
    return f"{row['status']:<7} {row['need']!s:<8} {row['have']!s:<13} {row['check']}"


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {
            "rds_restore_window": rds_restore_window,
            "restore_time_in_window": restore_time_in_window,
            "iso_utc": iso_utc,
            "s3_version_to_restore": s3_version_to_restore,
            "node_group_vcpus": node_group_vcpus,
            "quota_request": quota_request,
            "preflight_report_line": report_line,
        }
