"""Start, stop and talk to emulator processes (used by the CLI, tests and playbooks).

::

    from emulator.control import running

    with running(profile="instant", durations={"nat_gateway": 1}) as emu:
        ec2 = boto3.client("ec2", endpoint_url=emu.endpoint, ...)
        ...
        emu.counters()["mutating"]

Only the standard library is imported here, so the CLI's ``start``/``stop``/``status`` stay fast.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
PACKAGE_PARENT = Path(__file__).resolve().parents[1]


class EmulatorError(RuntimeError):
    pass


def free_port(host: str = HOST) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def endpoint(port: int, host: str = HOST) -> str:
    return f"http://{host}:{port}"


def request(port: int, path: str, body: Any = None, host: str = HOST, timeout: float = 10.0) -> Any:
    """Call a control endpoint (``path`` like ``/_emulator/counters``); POST when ``body`` is given."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(endpoint(port, host) + path, data=data, method="GET" if body is None else "POST")
    req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw = resp.read()
    except urllib.error.HTTPError as exc:
        raise EmulatorError(f"{path}: HTTP {exc.code}: {exc.read().decode(errors='replace')}") from None
    return json.loads(raw) if raw.strip() else None


def health(port: int, host: str = HOST, timeout: float = 2.0) -> dict[str, Any] | None:
    try:
        answer = request(port, "/_emulator/health", host=host, timeout=timeout)
    except (OSError, EmulatorError, ValueError):
        return None
    return answer if isinstance(answer, dict) and answer.get("status") == "ok" else None


def is_running(port: int, host: str = HOST) -> bool:
    """True when an emulator answers health on this port."""
    return health(port, host) is not None


def serve_args(
    port: int,
    host: str = HOST,
    profile: str | None = None,
    durations: dict[str, Any] | list[str] | None = None,
    faults: dict[str, Any] | str | None = None,
    seed: int | None = None,
    quiet: bool = False,
    extensions: bool = True,
) -> list[str]:
    """The ``python -m emulator serve`` command line for these options."""
    args = [sys.executable, "-m", "emulator", "serve", "--port", str(port), "--host", host]
    if profile:
        args += ["--profile", profile]
    items = durations if isinstance(durations, list) else _duration_items(durations or {})
    for item in items:
        args += ["--duration", item]
    if faults:
        if isinstance(faults, str):
            # A path is resolved here: the server runs in the repository root, not the caller's directory.
            spec = faults if faults.lstrip().startswith("{") else str(Path(faults).resolve())
        else:
            spec = json.dumps(faults)
        args += ["--faults", spec]
    if seed is not None:
        args += ["--seed", str(seed)]
    if quiet:
        args.append("--quiet")
    if not extensions:
        args.append("--no-extensions")
    return args


def _duration_items(durations: dict[str, Any]) -> list[str]:
    items = []
    for kind, value in durations.items():
        if isinstance(value, dict):
            items += [f"{kind}.{phase}={seconds}" for phase, seconds in value.items()]
        else:
            items.append(f"{kind}={value}")
    return items


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE_PARENT), env.get("PYTHONPATH")]))
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


