"""Run moto in-process, as ``moto.server.ThreadedMotoServer`` builds it, behind the emulator middleware."""

from __future__ import annotations

import os
import signal
import socket
import sys
import time
from typing import Any

from emulator.faults import FaultConfig, FaultInjector
from emulator.lifecycle import LifecycleConfig, set_config

#: Set before moto's backends are imported (DESIGN.md §5).
MOTO_ENVIRONMENT = {
    "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",
    "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",
}


def configure_environment(port: int) -> None:
    os.environ.update(MOTO_ENVIRONMENT)
    # moto builds some URLs (SQS queue URLs, S3 presigned URLs) from MOTO_PORT, as `moto_server` sets it.
    os.environ.setdefault("MOTO_PORT", str(port))


def build_app(
    port: int,
    host: str = "127.0.0.1",
    faults: FaultConfig | None = None,
    lifecycle: LifecycleConfig | None = None,
    extensions: bool = True,
) -> Any:
    """The WSGI app: moto's ``DomainDispatcherApplication`` with every extension applied, wrapped.

    ``extensions=False`` serves plain moto (still counted and faulted): a diagnostic to show a moto bug.
    """
    configure_environment(port)
    from moto import __version__ as moto_version
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    from emulator.extensions import apply_all
    from emulator.middleware import EmulatorMiddleware

    applied = apply_all() if extensions else []
    set_config(lifecycle or LifecycleConfig())
    app = DomainDispatcherApplication(create_backend_app)
    info = {
        "host": host,
        "port": port,
        "moto_version": moto_version,
        "started_at": time.time(),
        "extensions_applied": extensions,
    }
    middleware = EmulatorMiddleware(app, FaultInjector(faults or FaultConfig()), info=info)
    print(f"emulator: moto {moto_version} with {len(applied)} extensions", flush=True)
    return middleware


def serve(
    port: int,
    host: str = "127.0.0.1",
    faults: FaultConfig | None = None,
    lifecycle: LifecycleConfig | None = None,
    quiet: bool = False,
    extensions: bool = True,
) -> None:
    """Serve in the foreground until SIGINT/SIGTERM.

    The socket is bound before moto is imported, so a taken port fails at once.
    """
    configure_environment(port)
    listener = socket.create_server((host, port), backlog=128)  # fails fast if the port is taken
    app = build_app(port, host, faults, lifecycle, extensions)
    from werkzeug.serving import make_server

    server = make_server(host, port, app, threaded=True, request_handler=_request_handler(quiet), fd=listener.fileno())

    def stop(signum: int, frame: Any) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"emulator: listening on http://{host}:{port} (pid {os.getpid()})", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        print("emulator: stopped", file=sys.stderr, flush=True)
        # Request threads of kept-alive client connections and moto's backends need no clean-up.
        os._exit(0)


def _request_handler(quiet: bool) -> type:
    from moto.moto_server.werkzeug_app import MotoRequestHandler

    if not quiet:
        return MotoRequestHandler

    class QuietHandler(MotoRequestHandler):
        def log_request(self, *args: Any, **kwargs: Any) -> None:
            pass

    return QuietHandler
