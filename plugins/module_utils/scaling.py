# Copyright: ecap.platform contributors
# MIT License
"""Off-hours scaling: EKS managed node groups to zero and back, RDS DB instances stopped and started.

``down`` remembers a node group's sizes in a tag on the node group (:data:`TAG`, value ``min/desired/max``)
before it sets min and desired to 0 (max stays: EKS needs max >= 1); ``up`` restores the remembered sizes and
removes the tag. A node group already at zero, or with nothing remembered, is left alone (``changed=False``),
so down twice and up twice are no-ops. RDS: ``down`` stops an ``available`` instance, ``up`` starts a
``stopped`` one; an instance already ``stopped``/``stopping`` (down) or ``available``/``starting`` (up) is left
alone; any other state is refused before any change.

Pure planning (:func:`plan_nodegroup`, :func:`plan_instance`, :func:`parse_sizes`) is separate from the calls.
Note: the site's eks tier purges tags it does not set, so a site run while scaled down brings the inventory's
sizes back (and removes the tag); AWS starts a stopped DB instance by itself after seven days.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from typing import Any

TAG = "ecap.platform/scaled-down-from"
_SIZES = re.compile(r"^(\d+)/(\d+)/(\d+)$")

RDS_DOWN_NOOP = ("stopped", "stopping")
RDS_UP_NOOP = ("available", "starting")


def format_sizes(scaling: Mapping[str, int]) -> str:
    return f"{scaling['minSize']}/{scaling['desiredSize']}/{scaling['maxSize']}"


def parse_sizes(value: str) -> dict[str, int] | None:
    """``"1/2/4"`` -> ``{"minSize": 1, "desiredSize": 2, "maxSize": 4}``; None when it is not that shape."""
    match = _SIZES.match(value or "")
    if not match:
        return None
    low, desired, high = (int(g) for g in match.groups())
    if not low <= desired <= high or high < 1:
        return None
    return {"minSize": low, "desiredSize": desired, "maxSize": high}


def plan_nodegroup(nodegroup: Mapping[str, Any], action: str) -> dict[str, Any]:
    """What to do with one node group: ``{"scaling": <new config> | None, "tag": <value> | None, "untag": bool,
    "reason": str, "error": str}``."""
    scaling = dict(nodegroup.get("scalingConfig") or {})
    remembered = (nodegroup.get("tags") or {}).get(TAG)
    status = nodegroup.get("status")
    plan: dict[str, Any] = {"scaling": None, "tag": None, "untag": False, "reason": "", "error": ""}
    if action == "down":
        if scaling.get("minSize") == 0 and scaling.get("desiredSize") == 0:
            plan["reason"] = "already at zero"
            return plan
        if not remembered or parse_sizes(remembered) is None:
            plan["tag"] = format_sizes(scaling)
        plan["scaling"] = {"minSize": 0, "desiredSize": 0, "maxSize": max(int(scaling.get("maxSize") or 1), 1)}
        plan["reason"] = f"scale to zero (remember {plan['tag'] or remembered})"
    else:
        previous = parse_sizes(remembered or "")
        if previous is None:
            plan["reason"] = (
                "nothing remembered (not scaled down by scale.yml)"
                if not remembered
                else f"tag {TAG}={remembered} is not min/desired/max: run the site to restore the inventory's sizes"
            )
            return plan
        if {k: scaling.get(k) for k in previous} != previous:
            plan["scaling"] = previous
        plan["untag"] = True
        plan["reason"] = f"restore {format_sizes(previous)}"
    if plan["scaling"] is not None and status != "ACTIVE":
        plan["error"] = f"node group {nodegroup.get('nodegroupName')} is {status}: scale it once it is ACTIVE"
    return plan


def plan_instance(instance: Mapping[str, Any], action: str) -> dict[str, Any]:
    """What to do with one DB instance: ``{"call": "stop"|"start"|None, "reason", "error"}``."""
    status = instance.get("DBInstanceStatus", "")
    name = instance.get("DBInstanceIdentifier", "?")
    if action == "down":
        if status in RDS_DOWN_NOOP:
            return {"call": None, "reason": f"already {status}", "error": ""}
        if status == "available":
            if instance.get("ReadReplicaSourceDBInstanceIdentifier"):
                return {"call": None, "reason": "", "error": f"{name} is a read replica: RDS cannot stop it"}
            return {"call": "stop", "reason": "stop", "error": ""}
    else:
        if status in RDS_UP_NOOP:
            return {"call": None, "reason": f"already {status}", "error": ""}
        if status == "stopped":
            return {"call": "start", "reason": "start", "error": ""}
    verb = "stopped" if action == "down" else "started"
    return {"call": None, "reason": "", "error": f"{name} is {status}: it can be {verb} only once it settles"}


# --------------------------------------------------------------------------- calls


def describe_nodegroups(eks: Any, cluster: str, names: list[str]) -> list[dict[str, Any]]:
    if not names:
        names, token = [], None
        while True:
            page = eks.list_nodegroups(aws_retry=True, clusterName=cluster, **({"nextToken": token} if token else {}))
            names.extend(page.get("nodegroups") or [])
            token = page.get("nextToken")
            if not token:
                break
    return [eks.describe_nodegroup(aws_retry=True, clusterName=cluster, nodegroupName=n)["nodegroup"] for n in names]


def apply_nodegroup(eks: Any, nodegroup: Mapping[str, Any], plan: Mapping[str, Any]) -> str | None:
    """Tag first (so a run killed between the calls still remembers), then update; returns the update id."""
    arn = nodegroup["nodegroupArn"]
    if plan["tag"]:
        eks.tag_resource(aws_retry=True, resourceArn=arn, tags={TAG: plan["tag"]})
    update_id = None
    if plan["scaling"] is not None:
        update = eks.update_nodegroup_config(
            aws_retry=True,
            clusterName=nodegroup["clusterName"],
            nodegroupName=nodegroup["nodegroupName"],
            scalingConfig=plan["scaling"],
        )
        update_id = update["update"]["id"]
    return update_id


def wait_nodegroup_update(eks: Any, nodegroup: Mapping[str, Any], update_id: str, timeout: int, delay: int) -> None:
    deadline = time.monotonic() + timeout
    while True:
        update = eks.describe_update(
            aws_retry=True, name=nodegroup["clusterName"], nodegroupName=nodegroup["nodegroupName"], updateId=update_id
        )["update"]
        if update["status"] == "Successful":
            return
        if update["status"] in ("Failed", "Cancelled"):
            errors = "; ".join(e.get("errorMessage", "") for e in update.get("errors") or [])
            raise RuntimeError(f"update {update_id} of {nodegroup['nodegroupName']} {update['status']}: {errors}")
        if time.monotonic() + delay > deadline:
            raise TimeoutError(
                f"Timed out after {timeout}s waiting for update {update_id} of node group "
                f"{nodegroup['nodegroupName']} (last status {update['status']})"
            )
        time.sleep(delay)


def wait_instance(rds: Any, identifier: str, wanted: str, timeout: int, delay: int) -> str:
    deadline = time.monotonic() + timeout
    while True:
        status = rds.describe_db_instances(aws_retry=True, DBInstanceIdentifier=identifier)["DBInstances"][0][
            "DBInstanceStatus"
        ]
        if status == wanted:
            return status
        if time.monotonic() + delay > deadline:
            raise TimeoutError(f"Timed out after {timeout}s waiting for {identifier} to be {wanted} (last {status})")
        time.sleep(delay)


def sizes_view(scaling: Mapping[str, Any] | None) -> dict[str, int]:
    scaling = scaling or {}
    return {
        "min_size": scaling.get("minSize"),
        "desired_size": scaling.get("desiredSize"),
        "max_size": scaling.get("maxSize"),
    }
