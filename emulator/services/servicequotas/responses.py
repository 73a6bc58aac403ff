"""Service Quotas handlers: Get/List(AWSDefault)ServiceQuota(s), RequestServiceQuotaIncrease."""

from __future__ import annotations

import json
from typing import Any

from moto.servicequotas.responses import ServiceQuotasResponse

from emulator.extensions import extension, override
from emulator.services.servicequotas import models


def _params(self: ServiceQuotasResponse) -> dict[str, Any]:
    return json.loads(self.body or "{}")


def _page(params: dict[str, Any], items: list[Any]) -> dict[str, Any]:
    start = int(params.get("NextToken") or 0)
    size = int(params.get("MaxResults") or 100)
    body: dict[str, Any] = {"Quotas": items[start : start + size]}
    if start + size < len(items):
        body["NextToken"] = str(start + size)
    return body


def _dump(body: dict[str, Any]) -> str:
    return json.dumps(body, default=lambda value: value.timestamp())


def get_service_quota(self: ServiceQuotasResponse) -> str:
    params = _params(self)
    quota = models.applied_quota(self.backend, str(params.get("ServiceCode")), str(params.get("QuotaCode")))
    return _dump({"Quota": quota})


def get_aws_default_service_quota(self: ServiceQuotasResponse) -> str:
    params = _params(self)
    return _dump(
        {"Quota": models.find_default(self.backend, str(params.get("ServiceCode")), str(params.get("QuotaCode")))}
    )


def list_service_quotas(self: ServiceQuotasResponse) -> str:
    params = _params(self)
    return _dump(_page(params, models.list_applied(self.backend, str(params.get("ServiceCode")))))


def list_aws_default_service_quotas(self: ServiceQuotasResponse) -> str:
    params = _params(self)
    return _dump(_page(params, models.list_defaults(self.backend, str(params.get("ServiceCode")))))


def request_service_quota_increase(self: ServiceQuotasResponse) -> str:
    params = _params(self)
    request = models.request_increase(
        self.backend, str(params.get("ServiceCode")), str(params.get("QuotaCode")), params.get("DesiredValue") or 0
    )
    return _dump({"RequestedQuota": request})


@extension(
    "service-quotas",
    "GetServiceQuota",
    "GetAWSDefaultServiceQuota",
    "ListServiceQuotas",
    "ListAWSDefaultServiceQuotas",
    "RequestServiceQuotaIncrease",
)
def quotas_of_the_platform() -> None:
    """EC2/VPC/EKS/RDS/MSK/ElastiCache/ELB quotas with AWS's defaults; applied values; increases approved at once.

    moto 5.2.5 knows only VPC defaults (GetServiceQuota answers the default, ARNs of eu-west-1) and
    has no ListServiceQuotas, GetAWSDefaultServiceQuota or RequestServiceQuotaIncrease.
    """
    for handler in (
        get_service_quota,
        get_aws_default_service_quota,
        list_service_quotas,
        list_aws_default_service_quotas,
        request_service_quota_increase,
    ):
        override(ServiceQuotasResponse, handler)
