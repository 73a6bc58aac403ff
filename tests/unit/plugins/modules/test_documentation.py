"""Every module documents itself in a form ansible-doc can read: DOCUMENTATION, EXAMPLES and RETURN
parse as YAML, the module name matches its file, and every option has a type and a description."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

MODULES = sorted((Path(__file__).resolve().parents[4] / "plugins" / "modules").glob("*.py"))


def blocks(path: Path) -> dict[str, str]:
    tree = ast.parse(path.read_text())
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            if node.targets[0].id in ("DOCUMENTATION", "EXAMPLES", "RETURN"):
                found[node.targets[0].id] = node.value.value
    return found


@pytest.mark.parametrize("path", MODULES, ids=[p.stem for p in MODULES])
def test_documentation_parses_and_describes_every_option(path):
    docs = blocks(path)
    assert set(docs) == {"DOCUMENTATION", "EXAMPLES", "RETURN"}
    documentation = yaml.safe_load(docs["DOCUMENTATION"])
    yaml.safe_load(docs["EXAMPLES"])
    yaml.safe_load(docs["RETURN"])
    assert documentation["module"] == path.stem
    assert documentation["short_description"]
    for name, option in (documentation.get("options") or {}).items():
        assert option.get("description"), f"{path.stem}: option {name} has no description"
        assert option.get("type") or option.get("choices") is not None, f"{path.stem}: option {name} has no type"


PLUGINS = sorted((Path(__file__).resolve().parents[4] / "plugins").glob("lookup/*.py")) + sorted(
    (Path(__file__).resolve().parents[4] / "plugins").glob("callback/*.py")
)


@pytest.mark.parametrize("path", PLUGINS, ids=[f"{p.parent.name}/{p.stem}" for p in PLUGINS])
def test_plugin_documentation_parses(path):
    # A plugin whose DOCUMENTATION does not parse fails to load at all ("The lookup plugin ... failed to load").
    docs = blocks(path)
    assert "DOCUMENTATION" in docs
    documentation = yaml.safe_load(docs["DOCUMENTATION"])
    assert documentation["name"] == path.stem
    for block in ("EXAMPLES", "RETURN"):
        if block in docs:
            yaml.safe_load(docs[block])
    for name, option in (documentation.get("options") or {}).items():
        assert option.get("description"), f"{path.stem}: option {name} has no description"
