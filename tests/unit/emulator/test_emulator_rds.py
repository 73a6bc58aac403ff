"""The emulator's RDS fixes, checked as clients (boto3 and the amazon.aws modules) see them.

As in test_emulator_fixes.py, each fix check runs against the emulator (must pass) and against
plain moto 5.2.5 (strict xfail: it must fail there, showing the bug). Lifecycle checks that need
durations run on the emulator only.
"""

from __future__ import annotations

import itertools
import json
from types import SimpleNamespace

import pytest
from botocore.exceptions import ClientError

from emulator import lifecycle as lifecycle_module
from emulator.lifecycle import Lifecycle, LifecycleConfig

NO_RETRY = {"retries": {"total_max_attempts": 1}}
FAST = {"Delay": 0.25, "MaxAttempts": 40}
_names = itertools.count(1)


def _name(prefix: str) -> str:
    return f"{prefix}-{next(_names)}"


def _group(rds, family: str = "postgres16") -> str:
    name = _name("pg")
    rds.create_db_parameter_group(DBParameterGroupName=name, DBParameterGroupFamily=family, Description="test")
    return name


def _parameters(rds, group: str, **kwargs) -> dict[str, dict]:
    pages = rds.get_paginator("describe_db_parameters").paginate(DBParameterGroupName=group, **kwargs)
    return {p["ParameterName"]: p for page in pages for p in page["Parameters"]}


def _instance(rds, **overrides) -> dict:
    args = {
        "DBInstanceIdentifier": _name("db"),
        "DBInstanceClass": "db.t3.micro",
        "Engine": "postgres",
        "EngineVersion": "16.4",
        "AllocatedStorage": 20,
        "StorageType": "gp3",
        "MasterUsername": "ecap_admin",
        "ManageMasterUserPassword": True,
        "BackupRetentionPeriod": 1,
        **overrides,
    }
    return rds.create_db_instance(**args)["DBInstance"]


def _describe(rds, identifier: str) -> dict:
    return rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]


# --- parameter groups ---------------------------------------------------------------------------


def test_describe_unknown_parameter_group_is_not_found(client) -> None:
    """moto answers an empty list, so amazon.aws rds_instance_param_group hits IndexError on create."""
    with pytest.raises(ClientError) as err:
        client("rds").describe_db_parameter_groups(DBParameterGroupName="ecap-missing")
    assert err.value.response["Error"]["Code"] == "DBParameterGroupNotFound"


def test_parameter_group_module_creates_and_converges(target, client, ansible_module) -> None:
    """amazon.aws rds_instance_param_group: create with params, re-run unchanged, values read back."""
    from ansible_collections.amazon.aws.plugins.modules import rds_instance_param_group

    args = {
        "endpoint_url": target.endpoint,
        "aws_config": NO_RETRY,
        "state": "present",
        "name": _name("ecap-test-pg"),
        "engine": "postgres16",
        "description": "analytics",
        "params": {"work_mem": 65536, "random_page_cost": "1.1", "shared_preload_libraries": "pg_stat_statements"},
        "tags": {"Project": "ecap"},
    }
    created = ansible_module(rds_instance_param_group, args)
    assert created["changed"] and not created["errors"], created["errors"]
    again = ansible_module(rds_instance_param_group, args)
    assert not again["changed"] and not again["errors"]
    params = _parameters(client("rds"), args["name"], Source="user")
    assert params["work_mem"]["ParameterValue"] == "65536"
    assert params["random_page_cost"]["ParameterValue"] == "1.1"


def test_describe_db_parameters_lists_engine_defaults(client) -> None:
    """DescribeDBParameters on a new group: AWS lists the family's parameters with ApplyType/DataType."""
    rds = client("rds")
    group = _group(rds)
    params = _parameters(rds, group)
    assert params["shared_preload_libraries"]["ApplyType"] == "static"
    assert params["work_mem"]["ApplyType"] == "dynamic"
    assert params["rds.force_ssl"]["DataType"] == "boolean"
    assert params["max_parallel_workers_per_gather"]["IsModifiable"] is True
    assert not _parameters(rds, group, Source="user")


