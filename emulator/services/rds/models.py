"""RDS backend fixes: parameter groups, gp3 storage, managed master password, instance lifecycle."""

from __future__ import annotations

import json
import secrets
import string
from typing import Any

from moto.rds.exceptions import (
    DBInstanceNotFoundError,
    DBParameterGroupNotFoundError,
    InvalidDBInstanceStateFault,
    InvalidParameterCombination,
    InvalidParameterValue,
    KMSKeyNotAccessibleFault,
)
from moto.rds.models import DBInstance, DBParameterGroup, MasterUserSecret, RDSBackend

from emulator import lifecycle as lifecycle_module
from emulator.extensions import extension, original, override
from emulator.lifecycle import Lifecycle
from emulator.services.ec2 import service_interfaces
from emulator.services.rds.parameters import family_parameters, invalid_value

#: Share of the create duration an instance spends ``creating`` before its first backup (``backing-up``).
CREATING_SHARE = 0.8

#: ModifyDBInstance fields (moto's snake_case kwargs → AWS's PendingModifiedValues key) that AWS
#: defers to the next maintenance window unless ApplyImmediately is true.
DEFERRED_FIELDS = {
    "db_instance_class": "DBInstanceClass",
    "allocated_storage": "AllocatedStorage",
    "storage_type": "StorageType",
    "iops": "Iops",
    "storage_throughput": "StorageThroughput",
    "multi_az": "MultiAZ",
    "engine_version": "EngineVersion",
    "ca_certificate_identifier": "CACertificateIdentifier",
}

#: Changes applied now that make the instance ``modifying`` for a while (the rest are metadata).
MODIFYING_FIELDS = set(DEFERRED_FIELDS) | {"backup_retention_period"}

#: gp3 baseline for RDS for PostgreSQL/MySQL: below 400 GiB fixed 3000 IOPS / 125 MiB/s, from 400 GiB 12000 / 500.
GP3_THRESHOLD_GIB = 400
GP3_BASELINE = {False: (3000, 125), True: (12000, 500)}


# --- parameter groups ---------------------------------------------------------------------------


def effective_parameters(group: DBParameterGroup) -> list[dict[str, Any]]:
    """The group's parameters as DescribeDBParameters reports them: engine defaults merged with user values."""
    defaults = family_parameters(group.family)
    if defaults is None:
        return list(group.parameters.values())
    merged = dict(defaults)
    for name, user in group.parameters.items():
        base = dict(merged.get(name, {"ParameterName": name}))
        base.update({k: v for k, v in user.items() if k in ("ParameterValue", "ApplyMethod")})
        base["Source"] = "user"
        merged[name] = base
    return [merged[name] for name in sorted(merged)]


def group_key(backend: RDSBackend, name: str) -> str:
    """moto keys parameter groups by the name as created but lowercases ``group.name``; AWS ignores case."""
    if name in backend.db_parameter_groups:
        return name
    for key, group in backend.db_parameter_groups.items():
        if group.name == name.lower():
            return key
    return name.lower()


def describe_db_parameter_groups(self: RDSBackend, db_parameter_group_kwargs: dict[str, Any]) -> list[DBParameterGroup]:
    """DescribeDBParameterGroups: an unknown name is ``DBParameterGroupNotFound`` (moto: an empty list).

    The default groups (``default.postgres16``) exist without being created, as on AWS.
    """
    name = (db_parameter_group_kwargs or {}).get("db_parameter_group_name")
    if name:
        name = group_key(self, name)
        if name not in self.db_parameter_groups:
            family = name.removeprefix("default.")
            if name.startswith("default.") and family_parameters(family) is not None:
                self.db_parameter_groups[name] = DBParameterGroup(
                    backend=self,
                    db_parameter_group_name=name,
                    description=f"Default parameter group for {family}",
                    db_parameter_group_family=family,
                )
            else:
                raise DBParameterGroupNotFoundError(name)
        return [self.db_parameter_groups[name]]
    return original(RDSBackend, "describe_db_parameter_groups")(self, db_parameter_group_kwargs)


