"""Amazon EKS compute: managed node groups, add-ons, their updates; EC2 launch template versions.

What moto 5.2.5 gets wrong or lacks, and what AWS does instead:

- node groups are ``ACTIVE`` at once and gone at once (AWS: ``CREATING`` ~5 minutes, ``DELETING`` ~5);
  DescribeNodegroup has no ``updateConfig`` unless one was set by an update (AWS always reports one,
  ``{"maxUnavailable": 1}`` by default: community.aws.eks_nodegroup reads ``nodegroup["updateConfig"]``,
  the **KeyError on updateConfig**), CreateNodegroup drops ``updateConfig``, reports ``remoteAccess``,
  ``diskSize`` and ``instanceTypes`` nobody asked for (with a launch template too), an ASG name without
  the node group's name, release version ``1.19.8-20210414`` whatever the Kubernetes version, no
  ``launchTemplate.version``; no validation of sizes, capacity type, launch template (existence,
  version, instance type, image), taints or labels;
- UpdateNodegroupConfig applies at once and answers ``Successful`` with Python-repr params; no
  one-update-at-a-time rule; UpdateNodegroupVersion is missing;
- add-ons are missing altogether (DescribeAddonVersions, Create/Describe/Update/Delete/ListAddons,
  DescribeAddonConfiguration), and so are DescribeUpdate/ListUpdates;
- TagResource and friends know clusters only;
- EC2 launch templates: CreateLaunchTemplate copies the template's own tags into the version's
  ``LaunchTemplateData.TagSpecifications`` (amazon.aws.ec2_launch_template then makes a new version on
  every second run), ``ClientToken`` is ignored, CreateLaunchTemplateVersion ignores ``SourceVersion``,
  DeleteLaunchTemplateVersions is missing (500: ec2_launch_template ``state: absent`` fails), and
  DescribeLaunchTemplates / DescribeLaunchTemplateVersions stop at ``MaxResults`` without a ``NextToken``.

Updates of node groups and add-ons live in the cluster's update registry
(``Cluster.__dict__["_emulator_updates"]``, the one the cluster extension keeps its own updates in),
as objects with ``id``, ``type``, ``params``, ``lifecycle``, ``token``, ``nodegroup``, ``addon`` and
``to_dict()``: DescribeUpdate/ListUpdates of either extension find them. State lives on moto's model
objects, so ``/moto-api/reset`` clears it.
"""

from __future__ import annotations

import json
import re
import uuid
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.ec2.exceptions import EC2ClientError, InvalidLaunchTemplateVersionNotFound
from moto.ec2.models import ec2_backends
from moto.ec2.models.launch_templates import LaunchTemplate, LaunchTemplateBackend
from moto.ec2.responses.launch_templates import LaunchTemplates
from moto.eks.exceptions import (
    InvalidParameterException,
    InvalidRequestException,
    ResourceInUseException,
    ResourceNotFoundException,
)
from moto.eks.models import CLUSTER_NOT_FOUND_MSG, NODEGROUP_NOT_FOUND_MSG, Cluster, EKSBackend, Nodegroup
from moto.eks.responses import EKSResponse
from moto.eks.utils import validate_role_arn

from emulator.extensions import add_url_paths, extension, override
from emulator.lifecycle import Lifecycle
from emulator.services.eks.cluster import (
    ClusterUpdate,
    minor,
    register_update,
    running_update,
    update_by_token,
    updates,
)

# =================================================================================================
# Shared: errors, clusters, the update registry
# =================================================================================================


def _invalid(message: str, cluster: str | None = None, nodegroup: str | None = None, addon: str | None = None):
    return InvalidParameterException(
        clusterName=cluster, nodegroupName=nodegroup, fargateProfileName=None, addonName=addon, message=message
    )


def _in_use(message: str, cluster: str | None = None, nodegroup: str | None = None, addon: str | None = None):
    return ResourceInUseException(clusterName=cluster, nodegroupName=nodegroup, addonName=addon, message=message)


def _not_found(message: str, cluster: str | None = None, nodegroup: str | None = None, addon: str | None = None):
    return ResourceNotFoundException(
        clusterName=cluster, nodegroupName=nodegroup, fargateProfileName=None, addonName=addon, message=message
    )


def _cluster(backend: EKSBackend, name: str) -> Cluster:
    for each in list(backend.clusters.values()):
        lifecycle = each.__dict__.get("_emulator_lifecycle")
        if lifecycle is not None:
            lifecycle.settle()  # the cluster extension's lifecycle drops a deleted cluster
    cluster = backend.clusters.get(name)
    if cluster is None:
        raise _not_found(CLUSTER_NOT_FOUND_MSG.format(clusterName=name))
    return cluster


def _active_cluster(backend: EKSBackend, name: str) -> Cluster:
    cluster = _cluster(backend, name)
    if cluster.status not in ("ACTIVE", "UPDATING"):
        raise InvalidRequestException(message=f"Cluster '{name}' is not in ACTIVE status")
    return cluster


def _param(kind: str, value: Any) -> dict[str, str]:
    return {"type": kind, "value": value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))}


# =================================================================================================
# Node groups
# =================================================================================================

#: Latest Kubernetes patch release of the EKS optimized AMIs per minor version (AL2023, 2025).
KUBERNETES_PATCH = {
    "1.28": "1.28.15",
    "1.29": "1.29.15",
    "1.30": "1.30.11",
    "1.31": "1.31.7",
    "1.32": "1.32.3",
    "1.33": "1.33.0",
    "1.34": "1.34.1",
}
#: AMI release dates, oldest first; the last is the latest release.
AMI_RELEASES = ("20250403", "20250519")
CAPACITY_TYPES = ("ON_DEMAND", "SPOT", "CAPACITY_BLOCK")
TAINT_EFFECTS = ("NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE")
DEFAULT_UPDATE_CONFIG = {"maxUnavailable": 1}
LABEL_KEY = re.compile(
    r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$"
)
#: Per-update duration kind (emulator.lifecycle.REAL_DURATIONS).
NODEGROUP_UPDATE_KIND = "eks_nodegroup_update"


def release_versions(version: str) -> list[str]:
    patch = KUBERNETES_PATCH.get(version, f"{version}.0")
    return [f"{patch}-{date}" for date in AMI_RELEASES]


def default_ami_type(version: str) -> str:
    """AWS's default without a custom AMI: AL2023 from Kubernetes 1.33 (no AL2 AMIs there), AL2 before."""
    return "AL2023_x86_64_STANDARD" if minor(version) >= (1, 33) else "AL2_x86_64"


def ng_lifecycle(nodegroup: Nodegroup) -> Lifecycle | None:
    return nodegroup.__dict__.get("_emulator_lifecycle")


def _ng_status(self: Nodegroup) -> str:
    pinned = self.__dict__.get("_emulator_pinned_status")
    if pinned:
        return pinned
    lifecycle = ng_lifecycle(self)
    if lifecycle is None:
        return self.__dict__.get("_emulator_status", "ACTIVE")
    state = lifecycle.state or "DELETING"
    cluster = self.__dict__.get("_emulator_cluster")
    if state == "ACTIVE" and cluster is not None and running_update(cluster, nodegroup=self.nodegroup_name):
        return "UPDATING"
    return state


def _set_ng_status(self: Nodegroup, value: str) -> None:
    self.__dict__["_emulator_status"] = value


def _nodegroup_count(self: Cluster) -> int:
    settle_nodegroups(self)
    return len(self.nodegroups)


def _set_nodegroup_count(self: Cluster, value: int) -> None:
    """moto counts node groups by hand; the count is the number of node groups not yet gone."""


def settle_nodegroups(cluster: Cluster) -> None:
    for nodegroup in list(cluster.__dict__.get("nodegroups", {}).values()):
        lifecycle = ng_lifecycle(nodegroup)
        if lifecycle is not None:
            lifecycle.settle()


def find_nodegroup(backend: EKSBackend, cluster_name: str, name: str) -> tuple[Cluster, Nodegroup]:
    cluster = _cluster(backend, cluster_name)
    settle_nodegroups(cluster)
    nodegroup = cluster.nodegroups.get(name)
    if nodegroup is None:
        raise _not_found(NODEGROUP_NOT_FOUND_MSG.format(nodegroupName=name), cluster_name, name)
    return cluster, nodegroup


def _ec2(backend: EKSBackend) -> Any:
    return ec2_backends[backend.account_id][backend.region_name]


