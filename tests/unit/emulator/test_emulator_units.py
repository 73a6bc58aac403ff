"""Pure logic of the emulator: classifier, request identification, faults, lifecycles (no server)."""

from __future__ import annotations

import io

import botocore.session
import pytest
from botocore.awsrequest import HeadersDict
from botocore.parsers import create_parser

from emulator import lifecycle
from emulator.faults import FaultConfig, FaultInjector, render_error
from emulator.lifecycle import Lifecycle, LifecycleConfig, parse_overrides
from emulator.middleware import identify, is_mutating, rest_operation, service_from_environ


@pytest.mark.parametrize(
    ("operation", "mutating"),
    [
        ("DescribeVpcs", False),
        ("GetCallerIdentity", False),
        ("ListTagsForResource", False),
        ("HeadBucket", False),
        ("LookupEvents", False),
        ("SearchResources", False),
        ("CheckIfPhoneNumberIsOptedOut", False),
        ("ValidateTemplate", False),
        ("Decrypt", False),
        ("CreateVpc", True),
        ("PutRetentionPolicy", True),
        ("TagResource", True),
        ("ScheduleKeyDeletion", True),
        ("Unknown", True),
    ],
)
def test_is_mutating(operation: str, mutating: bool) -> None:
    assert is_mutating(operation) is mutating


def _environ(method: str = "POST", path: str = "/", service: str = "ec2", **extra: str) -> dict:
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "HTTP_AUTHORIZATION": (
            f"AWS4-HMAC-SHA256 Credential=testing/20250101/us-west-2/{service}/aws4_request, "
            "SignedHeaders=host;x-amz-date, Signature=abc"
        ),
        "wsgi.input": io.BytesIO(b""),
    }
    environ.update(extra)
    return environ


def test_identify_json_query_ec2_and_rest() -> None:
    kms = identify(
        _environ(service="kms", HTTP_X_AMZ_TARGET="TrentService.CreateKey", CONTENT_TYPE="application/x-amz-json-1.1")
    )
    assert (kms.service, kms.operation, kms.protocol) == ("kms", "CreateKey", "json")

    body = b"Action=DescribeVpcs&Version=2016-11-15"
    environ = _environ(
        service="ec2",
        CONTENT_TYPE="application/x-www-form-urlencoded; charset=utf-8",
        CONTENT_LENGTH=str(len(body)),
        **{"wsgi.input": io.BytesIO(body)},
    )
    ec2 = identify(environ)
    assert (ec2.service, ec2.operation, ec2.protocol) == ("ec2", "DescribeVpcs", "ec2")
    assert environ["wsgi.input"].read() == body, "the body must stay readable for moto"

    iam = identify(_environ(method="GET", service="iam", QUERY_STRING="Action=ListRoles&Version=2010-05-08"))
    assert (iam.operation, iam.protocol) == ("ListRoles", "query")

    eks = identify(_environ(method="POST", path="/clusters/c1/node-groups", service="eks"))
    assert (eks.operation, eks.protocol) == ("CreateNodegroup", "rest-json")


def test_identify_matches_the_encoded_path() -> None:
    """An ARN label travels percent-encoded: matched on the raw path, it stays one segment."""
    arn = "arn:aws:kafka:us-west-2:123456789012:cluster/msk/1a2b"
    encoded = arn.replace(":", "%3A").replace("/", "%2F")
    environ = _environ(method="GET", path=f"/v1/clusters/{arn}/topics/orders", service="kafka")
    assert identify(environ).operation == "DescribeCluster", "the decoded PATH_INFO alone is ambiguous"
    environ["RAW_URI"] = f"/v1/clusters/{encoded}/topics/orders"
    assert identify(environ).operation == "DescribeTopic"
    environ["RAW_URI"] = f"/v1/clusters/{encoded}?x=1"
    assert identify(environ).operation == "DescribeCluster"
    control = _environ(
        method="GET", path="/v20180820/configuration/publicAccessBlock", service="s3", HTTP_X_AMZ_ACCOUNT_ID="1"
    )
    assert identify(control).operation == "GetPublicAccessBlock", "S3 Control signs as s3"


