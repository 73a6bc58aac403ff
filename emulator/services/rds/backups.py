"""RDS backups: point-in-time and snapshot restores, the restore window, master password rotation.

moto 5.2.5: ``RestoreDBInstanceToPointInTime`` ignores ``RestoreTime`` (any time restores) and never
refuses an instance without backups, and deep-copies the source instance, which fails (500) on the
emulator's lifecycle state; ``RestoreDBInstanceFromDBSnapshot`` copies the emulator's state of the
source (lifecycle, pending changes) into the new instance; ``DescribeDBInstanceAutomatedBackups`` has no
``RestoreWindow`` (nor retention, ARN, engine...); ``ModifyDBInstance`` with
``RotateMasterUserPassword`` stores a secret version without a value (``GetSecretValue`` has no
``SecretString`` after a rotation), and the emulator's deferred-change handling dropped
``ApplyImmediately`` before moto's check, so every rotation was refused.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

from moto.core.utils import utcnow
from moto.rds.exceptions import (
    DBInstanceAlreadyExists,
    InvalidParameterCombination,
    RDSClientError,
)
from moto.rds.models import DBInstance, DBInstanceAutomatedBackup, MasterUserSecret, RDSBackend

from emulator.extensions import extension, original, override
from emulator.services.rds import models

#: Attributes of a DB instance that a restored instance never inherits: moto's and the emulator's
#: object state, the managed master secret (a restore asks for its own), tags (a restore takes the
#: request's), identity.
_NOT_INHERITED = {
    "backend",
    "db_subnet_group",
    "master_user_secret",
    "manage_master_user_password",
    "tags",
    "db_instance_identifier",
    "dbi_resource_id",
    "created",
    "arn",
    "status",
    "instance_create_time",
}


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def restore_window(database: DBInstance) -> tuple[datetime, datetime]:
    """(earliest, latest) restorable times: the retention period back from now, not before the create."""
    latest = _utc(utcnow())
    created = _utc(getattr(database, "created", None) or latest)
    retention = int(database.backup_retention_period or 0)
    return max(created, latest - timedelta(days=retention)), latest


def _parse_time(value: Any) -> datetime:
    if isinstance(value, datetime):
        return _utc(value)
    text = str(value).strip().replace("Z", "+00:00")
    try:
        return _utc(datetime.fromisoformat(text))
    except ValueError:
        raise RDSClientError("InvalidParameterValue", f"RestoreTime {value!r} is not an ISO 8601 time.") from None


def inherited_settings(database: DBInstance, skip: set[str] = frozenset()) -> dict[str, Any]:
    """The create kwargs of a new instance with ``database``'s settings (what a restore keeps)."""
    props: dict[str, Any] = {}
    for key, value in database.__dict__.items():
        if key.startswith("_emulator"):
            continue
        name = key[1:] if key.startswith("_") else key
        if name in _NOT_INHERITED or name in skip:
            continue
        try:
            props[name] = copy.deepcopy(value)
        except TypeError:
            props[name] = copy.copy(value)
    props["db_name"] = database.db_name
    if not database.option_group_supplied:
        props.pop("option_group_name", None)
    # What the emulator keeps outside moto's attributes.
    props["enable_performance_insights"] = database.performance_insights_enabled
    props["performance_insights_kms_key_id"] = database.performance_insights_kms_key_id
    props["performance_insights_retention_period"] = database.performance_insights_retention_period
    return props