def test_modify_parameter_group_is_validated(client) -> None:
    """ModifyDBParameterGroup refuses unknown names, bad values and ``immediate`` on a static parameter."""
    rds = client("rds")
    group = _group(rds, "postgres15")

    def modify(name: str, value: str, method: str = "pending-reboot") -> str:
        try:
            rds.modify_db_parameter_group(
                DBParameterGroupName=group,
                Parameters=[{"ParameterName": name, "ParameterValue": value, "ApplyMethod": method}],
            )
        except ClientError as err:
            return err.response["Error"]["Code"]
        return "ok"

    assert modify("no_such_parameter", "1") == "InvalidParameterValue"
    assert modify("random_page_cost", "fast") == "InvalidParameterValue"
    assert modify("rds.force_ssl", "2") == "InvalidParameterValue"
    assert modify("shared_preload_libraries", "pg_stat_statements", "immediate") == "InvalidParameterCombination"
    assert modify("work_mem", "65536", "immediate") == "ok"
    assert modify("effective_cache_size", "{DBInstanceClassMemory/16384}", "immediate") == "ok"
    assert _parameters(rds, group)["work_mem"]["Source"] == "user"


def test_describe_engine_default_parameters(client) -> None:
    """moto 5.2.5 answers HTTP 500."""
    defaults = client("rds").describe_engine_default_parameters(DBParameterGroupFamily="postgres16")
    names = {p["ParameterName"]: p for p in defaults["EngineDefaults"]["Parameters"]}
    assert names["shared_buffers"]["ApplyType"] == "static"


def test_static_parameter_change_waits_for_a_reboot(client) -> None:
    """An attached group's static change is ``pending-reboot`` until RebootDBInstance (moto: in-sync)."""
    rds = client("rds")
    group = _group(rds)
    db = _instance(rds, DBParameterGroupName=group)["DBInstanceIdentifier"]
    assert _describe(rds, db)["DBParameterGroups"][0]["ParameterApplyStatus"] == "in-sync"
    rds.modify_db_parameter_group(
        DBParameterGroupName=group,
        Parameters=[{"ParameterName": "work_mem", "ParameterValue": "8192", "ApplyMethod": "immediate"}],
    )
    assert _describe(rds, db)["DBParameterGroups"][0]["ParameterApplyStatus"] == "in-sync"
    rds.modify_db_parameter_group(
        DBParameterGroupName=group,
        Parameters=[{"ParameterName": "max_connections", "ParameterValue": "200", "ApplyMethod": "pending-reboot"}],
    )
    assert _describe(rds, db)["DBParameterGroups"][0]["ParameterApplyStatus"] == "pending-reboot"
    rds.reboot_db_instance(DBInstanceIdentifier=db)
    assert _describe(rds, db)["DBParameterGroups"][0]["ParameterApplyStatus"] == "in-sync"


# --- instances ----------------------------------------------------------------------------------


def test_gp3_instance_reports_its_baseline_throughput(client) -> None:
    """A gp3 instance below 400 GiB has 3000 IOPS / 125 MiB/s (moto omits both: amazon.aws KeyError)."""
    rds = client("rds")
    db = _instance(rds)["DBInstanceIdentifier"]
    described = _describe(rds, db)
    assert (described["Iops"], described["StorageThroughput"]) == (3000, 125)
    with pytest.raises(ClientError) as err:
        _instance(rds, Iops=3000, StorageThroughput=125)
    assert err.value.response["Error"]["Code"] == "InvalidParameterCombination"
    big = _instance(rds, AllocatedStorage=400, Iops=15000, StorageThroughput=600)["DBInstanceIdentifier"]
    assert (_describe(rds, big)["Iops"], _describe(rds, big)["StorageThroughput"]) == (15000, 600)


def test_rds_instance_module_converges_on_gp3(target, client, ansible_module) -> None:
    """amazon.aws rds_instance on an existing gp3 instance: moto's missing StorageThroughput is a KeyError."""
    from ansible_collections.amazon.aws.plugins.modules import rds_instance

    ec2 = client("ec2")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    subnets = [s["SubnetId"] for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]]
    subnet_group = _name("ecap-test-subnets")
    client("rds").create_db_subnet_group(
        DBSubnetGroupName=subnet_group, DBSubnetGroupDescription="test", SubnetIds=subnets[:2]
    )

    args = {
        "endpoint_url": target.endpoint,
        "aws_config": NO_RETRY,
        "id": _name("ecap-test-db"),
        "state": "present",
        "engine": "postgres",
        "engine_version": "16.4",
        "db_instance_class": "db.t3.micro",
        "allocated_storage": 20,
        "storage_type": "gp3",
        "username": "ecap_admin",
        "password": "not-a-real-password-1",
        "db_subnet_group_name": subnet_group,
        "skip_final_snapshot": True,
        "wait": False,
    }
    assert ansible_module(rds_instance, args)["changed"]
    assert not ansible_module(rds_instance, args)["changed"]


