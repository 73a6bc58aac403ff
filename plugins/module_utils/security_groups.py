# Copyright: ecap.platform contributors
# MIT License
"""Security groups: the rule matrix of the security-groups tier, and the logic of ``ecap.platform.ec2_security_group``.

The matrix (roles/security_groups/vars/main.yml) names other groups by key; the pure functions of
the first part check it (no data service open to a CIDR, every source known, every rule described)
and turn it into the ``rules`` / ``rules_egress`` lists of ``ecap.platform.ec2_security_group`` (the
rule shape of ``amazon.aws.ec2_security_group``) once the group ids are known. The filter plugin
``ecap.platform.security_group_rules`` exposes them to the role.

The second part is the module's: rules are compared as *normalised permissions*, one
:class:`RuleKey` per (protocol, port range, source) with its description beside it, so that AWS's
grouping of sources into one ``IpPermission``, protocol numbers against names (``6``/``tcp``) and
a CIDR's spelling do not show as differences. A group is read with one DescribeSecurityGroups
(rules and tags are in it); only what differs is written.

API reference: CreateSecurityGroup, DescribeSecurityGroups, AuthorizeSecurityGroupIngress/Egress,
RevokeSecurityGroupIngress/Egress, UpdateSecurityGroupRuleDescriptionsIngress/Egress,
DeleteSecurityGroup (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/).
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.ec2 import AnsibleEC2Error
from ansible_collections.ecap.platform.plugins.module_utils.common import (
    apply_tag_changes,
    dict_to_tags,
    tag_changes,
    tag_specifications,
    tags_to_dict,
)
from ansible_collections.ecap.platform.plugins.module_utils.ec2 import (
    delete_with_retry,
    describe_resources,
    set_resource_tags,
)

PROTOCOLS = {"tcp", "udp", "icmp", "all", "-1"}


class RuleMatrixError(ValueError):
    """Raised with a message naming the group and the rule at fault."""


def _rule_label(key: str, direction: str, index: int, rule: dict[str, Any]) -> str:
    return f"security group '{key}' {direction} rule {index + 1} ({rule.get('description', 'no description')})"


def _check_rule(
    key: str, direction: str, index: int, rule: dict[str, Any], keys: set[str], data_keys: set[str]
) -> None:
    label = _rule_label(key, direction, index, rule)
    if not str(rule.get("description", "")).strip():
        raise RuleMatrixError(f"{label} has no description: every rule must say why it exists")
    proto = str(rule.get("proto", "tcp"))
    if proto not in PROTOCOLS:
        raise RuleMatrixError(f"{label} has proto {proto!r}; allowed are {sorted(PROTOCOLS)}")
    if proto not in ("all", "-1") and "ports" not in rule:
        try:
            low, high = int(rule["from_port"]), int(rule["to_port"])
        except (KeyError, TypeError, ValueError):
            raise RuleMatrixError(f"{label} needs integer from_port and to_port (or ports)") from None
        if not 0 <= low <= high <= 65535:
            raise RuleMatrixError(
                f"{label} has ports {low}-{high}; they must satisfy 0 <= from_port <= to_port <= 65535"
            )
    has_source = "source" in rule
    cidrs = rule.get("cidrs") or []
    if has_source == bool(cidrs):
        raise RuleMatrixError(f"{label} needs exactly one of 'source' (a group key or 'self') and 'cidrs'")
    if has_source and rule["source"] != "self" and rule["source"] not in keys:
        raise RuleMatrixError(f"{label} refers to unknown group '{rule['source']}'; known groups are {sorted(keys)}")
    if cidrs:
        if key in data_keys:
            raise RuleMatrixError(
                f"{label} opens the data-service group '{key}' to CIDRs {cidrs}: data services accept "
                "only security-group references (e.g. source: eks_nodes)"
            )
        for cidr in cidrs:
            try:
                ipaddress.ip_network(str(cidr), strict=False)
            except ValueError:
                raise RuleMatrixError(f"{label} has an invalid CIDR {cidr!r}") from None


def validate_matrix(
    matrix: list[dict[str, Any]], extra_rules: dict[str, list[dict[str, Any]]] | None, data_keys: list[str]
) -> list[dict[str, Any]]:
    """Merge ``extra_rules`` (security_groups_extra_rules) into the matrix and validate every rule."""
    keys = [group["key"] for group in matrix]
    if len(set(keys)) != len(keys):
        raise RuleMatrixError(f"duplicate group keys in the matrix: {keys}")
    extra_rules = extra_rules or {}
    unknown = sorted(set(extra_rules) - set(keys))
    if unknown:
        raise RuleMatrixError(f"security_groups_extra_rules has unknown group(s) {unknown}; known groups are {keys}")
    merged = []
    for group in matrix:
        group = dict(group)
        group["ingress"] = list(group.get("ingress") or []) + list(extra_rules.get(group["key"], []))
        egress = group.get("egress", [])
        for direction, rules in (("ingress", group["ingress"]), ("egress", [] if egress == "all" else egress)):
            for index, rule in enumerate(rules):
                _check_rule(group["key"], direction, index, rule, set(keys), set(data_keys))
        merged.append(group)
    return merged


def _to_module_rule(rule: dict[str, Any], own_key: str, group_ids: dict[str, str]) -> list[dict[str, Any]]:
    base: dict[str, Any] = {"proto": str(rule.get("proto", "tcp")), "rule_desc": rule["description"]}
    if base["proto"] not in ("all", "-1"):
        if "ports" in rule:
            base["ports"] = [str(p) for p in rule["ports"]]
        else:
            base["from_port"] = int(rule["from_port"])
            base["to_port"] = int(rule["to_port"])
    if "source" in rule:
        source = own_key if rule["source"] == "self" else rule["source"]
        return [{**base, "group_id": group_ids[source]}]
    return [{**base, "cidr_ip": list(rule["cidrs"])}]


def module_rules(group: dict[str, Any], group_ids: dict[str, str]) -> dict[str, Any]:
    """Return ``{"rules": [...], "rules_egress": [...]}`` for ``ecap.platform.ec2_security_group``."""
    rules = [r for rule in group.get("ingress") or [] for r in _to_module_rule(rule, group["key"], group_ids)]
    egress = group.get("egress", [])
    if egress == "all":
        rules_egress = [{"proto": "all", "cidr_ip": "0.0.0.0/0", "rule_desc": "All outbound (AWS APIs, ECR, DNS)"}]
    else:
        rules_egress = [r for rule in egress for r in _to_module_rule(rule, group["key"], group_ids)]
    return {"rules": rules, "rules_egress": rules_egress}


# =========================================================================== ecap.platform.ec2_security_group

NOT_FOUND_CODES = ("InvalidGroup.NotFound", "InvalidGroupId.NotFound")
#: Codes retried on calls that follow a CreateSecurityGroup (the new group, or a group a rule names,
#: may not be visible yet).
CONSISTENCY_CODES = ("InvalidGroup.NotFound",)
TAG_RESOURCE_TYPE = "security-group"

#: Protocol spellings AWS accepts → the one DescribeSecurityGroups answers.
PROTOCOL_ALIASES = {"all": "-1", "-1": "-1", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}
PORT_PROTOCOLS = frozenset({"tcp", "udp"})
ICMP_PROTOCOLS = frozenset({"icmp", "icmpv6"})

#: Rule option → (IpPermission list, key of its items). A rule's sources are any mix of these.
SOURCES: dict[str, tuple[str, str]] = {
    "cidr_ip": ("IpRanges", "CidrIp"),
    "cidr_ipv6": ("Ipv6Ranges", "CidrIpv6"),
    "group_id": ("UserIdGroupPairs", "GroupId"),
    "ip_prefix": ("PrefixListIds", "PrefixListId"),
}
DIRECTIONS = ("ingress", "egress")
#: Direction → the group's field in DescribeSecurityGroups.
PERMISSION_FIELDS = {"ingress": "IpPermissions", "egress": "IpPermissionsEgress"}


@dataclass(frozen=True)
class RuleKey:
    """One normalised permission: protocol, port range (``None`` where the protocol has none) and one source."""

    protocol: str
    from_port: int | None
    to_port: int | None
    source_type: str  # a key of SOURCES
    source: str

    def sort_key(self) -> tuple:
        return (self.protocol, _port(self.from_port), _port(self.to_port), self.source_type, self.source)


#: The rule AWS adds to every new VPC group: all traffic out to anywhere.
DEFAULT_EGRESS = RuleKey("-1", None, None, "cidr_ip", "0.0.0.0/0")

Rules = dict[RuleKey, str]  # normalised permission → its description ("" for none)


def _port(value: int | None) -> int:
    return -2 if value is None else value


def normalize_protocol(proto: Any) -> str:
    text = str(proto).strip().lower()
    return PROTOCOL_ALIASES.get(text, text)


def _ports(protocol: str, low: Any, high: Any) -> tuple[int | None, int | None]:
    """The port range as AWS describes it for ``protocol``."""
    if protocol in PORT_PROTOCOLS:
        return int(low), int(high)
    if protocol in ICMP_PROTOCOLS:  # from = ICMP type, to = ICMP code; -1 = any
        return (-1 if low is None else int(low)), (-1 if high is None else int(high))
    return None, None  # -1 and other IP protocols: every port, none described


def _normalize_cidr(value: str, version: int) -> str:
    network = ipaddress.ip_network(str(value).strip(), strict=False)
    if network.version != version:
        raise ValueError(f"{value} is not an IPv{version} CIDR")
    return str(network)


def _flatten(values: Any) -> list[str]:
    """A source option's values: a string or a list (amazon.aws allows one level of nested lists)."""
    if values is None:
        return []
    if isinstance(values, str):
        return [values]
    flat: list[str] = []
    for value in values:
        flat.extend(_flatten(value))
    return flat


