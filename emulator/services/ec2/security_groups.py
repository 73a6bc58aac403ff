"""EC2 security-group fixes: rule descriptions updated by source, DeleteSecurityGroup's dependency checks."""

from __future__ import annotations

from typing import Any

from moto.ec2.exceptions import DependencyViolationError, InvalidSecurityGroupNotFoundError
from moto.ec2.models.security_groups import SecurityGroupBackend

from emulator.extensions import extension, original, override
from emulator.services.ec2.models import settle

_PROTOCOLS = {"tcp": "tcp", "6": "tcp", "udp": "udp", "17": "udp", "icmp": "icmp", "1": "icmp", "all": "-1", "-1": "-1"}


def _same_ports(rule: Any, protocol: str, from_port: Any, to_port: Any) -> bool:
    if rule.ip_protocol != protocol:
        return False
    if protocol == "-1":
        return True
    return (rule.from_port, rule.to_port) == (int(from_port), int(to_port))


def _set_description(target: dict[str, Any], description: str | None) -> None:
    if description:
        target["Description"] = description
    else:  # AWS: omitting Description removes it
        target.pop("Description", None)


def _update_descriptions(
    backend: Any,
    egress: bool,
    group_name_or_id: str,
    ip_protocol: str,
    from_port: Any,
    to_port: Any,
    ip_ranges: list[dict[str, Any]],
    source_groups: list[dict[str, Any]] | None = None,
    prefix_list_ids: list[dict[str, Any]] | None = None,
    security_rule_ids: list[str] | None = None,
    vpc_id: str | None = None,
) -> Any:
    group = backend.get_security_group_by_name_or_id(group_name_or_id, vpc_id)
    if group is None:
        raise InvalidSecurityGroupNotFoundError(group_name_or_id)
    protocol = _PROTOCOLS.get(str(ip_protocol).lower(), str(ip_protocol))
    for rule in group.egress_rules if egress else group.ingress_rules:
        if not _same_ports(rule, protocol, from_port, to_port):
            continue
        for wanted in ip_ranges or []:
            for key in ("CidrIp", "CidrIpv6"):
                if key in wanted and rule.ip_range.get(key) == wanted[key]:
                    _set_description(rule.ip_range, wanted.get("Description"))
        for wanted in source_groups or []:
            if wanted.get("GroupId") and rule.source_group.get("GroupId") == wanted["GroupId"]:
                _set_description(rule.source_group, wanted.get("Description"))
    return group


def update_security_group_rule_descriptions_ingress(self: SecurityGroupBackend, **kwargs: Any) -> Any:
    """UpdateSecurityGroupRuleDescriptionsIngress
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_UpdateSecurityGroupRuleDescriptionsIngress.html).

    A rule is named by its protocol, ports and source; its description is what changes. moto 5.2.5 compares
    the whole UserIdGroupPair, old description included, so a group-to-group rule's description never changes.
    """
    return _update_descriptions(self, False, **kwargs)


def update_security_group_rule_descriptions_egress(self: SecurityGroupBackend, **kwargs: Any) -> Any:
    """UpdateSecurityGroupRuleDescriptionsEgress: as the ingress one."""
    return _update_descriptions(self, True, **kwargs)


def _dependents(backend: Any, group_id: str) -> list[str]:
    """What keeps AWS from deleting the group: rules of other groups that name it, network interfaces using it."""
    found = []
    for groups in backend.groups.values():
        for other in groups.values():
            if other.id == group_id:
                continue
            for rule in other.ingress_rules + other.egress_rules:
                if rule.source_group.get("GroupId") == group_id:
                    found.append(other.id)
                    break
    for eni in getattr(backend, "enis", {}).values():
        if any(getattr(group, "id", group) == group_id for group in eni.group_set):
            found.append(eni.id)
    return found


def delete_security_group(self: SecurityGroupBackend, name: str | None = None, group_id: str | None = None) -> Any:
    """DeleteSecurityGroup (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSecurityGroup.html).

    AWS refuses (``DependencyViolation``) while a network interface uses the group or a rule of another group
    names it; moto 5.2.5 deletes it anyway, leaving dangling references. The services' interfaces are settled first
    (an interface of a database whose delete has finished is gone).
    """
    settle(self)
    group = self.get_security_group_by_name_or_id(group_id or name)  # type: ignore[attr-defined]
    if group is not None:
        dependents = _dependents(self, group.id)
        if dependents:
            raise DependencyViolationError(f"resource {group.id} has a dependent object ({', '.join(dependents)})")
    return original(SecurityGroupBackend, "delete_security_group")(self, name=name, group_id=group_id)


@extension("ec2", "UpdateSecurityGroupRuleDescriptionsIngress", "UpdateSecurityGroupRuleDescriptionsEgress")
def rule_descriptions_by_source() -> None:
    """UpdateSecurityGroupRuleDescriptions{Ingress,Egress}: a group-to-group rule's description changes too."""
    override(SecurityGroupBackend, update_security_group_rule_descriptions_ingress)
    override(SecurityGroupBackend, update_security_group_rule_descriptions_egress)


@extension("ec2", "DeleteSecurityGroup")
def security_group_dependencies() -> None:
    """DeleteSecurityGroup: DependencyViolation while an ENI or another group's rule uses the group."""
    override(SecurityGroupBackend, delete_security_group)
