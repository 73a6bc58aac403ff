#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: troubleshoot_info
version_added: 0.4.0
short_description: Find what blocks an environment - stuck resources, quotas, EKS access, paths to the data services
description:
  - Read-only. Describes the EKS cluster, its node groups, the RDS instance, the MSK cluster, the Redis replication
    group and their VPC (subnets, security groups, network ACLs, route tables, NAT gateways), then reports findings
    in three cases, the seed's troubleshooting section.
  - C(apply) - each resource's state against its ready state (EKS C(ACTIVE), node groups C(ACTIVE) without health
    issues, RDS C(available), MSK C(ACTIVE), Redis C(available)); each quota in O(quotas) whose usage (counted here)
    reaches O(quota_threshold) of its value.
  - C(eks_access) - the API endpoint's public/private access and public CIDRs against O(caller_ip); the access entry
    of O(caller_principal_arn) and its access policies; the cluster's IAM OIDC provider.
  - C(connectivity) - for each data service, the security-group path from the nodes' groups (the node groups' launch
    template groups, else the cluster security group) to the service's groups on its port (RDS 5432, MSK 9098 with IAM
    auth / 9094 TLS / 9092 plaintext, Redis 6379, read from the services), matching rules by group reference or by a
    CIDR covering the other side's subnets; the network ACLs of every (node subnet, service subnet) pair, request and
    reply (the Linux nodes' ephemeral ports 32768-60999); the route tables of the node and service subnets; the
    service's endpoint.
  - The decisions are pure functions in module_utils/reachability.py and module_utils/troubleshoot.py.
author:
  - ecap.platform contributors
options:
  eks_cluster_name:
    description:
      - The EKS cluster; empty skips the EKS checks (and the node side of the paths needs O(node_security_group_ids)).
    type: str
    default: ""
  rds_identifier:
    description: The RDS DB instance identifier; empty skips it.
    type: str
    default: ""
  msk_cluster_name:
    description: The MSK cluster name; empty skips it.
    type: str
    default: ""
  redis_replication_group_id:
    description: The ElastiCache replication group id; empty skips it.
    type: str
    default: ""
  vpc_id:
    description: The VPC; default the EKS cluster's.
    type: str
    default: ""
  node_security_group_ids:
    description:
      - The nodes' security groups; default those of the node groups' launch templates, else the cluster security group.
    type: list
    elements: str
    default: []
  node_subnet_ids:
    description: The nodes' subnets; default the node groups' subnets.
    type: list
    elements: str
    default: []
  caller_principal_arn:
    description:
      - The IAM principal that runs kubectl (M(ecap.platform.caller_principal_info) RV(principal_arn)).
      - Empty skips the access entry check.
    type: str
    default: ""
  caller_ip:
    description:
      - The public IP (or CIDR) kubectl connects from, checked against the public access CIDRs.
      - Empty checks only whether the CIDRs hold C(0.0.0.0/0).
    type: str
    default: ""
  caller_in_vpc:
    description: The caller runs inside the VPC (then private endpoint access is what matters).
    type: bool
    default: false
  quotas:
    description:
      - Quotas as M(ecap.platform.service_quota_info) returns them (RV(ecap.platform.service_quota_info#module:quotas)).
        Usage is counted for V(vpc/L-F678F1CE), V(ec2/L-0263D0A3), V(eks/L-1194D53C), V(eks/L-6D54EA21),
        V(rds/L-7B6409FD), V(kafka/L-EDD31C36) and V(elasticache/L-DFA99DE8); other codes are skipped.
    type: list
    elements: dict
    default: []
  quota_threshold:
    description: The fraction of a quota from which its usage is a problem.
    type: float
    default: 0.8
notes:
  - Supports check mode (it makes no change).
  - Network ACL evaluation is per rule, first match wins; an allow that covers only part of a peer subnet does not
    decide, so several partial allows that together cover it are reported as blocked.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Troubleshoot the dev environment
  ecap.platform.troubleshoot_info:
    eks_cluster_name: ecap-dev-eks
    rds_identifier: ecap-dev-postgres
    msk_cluster_name: ecap-dev-msk
    redis_replication_group_id: ecap-dev-redis
    caller_principal_arn: "{{ caller.principal_arn }}"
    caller_ip: 203.0.113.10
    quotas: "{{ quotas.quotas }}"
  register: report

- name: Print it
  ansible.builtin.debug:
    msg: "{{ report.report }}"
"""

RETURN = r"""
findings:
  description: Every check, in report order.
  returned: always
  type: list
  elements: dict
  contains:
    case: {description: "V(apply), V(eks_access) or V(connectivity).", type: str}
    check: {description: "What was checked (V(rds state), V(quota), V(security groups)...).", type: str}
    resource: {description: "The resource (C(ecap-dev-postgres:5432) for a path).", type: str}
    status: {description: "V(OK), V(PROBLEM) or V(SKIPPED).", type: str}
    detail: {description: What was found., type: str}
    fix: {description: How to fix a PROBLEM (empty otherwise)., type: str}
summary:
  description: How many findings of each status.
  returned: always
  type: dict
  sample: {ok: 17, problem: 1, skipped: 0}
report:
  description: The findings as readable lines, grouped by case, with the fix under each problem.
  returned: always
  type: list
  elements: str
examined:
  description: What the paths were evaluated from and to.
  returned: always
  type: dict
  contains:
    vpc_id: {description: The VPC., type: str}
    node_security_group_ids: {description: The nodes' groups., type: list, elements: str}
    node_subnet_ids: {description: The nodes' subnets., type: list, elements: str}
    targets:
      description: Each data service, C(label), C(resource), C(port), C(security_group_ids), C(subnet_ids).
      type: list
      elements: dict
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils import troubleshoot as t
from ansible_collections.ecap.platform.plugins.module_utils.common import client


def _msk_port(cluster: dict) -> int:
    auth = (cluster.get("Provisioned") or {}).get("ClientAuthentication") or {}
    if ((auth.get("Sasl") or {}).get("Iam") or {}).get("Enabled"):
        return 9098
    if ((auth.get("Sasl") or {}).get("Scram") or {}).get("Enabled"):
        return 9096
    if auth.get("Tls") or not ((auth.get("Unauthenticated") or {}).get("Enabled")):
        return 9094
    return 9092


def _redis_port(group: dict) -> int:
    endpoint = group.get("ConfigurationEndpoint") or ((group.get("NodeGroups") or [{}])[0].get("PrimaryEndpoint") or {})
    return int(endpoint.get("Port") or 6379)


def _targets(module: AnsibleAWSModule, clients: dict, findings: list) -> list[dict]:
    params = module.params
    targets = []
    if params["rds_identifier"]:
        db = t.collect_rds(clients["rds"], params["rds_identifier"])
        findings.append(t.check_state("rds", params["rds_identifier"], db and db.get("DBInstanceStatus")))
        if db:
            endpoint = db.get("Endpoint") or {}
            targets.append(
                {
                    "label": "RDS",
                    "resource": params["rds_identifier"],
                    "port": int(endpoint.get("Port") or db.get("DbInstancePort") or 5432),
                    "security_group_ids": [g["VpcSecurityGroupId"] for g in db.get("VpcSecurityGroups") or []],
                    "subnet_ids": [s["SubnetIdentifier"] for s in (db.get("DBSubnetGroup") or {}).get("Subnets") or []],
                    "endpoint": endpoint.get("Address", ""),
                    "state": db.get("DBInstanceStatus"),
                    "ready": "available",
                }
            )
    if params["msk_cluster_name"]:
        msk = t.collect_msk(clients["kafka"], params["msk_cluster_name"])
        findings.append(t.check_state("msk", params["msk_cluster_name"], msk and msk.get("State")))
        if msk:
            brokers = (msk.get("Provisioned") or {}).get("BrokerNodeGroupInfo") or {}
            endpoint = ""
            if msk.get("State") == "ACTIVE":
                try:
                    answer = clients["kafka"].get_bootstrap_brokers(aws_retry=True, ClusterArn=msk["ClusterArn"])
                    endpoint = next((v for k, v in sorted(answer.items()) if k.startswith("BootstrapBroker") and v), "")
                except ClientError:
                    endpoint = ""
            targets.append(
                {
                    "label": "MSK",
                    "resource": params["msk_cluster_name"],
                    "port": _msk_port(msk),
                    "security_group_ids": list(brokers.get("SecurityGroups") or []),
                    "subnet_ids": list(brokers.get("ClientSubnets") or []),
                    "endpoint": endpoint,
                    "state": msk.get("State"),
                    "ready": "ACTIVE",
                }
            )
    if params["redis_replication_group_id"]:
        group = t.collect_redis(clients["elasticache"], params["redis_replication_group_id"])
        findings.append(t.check_state("redis", params["redis_replication_group_id"], group and group.get("Status")))
        if group:
            members = group.get("_members") or []
            endpoint = group.get("ConfigurationEndpoint") or (
                (group.get("NodeGroups") or [{}])[0].get("PrimaryEndpoint") or {}
            )
            targets.append(
                {
                    "label": "Redis",
                    "resource": params["redis_replication_group_id"],
                    "port": _redis_port(group),
                    "security_group_ids": [
                        g["SecurityGroupId"] for g in (members[0] if members else {}).get("SecurityGroups") or []
                    ],
                    "subnet_ids": [
                        s["SubnetIdentifier"] for s in (group.get("_subnet_group") or {}).get("Subnets") or []
                    ],
                    "endpoint": endpoint.get("Address", ""),
                    "state": group.get("Status"),
                    "ready": "available",
                }
            )
    return targets


def _eks(module: AnsibleAWSModule, clients: dict, findings: list) -> dict:
    params = module.params
    name = params["eks_cluster_name"]
    data = t.collect_eks(clients["eks"], clients["ec2"], name)
    cluster = data["cluster"]
    findings.append(t.check_state("eks", name, cluster and cluster.get("status")))
    if not cluster:
        return data
    for nodegroup in data["nodegroups"]:
        findings.append(t.check_nodegroup(nodegroup))
    if not data["nodegroups"]:
        findings.append(
            t.finding(
                "apply", "nodegroup state", name, False, "the cluster has no node group", "re-run the site's eks tier"
            )
        )
    findings.extend(t.check_endpoint_access(cluster, params["caller_ip"], params["caller_in_vpc"]))
    principal = params["caller_principal_arn"]
    if principal:
        entries = data["access_entries"]
        policies = t.associated_policies(clients["eks"], name, principal) if principal in entries else None
        findings.append(t.check_access_entry(cluster, entries, principal, policies))
    else:
        findings.append(t.finding("eks_access", "access entry", name, None, "no caller_principal_arn given"))
    providers = [
        p["Arn"]
        for p in clients["iam"].list_open_id_connect_providers(aws_retry=True).get("OpenIDConnectProviderList") or []
    ]
    findings.append(t.check_oidc(cluster, providers))
    return data


def main() -> None:
    argument_spec = dict(
        eks_cluster_name=dict(type="str", default=""),
        rds_identifier=dict(type="str", default=""),
        msk_cluster_name=dict(type="str", default=""),
        redis_replication_group_id=dict(type="str", default=""),
        vpc_id=dict(type="str", default=""),
        node_security_group_ids=dict(type="list", elements="str", default=[]),
        node_subnet_ids=dict(type="list", elements="str", default=[]),
        caller_principal_arn=dict(type="str", default=""),
        caller_ip=dict(type="str", default=""),
        caller_in_vpc=dict(type="bool", default=False),
        quotas=dict(type="list", elements="dict", default=[]),
        quota_threshold=dict(type="float", default=0.8),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    if not 0 < params["quota_threshold"] <= 1:
        module.fail_json(msg=f"quota_threshold={params['quota_threshold']} must be in (0, 1]")
    if params["caller_ip"]:
        try:
            t.r.public_access_allows(["0.0.0.0/0"], params["caller_ip"])
        except ValueError:
            module.fail_json(msg=f"caller_ip={params['caller_ip']} is not an IPv4 address or CIDR")
    clients = {name: client(module, name) for name in ("ec2", "eks", "rds", "kafka", "elasticache", "iam")}
    findings: list[dict] = []
    try:
        eks = _eks(module, clients, findings) if params["eks_cluster_name"] else {"cluster": None, "nodegroups": []}
        for quota in params["quotas"]:
            usage = t.count_usage(clients, str(quota.get("quota_code")), params["eks_cluster_name"])
            findings.append(t.check_quota(quota, usage, params["quota_threshold"]))
        targets = _targets(module, clients, findings)
        cluster = eks["cluster"] or {}
        vpc_id = params["vpc_id"] or (cluster.get("resourcesVpcConfig") or {}).get("vpcId", "")
        node_groups = list(params["node_security_group_ids"])
        if not node_groups:
            for nodegroup in eks["nodegroups"]:
                groups = (eks.get("template_groups") or {}).get(nodegroup["nodegroupName"]) or [
                    (cluster.get("resourcesVpcConfig") or {}).get("clusterSecurityGroupId")
                ]
                node_groups.extend(g for g in groups if g and g not in node_groups)
        node_subnets = list(params["node_subnet_ids"]) or sorted(
            {s for nodegroup in eks["nodegroups"] for s in nodegroup.get("subnets") or []}
        )
        nodes = {"security_group_ids": node_groups, "subnet_ids": node_subnets}
        if vpc_id and targets:
            vpc = t.collect_vpc(clients["ec2"], vpc_id)
            findings.append(t.check_routes(vpc, node_subnets, True, "node"))
            for target in targets:
                findings.append(t.check_routes(vpc, target["subnet_ids"], False, target["label"]))
                findings.extend(t.check_target_path(target, nodes, vpc))
                ready = target["state"] == target["ready"] and bool(target["endpoint"])
                findings.append(
                    t.finding(
                        "connectivity",
                        "endpoint",
                        f"{target['resource']}:{target['port']}",
                        ready,
                        f"{target['label']} endpoint {target['endpoint'] or '(none yet)'}, {target['state']}",
                        f"wait for the {target['label']} resource to be {target['ready']} (see its state above)",
                    )
                )
        elif targets:
            findings.append(
                t.finding(
                    "connectivity",
                    "paths",
                    "-",
                    None,
                    "no VPC to evaluate the paths in (no EKS cluster and no vpc_id)",
                )
            )
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg="Failed to read the environment's resources")
    module.exit_json(
        changed=False,
        findings=findings,
        summary=t.summary(findings),
        report=t.report_lines(findings),
        examined={"vpc_id": vpc_id, **{f"node_{k}": v for k, v in nodes.items()}, "targets": targets},
    )


if __name__ == "__main__":
    main()
