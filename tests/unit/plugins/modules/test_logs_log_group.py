"""logs_log_group end to end on the emulator: main() in process, every API call recorded.

The amazon.aws rhythm (check mode, create, re-run, update, delete, delete again), plus what the
module exists for: check mode never writes, an invalid retention fails before any call, and the KMS
key of an existing group can change.
"""

from __future__ import annotations

import json

import boto3
import botocore.client
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.ecap.platform.plugins.modules import logs_log_group

NAME = "/ecap/test/flow-logs"
READ_ONLY = {"DescribeLogGroups", "ListTagsForResource"}


@pytest.fixture
def aws(emulator, aws_credentials, monkeypatch):
    calls: list[str] = []
    original = botocore.client.BaseClient._make_api_call

    def recording(self, operation_name, api_params):
        calls.append(operation_name)
        return original(self, operation_name, api_params)

    monkeypatch.setenv("AWS_ENDPOINT_URL", emulator.endpoint)
    session = boto3.session.Session(region_name="us-west-2")
    kms = session.client("kms")
    keys = [kms.create_key()["KeyMetadata"]["Arn"] for _ in range(2)]
    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", recording)
    yield {"logs": session.client("logs"), "keys": keys, "calls": calls}


def run(args, capsys, check_mode=False):
    args = {"region": "us-west-2", **args, "_ansible_check_mode": check_mode, "_ansible_diff": True}
    with patch_module_args(args), pytest.raises(SystemExit):
        logs_log_group.main()
    return json.loads(capsys.readouterr().out)


def group(logs):
    groups = logs.describe_log_groups(logGroupNamePrefix=NAME)["logGroups"]
    return groups[0] if groups else None


def test_lifecycle(aws, capsys):
    logs, calls = aws["logs"], aws["calls"]
    args = {"name": NAME, "retention_days": 7, "kms_key_arn": aws["keys"][0], "tags": {"Project": "ecap"}}

    result = run(args, capsys, check_mode=True)
    assert result["changed"] is True
    assert result["diff"]["before"] == {} and result["diff"]["after"]["retention_days"] == 7
    assert set(calls) <= READ_ONLY and group(logs) is None

    result = run(args, capsys)
    assert result["changed"] is True
    made = group(logs)
    assert made["retentionInDays"] == 7 and made["kmsKeyId"] == aws["keys"][0]
    assert result["log_group"]["arn"] == made["logGroupArn"]

    calls.clear()
    result = run(args, capsys)
    assert result["changed"] is False
    assert sorted(calls) == ["DescribeLogGroups", "ListTagsForResource"]

    # Drift by hand, then check mode: reported with the attribute change, nothing written.
    logs.put_retention_policy(logGroupName=NAME, retentionInDays=30)
    calls.clear()
    result = run(args, capsys, check_mode=True)
    assert result["changed"] is True
    assert (result["diff"]["before"]["retention_days"], result["diff"]["after"]["retention_days"]) == (30, 7)
    assert set(calls) <= READ_ONLY
    assert group(logs)["retentionInDays"] == 30

    update = {**args, "kms_key_arn": aws["keys"][1], "tags": {"Project": "ecap", "Tier": "network"}}
    result = run(update, capsys)
    assert result["changed"] is True
    made = group(logs)
    assert made["retentionInDays"] == 7 and made["kmsKeyId"] == aws["keys"][1]
    assert logs.list_tags_for_resource(resourceArn=made["logGroupArn"])["tags"] == {
        "Project": "ecap",
        "Tier": "network",
    }

    result = run({"name": NAME, "retention_days": 0}, capsys)
    assert result["changed"] is True and "retentionInDays" not in group(logs)

    result = run({"name": NAME, "state": "absent"}, capsys, check_mode=True)
    assert result["changed"] is True and group(logs) is not None
    result = run({"name": NAME, "state": "absent"}, capsys)
    assert result["changed"] is True and group(logs) is None
    result = run({"name": NAME, "state": "absent"}, capsys)
    assert result["changed"] is False


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"retention_days": 10}, "retention_days=10 is not a value"),
        ({"kms_key_arn": "alias/ecap-logs"}, "must be the full ARN"),
    ],
)
def test_bad_input_fails_before_any_call(aws, capsys, args, message):
    result = run({"name": NAME, **args}, capsys)
    assert result["failed"] is True
    assert message in result["msg"]
    assert aws["calls"] == []


def test_class_cannot_change(aws, capsys):
    run({"name": NAME + "-class"}, capsys)
    result = run({"name": NAME + "-class", "log_group_class": "INFREQUENT_ACCESS"}, capsys)
    assert result["failed"] is True and "at creation only" in result["msg"]
    run({"name": NAME + "-class", "state": "absent"}, capsys)
