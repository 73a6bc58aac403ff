"""ec2_flow_log and ec2_flow_log_info end to end: main() with patched module args against moto
in process. Every AWS call the modules make is recorded, so check mode can be shown to call
nothing that writes."""

from __future__ import annotations

import json

import boto3
import botocore.client
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.ecap.platform.plugins.modules import ec2_flow_log, ec2_flow_log_info
from moto import mock_aws

ROLE = "arn:aws:iam::123456789012:role/flow-logs"
READ_ONLY = {"DescribeFlowLogs"}


@pytest.fixture
def aws(aws_credentials, monkeypatch):
    """moto in process with a VPC and two log groups; ``calls`` lists the API operations made."""
    calls: list[str] = []
    original = botocore.client.BaseClient._make_api_call

    def recording(self, operation_name, api_params):
        calls.append(operation_name)
        return original(self, operation_name, api_params)

    with mock_aws():
        ec2 = boto3.client("ec2", region_name="us-west-2")
        logs = boto3.client("logs", region_name="us-west-2")
        for group in ("/ecap/flow", "/ecap/other"):
            logs.create_log_group(logGroupName=group)
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", recording)
        yield {"ec2": ec2, "vpc": vpc, "calls": calls}


def run(module, args, capsys, check_mode=False):
    """Run a module's main() with ``args``; returns its JSON result."""
    args = {**args, "_ansible_check_mode": check_mode, "_ansible_diff": True}
    with patch_module_args(args), pytest.raises(SystemExit):
        module.main()
    return json.loads(capsys.readouterr().out)


def flow_logs(ec2):
    return ec2.describe_flow_logs()["FlowLogs"]


def present(vpc, **overrides):
    args = {
        "name": "ecap-flow",
        "resource_id": vpc,
        "log_group_name": "/ecap/flow",
        "deliver_logs_permission_arn": ROLE,
        "tags": {"Project": "ecap"},
    }
    args.update(overrides)
    return args


def test_create_in_check_mode_changes_nothing(aws, capsys):
    result = run(ec2_flow_log, present(aws["vpc"]), capsys, check_mode=True)
    assert result["changed"] is True
    assert set(aws["calls"]) <= READ_ONLY
    assert flow_logs(aws["ec2"]) == []
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["traffic_type"] == "ALL"
    assert result["diff"]["after"]["tags"] == {"Name": "ecap-flow", "Project": "ecap"}
    assert "flow_log_id" not in result["flow_log"]


def test_create_then_rerun_is_idempotent(aws, capsys):
    created = run(ec2_flow_log, present(aws["vpc"]), capsys)
    assert created["changed"] is True
    [described] = flow_logs(aws["ec2"])
    assert created["flow_log"]["flow_log_id"] == described["FlowLogId"]
    assert created["flow_log"]["tags"] == {"Name": "ecap-flow", "Project": "ecap"}
    assert created["flow_log"]["log_group_name"] == "/ecap/flow"
    assert created["flow_log"]["max_aggregation_interval"] == 600
    assert created["flow_log"]["flow_log_status"] == "ACTIVE"
    assert "creation_time" in created["flow_log"]

    aws["calls"].clear()
    again = run(ec2_flow_log, present(aws["vpc"]), capsys)
    assert again["changed"] is False
    assert again["flow_log"]["flow_log_id"] == described["FlowLogId"]
    assert set(aws["calls"]) <= READ_ONLY


