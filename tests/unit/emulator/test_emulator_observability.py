"""The fixes the observability tier needs, checked as boto3 sees them: on the emulator they pass, on plain
moto 5.2.5 they are strict xfails (the ``target`` fixture), so each shows the moto bug it exists for."""

from __future__ import annotations

import itertools
import json

import pytest
from botocore.exceptions import ClientError

_names = itertools.count(1)


def test_delete_trail_by_arn(client) -> None:
    """DeleteTrail takes the trail's name or ARN; moto 5.2.5 ignores an ARN and keeps the trail."""
    n = next(_names)
    s3, cloudtrail = client("s3"), client("cloudtrail")
    bucket = f"trail-logs-{n}"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    arn = cloudtrail.create_trail(
        Name=f"trail-{n}", S3BucketName=bucket, TagsList=[{"Key": "Project", "Value": "ecap"}]
    )["TrailARN"]
    cloudtrail.delete_trail(Name=arn)
    assert cloudtrail.describe_trails(trailNameList=[f"trail-{n}"])["trailList"] == []
    with pytest.raises(ClientError) as error:
        cloudtrail.delete_trail(Name=arn)
    assert error.value.response["Error"]["Code"] == "TrailNotFoundException"


def test_trail_status_reports_cloudwatch_logs_delivery(client) -> None:
    """A logging trail with a log group has delivered to it (LatestCloudWatchLogsDeliveryTime); moto: never."""
    n = next(_names)
    s3, logs, cloudtrail = client("s3"), client("logs"), client("cloudtrail")
    bucket = f"trail-cw-{n}"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    logs.create_log_group(logGroupName=f"/trail/{n}")
    group = logs.describe_log_groups(logGroupNamePrefix=f"/trail/{n}")["logGroups"][0]["arn"]
    cloudtrail.create_trail(
        Name=f"trail-cw-{n}",
        S3BucketName=bucket,
        CloudWatchLogsLogGroupArn=group,
        CloudWatchLogsRoleArn="arn:aws:iam::123456789012:role/trail-to-logs",
    )
    assert "LatestCloudWatchLogsDeliveryTime" not in cloudtrail.get_trail_status(Name=f"trail-cw-{n}")
    cloudtrail.start_logging(Name=f"trail-cw-{n}")
    status = cloudtrail.get_trail_status(Name=f"trail-cw-{n}")
    assert status["IsLogging"] is True and status["LatestCloudWatchLogsDeliveryTime"].year >= 2024
    cloudtrail.delete_trail(Name=f"trail-cw-{n}")


