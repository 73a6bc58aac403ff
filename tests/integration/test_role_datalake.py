"""The datalake tier alone (site.yml --tags datalake) on the boto3-made foundation, in the amazon.aws rhythm:
check mode on nothing -> create -> re-run changes nothing -> update a lifecycle rule -> absent (buckets
holding objects, versions and delete markers) -> absent again; a check-mode plan with the prod inventory's
settings; bad input refused before any call. Everything is read back through boto3."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "123456789012"
REGION = "us-west-2"
BUCKET = f"ecap-local-datalake-{ACCOUNT}-{REGION}"
LOGS = f"ecap-local-logs-{ACCOUNT}-{REGION}"
REPLICA_REGION = "us-east-2"
REPLICA = f"ecap-local-datalake-replica-{ACCOUNT}-{REPLICA_REGION}"
PREFIXES = [
    "raw/orders/",
    "raw/clickstream/",
    "raw/payments/",
    "raw/inventory/",
    "staging/",
    "curated/",
    "analytics/",
    "archive/",
]
INVENTORY = yaml.safe_load((ROOT / "inventories/local/group_vars/all/datalake.yml").read_text())
PROD = yaml.safe_load((ROOT / "inventories/prod/group_vars/all/datalake.yml").read_text())
ROLE_DEFAULTS = yaml.safe_load((ROOT / "roles/datalake/defaults/main.yml").read_text())


def run(runner, foundation, check=False, **extra):
    return runner.run("site.yml", "--tags", "datalake", extra={**foundation, **extra}, check=check)


def task(result, name):
    """The result of the role's task ``name`` (tasks are reported as ``ecap.platform.datalake : <name>``)."""
    [found] = [t["result"] for t in result.tasks if t["name"].split(" : ")[-1] == name]
    return found


def changed_tasks(result):
    return [name.split(" : ")[-1] for name in result.changed_tasks()]


def bucket_names(aws) -> set[str]:
    return {b["Name"] for b in aws("s3").list_buckets()["Buckets"]}


def canonical_rules(rules):
    """Lifecycle rules as AWS returns them, made order-free for comparison."""
    from ansible_collections.ecap.platform.plugins.module_utils.s3 import canonical_lifecycle

    return canonical_lifecycle(rules)


def expected_rules(rules, noncurrent_days, abort_days):
    from ansible_collections.ecap.platform.plugins.module_utils.s3 import build_lifecycle_rule

    housekeeping = {
        "id": "housekeeping",
        "noncurrent_version_expiration_days": noncurrent_days,
        "abort_incomplete_multipart_upload_days": abort_days,
        "expired_object_delete_marker": True,
    }
    return canonical_rules([build_lifecycle_rule(r) for r in [*rules, housekeeping]])


@pytest.fixture(scope="module", autouse=True)
def importable_collection():
    import sys

    collections = ROOT / ".collections"
    if str(collections) not in sys.path:
        sys.path.insert(0, str(collections))


def test_check_mode_on_an_empty_account_changes_nothing(runner, foundation, emulator, aws):
    before = emulator.counters()["mutating"]
    result = run(runner, foundation, check=True)
    assert result.rc == 0, result.failure_text()
    assert result.changed > 0, "check mode must report what it would create"
    assert emulator.counters()["mutating"] == before, "check mode made a mutating call"
    assert bucket_names(aws) == set()
    plan = task(result, "Report the bucket plan")["msg"]
    assert {(b["name"], b["action"]) for b in plan} == {(BUCKET, "create"), (LOGS, "create")}


