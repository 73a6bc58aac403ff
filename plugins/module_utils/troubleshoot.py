# Copyright: ecap.platform contributors
# MIT License
"""The troubleshooting report of an environment: the seed's three cases, read-only.

- ``apply``: resources stuck in a state that is not ready (EKS cluster and node groups with their health
  issues, RDS, MSK, Redis) and the service quotas whose usage is near their value.
- ``eks_access``: the API endpoint's public/private access and public CIDRs against the caller's IP, the
  caller principal's access entry and its access policies, the cluster's IAM OIDC provider.
- ``connectivity``: for each data service (RDS 5432, MSK 9098, Redis 6379 by default, the ports read from
  the services), the security-group path from the node groups' groups, the network ACLs of every
  (node subnet, service subnet) pair, the route tables of those subnets, the service's endpoint status.

:func:`collect` reads (describe calls only, paginated); the decisions are the pure functions of
:mod:`reachability` and the small ``check_*`` functions here, which take what :func:`collect` read.
A finding: ``{"case", "check", "resource", "status": OK|PROBLEM|SKIPPED, "detail", "fix"}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ansible_collections.ecap.platform.plugins.module_utils import reachability as r

try:
    from botocore.exceptions import ClientError
except ImportError:  # pragma: no cover - AnsibleAWSModule reports the missing botocore
    ClientError = Exception  # type: ignore[assignment,misc]

CASES = ("apply", "eks_access", "connectivity")

#: Quota code -> (service code, what is counted); usage is counted by :func:`count_usage`.
QUOTA_USAGE = {
    "L-F678F1CE": ("vpc", "VPCs in the region"),
    "L-0263D0A3": ("ec2", "Elastic IP addresses"),
    "L-1194D53C": ("eks", "EKS clusters"),
    "L-6D54EA21": ("eks", "managed node groups of the cluster"),
    "L-7B6409FD": ("rds", "RDS DB instances"),
    "L-EDD31C36": ("kafka", "MSK brokers in the account"),
    "L-DFA99DE8": ("elasticache", "ElastiCache nodes in the region"),
}

READY = {"eks": "ACTIVE", "nodegroup": "ACTIVE", "rds": "available", "msk": "ACTIVE", "redis": "available"}
FIX_STATE = {
    "eks": (
        "wait for the cluster (CREATING/UPDATING take 10-15 min); FAILED: read the cluster's health and "
        "delete/recreate it"
    ),
    "nodegroup": (
        "DEGRADED/CREATE_FAILED: read the health issues (often the node role, the subnets' route to the internet "
        "or a missing instance type in the AZ), fix, then re-run the site"
    ),
    "rds": "stopped: start it (playbooks/ops/scale.yml -e scale_action=up); failed/storage-full: read the RDS events",
    "msk": "wait for CREATING/UPDATING to end; FAILED: delete the cluster and re-run the site",
    "redis": "wait for creating/modifying to end; create-failed: delete the replication group and re-run the site",
}


def finding(case: str, check: str, resource: str, ok: bool | None, detail: str, fix: str = "") -> dict[str, str]:
    status = "SKIPPED" if ok is None else "OK" if ok else "PROBLEM"
    return {
        "case": case,
        "check": check,
        "resource": resource,
        "status": status,
        "detail": detail,
        "fix": "" if ok else fix,
    }


# --------------------------------------------------------------------------- collect (describe calls)


def _paged(call: Any, key: str, token: str = "NextToken", out_token: str | None = None, **params: Any) -> list:
    items: list = []
    while True:
        page = call(aws_retry=True, **params)
        items.extend(page.get(key) or [])
        nxt = page.get(out_token or token)
        if not nxt:
            return items
        params = {**params, token: nxt}


def _not_found(error: Exception, *codes: str) -> bool:
    return isinstance(error, ClientError) and error.response.get("Error", {}).get("Code") in codes


def collect_eks(eks: Any, ec2: Any, name: str) -> dict[str, Any]:
    try:
        cluster = eks.describe_cluster(aws_retry=True, name=name)["cluster"]
    except ClientError as e:
        if _not_found(e, "ResourceNotFoundException"):
            return {"cluster": None, "nodegroups": [], "access_entries": []}
        raise
    nodegroups = []
    for ng_name in _paged(eks.list_nodegroups, "nodegroups", "nextToken", clusterName=name):
        nodegroups.append(eks.describe_nodegroup(aws_retry=True, clusterName=name, nodegroupName=ng_name)["nodegroup"])
    template_groups: dict[str, list[str]] = {}
    for ng in nodegroups:
        spec = ng.get("launchTemplate") or {}
        if not spec.get("id") and not spec.get("name"):
            continue
        request = {"LaunchTemplateId": spec["id"]} if spec.get("id") else {"LaunchTemplateName": spec["name"]}
        if spec.get("version"):
            request["Versions"] = [str(spec["version"])]
        versions = ec2.describe_launch_template_versions(aws_retry=True, **request).get("LaunchTemplateVersions") or []
        data = versions[0].get("LaunchTemplateData", {}) if versions else {}
        groups = list(data.get("SecurityGroupIds") or [])
        for interface in data.get("NetworkInterfaces") or []:
            groups.extend(interface.get("Groups") or [])
        template_groups[ng["nodegroupName"]] = groups
    entries = []
    if (cluster.get("accessConfig") or {}).get("authenticationMode", "CONFIG_MAP") != "CONFIG_MAP":
        entries = _paged(eks.list_access_entries, "accessEntries", "nextToken", clusterName=name)
    return {"cluster": cluster, "nodegroups": nodegroups, "template_groups": template_groups, "access_entries": entries}


def associated_policies(eks: Any, cluster: str, principal: str) -> list[dict[str, Any]]:
    return _paged(
        eks.list_associated_access_policies,
        "associatedAccessPolicies",
        "nextToken",
        clusterName=cluster,
        principalArn=principal,
    )


def collect_rds(rds: Any, identifier: str) -> dict[str, Any] | None:
    try:
        return rds.describe_db_instances(aws_retry=True, DBInstanceIdentifier=identifier)["DBInstances"][0]
    except ClientError as e:
        if _not_found(e, "DBInstanceNotFound", "DBInstanceNotFoundFault"):
            return None
        raise


def collect_msk(kafka: Any, name: str) -> dict[str, Any] | None:
    clusters = _paged(kafka.list_clusters_v2, "ClusterInfoList", ClusterNameFilter=name)
    found = [c for c in clusters if c.get("ClusterName") == name]
    return found[0] if found else None


def collect_redis(elasticache: Any, group_id: str) -> dict[str, Any] | None:
    try:
        group = elasticache.describe_replication_groups(aws_retry=True, ReplicationGroupId=group_id)[
            "ReplicationGroups"
        ][0]
    except ClientError as e:
        if _not_found(e, "ReplicationGroupNotFoundFault"):
            return None
        raise
    members = group.get("MemberClusters") or []
    group["_members"] = []
    if members:
        described = elasticache.describe_cache_clusters(aws_retry=True, CacheClusterId=members[0])["CacheClusters"]
        group["_members"] = described
        subnet_group = described[0].get("CacheSubnetGroupName") if described else None
        if subnet_group:
            group["_subnet_group"] = elasticache.describe_cache_subnet_groups(
                aws_retry=True, CacheSubnetGroupName=subnet_group
            )["CacheSubnetGroups"][0]
    return group


def collect_vpc(ec2: Any, vpc_id: str) -> dict[str, Any]:
    vpc_filter = [{"Name": "vpc-id", "Values": [vpc_id]}]
    vpcs = ec2.describe_vpcs(aws_retry=True, VpcIds=[vpc_id])["Vpcs"]
    return {
        "vpc": vpcs[0] if vpcs else {},
        "subnets": {s["SubnetId"]: s for s in _paged(ec2.describe_subnets, "Subnets", Filters=vpc_filter)},
        "security_groups": {
            g["GroupId"]: g for g in _paged(ec2.describe_security_groups, "SecurityGroups", Filters=vpc_filter)
        },
        "network_acls": _paged(ec2.describe_network_acls, "NetworkAcls", Filters=vpc_filter),
        "route_tables": _paged(ec2.describe_route_tables, "RouteTables", Filters=vpc_filter),
        "nat_gateways": {
            n["NatGatewayId"]: n for n in _paged(ec2.describe_nat_gateways, "NatGateways", Filter=vpc_filter)
        },
    }


def count_usage(clients: Mapping[str, Any], quota_code: str, eks_cluster: str) -> float | None:
    """What the account uses of a quota of :data:`QUOTA_USAGE` (None when it cannot be counted)."""
    ec2, eks = clients["ec2"], clients["eks"]
    if quota_code == "L-F678F1CE":
        return len(_paged(ec2.describe_vpcs, "Vpcs"))
    if quota_code == "L-0263D0A3":
        return len(ec2.describe_addresses(aws_retry=True).get("Addresses") or [])
    if quota_code == "L-1194D53C":
        return len(_paged(eks.list_clusters, "clusters", "nextToken"))
    if quota_code == "L-6D54EA21":
        if not eks_cluster:
            return None
        try:
            return len(_paged(eks.list_nodegroups, "nodegroups", "nextToken", clusterName=eks_cluster))
        except ClientError as e:
            if _not_found(e, "ResourceNotFoundException"):
                return 0
            raise
    if quota_code == "L-7B6409FD":
        return len(_paged(clients["rds"].describe_db_instances, "DBInstances", "Marker", out_token="Marker"))
    if quota_code == "L-EDD31C36":
        clusters = _paged(clients["kafka"].list_clusters_v2, "ClusterInfoList")
        return sum(int((c.get("Provisioned") or {}).get("NumberOfBrokerNodes") or 0) for c in clusters)
    if quota_code == "L-DFA99DE8":
        caches = _paged(clients["elasticache"].describe_cache_clusters, "CacheClusters", "Marker", out_token="Marker")
        return sum(int(c.get("NumCacheNodes") or 1) for c in caches)
    return None


# --------------------------------------------------------------------------- decisions (pure)


def check_state(kind: str, resource: str, state: str | None, extra: str = "") -> dict[str, str]:
    if state is None:
        return finding(
            "apply",
            f"{kind} state",
            resource,
            False,
            f"{resource} does not exist",
            "run the site (ansible-playbook site.yml -i inventories/<env>) and read its first failed task",
        )
    ok = state == READY[kind]
    detail = f"{resource} is {state}" + (f" ({extra})" if extra else "")
    return finding("apply", f"{kind} state", resource, ok, detail, FIX_STATE[kind])


def check_nodegroup(nodegroup: Mapping[str, Any]) -> dict[str, str]:
    issues = (nodegroup.get("health") or {}).get("issues") or []
    name = nodegroup.get("nodegroupName", "?")
    status = nodegroup.get("status", "?")
    text = "; ".join(f"{i.get('code')}: {i.get('message')}" for i in issues)
    result = check_state("nodegroup", name, status, text)
    if issues and result["status"] == "OK":
        result.update(status="PROBLEM", fix=FIX_STATE["nodegroup"])
    return result


def check_quota(quota: Mapping[str, Any], usage: float | None, threshold: float) -> dict[str, str]:
    code = quota.get("quota_code", "?")
    what = QUOTA_USAGE.get(code, ("", quota.get("quota_name", code)))[1]
    resource = f"{quota.get('service_code')}/{code}"
    value = float(quota.get("value") or 0)
    if usage is None:
        return finding("apply", "quota", resource, None, f"{what}: usage not counted (no cluster)")
    near = r.quota_usage_problem(usage, value, threshold)
    detail = f"{what}: {usage:g} used of {value:g} ({quota.get('source', 'applied')})"
    fix = (
        f"request an increase of {resource} in the Service Quotas console (or delete unused {what}); "
        "playbooks/ops/preflight.yml shows what the inventory needs"
    )
    return finding(
        "apply", "quota", resource, not near, detail + (f", at or above {threshold:.0%}" if near else ""), fix
    )


def check_endpoint_access(cluster: Mapping[str, Any], caller_ip: str, from_vpc: bool) -> list[dict[str, str]]:
    name = cluster.get("name", "?")
    config = cluster.get("resourcesVpcConfig") or {}
    public, private = bool(config.get("endpointPublicAccess")), bool(config.get("endpointPrivateAccess"))
    cidrs = list(config.get("publicAccessCidrs") or [])
    findings = []
    mode = f"public {'on' if public else 'off'}, private {'on' if private else 'off'}"
    if from_vpc:
        findings.append(
            finding(
                "eks_access",
                "endpoint access",
                name,
                private,
                f"{mode}; the caller runs inside the VPC",
                "turn private access on (eks_endpoint_private_access: true) and re-run the site's eks tier",
            )
        )
        return findings
    if not public:
        findings.append(
            finding(
                "eks_access",
                "endpoint access",
                name,
                False,
                f"{mode}: the API is reachable only from the VPC (or a peered network / VPN)",
                "run kubectl from inside the VPC (bastion, SSM session, VPN), or open the public endpoint to your "
                "CIDR (eks_endpoint_public_access: true, eks_public_access_cidrs: [<your IP>/32])",
            )
        )
        return findings
    if not caller_ip:
        open_to_all = "0.0.0.0/0" in cidrs
        findings.append(
            finding(
                "eks_access",
                "endpoint access",
                name,
                True if open_to_all else None,
                f"{mode}, public CIDRs {', '.join(cidrs) or '-'}"
                + ("" if open_to_all else "; give -e troubleshoot_caller_ip=<your public IP> to check yours"),
            )
        )
        return findings
    allowed = r.public_access_allows(cidrs, caller_ip)
    findings.append(
        finding(
            "eks_access",
            "endpoint access",
            name,
            allowed,
            f"{mode}, public CIDRs {', '.join(cidrs) or '-'}; caller IP {caller_ip} is "
            + ("inside" if allowed else "outside")
            + " them",
            f"add {caller_ip}/32 to eks_public_access_cidrs and re-run the site's eks tier",
        )
    )
    return findings


def check_access_entry(
    cluster: Mapping[str, Any], entries: list[str], principal: str, policies: list[Mapping[str, Any]] | None
) -> dict[str, str]:
    name = cluster.get("name", "?")
    mode = (cluster.get("accessConfig") or {}).get("authenticationMode", "CONFIG_MAP")
    if mode == "CONFIG_MAP":
        return finding(
            "eks_access",
            "access entry",
            name,
            None,
            "authentication mode CONFIG_MAP: access is granted in the aws-auth ConfigMap, not by access entries",
        )
    creator = bool((cluster.get("accessConfig") or {}).get("bootstrapClusterCreatorAdminPermissions"))
    if principal not in entries:
        return finding(
            "eks_access",
            "access entry",
            name,
            False,
            f"no access entry for the caller {principal} (mode {mode}, {len(entries)} entries"
            + ("; the cluster creator's admin entry may have been removed" if creator else "")
            + ")",
            f"add {principal} to eks_admin_principals and re-run the site's eks tier, or use a principal that has "
            "an entry (aws sts get-caller-identity shows which one you are)",
        )
    if not policies:
        return finding(
            "eks_access",
            "access entry",
            name,
            False,
            f"the caller {principal} has an access entry but no access policy (and maybe no Kubernetes group)",
            "associate AmazonEKSClusterAdminPolicy (or a narrower one) to the entry: eks_admin_principals does that",
        )
    names = ", ".join(str(p.get("policyArn", "")).rsplit("/", 1)[-1] for p in policies)
    return finding("eks_access", "access entry", name, True, f"the caller {principal} has an entry with {names}")


def check_oidc(cluster: Mapping[str, Any], provider_arns: list[str]) -> dict[str, str]:
    name = cluster.get("name", "?")
    issuer = ((cluster.get("identity") or {}).get("oidc") or {}).get("issuer", "")
    if not issuer:
        return finding("eks_access", "OIDC provider", name, False, "the cluster has no OIDC issuer", "re-run the site")
    host_path = issuer.removeprefix("https://")
    found = any(arn.endswith(f":oidc-provider/{host_path}") for arn in provider_arns)
    return finding(
        "eks_access",
        "OIDC provider",
        name,
        found,
        f"IAM OIDC provider for {host_path} {'exists' if found else 'is missing: IRSA roles cannot be assumed'}",
        "re-run the site's eks tier (it creates the provider with ecap.platform.iam_oidc_provider)",
    )


def _cidrs(subnets: Mapping[str, Mapping[str, Any]], ids: list[str]) -> list[str]:
    return [subnets[i]["CidrBlock"] for i in ids if i in subnets]


def check_target_path(
    target: Mapping[str, Any],
    nodes: Mapping[str, Any],
    vpc: Mapping[str, Any],
) -> list[dict[str, str]]:
    """SG path, NACLs and route tables from the nodes to one data service (``target``: label, port, groups, subnets)."""
    label, port = target["label"], int(target["port"])
    resource = f"{target['resource']}:{port}"
    groups = vpc["security_groups"]
    subnets = vpc["subnets"]
    source_groups = [groups[g] for g in nodes["security_group_ids"] if g in groups]
    target_groups = [groups[g] for g in target["security_group_ids"] if g in groups]
    findings = []
    if not source_groups or not target_groups:
        findings.append(
            finding(
                "connectivity",
                "security groups",
                resource,
                False,
                f"cannot evaluate: node groups {nodes['security_group_ids'] or '-'} / {label} groups "
                f"{target['security_group_ids'] or '-'} not found in the VPC",
                "re-run the site's security_groups tier",
            )
        )
    else:
        path = r.sg_path(
            source_groups,
            target_groups,
            port,
            _cidrs(subnets, nodes["subnet_ids"]),
            _cidrs(subnets, target["subnet_ids"]),
        )
        if path["allowed"]:
            via = path["egress"]["via"][:1] + path["ingress"]["via"][:1]
            detail = f"nodes -> {label} tcp/{port} allowed ({'; '.join(via)})"
            findings.append(finding("connectivity", "security groups", resource, True, detail))
        else:
            detail, fix = r.explain_sg_path(path, port, "EKS nodes", label, groups)
            findings.append(finding("connectivity", "security groups", resource, False, detail, fix))

    vpc_id = vpc["vpc"].get("VpcId", "")
    blocked: dict[str, list[str]] = {}
    for source_id in nodes["subnet_ids"]:
        for target_id in target["subnet_ids"]:
            if source_id not in subnets or target_id not in subnets:
                continue
            source_acl = r.acl_of_subnet(vpc["network_acls"], source_id, vpc_id) or {}
            target_acl = r.acl_of_subnet(vpc["network_acls"], target_id, vpc_id) or {}
            for step in r.nacl_path(
                source_acl.get("Entries") or [],
                target_acl.get("Entries") or [],
                subnets[source_id]["CidrBlock"],
                subnets[target_id]["CidrBlock"],
                port,
            ):
                acl = source_acl if step["acl"] == "source" else target_acl
                key = f"{acl.get('NetworkAclId', '?')} ({step['acl']} subnet's ACL) {step['detail'].rsplit(' ', 2)[0]}"
                blocked.setdefault(key, []).append(f"{source_id} -> {target_id}")
    lines = [f"{key} ({len(pairs)} of the subnet pairs, e.g. {pairs[0]})" for key, pairs in blocked.items()]
    findings.append(
        finding(
            "connectivity",
            "network ACLs",
            resource,
            not blocked,
            "; ".join(lines)
            if lines
            else f"the ACLs of {len(nodes['subnet_ids'])} node and {len(target['subnet_ids'])} {label} subnets allow "
            f"tcp/{port} and the replies",
            f"remove the deny entries named (aws ec2 delete-network-acl-entry) or add an allow with a lower rule "
            f"number for tcp/{port} and the ephemeral ports 32768-60999 (AWS suggests 1024-65535)",
        )
    )
    return findings


def check_routes(vpc: Mapping[str, Any], subnet_ids: list[str], require_default: bool, label: str) -> dict[str, str]:
    vpc_id = vpc["vpc"].get("VpcId", "")
    cidrs = [a["CidrBlock"] for a in vpc["vpc"].get("CidrBlockAssociationSet") or [] if a.get("CidrBlock")]
    cidrs = cidrs or [vpc["vpc"].get("CidrBlock", "")]
    problems = []
    for subnet_id in subnet_ids:
        table = r.route_table_of_subnet(vpc["route_tables"], subnet_id, vpc_id)
        problems.extend(
            f"{subnet_id}: {p}" for p in r.route_problems(table, cidrs, vpc["nat_gateways"], require_default)
        )
    return finding(
        "connectivity",
        "route tables",
        f"{label} subnets",
        not problems,
        "; ".join(problems)
        if problems
        else f"{len(subnet_ids)} {label} subnets: local route"
        + (", default route via an available NAT gateway" if require_default else ""),
        "re-run the site's network tier (it owns the route tables, associations and NAT gateways)",
    )


def summary(findings: list[Mapping[str, Any]]) -> dict[str, int]:
    counts = {"OK": 0, "PROBLEM": 0, "SKIPPED": 0}
    for item in findings:
        counts[item["status"]] += 1
    return {"ok": counts["OK"], "problem": counts["PROBLEM"], "skipped": counts["SKIPPED"]}


def report_lines(findings: list[Mapping[str, Any]]) -> list[str]:
    """The findings as readable lines, grouped by case."""
    titles = {
        "apply": "Apply failures (states, quotas)",
        "eks_access": "EKS access",
        "connectivity": "Connectivity from the EKS nodes",
    }
    lines = []
    for case in CASES:
        items = [f for f in findings if f["case"] == case]
        if not items:
            continue
        lines.append(f"== {titles[case]}")
        for item in items:
            lines.append(f"{item['status']:<8}{item['check']}: {item['resource']}: {item['detail']}")
            if item["status"] == "PROBLEM" and item["fix"]:
                lines.append(f"        fix: {item['fix']}")
    counts = summary(findings)
    lines.append(f"{counts['problem']} problem(s), {counts['ok']} OK, {counts['skipped']} skipped")
    return lines
