"""Service Quotas state: AWS's default values of the quotas a deploy needs, and the account's applied values.

moto 5.2.5 knows only the ``vpc`` defaults (with ARNs of eu-west-1 whatever the region) and answers
GetServiceQuota with the default; it has no ListServiceQuotas, GetAWSDefaultServiceQuota nor
RequestServiceQuotaIncrease. Here every service below has its defaults (values of the AWS
documentation, new account, per region), the account's applied values start at the defaults, and
RequestServiceQuotaIncrease is approved at once and applied (AWS reviews it, and refuses a value
below the current one: the emulator applies that too, so a test can set a quota below what a
deploy needs). Applied values live on moto's backend object, so ``/moto-api/reset`` clears them.
"""

from __future__ import annotations

import uuid
from typing import Any

from moto.core.utils import utcnow
from moto.servicequotas.exceptions import NoSuchResource
from moto.servicequotas.models import ServiceQuotasBackend
from moto.servicequotas.resources.default_quotas.vpc import VPC_DEFAULT_QUOTAS

SERVICE_NAMES = {
    "ec2": "Amazon Elastic Compute Cloud (Amazon EC2)",
    "vpc": "Amazon Virtual Private Cloud (Amazon VPC)",
    "eks": "Amazon Elastic Kubernetes Service (Amazon EKS)",
    "rds": "Amazon Relational Database Service (Amazon RDS)",
    "kafka": "Amazon Managed Streaming for Apache Kafka (MSK)",
    "elasticache": "Amazon ElastiCache",
    "elasticloadbalancing": "Elastic Load Balancing (ELB)",
}

#: (service, code, name, default value, unit, adjustable): AWS's defaults for a new account.
_QUOTAS: list[tuple[str, str, str, float, str, bool]] = [
    ("ec2", "L-1216C47A", "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances", 5.0, "None", True),
    ("ec2", "L-34B43A08", "All Standard (A, C, D, H, I, M, R, T, Z) Spot Instance Requests", 5.0, "None", True),
    ("ec2", "L-0263D0A3", "EC2-VPC Elastic IPs", 5.0, "None", True),
    ("eks", "L-1194D53C", "Clusters", 100.0, "None", True),
    ("eks", "L-6D54EA21", "Managed node groups per cluster", 30.0, "None", True),
    ("eks", "L-BD136A63", "Nodes per managed node group", 450.0, "None", True),
    ("rds", "L-7B6409FD", "DB instances", 40.0, "None", True),
    ("rds", "L-7ADDB58A", "Total storage for all DB instances", 100000.0, "Gigabytes", True),
    ("rds", "L-272F1212", "Manual DB instance snapshots", 100.0, "None", True),
    ("kafka", "L-EDD31C36", "Number of brokers per account", 90.0, "None", True),
    ("kafka", "L-03FD6822", "Number of brokers per KRaft cluster", 60.0, "None", True),
    ("elasticache", "L-DFA99DE8", "Nodes per Region", 300.0, "None", True),
    ("elasticloadbalancing", "L-53DA6B97", "Application Load Balancers per Region", 50.0, "None", True),
]


def default_quotas(region: str) -> dict[str, list[dict[str, Any]]]:
    """Service code → its default quotas as ListAWSDefaultServiceQuotas returns them."""
    table: dict[str, list[dict[str, Any]]] = {}
    for service, code, name, value, unit, adjustable in _QUOTAS:
        table.setdefault(service, []).append(
            {
                "ServiceCode": service,
                "ServiceName": SERVICE_NAMES[service],
                "QuotaArn": f"arn:aws:servicequotas:{region}::{service}/{code}",
                "QuotaCode": code,
                "QuotaName": name,
                "Value": value,
                "Unit": unit,
                "Adjustable": adjustable,
                "GlobalQuota": False,
            }
        )
    table["vpc"] = [
        {**quota, "QuotaArn": f"arn:aws:servicequotas:{region}::vpc/{quota['QuotaCode']}"}
        for quota in VPC_DEFAULT_QUOTAS
    ]
    return table


def _applied(backend: ServiceQuotasBackend) -> dict[tuple[str, str], float]:
    return backend.__dict__.setdefault("_emulator_applied", {})


def _requests(backend: ServiceQuotasBackend) -> list[dict[str, Any]]:
    return backend.__dict__.setdefault("_emulator_requests", [])


def find_default(backend: ServiceQuotasBackend, service_code: str, quota_code: str) -> dict[str, Any]:
    for quota in default_quotas(backend.region_name).get(service_code, []):
        if quota["QuotaCode"] == quota_code:
            return dict(quota)
    raise NoSuchResource


def list_defaults(backend: ServiceQuotasBackend, service_code: str) -> list[dict[str, Any]]:
    quotas = default_quotas(backend.region_name).get(service_code)
    if quotas is None:
        raise NoSuchResource
    return [dict(q) for q in quotas]


def applied_quota(backend: ServiceQuotasBackend, service_code: str, quota_code: str) -> dict[str, Any]:
    """The account's value (GetServiceQuota): the applied value, else the default; ARN with the account."""
    quota = find_default(backend, service_code, quota_code)
    quota["Value"] = _applied(backend).get((service_code, quota_code), quota["Value"])
    quota["QuotaArn"] = f"arn:aws:servicequotas:{backend.region_name}:{backend.account_id}:{service_code}/{quota_code}"
    quota["QuotaAppliedAtLevel"] = "ACCOUNT"
    return quota


def list_applied(backend: ServiceQuotasBackend, service_code: str) -> list[dict[str, Any]]:
    return [applied_quota(backend, service_code, q["QuotaCode"]) for q in list_defaults(backend, service_code)]


def request_increase(
    backend: ServiceQuotasBackend, service_code: str, quota_code: str, desired: float
) -> dict[str, Any]:
    quota = applied_quota(backend, service_code, quota_code)
    now = utcnow()
    request = {
        "Id": uuid.uuid4().hex,
        "CaseId": "",
        "ServiceCode": service_code,
        "ServiceName": quota["ServiceName"],
        "QuotaCode": quota_code,
        "QuotaName": quota["QuotaName"],
        "DesiredValue": float(desired),
        "Status": "APPROVED",
        "Created": now,
        "LastUpdated": now,
        "Requester": f"arn:aws:iam::{backend.account_id}:root",
        "QuotaArn": quota["QuotaArn"],
        "GlobalQuota": False,
        "Unit": quota["Unit"],
        "QuotaRequestedAtLevel": "ACCOUNT",
    }
    _applied(backend)[(service_code, quota_code)] = float(desired)
    _requests(backend).append(request)
    return request
