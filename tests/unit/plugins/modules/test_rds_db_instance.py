"""rds_db_instance end to end: main() in process against the emulator (moto 5.2.5 + the project's RDS
fixes), read back with boto3. Check mode is shown to make no mutating call (emulator counters)."""

from __future__ import annotations

import json
import sys

import pytest
from ansible_collections.ecap.platform.plugins.modules import rds_db_instance

if getattr(sys.modules.get("emulator"), "__file__", "") is None:  # tests/unit/emulator, not the package
    del sys.modules["emulator"]


REGION = "us-west-2"
ID = "ecap-test-postgres"


@pytest.fixture
def run(run_module):
    def run(args, check_mode=False, fail=False):
        return run_module(rds_db_instance, args, check_mode=check_mode, failed=fail)

    return run


@pytest.fixture(scope="module")
def setup(aws):
    """What the role makes before the instance: keys, subnets, subnet group, SG, parameter group, role."""
    ec2, kms, rds, iam = aws("ec2"), aws("kms"), aws("rds"), aws("iam")
    vpc = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.42.{i}.0/24", AvailabilityZone=f"{REGION}{az}")["Subnet"][
            "SubnetId"
        ]
        for i, az in ((1, "a"), (2, "b"))
    ]
    rds.create_db_subnet_group(DBSubnetGroupName="ecap-test-db", DBSubnetGroupDescription="t", SubnetIds=subnets)
    sg = ec2.create_security_group(GroupName="ecap-test-rds", Description="rds", VpcId=vpc)["GroupId"]
    rds.create_db_parameter_group(
        DBParameterGroupName="ecap-test-postgres16", DBParameterGroupFamily="postgres16", Description="t"
    )
    role = iam.create_role(
        RoleName="ecap-test-rds-monitoring",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "monitoring.rds.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        ),
    )["Role"]["Arn"]
    return {
        "rds_key": kms.create_key()["KeyMetadata"]["Arn"],
        "secrets_key": kms.create_key()["KeyMetadata"]["Arn"],
        "sg": sg,
        "role": role,
    }


def present(setup, **overrides):
    args = {
        "db_instance_identifier": ID,
        "engine_version": "16.4",
        "instance_class": "db.t3.micro",
        "allocated_storage": 20,
        "max_allocated_storage": 100,
        "storage_type": "gp3",
        "storage_encrypted": True,
        "kms_key_id": setup["rds_key"],
        "db_subnet_group_name": "ecap-test-db",
        "vpc_security_group_ids": [setup["sg"]],
        "multi_az": False,
        "db_name": "ecommerce_analytics",
        "master_username": "ecap_admin",
        "master_user_secret_kms_key_id": setup["secrets_key"],
        "db_parameter_group_name": "ecap-test-postgres16",
        "backup_retention_period": 1,
        "preferred_backup_window": "03:00-03:30",
        "preferred_maintenance_window": "sun:04:00-sun:04:30",
        "copy_tags_to_snapshot": True,
        "deletion_protection": False,
        "monitoring_interval": 60,
        "monitoring_role_arn": setup["role"],
        "enable_performance_insights": True,
        "performance_insights_kms_key_id": setup["rds_key"],
        "performance_insights_retention_period": 7,
        "enable_cloudwatch_logs_exports": ["postgresql", "upgrade"],
        "iam_database_authentication": True,
        "apply_immediately": True,
        "tags": {"Project": "ecap", "Environment": "test"},
    }
    args.update(overrides)
    return args


def describe(aws, identifier=ID):
    return aws("rds").describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]


