"""Flow-log logic (plugins/module_utils/ec2.py): validation, request building, the replace
decision, and the AWS calls against moto (in process) or botocore's Stubber."""

from __future__ import annotations

import datetime

import boto3
import pytest
from ansible_collections.amazon.aws.plugins.module_utils.ec2 import AnsibleEC2Error
from ansible_collections.ecap.platform.plugins.module_utils.common import wrap_client
from ansible_collections.ecap.platform.plugins.module_utils.ec2 import (
    build_create_request,
    client_token,
    create_flow_log,
    delete_flow_logs,
    describe_flow_logs,
    find_flow_logs,
    plan_flow_log,
    replace_flow_logs,
    to_ansible,
    update_tags,
    validate_params,
    wanted_settings,
)
from botocore.stub import Stubber
from botocore.validate import ParamValidator
from moto import mock_aws

ROLE = "arn:aws:iam::123456789012:role/flow-logs"


def params(**overrides):
    base = {
        "name": "flow",
        "resource_id": "vpc-0123456789abcdef0",
        "resource_type": "VPC",
        "traffic_type": None,
        "log_destination_type": "cloud-watch-logs",
        "log_group_name": "/ecap/flow",
        "log_destination": None,
        "deliver_logs_permission_arn": ROLE,
        "max_aggregation_interval": None,
        "log_format": None,
        "tags": None,
        "purge_tags": True,
        "state": "present",
    }
    base.update(overrides)
    return base


def described(flow_log_id="fl-1", created=1, tags=None, **fields):
    """A DescribeFlowLogs entry as AWS returns it for the default params()."""
    entry = {
        "FlowLogId": flow_log_id,
        "ResourceId": "vpc-0123456789abcdef0",
        "TrafficType": "ALL",
        "LogDestinationType": "cloud-watch-logs",
        "LogGroupName": "/ecap/flow",
        "LogDestination": "arn:aws:logs:us-west-2:123456789012:log-group:/ecap/flow",
        "DeliverLogsPermissionArn": ROLE,
        "MaxAggregationInterval": 600,
        "LogFormat": "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr}",
        "FlowLogStatus": "ACTIVE",
        "DeliverLogsStatus": "SUCCESS",
        "CreationTime": datetime.datetime(2026, 1, created, tzinfo=datetime.UTC),
        "Tags": [{"Key": k, "Value": v} for k, v in (tags if tags is not None else {"Name": "flow"}).items()],
    }
    entry.update(fields)
    return entry


# --------------------------------------------------------------------------- validation


def test_valid_cloudwatch_s3_firehose_and_transit_gateway_params_pass():
    assert validate_params(params()) == []
    assert validate_params(params(log_group_name=None, log_destination="arn:aws:logs:us-west-2:1:log-group:g:*")) == []
    s3 = params(log_destination_type="s3", log_group_name=None, deliver_logs_permission_arn=None)
    assert validate_params({**s3, "log_destination": "arn:aws:s3:::bucket/prefix/"}) == []
    firehose = {**s3, "log_destination_type": "kinesis-data-firehose"}
    assert validate_params({**firehose, "log_destination": "arn:aws:firehose:us-west-2:1:deliverystream/s"}) == []
    tgw = params(resource_type="TransitGateway", resource_id="tgw-0123", max_aggregation_interval=60)
    assert validate_params(tgw) == []


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"resource_id": "subnet-0123"}, "is not a VPC id (expected vpc-...)"),
        ({"resource_type": "TransitGateway", "resource_id": "tgw-attach-0123"}, "is not a TransitGateway id"),
        ({"log_group_name": None}, "needs log_group_name or log_destination"),
        ({"deliver_logs_permission_arn": None}, "needs deliver_logs_permission_arn"),
        (
            {"log_destination_type": "s3", "log_destination": "arn:aws:s3:::b"},
            "log_group_name is only valid with log_destination_type=cloud-watch-logs, not s3",
        ),
        (
            {"log_group_name": None, "log_destination": "arn:aws:s3:::bucket"},
            "is not an arn:...:logs:... ARN",
        ),
        (
            {"log_destination_type": "s3", "log_group_name": None, "log_destination": "my-bucket"},
            "is not an arn:...:s3:... ARN",
        ),
        (
            {"resource_type": "TransitGatewayAttachment", "resource_id": "tgw-attach-1", "traffic_type": "ALL"},
            "traffic_type is not supported for resource_type=TransitGatewayAttachment",
        ),
        (
            {"resource_type": "TransitGateway", "resource_id": "tgw-1", "max_aggregation_interval": 600},
            "max_aggregation_interval must be 60",
        ),
        ({"log_format": "   "}, "log_format must name at least one field"),
    ],
)
def test_invalid_params_are_explained(overrides, fragment):
    errors = validate_params(params(**overrides))
    assert any(fragment in error for error in errors), errors


