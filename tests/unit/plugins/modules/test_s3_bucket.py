"""s3_bucket end to end on the emulator: main() in process, state read back with boto3, the emulator's counters
showing that check mode and refused input write nothing and that a no-op run makes exactly one read per managed
setting (issue #9: amazon.aws.s3_bucket made 12-13). The amazon.aws rhythm: check mode, create, re-run, update,
check-mode delete, delete, delete again."""

from __future__ import annotations

import functools
import json

import pytest
from ansible_collections.ecap.platform.plugins.modules import s3_bucket

NAME = "ecap-test-datalake"
PUBLIC = {
    "block_public_acls": True,
    "ignore_public_acls": True,
    "block_public_policy": True,
    "restrict_public_buckets": True,
}
NO_OP_READS = {
    "GetBucketVersioning": 1,
    "GetBucketEncryption": 1,
    "GetPublicAccessBlock": 1,
    "GetBucketOwnershipControls": 1,
    "GetBucketPolicy": 1,
    "GetBucketTagging": 1,
}


@pytest.fixture
def run(run_module):
    return functools.partial(run_module, s3_bucket)


@pytest.fixture(scope="module")
def keys(aws):
    return [aws("kms").create_key()["KeyMetadata"]["Arn"] for _ in range(2)]


def tls_only(bucket: str, sids=("DenyInsecureTransport",)) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": sid,
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
            for sid in sids
        ],
    }


def s3_calls(emulator, before):
    now = emulator.counters()["services"].get("s3", {})
    was = before["services"].get("s3", {})
    return {op: n - was.get(op, 0) for op, n in now.items() if n - was.get(op, 0)}


def read(s3, name=NAME):
    if name not in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
        return None
    rule = s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"][0]
    return {
        "versioning": s3.get_bucket_versioning(Bucket=name).get("Status"),
        "encryption": rule["ApplyServerSideEncryptionByDefault"],
        "bucket_key": rule.get("BucketKeyEnabled"),
        "public": s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"],
        "ownership": s3.get_bucket_ownership_controls(Bucket=name)["OwnershipControls"]["Rules"][0]["ObjectOwnership"],
        "policy": json.loads(s3.get_bucket_policy(Bucket=name)["Policy"]),
        "tags": {t["Key"]: t["Value"] for t in s3.get_bucket_tagging(Bucket=name)["TagSet"]},
    }


