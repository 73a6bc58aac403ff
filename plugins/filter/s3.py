# Copyright: ecap.platform contributors
# MIT License
"""Filters for the data-lake tier: the S3 modules' own input checks, for a role's validate.yml.

``rules | ecap.platform.s3_lifecycle_rule_errors`` and ``name | ecap.platform.s3_bucket_name_errors``
return a list of sentences (empty when valid), so an ``assert`` can fail before any AWS call with the
same message the module would give.
"""

from __future__ import annotations

from ansible_collections.ecap.platform.plugins.module_utils.s3 import (
    bucket_name_errors,
    validate_lifecycle_rules,
    validate_tiering,
)


def _lifecycle_errors(rules):
    return validate_lifecycle_rules([dict(rule) for rule in (rules or [])])


def _tiering_errors(config):
    params = {"status": "enabled", **dict(config or {})}
    return validate_tiering(params)


def _bucket_name_errors(name, what="bucket"):
    return bucket_name_errors(name, what)


class FilterModule:
    def filters(self):
        return {
            "s3_lifecycle_rule_errors": _lifecycle_errors,
            "s3_tiering_errors": _tiering_errors,
            "s3_bucket_name_errors": _bucket_name_errors,
        }
