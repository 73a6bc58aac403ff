# Copyright: ecap.platform contributors
# MIT License
"""S3 buckets: read exactly the settings asked for, compare, converge (the s3_bucket module).

Written because amazon.aws.s3_bucket (10.1.2) reads every sub-configuration of a bucket on every run (HeadBucket,
accelerate, ACL, request payment, object lock, inventory, encryption twice, ...): 12-13 calls for a bucket that
is already as wanted. Here each option that is set costs one read and an unset one none: the platform's buckets
(versioning, encryption, public access block, object ownership, policy, tags) take six.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies
from ansible_collections.ecap.platform.plugins.module_utils.common import apply_tag_changes, tag_changes
from ansible_collections.ecap.platform.plugins.module_utils.s3 import bucket_name_errors, tag_list

MISSING_BUCKET = ["NoSuchBucket", "404", "NotFound"]
ENCRYPTIONS = ("AES256", "aws:kms", "aws:kms:dsse")
OWNERSHIPS = ("BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter")
#: public_access option → PublicAccessBlockConfiguration field.
PUBLIC_ACCESS = {
    "block_public_acls": "BlockPublicAcls",
    "ignore_public_acls": "IgnorePublicAcls",
    "block_public_policy": "BlockPublicPolicy",
    "restrict_public_buckets": "RestrictPublicBuckets",
}
#: The settings in the order they are read; the first read also tells whether the bucket exists.
SETTINGS = ("versioning", "encryption", "public_access", "object_ownership", "policy", "tags")


class BucketError(Exception):
    """A bucket that cannot be converged as asked (not empty without force, ...)."""


def validate(params: Mapping[str, Any]) -> list[str]:
    """Errors in the module's options, found before any API call."""
    errors = bucket_name_errors(params["name"])
    encryption = params.get("encryption")
    if params.get("encryption_key_id") and encryption not in ("aws:kms", "aws:kms:dsse"):
        errors.append("encryption_key_id needs encryption=aws:kms (or aws:kms:dsse).")
    if params.get("bucket_key_enabled") is not None and encryption is None:
        errors.append("bucket_key_enabled needs encryption.")
    policy = params.get("policy")
    if isinstance(policy, str) and policy:
        try:
            if not isinstance(json.loads(policy), dict):
                errors.append("policy must be a JSON object.")
        except ValueError as e:
            errors.append(f"policy is not JSON: {e}.")
    elif policy is not None and not isinstance(policy, (dict, str)):
        errors.append("policy must be a dict or a JSON string.")
    return errors


def wanted_policy(params: Mapping[str, Any]) -> dict[str, Any] | None:
    """The policy option as a dict; ``{}`` asks for no policy; ``None`` leaves it alone."""
    policy = params.get("policy")
    if policy is None:
        return None
    if policy == "" or policy == {}:
        return {}
    return json.loads(policy) if isinstance(policy, str) else dict(policy)


def managed(params: Mapping[str, Any]) -> list[str]:
    """The settings the options ask for (in read order)."""
    wanted = {
        "versioning": params.get("versioning") is not None,
        "encryption": params.get("encryption") is not None,
        "public_access": params.get("public_access") is not None,
        "object_ownership": params.get("object_ownership") is not None,
        "policy": params.get("policy") is not None,
        "tags": params.get("tags") is not None,
    }
    return [s for s in SETTINGS if wanted[s]]


# --------------------------------------------------------------------------- reads (one call each)


def _versioning(connection: Any, bucket: str) -> str:
    return connection.get_bucket_versioning(aws_retry=True, Bucket=bucket).get("Status", "")


def _encryption(connection: Any, bucket: str) -> dict[str, Any]:
    try:
        config = connection.get_bucket_encryption(aws_retry=True, Bucket=bucket)["ServerSideEncryptionConfiguration"]
    except is_boto3_error_code("ServerSideEncryptionConfigurationNotFoundError"):
        return {}
    rule = (config.get("Rules") or [{}])[0]
    default = rule.get("ApplyServerSideEncryptionByDefault") or {}
    result = {"sse_algorithm": default.get("SSEAlgorithm", "")}
    if default.get("KMSMasterKeyID"):
        result["kms_master_key_id"] = default["KMSMasterKeyID"]
    result["bucket_key_enabled"] = bool(rule.get("BucketKeyEnabled", False))
    return result


def _public_access(connection: Any, bucket: str) -> dict[str, bool]:
    try:
        config = connection.get_public_access_block(aws_retry=True, Bucket=bucket)["PublicAccessBlockConfiguration"]
    except is_boto3_error_code("NoSuchPublicAccessBlockConfiguration"):
        config = {}
    return {option: bool(config.get(field, False)) for option, field in PUBLIC_ACCESS.items()}


