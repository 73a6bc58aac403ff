# Copyright: ecap.platform contributors
# MIT License
"""Helpers shared by every ecap.platform AWS module.

- :func:`client` builds a boto3 client whose calls retry throttling with jittered
  backoff when called with ``aws_retry=True`` (amazon.aws's ``RetryingBotoClientWrapper``).
- :func:`paginate` walks ``NextToken`` (or ``nextToken``) pages, retrying each page.
- Tag helpers wrap amazon.aws's tagging functions, so ``tags`` / ``purge_tags`` mean the
  same here as in amazon.aws.
- :func:`diff_params` is the table-driven comparison: a mapping from option name to API
  field, and only the options the user set are compared.
- :func:`make_diff` builds Ansible's ``diff`` result, :func:`wait_for` polls with a
  timeout whose message names the resource and its last state.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry, RetryingBotoClientWrapper
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
    boto3_tag_specifications,
    compare_aws_tags,
)

# Error codes that mean "slow down" across the services we call, on top of the ones
# AWSRetry already retries (RequestLimitExceeded, Throttling, TooManyRequestsException,
# ServiceUnavailable, InternalError, ...).
THROTTLE_ERROR_CODES: tuple[str, ...] = (
    "ThrottlingException",
    "RequestThrottled",
    "RequestThrottledException",
    "EC2ThrottledException",
    "SlowDown",
    "PriorRequestNotComplete",
    "ProvisionedThroughputExceededException",
    "BandwidthLimitExceeded",
    "Throttled",  # SNS (ThrottledException's wire code)
)

# Keys that AWS reserves; they can neither be set nor removed by a caller.
RESERVED_TAG_PREFIX = "aws:"


# --------------------------------------------------------------------------- botocore data


def share_botocore_loader() -> bool:
    """Make every botocore session of this interpreter share one data loader (per ``AWS_DATA_PATH``).

    A module builds a new boto3 session per run, and each session's loader parses the service models
    (JSON, the EC2 one is megabytes) again: that is most of an AWS task's time on a no-op run. Under the
    Mitogen strategy modules run in one persistent interpreter, so after the first ecap.platform module has
    called this, every later module of the run -- amazon.aws and community.aws ones too -- reuses the parsed
    models. The loader holds no session state (only search paths and what it read), as when one session
    makes many clients. Returns whether it was installed now (``False``: already, or botocore missing).
    """
    try:
        from botocore import loaders, session
    except ImportError:
        return False
    if getattr(session.create_loader, "ecap_shared", False):
        return False
    original = loaders.create_loader
    shared: dict[str | None, Any] = {}

    def create_loader(search_path_string: str | None = None) -> Any:
        if search_path_string not in shared:
            shared[search_path_string] = original(search_path_string)
        return shared[search_path_string]

    create_loader.ecap_shared = True  # type: ignore[attr-defined]
    session.create_loader = create_loader
    return True


share_botocore_loader()


# --------------------------------------------------------------------------- clients


def retry_decorator() -> Callable:
    """The retry policy of every ecap.platform client (10 tries, 1 s to 30 s, jittered)."""
    return AWSRetry.jittered_backoff(
        retries=10, delay=1, max_delay=30, catch_extra_error_codes=list(THROTTLE_ERROR_CODES)
    )


# Clients built in this interpreter, by what they were built from (see client()).
_CLIENTS: dict[tuple, Any] = {}
# The module options that decide a client (amazon.aws's AWS connection options)...
_CLIENT_OPTIONS = (
    "region",
    "endpoint_url",
    "access_key",
    "secret_key",
    "session_token",
    "profile",
    "validate_certs",
    "aws_ca_bundle",
    "aws_config",
)
# ...and the environment: credentials, region, endpoint, profile, retry mode, recording (placebo).
_CLIENT_ENV_PREFIXES = ("AWS_", "BOTO_", "_ANSIBLE_PLACEBO")


def _client_key(module: Any, service: str) -> tuple:
    """What a client of ``module`` for ``service`` is built from."""
    params = getattr(module, "params", None) or {}
    options = json.dumps({name: params.get(name) for name in _CLIENT_OPTIONS}, sort_keys=True, default=repr)
    env = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith(_CLIENT_ENV_PREFIXES)))
    return service, options, env


def client(module: Any, service: str) -> Any:
    """Return a boto3 client for ``service`` built from the module's AWS options.

    Calls made with ``aws_retry=True`` are retried on throttling and transient errors.

    The client is kept for the later modules of this interpreter that would build the same one (same
    service, AWS options and ``AWS_*`` environment). Under the Mitogen strategy every module of a run
    executes in one persistent interpreter, and building a client (a boto3 session, its event handlers,
    the client class) is about 20 ms of a 50 ms no-op module run; a kept client also keeps its HTTPS
    connections, so a later module skips the TLS handshake with the endpoint. botocore clients are
    thread-safe and refresh temporary credentials themselves. Any difference in the options or the
    environment (other credentials, region, endpoint) builds a new client.
    """
    key = _client_key(module, service)
    connection = _CLIENTS.get(key)
    if connection is None:
        connection = _CLIENTS[key] = module.client(service)
    return RetryingBotoClientWrapper(connection, retry_decorator())


def clear_clients() -> None:
    """Forget the kept clients (tests that start a new mock or emulator between module runs)."""
    _CLIENTS.clear()


def wrap_client(boto3_client: Any) -> RetryingBotoClientWrapper:
    """Wrap a plain boto3 client with the same retry policy (for plugins and tests)."""
    return RetryingBotoClientWrapper(boto3_client, retry_decorator())


def paginate(call: Callable[..., dict], result_key: str, *, token_key: str = "NextToken", **params: Any) -> list[dict]:
    """Collect ``result_key`` over every page of ``call`` (``NextToken`` paging).

    ``token_key`` names the token in the request and the response where a service spells it
    otherwise (CloudWatch Logs: ``nextToken``). Each page is requested with ``aws_retry=True``,
    so a throttled page is retried on its own instead of restarting the whole listing.
    """
    items: list[dict] = []
    seen: set[str] = set()
    while True:
        page = call(aws_retry=True, **params)
        items.extend(page.get(result_key) or [])
        token = page.get(token_key)
        if not token or token in seen:  # a repeated token would loop forever
            return items
        seen.add(token)
        params = {**params, token_key: token}


def chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    """``items`` in lists of at most ``size`` (the batch limit of an API that takes many names or ARNs)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --------------------------------------------------------------------------- tags


