"""Helpers of the reliability suites: the deployed inventory, the figures file docs/reliability.md quotes."""

from __future__ import annotations

import collections
import json
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "Project=ecap"
#: Where the suites write the figures docs/reliability.md quotes (one JSON object, a key per suite).
FIGURES = ROOT / "build" / "reliability" / "figures.json"


def record_figures(key: str, value: Any) -> None:
    """Merge ``{key: value}`` into build/reliability/figures.json."""
    FIGURES.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(FIGURES.read_text()) if FIGURES.exists() else {}
    data[key] = value
    FIGURES.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


def inventory_of(emu) -> collections.Counter:
    """What is deployed, as a multiset of (service, type): a duplicate shows as a count above the baseline's."""
    return collections.Counter((r["service"], r["type"]) for r in emu.resources(PROJECT))


_GENERATED = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(-\d+)?"  # MSK cluster, secret suffixes
    r"|[0-9a-f]{17}|[0-9A-Z]{20,}"
)


def names_of(emu) -> collections.Counter:
    """What is deployed by (service, type, id with AWS-generated parts masked): an orphan shows by its name (EC2
    ids are all generated, so EC2 resources count by type only)."""
    return collections.Counter(
        (r["service"], r["type"], "" if r["service"] == "ec2" else _GENERATED.sub("*", r["id"]))
        for r in emu.resources(PROJECT)
    )
