# Copyright: ecap.platform contributors
# MIT License
"""IAM logic of the ecap.platform modules: simulate a principal's policies for the actions a deploy needs, and
what the iam_role and iam_managed_policy modules share (name, path, ARN and document checks, paging).

No amazon.aws or community.aws module wraps SimulatePrincipalPolicy (amazon.aws 10.1.2, community.aws
10.0.0). The caller of a run is often an assumed role (``arn:aws:sts::<account>:assumed-role/<role>/<session>``,
what GetCallerIdentity answers); SimulatePrincipalPolicy needs the role's IAM ARN, with its path, which
:func:`principal_arn` finds with GetRole.

API reference: https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote

from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies

_ASSUMED_ROLE = re.compile(r"^arn:(?P<partition>[^:]+):sts::(?P<account>\d{12}):assumed-role/(?P<role>[^/]+)/.+$")
_STS_USER = re.compile(r"^arn:(?P<partition>[^:]+):sts::(?P<account>\d{12}):user/(?P<user>.+)$")


def principal_arn(connection: Any, arn: str) -> str:
    """The IAM ARN to simulate for ``arn``: a user/role/group ARN as is, an assumed-role session's role."""
    match = _ASSUMED_ROLE.match(arn)
    if match:
        return connection.get_role(aws_retry=True, RoleName=match["role"])["Role"]["Arn"]
    match = _STS_USER.match(arn)
    if match:
        return f"arn:{match['partition']}:iam::{match['account']}:user/{match['user']}"
    return arn


def simulate(connection: Any, source_arn: str, actions: list[str], resources: list[str]) -> list[dict[str, Any]]:
    """Every evaluation result of SimulatePrincipalPolicy (all pages), snake_cased and flattened."""
    results: list[dict[str, Any]] = []
    request: dict[str, Any] = {"PolicySourceArn": source_arn, "ActionNames": actions, "ResourceArns": resources}
    while True:
        page = connection.simulate_principal_policy(aws_retry=True, **request)
        for result in page.get("EvaluationResults") or []:
            results.append(
                {
                    "action": result["EvalActionName"],
                    "resource": result.get("EvalResourceName", "*"),
                    "decision": result["EvalDecision"],
                    "allowed": result["EvalDecision"] == "allowed",
                    "matched_statements": [s.get("SourcePolicyId") for s in result.get("MatchedStatements") or []],
                    "missing_context_values": result.get("MissingContextValues") or [],
                }
            )
        if not page.get("IsTruncated"):
            return results
        request["Marker"] = page["Marker"]


# --------------------------------------------------------------------------- shared by iam_role and iam_managed_policy

#: Names: IAM's pattern and lengths (roles 64, policies 128); paths: ``/`` or ``/a/b/`` (512).
_NAME = re.compile(r"^[\w+=,.@-]+$")
_PATH = re.compile(r"^/([\w+=,.@-]+/)*$")
_NAME_LENGTH = {"role": 64, "policy": 128}
#: The ARN of a managed policy (``aws`` for AWS managed policies, an account id for customer-managed ones).
_POLICY_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(aws|\d{12}):policy/([\w+=,.@-]+/)*[\w+=,.@-]+$")
#: IAM's size limits of a policy document (characters, whitespace not counted): managed, role inline, trust.
MANAGED_POLICY_SIZE = 6144
INLINE_POLICY_SIZE = 10240


def validate_name(kind: str, name: str | None) -> list[str]:
    if name is None:
        return []
    if len(name) > _NAME_LENGTH[kind] or not _NAME.match(name):
        return [f"{kind} name {name!r} must be 1-{_NAME_LENGTH[kind]} of letters, digits and '+=,.@_-'."]
    return []


def validate_path(kind: str, path: str | None) -> list[str]:
    if path is None:
        return []
    if len(path) > 512 or not _PATH.match(path):
        return [f"{kind} path {path!r} must be '/' or '/<segments>/' (letters, digits, '+=,.@_-')."]
    return []


def validate_policy_arn(arn: str, what: str) -> list[str]:
    if not isinstance(arn, str) or not _POLICY_ARN.match(arn):
        return [f"{what} {arn!r} is not a managed policy ARN (arn:<partition>:iam::<account or aws>:policy/...)."]
    return []


def parse_document(value: Any, what: str) -> tuple[dict[str, Any] | None, list[str]]:
    """A policy document given as a dict or a JSON string → ``(dict, errors)``; ``None`` stays ``None``."""
    if value is None:
        return None, []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as e:
            return None, [f"{what} is not JSON: {e}."]
    if not isinstance(value, dict) or "Statement" not in value:
        return None, [f"{what} must be a policy document (an object with a Statement)."]
    return value, []


def document_json(document: dict[str, Any]) -> str:
    """The JSON sent to IAM: compact, so that the size limits count what IAM counts."""
    return json.dumps(document, separators=(",", ":"), sort_keys=True)


def documents_differ(current: Any, wanted: dict[str, Any]) -> bool:
    """Compared as policies (amazon.aws's ``compare_policies``): statement order, a single value against a
    one-element list and the order of values do not matter. ``current`` may be a JSON or URL-encoded string."""
    if isinstance(current, str):
        text = unquote(current) if current.startswith("%7B") else current
        current = json.loads(text)
    return bool(compare_policies(current, wanted))


def marker_pages(call: Any, result_key: str, **request: Any) -> list[Any]:
    """Every item of an IAM listing (``Marker`` / ``IsTruncated`` paging), each page retried on its own."""
    items: list[Any] = []
    while True:
        page = call(aws_retry=True, **request)
        items.extend(page.get(result_key) or [])
        if not page.get("IsTruncated"):
            return items
        request["Marker"] = page["Marker"]


def is_not_found(error: Exception) -> bool:
    return getattr(error, "response", {}).get("Error", {}).get("Code") in ("NoSuchEntity", "NoSuchEntityException")
