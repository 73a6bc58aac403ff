"""Seeded fault injection: throttling, server errors and added latency, per service.

Configuration (``--faults`` takes this JSON or a path to a file holding it; ``POST /_emulator/faults``
replaces it at runtime)::

    {"seed": 7, "rules": [
        {"service": "*", "rate": 0.05, "kind": "throttle"},
        {"service": "*", "rate": 0.02, "kind": "server_error"},
        {"service": "ec2", "operation": "DescribeNatGateways", "rate": 0.5, "kind": "unavailable"},
        {"service": "ec2", "latency_ms": 50}
    ]}

A rule matches a request when ``service`` (the SigV4 signing name: ec2, kms, logs, s3, eks, ...) and
``operation`` (optional; a name or a list of names) match, ``"*"`` matching any. ``kind`` is
``throttle`` (the service's own throttling error), ``server_error`` (HTTP 500) or ``unavailable``
(HTTP 503); ``rate`` is the probability per request. ``latency_ms`` (plus an optional
``jitter_ms``) delays every matching request. Draws come from ``random.Random(seed)`` in request
order, so a sequential client sees the same faults on every run.

Errors are rendered in each protocol's real wire format (botocore's ``protocol`` metadata), so SDKs
parse them into the real codes and their retry logic treats them as AWS's own.
"""

from __future__ import annotations

import json
import random
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

KINDS = ("throttle", "server_error", "unavailable")


@dataclass(frozen=True)
class FaultRule:
    service: str = "*"
    operation: tuple[str, ...] = ("*",)
    kind: str | None = None
    rate: float = 0.0
    latency_ms: float = 0.0
    jitter_ms: float = 0.0

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FaultRule:
        if not isinstance(data, dict):
            raise ValueError(f"a fault rule must be an object, got {data!r}")
        unknown = set(data) - {"service", "operation", "kind", "rate", "latency_ms", "jitter_ms"}
        if unknown:
            raise ValueError(f"unknown fault rule keys: {', '.join(sorted(unknown))}")
        operation = data.get("operation", "*")
        operations = tuple(operation) if isinstance(operation, list) else (str(operation),)
        kind = data.get("kind")
        rate = float(data.get("rate", 0.0))
        latency = float(data.get("latency_ms", 0.0))
        jitter = float(data.get("jitter_ms", 0.0))
        if kind is not None and kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}, expected one of {', '.join(KINDS)}")
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"fault rate must be between 0 and 1, got {rate}")
        if rate and kind is None:
            raise ValueError("a fault rule with a rate needs a kind")
        if latency < 0 or jitter < 0:
            raise ValueError("latency_ms and jitter_ms must not be negative")
        return cls(str(data.get("service", "*")), operations, kind, rate, latency, jitter)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"service": self.service}
        if self.operation != ("*",):
            out["operation"] = self.operation[0] if len(self.operation) == 1 else list(self.operation)
        if self.kind:
            out["kind"] = self.kind
            out["rate"] = self.rate
        if self.latency_ms:
            out["latency_ms"] = self.latency_ms
        if self.jitter_ms:
            out["jitter_ms"] = self.jitter_ms
        return out

    def matches(self, service: str, operation: str) -> bool:
        return self.service in ("*", service) and ("*" in self.operation or operation in self.operation)


