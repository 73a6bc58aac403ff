"""The network interfaces AWS services put in a VPC: RDS instances, ElastiCache nodes, MSK brokers, EKS control planes,
interface VPC endpoints.

On AWS these services create elastic network interfaces in the subnets they are given, with the security groups
they are given, and delete them when the resource is gone. That is what lets a security group be "in use"
(prowler's EC2.22 looks for interfaces naming each group) and what makes DeleteSecurityGroup and DeleteSubnet fail
with ``DependencyViolation`` while the resource still exists. moto 5.2.5 creates none.

Shapes, as DescribeNetworkInterfaces shows them on AWS:

- RDS (one per instance, two with Multi-AZ: primary and standby, in different Availability Zones): description
  ``RDSNetworkInterface``, ``RequesterId`` and ``Attachment.InstanceOwnerId`` ``amazon-rds``,
  ``RequesterManaged: true``, ``DeviceIndex`` 1, ``DeleteOnTermination: false``, no ``InstanceId``.
- ElastiCache (one per cache node, in the node's Availability Zone): description ``ElastiCache <cache cluster id>``,
  ``RequesterId`` and ``InstanceOwnerId`` ``amazon-elasticache``, ``RequesterManaged: true``.
- EKS (the control plane's cross-account interfaces, one per subnet, two to four): description
  ``Amazon EKS <cluster name>``, the cluster security group and the additional ones; ``RequesterId``
  ``<cluster role id>:AmazonEKS``, ``RequesterManaged: false``, attached to an instance of an AWS-owned account
  (``DeleteOnTermination: true``). Checked against a published ``describe-network-interfaces`` of one.
- MSK (one per broker, spread over the client subnets): description ``DO NOT DELETE - Amazon MSK network interface
  for cluster <cluster ARN>.`` (checked), the broker node group's security groups; attached cross-account as EKS's
  (``RequesterManaged: false``; inferred, not checked: the warning in the description is there because the owner can
  delete it, which a requester-managed interface would not allow).

- Interface VPC endpoints (one per subnet): description ``VPC Endpoint Interface <endpoint id>``, ``InterfaceType``
  ``vpc_endpoint``, requester-managed, not attached, the endpoint's security groups.

The AWS-owned accounts of the cross-account attachments and the endpoints' requester are placeholders
(``SERVICE_ACCOUNTS``).

Each resource registers an :class:`Owner` with the EC2 backend of its account and Region; ``Owner.slots`` says which
interfaces it wants now (``None`` once the resource is gone). :func:`reconcile` brings the interfaces in step: it runs
when a resource is created, and before every EC2 call that reads interfaces or deletes what they hold
(DescribeNetworkInterfaces, DeleteNetworkInterface, DeleteSecurityGroup, DeleteSubnet, DeleteVpc). So the interfaces
follow the resource's changes (security groups, Multi-AZ, replicas, brokers) and disappear once its delete has
finished, whichever service observes it first. The state is on the EC2 backend (``/moto-api/reset`` clears it).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from moto.core.utils import utcnow

#: The AWS-owned accounts whose instances the cross-account interfaces are attached to, and the requester of the
#: interfaces of interface VPC endpoints (placeholders).
SERVICE_ACCOUNTS = {"eks": "000000000001", "kafka": "000000000002", "vpce": "000000000003"}

_LOCK = threading.RLock()


@dataclass(frozen=True)
class Slot:
    """One interface a resource wants: a stable key within the resource, where, with which groups."""

    key: str
    subnet_id: str
    group_ids: tuple[str, ...]
    description: str


@dataclass
class Owner:
    """A resource that keeps interfaces in a VPC (``key``: ``rds:<arn>``, ``eks:<arn>``, ...)."""

    key: str
    requester_id: str
    instance_owner_id: str | None  # None: the interface is not attached (interface VPC endpoints)
    requester_managed: bool
    delete_on_termination: bool
    slots: Callable[[], list[Slot] | None]
    interface_type: str = "interface"
    device_index: int = 1


def ec2_backend(account_id: str, region: str) -> Any:
    from moto.ec2.models import ec2_backends

    return ec2_backends[account_id][region]


def owners(backend: Any) -> dict[str, Owner]:
    return backend.__dict__.setdefault("_emulator_service_owners", {})


def interfaces_of(backend: Any, owner_key: str) -> dict[str, Any]:
    """The interfaces of one owner, by slot key."""
    return {
        eni.__dict__["_emulator_slot"]: eni
        for eni in list(backend.enis.values())
        if eni.__dict__.get("_emulator_owner") == owner_key
    }


def is_service_interface(eni: Any) -> bool:
    return "_emulator_owner" in eni.__dict__


def register(backend: Any, owner: Owner) -> None:
    """Start keeping ``owner``'s interfaces in step (and create them now)."""
    with _LOCK:
        owners(backend)[owner.key] = owner
        _reconcile_owner(backend, owner)


