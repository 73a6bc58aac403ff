"""k8s/: every overlay builds with kustomize and validates strictly; the seed's k8s/dev is the dev overlay."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from ansible_collections.ecap.platform.plugins.module_utils.k8s_validate import validate_objects

ROOT = Path(__file__).resolve().parents[3]
KUBECTL = ROOT / ".tools/bin/kubectl"
CIDRS = {"local": "10.0.0.0/16", "dev": "10.0.0.0/16", "staging": "10.1.0.0/16", "prod": "10.2.0.0/16"}

pytestmark = pytest.mark.skipif(not KUBECTL.exists(), reason="make setup installs kubectl into .tools/bin")


def build(path: str) -> list[dict]:
    out = subprocess.run([str(KUBECTL), "kustomize", str(ROOT / path)], check=True, capture_output=True, text=True)
    return [doc for doc in yaml.safe_load_all(out.stdout) if doc]


@pytest.mark.parametrize("env", sorted(CIDRS))
def test_overlay_validates_and_carries_the_env_cidr(env):
    objects = build(f"k8s/overlays/{env}")
    counts, invalid = validate_objects((("overlay", o) for o in objects), "1.33", {})
    assert invalid == []
    assert counts["Namespace"] == 2 and counts["NetworkPolicy"] == 7
    assert counts["Deployment"] == 1 and counts["Service"] == 1  # the OpenTelemetry collector
    cidrs = {
        block["ipBlock"]["cidr"]
        for o in objects
        if o["kind"] == "NetworkPolicy"
        for rule in o["spec"].get("ingress", []) + o["spec"].get("egress", [])
        for block in rule.get("from", []) + rule.get("to", [])
        if "ipBlock" in block
    }
    assert cidrs == {CIDRS[env], "0.0.0.0/0"}
    assert all(o["metadata"]["labels"]["ecap.io/environment"] == env for o in objects)
    deny = [o for o in objects if o["kind"] == "NetworkPolicy" and o["metadata"]["name"] == "default-deny"]
    assert sorted(o["metadata"]["namespace"] for o in deny) == ["ecap", "monitoring"]
    assert all(o["spec"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]} for o in deny)


def test_seed_path_is_the_dev_overlay():
    assert build("k8s/dev") == build("k8s/overlays/dev")
