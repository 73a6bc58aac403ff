"""s3_bucket_lifecycle, s3_bucket_intelligent_tiering, s3_bucket_replication and
s3_account_public_access_block end to end: ``main()`` in process against a private emulator.

State is read back with boto3; the emulator's counters show that check mode and no-op runs write nothing.
"""

from __future__ import annotations

import itertools
import json

import boto3
import pytest
from ansible_collections.ecap.platform.plugins.modules import (
    s3_account_public_access_block,
    s3_bucket_intelligent_tiering,
    s3_bucket_lifecycle,
    s3_bucket_logging,
    s3_bucket_prefixes,
    s3_bucket_replication,
)

REGION = "us-west-2"
ACCOUNT = "123456789012"
_names = itertools.count(1)


@pytest.fixture
def run(run_module, emulator):
    """``run(module, args, check=False)`` → ``(result, mutating calls made)``; a failure is a result too."""

    def call(module, args, check=False):
        emulator.reset_counters()
        result = run_module(module, args, check_mode=check, failed=None)
        return result, emulator.counters()["mutating"]

    return call


def new_bucket(s3, versioned=False) -> str:
    name = f"ecap-unit-{next(_names)}"
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    if versioned:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return name


# --------------------------------------------------------------------------- lifecycle

RAW = {
    "id": "raw",
    "prefix": "raw/",
    "transitions": [
        {"days": 90, "storage_class": "GLACIER_IR"},
        {"days": 30, "storage_class": "STANDARD_IA"},
        {"days": 365, "storage_class": "DEEP_ARCHIVE"},
    ],
    "noncurrent_version_expiration_days": 90,
    "abort_incomplete_multipart_upload_days": 7,
}
STAGING = {"id": "staging", "prefix": "staging/", "expiration_days": 14, "abort_incomplete_multipart_upload_days": 7}


def test_lifecycle_check_create_rerun_update_absent(aws, run):
    s3 = aws("s3")
    bucket = new_bucket(s3)
    args = {"bucket": bucket, "rules": [RAW, STAGING]}

    result, writes = run(s3_bucket_lifecycle, args, check=True)
    assert result["changed"] and writes == 0
    assert result["diff"]["before"] == {"rules": []}
    with pytest.raises(s3.exceptions.ClientError):
        s3.get_bucket_lifecycle_configuration(Bucket=bucket)

    result, writes = run(s3_bucket_lifecycle, args)
    assert result["changed"] and writes == 1
    rules = {r["ID"]: r for r in s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]}
    assert rules["raw"]["Filter"] == {"Prefix": "raw/"}
    assert [(t["Days"], t["StorageClass"]) for t in rules["raw"]["Transitions"]] == [
        (30, "STANDARD_IA"),
        (90, "GLACIER_IR"),
        (365, "DEEP_ARCHIVE"),
    ]
    assert rules["raw"]["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 7}
    assert rules["staging"]["Expiration"] == {"Days": 14}

    result, writes = run(s3_bucket_lifecycle, args)
    assert not result["changed"] and writes == 0

    updated = {**STAGING, "expiration_days": 7}
    result, writes = run(s3_bucket_lifecycle, {"bucket": bucket, "rules": [RAW, updated]})
    assert result["changed"] and writes == 1
    rules = {r["ID"]: r for r in s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]}
    assert rules["staging"]["Expiration"] == {"Days": 7} and set(rules) == {"raw", "staging"}

    # purge_rules=false keeps rules it does not name; the default purges them
    result, _ = run(s3_bucket_lifecycle, {"bucket": bucket, "rules": [STAGING], "purge_rules": False})
    assert set(r["ID"] for r in s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]) == {"raw", "staging"}
    result, _ = run(s3_bucket_lifecycle, {"bucket": bucket, "rules": [STAGING]})
    assert [r["ID"] for r in s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]] == ["staging"]

    result, writes = run(s3_bucket_lifecycle, {"bucket": bucket, "state": "absent"}, check=True)
    assert result["changed"] and writes == 0
    result, writes = run(s3_bucket_lifecycle, {"bucket": bucket, "state": "absent"})
    assert result["changed"] and writes == 1
    with pytest.raises(s3.exceptions.ClientError):
        s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    result, writes = run(s3_bucket_lifecycle, {"bucket": bucket, "state": "absent"})
    assert not result["changed"] and writes == 0


def test_lifecycle_refuses_glacier_before_standard_ia_without_a_call(aws, run, emulator):
    bad = {
        "id": "raw",
        "transitions": [{"days": 30, "storage_class": "STANDARD_IA"}, {"days": 20, "storage_class": "GLACIER"}],
    }
    emulator.reset_counters()
    result, _ = run(s3_bucket_lifecycle, {"bucket": "ecap-unit-any", "rules": [bad]})
    assert result["failed"]
    assert "GLACIER at 20 days is sooner" in result["msg"]
    assert emulator.counters()["total"] == 0