def _object_ownership(connection: Any, bucket: str) -> str:
    try:
        controls = connection.get_bucket_ownership_controls(aws_retry=True, Bucket=bucket)["OwnershipControls"]
    except is_boto3_error_code("OwnershipControlsNotFoundError"):
        return ""
    return (controls.get("Rules") or [{}])[0].get("ObjectOwnership", "")


def _policy(connection: Any, bucket: str) -> dict[str, Any]:
    try:
        return json.loads(connection.get_bucket_policy(aws_retry=True, Bucket=bucket)["Policy"])
    except is_boto3_error_code("NoSuchBucketPolicy"):
        return {}


def _tags(connection: Any, bucket: str) -> dict[str, str]:
    try:
        tag_set = connection.get_bucket_tagging(aws_retry=True, Bucket=bucket)["TagSet"]
    except is_boto3_error_code("NoSuchTagSet"):
        return {}
    return {t["Key"]: t["Value"] for t in tag_set}


READERS = {
    "versioning": _versioning,
    "encryption": _encryption,
    "public_access": _public_access,
    "object_ownership": _object_ownership,
    "policy": _policy,
    "tags": _tags,
}


def describe(connection: Any, params: Mapping[str, Any]) -> dict[str, Any] | None:
    """The settings the options manage (``{"name": ..., "versioning": "Enabled", ...}``); ``None`` when the bucket
    does not exist. The first read answers NoSuchBucket for a missing bucket; with nothing managed, HeadBucket."""
    bucket = params["name"]
    settings = managed(params)
    try:
        if not settings:
            connection.head_bucket(aws_retry=True, Bucket=bucket)
        current: dict[str, Any] = {"name": bucket}
        for setting in settings:
            current[setting] = READERS[setting](connection, bucket)
    except is_boto3_error_code(MISSING_BUCKET):
        return None
    return current


# --------------------------------------------------------------------------- wanted state and plan


def wanted_encryption(params: Mapping[str, Any], current: Mapping[str, Any] | None) -> dict[str, Any]:
    result: dict[str, Any] = {"sse_algorithm": params["encryption"]}
    if params["encryption"] != "AES256":
        if params.get("encryption_key_id"):
            result["kms_master_key_id"] = params["encryption_key_id"]
        elif current and current.get("kms_master_key_id"):
            result["kms_master_key_id"] = current["kms_master_key_id"]
    enabled = params.get("bucket_key_enabled")
    result["bucket_key_enabled"] = bool(enabled if enabled is not None else (current or {}).get("bucket_key_enabled"))
    return result


def _wanted_versioning(params: Mapping[str, Any], have: str) -> str:
    if params["versioning"]:
        return "Enabled"
    # A bucket that was never versioned stays unversioned; a versioned one can only be suspended.
    return "Suspended" if have == "Enabled" else have


def plan(current: Mapping[str, Any], params: Mapping[str, Any]) -> dict[str, Any]:
    """Setting → wanted value, for every managed setting that differs (tags: ``(to_set, to_unset)``)."""
    changes: dict[str, Any] = {}
    if "versioning" in current:
        want = _wanted_versioning(params, current["versioning"])
        if want != current["versioning"]:
            changes["versioning"] = want
    if "encryption" in current:
        want = wanted_encryption(params, current["encryption"])
        if want != current["encryption"]:
            changes["encryption"] = want
    if "public_access" in current:
        want = {**current["public_access"], **{k: v for k, v in params["public_access"].items() if v is not None}}
        if want != current["public_access"]:
            changes["public_access"] = want
    if "object_ownership" in current and params["object_ownership"] != current["object_ownership"]:
        changes["object_ownership"] = params["object_ownership"]
    if "policy" in current:
        want = wanted_policy(params)
        if (want == {}) != (current["policy"] == {}) or (want and compare_policies(current["policy"], want)):
            changes["policy"] = want
    if "tags" in current:
        to_set, to_unset = tag_changes(current["tags"], params["tags"], params.get("purge_tags", True))
        if to_set or to_unset:
            changes["tags"] = (to_set, to_unset)
    return changes


def view(current: Mapping[str, Any] | None, changes: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The bucket's managed settings after ``changes`` (none: as it is), for the result and the diff."""
    if current is None:
        return {}
    after = {k: v for k, v in current.items()}
    for setting, value in (changes or {}).items():
        if setting == "tags":
            after["tags"] = apply_tag_changes(current["tags"], *value)
        else:
            after[setting] = value
    return after


def predicted_new(params: Mapping[str, Any]) -> dict[str, Any]:
    """The view of a bucket the module is about to create."""
    new: dict[str, Any] = {"name": params["name"]}
    blank = {
        "versioning": "",
        "encryption": {},
        "public_access": {option: False for option in PUBLIC_ACCESS},
        "object_ownership": "",
        "policy": {},
        "tags": {},
    }
    current = {**new, **{s: blank[s] for s in managed(params)}}
    return view(current, plan(current, params))


# --------------------------------------------------------------------------- writes


def _put_versioning(connection: Any, bucket: str, status: str) -> None:
    connection.put_bucket_versioning(aws_retry=True, Bucket=bucket, VersioningConfiguration={"Status": status})


def _put_encryption(connection: Any, bucket: str, wanted: Mapping[str, Any]) -> None:
    default = {"SSEAlgorithm": wanted["sse_algorithm"]}
    if wanted.get("kms_master_key_id"):
        default["KMSMasterKeyID"] = wanted["kms_master_key_id"]
    rule = {"ApplyServerSideEncryptionByDefault": default, "BucketKeyEnabled": bool(wanted["bucket_key_enabled"])}
    connection.put_bucket_encryption(aws_retry=True, Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [rule]})


