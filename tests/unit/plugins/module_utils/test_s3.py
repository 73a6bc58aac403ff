"""Pure logic of plugins/module_utils/s3.py: validation, request building, canonical comparison."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from ansible_collections.ecap.platform.plugins.module_utils import s3

RAW = {
    "id": "raw",
    "prefix": "raw/",
    "transitions": [
        {"days": 30, "storage_class": "STANDARD_IA"},
        {"days": 90, "storage_class": "GLACIER_IR"},
        {"days": 365, "storage_class": "DEEP_ARCHIVE"},
    ],
    "noncurrent_version_expiration_days": 90,
    "abort_incomplete_multipart_upload_days": 7,
}


# --------------------------------------------------------------------------- bucket names


@pytest.mark.parametrize("name", ["ecap-prod-datalake-123456789012-us-west-2", "abc", "a.b-c"])
def test_valid_bucket_names(name):
    assert s3.bucket_name_errors(name) == []


@pytest.mark.parametrize(
    "name",
    ["ab", "Ecap-Data", "ecap_data", "-ecap", "ecap-", "a" * 64, "xn--ecap", "ecap..data", "192.168.1.1", "x-s3alias"],
)
def test_invalid_bucket_names(name):
    assert s3.bucket_name_errors(name)


# --------------------------------------------------------------------------- filters


@pytest.mark.parametrize(
    ("prefix", "tags", "expected"),
    [
        (None, None, None),
        ("raw/", None, {"Prefix": "raw/"}),
        (None, {"a": "1"}, {"Tag": {"Key": "a", "Value": "1"}}),
        (None, {"b": "2", "a": "1"}, {"And": {"Tags": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]}}),
        ("raw/", {"a": 1}, {"And": {"Prefix": "raw/", "Tags": [{"Key": "a", "Value": "1"}]}}),
    ],
)
def test_build_filter(prefix, tags, expected):
    assert s3.build_filter(prefix, tags) == expected


def test_canonical_filter_treats_empty_forms_alike():
    assert s3.canonical_filter(None) == s3.canonical_filter({}) == s3.canonical_filter({"Prefix": ""}) == {}
    assert s3.canonical_filter({"Tag": {"Key": "a", "Value": "1"}}) == s3.canonical_filter(
        {"And": {"Tags": [{"Key": "a", "Value": "1"}]}}
    )


# --------------------------------------------------------------------------- lifecycle


def test_valid_lifecycle_rules():
    staging = {"id": "staging", "prefix": "staging/", "expiration_days": 7}
    assert s3.validate_lifecycle_rules([RAW, staging]) == []


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            {
                "id": "r",
                "transitions": [{"days": 30, "storage_class": "STANDARD_IA"}, {"days": 20, "storage_class": "GLACIER"}],
            },
            "GLACIER at 20 days is sooner",
        ),
        ({"id": "r", "transitions": [{"days": 10, "storage_class": "STANDARD_IA"}]}, "at least 30 days"),
        (
            {
                "id": "r",
                "transitions": [{"days": 30, "storage_class": "STANDARD_IA"}, {"days": 45, "storage_class": "GLACIER"}],
            },
            "at least 30 days after the transition to STANDARD_IA",
        ),
        ({"id": "r", "transitions": [{"days": 30, "storage_class": "GLACIER"}], "expiration_days": 30}, "greater than"),
        ({"id": "r"}, "at least one action"),
        ({"id": "r", "expiration_days": 5, "expired_object_delete_marker": True}, "cannot be combined"),
        ({"id": "r", "noncurrent_version_keep_newer": 3}, "needs noncurrent_version_expiration_days"),
        ({"id": "r", "filter_tags": {"a": "b"}, "abort_incomplete_multipart_upload_days": 7}, "tag filter"),
        (
            {"id": "r", "noncurrent_version_transitions": [{"noncurrent_days": 5, "storage_class": "ONEZONE_IA"}]},
            "(noncurrent versions): the transition to ONEZONE_IA must be at least 30",
        ),
    ],
)
def test_invalid_lifecycle_rules(rule, message):
    errors = s3.validate_lifecycle_rules([rule])
    assert any(message in e for e in errors), errors


def test_duplicate_lifecycle_ids():
    assert any("more than once" in e for e in s3.validate_lifecycle_rules([RAW, RAW]))


def test_built_rule_compares_equal_to_what_aws_returns():
    built = s3.build_lifecycle_rule({**RAW, "status": "enabled"})
    assert built["Transitions"][0] == {"Days": 30, "StorageClass": "STANDARD_IA"}
    from_aws = {
        "ID": "raw",
        "Status": "Enabled",
        "Filter": {"Prefix": "raw/"},
        "Transitions": list(reversed(built["Transitions"])),
        "NoncurrentVersionExpiration": {"NoncurrentDays": 90},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
        "Expiration": {"ExpiredObjectDeleteMarker": False},
    }
    assert s3.canonical_lifecycle([from_aws]) == s3.canonical_lifecycle([built])
    assert s3.canonical_lifecycle([{**from_aws, "Status": "Disabled"}]) != s3.canonical_lifecycle([built])


def test_whole_bucket_rule_has_an_empty_prefix_filter():
    built = s3.build_lifecycle_rule({"id": "mpu", "abort_incomplete_multipart_upload_days": 7})
    assert built["Filter"] == {"Prefix": ""}
    assert s3.canonical_lifecycle_rule({**built, "Filter": {}}) == s3.canonical_lifecycle_rule(built)


def test_plan_lifecycle():
    a, b, c = ({"ID": i} for i in "abc")
    a2 = {"ID": "a", "Status": "Disabled"}
    assert s3.plan_lifecycle([a, b], [a2], purge_rules=True) == [a2]
    assert s3.plan_lifecycle([a, b], [a2, c], purge_rules=False) == [b, a2, c]
    assert s3.plan_lifecycle([a, b], [a], purge_rules=False, absent=True) == [b]
    assert s3.plan_lifecycle([a, b], [], purge_rules=True, absent=True) == []


# --------------------------------------------------------------------------- intelligent tiering


def tiering(**overrides):
    params = {
        "id": "curated",
        "prefix": "curated/",
        "filter_tags": None,
        "status": "enabled",
        "tierings": [
            {"access_tier": "DEEP_ARCHIVE_ACCESS", "days": 180},
            {"access_tier": "ARCHIVE_ACCESS", "days": 90},
        ],
    }
    params.update(overrides)
    return params


def test_tiering_build_and_canonical():
    built = s3.build_tiering(tiering())
    assert built == {
        "Id": "curated",
        "Status": "Enabled",
        "Filter": {"Prefix": "curated/"},
        "Tierings": [{"Days": 90, "AccessTier": "ARCHIVE_ACCESS"}, {"Days": 180, "AccessTier": "DEEP_ARCHIVE_ACCESS"}],
    }
    assert "Filter" not in s3.build_tiering(tiering(prefix=None))
    reordered = {**built, "Tierings": list(reversed(built["Tierings"]))}
    assert s3.canonical_tiering(reordered) == s3.canonical_tiering(built)
    assert s3.canonical_tiering(None) == {}


@pytest.mark.parametrize(
    ("tierings", "message"),
    [
        ([], "at least one"),
        ([{"access_tier": "ARCHIVE_ACCESS", "days": 89}], "between 90 and 730"),
        ([{"access_tier": "DEEP_ARCHIVE_ACCESS", "days": 731}], "between 180 and 730"),
        (
            [{"access_tier": "ARCHIVE_ACCESS", "days": 200}, {"access_tier": "DEEP_ARCHIVE_ACCESS", "days": 180}],
            "must be greater than",
        ),
        (
            [{"access_tier": "ARCHIVE_ACCESS", "days": 90}, {"access_tier": "ARCHIVE_ACCESS", "days": 100}],
            "more than once",
        ),
    ],
)
def test_invalid_tierings(tierings, message):
    errors = s3.validate_tiering(tiering(tierings=tierings))
    assert any(message in e for e in errors), errors


def test_valid_tiering():
    assert s3.validate_tiering(tiering()) == []
    assert s3.validate_tiering(tiering(id="x" * 65))


# --------------------------------------------------------------------------- replication

KEY = "arn:aws:kms:us-east-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ROLE = "arn:aws:iam::123456789012:role/ecap-prod-datalake-replication"


def replication(**rule):
    base = {"id": "dr", "destination_bucket": "ecap-prod-replica", "replica_kms_key_id": KEY}
    base.update(rule)
    return {"bucket": "ecap-prod-datalake", "role": ROLE, "rules": [base]}


def test_replication_build():
    built = s3.build_replication(replication(delete_marker_replication=True, storage_class="STANDARD_IA"))
    assert built == {
        "Role": ROLE,
        "Rules": [
            {
                "ID": "dr",
                "Priority": 1,
                "Status": "Enabled",
                "Filter": {"Prefix": ""},
                "DeleteMarkerReplication": {"Status": "Enabled"},
                "Destination": {
                    "Bucket": "arn:aws:s3:::ecap-prod-replica",
                    "StorageClass": "STANDARD_IA",
                    "EncryptionConfiguration": {"ReplicaKmsKeyID": KEY},
                },
                "SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}},
            }
        ],
    }
    as_aws = {**built, "Rules": [{**built["Rules"][0], "Filter": {}}]}
    assert s3.canonical_replication(as_aws) == s3.canonical_replication(built)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({**replication(), "role": "ecap-replication"}, "ARN of an IAM role"),
        (replication(replica_kms_key_id=None, sse_kms_encrypted_objects=True), "needs replica_kms_key_id"),
        (replication(replica_kms_key_id="alias-x"), "must be a KMS key ARN"),
        (replication(destination_bucket="Bad_Bucket"), "destination bucket name"),
        (replication(destination_bucket="ecap-prod-datalake"), "cannot replicate to itself"),
        ({**replication(), "rules": []}, "at least one rule"),
    ],
)
def test_invalid_replication(params, message):
    errors = s3.validate_replication(params)
    assert any(message in e for e in errors), errors


def test_valid_replication():
    assert s3.validate_replication(replication(destination_bucket="arn:aws:s3:::ecap-prod-replica")) == []


# --------------------------------------------------------------------------- S3 Control on a local endpoint


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://123456789012.127.0.0.1:4566/v20180820/x", "http://127.0.0.1:4566/v20180820/x"),
        ("https://123456789012.localhost/v20180820/x", "https://localhost/v20180820/x"),
        ("http://127.0.0.1:4566/v20180820/x", "http://127.0.0.1:4566/v20180820/x"),
    ],
)
def test_strip_account_host_label(url, expected):
    request = SimpleNamespace(url=url)
    s3.strip_account_host_label(request)
    assert request.url == expected


def test_local_endpoint_hook_only_off_aws():
    registered = []

    def connection(url):
        events = SimpleNamespace(register=lambda name, fn, unique_id=None: registered.append((name, unique_id)))
        return SimpleNamespace(meta=SimpleNamespace(endpoint_url=url, events=events))

    s3.use_local_endpoint(connection("https://s3-control.us-west-2.amazonaws.com"))
    assert registered == []
    s3.use_local_endpoint(connection("http://127.0.0.1:4566"))
    # Once per client, however many modules use it (common.client keeps clients for the run).
    assert registered == [("before-send.s3-control", "ecap-strip-account-host-label")]