def tags_to_dict(tag_list: list[dict] | None) -> dict[str, str]:
    """``[{"Key": k, "Value": v}]`` → ``{k: v}`` (empty or missing list → ``{}``)."""
    return boto3_tag_list_to_ansible_dict(tag_list or [])


def dict_to_tags(tags: Mapping[str, Any] | None) -> list[dict[str, str]]:
    """``{k: v}`` → ``[{"Key": k, "Value": v}]`` sorted by key, so requests built from it are stable."""
    return sorted(ansible_dict_to_boto3_tag_list(dict(tags or {})), key=lambda tag: tag["Key"])


def tag_specifications(tags: Mapping[str, Any] | None, resource_type: str) -> list[dict] | None:
    """A ``TagSpecifications`` list for a create call, or ``None`` when there are no tags."""
    specs = boto3_tag_specifications(dict(tags or {}), [resource_type])
    if not specs:
        return None
    for spec in specs:
        spec["Tags"] = sorted(spec["Tags"], key=lambda tag: tag["Key"])
    return specs


def wanted_tags(
    tags: Mapping[str, Any] | None, purge_tags: bool, name: str | None = None
) -> tuple[dict[str, str] | None, bool]:
    """The tags to ensure and whether to purge, as amazon.aws's ``ec2_vpc_net`` reads them.

    ``name`` becomes the ``Name`` tag and overrides one in ``tags``. When ``tags`` was not
    given, nothing is purged (only ``Name`` is ensured); ``(None, False)`` means "leave tags alone".
    """
    if tags is None and name is None:
        return None, False
    if tags is None:
        purge_tags = False
    result = {key: str(value) for key, value in (tags or {}).items()}
    if name is not None:
        result["Name"] = name
    return result, purge_tags


def tag_changes(
    current: Mapping[str, str], wanted: Mapping[str, Any] | None, purge_tags: bool
) -> tuple[dict[str, str], list[str]]:
    """``(to_set, to_unset)`` that turn ``current`` into ``wanted``; ``aws:*`` keys are never touched."""
    if wanted is None:
        return {}, []
    to_set, to_unset = compare_aws_tags(dict(current), dict(wanted), purge_tags)
    return {key: str(value) for key, value in to_set.items()}, sorted(to_unset)