def _apply_overrides(props: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    for key, value in overrides.items():
        if key in ("restore_time", "use_latest_restorable_time", "source_db_instance_identifier"):
            continue
        if key in ("target_db_instance_identifier", "db_snapshot_identifier"):
            continue
        if value is not None and value != "":
            props[key] = value
    return props


def restore_db_instance_to_point_in_time(
    self: RDSBackend, source_db_identifier: str, target_db_identifier: str, overrides: dict[str, Any]
) -> DBInstance:
    """RestoreDBInstanceToPointInTime: a new instance from the source's settings, inside the restore window."""
    models.settle_instances(self)
    source = self.describe_db_instances(db_instance_identifier=source_db_identifier)[0]
    if not source.backup_retention_period:
        raise RDSClientError(
            "PointInTimeRestoreNotEnabled",
            f"Point-in-time restore is not enabled for {source_db_identifier}: its backup retention period is 0.",
        )
    restore_time, latest = overrides.get("restore_time"), overrides.get("use_latest_restorable_time")
    if restore_time and latest:
        raise InvalidParameterCombination("Cannot specify both RestoreTime and UseLatestRestorableTime.")
    if restore_time:
        when = _parse_time(restore_time)
        earliest, latest_time = restore_window(source)
        if not earliest <= when <= latest_time:
            raise RDSClientError(
                "InvalidRestoreFault",
                f"The restore time {when.isoformat()} is not in the restorable window of {source_db_identifier}"
                f" ({earliest.isoformat()} to {latest_time.isoformat()}).",
            )
    if (target_db_identifier or "").lower() in self.databases:
        raise DBInstanceAlreadyExists()
    if overrides.get("allocated_storage") and int(overrides["allocated_storage"]) < source.allocated_storage:
        raise RDSClientError(
            "InvalidParameterValue", "Allocated storage size can't be less than the source instance size."
        )
    props = _apply_overrides(inherited_settings(source), overrides)
    props["db_instance_identifier"] = target_db_identifier
    return self.create_db_instance(props)


def restore_db_instance_from_db_snapshot(
    self: RDSBackend, from_snapshot_id: str, overrides: dict[str, Any]
) -> DBInstance:
    """RestoreDBInstanceFromDBSnapshot: the snapshot's settings; default SG/parameter group unless given."""
    models.settle_instances(self)
    if from_snapshot_id.startswith("arn:"):
        from_snapshot_id = self.extract_snapshot_name_from_arn(from_snapshot_id)
    snapshot = self.describe_db_snapshots(db_instance_identifier=None, db_snapshot_identifier=from_snapshot_id)[0]
    if snapshot.status != "available":
        raise RDSClientError("InvalidDBSnapshotState", f"DB snapshot {from_snapshot_id} is {snapshot.status}.")
    if (overrides.get("db_instance_identifier") or "").lower() in self.databases:
        raise DBInstanceAlreadyExists()
    if overrides.get("allocated_storage") and int(overrides["allocated_storage"]) < snapshot.allocated_storage:
        raise RDSClientError(
            "InvalidParameterValue",
            "The allocated storage size can't be less than the source snapshot or backup size.",
        )
    # AWS: a snapshot restore takes the default security group and parameter group unless given.
    props = inherited_settings(
        snapshot.database, skip={"db_parameter_group_name", "vpc_security_group_ids", "max_allocated_storage"}
    )
    props["kms_key_id"] = snapshot.kms_key_id
    props["storage_encrypted"] = snapshot.encrypted
    props = _apply_overrides(props, overrides)
    props["db_instance_identifier"] = overrides["db_instance_identifier"]
    return self.create_db_instance(props)


@extension("rds", "RestoreDBInstanceToPointInTime", "RestoreDBInstanceFromDBSnapshot")
def instance_restores() -> None:
    """Restores: point in time only inside the restore window and with backups on; new instances start clean.

    moto 5.2.5 restores any RestoreTime, also without backups, and copies the source's emulator
    state (a deep copy of its lifecycle is a 500).
    """
    override(RDSBackend, restore_db_instance_to_point_in_time)
    override(RDSBackend, restore_db_instance_from_db_snapshot)


# --- DescribeDBInstanceAutomatedBackups ---------------------------------------------------------


def _backup_database(self: DBInstanceAutomatedBackup) -> DBInstance | None:
    return self.backend.databases.get(self.db_instance_identifier)


def _backup_field(name: str, default: Any = None) -> property:
    def read(self: DBInstanceAutomatedBackup) -> Any:
        database = _backup_database(self)
        if database is not None:
            return getattr(database, name, default)
        snapshot = self.automated_snapshots[-1] if self.automated_snapshots else None
        return getattr(snapshot.database, name, default) if snapshot is not None else default

    return property(read)


def _restore_window(self: DBInstanceAutomatedBackup) -> dict[str, datetime]:
    database = _backup_database(self)
    if database is None:
        times = [s.created for s in self.automated_snapshots]
        return {"EarliestTime": min(times), "LatestTime": max(times)} if times else {}
    earliest, latest = restore_window(database)
    return {"EarliestTime": earliest, "LatestTime": latest}


@extension("rds", "DescribeDBInstanceAutomatedBackups")
def automated_backup_fields() -> None:
    """DescribeDBInstanceAutomatedBackups: RestoreWindow, BackupRetentionPeriod, ARN, engine (moto: id and status)."""
    DBInstanceAutomatedBackup.restore_window = property(_restore_window)  # type: ignore[attr-defined]
    for name in (
        "backup_retention_period",
        "db_instance_arn",
        "dbi_resource_id",
        "engine",
        "engine_version",
        "allocated_storage",
        "kms_key_id",
        "master_username",
        "port",
        "preferred_backup_window",
        "storage_type",
        "iam_database_authentication_enabled",
    ):
        setattr(DBInstanceAutomatedBackup, name, _backup_field(name))
    DBInstanceAutomatedBackup.encrypted = _backup_field("storage_encrypted", False)  # type: ignore[attr-defined]
    DBInstanceAutomatedBackup.instance_create_time = _backup_field("created")  # type: ignore[attr-defined]
    DBInstanceAutomatedBackup.region = property(lambda self: self.backend.region_name)  # type: ignore[attr-defined]


# --- master password rotation -------------------------------------------------------------------


def rotate_secret(self: MasterUserSecret) -> None:
    """RDS stores a new random password as the secret's AWSCURRENT version (the old one: AWSPREVIOUS)."""
    self.secretsmanager.put_secret_value(
        secret_id=self.secret.arn,
        secret_string=models._generate_secret_string(self),
        secret_binary=None,
        client_request_token=None,
        version_stages=["AWSCURRENT"],
    )
    self._status = "active"


#: RDS rotates the secrets of the master passwords it manages every 7 days (managed rotation, no Lambda).
#: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html#rds-secrets-manager-rotate
MANAGED_ROTATION_DAYS = 7


def _create_secret(self: MasterUserSecret, kms_key_id: str | None) -> Any:
    """The managed secret, with its rotation on: RotationEnabled, every 7 days (moto: rotation off)."""
    secret = original(MasterUserSecret, "_create_secret")(self, kms_key_id)
    secret.rotation_requested = True
    secret.rotation_enabled = True
    secret.auto_rotate_after_days = MANAGED_ROTATION_DAYS
    return secret


def modify_db_instance(self: RDSBackend, db_instance_identifier: str, db_kwargs: dict[str, Any]) -> DBInstance:
    """ModifyDBInstance: RotateMasterUserPassword needs ApplyImmediately and a managed master password."""
    if db_kwargs.get("rotate_master_user_password"):
        if not db_kwargs.get("apply_immediately"):
            raise InvalidParameterCombination(
                "You must specify apply immediately when rotating the master user password."
            )
        database = self.describe_db_instances(db_instance_identifier)[0]
        if not getattr(database, "master_user_secret", None):
            raise InvalidParameterCombination(
                "You can't rotate the master user password: it is not managed in Secrets Manager."
            )
        kwargs = {k: v for k, v in db_kwargs.items() if k != "rotate_master_user_password"}
        result = models.modify_db_instance(self, db_instance_identifier, kwargs)
        database.master_user_secret.rotate_secret()
        return result
    return models.modify_db_instance(self, db_instance_identifier, db_kwargs)


@extension("rds", "ModifyDBInstance")
def master_password_rotation() -> None:
    """RotateMasterUserPassword: a new password in a new AWSCURRENT version (moto: a version without a value)."""
    override(MasterUserSecret, rotate_secret)
    # Wraps the emulator's own ModifyDBInstance (deferred changes, models.py), which dropped ApplyImmediately
    # before moto's check; applied after it (extensions apply in name order).
    override(RDSBackend, modify_db_instance)


@extension("rds", "CreateDBInstance", "DescribeSecret", "ListSecrets")
def managed_secret_rotation() -> None:
    """The managed master secret reports RDS's own rotation: RotationEnabled, every 7 days (moto: rotation off)."""
    override(MasterUserSecret, _create_secret)
