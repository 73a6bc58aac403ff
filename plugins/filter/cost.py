# Copyright: ecap.platform contributors
# MIT License
"""Filters over the cost estimate (plugins/module_utils/cost.py): price a sizing, propose the options that
bring it towards its range, render the table."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError
from ansible_collections.ecap.platform.plugins.module_utils.cost import CostError, estimate, propose, render


def _estimate(sizing):
    try:
        return estimate(dict(sizing))
    except CostError as exc:
        raise AnsibleFilterError(str(exc)) from None


def _proposals(sizing, env, target):
    try:
        return propose(dict(sizing), env, dict(target))
    except CostError as exc:
        raise AnsibleFilterError(str(exc)) from None


def _report(document, target=None):
    return render(document, target)


class FilterModule:
    def filters(self):
        return {"cost_estimate": _estimate, "cost_proposals": _proposals, "cost_report": _report}