def release(backend: Any, owner_key: str) -> None:
    """Delete the interfaces of ``owner_key`` now (the resource is gone)."""
    with _LOCK:
        owners(backend).pop(owner_key, None)
        for eni in interfaces_of(backend, owner_key).values():
            backend.enis.pop(eni.id, None)


def reconcile(backend: Any) -> None:
    """Bring every registered resource's interfaces in step with the resource."""
    if not backend.__dict__.get("_emulator_service_owners"):
        return
    with _LOCK:
        for owner in list(owners(backend).values()):
            _reconcile_owner(backend, owner)


def _reconcile_owner(backend: Any, owner: Owner) -> None:
    # slots() may observe the resource's delete finishing, whose callback may reconcile again (reentrant lock):
    # read the interfaces only after it returns.
    wanted = owner.slots()
    current = interfaces_of(backend, owner.key)
    if wanted is None:
        owners(backend).pop(owner.key, None)
        for eni in current.values():
            backend.enis.pop(eni.id, None)
        return
    by_key = {slot.key: slot for slot in wanted}
    for key, eni in current.items():
        slot = by_key.get(key)
        if slot is None or eni.subnet.id != slot.subnet_id:
            backend.enis.pop(eni.id, None)
    current = interfaces_of(backend, owner.key)
    for slot in wanted:
        eni = current.get(slot.key)
        if eni is None:
            eni = _create(backend, owner, slot)
            if eni is None:
                continue
        eni.description = slot.description
        eni._group_set = _groups(backend, eni.subnet.vpc_id, slot.group_ids)


def _groups(backend: Any, vpc_id: str, group_ids: tuple[str, ...]) -> list[Any]:
    """The security groups that exist of ``group_ids`` (the VPC's default group when none is given)."""
    groups = [g for g in (backend.get_security_group_from_id(i) for i in group_ids) if g is not None]
    if not groups and not group_ids:
        default = backend.get_default_security_group(vpc_id)
        groups = [default] if default is not None else []
    return groups


def _create(backend: Any, owner: Owner, slot: Slot) -> Any | None:
    try:
        subnet = backend.get_subnet(slot.subnet_id)
    except Exception:  # noqa: BLE001 - an unknown subnet (moto's own tests use made-up ids): nothing to create
        return None
    from moto.ec2.models.elastic_network_interfaces import NetworkInterface

    eni = NetworkInterface(backend, subnet, None, description=slot.description)
    eni.requester_managed = owner.requester_managed
    eni.requester_id = owner.requester_id
    eni.interface_type = owner.interface_type
    eni.status = "in-use"
    eni.__dict__["_emulator_owner"] = owner.key
    eni.__dict__["_emulator_slot"] = slot.key
    backend.enis[eni.id] = eni
    if owner.instance_owner_id is None:
        return eni
    eni.__dict__["_emulator_attachment"] = {
        "AttachTime": utcnow(),
        "AttachmentId": "eni-attach-" + secrets.token_hex(9)[:17],
        "DeleteOnTermination": owner.delete_on_termination,
        "DeviceIndex": owner.device_index,
        "NetworkCardIndex": 0,
        "InstanceOwnerId": owner.instance_owner_id,
        "Status": "attached",
    }
    return eni


# --- the services' resources --------------------------------------------------------------------


