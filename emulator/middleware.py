"""WSGI middleware around moto: call counters, fault injection, latency and the control endpoints.

Every AWS request is identified by service and operation:

* service: the SigV4 credential scope (``Credential=AKID/DATE/REGION/SERVICE/aws4_request``, from the
  ``Authorization`` header or a presigned URL's ``X-Amz-Credential``), else the ``Host`` name;
* operation: the ``X-Amz-Target`` header (JSON protocols), the ``Action`` parameter of the query
  string or form body (query and EC2 protocols), else the botocore service model's ``requestUri``
  patterns matched against method and path (REST protocols).

Requests under ``/_emulator/`` are the control API (not counted, never faulted)::

    GET  /_emulator/health           {"status": "ok"}
    GET  /_emulator/info             pid, port, moto version, extensions
    GET  /_emulator/counters         {"services": {svc: {op: n}}, "total": n, "mutating": n,
                                      "faults_injected": {svc: {code: n}}, "faults_retried": {svc: {code: n}}}
    POST /_emulator/counters/reset
    GET  /_emulator/faults           the fault config; POST replaces it (JSON body, re-seeds)
    GET  /_emulator/config           the lifecycle profile and durations; POST replaces them

``/moto-api/`` (moto's own dashboard, ``POST /moto-api/reset``) passes through uncounted.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import parse_qs

from emulator import lifecycle
from emulator.faults import FaultConfig, FaultInjector, error_for, render_error

CONTROL_PREFIX = "/_emulator/"

READ_PREFIXES = ("Describe", "Get", "List", "Head", "Lookup", "Search", "Check", "Validate", "BatchGet")
#: Operations that change nothing although their names do not say so.
KNOWN_READS = frozenset(
    {
        "GetCallerIdentity",
        "AssumeRole",
        "AssumeRoleWithWebIdentity",
        "Query",
        "Scan",
        "FilterLogEvents",
        "TestMetricFilter",
        "SimulatePrincipalPolicy",
        "SimulateCustomPolicy",
        "Encrypt",
        "Decrypt",
        "ReEncrypt",
        "GenerateDataKey",
        "GenerateDataKeyWithoutPlaintext",
        "GenerateDataKeyPair",
        "GenerateRandom",
        "GenerateMac",
        "VerifyMac",
        "Sign",
        "Verify",
    }
)

#: SigV4 signing names whose botocore service model has another name.
SIGNING_NAME_TO_MODEL = {
    "elasticloadbalancing": "elbv2",
    "monitoring": "cloudwatch",
    "tagging": "resourcegroupstaggingapi",
    "servicequotas": "service-quotas",
    "email": "ses",
    "states": "stepfunctions",
    "elasticfilesystem": "efs",
    "elasticmapreduce": "emr",
    "execute-api": "apigateway",
    "airflow": "mwaa",
}


def is_mutating(operation: str) -> bool:
    """True unless the operation only reads (Describe*, Get*, List*, ... or a known read)."""
    if operation in KNOWN_READS:
        return False
    return not operation.startswith(READ_PREFIXES)


@dataclass(frozen=True)
class Call:
    service: str
    operation: str
    protocol: str
    json_version: str = "1.1"


# --- identification -----------------------------------------------------------------------------

_CREDENTIAL = re.compile(r"Credential=([^,\s]+)")


def service_from_environ(environ: dict[str, Any]) -> str:
    """The SigV4 signing name of the request's service, else the first label of its host name."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    match = _CREDENTIAL.search(auth)
    scope = match.group(1) if match else parse_qs(environ.get("QUERY_STRING", "")).get("X-Amz-Credential", [""])[0]
    parts = scope.split("/")
    if len(parts) >= 5 and parts[-1] == "aws4_request":
        return parts[-2].lower()
    host = environ.get("HTTP_HOST", "").split(":")[0]
    if host.endswith("amazonaws.com"):
        labels = host.split(".")
        return "s3" if "s3" in labels else labels[0]
    return "unknown"


@cache
def service_model(signing_name: str) -> Any | None:
    """botocore's service model for a signing name, or None (cached per service)."""
    import botocore.loaders
    import botocore.session
    from botocore.exceptions import UnknownServiceError

    # A private loader: botocore edits a loaded S3 model in place on a client's first call (it strips /{Bucket}
    # from the request URIs), so routes built from a shared one depended on what ran before in the process.
    session = botocore.session.Session()
    session.register_component("data_loader", botocore.loaders.Loader())
    name = SIGNING_NAME_TO_MODEL.get(signing_name, signing_name)
    try:
        return session.get_service_model(name)
    except UnknownServiceError:
        pass
    for candidate in session.get_available_services():
        model = session.get_service_model(candidate)
        if signing_name in (model.metadata.get("signingName"), model.metadata.get("endpointPrefix")):
            return model
    return None


def model_protocol(model: Any | None) -> str:
    if model is None:
        return "json"
    try:
        return model.resolved_protocol
    except Exception:  # older botocore, or no supported protocol
        return model.metadata.get("protocol", "json")


