"""The middleware against a live emulator: control API, counters, reset, faults per protocol, latency."""

from __future__ import annotations

import time
import types
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from botocore.retries import standard

from emulator.control import EmulatorError, request, running

#: One attempt, no retry (botocore's ``max_attempts`` counts retries, ``total_max_attempts`` attempts).
NO_RETRY = {"retries": {"total_max_attempts": 1, "mode": "standard"}}

#: service → a cheap call that reaches it.
CALLS: dict[str, Callable[[Any], Any]] = {
    "ec2": lambda c: c.describe_vpcs(),
    "iam": lambda c: c.list_roles(),
    "sts": lambda c: c.get_caller_identity(),
    "kms": lambda c: c.list_keys(),
    "logs": lambda c: c.describe_log_groups(),
    "eks": lambda c: c.list_clusters(),
    "s3": lambda c: c.list_buckets(),
    "kafka": lambda c: c.list_clusters_v2(),
    "sns": lambda c: c.list_topics(),
}


@pytest.fixture(scope="module")
def emulator():
    """Started with every ``serve`` option, which the first checks read back."""
    faults = {"seed": 5, "rules": [{"service": "sts", "latency_ms": 1}]}
    with running(
        quiet=True, profile="scaled", durations={"nat_gateway": 1, "eks_cluster.create": 7}, faults=faults, seed=11
    ) as emu:
        assert emu.faults() == {"seed": 11, "rules": [{"service": "sts", "latency_ms": 1.0}]}
        config = emu.config()
        assert config["profile"] == "scaled"
        assert config["durations"]["nat_gateway"] == {"create": 1.0, "delete": 1.0}
        assert config["durations"]["eks_cluster"] == {"create": 7.0, "delete": 10.0}
        emu.set_config(profile="instant", durations={})
        yield emu


@pytest.fixture(autouse=True)
def clean(emulator):
    emulator.set_faults()
    emulator.reset_counters()
    yield
    emulator.set_faults()


def test_health_info_and_unknown_endpoint(emulator) -> None:
    assert request(emulator.port, "/_emulator/health") == {"status": "ok"}
    info = emulator.info()
    assert info["pid"] == emulator.pid and info["moto_version"] == "5.2.5"
    names = {e["name"] for e in info["extensions"]}
    assert {"kms.key_arn_identifiers", "ec2.nat_gateway_lifecycle", "ec2.describe_tags_resource_types"} <= names
    with pytest.raises(EmulatorError, match="HTTP 404"):
        request(emulator.port, "/_emulator/nothing")
    with pytest.raises(EmulatorError, match="HTTP 400"):
        request(emulator.port, "/_emulator/faults", body={"rules": [{"kind": "bad", "rate": 1}]})


