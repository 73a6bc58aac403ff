"""S3 request handlers: bucket intelligent-tiering configurations and a faithful replication read-back.

moto's ``S3Response`` dispatches a bucket's sub-resources with an if/elif chain on the query string
(``_bucket_response_get``/``_put``/``_delete``). ``?intelligent-tiering`` is not in it, so a PUT falls
through to CreateBucket (IllegalLocationConstraintException) and a GET lists the objects. The
wrappers below answer the sub-resources they know and hand everything else to moto's original.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

from moto.core.common_types import TYPE_RESPONSE
from moto.core.responses import ActionResult
from moto.s3.responses import S3Response

from emulator.extensions import extension, original, override
from emulator.services.s3.models import (
    REQUEST,
    S3Error,
    acl_grants_others,
    parse_payload,
    validate_replication,
)

TIERING = "intelligent-tiering"
PAGE_SIZE = 100


def _param(querystring: dict[str, Any], name: str) -> str | None:
    values = querystring.get(name) or [None]
    return values[0]


def _tiering_get(self: S3Response, bucket_name: str, querystring: dict[str, Any]) -> TYPE_RESPONSE:
    config_id = _param(querystring, "id")
    if config_id is not None:
        self.data["Action"] = "GetBucketIntelligentTieringConfiguration"
        config = self.backend.get_bucket_intelligent_tiering_configuration(bucket_name, config_id)
        return self.serialized(ActionResult({"IntelligentTieringConfiguration": config}))
    self.data["Action"] = "ListBucketIntelligentTieringConfigurations"
    configs = self.backend.list_bucket_intelligent_tiering_configurations(bucket_name)
    token = _param(querystring, "continuation-token")
    start = next((i for i, c in enumerate(configs) if c["Id"] == token), 0) if token else 0
    page = configs[start : start + PAGE_SIZE]
    result: dict[str, Any] = {"IsTruncated": start + PAGE_SIZE < len(configs)}
    result["IntelligentTieringConfigurationList"] = page
    if token:
        result["ContinuationToken"] = token
    if result["IsTruncated"]:
        result["NextContinuationToken"] = configs[start + PAGE_SIZE]["Id"]
    return self.serialized(ActionResult(result))


def _bucket_response_get(self: S3Response, bucket_name: str, querystring: dict[str, Any]) -> Any:
    try:
        if TIERING in querystring:
            self._set_action("BUCKET", "GET", querystring)
            self._authenticate_and_authorize_s3_action(bucket_name=bucket_name)
            return _tiering_get(self, bucket_name, querystring)
        if "replication" in querystring:
            typed = getattr(self.backend.get_bucket(bucket_name), "typed_replication", None)
            if typed is not None and self.backend.get_bucket_replication(bucket_name):
                self._set_action("BUCKET", "GET", querystring)
                self._authenticate_and_authorize_s3_action(bucket_name=bucket_name)
                self.data["Action"] = "GetBucketReplication"
                return self.serialized(ActionResult({"ReplicationConfiguration": typed}))
    except S3Error as error:
        return error.response()
    return original(S3Response, "_bucket_response_get")(self, bucket_name, querystring)


def _bucket_response_put(self: S3Response, request: Any, bucket_name: str, querystring: dict[str, Any]) -> Any:
    try:
        if TIERING in querystring:
            self._set_action("BUCKET", "PUT", querystring)
            self._authenticate_and_authorize_s3_action(bucket_name=bucket_name)
            self.data["Action"] = "PutBucketIntelligentTieringConfiguration"
            config = parse_payload("IntelligentTieringConfiguration", self.body)
            self.backend.put_bucket_intelligent_tiering_configuration(bucket_name, _param(querystring, "id"), config)
            return 200, {}, ""
        if "acl" in querystring and self.backend.get_bucket(bucket_name).ownership_rule == "BucketOwnerEnforced":
            if acl_grants_others(request.headers, self.body):
                raise S3Error(400, "AccessControlListNotSupported", "The bucket does not allow ACLs")
        if "replication" in querystring:
            typed = parse_payload("ReplicationConfiguration", self.body)
            bucket = self.backend.get_bucket(bucket_name)
            if bucket.is_versioned:  # moto raises its own error when the source is not versioned
                validate_replication(self.backend, typed)
            response = original(S3Response, "_bucket_response_put")(self, request, bucket_name, querystring)
            bucket.typed_replication = typed
            return response
    except S3Error as error:
        return error.response()
    return original(S3Response, "_bucket_response_put")(self, request, bucket_name, querystring)


def _bucket_response_delete(self: S3Response, bucket_name: str, querystring: dict[str, Any]) -> Any:
    try:
        if TIERING in querystring:
            self._set_action("BUCKET", "DELETE", querystring)
            self._authenticate_and_authorize_s3_action(bucket_name=bucket_name)
            self.data["Action"] = "DeleteBucketIntelligentTieringConfiguration"
            self.backend.delete_bucket_intelligent_tiering_configuration(bucket_name, _param(querystring, "id") or "")
            return 204, {}, ""
        if "replication" in querystring:
            self.backend.get_bucket(bucket_name).typed_replication = None
    except S3Error as error:
        return error.response()
    return original(S3Response, "_bucket_response_delete")(self, bucket_name, querystring)


def _key_response(self: S3Response, request: Any, full_url: str) -> Any:
    """Object requests: the request's headers are the condition context of the bucket policy."""
    REQUEST.headers = dict(request.headers)
    REQUEST.query = parse_qs(urlparse(full_url).query, keep_blank_values=True)
    try:
        return original(S3Response, "_key_response")(self, request, full_url)
    finally:
        REQUEST.headers = REQUEST.query = None


@extension("s3", "PutObject", "GetObject", "HeadObject", "DeleteObject")
def object_request_context() -> None:
    """Object requests carry their headers to the bucket-policy check (``bucket_policy_conditions``)."""
    override(S3Response, _key_response)


@extension(
    "s3",
    "PutBucketIntelligentTieringConfiguration",
    "GetBucketIntelligentTieringConfiguration",
    "ListBucketIntelligentTieringConfigurations",
    "DeleteBucketIntelligentTieringConfiguration",
    "PutBucketReplication",
    "GetBucketReplication",
    "PutBucketAcl",
)
def bucket_subresources() -> None:
    """Intelligent tiering (moto: none) and replication read-back (moto drops filters, delete markers, SSE-KMS).

    moto 5.2.5 routes ``PUT /{bucket}?intelligent-tiering`` to CreateBucket and ``GET`` to ListObjects.
    Its GetBucketReplication answers ``Filter: {Prefix: ""}`` and ``DeleteMarkerReplication: Disabled``
    whatever was put, and drops ``SourceSelectionCriteria``; PutBucketReplication accepts SSE-KMS
    source selection without a replica key and a destination bucket that does not exist. It also lets
    PutBucketAcl grant access on a bucket whose ownership is ``BucketOwnerEnforced`` (ACLs disabled),
    which AWS refuses with ``AccessControlListNotSupported``.
    """
    override(S3Response, _bucket_response_get)
    override(S3Response, _bucket_response_put)
    override(S3Response, _bucket_response_delete)