def test_create(runner, foundation, aws, emulator):
    result = run(runner, foundation)
    assert result.rc == 0, result.failure_text()
    s3 = aws("s3")
    assert {BUCKET, LOGS} <= bucket_names(aws)
    assert REPLICA not in bucket_names(aws), "no replication outside prod"

    # Block public access, bucket and account; bucket owner enforced; versioning.
    for name in (BUCKET, LOGS):
        pab = s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
        assert all(pab.values()) and len(pab) == 4
        rules = s3.get_bucket_ownership_controls(Bucket=name)["OwnershipControls"]["Rules"]
        assert rules == [{"ObjectOwnership": "BucketOwnerEnforced"}]
        assert s3.get_bucket_versioning(Bucket=name)["Status"] == "Enabled"
        tags = {t["Key"]: t["Value"] for t in s3.get_bucket_tagging(Bucket=name)["TagSet"]}
        assert tags["Project"] == "ecap" and tags["Environment"] == "local"
    from ansible_collections.ecap.platform.plugins.module_utils.s3 import use_local_endpoint

    s3control = aws("s3control")
    use_local_endpoint(s3control)
    account_pab = s3control.get_public_access_block(AccountId=ACCOUNT)["PublicAccessBlockConfiguration"]
    assert all(account_pab.values()) and len(account_pab) == 4

    # SSE-KMS with the kms tier's s3 key and bucket keys; the logs bucket SSE-S3 (access logs need it).
    [rule] = s3.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": foundation["kms_outputs"]["key_arns"]["s3"],
    }
    assert rule["BucketKeyEnabled"] is True
    [logs_rule] = s3.get_bucket_encryption(Bucket=LOGS)["ServerSideEncryptionConfiguration"]["Rules"]
    assert logs_rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"

    # The policy denies every request without TLS, and puts that are not SSE-KMS.
    policy = json.loads(s3.get_bucket_policy(Bucket=BUCKET)["Policy"])
    statements = {s["Sid"]: s for s in policy["Statement"]}
    tls = statements["DenyInsecureTransport"]
    assert tls["Effect"] == "Deny" and tls["Principal"] == "*" and tls["Action"] == "s3:*"
    assert tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert set(tls["Resource"]) == {f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"}
    unencrypted = statements["DenyUnencryptedObjectUploads"]
    assert unencrypted["Effect"] == "Deny" and unencrypted["Action"] == "s3:PutObject"
    assert unencrypted["Condition"] == {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}}
    logs_policy = {s["Sid"]: s for s in json.loads(s3.get_bucket_policy(Bucket=LOGS)["Policy"])["Statement"]}
    assert logs_policy["DenyInsecureTransport"]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert logs_policy["S3ServerAccessLogs"]["Principal"] == {"Service": "logging.s3.amazonaws.com"}

    # Access logging to the logs bucket.
    assert s3.get_bucket_logging(Bucket=BUCKET)["LoggingEnabled"] == {
        "TargetBucket": LOGS,
        "TargetPrefix": f"s3-access/{BUCKET}/",
    }

    # The layout, as explicit folder objects encrypted with the key.
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert sorted(keys) == sorted(PREFIXES)
    head = s3.head_object(Bucket=BUCKET, Key="raw/orders/")
    assert head["ServerSideEncryption"] == "aws:kms"

    # Lifecycle and tiering read back equal to the inputs.
    got = s3.get_bucket_lifecycle_configuration(Bucket=BUCKET)["Rules"]
    assert canonical_rules(got) == expected_rules(
        INVENTORY["datalake_lifecycle_rules"],
        INVENTORY["datalake_noncurrent_version_expiration_days"],
        INVENTORY["datalake_abort_incomplete_multipart_days"],
    )
    tiering = s3.list_bucket_intelligent_tiering_configurations(Bucket=BUCKET)["IntelligentTieringConfigurationList"]
    wanted = {
        c["id"]: {
            "Id": c["id"],
            "Status": "Enabled",
            "Filter": {"Prefix": c["prefix"]},
            "Tierings": [{"Days": t["days"], "AccessTier": t["access_tier"]} for t in c["tierings"]],
        }
        for c in ROLE_DEFAULTS["datalake_intelligent_tiering"]
    }
    assert {c["Id"]: c for c in tiering} == wanted
    assert set(wanted) == {"curated", "analytics"}


#: The S3 calls of a no-op run of the tier (issue #9: 41 before, with amazon.aws.s3_bucket, a HeadObject per
#: folder and a Get per intelligent-tiering configuration). GetPublicAccessBlock: the account's and each bucket's.
NO_OP_S3_CALLS = {
    "ListBuckets": 1,
    "GetPublicAccessBlock": 3,
    "GetBucketVersioning": 2,
    "GetBucketEncryption": 2,
    "GetBucketOwnershipControls": 2,
    "GetBucketPolicy": 2,
    "GetBucketTagging": 2,
    "GetBucketLifecycleConfiguration": 2,
    "GetBucketLogging": 1,
    "ListObjectsV2": 1,
    "ListBucketIntelligentTieringConfigurations": 1,
    "GetBucketReplication": 1,
}


