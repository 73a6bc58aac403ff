"""RDS instance logic (plugins/module_utils/rds.py): validation, the diff against DescribeDBInstances
(PendingModifiedValues included), and the CreateDBInstance / ModifyDBInstance payloads, checked
against botocore's model of the API."""

from __future__ import annotations

import botocore.session
import pytest
from ansible_collections.ecap.platform.plugins.module_utils.rds import (
    FIELDS,
    build_create_request,
    build_modify_request,
    current_settings,
    pending_reboot,
    pi_retention_valid,
    plan_changes,
    summary,
    to_ansible,
    validate_params,
    wanted_settings,
)
from botocore.validate import ParamValidator

KEY = "arn:aws:kms:us-west-2:123456789012:key/11111111-2222-3333-4444-555555555555"
SECRET_KEY = "arn:aws:kms:us-west-2:123456789012:key/66666666-2222-3333-4444-555555555555"
ROLE = "arn:aws:iam::123456789012:role/ecap-dev-rds-monitoring"
MODEL = botocore.session.get_session().get_service_model("rds")


def params(**overrides):
    base = {option: None for option in FIELDS}
    base.update(
        {
            "db_instance_identifier": "ecap-dev-postgres",
            "engine": "postgres",
            "engine_version": "16.4",
            "instance_class": "db.t3.micro",
            "allocated_storage": 20,
            "max_allocated_storage": 100,
            "storage_type": "gp3",
            "storage_encrypted": True,
            "kms_key_id": KEY,
            "db_subnet_group_name": "ecap-dev-db",
            "vpc_security_group_ids": ["sg-2", "sg-1"],
            "publicly_accessible": False,
            "multi_az": False,
            "db_name": "ecommerce_analytics",
            "master_username": "ecap_admin",
            "master_user_secret_kms_key_id": SECRET_KEY,
            "db_parameter_group_name": "ecap-dev-postgres16",
            "backup_retention_period": 3,
            "preferred_backup_window": "03:00-03:30",
            "preferred_maintenance_window": "sun:04:00-sun:04:30",
            "copy_tags_to_snapshot": True,
            "deletion_protection": False,
            "monitoring_interval": 60,
            "monitoring_role_arn": ROLE,
            "enable_performance_insights": True,
            "performance_insights_kms_key_id": KEY,
            "performance_insights_retention_period": 7,
            "enable_cloudwatch_logs_exports": ["upgrade", "postgresql"],
            "iam_database_authentication": True,
            "state": "present",
            "skip_final_snapshot": False,
            "final_snapshot_identifier": None,
        }
    )
    base.update(overrides)
    return base


def described(**overrides):
    """A DescribeDBInstances item matching params()."""
    instance = {
        "DBInstanceIdentifier": "ecap-dev-postgres",
        "DBInstanceArn": "arn:aws:rds:us-west-2:123456789012:db:ecap-dev-postgres",
        "DBInstanceStatus": "available",
        "Engine": "postgres",
        "EngineVersion": "16.4",
        "DBInstanceClass": "db.t3.micro",
        "AllocatedStorage": 20,
        "MaxAllocatedStorage": 100,
        "StorageType": "gp3",
        "Iops": 3000,
        "StorageThroughput": 125,
        "StorageEncrypted": True,
        "KmsKeyId": KEY,
        "DBSubnetGroup": {"DBSubnetGroupName": "ecap-dev-db"},
        "VpcSecurityGroups": [{"VpcSecurityGroupId": "sg-1"}, {"VpcSecurityGroupId": "sg-2"}],
        "PubliclyAccessible": False,
        "MultiAZ": False,
        "DBName": "ecommerce_analytics",
        "MasterUsername": "ecap_admin",
        "MasterUserSecret": {"SecretArn": "arn:aws:secretsmanager:...:secret:rds!db-1", "KmsKeyId": SECRET_KEY},
        "Endpoint": {"Address": "ecap-dev-postgres.x.us-west-2.rds.amazonaws.com", "Port": 5432},
        "DBParameterGroups": [{"DBParameterGroupName": "ecap-dev-postgres16", "ParameterApplyStatus": "in-sync"}],
        "BackupRetentionPeriod": 3,
        "PreferredBackupWindow": "03:00-03:30",
        "PreferredMaintenanceWindow": "sun:04:00-sun:04:30",
        "CopyTagsToSnapshot": True,
        "DeletionProtection": False,
        "MonitoringInterval": 60,
        "MonitoringRoleArn": ROLE,
        "PerformanceInsightsEnabled": True,
        "PerformanceInsightsKMSKeyId": KEY,
        "PerformanceInsightsRetentionPeriod": 7,
        "EnabledCloudwatchLogsExports": ["postgresql", "upgrade"],
        "IAMDatabaseAuthenticationEnabled": True,
        "PendingModifiedValues": {},
        "TagList": [{"Key": "Project", "Value": "ecap"}],
    }
    instance.update(overrides)
    return instance