def resolve_launch_template(
    backend: EKSBackend, spec: dict[str, Any], cluster: str, nodegroup: str
) -> tuple[LaunchTemplate, Any]:
    """The EC2 launch template and version a node group's ``launchTemplate`` names (AWS's checks)."""
    if not isinstance(spec, dict) or not (spec.get("id") or spec.get("name")):
        raise _invalid("Either launch template ID or launch template name must be specified.", cluster, nodegroup)
    if spec.get("id") and spec.get("name"):
        raise _invalid("Either launch template ID or launch template name may be specified, not both.", cluster)
    ec2 = _ec2(backend)
    try:
        if spec.get("id"):
            template = ec2.get_launch_template(spec["id"])
        else:
            template = ec2.get_launch_template_by_name(spec["name"])
    except EC2ClientError:
        ref = spec.get("id") or spec.get("name")
        raise _invalid(f"Launch template {ref} does not exist", cluster, nodegroup) from None
    version = spec.get("version")
    try:
        found = template.get_version(version) if version not in (None, "") else template.default_version()
    except (EC2ClientError, ValueError, IndexError):
        raise _invalid(
            f"Launch template version {version} does not exist for launch template {template.id}", cluster, nodegroup
        ) from None
    if not str(version or "1").startswith("$") and str(version or "1") != str(found.number):
        raise _invalid(f"Launch template version {version} is not valid", cluster, nodegroup)
    return template, found


def _validate_scaling(scaling: dict[str, Any], cluster: str, nodegroup: str) -> None:
    low, high, desired = scaling.get("minSize"), scaling.get("maxSize"), scaling.get("desiredSize")
    if high is not None and high < 1:
        raise _invalid("Maximum capacity must be greater than or equal to 1", cluster, nodegroup)
    if low is not None and low < 0:
        raise _invalid("Minimum capacity must be greater than or equal to 0", cluster, nodegroup)
    if low is not None and high is not None and low > high:
        raise _invalid(f"Minimum capacity {low} can't be greater than maximum capacity {high}", cluster, nodegroup)
    if desired is not None and high is not None and desired > high:
        raise _invalid(f"Desired capacity {desired} can't be greater than maximum capacity {high}", cluster, nodegroup)
    if desired is not None and low is not None and desired < low:
        raise _invalid(f"Desired capacity {desired} can't be less than minimum capacity {low}", cluster, nodegroup)


def _validate_update_config(config: dict[str, Any] | None, cluster: str, nodegroup: str) -> None:
    if not config:
        return
    keys = [k for k in ("maxUnavailable", "maxUnavailablePercentage") if config.get(k) is not None]
    if len(keys) != 1:
        raise _invalid(
            "Exactly one of maxUnavailable and maxUnavailablePercentage must be specified", cluster, nodegroup
        )
    value = config[keys[0]]
    if not isinstance(value, int) or not 1 <= value <= 100:
        raise _invalid(f"{keys[0]} must be between 1 and 100", cluster, nodegroup)


def _validate_labels(labels: dict[str, Any] | None, cluster: str, nodegroup: str) -> None:
    for key, value in (labels or {}).items():
        if not LABEL_KEY.match(str(key)) or len(str(key).split("/")[-1]) > 63:
            raise _invalid(f"Label key {key} is not a valid Kubernetes label key", cluster, nodegroup)
        if value is None or len(str(value)) > 63:
            raise _invalid(f"Label value of {key} is not a valid Kubernetes label value", cluster, nodegroup)


def _validate_taints(taints: list[dict[str, Any]] | None, cluster: str, nodegroup: str) -> None:
    seen = set()
    for taint in taints or []:
        if not taint.get("key") or taint.get("effect") not in TAINT_EFFECTS:
            raise _invalid(f"Taint {taint} needs a key and an effect of {', '.join(TAINT_EFFECTS)}", cluster, nodegroup)
        if (taint["key"], taint["effect"]) in seen:
            raise _invalid(f"Duplicate taint {taint['key']}:{taint['effect']}", cluster, nodegroup)
        seen.add((taint["key"], taint["effect"]))


def create_nodegroup(
    self: EKSBackend,
    cluster_name: str,
    node_role: str,
    nodegroup_name: str,
    subnets: list[str],
    scaling_config: dict[str, int] | None = None,
    disk_size: int | None = None,
    instance_types: list[str] | None = None,
    ami_type: str | None = None,
    remote_access: dict[str, Any] | None = None,
    labels: dict[str, str] | None = None,
    taints: list[dict[str, str]] | None = None,
    tags: dict[str, str] | None = None,
    client_request_token: str | None = None,
    launch_template: dict[str, str] | None = None,
    capacity_type: str | None = None,
    version: str | None = None,
    release_version: str | None = None,
    update_config: dict[str, Any] | None = None,
    node_repair_config: dict[str, Any] | None = None,
) -> Nodegroup:
    """CreateNodegroup, validated as AWS does; ``CREATING`` for the profile's ``eks_nodegroup`` duration."""
    types_given = bool(instance_types)
    cluster = _cluster(self, cluster_name)
    settle_nodegroups(cluster)
    existing = cluster.nodegroups.get(nodegroup_name)
    if existing is not None:
        if client_request_token and existing.client_request_token == client_request_token:
            return existing  # a retried create
        raise _in_use(
            f"NodeGroup already exists with name {nodegroup_name} and cluster name {cluster_name}",
            cluster_name,
            nodegroup_name,
        )
    if cluster.status != "ACTIVE":
        raise InvalidRequestException(message=f"Cluster '{cluster_name}' is not in ACTIVE status")
    validate_role_arn(node_role)
    if not subnets:
        raise _invalid("Subnets are required", cluster_name, nodegroup_name)
    scaling = {"minSize": 1, "maxSize": 2, "desiredSize": 2, **(scaling_config or {})}
    if scaling_config and "desiredSize" not in scaling_config:
        scaling["desiredSize"] = scaling["minSize"] or 1
    _validate_scaling(scaling, cluster_name, nodegroup_name)
    capacity_type = capacity_type or "ON_DEMAND"
    if capacity_type not in CAPACITY_TYPES:
        raise _invalid(f"Invalid capacity type {capacity_type}", cluster_name, nodegroup_name)
    _validate_update_config(update_config, cluster_name, nodegroup_name)
    _validate_labels(labels, cluster_name, nodegroup_name)
    _validate_taints(taints, cluster_name, nodegroup_name)
    version_given = bool(version)
    version = version or cluster.version
    if minor(version) > minor(cluster.version):
        raise _invalid(
            f"Requested Nodegroup version {version} is newer than the cluster version {cluster.version}",
            cluster_name,
            nodegroup_name,
        )
    template_ref = None
    custom_ami = template_sets_type = False
    if launch_template:
        if disk_size:
            raise _invalid("Disk size must be specified within the launch template.", cluster_name, nodegroup_name)
        if remote_access:
            raise _invalid(
                "Remote access configuration cannot be specified with a launch template.",
                cluster_name,
                nodegroup_name,
            )
        template, found = resolve_launch_template(self, launch_template, cluster_name, nodegroup_name)
        data = found.data or {}
        if data.get("InstanceType") and instance_types:
            raise _invalid(
                "Instance type must be specified in either the launch template or the node group, not both.",
                cluster_name,
                nodegroup_name,
            )
        custom_ami = bool(data.get("ImageId"))
        template_sets_type = bool(data.get("InstanceType"))
        if custom_ami and ami_type not in (None, "CUSTOM"):
            raise _invalid(
                "You cannot specify an AMI type other than CUSTOM with a launch template that specifies an image.",
                cluster_name,
                nodegroup_name,
            )
        if custom_ami and (release_version or version_given):
            raise _invalid(
                "You cannot specify a version or release version with a launch template that specifies an image.",
                cluster_name,
                nodegroup_name,
            )
        template_ref = {"name": template.name, "version": str(found.number), "id": template.id}
        if not data.get("InstanceType") and not instance_types:
            instance_types = ["t3.medium"]
    elif ami_type == "CUSTOM":
        raise _invalid("A CUSTOM AMI type needs a launch template that specifies an image.", cluster_name)
    if release_version and release_version not in release_versions(version):
        raise _invalid(
            f"Requested release version {release_version} is not valid for kubernetes version {version}.",
            cluster_name,
            nodegroup_name,
        )
    nodegroup = Nodegroup(
        cluster_name=cluster_name,
        node_role=node_role,
        nodegroup_name=nodegroup_name,
        subnets=list(subnets),
        scaling_config=scaling,
        disk_size=None,
        instance_types=list(instance_types) if instance_types else None,
        ami_type="CUSTOM" if custom_ami else (ami_type or default_ami_type(version)),
        remote_access=deepcopy(remote_access),
        labels=dict(labels or {}),
        taints=deepcopy(taints or []),
        tags=dict(tags or {}),
        client_request_token=client_request_token,
        launch_template=None,
        capacity_type=capacity_type,
        version=version,
        release_version=release_version or release_versions(version)[-1],
        update_config=dict(update_config or DEFAULT_UPDATE_CONFIG),
        node_repair_config=node_repair_config,
        account_id=self.account_id,
        region_name=self.region_name,
        aws_partition=self.partition,
    )
    nodegroup.launch_template = template_ref
    nodegroup.__dict__.update(
        _emulator_cluster=cluster,
        _emulator_custom_ami=custom_ami,
        _emulator_disk_size=None if launch_template else (disk_size or 20),
        _emulator_instance_types=None if template_sets_type else list(instance_types or ["t3.medium"]),
        _emulator_remote_access=deepcopy(remote_access),
        _emulator_instance_types_given=types_given,
    )
    nodegroup.resources = {"autoScalingGroups": [{"name": f"eks-{nodegroup_name}-{nodegroup.uuid}"}]}
    if remote_access:
        nodegroup.resources["remoteAccessSecurityGroup"] = f"sg-{uuid.uuid4().hex[:17]}"

    def gone() -> None:
        if cluster.nodegroups.get(nodegroup_name) is nodegroup:
            cluster.nodegroups.pop(nodegroup_name, None)

    nodegroup.__dict__["_emulator_lifecycle"] = Lifecycle.begin(
        "eks_nodegroup", creating="CREATING", ready="ACTIVE", deleting="DELETING", deleted=None, on_deleted=gone
    )
    nodegroup.__dict__["_emulator_fresh"] = True
    cluster.nodegroups[nodegroup_name] = nodegroup
    return nodegroup


