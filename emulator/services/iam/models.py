"""IAM backend fixes: managed policy names unique in the account, and DeletePolicy's preconditions.

- CreatePolicy (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html): "policy names must
  be unique within the account. Names are not distinguished by case." moto 5.2.5 only refuses the same ARN, so
  the same name at another path (or in another case) makes a second policy.
- DeletePolicy (https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeletePolicy.html): a policy still
  attached to a user, group or role, or with versions besides the default one, is refused with
  ``DeleteConflict``. moto 5.2.5 deletes it anyway (leaving the attachments behind).
"""

from __future__ import annotations

from typing import Any

from moto.iam.exceptions import DeleteConflictException, EntityAlreadyExists
from moto.iam.models import IAMBackend

from emulator.extensions import extension, original, override


def create_policy(
    self: IAMBackend, description: str, path: str, policy_document: str, policy_name: str, tags: Any
) -> Any:
    own = f":{self.account_id}:policy/"
    for policy in self.managed_policies.values():
        if own in policy.arn and policy.name.lower() == (policy_name or "").lower():
            raise EntityAlreadyExists(f"A policy called {policy_name} already exists. Duplicate names are not allowed.")
    return original(IAMBackend, "create_policy")(self, description, path, policy_document, policy_name, tags)


def delete_policy(self: IAMBackend, policy_arn: str) -> None:
    policy = self.get_policy(policy_arn)
    if policy.attachment_count:
        raise DeleteConflictException("Cannot delete a policy attached to entities.")
    if len(policy.versions) > 1:
        raise DeleteConflictException(
            "This policy has more than one version. Before you delete a policy, you must delete the policy's versions."
        )
    original(IAMBackend, "delete_policy")(self, policy_arn)


@extension("iam", "CreatePolicy", "DeletePolicy")
def managed_policy_rules() -> None:
    """CreatePolicy names unique in the account (any path or case); DeletePolicy refused while attached or versioned."""
    override(IAMBackend, create_policy)
    override(IAMBackend, delete_policy)
