# Copyright: ecap.platform contributors
# MIT License
"""Filters for the security-groups tier: validate the rule matrix, resolve it to module rules."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError
from ansible_collections.ecap.platform.plugins.module_utils.security_groups import (
    RuleMatrixError,
    module_rules,
    validate_matrix,
)


def _validate(matrix, extra_rules=None, data_keys=()):
    try:
        return validate_matrix(list(matrix), dict(extra_rules or {}), list(data_keys))
    except RuleMatrixError as exc:
        raise AnsibleFilterError(str(exc)) from None


def _rules(group, group_ids):
    try:
        return module_rules(dict(group), dict(group_ids))
    except KeyError as exc:
        raise AnsibleFilterError(
            f"security group '{group.get('key')}' refers to a group with no id yet: {exc}"
        ) from None


def _name(key, prefix):
    """Group key (``eks_nodes``) to AWS group name (``ecap-dev-eks-nodes-sg``)."""
    return f"{prefix}-{str(key).replace('_', '-')}-sg"


class FilterModule:
    def filters(self):
        return {
            "security_group_matrix": _validate,
            "security_group_rules": _rules,
            "security_group_name": _name,
        }
