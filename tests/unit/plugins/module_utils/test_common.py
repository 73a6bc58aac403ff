"""Shared helpers of the AWS modules (plugins/module_utils/common.py)."""

from __future__ import annotations

import time

import boto3
import pytest
from ansible_collections.ecap.platform.plugins.module_utils import common
from ansible_collections.ecap.platform.plugins.module_utils.common import (
    WaitTimeoutError,
    apply_tag_changes,
    chunks,
    dict_to_tags,
    diff_params,
    make_diff,
    paginate,
    project,
    settable_tags,
    tag_changes,
    tag_specifications,
    tags_to_dict,
    wait_for,
    wanted_tags,
    wrap_client,
)
from botocore.exceptions import ClientError
from botocore.stub import Stubber

MAPPING = {
    "traffic_type": "TrafficType",
    "max_aggregation_interval": "MaxAggregationInterval",
    "log_format": "LogFormat",
}


# --------------------------------------------------------------------------- diff_params


def test_diff_params_reports_only_differing_options_as_current_wanted_pairs():
    current = {"TrafficType": "ALL", "MaxAggregationInterval": 600, "LogFormat": "${srcaddr}"}
    wanted = {"traffic_type": "REJECT", "max_aggregation_interval": 600, "log_format": "${srcaddr}"}
    assert diff_params(current, wanted, MAPPING) == {"traffic_type": ("ALL", "REJECT")}


def test_diff_params_skips_options_the_user_did_not_set():
    # AWS always reports a LogFormat; an unset log_format must not force a replacement.
    current = {"TrafficType": "ALL", "MaxAggregationInterval": 600, "LogFormat": "${version} ${srcaddr}"}
    assert diff_params(current, {"traffic_type": "ALL", "log_format": None}, MAPPING) == {}


def test_diff_params_counts_a_field_aws_did_not_return_as_a_difference():
    assert diff_params({}, {"log_format": "${srcaddr}"}, MAPPING) == {"log_format": (None, "${srcaddr}")}


def test_diff_params_applies_normalizers_to_both_sides():
    normalize = {"log_format": lambda value: " ".join(value.split()) if value else value}
    current = {"LogFormat": "${srcaddr}  ${dstaddr}"}
    assert diff_params(current, {"log_format": " ${srcaddr} ${dstaddr}"}, MAPPING, normalize) == {}
    assert diff_params(current, {"log_format": "${dstaddr} ${srcaddr}"}, MAPPING, normalize) == {
        "log_format": ("${srcaddr}  ${dstaddr}", "${dstaddr} ${srcaddr}")
    }


def test_diff_params_compares_falsy_values_that_are_set():
    assert diff_params({"Enabled": True}, {"enabled": False}, {"enabled": "Enabled"}) == {"enabled": (True, False)}


def test_project_maps_api_fields_back_to_options_and_drops_missing_ones():
    assert project({"TrafficType": "ALL", "LogFormat": None}, MAPPING) == {"traffic_type": "ALL"}


def test_make_diff_fills_missing_sides():
    assert make_diff(None, {"a": 1}) == {"before": {}, "after": {"a": 1}}
    assert make_diff({"a": 1}, None) == {"before": {"a": 1}, "after": {}}


# --------------------------------------------------------------------------- tags


def test_name_overrides_the_name_tag_and_unset_tags_mean_no_purge():
    assert wanted_tags({"Name": "old", "Team": "data"}, True, "flow") == ({"Name": "flow", "Team": "data"}, True)
    assert wanted_tags(None, True, "flow") == ({"Name": "flow"}, False)
    assert wanted_tags(None, True) == (None, False)


def test_wanted_tags_stringify_values_as_aws_stores_them():
    assert wanted_tags({"Port": 5432, "Enabled": True}, True)[0] == {"Port": "5432", "Enabled": "True"}