def _ready_for_update(cluster: Cluster, nodegroup: Nodegroup) -> None:
    running = running_update(cluster, nodegroup=nodegroup.nodegroup_name)
    if running is not None:
        raise _in_use(
            f"Nodegroup {nodegroup.nodegroup_name} already has an update {running.id} in progress",
            cluster.name,
            nodegroup.nodegroup_name,
        )
    if nodegroup.status != "ACTIVE" and nodegroup.status != "DEGRADED":
        raise _in_use(
            f"Nodegroup {nodegroup.nodegroup_name} is currently in {nodegroup.status} state and cannot be updated",
            cluster.name,
            nodegroup.nodegroup_name,
        )


def update_nodegroup_config(
    self: EKSBackend,
    cluster_name: str,
    nodegroup_name: str,
    labels: dict[str, Any] | None = None,
    taints: dict[str, Any] | None = None,
    scaling_config: dict[str, int] | None = None,
    update_config: dict[str, Any] | None = None,
    node_repair_config: dict[str, Any] | None = None,
    client_request_token: str | None = None,
) -> ClusterUpdate:
    """UpdateNodegroupConfig: validated, applied, an update ``InProgress`` (the group ``UPDATING``)."""
    cluster, nodegroup = find_nodegroup(self, cluster_name, nodegroup_name)
    retried = update_by_token(cluster, client_request_token, nodegroup=nodegroup_name, in_progress=True)
    if retried is not None:
        return retried
    _ready_for_update(cluster, nodegroup)
    params: list[dict[str, str]] = []
    scaling = {**nodegroup.scaling_config}
    if scaling_config:
        scaling.update({k: v for k, v in scaling_config.items() if v is not None})
        _validate_scaling(scaling, cluster_name, nodegroup_name)
        for key, kind in (("minSize", "MinSize"), ("maxSize", "MaxSize"), ("desiredSize", "DesiredSize")):
            if scaling_config.get(key) is not None:
                params.append({"type": kind, "value": str(scaling_config[key])})
    new_labels = dict(nodegroup.labels or {})
    if labels:
        add, remove = labels.get("addOrUpdateLabels") or {}, labels.get("removeLabels") or []
        both = set(add) & set(remove)
        if both:
            raise _invalid(
                f"The same label key(s) {sorted(both)} can't be both added and removed", cluster_name, nodegroup_name
            )
        _validate_labels(add, cluster_name, nodegroup_name)
        new_labels.update(add)
        for key in remove:
            new_labels.pop(key, None)
        if add:
            params.append(_param("LabelsToAdd", add))
        if remove:
            params.append(_param("LabelsToRemove", remove))
    new_taints = deepcopy(nodegroup.taints or [])
    if taints:
        add_t, remove_t = taints.get("addOrUpdateTaints") or [], taints.get("removeTaints") or []
        _validate_taints(add_t, cluster_name, nodegroup_name)
        for taint in remove_t:
            new_taints = [
                t for t in new_taints if (t["key"], t.get("effect")) != (taint.get("key"), taint.get("effect"))
            ]
        for taint in add_t:
            new_taints = [t for t in new_taints if (t["key"], t.get("effect")) != (taint["key"], taint["effect"])]
            new_taints.append({k: taint[k] for k in ("key", "value", "effect") if taint.get(k) is not None})
        if add_t:
            params.append(_param("TaintsToAdd", add_t))
        if remove_t:
            params.append(_param("TaintsToRemove", remove_t))
    if update_config:
        _validate_update_config(update_config, cluster_name, nodegroup_name)
        for key, kind in (
            ("maxUnavailable", "MaxUnavailable"),
            ("maxUnavailablePercentage", "MaxUnavailablePercentage"),
        ):
            if update_config.get(key) is not None:
                params.append({"type": kind, "value": str(update_config[key])})
    if node_repair_config:
        params.append({"type": "NodeRepairEnabled", "value": str(bool(node_repair_config.get("enabled"))).lower()})
    if not params:
        raise _invalid("No changes needed", cluster_name, nodegroup_name)
    nodegroup.scaling_config = scaling
    nodegroup.labels = new_labels
    nodegroup.taints = new_taints
    if update_config:
        nodegroup.update_config = {k: v for k, v in update_config.items() if v is not None}
    if node_repair_config:
        nodegroup.node_repair_config = node_repair_config
    nodegroup.modified_at = utcnow()
    return register_update(
        cluster, "ConfigUpdate", params, client_request_token, nodegroup=nodegroup_name, kind=NODEGROUP_UPDATE_KIND
    )


def update_nodegroup_version(
    self: EKSBackend,
    cluster_name: str,
    nodegroup_name: str,
    version: str | None = None,
    release_version: str | None = None,
    launch_template: dict[str, Any] | None = None,
    force: bool = False,
    client_request_token: str | None = None,
) -> ClusterUpdate:
    """UpdateNodegroupVersion: a new launch template version and/or Kubernetes/AMI release (``VersionUpdate``)."""
    cluster, nodegroup = find_nodegroup(self, cluster_name, nodegroup_name)
    retried = update_by_token(cluster, client_request_token, nodegroup=nodegroup_name, in_progress=True)
    if retried is not None:
        return retried
    _ready_for_update(cluster, nodegroup)
    params: list[dict[str, str]] = []
    custom_ami = nodegroup.__dict__.get("_emulator_custom_ami", False)
    new_template = None
    if launch_template:
        if not nodegroup.launch_template:
            raise _invalid(
                "A launch template can't be specified for a node group created without one.",
                cluster_name,
                nodegroup_name,
            )
        template, found = resolve_launch_template(self, launch_template, cluster_name, nodegroup_name)
        if template.id != nodegroup.launch_template["id"]:
            raise _invalid(
                f"The launch template {template.id} is not the node group's launch template "
                f"{nodegroup.launch_template['id']}; only its version can change.",
                cluster_name,
                nodegroup_name,
            )
        if (found.data or {}).get("InstanceType") and nodegroup.__dict__.get("_emulator_instance_types_given"):
            raise _invalid(
                "Instance type must be specified in either the launch template or the node group, not both.",
                cluster_name,
                nodegroup_name,
            )
        custom_ami = bool((found.data or {}).get("ImageId"))
        if custom_ami != (nodegroup.ami_type == "CUSTOM"):
            raise _invalid(
                "The launch template version must specify an image exactly when the node group's AMI type is CUSTOM.",
                cluster_name,
                nodegroup_name,
            )
        new_template = {"name": template.name, "version": str(found.number), "id": template.id}
        params.append({"type": "LaunchTemplateName", "value": template.name})
        params.append({"type": "LaunchTemplateVersion", "value": str(found.number)})
    new_version, new_release = nodegroup.version, nodegroup.release_version
    if custom_ami:
        if version or release_version:
            raise _invalid(
                "Version and release version can't be specified for a node group with a custom AMI.",
                cluster_name,
                nodegroup_name,
            )
    elif version or release_version or not launch_template:
        new_version = version or cluster.version
        if minor(new_version) > minor(cluster.version):
            raise _invalid(
                f"Requested Nodegroup version {new_version} is newer than the cluster version {cluster.version}",
                cluster_name,
                nodegroup_name,
            )
        if minor(new_version) < minor(nodegroup.version):
            raise _invalid(
                f"Requested Nodegroup version {new_version} is older than the current version {nodegroup.version}",
                cluster_name,
                nodegroup_name,
            )
        if release_version and release_version not in release_versions(new_version):
            raise _invalid(
                f"Requested release version {release_version} is not valid for kubernetes version {new_version}.",
                cluster_name,
                nodegroup_name,
            )
        new_release = release_version or release_versions(new_version)[-1]
        params.append({"type": "Version", "value": new_version})
        params.append({"type": "ReleaseVersion", "value": new_release})
    del force  # AWS: replace nodes even when pods cannot be drained; nothing to drain here
    nodegroup.version, nodegroup.release_version = new_version, new_release
    if new_template is not None:
        nodegroup.launch_template = new_template
        nodegroup.__dict__["_emulator_custom_ami"] = custom_ami
    nodegroup.modified_at = utcnow()
    return register_update(
        cluster, "VersionUpdate", params, client_request_token, nodegroup=nodegroup_name, kind=NODEGROUP_UPDATE_KIND
    )