def test_managed_master_secret_is_real(client) -> None:
    """The MasterUserSecret exists, is encrypted with the given key, holds the master user (moto: admin)."""
    rds, kms, sm = client("rds"), client("kms"), client("secretsmanager")
    key = kms.create_key()["KeyMetadata"]["Arn"]
    created = _instance(rds, MasterUserSecretKmsKeyId=key)
    secret = _describe(rds, created["DBInstanceIdentifier"])["MasterUserSecret"]
    assert secret["KmsKeyId"] == key
    described = sm.describe_secret(SecretId=secret["SecretArn"])
    assert described["KmsKeyId"] == key
    value = json.loads(sm.get_secret_value(SecretId=secret["SecretArn"])["SecretString"])
    assert value["username"] == "ecap_admin"
    other = _instance(rds, MasterUserSecretKmsKeyId=key)["MasterUserSecret"]["SecretArn"]
    assert json.loads(sm.get_secret_value(SecretId=other)["SecretString"])["password"] != value["password"]


def test_unknown_kms_key_is_refused(client) -> None:
    """An unknown KMS key is KMSKeyNotAccessibleFault (moto: HTTP 500)."""
    missing = "arn:aws:kms:us-west-2:123456789012:key/00000000-0000-0000-0000-000000000000"
    with pytest.raises(ClientError) as err:
        _instance(client("rds"), MasterUserSecretKmsKeyId=missing)
    assert err.value.response["Error"]["Code"] == "KMSKeyNotAccessibleFault"


def test_performance_insights_settings_are_kept(client) -> None:
    rds, kms = client("rds"), client("kms")
    key = kms.create_key()["KeyMetadata"]["Arn"]
    db = _instance(
        rds, EnablePerformanceInsights=True, PerformanceInsightsKMSKeyId=key, PerformanceInsightsRetentionPeriod=7
    )["DBInstanceIdentifier"]
    described = _describe(rds, db)
    assert described["PerformanceInsightsEnabled"] is True
    assert described["PerformanceInsightsKMSKeyId"] == key
    assert described["PerformanceInsightsRetentionPeriod"] == 7


def test_deferred_changes_are_pending(client) -> None:
    """Without ApplyImmediately a class change waits in PendingModifiedValues; a later immediate call applies it."""
    rds = client("rds")
    db = _instance(rds)["DBInstanceIdentifier"]
    rds.modify_db_instance(DBInstanceIdentifier=db, DBInstanceClass="db.t3.small", BackupRetentionPeriod=3)
    described = _describe(rds, db)
    assert described["DBInstanceClass"] == "db.t3.micro"
    assert described["PendingModifiedValues"] == {"DBInstanceClass": "db.t3.small"}
    assert described["BackupRetentionPeriod"] == 3, "non-zero to non-zero retention applies at once"
    rds.modify_db_instance(DBInstanceIdentifier=db, DeletionProtection=False, ApplyImmediately=True)
    described = _describe(rds, db)
    assert described["DBInstanceClass"] == "db.t3.small"
    assert not described.get("PendingModifiedValues")


def test_delete_requires_a_final_snapshot_choice(client) -> None:
    rds = client("rds")
    db = _instance(rds)["DBInstanceIdentifier"]
    with pytest.raises(ClientError) as err:
        rds.delete_db_instance(DBInstanceIdentifier=db)
    assert err.value.response["Error"]["Code"] == "InvalidParameterCombination"


# --- lifecycle (emulator only) ------------------------------------------------------------------


@pytest.fixture
def rds_durations(emulator):
    emulator.set_config(durations={"rds_instance": 1, "rds_instance_modify": 1})
    yield
    emulator.set_config(profile="instant", durations={})


def test_instance_goes_through_its_states(aws, rds_durations) -> None:
    rds = aws("rds")
    created = _instance(rds)
    db = created["DBInstanceIdentifier"]
    assert created["DBInstanceStatus"] == "creating"
    assert _describe(rds, db)["DBInstanceStatus"] in ("creating", "backing-up")
    rds.get_waiter("db_instance_available").wait(DBInstanceIdentifier=db, WaiterConfig=FAST)
    rds.modify_db_instance(DBInstanceIdentifier=db, DBInstanceClass="db.t3.small", ApplyImmediately=True)
    assert _describe(rds, db)["DBInstanceStatus"] == "modifying"
    rds.get_waiter("db_instance_available").wait(DBInstanceIdentifier=db, WaiterConfig=FAST)
    assert _describe(rds, db)["DBInstanceClass"] == "db.t3.small"
    rds.delete_db_instance(DBInstanceIdentifier=db, SkipFinalSnapshot=True)
    assert _describe(rds, db)["DBInstanceStatus"] == "deleting"
    with pytest.raises(ClientError) as err:
        rds.delete_db_instance(DBInstanceIdentifier=db, SkipFinalSnapshot=True)
    assert err.value.response["Error"]["Code"] == "InvalidDBInstanceState"
    rds.get_waiter("db_instance_deleted").wait(DBInstanceIdentifier=db, WaiterConfig=FAST)
    with pytest.raises(ClientError):
        _describe(rds, db)