def _port_ranges(rule: Mapping[str, Any]) -> list[tuple[Any, Any]]:
    if rule.get("ports") is not None:
        ranges = []
        for port in _flatten([str(p) for p in rule["ports"]]):
            low, _, high = port.partition("-")
            ranges.append((int(low), int(high or low)))
        return ranges
    if rule.get("icmp_type") is not None:
        return [(rule["icmp_type"], rule.get("icmp_code"))]
    return [(rule.get("from_port"), rule.get("to_port"))]


def validate_rules(rules: list[Mapping[str, Any]] | None, option: str) -> list[str]:
    """Errors in ``rules`` (the module's ``rules`` / ``rules_egress``) that the argument spec cannot see.

    Pure: runs before any AWS call. One sentence per problem, naming the option and the rule's position.
    """
    errors: list[str] = []
    for index, rule in enumerate(rules or []):
        label = f"{option}[{index}] ({rule.get('rule_desc') or 'no description'})"
        protocol = normalize_protocol(rule.get("proto") or "tcp")
        if not (protocol in PROTOCOL_ALIASES.values() or protocol in ("icmpv6",) or protocol.isdigit()):
            errors.append(f"{label} has proto {rule.get('proto')!r}: use tcp, udp, icmp, icmpv6, all/-1 or a number.")
            continue
        try:
            ranges = _port_ranges(rule)
        except ValueError:
            errors.append(f"{label} has ports {rule.get('ports')!r}: each must be a port or a range like 1024-2048.")
            continue
        if protocol in PORT_PROTOCOLS:
            for low, high in ranges:
                if low is None or high is None:
                    errors.append(f"{label} is {protocol} and needs from_port and to_port (or ports).")
                elif not 0 <= int(low) <= int(high) <= 65535:
                    errors.append(f"{label} has ports {low}-{high}: they must satisfy 0 <= from <= to <= 65535.")
        for source_option, version in (("cidr_ip", 4), ("cidr_ipv6", 6)):
            for cidr in _flatten(rule.get(source_option)):
                try:
                    _normalize_cidr(cidr, version)
                except ValueError:
                    errors.append(f"{label} has an invalid {source_option} {cidr!r}.")
        for group_id in _flatten(rule.get("group_id")):
            if not group_id.startswith("sg-"):
                errors.append(f"{label} has group_id {group_id!r}: a security group id (sg-...) is expected.")
        for prefix in _flatten(rule.get("ip_prefix")):
            if not prefix.startswith("pl-"):
                errors.append(f"{label} has ip_prefix {prefix!r}: a prefix list id (pl-...) is expected.")
        if not any(_flatten(rule.get(source_option)) for source_option in SOURCES):
            errors.append(f"{label} names no source: give cidr_ip, cidr_ipv6, group_id or ip_prefix.")
    return errors


