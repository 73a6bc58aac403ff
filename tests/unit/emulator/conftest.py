"""Fixtures of the emulator's tests: one emulator subprocess per test module, boto3 clients on it."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402

from emulator.control import Emulator, running  # noqa: E402

REGION = "us-west-2"
ClientFactory = Callable[..., Any]


@pytest.fixture(scope="session", autouse=True)
def aws_environment() -> Iterator[None]:
    """Dummy credentials, so nothing here can reach a real account."""
    with pytest.MonkeyPatch.context() as mp:
        for name, value in {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SECURITY_TOKEN": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": REGION,
        }.items():
            mp.setenv(name, value)
        mp.delenv("AWS_PROFILE", raising=False)
        mp.delenv("AWS_ENDPOINT_URL", raising=False)
        yield


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with running(quiet=True) as emu:
        yield emu


def client_factory(emu: Emulator) -> ClientFactory:
    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)

    def client(service: str, **config: Any) -> Any:
        return session.client(service, endpoint_url=emu.endpoint, config=Config(**config) if config else None)

    return client


@pytest.fixture(scope="session")
def clients_for() -> Callable[[Emulator], ClientFactory]:
    """``clients_for(emu)("ec2")``: client factories for another emulator than the module's."""
    return client_factory


@pytest.fixture(scope="module")
def aws(emulator: Emulator) -> ClientFactory:
    """``aws("ec2")`` is an EC2 client on the module's emulator; keyword arguments go to botocore's Config."""
    return client_factory(emulator)


@pytest.fixture
def ansible_module(emulator: Emulator, capsys: pytest.CaptureFixture[str]) -> Callable[[Any, dict[str, Any]], dict]:
    """``ansible_module(module, args)`` runs an Ansible module's ``main()`` in process on the emulator."""
    from ansible.module_utils.testing import patch_module_args

    def run(module: Any, args: dict[str, Any]) -> dict:
        args = {
            "endpoint_url": emulator.endpoint,
            "access_key": "testing",
            "secret_key": "testing",
            "region": REGION,
            **args,
        }
        with patch_module_args(args), pytest.raises(SystemExit):
            module.main()
        result = json.loads(capsys.readouterr().out)
        assert not result.get("failed"), result.get("msg")
        return result

    return run


# --------------------------------------------------------------------------- emulator vs plain moto

NO_RETRY = {"retries": {"total_max_attempts": 1}}


@pytest.fixture(scope="module")
def plain_moto() -> Iterator[Emulator]:
    """moto 5.2.5 without the emulator's extensions (``serve --no-extensions``)."""
    with running(quiet=True, extensions=False) as emu:
        yield emu


@pytest.fixture(params=["emulator", "moto-5.2.5"])
def target(request: pytest.FixtureRequest) -> Emulator:
    """The server under test: the emulator, or plain moto, where the check is a strict xfail.

    So each test of a fix shows the moto bug or gap it exists for, and a moto upgrade that fixes
    it turns the test red (XPASS) as a reminder to drop the extension.
    """
    if request.param == "moto-5.2.5":
        request.applymarker(pytest.mark.xfail(strict=True, reason="the moto 5.2.5 bug or gap this extension fixes"))
        return request.getfixturevalue("plain_moto")
    return request.getfixturevalue("emulator")


@pytest.fixture
def client(target: Emulator, clients_for: Callable[[Emulator], ClientFactory]) -> ClientFactory:
    """``client("s3")``: a client on ``target`` that does not retry (a failure shows at once)."""
    factory = clients_for(target)
    return lambda service: factory(service, **NO_RETRY)
