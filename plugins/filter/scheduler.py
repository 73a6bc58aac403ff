# Copyright: ecap.platform contributors
# MIT License
"""Filters for the off-hours tier: scheduler_schedule's own input checks, for a role's validate.yml.

``expression | ecap.platform.scheduler_expression_errors(option)`` and
``zone | ecap.platform.scheduler_timezone_errors(option)`` return a list of sentences (empty when valid), so an
``assert`` fails before any AWS call with the message the module would give.
"""

from __future__ import annotations

from ansible_collections.ecap.platform.plugins.module_utils.scheduler import expression_errors, timezone_errors


def _expression_errors(expression, option="schedule_expression"):
    return expression_errors(None if expression is None else str(expression), option)


def _timezone_errors(timezone, option="timezone"):
    return timezone_errors(None if timezone is None else str(timezone), option)


class FilterModule:
    def filters(self):
        return {
            "scheduler_expression_errors": _expression_errors,
            "scheduler_timezone_errors": _timezone_errors,
        }