def test_all_problems_are_reported_at_once():
    errors = validate_params(params(resource_id="eni-1", log_group_name=None, deliver_logs_permission_arn=None))
    assert len(errors) == 3


def test_wanted_settings_apply_the_defaults_of_the_resource_type():
    vpc = wanted_settings(params())
    assert (vpc["traffic_type"], vpc["max_aggregation_interval"]) == ("ALL", 600)
    assert vpc["log_format"] is None and vpc["log_destination"] is None
    tgw = wanted_settings(params(resource_type="TransitGateway", resource_id="tgw-1"))
    assert (tgw["traffic_type"], tgw["max_aggregation_interval"]) == (None, 60)
    explicit = wanted_settings(params(traffic_type="REJECT", max_aggregation_interval=60))
    assert (explicit["traffic_type"], explicit["max_aggregation_interval"]) == ("REJECT", 60)


# --------------------------------------------------------------------------- request


def _request(**overrides):
    p = params(**overrides)
    return build_create_request(p["resource_id"], p["resource_type"], wanted_settings(p), p["tags"])


def test_request_maps_options_to_api_fields_and_omits_unset_ones():
    request = build_create_request(
        "vpc-0123456789abcdef0", "VPC", wanted_settings(params()), {"Name": "flow", "Team": "data"}
    )
    token = request.pop("ClientToken")
    assert request == {
        "ResourceIds": ["vpc-0123456789abcdef0"],
        "ResourceType": "VPC",
        "TrafficType": "ALL",
        "LogDestinationType": "cloud-watch-logs",
        "LogGroupName": "/ecap/flow",
        "DeliverLogsPermissionArn": ROLE,
        "MaxAggregationInterval": 600,
        "TagSpecifications": [
            {
                "ResourceType": "vpc-flow-log",
                "Tags": [{"Key": "Name", "Value": "flow"}, {"Key": "Team", "Value": "data"}],
            }
        ],
    }
    assert len(token) == 64 and all(c in "0123456789abcdef" for c in token)


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"log_format": "${srcaddr} ${dstaddr}", "tags": {"Team": "data"}},
        {"resource_type": "TransitGateway", "resource_id": "tgw-1"},
        {"log_destination_type": "s3", "log_group_name": None, "log_destination": "arn:aws:s3:::b/p/"},
    ],
)
def test_request_is_valid_for_the_create_flow_logs_api_model(overrides):
    ec2 = boto3.client("ec2", region_name="us-west-2")
    shape = ec2.meta.service_model.operation_model("CreateFlowLogs").input_shape
    report = ParamValidator().validate(_request(**overrides), shape)
    assert not report.has_errors(), report.generate_report()


def test_transit_gateway_request_has_no_traffic_type_and_a_60s_interval():
    request = _request(resource_type="TransitGateway", resource_id="tgw-1")
    assert "TrafficType" not in request
    assert request["MaxAggregationInterval"] == 60


