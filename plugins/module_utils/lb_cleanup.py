# Copyright: ecap.platform contributors
# MIT License
"""What the AWS Load Balancer Controller leaves behind a cluster, found by its tag and deleted in order.

The controller tags what it makes for Services of type LoadBalancer and Ingresses with
``elbv2.k8s.aws/cluster=<cluster name>``: load balancers, target groups and its security groups (the
frontend SG of each ALB and the shared backend SG ``k8s-traffic-<cluster>-<hash>``, which it also adds to
rules of the node security group). Deleting the cluster leaves all of them; their network interfaces then
hold the subnets and security groups (``DependencyViolation`` when the network is torn down). Order:

1. delete the load balancers (their listeners go with them) and wait until they are gone;
2. delete the target groups (no listener uses them any more);
3. wait until no network interface of those load balancers (description ``ELB app/<name>/<id>`` or
   ``ELB net/<name>/<id>``) nor of the controller's security groups is left;
4. revoke the rules of other security groups that reference the controller's groups, then delete them
   (retrying ``DependencyViolation`` while interfaces detach).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

TAG = "elbv2.k8s.aws/cluster"


def _tags_of(elbv2: Any, arns: list[str]) -> dict[str, dict[str, str]]:
    tags: dict[str, dict[str, str]] = {}
    for start in range(0, len(arns), 20):
        answer = elbv2.describe_tags(aws_retry=True, ResourceArns=arns[start : start + 20])
        for item in answer.get("TagDescriptions") or []:
            tags[item["ResourceArn"]] = {t["Key"]: t["Value"] for t in item.get("Tags") or []}
    return tags


def _marker_pages(call: Callable[..., dict], key: str) -> list[dict]:
    items: list[dict] = []
    params: dict[str, Any] = {}
    while True:
        page = call(aws_retry=True, **params)
        items.extend(page.get(key) or [])
        marker = page.get("NextMarker")
        if not marker:
            return items
        params["Marker"] = marker


def find(elbv2: Any, ec2: Any, cluster: str) -> dict[str, list[dict]]:
    balancers = _marker_pages(elbv2.describe_load_balancers, "LoadBalancers")
    groups = _marker_pages(elbv2.describe_target_groups, "TargetGroups")
    lb_tags = _tags_of(elbv2, [b["LoadBalancerArn"] for b in balancers])
    tg_tags = _tags_of(elbv2, [g["TargetGroupArn"] for g in groups])
    security_groups = []
    params: dict[str, Any] = {"Filters": [{"Name": f"tag:{TAG}", "Values": [cluster]}]}
    while True:
        page = ec2.describe_security_groups(aws_retry=True, **params)
        security_groups.extend(page.get("SecurityGroups") or [])
        if not page.get("NextToken"):
            break
        params["NextToken"] = page["NextToken"]
    return {
        "load_balancers": [b for b in balancers if lb_tags.get(b["LoadBalancerArn"], {}).get(TAG) == cluster],
        "target_groups": [g for g in groups if tg_tags.get(g["TargetGroupArn"], {}).get(TAG) == cluster],
        "security_groups": security_groups,
    }


def interface_description(balancer: dict) -> str:
    """``ELB app/<name>/<id>`` (or ``net/``): the description AWS gives a load balancer's interfaces."""
    kind_and_rest = balancer["LoadBalancerArn"].split(":loadbalancer/", 1)[-1]
    return f"ELB {kind_and_rest}"


def remaining_interfaces(ec2: Any, balancers: list[dict], group_ids: list[str]) -> list[str]:
    found: set[str] = set()
    descriptions = [interface_description(b) for b in balancers]
    filters = []
    if descriptions:
        filters.append([{"Name": "description", "Values": descriptions}])
    if group_ids:
        filters.append([{"Name": "group-id", "Values": group_ids}])
    for flt in filters:
        answer = ec2.describe_network_interfaces(aws_retry=True, Filters=flt)
        found.update(i["NetworkInterfaceId"] for i in answer.get("NetworkInterfaces") or [])
    return sorted(found)


def referencing_rules(ec2: Any, group_ids: list[str], vpc_id: str | None) -> list[tuple[str, str, dict]]:
    """``(group id, "ingress"|"egress", permission)`` of other groups whose rules name one of ``group_ids``."""
    if not group_ids:
        return []
    filters = [{"Name": "vpc-id", "Values": [vpc_id]}] if vpc_id else []
    rules = []
    params: dict[str, Any] = {"Filters": filters} if filters else {}
    groups: list[dict] = []
    while True:
        page = ec2.describe_security_groups(aws_retry=True, **params)
        groups.extend(page.get("SecurityGroups") or [])
        if not page.get("NextToken"):
            break
        params["NextToken"] = page["NextToken"]
    wanted = set(group_ids)
    for group in groups:
        if group["GroupId"] in wanted:
            continue
        for direction, key in (("ingress", "IpPermissions"), ("egress", "IpPermissionsEgress")):
            for permission in group.get(key) or []:
                pairs = [p for p in permission.get("UserIdGroupPairs") or [] if p.get("GroupId") in wanted]
                if pairs:
                    rule = {k: v for k, v in permission.items() if k in ("IpProtocol", "FromPort", "ToPort")}
                    rule["UserIdGroupPairs"] = [{"GroupId": p["GroupId"]} for p in pairs]
                    rules.append((group["GroupId"], direction, rule))
    return rules


def wait(check: Callable[[], list], what: str, timeout: int, delay: int, sleep: Callable[[float], None] = time.sleep):
    deadline = time.monotonic() + timeout
    while True:
        left = check()
        if not left:
            return
        if time.monotonic() + delay > deadline:
            raise TimeoutError(f"Timed out after {timeout}s waiting for {what} to go (left: {', '.join(left)})")
        sleep(delay)