def delete_nodegroup(self: EKSBackend, cluster_name: str, nodegroup_name: str) -> Nodegroup:
    """DeleteNodegroup: ``DELETING`` for the profile's ``eks_nodegroup`` delete duration, then gone."""
    cluster, nodegroup = find_nodegroup(self, cluster_name, nodegroup_name)
    lifecycle = ng_lifecycle(nodegroup)
    if lifecycle is None:
        cluster.nodegroups.pop(nodegroup_name, None)
        return nodegroup
    if lifecycle.deleted_at is not None:
        raise _in_use(f"Nodegroup {nodegroup_name} is already being deleted", cluster_name, nodegroup_name)
    running = running_update(cluster, nodegroup=nodegroup_name)
    if running is not None or nodegroup.status == "CREATING":
        raise _in_use(
            f"Nodegroup {nodegroup_name} cannot be deleted while it is {nodegroup.status}", cluster_name, nodegroup_name
        )
    lifecycle.delete()
    return nodegroup


def list_nodegroups(self: EKSBackend, cluster_name: str, max_results: int, next_token: str | None) -> Any:
    cluster = _cluster(self, cluster_name)
    settle_nodegroups(cluster)
    names = sorted(cluster.nodegroups)
    start = names.index(next_token) if next_token in names else 0
    page = names[start : start + max_results]
    following = names[start + max_results] if start + max_results < len(names) else None
    return page, following


def nodegroup_view(nodegroup: Nodegroup, status: str | None = None) -> dict[str, Any]:
    """The node group as DescribeNodegroup shows it on AWS."""
    view: dict[str, Any] = {
        "nodegroupName": nodegroup.nodegroup_name,
        "nodegroupArn": nodegroup.arn,
        "clusterName": nodegroup.cluster_name,
        "version": nodegroup.version,
        "releaseVersion": nodegroup.release_version,
        "createdAt": nodegroup.created_at,
        "modifiedAt": nodegroup.modified_at,
        "status": status or nodegroup.status,
        "capacityType": nodegroup.capacity_type,
        "scalingConfig": dict(nodegroup.scaling_config),
        "subnets": list(nodegroup.subnets),
        "amiType": nodegroup.ami_type,
        "nodeRole": nodegroup.node_role,
        "labels": dict(nodegroup.labels or {}),
        "taints": deepcopy(nodegroup.taints or []),
        "resources": deepcopy(nodegroup.resources),
        "health": {"issues": []},
        "updateConfig": dict(nodegroup.update_config or DEFAULT_UPDATE_CONFIG),
        "tags": dict(nodegroup.tags or {}),
    }
    emulated = "_emulator_instance_types" in nodegroup.__dict__
    instance_types = nodegroup.__dict__.get("_emulator_instance_types") if emulated else nodegroup.instance_types
    if instance_types:
        view["instanceTypes"] = list(instance_types)
    disk_size = nodegroup.__dict__.get("_emulator_disk_size") if emulated else nodegroup.disk_size
    if disk_size:
        view["diskSize"] = int(disk_size)
    remote = nodegroup.__dict__.get("_emulator_remote_access") if emulated else nodegroup.remote_access
    if remote:
        view["remoteAccess"] = remote
    if nodegroup.launch_template:
        view["launchTemplate"] = dict(nodegroup.launch_template)
    if nodegroup.node_repair_config:
        view["nodeRepairConfig"] = nodegroup.node_repair_config
    return view


def handle_create_nodegroup(self: EKSResponse) -> ActionResult:
    nodegroup = self.eks_backend.create_nodegroup(
        cluster_name=self._get_param("name"),
        nodegroup_name=self._get_param("nodegroupName"),
        scaling_config=self._get_param("scalingConfig"),
        disk_size=self._get_param("diskSize"),
        subnets=self._get_param("subnets"),
        instance_types=self._get_param("instanceTypes"),
        ami_type=self._get_param("amiType"),
        remote_access=self._get_param("remoteAccess"),
        node_role=self._get_param("nodeRole"),
        labels=self._get_param("labels"),
        taints=self._get_param("taints"),
        tags=self._get_param("tags"),
        client_request_token=self._get_param("clientRequestToken"),
        launch_template=self._get_param("launchTemplate"),
        capacity_type=self._get_param("capacityType"),
        version=self._get_param("version"),
        release_version=self._get_param("releaseVersion"),
        update_config=self._get_param("updateConfig"),
        node_repair_config=self._get_param("nodeRepairConfig"),
    )
    fresh = nodegroup.__dict__.pop("_emulator_fresh", False)  # the create's answer says CREATING, as AWS's
    return ActionResult({"nodegroup": nodegroup_view(nodegroup, "CREATING" if fresh else None)})


def handle_describe_nodegroup(self: EKSResponse) -> ActionResult:
    _, nodegroup = find_nodegroup(self.eks_backend, self._get_param("name"), self._get_param("nodegroupName"))
    return ActionResult({"nodegroup": nodegroup_view(nodegroup)})


def handle_delete_nodegroup(self: EKSResponse) -> ActionResult:
    nodegroup = self.eks_backend.delete_nodegroup(
        cluster_name=self._get_param("name"), nodegroup_name=self._get_param("nodegroupName")
    )
    return ActionResult({"nodegroup": nodegroup_view(nodegroup, "DELETING")})


def handle_list_nodegroups(self: EKSResponse) -> ActionResult:
    names, following = self.eks_backend.list_nodegroups(
        self._get_param("name"), int(self._get_param("maxResults") or 100), self._get_param("nextToken")
    )
    body: dict[str, Any] = {"nodegroups": names}
    if following:
        body["nextToken"] = following
    return ActionResult(body)


def handle_update_nodegroup_config(self: EKSResponse) -> ActionResult:
    update = self.eks_backend.update_nodegroup_config(
        cluster_name=self._get_param("name"),
        nodegroup_name=self._get_param("nodegroupName"),
        labels=self._get_param("labels"),
        taints=self._get_param("taints"),
        scaling_config=self._get_param("scalingConfig"),
        update_config=self._get_param("updateConfig"),
        node_repair_config=self._get_param("nodeRepairConfig"),
        client_request_token=self._get_param("clientRequestToken"),
    )
    return ActionResult({"update": update.to_dict()})


def handle_update_nodegroup_version(self: EKSResponse) -> ActionResult:
    update = self.eks_backend.update_nodegroup_version(
        cluster_name=self._get_param("name"),
        nodegroup_name=self._get_param("nodegroupName"),
        version=self._get_param("version"),
        release_version=self._get_param("releaseVersion"),
        launch_template=self._get_param("launchTemplate"),
        force=bool(self._get_param("force")),
        client_request_token=self._get_param("clientRequestToken"),
    )
    return ActionResult({"update": update.to_dict()})


@extension(
    "eks",
    "CreateNodegroup",
    "DescribeNodegroup",
    "ListNodegroups",
    "DeleteNodegroup",
    "UpdateNodegroupConfig",
    "UpdateNodegroupVersion",
)
def nodegroup_lifecycle_and_updates() -> None:
    """Node groups: CREATING → ACTIVE → DELETING → gone, AWS's shape (updateConfig), validated updates one at a time.

    moto 5.2.5: ACTIVE and gone at once, no ``updateConfig`` unless an update set one (the KeyError of
    community.aws.eks_nodegroup), no validation, UpdateNodegroupConfig ``Successful`` at once,
    no UpdateNodegroupVersion.
    """
    Nodegroup.status = property(_ng_status, _set_ng_status)  # type: ignore[assignment]
    Cluster.nodegroup_count = property(_nodegroup_count, _set_nodegroup_count)  # type: ignore[assignment]
    for function in (create_nodegroup, update_nodegroup_config, update_nodegroup_version, delete_nodegroup):
        override(EKSBackend, function)
    override(EKSBackend, list_nodegroups)
    add_url_paths(
        "eks",
        {"{0}/clusters/(?P<name>[^/]+)/node-groups/(?P<nodegroupName>[^/]+)/update-version$": EKSResponse.dispatch},
    )
    for name, function in (
        ("create_nodegroup", handle_create_nodegroup),
        ("describe_nodegroup", handle_describe_nodegroup),
        ("delete_nodegroup", handle_delete_nodegroup),
        ("list_nodegroups", handle_list_nodegroups),
        ("update_nodegroup_config", handle_update_nodegroup_config),
        ("update_nodegroup_version", handle_update_nodegroup_version),
    ):
        override(EKSResponse, function, name)


# =================================================================================================
# Add-ons
# =================================================================================================

#: Kubernetes versions the add-on catalogue covers.
CATALOGUE_VERSIONS = ("1.28", "1.29", "1.30", "1.31", "1.32", "1.33", "1.34")
_ALL = CATALOGUE_VERSIONS


