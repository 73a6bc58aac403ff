# Copyright: ecap.platform contributors
# MIT License
"""Tags of resources of any service through the Resource Groups Tagging API (the resource_tags module).

For resources whose upstream module has no ``tags`` option (amazon.aws.cloudwatch_metric_alarm,
amazon.aws.cloudwatchevent_rule in 10.1.2): GetResources reads their tags, TagResources and
UntagResources converge them, at most 20 ARNs a call as the API allows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ansible_collections.ecap.platform.plugins.module_utils.common import chunks, tag_changes, tags_to_dict

#: ARNs a GetResources call takes (ResourceARNList), and a TagResources / UntagResources call.
READ_BATCH = 100
WRITE_BATCH = 20


def validate(params: Mapping[str, Any]) -> list[str]:
    bad = [arn for arn in params["resource_arns"] if not str(arn).startswith("arn:") or str(arn).count(":") < 5]
    return [f"resource_arns must be ARNs (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE), got {bad}."] if bad else []


def describe(connection: Any, arns: list[str]) -> dict[str, dict[str, str]]:
    """ARN → its tags; an ARN the API does not list (never tagged) has ``{}``.

    One GetResources per 100 ARNs: with ``ResourceARNList`` AWS answers every listed resource at once and refuses
    the pagination parameters (``PaginationToken``, ``ResourcesPerPage``, ``TagsPerPage``: InvalidParameterException).
    """
    found: dict[str, dict[str, str]] = dict.fromkeys(arns, {})
    for batch in chunks(list(arns), READ_BATCH):
        page = connection.get_resources(aws_retry=True, ResourceARNList=batch)
        for item in page.get("ResourceTagMappingList", []):
            if item["ResourceARN"] in found:
                found[item["ResourceARN"]] = tags_to_dict(item.get("Tags"))
    return found


def plan(current: Mapping[str, Mapping[str, str]], tags: Mapping[str, Any], purge: bool) -> dict[str, Any]:
    """ARN → ``(to_set, to_unset)`` for every ARN whose tags differ."""
    changes = {}
    for arn, have in current.items():
        to_set, to_unset = tag_changes(have, tags, purge)
        if to_set or to_unset:
            changes[arn] = (to_set, to_unset)
    return changes


def apply(connection: Any, changes: Mapping[str, tuple[dict[str, str], list[str]]]) -> list[str]:
    """Tag and untag, grouping the ARNs that need the same change; returns the failures' messages."""
    failures: list[str] = []
    by_set: dict[tuple, list[str]] = {}
    by_unset: dict[tuple, list[str]] = {}
    for arn, (to_set, to_unset) in changes.items():
        if to_unset:
            by_unset.setdefault(tuple(to_unset), []).append(arn)
        if to_set:
            by_set.setdefault(tuple(sorted(to_set.items())), []).append(arn)
    for keys, arns in by_unset.items():
        for batch in chunks(arns, WRITE_BATCH):
            failed = connection.untag_resources(aws_retry=True, ResourceARNList=batch, TagKeys=list(keys))
            failures += _failures(failed)
    for pairs, arns in by_set.items():
        for batch in chunks(arns, WRITE_BATCH):
            failed = connection.tag_resources(aws_retry=True, ResourceARNList=batch, Tags=dict(pairs))
            failures += _failures(failed)
    return failures


def _failures(response: Mapping[str, Any]) -> list[str]:
    return [
        f"{arn}: {info.get('ErrorCode', '')} {info.get('ErrorMessage', '')}".strip()
        for arn, info in (response.get("FailedResourcesMap") or {}).items()
    ]
