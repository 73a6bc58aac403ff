# Copyright: ecap.platform contributors
# MIT License
"""S3 logic of the ecap.platform modules: lifecycle, intelligent tiering, replication, account
public access block.

Each configuration is converged whole: the module builds the configuration AWS should hold from its
options (``build_*``), reads what AWS holds once (``get_*``), compares both in a canonical form
(``canonical_*``: sorted lists, empty filters, AWS's defaults) and writes only when they differ.
The ``validate_*`` functions are pure and run before any AWS call; the ``s3_lifecycle_rule_errors``
filter uses :func:`validate_lifecycle_rules` so that a role can refuse bad input before it starts.

API reference: https://docs.aws.amazon.com/AmazonS3/latest/API/ (PutBucketLifecycleConfiguration,
PutBucketIntelligentTieringConfiguration, PutBucketReplication, S3 Control PutPublicAccessBlock).
"""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code

# --------------------------------------------------------------------------- names

BUCKET_NAME = re.compile(r"^(?!xn--)(?!sthree-)(?!amzn-s3-demo-)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
IP_ADDRESS = re.compile(r"^\d+\.\d+\.\d+\.\d+$")
ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")
KMS_KEY_ARN = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)/[\w/+=,.@-]+$")
BUCKET_ARN_PREFIX = "arn:aws:s3:::"


def bucket_name_errors(name: str, what: str = "bucket") -> list[str]:
    """Why ``name`` is not a valid S3 bucket name (general purpose buckets), empty when it is.

    https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
    """
    if not isinstance(name, str) or not name:
        return [f"{what} name is empty"]
    errors = []
    if not 3 <= len(name) <= 63:
        errors.append(f"{what} name {name!r} must be 3 to 63 characters long (it has {len(name)})")
    if not BUCKET_NAME.match(name):
        errors.append(
            f"{what} name {name!r} may only contain lowercase letters, digits, dots and hyphens, must begin and "
            "end with a letter or digit, and must not start with xn--, sthree- or amzn-s3-demo-"
        )
    if ".." in name or IP_ADDRESS.match(name) or name.endswith(("-s3alias", "--ol-s3", ".mrap", "--x-s3")):
        errors.append(f"{what} name {name!r} is reserved or malformed (two dots, an IP address or a reserved suffix)")
    return errors


def bucket_arn(name_or_arn: str) -> str:
    """A bucket's ARN from its name or ARN."""
    return name_or_arn if name_or_arn.startswith("arn:") else f"{BUCKET_ARN_PREFIX}{name_or_arn}"


def bucket_from_arn(name_or_arn: str) -> str:
    return name_or_arn.split(":::", 1)[1] if name_or_arn.startswith("arn:") else name_or_arn


# --------------------------------------------------------------------------- filters (shared)


def tag_list(tags: Mapping[str, Any] | None) -> list[dict[str, str]]:
    return [{"Key": str(k), "Value": str(v)} for k, v in sorted((tags or {}).items())]


def build_filter(
    prefix: str | None,
    tags: Mapping[str, Any] | None,
    size_greater_than: int | None = None,
    size_less_than: int | None = None,
    empty: dict | None = None,
) -> dict[str, Any] | None:
    """The ``Filter`` of a lifecycle, tiering or replication rule: ``Prefix``/``Tag`` alone, or ``And``."""
    parts: dict[str, Any] = {}
    if prefix:
        parts["Prefix"] = prefix
    if tags:
        parts["Tags"] = tag_list(tags)
    if size_greater_than is not None:
        parts["ObjectSizeGreaterThan"] = size_greater_than
    if size_less_than is not None:
        parts["ObjectSizeLessThan"] = size_less_than
    if not parts:
        return None if empty is None else dict(empty)
    if len(parts) == 1:
        ((key, value),) = parts.items()
        if key == "Tags":
            return {"Tag": value[0]} if len(value) == 1 else {"And": {"Tags": value}}
        return {key: value}
    return {"And": parts}