def _range(low: str, high: str) -> tuple[str, ...]:
    return tuple(v for v in CATALOGUE_VERSIONS if minor(low) <= minor(v) <= minor(high))


@dataclass(frozen=True)
class AddonSpec:
    """An add-on of the catalogue: its versions (newest first) with the Kubernetes versions each supports,
    the default version per Kubernetes version, and the top-level keys of its configuration schema."""

    type: str
    iam: bool
    versions: tuple[tuple[str, tuple[str, ...]], ...]
    defaults: dict[str, str]
    schema: dict[str, str]


_COMMON_SCHEMA = {
    "resources": "object",
    "nodeSelector": "object",
    "tolerations": "array",
    "affinity": "object",
    "podAnnotations": "object",
    "podLabels": "object",
}


def _kube_proxy() -> AddonSpec:
    builds = {
        "1.28": ("v1.28.15-eksbuild.20", "v1.28.12-eksbuild.5"),
        "1.29": ("v1.29.15-eksbuild.5", "v1.29.13-eksbuild.3"),
        "1.30": ("v1.30.11-eksbuild.5", "v1.30.9-eksbuild.3"),
        "1.31": ("v1.31.7-eksbuild.7", "v1.31.3-eksbuild.2"),
        "1.32": ("v1.32.3-eksbuild.7", "v1.32.0-eksbuild.2"),
        "1.33": ("v1.33.3-eksbuild.4", "v1.33.0-eksbuild.2"),
        "1.34": ("v1.34.0-eksbuild.4", "v1.34.0-eksbuild.2"),
    }
    versions = []
    for k8s in reversed(CATALOGUE_VERSIONS):
        latest, default = builds[k8s]
        versions += [(latest, (k8s,)), (default, (k8s,))]
    return AddonSpec(
        type="networking",
        iam=False,
        versions=tuple(versions),
        defaults={k8s: builds[k8s][1] for k8s in CATALOGUE_VERSIONS},
        schema={**_COMMON_SCHEMA, "ipvs": "object", "mode": "string", "podDisruptionBudget": "object"},
    )


ADDONS: dict[str, AddonSpec] = {
    "vpc-cni": AddonSpec(
        type="networking",
        iam=True,
        versions=(
            ("v1.20.0-eksbuild.1", _ALL),
            ("v1.19.6-eksbuild.1", _ALL),
            ("v1.19.5-eksbuild.3", _range("1.28", "1.33")),
            ("v1.19.2-eksbuild.1", _range("1.28", "1.32")),
            ("v1.18.6-eksbuild.1", _range("1.28", "1.31")),
        ),
        defaults={
            **{k8s: "v1.19.2-eksbuild.1" for k8s in _range("1.28", "1.32")},
            "1.33": "v1.19.5-eksbuild.3",
            "1.34": "v1.19.6-eksbuild.1",
        },
        schema={
            **_COMMON_SCHEMA,
            "env": "object",
            "init": "object",
            "nodeAgent": "object",
            "enableNetworkPolicy": "string",
            "enableWindowsIpam": "string",
            "enableWindowsPrefixDelegation": "string",
        },
    ),
    "coredns": AddonSpec(
        type="networking",
        iam=False,
        versions=(
            ("v1.12.2-eksbuild.4", _range("1.34", "1.34")),
            ("v1.12.1-eksbuild.2", _range("1.33", "1.34")),
            ("v1.11.4-eksbuild.14", _range("1.30", "1.33")),
            ("v1.11.3-eksbuild.2", _range("1.29", "1.31")),
            ("v1.11.1-eksbuild.13", _range("1.29", "1.29")),
            ("v1.10.1-eksbuild.18", _range("1.28", "1.28")),
        ),
        defaults={
            "1.28": "v1.10.1-eksbuild.18",
            "1.29": "v1.11.1-eksbuild.13",
            "1.30": "v1.11.3-eksbuild.2",
            "1.31": "v1.11.3-eksbuild.2",
            "1.32": "v1.11.4-eksbuild.14",
            "1.33": "v1.12.1-eksbuild.2",
            "1.34": "v1.12.2-eksbuild.4",
        },
        schema={
            **_COMMON_SCHEMA,
            "replicaCount": "integer",
            "corefile": "string",
            "autoScaling": "object",
            "topologySpreadConstraints": "array",
            "podDisruptionBudget": "object",
        },
    ),
    "kube-proxy": _kube_proxy(),
    "aws-ebs-csi-driver": AddonSpec(
        type="storage",
        iam=True,
        versions=(
            ("v1.45.0-eksbuild.2", _ALL),
            ("v1.44.0-eksbuild.1", _ALL),
            ("v1.41.0-eksbuild.1", _ALL),
            ("v1.38.1-eksbuild.2", _range("1.28", "1.32")),
        ),
        defaults={k8s: "v1.41.0-eksbuild.1" for k8s in _ALL},
        schema={
            "controller": "object",
            "node": "object",
            "sidecars": "object",
            "defaultStorageClass": "object",
            "storageClasses": "array",
            "volumeSnapshotClasses": "array",
        },
    ),
    "eks-pod-identity-agent": AddonSpec(
        type="security",
        iam=False,
        versions=(
            ("v1.3.8-eksbuild.2", _ALL),
            ("v1.3.7-eksbuild.2", _ALL),
            ("v1.3.4-eksbuild.1", _range("1.28", "1.32")),
        ),
        defaults={
            **{k8s: "v1.3.4-eksbuild.1" for k8s in _range("1.28", "1.32")},
            "1.33": "v1.3.7-eksbuild.2",
            "1.34": "v1.3.7-eksbuild.2",
        },
        schema={**_COMMON_SCHEMA, "agent": "object"},
    ),
    "amazon-cloudwatch-observability": AddonSpec(
        type="observability",
        iam=True,
        versions=(
            ("v4.2.0-eksbuild.1", _ALL),
            ("v4.1.0-eksbuild.1", _ALL),
            ("v3.7.0-eksbuild.1", _ALL),
            ("v3.6.0-eksbuild.2", _range("1.28", "1.32")),
        ),
        defaults={k8s: "v3.7.0-eksbuild.1" for k8s in _ALL},
        schema={
            **_COMMON_SCHEMA,
            "agent": "object",
            "containerLogs": "object",
            "manager": "object",
            "dcgmExporter": "object",
        },
    ),
}


def k8s_minor(version: str) -> str:
    major, m = minor(version)
    return f"{major}.{m}"


def addon_version_info(name: str, version: str, supported: tuple[str, ...]) -> dict[str, Any]:
    spec = ADDONS[name]
    return {
        "addonVersion": version,
        "architecture": ["amd64", "arm64"],
        "computeTypes": ["ec2", "hybrid"] if name != "aws-ebs-csi-driver" else ["ec2"],
        "compatibilities": [
            {"clusterVersion": k8s, "platformVersions": ["*"], "defaultVersion": spec.defaults.get(k8s) == version}
            for k8s in supported
        ],
        "requiresConfiguration": False,
        "requiresIamPermissions": spec.iam,
    }


def addon_info(name: str, kubernetes_version: str | None) -> dict[str, Any] | None:
    spec = ADDONS[name]
    k8s = k8s_minor(kubernetes_version) if kubernetes_version else None
    versions = [
        addon_version_info(name, version, supported)
        for version, supported in spec.versions
        if k8s is None or k8s in supported
    ]
    if not versions:
        return None
    return {
        "addonName": name,
        "type": spec.type,
        "addonVersions": versions,
        "publisher": "eks",
        "owner": "aws",
        "defaultNamespace": "amazon-cloudwatch" if name == "amazon-cloudwatch-observability" else "kube-system",
    }


def compatible(name: str, version: str, kubernetes_version: str) -> bool:
    return any(v == version and k8s_minor(kubernetes_version) in s for v, s in ADDONS[name].versions)


def configuration_schema(name: str) -> str:
    spec = ADDONS[name]
    properties = {key: {"type": kind} for key, kind in spec.schema.items()}
    return json.dumps(
        {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "additionalProperties": False,
            "properties": properties,
        },
        indent=2,
    )


_JSON_TYPES = {"object": dict, "array": list, "string": str, "integer": int, "boolean": bool, "number": (int, float)}


