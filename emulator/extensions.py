"""Registry of the emulator's fixes and additions to moto.

Each fix lives in ``emulator/services/<service>/`` and mirrors moto's layout: ``models.py`` for
backend state and patched backend methods, ``responses.py`` for new or replaced request handlers,
``urls.py`` only when a new URL pattern is needed. A fix is a function decorated with
:func:`extension`; it names the AWS APIs it implements and, when applied, installs its methods on
moto's classes with :func:`override`::

    # emulator/services/logs/responses.py
    from moto.logs.responses import LogsResponse
    from emulator.extensions import extension, override

    def associate_kms_key(self: LogsResponse) -> str:
        ...

    @extension("logs", "AssociateKmsKey")
    def kms_key_association() -> None:
        \"\"\"AssociateKmsKey: moto 5.2.5 has no handler (500 NotImplementedError).\"\"\"
        override(LogsResponse, associate_kms_key)

For a REST service a snake_case method named after the operation on the service's Response class
is enough when one of moto's URL patterns already matches the path (moto's dispatcher resolves the
operation from botocore's model). Register a pattern with :func:`add_url_paths` only when none
matches. State belongs on moto's backend objects (set attributes on the backend or on its models),
so that ``POST /moto-api/reset`` clears it with the rest.

:func:`apply_all` imports ``emulator.services`` and applies every registered extension once, before
the server answers its first request.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Extension:
    service: str
    name: str
    apis: tuple[str, ...]
    summary: str
    apply: Callable[[], None]

    def to_dict(self) -> dict[str, Any]:
        return {"service": self.service, "name": self.name, "apis": list(self.apis), "summary": self.summary}


_registry: dict[str, Extension] = {}
_applied: set[str] = set()
_lock = threading.Lock()
_ORIGINALS: dict[tuple[type, str], Any] = {}


def extension(service: str, *apis: str) -> Callable[[F], F]:
    """Register the decorated function as the fix of ``service`` implementing the AWS ``apis``.

    The first line of its docstring is the summary listed by ``GET /_emulator/info`` and the README.
    """

    def register(apply: F) -> F:
        summary = (apply.__doc__ or "").strip().splitlines()[0] if apply.__doc__ else ""
        ext = Extension(service, f"{service}.{apply.__name__}", tuple(apis), summary, apply)
        _registry[ext.name] = ext
        return apply

    return register


def override(owner: type, function: Callable[..., Any], name: str | None = None) -> None:
    """Install ``function`` as ``owner.<name>`` (default: the function's name), keeping the original.

    Applying twice is harmless; :func:`original` returns what was there before the first override.
    """
    attr = name or function.__name__
    key = (owner, attr)
    if key not in _ORIGINALS:
        _ORIGINALS[key] = owner.__dict__.get(attr, getattr(owner, attr, None))
    setattr(owner, attr, function)


def original(owner: type, name: str) -> Any:
    """The attribute ``owner.<name>`` had before :func:`override` replaced it."""
    try:
        return _ORIGINALS[(owner, name)]
    except KeyError:
        return getattr(owner, name)


def add_url_paths(service_module: str, paths: dict[str, Callable[..., Any]]) -> None:
    """Add URL patterns to ``moto.<service>.urls.url_paths`` (before the service's first request)."""
    urls = importlib.import_module(f"moto.{service_module}.urls")
    urls.url_paths.update(paths)


def load() -> list[Extension]:
    """Import every service package so that its extensions register themselves."""
    importlib.import_module("emulator.services")
    return registered()


def registered() -> list[Extension]:
    return sorted(_registry.values(), key=lambda e: e.name)


def apply_all() -> list[Extension]:
    """Apply every registered extension once; returns them all."""
    extensions = load()
    with _lock:
        for ext in extensions:
            if ext.name not in _applied:
                ext.apply()
                _applied.add(ext.name)
    return extensions
