# Copyright: ecap.platform contributors
# MIT License
"""The EKS bearer token: a presigned STS ``GetCallerIdentity`` URL, as ``aws eks get-token`` and
aws-iam-authenticator build it, so that the kubernetes Python client (and kubernetes.core) can
authenticate to an EKS cluster without the aws CLI.

How EKS checks it: the cluster's authenticator decodes the token, checks that it is a
``GetCallerIdentity`` GET on an STS host of the partition whose signed headers include
``x-k8s-aws-id``, sends that request to STS with the header set to the cluster's name, and maps the
identity STS answers to a Kubernetes user (access entries or the aws-auth ConfigMap).

- The token is ``k8s-aws-v1.`` + the URL, base64url-encoded without padding.
- ``x-k8s-aws-id: <cluster name>`` is signed in (a token for one cluster is refused by another);
  the header's value is not in the URL, only its name in ``X-Amz-SignedHeaders``.
- ``X-Amz-Expires`` is 60: STS ignores it and accepts a signed GetCallerIdentity for 15 minutes
  after ``X-Amz-Date``; old authenticators refuse a value above 60. The expiration reported is
  14 minutes after signing, as ``aws eks get-token`` reports it, so clients refresh with a margin.
- The STS endpoint is the client's: regional (``sts.<region>.amazonaws.com``, botocore's default),
  or ``endpoint_url`` / ``AWS_ENDPOINT_URL`` / ``AWS_ENDPOINT_URL_STS`` when set (the emulator).

Signing is local (no API call). Pure boto3/botocore: used by the ``ecap.platform.eks_token`` lookup
and the ``ecap.platform.eks_kubeconfig`` module alike.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, TypedDict
from urllib.parse import parse_qs, urlsplit

TOKEN_PREFIX = "k8s-aws-v1."
CLUSTER_ID_HEADER = "x-k8s-aws-id"
# The presigned URL's X-Amz-Expires (ignored by STS, kept at 60 for old authenticators).
URL_EXPIRES_IN = 60
MAX_URL_EXPIRES_IN = 900
# STS accepts the signed request this long after X-Amz-Date...
TOKEN_LIFETIME = timedelta(minutes=15)
# ...and aws eks get-token reports an expiration one minute earlier (client-go refreshes then).
TOKEN_EXPIRATION = timedelta(minutes=14)
# aws-iam-authenticator refuses longer tokens.
MAX_TOKEN_LENGTH = 4096
SIGV4_DATE_FORMAT = "%Y%m%dT%H%M%SZ"
EXPIRATION_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
MASKED_TOKEN = TOKEN_PREFIX + "**MASKED**"
_TOKEN_PATTERN = re.compile(r"k8s-aws-v1\.[A-Za-z0-9_\-]+")

_PROVIDE_PARAMS_EVENT = "provide-client-params.sts.GetCallerIdentity"
_BEFORE_SIGN_EVENT = "before-sign.sts.GetCallerIdentity"
_HANDLER_ID = "ecap-platform-eks-token"


class EksToken(TypedDict):
    """What :func:`get_token` returns: the bearer token and when to refresh it (ISO 8601 UTC)."""

    token: str
    expiration: str


class _ClientFactory(Protocol):
    def __call__(self, service_name: str) -> Any: ...


class TokenError(ValueError):
    """A token that is not an EKS bearer token (wrong prefix, not base64url, not a presigned STS URL)."""


@dataclass(frozen=True)
class TokenInfo:
    """What a token says about itself (see :func:`inspect_token`)."""

    url: str
    host: str
    action: str | None
    signed_headers: tuple[str, ...]
    access_key_id: str | None
    region: str | None
    signed_at: datetime | None
    url_expires_in: int | None

    @property
    def expiration(self) -> datetime | None:
        """When ``aws eks get-token`` would say the token expires (14 minutes after signing)."""
        return self.signed_at + TOKEN_EXPIRATION if self.signed_at else None

    @property
    def names_cluster(self) -> bool:
        """Whether the ``x-k8s-aws-id`` header is signed in (the token is bound to a cluster)."""
        return CLUSTER_ID_HEADER in self.signed_headers


# --------------------------------------------------------------------------- building


def sts_client(source: Any, region: str | None = None, endpoint_url: str | None = None) -> Any:
    """An STS client from ``source``, ready to presign the token.

    :param source: a ``boto3.session.Session`` (``.client``), a ``botocore.session.Session``
        (``.create_client``), an STS client, or a callable ``factory("sts") -> client`` (for
        example an Ansible module's ``module.client``) that owns region and endpoint.
    :param region: the region of the cluster; required with a session, checked against a client.
    :param endpoint_url: an STS endpoint to use instead of the default (sessions only; a client or
        factory has its own). ``None`` lets botocore honour ``AWS_ENDPOINT_URL``.
    """
    if _is_client(source):
        client = _unwrap(source)
    elif hasattr(source, "client") and hasattr(source, "get_credentials"):  # boto3 session
        if not region and not source.region_name:
            raise ValueError("A region is needed to build the EKS token (the regional STS endpoint).")
        client = source.client("sts", region_name=region or None, endpoint_url=endpoint_url or None)
    elif hasattr(source, "create_client"):  # botocore session
        if not region and not source.get_config_variable("region"):
            raise ValueError("A region is needed to build the EKS token (the regional STS endpoint).")
        client = source.create_client("sts", region_name=region or None, endpoint_url=endpoint_url or None)
    elif callable(source):
        client = _unwrap(source("sts"))
    else:
        raise TypeError(f"Cannot build an STS client from {type(source).__name__}")
    if not _is_client(client) or client.meta.service_model.service_name != "sts":
        raise TypeError("The client factory did not return an STS client")
    if region and client.meta.region_name and client.meta.region_name != region:
        raise ValueError(
            f"The STS client is for region {client.meta.region_name}, the cluster's region is {region}: "
            "sign the token in the cluster's region."
        )
    _register_cluster_id_header(client)
    return client


def get_token(
    session_or_client_factory: Any,
    cluster_name: str,
    region: str | None = None,
    expires_in: int = URL_EXPIRES_IN,
    *,
    endpoint_url: str | None = None,
) -> EksToken:
    """The bearer token of the EKS cluster ``cluster_name`` and its expiration.

    :param session_or_client_factory: see :func:`sts_client`.
    :param cluster_name: the cluster's name (for an Outposts local cluster, its id).
    :param region: the cluster's region.
    :param expires_in: ``X-Amz-Expires`` of the presigned URL (1 to 900; keep 60, see the module doc).
    :param endpoint_url: STS endpoint override (sessions only).
    :return: ``{"token": "k8s-aws-v1....", "expiration": "2025-01-01T00:14:00Z"}``.
    :raises botocore.exceptions.NoCredentialsError: when no credentials can be found.
    """
    if not isinstance(cluster_name, str) or not cluster_name.strip():
        raise ValueError("cluster_name must be the name of the EKS cluster")
    if not 1 <= int(expires_in) <= MAX_URL_EXPIRES_IN:
        raise ValueError(f"expires_in must be 1 to {MAX_URL_EXPIRES_IN} seconds, not {expires_in}")
    client = sts_client(session_or_client_factory, region, endpoint_url)
    url = client.generate_presigned_url(
        "get_caller_identity",
        Params={CLUSTER_ID_HEADER: cluster_name},
        ExpiresIn=int(expires_in),
        HttpMethod="GET",
    )
    token = encode_url(url)
    info = inspect_token(token)
    signed_at = info.signed_at or utcnow()
    return {"token": token, "expiration": format_time(signed_at + TOKEN_EXPIRATION)}


def utcnow() -> datetime:
    """The time tokens are judged by (one place, so tests can move it with botocore's signing clock)."""
    return datetime.now(UTC)


def encode_url(url: str) -> str:
    """``k8s-aws-v1.`` + base64url(url) without padding."""
    return TOKEN_PREFIX + base64.urlsafe_b64encode(url.encode("utf-8")).decode("ascii").rstrip("=")


def format_time(moment: datetime) -> str:
    """RFC 3339 UTC with a ``Z``, seconds precision (what ExecCredential's expirationTimestamp holds)."""
    return moment.astimezone(UTC).strftime(EXPIRATION_FORMAT)


def _is_client(candidate: Any) -> bool:
    inner = _unwrap(candidate)
    return hasattr(inner, "generate_presigned_url") and hasattr(inner, "meta")


def _unwrap(candidate: Any) -> Any:
    """The boto3 client inside amazon.aws's ``RetryingBotoClientWrapper`` (its events are the client's)."""
    inner = getattr(candidate, "client", None)
    if inner is not None and hasattr(inner, "generate_presigned_url") and hasattr(inner, "meta"):
        return inner
    return candidate


def _register_cluster_id_header(client: Any) -> None:
    """Let ``generate_presigned_url('get_caller_identity', Params={'x-k8s-aws-id': name})`` sign the header.

    The parameter is not in STS's model: it is moved to the request context before validation,
    then put in the request's headers just before signing, so it lands in ``X-Amz-SignedHeaders``.
    Registered once per client (unique ids).
    """
    events = client.meta.events
    events.register(_PROVIDE_PARAMS_EVENT, _keep_cluster_id, unique_id=f"{_HANDLER_ID}-params")
    events.register(_BEFORE_SIGN_EVENT, _add_cluster_id_header, unique_id=f"{_HANDLER_ID}-header")


def _keep_cluster_id(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    if CLUSTER_ID_HEADER in params:
        context[CLUSTER_ID_HEADER] = params.pop(CLUSTER_ID_HEADER)


def _add_cluster_id_header(request: Any, **_: Any) -> None:
    cluster_id = request.context.get(CLUSTER_ID_HEADER)
    if cluster_id:
        request.headers[CLUSTER_ID_HEADER] = cluster_id


# --------------------------------------------------------------------------- reading


def decode_token(token: str) -> str:
    """The presigned STS URL inside an EKS bearer token (for tests and troubleshooting).

    :raises TokenError: when ``token`` is not ``k8s-aws-v1.`` + base64url of an URL.
    """
    if not isinstance(token, str) or not token.startswith(TOKEN_PREFIX):
        raise TokenError(f"An EKS token starts with {TOKEN_PREFIX!r}")
    payload = token[len(TOKEN_PREFIX) :]
    if len(token) > MAX_TOKEN_LENGTH:
        raise TokenError(f"The token is longer than {MAX_TOKEN_LENGTH} characters (EKS refuses it)")
    try:
        url = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError) as e:
        raise TokenError(f"The token is not base64url-encoded: {e}") from e
    if not urlsplit(url).netloc:
        raise TokenError("The token does not hold an URL")
    return url


def inspect_token(token: str) -> TokenInfo:
    """Decode ``token`` and read the presigned URL's parameters (nothing is sent anywhere)."""
    url = decode_token(token)
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query, keep_blank_values=True).items()}
    credential = query.get("X-Amz-Credential", "").split("/")
    signed_at = None
    if query.get("X-Amz-Date"):
        try:
            signed_at = datetime.strptime(query["X-Amz-Date"], SIGV4_DATE_FORMAT).replace(tzinfo=UTC)
        except ValueError:
            signed_at = None
    expires = query.get("X-Amz-Expires")
    return TokenInfo(
        url=url,
        host=parts.netloc,
        action=query.get("Action"),
        signed_headers=tuple(h for h in query.get("X-Amz-SignedHeaders", "").split(";") if h),
        access_key_id=credential[0] if credential[0] else None,
        region=credential[2] if len(credential) > 2 else None,
        signed_at=signed_at,
        url_expires_in=int(expires) if expires and expires.isdigit() else None,
    )


