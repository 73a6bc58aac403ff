"""Make this checkout importable as ``ansible_collections.ecap.platform`` for the unit tests.

When the collection is not installed, a ``.collections/ansible_collections/ecap/platform``
symlink to the repository root (git-ignored, the same one ``make setup`` makes) is created
if missing and ``.collections`` is put on ``sys.path``. ``ansible_collections`` is a
namespace package, so amazon.aws keeps resolving from the virtualenv's site-packages.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COLLECTIONS = ROOT / ".collections"
LINK = COLLECTIONS / "ansible_collections" / "ecap" / "platform"
# The repository root, so that `emulator` (the local AWS emulator package) is importable.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _importable() -> bool:
    try:
        return importlib.util.find_spec("ansible_collections.ecap.platform") is not None
    except ModuleNotFoundError:
        return False


def _link_collection() -> None:
    if not LINK.exists():
        LINK.parent.mkdir(parents=True, exist_ok=True)
        try:
            LINK.symlink_to(Path("..", "..", ".."), target_is_directory=True)
        except FileExistsError:  # another test process made it meanwhile
            pass
    if str(COLLECTIONS) not in sys.path:
        sys.path.insert(0, str(COLLECTIONS))
    importlib.invalidate_caches()


if not _importable():
    _link_collection()


@pytest.fixture(autouse=True)
def _fresh_clients():
    """No boto3 client kept by ``common.client`` outlives its test (each test has its own moto mock)."""
    from ansible_collections.ecap.platform.plugins.module_utils import common

    common.clear_clients()
    yield
    common.clear_clients()


@pytest.fixture
def aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials and region, and no endpoint or profile from the caller's environment,
    so that a test under moto's ``mock_aws`` can never reach a real account or emulator."""
    for name in ("AWS_ENDPOINT_URL", "AWS_URL", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-west-2")


ALB_CHART = ROOT / "tests" / "fixtures" / "charts" / "aws-load-balancer-controller-3.5.0.tgz"


@pytest.fixture(scope="session")
def alb_crd_dir(tmp_path_factory) -> Path:
    """A folder with the AWS Load Balancer Controller chart's CRDs (TargetGroupBinding, IngressClassParams)."""
    import tarfile

    out = tmp_path_factory.mktemp("alb-crds")
    with tarfile.open(ALB_CHART) as tgz:
        member = tgz.getmember("aws-load-balancer-controller/crds/crds.yaml")
        (out / "crds.yaml").write_bytes(tgz.extractfile(member).read())
    return out