def test_lifecycle(emulator, aws, setup, run):
    # create in check mode: nothing written
    emulator.reset_counters()
    check = run(present(setup), check_mode=True)
    assert check["changed"]
    assert emulator.counters()["mutating"] == 0
    assert not aws("rds").describe_db_instances()["DBInstances"]

    # create
    created = run(present(setup))
    assert created["changed"]
    db = describe(aws)
    assert db["StorageEncrypted"] and db["KmsKeyId"] == setup["rds_key"]
    assert db["MultiAZ"] is False and db["PubliclyAccessible"] is False
    assert db["IAMDatabaseAuthenticationEnabled"] is True
    assert db["PerformanceInsightsKMSKeyId"] == setup["rds_key"]
    assert sorted(db["EnabledCloudwatchLogsExports"]) == ["postgresql", "upgrade"]
    assert db["MonitoringInterval"] == 60 and db["MonitoringRoleArn"] == setup["role"]
    assert db["DBParameterGroups"][0]["DBParameterGroupName"] == "ecap-test-postgres16"
    secret_arn = db["MasterUserSecret"]["SecretArn"]
    assert created["master_user_secret_arn"] == secret_arn
    secret = aws("secretsmanager").describe_secret(SecretId=secret_arn)
    assert secret["KmsKeyId"] == setup["secrets_key"]
    password = json.loads(aws("secretsmanager").get_secret_value(SecretId=secret_arn)["SecretString"])["password"]
    assert password not in json.dumps(created)
    assert created["endpoint"] == db["Endpoint"]["Address"] and created["port"] == 5432

    # a separate wait, then a no-op re-run with no mutating call
    run({"db_instance_identifier": ID, "wait_only": True, "wait_delay": 1})
    emulator.reset_counters()
    again = run(present(setup))
    assert not again["changed"]
    assert emulator.counters()["mutating"] == 0

    # in-place update: one ModifyDBInstance with only the backup retention
    update = present(setup, backup_retention_period=7)
    assert run(update, check_mode=True)["changed"]
    assert describe(aws)["BackupRetentionPeriod"] == 1
    updated = run(update)
    assert updated["changed"] and updated["diff"]["after"]["backup_retention_period"] == 7
    assert describe(aws)["BackupRetentionPeriod"] == 7
    assert not run(update)["changed"]

    # a deferred change (apply_immediately false) is reported pending, and not sent twice
    deferred = present(setup, backup_retention_period=7, instance_class="db.t3.small", apply_immediately=False)
    result = run(deferred)
    assert result["pending_modified_values"] == {"db_instance_class": "db.t3.small"}
    assert describe(aws)["DBInstanceClass"] == "db.t3.micro"
    assert not run(deferred)["changed"]

    # a static parameter change is reported as needing a reboot, never rebooted by the module
    aws("rds").modify_db_parameter_group(
        DBParameterGroupName="ecap-test-postgres16",
        Parameters=[
            {
                "ParameterName": "shared_preload_libraries",
                "ParameterValue": "pg_stat_statements,auto_explain",
                "ApplyMethod": "pending-reboot",
            }
        ],
    )
    assert run(deferred)["pending_reboot"] is True

    # tags
    retagged = run(present(setup, tags={"Project": "ecap"}, backup_retention_period=7, instance_class="db.t3.small"))
    assert retagged["changed"]
    tags = aws("rds").list_tags_for_resource(ResourceName=describe(aws)["DBInstanceArn"])["TagList"]
    assert tags == [{"Key": "Project", "Value": "ecap"}]

    # changes AWS cannot make are refused before any write
    emulator.reset_counters()
    refused = run(present(setup, db_name="other"), fail=True)
    assert "db_name cannot be changed" in refused["msg"]
    assert emulator.counters()["mutating"] == 0

    # absent: check mode, delete, again
    absent = {
        "db_instance_identifier": ID,
        "state": "absent",
        "skip_final_snapshot": True,
        "wait": True,
        "wait_delay": 1,
    }
    assert run(absent, check_mode=True)["changed"]
    assert describe(aws)
    assert run(absent)["changed"]
    assert not aws("rds").describe_db_instances()["DBInstances"]
    assert not run(absent)["changed"]


def test_deletion_protection_and_final_snapshot(aws, setup, run):
    ident = "ecap-test-protected"
    run(present(setup, db_instance_identifier=ident, deletion_protection=True))
    absent = {"db_instance_identifier": ident, "state": "absent", "final_snapshot_identifier": f"{ident}-final"}
    refused = run(absent, fail=True)
    assert "deletion protection" in refused["msg"]
    assert describe(aws, ident)
    assert run({**absent, "deletion_protection": False})["changed"]
    snapshots = aws("rds").describe_db_snapshots(DBSnapshotIdentifier=f"{ident}-final")["DBSnapshots"]
    assert snapshots and snapshots[0]["DBInstanceIdentifier"] == ident


def test_bad_input_fails_before_any_call(emulator, setup, run):
    emulator.reset_counters()
    result = run(present(setup, allocated_storage=20, iops=3000), fail=True)
    assert "from 400 GiB" in result["msg"]
    result = run({"db_instance_identifier": ID, "state": "absent"}, fail=True)
    assert "final_snapshot_identifier" in result["msg"]
    assert emulator.counters()["total"] == 0


def test_create_without_required_settings_fails(run):
    result = run({"db_instance_identifier": "ecap-test-missing", "engine_version": "16.4"}, fail=True)
    assert "needs instance_class, allocated_storage, master_username" in result["msg"]