@dataclass
class Emulator:
    """A running emulator: its endpoint and its control API."""

    port: int
    host: str = HOST
    process: subprocess.Popen[bytes] | None = None
    logfile: Path | None = None
    pid: int | None = None
    _owned_log: bool = field(default=False, repr=False)

    @property
    def endpoint(self) -> str:
        return endpoint(self.port, self.host)

    def counters(self) -> dict[str, Any]:
        return request(self.port, "/_emulator/counters", host=self.host)

    def reset_counters(self) -> dict[str, Any]:
        return request(self.port, "/_emulator/counters/reset", body={}, host=self.host)

    def reset(self) -> None:
        """Forget every resource (moto's ``/moto-api/reset``) and zero the counters."""
        req = urllib.request.Request(self.endpoint + "/moto-api/reset", data=b"", method="POST")
        with urllib.request.urlopen(req, timeout=30) as resp:
            resp.read()
        self.reset_counters()

    def faults(self) -> dict[str, Any]:
        return request(self.port, "/_emulator/faults", host=self.host)

    def set_faults(self, config: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
        """Replace the fault config: ``set_faults({"seed": 1, "rules": [...]})`` or ``set_faults(rules=[...])``.

        ``set_faults()`` clears every fault.
        """
        return request(self.port, "/_emulator/faults", body={**(config or {}), **kwargs}, host=self.host)

    def config(self) -> dict[str, Any]:
        return request(self.port, "/_emulator/config", host=self.host)

    def set_config(self, config: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
        """Replace the lifecycle profile and/or duration overrides: ``set_config(durations={"nat_gateway": 2})``."""
        return request(self.port, "/_emulator/config", body={**(config or {}), **kwargs}, host=self.host)

    def info(self) -> dict[str, Any]:
        return request(self.port, "/_emulator/info", host=self.host)

    def resources(self, tag: str | dict[str, str], region: str = "us-west-2") -> list[dict[str, str]]:
        """Live resources carrying the tag(s) (``"Project=ecap"`` or ``{"Project": "ecap"}``)."""
        from emulator.resources import list_resources, parse_tags

        tags = parse_tags([tag]) if isinstance(tag, str) else tag
        return list_resources(self.endpoint, tags, region=region)

    def log_tail(self, lines: int = 40) -> str:
        if self.logfile is None or not self.logfile.exists():
            return ""
        return "\n".join(self.logfile.read_text(errors="replace").splitlines()[-lines:])


def _wait_healthy(emulator: Emulator, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if emulator.process is not None and emulator.process.poll() is not None:
            raise EmulatorError(
                f"emulator on port {emulator.port} exited with {emulator.process.returncode} before it was "
                f"healthy:\n{emulator.log_tail()}"
            )
        if health(emulator.port, emulator.host, timeout=0.5) is not None:
            return
        time.sleep(0.1)
    raise EmulatorError(
        f"emulator on port {emulator.port} did not answer {emulator.endpoint}/_emulator/health within "
        f"{timeout:.0f} s:\n{emulator.log_tail()}"
    )


def start(
    port: int | None = None,
    *,
    host: str = HOST,
    logfile: str | Path | None = None,
    detach: bool = False,
    timeout: float = START_TIMEOUT,
    **opts: Any,
) -> Emulator:
    """Start ``python -m emulator serve`` as a child process and wait until it is healthy.

    ``opts``: ``profile``, ``durations`` (``{"nat_gateway": 5}``), ``faults`` (dict or JSON/path),
    ``seed``, ``quiet``, ``extensions`` (False: plain moto). ``detach=True`` puts it in its own
    session, so that it outlives the caller.
    Output goes to ``logfile`` (a temporary file when not given).
    """
    port = port or free_port(host)
    owned = logfile is None
    if logfile is None:
        fd, name = tempfile.mkstemp(prefix=f"emulator-{port}-", suffix=".log")
        os.close(fd)
        logfile = name
    log_path = Path(logfile)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            serve_args(port, host, **opts),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=PACKAGE_PARENT,
            env=_child_env(),
            start_new_session=detach,
        )
    emulator = Emulator(port, host, process, log_path, process.pid, owned)
    try:
        _wait_healthy(emulator, timeout)
    except EmulatorError:
        _terminate(process.pid, process)
        raise
    return emulator


def _pid_alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting for its parent to reap it counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[0] != "Z"


def _terminate(pid: int, process: subprocess.Popen[bytes] | None = None, timeout: float = STOP_TIMEOUT) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None:
            if process.poll() is not None:
                return
        elif not _pid_alive(pid):
            return
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    if process is not None:
        process.wait(timeout=5)


def stop(handle: Emulator, timeout: float = STOP_TIMEOUT) -> None:
    """Stop the emulator (SIGTERM, then SIGKILL after ``timeout``) and remove its temporary log."""
    if handle.pid is not None:
        _terminate(handle.pid, handle.process, timeout)
    if handle._owned_log and handle.logfile is not None:
        with contextlib.suppress(OSError):
            handle.logfile.unlink()


@contextlib.contextmanager
def running(port: int | None = None, **opts: Any) -> Iterator[Emulator]:
    """A private emulator for the duration of the ``with`` block (a pytest fixture's body)."""
    emulator = start(port, **opts)
    try:
        yield emulator
    finally:
        stop(emulator)


# --- pidfile-based management (the CLI's start/stop) --------------------------------------------


def read_pidfile(pidfile: str | Path | None) -> int | None:
    if not pidfile:
        return None
    try:
        return int(Path(pidfile).read_text().strip())
    except (OSError, ValueError):
        return None


def running_pid(port: int, host: str = HOST) -> int | None:
    """The pid of the emulator answering on this port (from ``/_emulator/info``)."""
    try:
        info = request(port, "/_emulator/info", host=host, timeout=2.0)
    except (OSError, EmulatorError, ValueError):
        return None
    return info.get("pid") if isinstance(info, dict) else None


def _is_serve_process(pid: int, port: int) -> bool:
    """True when ``pid`` runs ``emulator serve --port <port>`` (Linux /proc; elsewhere: unknown, False)."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    args = [a.decode(errors="replace") for a in argv]
    return "emulator" in args and "serve" in args and str(port) in args


def stop_port(port: int, pidfile: str | Path | None = None, host: str = HOST, timeout: float = STOP_TIMEOUT) -> bool:
    """Stop the emulator answering on ``port``; False when none was running. Cleans the pidfile."""
    pid = running_pid(port, host) if is_running(port, host) else None
    if pid is None:
        # Nothing answers health: stop the pidfile's process only if it is our server for this port
        # (still starting, or hung); otherwise the pidfile is stale and its pid may be anyone's now.
        candidate = read_pidfile(pidfile)
        if candidate is None or not _is_serve_process(candidate, port):
            if pidfile:
                Path(pidfile).unlink(missing_ok=True)
            return False
        pid = candidate
    _terminate(pid, timeout=timeout)
    deadline = time.monotonic() + timeout
    while is_running(port, host) and time.monotonic() < deadline:
        time.sleep(0.05)
    if pidfile:
        Path(pidfile).unlink(missing_ok=True)
    return True
