"""Link the collections of requirements.yml, and this one, into ``.collections/ansible_collections``.

The ``ansible`` PyPI package (requirements.txt) installs about a hundred collections into the virtualenv's
``site-packages/ansible_collections``. With ``collections_scan_sys_path = False`` (ansible.cfg) Ansible looks
for collections in ``.collections`` only, so this script links there the ones the collection uses, each
checked against the version requirements.yml pins:

    python scripts/link_collections.py .collections

Why: for every module task, ansible-core's plugin loader and Mitogen's planner list the installed
collections (``list_collection_dirs``, one ``MANIFEST.json`` or ``galaxy.yml`` read per collection) in a
freshly forked worker, so nothing of it is cached between tasks. Listing five collections instead of a
hundred makes a module task about 40 ms cheaper (docs/performance.md). Re-running changes nothing when the
links are right.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def installed_root() -> Path:
    """The ``ansible_collections`` folder of the running interpreter's site-packages (the ansible package)."""
    spec = importlib.util.find_spec("ansible_collections")
    for location in (spec.submodule_search_locations or []) if spec else []:
        if (Path(location) / "amazon" / "aws").is_dir():
            return Path(location)
    raise SystemExit(
        "the ansible package's collections are not installed in this interpreter (pip install -r requirements.txt)"
    )


def pinned(requirements: Path) -> dict[str, str]:
    """``{"namespace.name": "version"}`` from a requirements.yml whose every entry pins one version."""
    entries = (yaml.safe_load(requirements.read_text()) or {}).get("collections") or []
    out = {}
    for entry in entries:
        version = str(entry.get("version", ""))
        if not version or any(ch in version for ch in "<>=*,!"):
            raise SystemExit(f"{requirements}: {entry.get('name')} must pin one version, not {version!r}")
        out[entry["name"]] = version
    return out


def link(target: Path, source: Path) -> bool:
    """Point ``target`` at ``source``; return whether anything changed."""
    if target.is_symlink() and Path(os.readlink(target)) == source:
        return False
    if target.is_symlink() or target.exists():
        if not target.is_symlink():
            raise SystemExit(f"{target} exists and is not a link: remove it first")
        target.unlink()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.symlink_to(source, target_is_directory=True)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path, help="the collections path (ansible.cfg's collections_path)")
    parser.add_argument("--requirements", type=Path, default=ROOT / "requirements.yml")
    args = parser.parse_args(argv)

    root = installed_root()
    base = args.dest.resolve() / "ansible_collections"
    changed = []
    for fqcn, version in sorted(pinned(args.requirements).items()):
        namespace, name = fqcn.split(".")
        source = root / namespace / name
        manifest = source / "MANIFEST.json"
        if not manifest.is_file():
            raise SystemExit(f"{fqcn} is not in {root}: the ansible package pinned in requirements.txt lacks it")
        found = json.loads(manifest.read_text())["collection_info"]["version"]
        if found != version:
            raise SystemExit(f"{fqcn} is {found} in {root}, requirements.yml pins {version}")
        target = base / namespace / name
        if link(target, Path(os.path.relpath(source, target.parent))):
            changed.append(f"{fqcn} {version}")
    # This checkout itself, as ecap.platform (relative, so the checkout can move).
    if link(base / "ecap" / "platform", Path("../../..")):
        changed.append("ecap.platform (this checkout)")
    for line in changed:
        print(f"linked {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