def test_rerun_changes_nothing(runner, foundation, emulator):
    before = emulator.counters()
    result = run(runner, foundation)
    assert result.rc == 0, result.failure_text()
    assert changed_tasks(result) == []
    after = emulator.counters()
    assert after["mutating"] == before["mutating"]
    was = before["services"].get("s3", {})
    s3 = {op: n - was.get(op, 0) for op, n in after["services"].get("s3", {}).items() if n - was.get(op, 0)}
    assert s3 == NO_OP_S3_CALLS


def test_update_a_lifecycle_rule(runner, foundation, aws):
    rules = [dict(r) for r in INVENTORY["datalake_lifecycle_rules"]]
    for rule in rules:
        if rule["id"] == "staging":
            rule["expiration_days"] = 3
    result = run(runner, foundation, datalake_lifecycle_rules=rules)
    assert result.rc == 0, result.failure_text()
    assert changed_tasks(result) == ["Converge the lifecycle rules of the data lake"]
    got = aws("s3").get_bucket_lifecycle_configuration(Bucket=BUCKET)["Rules"]
    assert {r["ID"]: r for r in got}["staging"]["Expiration"] == {"Days": 3}
    assert canonical_rules(got) == expected_rules(rules, 7, 7)


def test_prod_settings_plan_a_replica_bucket_in_the_second_region(runner, foundation, emulator):
    """A check-mode run with the prod inventory's data lake settings plans the replica, its key and role."""
    before = emulator.counters()["mutating"]
    prod = {k: v for k, v in PROD.items() if k != "datalake_force_destroy"}
    result = run(runner, foundation, check=True, **prod)
    assert result.rc == 0, result.failure_text()
    assert emulator.counters()["mutating"] == before
    plan = task(result, "Report the bucket plan")["msg"]
    assert {"purpose": "replica", "name": REPLICA, "region": REPLICA_REGION, "action": "create"} in plan
    changed = changed_tasks(result)
    assert f"Create the replica bucket's KMS key in {REPLICA_REGION}" in changed
    assert "Create the replication role" in changed
    assert "Converge the lifecycle rules of the data lake" in changed  # prod tiers raw/ down


def test_absent_empties_versioned_buckets(runner, foundation, aws):
    s3 = aws("s3")
    key = foundation["kms_outputs"]["key_arns"]["s3"]
    for body in (b"v1", b"v2"):
        s3.put_object(
            Bucket=BUCKET, Key="raw/orders/2026-11-25.json", Body=body, ServerSideEncryption="aws:kms", SSEKMSKeyId=key
        )
    s3.delete_object(Bucket=BUCKET, Key="raw/orders/2026-11-25.json")  # a delete marker
    s3.put_object(Bucket=LOGS, Key=f"s3-access/{BUCKET}/log-1", Body=b"log")
    versions = s3.list_object_versions(Bucket=BUCKET)
    assert len(versions["Versions"]) >= 2 and len(versions["DeleteMarkers"]) == 1

    result = run(runner, foundation, ecap_state="absent")
    assert result.rc == 0, result.failure_text()
    assert not ({BUCKET, LOGS, REPLICA} & bucket_names(aws))


def test_absent_again_changes_nothing(runner, foundation, emulator):
    before = emulator.counters()["mutating"]
    result = run(runner, foundation, ecap_state="absent")
    assert result.rc == 0, result.failure_text()
    assert changed_tasks(result) == []
    assert emulator.counters()["mutating"] == before


