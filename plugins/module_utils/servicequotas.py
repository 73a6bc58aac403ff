# Copyright: ecap.platform contributors
# MIT License
"""Service Quotas logic of the ecap.platform modules: read the account's quotas and AWS's defaults.

No amazon.aws or community.aws module reads Service Quotas (checked: amazon.aws 10.1.2, community.aws
10.0.0), so ``service_quota_info`` is built here. A quota the account has no applied value for answers
``NoSuchResourceException`` to GetServiceQuota on some services: AWS's default (GetAWSDefaultServiceQuota)
is the value then.

API reference: https://docs.aws.amazon.com/servicequotas/2019-06-24/apireference/ (GetServiceQuota,
GetAWSDefaultServiceQuota, ListServiceQuotas).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.ecap.platform.plugins.module_utils.common import paginate

_QUOTA_CODE = re.compile(r"^L-[0-9A-F]{8}$")
_SERVICE_CODE = re.compile(r"^[a-z0-9-]{2,63}$")


def validate_quotas(quotas: list[Mapping[str, Any]]) -> list[str]:
    """Reasons the requested quotas cannot be read (empty when they are fine)."""
    errors = []
    for index, quota in enumerate(quotas):
        service, code = quota.get("service_code") or "", quota.get("quota_code") or ""
        if not _SERVICE_CODE.match(service):
            errors.append(f"quotas[{index}].service_code {service!r} is not a service code such as ec2 or vpc.")
        if not _QUOTA_CODE.match(code):
            errors.append(f"quotas[{index}].quota_code {code!r} is not a quota code such as L-1216C47A.")
    return errors


def to_ansible(quota: Mapping[str, Any], source: str) -> dict[str, Any]:
    result = camel_dict_to_snake_dict(dict(quota))
    result["source"] = source
    return result


def get_quota(connection: Any, service_code: str, quota_code: str) -> dict[str, Any] | None:
    """The account's quota (``source`` applied), else AWS's default (``source`` default), else None."""
    try:
        quota = connection.get_service_quota(aws_retry=True, ServiceCode=service_code, QuotaCode=quota_code)
        return to_ansible(quota["Quota"], "applied")
    except is_boto3_error_code("NoSuchResourceException"):
        pass
    try:
        quota = connection.get_aws_default_service_quota(aws_retry=True, ServiceCode=service_code, QuotaCode=quota_code)
        return to_ansible(quota["Quota"], "default")
    except is_boto3_error_code("NoSuchResourceException"):
        return None


def list_quotas(connection: Any, service_code: str) -> list[dict[str, Any]]:
    """Every applied quota of ``service_code`` (ListServiceQuotas, all pages)."""
    quotas = paginate(connection.list_service_quotas, "Quotas", ServiceCode=service_code)
    return [to_ansible(q, "applied") for q in quotas]