def test_counters_per_service_and_operation(emulator, aws) -> None:
    ec2, kms, s3 = aws("ec2"), aws("kms"), aws("s3")
    ec2.create_vpc(CidrBlock="10.1.0.0/16")
    ec2.describe_vpcs()
    ec2.describe_vpcs()
    kms.create_key(Description="counted")
    s3.create_bucket(Bucket="counted-bucket", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    s3.list_objects_v2(Bucket="counted-bucket")
    request(emulator.port, "/_emulator/health")  # control calls are not counted
    emulator.counters()
    counters = emulator.counters()
    assert counters["services"] == {
        "ec2": {"CreateVpc": 1, "DescribeVpcs": 2},
        "kms": {"CreateKey": 1},
        "s3": {"CreateBucket": 1, "ListObjectsV2": 1},
    }
    assert counters["total"] == 6
    assert counters["mutating"] == 3
    assert counters["faults_injected"] == {}
    assert emulator.reset_counters()["total"] == 0


def test_counters_name_rest_operations_whose_labels_are_arns(emulator, aws) -> None:
    # DescribeTopic's ClusterArn label holds slashes (encoded %2F on the wire): not a DescribeCluster.
    kafka = aws("kafka")
    arn = kafka.create_cluster(
        ClusterName="counted",
        KafkaVersion="3.6.0",
        NumberOfBrokerNodes=2,
        BrokerNodeGroupInfo={"ClientSubnets": ["subnet-a", "subnet-b"], "InstanceType": "kafka.t3.small"},
    )["ClusterArn"]
    kafka.create_topic(ClusterArn=arn, TopicName="orders", PartitionCount=1, ReplicationFactor=2)
    emulator.reset_counters()
    kafka.describe_topic(ClusterArn=arn, TopicName="orders")
    kafka.describe_cluster(ClusterArn=arn)
    assert emulator.counters()["services"] == {"kafka": {"DescribeCluster": 1, "DescribeTopic": 1}}


def test_reset_clears_moto_state_and_counters(emulator, aws) -> None:
    logs = aws("logs")
    logs.create_log_group(logGroupName="/reset/me")
    emulator.reset()
    assert logs.describe_log_groups(logGroupNamePrefix="/reset")["logGroups"] == []
    assert emulator.counters()["services"] == {"logs": {"DescribeLogGroups": 1}}, "moto-api calls are not counted"


@pytest.mark.parametrize(
    ("service", "status", "code"),
    [
        ("ec2", 503, "RequestLimitExceeded"),
        ("iam", 400, "Throttling"),
        ("sts", 400, "Throttling"),
        ("kms", 400, "ThrottlingException"),
        ("logs", 400, "ThrottlingException"),
        ("eks", 429, "ThrottlingException"),
        ("s3", 503, "SlowDown"),
        ("kafka", 429, "TooManyRequestsException"),
        ("sns", 429, "Throttled"),
    ],
)
def test_throttling_has_each_services_code_and_is_retryable(emulator, aws, monkeypatch, service, status, code) -> None:
    monkeypatch.setattr(time, "sleep", lambda seconds: None)  # botocore's back-off between attempts
    emulator.set_faults(seed=1, rules=[{"service": service, "rate": 1.0, "kind": "throttle"}])
    client = aws(service, retries={"max_attempts": 1})  # boto3's default (legacy) retry mode, one retry
    with pytest.raises(ClientError) as caught:
        CALLS[service](client)
    response = caught.value.response
    assert response["ResponseMetadata"]["RetryAttempts"] == 1, "botocore retried it: a retryable error"
    assert response["Error"]["Code"] == code
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status
    if service == "eks":
        assert response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"].startswith("ThrottlingException")
    if service in ("kms", "logs"):
        assert response["ResponseMetadata"]["HTTPHeaders"]["content-type"] == "application/x-amz-json-1.1"
    # botocore's standard retry mode sees a throttle, not just any error.
    context = standard.RetryContext(
        attempt_number=1,
        parsed_response=response,
        http_response=types.SimpleNamespace(status_code=status),
    )
    if code != "Throttled":  # SNS's code: botocore's legacy mode retries its 429, the standard mode does not
        assert standard.ThrottledRetryableChecker().is_retryable(context)
    assert emulator.counters()["faults_injected"] == {service: {code: 2}}
    assert emulator.counters()["faults_retried"] == {service: {code: 1}}, "the second request repeated the first"


@pytest.mark.parametrize(
    ("service", "kind", "status", "code"),
    [
        ("ec2", "server_error", 500, "InternalError"),
        ("ec2", "unavailable", 503, "Unavailable"),
        ("iam", "server_error", 500, "InternalFailure"),
        ("kms", "server_error", 500, "InternalFailure"),
        ("kms", "unavailable", 503, "ServiceUnavailable"),
        ("eks", "server_error", 500, "InternalFailure"),
        ("s3", "server_error", 500, "InternalError"),
        ("s3", "unavailable", 503, "ServiceUnavailable"),
    ],
)
def test_server_errors_per_protocol(emulator, aws, service, kind, status, code) -> None:
    emulator.set_faults(rules=[{"service": service, "rate": 1.0, "kind": kind}])
    with pytest.raises(ClientError) as caught:
        CALLS[service](aws(service, **NO_RETRY))
    assert caught.value.response["Error"]["Code"] == code
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    context = standard.RetryContext(attempt_number=1, http_response=types.SimpleNamespace(status_code=status))
    assert standard.TransientRetryableChecker().is_retryable(context)


def test_default_retry_recovers_from_injected_throttling(emulator, aws, monkeypatch) -> None:
    """boto3's default (legacy) retry handler retries the throttles and succeeds."""
    monkeypatch.setattr(time, "sleep", lambda seconds: None)  # botocore sleeps between attempts
    emulator.set_faults(seed=3, rules=[{"service": "kms", "rate": 0.5, "kind": "throttle"}])
    kms = aws("kms", retries={"max_attempts": 10})
    attempts = 0
    for _ in range(10):
        attempts += 1 + kms.list_keys()["ResponseMetadata"]["RetryAttempts"]
    counters = emulator.counters()
    assert counters["services"]["kms"]["ListKeys"] == attempts > 10
    assert counters["faults_injected"]["kms"]["ThrottlingException"] == attempts - 10
    assert counters["faults_retried"]["kms"]["ThrottlingException"] == attempts - 10, "every fault was retried"


def _pattern(emulator, aws, seed: int) -> list[bool]:
    emulator.set_faults(seed=seed, rules=[{"service": "sts", "rate": 0.5, "kind": "throttle"}])
    sts = aws("sts", **NO_RETRY)
    outcome = []
    for _ in range(16):
        try:
            sts.get_caller_identity()
            outcome.append(True)
        except ClientError:
            outcome.append(False)
    return outcome


def test_faults_are_repeatable_per_seed(emulator, aws) -> None:
    first = _pattern(emulator, aws, 7)
    assert _pattern(emulator, aws, 7) == first
    assert _pattern(emulator, aws, 8) != first
    assert 0 < first.count(False) < 16
    assert emulator.faults() == {"seed": 8, "rules": [{"service": "sts", "kind": "throttle", "rate": 0.5}]}


def test_latency_per_service(emulator, aws) -> None:
    sts, kms = aws("sts"), aws("kms")
    sts.get_caller_identity()
    kms.list_keys()
    emulator.set_faults(rules=[{"service": "sts", "latency_ms": 300}])
    started = time.monotonic()
    sts.get_caller_identity()
    slow = time.monotonic() - started
    started = time.monotonic()
    kms.list_keys()
    fast = time.monotonic() - started
    assert slow >= 0.3
    assert fast < 0.3


def test_lifecycle_config_endpoint(emulator) -> None:
    assert emulator.config()["profile"] == "instant"
    config = emulator.set_config(profile="scaled", durations={"nat_gateway": 5})
    assert config["durations"]["nat_gateway"] == {"create": 5.0, "delete": 5.0}
    assert config["durations"]["eks_cluster"] == {"create": 20.0, "delete": 10.0}
    config = emulator.set_config(profile="instant", durations={})
    assert config["overrides"] == {} and config["durations"]["nat_gateway"] == {"create": 0.0, "delete": 0.0}
    with pytest.raises(EmulatorError, match="HTTP 400"):
        emulator.set_config(profile="warp")


def test_moto_api_still_answers(emulator) -> None:
    with urllib.request.urlopen(emulator.endpoint + "/moto-api/", timeout=10) as resp:
        assert resp.status == 200 and b"Moto" in resp.read()
    assert emulator.counters()["total"] == 0
