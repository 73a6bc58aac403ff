"""IAM SimulatePrincipalPolicy: evaluate a user's or role's policies for a list of actions.

moto 5.2.5 has no handler (``NotImplementedError``, a 500). The evaluation reuses moto's own policy
matcher (``moto.iam.access_control.IAMPolicy``, the one moto's request authorisation uses): an
explicit ``Deny`` wins, then an ``Allow``, else ``implicitDeny``. Identity-based policies only
(inline and attached, the user's groups' too); statements with a ``Condition`` are evaluated by
moto's matcher with no context values. Permissions boundaries, SCPs and resource policies are not
evaluated (``PolicyInputList``/``ResourcePolicy`` are accepted and ignored).

moto's default identity (``user/moto``, what any unknown access key is) is not an IAM user; the
emulator evaluates it as the account's administrator: every action ``allowed``.
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult
from moto.iam.access_control import IAMPolicy, PermissionResult
from moto.iam.exceptions import InvalidInput, NoSuchEntity
from moto.iam.responses import IamResponse

from emulator.extensions import extension, override

#: moto's identity for access keys that belong to no IAM user (``GetCallerIdentity`` answers it).
DEFAULT_IDENTITY = "user/moto"


def _documents(backend: Any, arn: str) -> list[tuple[str, str, str]]:
    """(policy id, policy type, document) of every identity-based policy of the principal ``arn``."""
    resource = arn.split(":", 5)[-1]
    kind, _, name = resource.partition("/")
    name = name.rsplit("/", 1)[-1]
    try:
        if kind == "user":
            principals = [backend.get_user(name), *backend.get_groups_for_user(name)]
        elif kind == "role":
            principals = [backend.get_role(name)]
        elif kind == "group":
            principals = [backend.get_group(name)]
        else:
            raise InvalidInput(f"PolicySourceArn {arn} is not a user, group or role.")
    except (NoSuchEntity, InvalidInput):
        raise
    except Exception:  # noqa: BLE001 - moto raises several types for a missing entity
        raise NoSuchEntity(f"The entity {arn} cannot be found.") from None
    documents = []
    for principal in principals:
        for policy_name, document in principal.policies.items():
            documents.append((policy_name, "IAM Policy", document))
        for policy in principal.managed_policies.values():
            version = next(v for v in policy.versions if v.is_default)
            kind_name = "AWS Managed Policy" if ":aws:policy/" in policy.arn else "Managed Policy"
            documents.append((policy.name, kind_name, version.document))
    return documents


def evaluate(documents: list[tuple[str, str, str]], action: str, resource: str) -> tuple[str, list[dict]]:
    allowed, denied = [], []
    for policy_id, policy_type, document in documents:
        result = IAMPolicy(document).is_action_permitted(action, resource)
        matched = {"SourcePolicyId": policy_id, "SourcePolicyType": policy_type}
        if result == PermissionResult.DENIED:
            denied.append(matched)
        elif result == PermissionResult.PERMITTED:
            allowed.append(matched)
    if denied:
        return "explicitDeny", denied
    if allowed:
        return "allowed", allowed
    return "implicitDeny", []


def simulate_principal_policy(self: IamResponse) -> ActionResult:
    arn = self._get_param("PolicySourceArn") or ""
    actions = self._get_param("ActionNames", [])
    resources = self._get_param("ResourceArns", []) or ["*"]
    administrator = arn.endswith(f":{DEFAULT_IDENTITY}")
    documents = [] if administrator else _documents(self.backend, arn)
    results = []
    for action in actions:
        for resource in resources:
            decision, matched = ("allowed", []) if administrator else evaluate(documents, action, resource)
            results.append(
                {
                    "EvalActionName": action,
                    "EvalResourceName": resource,
                    "EvalDecision": decision,
                    "MatchedStatements": matched,
                    "MissingContextValues": [],
                }
            )
    return ActionResult({"EvaluationResults": results, "IsTruncated": False})


@extension("iam", "SimulatePrincipalPolicy")
def policy_simulation() -> None:
    """SimulatePrincipalPolicy: identity policies evaluated with moto's matcher (moto: not implemented, 500)."""
    override(IamResponse, simulate_principal_policy)
