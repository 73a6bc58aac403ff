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