def assert_valid(operation: str, request: dict) -> None:
    report = ParamValidator().validate(request, MODEL.operation_model(operation).input_shape)
    assert not report.has_errors(), report.generate_report()


# --------------------------------------------------------------------------- validation


def test_valid_params_have_no_errors():
    assert validate_params(params()) == []


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"db_instance_identifier": "1bad"}, "db_instance_identifier"),
        ({"db_instance_identifier": "bad--name"}, "db_instance_identifier"),
        ({"engine_version": "sixteen"}, "engine_version"),
        ({"max_allocated_storage": 10}, "max_allocated_storage"),
        ({"iops": 3000}, "from 400 GiB"),
        ({"storage_throughput": 125}, "from 400 GiB"),
        ({"storage_encrypted": False}, "kms_key_id needs"),
        ({"backup_retention_period": 36}, "between 0 and 35"),
        ({"preferred_backup_window": "3:00-4:00"}, "hh24:mi-hh24:mi"),
        ({"preferred_backup_window": "03:00-03:15"}, "at least 30 minutes"),
        ({"preferred_maintenance_window": "sunday:04:00-sun:05:00"}, "ddd:hh24:mi"),
        ({"monitoring_role_arn": None}, "needs monitoring_role_arn"),
        ({"monitoring_interval": 0}, "needs monitoring_interval > 0"),
        ({"performance_insights_retention_period": 30}, "multiple of 31"),
        ({"enable_performance_insights": False}, "need enable_performance_insights"),
        ({"enable_cloudwatch_logs_exports": ["postgresql", "error"]}, "unknown log types error"),
    ],
)
def test_bad_params_are_refused(overrides, fragment):
    errors = validate_params(params(**overrides))
    assert any(fragment in error for error in errors), errors


def test_gp3_iops_from_400_gib():
    assert (
        validate_params(params(allocated_storage=400, max_allocated_storage=1000, iops=12000, storage_throughput=500))
        == []
    )


def test_absent_needs_a_final_snapshot_choice():
    absent = {"db_instance_identifier": "ecap-dev-postgres", "state": "absent"}
    assert any("final_snapshot_identifier" in e for e in validate_params(absent))
    assert validate_params({**absent, "skip_final_snapshot": True}) == []
    assert validate_params({**absent, "final_snapshot_identifier": "final"}) == []


@pytest.mark.parametrize(("days", "valid"), [(7, True), (31, True), (62, True), (713, True), (731, True), (8, False)])
def test_pi_retention(days, valid):
    assert pi_retention_valid(days) is valid


# --------------------------------------------------------------------------- diff


def test_matching_instance_has_no_differences():
    plan = plan_changes(current_settings(described()), wanted_settings(params()))
    assert not plan.changed and not plan.errors


def test_kms_keys_compare_by_key_id():
    key_id = KEY.rsplit("/", 1)[1]
    plan = plan_changes(current_settings(described()), wanted_settings(params(kms_key_id=key_id)))
    assert not plan.changed and not plan.errors


def test_unset_options_are_not_compared():
    wanted = wanted_settings(params(backup_retention_period=None, multi_az=None))
    assert not plan_changes(current_settings(described(BackupRetentionPeriod=9, MultiAZ=True)), wanted).changed