def subnet_in(backend: Any, subnet_ids: list[str], zone: str | None) -> str | None:
    """The first of ``subnet_ids`` in Availability Zone ``zone`` (or the first one, when none is there)."""
    known = []
    for subnet_id in subnet_ids:
        try:
            known.append(backend.get_subnet(subnet_id))
        except Exception:  # noqa: BLE001 - unknown subnet
            continue
    for subnet in known:
        if subnet.availability_zone == zone:
            return subnet.id
    return known[0].id if known else None


def zones_of(backend: Any, subnet_ids: list[str]) -> dict[str, str]:
    """Availability Zone → first subnet of ``subnet_ids`` there, in the order given."""
    zones: dict[str, str] = {}
    for subnet_id in subnet_ids:
        try:
            zone = backend.get_subnet(subnet_id).availability_zone
        except Exception:  # noqa: BLE001 - unknown subnet
            continue
        zones.setdefault(zone, subnet_id)
    return zones


def rds_instance(rds: Any, database: Any) -> None:
    """An RDS DB instance: its interface (and its standby's with Multi-AZ) in its DB subnet group."""
    ec2 = ec2_backend(rds.account_id, rds.region_name)

    def slots() -> list[Slot] | None:
        from emulator.services.rds.models import instance_lifecycle

        lifecycle = instance_lifecycle(database)
        if not any(d is database for d in rds.databases.values()) or (lifecycle is not None and lifecycle.gone):
            return None
        group = getattr(database, "db_subnet_group", None)
        if group is not None:
            subnet_ids = [s.id for s in group._subnets]
        else:  # no DB subnet group: the default VPC's subnets, as AWS does
            subnet_ids = [s.id for s in ec2.describe_subnets(filters={"default-for-az": "true"})]
        groups = tuple(database.vpc_security_group_ids or ())
        zones = zones_of(ec2, subnet_ids)
        primary = subnet_in(ec2, subnet_ids, database.availability_zone)
        if primary is None:
            return []
        wanted = [Slot("primary", primary, groups, "RDSNetworkInterface")]
        if database.multi_az:
            primary_zone = ec2.get_subnet(primary).availability_zone
            standby = next((s for z, s in zones.items() if z != primary_zone), None)
            if standby is not None:
                wanted.append(Slot("standby", standby, groups, "RDSNetworkInterface"))
        return wanted

    register(
        ec2,
        Owner(
            key=f"rds:{database.arn}",
            requester_id="amazon-rds",
            instance_owner_id="amazon-rds",
            requester_managed=True,
            delete_on_termination=False,
            slots=slots,
        ),
    )


def elasticache_replication_group(backend: Any, group: Any) -> None:
    """An ElastiCache replication group: one interface per cache node, in the node's Availability Zone."""
    ec2 = ec2_backend(backend.account_id, backend.region_name)

    def slots() -> list[Slot] | None:
        if backend.replication_groups.get(group.replication_group_id) is not group or group.lifecycle.gone:
            return None
        subnet_group = backend.cache_subnet_groups.get(group.cache_subnet_group_name or "")
        subnet_ids = list(getattr(subnet_group, "subnet_ids", None) or [])
        if not subnet_ids:
            subnet_ids = [s.id for s in ec2.describe_subnets(filters={"default-for-az": "true"})]
        groups = tuple(group.security_group_ids or ())
        wanted = []
        for index, cluster_id in enumerate(group.member_ids):
            subnet = subnet_in(ec2, subnet_ids, group._az(index))
            if subnet is not None:
                wanted.append(Slot(cluster_id, subnet, groups, f"ElastiCache {cluster_id}"))
        return wanted

    register(
        ec2,
        Owner(
            key=f"elasticache:{group.arn}",
            requester_id="amazon-elasticache",
            instance_owner_id="amazon-elasticache",
            requester_managed=True,
            delete_on_termination=False,
            slots=slots,
        ),
    )


