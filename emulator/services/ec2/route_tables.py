"""EC2 route-table fixes: AssociateRouteTable refuses a subnet that already has an association, CreateRouteTable
honours its ClientToken."""

from __future__ import annotations

import json
from typing import Any

from moto.core.responses import ActionResult
from moto.ec2.exceptions import EC2ClientError
from moto.ec2.models.route_tables import RouteBackend
from moto.ec2.responses import EC2Response

from emulator.extensions import extension, original, override
from emulator.services.ec2.models import remember, remembered


def associate_route_table(
    self: RouteBackend, route_table_id: str, gateway_id: str | None = None, subnet_id: str | None = None
) -> str:
    """AssociateRouteTable (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssociateRouteTable.html).

    A subnet has at most one explicit association; AWS answers ``Resource.AlreadyAssociated`` for a second one
    (ReplaceRouteTableAssociation moves a subnet). moto 5.2.5 answers the existing association's id as if it had
    associated the subnet, so a client moving a subnet this way sees success while the subnet stays where it was.
    """
    if subnet_id:
        for table in self.route_tables.values():
            if subnet_id in table._associations.values():
                raise EC2ClientError(
                    "Resource.AlreadyAssociated",
                    f"the specified association for route table {route_table_id} conflicts with an existing "
                    f"association ({subnet_id} is associated with {table.id})",
                )
    return original(RouteBackend, "associate_route_table")(self, route_table_id, gateway_id, subnet_id)


def create_route_table(self: EC2Response) -> ActionResult:
    """CreateRouteTable (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateRouteTable.html).

    A repeated ``ClientToken`` returns the table the first request made (moto 5.2.5 makes a second table).
    """
    token = self._get_param("ClientToken")
    fingerprint = json.dumps({k: v for k, v in self.params.items() if k != "ClientToken"}, sort_keys=True, default=str)
    backend = self.ec2_backend
    table_id = remembered(backend, "CreateRouteTable", token, fingerprint)
    if table_id is not None and table_id in backend.route_tables:
        return ActionResult({"ClientToken": token, "RouteTable": backend.route_tables[table_id]})
    result = original(EC2Response, "create_route_table")(self)
    body: dict[str, Any] = dict(result.result)
    remember(backend, "CreateRouteTable", token, fingerprint, body["RouteTable"].id)
    if token:
        body["ClientToken"] = token
    return ActionResult(body)


@extension("ec2", "AssociateRouteTable")
def subnet_association_conflicts() -> None:
    """AssociateRouteTable: Resource.AlreadyAssociated for a subnet that already has an explicit association."""
    override(RouteBackend, associate_route_table)


@extension("ec2", "CreateRouteTable")
def route_table_client_token() -> None:
    """CreateRouteTable: honour ClientToken (same token → same table, as AWS)."""
    override(EC2Response, create_route_table)
