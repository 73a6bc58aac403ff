"""What the in-process module tests share: a private emulator per test file, boto3 clients on it,
and ``run_module`` that runs a module's ``main()`` with patched arguments and returns its JSON result.

A test file binds ``run_module`` to its module when that reads better::

    @pytest.fixture
    def run(run_module):
        return functools.partial(run_module, eks_addon, defaults={"wait_delay": 1})
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args

from emulator.control import Emulator, running

REGION = "us-west-2"


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    """A private emulator for the test file (instant latency profile)."""
    with running(quiet=True) as emu:
        yield emu


@pytest.fixture(scope="module")
def aws(emulator: Emulator) -> Callable[..., Any]:
    """``aws(service)`` → a boto3 client on the file's emulator, dummy credentials."""
    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)

    def client(service: str, region: str = REGION) -> Any:
        return session.client(service, endpoint_url=emulator.endpoint, region_name=region)

    return client


@pytest.fixture
def run_module(emulator: Emulator, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    """``run_module(module, args, check_mode=False, failed=False)`` → the module's JSON result.

    The connection arguments point at the emulator (a caller's profile or endpoint cannot leak in);
    ``failed`` asserts the outcome (None: either), ``defaults`` are arguments the call's own override,
    ``no_log`` runs it as ``no_log: true`` would.
    """
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)

    def run(
        module: Any,
        args: dict[str, Any],
        check_mode: bool = False,
        failed: bool | None = False,
        defaults: dict[str, Any] | None = None,
        no_log: bool = False,
    ) -> dict[str, Any]:
        args = {
            "endpoint_url": emulator.endpoint,
            "access_key": "testing",
            "secret_key": "testing",
            "region": REGION,
            "_ansible_check_mode": check_mode,
            "_ansible_diff": True,
            "_ansible_no_log": no_log,
            **(defaults or {}),
            **args,
        }
        with patch_module_args(args), pytest.raises(SystemExit):
            module.main()
        result = json.loads(capsys.readouterr().out)
        if failed is not None:
            assert bool(result.get("failed")) == failed, result.get("msg")
        return result

    return run
