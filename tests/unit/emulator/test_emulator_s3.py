"""S3 fixes of the emulator, checked as boto3 sees them (same scheme as test_emulator_fixes.py).

Every check runs against the emulator, where it must pass, and against plain moto 5.2.5, where it
is a strict xfail: intelligent-tiering configurations do not exist there (a PUT creates a bucket,
a GET lists objects) and GetBucketReplication loses what PutBucketReplication was given.
"""

from __future__ import annotations

import itertools

import pytest
from botocore.exceptions import ClientError

NO_RETRY = {"retries": {"total_max_attempts": 1}}
REGION = "us-west-2"
_names = itertools.count(1)


def bucket(s3, versioned: bool = False) -> str:
    name = f"ecap-test-{next(_names)}"
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    if versioned:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return name


CURATED = {
    "Id": "curated",
    "Status": "Enabled",
    "Filter": {"Prefix": "curated/"},
    "Tierings": [{"Days": 90, "AccessTier": "ARCHIVE_ACCESS"}, {"Days": 180, "AccessTier": "DEEP_ARCHIVE_ACCESS"}],
}
ANALYTICS = {
    "Id": "analytics",
    "Status": "Disabled",
    "Filter": {"And": {"Prefix": "analytics/", "Tags": [{"Key": "tier", "Value": "cold"}]}},
    "Tierings": [{"Days": 120, "AccessTier": "ARCHIVE_ACCESS"}],
}


# --- Intelligent tiering ------------------------------------------------------------------------


def test_intelligent_tiering_round_trip(client) -> None:
    """Put, get, list (sorted by id), replace and delete read back exactly what was put."""
    s3 = client("s3")
    name = bucket(s3)
    for config in (CURATED, ANALYTICS):
        s3.put_bucket_intelligent_tiering_configuration(
            Bucket=name, Id=config["Id"], IntelligentTieringConfiguration=config
        )
    got = s3.get_bucket_intelligent_tiering_configuration(Bucket=name, Id="curated")
    assert got["IntelligentTieringConfiguration"] == CURATED
    listed = s3.list_bucket_intelligent_tiering_configurations(Bucket=name)
    assert listed["IsTruncated"] is False
    assert listed["IntelligentTieringConfigurationList"] == [ANALYTICS, CURATED]
    replaced = {**CURATED, "Tierings": [{"Days": 200, "AccessTier": "DEEP_ARCHIVE_ACCESS"}]}
    s3.put_bucket_intelligent_tiering_configuration(Bucket=name, Id="curated", IntelligentTieringConfiguration=replaced)
    got = s3.get_bucket_intelligent_tiering_configuration(Bucket=name, Id="curated")
    assert got["IntelligentTieringConfiguration"] == replaced
    s3.delete_bucket_intelligent_tiering_configuration(Bucket=name, Id="analytics")
    listed = s3.list_bucket_intelligent_tiering_configurations(Bucket=name)
    assert [c["Id"] for c in listed["IntelligentTieringConfigurationList"]] == ["curated"]
    assert "KeyCount" in s3.list_objects_v2(Bucket=name)  # the bucket itself is untouched


def test_intelligent_tiering_unknown_id_is_no_such_configuration(client) -> None:
    s3 = client("s3")
    name = bucket(s3)
    for call in (s3.get_bucket_intelligent_tiering_configuration, s3.delete_bucket_intelligent_tiering_configuration):
        with pytest.raises(ClientError) as err:
            call(Bucket=name, Id="missing")
        assert err.value.response["Error"]["Code"] == "NoSuchConfiguration"
        assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    listed = s3.list_bucket_intelligent_tiering_configurations(Bucket=name)
    assert listed.get("IntelligentTieringConfigurationList", []) == []
    assert listed["IsTruncated"] is False