def test_classic_event_selectors_replace_advanced_ones(client) -> None:
    """PutEventSelectors with classic selectors drops the advanced ones (moto 5.2.5 keeps both)."""
    n = next(_names)
    s3, cloudtrail = client("s3"), client("cloudtrail")
    s3.create_bucket(Bucket=f"trail-sel-{n}", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    cloudtrail.create_trail(Name=f"trail-sel-{n}", S3BucketName=f"trail-sel-{n}")
    advanced = [{"Name": "m", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}]
    cloudtrail.put_event_selectors(TrailName=f"trail-sel-{n}", AdvancedEventSelectors=advanced)
    classic = [{"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": []}]
    cloudtrail.put_event_selectors(TrailName=f"trail-sel-{n}", EventSelectors=classic)
    found = cloudtrail.get_event_selectors(TrailName=f"trail-sel-{n}")
    assert not found.get("AdvancedEventSelectors") and found["EventSelectors"][0]["ReadWriteType"] == "All"
    cloudtrail.delete_trail(Name=f"trail-sel-{n}")


def test_get_resources_lists_tagged_event_rules(client) -> None:
    """GetResources lists EventBridge rules (events:rule); moto 5.2.5 lists only event buses."""
    n = next(_names)
    events, tagging = client("events"), client("resourcegroupstaggingapi")
    arn = events.put_rule(
        Name=f"rule-{n}",
        EventPattern=json.dumps({"source": ["aws.kms"]}),
        Tags=[{"Key": "Project", "Value": f"p{n}"}],
    )["RuleArn"]
    by_tag = tagging.get_resources(TagFilters=[{"Key": "Project", "Values": [f"p{n}"]}])["ResourceTagMappingList"]
    assert [r["ResourceARN"] for r in by_tag] == [arn]
    tagging.tag_resources(ResourceARNList=[arn], Tags={"Environment": "local"})
    [by_arn] = tagging.get_resources(ResourceARNList=[arn])["ResourceTagMappingList"]
    assert {t["Key"]: t["Value"] for t in by_arn["Tags"]} == {"Project": f"p{n}", "Environment": "local"}
    typed = tagging.get_resources(ResourceTypeFilters=["events:rule"])["ResourceTagMappingList"]
    assert arn in [r["ResourceARN"] for r in typed]


def _alarm(cloudwatch, name: str, **extra) -> None:
    definition = {
        "Namespace": "Test",
        "MetricName": "Errors",
        "Statistic": "Sum",
        "ComparisonOperator": "GreaterThanThreshold",
        "Threshold": 1.0,
        "Period": 60,
        "EvaluationPeriods": 1,
    }
    cloudwatch.put_metric_alarm(AlarmName=name, **{**definition, **extra})


def test_put_metric_alarm_tags_only_a_new_alarm(client) -> None:
    """PutMetricAlarm ignores Tags on an update (AWS: TagResource changes them); moto 5.2.5 adds them."""
    n = next(_names)
    cloudwatch = client("cloudwatch")
    _alarm(cloudwatch, f"tags-{n}", Tags=[{"Key": "Project", "Value": "ecap"}])
    _alarm(cloudwatch, f"tags-{n}", Threshold=2.0, Tags=[{"Key": "Owner", "Value": "someone"}])
    [alarm] = cloudwatch.describe_alarms(AlarmNames=[f"tags-{n}"])["MetricAlarms"]
    assert alarm["Threshold"] == 2.0
    assert cloudwatch.list_tags_for_resource(ResourceARN=alarm["AlarmArn"])["Tags"] == [
        {"Key": "Project", "Value": "ecap"}
    ]
    cloudwatch.delete_alarms(AlarmNames=[f"tags-{n}"])


def test_describe_alarms_pages_by_max_records(client) -> None:
    """DescribeAlarms: sorted by name, 50 a page by default, MaxRecords up to 100, NextToken; moto: all at once."""
    n = next(_names)
    cloudwatch = client("cloudwatch")
    names = [f"page-{n}-{i:03d}" for i in range(120)]
    for name in reversed(names):
        _alarm(cloudwatch, name)
    first = cloudwatch.describe_alarms(AlarmNamePrefix=f"page-{n}-")
    assert [a["AlarmName"] for a in first["MetricAlarms"]] == names[:50] and first["NextToken"]
    seen, token, calls = [], None, 0
    while True:
        page = cloudwatch.describe_alarms(
            AlarmNamePrefix=f"page-{n}-", MaxRecords=100, **({"NextToken": token} if token else {})
        )
        calls += 1
        seen += [a["AlarmName"] for a in page["MetricAlarms"]]
        token = page.get("NextToken")
        if not token:
            break
    assert (seen, calls) == (names, 2)
    by_name = cloudwatch.describe_alarms(AlarmNames=names[:100], MaxRecords=100)
    assert len(by_name["MetricAlarms"]) == 100 and "NextToken" not in by_name
    for start in range(0, len(names), 100):
        cloudwatch.delete_alarms(AlarmNames=names[start : start + 100])


def test_describe_metric_filters_pages(client) -> None:
    """DescribeMetricFilters: ASCII-sorted by name, 50 a page (or limit), nextToken; moto: all, token echoed."""
    n = next(_names)
    logs = client("logs")
    group = f"/filters/pages-{n}"
    logs.create_log_group(logGroupName=group)
    names = [f"f-{i:02d}" for i in range(60)]
    transformation = [{"metricName": "Errors", "metricNamespace": "Test", "metricValue": "1"}]
    for name in reversed(names):
        logs.put_metric_filter(
            logGroupName=group, filterName=name, filterPattern="ERROR", metricTransformations=transformation
        )
    first = logs.describe_metric_filters(logGroupName=group)
    assert [f["filterName"] for f in first["metricFilters"]] == names[:50]
    second = logs.describe_metric_filters(logGroupName=group, nextToken=first["nextToken"])
    assert [f["filterName"] for f in second["metricFilters"]] == names[50:] and "nextToken" not in second
    small = logs.describe_metric_filters(logGroupName=group, limit=7)
    assert len(small["metricFilters"]) == 7 and small["nextToken"]
    logs.delete_log_group(logGroupName=group)


def test_get_resources_by_arn_answers_at_once(client) -> None:
    """GetResources with ResourceARNList answers every listed resource in one response (moto 5.2.5 pages them)."""
    n = next(_names)
    cloudwatch, tagging = client("cloudwatch"), client("resourcegroupstaggingapi")
    tags = [{"Key": k, "Value": f"{k.lower()}-{n}"} for k in ("Project", "Environment", "ManagedBy")]
    names = [f"tagged-{n}-{i:02d}" for i in range(60)]
    for name in names:
        _alarm(cloudwatch, name, Tags=tags)
    arns = [
        a["AlarmArn"]
        for a in cloudwatch.describe_alarms(AlarmNamePrefix=f"tagged-{n}-", MaxRecords=100)["MetricAlarms"]
    ]
    answer = tagging.get_resources(ResourceARNList=arns)
    assert sorted(r["ResourceARN"] for r in answer["ResourceTagMappingList"]) == sorted(arns)
    assert not answer.get("PaginationToken")
    with pytest.raises(ClientError, match="InvalidParameterException"):
        tagging.get_resources(ResourceARNList=arns[:2], ResourcesPerPage=10)
    with pytest.raises(ClientError, match="InvalidParameterException"):  # even an empty token
        tagging.get_resources(ResourceARNList=arns[:2], PaginationToken="")
    cloudwatch.delete_alarms(AlarmNames=names)
