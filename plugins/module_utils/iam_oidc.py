# Copyright: ecap.platform contributors
# MIT License
"""IAM OpenID Connect providers (the EKS cluster's issuer, for IAM roles for service accounts).

A provider's ARN is ``arn:PARTITION:iam::ACCOUNT:oidc-provider/HOST/PATH``: it is computed from the
caller's account and the issuer URL, so finding a provider costs one GetOpenIDConnectProvider call
(after STS GetCallerIdentity) instead of listing every provider of the account.

Thumbprints are optional: since 2024 IAM verifies issuers it can reach with its own library of trusted
root CAs (every EKS issuer) and ignores the thumbprint, so none is sent unless the caller gives some.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.ecap.platform.plugins.module_utils.common import (
    apply_tag_changes,
    dict_to_tags,
    make_diff,
    tag_changes,
    tags_to_dict,
)

THUMBPRINT = re.compile(r"^[0-9A-Fa-f]{40}$")


def provider_path(url: str) -> str:
    """The host and path IAM keeps of an issuer URL (no scheme, no trailing ``/``)."""
    parsed = urlparse(url.strip())
    return (parsed.netloc + parsed.path).rstrip("/")


def provider_arn(account: str, url: str, partition: str = "aws") -> str:
    return f"arn:{partition}:iam::{account}:oidc-provider/{provider_path(url)}"


def validate_provider_params(params: Mapping[str, Any]) -> list[str]:
    """Errors in iam_oidc_provider's arguments that need no AWS call."""
    errors: list[str] = []
    url = params.get("url") or ""
    parsed = urlparse(url)
    if parsed.scheme != "https" or not parsed.netloc or parsed.query or parsed.fragment:
        errors.append(f"url {url!r} must be an https:// URL without query or fragment (the OIDC issuer).")
    if len(url) > 255:
        errors.append("url is longer than 255 characters.")
    if params.get("state", "present") != "present":
        return errors
    client_ids = params.get("client_ids") or []
    if not client_ids:
        errors.append("client_ids needs at least one audience (sts.amazonaws.com for IAM roles for service accounts).")
    if len(client_ids) > 100:
        errors.append("client_ids: IAM allows at most 100 client ids.")
    for client_id in client_ids:
        if not 1 <= len(client_id) <= 255:
            errors.append(f"client_ids: {client_id!r} must be 1 to 255 characters.")
    for thumbprint in params.get("thumbprints") or []:
        if not THUMBPRINT.match(thumbprint):
            errors.append(f"thumbprints: {thumbprint!r} is not a SHA-1 thumbprint (40 hex characters).")
    if len(params.get("thumbprints") or []) > 5:
        errors.append("thumbprints: IAM allows at most 5 thumbprints.")
    return errors


@dataclass
class ProviderPlan:
    create: bool = False
    add_client_ids: list[str] = field(default_factory=list)
    remove_client_ids: list[str] = field(default_factory=list)
    thumbprints: list[str] | None = None
    tags_to_set: dict[str, str] = field(default_factory=dict)
    tags_to_unset: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.create
            or self.add_client_ids
            or self.remove_client_ids
            or self.thumbprints is not None
            or self.tags_to_set
            or self.tags_to_unset
        )


def wanted_tags(params: Mapping[str, Any]) -> dict[str, str] | None:
    return None if params.get("tags") is None else {k: str(v) for k, v in params["tags"].items()}


def plan_provider(current: Mapping[str, Any] | None, params: Mapping[str, Any]) -> ProviderPlan:
    """Compare GetOpenIDConnectProvider's answer (``None``: missing) with the options."""
    client_ids = list(dict.fromkeys(params.get("client_ids") or []))
    if current is None:
        return ProviderPlan(create=True)
    have_ids = list(current.get("ClientIDList") or [])
    plan = ProviderPlan(
        add_client_ids=[c for c in client_ids if c not in have_ids],
        remove_client_ids=[c for c in have_ids if c not in client_ids],
    )
    thumbprints = params.get("thumbprints")
    if thumbprints and sorted(t.lower() for t in thumbprints) != sorted(
        t.lower() for t in current.get("ThumbprintList") or []
    ):
        plan.thumbprints = list(thumbprints)
    plan.tags_to_set, plan.tags_to_unset = tag_changes(
        tags_to_dict(current.get("Tags")), wanted_tags(params), params.get("purge_tags", True)
    )
    return plan


def provider_view(arn: str, current: Mapping[str, Any] | None) -> dict[str, Any]:
    if current is None:
        return {}
    return {
        "arn": arn,
        "url": current.get("Url"),
        "client_ids": list(current.get("ClientIDList") or []),
        "thumbprints": list(current.get("ThumbprintList") or []),
        "tags": tags_to_dict(current.get("Tags")),
    }