def test_tag_changes_with_purge_removes_unknown_keys_but_never_aws_ones():
    current = {"Name": "a", "Old": "x", "aws:cloudformation:stack-name": "s"}
    to_set, to_unset = tag_changes(current, {"Name": "a", "New": "y"}, purge_tags=True)
    assert to_set == {"New": "y"}
    assert to_unset == ["Old"]


def test_tag_changes_without_purge_only_adds_and_updates():
    to_set, to_unset = tag_changes({"Name": "a", "Old": "x"}, {"Name": "b"}, purge_tags=False)
    assert (to_set, to_unset) == ({"Name": "b"}, [])


def test_tag_changes_of_none_is_no_change():
    assert tag_changes({"Name": "a"}, None, purge_tags=True) == ({}, [])


def test_apply_tag_changes_and_settable_tags():
    current = {"Name": "a", "Old": "x", "aws:createdBy": "me"}
    result = apply_tag_changes(current, {"Name": "b"}, ["Old"])
    assert result == {"Name": "b", "aws:createdBy": "me"}
    assert settable_tags(result) == {"Name": "b"}


def test_tag_list_round_trip_is_sorted_and_stable():
    tags = {"b": "2", "a": "1"}
    assert dict_to_tags(tags) == [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]
    assert tags_to_dict(dict_to_tags(tags)) == tags
    assert tags_to_dict(None) == {}


def test_tag_specifications_name_the_resource_type_and_are_sorted():
    assert tag_specifications({"z": "1", "a": "2"}, "vpc-flow-log") == [
        {"ResourceType": "vpc-flow-log", "Tags": [{"Key": "a", "Value": "2"}, {"Key": "z", "Value": "1"}]}
    ]
    assert tag_specifications({}, "vpc-flow-log") is None
    assert tag_specifications(None, "vpc-flow-log") is None


# --------------------------------------------------------------------------- wait_for


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(common.time, "monotonic", fake.monotonic)
    return fake


def test_wait_for_returns_the_first_done_description(clock):
    states = iter(["creating", "creating", "active", "never reached"])
    result = wait_for(lambda: next(states), lambda s: s == "active", timeout=60, delay=5, sleep=clock.sleep)
    assert result == "active"
    assert clock.sleeps == [5, 5]


def test_wait_for_timeout_names_the_resource_and_its_last_state(clock):
    with pytest.raises(WaitTimeoutError) as err:
        wait_for(
            lambda: {"FlowLogStatus": "PENDING"},
            lambda fl: fl["FlowLogStatus"] == "ACTIVE",
            timeout=12,
            delay=5,
            what="flow log fl-123 to be ACTIVE",
            state_fn=lambda fl: fl["FlowLogStatus"],
            sleep=clock.sleep,
        )
    assert str(err.value) == "Timed out after 12s waiting for flow log fl-123 to be ACTIVE; last state: 'PENDING'"
    assert err.value.last == {"FlowLogStatus": "PENDING"}
    # Never sleeps past the deadline: 5 + 5 + 2.
    assert clock.sleeps == [5, 5, 2]


def test_wait_for_describes_once_even_with_zero_timeout(clock):
    calls = []
    with pytest.raises(WaitTimeoutError):
        wait_for(lambda: calls.append(1), lambda _: False, timeout=0, sleep=clock.sleep)
    assert calls == [1]
    assert clock.sleeps == []


def test_wait_for_uses_real_time_by_default():
    start = time.monotonic()
    with pytest.raises(WaitTimeoutError):
        wait_for(lambda: None, lambda _: False, timeout=0.2, delay=0.05)
    assert 0.2 <= time.monotonic() - start < 2


# --------------------------------------------------------------------------- retries and paging


@pytest.fixture
def no_backoff_sleep(monkeypatch):
    slept: list[float] = []
    from ansible_collections.amazon.aws.plugins.module_utils import cloud

    monkeypatch.setattr(cloud.time, "sleep", slept.append)
    return slept