def canonical_filter(value: Mapping[str, Any] | None) -> dict[str, Any]:
    """A filter as a flat dict (prefix, tags, sizes), so that equal filters compare equal."""
    value = dict(value or {})
    flat: dict[str, Any] = dict(value.pop("And", None) or {})
    flat.update(value)
    if "Tag" in flat:
        flat.setdefault("Tags", []).append(flat.pop("Tag"))
    result: dict[str, Any] = {}
    if flat.get("Prefix"):
        result["prefix"] = flat["Prefix"]
    if flat.get("Tags"):
        result["tags"] = {t["Key"]: t["Value"] for t in flat["Tags"]}
    for field, key in (("ObjectSizeGreaterThan", "size_greater_than"), ("ObjectSizeLessThan", "size_less_than")):
        if flat.get(field) is not None:
            result[key] = int(flat[field])
    return result


def enabled(flag: bool) -> str:
    return "Enabled" if flag else "Disabled"


# --------------------------------------------------------------------------- lifecycle

#: The storage classes a lifecycle rule can transition to, in the order AWS allows (its "waterfall").
TRANSITION_ORDER: dict[str, int] = {
    "STANDARD_IA": 1,
    "INTELLIGENT_TIERING": 2,
    "ONEZONE_IA": 3,
    "GLACIER_IR": 4,
    "GLACIER": 5,
    "DEEP_ARCHIVE": 6,
}
#: Objects stay at least 30 days in STANDARD before an infrequent-access class, and 30 days in one
#: of those before the next transition.
INFREQUENT_ACCESS = frozenset({"STANDARD_IA", "ONEZONE_IA"})
MIN_IA_DAYS = 30
MAX_RULES = 1000


def _transition_errors(label: str, transitions: list[dict], days_key: str) -> list[str]:
    errors: list[str] = []
    ordered = sorted(transitions, key=lambda t: t.get(days_key) or 0)
    seen: set[str] = set()
    previous: dict | None = None
    for transition in ordered:
        storage_class, days = transition.get("storage_class"), transition.get(days_key)
        if storage_class not in TRANSITION_ORDER:
            errors.append(f"{label}: unknown storage class {storage_class!r} (one of {', '.join(TRANSITION_ORDER)})")
            continue
        if not isinstance(days, int) or days < 0:
            errors.append(f"{label}: the transition to {storage_class} needs {days_key} >= 0 (got {days!r})")
            continue
        if storage_class in seen:
            errors.append(f"{label}: more than one transition to {storage_class}")
        seen.add(storage_class)
        if storage_class in INFREQUENT_ACCESS and days < MIN_IA_DAYS:
            errors.append(
                f"{label}: the transition to {storage_class} must be at least {MIN_IA_DAYS} days (got {days})"
            )
        if previous is not None:
            before, before_days = previous["storage_class"], previous[days_key]
            if TRANSITION_ORDER[storage_class] <= TRANSITION_ORDER[before]:
                errors.append(
                    f"{label}: the transition to {before} at {before_days} days is sooner than or as soon as "
                    f"the transition to {storage_class} at {days} days; transitions must follow the order "
                    f"{' -> '.join(TRANSITION_ORDER)}"
                )
            elif days == before_days:
                errors.append(f"{label}: transitions to {before} and {storage_class} are both at {days} days")
            elif before in INFREQUENT_ACCESS and days - before_days < MIN_IA_DAYS:
                errors.append(
                    f"{label}: the transition to {storage_class} at {days} days must be at least {MIN_IA_DAYS} "
                    f"days after the transition to {before} at {before_days} days"
                )
        previous = transition
    return errors


