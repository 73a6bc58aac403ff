# Copyright: ecap.platform contributors
# MIT License
"""Records of a build step's last result under the digest of its inputs (k8s_helm_render, k8s_manifest_validate).

A step whose inputs hash to the digest of its record may reuse the recorded result instead of running again.
Pure Python, no Ansible import."""

from __future__ import annotations

import json
import os
from typing import Any


def read_text(path: str) -> str | None:
    """The file's text, or None when it cannot be read."""
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError:
        return None


def write_text(path: str, content: str, mode: int | None = None) -> None:
    """Replace the file atomically (a reader never sees half of it); ``mode`` when given."""
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(content)
    if mode is not None:
        os.chmod(tmp, mode)
    os.replace(tmp, path)


def read_record(path: str | None, digest: str | None) -> dict[str, Any] | None:
    """The record at ``path`` when it is a JSON object whose ``digest`` is ``digest``; None otherwise (no file,
    another digest, not JSON: an unreadable record is never trusted)."""
    text = read_text(path) if path else None
    if text is None:
        return None
    try:
        record = json.loads(text)
    except ValueError:
        return None
    return record if isinstance(record, dict) and record.get("digest") == digest else None


def write_record(path: str, digest: str | None, mode: int | None = None, **fields: Any) -> None:
    """Record ``fields`` under ``digest`` (atomically)."""
    write_text(path, json.dumps({"digest": digest, **fields}, sort_keys=True) + "\n", mode)