def _stubbed_ec2():
    ec2 = boto3.client("ec2", region_name="us-west-2", aws_access_key_id="x", aws_secret_access_key="x")
    return ec2, Stubber(ec2)


@pytest.mark.parametrize("code", ["RequestLimitExceeded", "Throttling", "ThrottlingException", "RequestThrottled"])
def test_client_retries_throttling_with_bounded_jittered_backoff(code, no_backoff_sleep):
    ec2, stubber = _stubbed_ec2()
    stubber.add_client_error("describe_flow_logs", service_error_code=code, http_status_code=400)
    stubber.add_client_error("describe_flow_logs", service_error_code=code, http_status_code=400)
    stubber.add_response("describe_flow_logs", {"FlowLogs": [{"FlowLogId": "fl-1"}]})
    with stubber:
        result = paginate(wrap_client(ec2).describe_flow_logs, "FlowLogs")
    stubber.assert_no_pending_responses()
    assert result == [{"FlowLogId": "fl-1"}]
    assert len(no_backoff_sleep) == 2
    assert all(0 <= s <= 30 for s in no_backoff_sleep)


def test_client_does_not_retry_real_errors(no_backoff_sleep):
    ec2, stubber = _stubbed_ec2()
    stubber.add_client_error("describe_flow_logs", service_error_code="UnauthorizedOperation", http_status_code=403)
    with stubber, pytest.raises(ClientError):
        paginate(wrap_client(ec2).describe_flow_logs, "FlowLogs")
    assert no_backoff_sleep == []


def test_client_retries_a_bounded_number_of_times(no_backoff_sleep):
    ec2, stubber = _stubbed_ec2()
    for _ in range(10):
        stubber.add_client_error("describe_flow_logs", service_error_code="Throttling", http_status_code=400)
    with stubber, pytest.raises(ClientError):
        paginate(wrap_client(ec2).describe_flow_logs, "FlowLogs")
    assert len(no_backoff_sleep) == 9


def test_paginate_follows_next_token_and_retries_each_page(no_backoff_sleep):
    ec2, stubber = _stubbed_ec2()
    filters = [{"Name": "resource-id", "Values": ["vpc-1"]}]
    stubber.add_response(
        "describe_flow_logs", {"FlowLogs": [{"FlowLogId": "fl-1"}], "NextToken": "t1"}, {"Filter": filters}
    )
    stubber.add_client_error("describe_flow_logs", service_error_code="RequestLimitExceeded", http_status_code=400)
    stubber.add_response(
        "describe_flow_logs", {"FlowLogs": [{"FlowLogId": "fl-2"}]}, {"Filter": filters, "NextToken": "t1"}
    )
    with stubber:
        result = paginate(wrap_client(ec2).describe_flow_logs, "FlowLogs", Filter=filters)
    stubber.assert_no_pending_responses()
    assert [fl["FlowLogId"] for fl in result] == ["fl-1", "fl-2"]
    assert len(no_backoff_sleep) == 1


class _ClientModule:
    """A module stand-in: its AWS options, and the clients ``module.client`` built."""

    def __init__(self, **params):
        self.params = {"region": "us-west-2", "endpoint_url": None, "access_key": None, **params}
        self.built = []

    def client(self, service, retry_decorator=None):
        assert retry_decorator is None  # common.client wraps the client it keeps
        self.built.append(service)
        return _FlakyClient()


class _FlakyClient:
    """Throttled on its first call, then answers."""

    def __init__(self):
        self.calls = 0

    def describe_things(self):
        self.calls += 1
        if self.calls == 1:
            raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow"}}, "DescribeThings")
        return {"Things": []}


def test_client_retries_throttling_with_the_retry_policy(no_backoff_sleep):
    module = _ClientModule()
    connection = common.client(module, "ec2")
    assert module.built == ["ec2"]
    assert connection.describe_things(aws_retry=True) == {"Things": []}
    assert connection.client.calls == 2
    assert len(no_backoff_sleep) == 1