def validate_configuration(name: str, values: str | None, cluster: str) -> str | None:
    """``configurationValues`` must be a JSON (or YAML-free) object matching the add-on's schema; ``""`` clears."""
    if values in (None, ""):
        return None
    try:
        parsed = json.loads(values)
    except (TypeError, ValueError):
        raise _invalid(
            "ConfigurationValue provided in request is not supported: the configuration is not valid JSON",
            cluster,
            addon=name,
        ) from None
    if not isinstance(parsed, dict):
        raise _invalid("ConfigurationValue provided in request is not supported: not an object", cluster, addon=name)
    schema = ADDONS[name].schema
    for key, value in parsed.items():
        if key not in schema:
            raise _invalid(
                "ConfigurationValue provided in request is not supported: Json schema validation failed with error: "
                f"[$.{key}: is not defined in the schema and the schema does not allow additional properties]",
                cluster,
                addon=name,
            )
        expected = _JSON_TYPES[schema[key]]
        if not isinstance(value, expected) or (schema[key] == "integer" and isinstance(value, bool)):
            raise _invalid(
                "ConfigurationValue provided in request is not supported: Json schema validation failed with error: "
                f"[$.{key}: {type(value).__name__} found, {schema[key]} expected]",
                cluster,
                addon=name,
            )
    return values


@dataclass
class Addon:
    """An EKS add-on (AWS's ``Addon`` shape)."""

    addon_name: str
    cluster_name: str
    addon_version: str
    arn: str
    lifecycle: Lifecycle
    cluster: Cluster = field(repr=False)
    service_account_role_arn: str | None = None
    configuration_values: str | None = None
    resolve_conflicts: str | None = None
    client_request_token: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    created_at: datetime = field(default_factory=utcnow)
    modified_at: datetime = field(default_factory=utcnow)
    preserve: bool = False

    @property
    def addon_arn(self) -> str:
        return self.arn

    @property
    def status(self) -> str:
        state = self.lifecycle.state or "DELETING"
        if state == "ACTIVE" and running_update(self.cluster, addon=self.addon_name) is not None:
            return "UPDATING"
        return state

    def to_dict(self, status: str | None = None) -> dict[str, Any]:
        view: dict[str, Any] = {
            "addonName": self.addon_name,
            "clusterName": self.cluster_name,
            "status": status or self.status,
            "addonVersion": self.addon_version,
            "health": {"issues": []},
            "addonArn": self.arn,
            "createdAt": self.created_at,
            "modifiedAt": self.modified_at,
            "tags": dict(self.tags),
            "publisher": "eks",
            "owner": "aws",
        }
        if self.service_account_role_arn:
            view["serviceAccountRoleArn"] = self.service_account_role_arn
        if self.configuration_values:
            view["configurationValues"] = self.configuration_values
        return view


def addons(cluster: Cluster) -> dict[str, Addon]:
    """The cluster's add-ons (``cluster.addons``, which the cluster extension's tagging looks at)."""
    return cluster.__dict__.setdefault("addons", {})


def settle_addons(cluster: Cluster) -> None:
    for addon in list(addons(cluster).values()):
        addon.lifecycle.settle()


def find_addon(backend: EKSBackend, cluster_name: str, name: str) -> tuple[Cluster, Addon]:
    cluster = _cluster(backend, cluster_name)
    settle_addons(cluster)
    addon = addons(cluster).get(name)
    if addon is None:
        raise _not_found(f"No addon: {name} found in cluster: {cluster_name}", cluster_name, addon=name)
    return cluster, addon


def _check_version(name: str, version: str, cluster: Cluster) -> None:
    if not any(v == version for v, _ in ADDONS[name].versions):
        raise _invalid(f"Addon version specified is not supported, Addon: {name}, Version: {version}", cluster.name)
    if not compatible(name, version, cluster.version):
        raise _invalid(
            f"Addon version {version} of {name} is not supported for Kubernetes version {cluster.version}",
            cluster.name,
            addon=name,
        )


def _check_role(role: str | None) -> None:
    if role:
        validate_role_arn(role)


def create_addon(
    self: EKSBackend,
    cluster_name: str,
    addon_name: str,
    addon_version: str | None,
    service_account_role_arn: str | None,
    resolve_conflicts: str | None,
    client_request_token: str | None,
    tags: dict[str, str] | None,
    configuration_values: str | None,
) -> Addon:
    """CreateAddon: a catalogue add-on at a compatible version; ``CREATING`` for the ``eks_addon`` duration."""
    cluster = _cluster(self, cluster_name)
    settle_addons(cluster)
    existing = addons(cluster).get(addon_name)
    if existing is not None:
        if client_request_token and existing.client_request_token == client_request_token:
            return existing
        raise _in_use(f"Addon already exists with name: {addon_name}", cluster_name, addon=addon_name)
    if cluster.status not in ("ACTIVE", "UPDATING"):
        raise InvalidRequestException(message=f"Cluster '{cluster_name}' is not in ACTIVE status")
    if addon_name not in ADDONS:
        raise _invalid(f"Addon {addon_name} specified is not supported", cluster_name, addon=addon_name)
    version = addon_version or ADDONS[addon_name].defaults.get(k8s_minor(cluster.version))
    if version is None:
        raise _invalid(
            f"Addon {addon_name} is not supported for Kubernetes version {cluster.version}",
            cluster_name,
            addon=addon_name,
        )
    _check_version(addon_name, version, cluster)
    _check_role(service_account_role_arn)
    values = validate_configuration(addon_name, configuration_values, cluster_name)
    arn = f"arn:{self.partition}:eks:{self.region_name}:{self.account_id}:addon/{cluster_name}/{addon_name}"
    arn += f"/{uuid.uuid4()}"

    def gone() -> None:
        if addons(cluster).get(addon_name) is addon:
            addons(cluster).pop(addon_name, None)

    addon = Addon(
        addon_name=addon_name,
        cluster_name=cluster_name,
        addon_version=version,
        arn=arn,
        cluster=cluster,
        lifecycle=Lifecycle.begin(
            "eks_addon", creating="CREATING", ready="ACTIVE", deleting="DELETING", deleted=None, on_deleted=gone
        ),
        service_account_role_arn=service_account_role_arn or None,
        configuration_values=values,
        resolve_conflicts=resolve_conflicts,
        client_request_token=client_request_token,
        tags=dict(tags or {}),
    )
    addon.__dict__["_emulator_fresh"] = True
    addons(cluster)[addon_name] = addon
    return addon


def update_addon(
    self: EKSBackend,
    cluster_name: str,
    addon_name: str,
    addon_version: str | None,
    service_account_role_arn: str | None,
    resolve_conflicts: str | None,
    client_request_token: str | None,
    configuration_values: str | None,
) -> ClusterUpdate:
    """UpdateAddon: version, role and configuration values; an ``AddonUpdate`` (the add-on ``UPDATING``)."""
    cluster, addon = find_addon(self, cluster_name, addon_name)
    retried = update_by_token(cluster, client_request_token, addon=addon_name, in_progress=True)
    if retried is not None:
        return retried
    running = running_update(cluster, addon=addon_name)
    if running is not None:
        raise _in_use(
            f"Addon {addon_name} already has an update {running.id} in progress", cluster_name, addon=addon_name
        )
    if addon.status not in ("ACTIVE", "DEGRADED", "UPDATE_FAILED", "CREATE_FAILED"):
        raise _in_use(
            f"Addon {addon_name} is currently in {addon.status} state and cannot be updated",
            cluster_name,
            addon=addon_name,
        )
    params: list[dict[str, str]] = []
    if addon_version is not None:
        _check_version(addon_name, addon_version, cluster)
        params.append({"type": "AddonVersion", "value": addon_version})
    if service_account_role_arn is not None:
        _check_role(service_account_role_arn)
        params.append({"type": "ServiceAccountRoleArn", "value": service_account_role_arn})
    if configuration_values is not None:
        values = validate_configuration(addon_name, configuration_values, cluster_name)
        params.append({"type": "ConfigurationValues", "value": configuration_values})
    if resolve_conflicts:
        params.append({"type": "ResolveConflicts", "value": resolve_conflicts})
    if addon_version is not None:
        addon.addon_version = addon_version
    if service_account_role_arn is not None:
        addon.service_account_role_arn = service_account_role_arn or None
    if configuration_values is not None:
        addon.configuration_values = values
    addon.modified_at = utcnow()
    return register_update(cluster, "AddonUpdate", params, client_request_token, addon=addon_name, kind="eks_addon")


def delete_addon(self: EKSBackend, cluster_name: str, addon_name: str, preserve: bool) -> Addon:
    """DeleteAddon: ``DELETING`` for the ``eks_addon`` delete duration, then gone (``preserve`` kept)."""
    cluster, addon = find_addon(self, cluster_name, addon_name)
    if addon.lifecycle.deleted_at is None:
        if running_update(cluster, addon=addon_name) is not None:
            raise _in_use(f"Addon {addon_name} cannot be deleted while it is updating", cluster_name, addon=addon_name)
        addon.preserve = preserve
        addon.lifecycle.delete()
    return addon


def _bool(value: Any) -> bool:
    return str(value).lower() == "true"


def _query_list(self: EKSResponse, name: str) -> list[str]:
    values = self.querystring.get(name) or []
    return [v for v in values if v]