def predicted_provider(
    url: str, current: Mapping[str, Any] | None, params: Mapping[str, Any], plan: ProviderPlan
) -> dict:
    """The provider as GetOpenIDConnectProvider will answer once ``plan`` is applied."""
    if current is None:
        return {
            "Url": provider_path(url),
            "ClientIDList": list(dict.fromkeys(params.get("client_ids") or [])),
            "ThumbprintList": list(params.get("thumbprints") or []),
            "Tags": dict_to_tags(wanted_tags(params) or {}),
        }
    ids = [c for c in current.get("ClientIDList") or [] if c not in plan.remove_client_ids] + plan.add_client_ids
    tags = apply_tag_changes(tags_to_dict(current.get("Tags")), plan.tags_to_set, plan.tags_to_unset)
    return {
        "Url": current.get("Url"),
        "ClientIDList": ids,
        "ThumbprintList": plan.thumbprints
        if plan.thumbprints is not None
        else list(current.get("ThumbprintList") or []),
        "Tags": dict_to_tags(tags),
    }


def caller_account(sts: Any) -> tuple[str, str]:
    """``(account, partition)`` of the caller (STS GetCallerIdentity)."""
    identity = sts.get_caller_identity(aws_retry=True)
    return identity["Account"], identity["Arn"].split(":")[1]


def get_provider(iam: Any, arn: str) -> dict[str, Any] | None:
    try:
        provider = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn, aws_retry=True)
    except is_boto3_error_code("NoSuchEntity"):
        return None
    provider.pop("ResponseMetadata", None)
    return provider


def _result(changed: bool, arn: str, url: str, provider: Mapping[str, Any] | None, **extra: Any) -> dict[str, Any]:
    view = provider_view(arn, provider)
    result = {
        "changed": changed,
        "arn": arn,
        "url": view.get("url", provider_path(url)),
        "client_ids": view.get("client_ids", []),
        "thumbprints": view.get("thumbprints", []),
        "tags": view.get("tags", {}),
    }
    result.update(extra)
    return result


def ensure_provider(iam: Any, sts: Any, params: Mapping[str, Any], check_mode: bool) -> dict[str, Any]:
    """iam_oidc_provider: create, converge client ids / thumbprints / tags, or delete."""
    url = params["url"]
    account, partition = caller_account(sts)
    arn = provider_arn(account, url, partition)
    current = get_provider(iam, arn)
    before = provider_view(arn, current)

    if params.get("state") == "absent":
        if current is None:
            return _result(False, arn, url, None)
        if not check_mode:
            try:
                iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn, aws_retry=True)
            except is_boto3_error_code("NoSuchEntity"):
                return _result(False, arn, url, None)
        return _result(True, arn, url, None, diff=make_diff(before, {}))

    plan = plan_provider(current, params)
    if not plan.changed:
        return _result(False, arn, url, current)
    after = predicted_provider(url, current, params, plan)
    diff = make_diff(before, provider_view(arn, after))
    if check_mode:
        return _result(True, arn, url, after, diff=diff)

    if plan.create:
        request: dict[str, Any] = {"Url": url.rstrip("/"), "ClientIDList": after["ClientIDList"]}
        if params.get("thumbprints"):
            request["ThumbprintList"] = list(params["thumbprints"])
        if after["Tags"]:
            request["Tags"] = after["Tags"]
        try:
            arn = iam.create_open_id_connect_provider(aws_retry=True, **request)["OpenIDConnectProviderArn"]
        except is_boto3_error_code("EntityAlreadyExists"):
            pass  # made between our Get and Create: converge it on the next run
    else:
        for client_id in plan.add_client_ids:
            iam.add_client_id_to_open_id_connect_provider(
                OpenIDConnectProviderArn=arn, ClientID=client_id, aws_retry=True
            )
        for client_id in plan.remove_client_ids:
            iam.remove_client_id_from_open_id_connect_provider(
                OpenIDConnectProviderArn=arn, ClientID=client_id, aws_retry=True
            )
        if plan.thumbprints is not None:
            iam.update_open_id_connect_provider_thumbprint(
                OpenIDConnectProviderArn=arn, ThumbprintList=plan.thumbprints, aws_retry=True
            )
        if plan.tags_to_set:
            iam.tag_open_id_connect_provider(
                OpenIDConnectProviderArn=arn, Tags=dict_to_tags(plan.tags_to_set), aws_retry=True
            )
        if plan.tags_to_unset:
            iam.untag_open_id_connect_provider(OpenIDConnectProviderArn=arn, TagKeys=plan.tags_to_unset, aws_retry=True)
    return _result(True, arn, url, get_provider(iam, arn) or after, diff=diff)
