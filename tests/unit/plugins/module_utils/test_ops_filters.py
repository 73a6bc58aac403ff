"""Pure logic of the day-2 playbooks' filters (plugins/filter/ops.py)."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.ecap.platform.plugins.filter.ops import (
    node_group_vcpus,
    rds_restore_window,
    restore_time_in_window,
    s3_version_to_restore,
)


def test_restore_window_is_the_retention_back_not_before_the_create():
    instance = {
        "latest_restorable_time": "2025-01-31T12:00:00+00:00",
        "backup_retention_period": 3,
        "instance_create_time": "2025-01-30T00:00:00Z",
    }
    window = rds_restore_window(instance)
    assert window == {"earliest": "2025-01-30T00:00:00+00:00", "latest": "2025-01-31T12:00:00+00:00"}
    assert restore_time_in_window("2025-01-31T11:00:00Z", window)
    assert not restore_time_in_window("2025-01-29T23:59:00Z", window)
    assert rds_restore_window({"backup_retention_period": 0}) == {"earliest": "", "latest": ""}


def _v(version_id, when, latest=False, marker=False):
    return {"version_id": version_id, "last_modified": when, "is_latest": latest, "delete_marker": marker}


def test_version_to_restore():
    versions = [
        _v("m2", "2025-01-03T00:00:00+00:00", latest=True, marker=True),
        _v("m1", "2025-01-02T12:00:00+00:00", marker=True),
        _v("v2", "2025-01-02T00:00:00+00:00"),
        _v("v1", "2025-01-01T00:00:00+00:00"),
    ]
    newest = s3_version_to_restore(versions, before="2025-01-05T00:00:00Z")
    assert newest["version"]["version_id"] == "v2"
    assert [m["version_id"] for m in newest["markers_above"]] == ["m2", "m1"], "only markers above: undelete"
    older = s3_version_to_restore(versions, version_id="v1")
    assert older["version"]["version_id"] == "v1" and older["markers_above"] == [], "a version above: copy"
    assert s3_version_to_restore(versions, before="2024-12-31T00:00:00Z")["version"] == {}
    with pytest.raises(AnsibleFilterError):
        s3_version_to_restore(versions, version_id="m1")


def test_node_group_vcpus_counts_the_largest_type_at_max_size():
    groups = [
        {"name": "system", "capacity_type": "ON_DEMAND", "instance_types": ["t3.medium"], "max_size": 2},
        {"name": "workload", "capacity_type": "SPOT", "instance_types": ["t3.small", "m5.xlarge"], "max_size": 3},
    ]
    vcpus = {"t3.medium": 2, "t3.small": 2, "m5.xlarge": 4}
    assert node_group_vcpus(groups, vcpus, "ON_DEMAND") == 4
    assert node_group_vcpus(groups, vcpus, "SPOT") == 12
    with pytest.raises(AnsibleFilterError):
        node_group_vcpus(groups, {"t3.medium": 2}, "SPOT")