def expand_rules(rules: list[Mapping[str, Any]] | None) -> tuple[Rules | None, list[str]]:
    """The wanted rules (``None``: not managed) as normalised permissions, and warnings.

    A CIDR with host bits (``10.0.0.1/16``) is taken as its network, with a warning, as
    amazon.aws.ec2_security_group does. A permission listed twice keeps its first description.
    """
    if rules is None:
        return None, []
    wanted: Rules = {}
    warnings: list[str] = []
    for rule in rules:
        protocol = normalize_protocol(rule.get("proto") or "tcp")
        description = rule.get("rule_desc") or ""
        for low, high in _port_ranges(rule):
            from_port, to_port = _ports(protocol, low, high)
            for source_type in SOURCES:
                for value in _flatten(rule.get(source_type)):
                    source = value.strip()
                    if source_type in ("cidr_ip", "cidr_ipv6"):
                        source = _normalize_cidr(source, 4 if source_type == "cidr_ip" else 6)
                        if source != value.strip():
                            warnings.append(f"{value} has host bits set; using {source}.")
                    wanted.setdefault(RuleKey(protocol, from_port, to_port, source_type, source), description)
    return wanted, warnings


def described_rules(permissions: Iterable[Mapping[str, Any]] | None) -> Rules:
    """A group's ``IpPermissions`` (or ``IpPermissionsEgress``) as normalised permissions."""
    rules: Rules = {}
    for permission in permissions or []:
        protocol = normalize_protocol(permission.get("IpProtocol", "-1"))
        from_port, to_port = _ports(protocol, permission.get("FromPort"), permission.get("ToPort"))
        for source_type, (list_key, item_key) in SOURCES.items():
            for item in permission.get(list_key) or []:
                source = item.get(item_key)
                if not source:
                    continue
                if source_type in ("cidr_ip", "cidr_ipv6"):
                    source = _normalize_cidr(source, 4 if source_type == "cidr_ip" else 6)
                rules[RuleKey(protocol, from_port, to_port, source_type, source)] = item.get("Description") or ""
    return rules


