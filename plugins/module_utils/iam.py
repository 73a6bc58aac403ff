# Copyright: ecap.platform contributors
# MIT License
"""IAM logic of the ecap.platform modules: simulate a principal's policies for the actions a deploy needs.

No amazon.aws or community.aws module wraps SimulatePrincipalPolicy (amazon.aws 10.1.2, community.aws
10.0.0). The caller of a run is often an assumed role (``arn:aws:sts::<account>:assumed-role/<role>/<session>``,
what GetCallerIdentity answers); SimulatePrincipalPolicy needs the role's IAM ARN, with its path, which
:func:`principal_arn` finds with GetRole.

API reference: https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html
"""

from __future__ import annotations

import re
from typing import Any

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