def test_status_backing_up_after_creating(monkeypatch) -> None:
    """The last fifth of the create is ``backing-up`` when backups are on (in-process, with a fake clock)."""
    from emulator.services.rds.models import _status

    now = [100.0]
    monkeypatch.setattr(lifecycle_module, "clock", lambda: now[0])
    monkeypatch.setattr(lifecycle_module, "_config", LifecycleConfig(overrides={"rds_instance": {"create": 10}}))
    database = SimpleNamespace(_backup_retention_period=1)
    database.__dict__["_emulator_lifecycle"] = Lifecycle.begin("rds_instance", creating="creating", deleted=None)
    assert _status(database) == "creating"
    now[0] = 108.5
    assert _status(database) == "backing-up"
    database._backup_retention_period = 0
    assert _status(database) == "creating"
    now[0] = 110.0
    assert _status(database) == "available"
    database.__dict__["_emulator_lifecycle"].delete()
    assert _status(database) == "deleting"


# --- event subscriptions ------------------------------------------------------------------------


def test_event_subscription_is_enabled_by_default_and_modifiable(client) -> None:
    """CreateEventSubscription without Enabled is enabled (AWS default); Modify/Add/Remove work (moto: 500)."""
    rds = client("rds")
    name = _name("ecap-events")
    topic = "arn:aws:sns:us-west-2:123456789012:ecap-alarms"
    made = rds.create_event_subscription(
        SubscriptionName=name, SnsTopicArn=topic, SourceType="db-instance", SourceIds=["db-a"]
    )["EventSubscription"]
    assert made["Enabled"] is True
    modified = rds.modify_event_subscription(
        SubscriptionName=name, EventCategories=["failure", "maintenance"], Enabled=False
    )["EventSubscription"]
    assert modified["EventCategoriesList"] == ["failure", "maintenance"] and modified["Enabled"] is False
    assert modified["SnsTopicArn"] == topic and modified["SourceIdsList"] == ["db-a"]
    added = rds.add_source_identifier_to_subscription(SubscriptionName=name, SourceIdentifier="db-b")
    assert added["EventSubscription"]["SourceIdsList"] == ["db-a", "db-b"]
    removed = rds.remove_source_identifier_from_subscription(SubscriptionName=name, SourceIdentifier="db-a")
    assert removed["EventSubscription"]["SourceIdsList"] == ["db-b"]
    retyped = rds.modify_event_subscription(SubscriptionName=name, SourceType="db-parameter-group")
    assert retyped["EventSubscription"]["SourceIdsList"] == []
    with pytest.raises(ClientError) as err:
        rds.modify_event_subscription(SubscriptionName=_name("ecap-missing"), Enabled=True)
    assert err.value.response["Error"]["Code"] == "SubscriptionNotFound"
    rds.delete_event_subscription(SubscriptionName=name)


def test_managed_master_secret_reports_rotation(client) -> None:
    """RDS rotates the secret of a managed master password itself (every 7 days): DescribeSecret says so."""
    rds = client("rds")
    name = _name("ecap-rotated")
    made = rds.create_db_instance(
        DBInstanceIdentifier=name,
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        AllocatedStorage=20,
        MasterUsername="ecap_admin",
        ManageMasterUserPassword=True,
    )["DBInstance"]
    secret = client("secretsmanager").describe_secret(SecretId=made["MasterUserSecret"]["SecretArn"])
    assert secret["RotationEnabled"] is True
    assert secret["RotationRules"]["AutomaticallyAfterDays"] == 7
    rds.delete_db_instance(DBInstanceIdentifier=name, SkipFinalSnapshot=True)


def test_enhanced_monitoring_reports_its_log_stream(client) -> None:
    """MonitoringInterval > 0: EnhancedMonitoringResourceArn names the RDSOSMetrics stream (moto: absent)."""
    rds = client("rds")
    made = _instance(rds, MonitoringInterval=60, MonitoringRoleArn="arn:aws:iam::123456789012:role/rds-monitoring")
    described = _describe(rds, made["DBInstanceIdentifier"])
    assert described["EnhancedMonitoringResourceArn"] == (
        f"arn:aws:logs:us-west-2:123456789012:log-group:RDSOSMetrics:log-stream:{described['DbiResourceId']}"
    )
    plain = _instance(rds)
    assert "EnhancedMonitoringResourceArn" not in _describe(rds, plain["DBInstanceIdentifier"])