def modify_db_parameter_group(
    self: RDSBackend, db_parameter_group_name: str, db_parameter_group_parameters: list[dict[str, Any]]
) -> DBParameterGroup:
    """ModifyDBParameterGroup: validate as AWS does, then mark attached instances ``pending-reboot``.

    AWS refuses unknown or non-modifiable parameters, values outside AllowedValues, more than 20
    parameters per call, default groups, and ``ApplyMethod=immediate`` for a static parameter.
    """
    name = group_key(self, db_parameter_group_name or "")
    if name not in self.db_parameter_groups:
        raise DBParameterGroupNotFoundError(name)
    group = self.db_parameter_groups[name]
    name = group.name
    params = list(db_parameter_group_parameters or [])
    if not params:
        raise InvalidParameterValue("Parameters must not be empty.")
    if len(params) > 20:
        raise InvalidParameterValue("The maximum number of parameters per request is 20.")
    if name.startswith("default."):
        raise InvalidParameterValue("Default parameter groups cannot be modified.")
    defaults = family_parameters(group.family)
    reboot = False
    if defaults is not None:
        for param in params:
            pname = param.get("ParameterName")
            known = defaults.get(pname)
            if known is None:
                raise InvalidParameterValue(f"Could not find parameter with name: {pname}")
            if not known["IsModifiable"]:
                raise InvalidParameterValue(f"The parameter {pname} cannot be modified.")
            method = param.get("ApplyMethod") or "pending-reboot"
            if method not in ("immediate", "pending-reboot"):
                raise InvalidParameterValue(f"Invalid apply method {method} for parameter {pname}.")
            if method == "immediate" and known["ApplyType"] == "static":
                raise InvalidParameterCombination(f"cannot use immediate apply method for static parameter {pname}")
            reason = invalid_value(known, str(param.get("ParameterValue", "")))
            if reason:
                raise InvalidParameterValue(reason)
            current = group.parameters.get(pname, {}).get("ParameterValue", known.get("ParameterValue"))
            if method == "pending-reboot" and str(current) != str(param.get("ParameterValue")):
                reboot = True
    group.update_parameters(params)
    if reboot:
        for database in self.databases.values():
            if (database.db_parameter_group_name or "").lower() == name:
                database.__dict__["_emulator_parameter_apply_status"] = "pending-reboot"
    return group


@extension("rds", "DescribeDBParameterGroups", "ModifyDBParameterGroup")
def parameter_group_rules() -> None:
    """DB parameter groups: NotFound for unknown names (amazon.aws IndexError), AWS's validation on modify.

    moto 5.2.5 answers an empty list for an unknown DBParameterGroupName, so amazon.aws
    ``rds_instance_param_group`` takes ``response["DBParameterGroups"][0]`` on a group it is about
    to create and fails with IndexError; ModifyDBParameterGroup accepts any name and value.
    """
    override(RDSBackend, describe_db_parameter_groups)
    override(RDSBackend, modify_db_parameter_group)


def _parameter_apply_status(self: DBInstance) -> list[dict[str, str]]:
    group = self.db_parameter_groups()[0]
    status = self.__dict__.get("_emulator_parameter_apply_status", "in-sync")
    return [{"DBParameterGroupName": group.name, "ParameterApplyStatus": status}]


# --- storage ------------------------------------------------------------------------------------


def _gp3_baseline(self: DBInstance) -> tuple[int, int]:
    return GP3_BASELINE[int(self.__dict__.get("_allocated_storage") or 0) >= GP3_THRESHOLD_GIB]


def _get_iops(self: DBInstance) -> int | None:
    value = self.__dict__.get("_emulator_iops")
    if self.__dict__.get("_storage_type") == "gp3":
        return value or _gp3_baseline(self)[0]
    return value


