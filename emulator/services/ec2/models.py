"""EC2 backend fixes: tag resource types, NAT gateway lifecycle and tag filters, client tokens, NACL filters."""

from __future__ import annotations

from typing import Any

from moto.core.utils import iso_8601_datetime_with_milliseconds, utcnow
from moto.ec2.exceptions import EC2ClientError
from moto.ec2.models.elastic_ip_addresses import ElasticAddressBackend
from moto.ec2.models.elastic_network_interfaces import NetworkInterfaceBackend
from moto.ec2.models.nat_gateways import NatGateway, NatGatewayBackend
from moto.ec2.models.network_acls import NetworkAcl
from moto.ec2.models.vpcs import VPCBackend
from moto.ec2.utils import EC2_PREFIX_TO_RESOURCE, is_tag_filter, tag_filter_matches

from emulator.extensions import extension, original, override
from emulator.lifecycle import Lifecycle
from emulator.services.ec2 import service_interfaces

#: moto's resource type names that differ from the values AWS reports and filters on
#: (``DescribeTags`` ``ResourceType`` / the ``resource-type`` filter, botocore's ``ResourceType`` enum).
AWS_RESOURCE_TYPES = {
    "eipalloc": "elastic-ip",
    "nat": "natgateway",
    "fl": "vpc-flow-log",
    "sir": "spot-instances-request",
    "pl": "prefix-list",
    "h": "dedicated-host",
    "uuid4": "reserved-instances",
}

#: How long AWS keeps a deleted NAT gateway visible in DescribeNatGateways (about an hour).
NAT_DELETED_RETENTION_SECONDS = 3600.0


@extension("ec2", "DescribeTags")
def describe_tags_resource_types() -> None:
    """DescribeTags: report and filter on AWS's resource types (elastic-ip, natgateway, vpc-flow-log).

    moto 5.2.5 reports ``vpc-elastic-ip``, ``nat-gateway`` and ``flow-logs`` and matches the
    ``resource-type`` filter against those names, so ``DescribeTags`` filtered by
    ``resource-type=elastic-ip`` or ``natgateway`` (what amazon.aws ``ensure_ec2_tags`` sends for
    ``ec2_eip`` and ``ec2_vpc_nat_gateway``) returns no tags: the modules then re-tag on every run
    (``changed`` forever) and can never purge a tag.
    """
    EC2_PREFIX_TO_RESOURCE.update(AWS_RESOURCE_TYPES)


# --- NAT gateways -------------------------------------------------------------------------------


def nat_lifecycle(nat: NatGateway) -> Lifecycle | None:
    return nat.__dict__.get("_emulator_lifecycle")


def _nat_state(self: NatGateway) -> str:
    pinned = self.__dict__.get("_emulator_pinned_state")
    if pinned:
        return pinned
    lifecycle = nat_lifecycle(self)
    if lifecycle is not None:
        return lifecycle.state or "deleted"
    return self.__dict__.get("_emulator_state", "available")


def _set_nat_state(self: NatGateway, value: str) -> None:
    self.__dict__["_emulator_state"] = value


def pinned(nat: NatGateway, state: str) -> NatGateway:
    """A shallow copy of ``nat`` that reports ``state`` (the create response's transitional state)."""
    copy = object.__new__(type(nat))
    copy.__dict__.update(nat.__dict__)
    copy.__dict__["_emulator_pinned_state"] = state
    return copy


def release_nat_resources(backend: Any, nat: NatGateway) -> None:
    """What AWS does when a NAT gateway reaches ``deleted``: free its EIP and delete its ENI."""
    eni = getattr(nat, "_eni", None)
    for address in nat.address_set:
        association_id = address.pop("associationId", None)
        if not association_id:
            continue
        for eip in backend.addresses:
            if eip.association_id == association_id and (eni is None or eip.eni is eni):
                original(ElasticAddressBackend, "disassociate_address")(backend, association_id=association_id)
    if eni is not None:
        backend.enis.pop(eni.id, None)


def settle_nat_gateways(backend: Any) -> None:
    """Let every NAT gateway catch up with the clock (release what finished deleting, drop expired)."""
    nat_gateways = getattr(backend, "nat_gateways", None)
    if not nat_gateways:
        return
    for nat_id, nat in list(nat_gateways.items()):
        lifecycle = nat_lifecycle(nat)
        if lifecycle is None:
            continue
        lifecycle.settle()
        if lifecycle.expired:
            nat_gateways.pop(nat_id, None)


