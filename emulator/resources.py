"""List the live resources that carry a tag: the leak report after a teardown (``python -m emulator resources``).

The listers live in the collection (``plugins/module_utils/tagged_resources.py``), shared with the
``ecap.platform.tagged_resources_info`` module; this wraps them for the emulator's CLI and control API.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

_PATH = Path(__file__).resolve().parents[1] / "plugins" / "module_utils" / "tagged_resources.py"
_spec = importlib.util.spec_from_file_location("ecap_tagged_resources", _PATH)
tagged = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
sys.modules.setdefault("ecap_tagged_resources", tagged)
_spec.loader.exec_module(tagged)  # type: ignore[union-attr]

Resource = tagged.Resource
LISTERS = tagged.LISTERS
lister = tagged.lister


def list_resources(
    endpoint: str | None,
    tags: dict[str, str],
    region: str = "us-west-2",
    services: Iterable[str] | None = None,
    session: Any = None,
) -> list[dict[str, str]]:
    """Every live resource carrying all ``tags`` at ``endpoint`` (dummy credentials unless ``session``)."""
    import boto3
    from botocore.config import Config

    if session is None:
        session = (
            boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=region)
            if endpoint
            else boto3.session.Session(region_name=region)
        )
    config = Config(retries={"max_attempts": 5, "mode": "standard"})
    return tagged.list_resources(
        lambda service: session.client(service, endpoint_url=endpoint, config=config), tags, region, services
    )


def parse_tags(items: Iterable[str]) -> dict[str, str]:
    tags = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise argparse.ArgumentTypeError(f"tag {item!r} is not Key=Value")
        tags[key] = value
    return tags


def format_table(resources: list[dict[str, str]]) -> str:
    if not resources:
        return "no resources"
    width = {k: max(len(k), *(len(r[k]) for r in resources)) for k in ("service", "type", "id")}
    lines = [f"{'service':{width['service']}}  {'type':{width['type']}}  {'id':{width['id']}}  arn"]
    for r in resources:
        lines.append(
            f"{r['service']:{width['service']}}  {r['type']:{width['type']}}  {r['id']:{width['id']}}  {r['arn']}"
        )
    return "\n".join(lines)