def test_differences_are_found():
    wanted = wanted_settings(
        params(backup_retention_period=7, multi_az=True, enable_cloudwatch_logs_exports=["postgresql"])
    )
    plan = plan_changes(current_settings(described()), wanted)
    assert plan.differences == {
        "backup_retention_period": (3, 7),
        "multi_az": (False, True),
        "enable_cloudwatch_logs_exports": (["postgresql", "upgrade"], ["postgresql"]),
    }


def test_pending_values_count_as_done():
    instance = described(PendingModifiedValues={"DBInstanceClass": "db.t3.small", "MultiAZ": True})
    wanted = wanted_settings(params(instance_class="db.t3.small", multi_az=True))
    assert not plan_changes(current_settings(instance), wanted).changed


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"db_name": "other"}, "db_name cannot be changed"),
        ({"master_username": "root"}, "master_username cannot be changed"),
        ({"storage_encrypted": False, "kms_key_id": None}, "storage_encrypted cannot be changed"),
        ({"kms_key_id": SECRET_KEY}, "kms_key_id cannot be changed"),
        ({"allocated_storage": 10, "max_allocated_storage": None}, "can only grow"),
        ({"engine_version": "15.8"}, "cannot go down"),
    ],
)
def test_changes_aws_cannot_make_are_refused(overrides, fragment):
    plan = plan_changes(current_settings(described()), wanted_settings(params(**overrides)))
    assert any(fragment in error for error in plan.errors), plan.errors


# --------------------------------------------------------------------------- payloads


def test_create_request_manages_the_master_password():
    request = build_create_request(params(), {"Project": "ecap"})
    assert_valid("CreateDBInstance", request)
    assert request["ManageMasterUserPassword"] is True
    assert request["MasterUserSecretKmsKeyId"] == SECRET_KEY
    assert not any("Password" in key and key != "ManageMasterUserPassword" for key in request)
    assert request["Tags"] == [{"Key": "Project", "Value": "ecap"}]
    assert request["EnableCloudwatchLogsExports"] == ["upgrade", "postgresql"]
    assert request["PubliclyAccessible"] is False


def test_modify_request_has_only_what_changed():
    plan = plan_changes(
        current_settings(described()),
        wanted_settings(params(backup_retention_period=7, enable_cloudwatch_logs_exports=["postgresql"])),
    )
    request = build_modify_request("ecap-dev-postgres", plan.differences, apply_immediately=True)
    assert_valid("ModifyDBInstance", request)
    assert request == {
        "DBInstanceIdentifier": "ecap-dev-postgres",
        "ApplyImmediately": True,
        "BackupRetentionPeriod": 7,
        "CloudwatchLogsExportConfiguration": {"EnableLogTypes": [], "DisableLogTypes": ["upgrade"]},
    }


def test_modify_request_major_upgrade_and_secret_key():
    differences = {"engine_version": ("15.8", "16.4"), "master_user_secret_kms_key_id": (KEY, SECRET_KEY)}
    request = build_modify_request("db", differences, apply_immediately=False)
    assert_valid("ModifyDBInstance", request)
    assert request["AllowMajorVersionUpgrade"] is True
    assert request["ManageMasterUserPassword"] is True
    assert request["ApplyImmediately"] is False


def test_modify_request_port_uses_db_port_number():
    request = build_modify_request("db", {"port": (5432, 5433)}, apply_immediately=True)
    assert_valid("ModifyDBInstance", request)
    assert request["DBPortNumber"] == 5433


# --------------------------------------------------------------------------- results


def test_summary_and_pending_reboot():
    instance = described(
        DBParameterGroups=[{"DBParameterGroupName": "g", "ParameterApplyStatus": "pending-reboot"}],
        PendingModifiedValues={"DBInstanceClass": "db.t3.small"},
    )
    result = summary(instance)
    assert result["pending_reboot"] is True
    assert result["pending_modified_values"] == {"db_instance_class": "db.t3.small"}
    assert result["master_user_secret_arn"].endswith("rds!db-1")
    assert result["port"] == 5432
    assert pending_reboot(described()) is False
    assert to_ansible(instance)["tags"] == {"Project": "ecap"}