def create_nat_gateway(
    self: Any,
    subnet_id: str,
    allocation_id: str,
    tags: dict[str, str] | None = None,
    connectivity_type: str = "public",
) -> NatGateway:
    """CreateNatGateway: the gateway is ``pending`` for the profile's create duration."""
    settle_nat_gateways(self)
    connectivity_type = connectivity_type or "public"
    create = original(NatGatewayBackend, "create_nat_gateway")
    nat = create(self, subnet_id, allocation_id, tags=tags, connectivity_type=connectivity_type)
    nat.__dict__["_emulator_lifecycle"] = Lifecycle.begin(
        "nat_gateway",
        creating="pending",
        ready="available",
        deleting="deleting",
        deleted="deleted",
        retain_deleted=NAT_DELETED_RETENTION_SECONDS,
        on_deleted=lambda: release_nat_resources(self, nat),
    )
    return nat


def delete_nat_gateway(self: Any, nat_gateway_id: str) -> NatGateway:
    """DeleteNatGateway: ``deleting`` for the profile's delete duration, then ``deleted``.

    moto 5.2.5 answers 500 for an unknown id and never frees the gateway's Elastic IP or ENI.
    """
    settle_nat_gateways(self)
    nat = self.nat_gateways.get(nat_gateway_id)
    if nat is None:
        raise EC2ClientError("NatGatewayNotFound", f"The Nat Gateway {nat_gateway_id} was not found")
    lifecycle = nat_lifecycle(nat)
    if lifecycle is None:
        nat.state = "deleted"
        release_nat_resources(self, nat)
        return nat
    if lifecycle.deleted_at is None:
        lifecycle.delete()
        nat.delete_time = iso_8601_datetime_with_milliseconds(utcnow())
    return nat


def describe_nat_gateways(self: Any, filters: Any, nat_gateway_ids: list[str] | None) -> list[NatGateway]:
    """DescribeNatGateways: also filter on ``tag:<key>`` and ``tag-key`` (moto 5.2.5 ignores them)."""
    settle_nat_gateways(self)
    tag_filters = {k: v for k, v in (filters or {}).items() if is_tag_filter(k)}
    other = {k: v for k, v in (filters or {}).items() if not is_tag_filter(k)}
    describe = original(NatGatewayBackend, "describe_nat_gateways")
    nat_gateways = describe(self, other if filters is not None else None, nat_gateway_ids)
    for name, values in tag_filters.items():
        nat_gateways = [nat for nat in nat_gateways if tag_filter_matches(nat, name, values)]
    return nat_gateways


def settle(backend: Any) -> None:
    """Let the backend catch up with the clock: NAT gateways, and the interfaces of the services' resources."""
    settle_nat_gateways(backend)
    service_interfaces.reconcile(backend)


def _settling(owner: type, name: str) -> Any:
    """Wrap ``owner.name`` so that the backend settles (:func:`settle`) before it runs."""
    wrapped = original(owner, name)

    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        settle(self)
        return wrapped(self, *args, **kwargs)

    method.__name__ = name
    method.__doc__ = wrapped.__doc__
    return method


@extension("ec2", "CreateNatGateway", "DeleteNatGateway", "DescribeNatGateways")
def nat_gateway_lifecycle() -> None:
    """NAT gateways: pending → available, deleting → deleted (kept visible 1 h), EIP freed, tag filters.

    moto 5.2.5 creates NAT gateways ``available`` at once, marks them ``deleted`` at once but keeps
    their Elastic IP associated (the EIP can never be reused or cleanly released), answers 500 for
    an unknown id on delete, and ignores ``tag:`` filters on DescribeNatGateways.
    """
    NatGateway.state = property(_nat_state, _set_nat_state)  # type: ignore[assignment]
    override(NatGatewayBackend, create_nat_gateway)
    override(NatGatewayBackend, delete_nat_gateway)
    override(NatGatewayBackend, describe_nat_gateways)
    for owner, name in (
        (ElasticAddressBackend, "describe_addresses"),
        (ElasticAddressBackend, "associate_address"),
        (ElasticAddressBackend, "release_address"),
        (NetworkInterfaceBackend, "get_all_network_interfaces"),
    ):
        override(owner, _settling(owner, name), name)


# --- VPC endpoints ------------------------------------------------------------------------------


def _remove_route(backend: Any, route_table_id: str, prefix_list_id: str) -> None:
    """Remove an endpoint's prefix-list route, if the table and the route still exist."""
    route_table = backend.route_tables.get(route_table_id)
    if route_table is None:
        return
    for route_id, route in list(route_table._routes.items()):
        if getattr(route, "destination_prefix_list", None) and route.destination_prefix_list.id == prefix_list_id:
            route_table._routes.pop(route_id, None)