def test_lifecycle(run, aws, emulator, keys):
    s3 = aws("s3")
    args = {
        "name": NAME,
        "versioning": True,
        "encryption": "aws:kms",
        "encryption_key_id": keys[0],
        "bucket_key_enabled": True,
        "object_ownership": "BucketOwnerEnforced",
        "public_access": PUBLIC,
        "policy": json.dumps(tls_only(NAME)),
        "tags": {"Project": "ecap", "Purpose": "datalake"},
    }

    before = emulator.counters()
    result = run(args, check_mode=True)
    assert result["changed"] is True and result["diff"]["after"]["encryption"]["kms_master_key_id"] == keys[0]
    assert emulator.counters()["mutating"] == before["mutating"] and read(s3) is None

    result = run(args)
    assert result["changed"] is True and result["bucket"]["versioning"] == "Enabled"
    made = read(s3)
    assert made["versioning"] == "Enabled" and made["bucket_key"] is True
    assert made["encryption"] == {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": keys[0]}
    assert made["public"] == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    assert made["ownership"] == "BucketOwnerEnforced" and made["policy"] == tls_only(NAME)
    assert made["tags"] == {"Project": "ecap", "Purpose": "datalake"}

    # The no-op: one read per managed setting, nothing else (no HeadBucket, ACL, acceleration, inventory, ...).
    before = emulator.counters()
    result = run(args)
    assert result["changed"] is False and result["bucket"]["policy"] == tls_only(NAME)
    assert s3_calls(emulator, before) == NO_OP_READS
    # Fewer options, fewer reads; the policy as a dict is the same policy.
    before = emulator.counters()
    assert run({"name": NAME, "versioning": True, "policy": tls_only(NAME)})["changed"] is False
    assert s3_calls(emulator, before) == {"GetBucketVersioning": 1, "GetBucketPolicy": 1}
    before = emulator.counters()
    assert run({"name": NAME})["changed"] is False
    assert s3_calls(emulator, before) == {"HeadBucket": 1}

    update = {
        **args,
        "encryption_key_id": keys[1],
        "public_access": {"block_public_acls": True},  # an unset field keeps its value
        "policy": tls_only(NAME, ("DenyInsecureTransport", "DenyHttp")),
        "tags": {"Project": "ecap"},
    }
    before = emulator.counters()
    result = run(update, check_mode=True)
    assert result["changed"] is True and result["diff"]["before"]["tags"] == args["tags"]
    assert result["diff"]["after"]["tags"] == {"Project": "ecap"}
    assert emulator.counters()["mutating"] == before["mutating"]
    assert run(update)["changed"] is True
    after = read(s3)
    assert after["encryption"]["KMSMasterKeyID"] == keys[1] and after["public"]["RestrictPublicBuckets"] is True
    assert len(after["policy"]["Statement"]) == 2 and after["tags"] == {"Project": "ecap"}
    assert run(update)["changed"] is False

    # Suspend versioning, delete the policy.
    assert run({"name": NAME, "versioning": False, "policy": ""})["changed"] is True
    assert s3.get_bucket_versioning(Bucket=NAME)["Status"] == "Suspended"
    with pytest.raises(s3.exceptions.ClientError):
        s3.get_bucket_policy(Bucket=NAME)
    assert run({"name": NAME, "versioning": False, "policy": {}})["changed"] is False

    s3.put_object(Bucket=NAME, Key="raw/orders/1.json", Body=b"{}")
    before = emulator.counters()
    assert run({"name": NAME, "state": "absent"}, check_mode=True)["changed"] is True
    assert emulator.counters()["mutating"] == before["mutating"] and exists(s3)
    result = run({"name": NAME, "state": "absent"}, failed=True)
    assert "is not empty: set force=true" in result["msg"]
    assert run({"name": NAME, "state": "absent", "force": True})["changed"] is True
    assert not exists(s3)
    assert run({"name": NAME, "state": "absent"})["changed"] is False


def test_sse_s3_bucket(run, aws, emulator):
    s3 = aws("s3")
    args = {"name": "ecap-test-logs", "versioning": True, "encryption": "AES256", "tags": {"Purpose": "logs"}}
    assert run(args)["changed"] is True
    assert read_encryption(s3, "ecap-test-logs") == {"SSEAlgorithm": "AES256"}
    before = emulator.counters()
    assert run(args)["changed"] is False
    assert s3_calls(emulator, before) == {"GetBucketVersioning": 1, "GetBucketEncryption": 1, "GetBucketTagging": 1}
    assert run({"name": "ecap-test-logs", "state": "absent", "force": True})["changed"] is True


def exists(s3, name=NAME) -> bool:
    return name in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def read_encryption(s3, name):
    config = s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]
    return config["Rules"][0]["ApplyServerSideEncryptionByDefault"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"name": "Bad_Name"}, "may only contain lowercase letters"),
        ({"name": NAME, "encryption": "AES256", "encryption_key_id": "arn:aws:kms:x"}, "needs encryption=aws:kms"),
        ({"name": NAME, "bucket_key_enabled": True}, "bucket_key_enabled needs encryption"),
        ({"name": NAME, "policy": "{not json"}, "policy is not JSON"),
        ({"name": NAME, "policy": "[1]"}, "policy must be a JSON object"),
    ],
)
def test_refused_before_any_call(run, emulator, args, message):
    before = emulator.counters()["total"]
    result = run(args, failed=True)
    assert message in result["msg"]
    assert emulator.counters()["total"] == before
