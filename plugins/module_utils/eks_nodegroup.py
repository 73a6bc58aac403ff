# Copyright: ecap.platform contributors
# MIT License
"""EKS managed node groups: validation, launch template resolution, the plan (config update, version
update, immutable differences), create/update/delete and waits.

Pure functions (:func:`validate`, :func:`wanted_scaling`, :func:`plan_config`, :func:`immutable_differences`,
:func:`plan_version`) are unit tested on their own; :func:`ensure_present` / :func:`ensure_absent` are
the module's flow.
"""

from __future__ import annotations

import uuid
from typing import Any

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.ecap.platform.plugins.module_utils.common import (
    WaitTimeoutError,
    apply_tag_changes,
    client,
    make_diff,
    tag_changes,
    wait_for,
    wait_for_status,
)

TRANSITIONAL = ("CREATING", "UPDATING", "DELETING")
FAILED = ("CREATE_FAILED", "DELETE_FAILED")
#: Options AWS cannot change on an existing node group, and the DescribeNodegroup field of each.
IMMUTABLE = {
    "node_role_arn": "nodeRole",
    "subnet_ids": "subnets",
    "capacity_type": "capacityType",
    "instance_types": "instanceTypes",
    "ami_type": "amiType",
    "disk_size": "diskSize",
    "launch_template": "launchTemplate",
}


# --------------------------------------------------------------------------- pure logic