def test_client_is_kept_for_the_same_options_and_environment(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAONE")
    first = _ClientModule()
    a = common.client(first, "ec2")
    second = _ClientModule()  # a later module of the run, with the same options
    b = common.client(second, "ec2")
    assert first.built == ["ec2"] and second.built == []
    assert a.client is b.client

    # Another service, other options, another environment: each its own client.
    assert common.client(second, "kms").client is not a.client
    assert common.client(_ClientModule(region="eu-west-1"), "ec2").client is not a.client
    assert common.client(_ClientModule(aws_config={"max_pool_connections": 2}), "ec2").client is not a.client
    # The same botocore config again is the same client (the key is the options, not a Config object).
    config = _ClientModule(aws_config={"max_pool_connections": 2})
    common.client(config, "ec2")
    assert config.built == []
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIATWO")
    other_credentials = _ClientModule()
    assert common.client(other_credentials, "ec2").client is not a.client
    assert other_credentials.built == ["ec2"]

    common.clear_clients()
    again = _ClientModule()
    common.client(again, "ec2")
    assert again.built == ["ec2"]


def test_paginate_stops_on_a_repeated_token(no_backoff_sleep):
    ec2, stubber = _stubbed_ec2()
    stubber.add_response("describe_flow_logs", {"FlowLogs": [{"FlowLogId": "fl-1"}], "NextToken": "same"})
    stubber.add_response("describe_flow_logs", {"FlowLogs": [], "NextToken": "same"}, {"NextToken": "same"})
    with stubber:
        assert paginate(wrap_client(ec2).describe_flow_logs, "FlowLogs") == [{"FlowLogId": "fl-1"}]
    stubber.assert_no_pending_responses()


def test_paginate_follows_a_token_spelled_otherwise(no_backoff_sleep):
    logs = boto3.client("logs", region_name="us-west-2", aws_access_key_id="x", aws_secret_access_key="x")
    stubber = Stubber(logs)
    page = {"filterName": "a", "logGroupName": "/g"}
    stubber.add_response(
        "describe_metric_filters", {"metricFilters": [page], "nextToken": "n1"}, {"logGroupName": "/g"}
    )
    stubber.add_response(
        "describe_metric_filters",
        {"metricFilters": [{**page, "filterName": "b"}]},
        {"logGroupName": "/g", "nextToken": "n1"},
    )
    with stubber:
        found = paginate(
            wrap_client(logs).describe_metric_filters, "metricFilters", token_key="nextToken", logGroupName="/g"
        )
    stubber.assert_no_pending_responses()
    assert [f["filterName"] for f in found] == ["a", "b"]


def test_chunks_split_at_the_batch_limit():
    assert list(chunks(list(range(5)), 2)) == [[0, 1], [2, 3], [4]]
    assert list(chunks([], 100)) == []


def test_share_botocore_loader_makes_sessions_reuse_the_parsed_models():
    import boto3
    import botocore.session
    from ansible_collections.ecap.platform.plugins.module_utils import common

    assert common.share_botocore_loader() is False, "importing module_utils.common installs it already"
    first, second = botocore.session.Session(), botocore.session.Session()
    assert first.get_component("data_loader") is second.get_component("data_loader")
    model = first.get_component("data_loader").load_service_model("sts", "service-2")
    assert second.get_component("data_loader").load_service_model("sts", "service-2") is model
    # The clients of two sessions still work on their own (region, credentials, endpoint are per session).
    a = boto3.session.Session(region_name="us-west-2", aws_access_key_id="a", aws_secret_access_key="a")
    b = boto3.session.Session(region_name="eu-west-1", aws_access_key_id="b", aws_secret_access_key="b")
    assert a.client("sts").meta.region_name == "us-west-2" and b.client("sts").meta.region_name == "eu-west-1"
