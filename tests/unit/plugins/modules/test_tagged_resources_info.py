"""tagged_resources_info: the teardown's leak report finds what is left, and only that."""

from __future__ import annotations

import json

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.ecap.platform.plugins.modules import tagged_resources_info


def run(args, capsys):
    with patch_module_args({"region": "us-west-2", **args}), pytest.raises(SystemExit):
        tagged_resources_info.main()
    return json.loads(capsys.readouterr().out)


def test_lists_live_tagged_resources_only(emulator, aws_credentials, monkeypatch, capsys):
    monkeypatch.setenv("AWS_ENDPOINT_URL", emulator.endpoint)
    session = boto3.session.Session(region_name="us-west-2")
    ec2, kms = session.client("ec2"), session.client("kms")
    tags = [{"Key": "Project", "Value": "ecap"}, {"Key": "Environment", "Value": "dev"}]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=[{"ResourceType": "vpc", "Tags": tags}])
    ec2.create_vpc(CidrBlock="10.1.0.0/16", TagSpecifications=[{"ResourceType": "vpc", "Tags": tags[:1]}])
    doomed = kms.create_key(Tags=[{"TagKey": t["Key"], "TagValue": t["Value"]} for t in tags])["KeyMetadata"]
    kms.schedule_key_deletion(KeyId=doomed["KeyId"], PendingWindowInDays=7)
    sm = session.client("secretsmanager")
    kept = sm.create_secret(Name="kept", SecretString="x", Tags=tags)["ARN"]
    sm.create_secret(Name="scheduled", SecretString="x", Tags=tags)
    sm.delete_secret(SecretId="scheduled", RecoveryWindowInDays=7)  # on its way out: not a leak

    result = run({"tags": {"Project": "ecap", "Environment": "dev"}}, capsys)
    assert result["changed"] is False
    assert [(r["kind"], r["id"]) for r in result["resources"]] == [
        ("ec2:vpc", vpc["Vpc"]["VpcId"]),
        ("secretsmanager:secret", "kept"),
    ]
    assert result["resources"][1]["arn"] == kept

    result = run({"tags": {"Project": "ecap"}, "services": ["ec2"]}, capsys)
    assert len(result["resources"]) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [({"tags": {}}, "at least one tag"), ({"tags": {"Project": "ecap"}, "services": ["sqs"]}, "unknown sqs")],
)
def test_bad_input(args, message, aws_credentials, capsys):
    result = run(args, capsys)
    assert result["failed"] is True and message in result["msg"]


def test_lists_xray_groups_and_rules_not_the_defaults(emulator, aws_credentials, monkeypatch, capsys):
    """X-Ray groups and sampling rules carry tags (GetResources is not asked); Default ones are the account's."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", emulator.endpoint)
    xray = boto3.session.Session(region_name="us-west-2").client("xray")
    tags = [{"Key": "Project", "Value": "ecap"}, {"Key": "Environment", "Value": "xray"}]
    group = xray.create_group(GroupName="ecap-xray-api-errors", FilterExpression="fault", Tags=tags)["Group"]
    xray.create_group(GroupName="other-team", FilterExpression="error", Tags=tags[:1])
    rule = {
        "ResourceARN": "*",
        "Priority": 10,
        "FixedRate": 0.1,
        "ReservoirSize": 1,
        "ServiceName": "*",
        "ServiceType": "*",
        "Host": "*",
        "HTTPMethod": "*",
        "URLPath": "*",
        "Version": 1,
    }
    arn = xray.create_sampling_rule(SamplingRule={"RuleName": "ecap-xray-api", **rule}, Tags=tags)[
        "SamplingRuleRecord"
    ]["SamplingRule"]["RuleARN"]
    for default in ("group/Default", "sampling-rule/Default"):  # tagged like ours, but not ours to delete
        xray.tag_resource(ResourceARN=f"arn:aws:xray:us-west-2:123456789012:{default}", Tags=tags)

    result = run({"tags": {"Project": "ecap", "Environment": "xray"}, "services": ["xray"]}, capsys)
    assert [(r["kind"], r["id"], r["arn"]) for r in result["resources"]] == [
        ("xray:group", "ecap-xray-api-errors", group["GroupARN"]),
        ("xray:sampling_rule", "ecap-xray-api", arn),
    ]
    xray.delete_group(GroupARN=group["GroupARN"])
    xray.delete_sampling_rule(RuleARN=arn)
    assert run({"tags": {"Project": "ecap", "Environment": "xray"}}, capsys)["resources"] == []


def test_lists_schedule_groups_not_default_nor_deleting(emulator, aws_credentials, monkeypatch, capsys):
    """Schedule groups carry the tags (schedules have none and go with their group); DELETING is on its way out."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", emulator.endpoint)
    scheduler = boto3.session.Session(region_name="us-west-2").client("scheduler")
    tags = [{"Key": "Project", "Value": "ecap"}, {"Key": "Environment", "Value": "sched"}]
    arn = scheduler.create_schedule_group(Name="ecap-sched-offhours", Tags=tags)["ScheduleGroupArn"]
    scheduler.create_schedule_group(Name="other-team", Tags=tags[:1])

    result = run({"tags": {"Project": "ecap", "Environment": "sched"}, "services": ["scheduler"]}, capsys)
    assert [(r["kind"], r["id"], r["arn"]) for r in result["resources"]] == [
        ("scheduler:schedule_group", "ecap-sched-offhours", arn)
    ]
    scheduler.delete_schedule_group(Name="ecap-sched-offhours")
    scheduler.delete_schedule_group(Name="other-team")
    assert run({"tags": {"Project": "ecap", "Environment": "sched"}}, capsys)["resources"] == []