def validate(params: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Errors (refuse before any call) and warnings of the module's parameters."""
    errors: list[str] = []
    warnings: list[str] = []
    if params.get("state", "present") != "present":
        return errors, warnings
    scaling = params.get("scaling") or {}
    low, high, desired = scaling.get("min_size"), scaling.get("max_size"), scaling.get("desired_size")
    if high is not None and high < 1:
        errors.append(f"scaling.max_size must be 1 or more, got {high}")
    if low is not None and low < 0:
        errors.append(f"scaling.min_size must be 0 or more, got {low}")
    if low is not None and high is not None and low > high:
        errors.append(f"scaling.min_size ({low}) must not be more than scaling.max_size ({high})")
    if desired is not None and ((low is not None and desired < low) or (high is not None and desired > high)):
        errors.append(f"scaling.desired_size ({desired}) must be within [min_size, max_size] ([{low}, {high}])")
    if params.get("disk_size") is not None and params.get("launch_template"):
        errors.append("disk_size cannot be used with a launch template (set the root volume in the template)")
    if params.get("disk_size") is not None and params["disk_size"] < 1:
        errors.append("disk_size must be 1 or more")
    update_config = params.get("update_config") or {}
    for key in ("max_unavailable", "max_unavailable_percentage"):
        value = update_config.get(key)
        if value is not None and not 1 <= value <= 100:
            errors.append(f"update_config.{key} must be between 1 and 100, got {value}")
    seen = set()
    for taint in params.get("taints") or []:
        if (taint["key"], taint["effect"]) in seen:
            errors.append(f"the taint {taint['key']}:{taint['effect']} is listed twice")
        seen.add((taint["key"], taint["effect"]))
    instance_types = params.get("instance_types")
    if instance_types is not None and not instance_types:
        errors.append("instance_types must not be empty (leave it out for EKS's default)")
    if params.get("capacity_type") == "SPOT" and instance_types is not None and len(instance_types) == 1:
        warnings.append(
            f"A SPOT node group with one instance type ({instance_types[0]}) is interrupted more often; "
            "list several types of the same size for Spot capacity diversity"
        )
    for option in ("wait_timeout", "wait_delay"):
        if params.get(option) is not None and params[option] < (1 if option == "wait_delay" else 0):
            errors.append(f"{option} is too small")
    return errors, warnings


# Applied at create only: an option left out is not compared with an existing group (a wait-only call
# such as ``{cluster_name, name, wait: true}`` changes nothing).
DEFAULT_CAPACITY_TYPE = "ON_DEMAND"
DEFAULT_AMI_TYPE = "AL2023_x86_64_STANDARD"


def wanted_scaling(
    current: dict[str, int] | None, scaling: dict[str, Any] | None, ignore_desired_size: bool
) -> dict[str, int] | None:
    """The scaling config to have. On an existing group with ``ignore_desired_size`` the desired size
    stays as the autoscaler left it, moved only into [min, max]."""
    if scaling is None:
        return None
    low = scaling.get("min_size")
    high = scaling.get("max_size")
    low = 1 if low is None else low
    high = 2 if high is None else high
    desired = scaling.get("desired_size")
    if current is None:
        return {"minSize": low, "maxSize": high, "desiredSize": low if desired is None else desired}
    if ignore_desired_size or desired is None:
        desired = min(max(current.get("desiredSize", low), low), high)
    return {"minSize": low, "maxSize": high, "desiredSize": desired}


def _taint_key(taint: dict[str, Any]) -> tuple:
    return taint["key"], taint.get("effect")


def _taint(taint: dict[str, Any]) -> dict[str, str]:
    return {k: taint[k] for k in ("key", "value", "effect") if taint.get(k) is not None}


def plan_config(
    current: dict[str, Any],
    scaling: dict[str, int] | None,
    labels: dict[str, Any] | None,
    taints: list[dict[str, Any]] | None,
    update_config: dict[str, Any] | None,
) -> dict[str, Any]:
    """The UpdateNodegroupConfig request fields that differ (empty: nothing to do)."""
    request: dict[str, Any] = {}
    if scaling is not None and scaling != {k: (current.get("scalingConfig") or {}).get(k) for k in scaling}:
        request["scalingConfig"] = scaling
    if labels is not None:
        have = current.get("labels") or {}
        want = {str(k): str(v) for k, v in labels.items()}
        add = {k: v for k, v in want.items() if have.get(k) != v}
        remove = sorted(k for k in have if k not in want)
        if add or remove:
            request["labels"] = {
                **({"addOrUpdateLabels": add} if add else {}),
                **({"removeLabels": remove} if remove else {}),
            }
    if taints is not None:
        have_t = {_taint_key(t): _taint(t) for t in current.get("taints") or []}
        want_t = {_taint_key(t): _taint(t) for t in taints}
        add_t = [t for key, t in want_t.items() if have_t.get(key) != t]
        remove_t = [t for key, t in have_t.items() if key not in want_t]
        if add_t or remove_t:
            request["taints"] = {
                **({"addOrUpdateTaints": add_t} if add_t else {}),
                **({"removeTaints": remove_t} if remove_t else {}),
            }
    if update_config:
        want_u = {
            "maxUnavailable": update_config.get("max_unavailable"),
            "maxUnavailablePercentage": update_config.get("max_unavailable_percentage"),
        }
        want_u = {k: v for k, v in want_u.items() if v is not None}
        if want_u != {k: v for k, v in (current.get("updateConfig") or {}).items() if v is not None}:
            request["updateConfig"] = want_u
    return request


def immutable_differences(current: dict[str, Any], wanted: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Option → (current, wanted) for each immutable option that differs (options not set are not compared)."""
    differences: dict[str, tuple[Any, Any]] = {}
    for option, api_field in IMMUTABLE.items():
        want = wanted.get(option)
        have = current.get(api_field)
        if option == "launch_template":
            have_id = (have or {}).get("id")
            want_id = (want or {}).get("id")
            if want is not None and have_id != want_id:
                differences[option] = (have_id, want_id)
            continue
        if want is None:
            continue
        if option == "subnet_ids":
            if sorted(have or []) != sorted(want):
                differences[option] = (have, want)
        elif have != want:
            differences[option] = (have, want)
    return differences


def plan_version(
    current: dict[str, Any],
    template: dict[str, str] | None,
    kubernetes_version: str | None,
    cluster_version: str,
    custom_ami: bool,
) -> tuple[dict[str, Any], str | None]:
    """The UpdateNodegroupVersion request fields that differ, and an error (a downgrade)."""
    request: dict[str, Any] = {}
    if template and (current.get("launchTemplate") or {}).get("version") != template["version"]:
        request["launchTemplate"] = {"id": template["id"], "version": template["version"]}
    if not custom_ami:
        want = kubernetes_version or cluster_version
        have = current.get("version")
        if want != have:
            if _minor(want) < _minor(have):
                return (
                    {},
                    f"kubernetes_version {want} is older than the node group's version {have}: EKS cannot downgrade",
                )
            if _minor(want) > _minor(cluster_version):
                return {}, f"kubernetes_version {want} is newer than the cluster's version {cluster_version}"
            request["version"] = want
    return request, None


def _minor(version: str | None) -> tuple[int, int]:
    major, _, rest = str(version or "0.0").partition(".")
    try:
        return int(major), int(rest.split(".")[0] or 0)
    except ValueError:
        return 0, 0


def view(nodegroup: dict[str, Any] | None) -> dict[str, Any]:
    """What the diff shows."""
    if not nodegroup:
        return {}
    keys = (
        "status version releaseVersion capacityType instanceTypes amiType diskSize subnets nodeRole "
        "scalingConfig labels taints updateConfig launchTemplate tags"
    ).split()
    return to_ansible({k: nodegroup[k] for k in keys if k in nodegroup})


def to_ansible(nodegroup: dict[str, Any] | None) -> dict[str, Any]:
    if not nodegroup:
        return {}
    result = camel_dict_to_snake_dict(nodegroup, ignore_list=["tags", "labels"])
    for key in ("tags", "labels"):
        if key in nodegroup:
            result[key] = dict(nodegroup[key] or {})
    return result


# --------------------------------------------------------------------------- AWS calls


def describe_nodegroup(connection: Any, cluster: str, name: str) -> dict | None:
    try:
        return connection.describe_nodegroup(clusterName=cluster, nodegroupName=name, aws_retry=True)["nodegroup"]
    except is_boto3_error_code("ResourceNotFoundException"):
        return None


def describe_cluster(connection: Any, cluster: str) -> dict | None:
    try:
        return connection.describe_cluster(name=cluster, aws_retry=True)["cluster"]
    except is_boto3_error_code("ResourceNotFoundException"):
        return None


def resolve_launch_template(ec2: Any, spec: dict[str, Any]) -> tuple[dict[str, str] | None, dict | None, str | None]:
    """``{id, name, version}`` (the version a number), the version's LaunchTemplateData, and an error."""
    query = {"LaunchTemplateIds": [spec["id"]]} if spec.get("id") else {"LaunchTemplateNames": [spec["name"]]}
    ref = spec.get("id") or spec.get("name")
    try:
        templates = ec2.describe_launch_templates(aws_retry=True, **query)["LaunchTemplates"]
    except is_boto3_error_code(
        [
            "InvalidLaunchTemplateId.NotFound",
            "InvalidLaunchTemplateName.NotFoundException",
            "InvalidLaunchTemplateId.Malformed",
        ]
    ):
        templates = []
    if not templates:
        return None, None, f"The launch template {ref} does not exist"
    template = templates[0]
    version = spec.get("version")
    if version in (None, "", "$Latest"):
        number = str(template["LatestVersionNumber"])
    elif version == "$Default":
        number = str(template["DefaultVersionNumber"])
    else:
        number = str(version)
    try:
        versions = ec2.describe_launch_template_versions(
            LaunchTemplateId=template["LaunchTemplateId"], Versions=[number], aws_retry=True
        )["LaunchTemplateVersions"]
    except is_boto3_error_code(["InvalidLaunchTemplateId.VersionNotFound", "InvalidParameterValue"]):
        versions = []
    if not versions:
        return None, None, f"The launch template {ref} has no version {version}"
    resolved = {"id": template["LaunchTemplateId"], "name": template["LaunchTemplateName"], "version": number}
    return resolved, versions[0].get("LaunchTemplateData") or {}, None


def _wait(module: Any, connection: Any, cluster: str, name: str, gone: bool = False) -> dict | None:
    return wait_for_status(
        module,
        lambda: describe_nodegroup(connection, cluster, name),
        TRANSITIONAL,
        f"the EKS node group {name} of {cluster}",
        gone,
    )


def _wait_update(module: Any, connection: Any, cluster: str, name: str, update_id: str) -> dict:
    params = module.params

    def describe() -> dict:
        return connection.describe_update(name=cluster, updateId=update_id, nodegroupName=name, aws_retry=True)[
            "update"
        ]

    try:
        update = wait_for(
            describe,
            lambda u: u.get("status") != "InProgress",
            timeout=params["wait_timeout"],
            delay=params["wait_delay"],
            what=f"the update {update_id} of the EKS node group {name}",
            state_fn=lambda u: u.get("status"),
        )
    except WaitTimeoutError as e:
        module.fail_json(msg=str(e))
    if update.get("status") != "Successful":
        module.fail_json(
            msg=f"The update {update_id} of the EKS node group {name} is {update.get('status')}: {update.get('errors')}"
        )
    return update


# --------------------------------------------------------------------------- the module's flow


def _wanted(module: Any, cluster: dict) -> dict[str, Any]:
    """The resolved wanted state (launch template resolved to a number; AMI type with a custom image)."""
    params = module.params
    wanted: dict[str, Any] = {
        "node_role_arn": params["node_role_arn"],
        "subnet_ids": params["subnet_ids"],
        "capacity_type": params["capacity_type"],
        "instance_types": params["instance_types"],
        "ami_type": params["ami_type"],
        "disk_size": params["disk_size"],
        "launch_template": None,
        "template_data": {},
    }
    if params["launch_template"]:
        ec2 = client(module, "ec2")
        template, data, error = resolve_launch_template(ec2, params["launch_template"])
        if error:
            module.fail_json(msg=error)
        if data.get("InstanceType") and params["instance_types"]:
            module.fail_json(
                msg=f"The launch template {template['id']} version {template['version']} sets the instance type "
                f"{data['InstanceType']}: leave instance_types out (EKS refuses both)"
            )
        if data.get("ImageId"):
            wanted["ami_type"] = "CUSTOM"  # EKS reports CUSTOM for a launch template with its own image
        wanted["launch_template"] = template
        wanted["template_data"] = data
    return wanted


def _create_request(module: Any, wanted: dict[str, Any], cluster: dict) -> dict[str, Any]:
    params = module.params
    request: dict[str, Any] = {
        "clusterName": params["cluster_name"],
        "nodegroupName": params["name"],
        "nodeRole": params["node_role_arn"],
        "subnets": params["subnet_ids"],
        "capacityType": params["capacity_type"] or DEFAULT_CAPACITY_TYPE,
        "scalingConfig": wanted_scaling(None, params["scaling"] or {}, params["ignore_desired_size"]),
        "clientRequestToken": str(uuid.uuid4()),
    }
    if wanted["ami_type"] != "CUSTOM":
        request["amiType"] = wanted["ami_type"] or DEFAULT_AMI_TYPE
        if params["kubernetes_version"]:
            request["version"] = params["kubernetes_version"]
    if params["instance_types"]:
        request["instanceTypes"] = params["instance_types"]
    if params["disk_size"]:
        request["diskSize"] = params["disk_size"]
    if wanted["launch_template"]:
        request["launchTemplate"] = {
            "id": wanted["launch_template"]["id"],
            "version": wanted["launch_template"]["version"],
        }
    if params["labels"]:
        request["labels"] = {str(k): str(v) for k, v in params["labels"].items()}
    if params["taints"]:
        request["taints"] = [_taint(t) for t in params["taints"]]
    if params["update_config"]:
        request["updateConfig"] = plan_config({}, None, None, None, params["update_config"])["updateConfig"]
    if params["tags"]:
        request["tags"] = {k: str(v) for k, v in params["tags"].items()}
    return request


def _predicted(request: dict[str, Any], cluster: dict, wanted: dict[str, Any]) -> dict[str, Any]:
    predicted = {
        "nodegroupName": request["nodegroupName"],
        "clusterName": request["clusterName"],
        "status": "CREATING",
        "version": request.get("version", cluster.get("version")),
        "capacityType": request["capacityType"],
        "scalingConfig": request["scalingConfig"],
        "subnets": request["subnets"],
        "amiType": wanted["ami_type"] or DEFAULT_AMI_TYPE,
        "nodeRole": request["nodeRole"],
        "labels": request.get("labels", {}),
        "taints": request.get("taints", []),
        "updateConfig": request.get("updateConfig", {"maxUnavailable": 1}),
        "tags": request.get("tags", {}),
    }
    for key in ("instanceTypes", "diskSize"):
        if key in request:
            predicted[key] = request[key]
    if wanted["launch_template"]:
        predicted["launchTemplate"] = dict(wanted["launch_template"])
    return predicted


def create(connection: Any, module: Any, wanted: dict[str, Any], cluster: dict, before: dict | None = None) -> None:
    params = module.params
    missing = [o for o in ("node_role_arn", "subnet_ids") if not params[o]]
    if missing:
        module.fail_json(msg=f"Creating the node group {params['name']} needs {' and '.join(missing)}")
    request = _create_request(module, wanted, cluster)
    predicted = _predicted(request, cluster, wanted)
    diff = make_diff(view(before), view(predicted))
    if module.check_mode:
        module.exit_json(changed=True, nodegroup=to_ansible(predicted), updates=[], diff=diff)
    nodegroup = connection.create_nodegroup(aws_retry=True, **request)["nodegroup"]
    if params["wait"]:
        nodegroup = _wait(module, connection, params["cluster_name"], params["name"]) or nodegroup
        if nodegroup.get("status") in FAILED:
            module.fail_json(
                msg=f"The EKS node group {params['name']} is {nodegroup['status']}: {nodegroup.get('health')}"
            )
    module.exit_json(changed=True, nodegroup=to_ansible(nodegroup), updates=[], diff=diff)


def ensure_present(connection: Any, module: Any) -> None:
    params = module.params
    cluster_name, name = params["cluster_name"], params["name"]
    cluster = describe_cluster(connection, cluster_name)
    if cluster is None:
        module.fail_json(msg=f"The EKS cluster {cluster_name} does not exist")
    wanted = _wanted(module, cluster)
    current = describe_nodegroup(connection, cluster_name, name)
    if current is not None and current.get("status") == "DELETING":
        if not module.check_mode:
            _wait(module, connection, cluster_name, name, gone=True)
        current = None
    if current is None:
        create(connection, module, wanted, cluster)
        return

    differences = immutable_differences(current, wanted)
    if differences:
        described = "; ".join(f"{option}: {have!r} → {want!r}" for option, (have, want) in differences.items())
        if not params["allow_replacement"]:
            module.fail_json(
                msg=f"The node group {name} cannot change {', '.join(differences)} in place ({described}); "
                "set allow_replacement: true to delete and recreate it"
            )
        if module.check_mode:
            create(connection, module, wanted, cluster, before=current)
        connection.delete_nodegroup(clusterName=cluster_name, nodegroupName=name, aws_retry=True)
        _wait(module, connection, cluster_name, name, gone=True)
        module.warn(f"The node group {name} was replaced ({described})")
        create(connection, module, wanted, cluster, before=current)
        return

    scaling = wanted_scaling(current.get("scalingConfig"), params["scaling"], params["ignore_desired_size"])
    config = plan_config(current, scaling, params["labels"], params["taints"], params["update_config"])
    custom_ami = (wanted["ami_type"] == "CUSTOM") or current.get("amiType") == "CUSTOM"
    version, error = plan_version(
        current, wanted["launch_template"], params["kubernetes_version"], cluster["version"], custom_ami
    )
    if error:
        module.fail_json(msg=error)
    to_set, to_unset = tag_changes(current.get("tags") or {}, params["tags"], params["purge_tags"])
    if not (config or version or to_set or to_unset):
        module.exit_json(changed=False, nodegroup=to_ansible(current), updates=[])

    predicted = _predict_update(current, config, version, to_set, to_unset, wanted)
    diff = make_diff(view(current), view(predicted))
    if module.check_mode:
        module.exit_json(changed=True, nodegroup=to_ansible(predicted), updates=[], diff=diff)

    if to_set:
        connection.tag_resource(resourceArn=current["nodegroupArn"], tags=to_set, aws_retry=True)
    if to_unset:
        connection.untag_resource(resourceArn=current["nodegroupArn"], tagKeys=to_unset, aws_retry=True)
    updates = []
    if (config or version) and current.get("status") in TRANSITIONAL:
        _wait(module, connection, cluster_name, name)  # AWS runs one update of a node group at a time
    if config:
        update = connection.update_nodegroup_config(
            clusterName=cluster_name, nodegroupName=name, clientRequestToken=str(uuid.uuid4()), aws_retry=True, **config
        )["update"]
        updates.append(update)
        if version or params["wait"]:
            _wait_update(module, connection, cluster_name, name, update["id"])
    if version:
        update = connection.update_nodegroup_version(
            clusterName=cluster_name,
            nodegroupName=name,
            clientRequestToken=str(uuid.uuid4()),
            aws_retry=True,
            **version,
        )["update"]
        updates.append(update)
        if params["wait"]:
            _wait_update(module, connection, cluster_name, name, update["id"])
    nodegroup = describe_nodegroup(connection, cluster_name, name) or predicted
    if params["wait"] and nodegroup.get("status") in TRANSITIONAL:
        nodegroup = _wait(module, connection, cluster_name, name) or nodegroup
    module.exit_json(
        changed=True,
        nodegroup=to_ansible(nodegroup),
        updates=[camel_dict_to_snake_dict(u) for u in updates],
        diff=diff,
    )


def _predict_update(
    current: dict[str, Any],
    config: dict[str, Any],
    version: dict[str, Any],
    to_set: dict[str, str],
    to_unset: list[str],
    wanted: dict[str, Any],
) -> dict[str, Any]:
    predicted = {k: v for k, v in current.items()}
    if "scalingConfig" in config:
        predicted["scalingConfig"] = config["scalingConfig"]
    if "labels" in config:
        labels = dict(current.get("labels") or {})
        labels.update(config["labels"].get("addOrUpdateLabels") or {})
        for key in config["labels"].get("removeLabels") or []:
            labels.pop(key, None)
        predicted["labels"] = labels
    if "taints" in config:
        taints = {_taint_key(t): _taint(t) for t in current.get("taints") or []}
        for taint in config["taints"].get("removeTaints") or []:
            taints.pop(_taint_key(taint), None)
        for taint in config["taints"].get("addOrUpdateTaints") or []:
            taints[_taint_key(taint)] = taint
        predicted["taints"] = list(taints.values())
    if "updateConfig" in config:
        predicted["updateConfig"] = config["updateConfig"]
    if "launchTemplate" in version:
        predicted["launchTemplate"] = dict(wanted["launch_template"])
    if "version" in version:
        predicted["version"] = version["version"]
    predicted["tags"] = apply_tag_changes(current.get("tags") or {}, to_set, to_unset)
    if config or version:
        predicted["status"] = "UPDATING"
    return predicted


def ensure_absent(connection: Any, module: Any) -> None:
    params = module.params
    cluster_name, name = params["cluster_name"], params["name"]
    current = describe_nodegroup(connection, cluster_name, name)
    if current is None:
        module.exit_json(changed=False, nodegroup={}, updates=[])
    if current.get("status") == "DELETING":
        if params["wait"] and not module.check_mode:
            _wait(module, connection, cluster_name, name, gone=True)
        module.exit_json(changed=False, nodegroup={}, updates=[])
    diff = make_diff(view(current), {})
    if module.check_mode:
        module.exit_json(changed=True, nodegroup={}, updates=[], diff=diff)
    if current.get("status") in ("CREATING", "UPDATING"):
        _wait(module, connection, cluster_name, name)  # AWS refuses a delete meanwhile
    try:
        connection.delete_nodegroup(clusterName=cluster_name, nodegroupName=name, aws_retry=True)
    except is_boto3_error_code("ResourceNotFoundException"):
        module.exit_json(changed=False, nodegroup={}, updates=[])
    if params["wait"]:
        _wait(module, connection, cluster_name, name, gone=True)
    module.exit_json(changed=True, nodegroup={}, updates=[], diff=diff)