BAD_INPUTS = {
    "glacier-before-standard-ia": (
        {
            "datalake_lifecycle_rules": [
                {
                    "id": "raw",
                    "prefix": "raw/",
                    "transitions": [
                        {"days": 30, "storage_class": "STANDARD_IA"},
                        {"days": 20, "storage_class": "GLACIER"},
                    ],
                }
            ]
        },
        "the transition to GLACIER at 20 days is sooner than or as soon as the transition to STANDARD_IA",
    ),
    "bad-purpose": ({"datalake_purpose": "Data_Lake"}, "datalake_purpose"),
    "name-too-long": ({"datalake_purpose": "x" * 40}, "must be 3 to 63 characters"),
    "tiering-days": (
        {
            "datalake_intelligent_tiering": [
                {"id": "c", "prefix": "c/", "tierings": [{"access_tier": "ARCHIVE_ACCESS", "days": 30}]}
            ]
        },
        "between 90 and 730",
    ),
    "deep-archive-before-archive": (
        {
            "datalake_intelligent_tiering": [
                {
                    "id": "c",
                    "prefix": "c/",
                    "tierings": [
                        {"access_tier": "ARCHIVE_ACCESS", "days": 200},
                        {"access_tier": "DEEP_ARCHIVE_ACCESS", "days": 180},
                    ],
                }
            ]
        },
        "must be greater than days of ARCHIVE_ACCESS",
    ),
    "expiration-before-transition": (
        {
            "datalake_lifecycle_rules": [
                {
                    "id": "raw",
                    "transitions": [{"days": 30, "storage_class": "STANDARD_IA"}],
                    "expiration_days": 10,
                }
            ]
        },
        "must be greater than the last transition",
    ),
    "same-region": (
        {"datalake_replication": True, "datalake_replication_region": REGION},
        "datalake_replication_region",
    ),
    "bad-prefix": ({"datalake_prefixes": [{"path": "/raw"}]}, "datalake_prefixes"),
    "duplicate-rule-id": (
        {"datalake_lifecycle_rules": [{"id": "a", "expiration_days": 1}, {"id": "a", "expiration_days": 2}]},
        "used more than once",
    ),
}

VALIDATE_PLAYBOOK = """
- name: Run the data lake validation on each bad input
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Validate one case
      ansible.builtin.include_tasks: case.yml
      loop: "{{ cases | dict2items }}"
      loop_control:
        loop_var: case
"""
CASE_TASKS = """
- name: Validate {{ case.key }}
  block:
    - name: Run the role's validation with the case's variables
      ansible.builtin.include_role:
        name: ecap.platform.datalake
        tasks_from: validate
      vars:
        datalake_purpose: "{{ case.value.datalake_purpose }}"
        datalake_prefixes: "{{ case.value.datalake_prefixes }}"
        datalake_lifecycle_rules: "{{ case.value.datalake_lifecycle_rules }}"
        datalake_intelligent_tiering: "{{ case.value.datalake_intelligent_tiering }}"
        datalake_replication: "{{ case.value.datalake_replication }}"
        datalake_replication_region: "{{ case.value.datalake_replication_region }}"
    - name: Record that the case passed
      ansible.builtin.set_fact:
        results: "{{ results | default({}) | combine({case.key: 'passed validation'}) }}"
  rescue:
    - name: Record the failure message
      ansible.builtin.set_fact:
        results: "{{ results | default({}) | combine({case.key: ansible_failed_result.msg}) }}"
- name: Report the messages
  ansible.builtin.debug:
    var: results
  when: case.key == (cases.keys() | list | last)
"""


def test_bad_inputs_fail_in_validation_with_a_message_naming_them(runner, emulator, tmp_path):
    """Every bad input fails the role's validate.yml, which makes no AWS call. ecap.platform.preflight runs it
    (preflight_tiers) before any tier changes anything, so a site run stops there with this message."""
    (tmp_path / "validate.yml").write_text(VALIDATE_PLAYBOOK)
    (tmp_path / "case.yml").write_text(CASE_TASKS)
    before = emulator.counters()["total"]
    good = {
        "datalake_purpose": "datalake",
        "datalake_prefixes": ROLE_DEFAULTS["datalake_prefixes"],
        "datalake_lifecycle_rules": INVENTORY["datalake_lifecycle_rules"],
        "datalake_intelligent_tiering": ROLE_DEFAULTS["datalake_intelligent_tiering"],
        "datalake_replication": False,
        "datalake_replication_region": REPLICA_REGION,
    }
    cases = {"good": good, **{name: {**good, **extra} for name, (extra, _) in BAD_INPUTS.items()}}
    result = runner.run(str(tmp_path / "validate.yml"), extra={"cases": cases}, inventory="inventories/local")
    assert result.rc == 0, result.failure_text()
    [report] = [
        t["result"]["results"] for t in result.tasks if t["name"] == "Report the messages" and "results" in t["result"]
    ]
    assert report["good"] == "passed validation"
    for name, (_, hint) in BAD_INPUTS.items():
        assert hint in report[name], f"{name}: {report[name]}"
    assert emulator.counters()["total"] == before, "validation made an AWS call"