def _set_iops(self: DBInstance, value: int | None) -> None:
    self.__dict__["_emulator_iops"] = int(value) if value else None


def _get_storage_throughput(self: DBInstance) -> int | None:
    if self.__dict__.get("_storage_type") == "gp3":
        return self.__dict__.get("_emulator_storage_throughput") or _gp3_baseline(self)[1]
    if self.__dict__.get("_storage_type") in ("gp2", "io1", "io2", "standard"):
        return 0
    return None


def _set_storage_throughput(self: DBInstance, value: int | None) -> None:
    self.__dict__["_emulator_storage_throughput"] = int(value) if value else None


def check_gp3(engine: str, storage_type: str | None, allocated: int, iops: Any, throughput: Any) -> None:
    """AWS: gp3 IOPS and throughput can only be set from 400 GiB (RDS for PostgreSQL and MySQL)."""
    if storage_type != "gp3" or engine not in ("postgres", "mysql", "mariadb"):
        return
    if allocated < GP3_THRESHOLD_GIB and (iops or throughput):
        raise InvalidParameterCombination(
            f"You can't specify IOPS or storage throughput for engine {engine} and a storage size less than "
            f"{GP3_THRESHOLD_GIB}."
        )


# --- Performance Insights -----------------------------------------------------------------------


def _enhanced_monitoring_arn(self: DBInstance) -> str | None:
    """The log stream enhanced monitoring writes to (RDSOSMetrics, one stream per instance resource id)."""
    if not int(getattr(self, "monitoring_interval", 0) or 0):
        return None
    group = f"arn:{self.partition}:logs:{self.region}:{self.account_id}:log-group:RDSOSMetrics"
    return f"{group}:log-stream:{self.dbi_resource_id}"


def _pi_enabled(self: DBInstance) -> bool:
    return bool(self.__dict__.get("enable_performance_insights", False))


def _pi_kms(self: DBInstance) -> str | None:
    return self.__dict__.get("_emulator_pi_kms") if _pi_enabled(self) else None


def _set_pi_kms(self: DBInstance, value: str | None) -> None:
    if value:
        self.__dict__["_emulator_pi_kms"] = value


def _pi_retention(self: DBInstance) -> int | None:
    return self.__dict__.get("_emulator_pi_retention", 7) if _pi_enabled(self) else None


def _set_pi_retention(self: DBInstance, value: int | None) -> None:
    if value:
        self.__dict__["_emulator_pi_retention"] = int(value)


# --- managed master password --------------------------------------------------------------------


def _generate_secret_string(self: MasterUserSecret) -> str:
    """The secret RDS stores: the master user's name and a random password (moto: admin / a constant)."""
    alphabet = string.ascii_letters + string.digits + "!#$%&()*+,-.:;<=>?[]^_{|}~"
    password = "".join(secrets.choice(alphabet) for _ in range(32))
    username = getattr(self.resource, "master_username", None) or "admin"
    return json.dumps({"username": username, "password": password})


def check_kms_key(backend: RDSBackend, key_id: str | None) -> str | None:
    """The ARN of ``key_id`` (id, ARN or alias); KMSKeyNotAccessibleFault when it does not exist."""
    if not key_id:
        return None
    kms = backend.kms
    try:
        if "alias/" in key_id:
            alias = key_id[key_id.index("alias/") :]
            target = kms.get_key_id_from_alias(alias)
            if target is None:
                raise KeyError(alias)
            return kms.describe_key(target).arn
        return kms.describe_key(key_id).arn
    except Exception:  # noqa: BLE001 - moto raises several types for a missing key
        raise KMSKeyNotAccessibleFault(key_id) from None


# --- lifecycle ----------------------------------------------------------------------------------


def instance_lifecycle(database: DBInstance) -> Lifecycle | None:
    return database.__dict__.get("_emulator_lifecycle")