@pytest.mark.parametrize(
    "tierings",
    [
        [{"Days": 30, "AccessTier": "ARCHIVE_ACCESS"}],  # below the 90-day minimum
        [{"Days": 100, "AccessTier": "DEEP_ARCHIVE_ACCESS"}],  # below the 180-day minimum
        [{"Days": 200, "AccessTier": "ARCHIVE_ACCESS"}, {"Days": 190, "AccessTier": "DEEP_ARCHIVE_ACCESS"}],
    ],
    ids=["archive-too-soon", "deep-archive-too-soon", "deep-before-archive"],
)
def test_intelligent_tiering_rejects_invalid_days(client, tierings) -> None:
    s3 = client("s3")
    name = bucket(s3)
    config = {"Id": "x", "Status": "Enabled", "Tierings": tierings}
    with pytest.raises(ClientError) as err:
        s3.put_bucket_intelligent_tiering_configuration(Bucket=name, Id="x", IntelligentTieringConfiguration=config)
    assert err.value.response["Error"]["Code"] == "InvalidArgument"
    listed = s3.list_bucket_intelligent_tiering_configurations(Bucket=name)
    assert listed.get("IntelligentTieringConfigurationList", []) == []


# --- Replication --------------------------------------------------------------------------------


def replication(destination: str, key_arn: str | None, **rule: object) -> dict:
    dest: dict = {"Bucket": f"arn:aws:s3:::{destination}", "StorageClass": "STANDARD_IA"}
    if key_arn:
        dest["EncryptionConfiguration"] = {"ReplicaKmsKeyID": key_arn}
    return {
        "Role": "arn:aws:iam::123456789012:role/ecap-test-replication",
        "Rules": [
            {
                "ID": "dr",
                "Priority": 1,
                "Status": "Enabled",
                "Filter": {"Prefix": "raw/"},
                "DeleteMarkerReplication": {"Status": "Enabled"},
                "Destination": dest,
                **rule,
            }
        ],
    }


def test_replication_reads_back_what_was_put(client) -> None:
    """Filter, delete-marker replication, SSE-KMS source selection and the replica key survive a round trip."""
    s3, kms = client("s3"), client("kms")
    key = kms.create_key()["KeyMetadata"]["Arn"]
    source, destination = bucket(s3, versioned=True), bucket(s3, versioned=True)
    wanted = replication(destination, key, SourceSelectionCriteria={"SseKmsEncryptedObjects": {"Status": "Enabled"}})
    s3.put_bucket_replication(Bucket=source, ReplicationConfiguration=wanted)
    assert s3.get_bucket_replication(Bucket=source)["ReplicationConfiguration"] == wanted
    s3.delete_bucket_replication(Bucket=source)
    with pytest.raises(ClientError) as err:
        s3.get_bucket_replication(Bucket=source)
    assert err.value.response["Error"]["Code"] == "ReplicationConfigurationNotFoundError"


