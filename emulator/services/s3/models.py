"""S3 backend additions: intelligent-tiering configurations, typed replication configurations.

State lives on moto's ``FakeBucket`` objects, so ``/moto-api/reset`` clears it with the buckets.
"""

from __future__ import annotations

import fnmatch
import json
import threading
from collections.abc import Mapping
from typing import Any

from botocore.parsers import RestXMLParser
from moto.core.common_models import BaseModel
from moto.core.utils import get_service_model
from moto.s3.models import FakeBucket, S3Backend

from emulator.extensions import extension, override

#: AWS limits of the access tiers (https://docs.aws.amazon.com/AmazonS3/latest/API/API_Tiering.html).
TIER_DAYS = {"ARCHIVE_ACCESS": (90, 730), "DEEP_ARCHIVE_ACCESS": (180, 730)}
MAX_TIERING_CONFIGURATIONS = 1000


class S3Error(Exception):
    """An S3 error answered as AWS does (REST-XML body, HTTP status), for codes botocore does not model."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def response(self) -> tuple[int, dict[str, str], str]:
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Error><Code>{self.code}</Code><Message>{self.message}</Message></Error>"
        )
        return self.status, {"content-type": "application/xml"}, body


def parse_payload(shape_name: str, body: bytes | str) -> dict[str, Any]:
    """Parse a REST-XML request payload into the typed dict botocore would build (ints, bools, lists)."""
    if not body:
        raise S3Error(400, "MalformedXML", "The XML you provided was not well-formed or did not validate")
    shape = get_service_model("s3").shape_for(shape_name)
    parser = RestXMLParser()
    try:
        root = parser._parse_xml_string_to_dom(body if isinstance(body, bytes) else body.encode())
        return parser._parse_shape(shape, root)
    except Exception as exc:  # noqa: BLE001 - any parse failure is MalformedXML on AWS
        raise S3Error(400, "MalformedXML", f"The XML you provided was not well-formed: {exc}") from exc


class IntelligentTieringConfiguration(BaseModel):
    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config

    @property
    def id(self) -> str:
        return self.config["Id"]


def validate_tiering(config_id: str | None, config: dict[str, Any]) -> None:
    """The checks AWS makes on PutBucketIntelligentTieringConfiguration."""
    if not config_id:
        raise S3Error(400, "InvalidArgument", "Id is required")
    if config.get("Id") != config_id:
        raise S3Error(400, "InvalidArgument", "The Id in the query string must match the Id in the configuration")
    if config.get("Status") not in ("Enabled", "Disabled"):
        raise S3Error(400, "MalformedXML", "Status must be Enabled or Disabled")
    tierings = config.get("Tierings") or []
    if not tierings:
        raise S3Error(400, "MalformedXML", "At least one Tiering is required")
    seen: dict[str, int] = {}
    for tiering in tierings:
        tier, days = tiering.get("AccessTier"), tiering.get("Days")
        if tier not in TIER_DAYS:
            raise S3Error(400, "MalformedXML", f"Invalid AccessTier {tier!r}")
        low, high = TIER_DAYS[tier]
        if not isinstance(days, int) or not low <= days <= high:
            raise S3Error(400, "InvalidArgument", f"Days for {tier} must be between {low} and {high} (got {days})")
        if tier in seen:
            raise S3Error(400, "InvalidArgument", f"AccessTier {tier} is specified more than once")
        seen[tier] = days
    if len(seen) == 2 and seen["DEEP_ARCHIVE_ACCESS"] <= seen["ARCHIVE_ACCESS"]:
        raise S3Error(400, "InvalidArgument", "Days for DEEP_ARCHIVE_ACCESS must be greater than for ARCHIVE_ACCESS")


def tiering_configurations(bucket: FakeBucket) -> dict[str, IntelligentTieringConfiguration]:
    if not hasattr(bucket, "intelligent_tiering_configurations"):
        bucket.intelligent_tiering_configurations = {}
    return bucket.intelligent_tiering_configurations


def put_bucket_intelligent_tiering_configuration(
    self: S3Backend, bucket_name: str, config_id: str | None, config: dict[str, Any]
) -> None:
    """PutBucketIntelligentTieringConfiguration (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketIntelligentTieringConfiguration.html)."""
    configs = tiering_configurations(self.get_bucket(bucket_name))
    validate_tiering(config_id, config)
    if config_id not in configs and len(configs) >= MAX_TIERING_CONFIGURATIONS:
        raise S3Error(400, "TooManyConfigurations", "The 1,000-configuration limit is reached")
    configs[config_id] = IntelligentTieringConfiguration(config)  # type: ignore[index]


def get_bucket_intelligent_tiering_configuration(self: S3Backend, bucket_name: str, config_id: str) -> dict[str, Any]:
    """GetBucketIntelligentTieringConfiguration; NoSuchConfiguration (404) when the id is unknown."""
    configs = tiering_configurations(self.get_bucket(bucket_name))
    if config_id not in configs:
        raise S3Error(404, "NoSuchConfiguration", "The specified configuration does not exist.")
    return configs[config_id].config


def list_bucket_intelligent_tiering_configurations(self: S3Backend, bucket_name: str) -> list[dict[str, Any]]:
    """ListBucketIntelligentTieringConfigurations: every configuration, sorted by id as AWS lists them."""
    configs = tiering_configurations(self.get_bucket(bucket_name))
    return [configs[key].config for key in sorted(configs)]


def delete_bucket_intelligent_tiering_configuration(self: S3Backend, bucket_name: str, config_id: str) -> None:
    """DeleteBucketIntelligentTieringConfiguration; NoSuchConfiguration (404) when the id is unknown."""
    configs = tiering_configurations(self.get_bucket(bucket_name))
    if configs.pop(config_id, None) is None:
        raise S3Error(404, "NoSuchConfiguration", "The specified configuration does not exist.")


OWNER_ONLY_CANNED_ACLS = frozenset({"private", "bucket-owner-full-control"})


def acl_grants_others(headers: Any, body: bytes | str) -> bool:
    """True when a PutBucketAcl request grants anyone but the bucket owner (refused when ACLs are disabled)."""
    canned = headers.get("x-amz-acl")
    if canned and canned not in OWNER_ONLY_CANNED_ACLS:
        return True
    if any(name.lower().startswith("x-amz-grant-") for name in headers.keys()):
        return True
    if not body:
        return False
    policy = parse_payload("AccessControlPolicy", body)
    owner = (policy.get("Owner") or {}).get("ID")
    for grant in policy.get("Grants") or []:
        grantee = grant.get("Grantee") or {}
        if (
            grantee.get("Type") != "CanonicalUser"
            or grantee.get("ID") != owner
            or grant.get("Permission") != "FULL_CONTROL"
        ):
            return True
    return False


LOGGING_SERVICE_PRINCIPAL = "logging.s3.amazonaws.com"


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def log_permissions_enabled_policy(target_bucket: FakeBucket, target_prefix: str | None) -> bool:
    """True when the target bucket's policy lets S3 server access logging write under ``target_prefix``.

    Statements with ``Principal: "*"`` (a TLS-only deny), string or list ``Action``/``Resource`` and
    resource wildcards are read as IAM reads them; moto 5.2.5 fails on the first two with a 500.
    """
    if not target_bucket.policy:
        return False
    policy = json.loads(
        target_bucket.policy.decode() if isinstance(target_bucket.policy, bytes) else target_bucket.policy
    )
    sample_key = f"arn:{target_bucket.partition}:s3:::{target_bucket.name}/{target_prefix or ''}log-object"
    for statement in _as_list(policy.get("Statement", [])):
        principal = statement.get("Principal")
        services = _as_list(principal.get("Service", [])) if isinstance(principal, dict) else []
        if statement.get("Effect") != "Allow" or LOGGING_SERVICE_PRINCIPAL not in services:
            continue
        actions = _as_list(statement.get("Action", []))
        if not any(fnmatch.fnmatchcase("s3:PutObject", action) for action in actions):
            continue
        if any(fnmatch.fnmatchcase(sample_key, resource) for resource in _as_list(statement.get("Resource", []))):
            return True
    return False


def validate_replication(backend: S3Backend, config: dict[str, Any]) -> None:
    """The checks AWS makes on PutBucketReplication that moto skips.

    SSE-KMS source selection needs a replica KMS key, and vice versa; a rule with ``Filter`` (schema V2)
    needs ``DeleteMarkerReplication``; the destination bucket must exist and be versioned.
    """
    for rule in config.get("Rules") or []:
        destination = rule.get("Destination") or {}
        sse_kms = ((rule.get("SourceSelectionCriteria") or {}).get("SseKmsEncryptedObjects") or {}).get("Status")
        replica_key = (destination.get("EncryptionConfiguration") or {}).get("ReplicaKmsKeyID")
        if sse_kms == "Enabled" and not replica_key:
            message = "ReplicaKmsKeyID must be specified if SseKmsEncryptedObjects tag is present."
            raise S3Error(400, "InvalidRequest", message)
        if replica_key and sse_kms != "Enabled":
            raise S3Error(
                400, "InvalidRequest", "SseKmsEncryptedObjects must be specified if EncryptionConfiguration is present."
            )
        if "Filter" in rule and "DeleteMarkerReplication" not in rule:
            message = "DeleteMarkerReplication must be specified for this version of Cross Region Replication schema."
            raise S3Error(400, "InvalidRequest", message)
        target = str(destination.get("Bucket", "")).removeprefix("arn:aws:s3:::")
        bucket = backend.buckets.get(target)
        if bucket is None:
            raise S3Error(400, "InvalidRequest", "Destination bucket must exist.")
        if not bucket.is_versioned:
            raise S3Error(400, "InvalidRequest", "Destination bucket must have versioning enabled.")


@extension(
    "s3",
    "PutBucketIntelligentTieringConfiguration",
    "GetBucketIntelligentTieringConfiguration",
    "ListBucketIntelligentTieringConfigurations",
    "DeleteBucketIntelligentTieringConfiguration",
)
def intelligent_tiering_backend() -> None:
    """Bucket intelligent-tiering configurations: the backend state moto 5.2.5 lacks."""
    override(S3Backend, put_bucket_intelligent_tiering_configuration)
    override(S3Backend, get_bucket_intelligent_tiering_configuration)
    override(S3Backend, list_bucket_intelligent_tiering_configurations)
    override(S3Backend, delete_bucket_intelligent_tiering_configuration)


@extension("s3", "PutBucketLogging")
def logging_target_policy() -> None:
    """PutBucketLogging: a target bucket policy with a ``Principal: "*"`` statement is a 500 in moto.

    moto 5.2.5 reads every statement's ``Principal`` as a dict, so a TLS-only deny (``"Principal": "*"``),
    which every hardened bucket has, breaks access logging to that bucket; it also compares ``Action``
    and ``Resource`` as exact strings. The grant is read as IAM reads it.
    """
    override(FakeBucket, staticmethod(log_permissions_enabled_policy), "_log_permissions_enabled_policy")


# --- bucket policies: conditions -----------------------------------------------------------------

#: Headers of the request being authorised (set around moto's object handler, see responses.py).
REQUEST = threading.local()
#: Condition keys read from request headers.
HEADER_KEYS = {
    "s3:x-amz-server-side-encryption": "x-amz-server-side-encryption",
    "s3:x-amz-server-side-encryption-aws-kms-key-id": "x-amz-server-side-encryption-aws-kms-key-id",
    "s3:x-amz-acl": "x-amz-acl",
}


def request_context(headers: Mapping[str, str] | None) -> dict[str, str]:
    """The condition keys of a request. The emulator stands in for AWS's HTTPS endpoint, so
    ``aws:SecureTransport`` is ``true`` even though it listens on plain HTTP."""
    context = {"aws:SecureTransport": "true"}
    lowered = {k.lower(): v for k, v in (headers or {}).items()}
    for key, header in HEADER_KEYS.items():
        if header in lowered:
            context[key] = lowered[header]
    return context


def _matches(operator: str, expected: list[str], actual: str) -> bool:
    if operator.startswith("Bool"):
        return any(str(e).lower() == actual.lower() for e in expected)
    if operator.endswith("IgnoreCase"):
        return any(str(e).lower() == actual.lower() for e in expected)
    if operator.endswith("Like") or operator.startswith("Arn"):
        return any(fnmatch.fnmatchcase(actual, str(e)) for e in expected)
    return any(str(e) == actual for e in expected)


def condition_holds(operator: str, key: str, expected: Any, context: Mapping[str, str]) -> bool:
    """One ``{operator: {key: values}}`` entry, as IAM evaluates it (missing keys included)."""
    operator = operator.split(":")[-1]  # ForAnyValue:/ForAllValues: on single-valued keys
    if_exists = operator.endswith("IfExists")
    operator = operator.removesuffix("IfExists")
    values = [str(v) for v in _as_list(expected)]
    present = key in context
    if operator == "Null":
        return (not present) == (values[0].lower() == "true")
    negated = "Not" in operator
    if not present:
        return if_exists or negated
    positive = operator.replace("Not", "")
    matched = _matches(positive, values, context[key])
    return not matched if negated else matched


def statement_applies(statement: Mapping[str, Any], action: str, resource: str, context: Mapping[str, str]) -> bool:
    principal = statement.get("Principal", "*")
    if isinstance(principal, dict):
        if "AWS" not in principal:  # service principals are not SDK callers
            return False
    elif principal != "*":
        return False
    if "NotAction" in statement:
        if any(fnmatch.fnmatch(action.lower(), a.lower()) for a in _as_list(statement["NotAction"])):
            return False
    elif not any(fnmatch.fnmatch(action.lower(), a.lower()) for a in _as_list(statement.get("Action", []))):
        return False
    if "NotResource" in statement:
        if any(fnmatch.fnmatchcase(resource, r) for r in _as_list(statement["NotResource"])):
            return False
    elif not any(fnmatch.fnmatchcase(resource, r) for r in _as_list(statement.get("Resource", []))):
        return False
    return all(
        condition_holds(operator, key, expected, context)
        for operator, entries in (statement.get("Condition") or {}).items()
        for key, expected in entries.items()
    )


def aws_action(action: str, query: Mapping[str, Any]) -> str:
    """The IAM action AWS authorises for an object request (moto names it after the HTTP method only)."""
    if action == "s3:HeadObject":
        action = "s3:GetObject"
    for subresource, suffix in (("acl", "Acl"), ("tagging", "Tagging")):
        if subresource in query and action in ("s3:GetObject", "s3:PutObject", "s3:DeleteObject"):
            return action + suffix
    if action in ("s3:GetObject", "s3:DeleteObject") and "versionId" in query:
        return action + "Version"
    return action


def get_permission(self: FakeBucket, action: str, resource: str) -> Any:
    """The bucket policy's verdict on ``action`` on ``resource``: an explicit deny wins, then an allow.

    moto 5.2.5 reads any statement whose condition it cannot evaluate as a deny, even an ``Allow``,
    so a TLS-only deny (``aws:SecureTransport``) or a deny of unencrypted uploads
    (``s3:x-amz-server-side-encryption``) refuses every object request.
    """
    from moto.iam.access_control import PermissionResult

    if self.policy is None:
        return PermissionResult.NEUTRAL
    policy = json.loads(self.policy.decode() if isinstance(self.policy, bytes) else self.policy)
    context = request_context(getattr(REQUEST, "headers", None))
    action = aws_action(action, getattr(REQUEST, "query", None) or {})
    verdicts = {
        statement.get("Effect")
        for statement in _as_list(policy.get("Statement", []))
        if statement_applies(statement, action, resource, context)
    }
    if "Deny" in verdicts:
        return PermissionResult.DENIED
    if "Allow" in verdicts:
        return PermissionResult.PERMITTED
    return PermissionResult.NEUTRAL


@extension("s3", "PutObject", "GetObject", "HeadObject", "DeleteObject", "DeleteObjects")
def bucket_policy_conditions() -> None:
    """Bucket policies: conditions evaluated (moto denies whenever a statement has a condition).

    ``aws:SecureTransport`` is ``true`` (the emulator stands in for AWS's HTTPS endpoint) and the
    ``s3:x-amz-server-side-encryption*`` keys come from the request headers, so a bucket that denies
    plain HTTP and unencrypted uploads accepts an SSE-KMS put and refuses one without encryption.
    """
    override(FakeBucket, get_permission)