def test_client_token_is_deterministic_and_ignores_tag_order():
    first = _request(tags={"a": "1", "b": "2"})
    second = _request(tags={"b": "2", "a": "1"})
    assert first["ClientToken"] == second["ClientToken"]
    assert client_token(first) == first["ClientToken"]  # a token in the request is not hashed into itself


def test_client_token_changes_with_the_request_and_the_salt():
    base = _request()
    assert _request(traffic_type="REJECT")["ClientToken"] != base["ClientToken"]
    assert _request(tags={"Team": "x"})["ClientToken"] != base["ClientToken"]
    assert _request(resource_id="vpc-0fedcba9876543210")["ClientToken"] != base["ClientToken"]
    salted = client_token(base, salt="fl-1")
    assert salted != base["ClientToken"] and salted == client_token(base, salt="fl-1") and len(salted) == 64


# --------------------------------------------------------------------------- replace decision


def _plan(current, tags=None, purge=True, **overrides):
    p = params(**overrides)
    wanted = dict(tags or {}, Name="flow") if tags is not None else {"Name": "flow"}
    return plan_flow_log(current, wanted_settings(p), wanted, purge if tags is not None else False)


def test_nothing_found_means_create():
    plan = _plan([], tags={"Team": "data"})
    assert plan.create and not plan.remove and plan.changed and not plan.replaces
    assert plan.new_tags == {"Name": "flow", "Team": "data"}


def test_identical_flow_log_is_kept_unchanged():
    plan = _plan([described()])
    assert not plan.changed and plan.keep["FlowLogId"] == "fl-1"


def test_unset_options_never_force_a_replacement():
    # AWS reports LogFormat and LogDestination that the user did not set.
    assert not _plan([described(LogFormat="${srcaddr}")]).changed


def test_tag_only_difference_updates_tags_in_place():
    plan = _plan([described(tags={"Name": "flow", "Old": "x"})], tags={"Team": "data"})
    assert not plan.create and not plan.remove and plan.changed
    assert (plan.tags_to_set, plan.tags_to_unset) == ({"Team": "data"}, ["Old"])


@pytest.mark.parametrize(
    ("overrides", "option", "pair"),
    [
        ({"traffic_type": "REJECT"}, "traffic_type", ("ALL", "REJECT")),
        ({"max_aggregation_interval": 60}, "max_aggregation_interval", (600, 60)),
        ({"log_group_name": "/ecap/other"}, "log_group_name", ("/ecap/flow", "/ecap/other")),
        ({"deliver_logs_permission_arn": ROLE + "2"}, "deliver_logs_permission_arn", (ROLE, ROLE + "2")),
        (
            {"log_format": "${srcaddr}"},
            "log_format",
            ("${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr}", "${srcaddr}"),
        ),
    ],
)
def test_immutable_difference_means_replace(overrides, option, pair):
    plan = _plan([described(tags={"Name": "flow", "Team": "data", "aws:origin": "x"})], **overrides)
    assert plan.create and plan.replaces
    assert [fl["FlowLogId"] for fl in plan.remove] == ["fl-1"]
    assert plan.differences == {option: pair}
    # Tags were not given: the replacement carries the old tags over, minus the reserved aws:* ones.
    assert plan.new_tags == {"Name": "flow", "Team": "data"}


def test_replacement_tags_follow_purge_when_tags_are_given():
    plan = _plan([described(tags={"Name": "flow", "Old": "x"})], tags={"New": "y"}, traffic_type="ACCEPT")
    assert plan.new_tags == {"Name": "flow", "New": "y"}


def test_equivalent_destinations_and_formats_do_not_replace():
    current = described(LogFormat="${srcaddr} ${dstaddr}")
    arn = "arn:aws:logs:us-west-2:123456789012:log-group:/ecap/flow"
    assert not _plan(
        [current], log_group_name=None, log_destination=arn + ":*", log_format=" ${srcaddr}  ${dstaddr} "
    ).changed
    s3 = described(LogDestinationType="s3", LogGroupName=None, LogDestination="arn:aws:s3:::b/p")
    assert not _plan([s3], log_destination_type="s3", log_group_name=None, log_destination="arn:aws:s3:::b/p/").changed


