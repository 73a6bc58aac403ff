# Copyright: ecap.platform contributors
# MIT License
"""Secrets Manager logic of the ecap.platform modules: secrets whose value AWS generates.

The value comes from GetRandomPassword and goes straight into CreateSecret (or PutSecretValue on
``regenerate``); it lives only in the module's memory for those two calls and is never returned.

API reference: https://docs.aws.amazon.com/secretsmanager/latest/apireference/
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.ecap.platform.plugins.module_utils.common import dict_to_tags, tag_changes, tags_to_dict

#: Printable characters a Redis/Valkey AUTH token may not contain: every special except ``!&#$^<>-``
#: (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth.html).
REDIS_AUTH_EXCLUDED = "\"%'()*+,./:;=?@[\\]_`{|}~"


class SecretsErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleAWSError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("ResourceNotFoundException")


def validate_params(params: Mapping[str, Any]) -> list[str]:
    """Errors in the options of ``state=present`` (pure; before any call)."""
    errors = []
    if not 4 <= params["length"] <= 4096:
        errors.append(f"length must be between 4 and 4096, not {params['length']}.")
    window = params.get("recovery_window_in_days")
    if window is not None and window != 0 and not 7 <= window <= 30:
        errors.append(f"recovery_window_in_days must be 0 (delete at once) or 7-30, not {window}.")
    return errors


def random_password_request(params: Mapping[str, Any]) -> dict[str, Any]:
    request: dict[str, Any] = {
        "PasswordLength": params["length"],
        "ExcludeCharacters": params["exclude_characters"] or "",
        "ExcludePunctuation": params["exclude_punctuation"],
        "IncludeSpace": False,
        "RequireEachIncludedType": True,
    }
    if not request["ExcludeCharacters"]:
        del request["ExcludeCharacters"]
    return request


def client_request_token(name: str, salt: str = "") -> str:
    """An idempotency token (32-64 chars) for CreateSecret of ``name``: a retried call makes no second version."""
    return hashlib.sha256(json.dumps([name, salt]).encode()).hexdigest()[:64]


@dataclass
class Plan:
    create: bool = False
    restore: bool = False
    update: dict[str, Any] = field(default_factory=dict)
    tags_to_set: dict[str, str] = field(default_factory=dict)
    tags_to_unset: list[str] = field(default_factory=list)
    regenerate: bool = False

    @property
    def changed(self) -> bool:
        return bool(
            self.create or self.restore or self.update or self.tags_to_set or self.tags_to_unset or self.regenerate
        )


def plan_secret(
    current: Mapping[str, Any] | None,
    params: Mapping[str, Any],
    tags: Mapping[str, str] | None,
    purge_tags: bool,
) -> Plan:
    if current is None:
        return Plan(create=True)
    plan = Plan(restore=bool(current.get("DeletedDate")), regenerate=bool(params.get("regenerate")))
    if params.get("description") is not None and current.get("Description", "") != params["description"]:
        plan.update["Description"] = params["description"]
    want_kms = params.get("kms_key_id")
    if want_kms is not None and current.get("KmsKeyId") != want_kms:
        plan.update["KmsKeyId"] = want_kms
    plan.tags_to_set, plan.tags_to_unset = tag_changes(tags_to_dict(current.get("Tags")), tags, purge_tags)
    return plan


def to_ansible(secret: Mapping[str, Any] | None) -> dict[str, Any]:
    """What the module returns: name, ARN, KMS key, current version, tags (never a value)."""
    if not secret:
        return {}
    current = [v for v, stages in (secret.get("VersionIdsToStages") or {}).items() if "AWSCURRENT" in stages]
    return {
        "name": secret.get("Name"),
        "arn": secret.get("ARN"),
        "description": secret.get("Description"),
        "kms_key_id": secret.get("KmsKeyId"),
        "version_id": current[0] if current else None,
        "tags": tags_to_dict(secret.get("Tags")),
    }


@SecretsErrorHandler.list_error_handler("describe secret")
def describe_secret(client: Any, name: str) -> dict[str, Any] | None:
    return client.describe_secret(aws_retry=True, SecretId=name)


@SecretsErrorHandler.common_error_handler("generate a random password")
def generate(client: Any, params: Mapping[str, Any]) -> str:
    return client.get_random_password(aws_retry=True, **random_password_request(params))["RandomPassword"]


@SecretsErrorHandler.common_error_handler("create secret")
def create_secret(client: Any, params: Mapping[str, Any], value: str, tags: Mapping[str, str] | None) -> None:
    request: dict[str, Any] = {
        "Name": params["name"],
        "SecretString": value,
        "ClientRequestToken": client_request_token(params["name"]),
    }
    if params.get("description") is not None:
        request["Description"] = params["description"]
    if params.get("kms_key_id"):
        request["KmsKeyId"] = params["kms_key_id"]
    if tags:
        request["Tags"] = dict_to_tags(tags)
    client.create_secret(aws_retry=True, **request)


@SecretsErrorHandler.common_error_handler("update secret")
def apply_plan(client: Any, arn: str, plan: Plan, params: Mapping[str, Any]) -> None:
    if plan.restore:
        client.restore_secret(aws_retry=True, SecretId=arn)
    if plan.update:
        client.update_secret(aws_retry=True, SecretId=arn, **plan.update)
    if plan.tags_to_unset:
        client.untag_resource(aws_retry=True, SecretId=arn, TagKeys=plan.tags_to_unset)
    if plan.tags_to_set:
        client.tag_resource(aws_retry=True, SecretId=arn, Tags=dict_to_tags(plan.tags_to_set))
    if plan.regenerate:
        client.put_secret_value(aws_retry=True, SecretId=arn, SecretString=generate(client, params))


@SecretsErrorHandler.deletion_error_handler("delete secret")
def delete_secret(client: Any, arn: str, recovery_window_in_days: int) -> None:
    if recovery_window_in_days == 0:
        client.delete_secret(aws_retry=True, SecretId=arn, ForceDeleteWithoutRecovery=True)
    else:
        client.delete_secret(aws_retry=True, SecretId=arn, RecoveryWindowInDays=recovery_window_in_days)