def validate_lifecycle_rules(rules: Iterable[Mapping[str, Any]] | None) -> list[str]:
    """Errors in lifecycle rules given as the module's ``rules`` option (pure; empty when valid)."""
    errors: list[str] = []
    rules = list(rules or [])
    if len(rules) > MAX_RULES:
        errors.append(f"at most {MAX_RULES} lifecycle rules (got {len(rules)})")
    ids = [rule.get("id") for rule in rules]
    for dup in sorted({i for i in ids if i and ids.count(i) > 1}):
        errors.append(f"lifecycle rule id {dup!r} is used more than once")
    for index, rule in enumerate(rules):
        rule_id = rule.get("id")
        label = f"lifecycle rule {rule_id!r}" if rule_id else f"lifecycle rule #{index + 1}"
        if not rule_id or len(str(rule_id)) > 255:
            errors.append(f"{label}: id is required and at most 255 characters")
        transitions = list(rule.get("transitions") or [])
        noncurrent = list(rule.get("noncurrent_version_transitions") or [])
        errors.extend(_transition_errors(label, transitions, "days"))
        errors.extend(_transition_errors(f"{label} (noncurrent versions)", noncurrent, "noncurrent_days"))
        expiration = rule.get("expiration_days")
        if expiration is not None:
            if expiration < 1:
                errors.append(f"{label}: expiration_days must be at least 1 (got {expiration})")
            last = max((t.get("days") or 0 for t in transitions), default=None)
            if last is not None and expiration <= last:
                errors.append(
                    f"{label}: expiration_days ({expiration}) must be greater than the last transition ({last} days)"
                )
            if rule.get("expired_object_delete_marker"):
                errors.append(f"{label}: expired_object_delete_marker cannot be combined with expiration_days")
        noncurrent_expiration = rule.get("noncurrent_version_expiration_days")
        if noncurrent_expiration is not None:
            last = max((t.get("noncurrent_days") or 0 for t in noncurrent), default=None)
            if noncurrent_expiration < 1:
                errors.append(f"{label}: noncurrent_version_expiration_days must be at least 1")
            elif last is not None and noncurrent_expiration <= last:
                errors.append(
                    f"{label}: noncurrent_version_expiration_days ({noncurrent_expiration}) must be greater than "
                    f"the last noncurrent transition ({last} days)"
                )
        if rule.get("noncurrent_version_keep_newer") is not None and noncurrent_expiration is None:
            errors.append(f"{label}: noncurrent_version_keep_newer needs noncurrent_version_expiration_days")
        abort = rule.get("abort_incomplete_multipart_upload_days")
        if abort is not None and abort < 1:
            errors.append(f"{label}: abort_incomplete_multipart_upload_days must be at least 1")
        if abort is not None and rule.get("filter_tags"):
            errors.append(f"{label}: abort_incomplete_multipart_upload_days cannot be used with a tag filter")
        actions = (
            transitions,
            noncurrent,
            expiration,
            rule.get("expired_object_delete_marker"),
            noncurrent_expiration,
            abort,
        )
        if not any(a not in (None, [], False) for a in actions):
            errors.append(f"{label}: at least one action (transition, expiration, abort) is required")
    return errors


def build_lifecycle_rule(rule: Mapping[str, Any]) -> dict[str, Any]:
    """A LifecycleRule of PutBucketLifecycleConfiguration from one item of the ``rules`` option."""
    result: dict[str, Any] = {
        "ID": rule["id"],
        "Status": enabled(rule.get("status", "enabled") == "enabled"),
        "Filter": build_filter(
            rule.get("prefix"),
            rule.get("filter_tags"),
            rule.get("object_size_greater_than"),
            rule.get("object_size_less_than"),
            empty={"Prefix": ""},
        ),
    }
    if rule.get("expiration_days") is not None:
        result["Expiration"] = {"Days": rule["expiration_days"]}
    elif rule.get("expired_object_delete_marker"):
        result["Expiration"] = {"ExpiredObjectDeleteMarker": True}
    if rule.get("transitions"):
        result["Transitions"] = [
            {"Days": t["days"], "StorageClass": t["storage_class"]}
            for t in sorted(rule["transitions"], key=lambda t: t["days"])
        ]
    if rule.get("noncurrent_version_transitions"):
        result["NoncurrentVersionTransitions"] = [
            {"NoncurrentDays": t["noncurrent_days"], "StorageClass": t["storage_class"]}
            for t in sorted(rule["noncurrent_version_transitions"], key=lambda t: t["noncurrent_days"])
        ]
    if rule.get("noncurrent_version_expiration_days") is not None:
        expiration: dict[str, Any] = {"NoncurrentDays": rule["noncurrent_version_expiration_days"]}
        if rule.get("noncurrent_version_keep_newer") is not None:
            expiration["NewerNoncurrentVersions"] = rule["noncurrent_version_keep_newer"]
        result["NoncurrentVersionExpiration"] = expiration
    if rule.get("abort_incomplete_multipart_upload_days") is not None:
        result["AbortIncompleteMultipartUpload"] = {
            "DaysAfterInitiation": rule["abort_incomplete_multipart_upload_days"]
        }
    return result