def kafka_cluster(backend: Any, cluster: Any) -> None:
    """An MSK provisioned cluster: one interface per broker, spread over the client subnets in order."""
    ec2 = ec2_backend(backend.account_id, backend.region_name)
    arn = cluster.arn

    def slots() -> list[Slot] | None:
        from emulator.services.kafka.models import cluster_lifecycle

        lifecycle = cluster_lifecycle(cluster)
        if backend.clusters.get(arn) is not cluster or (lifecycle is not None and lifecycle.gone):
            return None
        info = cluster.broker_node_group_info or {}
        subnet_ids = list(info.get("clientSubnets") or [])
        if not subnet_ids:
            return []
        groups = tuple(info.get("securityGroups") or ())
        description = f"DO NOT DELETE - Amazon MSK network interface for cluster {arn}."
        return [
            Slot(f"broker-{index + 1}", subnet_ids[index % len(subnet_ids)], groups, description)
            for index in range(int(cluster.number_of_broker_nodes or 0))
        ]

    register(
        ec2,
        Owner(
            key=f"kafka:{arn}",
            requester_id=f"AROA{secrets.token_hex(8).upper()[:17]}:AmazonMSK",
            instance_owner_id=SERVICE_ACCOUNTS["kafka"],
            requester_managed=False,
            delete_on_termination=True,
            slots=slots,
        ),
    )


def eks_cluster(backend: Any, cluster: Any) -> None:
    """An EKS cluster: the control plane's cross-account interfaces, one per subnet (two to four)."""
    ec2 = ec2_backend(backend.account_id, backend.region_name)

    def slots() -> list[Slot] | None:
        from emulator.services.eks.cluster import cluster_lifecycle

        lifecycle = cluster_lifecycle(cluster)
        if backend.clusters.get(cluster.name) is not cluster or (lifecycle is not None and lifecycle.gone):
            return None
        vpc = cluster.resources_vpc_config or {}
        groups = tuple(g for g in [vpc.get("clusterSecurityGroupId"), *(vpc.get("securityGroupIds") or [])] if g)
        subnet_ids = list(vpc.get("subnetIds") or [])[:4]
        return [Slot(subnet_id, subnet_id, groups, f"Amazon EKS {cluster.name}") for subnet_id in subnet_ids]

    register(
        ec2,
        Owner(
            key=f"eks:{cluster.arn}",
            requester_id=f"{_role_id(backend.account_id, cluster.role_arn)}:AmazonEKS",
            instance_owner_id=SERVICE_ACCOUNTS["eks"],
            requester_managed=False,
            delete_on_termination=True,
            slots=slots,
        ),
    )


def _role_id(account_id: str, role_arn: str | None) -> str:
    """The unique id (``AROA...``) of the cluster's IAM role, whose session ``AmazonEKS`` creates the interfaces."""
    try:
        from moto.iam.models import iam_backends

        return iam_backends[account_id]["global"].get_role_by_arn(role_arn).id
    except Exception:  # noqa: BLE001 - an unknown role (moto does not check it)
        return "AROA" + secrets.token_hex(9).upper()[:17]


def vpc_endpoint(backend: Any, endpoint: Any) -> None:
    """An interface VPC endpoint: a requester-managed interface per subnet, with the endpoint's security groups.

    Description ``VPC Endpoint Interface <endpoint id>``, ``InterfaceType`` ``vpc_endpoint``, not attached. moto makes
    the interfaces without the endpoint's groups (the VPC's default group), so the groups an endpoint uses look unused
    and can be deleted under it.
    """

    def slots() -> list[Slot] | None:
        if backend.vpc_end_points.get(endpoint.id) is not endpoint or endpoint.state == "deleted":
            return None
        groups = tuple(endpoint.security_group_ids or ())
        description = f"VPC Endpoint Interface {endpoint.id}"
        return [Slot(subnet_id, subnet_id, groups, description) for subnet_id in endpoint.subnet_ids or []]

    register(
        backend,
        Owner(
            key=f"vpce:{endpoint.id}",
            requester_id=SERVICE_ACCOUNTS["vpce"],
            instance_owner_id=None,
            requester_managed=True,
            delete_on_termination=False,
            slots=slots,
            interface_type="vpc_endpoint",
        ),
    )
