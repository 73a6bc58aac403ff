# Copyright: ecap.platform contributors
# MIT License
"""The plan of a check-mode run: what each tier would create, update or delete.

Pure Python (no Ansible imports), used by the ``ecap.platform.plan`` callback and unit-tested on
its own. A task result becomes a plan entry when it reports ``changed``; its ``diff`` (from
``--diff``) says what kind of change it is:

- ``before`` empty, ``after`` not: **create**;
- ``after`` empty (or the task's ``state`` is ``absent``): **delete**;
- both present: **update**, with one line per attribute that differs (``retention_in_days: 7 -> 14``);
- no diff from the module: **create** when the result names no existing resource (no id or ARN),
  else **change** (the module says it would change something but not what).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

ACTIONS = ("create", "update", "delete", "change")
SYMBOLS = {"create": "+", "update": "~", "delete": "-", "change": "!"}
#: Roles whose tasks are not resources of the platform.
IGNORED_ROLES = frozenset({"preflight"})
#: Longest rendering of one value in an attribute change.
VALUE_WIDTH = 100


def _empty(value: Any) -> bool:
    return value in (None, "", {}, [])


def _diffs(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    diff = result.get("diff")
    if not diff:
        return []
    items = diff if isinstance(diff, list) else [diff]
    return [d for d in items if isinstance(d, Mapping) and ("before" in d or "after" in d)]


def _render(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= VALUE_WIDTH else text[: VALUE_WIDTH - 3] + "..."


def attribute_changes(before: Any, after: Any, path: str = "") -> list[str]:
    """``["path: before -> after", ...]`` for every leaf that differs.

    Keys only in ``before`` are left out: modules describe the whole resource before but only
    what they set after (an ARN, a creation date). Lists of the same length compare item by item
    (``rules[0].port``); otherwise the items removed and added are listed.
    """
    if isinstance(before, Mapping) and isinstance(after, Mapping):
        changes: list[str] = []
        for key in sorted(after, key=str):
            sub = f"{path}.{key}" if path else str(key)
            if key not in before:
                if not _empty(after[key]):
                    changes.append(f"{sub}: (unset) -> {_render(after[key])}")
            else:
                changes.extend(attribute_changes(before[key], after[key], sub))
        return changes
    if isinstance(before, list) and isinstance(after, list):
        if len(before) == len(after):
            return [
                c
                for i, (b, a) in enumerate(zip(before, after, strict=True))
                for c in attribute_changes(b, a, f"{path}[{i}]")
            ]
        removed = [f"{path}: - {_render(item)}" for item in before if item not in after]
        added = [f"{path}: + {_render(item)}" for item in after if item not in before]
        return removed + added
    if isinstance(before, str) and isinstance(after, str) and "\n" in before + after:
        return [] if before == after else [f"{path or 'content'}: text changed"]
    if before != after:
        return [f"{path or 'value'}: {_render(before)} -> {_render(after)}"]
    return []


IDENTITY_SUFFIXES = ("_id", "_arn", "Id", "Arn")


def has_identity(result: Mapping[str, Any], depth: int = 1) -> bool:
    """Whether a result names an existing resource (an id or ARN), at the top or one level down."""
    for key, value in result.items():
        if key.startswith("_") or key in ("invocation", "diff"):
            continue
        if isinstance(value, str) and value and (key in ("id", "arn") or str(key).endswith(IDENTITY_SUFFIXES)):
            return True
        if depth and isinstance(value, Mapping) and has_identity(value, depth - 1):
            return True
    return False


def classify(args: Mapping[str, Any], result: Mapping[str, Any]) -> tuple[str, list[str]]:
    """The action of a changed task result and its attribute changes."""
    diffs = _diffs(result)
    if args.get("state") == "absent" or (diffs and all(_empty(d.get("after")) for d in diffs)):
        return "delete", []
    if not diffs:
        return ("change" if has_identity(result) else "create"), []
    if all(_empty(d.get("before")) for d in diffs):
        return "create", []
    changes: list[str] = []
    for d in diffs:
        changes.extend(attribute_changes(d.get("before") or {}, d.get("after") or {}))
    return "update", changes


def resource_name(task: str, label: Any, args: Mapping[str, Any]) -> str:
    """``task [item]``: the task names the resource kind, the loop label which one."""
    if label is None or label == "":
        for key in ("name", "alias", "bucket", "id", "cluster_name"):
            if isinstance(args.get(key), str) and "{{" not in args[key]:
                label = args[key]
                break
    if label is None or label == "":
        return task
    if not isinstance(label, str):
        label = _render(label)
    return f"{task} [{label}]"


class Plan:
    """Accumulates task results per tier (role) in the order the tiers ran."""

    def __init__(self) -> None:
        self.tiers: dict[str, dict[str, Any]] = {}
        self.errors: list[dict[str, str]] = []

    def record(
        self, role: str | None, task: str, label: Any, args: Mapping[str, Any], result: Mapping[str, Any]
    ) -> None:
        if not role or role in IGNORED_ROLES or result.get("skipped"):
            return
        tier = self._tier(role)
        tier["tasks"] += 1
        if result.get("failed"):
            self.errors.append(
                {"tier": role, "resource": resource_name(task, label, args), "msg": str(result.get("msg", ""))}
            )
            return
        if not result.get("changed"):
            return
        action, changes = classify(args, result)
        tier["changes"].append({"action": action, "resource": resource_name(task, label, args), "changes": changes})

    def _tier(self, role: str) -> dict[str, Any]:
        return self.tiers.setdefault(role, {"tasks": 0, "changes": [], "deferred": None})

    def defer(self, role: str, reason: str) -> None:
        """The tier stopped planning here (later tasks need what only a real run creates)."""
        if role not in IGNORED_ROLES:
            self._tier(role)["deferred"] = reason

    def to_dict(self, **meta: Any) -> dict[str, Any]:
        summary = dict.fromkeys(ACTIONS, 0)
        for tier in self.tiers.values():
            for change in tier["changes"]:
                summary[change["action"]] += 1
        return {
            **meta,
            "tiers": self.tiers,
            "errors": self.errors,
            "summary": summary,
            "converged": not self.errors
            and not any(summary.values())
            and not any(t["deferred"] for t in self.tiers.values()),
        }


def render_plan(document: Mapping[str, Any]) -> Iterable[str]:
    """The plan as text, one tier after the other, then the summary line."""
    env = document.get("environment") or "?"
    yield f"Plan for {env} ({document.get('region') or '?'}); check mode, nothing was changed."
    for name, tier in document["tiers"].items():
        changes = tier["changes"]
        deferred = f"; planned up to: {tier['deferred']}" if tier.get("deferred") else ""
        if not changes:
            yield f"{name}: no changes ({tier['tasks']} checks{deferred})"
            continue
        counts = ", ".join(
            f"{n} to {a}" for a in ACTIONS if (n := sum(1 for c in changes if c["action"] == a)) and a != "change"
        )
        unknown = sum(1 for c in changes if c["action"] == "change")
        if unknown:
            counts = ", ".join(filter(None, [counts, f"{unknown} to change (no detail from the module)"]))
        yield f"{name}: {counts}{deferred}"
        for change in changes:
            yield f"  {SYMBOLS[change['action']]} {change['resource']}"
            for line in change["changes"]:
                yield f"      {line}"
    for error in document.get("errors", []):
        yield f"ERROR {error['tier']}: {error['resource']}: {error['msg']}"
    s = document["summary"]
    if document.get("converged"):
        yield "No changes. The environment matches the inventory."
    else:
        yield (
            f"Plan: {s['create']} to create, {s['update']} to update, {s['delete']} to delete, "
            f"{s['change']} to change without detail."
        )