# --------------------------------------------------------------------------- intelligent tiering


def test_intelligent_tiering_lifecycle(aws, run):
    s3 = aws("s3")
    bucket = new_bucket(s3)
    args = {
        "bucket": bucket,
        "id": "curated",
        "prefix": "curated/",
        "tierings": [
            {"access_tier": "DEEP_ARCHIVE_ACCESS", "days": 180},
            {"access_tier": "ARCHIVE_ACCESS", "days": 90},
        ],
    }
    result, writes = run(s3_bucket_intelligent_tiering, args, check=True)
    assert result["changed"] and writes == 0
    assert result["diff"]["before"] == {} and result["diff"]["after"]["filter"] == {"prefix": "curated/"}
    assert (
        s3.list_bucket_intelligent_tiering_configurations(Bucket=bucket).get("IntelligentTieringConfigurationList", [])
        == []
    )

    result, writes = run(s3_bucket_intelligent_tiering, args)
    assert result["changed"] and writes == 1
    got = s3.get_bucket_intelligent_tiering_configuration(Bucket=bucket, Id="curated")[
        "IntelligentTieringConfiguration"
    ]
    assert got == {
        "Id": "curated",
        "Status": "Enabled",
        "Filter": {"Prefix": "curated/"},
        "Tierings": [{"Days": 90, "AccessTier": "ARCHIVE_ACCESS"}, {"Days": 180, "AccessTier": "DEEP_ARCHIVE_ACCESS"}],
    }

    result, writes = run(s3_bucket_intelligent_tiering, args)
    assert not result["changed"] and writes == 0

    tagged = {**args, "filter_tags": {"tier": "cold"}, "tierings": [{"access_tier": "ARCHIVE_ACCESS", "days": 120}]}
    result, writes = run(s3_bucket_intelligent_tiering, tagged)
    assert result["changed"] and writes == 1
    got = s3.get_bucket_intelligent_tiering_configuration(Bucket=bucket, Id="curated")[
        "IntelligentTieringConfiguration"
    ]
    assert got["Filter"] == {"And": {"Prefix": "curated/", "Tags": [{"Key": "tier", "Value": "cold"}]}}
    assert got["Tierings"] == [{"Days": 120, "AccessTier": "ARCHIVE_ACCESS"}]

    absent = {"bucket": bucket, "id": "curated", "state": "absent"}
    result, writes = run(s3_bucket_intelligent_tiering, absent)
    assert result["changed"] and writes == 1
    assert (
        s3.list_bucket_intelligent_tiering_configurations(Bucket=bucket).get("IntelligentTieringConfigurationList", [])
        == []
    )
    result, writes = run(s3_bucket_intelligent_tiering, absent)
    assert not result["changed"] and writes == 0


def test_intelligent_tiering_configurations_in_one_run(aws, run, emulator):
    s3 = aws("s3")
    bucket = new_bucket(s3)
    curated = {"id": "curated", "prefix": "curated/", "tierings": [{"access_tier": "ARCHIVE_ACCESS", "days": 90}]}
    analytics = {
        "id": "analytics",
        "prefix": "analytics/",
        "tierings": [{"access_tier": "ARCHIVE_ACCESS", "days": 180}],
    }
    old = {"id": "old", "tierings": [{"access_tier": "DEEP_ARCHIVE_ACCESS", "days": 180}]}
    result, writes = run(s3_bucket_intelligent_tiering, {"bucket": bucket, "configurations": [curated, old]})
    assert result["changed"] and writes == 2
    args = {"bucket": bucket, "configurations": [curated, analytics], "purge_configurations": True}
    result, writes = run(s3_bucket_intelligent_tiering, args, check=True)
    assert result["changed"] and writes == 0
    assert [c["id"] for c in result["diff"]["before"]["configurations"]] == ["curated", "old"]
    assert [c["id"] for c in result["configurations"]] == ["analytics", "curated"]
    result, writes = run(s3_bucket_intelligent_tiering, args)
    assert result["changed"] and writes == 2  # put analytics, delete old
    listed = s3.list_bucket_intelligent_tiering_configurations(Bucket=bucket)["IntelligentTieringConfigurationList"]
    assert sorted(c["Id"] for c in listed) == ["analytics", "curated"]
    # A no-op: one listing for every configuration (issue #9: it was a listing plus one Get per configuration).
    result, writes = run(s3_bucket_intelligent_tiering, args)
    assert not result["changed"] and writes == 0
    assert emulator.counters()["services"] == {"s3": {"ListBucketIntelligentTieringConfigurations": 1}}
    result, _ = run(s3_bucket_intelligent_tiering, {**args, "configurations": [curated, curated]})
    assert result["failed"] and "curated is given more than once" in result["msg"]
    assert emulator.counters()["total"] == 0