@dataclass(frozen=True)
class FaultConfig:
    seed: int = 0
    rules: tuple[FaultRule, ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> FaultConfig:
        if not data:
            return cls()
        if not isinstance(data, dict):
            raise ValueError("the fault config must be a JSON object")
        unknown = set(data) - {"seed", "rules"}
        if unknown:
            raise ValueError(f"unknown fault config keys: {', '.join(sorted(unknown))}")
        rules = data.get("rules", [])
        if not isinstance(rules, list):
            raise ValueError("rules must be a list")
        return cls(int(data.get("seed", 0)), tuple(FaultRule.from_dict(r) for r in rules))

    @classmethod
    def load(cls, spec: str | None, seed: int | None = None) -> FaultConfig:
        """Parse ``--faults``: inline JSON or a path to a JSON file. ``seed`` overrides the file's."""
        data: dict[str, Any] = {}
        if spec:
            text = spec if spec.lstrip().startswith("{") else Path(spec).read_text(encoding="utf-8")
            data = json.loads(text)
        if seed is not None:
            data = {**data, "seed": seed}
        return cls.from_dict(data)

    def to_dict(self) -> dict[str, Any]:
        return {"seed": self.seed, "rules": [r.to_dict() for r in self.rules]}


@dataclass(frozen=True)
class Fault:
    """A fault chosen for one request: render it with :func:`render_error`."""

    kind: str
    protocol: str


@dataclass
class FaultInjector:
    """Decides, per request, the latency to add and the fault (if any) to return instead."""

    config: FaultConfig = field(default_factory=FaultConfig)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._rng = random.Random(self.config.seed)

    def replace(self, config: FaultConfig) -> None:
        with self._lock:
            self.config = config
            self._rng = random.Random(config.seed)

    def latency_seconds(self, service: str, operation: str) -> float:
        total = 0.0
        with self._lock:
            for rule in self.config.rules:
                if (rule.latency_ms or rule.jitter_ms) and rule.matches(service, operation):
                    jitter = self._rng.uniform(0, rule.jitter_ms) if rule.jitter_ms else 0.0
                    total += (rule.latency_ms + jitter) / 1000.0
        return total

    def pick(self, service: str, operation: str) -> str | None:
        """The fault kind to inject for this request, or None. Draws once per matching rule."""
        chosen = None
        with self._lock:
            for rule in self.config.rules:
                if rule.kind and rule.rate and rule.matches(service, operation):
                    hit = self._rng.random() < rule.rate
                    if hit and chosen is None:
                        chosen = rule.kind
        return chosen


# --- wire formats -------------------------------------------------------------------------------

#: (HTTP status, error code, message) per protocol family and fault kind.
_ERRORS: dict[str, dict[str, tuple[int, str, str]]] = {
    "ec2": {
        "throttle": (503, "RequestLimitExceeded", "Request limit exceeded."),
        "server_error": (500, "InternalError", "An internal error has occurred."),
        "unavailable": (503, "Unavailable", "The server is overloaded and can't handle the request."),
    },
    "query": {
        "throttle": (400, "Throttling", "Rate exceeded"),
        "server_error": (500, "InternalFailure", "The request processing has failed because of an unknown error."),
        "unavailable": (503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server."),
    },
    "json": {
        "throttle": (400, "ThrottlingException", "Rate exceeded"),
        "server_error": (500, "InternalFailure", "The request processing has failed because of an unknown error."),
        "unavailable": (503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server."),
    },
    "rest-json": {
        "throttle": (429, "ThrottlingException", "Rate exceeded"),
        "server_error": (500, "InternalFailure", "The request processing has failed because of an unknown error."),
        "unavailable": (503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server."),
    },
    "rest-xml": {
        "throttle": (503, "SlowDown", "Please reduce your request rate."),
        "server_error": (500, "InternalError", "We encountered an internal error. Please try again."),
        "unavailable": (503, "ServiceUnavailable", "Service is unable to handle request."),
    },
}


#: Services whose throttling error is not their protocol family's: (HTTP status, code, message), from the
#: error shapes of botocore's service models (``TooManyRequestsException`` of kafka is modelled with 429, SNS's
#: ``ThrottledException`` has the wire code ``Throttled``, Route 53 answers 400 ``ThrottlingException``, ...).
SERVICE_THROTTLE: dict[str, tuple[int, str, str]] = {
    "kafka": (429, "TooManyRequestsException", "Too Many Requests"),
    "lambda": (429, "TooManyRequestsException", "Rate exceeded"),
    "sns": (429, "Throttled", "Rate exceeded"),
    "sqs": (400, "RequestThrottled", "Request is throttled."),
    "route53": (400, "ThrottlingException", "Rate exceeded"),
    "organizations": (400, "TooManyRequestsException", "Rate exceeded"),
    "athena": (400, "TooManyRequestsException", "Rate exceeded"),
}


def error_for(protocol: str, kind: str, service: str | None = None) -> tuple[int, str, str]:
    """(status, code, message) of a ``kind`` of fault of ``service`` in ``protocol`` (unknown protocols: json)."""
    if kind == "throttle" and service in SERVICE_THROTTLE:
        return SERVICE_THROTTLE[service]
    family = protocol if protocol in _ERRORS else "json"
    return _ERRORS[family][kind]


def render_error(
    protocol: str, kind: str, json_version: str = "1.1", service: str | None = None
) -> tuple[int, list[tuple[str, str]], bytes]:
    """The HTTP status, headers and body AWS sends for this fault of ``service`` in this protocol."""
    status, code, message = error_for(protocol, kind, service)
    request_id = str(uuid.uuid4())
    headers = [("x-amzn-RequestId", request_id)]
    if protocol == "ec2":
        body = (
            f"<?xml version='1.0' encoding='UTF-8'?>\n<Response><Errors><Error><Code>{code}</Code>"
            f"<Message>{escape(message)}</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>"
        )
        headers.append(("Content-Type", "text/xml"))
    elif protocol == "query":
        error_type = "Sender" if status < 500 else "Receiver"
        body = (
            f"<ErrorResponse><Error><Type>{error_type}</Type>"
            f"<Code>{code}</Code><Message>{escape(message)}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        )
        headers.append(("Content-Type", "text/xml"))
    elif protocol == "rest-xml":
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{escape(message)}</Message>'
            f"<RequestId>{request_id}</RequestId><HostId>{uuid.uuid4().hex}</HostId></Error>"
        )
        headers += [("Content-Type", "application/xml"), ("x-amz-request-id", request_id)]
    elif protocol == "rest-json":
        body = json.dumps({"message": message})
        headers += [("Content-Type", "application/json"), ("x-amzn-ErrorType", f"{code}:http://internal.amazon.com/")]
    else:  # json (and anything unknown)
        body = json.dumps({"__type": code, "message": message})
        headers.append(("Content-Type", f"application/x-amz-json-{json_version}"))
    data = body.encode("utf-8")
    headers.append(("Content-Length", str(len(data))))
    return status, headers, data
