"""Day-2 playbooks (playbooks/ops/) on one emulator with the rds, redis, msk and datalake tiers deployed once
(module-scoped): snapshot -> restore (point in time and snapshot) with the source's settings; secret rotation
without printing a secret; MSK topics create/alter/refuse shrink/delete with and without confirm; S3 restore
of an overwritten and of a deleted object; preflight quotas and IAM; check mode makes no mutating call."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.integration

SOURCE = "ecap-local-postgres"

REDIS = "ecap-local-redis"


@pytest.fixture(scope="module")
def deployed(runner, foundation):
    result = runner.run("site.yml", "--tags", "datalake,rds,msk,redis", extra=foundation)
    assert result.rc == 0, result.failure_text()
    return foundation


def _ops(runner, deployed, playbook, check=False, **extra):
    return runner.run(f"playbooks/ops/{playbook}.yml", extra={**deployed, **extra}, check=check)


def _db(aws, identifier):
    found = aws("rds").describe_db_instances(Filters=[{"Name": "db-instance-id", "Values": [identifier]}])
    return found["DBInstances"][0] if found["DBInstances"] else None


SETTINGS = ("DBInstanceClass", "MultiAZ", "IAMDatabaseAuthenticationEnabled", "KmsKeyId", "StorageEncrypted", "Engine")


def _same_settings(source, restored):
    for key in SETTINGS:
        assert restored[key] == source[key], key
    assert restored["DBSubnetGroup"]["DBSubnetGroupName"] == source["DBSubnetGroup"]["DBSubnetGroupName"]
    assert {g["VpcSecurityGroupId"] for g in restored["VpcSecurityGroups"]} == {
        g["VpcSecurityGroupId"] for g in source["VpcSecurityGroups"]
    }
    assert (
        restored["DBParameterGroups"][0]["DBParameterGroupName"]
        == source["DBParameterGroups"][0]["DBParameterGroupName"]
    )
    assert restored["MasterUserSecret"]["KmsKeyId"] == source["MasterUserSecret"]["KmsKeyId"]
    assert restored["MasterUserSecret"]["SecretArn"] != source["MasterUserSecret"]["SecretArn"]


def test_check_mode_makes_no_mutating_call(runner, emulator, deployed):
    before = emulator.counters()["mutating"]
    for playbook, extra in (
        ("rds_snapshot", {"snapshot_name": "ecap-local-postgres-check"}),
        ("rds_restore", {"restore_latest": True, "restore_suffix": "check"}),
        ("rotate_secrets", {}),
        ("msk_topics", {"action": "create", "topic": "check-topic", "partitions": 3}),
    ):
        result = _ops(runner, deployed, playbook, check=True, **extra)
        assert result.rc == 0, f"{playbook}: {result.failure_text()}"
    assert emulator.counters()["mutating"] == before, "check mode made a mutating call"


def test_snapshot_then_restore(runner, deployed, aws):
    result = _ops(runner, deployed, "rds_snapshot", snapshot_name="ecap-local-postgres-ops")
    assert result.rc == 0, result.failure_text()
    snapshot = aws("rds").describe_db_snapshots(DBSnapshotIdentifier="ecap-local-postgres-ops")["DBSnapshots"][0]
    assert snapshot["Status"] == "available" and snapshot["SnapshotType"] == "manual"
    again = _ops(runner, deployed, "rds_snapshot", snapshot_name="ecap-local-postgres-ops")
    assert again.rc == 0 and again.changed == 0, again.changed_tasks()

    source = _db(aws, SOURCE)
    pitr = _ops(runner, deployed, "rds_restore", restore_latest=True, restore_suffix="pitr")
    assert pitr.rc == 0, pitr.failure_text()
    _same_settings(source, _db(aws, f"{SOURCE}-restored-pitr"))

    snap = _ops(
        runner, deployed, "rds_restore", snapshot_id="ecap-local-postgres-ops", restore_suffix="snap", restore_swap=True
    )
    assert snap.rc == 0, snap.failure_text()
    restored = _db(aws, f"{SOURCE}-restored-snap")
    _same_settings(source, restored)
    outputs = json.loads((runner.build_dir / "outputs.json").read_text())
    assert outputs["rds_endpoint_override"]["address"] == restored["Endpoint"]["Address"]


def test_restore_time_outside_the_window_stops_before_any_change(runner, emulator, deployed):
    before = emulator.counters()["mutating"]
    result = _ops(runner, deployed, "rds_restore", restore_time="2001-01-01T00:00:00Z")
    assert result.rc != 0 and "outside the restore window" in result.failure_text()
    assert emulator.counters()["mutating"] == before


def test_rotation_changes_the_secrets_and_prints_none(runner, deployed, aws):
    sm = aws("secretsmanager")
    db_secret = _db(aws, SOURCE)["MasterUserSecret"]["SecretArn"]
    old_db = sm.get_secret_value(SecretId=db_secret)
    old_redis = sm.get_secret_value(SecretId=f"{REDIS}-auth")
    result = runner.run("playbooks/ops/rotate_secrets.yml", "-v", extra=deployed)
    assert result.rc == 0, result.failure_text()
    new_db = sm.get_secret_value(SecretId=db_secret)
    new_redis = sm.get_secret_value(SecretId=f"{REDIS}-auth")
    assert new_db["VersionId"] != old_db["VersionId"] and new_redis["VersionId"] != old_redis["VersionId"]
    group = aws("elasticache").describe_replication_groups(ReplicationGroupId=REDIS)["ReplicationGroups"][0]
    tags = {
        t["Key"]: t["Value"] for t in aws("elasticache").list_tags_for_resource(ResourceName=group["ARN"])["TagList"]
    }
    assert tags["ecap.platform/auth-token-version"] == new_redis["VersionId"]
    assert tags["ecap.platform/auth-token-single"] == new_redis["VersionId"], "SET retired the old token"
    output = json.dumps(result.raw) + result.stderr
    for secret in (old_db, new_db):
        assert json.loads(secret["SecretString"])["password"] not in output
    for secret in (old_redis, new_redis):
        assert secret["SecretString"] not in output


def test_msk_topics(runner, deployed):
    created = _ops(
        runner,
        deployed,
        "msk_topics",
        action="create",
        topic="returns",
        partitions=3,
        configs={"retention.ms": "86400000"},
    )
    assert created.rc == 0 and created.changed > 0, created.failure_text()
    again = _ops(
        runner,
        deployed,
        "msk_topics",
        action="create",
        topic="returns",
        partitions=3,
        configs={"retention.ms": "86400000"},
    )
    assert again.rc == 0 and again.changed == 0
    grown = _ops(runner, deployed, "msk_topics", action="alter", topic="returns", partitions=6)
    assert grown.rc == 0 and grown.changed > 0, grown.failure_text()
    shrink = _ops(runner, deployed, "msk_topics", action="alter", topic="returns", partitions=2)
    assert shrink.rc != 0
    unconfirmed = _ops(runner, deployed, "msk_topics", action="delete", topic="returns")
    assert unconfirmed.rc != 0 and "confirm" in unconfirmed.failure_text()
    deleted = _ops(runner, deployed, "msk_topics", action="delete", topic="returns", confirm="returns")
    assert deleted.rc == 0 and deleted.changed > 0, deleted.failure_text()
    listed = _ops(runner, deployed, "msk_topics")
    assert listed.rc == 0 and "orders" in json.dumps(listed.raw) and "returns  " not in json.dumps(listed.raw)


def test_s3_restore(runner, deployed, aws):
    # The data lake's bucket policy refuses puts not encrypted with its key.
    SSE = {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": deployed["kms_outputs"]["key_arns"]["s3"]}
    s3 = aws("s3")
    bucket = next(
        b["Name"] for b in s3.list_buckets()["Buckets"] if "-datalake-" in b["Name"] and "replica" not in b["Name"]
    )
    first = s3.put_object(Bucket=bucket, Key="curated/a.json", Body=b"good", **SSE)["VersionId"]
    s3.put_object(Bucket=bucket, Key="curated/a.json", Body=b"bad", **SSE)
    result = _ops(runner, deployed, "s3_restore", key="curated/a.json", version_id=first)
    assert result.rc == 0, result.failure_text()
    current = s3.get_object(Bucket=bucket, Key="curated/a.json")
    assert current["Body"].read() == b"good" and current["ServerSideEncryption"] == "aws:kms"
    again = _ops(runner, deployed, "s3_restore", key="curated/a.json", version_id=first)
    assert again.rc == 0 and again.changed == 0, again.changed_tasks()

    s3.put_object(Bucket=bucket, Key="curated/b.json", Body=b"keep", **SSE)
    s3.delete_object(Bucket=bucket, Key="curated/b.json")
    undeleted = _ops(runner, deployed, "s3_restore", key="curated/b.json", before="2999-01-01T00:00:00Z")
    assert undeleted.rc == 0, undeleted.failure_text()
    assert s3.get_object(Bucket=bucket, Key="curated/b.json")["Body"].read() == b"keep"
    listed = _ops(runner, deployed, "s3_restore", key="curated/b.json", list=True)
    assert listed.rc == 0


def test_preflight(runner, deployed, aws):
    quotas = aws("service-quotas")
    # A new account's default Spot vCPU quota (5) is below local's (dev's) spot node groups at max size (8):
    # preflight says so, and passes once the increase is granted.
    low_spot = _ops(runner, deployed, "preflight")
    assert low_spot.rc != 0 and "L-34B43A08" in low_spot.failure_text()
    quotas.request_service_quota_increase(ServiceCode="ec2", QuotaCode="L-34B43A08", DesiredValue=16)
    ok = _ops(runner, deployed, "preflight")
    assert ok.rc == 0, ok.failure_text()
    text = json.dumps(ok.raw)
    assert "L-1216C47A" in text and "iam eks:CreateCluster" in text
    quotas.request_service_quota_increase(ServiceCode="kafka", QuotaCode="L-EDD31C36", DesiredValue=1)
    low = _ops(runner, deployed, "preflight")
    assert low.rc != 0 and "L-EDD31C36" in low.failure_text()
