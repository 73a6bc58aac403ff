# Copyright: ecap.platform contributors
# MIT License
"""RDS logic of the ecap.platform modules: a DB instance whose master password RDS manages.

amazon.aws ``rds_instance`` cannot ask RDS to manage the master password in Secrets Manager
(``ManageMasterUserPassword``), so ``rds_db_instance`` is built here. The flow:

- :func:`validate_params` refuses bad input before any call (windows, retention, gp3 rules...).
- :func:`wanted_settings` reads the options the user set; :func:`current_settings` reads the same
  options from DescribeDBInstances, with ``PendingModifiedValues`` laid over what is applied, so a
  change already queued for the maintenance window is not sent again.
- :func:`plan_changes` compares them (table-driven: :data:`FIELDS`), refuses changes AWS cannot
  make in place, and :func:`build_modify_request` turns the differences into one ModifyDBInstance.
- Nothing here ever reads or returns a password: the master password lives only in the secret
  RDS creates (``MasterUserSecret.SecretArn``).

API reference: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/ (CreateDBInstance,
DescribeDBInstances, ModifyDBInstance, DeleteDBInstance, AddTagsToResource, RemoveTagsFromResource,
RestoreDBInstanceToPointInTime, RestoreDBInstanceFromDBSnapshot, DescribeDBInstanceAutomatedBackups).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.ecap.platform.plugins.module_utils.common import (
    dict_to_tags,
    tag_changes,
    tags_to_dict,
    wait_for,
)


@dataclass(frozen=True)
class Field:
    """How one option maps onto the RDS API.

    ``create``: CreateDBInstance parameter; ``modify``: ModifyDBInstance parameter (None: cannot
    change in place); ``read``: how to read it from a DescribeDBInstances item; ``pending``: its
    key in ``PendingModifiedValues``.
    """

    create: str
    modify: str | None
    read: Callable[[Mapping[str, Any]], Any]
    pending: str | None = None
    normalize: Callable[[Any], Any] = lambda value: value


def _get(key: str) -> Callable[[Mapping[str, Any]], Any]:
    return lambda instance: instance.get(key)


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _sorted(value: Any) -> Any:
    return sorted(value) if value is not None else None


def _key_id(value: Any) -> Any:
    """KMS keys compare by key id: an ARN and a bare id of the same key are equal."""
    if not isinstance(value, str):
        return value
    return value.rsplit("/", 1)[-1] if ":key/" in value else value


def _subnet_group(instance: Mapping[str, Any]) -> Any:
    return (instance.get("DBSubnetGroup") or {}).get("DBSubnetGroupName")


def _security_groups(instance: Mapping[str, Any]) -> Any:
    return sorted(g["VpcSecurityGroupId"] for g in instance.get("VpcSecurityGroups") or [])


def _parameter_group(instance: Mapping[str, Any]) -> Any:
    groups = instance.get("DBParameterGroups") or []
    return groups[0]["DBParameterGroupName"] if groups else None


def _secret_key(instance: Mapping[str, Any]) -> Any:
    return (instance.get("MasterUserSecret") or {}).get("KmsKeyId")


def _port(instance: Mapping[str, Any]) -> Any:
    return (instance.get("Endpoint") or {}).get("Port") or instance.get("DbInstancePort")


def _log_exports(instance: Mapping[str, Any]) -> Any:
    return sorted(instance.get("EnabledCloudwatchLogsExports") or [])


#: option → how it maps onto the API. Adding an option is one line.
FIELDS: dict[str, Field] = {
    "engine": Field("Engine", None, _get("Engine")),
    "engine_version": Field("EngineVersion", "EngineVersion", _get("EngineVersion"), "EngineVersion"),
    "instance_class": Field("DBInstanceClass", "DBInstanceClass", _get("DBInstanceClass"), "DBInstanceClass"),
    "allocated_storage": Field("AllocatedStorage", "AllocatedStorage", _get("AllocatedStorage"), "AllocatedStorage"),
    "max_allocated_storage": Field("MaxAllocatedStorage", "MaxAllocatedStorage", _get("MaxAllocatedStorage")),
    "storage_type": Field("StorageType", "StorageType", _get("StorageType"), "StorageType"),
    "iops": Field("Iops", "Iops", _get("Iops"), "Iops"),
    "storage_throughput": Field(
        "StorageThroughput", "StorageThroughput", _get("StorageThroughput"), "StorageThroughput"
    ),
    "storage_encrypted": Field("StorageEncrypted", None, _get("StorageEncrypted")),
    "kms_key_id": Field("KmsKeyId", None, _get("KmsKeyId"), normalize=_key_id),
    "db_subnet_group_name": Field(
        "DBSubnetGroupName", "DBSubnetGroupName", _subnet_group, "DBSubnetGroupName", normalize=_lower
    ),
    "vpc_security_group_ids": Field("VpcSecurityGroupIds", "VpcSecurityGroupIds", _security_groups, normalize=_sorted),
    "publicly_accessible": Field("PubliclyAccessible", "PubliclyAccessible", _get("PubliclyAccessible")),
    "multi_az": Field("MultiAZ", "MultiAZ", _get("MultiAZ"), "MultiAZ"),
    "db_name": Field("DBName", None, _get("DBName")),
    "master_username": Field("MasterUsername", None, _get("MasterUsername")),
    "master_user_secret_kms_key_id": Field(
        "MasterUserSecretKmsKeyId", "MasterUserSecretKmsKeyId", _secret_key, normalize=_key_id
    ),
    "port": Field("Port", "DBPortNumber", _port, "Port"),
    "db_parameter_group_name": Field(
        "DBParameterGroupName", "DBParameterGroupName", _parameter_group, normalize=_lower
    ),
    "backup_retention_period": Field(
        "BackupRetentionPeriod", "BackupRetentionPeriod", _get("BackupRetentionPeriod"), "BackupRetentionPeriod"
    ),
    "preferred_backup_window": Field("PreferredBackupWindow", "PreferredBackupWindow", _get("PreferredBackupWindow")),
    "preferred_maintenance_window": Field(
        "PreferredMaintenanceWindow",
        "PreferredMaintenanceWindow",
        _get("PreferredMaintenanceWindow"),
        normalize=_lower,
    ),
    "copy_tags_to_snapshot": Field("CopyTagsToSnapshot", "CopyTagsToSnapshot", _get("CopyTagsToSnapshot")),
    "deletion_protection": Field("DeletionProtection", "DeletionProtection", _get("DeletionProtection")),
    "auto_minor_version_upgrade": Field(
        "AutoMinorVersionUpgrade", "AutoMinorVersionUpgrade", _get("AutoMinorVersionUpgrade")
    ),
    "monitoring_interval": Field("MonitoringInterval", "MonitoringInterval", _get("MonitoringInterval")),
    "monitoring_role_arn": Field("MonitoringRoleArn", "MonitoringRoleArn", _get("MonitoringRoleArn")),
    "enable_performance_insights": Field(
        "EnablePerformanceInsights", "EnablePerformanceInsights", _get("PerformanceInsightsEnabled")
    ),
    "performance_insights_kms_key_id": Field(
        "PerformanceInsightsKMSKeyId",
        "PerformanceInsightsKMSKeyId",
        _get("PerformanceInsightsKMSKeyId"),
        normalize=_key_id,
    ),
    "performance_insights_retention_period": Field(
        "PerformanceInsightsRetentionPeriod",
        "PerformanceInsightsRetentionPeriod",
        _get("PerformanceInsightsRetentionPeriod"),
    ),
    "enable_cloudwatch_logs_exports": Field(
        "EnableCloudwatchLogsExports", "CloudwatchLogsExportConfiguration", _log_exports, normalize=_sorted
    ),
    "iam_database_authentication": Field(
        "EnableIAMDatabaseAuthentication",
        "EnableIAMDatabaseAuthentication",
        _get("IAMDatabaseAuthenticationEnabled"),
        "IAMDatabaseAuthenticationEnabled",
    ),
}

#: Options AWS cannot change on an existing instance (a new instance is needed).
IMMUTABLE = tuple(option for option, f in FIELDS.items() if f.modify is None)

LOG_EXPORTS = ("postgresql", "upgrade", "iam-db-auth-error")
MONITORING_INTERVALS = (0, 1, 5, 10, 15, 30, 60)
GP3_IOPS_MIN_STORAGE = 400
BUSY_STATES = ("creating", "backing-up", "modifying", "rebooting", "upgrading", "storage-optimization")
#: States in which ModifyDBInstance is accepted.
MODIFIABLE_STATES = ("available", "backing-up", "storage-optimization", "storage-full")

_BACKUP_WINDOW = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")
_MAINTENANCE_WINDOW = re.compile(
    r"^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$"
)
_IDENTIFIER = re.compile(r"^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{0,62}(?<!-)$")
_ENGINE_VERSION = re.compile(r"^\d+(\.\d+)?$")


# --------------------------------------------------------------------------- validation


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _window_minutes(window: str) -> int:
    start, end = window.split("-")
    length = _minutes(end[-5:]) - _minutes(start[-5:])
    return length if length >= 0 else length + 24 * 60


def pi_retention_valid(days: int) -> bool:
    """Performance Insights retention: 7 (free), a multiple of 31 up to 713 (months), or 731 (2 years)."""
    return days == 7 or days == 731 or (days % 31 == 0 and 31 <= days <= 713)


def validate_params(params: Mapping[str, Any]) -> list[str]:
    """Reasons the options cannot work, found before any AWS call (empty when they are fine)."""
    errors: list[str] = []
    identifier = params.get("db_instance_identifier") or ""
    if not _IDENTIFIER.match(identifier):
        errors.append(
            f"db_instance_identifier {identifier!r} must be 1 to 63 letters, digits or hyphens, start with a letter,"
            " and not end with a hyphen or contain two consecutive hyphens."
        )
    if params.get("state") == "absent":
        if not params.get("skip_final_snapshot") and not params.get("final_snapshot_identifier"):
            errors.append("state=absent needs final_snapshot_identifier, or skip_final_snapshot=true.")
        return errors

    version = params.get("engine_version")
    if version is not None and not _ENGINE_VERSION.match(str(version)):
        errors.append(f"engine_version {version!r} is not a version like 16.4 or 16.")
    allocated = params.get("allocated_storage")
    ceiling = params.get("max_allocated_storage")
    if allocated is not None and ceiling is not None and ceiling < allocated:
        errors.append(f"max_allocated_storage ({ceiling}) must be at least allocated_storage ({allocated}).")
    if params.get("storage_type") == "gp3" and (params.get("iops") or params.get("storage_throughput")):
        if allocated is not None and allocated < GP3_IOPS_MIN_STORAGE:
            errors.append(
                f"iops and storage_throughput can only be set for gp3 from {GP3_IOPS_MIN_STORAGE} GiB"
                f" (allocated_storage is {allocated}); below it RDS gives 3000 IOPS and 125 MiB/s."
            )
    if params.get("storage_type") not in (None, "gp3", "io1", "io2") and params.get("iops"):
        errors.append(f"iops cannot be set with storage_type {params.get('storage_type')}.")
    if params.get("kms_key_id") and params.get("storage_encrypted") is False:
        errors.append("kms_key_id needs storage_encrypted=true.")
    retention = params.get("backup_retention_period")
    if retention is not None and not 0 <= retention <= 35:
        errors.append(f"backup_retention_period must be between 0 and 35 days, not {retention}.")
    backup = params.get("preferred_backup_window")
    if backup is not None:
        if not _BACKUP_WINDOW.match(backup):
            errors.append(f"preferred_backup_window {backup!r} must be hh24:mi-hh24:mi (UTC).")
        elif _window_minutes(backup) < 30:
            errors.append(f"preferred_backup_window {backup!r} must be at least 30 minutes long.")
    maintenance = params.get("preferred_maintenance_window")
    if maintenance is not None:
        if not _MAINTENANCE_WINDOW.match(maintenance.lower()):
            errors.append(f"preferred_maintenance_window {maintenance!r} must be ddd:hh24:mi-ddd:hh24:mi (UTC).")
        elif _window_minutes(maintenance) < 30 and maintenance[:3].lower() == maintenance[12:15].lower():
            errors.append(f"preferred_maintenance_window {maintenance!r} must be at least 30 minutes long.")
    interval = params.get("monitoring_interval")
    if interval is not None and interval not in MONITORING_INTERVALS:
        errors.append(f"monitoring_interval must be one of {', '.join(map(str, MONITORING_INTERVALS))}.")
    if interval and not params.get("monitoring_role_arn"):
        errors.append("monitoring_interval > 0 needs monitoring_role_arn (the enhanced monitoring role).")
    if params.get("monitoring_role_arn") and not interval:
        errors.append("monitoring_role_arn needs monitoring_interval > 0.")
    pi_days = params.get("performance_insights_retention_period")
    if pi_days is not None and not pi_retention_valid(pi_days):
        errors.append(
            f"performance_insights_retention_period must be 7, a multiple of 31 up to 713, or 731: {pi_days}."
        )
    if (pi_days is not None or params.get("performance_insights_kms_key_id")) and not params.get(
        "enable_performance_insights"
    ):
        errors.append("performance_insights_* options need enable_performance_insights=true.")
    exports = params.get("enable_cloudwatch_logs_exports") or []
    unknown = sorted(set(exports) - set(LOG_EXPORTS))
    if unknown:
        errors.append(f"enable_cloudwatch_logs_exports: unknown log types {', '.join(unknown)}.")
    return errors


# --------------------------------------------------------------------------- diff


def wanted_settings(params: Mapping[str, Any]) -> dict[str, Any]:
    """Option → value for every option in :data:`FIELDS` (``None``: not set, so not compared)."""
    return {option: params.get(option) for option in FIELDS}


def current_settings(instance: Mapping[str, Any]) -> dict[str, Any]:
    """Option → value as DescribeDBInstances reports it, with PendingModifiedValues laid over it."""
    pending = instance.get("PendingModifiedValues") or {}
    current = {}
    for option, f in FIELDS.items():
        value = f.read(instance)
        if f.pending and f.pending in pending:
            value = pending[f.pending]
        current[option] = value
    return current


@dataclass
class Plan:
    """What to do with an existing instance."""

    differences: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.differences)


def plan_changes(current: Mapping[str, Any], wanted: Mapping[str, Any]) -> Plan:
    """Compare the options the user set with the instance; refuse what AWS cannot change in place."""
    plan = Plan()
    for option, f in FIELDS.items():
        want = wanted.get(option)
        if want is None:
            continue
        have = current.get(option)
        if f.normalize(have) == f.normalize(want):
            continue
        if (
            option == "performance_insights_kms_key_id"
            and have is None
            and not wanted.get("enable_performance_insights")
        ):
            continue
        if f.modify is None:
            plan.errors.append(f"{option} cannot be changed on an existing instance (it is {have!r}, wanted {want!r}).")
            continue
        plan.differences[option] = (have, want)
    allocated = plan.differences.get("allocated_storage")
    if allocated and allocated[0] is not None and allocated[1] < allocated[0]:
        plan.errors.append(f"allocated_storage can only grow (it is {allocated[0]} GiB, wanted {allocated[1]}).")
    version = plan.differences.get("engine_version")
    if version and version[0] and _major(version[1]) < _major(version[0]):
        plan.errors.append(f"engine_version cannot go down from {version[0]} to {version[1]}.")
    return plan


def _major(version: Any) -> int:
    return int(str(version).split(".")[0])


def build_create_request(params: Mapping[str, Any], tags: Mapping[str, str] | None) -> dict[str, Any]:
    """The CreateDBInstance request: RDS manages the master password in Secrets Manager."""
    request: dict[str, Any] = {
        "DBInstanceIdentifier": params["db_instance_identifier"],
        "ManageMasterUserPassword": True,
    }
    for option, f in FIELDS.items():
        value = params.get(option)
        if value is not None:
            request[f.create] = value
    if tags:
        request["Tags"] = dict_to_tags(tags)
    return request


def build_modify_request(
    identifier: str,
    differences: Mapping[str, tuple[Any, Any]],
    apply_immediately: bool,
) -> dict[str, Any]:
    """One ModifyDBInstance with only what changed."""
    request: dict[str, Any] = {"DBInstanceIdentifier": identifier, "ApplyImmediately": bool(apply_immediately)}
    for option, (have, want) in differences.items():
        f = FIELDS[option]
        if option == "enable_cloudwatch_logs_exports":
            have_set, want_set = set(have or []), set(want or [])
            request[f.modify] = {
                "EnableLogTypes": sorted(want_set - have_set),
                "DisableLogTypes": sorted(have_set - want_set),
            }
        elif option == "master_user_secret_kms_key_id":
            request["ManageMasterUserPassword"] = True
            request[f.modify] = want
        else:
            request[f.modify] = want
    if "engine_version" in differences:
        have, want = differences["engine_version"]
        if have and _major(want) != _major(have):
            request["AllowMajorVersionUpgrade"] = True
    if "enable_performance_insights" not in differences and (
        "performance_insights_kms_key_id" in differences or "performance_insights_retention_period" in differences
    ):
        request["EnablePerformanceInsights"] = True
    return request


def settings_view(settings: Mapping[str, Any], options: list[str] | None = None) -> dict[str, Any]:
    """The options shown in ``diff`` (those the user set)."""
    keys = options if options is not None else list(settings)
    return {key: settings.get(key) for key in keys}


# --------------------------------------------------------------------------- AWS calls


def describe_instance(connection: Any, identifier: str) -> dict[str, Any] | None:
    """The instance as DescribeDBInstances describes it, or None."""
    try:
        instances = connection.describe_db_instances(aws_retry=True, DBInstanceIdentifier=identifier)["DBInstances"]
    except is_boto3_error_code("DBInstanceNotFound"):
        return None
    return instances[0] if instances else None


def instance_tags(connection: Any, instance: Mapping[str, Any]) -> dict[str, str]:
    if "TagList" in instance:
        return tags_to_dict(instance.get("TagList"))
    arn = instance["DBInstanceArn"]
    return tags_to_dict(connection.list_tags_for_resource(aws_retry=True, ResourceName=arn).get("TagList"))


def update_tags(connection: Any, arn: str, to_set: Mapping[str, str], to_unset: list[str]) -> None:
    if to_unset:
        connection.remove_tags_from_resource(aws_retry=True, ResourceName=arn, TagKeys=list(to_unset))
    if to_set:
        connection.add_tags_to_resource(aws_retry=True, ResourceName=arn, Tags=dict_to_tags(to_set))


def plan_tags(
    current: Mapping[str, str], wanted: Mapping[str, Any] | None, purge_tags: bool
) -> tuple[dict[str, str], list[str]]:
    return tag_changes(current, wanted, purge_tags)


def wait_until(
    connection: Any,
    identifier: str,
    done: Callable[[dict[str, Any] | None], bool],
    timeout: float,
    delay: float,
    what: str,
    sleep: Callable[[float], None] | None = None,
) -> dict[str, Any] | None:
    """Poll DescribeDBInstances every ``delay`` seconds until ``done(instance)``."""
    kwargs = {"sleep": sleep} if sleep is not None else {}
    return wait_for(
        lambda: describe_instance(connection, identifier),
        done,
        timeout=timeout,
        delay=delay,
        what=f"DB instance {identifier} {what}",
        state_fn=lambda instance: instance.get("DBInstanceStatus") if instance else "gone",
        **kwargs,
    )


def is_available(instance: Mapping[str, Any] | None) -> bool:
    return bool(instance) and instance.get("DBInstanceStatus") == "available"


def is_gone(instance: Mapping[str, Any] | None) -> bool:
    return instance is None


# --------------------------------------------------------------------------- results


def pending_reboot(instance: Mapping[str, Any] | None) -> bool:
    """True when a parameter change (or a new parameter group) waits for a reboot."""
    groups = (instance or {}).get("DBParameterGroups") or []
    return any(g.get("ParameterApplyStatus") == "pending-reboot" for g in groups)


def to_ansible(instance: Mapping[str, Any] | None) -> dict[str, Any]:
    """The instance snake_cased, tags as a dict (DescribeDBInstances never returns a password)."""
    if not instance:
        return {}
    tags = tags_to_dict(instance.get("TagList"))
    result = camel_dict_to_snake_dict({k: v for k, v in instance.items() if k != "TagList"})
    result["tags"] = tags
    return result


def summary(instance: Mapping[str, Any] | None) -> dict[str, Any]:
    """The top-level return values: endpoint, port, secret ARN, status, pending work."""
    instance = instance or {}
    return {
        "endpoint": (instance.get("Endpoint") or {}).get("Address"),
        "port": _port(instance),
        "master_user_secret_arn": (instance.get("MasterUserSecret") or {}).get("SecretArn"),
        "status": instance.get("DBInstanceStatus"),
        "pending_reboot": pending_reboot(instance),
        "pending_modified_values": camel_dict_to_snake_dict(instance.get("PendingModifiedValues") or {}),
    }


# --------------------------------------------------------------------------- restores and rotation

#: CreateDBInstance parameters that both restore APIs take too. The rest (engine version, encryption and
#: KMS key, database and master user names) comes from the source; monitoring, Performance Insights and
#: the maintenance window are converged by a later run of the module on the restored instance.
RESTORE_PARAMETERS = frozenset(
    {
        "Engine",
        "DBInstanceClass",
        "AllocatedStorage",
        "StorageType",
        "Iops",
        "StorageThroughput",
        "DBSubnetGroupName",
        "VpcSecurityGroupIds",
        "PubliclyAccessible",
        "MultiAZ",
        "MasterUserSecretKmsKeyId",
        "Port",
        "DBParameterGroupName",
        "BackupRetentionPeriod",
        "PreferredBackupWindow",
        "CopyTagsToSnapshot",
        "DeletionProtection",
        "AutoMinorVersionUpgrade",
        "EnableCloudwatchLogsExports",
        "EnableIAMDatabaseAuthentication",
        "ManageMasterUserPassword",
        "Tags",
    }
)
#: Taken by RestoreDBInstanceToPointInTime only.
POINT_IN_TIME_PARAMETERS = frozenset({"MaxAllocatedStorage"})


def parse_time(value: Any) -> datetime:
    """An ISO 8601 time (``2025-01-31T12:00:00Z``, offsets allowed) as an aware datetime; ValueError if not."""
    if isinstance(value, datetime):
        parsed = value
    else:
        parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def validate_restore_params(params: Mapping[str, Any]) -> list[str]:
    """Reasons the restore options cannot work (empty when they are fine or not used)."""
    errors: list[str] = []
    source = params.get("creation_source")
    restore_time = params.get("restore_time")
    latest = params.get("use_latest_restorable_time")
    if source is None:
        used = [
            name
            for name in ("source_db_instance_identifier", "db_snapshot_identifier", "restore_time")
            if params.get(name)
        ] + (["use_latest_restorable_time"] if latest else [])
        if used:
            errors.append(f"{', '.join(used)} need creation_source (instance or snapshot).")
        return errors
    if source == "snapshot":
        if not params.get("db_snapshot_identifier"):
            errors.append("creation_source=snapshot needs db_snapshot_identifier.")
        if restore_time or latest or params.get("source_db_instance_identifier"):
            errors.append(
                "creation_source=snapshot takes no source_db_instance_identifier, restore_time"
                " or use_latest_restorable_time."
            )
        return errors
    if not params.get("source_db_instance_identifier"):
        errors.append("creation_source=instance needs source_db_instance_identifier.")
    if bool(restore_time) == bool(latest):
        errors.append(
            "creation_source=instance needs either restore_time or use_latest_restorable_time=true, not both."
        )
    if restore_time:
        try:
            parse_time(restore_time)
        except ValueError:
            errors.append(f"restore_time {restore_time!r} is not an ISO 8601 time such as 2025-01-31T12:00:00Z.")
    return errors


def restore_window(connection: Any, source: Mapping[str, Any]) -> tuple[datetime | None, datetime | None]:
    """(earliest, latest) restorable times of ``source``: the automated backups' RestoreWindow when
    RDS reports it, else the retention period back from LatestRestorableTime (not before the create)."""
    latest = source.get("LatestRestorableTime")
    earliest = None
    try:
        backups = connection.describe_db_instance_automated_backups(
            aws_retry=True, DBInstanceIdentifier=source["DBInstanceIdentifier"]
        ).get("DBInstanceAutomatedBackups", [])
    except is_boto3_error_code("DBInstanceAutomatedBackupNotFound"):
        backups = []
    for backup in backups:
        if backup.get("DBInstanceArn") in (None, source.get("DBInstanceArn")) and backup.get("RestoreWindow"):
            earliest = backup["RestoreWindow"].get("EarliestTime") or earliest
            latest = backup["RestoreWindow"].get("LatestTime") or latest
    if earliest is None and latest is not None and source.get("BackupRetentionPeriod"):
        earliest = parse_time(latest) - timedelta(days=int(source["BackupRetentionPeriod"]))
        created = source.get("InstanceCreateTime")
        if created is not None:
            earliest = max(earliest, parse_time(created))
    return (parse_time(earliest) if earliest else None, parse_time(latest) if latest else None)


def build_restore_request(params: Mapping[str, Any], tags: Mapping[str, str] | None) -> tuple[str, dict[str, Any]]:
    """(boto3 method, request) of the restore that makes the instance from a snapshot or a point in time."""
    create = build_create_request(params, tags)
    point_in_time = params["creation_source"] == "instance"
    allowed = RESTORE_PARAMETERS | (POINT_IN_TIME_PARAMETERS if point_in_time else frozenset())
    request = {key: value for key, value in create.items() if key in allowed}
    identifier = params["db_instance_identifier"]
    if not point_in_time:
        request.update(DBInstanceIdentifier=identifier, DBSnapshotIdentifier=params["db_snapshot_identifier"])
        return "restore_db_instance_from_db_snapshot", request
    request.update(
        SourceDBInstanceIdentifier=params["source_db_instance_identifier"], TargetDBInstanceIdentifier=identifier
    )
    if params.get("use_latest_restorable_time"):
        request["UseLatestRestorableTime"] = True
    else:
        request["RestoreTime"] = parse_time(params["restore_time"])
    return "restore_db_instance_to_point_in_time", request