def test_tags_are_updated_in_place_and_purged(aws, capsys):
    first = run(ec2_flow_log, present(aws["vpc"], tags={"Project": "ecap", "Old": "x"}), capsys)
    check = run(ec2_flow_log, present(aws["vpc"], tags={"Project": "ecap", "New": "y"}), capsys, check_mode=True)
    assert check["changed"] is True
    assert check["flow_log"]["tags"] == {"Name": "ecap-flow", "Project": "ecap", "New": "y"}
    [unchanged] = flow_logs(aws["ec2"])
    assert {t["Key"]: t["Value"] for t in unchanged["Tags"]} == {"Name": "ecap-flow", "Project": "ecap", "Old": "x"}

    updated = run(ec2_flow_log, present(aws["vpc"], tags={"Project": "ecap", "New": "y"}), capsys)
    assert updated["changed"] is True
    assert updated["flow_log"]["flow_log_id"] == first["flow_log"]["flow_log_id"]
    assert updated["deleted_flow_log_ids"] == []
    [described] = flow_logs(aws["ec2"])
    assert {t["Key"]: t["Value"] for t in described["Tags"]} == {"Name": "ecap-flow", "Project": "ecap", "New": "y"}
    assert updated["diff"]["before"]["tags"] == {"Name": "ecap-flow", "Project": "ecap", "Old": "x"}
    assert updated["diff"]["after"]["tags"] == {"Name": "ecap-flow", "Project": "ecap", "New": "y"}


def test_omitted_tags_are_left_alone(aws, capsys):
    run(ec2_flow_log, present(aws["vpc"], tags={"Project": "ecap"}), capsys)
    args = present(aws["vpc"])
    del args["tags"]
    assert run(ec2_flow_log, args, capsys)["changed"] is False


def test_changed_setting_replaces_make_before_break(aws, capsys):
    old = run(ec2_flow_log, present(aws["vpc"]), capsys)["flow_log"]["flow_log_id"]
    aws["calls"].clear()
    result = run(ec2_flow_log, present(aws["vpc"], log_group_name="/ecap/other"), capsys)
    assert result["changed"] is True
    new = result["flow_log"]["flow_log_id"]
    assert new != old
    assert result["deleted_flow_log_ids"] == [old]
    assert [fl["FlowLogId"] for fl in flow_logs(aws["ec2"])] == [new]
    assert result["diff"]["before"]["log_group_name"] == "/ecap/flow"
    assert result["diff"]["after"]["log_group_name"] == "/ecap/other"
    assert result["flow_log"]["tags"] == {"Name": "ecap-flow", "Project": "ecap"}
    writes = [call for call in aws["calls"] if call not in READ_ONLY]
    assert writes == ["CreateFlowLogs", "DeleteFlowLogs"]


def test_changed_traffic_type_replaces_the_flow_log(aws, capsys):
    # moto 5.2.5 treats any flow log with the same resource and log group as a duplicate
    # (FlowLogAlreadyExists), whatever its traffic type, so this runs the module's fallback
    # (delete, then create, with a warning); the outcome asserted is the same either way.
    old = run(ec2_flow_log, present(aws["vpc"]), capsys)["flow_log"]["flow_log_id"]
    result = run(ec2_flow_log, present(aws["vpc"], traffic_type="REJECT"), capsys)
    assert result["changed"] is True
    assert result["flow_log"]["traffic_type"] == "REJECT"
    assert result["deleted_flow_log_ids"] == [old]
    [described] = flow_logs(aws["ec2"])
    assert described["FlowLogId"] == result["flow_log"]["flow_log_id"] != old
    assert run(ec2_flow_log, present(aws["vpc"], traffic_type="REJECT"), capsys)["changed"] is False


def test_replace_in_check_mode_changes_nothing(aws, capsys):
    old = run(ec2_flow_log, present(aws["vpc"]), capsys)["flow_log"]["flow_log_id"]
    aws["calls"].clear()
    result = run(ec2_flow_log, present(aws["vpc"], max_aggregation_interval=60), capsys, check_mode=True)
    assert result["changed"] is True
    assert result["deleted_flow_log_ids"] == [old]
    assert result["diff"]["before"]["max_aggregation_interval"] == 600
    assert result["diff"]["after"]["max_aggregation_interval"] == 60
    assert set(aws["calls"]) <= READ_ONLY
    assert [(fl["FlowLogId"], fl["MaxAggregationInterval"]) for fl in flow_logs(aws["ec2"])] == [(old, 600)]