def test_leftover_of_an_interrupted_replacement_is_cleaned_up():
    # The new flow log (REJECT) was created, the old one (ALL) not yet deleted.
    new = described("fl-new", created=2, TrafficType="REJECT")
    old = described("fl-old", created=1)
    plan = _plan([new, old], traffic_type="REJECT")
    assert plan.keep["FlowLogId"] == "fl-new"
    assert [fl["FlowLogId"] for fl in plan.remove] == ["fl-old"]
    assert not plan.create and plan.changed


def test_replacement_diffs_against_the_newest_flow_log():
    plan = _plan(
        [described("fl-2", created=2, TrafficType="ACCEPT"), described("fl-1", created=1)], traffic_type="REJECT"
    )
    assert plan.differences == {"traffic_type": ("ACCEPT", "REJECT")}
    assert {fl["FlowLogId"] for fl in plan.remove} == {"fl-1", "fl-2"}


def test_to_ansible_snake_cases_and_keeps_tag_keys():
    result = to_ansible(described(tags={"Name": "flow", "CostCenter": "x"}))
    assert result["flow_log_id"] == "fl-1"
    assert result["deliver_logs_permission_arn"] == ROLE
    assert result["max_aggregation_interval"] == 600
    assert result["tags"] == {"Name": "flow", "CostCenter": "x"}
    assert to_ansible(None) == {}


# --------------------------------------------------------------------------- against moto


@pytest.fixture
def aws(aws_credentials):
    with mock_aws():
        ec2 = boto3.client("ec2", region_name="us-west-2")
        logs = boto3.client("logs", region_name="us-west-2")
        logs.create_log_group(logGroupName="/ecap/flow")
        logs.create_log_group(logGroupName="/ecap/other")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        yield wrap_client(ec2), vpc


def _moto_request(vpc, **overrides):
    p = params(resource_id=vpc, **overrides)
    return build_create_request(vpc, "VPC", wanted_settings(p), {"Name": p["name"], **(p["tags"] or {})})


def test_create_then_find_by_name_and_resource(aws):
    client, vpc = aws
    created = create_flow_log(client, _moto_request(vpc, tags={"Team": "data"}), timeout=0)
    assert created["FlowLogId"].startswith("fl-")
    assert created["ResourceId"] == vpc and created["TrafficType"] == "ALL"
    other = create_flow_log(client, _moto_request(vpc, name="other", log_group_name="/ecap/other"), timeout=0)

    found = find_flow_logs(client, "flow", vpc)
    assert [fl["FlowLogId"] for fl in found] == [created["FlowLogId"]]
    assert to_ansible(found[0])["tags"] == {"Name": "flow", "Team": "data"}
    assert find_flow_logs(client, "flow", "vpc-00000000000000000") == []
    assert [fl["FlowLogId"] for fl in find_flow_logs(client, "other")] == [other["FlowLogId"]]
    assert describe_flow_logs(client, flow_log_ids=["fl-0000000000000000"]) == []


def test_unsuccessful_items_of_a_200_answer_are_errors(aws):
    client, vpc = aws
    request = _moto_request(
        vpc, log_destination_type="s3", log_group_name=None, log_destination="arn:aws:s3:::no-such-bucket"
    )
    with pytest.raises(AnsibleEC2Error) as err:
        create_flow_log(client, request, timeout=0)
    assert f"Failed to create flow log for {vpc}" in err.value.message
    assert "no-such-bucket does not exist" in err.value.message
    assert describe_flow_logs(client) == []


def test_api_errors_name_the_action(aws):
    client, _ = aws
    with pytest.raises(AnsibleEC2Error) as err:
        create_flow_log(client, _moto_request("vpc-00000000000000000"), timeout=0)
    assert err.value.message == "Failed to create flow log"
    assert err.value.exception.response["Error"]["Code"] == "InvalidVpcID.NotFound"