@pytest.mark.parametrize(
    ("service", "method", "path", "query", "headers", "operation"),
    [
        ("eks", "GET", "/clusters/c1", {}, {}, "DescribeCluster"),
        ("eks", "GET", "/clusters/c1/node-groups/ng1", {}, {}, "DescribeNodegroup"),
        ("eks", "POST", "/clusters/c1/node-groups/ng1/update-config", {}, {}, "UpdateNodegroupConfig"),
        ("eks", "POST", "/tags/arn:aws:eks:us-west-2:123456789012:cluster/c1", {}, {}, "TagResource"),
        ("kafka", "GET", "/v1/clusters", {}, {}, "ListClusters"),
        ("s3", "GET", "/", {}, {}, "ListBuckets"),
        ("s3", "PUT", "/bucket", {}, {}, "CreateBucket"),
        ("s3", "GET", "/bucket", {"list-type": ["2"]}, {}, "ListObjectsV2"),
        ("s3", "GET", "/bucket", {}, {}, "ListObjects"),
        ("s3", "PUT", "/bucket", {"tagging": [""]}, {}, "PutBucketTagging"),
        ("s3", "HEAD", "/bucket", {}, {}, "HeadBucket"),
        ("s3", "GET", "/bucket", {"inventory": [""]}, {}, "ListBucketInventoryConfigurations"),
        ("s3", "GET", "/bucket", {"inventory": [""], "id": ["i1"]}, {}, "GetBucketInventoryConfiguration"),
        ("s3", "PUT", "/bucket/k", {"partNumber": ["1"], "uploadId": ["u"]}, {}, "UploadPart"),
        ("s3", "PUT", "/bucket/a/b.txt", {}, {}, "PutObject"),
        ("s3", "PUT", "/bucket/a/b.txt", {}, {"HTTP_X_AMZ_COPY_SOURCE": "/b/k"}, "CopyObject"),
        # The same request as the deprecated GetBucketLifecycle / GetBucketNotification: the current name.
        ("s3", "GET", "/bucket", {"lifecycle": [""]}, {}, "GetBucketLifecycleConfiguration"),
        ("s3", "PUT", "/bucket", {"lifecycle": [""]}, {}, "PutBucketLifecycleConfiguration"),
        ("s3", "GET", "/bucket", {"notification": [""]}, {}, "GetBucketNotificationConfiguration"),
        ("logs", "GET", "/nowhere", {}, {}, "Unknown"),
    ],
)
def test_rest_operation(service, method, path, query, headers, operation) -> None:
    assert rest_operation(service, method, path, query, headers) == operation


def test_service_from_host_without_signature() -> None:
    assert service_from_environ({"HTTP_HOST": "ec2.us-west-2.amazonaws.com"}) == "ec2"
    assert service_from_environ({"HTTP_HOST": "bucket.s3.amazonaws.com"}) == "s3"
    assert (
        service_from_environ({"QUERY_STRING": "X-Amz-Credential=AK%2F20250101%2Fus-west-2%2Fs3%2Faws4_request"}) == "s3"
    )
    assert service_from_environ({"HTTP_HOST": "127.0.0.1:4566"}) == "unknown"


# --- faults -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "operation", "kind", "status", "code"),
    [
        ("ec2", "DescribeVpcs", "throttle", 503, "RequestLimitExceeded"),
        ("ec2", "DescribeVpcs", "server_error", 500, "InternalError"),
        ("iam", "ListRoles", "throttle", 400, "Throttling"),
        ("iam", "ListRoles", "unavailable", 503, "ServiceUnavailable"),
        ("kms", "ListKeys", "throttle", 400, "ThrottlingException"),
        ("kms", "ListKeys", "server_error", 500, "InternalFailure"),
        ("eks", "ListClusters", "throttle", 429, "ThrottlingException"),
        ("s3", "ListBuckets", "throttle", 503, "SlowDown"),
        ("s3", "ListBuckets", "server_error", 500, "InternalError"),
    ],
)
def test_rendered_errors_parse_as_aws_errors(service, operation, kind, status, code) -> None:
    """botocore's own parser reads the rendered error as the real code."""
    model = botocore.session.get_session().get_service_model(service)
    protocol = model.resolved_protocol
    got_status, headers, body = render_error(protocol, kind)
    parser = create_parser(protocol)
    response = {"status_code": got_status, "headers": HeadersDict(headers), "body": body}
    parsed = parser.parse(response, model.operation_model(operation).output_shape)
    assert got_status == status
    assert parsed["Error"]["Code"] == code


def test_fault_config_parsing_and_errors() -> None:
    config = FaultConfig.load('{"seed": 3, "rules": [{"service": "*", "rate": 0.5, "kind": "throttle"}]}', seed=9)
    assert config.seed == 9
    assert config.to_dict()["rules"] == [{"service": "*", "kind": "throttle", "rate": 0.5}]
    for bad in (
        {"rules": [{"rate": 0.1}]},
        {"rules": [{"rate": 2, "kind": "throttle"}]},
        {"rules": [{"kind": "explode", "rate": 0.1}]},
        {"rules": [{"servce": "ec2"}]},
        {"sed": 1},
    ):
        with pytest.raises(ValueError):
            FaultConfig.from_dict(bad)


