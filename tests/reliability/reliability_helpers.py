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
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(-\d+)?"  # MSK cluster ARNs
    r"|[0-9a-f]{16,}|[0-9A-Z]{20,}"  # ELB ids, access key ids
    r"|\d{4}-\d\d-\d\d-\d\d-\d\d"  # automated RDS snapshot names
)
#: Secrets Manager appends six random characters to a secret's name in its ARN.
_SECRET_SUFFIX = re.compile(r"-[A-Za-z0-9]{6}$")


def _stable(service: str, rid: str) -> str:
    if service == "ec2":
        return ""
    rid = _GENERATED.sub("*", rid)
    return _SECRET_SUFFIX.sub("-*", rid) if service == "secretsmanager" else rid


def names_of(emu) -> collections.Counter:
    """What is deployed by (service, type, id with AWS-generated parts masked): an orphan shows by its name (EC2
    ids are all generated, so EC2 resources count by type only)."""
    return collections.Counter(
        (r["service"], r["type"], _stable(r["service"], r["id"])) for r in emu.resources(PROJECT)
    )
