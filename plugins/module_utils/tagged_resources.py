# Copyright: ecap.platform contributors
# MIT License
"""List the live resources that carry a set of tags: the leak report after a teardown.

Pure boto3 (no Ansible imports): the ``tagged_resources_info`` module uses it against AWS, the
emulator's ``resources`` command against the emulator. Each service has a lister registered with
:func:`lister`; add one for a new service in a few lines::

    @lister("sqs")
    def _sqs(ctx: Context) -> Iterator[Resource]:
        for url in ctx.client("sqs").list_queues().get("QueueUrls", []):
            ...
            yield Resource("sqs", "queue", name, arn)

Listers skip what is on its way out (NAT gateways ``deleted``, KMS keys and secrets pending deletion).
``resourcegroupstaggingapi`` (GetResources) runs last and adds what the listers did not find.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:  # the module reports missing botocore itself
    BotoCoreError = ClientError = Exception  # type: ignore[misc,assignment]


@dataclass(frozen=True)
class Resource:
    service: str
    type: str
    id: str
    arn: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class Context:
    """What a lister needs: a client per service, the tags to match, the region."""

    make_client: Callable[[str], Any]
    tags: dict[str, str]
    region: str
    _clients: dict[str, Any] = field(default_factory=dict)
    _account: str | None = None

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self.make_client(service)
        return self._clients[service]

    @property
    def account(self) -> str:
        if self._account is None:
            self._account = self.client("sts").get_caller_identity()["Account"]
        return self._account

    def matches(self, tags: dict[str, str]) -> bool:
        return all(tags.get(k) == v for k, v in self.tags.items())

    def ec2_filters(self) -> list[dict[str, Any]]:
        return [{"Name": f"tag:{k}", "Values": [v]} for k, v in self.tags.items()]

    def ec2_arn(self, kind: str, resource_id: str) -> str:
        return f"arn:aws:ec2:{self.region}:{self.account}:{kind}/{resource_id}"


Lister = Callable[[Context], Iterable[Resource]]
LISTERS: dict[str, Lister] = {}


def lister(service: str) -> Callable[[Lister], Lister]:
    def register(fn: Lister) -> Lister:
        LISTERS[service] = fn
        return fn

    return register


def tag_dict(tags: Iterable[dict[str, str]] | None, key: str = "Key", value: str = "Value") -> dict[str, str]:
    return {t[key]: t.get(value, "") for t in tags or []}


def _pages(client: Any, operation: str, result_key: str, **kwargs: Any) -> Iterator[Any]:
    for page in client.get_paginator(operation).paginate(**kwargs):
        yield from page.get(result_key, [])


# --- EC2 ----------------------------------------------------------------------------------------

#: (describe operation, result key, id key, ARN resource kind, type, states that are not live)
EC2_KINDS = [
    ("describe_vpcs", "Vpcs", "VpcId", "vpc", "vpc", ()),
    ("describe_subnets", "Subnets", "SubnetId", "subnet", "subnet", ()),
    ("describe_internet_gateways", "InternetGateways", "InternetGatewayId", "internet-gateway", "internet_gateway", ()),
    ("describe_nat_gateways", "NatGateways", "NatGatewayId", "natgateway", "nat_gateway", ("deleted",)),
    ("describe_addresses", "Addresses", "AllocationId", "elastic-ip", "elastic_ip", ()),
    ("describe_route_tables", "RouteTables", "RouteTableId", "route-table", "route_table", ()),
    ("describe_security_groups", "SecurityGroups", "GroupId", "security-group", "security_group", ()),
    ("describe_vpc_endpoints", "VpcEndpoints", "VpcEndpointId", "vpc-endpoint", "vpc_endpoint", ("deleted", "Deleted")),
    ("describe_flow_logs", "FlowLogs", "FlowLogId", "vpc-flow-log", "flow_log", ()),
    ("describe_launch_templates", "LaunchTemplates", "LaunchTemplateId", "launch-template", "launch_template", ()),
    (
        "describe_network_interfaces",
        "NetworkInterfaces",
        "NetworkInterfaceId",
        "network-interface",
        "network_interface",
        (),
    ),
]


#: Ids of the kinds the EC2 lister covers (the tagging API may name their ARNs differently).
EC2_ID_PREFIXES = ("vpc-", "subnet-", "igw-", "nat-", "eipalloc-", "rtb-", "sg-", "vpce-", "fl-", "eni-")
#: Services whose lister covers every kind of resource they have here.
FULLY_LISTED = {"kms", "logs", "iam", "s3", "secretsmanager"}


@lister("ec2")
def _ec2(ctx: Context) -> Iterator[Resource]:
    ec2 = ctx.client("ec2")
    for operation, key, id_key, kind, rtype, dead in EC2_KINDS:
        # DescribeNatGateways names its parameter Filter, the others Filters.
        param = "Filter" if operation == "describe_nat_gateways" else "Filters"
        response = getattr(ec2, operation)(**{param: ctx.ec2_filters()})
        for item in response.get(key, []):
            state = item.get("State", "")
            if state in dead:
                continue
            yield Resource("ec2", rtype, item[id_key], ctx.ec2_arn(kind, item[id_key]))


# --- KMS, Logs, IAM, S3 -------------------------------------------------------------------------


@lister("kms")
def _kms(ctx: Context) -> Iterator[Resource]:
    kms = ctx.client("kms")
    live: dict[str, str] = {}
    for key in _pages(kms, "list_keys", "Keys"):
        meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
        if meta.get("KeyState") == "PendingDeletion" or meta.get("KeyManager") == "AWS":
            continue
        tags = tag_dict(kms.list_resource_tags(KeyId=key["KeyId"]).get("Tags"), "TagKey", "TagValue")
        if ctx.matches(tags):
            live[key["KeyId"]] = meta["Arn"]
            yield Resource("kms", "key", key["KeyId"], meta["Arn"])
    for alias in _pages(kms, "list_aliases", "Aliases"):
        if alias.get("TargetKeyId") in live:
            yield Resource("kms", "alias", alias["AliasName"], alias["AliasArn"])


@lister("logs")
def _logs(ctx: Context) -> Iterator[Resource]:
    logs = ctx.client("logs")
    for group in _pages(logs, "describe_log_groups", "logGroups"):
        tags = logs.list_tags_log_group(logGroupName=group["logGroupName"]).get("tags", {})
        if ctx.matches(tags):
            arn = group.get("logGroupArn") or group["arn"].removesuffix(":*")
            yield Resource("logs", "log_group", group["logGroupName"], arn)


@lister("iam")
def _iam(ctx: Context) -> Iterator[Resource]:
    iam = ctx.client("iam")
    for role in _pages(iam, "list_roles", "Roles"):
        if ctx.matches(tag_dict(iam.list_role_tags(RoleName=role["RoleName"]).get("Tags"))):
            yield Resource("iam", "role", role["RoleName"], role["Arn"])
    for policy in _pages(iam, "list_policies", "Policies", Scope="Local"):
        if ctx.matches(tag_dict(iam.list_policy_tags(PolicyArn=policy["Arn"]).get("Tags"))):
            yield Resource("iam", "policy", policy["PolicyName"], policy["Arn"])
    for provider in iam.list_open_id_connect_providers().get("OpenIDConnectProviderList", []):
        arn = provider["Arn"]
        if ctx.matches(tag_dict(iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=arn).get("Tags"))):
            yield Resource("iam", "oidc_provider", arn.split("oidc-provider/", 1)[-1], arn)


@lister("s3")
def _s3(ctx: Context) -> Iterator[Resource]:
    s3 = ctx.client("s3")
    for bucket in s3.list_buckets().get("Buckets", []):
        try:
            tags = tag_dict(s3.get_bucket_tagging(Bucket=bucket["Name"]).get("TagSet"))
        except ClientError:  # NoSuchTagSet
            continue
        if ctx.matches(tags):
            yield Resource("s3", "bucket", bucket["Name"], f"arn:aws:s3:::{bucket['Name']}")


@lister("secretsmanager")
def _secretsmanager(ctx: Context) -> Iterator[Resource]:
    """Secrets, not those scheduled for deletion (ListSecrets leaves them out; GetResources lists them)."""
    for secret in _pages(ctx.client("secretsmanager"), "list_secrets", "SecretList"):
        if ctx.matches(tag_dict(secret.get("Tags"))):
            yield Resource("secretsmanager", "secret", secret["Name"], secret["ARN"])


@lister("tagging")
def _tagging(ctx: Context) -> Iterator[Resource]:
    """Whatever else the Resource Groups Tagging API knows (RDS, ElastiCache, EKS, MSK, ...)."""
    tagging = ctx.client("resourcegroupstaggingapi")
    filters = [{"Key": k, "Values": [v]} for k, v in ctx.tags.items()]
    for item in _pages(tagging, "get_resources", "ResourceTagMappingList", TagFilters=filters):
        arn = item["ResourceARN"]
        parts = arn.split(":", 5)
        service, resource = parts[2], parts[5] if len(parts) > 5 else ""
        rtype, _, rid = resource.replace(":", "/", 1).partition("/")
        if service in FULLY_LISTED or (service == "ec2" and rid.startswith(EC2_ID_PREFIXES)):
            continue  # the service's own lister knows which of these are live (not deleted/pending deletion)
        yield Resource(service, rtype.replace("-", "_") or service, rid or rtype, arn)


def list_resources(
    make_client: Callable[[str], Any],
    tags: dict[str, str],
    region: str,
    services: Iterable[str] | None = None,
) -> list[dict[str, str]]:
    """Every live resource carrying all ``tags``: ``[{"service", "type", "id", "arn"}]``, sorted.

    ``make_client(service)`` returns a boto3 client (of an Ansible module, or of a plain session).
    """
    ctx = Context(make_client, dict(tags), region)
    found: dict[str, Resource] = {}
    for service in services or LISTERS:
        try:
            for resource in LISTERS[service](ctx):
                found.setdefault(resource.arn, resource)
        except (ClientError, BotoCoreError) as exc:
            if service != "tagging":  # best effort: GetResources is a catch-all
                raise RuntimeError(f"listing {service} resources failed: {exc}") from exc
    return [r.to_dict() for r in sorted(found.values(), key=lambda r: (r.service, r.type, r.id))]


# --- EKS ----------------------------------------------------------------------------------------


@lister("eks")
def _eks(ctx: Context) -> Iterator[Resource]:
    """Clusters (not the ones DELETING), their node groups and add-ons (the emulator's tagging API lists no EKS)."""
    eks = ctx.client("eks")
    for name in _pages(eks, "list_clusters", "clusters"):
        cluster = eks.describe_cluster(name=name)["cluster"]
        if cluster.get("status") == "DELETING":
            continue
        if ctx.matches(cluster.get("tags") or {}):
            yield Resource("eks", "cluster", name, cluster["arn"])
        for nodegroup in _pages(eks, "list_nodegroups", "nodegroups", clusterName=name):
            described = eks.describe_nodegroup(clusterName=name, nodegroupName=nodegroup)["nodegroup"]
            if described.get("status") != "DELETING" and ctx.matches(described.get("tags") or {}):
                yield Resource("eks", "nodegroup", f"{name}/{nodegroup}", described["nodegroupArn"])
        try:
            addons = list(_pages(eks, "list_addons", "addons", clusterName=name))
        except ClientError:  # no add-on API (plain moto)
            addons = []
        for addon in addons:
            described = eks.describe_addon(clusterName=name, addonName=addon)["addon"]
            if described.get("status") != "DELETING" and ctx.matches(described.get("tags") or {}):
                yield Resource("eks", "addon", f"{name}/{addon}", described["addonArn"])


# --- AWS Budgets --------------------------------------------------------------------------------


@lister("budgets")
def _budgets(ctx: Context) -> Iterator[Resource]:
    """The account's budgets carrying the tags (global: the same in every region; not in GetResources)."""
    budgets = ctx.client("budgets")
    for budget in _pages(budgets, "describe_budgets", "Budgets", AccountId=ctx.account):
        arn = f"arn:aws:budgets::{ctx.account}:budget/{budget['BudgetName']}"
        if ctx.matches(tag_dict(budgets.list_tags_for_resource(ResourceARN=arn).get("ResourceTags"))):
            yield Resource("budgets", "budget", budget["BudgetName"], arn)


FULLY_LISTED.add("budgets")


# --- X-Ray --------------------------------------------------------------------------------------


@lister("xray")
def _xray(ctx: Context) -> Iterator[Resource]:
    """Groups and sampling rules carrying the tags; not the account's Default group and Default rule."""
    xray = ctx.client("xray")
    found = [(g["GroupName"], g["GroupARN"], "group") for g in _pages(xray, "get_groups", "Groups")]
    for record in _pages(xray, "get_sampling_rules", "SamplingRuleRecords"):
        found.append((record["SamplingRule"]["RuleName"], record["SamplingRule"]["RuleARN"], "sampling_rule"))
    for name, arn, rtype in found:
        if name == "Default":
            continue
        try:
            tags = tag_dict(list(_pages(xray, "list_tags_for_resource", "Tags", ResourceARN=arn)))
        except ClientError as exc:  # deleted since the listing
            if exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
                continue
            raise
        if ctx.matches(tags):
            yield Resource("xray", rtype, name, arn)


FULLY_LISTED.add("xray")


# --- EventBridge Scheduler ----------------------------------------------------------------------


@lister("scheduler")
def _scheduler(ctx: Context) -> Iterator[Resource]:
    """Schedule groups carrying the tags (not the account's default group, not one DELETING). Schedules have no
    tags: they live in their group and go with it."""
    scheduler = ctx.client("scheduler")
    for group in _pages(scheduler, "list_schedule_groups", "ScheduleGroups"):
        if group["Name"] == "default" or group.get("State") == "DELETING":
            continue
        try:
            tags = tag_dict(scheduler.list_tags_for_resource(ResourceArn=group["Arn"]).get("Tags"))
        except ClientError as exc:  # deleted since the listing
            if exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
                continue
            raise
        if ctx.matches(tags):
            yield Resource("scheduler", "schedule_group", group["Name"], group["Arn"])


FULLY_LISTED.add("scheduler")


# --- SNS, CloudTrail ----------------------------------------------------------------------------


@lister("sns")
def _sns(ctx: Context) -> Iterator[Resource]:
    """Topics (GetResources names an SNS ARN's resource by the topic's name: listed here as type topic)."""
    sns = ctx.client("sns")
    for topic in _pages(sns, "list_topics", "Topics"):
        arn = topic["TopicArn"]
        if ctx.matches(tag_dict(sns.list_tags_for_resource(ResourceArn=arn).get("Tags"))):
            yield Resource("sns", "topic", arn.rsplit(":", 1)[-1], arn)


@lister("cloudtrail")
def _cloudtrail(ctx: Context) -> Iterator[Resource]:
    """Trails whose home is this region (the emulator's tagging API lists no trails)."""
    cloudtrail = ctx.client("cloudtrail")
    for trail in cloudtrail.describe_trails(includeShadowTrails=False).get("trailList", []):
        tags = cloudtrail.list_tags(ResourceIdList=[trail["TrailARN"]]).get("ResourceTagList", [])
        if ctx.matches(tag_dict(tags[0].get("TagsList") if tags else [])):
            yield Resource("cloudtrail", "trail", trail["Name"], trail["TrailARN"])


@lister("rds")
def _rds(ctx: Context) -> Iterator[Resource]:
    """Event subscriptions (the emulator's tagging API lists none; instances and the rest come from GetResources)."""
    rds = ctx.client("rds")
    for subscription in _pages(rds, "describe_event_subscriptions", "EventSubscriptionsList"):
        arn = subscription.get("EventSubscriptionArn")
        if not arn or subscription.get("Status") == "deleting":
            continue
        if ctx.matches(tag_dict(rds.list_tags_for_resource(ResourceName=arn).get("TagList"))):
            yield Resource("rds", "es", subscription["CustSubscriptionId"], arn)


FULLY_LISTED.update({"sns", "cloudtrail"})