def _status(self: DBInstance) -> str:
    pinned = self.__dict__.get("_emulator_pinned_status")
    if pinned:
        return pinned
    lc = instance_lifecycle(self)
    if lc is not None:
        phase = lc.phase
        if phase in ("deleting", "deleted"):
            return "deleting"
        if phase == "creating":
            elapsed = lifecycle_module.clock() - lc.created_at
            if (
                self.__dict__.get("_backup_retention_period") or 0
            ) > 0 and elapsed >= CREATING_SHARE * lc.create_seconds:
                return "backing-up"
            return "creating"
    modify = self.__dict__.get("_emulator_modify")
    if modify is not None and modify.phase == "creating":
        return "modifying"
    reboot = self.__dict__.get("_emulator_reboot")
    if reboot is not None and reboot.phase == "creating":
        return "rebooting"
    return self.__dict__.get("_emulator_status", "available")


def _set_status(self: DBInstance, value: str) -> None:
    self.__dict__["_emulator_status"] = value


def pinned(database: DBInstance, status: str) -> DBInstance:
    """A shallow copy of ``database`` that reports ``status`` (what the create/delete response shows)."""
    copy = object.__new__(type(database))
    copy.__dict__.update(database.__dict__)
    copy.__dict__["_emulator_pinned_status"] = status
    return copy


def settle_instances(backend: RDSBackend) -> None:
    """Drop the instances whose delete has finished."""
    for identifier, database in list(backend.databases.items()):
        lc = instance_lifecycle(database)
        if lc is not None and lc.gone:
            backend.databases.pop(identifier, None)


def _busy(database: DBInstance) -> str | None:
    status = database.status
    return status if status in ("creating", "backing-up", "modifying", "deleting", "rebooting") else None


def create_db_instance(self: RDSBackend, db_kwargs: dict[str, Any]) -> DBInstance:
    """CreateDBInstance: gp3 rules, KMS keys checked, creating → backing-up → available."""
    settle_instances(self)
    kwargs = dict(db_kwargs)
    if kwargs.get("db_cluster_identifier") is None:
        for key in ("kms_key_id", "master_user_secret_kms_key_id", "performance_insights_kms_key_id"):
            if kwargs.get(key):
                kwargs[key] = check_kms_key(self, kwargs[key])
        if kwargs.get("manage_master_user_password") and kwargs.get("master_user_password"):
            raise InvalidParameterCombination(
                "You can't specify MasterUserPassword when ManageMasterUserPassword is turned on."
            )
        check_gp3(
            kwargs.get("engine", ""),
            kwargs.get("storage_type"),
            int(kwargs.get("allocated_storage") or 0),
            kwargs.get("iops"),
            kwargs.get("storage_throughput"),
        )
    database = original(RDSBackend, "create_db_instance")(self, kwargs)
    if database.db_cluster_identifier is not None:
        return database
    database.enable_performance_insights = bool(kwargs.get("enable_performance_insights"))
    database.performance_insights_kms_key_id = kwargs.get("performance_insights_kms_key_id")
    database.performance_insights_retention_period = kwargs.get("performance_insights_retention_period")
    database.__dict__["_emulator_pending"] = {}
    database.__dict__["_emulator_lifecycle"] = Lifecycle.begin(
        "rds_instance_multi_az" if database.multi_az else "rds_instance",
        creating="creating",
        ready="available",
        deleting="deleting",
        deleted=None,
    )
    service_interfaces.rds_instance(self, database)
    return database


