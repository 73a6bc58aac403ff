"""The EKS bearer token: for a fixed clock and credentials it equals what botocore's own
``RequestSigner.generate_presigned_url`` makes of a GetCallerIdentity GET with the
``x-k8s-aws-id`` header (the reference is built here independently, with the signer and a
``before-sign`` hook as aws-cli adds the header), and it has the shape EKS's authenticator checks."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import boto3
import botocore.auth
import botocore.session
import pytest
from ansible_collections.ecap.platform.plugins.module_utils import eks_token
from ansible_collections.ecap.platform.plugins.module_utils.eks_token import (
    TokenError,
    decode_token,
    get_token,
    inspect_token,
    reusable,
    token_seconds_left,
)
from botocore.exceptions import NoCredentialsError
from botocore.signers import RequestSigner

FIXED = datetime(2025, 6, 1, 12, 0, 0, tzinfo=UTC)
CREDENTIALS = {"aws_access_key_id": "AKIDEXAMPLE", "aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
CLUSTER = "ecap-dev-eks"


@pytest.fixture
def clock(monkeypatch):
    """Freeze the time botocore signs with (``X-Amz-Date``)."""
    moment = {"now": FIXED}
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: moment["now"].replace(tzinfo=None))
    return moment


@pytest.fixture
def session(aws_credentials):
    return boto3.session.Session(region_name="us-west-2", **CREDENTIALS)


def reference_url(region: str, cluster: str, endpoint: str | None = None) -> str:
    """botocore's signer, fed by hand: the request aws-cli's STSClientFactory ends up signing."""
    core = botocore.session.Session()
    core.set_credentials(CREDENTIALS["aws_access_key_id"], CREDENTIALS["aws_secret_access_key"])
    events = core.get_component("event_emitter")

    def add_header(request, **_):
        request.headers["x-k8s-aws-id"] = cluster

    events.register("before-sign.sts.GetCallerIdentity", add_header)
    signer = RequestSigner(botocore.model.ServiceId("STS"), region, "sts", "v4", core.get_credentials(), events)
    url = endpoint or f"https://sts.{region}.amazonaws.com"
    request = {
        "url_path": "/",
        "query_string": "",
        "method": "GET",
        "headers": {},
        "body": {"Action": "GetCallerIdentity", "Version": "2011-06-15"},
        "url": f"{url}/",
        "context": {},
    }
    return signer.generate_presigned_url(request, region_name=region, expires_in=60, operation_name="GetCallerIdentity")


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_token_equals_botocore_presigned_url(session, clock):
    token = get_token(session, CLUSTER, "us-west-2")["token"]
    expected = reference_url("us-west-2", CLUSTER)
    assert decode_token(token) == expected
    assert token == "k8s-aws-v1." + base64.urlsafe_b64encode(expected.encode()).decode().rstrip("=")


def test_token_shape_is_what_eks_checks(session, clock):
    result = get_token(session, CLUSTER, "us-west-2")
    token = result["token"]
    assert token.startswith("k8s-aws-v1.")
    payload = token[len("k8s-aws-v1.") :]
    assert "=" not in payload and "+" not in payload and "/" not in payload  # base64url, no padding
    url = decode_token(token)
    assert url.startswith("https://sts.us-west-2.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&")
    params = query(url)
    assert params["X-Amz-Expires"] == "60"
    assert params["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    assert params["X-Amz-Date"] == "20250601T120000Z"
    assert params["X-Amz-Credential"] == "AKIDEXAMPLE/20250601/us-west-2/sts/aws4_request"
    assert "x-k8s-aws-id" in params["X-Amz-SignedHeaders"].split(";")
    # Only the parameters aws-iam-authenticator allows.
    allowed = {"Action", "Version", "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires"}
    allowed |= {"X-Amz-Security-Token", "X-Amz-Signature", "X-Amz-SignedHeaders"}
    assert set(params) <= allowed
    assert len(token) <= 4096
    # Reported as aws eks get-token reports it: 14 minutes after signing.
    assert result["expiration"] == "2025-06-01T12:14:00Z"


def test_the_cluster_name_is_signed_in(session, clock):
    first = query(decode_token(get_token(session, CLUSTER, "us-west-2")["token"]))
    other = query(decode_token(get_token(session, "ecap-prod-eks", "us-west-2")["token"]))
    assert first["X-Amz-Signature"] != other["X-Amz-Signature"]
    assert decode_token(get_token(session, "ecap-prod-eks", "us-west-2")["token"]) == reference_url(
        "us-west-2", "ecap-prod-eks"
    )


def test_session_token_is_carried(aws_credentials, clock):
    session = boto3.session.Session(region_name="us-west-2", aws_session_token="FQoGZXIvYXdzEXAMPLE", **CREDENTIALS)
    params = query(decode_token(get_token(session, CLUSTER, "us-west-2")["token"]))
    assert params["X-Amz-Security-Token"] == "FQoGZXIvYXdzEXAMPLE"


def test_regional_endpoint_of_other_regions(session, clock):
    url = decode_token(get_token(session, CLUSTER, "eu-central-1")["token"])
    assert url == reference_url("eu-central-1", CLUSTER)
    assert urlsplit(url).netloc == "sts.eu-central-1.amazonaws.com"


def test_endpoint_override_is_honoured(session, clock, monkeypatch):
    url = decode_token(get_token(session, CLUSTER, "us-west-2", endpoint_url="http://127.0.0.1:4566")["token"])
    assert url.startswith("http://127.0.0.1:4566/?Action=GetCallerIdentity&Version=2011-06-15&")
    assert url == reference_url("us-west-2", CLUSTER, endpoint="http://127.0.0.1:4566")
    # AWS_ENDPOINT_URL, as boto3 honours it, reaches the token too.
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4599")
    fresh = boto3.session.Session(region_name="us-west-2", **CREDENTIALS)
    assert decode_token(get_token(fresh, CLUSTER, "us-west-2")["token"]).startswith("http://127.0.0.1:4599/?")


def test_client_factory_botocore_session_and_client(session, clock):
    expected = reference_url("us-west-2", CLUSTER)
    sts = session.client("sts")
    assert decode_token(get_token(lambda service: session.client(service), CLUSTER, "us-west-2")["token"]) == expected
    assert decode_token(get_token(sts, CLUSTER, "us-west-2")["token"]) == expected
    assert decode_token(get_token(sts, CLUSTER, "us-west-2")["token"]) == expected  # handlers registered once
    core = botocore.session.Session()
    core.set_credentials(CREDENTIALS["aws_access_key_id"], CREDENTIALS["aws_secret_access_key"])
    assert decode_token(get_token(core, CLUSTER, "us-west-2")["token"]) == expected
    # A plain GetCallerIdentity presign on the same client is not affected by the handlers.
    plain = sts.generate_presigned_url("get_caller_identity", ExpiresIn=60, HttpMethod="GET")
    assert query(plain)["X-Amz-SignedHeaders"] == "host"


def test_refusals(session, aws_credentials, monkeypatch):
    with pytest.raises(ValueError, match="cluster_name"):
        get_token(session, "", "us-west-2")
    with pytest.raises(ValueError, match="expires_in"):
        get_token(session, CLUSTER, "us-west-2", expires_in=901)
    with pytest.raises(ValueError, match="region"):
        get_token(session.client("sts", region_name="eu-west-1"), CLUSTER, "us-west-2")
    with pytest.raises(TypeError):
        get_token(lambda service: session.client("s3"), CLUSTER, "us-west-2")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with pytest.raises(NoCredentialsError):
        get_token(boto3.session.Session(region_name="us-west-2"), CLUSTER, "us-west-2")


def test_decode_refuses_what_is_not_a_token():
    with pytest.raises(TokenError, match="k8s-aws-v1"):
        decode_token("eyJhbGciOi.something")
    with pytest.raises(TokenError):
        decode_token("k8s-aws-v1.!!!not-base64")
    with pytest.raises(TokenError, match="URL"):
        decode_token(eks_token.encode_url("no url here"))
    with pytest.raises(TokenError, match="longer"):
        decode_token(eks_token.encode_url("https://sts.amazonaws.com/?" + "a" * 4000))


def test_inspect_reuse_and_expiry(session, clock):
    token = get_token(session, CLUSTER, "us-west-2")["token"]
    info = inspect_token(token)
    assert info.host == "sts.us-west-2.amazonaws.com"
    assert info.action == "GetCallerIdentity" and info.names_cluster
    assert info.access_key_id == "AKIDEXAMPLE" and info.region == "us-west-2" and info.url_expires_in == 60
    assert info.signed_at == FIXED
    assert token_seconds_left(token, FIXED) == 14 * 60
    assert token_seconds_left("garbage", FIXED) == 0

    clock["now"] = FIXED.replace(minute=5)
    later = get_token(session, CLUSTER, "us-west-2")["token"]
    assert later != token
    # Five minutes in, nine are left: kept for a 300 s margin, not for a 600 s one.
    assert reusable(token, later, 300, now=FIXED.replace(minute=5))
    assert not reusable(token, later, 600, now=FIXED.replace(minute=5))
    assert not reusable(token, later, 0, now=FIXED.replace(minute=15))
    assert not reusable(None, later, 300, now=FIXED)
    assert not reusable("k8s-aws-v1.garbage", later, 300, now=FIXED)
    # Another identity (access key) or region: never reused.
    other = boto3.session.Session(region_name="us-west-2", aws_access_key_id="AKIDOTHER", aws_secret_access_key="x")
    assert not reusable(token, get_token(other, CLUSTER, "us-west-2")["token"], 0, now=FIXED)
    assert not reusable(token, get_token(session, CLUSTER, "us-east-1")["token"], 0, now=FIXED)


def test_exec_credential_and_mask(session, clock):
    token = get_token(session, CLUSTER, "us-west-2")
    credential = eks_token.exec_credential(token)
    assert credential == {
        "kind": "ExecCredential",
        "apiVersion": "client.authentication.k8s.io/v1beta1",
        "spec": {},
        "status": {"expirationTimestamp": "2025-06-01T12:14:00Z", "token": token["token"]},
    }
    text = f"token: {token['token']}\nother: kept\n"
    assert eks_token.mask(text) == "token: k8s-aws-v1.**MASKED**\nother: kept\n"