def to_permissions(rules: Rules) -> list[dict[str, Any]]:
    """Normalised permissions → the ``IpPermissions`` of an Authorize/Revoke/UpdateDescriptions request,
    one permission per protocol and port range (sorted, so requests are stable)."""
    grouped: dict[tuple, dict[str, Any]] = {}
    for key in sorted(rules, key=RuleKey.sort_key):
        head = (key.protocol, key.from_port, key.to_port)
        permission = grouped.get(head)
        if permission is None:
            permission = {"IpProtocol": key.protocol}
            if key.from_port is not None:
                permission["FromPort"] = key.from_port
                permission["ToPort"] = key.to_port
            grouped[head] = permission
        list_key, item_key = SOURCES[key.source_type]
        item = {item_key: key.source}
        if rules[key]:
            item["Description"] = rules[key]
        permission.setdefault(list_key, []).append(item)
    return list(grouped.values())


def rule_view(key: RuleKey, description: str) -> dict[str, Any]:
    """One rule for ``diff`` and the plan: ``{"proto", "from_port", "to_port", <source type>: ..., "description"}``."""
    view: dict[str, Any] = {"proto": key.protocol}
    if key.from_port is not None:
        view["from_port"], view["to_port"] = key.from_port, key.to_port
    view[key.source_type] = key.source
    if description:
        view["description"] = description
    return view


def rules_view(rules: Rules) -> list[dict[str, Any]]:
    return [rule_view(key, rules[key]) for key in sorted(rules, key=RuleKey.sort_key)]


@dataclass
class RulesPlan:
    """The writes that turn one direction's rules into the wanted ones."""

    authorize: Rules = field(default_factory=dict)
    revoke: Rules = field(default_factory=dict)
    describe: Rules = field(default_factory=dict)  # rules whose description changes (new descriptions)

    @property
    def changed(self) -> bool:
        return bool(self.authorize or self.revoke or self.describe)

    def result(self, current: Rules) -> Rules:
        """The rules once the plan is applied to ``current``."""
        after = {key: value for key, value in current.items() if key not in self.revoke}
        after.update(self.describe)
        after.update(self.authorize)
        return after


def plan_rules(current: Rules, wanted: Rules | None, purge: bool) -> RulesPlan:
    """Authorize what is missing, revoke what is not wanted (``purge``), update descriptions that differ."""
    if wanted is None:
        return RulesPlan()
    return RulesPlan(
        authorize={key: value for key, value in wanted.items() if key not in current},
        revoke={key: value for key, value in current.items() if key not in wanted} if purge else {},
        describe={key: value for key, value in wanted.items() if key in current and current[key] != value},
    )


@dataclass
class GroupPlan:
    """Everything :func:`plan_group` decided for an existing (or just created) group."""

    rules: dict[str, RulesPlan]
    tags_to_set: dict[str, str] = field(default_factory=dict)
    tags_to_unset: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.tags_to_set or self.tags_to_unset or any(p.changed for p in self.rules.values()))