def apply_tag_changes(current: Mapping[str, str], to_set: Mapping[str, str], to_unset: Iterable[str]) -> dict[str, str]:
    """The tags that result from applying ``(to_set, to_unset)`` to ``current``."""
    unset = set(to_unset)
    result = {key: value for key, value in current.items() if key not in unset}
    result.update(to_set)
    return result


def settable_tags(tags: Mapping[str, str]) -> dict[str, str]:
    """``tags`` without the ``aws:*`` keys a caller may not set (for copying tags to a new resource)."""
    return {key: value for key, value in tags.items() if not key.startswith(RESERVED_TAG_PREFIX)}


# --------------------------------------------------------------------------- diff


def diff_params(
    current: Mapping[str, Any],
    wanted: Mapping[str, Any],
    mapping: Mapping[str, str],
    normalize: Mapping[str, Callable[[Any], Any]] | None = None,
) -> dict[str, tuple[Any, Any]]:
    """Compare the options the user set with what AWS describes.

    :param current: the resource as AWS describes it (CamelCase API fields).
    :param wanted: option name → wanted value; ``None`` means "not set", so not compared.
    :param mapping: option name → API field of ``current``. Adding an option is one line.
    :param normalize: option name → function applied to both sides before comparing
        (e.g. to ignore a trailing ``:*`` on an ARN).
    :return: option name → ``(current value, wanted value)`` for every option that differs.
    """
    normalize = normalize or {}
    differences: dict[str, tuple[Any, Any]] = {}
    for option, field in mapping.items():
        want = wanted.get(option)
        if want is None:
            continue
        have = current.get(field)
        fix = normalize.get(option, _identity)
        if fix(have) != fix(want):
            differences[option] = (have, want)
    return differences


def _identity(value: Any) -> Any:
    return value


def project(resource: Mapping[str, Any], mapping: Mapping[str, str]) -> dict[str, Any]:
    """Option name → value of its API field in ``resource`` (fields AWS did not return are left out)."""
    return {option: resource[field] for option, field in mapping.items() if resource.get(field) is not None}


def make_diff(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Ansible's ``diff`` result: ``{"before": ..., "after": ...}``; a missing side is ``{}``."""
    return {"before": dict(before or {}), "after": dict(after or {})}


# --------------------------------------------------------------------------- waiting


class WaitTimeoutError(Exception):
    """Raised by :func:`wait_for`; ``last`` is the last description seen."""

    def __init__(self, message: str, last: Any = None) -> None:
        super().__init__(message)
        self.last = last


def wait_for(
    describe_fn: Callable[[], Any],
    is_done_fn: Callable[[Any], bool],
    timeout: float,
    delay: float = 5,
    what: str = "the resource",
    state_fn: Callable[[Any], Any] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Any:
    """Poll ``describe_fn()`` every ``delay`` seconds until ``is_done_fn(result)`` is true.

    Returns the first result that is done. Describes at least once, even with ``timeout=0``.

    :param what: names the resource in the timeout message ("flow log fl-123 to appear").
    :param state_fn: turns a description into the state shown in the message
        (default: the description itself).
    :raises WaitTimeoutError: after ``timeout`` seconds, naming ``what`` and its last state.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = describe_fn()
        if is_done_fn(result):
            return result
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            state = state_fn(result) if state_fn else result
            raise WaitTimeoutError(f"Timed out after {timeout:g}s waiting for {what}; last state: {state!r}", result)
        sleep(min(delay, remaining))


def wait_for_status(
    module: Any,
    describe_fn: Callable[[], dict | None],
    transitional: Iterable[str],
    what: str,
    gone: bool = False,
) -> dict | None:
    """Poll ``describe_fn()`` (None: the resource is gone) until its ``status`` leaves ``transitional``,
    or until it is gone when ``gone``; every ``module.params['wait_delay']`` seconds for at most
    ``wait_timeout``. A timeout fails the module with a message naming ``what`` and the last status.

    :param what: the resource, as in "the EKS add-on vpc-cni of ecap-dev-eks".
    """
    transitional = frozenset(transitional)

    def done(resource: dict | None) -> bool:
        return resource is None or (not gone and resource.get("status") not in transitional)

    try:
        return wait_for(
            describe_fn,
            done,
            timeout=module.params["wait_timeout"],
            delay=module.params["wait_delay"],
            what=f"{what} to be {'deleted' if gone else 'ACTIVE'}",
            state_fn=lambda r: (r or {}).get("status", "gone"),
        )
    except WaitTimeoutError as e:
        module.fail_json(msg=str(e))