def test_tags_are_updated_in_place(aws):
    client, vpc = aws
    created = create_flow_log(client, _moto_request(vpc, tags={"Old": "x"}), timeout=0)
    assert update_tags(client, created["FlowLogId"], {"New": "y"}, ["Old"])
    assert not update_tags(client, created["FlowLogId"], {}, [])
    [after] = describe_flow_logs(client, flow_log_ids=[created["FlowLogId"]])
    assert to_ansible(after)["tags"] == {"Name": "flow", "New": "y"}


def test_delete_ignores_flow_logs_that_are_already_gone(aws):
    client, vpc = aws
    created = create_flow_log(client, _moto_request(vpc), timeout=0)
    assert delete_flow_logs(client, [created["FlowLogId"]])
    assert delete_flow_logs(client, [created["FlowLogId"]])
    assert not delete_flow_logs(client, [])
    assert describe_flow_logs(client) == []


def test_replace_creates_the_new_flow_log_then_deletes_the_old(aws):
    client, vpc = aws
    old = create_flow_log(client, _moto_request(vpc), timeout=0)
    warnings = []
    new = replace_flow_logs(
        client, _moto_request(vpc, log_group_name="/ecap/other"), [old["FlowLogId"]], warnings.append, timeout=0
    )
    assert new["FlowLogId"] != old["FlowLogId"] and new["LogGroupName"] == "/ecap/other"
    assert [fl["FlowLogId"] for fl in describe_flow_logs(client)] == [new["FlowLogId"]]
    assert warnings == []


# --------------------------------------------------------------------------- call order (Stubber)