def current_rules(group: Mapping[str, Any]) -> dict[str, Rules]:
    return {direction: described_rules(group.get(PERMISSION_FIELDS[direction])) for direction in DIRECTIONS}


def plan_group(
    group: Mapping[str, Any],
    wanted: Mapping[str, Rules | None],
    purge: Mapping[str, bool],
    tags: Mapping[str, str] | None,
    purge_tags: bool,
    created: bool = False,
) -> GroupPlan:
    """The plan for ``group`` (as DescribeSecurityGroups answers, or as just created).

    For a group just ``created`` the default allow-all egress AWS added is not the user's: it is revoked
    when wanted egress rules are given without it, whatever ``purge`` says.
    """

    current = current_rules(group)
    plans = {}
    for direction in DIRECTIONS:
        plans[direction] = plan_rules(
            current[direction], wanted[direction], purge[direction] or (created and direction == "egress")
        )
    to_set, to_unset = tag_changes(tags_to_dict(group.get("Tags")), tags, purge_tags)
    return GroupPlan(rules=plans, tags_to_set=to_set, tags_to_unset=to_unset)


def predicted_group(group: Mapping[str, Any], plan: GroupPlan) -> dict[str, Any]:
    """``group`` (DescribeSecurityGroups shape) as it will be once ``plan`` is applied."""

    current = current_rules(group)
    after = dict(group)
    for direction in DIRECTIONS:
        after[PERMISSION_FIELDS[direction]] = to_permissions(plan.rules[direction].result(current[direction]))
    after["Tags"] = dict_to_tags(
        apply_tag_changes(tags_to_dict(group.get("Tags")), plan.tags_to_set, plan.tags_to_unset)
    )
    return after


def new_group(name: str, description: str, vpc_id: str | None, tags: Mapping[str, str] | None) -> dict[str, Any]:
    """A DescribeSecurityGroups-shaped group as CreateSecurityGroup makes it (no id yet): default egress only."""
    return {
        "GroupName": name,
        "Description": description,
        "VpcId": vpc_id,
        "IpPermissions": [],
        "IpPermissionsEgress": to_permissions({DEFAULT_EGRESS: ""}),
        "Tags": dict_to_tags(tags),
    }


def group_view(group: Mapping[str, Any] | None) -> dict[str, Any]:
    """The ``diff`` view of a group: identity, description, tags and each direction's rules, one per source."""
    if not group:
        return {}
    view = {
        "group_id": group.get("GroupId"),
        "group_name": group.get("GroupName"),
        "description": group.get("Description"),
        "vpc_id": group.get("VpcId"),
        "tags": tags_to_dict(group.get("Tags")),
    }
    rules = current_rules(group)
    view["ip_permissions"] = rules_view(rules["ingress"])
    view["ip_permissions_egress"] = rules_view(rules["egress"])
    return {key: value for key, value in view.items() if value is not None}


def matches(group: Mapping[str, Any] | None, expected: Mapping[str, Any]) -> bool:
    """Whether a described ``group`` shows the rules and tags of ``expected`` (read-after-write check)."""
    if not group:
        return False
    return current_rules(group) == current_rules(expected) and tags_to_dict(group.get("Tags")) == tags_to_dict(
        expected.get("Tags")
    )


def to_ansible(group: Mapping[str, Any] | None) -> dict[str, Any]:
    """A DescribeSecurityGroups entry snake_cased (as amazon.aws.ec2_security_group returns it), tags as a dict."""
    if not group:
        return {}
    result = camel_dict_to_snake_dict({key: value for key, value in group.items() if key != "Tags"})
    result["tags"] = tags_to_dict(group.get("Tags"))
    return result


# --------------------------------------------------------------------------- AWS calls


