# Copyright: ecap.platform contributors
# MIT License
"""Filters for the network tier: subnet maths."""

from __future__ import annotations

DOCUMENTATION = r"""
name: subnet_plan
short_description: Compute public, private and database subnet CIDRs for a VPC
description:
  - Splits O(_input) into one public, one private and one database subnet per AZ, largest first and aligned.
  - Fails with a message naming the variable when the VPC is too small, a CIDR is invalid or subnets overlap.
options:
  _input:
    description: The VPC CIDR block (network_vpc_cidr).
    type: str
    required: true
  az_count:
    description: Number of availability zones (network_az_count).
    type: int
    required: true
  prefixes:
    description: 'Prefix length per tier, for example C({"public": 24, "private": 20, "database": 24}).'
    type: dict
  explicit:
    description: Explicit CIDR lists per tier that replace the computed ones.
    type: dict
"""

# subnet_layout(plan, azs, name_prefix, cluster_name, single_nat_gateway) turns the plan into the
# subnet, NAT gateway and private route table specs the network role loops over.

EXAMPLES = r"""
- name: Plan the subnets
  ansible.builtin.set_fact:
    plan: "{{ '10.0.0.0/16' | ecap.platform.subnet_plan(az_count=3) }}"
"""

RETURN = r"""
_value:
  description: Mapping of tier name to a list of CIDRs, one per AZ.
  type: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.ecap.platform.plugins.module_utils.network import SubnetPlanError, subnet_layout, subnet_plan


def _subnet_plan(vpc_cidr, az_count, prefixes=None, explicit=None):
    try:
        return subnet_plan(vpc_cidr, int(az_count), prefixes or {}, explicit or {})
    except (SubnetPlanError, TypeError, ValueError) as exc:
        raise AnsibleFilterError(str(exc)) from None


def _subnet_layout(plan, azs, name_prefix, cluster_name, single_nat_gateway=False):
    try:
        return subnet_layout(plan, list(azs), name_prefix, cluster_name, bool(single_nat_gateway))
    except SubnetPlanError as exc:
        raise AnsibleFilterError(str(exc)) from None


class FilterModule:
    def filters(self):
        return {"subnet_plan": _subnet_plan, "subnet_layout": _subnet_layout}