def modify_db_instance(self: RDSBackend, db_instance_identifier: str, db_kwargs: dict[str, Any]) -> DBInstance:
    """ModifyDBInstance: deferred changes go to PendingModifiedValues unless ApplyImmediately.

    ApplyImmediately=true applies this request and everything pending (as AWS does); changes of
    class, storage, Multi-AZ, engine version make the instance ``modifying`` for a while.
    A new DB parameter group is associated at once and waits for a reboot (``pending-reboot``).
    """
    settle_instances(self)
    database = self.describe_db_instances(db_instance_identifier)[0]
    if database.db_cluster_identifier is not None:
        return original(RDSBackend, "modify_db_instance")(self, db_instance_identifier, db_kwargs)
    busy = _busy(database)
    if busy in ("creating", "deleting"):
        raise InvalidDBInstanceStateFault(f"Database instance is not in available state ({busy}).")
    kwargs = dict(db_kwargs)
    kwargs.pop("db_instance_identifier", None)
    for key in ("master_user_secret_kms_key_id", "performance_insights_kms_key_id"):
        if kwargs.get(key):
            kwargs[key] = check_kms_key(self, kwargs[key])
    pending: dict[str, Any] = database.__dict__.setdefault("_emulator_pending", {})
    apply_now = bool(kwargs.pop("apply_immediately", False))
    attributes = {v: k for k, v in DEFERRED_FIELDS.items()}
    if apply_now:
        for api_name, value in list(pending.items()):
            kwargs.setdefault(attributes[api_name], value)
        pending.clear()
    changed_now = set()
    for attr, api_name in DEFERRED_FIELDS.items():
        if attr not in kwargs or kwargs[attr] is None:
            continue
        value = kwargs[attr]
        if value == getattr(database, attr):
            kwargs.pop(attr)
            pending.pop(api_name, None)
            continue
        if not apply_now:
            pending[api_name] = kwargs.pop(attr)
        else:
            changed_now.add(attr)
    storage_type = kwargs.get("storage_type", pending.get("StorageType", database.storage_type))
    allocated = int(kwargs.get("allocated_storage", pending.get("AllocatedStorage", database.allocated_storage)) or 0)
    check_gp3(
        database.engine,
        storage_type,
        allocated,
        kwargs.get("iops", pending.get("Iops")),
        kwargs.get("storage_throughput", pending.get("StorageThroughput")),
    )
    retention = kwargs.get("backup_retention_period")
    if retention is not None and int(retention) != database.backup_retention_period:
        changed_now.add("backup_retention_period")
    new_group = kwargs.get("db_parameter_group_name")
    if new_group and new_group.lower() != (database.db_parameter_group_name or "").lower():
        self.describe_db_parameter_groups({"db_parameter_group_name": new_group})
        kwargs["db_parameter_group_name"] = new_group.lower()
        database.__dict__["_emulator_parameter_apply_status"] = "pending-reboot"
    if kwargs.get("enable_performance_insights") is False:
        database.__dict__.pop("_emulator_pi_kms", None)
    # moto sets storage_type before iops/throughput only by dict order: keep storage_type first.
    if "storage_type" in kwargs:
        kwargs = {"storage_type": kwargs.pop("storage_type"), **kwargs}
    result = original(RDSBackend, "modify_db_instance")(self, database.db_instance_identifier, kwargs)
    if changed_now & MODIFYING_FIELDS:
        database.__dict__["_emulator_modify"] = Lifecycle.begin(
            "rds_instance_modify", creating="modifying", ready="available", deleted=None
        )
    return result


def reboot_db_instance(self: RDSBackend, db_instance_identifier: str) -> DBInstance:
    """RebootDBInstance: static parameter changes take effect (``in-sync``); ``rebooting`` for a moment."""
    settle_instances(self)
    database = self.describe_db_instances(db_instance_identifier)[0]
    busy = _busy(database)
    if busy:
        raise InvalidDBInstanceStateFault(f"Database instance is not in available state ({busy}).")
    database.__dict__["_emulator_parameter_apply_status"] = "in-sync"
    database.__dict__["_emulator_reboot"] = Lifecycle.begin(
        "rds_instance_reboot", creating="rebooting", ready="available", deleted=None
    )
    return database


