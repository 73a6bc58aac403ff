#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: offhours_scale
version_added: 0.4.0
short_description: Scale EKS node groups to zero and stop RDS instances off-hours, and bring them back
description:
  - O(action=down) - each node group's sizes are remembered in the tag C(ecap.platform/scaled-down-from)
    (C(min/desired/max)) on the node group, then its min and desired sizes are set to 0 (the max stays, EKS needs
    it >= 1); each DB instance that is C(available) is stopped (C(StopDBInstance)).
  - O(action=up) - each node group with that tag gets the remembered sizes back and loses the tag; each C(stopped)
    DB instance is started (C(StartDBInstance)).
  - Idempotent - a node group already at zero (down) or with nothing remembered (up), an instance already
    C(stopped)/C(stopping) (down) or C(available)/C(starting) (up) is left alone. Any resource in a state it
    cannot be scaled from (a node group that is not C(ACTIVE), an instance C(modifying)) fails the run before
    any change.
  - No upstream module scales a node group to zero without fighting its inventory sizes or stops an RDS instance
    (amazon.aws 10.1.2 rds_instance has O(state=stopped) but waits 20-60 s per poll and reports nothing to restore).
author:
  - ecap.platform contributors
options:
  action:
    description: V(down) (to zero / stopped) or V(up) (back).
    type: str
    required: true
    choices: [down, up]
  cluster_name:
    description: The EKS cluster of the node groups; empty scales no node group.
    type: str
    default: ""
  nodegroup_names:
    description: The node groups to scale; empty means every node group of O(cluster_name).
    type: list
    elements: str
    default: []
  db_instance_identifiers:
    description: The RDS DB instances to stop or start.
    type: list
    elements: str
    default: []
  wait:
    description: Wait for the node group updates to succeed and the instances to be C(stopped) / C(available).
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait, per resource.
    type: int
    default: 1800
  wait_delay:
    description: Seconds between two polls.
    type: int
    default: 10
notes:
  - Supports check mode (nothing is called but the describes) and diff.
  - The site's eks tier purges tags it does not set, so a site run while scaled down restores the inventory's
    sizes. AWS starts a stopped DB instance by itself after seven days.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Scale dev down for the night
  ecap.platform.offhours_scale:
    action: down
    cluster_name: ecap-dev-eks
    db_instance_identifiers: [ecap-dev-postgres]

- name: And back in the morning
  ecap.platform.offhours_scale:
    action: up
    cluster_name: ecap-dev-eks
    db_instance_identifiers: [ecap-dev-postgres]
"""

RETURN = r"""
nodegroups:
  description: Each node group considered.
  returned: always
  type: list
  elements: dict
  contains:
    name: {description: The node group., type: str}
    changed: {description: Whether it was (or would be) changed., type: bool}
    reason: {description: "What was done or why nothing (V(already at zero), V(restore 1/2/4), ...).", type: str}
    before: {description: "The sizes before (C(min_size), C(desired_size), C(max_size)).", type: dict}
    after: {description: The sizes after., type: dict}
    remembered: {description: "The C(min/desired/max) tag value the run set or read (empty when none).", type: str}
db_instances:
  description: Each DB instance considered.
  returned: always
  type: list
  elements: dict
  contains:
    db_instance_identifier: {description: The instance., type: str}
    changed: {description: Whether it was (or would be) stopped or started., type: bool}
    reason: {description: "V(stop), V(start) or why nothing (V(already stopped)).", type: str}
    status_before: {description: Its status before., type: str}
    status: {description: "Its status after (the predicted one in check mode).", type: str}
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils import scaling as s
from ansible_collections.ecap.platform.plugins.module_utils.common import client


def main() -> None:
    argument_spec = dict(
        action=dict(type="str", required=True, choices=["down", "up"]),
        cluster_name=dict(type="str", default=""),
        nodegroup_names=dict(type="list", elements="str", default=[]),
        db_instance_identifiers=dict(type="list", elements="str", default=[]),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=1800),
        wait_delay=dict(type="int", default=10),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    action = params["action"]
    if params["nodegroup_names"] and not params["cluster_name"]:
        module.fail_json(msg="nodegroup_names needs cluster_name")
    eks = client(module, "eks") if params["cluster_name"] else None
    rds = client(module, "rds") if params["db_instance_identifiers"] else None
    try:
        nodegroups = s.describe_nodegroups(eks, params["cluster_name"], params["nodegroup_names"]) if eks else []
        instances = [
            rds.describe_db_instances(aws_retry=True, DBInstanceIdentifier=i)["DBInstances"][0]
            for i in params["db_instance_identifiers"]
        ]
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg="Failed to read the node groups or DB instances to scale")
    ng_plans = [(ng, s.plan_nodegroup(ng, action)) for ng in nodegroups]
    db_plans = [(db, s.plan_instance(db, action)) for db in instances]
    errors = [p["error"] for _, p in ng_plans + db_plans if p["error"]]
    if errors:
        module.fail_json(msg="Nothing was changed: " + "; ".join(errors))

    ng_results, db_results = [], []
    try:
        for nodegroup, plan in ng_plans:
            changed = plan["scaling"] is not None or bool(plan["tag"]) or plan["untag"]
            if changed and not module.check_mode:
                update_id = s.apply_nodegroup(eks, nodegroup, plan)
                if update_id and params["wait"]:
                    s.wait_nodegroup_update(eks, nodegroup, update_id, params["wait_timeout"], params["wait_delay"])
                if plan["untag"]:
                    eks.untag_resource(aws_retry=True, resourceArn=nodegroup["nodegroupArn"], tagKeys=[s.TAG])
            before = s.sizes_view(nodegroup.get("scalingConfig"))
            ng_results.append(
                {
                    "name": nodegroup["nodegroupName"],
                    "changed": changed,
                    "reason": plan["reason"],
                    "before": before,
                    "after": s.sizes_view(plan["scaling"]) if plan["scaling"] else before,
                    "remembered": plan["tag"] or (nodegroup.get("tags") or {}).get(s.TAG, ""),
                }
            )
        for instance, plan in db_plans:
            identifier = instance["DBInstanceIdentifier"]
            status = instance["DBInstanceStatus"]
            after = status
            if plan["call"]:
                after = "stopped" if plan["call"] == "stop" else "available"
                if not module.check_mode:
                    if plan["call"] == "stop":
                        rds.stop_db_instance(aws_retry=True, DBInstanceIdentifier=identifier)
                    else:
                        rds.start_db_instance(aws_retry=True, DBInstanceIdentifier=identifier)
                    if params["wait"]:
                        s.wait_instance(rds, identifier, after, params["wait_timeout"], params["wait_delay"])
                    else:
                        after = "stopping" if plan["call"] == "stop" else "starting"
            db_results.append(
                {
                    "db_instance_identifier": identifier,
                    "changed": bool(plan["call"]),
                    "reason": plan["reason"],
                    "status_before": status,
                    "status": after,
                }
            )
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to scale {action}")
    except (RuntimeError, TimeoutError) as e:
        module.fail_json(msg=str(e))
    changed = any(r["changed"] for r in ng_results + db_results)
    diff = {
        "before": {
            **{r["name"]: r["before"] for r in ng_results},
            **{r["db_instance_identifier"]: r["status_before"] for r in db_results},
        },
        "after": {
            **{r["name"]: r["after"] for r in ng_results},
            **{r["db_instance_identifier"]: r["status"] for r in db_results},
        },
    }
    module.exit_json(changed=changed, nodegroups=ng_results, db_instances=db_results, diff=diff)


if __name__ == "__main__":
    main()