def canonical_lifecycle_rule(rule: Mapping[str, Any]) -> dict[str, Any]:
    """A LifecycleRule as AWS returns or we build it → a snake_cased, order-free dict for comparison."""
    result: dict[str, Any] = {
        "id": rule.get("ID"),
        "status": str(rule.get("Status", "Enabled")).lower(),
        "filter": canonical_filter(rule.get("Filter") if "Filter" in rule else {"Prefix": rule.get("Prefix")}),
    }
    expiration = rule.get("Expiration") or {}
    if expiration.get("Days") is not None:
        result["expiration_days"] = int(expiration["Days"])
    if expiration.get("Date") is not None:
        result["expiration_date"] = str(expiration["Date"])
    if expiration.get("ExpiredObjectDeleteMarker"):
        result["expired_object_delete_marker"] = True
    if rule.get("Transitions"):
        result["transitions"] = sorted(
            ({"days": t.get("Days"), "storage_class": t["StorageClass"]} for t in rule["Transitions"]),
            key=lambda t: (t["days"] or 0, t["storage_class"]),
        )
    if rule.get("NoncurrentVersionTransitions"):
        result["noncurrent_version_transitions"] = sorted(
            (
                {"noncurrent_days": t.get("NoncurrentDays"), "storage_class": t["StorageClass"]}
                for t in rule["NoncurrentVersionTransitions"]
            ),
            key=lambda t: (t["noncurrent_days"] or 0, t["storage_class"]),
        )
    noncurrent = rule.get("NoncurrentVersionExpiration") or {}
    if noncurrent.get("NoncurrentDays") is not None:
        result["noncurrent_version_expiration_days"] = int(noncurrent["NoncurrentDays"])
    if noncurrent.get("NewerNoncurrentVersions") is not None:
        result["noncurrent_version_keep_newer"] = int(noncurrent["NewerNoncurrentVersions"])
    abort = rule.get("AbortIncompleteMultipartUpload") or {}
    if abort.get("DaysAfterInitiation") is not None:
        result["abort_incomplete_multipart_upload_days"] = int(abort["DaysAfterInitiation"])
    return result