def test_intelligent_tiering_refuses_bad_days_without_a_call(run, emulator):
    args = {"bucket": "ecap-unit-any", "id": "x", "tierings": [{"access_tier": "ARCHIVE_ACCESS", "days": 30}]}
    result, _ = run(s3_bucket_intelligent_tiering, args)
    assert result["failed"] and "between 90 and 730" in result["msg"]
    assert emulator.counters()["total"] == 0


# --------------------------------------------------------------------------- replication


def test_replication_lifecycle(aws, run):
    s3, kms = aws("s3"), aws("kms")
    source, replica, other = new_bucket(s3, True), new_bucket(s3, True), new_bucket(s3, True)
    key = kms.create_key()["KeyMetadata"]["Arn"]
    role = f"arn:aws:iam::{ACCOUNT}:role/ecap-unit-replication"
    args = {
        "bucket": source,
        "role": role,
        "rules": [
            {
                "id": "dr",
                "destination_bucket": replica,
                "replica_kms_key_id": key,
                "storage_class": "STANDARD_IA",
                "delete_marker_replication": True,
            }
        ],
    }
    result, writes = run(s3_bucket_replication, args, check=True)
    assert result["changed"] and writes == 0
    with pytest.raises(s3.exceptions.ClientError):
        s3.get_bucket_replication(Bucket=source)

    result, writes = run(s3_bucket_replication, args)
    assert result["changed"] and writes == 1
    got = s3.get_bucket_replication(Bucket=source)["ReplicationConfiguration"]
    assert got["Role"] == role
    [rule] = got["Rules"]
    assert rule["DeleteMarkerReplication"] == {"Status": "Enabled"}
    assert rule["SourceSelectionCriteria"] == {"SseKmsEncryptedObjects": {"Status": "Enabled"}}
    assert rule["Destination"] == {
        "Bucket": f"arn:aws:s3:::{replica}",
        "StorageClass": "STANDARD_IA",
        "EncryptionConfiguration": {"ReplicaKmsKeyID": key},
    }

    result, writes = run(s3_bucket_replication, args)
    assert not result["changed"] and writes == 0

    args["rules"][0]["destination_bucket"] = f"arn:aws:s3:::{other}"
    result, writes = run(s3_bucket_replication, args)
    assert result["changed"] and writes == 1
    assert s3.get_bucket_replication(Bucket=source)["ReplicationConfiguration"]["Rules"][0]["Destination"][
        "Bucket"
    ] == (f"arn:aws:s3:::{other}")

    result, writes = run(s3_bucket_replication, {"bucket": source, "state": "absent"})
    assert result["changed"] and writes == 1
    with pytest.raises(s3.exceptions.ClientError):
        s3.get_bucket_replication(Bucket=source)
    result, writes = run(s3_bucket_replication, {"bucket": source, "state": "absent"})
    assert not result["changed"] and writes == 0


def test_replication_refuses_sse_kms_without_key_without_a_call(run, emulator):
    args = {
        "bucket": "ecap-unit-src",
        "role": f"arn:aws:iam::{ACCOUNT}:role/r",
        "rules": [{"id": "dr", "destination_bucket": "ecap-unit-dst", "sse_kms_encrypted_objects": True}],
    }
    result, _ = run(s3_bucket_replication, args)
    assert result["failed"] and "needs replica_kms_key_id" in result["msg"]
    assert emulator.counters()["total"] == 0


# --------------------------------------------------------------------------- account public access block


def test_account_public_access_block(aws, run, emulator):
    from botocore.config import Config

    s3control = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION
    ).client("s3control", endpoint_url=emulator.endpoint, config=Config())
    from ansible_collections.ecap.platform.plugins.module_utils.s3 import use_local_endpoint

    use_local_endpoint(s3control)

    result, writes = run(s3_account_public_access_block, {}, check=True)
    assert result["changed"] and writes == 0 and result["account_id"] == ACCOUNT
    result, writes = run(s3_account_public_access_block, {})
    assert result["changed"] and writes == 1
    got = s3control.get_public_access_block(AccountId=ACCOUNT)["PublicAccessBlockConfiguration"]
    assert got == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    result, writes = run(s3_account_public_access_block, {})
    assert not result["changed"] and writes == 0
    result, writes = run(s3_account_public_access_block, {"state": "absent"})
    assert result["changed"] and writes == 1
    with pytest.raises(s3control.exceptions.ClientError):
        s3control.get_public_access_block(AccountId=ACCOUNT)
    result, writes = run(s3_account_public_access_block, {"state": "absent"})
    assert not result["changed"] and writes == 0