def describe_group(
    client: Any, group_id: str | None = None, name: str | None = None, vpc_id: str | None = None
) -> dict[str, Any] | None:
    """The group with ``group_id``, else the one named ``name`` in ``vpc_id``; None if there is none.

    One DescribeSecurityGroups call; rules and tags are in its answer.
    """
    if group_id:
        groups = describe_resources(
            client.describe_security_groups, "SecurityGroups", NOT_FOUND_CODES, GroupIds=[group_id]
        )
    else:
        filters = [{"Name": "group-name", "Values": [name]}]
        if vpc_id:
            filters.append({"Name": "vpc-id", "Values": [vpc_id]})
        groups = describe_resources(client.describe_security_groups, "SecurityGroups", NOT_FOUND_CODES, Filters=filters)
        # group-name is a filter: match exactly (AWS filters may accept wildcards).
        groups = [g for g in groups if g.get("GroupName") == name]
    if len(groups) > 1:
        ids = ", ".join(g["GroupId"] for g in groups)
        raise AnsibleEC2Error(message=f"Security group name {name!r} matches {ids}: give vpc_id or group_id")
    return groups[0] if groups else None


def create_group(
    client: Any, name: str, description: str, vpc_id: str | None, tags: Mapping[str, str] | None
) -> tuple[str, bool]:
    """CreateSecurityGroup with the tags in TagSpecifications; ``(group_id, adopted)``.

    CreateSecurityGroup takes no ClientToken. When AWS answers ``InvalidGroup.Duplicate`` (a retried
    call whose first attempt succeeded, or a group made meanwhile) the existing group is adopted.
    """

    request: dict[str, Any] = {"GroupName": name, "Description": description}
    if vpc_id:
        request["VpcId"] = vpc_id
    specs = tag_specifications(tags, TAG_RESOURCE_TYPE)
    if specs:
        request["TagSpecifications"] = specs
    try:
        return client.create_security_group(aws_retry=True, **request)["GroupId"], False
    except is_boto3_error_code("InvalidGroup.Duplicate"):
        existing = describe_group(client, name=name, vpc_id=vpc_id)
        if existing is None:
            raise AnsibleEC2Error(
                message=f"CreateSecurityGroup answered InvalidGroup.Duplicate for {name!r} but no such group shows"
            ) from None
        return existing["GroupId"], True


def _each_permission(call: Callable[..., Any], group_id: str, permissions: list[dict], skip_code: str) -> None:
    """Send ``permissions`` in one call; if AWS refuses the batch with ``skip_code`` (a rule already there,
    or already gone: someone changed the group meanwhile), send them one source at a time, skipping those."""

    if not permissions:
        return
    try:
        call(aws_retry=True, GroupId=group_id, IpPermissions=permissions)
        return
    except is_boto3_error_code(skip_code):
        pass
    for permission in permissions:
        for list_key, _item_key in SOURCES.values():
            for item in permission.get(list_key) or []:
                single = {k: v for k, v in permission.items() if k in ("IpProtocol", "FromPort", "ToPort")}
                single[list_key] = [item]
                try:
                    call(aws_retry=True, GroupId=group_id, IpPermissions=[single])
                except is_boto3_error_code(skip_code):
                    continue


def apply_group_plan(client: Any, group_id: str, plan: GroupPlan) -> None:
    """Write ``plan``: tags, then per direction authorize (make before break), descriptions, revoke.

    ``client`` should be a :func:`ec2.consistent_client` retrying ``CONSISTENCY_CODES`` when the group
    (or a group a rule names) was created a moment ago.
    """

    set_resource_tags(client, group_id, plan.tags_to_set, plan.tags_to_unset)
    for direction in DIRECTIONS:
        rules = plan.rules[direction]
        authorize = getattr(client, f"authorize_security_group_{direction}")
        revoke = getattr(client, f"revoke_security_group_{direction}")
        _each_permission(authorize, group_id, to_permissions(rules.authorize), "InvalidPermission.Duplicate")
        if rules.describe:
            describe = getattr(client, f"update_security_group_rule_descriptions_{direction}")
            describe(aws_retry=True, GroupId=group_id, IpPermissions=to_permissions(rules.describe))
        _each_permission(revoke, group_id, to_permissions(rules.revoke), "InvalidPermission.NotFound")


def delete_group(client: Any, group_id: str, timeout: float, sleep: Callable[[float], None] = time.sleep) -> bool:
    """DeleteSecurityGroup, waiting out DependencyViolation (ENIs being released) for ``timeout`` seconds.

    False when the group was already gone. A rule of another group that names this one is also a
    DependencyViolation: remove such rules first (the security_groups role empties every group first).
    """

    return delete_with_retry(
        lambda: client.delete_security_group(aws_retry=True, GroupId=group_id),
        NOT_FOUND_CODES,
        timeout,
        f"security group {group_id} (network interfaces or rules of other groups still use it)",
        sleep=sleep,
    )
