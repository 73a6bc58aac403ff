"""The emulator's fixes for the day-2 operations: RDS restores, the restore window and master password
rotation, IAM SimulatePrincipalPolicy, Service Quotas.

Each check runs against the emulator (must pass) and plain moto 5.2.5 (strict xfail: it fails there,
showing the gap the extension fills).
"""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError

_names = itertools.count(1)


def _name(prefix: str) -> str:
    return f"{prefix}-{next(_names)}"


def _instance(rds, kms, **overrides) -> dict:
    key = kms.create_key()["KeyMetadata"]["Arn"]
    args = {
        "DBInstanceIdentifier": _name("db"),
        "DBInstanceClass": "db.t3.micro",
        "Engine": "postgres",
        "EngineVersion": "16.4",
        "AllocatedStorage": 20,
        "MasterUsername": "ecap_admin",
        "ManageMasterUserPassword": True,
        "MasterUserSecretKmsKeyId": key,
        "StorageEncrypted": True,
        "KmsKeyId": key,
        "BackupRetentionPeriod": 3,
        "EnableIAMDatabaseAuthentication": True,
        **overrides,
    }
    return rds.create_db_instance(**args)["DBInstance"]


def _describe(rds, identifier: str) -> dict:
    return rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]


# --- RDS ----------------------------------------------------------------------------------------


def test_point_in_time_restore_keeps_the_settings_and_gets_its_own_secret(emulator, clients_for):
    """Emulator only: plain moto restores this; the emulator's lifecycle state made its deep copy fail (500)."""
    rds, kms = clients_for(emulator)("rds"), clients_for(emulator)("kms")
    source = _instance(rds, kms)
    target = _name("restored")
    restored = rds.restore_db_instance_to_point_in_time(
        SourceDBInstanceIdentifier=source["DBInstanceIdentifier"],
        TargetDBInstanceIdentifier=target,
        UseLatestRestorableTime=True,
        ManageMasterUserPassword=True,
        MasterUserSecretKmsKeyId=source["MasterUserSecret"]["KmsKeyId"],
    )["DBInstance"]
    assert restored["DBInstanceIdentifier"] == target
    got = _describe(rds, target)
    assert got["KmsKeyId"] == source["KmsKeyId"] and got["StorageEncrypted"] is True
    assert got["IAMDatabaseAuthenticationEnabled"] is True
    assert got["MasterUserSecret"]["SecretArn"] != source["MasterUserSecret"]["SecretArn"]


def test_point_in_time_restore_refuses_a_time_outside_the_window(client):
    rds, kms = client("rds"), client("kms")
    source = _instance(rds, kms)
    with pytest.raises(ClientError) as error:
        rds.restore_db_instance_to_point_in_time(
            SourceDBInstanceIdentifier=source["DBInstanceIdentifier"],
            TargetDBInstanceIdentifier=_name("restored"),
            RestoreTime=datetime.now(UTC) - timedelta(days=30),
        )
    assert error.value.response["Error"]["Code"] == "InvalidRestoreFault"


def test_point_in_time_restore_needs_backups(client):
    rds, kms = client("rds"), client("kms")
    source = _instance(rds, kms, BackupRetentionPeriod=0)
    with pytest.raises(ClientError) as error:
        rds.restore_db_instance_to_point_in_time(
            SourceDBInstanceIdentifier=source["DBInstanceIdentifier"],
            TargetDBInstanceIdentifier=_name("restored"),
            UseLatestRestorableTime=True,
        )
    assert error.value.response["Error"]["Code"] == "PointInTimeRestoreNotEnabled"


def test_snapshot_restore_gets_its_own_managed_secret(emulator, clients_for):
    """Emulator only: a snapshot restore must not carry the source's emulator state (lifecycle, pending changes)."""
    rds, kms = clients_for(emulator)("rds"), clients_for(emulator)("kms")
    source = _instance(rds, kms)
    snapshot = _name("snap")
    rds.create_db_snapshot(DBInstanceIdentifier=source["DBInstanceIdentifier"], DBSnapshotIdentifier=snapshot)
    target = _name("restored")
    rds.restore_db_instance_from_db_snapshot(
        DBSnapshotIdentifier=snapshot, DBInstanceIdentifier=target, ManageMasterUserPassword=True
    )
    got = _describe(rds, target)
    assert got["KmsKeyId"] == source["KmsKeyId"]
    assert got["MasterUserSecret"]["SecretArn"] != source["MasterUserSecret"]["SecretArn"]


def test_automated_backups_report_the_restore_window(client):
    rds, kms = client("rds"), client("kms")
    source = _instance(rds, kms)
    backups = rds.describe_db_instance_automated_backups(DBInstanceIdentifier=source["DBInstanceIdentifier"])
    backup = backups["DBInstanceAutomatedBackups"][0]
    window = backup["RestoreWindow"]
    assert window["EarliestTime"] <= window["LatestTime"]
    assert backup["BackupRetentionPeriod"] == 3 and backup["DBInstanceArn"] == source["DBInstanceArn"]