def token_seconds_left(token: str, now: datetime | None = None) -> float:
    """Seconds until the token's reported expiration (negative when past; 0 for an unreadable token)."""
    try:
        expiration = inspect_token(token).expiration
    except TokenError:
        return 0.0
    if expiration is None:
        return 0.0
    return (expiration - (now or utcnow())).total_seconds()


def reusable(existing: str | None, fresh: str, min_seconds_left: float, now: datetime | None = None) -> bool:
    """Whether ``existing`` may stand in for ``fresh``: a token for the same STS host, region and
    access key, bound to a cluster, with at least ``min_seconds_left`` of its 14 minutes left.

    (The cluster name is not in the URL; the caller keeps tokens under per-cluster user names.)
    """
    if not existing:
        return False
    try:
        old, new = inspect_token(existing), inspect_token(fresh)
    except TokenError:
        return False
    same = (old.host, old.region, old.access_key_id, old.action) == (
        new.host,
        new.region,
        new.access_key_id,
        new.action,
    )
    return same and old.names_cluster and token_seconds_left(existing, now) >= min_seconds_left


def exec_credential(token: EksToken, api_version: str = "client.authentication.k8s.io/v1beta1") -> dict[str, Any]:
    """The ExecCredential object ``aws eks get-token`` prints for a kubeconfig exec plugin."""
    return {
        "kind": "ExecCredential",
        "apiVersion": api_version,
        "spec": {},
        "status": {"expirationTimestamp": token["expiration"], "token": token["token"]},
    }


def mask(text: str) -> str:
    """``text`` with every EKS token in it replaced by ``k8s-aws-v1.**MASKED**`` (for diffs and logs)."""
    return _TOKEN_PATTERN.sub(MASKED_TOKEN, text)
