"""RDS request handlers: DescribeDBParameters, DescribeEngineDefaultParameters, create/reboot states."""

from __future__ import annotations

from moto.core.responses import ActionResult, PaginatedResult
from moto.rds.exceptions import InvalidParameterValue
from moto.rds.responses import RDSResponse

from emulator.extensions import extension, override
from emulator.services.rds.models import effective_parameters, pinned
from emulator.services.rds.parameters import family_parameters

SOURCES = ("user", "system", "engine-default")


def describe_db_parameters(self: RDSResponse) -> ActionResult:
    """DescribeDBParameters: engine defaults merged with the user's values, ``Source`` filter, paginated.

    https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBParameters.html
    """
    name = self.params.get("DBParameterGroupName")
    group = self.backend.describe_db_parameter_groups({"db_parameter_group_name": name})[0]
    source = self.params.get("Source")
    if source and source not in SOURCES:
        raise InvalidParameterValue(f"Invalid source: {source}. Valid values are: {', '.join(SOURCES)}")
    parameters = effective_parameters(group)
    if source:
        parameters = [p for p in parameters if p.get("Source") == source]
    return PaginatedResult({"Parameters": parameters})


def describe_engine_default_parameters(self: RDSResponse) -> ActionResult:
    """DescribeEngineDefaultParameters for the modelled PostgreSQL families (moto 5.2.5: HTTP 500)."""
    family = self.params.get("DBParameterGroupFamily")
    defaults = family_parameters(family)
    if defaults is None:
        raise InvalidParameterValue(f"Invalid DB parameter group family: {family}")
    result = {"EngineDefaults": {"DBParameterGroupFamily": family, "Parameters": list(defaults.values())}}
    return PaginatedResult(result)


@extension("rds", "DescribeDBParameters", "DescribeEngineDefaultParameters")
def parameter_descriptions() -> None:
    """DescribeDBParameters with AWS's engine defaults (ApplyType, DataType, AllowedValues, Source).

    moto 5.2.5 lists only the parameters a user has set, without ApplyType, DataType or
    IsModifiable: amazon.aws ``rds_instance_param_group`` reports every parameter "not an available
    parameter" on a new group, and nothing can tell a static parameter (reboot) from a dynamic one.
    """
    override(RDSResponse, describe_db_parameters)
    override(RDSResponse, describe_engine_default_parameters)


def create_db_instance(self: RDSResponse) -> ActionResult:
    """CreateDBInstance: the response carries ``creating``, as on AWS."""
    database = self.backend.create_db_instance(self.params)
    if database.db_cluster_identifier is None:
        database = pinned(database, "creating")
    return ActionResult({"DBInstance": database})


def reboot_db_instance(self: RDSResponse) -> ActionResult:
    """RebootDBInstance: the response carries ``rebooting``."""
    database = self.backend.reboot_db_instance(self.params.get("DBInstanceIdentifier"))
    return ActionResult({"DBInstance": pinned(database, "rebooting")})


@extension("rds", "CreateDBInstance", "RebootDBInstance")
def transitional_responses() -> None:
    """CreateDBInstance and RebootDBInstance answer with the transitional status (creating, rebooting)."""
    override(RDSResponse, create_db_instance)
    override(RDSResponse, reboot_db_instance)