def test_rotating_the_master_password_stores_a_new_value(client):
    rds, kms, sm = client("rds"), client("kms"), client("secretsmanager")
    source = _instance(rds, kms)
    arn = source["MasterUserSecret"]["SecretArn"]
    before = sm.get_secret_value(SecretId=arn)
    rds.modify_db_instance(
        DBInstanceIdentifier=source["DBInstanceIdentifier"], RotateMasterUserPassword=True, ApplyImmediately=True
    )
    after = sm.get_secret_value(SecretId=arn)
    assert after["VersionId"] != before["VersionId"]
    old, new = json.loads(before["SecretString"]), json.loads(after["SecretString"])
    assert new["username"] == "ecap_admin" and new["password"] != old["password"]
    stages = sm.describe_secret(SecretId=arn)["VersionIdsToStages"]
    assert stages[before["VersionId"]] == ["AWSPREVIOUS"] and stages[after["VersionId"]] == ["AWSCURRENT"]


def test_rotating_the_master_password_needs_apply_immediately(emulator, clients_for):
    rds, kms = clients_for(emulator)("rds"), clients_for(emulator)("kms")
    source = _instance(rds, kms)
    with pytest.raises(ClientError) as error:
        rds.modify_db_instance(DBInstanceIdentifier=source["DBInstanceIdentifier"], RotateMasterUserPassword=True)
    assert error.value.response["Error"]["Code"] == "InvalidParameterCombination"


# --- IAM ----------------------------------------------------------------------------------------


def test_simulate_principal_policy(client):
    iam = client("iam")
    user = _name("deployer")
    iam.create_user(UserName=user)
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["ec2:*", "rds:*"], "Resource": "*"},
            {"Effect": "Deny", "Action": "rds:DeleteDBInstance", "Resource": "*"},
        ],
    }
    iam.put_user_policy(UserName=user, PolicyName="deploy", PolicyDocument=json.dumps(document))
    arn = iam.get_user(UserName=user)["User"]["Arn"]
    results = iam.simulate_principal_policy(
        PolicySourceArn=arn, ActionNames=["ec2:CreateVpc", "rds:DeleteDBInstance", "kafka:CreateClusterV2"]
    )["EvaluationResults"]
    decisions = {r["EvalActionName"]: r["EvalDecision"] for r in results}
    assert decisions == {
        "ec2:CreateVpc": "allowed",
        "rds:DeleteDBInstance": "explicitDeny",
        "kafka:CreateClusterV2": "implicitDeny",
    }
    with pytest.raises(ClientError) as error:
        iam.simulate_principal_policy(PolicySourceArn=arn.replace(user, "nobody"), ActionNames=["ec2:CreateVpc"])
    assert error.value.response["Error"]["Code"] == "NoSuchEntity"


def test_simulate_principal_policy_of_a_role_with_a_managed_policy(client):
    iam = client("iam")
    role = _name("deploy-role")
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}],
    }
    arn = iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    policy = iam.create_policy(
        PolicyName=_name("eks"),
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "eks:*", "Resource": "*"}]}
        ),
    )["Policy"]["Arn"]
    iam.attach_role_policy(RoleName=role, PolicyArn=policy)
    results = iam.simulate_principal_policy(PolicySourceArn=arn, ActionNames=["eks:CreateCluster", "iam:CreateRole"])
    decisions = {r["EvalActionName"]: r["EvalDecision"] for r in results["EvaluationResults"]}
    assert decisions == {"eks:CreateCluster": "allowed", "iam:CreateRole": "implicitDeny"}


# --- Service Quotas -----------------------------------------------------------------------------

PLATFORM_QUOTAS = {
    ("ec2", "L-1216C47A"): 5.0,
    ("ec2", "L-0263D0A3"): 5.0,
    ("vpc", "L-F678F1CE"): 5.0,
    ("vpc", "L-FE5A380F"): 5.0,
    ("eks", "L-1194D53C"): 100.0,
    ("rds", "L-7B6409FD"): 40.0,
    ("kafka", "L-EDD31C36"): 90.0,
}


@pytest.mark.parametrize(("service", "code"), sorted(PLATFORM_QUOTAS))
def test_default_quotas_of_the_platform(client, service, code):
    sq = client("service-quotas")
    default = sq.get_aws_default_service_quota(ServiceCode=service, QuotaCode=code)["Quota"]
    applied = sq.get_service_quota(ServiceCode=service, QuotaCode=code)["Quota"]
    assert default["Value"] == applied["Value"] == PLATFORM_QUOTAS[(service, code)]
    assert applied["QuotaArn"] == f"arn:aws:servicequotas:us-west-2:123456789012:{service}/{code}"


def test_list_service_quotas_pages(client):
    sq = client("service-quotas")
    pages = list(sq.get_paginator("list_service_quotas").paginate(ServiceCode="vpc", PaginationConfig={"PageSize": 10}))
    codes = [q["QuotaCode"] for page in pages for q in page["Quotas"]]
    assert len(pages) > 1 and "L-F678F1CE" in codes and len(codes) == len(set(codes))


def test_request_service_quota_increase_applies_the_value(client):
    sq = client("service-quotas")
    requested = sq.request_service_quota_increase(ServiceCode="rds", QuotaCode="L-7B6409FD", DesiredValue=60)
    assert requested["RequestedQuota"]["Status"] == "APPROVED"
    assert sq.get_service_quota(ServiceCode="rds", QuotaCode="L-7B6409FD")["Quota"]["Value"] == 60.0
    assert sq.get_aws_default_service_quota(ServiceCode="rds", QuotaCode="L-7B6409FD")["Quota"]["Value"] == 40.0