def canonical_lifecycle(rules: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return sorted((canonical_lifecycle_rule(r) for r in rules), key=lambda r: str(r["id"]))


def get_lifecycle_rules(connection: Any, bucket: str) -> list[dict[str, Any]]:
    """The bucket's lifecycle rules; ``[]`` when it has no lifecycle configuration."""
    try:
        return connection.get_bucket_lifecycle_configuration(aws_retry=True, Bucket=bucket).get("Rules", [])
    except is_boto3_error_code("NoSuchLifecycleConfiguration"):
        return []


def plan_lifecycle(
    current: list[dict[str, Any]], wanted: list[dict[str, Any]], purge_rules: bool, absent: bool = False
) -> list[dict[str, Any]]:
    """The rules the bucket should hold: ``wanted`` replaces rules with the same id; others are kept
    unless ``purge_rules``. With ``absent``, the ``wanted`` ids are removed instead."""
    wanted_ids = {rule["ID"] for rule in wanted}
    if absent:
        return [] if purge_rules else [r for r in current if r.get("ID") not in wanted_ids]
    kept = [] if purge_rules else [r for r in current if r.get("ID") not in wanted_ids]
    return kept + wanted


def put_lifecycle_rules(connection: Any, bucket: str, rules: list[dict[str, Any]]) -> None:
    """Write the whole configuration in one call (no rules: delete the configuration)."""
    if rules:
        connection.put_bucket_lifecycle_configuration(
            aws_retry=True, Bucket=bucket, LifecycleConfiguration={"Rules": rules}
        )
    else:
        connection.delete_bucket_lifecycle(aws_retry=True, Bucket=bucket)


# --------------------------------------------------------------------------- intelligent tiering

#: Days AWS accepts per access tier (https://docs.aws.amazon.com/AmazonS3/latest/API/API_Tiering.html).
TIER_DAYS: dict[str, tuple[int, int]] = {"ARCHIVE_ACCESS": (90, 730), "DEEP_ARCHIVE_ACCESS": (180, 730)}


def validate_tiering(params: Mapping[str, Any]) -> list[str]:
    """Errors in the options of ``s3_bucket_intelligent_tiering`` with ``state=present`` (pure)."""
    errors: list[str] = []
    config_id = params.get("id") or ""
    if not 1 <= len(config_id) <= 64:
        errors.append(f"id must be 1 to 64 characters (got {config_id!r})")
    tierings = list(params.get("tierings") or [])
    if not tierings:
        errors.append("tierings needs at least one access tier")
    seen: dict[str, int] = {}
    for tiering in tierings:
        tier, days = tiering.get("access_tier"), tiering.get("days")
        if tier not in TIER_DAYS:
            errors.append(f"access_tier {tier!r} is not one of {', '.join(TIER_DAYS)}")
            continue
        low, high = TIER_DAYS[tier]
        if not isinstance(days, int) or not low <= days <= high:
            errors.append(f"days of {tier} must be between {low} and {high} (got {days!r})")
        if tier in seen:
            errors.append(f"access_tier {tier} is given more than once")
        seen[tier] = days
    if len(seen) == 2 and isinstance(seen["DEEP_ARCHIVE_ACCESS"], int) and isinstance(seen["ARCHIVE_ACCESS"], int):
        if seen["DEEP_ARCHIVE_ACCESS"] <= seen["ARCHIVE_ACCESS"]:
            errors.append(
                f"days of DEEP_ARCHIVE_ACCESS ({seen['DEEP_ARCHIVE_ACCESS']}) must be greater than days of "
                f"ARCHIVE_ACCESS ({seen['ARCHIVE_ACCESS']})"
            )
    return errors


def build_tiering(params: Mapping[str, Any]) -> dict[str, Any]:
    """The IntelligentTieringConfiguration the options describe."""
    config: dict[str, Any] = {
        "Id": params["id"],
        "Status": enabled(params.get("status", "enabled") == "enabled"),
        "Tierings": [
            {"Days": t["days"], "AccessTier": t["access_tier"]}
            for t in sorted(params["tierings"], key=lambda t: t["days"])
        ],
    }
    tiering_filter = build_filter(params.get("prefix"), params.get("filter_tags"))
    if tiering_filter:
        config["Filter"] = tiering_filter
    return config


def canonical_tiering(config: Mapping[str, Any] | None) -> dict[str, Any]:
    """A configuration as a snake_cased, order-free dict (``{}`` for none): the module's diff and return."""
    if not config:
        return {}
    return {
        "id": config["Id"],
        "status": str(config["Status"]).lower(),
        "filter": canonical_filter(config.get("Filter")),
        "tierings": sorted(
            ({"access_tier": t["AccessTier"], "days": int(t["Days"])} for t in config.get("Tierings") or []),
            key=lambda t: t["days"],
        ),
    }


def get_tiering(connection: Any, bucket: str, config_id: str) -> dict[str, Any] | None:
    try:
        return connection.get_bucket_intelligent_tiering_configuration(aws_retry=True, Bucket=bucket, Id=config_id)[
            "IntelligentTieringConfiguration"
        ]
    except is_boto3_error_code("NoSuchConfiguration"):
        return None


def list_tierings(connection: Any, bucket: str) -> list[dict[str, Any]]:
    """Every intelligent-tiering configuration of the bucket (all pages)."""
    configs: list[dict[str, Any]] = []
    params: dict[str, Any] = {"Bucket": bucket}
    while True:
        page = connection.list_bucket_intelligent_tiering_configurations(aws_retry=True, **params)
        configs.extend(page.get("IntelligentTieringConfigurationList") or [])
        if not page.get("IsTruncated") or not page.get("NextContinuationToken"):
            return configs
        params["ContinuationToken"] = page["NextContinuationToken"]


# --------------------------------------------------------------------------- replication


def validate_replication(params: Mapping[str, Any]) -> list[str]:
    """Errors in the options of ``s3_bucket_replication`` with ``state=present`` (pure)."""
    errors: list[str] = []
    role = params.get("role") or ""
    if not ROLE_ARN.match(role):
        errors.append(f"role must be the ARN of an IAM role (arn:aws:iam::ACCOUNT:role/NAME), got {role!r}")
    rules = list(params.get("rules") or [])
    if not rules:
        errors.append("rules needs at least one rule")
    ids = [r.get("id") for r in rules]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        errors.append(f"replication rule id {dup!r} is used more than once")
    priorities = [r.get("priority") for r in rules if r.get("priority") is not None]
    for dup in sorted({p for p in priorities if priorities.count(p) > 1}):
        errors.append(f"replication rule priority {dup} is used more than once")
    for rule in rules:
        label = f"replication rule {rule.get('id')!r}"
        if not rule.get("id") or len(rule["id"]) > 255:
            errors.append(f"{label}: id is required and at most 255 characters")
        destination = rule.get("destination_bucket") or ""
        errors.extend(f"{label}: {e}" for e in bucket_name_errors(bucket_from_arn(destination), "destination bucket"))
        key = rule.get("replica_kms_key_id")
        sse_kms = rule.get("sse_kms_encrypted_objects")
        if key and not KMS_KEY_ARN.match(key):
            errors.append(f"{label}: replica_kms_key_id must be a KMS key ARN in the destination region, got {key!r}")
        if sse_kms and not key:
            errors.append(f"{label}: sse_kms_encrypted_objects needs replica_kms_key_id")
        if key and sse_kms is False:
            errors.append(f"{label}: replica_kms_key_id is only used with sse_kms_encrypted_objects")
    if params.get("bucket") and any(
        bucket_from_arn(r.get("destination_bucket") or "") == params["bucket"] for r in rules
    ):
        errors.append("a bucket cannot replicate to itself")
    return errors


def build_replication(params: Mapping[str, Any]) -> dict[str, Any]:
    """The ReplicationConfiguration the options describe (schema V2: every rule has a Filter)."""
    rules = []
    for index, rule in enumerate(params["rules"]):
        key = rule.get("replica_kms_key_id")
        sse_kms = rule.get("sse_kms_encrypted_objects")
        if sse_kms is None:
            sse_kms = bool(key)
        destination: dict[str, Any] = {"Bucket": bucket_arn(rule["destination_bucket"])}
        if rule.get("storage_class"):
            destination["StorageClass"] = rule["storage_class"]
        if key:
            destination["EncryptionConfiguration"] = {"ReplicaKmsKeyID": key}
        built: dict[str, Any] = {
            "ID": rule["id"],
            "Priority": rule["priority"] if rule.get("priority") is not None else index + 1,
            "Status": enabled(rule.get("status", "enabled") == "enabled"),
            "Filter": build_filter(rule.get("prefix"), rule.get("filter_tags"), empty={"Prefix": ""}),
            "DeleteMarkerReplication": {"Status": enabled(bool(rule.get("delete_marker_replication")))},
            "Destination": destination,
        }
        criteria: dict[str, Any] = {}
        if sse_kms:
            criteria["SseKmsEncryptedObjects"] = {"Status": "Enabled"}
        if rule.get("replica_modifications"):
            criteria["ReplicaModifications"] = {"Status": "Enabled"}
        if criteria:
            built["SourceSelectionCriteria"] = criteria
        rules.append(built)
    return {"Role": params["role"], "Rules": rules}


def canonical_replication(config: Mapping[str, Any] | None) -> dict[str, Any]:
    """A ReplicationConfiguration as a snake_cased, order-free dict (``{}`` for none)."""
    if not config:
        return {}
    rules = []
    for rule in config.get("Rules") or []:
        destination = rule.get("Destination") or {}
        criteria = rule.get("SourceSelectionCriteria") or {}
        rules.append(
            {
                "id": rule.get("ID"),
                "priority": rule.get("Priority"),
                "status": str(rule.get("Status")).lower(),
                "filter": canonical_filter(rule.get("Filter") if "Filter" in rule else {"Prefix": rule.get("Prefix")}),
                "delete_marker_replication": (rule.get("DeleteMarkerReplication") or {}).get("Status") == "Enabled",
                "destination_bucket": bucket_arn(destination.get("Bucket", "")),
                "storage_class": destination.get("StorageClass"),
                "replica_kms_key_id": (destination.get("EncryptionConfiguration") or {}).get("ReplicaKmsKeyID"),
                "sse_kms_encrypted_objects": (criteria.get("SseKmsEncryptedObjects") or {}).get("Status") == "Enabled",
                "replica_modifications": (criteria.get("ReplicaModifications") or {}).get("Status") == "Enabled",
            }
        )
    return {"role": config.get("Role"), "rules": sorted(rules, key=lambda r: str(r["id"]))}


def get_replication(connection: Any, bucket: str) -> dict[str, Any] | None:
    try:
        return connection.get_bucket_replication(aws_retry=True, Bucket=bucket)["ReplicationConfiguration"]
    except is_boto3_error_code("ReplicationConfigurationNotFoundError"):
        return None


# --------------------------------------------------------------------------- account public access block

PUBLIC_ACCESS_FIELDS: dict[str, str] = {
    "block_public_acls": "BlockPublicAcls",
    "ignore_public_acls": "IgnorePublicAcls",
    "block_public_policy": "BlockPublicPolicy",
    "restrict_public_buckets": "RestrictPublicBuckets",
}
AWS_ENDPOINT_SUFFIXES = (".amazonaws.com", ".amazonaws.com.cn", ".api.aws", ".c2s.ic.gov", ".sc2s.sgov.gov")


def strip_account_host_label(request: Any, **_: Any) -> None:
    """botocore ``before-send`` hook: ``https://123456789012.host:port/...`` → ``https://host:port/...``.

    S3 Control puts the account id in front of the endpoint's host. A local endpoint
    (``AWS_ENDPOINT_URL=http://127.0.0.1:4566``) then names a host that does not resolve.
    """
    parts = urlsplit(request.url)
    label, _, rest = parts.netloc.partition(".")
    if label.isdigit() and len(label) == 12 and rest:
        request.url = urlunsplit(parts._replace(netloc=rest))


def use_local_endpoint(connection: Any) -> None:
    """Register :func:`strip_account_host_label` when the client's endpoint is not AWS's own."""
    host = urlsplit(connection.meta.endpoint_url or "").hostname or ""
    if host and not host.endswith(AWS_ENDPOINT_SUFFIXES):
        # Once per client: common.client keeps clients for the later modules of the run.
        connection.meta.events.register(
            "before-send.s3-control", strip_account_host_label, unique_id="ecap-strip-account-host-label"
        )


def get_account_public_access_block(connection: Any, account_id: str) -> dict[str, bool] | None:
    try:
        return connection.get_public_access_block(aws_retry=True, AccountId=account_id)[
            "PublicAccessBlockConfiguration"
        ]
    except is_boto3_error_code("NoSuchPublicAccessBlockConfiguration"):
        return None


def canonical_public_access_block(config: Mapping[str, Any] | None) -> dict[str, bool]:
    if not config:
        return {}
    return {option: bool(config.get(field, False)) for option, field in PUBLIC_ACCESS_FIELDS.items()}


# --------------------------------------------------------------------------- generic


def to_snake(value: Any) -> Any:
    return camel_dict_to_snake_dict(copy.deepcopy(value)) if isinstance(value, dict) else value


# --------------------------------------------------------------------------- server access logging


def get_logging(connection: Any, bucket: str) -> dict[str, Any]:
    """``{"target_bucket", "target_prefix"}`` of the bucket's server access logging, ``{}`` when off."""
    enabled_ = connection.get_bucket_logging(aws_retry=True, Bucket=bucket).get("LoggingEnabled") or {}
    if not enabled_:
        return {}
    return {"target_bucket": enabled_.get("TargetBucket"), "target_prefix": enabled_.get("TargetPrefix", "")}


def put_logging(connection: Any, bucket: str, wanted: Mapping[str, Any]) -> None:
    status: dict[str, Any] = {}
    if wanted:
        status["LoggingEnabled"] = {"TargetBucket": wanted["target_bucket"], "TargetPrefix": wanted["target_prefix"]}
    connection.put_bucket_logging(aws_retry=True, Bucket=bucket, BucketLoggingStatus=status)


# --------------------------------------------------------------------------- folder objects


def prefix_errors(prefixes: Iterable[str]) -> list[str]:
    """Why these are not valid folder keys (non-empty, no leading ``/``, ending in ``/``)."""
    return [
        f"prefix {p!r} must be a key that ends with '/' and does not start with '/'"
        for p in prefixes
        if not isinstance(p, str) or not p.endswith("/") or p.startswith("/") or p == "/" or "//" in p
    ]


#: Keys per ListObjectsV2 page (the API's maximum).
LIST_PAGE = 1000


def existing_keys(connection: Any, bucket: str, keys: Iterable[str]) -> set[str]:
    """Which of ``keys`` exist, with ListObjectsV2 pages instead of one HeadObject per key.

    The keys are walked in S3's (UTF-8 binary) order under their common prefix. A page starts just before the
    first key not decided yet (``StartAfter`` is that key without its last character) and decides every
    wanted key up to the page's last key: listed means there, absent from that contiguous range means not. So
    a layout of folders holding few objects takes one call; a bucket full of data takes at most one call per
    key (as HeadObject did), never a walk through its data.
    """
    pending = sorted(set(keys), key=lambda k: k.encode())
    prefix = os.path.commonprefix(pending) if pending else ""
    found: set[str] = set()
    while pending:
        first = pending[0]
        params: dict[str, Any] = {"Bucket": bucket, "Prefix": prefix, "MaxKeys": LIST_PAGE}
        if first[:-1]:
            params["StartAfter"] = first[:-1]
        page = connection.list_objects_v2(aws_retry=True, **params)
        listed = {o["Key"] for o in page.get("Contents") or []}
        last = max((k.encode() for k in listed), default=b"")
        complete = not page.get("IsTruncated")
        decided = [k for k in pending if complete or k.encode() <= last]
        found.update(k for k in decided if k in listed)
        if not decided:  # a page of keys that sort before the first wanted one: not possible, but never loop
            decided = [first]
            found.update(k for k in decided if object_exists(connection, bucket, k))
        pending = [k for k in pending if k not in decided]
    return found


def object_exists(connection: Any, bucket: str, key: str) -> bool:
    try:
        connection.head_object(aws_retry=True, Bucket=bucket, Key=key)
        return True
    except is_boto3_error_code(["404", "NoSuchKey", "NotFound"]):
        return False


def put_folder_object(connection: Any, bucket: str, key: str, kms_key_id: str | None) -> None:
    params: dict[str, Any] = {"Bucket": bucket, "Key": key, "Body": b""}
    if kms_key_id:
        params.update(ServerSideEncryption="aws:kms", SSEKMSKeyId=kms_key_id)
    connection.put_object(aws_retry=True, **params)


# --------------------------------------------------------------------------- object versions
# ListObjectVersions, DeleteObject with VersionId (s3_object_version_info, s3_object_version).


def list_object_versions(connection: Any, bucket: str, key: str) -> list[dict[str, Any]]:
    """Every version and delete marker of exactly ``key``, newest first (all pages)."""
    entries: list[dict[str, Any]] = []
    request: dict[str, Any] = {"Bucket": bucket, "Prefix": key}
    while True:
        page = connection.list_object_versions(aws_retry=True, **request)
        for kind, marker in (("Versions", False), ("DeleteMarkers", True)):
            for entry in page.get(kind) or []:
                if entry.get("Key") != key:
                    continue
                entries.append(
                    {
                        "key": key,
                        "version_id": entry.get("VersionId") or "null",
                        "is_latest": bool(entry.get("IsLatest")),
                        "last_modified": entry["LastModified"],
                        "delete_marker": marker,
                        "size": entry.get("Size"),
                        "etag": entry.get("ETag"),
                        "storage_class": entry.get("StorageClass"),
                    }
                )
        if not page.get("IsTruncated"):
            break
        request.update(KeyMarker=page.get("NextKeyMarker"), VersionIdMarker=page.get("NextVersionIdMarker"))
    entries.sort(key=lambda e: (e["is_latest"], e["last_modified"]), reverse=True)
    for entry in entries:
        entry["last_modified"] = entry["last_modified"].isoformat()
    return entries


def delete_object_version(connection: Any, bucket: str, key: str, version_id: str) -> None:
    connection.delete_object(aws_retry=True, Bucket=bucket, Key=key, VersionId=version_id)