def delete_db_instance(
    self: RDSBackend,
    db_instance_identifier: str,
    final_db_snapshot_identifier: str | None = None,
    skip_final_snapshot: bool | None = False,
    delete_automated_backups: bool | None = True,
    **_: Any,
) -> DBInstance:
    """DeleteDBInstance: ``deleting`` for the profile's delete duration, then gone.

    AWS requires FinalDBSnapshotIdentifier unless SkipFinalSnapshot, and refuses a second delete.
    """
    settle_instances(self)
    identifier = (db_instance_identifier or "").lower()
    database = self.databases.get(identifier)
    if database is None:
        raise DBInstanceNotFoundError(db_instance_identifier)
    lc = instance_lifecycle(database)
    if lc is not None and lc.deleted_at is not None:
        raise InvalidDBInstanceStateFault(f"Instance {identifier} is already being deleted.")
    if not skip_final_snapshot and not final_db_snapshot_identifier and database.db_cluster_identifier is None:
        raise InvalidParameterCombination(
            "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified."
        )
    result = original(RDSBackend, "delete_db_instance")(
        self,
        identifier,
        final_db_snapshot_identifier=final_db_snapshot_identifier,
        skip_final_snapshot=skip_final_snapshot,
        delete_automated_backups=delete_automated_backups,
    )
    if lc is not None:
        lc.delete()
        if not lc.gone:
            self.databases[identifier] = database
    return result


def describe_db_instances(
    self: RDSBackend, db_instance_identifier: str | None = None, filters: Any = None
) -> list[DBInstance]:
    """DescribeDBInstances: instances that finished deleting are gone."""
    settle_instances(self)
    return original(RDSBackend, "describe_db_instances")(self, db_instance_identifier, filters=filters)


def _pending_modified_values(self: DBInstance) -> dict[str, Any]:
    return dict(self.__dict__.get("_emulator_pending") or {})


@extension("rds", "CreateDBInstance", "ModifyDBInstance", "DescribeDBInstances", "DeleteDBInstance", "RebootDBInstance")
def instance_lifecycle_and_fields() -> None:
    """DB instances: creating → backing-up → available, modifying, deleting → gone, PendingModifiedValues.

    moto 5.2.5 creates instances ``available`` at once, applies every change at once (no
    PendingModifiedValues), omits StorageThroughput/Iops of a gp3 instance created without them
    (amazon.aws ``rds_instance`` then fails with KeyError 'StorageThroughput'), drops the
    Performance Insights settings and the enhanced monitoring stream (EnhancedMonitoringResourceArn), answers 500
    for an unknown KMS key, stores ``admin`` and a
    constant password in the managed master secret, and always reports parameters ``in-sync``.
    """
    DBInstance.status = property(_status, _set_status)  # type: ignore[assignment]
    DBInstance.iops = property(_get_iops, _set_iops)  # type: ignore[assignment]
    DBInstance.storage_throughput = property(_get_storage_throughput, _set_storage_throughput)  # type: ignore[assignment]
    DBInstance.pending_modified_values = property(_pending_modified_values)  # type: ignore[attr-defined]
    DBInstance.db_parameter_group_status_list = property(_parameter_apply_status)  # type: ignore[assignment]
    DBInstance.enhanced_monitoring_resource_arn = property(_enhanced_monitoring_arn)  # type: ignore[attr-defined]
    DBInstance.performance_insights_enabled = property(_pi_enabled)  # type: ignore[attr-defined]
    DBInstance.performance_insights_kms_key_id = property(_pi_kms, _set_pi_kms)  # type: ignore[attr-defined]
    DBInstance.performance_insights_retention_period = property(_pi_retention, _set_pi_retention)  # type: ignore[attr-defined]
    override(MasterUserSecret, _generate_secret_string)
    override(RDSBackend, create_db_instance)
    override(RDSBackend, modify_db_instance)
    override(RDSBackend, reboot_db_instance)
    override(RDSBackend, delete_db_instance)
    override(RDSBackend, describe_db_instances)