def test_absent_in_check_mode_then_absent_then_absent_again(aws, capsys):
    flow_log_id = run(ec2_flow_log, present(aws["vpc"]), capsys)["flow_log"]["flow_log_id"]
    absent = {"name": "ecap-flow", "resource_id": aws["vpc"], "state": "absent"}

    aws["calls"].clear()
    check = run(ec2_flow_log, absent, capsys, check_mode=True)
    assert check["changed"] is True and check["deleted_flow_log_ids"] == [flow_log_id]
    assert check["diff"]["before"]["flow_log_id"] == flow_log_id and check["diff"]["after"] == {}
    assert set(aws["calls"]) <= READ_ONLY
    assert len(flow_logs(aws["ec2"])) == 1

    deleted = run(ec2_flow_log, absent, capsys)
    assert deleted["changed"] is True and deleted["deleted_flow_log_ids"] == [flow_log_id]
    assert flow_logs(aws["ec2"]) == []

    again = run(ec2_flow_log, absent, capsys)
    assert again["changed"] is False and again["deleted_flow_log_ids"] == []


def test_absent_only_deletes_flow_logs_of_that_name(aws, capsys):
    run(ec2_flow_log, present(aws["vpc"]), capsys)
    keep = run(ec2_flow_log, present(aws["vpc"], name="keep-me", log_group_name="/ecap/other"), capsys)
    run(ec2_flow_log, {"name": "ecap-flow", "state": "absent"}, capsys)
    assert [fl["FlowLogId"] for fl in flow_logs(aws["ec2"])] == [keep["flow_log"]["flow_log_id"]]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"deliver_logs_permission_arn": None}, "needs deliver_logs_permission_arn"),
        ({"resource_type": "Subnet"}, "is not a Subnet id"),
        ({"log_destination": "arn:aws:logs:us-west-2:1:log-group:g"}, "mutually exclusive"),
        ({"resource_id": None}, "state is present but all of the following are missing: resource_id"),
        ({"max_aggregation_interval": 120}, "value of max_aggregation_interval must be one of: 60, 600"),
    ],
)
def test_bad_input_fails_before_any_call(aws, capsys, overrides, message):
    args = {key: value for key, value in present(aws["vpc"], **overrides).items() if value is not None}
    result = run(ec2_flow_log, args, capsys)
    assert result["failed"] is True
    assert message in result["msg"]
    assert aws["calls"] == []


def test_unsuccessful_creation_fails_the_task(aws, capsys):
    args = present(
        aws["vpc"],
        log_destination_type="s3",
        log_destination="arn:aws:s3:::no-such-bucket",
    )
    del args["log_group_name"]
    result = run(ec2_flow_log, args, capsys)
    assert result["failed"] is True
    assert result["msg"].startswith(f"Failed to create flow log for {aws['vpc']}")
    assert flow_logs(aws["ec2"]) == []


def test_api_errors_fail_with_the_aws_error(aws, capsys):
    result = run(ec2_flow_log, present("vpc-00000000000000000"), capsys)
    assert result["failed"] is True
    assert result["msg"].startswith("Failed to create flow log: ")
    assert result["error"]["code"] == "InvalidVpcID.NotFound"


def test_info_lists_by_filters_and_ids(aws, capsys):
    created = run(ec2_flow_log, present(aws["vpc"]), capsys)["flow_log"]
    run(ec2_flow_log, present(aws["vpc"], name="second", log_group_name="/ecap/other"), capsys)

    by_name = run(ec2_flow_log_info, {"filters": {"tag:Name": "ecap-flow"}}, capsys)
    assert by_name["changed"] is False
    assert [fl["flow_log_id"] for fl in by_name["flow_logs"]] == [created["flow_log_id"]]
    assert by_name["flow_logs"][0]["tags"] == {"Name": "ecap-flow", "Project": "ecap"}

    by_id = run(ec2_flow_log_info, {"flow_log_ids": [created["flow_log_id"]]}, capsys)
    assert [fl["flow_log_id"] for fl in by_id["flow_logs"]] == [created["flow_log_id"]]

    by_resource = run(ec2_flow_log_info, {"filters": {"resource-id": aws["vpc"]}}, capsys)
    assert len(by_resource["flow_logs"]) == 2