@dataclass(frozen=True)
class _Route:
    operation: str
    method: str
    pattern: re.Pattern[str]
    query: tuple[tuple[str, str | None], ...]
    headers: tuple[str, ...]
    literal: int
    current: bool  # not deprecated: of two operations with the same request, the one clients send today


@cache
def _routes(signing_name: str) -> tuple[_Route, ...]:
    model = service_model(signing_name)
    if model is None:
        return ()
    routes = []
    for name in model.operation_names:
        op = model.operation_model(name)
        http = op.http
        uri = http.get("requestUri", "/")
        path, _, query = uri.partition("?")
        labels = list(re.finditer(r"\{([^}]+)\}", path))
        regex, last = "", 0
        for index, label in enumerate(labels):
            regex += re.escape(path[last : label.start()])
            greedy = label.group(1).endswith("+") or index == len(labels) - 1
            regex += "(.+)" if greedy else "([^/]+)"
            last = label.end()
        regex += re.escape(path[last:])
        regex = regex.rstrip("/") if len(regex) > 1 else regex
        required_query = []
        for item in filter(None, query.split("&")):
            key, sep, value = item.partition("=")
            required_query.append((key, value if sep else None))
        headers: list[str] = []
        if op.input_shape is not None:
            for member in op.input_shape.required_members:
                serialization = op.input_shape.members[member].serialization
                if serialization.get("location") == "header":
                    headers.append("HTTP_" + serialization.get("name", member).upper().replace("-", "_"))
                elif serialization.get("location") == "querystring":
                    required_query.append((serialization.get("name", member), None))
        literal = len(re.sub(r"\{[^}]+\}", "", path))
        routes.append(
            _Route(
                name,
                http.get("method", "POST").upper(),
                re.compile(f"^{regex}/?$"),
                tuple(required_query),
                tuple(headers),
                literal,
                not op.deprecated,
            )
        )
    return tuple(routes)


def rest_operation(signing_name: str, method: str, path: str, query: dict[str, list[str]], environ: dict) -> str:
    """Resolve a REST request to its operation name from botocore's ``requestUri`` patterns."""
    best: tuple[tuple[int, int, int, bool], str] | None = None
    for route in _routes(signing_name):
        if route.method != method or not route.pattern.match(path):
            continue
        if any(k not in query or (v is not None and v not in query[k]) for k, v in route.query):
            continue
        if any(h not in environ for h in route.headers):
            continue
        # S3's GetBucketLifecycle and GetBucketLifecycleConfiguration (and the other deprecated pairs) are the same
        # request on the wire: the counters name the current operation, which is what boto3 sends today.
        score = (len(route.query), len(route.headers), route.literal, route.current)
        if best is None or score > best[0]:
            best = (score, route.operation)
    return best[1] if best else "Unknown"


def _form_body(environ: dict[str, Any]) -> dict[str, list[str]]:
    """Parse a urlencoded body, leaving ``wsgi.input`` readable for moto."""
    if not environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
        return {}
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return {}
    if length <= 0:
        return {}
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    return parse_qs(body.decode("utf-8", "replace"))


#: The path prefix of every S3 Control operation (its requestUri, API version 2018-08-20).
S3CONTROL_PREFIX = "/v20180820/"


def request_path(environ: dict[str, Any]) -> str:
    """The request's path as the client sent it (still percent-encoded), else ``PATH_INFO``.

    botocore percent-encodes a non-greedy label (``/v1/clusters/{ClusterArn}/topics/{TopicName}``: the ARN's
    ``/`` travels as ``%2F``); ``PATH_INFO`` is decoded, so an ARN there would spill over into the next
    segments and the request would match a shorter, greedy route (DescribeCluster instead of DescribeTopic).
    """
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        path = raw.partition("?")[0]
        if "://" in path:  # an absolute request target
            path = "/" + path.partition("://")[2].partition("/")[2]
        return path or "/"
    return environ.get("PATH_INFO", "/") or "/"


def identify(environ: dict[str, Any]) -> Call:
    service = service_from_environ(environ)
    model = service_model(service) if service != "unknown" else None
    protocol = model_protocol(model)
    content_type = environ.get("CONTENT_TYPE", "")
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        version = content_type.rpartition("application/x-amz-json-")[2][:3] if "x-amz-json-" in content_type else "1.1"
        return Call(service, target.rpartition(".")[2], "json", version or "1.1")
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    action = query.get("Action") or _form_body(environ).get("Action")
    if action:
        return Call(service, action[0], "ec2" if protocol == "ec2" else "query")
    if protocol in ("rest-json", "rest-xml"):
        path = request_path(environ)
        # S3 Control signs as s3 but has its own model (account-level public access block, ...).
        routes_of = "s3control" if service == "s3" and path.startswith(S3CONTROL_PREFIX) else service
        operation = rest_operation(routes_of, environ.get("REQUEST_METHOD", "GET"), path, query, environ)
        return Call(service, operation, protocol)
    if protocol == "smithy-rpc-v2-cbor":
        return Call(service, environ.get("PATH_INFO", "").rstrip("/").rpartition("/")[2] or "Unknown", protocol)
    return Call(service, "Unknown", protocol)