def test_fault_injection_is_repeatable_per_seed() -> None:
    config = {"rules": [{"service": "ec2", "rate": 0.3, "kind": "throttle"}, {"service": "*", "latency_ms": 5}]}

    def picks(seed: int) -> list[str | None]:
        injector = FaultInjector(FaultConfig.from_dict({**config, "seed": seed}))
        return [injector.pick("ec2", "DescribeVpcs") for _ in range(50)]

    assert picks(7) == picks(7)
    assert picks(7) != picks(8)
    assert 5 < picks(7).count("throttle") < 30
    injector = FaultInjector(FaultConfig.from_dict({**config, "seed": 1}))
    assert injector.pick("kms", "ListKeys") is None
    assert injector.latency_seconds("kms", "ListKeys") == pytest.approx(0.005)


def test_operation_scoped_rules() -> None:
    injector = FaultInjector(
        FaultConfig.from_dict(
            {"rules": [{"service": "ec2", "operation": ["CreateVpc"], "rate": 1, "kind": "throttle"}]}
        )
    )
    assert injector.pick("ec2", "CreateVpc") == "throttle"
    assert injector.pick("ec2", "DescribeVpcs") is None


# --- lifecycle ----------------------------------------------------------------------------------


def test_profiles_and_overrides() -> None:
    scaled = LifecycleConfig("scaled")
    assert scaled.duration("nat_gateway", "create") == 4
    assert scaled.duration("nat_gateway", "delete") == 2
    assert scaled.duration("kafka_cluster", "create") == 50
    assert scaled.duration("rds_instance_multi_az", "create") == 30
    assert LifecycleConfig("instant").duration("eks_cluster", "create") == 0
    overrides = parse_overrides(["nat_gateway=5", "eks_cluster.create=10"])
    assert overrides == {"nat_gateway": {"create": 5, "delete": 5}, "eks_cluster": {"create": 10}}
    config = LifecycleConfig("scaled", overrides)
    assert config.duration("eks_cluster", "create") == 10
    assert config.duration("eks_cluster", "delete") == 10  # 300 / 30
    assert LifecycleConfig.from_dict({"durations": {}}, base=config).overrides == {}
    assert LifecycleConfig.from_dict({"profile": "instant"}, base=config).overrides == overrides
    for bad in (["nat_gateway"], ["nat_gateway=-1"], ["nat_gateway.start=1"], ["x=abc"]):
        with pytest.raises(ValueError):
            parse_overrides(bad)
    with pytest.raises(ValueError):
        LifecycleConfig("fast")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(lifecycle, "clock", fake)
    monkeypatch.setattr(lifecycle, "_config", LifecycleConfig("instant", {"eks_cluster": {"create": 10, "delete": 5}}))
    return fake


def test_lifecycle_states_over_time(clock: FakeClock) -> None:
    events: list[str] = []
    lc = Lifecycle.begin(
        "eks_cluster",
        creating="CREATING",
        ready="ACTIVE",
        deleting="DELETING",
        deleted=None,
        on_ready=lambda: events.append("ready"),
        on_deleted=lambda: events.append("deleted"),
    )
    assert lc.state == "CREATING"
    clock.now += 9.9
    assert lc.state == "CREATING" and events == []
    clock.now += 0.1
    assert lc.state == "ACTIVE" and lc.state == "ACTIVE"
    assert events == ["ready"]
    lc.delete()
    clock.now += 1
    lc.delete()  # a second delete keeps the first start
    assert lc.state == "DELETING" and not lc.gone
    clock.now += 4
    assert lc.state is None and lc.gone
    assert events == ["ready", "deleted"]


def test_lifecycle_instant_and_retention(clock: FakeClock) -> None:
    lc = Lifecycle.begin("nat_gateway", retain_deleted=3600)
    assert lc.creating == "pending" and lc.state == "available"
    lc.delete()
    assert lc.state == "deleted" and not lc.gone
    clock.now += 3600
    assert lc.expired and lc.gone


def test_fault_config_from_a_file(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from emulator.control import serve_args

    (tmp_path / "faults.json").write_text('{"seed": 4, "rules": [{"service": "ec2", "latency_ms": 10}]}')
    monkeypatch.chdir(tmp_path)
    assert FaultConfig.load("faults.json").to_dict() == {"seed": 4, "rules": [{"service": "ec2", "latency_ms": 10.0}]}
    args = serve_args(4566, faults="faults.json", durations={"nat_gateway": 5, "eks_cluster": {"create": 20}})
    assert args[args.index("--faults") + 1] == str(tmp_path / "faults.json"), "the server runs elsewhere"
    assert [args[i + 1] for i, a in enumerate(args) if a == "--duration"] == ["nat_gateway=5", "eks_cluster.create=20"]
