"""The rds tier on the foundation fixture, in the amazon.aws rhythm: check mode on nothing -> create ->
re-run changes nothing -> update the backup retention -> absent -> absent again; bad input refused
before any call. Assertions read the state back through boto3; the run's output never holds the
master password."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.integration

IDENTIFIER = "ecap-local-postgres"
GROUP = "ecap-local-postgres16"


def _run(runner, foundation, *args, **extra):
    return runner.run("site.yml", "--tags", "rds", *args, extra={**foundation, **extra})


def _instance(aws):
    found = aws("rds").describe_db_instances(Filters=[{"Name": "db-instance-id", "Values": [IDENTIFIER]}])
    return found["DBInstances"][0] if found["DBInstances"] else None


def _parameters(aws):
    pages = aws("rds").get_paginator("describe_db_parameters").paginate(DBParameterGroupName=GROUP)
    return {p["ParameterName"]: p.get("ParameterValue") for page in pages for p in page["Parameters"]}


@pytest.fixture(scope="module")
def state():
    return {}


def test_check_mode_on_nothing_changes_nothing(runner, emulator, foundation, aws):
    before = emulator.counters()["mutating"]
    result = _run(runner, foundation, "--check", "--diff")
    assert result.rc == 0, result.failure_text()
    assert result.changed > 0, "check mode must report what it would create"
    assert emulator.counters()["mutating"] == before, "check mode made a mutating call"
    assert _instance(aws) is None


def test_create(runner, foundation, aws, state):
    result = _run(runner, foundation)
    assert result.rc == 0, result.failure_text()
    state["output"] = json.dumps(result.raw) + result.stderr

    db = _instance(aws)
    keys, groups = foundation["kms_outputs"]["key_arns"], foundation["security_groups_outputs"]["group_ids"]
    assert db["DBInstanceStatus"] == "available"
    assert db["Engine"] == "postgres" and db["EngineVersion"].startswith("16.")
    assert db["StorageEncrypted"] is True and db["KmsKeyId"] == keys["rds"]
    assert db["StorageType"] == "gp3" and db["MaxAllocatedStorage"] == 100
    assert db["MultiAZ"] is False, "local mirrors dev: single-AZ"
    assert db["PubliclyAccessible"] is False
    assert [g["VpcSecurityGroupId"] for g in db["VpcSecurityGroups"]] == [groups["rds"]]
    subnets = {s["SubnetIdentifier"] for s in db["DBSubnetGroup"]["Subnets"]}
    assert subnets == set(foundation["network_outputs"]["database_subnet_ids"])
    assert db["DBName"] == "ecommerce_analytics" and db["MasterUsername"] == "ecap_admin"
    assert db["BackupRetentionPeriod"] == 3 and db["CopyTagsToSnapshot"] is True
    assert db["IAMDatabaseAuthenticationEnabled"] is True
    assert db["PerformanceInsightsEnabled"] is True and db["PerformanceInsightsKMSKeyId"] == keys["rds"]
    assert sorted(db["EnabledCloudwatchLogsExports"]) == ["postgresql", "upgrade"]
    assert db["MonitoringInterval"] == 60 and db["MonitoringRoleArn"].endswith(":role/ecap-local-rds-monitoring")
    assert db["DBParameterGroups"] == [{"DBParameterGroupName": GROUP, "ParameterApplyStatus": "in-sync"}]
    tags = {t["Key"]: t["Value"] for t in db["TagList"]}
    assert tags["Project"] == "ecap" and tags["Environment"] == "local"

    # the master password: a real secret, encrypted with the secrets key, never in the run's output
    secret_arn = db["MasterUserSecret"]["SecretArn"]
    sm = aws("secretsmanager")
    assert sm.describe_secret(SecretId=secret_arn)["KmsKeyId"] == keys["secrets"]
    secret = json.loads(sm.get_secret_value(SecretId=secret_arn)["SecretString"])
    assert secret["username"] == "ecap_admin"
    assert secret["password"] not in state["output"]

    # analytics tuning for db.t3.micro (1 GiB, 2 vCPUs)
    params = _parameters(aws)
    assert params["work_mem"] == "16384"
    assert params["maintenance_work_mem"] == "65536"
    assert params["effective_cache_size"] == "98304"
    assert params["random_page_cost"] == "1.1"
    assert params["max_parallel_workers_per_gather"] == "1"
    assert params["log_min_duration_statement"] == "1000"
    assert params["shared_preload_libraries"] == "pg_stat_statements"
    assert params["rds.force_ssl"] == "1"

    # the IRSA-ready policy: rds-db:connect for ecap_admin on this instance only
    iam = aws("iam")
    policy = next(
        p for p in iam.list_policies(Scope="Local")["Policies"] if p["PolicyName"] == "ecap-local-rds-connect"
    )
    document = iam.get_policy_version(PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"])["PolicyVersion"]
    statements = document["Document"]["Statement"]
    assert [s["Action"] for s in statements] == ["rds-db:connect"]
    assert statements[0]["Resource"].endswith(f":dbuser:{db['DbiResourceId']}/ecap_admin")
    attached = iam.list_attached_role_policies(RoleName="ecap-local-rds-monitoring")["AttachedPolicies"]
    assert [p["PolicyName"] for p in attached] == ["AmazonRDSEnhancedMonitoringRole"]


def test_rerun_changes_nothing(runner, foundation, emulator, count_calls):
    before = emulator.counters()["mutating"]
    with count_calls("iam") as iam:
        result = _run(runner, foundation)
    assert result.rc == 0, result.failure_text()
    assert result.changed_tasks() == []
    assert emulator.counters()["mutating"] == before
    # The monitoring role (GetRole, its attached policy) and the connect policy (by ARN, its default version):
    # 2 calls per resource (amazon.aws.iam_role + iam_managed_policy: 24, ListPolicies 16 of them).
    assert iam.calls == {"GetRole": 1, "ListAttachedRolePolicies": 1, "GetPolicy": 1, "GetPolicyVersion": 1}


def test_update_backup_retention_and_a_static_parameter(runner, foundation, aws):
    """One run: the retention changes in place; a static parameter is set but waits for a reboot (reported)."""
    secret_arn = _instance(aws)["MasterUserSecret"]["SecretArn"]
    preload = "pg_stat_statements,auto_explain"
    result = _run(runner, foundation, rds_backup_retention_days=2, rds_parameters={"shared_preload_libraries": preload})
    assert result.rc == 0, result.failure_text()
    assert {name.split(" : ")[-1] for name in result.changed_tasks()} == {
        "Converge the parameters that take effect after a reboot",
        "Converge the PostgreSQL instance (RDS manages the master password in Secrets Manager)",
    }
    db = _instance(aws)
    assert db["BackupRetentionPeriod"] == 2
    assert db["MasterUserSecret"]["SecretArn"] == secret_arn, "updated in place"
    assert _parameters(aws)["shared_preload_libraries"] == preload
    assert db["DBParameterGroups"][0]["ParameterApplyStatus"] == "pending-reboot", "the role never reboots"
    reported = [t for t in result.tasks if "Report the changes" in t["name"]]
    assert reported and "reboot" in reported[0]["result"]["msg"]


def test_absent_then_absent_again(runner, foundation, aws, emulator):
    result = _run(runner, foundation, ecap_state="absent")
    assert result.rc == 0, result.failure_text()
    assert _instance(aws) is None
    rds = aws("rds")
    assert not [
        g for g in rds.describe_db_subnet_groups()["DBSubnetGroups"] if g["DBSubnetGroupName"] == "ecap-local-database"
    ]
    assert GROUP not in [g["DBParameterGroupName"] for g in rds.describe_db_parameter_groups()["DBParameterGroups"]]
    assert "ecap-local-rds-connect" not in [
        p["PolicyName"] for p in aws("iam").list_policies(Scope="Local")["Policies"]
    ]

    before = emulator.counters()["mutating"]
    again = _run(runner, foundation, ecap_state="absent")
    assert again.rc == 0, again.failure_text()
    assert again.changed_tasks() == []
    assert emulator.counters()["mutating"] == before


BAD = [
    ({"ecap_env": "prod", "rds_multi_az": False}, "rds_multi_az"),
    ({"rds_engine_version": "14.9"}, "rds_engine_version=14.9"),
    ({"rds_backup_retention_days": 0}, "rds_backup_retention_days=0"),
    ({"rds_instance_class": "db.x9.huge"}, "rds_instance_class=db.x9.huge"),
]


@pytest.mark.parametrize(("extra", "variable"), BAD, ids=[c[1] for c in BAD])
def test_bad_input_fails_before_any_call(runner, foundation, emulator, extra, variable):
    before = emulator.counters()["mutating"]
    result = _run(runner, foundation, **extra)
    assert result.rc != 0
    assert variable in result.failure_text(), result.failure_text()
    assert emulator.counters()["mutating"] == before