@pytest.mark.parametrize("case", ["kms-without-replica-key", "missing-destination", "unversioned-destination"])
def test_replication_rejects_what_aws_rejects(client, case) -> None:
    s3, kms = client("s3"), client("kms")
    key = kms.create_key()["KeyMetadata"]["Arn"]
    source = bucket(s3, versioned=True)
    sse = {"SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}}}
    config = {
        "kms-without-replica-key": lambda: replication(bucket(s3, versioned=True), None, **sse),
        "missing-destination": lambda: replication("ecap-test-does-not-exist", key, **sse),
        "unversioned-destination": lambda: replication(bucket(s3), key, **sse),
    }[case]()
    with pytest.raises(ClientError) as err:
        s3.put_bucket_replication(Bucket=source, ReplicationConfiguration=config)
    assert err.value.response["Error"]["Code"] == "InvalidRequest"


# --- Object ownership ---------------------------------------------------------------------------


def test_bucket_owner_enforced_refuses_acl_grants(client) -> None:
    """ACLs disabled (BucketOwnerEnforced): granting the log-delivery group fails as on AWS; owner-only passes."""
    s3 = client("s3")
    name = bucket(s3)
    s3.put_bucket_ownership_controls(
        Bucket=name, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    )
    acl = s3.get_bucket_acl(Bucket=name)
    owner_only = {"Owner": acl["Owner"], "Grants": acl["Grants"]}
    s3.put_bucket_acl(Bucket=name, AccessControlPolicy=owner_only)
    log_delivery = {
        "Grantee": {"URI": "http://acs.amazonaws.com/groups/s3/LogDelivery", "Type": "Group"},
        "Permission": "FULL_CONTROL",
    }
    for request in (
        {"AccessControlPolicy": {"Owner": acl["Owner"], "Grants": [*acl["Grants"], log_delivery]}},
        {"ACL": "public-read"},
    ):
        with pytest.raises(ClientError) as err:
            s3.put_bucket_acl(Bucket=name, **request)
        assert err.value.response["Error"]["Code"] == "AccessControlListNotSupported"
    assert s3.get_bucket_acl(Bucket=name)["Grants"] == acl["Grants"]


# --- Server access logging ----------------------------------------------------------------------


def test_logging_to_a_bucket_whose_policy_also_denies_plain_http(client) -> None:
    """A target bucket policy with a TLS-only deny (``Principal: "*"``) next to the logging grant works."""
    import json

    s3 = client("s3")
    source, logs = bucket(s3), bucket(s3)
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [f"arn:aws:s3:::{logs}", f"arn:aws:s3:::{logs}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
            {
                "Sid": "S3ServerAccessLogs",
                "Effect": "Allow",
                "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{logs}/access/{source}/*",
                "Condition": {"ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{source}"}},
            },
        ],
    }
    s3.put_bucket_policy(Bucket=logs, Policy=json.dumps(policy))
    status = {"LoggingEnabled": {"TargetBucket": logs, "TargetPrefix": f"access/{source}/"}}
    s3.put_bucket_logging(Bucket=source, BucketLoggingStatus=status)
    assert s3.get_bucket_logging(Bucket=source)["LoggingEnabled"] == status["LoggingEnabled"]
    with pytest.raises(ClientError) as err:  # a prefix the policy does not cover is still refused
        s3.put_bucket_logging(
            Bucket=source, BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": logs, "TargetPrefix": "x/"}}
        )
    assert err.value.response["Error"]["Code"] == "InvalidTargetBucketForLogging"


# --- Bucket policy conditions -------------------------------------------------------------------


def test_bucket_policy_conditions_are_evaluated(client) -> None:
    """TLS-only and SSE-KMS-only policy: an encrypted put passes, an unencrypted one is refused (moto: all 403)."""
    import json

    s3, kms = client("s3"), client("kms")
    key = kms.create_key()["KeyMetadata"]["Arn"]
    name = bucket(s3)
    arn = f"arn:aws:s3:::{name}"
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [arn, f"{arn}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
            {
                "Sid": "DenyUnencryptedObjectUploads",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:PutObject",
                "Resource": f"{arn}/*",
                "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}},
            },
            {
                "Sid": "DenyOtherKmsKeys",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:PutObject",
                "Resource": f"{arn}/*",
                "Condition": {"StringNotEqualsIfExists": {"s3:x-amz-server-side-encryption-aws-kms-key-id": key}},
            },
        ],
    }
    s3.put_bucket_policy(Bucket=name, Policy=json.dumps(policy))
    s3.put_object(Bucket=name, Key="raw/a", Body=b"1", ServerSideEncryption="aws:kms", SSEKMSKeyId=key)
    assert s3.get_object(Bucket=name, Key="raw/a")["Body"].read() == b"1"
    other_key = kms.create_key()["KeyMetadata"]["Arn"]
    for extra in (
        {},
        {"ServerSideEncryption": "AES256"},
        {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": other_key},
    ):
        with pytest.raises(ClientError) as err:
            s3.put_object(Bucket=name, Key="raw/b", Body=b"2", **extra)
        assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403, extra


def test_bucket_policy_names_the_actions_aws_authorises(client) -> None:
    """A deny of s3:PutObject does not cover PutObjectAcl/PutObjectTagging (moto maps them all to PutObject)."""
    import json

    s3 = client("s3")
    name = bucket(s3)
    s3.put_object(Bucket=name, Key="k", Body=b"1")
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyUnencryptedObjectUploads",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{name}/*",
                "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}},
            }
        ],
    }
    s3.put_bucket_policy(Bucket=name, Policy=json.dumps(policy))
    s3.put_object_tagging(Bucket=name, Key="k", Tagging={"TagSet": [{"Key": "a", "Value": "b"}]})
    s3.put_object_acl(Bucket=name, Key="k", ACL="private")
    s3.head_object(Bucket=name, Key="k")