def _put_public_access(connection: Any, bucket: str, wanted: Mapping[str, bool]) -> None:
    config = {field: bool(wanted[option]) for option, field in PUBLIC_ACCESS.items()}
    connection.put_public_access_block(aws_retry=True, Bucket=bucket, PublicAccessBlockConfiguration=config)


def _put_object_ownership(connection: Any, bucket: str, ownership: str) -> None:
    connection.put_bucket_ownership_controls(
        aws_retry=True, Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": ownership}]}
    )


def _put_policy(connection: Any, bucket: str, policy: Mapping[str, Any]) -> None:
    if policy:
        connection.put_bucket_policy(aws_retry=True, Bucket=bucket, Policy=json.dumps(policy))
    else:
        connection.delete_bucket_policy(aws_retry=True, Bucket=bucket)


def _put_tags(connection: Any, bucket: str, tags: Mapping[str, str]) -> None:
    # PutBucketTagging replaces the whole set; aws:* keys can be neither written nor removed by a caller.
    own = {k: v for k, v in tags.items() if not k.startswith("aws:")}
    if own:
        connection.put_bucket_tagging(aws_retry=True, Bucket=bucket, Tagging={"TagSet": tag_list(own)})
    else:
        connection.delete_bucket_tagging(aws_retry=True, Bucket=bucket)


def apply(connection: Any, current: Mapping[str, Any], changes: Mapping[str, Any]) -> None:
    """Write each changed setting: public access block and ownership before the policy (the order AWS needs)."""
    bucket = current["name"]
    if "public_access" in changes:
        _put_public_access(connection, bucket, changes["public_access"])
    if "object_ownership" in changes:
        _put_object_ownership(connection, bucket, changes["object_ownership"])
    if "encryption" in changes:
        _put_encryption(connection, bucket, changes["encryption"])
    if "versioning" in changes:
        _put_versioning(connection, bucket, changes["versioning"])
    if "policy" in changes:
        _put_policy(connection, bucket, changes["policy"])
    if "tags" in changes:
        _put_tags(connection, bucket, apply_tag_changes(current["tags"], *changes["tags"]))


def create(connection: Any, params: Mapping[str, Any], region: str) -> None:
    """CreateBucket (with its object ownership), then the other settings asked for."""
    request: dict[str, Any] = {"Bucket": params["name"]}
    if region and region != "us-east-1":
        request["CreateBucketConfiguration"] = {"LocationConstraint": region}
    if params.get("object_ownership"):
        request["ObjectOwnership"] = params["object_ownership"]
    try:
        connection.create_bucket(aws_retry=True, **request)
    except is_boto3_error_code("BucketAlreadyOwnedByYou"):
        pass  # an earlier, interrupted run made it
    blank = {
        "name": params["name"],
        "versioning": "",
        "encryption": {},
        "public_access": {option: False for option in PUBLIC_ACCESS},
        "object_ownership": params.get("object_ownership") or "",
        "policy": {},
        "tags": {},
    }
    current = {k: v for k, v in blank.items() if k == "name" or k in managed(params)}
    apply(connection, current, plan(current, params))


def delete(connection: Any, bucket: str, force: bool) -> None:
    """Delete the bucket; with ``force`` every object version and delete marker first (1000 per call)."""
    if force:
        paginator = connection.get_paginator("list_object_versions")
        for page in paginator.paginate(Bucket=bucket):
            objects = [
                {"Key": o["Key"], "VersionId": o["VersionId"]}
                for o in (page.get("Versions") or []) + (page.get("DeleteMarkers") or [])
            ]
            if objects:
                connection.delete_objects(aws_retry=True, Bucket=bucket, Delete={"Objects": objects, "Quiet": True})
    try:
        connection.delete_bucket(aws_retry=True, Bucket=bucket)
    except is_boto3_error_code("BucketNotEmpty"):
        raise BucketError(f"Bucket {bucket} is not empty: set force=true to delete it with everything in it.") from None
    except is_boto3_error_code(MISSING_BUCKET):
        pass