def handle_describe_addon_versions(self: EKSResponse) -> ActionResult:
    k8s = self._get_param("kubernetesVersion")
    name = self._get_param("addonName")
    types, publishers, owners = (_query_list(self, n) for n in ("types", "publishers", "owners"))
    infos = []
    for addon_name in sorted(ADDONS):
        if name and addon_name != name:
            continue
        info = addon_info(addon_name, k8s)
        if info is None:
            continue
        if (types and info["type"] not in types) or (publishers and "eks" not in publishers):
            continue
        if owners and "aws" not in owners:
            continue
        infos.append(info)
    start = int(self._get_param("nextToken") or 0)
    size = int(self._get_param("maxResults") or 100)
    body: dict[str, Any] = {"addons": infos[start : start + size]}
    if start + size < len(infos):
        body["nextToken"] = str(start + size)
    return ActionResult(body)


def handle_describe_addon_configuration(self: EKSResponse) -> ActionResult:
    name, version = self._get_param("addonName"), self._get_param("addonVersion")
    if name not in ADDONS or not any(v == version for v, _ in ADDONS[name].versions):
        raise _invalid(f"Addon version specified is not supported, Addon: {name}, Version: {version}")
    return ActionResult({"addonName": name, "addonVersion": version, "configurationSchema": configuration_schema(name)})


def handle_create_addon(self: EKSResponse) -> ActionResult:
    addon = create_addon(
        self.eks_backend,
        cluster_name=self._get_param("name"),
        addon_name=self._get_param("addonName"),
        addon_version=self._get_param("addonVersion"),
        service_account_role_arn=self._get_param("serviceAccountRoleArn"),
        resolve_conflicts=self._get_param("resolveConflicts"),
        client_request_token=self._get_param("clientRequestToken"),
        tags=self._get_param("tags"),
        configuration_values=self._get_param("configurationValues"),
    )
    fresh = addon.__dict__.pop("_emulator_fresh", False)  # the create's answer says CREATING, as AWS's
    return ActionResult({"addon": addon.to_dict("CREATING" if fresh else None)})


def handle_describe_addon(self: EKSResponse) -> ActionResult:
    _, addon = find_addon(self.eks_backend, self._get_param("name"), self._get_param("addonName"))
    return ActionResult({"addon": addon.to_dict()})


def handle_list_addons(self: EKSResponse) -> ActionResult:
    cluster = _cluster(self.eks_backend, self._get_param("name"))
    settle_addons(cluster)
    names = sorted(addons(cluster))
    start = int(self._get_param("nextToken") or 0)
    size = int(self._get_param("maxResults") or 100)
    body: dict[str, Any] = {"addons": names[start : start + size]}
    if start + size < len(names):
        body["nextToken"] = str(start + size)
    return ActionResult(body)


def handle_update_addon(self: EKSResponse) -> ActionResult:
    update = update_addon(
        self.eks_backend,
        cluster_name=self._get_param("name"),
        addon_name=self._get_param("addonName"),
        addon_version=self._get_param("addonVersion"),
        service_account_role_arn=self._get_param("serviceAccountRoleArn"),
        resolve_conflicts=self._get_param("resolveConflicts"),
        client_request_token=self._get_param("clientRequestToken"),
        configuration_values=self._get_param("configurationValues"),
    )
    return ActionResult({"update": update.to_dict()})


def handle_delete_addon(self: EKSResponse) -> ActionResult:
    addon = delete_addon(
        self.eks_backend, self._get_param("name"), self._get_param("addonName"), _bool(self._get_param("preserve"))
    )
    return ActionResult({"addon": addon.to_dict("DELETING")})


@extension(
    "eks",
    "DescribeAddonVersions",
    "DescribeAddonConfiguration",
    "CreateAddon",
    "DescribeAddon",
    "ListAddons",
    "UpdateAddon",
    "DeleteAddon",
)
def addons_api() -> None:
    """Add-ons: a static catalogue (vpc-cni, coredns, kube-proxy, EBS CSI, pod identity, CloudWatch; k8s 1.28–1.34).

    moto 5.2.5 has no add-on API at all (404). Versions are checked against the cluster's Kubernetes
    version, configuration values against the add-on's schema; CREATING → ACTIVE, UPDATING while an
    update runs, DELETING → gone (durations of ``eks_addon``).
    """
    add_url_paths(
        "eks",
        {
            "{0}/clusters/(?P<name>[^/]+)/addons$": EKSResponse.dispatch,
            "{0}/clusters/(?P<name>[^/]+)/addons/(?P<addonName>[^/]+)$": EKSResponse.dispatch,
            "{0}/clusters/(?P<name>[^/]+)/addons/(?P<addonName>[^/]+)/update$": EKSResponse.dispatch,
            "{0}/addons/supported-versions$": EKSResponse.dispatch,
            "{0}/addons/configuration-schemas$": EKSResponse.dispatch,
        },
    )
    for name, function in (
        ("describe_addon_versions", handle_describe_addon_versions),
        ("describe_addon_configuration", handle_describe_addon_configuration),
        ("create_addon", handle_create_addon),
        ("describe_addon", handle_describe_addon),
        ("list_addons", handle_list_addons),
        ("update_addon", handle_update_addon),
        ("delete_addon", handle_delete_addon),
    ):
        override(EKSResponse, function, name)


# =================================================================================================
# DescribeUpdate / ListUpdates of node groups and add-ons (their tags: cluster.py's tags_of_every_resource)
# =================================================================================================

_PREVIOUS: dict[str, Any] = {}


def _updates_for(self: EKSResponse) -> tuple[Cluster, str | None, str | None]:
    cluster = _cluster(self.eks_backend, self._get_param("name"))
    nodegroup, addon = self._get_param("nodegroupName") or None, self._get_param("addonName") or None
    if nodegroup:
        settle_nodegroups(cluster)
        if nodegroup not in cluster.nodegroups:
            raise _not_found(NODEGROUP_NOT_FOUND_MSG.format(nodegroupName=nodegroup), cluster.name, nodegroup)
    if addon:
        settle_addons(cluster)
        if addon not in addons(cluster):
            raise _not_found(f"No addon: {addon} found in cluster: {cluster.name}", cluster.name, addon=addon)
    return cluster, nodegroup, addon


def handle_describe_update(self: EKSResponse) -> ActionResult:
    previous = _PREVIOUS.get("describe_update")
    if previous is not None and not (self._get_param("nodegroupName") or self._get_param("addonName")):
        return previous(self)
    cluster, nodegroup, addon = _updates_for(self)
    update_id = self._get_param("updateId")
    update = updates(cluster).get(update_id)
    if update is None or update.nodegroup != nodegroup or update.addon != addon:
        raise _not_found(f"No update found for ID: {update_id}", cluster.name)
    return ActionResult({"update": update.to_dict()})


def handle_list_updates(self: EKSResponse) -> ActionResult:
    previous = _PREVIOUS.get("list_updates")
    if previous is not None and not (self._get_param("nodegroupName") or self._get_param("addonName")):
        return previous(self)
    cluster, nodegroup, addon = _updates_for(self)
    ids = [u.id for u in updates(cluster).values() if u.nodegroup == nodegroup and u.addon == addon]
    start = int(self._get_param("nextToken") or 0)
    size = int(self._get_param("maxResults") or 100)
    body: dict[str, Any] = {"updateIds": ids[start : start + size]}
    if start + size < len(ids):
        body["nextToken"] = str(start + size)
    return ActionResult(body)


@extension("eks", "DescribeUpdate", "ListUpdates")
def nodegroup_and_addon_updates() -> None:
    """DescribeUpdate/ListUpdates with ``nodegroupName`` or ``addonName`` (moto 5.2.5: neither API exists).

    Without those parameters the call goes to the handler in place before (the cluster extension's),
    if there is one; the updates live in the cluster's shared registry either way.
    """
    for name, handler in (("describe_update", handle_describe_update), ("list_updates", handle_list_updates)):
        previous = EKSResponse.__dict__.get(name)
        if previous is not None and previous is not handler:
            _PREVIOUS[name] = previous
        override(EKSResponse, handler, name)
    add_url_paths(
        "eks",
        {
            "{0}/clusters/(?P<name>[^/]+)/updates$": EKSResponse.dispatch,
            "{0}/clusters/(?P<name>[^/]+)/updates/(?P<updateId>[^/]+)$": EKSResponse.dispatch,
        },
    )


# =================================================================================================
# EC2 launch templates
# =================================================================================================


def _token_key(operation: str, token: str | None) -> str | None:
    return f"{operation}:{token}" if token else None


def _tokens(backend: Any) -> dict[str, Any]:
    return backend.__dict__.setdefault("_emulator_launch_template_tokens", {})


