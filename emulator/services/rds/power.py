"""RDS StopDBInstance / StartDBInstance with their real states (available, stopping, stopped, starting)."""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult
from moto.rds.exceptions import InvalidDBInstanceStateError
from moto.rds.models import DBInstance, RDSBackend
from moto.rds.responses import RDSResponse

from emulator.extensions import extension, original, override
from emulator.lifecycle import Lifecycle
from emulator.services.rds.models import pinned, settle_instances

POWER = "_emulator_power"


def power_lifecycle(database: DBInstance) -> Lifecycle | None:
    return database.__dict__.get(POWER)


def _wrap_status(base: property) -> property:
    def status(self: DBInstance) -> str:
        if not self.__dict__.get("_emulator_pinned_status"):
            lc = power_lifecycle(self)
            if lc is not None and lc.phase == "creating":
                return lc.creating
        return base.fget(self)  # type: ignore[misc]

    return property(status, base.fset)


def stop_db_instance(self: RDSBackend, db_instance_identifier: str, db_snapshot_identifier: str | None = None) -> Any:
    """StopDBInstance: only from ``available``; ``stopping`` for a while, then ``stopped``."""
    settle_instances(self)
    database = self.describe_db_instances(db_instance_identifier)[0]
    if database.status != "available":
        raise InvalidDBInstanceStateError(db_instance_identifier, "stop")
    original(RDSBackend, "stop_db_instance")(self, db_instance_identifier, db_snapshot_identifier)
    database.__dict__[POWER] = Lifecycle.begin("rds_instance_stop", creating="stopping", ready="stopped", deleted=None)
    return database


def start_db_instance(self: RDSBackend, db_instance_identifier: str) -> Any:
    """StartDBInstance: only from ``stopped``; ``starting`` for a while, then ``available``."""
    settle_instances(self)
    database = self.describe_db_instances(db_instance_identifier)[0]
    if database.status != "stopped":
        raise InvalidDBInstanceStateError(db_instance_identifier, "start")
    original(RDSBackend, "start_db_instance")(self, db_instance_identifier)
    database.__dict__[POWER] = Lifecycle.begin(
        "rds_instance_start", creating="starting", ready="available", deleted=None
    )
    return database


def handle_stop_db_instance(self: RDSResponse) -> ActionResult:
    """The response carries ``stopping``, as on AWS."""
    database = self.backend.stop_db_instance(
        self.params.get("DBInstanceIdentifier"), self.params.get("DBSnapshotIdentifier")
    )
    return ActionResult({"DBInstance": pinned(database, "stopping")})


def handle_start_db_instance(self: RDSResponse) -> ActionResult:
    """The response carries ``starting``, as on AWS."""
    database = self.backend.start_db_instance(self.params.get("DBInstanceIdentifier"))
    return ActionResult({"DBInstance": pinned(database, "starting")})


@extension("rds", "StopDBInstance", "StartDBInstance")
def instance_stop_and_start() -> None:
    """Stop/start go through ``stopping`` and ``starting`` (timed like AWS), refused from any other state.

    moto 5.2.5 flips an instance to ``stopped`` or ``available`` at once, so a client that waits for
    ``stopped`` after seeing ``stopping`` (or an idempotent playbook that must not stop twice) is never exercised.
    """
    DBInstance.status = _wrap_status(DBInstance.status)  # type: ignore[assignment,arg-type]
    override(RDSBackend, stop_db_instance)
    override(RDSBackend, start_db_instance)
    override(RDSResponse, handle_stop_db_instance, "stop_db_instance")
    override(RDSResponse, handle_start_db_instance, "start_db_instance")
