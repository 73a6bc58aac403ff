"""EC2 network-interface fixes: the services' interfaces described as AWS does, subnets and interfaces in use.

The interfaces themselves are made and released by ``service_interfaces`` (RDS, ElastiCache, MSK, EKS register there).
"""

from __future__ import annotations

from typing import Any

from moto.ec2.exceptions import DependencyViolationError, EC2ClientError
from moto.ec2.models.elastic_network_interfaces import NetworkInterface, NetworkInterfaceBackend
from moto.ec2.models.subnets import SubnetBackend
from moto.ec2.models.vpcs import VPCBackend, VPCEndPoint

from emulator.extensions import extension, original, override
from emulator.services.ec2 import service_interfaces
from emulator.services.ec2.models import _settling, settle
from emulator.services.ec2.service_interfaces import interfaces_of, is_service_interface


def _attachment(self: NetworkInterface) -> Any:
    """``Attachment`` of an interface a service attached (no ``InstanceId``: the instance is not the account's)."""
    attachment = self.__dict__.get("_emulator_attachment")
    if attachment is not None:
        return attachment
    return original(NetworkInterface, "attachment").fget(self)


def interface_filter_value(self: NetworkInterface, filter_name: str, method_name: str | None = None) -> Any:
    """DescribeNetworkInterfaces filters moto 5.2.5 lacks (a 500) or answers wrongly.

    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeNetworkInterfaces.html
    """
    attachment = self.__dict__.get("_emulator_attachment")
    if filter_name == "requester-managed":
        return bool(self.requester_managed)
    if filter_name == "requester-id":
        return self.requester_id
    if filter_name == "interface-type":
        return self.interface_type
    if filter_name == "status":
        return self.status
    if filter_name == "owner-id":
        return self.owner_id
    if filter_name == "attachment.status":
        return attachment["Status"] if attachment else ("attached" if self.instance else None)
    if filter_name == "attachment.instance-owner-id" and attachment:
        return attachment["InstanceOwnerId"]
    return original(NetworkInterface, "get_filter_value")(self, filter_name, method_name)


def delete_subnet(self: SubnetBackend, subnet_id: str) -> Any:
    """DeleteSubnet (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSubnet.html).

    AWS refuses while a network interface is in the subnet ("You must terminate all running instances in the
    subnet before you can delete the subnet"): ``DependencyViolation``. moto 5.2.5 deletes it, leaving the
    interfaces in a subnet that no longer exists.
    """
    settle(self)
    if any(eni.subnet.id == subnet_id for eni in getattr(self, "enis", {}).values()):
        raise DependencyViolationError(f"The subnet '{subnet_id}' has dependencies and cannot be deleted.")
    return original(SubnetBackend, "delete_subnet")(self, subnet_id)


def delete_network_interface(self: NetworkInterfaceBackend, eni_id: str) -> None:
    """DeleteNetworkInterface: an interface a service attached is in use (``InvalidNetworkInterface.InUse``)."""
    settle(self)
    eni = self.enis.get(eni_id)
    if eni is not None and is_service_interface(eni):
        raise EC2ClientError("InvalidNetworkInterface.InUse", f"Interface: [{eni_id}] in use.")
    return original(NetworkInterfaceBackend, "delete_network_interface")(self, eni_id)


def _endpoint_interface_ids(self: VPCEndPoint) -> list[str]:
    """``NetworkInterfaceIds`` of an interface endpoint: its interfaces now (they follow ModifyVpcEndpoint)."""
    if self.__dict__.get("_emulator_interfaces"):
        backend = self.ec2_backend
        return [eni.id for eni in interfaces_of(backend, f"vpce:{self.id}").values()]
    return self.__dict__.get("_emulator_network_interface_ids") or []


def _set_endpoint_interface_ids(self: VPCEndPoint, value: list[str] | None) -> None:
    self.__dict__["_emulator_network_interface_ids"] = value or []


def create_vpc_endpoint(self: VPCBackend, *args: Any, **kwargs: Any) -> VPCEndPoint:
    """CreateVpcEndpoint: an interface endpoint's interfaces carry its security groups (moto: the default group)."""
    endpoint = original(VPCBackend, "create_vpc_endpoint")(self, *args, **kwargs)
    if (endpoint.vpc_endpoint_type or "").lower() == "interface":
        for eni_id in endpoint.__dict__.get("_emulator_network_interface_ids") or []:
            self.enis.pop(eni_id, None)  # moto's, in the default group with an address outside the subnet
        endpoint.__dict__["_emulator_interfaces"] = True
        service_interfaces.vpc_endpoint(self, endpoint)
    return endpoint


@extension(
    "ec2",
    "DescribeNetworkInterfaces",
    "DeleteNetworkInterface",
    "DeleteSubnet",
    "DeleteVpc",
    "DeleteSecurityGroup",
    "CreateVpcEndpoint",
    "ModifyVpcEndpoint",
    "DescribeVpcEndpoints",
)
def service_network_interfaces() -> None:
    """RDS, ElastiCache, MSK, EKS and interface endpoints put their network interfaces in the VPC, as on AWS.

    moto 5.2.5 creates none for the services (and an interface endpoint's in the default group): every security group
    of those services is unused (prowler EC2.22), and the network can be deleted under a live database. Also
    DescribeNetworkInterfaces' ``requester-managed``, ``requester-id``, ``interface-type``, ``status``,
    ``attachment.status`` filters (moto: 500), and DeleteSubnet refused while an interface is in the subnet (moto
    deletes it).
    """
    override(NetworkInterface, property(_attachment), "attachment")  # type: ignore[arg-type]
    override(NetworkInterface, interface_filter_value, "get_filter_value")
    override(SubnetBackend, delete_subnet)
    override(NetworkInterfaceBackend, delete_network_interface)
    override(VPCBackend, _settling(VPCBackend, "delete_vpc"), "delete_vpc")
    override(VPCBackend, create_vpc_endpoint)
    override(VPCBackend, _settling(VPCBackend, "describe_vpc_endpoints"), "describe_vpc_endpoints")
    interface_ids = property(_endpoint_interface_ids, _set_endpoint_interface_ids)
    override(VPCEndPoint, interface_ids, "network_interface_ids")  # type: ignore[arg-type]