def lt_create_launch_template(self: LaunchTemplates) -> ActionResult:
    """CreateLaunchTemplate: the template's own tags stay off its data; ``ClientToken`` makes a retry safe."""
    token = _token_key("create", self._get_param("ClientToken"))
    if token and token in _tokens(self.ec2_backend):
        template = self.ec2_backend.launch_templates.get(_tokens(self.ec2_backend)[token])
        if template is not None:
            return ActionResult({"LaunchTemplate": _template_summary(self, template)})
    from moto.ec2.utils import parse_user_data

    name = self._get_param("LaunchTemplateName")
    description = self._get_param("VersionDescription")
    tag_spec = self._parse_tag_specification()
    data = self._get_param("LaunchTemplateData", {}) or {}
    user_data = parse_user_data(self._get_param("LaunchTemplateData.UserData"))
    if user_data is not None:
        data["UserData"] = user_data
    else:
        data.pop("UserData", None)
    self.error_on_dryrun()
    template = self.ec2_backend.create_launch_template(name, description, data, tag_spec)
    if token:
        _tokens(self.ec2_backend)[token] = template.id
    return ActionResult({"LaunchTemplate": _template_summary(self, template)})


def _template_summary(self: Any, template: LaunchTemplate) -> dict[str, Any]:
    return {
        "CreateTime": template.create_time,
        "CreatedBy": f"arn:{self.partition}:iam::{self.current_account}:root",
        "DefaultVersionNumber": template.default_version_number,
        "LatestVersionNumber": template.latest_version_number,
        "LaunchTemplateId": template.id,
        "LaunchTemplateName": template.name,
        "Tags": template.tags,
    }


def _version_view(self: Any, template: LaunchTemplate, version: Any) -> dict[str, Any]:
    return {
        "CreateTime": version.create_time,
        "CreatedBy": f"arn:{self.partition}:iam::{self.current_account}:root",
        "DefaultVersion": template.is_default(version),
        "LaunchTemplateData": version.data,
        "LaunchTemplateId": template.id,
        "LaunchTemplateName": template.name,
        "VersionDescription": version.description,
        "VersionNumber": version.number,
    }


def _template(self: Any) -> LaunchTemplate:
    name, template_id = self._get_param("LaunchTemplateName"), self._get_param("LaunchTemplateId")
    if template_id:
        return self.ec2_backend.get_launch_template(template_id)
    return self.ec2_backend.get_launch_template_by_name(name)


def lt_create_launch_template_version(self: LaunchTemplates) -> ActionResult:
    """CreateLaunchTemplateVersion: ``SourceVersion`` is the base the new data overrides (top-level keys)."""
    template = _template(self)
    token = _token_key(f"version:{template.id}", self._get_param("ClientToken"))
    if token and token in _tokens(self.ec2_backend):
        number = _tokens(self.ec2_backend)[token]
        version = template.get_version(number)
        return ActionResult({"LaunchTemplateVersion": _version_view(self, template, version)})
    data = self._get_param("LaunchTemplateData", {}) or {}
    source = self._get_param("SourceVersion")
    if source:
        base = deepcopy(template.get_version(source).data or {})
        base.update(data)
        data = base
    self.error_on_dryrun()
    version = template.create_version(data, self._get_param("VersionDescription"))
    if token:
        _tokens(self.ec2_backend)[token] = version.number
    return ActionResult({"LaunchTemplateVersion": _version_view(self, template, version)})


def lt_delete_launch_template_versions(self: LaunchTemplates) -> ActionResult:
    """DeleteLaunchTemplateVersions (moto 5.2.5: 500): numbered versions, never the default one."""
    template = _template(self)
    self.error_on_dryrun()
    done, failed = [], []
    for raw in self._get_param("Versions", []):
        version = next((v for v in template.versions if str(v.number) == str(raw)), None)
        base = {"LaunchTemplateId": template.id, "LaunchTemplateName": template.name}
        if version is None:
            failed.append(
                {
                    **base,
                    "VersionNumber": int(raw) if str(raw).isdigit() else 0,
                    "ResponseError": {
                        "Code": "launchTemplateVersionDoesNotExist",
                        "Message": f"The specified launch template version {raw} does not exist",
                    },
                }
            )
        elif template.is_default(version):
            failed.append(
                {
                    **base,
                    "VersionNumber": version.number,
                    "ResponseError": {
                        "Code": "unexpectedError",
                        "Message": "You cannot delete the default version of a launch template.",
                    },
                }
            )
        else:
            deleted = template.__dict__.setdefault("_emulator_deleted_versions", set())
            deleted.add(version.number)
            done.append({**base, "VersionNumber": version.number})
    return ActionResult(
        {"SuccessfullyDeletedLaunchTemplateVersions": done, "UnsuccessfullyDeletedLaunchTemplateVersions": failed}
    )


def _live_versions(template: LaunchTemplate) -> list[Any]:
    deleted = template.__dict__.get("_emulator_deleted_versions", set())
    return [v for v in template.versions if v.number not in deleted]


def lt_describe_launch_template_versions(self: LaunchTemplates) -> ActionResult:
    """DescribeLaunchTemplateVersions: NextToken paging, deleted versions gone, ``$Latest``/``$Default``."""
    name, template_id = self._get_param("LaunchTemplateName"), self._get_param("LaunchTemplateId")
    wanted = self._get_param("Versions", [])
    low, high = self._get_int_param("MinVersion"), self._get_int_param("MaxVersion")
    size = self._get_int_param("MaxResults") or 100
    start = int(self._get_param("NextToken") or 0)
    self.error_on_dryrun()
    if not (name or template_id):
        pairs = original_describe_versions(self)
    else:
        template = _template(self)
        live = _live_versions(template)
        if wanted:
            pairs = []
            for raw in wanted:
                version = template.get_version(raw)
                if version not in live:
                    raise InvalidLaunchTemplateVersionNotFound(template_id=template.id, version=raw)
                pairs.append((template, version))
        else:
            pairs = [
                (template, v) for v in live if (low is None or v.number >= low) and (high is None or v.number <= high)
            ]
    page = pairs[start : start + size]
    body: dict[str, Any] = {"LaunchTemplateVersions": [_version_view(self, t, v) for t, v in page]}
    if start + size < len(pairs):
        body["NextToken"] = str(start + size)
    return ActionResult(body)


def original_describe_versions(self: LaunchTemplates) -> list[tuple[LaunchTemplate, Any]]:
    wanted = self._get_param("Versions", []) or []
    return LaunchTemplateBackend.describe_launch_template_versions(
        self.ec2_backend, None, None, wanted, None, None, 10_000
    )


def lt_describe_launch_templates(self: LaunchTemplates) -> ActionResult:
    """DescribeLaunchTemplates: NextToken paging (moto 5.2.5 stops at MaxResults, default 15, with no token)."""
    templates = self.ec2_backend.describe_launch_templates(
        template_names=self._get_param("LaunchTemplateNames", []),
        template_ids=self._get_param("LaunchTemplateIds", []),
        filters=self._filters_from_querystring(),
    )
    self.error_on_dryrun()
    size = self._get_int_param("MaxResults") or 100
    start = int(self._get_param("NextToken") or 0)
    body: dict[str, Any] = {"LaunchTemplates": [_template_summary(self, t) for t in templates[start : start + size]]}
    if start + size < len(templates):
        body["NextToken"] = str(start + size)
    return ActionResult(body)


def _modify_guard(self: LaunchTemplates) -> ActionResult:
    """ModifyLaunchTemplate: a deleted version cannot become the default."""
    template = (
        _template(self) if (self._get_param("LaunchTemplateId") or self._get_param("LaunchTemplateName")) else None
    )
    wanted = self._get_param("DefaultVersion") or self._get_param("SetDefaultVersion")
    if template is not None and wanted is not None:
        if str(wanted) in {str(n) for n in template.__dict__.get("_emulator_deleted_versions", set())}:
            raise InvalidLaunchTemplateVersionNotFound(version=wanted)
    return _PREVIOUS["modify_launch_template"](self)


@extension(
    "ec2",
    "CreateLaunchTemplate",
    "CreateLaunchTemplateVersion",
    "DeleteLaunchTemplateVersions",
    "DescribeLaunchTemplateVersions",
    "DescribeLaunchTemplates",
    "ModifyLaunchTemplate",
)
def launch_template_versions() -> None:
    """Launch templates: tags kept off the version data, ClientToken, SourceVersion, version deletes, paging.

    moto 5.2.5 copies the template's tags into ``LaunchTemplateData.TagSpecifications`` (so
    amazon.aws.ec2_launch_template adds a version on its second run), ignores ``ClientToken`` and
    ``SourceVersion``, answers 500 to DeleteLaunchTemplateVersions (``state: absent`` fails) and stops
    listings at ``MaxResults`` without a ``NextToken``.
    """
    _PREVIOUS["modify_launch_template"] = LaunchTemplates.__dict__["modify_launch_template"]
    override(LaunchTemplates, lt_create_launch_template, "create_launch_template")
    override(LaunchTemplates, lt_create_launch_template_version, "create_launch_template_version")
    override(LaunchTemplates, lt_delete_launch_template_versions, "delete_launch_template_versions")
    override(LaunchTemplates, lt_describe_launch_template_versions, "describe_launch_template_versions")
    override(LaunchTemplates, lt_describe_launch_templates, "describe_launch_templates")
    override(LaunchTemplates, _modify_guard, "modify_launch_template")
