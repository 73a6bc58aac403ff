"""scripts/link_collections.py: the collections of requirements.yml, checked against their pins, linked."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
_spec = importlib.util.spec_from_file_location("link_collections", ROOT / "scripts" / "link_collections.py")
link_collections = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(link_collections)


def _installed_version(fqcn: str) -> str:
    namespace, name = fqcn.split(".")
    manifest = link_collections.installed_root() / namespace / name / "MANIFEST.json"
    return json.loads(manifest.read_text())["collection_info"]["version"]


def _requirements(tmp_path: Path, **pins: str) -> Path:
    lines = ["collections:"] + [f"  - name: {n}\n    version: {v!r}" for n, v in pins.items()]
    path = tmp_path / "requirements.yml"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_links_the_pinned_collections_and_this_checkout(tmp_path, capsys):
    req = _requirements(tmp_path, **{"amazon.aws": _installed_version("amazon.aws")})
    dest = tmp_path / "collections"
    assert link_collections.main([str(dest), "--requirements", str(req)]) == 0
    amazon = dest / "ansible_collections" / "amazon" / "aws"
    assert amazon.is_symlink() and not os.path.isabs(os.readlink(amazon))  # relative: the checkout can move
    assert (amazon / "MANIFEST.json").is_file()
    assert os.readlink(dest / "ansible_collections" / "ecap" / "platform") == "../../.."
    # Only what requirements.yml names: nothing else of the ansible package.
    assert sorted(p.name for p in (dest / "ansible_collections").iterdir()) == ["amazon", "ecap"]
    assert "linked amazon.aws" in capsys.readouterr().out

    # A second run changes nothing.
    assert link_collections.main([str(dest), "--requirements", str(req)]) == 0
    assert capsys.readouterr().out == ""


def test_a_version_other_than_the_pin_is_refused(tmp_path):
    req = _requirements(tmp_path, **{"amazon.aws": "1.0.0"})
    with pytest.raises(SystemExit, match=r"amazon\.aws is .* requirements\.yml pins 1\.0\.0"):
        link_collections.main([str(tmp_path / "c"), "--requirements", str(req)])
    assert not (tmp_path / "c").exists()


def test_a_range_is_not_a_pin(tmp_path):
    req = _requirements(tmp_path, **{"amazon.aws": ">=10.0.0"})
    with pytest.raises(SystemExit, match="must pin one version"):
        link_collections.main([str(tmp_path / "c"), "--requirements", str(req)])


def test_the_checkout_pins_every_collection_it_links():
    # requirements.yml is what `make setup` links; each pin matches the ansible package of requirements.txt.
    for fqcn, version in link_collections.pinned(ROOT / "requirements.yml").items():
        assert _installed_version(fqcn) == version, fqcn
