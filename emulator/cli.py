"""``python -m emulator serve|start|stop|status|resources`` (see emulator/README.md)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from emulator import control
from emulator.lifecycle import PROFILES

DEFAULT_PORT = 4566


def _add_serve_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=control.HOST, help="address to bind (default %(default)s)")
    parser.add_argument(
        "--profile",
        choices=PROFILES,
        default="instant",
        help="lifecycle durations: instant (tests) or scaled (real AWS durations / 30)",
    )
    parser.add_argument(
        "--duration",
        action="append",
        default=[],
        metavar="KIND=SECONDS",
        help="override one kind's durations, e.g. nat_gateway=5 or eks_cluster.create=20 (repeatable)",
    )
    parser.add_argument("--faults", metavar="SPEC", help="fault config: JSON or a path to a JSON file")
    parser.add_argument("--seed", type=int, help="seed of the fault injection (overrides the config's)")
    parser.add_argument("--quiet", action="store_true", help="do not log every request")
    parser.add_argument(
        "--no-extensions",
        dest="extensions",
        action="store_false",
        help="serve plain moto without the emulator's fixes (to reproduce a moto bug)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m emulator", description="The local AWS emulator (moto + fixes).")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the emulator in the foreground")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    _add_serve_options(serve)

    start = sub.add_parser("start", help="start the emulator in the background (no-op if it already runs)")
    start.add_argument("--port", type=int, default=DEFAULT_PORT)
    _add_serve_options(start)
    start.add_argument("--pidfile", help="write the server's pid here")
    start.add_argument("--logfile", help="the server's output (default: emulator-PORT.log in the temp dir)")
    start.add_argument("--timeout", type=float, default=control.START_TIMEOUT, help="seconds to wait for health")

    stop = sub.add_parser("stop", help="stop the emulator on a port (no-op if none runs)")
    stop.add_argument("--port", type=int, default=DEFAULT_PORT)
    stop.add_argument("--pidfile")
    stop.add_argument("--host", default=control.HOST)

    status = sub.add_parser("status", help="exit 0 when an emulator answers on the port, 1 otherwise")
    status.add_argument("--port", type=int, default=DEFAULT_PORT)
    status.add_argument("--host", default=control.HOST)

    resources = sub.add_parser("resources", help="list live resources carrying a tag (leak report)")
    resources.add_argument("--port", type=int, default=DEFAULT_PORT)
    resources.add_argument("--host", default=control.HOST)
    resources.add_argument("--endpoint", help="endpoint URL (default: http://HOST:PORT)")
    resources.add_argument(
        "--tag", action="append", required=True, metavar="KEY=VALUE", help="tag to match (repeatable: all must match)"
    )
    resources.add_argument("--region", default=os.environ.get("AWS_DEFAULT_REGION", "us-west-2"))
    resources.add_argument("--json", action="store_true", help="print JSON")
    return parser


def _serve_options(args: argparse.Namespace) -> dict:
    return {
        "profile": args.profile,
        "durations": list(args.duration),
        "faults": args.faults,
        "seed": args.seed,
        "quiet": args.quiet,
        "extensions": args.extensions,
    }


def cmd_serve(args: argparse.Namespace) -> int:
    from emulator.faults import FaultConfig
    from emulator.lifecycle import LifecycleConfig, parse_overrides
    from emulator.server import serve

    try:
        faults = FaultConfig.load(args.faults, args.seed)
        lifecycle = LifecycleConfig(args.profile, parse_overrides(args.duration))
    except (ValueError, OSError) as exc:
        print(f"emulator: {exc}", file=sys.stderr)
        return 2
    serve(args.port, args.host, faults, lifecycle, quiet=args.quiet, extensions=args.extensions)
    return 0


def cmd_start(args: argparse.Namespace) -> int:
    if control.is_running(args.port, args.host):
        print(f"emulator already running on {control.endpoint(args.port, args.host)}")
        return 0
    logfile = args.logfile or Path(tempfile.gettempdir()) / f"emulator-{args.port}.log"
    try:
        emu = control.start(
            args.port, host=args.host, logfile=logfile, detach=True, timeout=args.timeout, **_serve_options(args)
        )
    except control.EmulatorError as exc:
        print(f"emulator: {exc}", file=sys.stderr)
        return 1
    if args.pidfile:
        Path(args.pidfile).parent.mkdir(parents=True, exist_ok=True)
        Path(args.pidfile).write_text(f"{emu.pid}\n")
    print(f"emulator started on {emu.endpoint} (pid {emu.pid}, log {logfile})")
    return 0


def cmd_stop(args: argparse.Namespace) -> int:
    if control.stop_port(args.port, args.pidfile, host=args.host):
        print(f"emulator on port {args.port} stopped")
    else:
        print(f"emulator not running on port {args.port}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    if control.is_running(args.port, args.host):
        pid = control.running_pid(args.port, args.host)
        print(f"emulator running on {control.endpoint(args.port, args.host)} (pid {pid})")
        return 0
    print(f"emulator not running on port {args.port}")
    return 1


def cmd_resources(args: argparse.Namespace) -> int:
    from emulator.resources import format_table, list_resources, parse_tags

    try:
        tags = parse_tags(args.tag)
    except argparse.ArgumentTypeError as exc:
        print(f"emulator: {exc}", file=sys.stderr)
        return 2
    found = list_resources(args.endpoint or control.endpoint(args.port, args.host), tags, region=args.region)
    print(json.dumps(found, indent=2) if args.json else format_table(found))
    return 0


COMMANDS = {"serve": cmd_serve, "start": cmd_start, "stop": cmd_stop, "status": cmd_status, "resources": cmd_resources}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return COMMANDS[args.command](args)
