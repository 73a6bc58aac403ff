"""`ansible-galaxy collection build` makes a tarball that installs and whose plugins load."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _run(*cmd: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(cmd, cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def test_collection_builds_installs_and_loads(tmp_path):
    _run(str(BIN / "ansible-galaxy"), "collection", "build", "--force", "--output-path", str(tmp_path), ".", cwd=ROOT)
    tarball = next(tmp_path.glob("ecap-platform-*.tar.gz"))
    names = tarfile.open(tarball).getnames()
    assert "roles/network/tasks/present.yml" in names
    assert "plugins/modules/ec2_flow_log.py" in names
    # What the build must not ship.
    assert not [n for n in names if n.split("/")[0] in {"tests", "emulator", "build", ".venv", ".collections"}]

    target = tmp_path / "collections"
    # An empty configuration: the checkout's ansible.cfg would find ecap.platform in .collections.
    empty_cfg = tmp_path / "ansible.cfg"
    empty_cfg.write_text("[defaults]\n")
    env = {"ANSIBLE_COLLECTIONS_PATH": str(target), "ANSIBLE_CONFIG": str(empty_cfg), "PAGER": "cat"}
    galaxy = str(BIN / "ansible-galaxy")
    _run(
        galaxy, "collection", "install", "--force", "--no-deps", "-p", str(target), str(tarball), cwd=tmp_path, env=env
    )
    doc = _run(str(BIN / "ansible-doc"), "-t", "module", "ecap.platform.ec2_flow_log", cwd=tmp_path, env=env)
    assert "deliver_logs_permission_arn" in doc
    roles = _run(str(BIN / "ansible-doc"), "-t", "role", "-l", "ecap.platform", cwd=tmp_path, env=env)
    for role in ("network", "security_groups", "kms", "preflight"):
        assert f"ecap.platform.{role}" in roles
    # The installed filters work outside the checkout.
    out = _run(
        str(BIN / "ansible"),
        "localhost",
        "-m",
        "ansible.builtin.debug",
        "-a",
        "msg={{ '10.0.0.0/16' | ecap.platform.subnet_plan(az_count=2) }}",
        cwd=tmp_path,
        env=env,
    )
    assert "10.0.0.0/20" in out


def test_execution_environment_context_is_created(tmp_path):
    """`ansible-builder create` (what `make ee` runs) makes the build context with this collection in it."""
    pins = dict(
        line.strip().split("==") for line in (ROOT / "requirements.txt").read_text().splitlines() if "==" in line
    )
    for line in (ROOT / "ee/requirements.txt").read_text().splitlines():
        if "==" in line:
            name, version = line.split("==")
            assert pins.get(name) == version, (
                f"ee/requirements.txt pins {name}=={version}, requirements.txt {pins.get(name)}"
            )
    (tmp_path / "build").mkdir()
    _run(
        str(BIN / "ansible-galaxy"),
        "collection",
        "build",
        "--force",
        "--output-path",
        str(tmp_path / "build"),
        ".",
        cwd=ROOT,
    )
    (tmp_path / "ee").mkdir()
    for name in ("requirements.txt", "bindep.txt"):
        (tmp_path / "ee" / name).write_text((ROOT / "ee" / name).read_text())
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts/install_k8s_tools.py").write_text((ROOT / "scripts/install_k8s_tools.py").read_text())
    (tmp_path / "execution-environment.yml").write_text((ROOT / "execution-environment.yml").read_text())
    _run(
        str(BIN / "ansible-builder"),
        "create",
        "-f",
        "execution-environment.yml",
        "-c",
        "context",
        "--output-filename",
        "Containerfile",
        cwd=tmp_path,
    )
    containerfile = (tmp_path / "context/Containerfile").read_text()
    assert 'ARG EE_BASE_IMAGE="quay.io/fedora/python-311:latest"' in containerfile
    assert "ansible-galaxy collection install --offline /tmp/collections/ecap-platform-" in containerfile
    assert list((tmp_path / "context/_build/collections").glob("ecap-platform-*.tar.gz"))
    assert "ansible==12.3.0" in (tmp_path / "context/_build/requirements.txt").read_text()
    assert "kubernetes==36.0.3" in (tmp_path / "context/_build/requirements.txt").read_text()
    assert "install_k8s_tools.py /usr/local/bin" in containerfile
    assert (tmp_path / "context/_build/scripts/install_k8s_tools.py").is_file()
