"""The observability tier on a boto3-made foundation, in the amazon.aws rhythm: check mode on nothing ->
create -> re-run changes nothing -> one threshold changes exactly its alarm -> absent -> absent again.
Every assertion reads AWS back (SNS, CloudWatch, CloudTrail, S3, IAM, EventBridge, Budgets). The other
tiers' outputs are given as facts: alarms only name their resources. Bad input is refused before any
mutating call."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

pytestmark = pytest.mark.integration

PREFIX = "ecap-local"
TOPIC = f"{PREFIX}-alarms"
TRAIL = f"{PREFIX}-trail"
ROLE = f"{PREFIX}-cloudtrail-logs"
BUDGET = f"{PREFIX}-monthly"
LOG_GROUPS = [f"/ecap/{PREFIX}/platform", f"/aws/cloudtrail/{PREFIX}"]
EMAILS = ["oncall@example.com", "finops@example.com"]
RULES = [
    f"{PREFIX}-{k}"
    for k in (
        "root-account-usage",
        "iam-policy-changes",
        "security-group-changes",
        "kms-key-disabled-or-deleted",
        "cloudtrail-changes",
    )
]
# CIS 4.1-4.15 alarms, after <prefix>-alarm-
CIS_ALARMS = [
    f"cis-{k}"
    for k in (
        "unauthorized-api-calls",
        "console-sign-in-without-mfa",
        "root-account-usage",
        "iam-policy-changes",
        "cloudtrail-changes",
        "console-authentication-failures",
        "kms-key-disabled-or-deleted",
        "s3-bucket-policy-changes",
        "config-changes",
        "security-group-changes",
        "network-acl-changes",
        "network-gateway-changes",
        "route-table-changes",
        "vpc-changes",
        "organizations-changes",
    )
]
# name -> (source type, categories, sources)
RDS_EVENTS = {
    f"{PREFIX}-rds-instance-events": (
        "db-instance",
        ["configuration change", "failure", "maintenance"],
        ["ecap-local-postgres"],
    ),
    f"{PREFIX}-rds-parameter-group-events": ("db-parameter-group", ["configuration change"], []),
}
ALB_ARN = "arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/ecap-local-alb/50dc6c495c0c9188"
TIERS = {
    "rds_outputs": {"identifier": "ecap-local-postgres"},
    "msk_outputs": {"cluster_name": "ecap-local-msk"},
    "redis_outputs": {"replication_group_id": "ecap-local-redis"},
    "ingress_outputs": {"alb_name": "ecap-local-alb", "alb_arn": ALB_ARN},
    "eks_outputs": {
        "cluster_name": "ecap-local-eks",
        "container_log_groups": [f"/aws/containerinsights/ecap-local-eks/{k}" for k in ("application", "host")],
    },
}
TIERS["msk_outputs"]["topics"] = ["orders", "order-events", "payments", "clickstream"]
APP_LOG_GROUP = "/aws/containerinsights/ecap-local-eks/application"
SERVICES = '(service("streamlit-dashboard") OR service("ecap-api"))'
XRAY_GROUPS = {
    f"{PREFIX}-api-errors": (f"{SERVICES} AND (fault = true OR error = true)", True),
    f"{PREFIX}-slow-requests": (f"{SERVICES} AND responsetime > 1", False),
}
# name -> (priority, fixed rate, reservoir, service name, URL path): the local inventory's 0.2 and 2.
XRAY_RULES = {
    f"{PREFIX}-health-1": (1, 0.0, 0, "*", "/health*"),
    f"{PREFIX}-health-2": (2, 0.0, 0, "*", "/_stcore/health"),
    f"{PREFIX}-dashboard": (1001, 0.2, 2, "streamlit-dashboard", "*"),
    f"{PREFIX}-api": (1002, 0.2, 2, "ecap-api", "*"),
}
DASHBOARD = f"{PREFIX}-overview"
ALARMS_TASK = "Converge the metric alarms of the tiers and the CIS 4.1-4.15 alarms, tagged, to the alarm topic"
# (alarm name after <prefix>-alarm-, namespace, metric, dimensions, comparison, threshold)
ALARMS = {
    "rds-cpu": ("AWS/RDS", "CPUUtilization", {"DBInstanceIdentifier": "ecap-local-postgres"}, "GreaterThan", 80),
    "rds-free-storage": (
        "AWS/RDS",
        "FreeStorageSpace",
        {"DBInstanceIdentifier": "ecap-local-postgres"},
        "LessThan",
        2147483648,
    ),
    "rds-connections": (
        "AWS/RDS",
        "DatabaseConnections",
        {"DBInstanceIdentifier": "ecap-local-postgres"},
        "GreaterThan",
        80,
    ),
    **{
        f"msk-{kind}-broker-{b}": (
            "AWS/Kafka",
            metric,
            {"Cluster Name": "ecap-local-msk", "Broker ID": str(b)},
            "GreaterThan",
            threshold,
        )
        for b in (1, 2)
        for kind, metric, threshold in (
            ("disk-used", "KafkaDataLogsDiskUsed", 80),
            ("under-replicated", "UnderReplicatedPartitions", 0),
        )
    },
    "redis-memory-001": (
        "AWS/ElastiCache",
        "DatabaseMemoryUsagePercentage",
        {"CacheClusterId": "ecap-local-redis-001"},
        "GreaterThan",
        80,
    ),
    "redis-evictions-001": (
        "AWS/ElastiCache",
        "Evictions",
        {"CacheClusterId": "ecap-local-redis-001"},
        "GreaterThan",
        100,
    ),
    "redis-engine-cpu-001": (
        "AWS/ElastiCache",
        "EngineCPUUtilization",
        {"CacheClusterId": "ecap-local-redis-001"},
        "GreaterThan",
        80,
    ),
    "alb-5xx": (
        "AWS/ApplicationELB",
        "HTTPCode_ELB_5XX_Count",
        {"LoadBalancer": "app/ecap-local-alb/50dc6c495c0c9188"},
        "GreaterThan",
        10,
    ),
    "alb-response-time": (
        "AWS/ApplicationELB",
        "TargetResponseTime",
        {"LoadBalancer": "app/ecap-local-alb/50dc6c495c0c9188"},
        "GreaterThan",
        1,
    ),
    "eks-node-count": ("ContainerInsights", "cluster_node_count", {"ClusterName": "ecap-local-eks"}, "LessThan", 1),
    **{
        f"app-errors-{ns}": ("ECAP/Applications", "ErrorLogEvents", {"Namespace": ns}, "GreaterThan", 10)
        for ns in ("ecap", "monitoring")
    },
    "business-orders-stopped": ("ECAP/Business", "OrdersPerMinute", {"Environment": "local"}, "LessThanOrEqualTo", 0),
    **{
        f"business-consumer-lag-{topic}": (
            "ECAP/Business",
            "ConsumerLag",
            {"Environment": "local", "Topic": topic},
            "GreaterThan",
            10000,
        )
        for topic in ("orders", "order-events", "payments")
    },
}


@pytest.fixture(scope="module", autouse=True)
def container_insights_log_group(aws):
    """What the eks tier makes before its Container Insights add-on: the application log group."""
    aws("logs").create_log_group(logGroupName=APP_LOG_GROUP)


def run_tier(runner, foundation, check=False, tiers=True, **extra):
    variables = {**foundation, **(TIERS if tiers else {}), "observability_alarm_emails": EMAILS, **extra}
    return runner.run("site.yml", "--tags", "observability", extra=variables, check=check)


def outputs(result) -> dict:
    for task in result.tasks:
        if task["name"].endswith("Publish the observability outputs"):
            return task["result"].get("ansible_facts", {}).get("observability_outputs", {})
    raise AssertionError("the run did not publish observability_outputs")


def alarms(aws) -> dict[str, dict]:
    found = aws("cloudwatch").describe_alarms(AlarmNamePrefix=f"{PREFIX}-alarm-")["MetricAlarms"]
    return {a["AlarmName"].removeprefix(f"{PREFIX}-alarm-"): a for a in found}


def xray_groups(aws) -> dict[str, dict]:
    pages = aws("xray").get_paginator("get_groups").paginate()
    return {g["GroupName"]: g for p in pages for g in p["Groups"] if g["GroupName"] != "Default"}


def xray_rules(aws) -> dict[str, dict]:
    pages = aws("xray").get_paginator("get_sampling_rules").paginate()
    rules = (r["SamplingRule"] for p in pages for r in p["SamplingRuleRecords"])
    return {r["RuleName"]: r for r in rules if r["RuleName"] != "Default"}


def xray_tags(aws, arn: str) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in aws("xray").list_tags_for_resource(ResourceARN=arn)["Tags"]}


def topic_arn(aws) -> str:
    return f"arn:aws:sns:us-west-2:{aws('sts').get_caller_identity()['Account']}:{TOPIC}"


def test_check_mode_on_nothing_makes_no_change(runner, emulator, foundation, aws):
    before = emulator.counters()["mutating"]
    result = run_tier(runner, foundation, check=True)
    assert result.rc == 0, result.failure_text()
    assert result.changed > 0, "check mode must report what it would create"
    assert emulator.counters()["mutating"] == before, "check mode made a mutating call"
    changed = [t.split(" : ")[-1] for t in result.changed_tasks()]
    assert "Converge the X-Ray groups (API errors with insights, slow requests)" in changed
    assert "Converge the X-Ray sampling rules (health checks never, the services at the environment's rate)" in changed
    assert xray_groups(aws) == {} and xray_rules(aws) == {}


def test_create(runner, aws, foundation, emulator):
    result = run_tier(runner, foundation)
    assert result.rc == 0, result.failure_text()
    keys = foundation["kms_outputs"]["key_arns"]
    account = aws("sts").get_caller_identity()["Account"]
    arn = topic_arn(aws)

    # The topic: the sns key, a policy that lets only this account's alarms, rules and budgets publish.
    sns = aws("sns")
    attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attributes["KmsMasterKeyId"] == keys["sns"]
    publish = [s for s in json.loads(attributes["Policy"])["Statement"] if s["Sid"] == "AlarmsRulesAndBudgetsPublish"]
    assert sorted(publish[0]["Principal"]["Service"]) == [
        "budgets.amazonaws.com",
        "cloudwatch.amazonaws.com",
        "events.amazonaws.com",
        "events.rds.amazonaws.com",
    ]
    assert publish[0]["Condition"] == {"StringEquals": {"aws:SourceAccount": account}}
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]
    assert sorted((s["Protocol"], s["Endpoint"]) for s in subscriptions) == sorted(("email", e) for e in EMAILS)

    # Log groups: the logs key and the local retention.
    logs = aws("logs")
    for name in LOG_GROUPS:
        [group] = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
        assert (group["kmsKeyId"], group["retentionInDays"]) == (keys["logs"], 7)

    # Alarms: one per metric (and broker, node), each to the topic and back.
    found = alarms(aws)
    assert set(found) == set(ALARMS) | set(CIS_ALARMS)
    for key, (namespace, metric, dimensions, op, threshold) in ALARMS.items():
        alarm = found[key]
        assert (alarm["Namespace"], alarm["MetricName"]) == (namespace, metric), key
        assert {d["Name"]: d["Value"] for d in alarm["Dimensions"]} == dimensions, key
        assert alarm["ComparisonOperator"] == f"{op}Threshold", key
        assert alarm["Threshold"] == threshold, key
        assert alarm["AlarmActions"] == [arn] and alarm["OKActions"] == [arn], key

    # CIS 3.8/3.9: every management event, and the object events of the data lake bucket (advanced selectors).
    selectors = aws("cloudtrail").get_event_selectors(TrailName=TRAIL)["AdvancedEventSelectors"]
    by_name = {s["Name"]: {f["Field"]: f for f in s["FieldSelectors"]} for s in selectors}
    assert by_name["Management events"]["eventCategory"]["Equals"] == ["Management"]
    data = by_name["S3 object events of the platform's buckets"]
    assert data["resources.ARN"]["StartsWith"] == [f"arn:aws:s3:::{PREFIX}-datalake-{account}-us-west-2/"]

    # CIS 4.1-4.15: a metric filter on the CloudTrail log group and an alarm on its metric at the first event.
    filters = {f["filterName"]: f for f in logs.describe_metric_filters(logGroupName=LOG_GROUPS[1])["metricFilters"]}
    assert set(filters) == {f"{PREFIX}-{k}" for k in CIS_ALARMS}
    for key in CIS_ALARMS:
        [transformation] = filters[f"{PREFIX}-{key}"]["metricTransformations"]
        metric = (transformation["metricNamespace"], transformation["metricName"])
        assert metric == ("ECAP/CISBenchmark", key.removeprefix("cis-")), key
        alarm = found[key]
        assert (alarm["Namespace"], alarm["MetricName"], alarm["Statistic"]) == (*metric, "Sum"), key
        assert (alarm["ComparisonOperator"], alarm["Threshold"]) == ("GreaterThanOrEqualToThreshold", 1), key
        assert alarm["AlarmActions"] == [arn], key
    assert "$.userIdentity.invokedBy NOT EXISTS" in filters[f"{PREFIX}-cis-root-account-usage"]["filterPattern"]

    # Application errors: ERROR lines counted per Kubernetes namespace on Container Insights' application logs.
    [metric_filter] = logs.describe_metric_filters(logGroupName=APP_LOG_GROUP)["metricFilters"]
    assert metric_filter["filterName"] == f"{PREFIX}-application-errors"
    assert metric_filter["filterPattern"] == '{ $.log = "*ERROR*" }'
    [transformation] = metric_filter["metricTransformations"]
    assert (transformation["metricNamespace"], transformation["metricName"]) == ("ECAP/Applications", "ErrorLogEvents")
    assert transformation["dimensions"] == {"Namespace": "$.kubernetes.namespace_name"}
    assert found["business-orders-stopped"]["TreatMissingData"] == "notBreaching"

    # The dashboard: the business KPIs (lag for every topic of the msk tier), the alarms, the tiers' health.
    body = json.loads(aws("cloudwatch").get_dashboard(DashboardName=DASHBOARD)["DashboardBody"])
    by_title = {w["properties"].get("title"): w for w in body["widgets"]}
    assert by_title["Orders per minute"]["properties"]["metrics"] == [
        ["ECAP/Business", "OrdersPerMinute", "Environment", "local"]
    ]
    assert [m[-1] for m in by_title["Consumer lag by topic"]["properties"]["metrics"]] == TIERS["msk_outputs"]["topics"]
    assert sorted(by_title["Alarms"]["properties"]["alarms"]) == sorted(
        f"arn:aws:cloudwatch:us-west-2:{account}:alarm:{PREFIX}-alarm-{k}" for k in ALARMS
    )
    metrics = [w for w in body["widgets"] if w["type"] == "metric"]
    health = [w for w in metrics if w["properties"]["metrics"][0][0] != "ECAP/Business"]
    assert len(health) == len([k for k in ALARMS if not k.startswith("business-")])

    # The trail.
    cloudtrail = aws("cloudtrail")
    [trail] = cloudtrail.describe_trails(trailNameList=[TRAIL])["trailList"]
    bucket = f"{PREFIX}-cloudtrail-{account}-us-west-2"
    assert trail["IsMultiRegionTrail"] is True
    assert trail["IncludeGlobalServiceEvents"] is True
    assert trail["LogFileValidationEnabled"] is True
    assert trail["KmsKeyId"] == keys["logs"]
    assert trail["S3BucketName"] == bucket
    assert trail["CloudWatchLogsLogGroupArn"] == f"arn:aws:logs:us-west-2:{account}:log-group:{LOG_GROUPS[1]}:*"
    role = aws("iam").get_role(RoleName=ROLE)["Role"]
    assert trail["CloudWatchLogsRoleArn"] == role["Arn"]
    assert cloudtrail.get_trail_status(Name=TRAIL)["IsLogging"] is True
    policy = aws("iam").get_role_policy(RoleName=ROLE, PolicyName="cloudtrail-logs")["PolicyDocument"]
    [statement] = policy["Statement"]
    assert sorted(statement["Action"]) == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert statement["Resource"] == f"arn:aws:logs:us-west-2:{account}:log-group:{LOG_GROUPS[1]}:log-stream:*"

    # Its bucket: private, versioned, the logs key, only CloudTrail (for this trail) writes, TLS only.
    s3 = aws("s3")
    assert all(s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"].values())
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    [rule] = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": keys["logs"]}
    statements = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"]
    allows = [s for s in statements if s["Effect"] == "Allow"]
    assert {json.dumps(s["Principal"]) for s in allows} == {json.dumps({"Service": "cloudtrail.amazonaws.com"})}
    assert sorted(s["Action"] for s in allows) == ["s3:GetBucketAcl", "s3:PutObject"]
    write = next(s for s in allows if s["Action"] == "s3:PutObject")
    assert write["Resource"] == f"arn:aws:s3:::{bucket}/AWSLogs/{account}/*"
    assert write["Condition"]["StringEquals"] == {
        "s3:x-amz-acl": "bucket-owner-full-control",
        "aws:SourceArn": trail["TrailARN"],
    }
    deny = next(s for s in statements if s["Effect"] == "Deny")
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}

    # EventBridge rules on CloudTrail's API calls, each to the topic.
    events = aws("events")
    for name in RULES:
        described = events.describe_rule(Name=name)
        pattern = json.loads(described["EventPattern"])
        assert described["State"] == "ENABLED"
        assert "AWS API Call via CloudTrail" in pattern["detail-type"], name
        assert [t["Arn"] for t in events.list_targets_by_rule(Rule=name)["Targets"]] == [arn]
    trail_rule = json.loads(events.describe_rule(Name=f"{PREFIX}-cloudtrail-changes")["EventPattern"])
    assert sorted(trail_rule["detail"]["eventName"]) == ["DeleteTrail", "StopLogging", "UpdateTrail"]
    root_rule = json.loads(events.describe_rule(Name=f"{PREFIX}-root-account-usage")["EventPattern"])
    assert root_rule["detail"]["userIdentity"]["type"] == ["Root"]

    # The budget: limit, cost filters on the tags, two notifications to the topic and the emails.
    budgets = aws("budgets")
    budget = budgets.describe_budget(AccountId=account, BudgetName=BUDGET)["Budget"]
    assert budget["BudgetLimit"] == {"Amount": "150.0", "Unit": "USD"} or float(budget["BudgetLimit"]["Amount"]) == 150
    assert (budget["TimeUnit"], budget["BudgetType"]) == ("MONTHLY", "COST")
    assert sorted(budget["CostFilters"]["TagKeyValue"]) == ["user:Environment$local", "user:Project$ecap"]
    notifications = budgets.describe_notifications_for_budget(AccountId=account, BudgetName=BUDGET)["Notifications"]
    assert sorted((n["NotificationType"], n["ComparisonOperator"], n["Threshold"]) for n in notifications) == [
        ("ACTUAL", "GREATER_THAN", 80.0),
        ("FORECASTED", "GREATER_THAN", 100.0),
    ]
    for notification in notifications:
        subscribers = budgets.describe_subscribers_for_notification(
            AccountId=account, BudgetName=BUDGET, Notification=notification
        )["Subscribers"]
        assert sorted((s["SubscriptionType"], s["Address"]) for s in subscribers) == sorted(
            [("SNS", arn)] + [("EMAIL", e) for e in EMAILS]
        )

    # RDS event subscriptions to the topic (FSBP RDS.20, RDS.21): the instance the rds outputs name; the parameter
    # group is not among these outputs, so that subscription covers every parameter group.
    subscriptions = {
        s["CustSubscriptionId"]: s for s in aws("rds").describe_event_subscriptions()["EventSubscriptionsList"]
    }
    assert set(subscriptions) == set(RDS_EVENTS)
    for name, (source_type, categories, sources) in RDS_EVENTS.items():
        found = subscriptions[name]
        assert (found["SnsTopicArn"], found["SourceType"], found["Enabled"]) == (arn, source_type, True), name
        assert sorted(found["EventCategoriesList"]) == categories and found["SourceIdsList"] == sources, name

    # Everything carries the platform tags, so the leak report finds it.
    kinds = sorted(f"{r['service']}:{r['type']}" for r in emulator.resources("Project=ecap"))
    for kind in ("sns:topic", "cloudtrail:trail", "events:rule", "cloudwatch:alarm", "budgets:budget", "rds:es"):
        assert kind in kinds, kind
    assert kinds.count("cloudwatch:alarm") == len(ALARMS) + len(CIS_ALARMS)
    assert kinds.count("events:rule") == len(RULES)
    assert kinds.count("rds:es") == len(RDS_EVENTS)

    # X-Ray: the groups on the services' traces, the rules (health paths never sampled, first), all tagged.
    groups = xray_groups(aws)
    assert set(groups) == set(XRAY_GROUPS)
    for name, (expression, insights) in XRAY_GROUPS.items():
        assert groups[name]["FilterExpression"] == expression, name
        assert groups[name]["InsightsConfiguration"] == {"InsightsEnabled": insights, "NotificationsEnabled": False}
        assert xray_tags(aws, groups[name]["GroupARN"])["Project"] == "ecap"
    rules = xray_rules(aws)
    assert set(rules) == set(XRAY_RULES)
    for name, (priority, rate, reservoir, service, path) in XRAY_RULES.items():
        rule = rules[name]
        assert (rule["Priority"], rule["FixedRate"], rule["ReservoirSize"]) == (priority, rate, reservoir), name
        assert (rule["ServiceName"], rule["URLPath"], rule["HTTPMethod"], rule["Host"]) == (service, path, "*", "*")
        tags = xray_tags(aws, rule["RuleARN"])
        assert (tags["Project"], tags["Environment"], tags["Name"]) == ("ecap", "local", name), name
    assert kinds.count("xray:group") == len(XRAY_GROUPS) and kinds.count("xray:sampling_rule") == len(XRAY_RULES)

    out = outputs(result)
    assert out["xray_group_arns"] == {
        "api_errors": groups[f"{PREFIX}-api-errors"]["GroupARN"],
        "slow_requests": groups[f"{PREFIX}-slow-requests"]["GroupARN"],
    }
    assert out["xray_sampling_rules"] == list(XRAY_RULES)
    assert out["topic_arn"] == arn and out["trail_arn"] == trail["TrailARN"] and out["trail_bucket"] == bucket
    assert out["budget_name"] == BUDGET and out["rule_names"] == RULES and out["log_group"] == LOG_GROUPS[0]
    assert sorted(out["alarm_names"]) == sorted(f"{PREFIX}-alarm-{k}" for k in ALARMS)


def test_rerun_changes_nothing(runner, emulator, foundation, count_calls):
    before = emulator.counters()
    with count_calls("iam") as iam:
        result = run_tier(runner, foundation)
    assert result.rc == 0, result.failure_text()
    assert result.changed_tasks() == []
    after = emulator.counters()
    assert after["mutating"] == before["mutating"], "a converged re-run made a mutating call"
    # The CloudTrail delivery role with its inline policy, one task item: 4 calls.
    assert iam.calls == {"GetRole": 1, "ListAttachedRolePolicies": 1, "ListRolePolicies": 1, "GetRolePolicy": 1}
    # The no-op reads of the EventBridge rules (issue #9): two per rule (amazon.aws.cloudwatchevent_rule made 7).
    was = before["services"].get("events", {})
    events = {op: n - was.get(op, 0) for op, n in after["services"].get("events", {}).items() if n - was.get(op, 0)}
    assert events == {"DescribeRule": len(RULES), "ListTargetsByRule": len(RULES)}
    # The alarm topic read by its ARN (no ListTopics), the CloudTrail bucket's six settings, its lifecycle.
    deltas = {
        service: {op: n - before["services"].get(service, {}).get(op, 0) for op, n in ops.items()}
        for service, ops in after["services"].items()
        if service in ("sns", "s3", "monitoring", "logs", "tagging")
    }
    # The 34 alarms in one module run (issue #9; one amazon.aws.cloudwatch_metric_alarm run and two DescribeAlarms
    # each before), their tags and the rules' in one GetResources each; the 15 CIS filters in one run and one
    # DescribeMetricFilters (one run and one call each before), the application filter in another.
    assert {op: n for op, n in deltas["monitoring"].items() if n} == {"DescribeAlarms": 1, "GetDashboard": 1}
    assert {op: n for op, n in deltas["tagging"].items() if n} == {"GetResources": 2}
    assert deltas["logs"].get("DescribeMetricFilters") == 2
    assert {op: n for op, n in deltas["sns"].items() if n} == {
        "GetTopicAttributes": 1,
        "ListTagsForResource": 1,
        "ListSubscriptionsByTopic": 1,
    }
    assert {op: n for op, n in deltas["s3"].items() if n} == {
        "GetBucketVersioning": 1,
        "GetBucketEncryption": 1,
        "GetPublicAccessBlock": 1,
        "GetBucketOwnershipControls": 1,
        "GetBucketPolicy": 1,
        "GetBucketTagging": 1,
        # GetBucketLifecycleConfiguration, which the emulator's counters name by its REST route.
        "GetBucketLifecycleConfiguration": 1,
    }


def test_plan_of_a_converged_tier_is_empty(runner, emulator, foundation):
    before = emulator.counters()["mutating"]
    result = run_tier(runner, foundation, check=True)
    assert result.rc == 0, result.failure_text()
    assert result.changed_tasks() == []
    assert emulator.counters()["mutating"] == before


def test_a_tier_without_outputs_gets_no_alarm_and_loses_none(runner, foundation, aws):
    result = run_tier(runner, foundation, tiers=False)
    assert result.rc == 0, result.failure_text()
    assert result.changed_tasks() == []
    assert outputs(result)["alarm_names"] == []
    assert set(alarms(aws)) == set(ALARMS) | set(CIS_ALARMS)


def test_one_threshold_changes_exactly_its_alarm(runner, aws, foundation):
    before = alarms(aws)
    result = run_tier(runner, foundation, observability_threshold_overrides={"rds_cpu_percent": 70})
    assert result.rc == 0, result.failure_text()
    assert [t.split(" : ")[-1] for t in result.changed_tasks()] == [ALARMS_TASK]
    task = next(t for t in result.tasks if t["name"].endswith(ALARMS_TASK))
    assert task["result"]["updated"] == [f"{PREFIX}-alarm-rds-cpu"]
    assert (task["result"]["created"], task["result"]["deleted"]) == ([], [])
    after = alarms(aws)
    assert after["rds-cpu"]["Threshold"] == 70
    assert {k: a["Threshold"] for k, a in after.items() if k != "rds-cpu"} == {
        k: a["Threshold"] for k, a in before.items() if k != "rds-cpu"
    }


def test_one_xray_rate_and_threshold_change_exactly_their_resources(runner, aws, foundation, emulator):
    rules_before, groups_before = xray_rules(aws), xray_groups(aws)
    before = emulator.counters()["services"].get("xray", {})
    result = run_tier(
        runner,
        foundation,
        observability_threshold_overrides={"rds_cpu_percent": 70},
        observability_xray_fixed_rate=0.1,
        observability_xray_slow_request_seconds=2,
    )
    assert result.rc == 0, result.failure_text()
    assert sorted(t.split(" : ")[-1] for t in result.changed_tasks()) == [
        "Converge the X-Ray groups (API errors with insights, slow requests)",
        "Converge the X-Ray sampling rules (health checks never, the services at the environment's rate)",
    ]
    task = next(t for t in result.tasks if t["name"].endswith("the services at the environment's rate)"))
    changed_rules = [r["item"]["name"] for r in task["result"]["results"] if r["changed"]]
    assert changed_rules == [f"{PREFIX}-dashboard", f"{PREFIX}-api"]
    rules, groups = xray_rules(aws), xray_groups(aws)
    assert {n: r["FixedRate"] for n, r in rules.items()} == {
        n: (0.1 if n in changed_rules else r["FixedRate"]) for n, r in rules_before.items()
    }
    assert groups[f"{PREFIX}-slow-requests"]["FilterExpression"] == f"{SERVICES} AND responsetime > 2"
    assert groups[f"{PREFIX}-api-errors"] == groups_before[f"{PREFIX}-api-errors"]
    after = emulator.counters()["services"]["xray"]
    writes = {k: after[k] - before.get(k, 0) for k in after if not k.startswith(("Get", "List"))}
    assert {k: v for k, v in writes.items() if v} == {"UpdateSamplingRule": 2, "UpdateGroup": 1}


def cis_filters(aws) -> list[str]:
    return sorted(
        f["filterName"] for f in aws("logs").describe_metric_filters(logGroupName=LOG_GROUPS[1])["metricFilters"]
    )


def test_cis_alarms_off_removes_exactly_their_filters_and_alarms_then_on_again(runner, aws, foundation, emulator):
    """observability_cis_alarms=false deletes the 15 CIS alarms and metric filters, nothing else, in one call each;
    a stale <prefix>-cis-* filter goes with them, and true puts them back."""
    stale = f"{PREFIX}-cis-retired-check"
    aws("logs").put_metric_filter(
        logGroupName=LOG_GROUPS[1],
        filterName=stale,
        filterPattern='{ $.eventName = "Retired" }',
        metricTransformations=[{"metricName": "retired", "metricNamespace": "ECAP/CISBenchmark", "metricValue": "1"}],
    )
    kept = {"observability_threshold_overrides": {"rds_cpu_percent": 70}}  # as the tests before left the alarms
    before = emulator.counters()["services"]
    off = run_tier(runner, foundation, observability_cis_alarms=False, **kept)
    assert off.rc == 0, off.failure_text()
    after = emulator.counters()["services"]
    deleted = {
        op: after[service].get(op, 0) - before.get(service, {}).get(op, 0)
        for service, op in (
            ("monitoring", "DeleteAlarms"),
            ("logs", "DeleteMetricFilter"),
            ("monitoring", "PutMetricAlarm"),
        )
    }
    assert deleted == {"DeleteAlarms": 1, "DeleteMetricFilter": len(CIS_ALARMS) + 1, "PutMetricAlarm": 0}
    assert set(alarms(aws)) == set(ALARMS) and cis_filters(aws) == []
    assert outputs(off)["cis_alarm_names"] == []
    again = run_tier(runner, foundation, observability_cis_alarms=False, **kept)
    assert again.rc == 0 and again.changed_tasks() == [], again.failure_text()
    on = run_tier(runner, foundation, **kept)
    assert on.rc == 0, on.failure_text()
    assert set(alarms(aws)) == set(ALARMS) | set(CIS_ALARMS)
    assert cis_filters(aws) == sorted(f"{PREFIX}-{k}" for k in CIS_ALARMS)
    arn = alarms(aws)[CIS_ALARMS[0]]["AlarmArn"]
    tags = {t["Key"]: t["Value"] for t in aws("cloudwatch").list_tags_for_resource(ResourceARN=arn)["Tags"]}
    assert (tags["Project"], tags["Environment"]) == ("ecap", "local"), "a re-created alarm is tagged"


def test_absent_then_absent_again(runner, aws, foundation):
    account = aws("sts").get_caller_identity()["Account"]
    result = run_tier(runner, foundation, ecap_state="absent", observability_trail_force_destroy=True)
    assert result.rc == 0, result.failure_text()
    assert aws("sns").list_topics()["Topics"] == []
    assert alarms(aws) == {}
    assert aws("cloudtrail").describe_trails()["trailList"] == []
    assert [r["Name"] for r in aws("events").list_rules(NamePrefix=PREFIX)["Rules"]] == []
    with pytest.raises(ClientError):
        aws("iam").get_role(RoleName=ROLE)
    assert not [b for b in aws("s3").list_buckets()["Buckets"] if b["Name"].startswith(f"{PREFIX}-cloudtrail-")]
    for name in LOG_GROUPS:
        assert aws("logs").describe_log_groups(logGroupNamePrefix=name)["logGroups"] == []
    assert aws("budgets").describe_budgets(AccountId=account).get("Budgets", []) == []
    assert aws("rds").describe_event_subscriptions()["EventSubscriptionsList"] == []
    assert aws("cloudwatch").list_dashboards(DashboardNamePrefix=PREFIX)["DashboardEntries"] == []
    assert xray_groups(aws) == {} and xray_rules(aws) == {}
    assert [g["GroupName"] for g in aws("xray").get_groups()["Groups"]] == ["Default"]

    again = run_tier(runner, foundation, ecap_state="absent", observability_trail_force_destroy=True)
    assert again.rc == 0, again.failure_text()
    assert again.changed_tasks() == []


BAD = [
    ({"observability_budget_limit": 0}, "must be an amount in USD greater than 0"),
    (
        {"observability_rds_event_subscriptions": [{"key": "DB", "source_type": "db-instance"}]},
        "observability_rds_event_subscriptions: each key must be unique",
    ),
    ({"observability_alarm_emails": ["oncall@example.com", "not-an-email"]}, "not email addresses: ['not-an-email']"),
    ({"observability_threshold_overrides": {"rds_cpu_percent": "high"}}, "rds_cpu_percent=high is not a number"),
    ({"observability_threshold_overrides": {"rds_cpu": 70}}, "rds_cpu is not a threshold"),
    ({"observability_log_retention_days": 8}, "observability_log_retention_days=8 must be one of"),
    ({"observability_xray_fixed_rate": 1.5}, "observability_xray_fixed_rate=1.5 must be a number from 0 to 1"),
    ({"observability_xray_reservoir_size": -1}, "observability_xray_reservoir_size=-1 must be a whole number >= 0"),
    ({"observability_xray_slow_request_seconds": 0}, "observability_xray_slow_request_seconds=0 must be a number"),
    (
        {"observability_xray_insights": False, "observability_xray_insights_notifications": True},
        "observability_xray_insights_notifications=true needs observability_xray_insights=true",
    ),
    (
        {"observability_xray_services": [{"key": "API", "service_name": "ecap-api"}]},
        "observability_xray_services[0]=",
    ),
    (
        {"observability_xray_services": [{"key": "an-api-whose-key-is-long", "service_name": "ecap-api"}]},
        "X-Ray names are at most 32 characters: ecap-local-an-api-whose-key-is-long has 35",
    ),
]


@pytest.mark.parametrize(("extra", "message"), BAD, ids=[b[1] for b in BAD])
def test_bad_input_fails_before_any_call(runner, emulator, foundation, extra, message):
    before = emulator.counters()["mutating"]
    result = run_tier(runner, foundation, **extra)
    assert result.rc != 0
    assert message in result.failure_text(), result.failure_text()
    assert emulator.counters()["mutating"] == before