# --- counters -----------------------------------------------------------------------------------


class Counters:
    """Thread-safe per-service, per-operation call counts."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._calls: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
            self._faults: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
            self._retried: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
            self._pending: dict[str, tuple[str, str]] = {}
            self._total = 0
            self._mutating = 0

    def record(self, call: Call, fingerprint: str | None = None) -> None:
        with self._lock:
            if fingerprint is not None and fingerprint in self._pending:
                service, code = self._pending.pop(fingerprint)
                self._retried[service][code] += 1
            self._calls[call.service][call.operation] += 1
            self._total += 1
            if is_mutating(call.operation):
                self._mutating += 1

    def record_fault(self, service: str, code: str, fingerprint: str | None = None) -> None:
        with self._lock:
            self._faults[service][code] += 1
            if fingerprint is not None:
                self._pending[fingerprint] = (service, code)

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "services": {svc: dict(ops) for svc, ops in sorted(self._calls.items())},
                "total": self._total,
                "mutating": self._mutating,
                "faults_injected": {svc: dict(codes) for svc, codes in sorted(self._faults.items())},
                "faults_retried": {svc: dict(codes) for svc, codes in sorted(self._retried.items())},
            }


def _fingerprint(environ: dict[str, Any], call: Call) -> str:
    """What stays the same when an SDK retries a request: service, operation, method, path, query and body."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = b""
    if length > 0:
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)
    digest = hashlib.sha256()
    for part in (call.service, call.operation, environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", "")):
        digest.update(part.encode() + b"\0")
    digest.update(environ.get("QUERY_STRING", "").encode() + b"\0" + body)
    return digest.hexdigest()


# --- the middleware -----------------------------------------------------------------------------

StartResponse = Callable[..., Any]


class EmulatorMiddleware:
    def __init__(
        self,
        app: Callable[..., Iterable[bytes]],
        injector: FaultInjector | None = None,
        info: dict[str, Any] | None = None,
    ) -> None:
        self.app = app
        self.injector = injector or FaultInjector()
        self.counters = Counters()
        self.info = {"pid": os.getpid(), **(info or {})}
        self.sleep: Callable[[float], None] = time.sleep

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith(CONTROL_PREFIX) or path == CONTROL_PREFIX.rstrip("/"):
            return self._control(environ, start_response)
        if path.startswith("/moto-api") or path == "/favicon.ico":
            return self.app(environ, start_response)
        call = identify(environ)
        # A retried request repeats the faulted one's method, path, query and body (the signature changes).
        fingerprint = _fingerprint(environ, call) if self.injector.config.rules else None
        self.counters.record(call, fingerprint)
        delay = self.injector.latency_seconds(call.service, call.operation)
        if delay > 0:
            self.sleep(delay)
        kind = self.injector.pick(call.service, call.operation)
        if kind is not None:
            status, headers, body = render_error(call.protocol, kind, call.json_version, call.service)
            self.counters.record_fault(call.service, error_for(call.protocol, kind, call.service)[1], fingerprint)
            start_response(_status_line(status), headers)
            return [body]
        return self.app(environ, start_response)

    # control API
    def _control(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        route = environ.get("PATH_INFO", "")[len(CONTROL_PREFIX) :].strip("/")
        try:
            body = self._json_body(environ) if method == "POST" else None
            status, payload = self._dispatch(method, route, body)
        except ValueError as exc:
            status, payload = 400, {"error": str(exc)}
        data = json.dumps(payload, sort_keys=True).encode()
        start_response(_status_line(status), [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]

    def _dispatch(self, method: str, route: str, body: Any) -> tuple[int, Any]:
        if route == "health" and method == "GET":
            return 200, {"status": "ok"}
        if route == "info" and method == "GET":
            from emulator.extensions import registered

            return 200, {**self.info, "extensions": [e.to_dict() for e in registered()]}
        if route == "counters" and method == "GET":
            return 200, self.counters.snapshot()
        if route == "counters/reset" and method == "POST":
            self.counters.reset()
            return 200, self.counters.snapshot()
        if route == "faults":
            if method == "POST":
                self.injector.replace(FaultConfig.from_dict(body or {}))
            if method in ("GET", "POST"):
                return 200, self.injector.config.to_dict()
        if route == "config":
            if method == "POST":
                lifecycle.set_config(lifecycle.LifecycleConfig.from_dict(body or {}, base=lifecycle.get_config()))
            if method in ("GET", "POST"):
                return 200, lifecycle.get_config().to_dict()
        return 404, {"error": f"no control endpoint {method} {CONTROL_PREFIX}{route}"}

    @staticmethod
    def _json_body(environ: dict[str, Any]) -> Any:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        raw = environ["wsgi.input"].read(length) if length > 0 else b""
        if not raw.strip():
            return None
        try:
            return json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ValueError(f"body is not JSON: {exc}") from None


_REASONS = {
    200: "OK",
    400: "Bad Request",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def _status_line(status: int) -> str:
    return f"{status} {_REASONS.get(status, 'Error')}"