@pytest.fixture
def stubbed(monkeypatch):
    ec2 = boto3.client("ec2", region_name="us-west-2", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(ec2) as stubber:
        yield wrap_client(ec2), stubber
        stubber.assert_no_pending_responses()


def test_replace_is_make_before_break(stubbed):
    client, stubber = stubbed
    request = _request(traffic_type="REJECT")
    stubber.add_response("create_flow_logs", {"FlowLogIds": ["fl-new"], "Unsuccessful": []}, request)
    stubber.add_response("describe_flow_logs", {"FlowLogs": [described("fl-new", TrafficType="REJECT")]})
    stubber.add_response("delete_flow_logs", {"Unsuccessful": []}, {"FlowLogIds": ["fl-old"]})
    new = replace_flow_logs(client, request, ["fl-old"], pytest.fail, timeout=0)
    assert new["FlowLogId"] == "fl-new"


def test_replace_falls_back_to_break_before_make_when_aws_refuses_a_duplicate(stubbed):
    client, stubber = stubbed
    request = _request(deliver_logs_permission_arn=ROLE + "2")
    stubber.add_client_error("create_flow_logs", "FlowLogAlreadyExists", "There is an existing Flow Log", 400)
    stubber.add_response("delete_flow_logs", {"Unsuccessful": []}, {"FlowLogIds": ["fl-old"]})
    # The refused request is not replayed: the retry carries its own (deterministic) token.
    retry = {**request, "ClientToken": client_token(request, salt="replacing:fl-old")}
    assert retry["ClientToken"] != request["ClientToken"]
    stubber.add_response("create_flow_logs", {"FlowLogIds": ["fl-new"], "Unsuccessful": []}, retry)
    stubber.add_response("describe_flow_logs", {"FlowLogs": [described("fl-new")]})
    warnings = []
    new = replace_flow_logs(client, request, ["fl-old"], warnings.append, timeout=0)
    assert new["FlowLogId"] == "fl-new"
    assert len(warnings) == 1 and "fl-old" in warnings[0] and "FlowLogAlreadyExists" in warnings[0]


def test_a_duplicate_without_an_old_flow_log_is_an_error(stubbed):
    client, stubber = stubbed
    stubber.add_client_error("create_flow_logs", "FlowLogAlreadyExists", "There is an existing Flow Log", 400)
    with pytest.raises(AnsibleEC2Error):
        replace_flow_logs(client, _request(), [], pytest.fail, timeout=0)


def test_a_failed_replacement_after_the_fallback_delete_says_the_old_one_is_gone(stubbed):
    client, stubber = stubbed
    request = _request(traffic_type="REJECT")
    stubber.add_client_error("create_flow_logs", "FlowLogAlreadyExists", "exists", 400)
    stubber.add_response("delete_flow_logs", {"Unsuccessful": []}, {"FlowLogIds": ["fl-old"]})
    stubber.add_response(
        "create_flow_logs",
        {
            "FlowLogIds": [],
            "Unsuccessful": [{"ResourceId": "vpc-0123456789abcdef0", "Error": {"Code": "Denied", "Message": "no"}}],
        },
        None,
    )
    with pytest.raises(AnsibleEC2Error) as err:
        replace_flow_logs(client, request, ["fl-old"], lambda _: None, timeout=0)
    assert err.value.message.startswith("Deleted flow log fl-old, then failed to create its replacement")
    assert "Denied no" in err.value.message


def test_a_token_answered_with_a_deleted_flow_log_is_salted_and_sent_again(stubbed):
    # The same flow log was created and deleted earlier: AWS replays the old id for the same token.
    client, stubber = stubbed
    request = _request()
    salted = {**request, "ClientToken": client_token(request, salt="fl-deleted")}
    stubber.add_response("create_flow_logs", {"FlowLogIds": ["fl-deleted"], "Unsuccessful": []}, request)
    stubber.add_response("describe_flow_logs", {"FlowLogs": []}, {"FlowLogIds": ["fl-deleted"]})
    stubber.add_response("create_flow_logs", {"FlowLogIds": ["fl-new"], "Unsuccessful": []}, salted)
    stubber.add_response("describe_flow_logs", {"FlowLogs": [described("fl-new")]}, {"FlowLogIds": ["fl-new"]})
    assert create_flow_log(client, request, timeout=0)["FlowLogId"] == "fl-new"


def test_a_new_flow_log_is_waited_for_until_it_shows(stubbed):
    client, stubber = stubbed
    stubber.add_response("create_flow_logs", {"FlowLogIds": ["fl-new"], "Unsuccessful": []})
    stubber.add_response("describe_flow_logs", {"FlowLogs": []})
    stubber.add_response("describe_flow_logs", {"FlowLogs": [described("fl-new")]})
    sleeps = []
    created = create_flow_log(client, _request(), timeout=60, delay=2, sleep=sleeps.append)
    assert created["FlowLogId"] == "fl-new" and sleeps == [2]


def test_describe_pages_skip_deleted_entries_and_sort_newest_first(stubbed):
    client, stubber = stubbed
    stubber.add_response("describe_flow_logs", {"FlowLogs": [described("fl-1", created=1)], "NextToken": "n"})
    stubber.add_response(
        "describe_flow_logs",
        {"FlowLogs": [described("fl-3", created=3), described("fl-2", created=2, FlowLogStatus="DELETED")]},
        {"NextToken": "n"},
    )
    assert [fl["FlowLogId"] for fl in describe_flow_logs(client)] == ["fl-3", "fl-1"]


def test_delete_reports_real_failures_but_not_missing_ids(stubbed):
    client, stubber = stubbed
    stubber.add_response(
        "delete_flow_logs",
        {"Unsuccessful": [{"ResourceId": "fl-gone", "Error": {"Code": "InvalidFlowLogId.NotFound", "Message": "x"}}]},
    )
    assert delete_flow_logs(client, ["fl-gone"])
    stubber.add_response(
        "delete_flow_logs",
        {"Unsuccessful": [{"ResourceId": "fl-1", "Error": {"Code": "UnauthorizedOperation", "Message": "denied"}}]},
    )
    with pytest.raises(AnsibleEC2Error, match="fl-1: UnauthorizedOperation denied"):
        delete_flow_logs(client, ["fl-1"])