# --------------------------------------------------------------------------- access logging


def test_bucket_logging_with_acls_disabled(aws, run):
    s3 = aws("s3")
    source, logs = new_bucket(s3), new_bucket(s3)
    s3.put_bucket_ownership_controls(
        Bucket=logs, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    )
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "S3ServerAccessLogs",
                "Effect": "Allow",
                "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{logs}/*",
                "Condition": {"ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{source}"}},
            }
        ],
    }
    s3.put_bucket_policy(Bucket=logs, Policy=json.dumps(policy))
    args = {"bucket": source, "target_bucket": logs, "target_prefix": "access/"}
    result, writes = run(s3_bucket_logging, args, check=True)
    assert result["changed"] and writes == 0 and "LoggingEnabled" not in s3.get_bucket_logging(Bucket=source)
    result, writes = run(s3_bucket_logging, args)
    assert result["changed"] and writes == 1
    assert s3.get_bucket_logging(Bucket=source)["LoggingEnabled"] == {"TargetBucket": logs, "TargetPrefix": "access/"}
    result, writes = run(s3_bucket_logging, args)
    assert not result["changed"] and writes == 0
    result, writes = run(s3_bucket_logging, {"bucket": source, "state": "absent"})
    assert result["changed"] and writes == 1 and "LoggingEnabled" not in s3.get_bucket_logging(Bucket=source)
    result, writes = run(s3_bucket_logging, {"bucket": source, "state": "absent"})
    assert not result["changed"] and writes == 0


# --------------------------------------------------------------------------- folder objects


def test_bucket_prefixes(aws, run, emulator):
    s3, kms = aws("s3"), aws("kms")
    bucket = new_bucket(s3)
    key = kms.create_key()["KeyMetadata"]["Arn"]
    args = {"bucket": bucket, "prefixes": ["raw/orders/", "staging/"], "kms_key_id": key}
    result, writes = run(s3_bucket_prefixes, args, check=True)
    assert result["changed"] and result["created"] == ["raw/orders/", "staging/"] and writes == 0
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)
    result, writes = run(s3_bucket_prefixes, args)
    assert result["changed"] and writes == 2
    assert sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]) == ["raw/orders/", "staging/"]
    head = s3.head_object(Bucket=bucket, Key="raw/orders/")
    assert head["ServerSideEncryption"] == "aws:kms" and head["SSEKMSKeyId"] == key and head["ContentLength"] == 0
    result, writes = run(s3_bucket_prefixes, args)
    assert not result["changed"] and writes == 0
    # A no-op reads the layout with one ListObjectsV2 (issue #9: it was one HeadObject per key).
    assert emulator.counters()["services"] == {"s3": {"ListObjectsV2": 1}}
    s3.put_object(Bucket=bucket, Key="staging/data.json", Body=b"{}")
    result, writes = run(s3_bucket_prefixes, {**args, "state": "absent"})
    assert result["deleted"] == ["raw/orders/", "staging/"] and writes == 2
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["staging/data.json"]
    result, _ = run(s3_bucket_prefixes, {**args, "prefixes": ["/raw"]})
    assert result["failed"] and "ends with '/'" in result["msg"]


def test_bucket_prefixes_page_past_the_data(aws, run, emulator, monkeypatch):
    """Data under the folders fills the pages: each page starts just before the next undecided key."""
    from ansible_collections.ecap.platform.plugins.module_utils import s3 as s3_utils
    from ansible_collections.ecap.platform.plugins.module_utils.common import wrap_client

    monkeypatch.setattr(s3_utils, "LIST_PAGE", 2)
    s3 = wrap_client(aws("s3"))
    bucket = new_bucket(s3)
    for key in ("raw/clicks/", "raw/clicks/a", "raw/clicks/b", "raw/clicks/c", "raw/orders.csv", "raw/zeta/"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"")
    wanted = ["raw/clicks/", "raw/orders/", "raw/zeta/", "raw/zz/"]
    assert s3_utils.existing_keys(s3, bucket, wanted) == {"raw/clicks/", "raw/zeta/"}
    result, writes = run(s3_bucket_prefixes, {"bucket": bucket, "prefixes": wanted})
    assert result["created"] == ["raw/orders/", "raw/zz/"] and writes == 2
    emulator.reset_counters()
    assert s3_utils.existing_keys(s3, bucket, wanted) == set(wanted)
    # raw/clicks/ + a (page 1); from raw/orders: orders.csv, orders/ (page 2); from raw/zeta: zeta/, zz/ (page 3).
    assert emulator.counters()["services"] == {"s3": {"ListObjectsV2": 3}}