def modify_vpc_endpoint(self: Any, vpc_id: str, **changes: Any) -> None:
    """ModifyVpcEndpoint: adding/removing route tables of a gateway endpoint adds/removes its routes.

    moto 5.2.5 only edits the endpoint's list of route tables: the removed tables keep the
    prefix-list route, the added ones never get it, and DeleteVpcEndpoints then fails.
    """
    endpoint = self.describe_vpc_endpoints(vpc_end_point_ids=[vpc_id])[0]
    before = list(endpoint.route_table_ids or [])
    original(VPCBackend, "modify_vpc_endpoint")(self, vpc_id=vpc_id, **changes)
    prefix_list_id = endpoint.destination_prefix_list_id
    if not prefix_list_id:
        return
    after = list(endpoint.route_table_ids or [])
    for route_table_id in [rt for rt in after if rt not in before]:
        self.create_route(route_table_id, None, gateway_id=endpoint.id, destination_prefix_list_id=prefix_list_id)
    for route_table_id in [rt for rt in before if rt not in after]:
        _remove_route(self, route_table_id, prefix_list_id)


def delete_vpc_endpoints(self: Any, vpce_ids: list[str] | None = None) -> list[str]:
    """DeleteVpcEndpoints: idempotent; returns the ids that were not found (or already deleted).

    moto 5.2.5 fails with InvalidRoute.NotFound when a route of the endpoint is already gone (a
    second delete, a route table deleted first, a ModifyVpcEndpoint), so teardown cannot finish.
    """
    missing = []
    for vpce_id in vpce_ids or []:
        endpoint = self.vpc_end_points.get(vpce_id)
        if endpoint is None or endpoint.state == "deleted":
            missing.append(vpce_id)
            continue
        if (endpoint.vpc_endpoint_type or "").lower() == "interface":
            for eni_id in endpoint.network_interface_ids or []:
                self.enis.pop(eni_id, None)
        elif endpoint.destination_prefix_list_id:
            for route_table_id in endpoint.route_table_ids or []:
                _remove_route(self, route_table_id, endpoint.destination_prefix_list_id)
        endpoint.state = "deleted"
    return missing


@extension("ec2", "ModifyVpcEndpoint", "DeleteVpcEndpoints")
def vpc_endpoint_routes() -> None:
    """Gateway VPC endpoints: ModifyVpcEndpoint keeps routes in step; DeleteVpcEndpoints is idempotent."""
    override(VPCBackend, modify_vpc_endpoint)
    override(VPCBackend, delete_vpc_endpoints)


# --- client tokens ------------------------------------------------------------------------------


def client_tokens(backend: Any) -> dict[tuple[str, str], tuple[str, Any]]:
    """Idempotency tokens seen by this backend: (operation, token) -> (fingerprint, result).

    Kept in the backend's ``__dict__`` so that ``/moto-api/reset`` forgets them.
    """
    return backend.__dict__.setdefault("_emulator_client_tokens", {})


def remembered(backend: Any, operation: str, token: str | None, fingerprint: str) -> Any | None:
    """The earlier result of a request with this token, or None; a different request is an error."""
    if not token:
        return None
    seen = client_tokens(backend).get((operation, token))
    if seen is None:
        return None
    if seen[0] != fingerprint:
        raise EC2ClientError(
            "IdempotentParameterMismatch",
            f"The client token {token} has already been used for a different {operation} request.",
        )
    return seen[1]


def remember(backend: Any, operation: str, token: str | None, fingerprint: str, result: Any) -> None:
    if token:
        client_tokens(backend)[(operation, token)] = (fingerprint, result)


def network_acl_filter_value(self: NetworkAcl, filter_name: str) -> Any:
    """DescribeNetworkAcls filters: ``network-acl-id`` as AWS has it (moto 5.2.5: FilterNotImplementedError, a 500).

    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeNetworkAcls.html
    """
    if filter_name == "network-acl-id":
        return self.id
    return original(NetworkAcl, "get_filter_value")(self, filter_name)


@extension("ec2", "DescribeNetworkAcls")
def network_acl_id_filter() -> None:
    """The ``network-acl-id`` filter of DescribeNetworkAcls (moto 5.2.5: 500); amazon.aws ec2_vpc_nacl uses it."""
    override(NetworkAcl, network_acl_filter_value, "get_filter_value")
