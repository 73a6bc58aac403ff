"""ELBv2 backend fixes: load balancer attributes, access-log checks, deletion protection, lifecycle, names."""

from __future__ import annotations

import fnmatch
import json
from typing import Any

from moto.elbv2.exceptions import DuplicateLoadBalancerName, InvalidConfigurationRequest, LoadBalancerNotFoundError
from moto.elbv2.exceptions import ELBClientError as RESTError
from moto.elbv2.models import ELBv2Backend, FakeLoadBalancer

from emulator.extensions import extension, original, override
from emulator.lifecycle import Lifecycle
from emulator.services.s3.models import _as_list, condition_holds, statement_applies

#: DescribeLoadBalancerAttributes of a new Application Load Balancer on AWS (every key, with its default).
ALB_DEFAULT_ATTRIBUTES = {
    "access_logs.s3.enabled": "false",
    "access_logs.s3.bucket": "",
    "access_logs.s3.prefix": "",
    "client_keep_alive.seconds": "3600",
    "connection_logs.s3.enabled": "false",
    "connection_logs.s3.bucket": "",
    "connection_logs.s3.prefix": "",
    "deletion_protection.enabled": "false",
    "idle_timeout.timeout_seconds": "60",
    "load_balancing.cross_zone.enabled": "true",
    "routing.http.desync_mitigation_mode": "defensive",
    "routing.http.drop_invalid_header_fields.enabled": "false",
    "routing.http.preserve_host_header.enabled": "false",
    "routing.http.x_amzn_tls_version_and_cipher_suite.enabled": "false",
    "routing.http.xff_client_port.enabled": "false",
    "routing.http.xff_header_processing.mode": "append",
    "routing.http2.enabled": "true",
    "waf.fail_open.enabled": "false",
    "zonal_shift.config.enabled": "false",
}

BOOLEAN_SUFFIX = ".enabled"
CHOICES = {
    "routing.http.desync_mitigation_mode": ("monitor", "defensive", "strictest"),
    "routing.http.xff_header_processing.mode": ("append", "preserve", "remove"),
}
RANGES = {"idle_timeout.timeout_seconds": (1, 4000), "client_keep_alive.seconds": (60, 604800)}

#: The Elastic Load Balancing account of each Region available before August 2022, which writes the
#: access logs there (bucket policy principal ``arn:aws:iam::<account>:root``). Newer Regions use the
#: service principal ``logdelivery.elasticloadbalancing.amazonaws.com``.
ELB_LOG_ACCOUNTS = {
    "us-east-1": "127311923021",
    "us-east-2": "033677994240",
    "us-west-1": "027434742980",
    "us-west-2": "797873946194",
    "af-south-1": "098369216593",
    "ap-east-1": "754344448648",
    "ap-south-1": "718504428378",
    "ap-northeast-1": "582318560864",
    "ap-northeast-2": "600734575887",
    "ap-northeast-3": "383597477331",
    "ap-southeast-1": "114774131450",
    "ap-southeast-2": "783225319266",
    "ap-southeast-3": "589379963580",
    "ca-central-1": "985666609251",
    "eu-central-1": "054676820928",
    "eu-west-1": "156460612806",
    "eu-west-2": "652711504416",
    "eu-west-3": "009996457667",
    "eu-south-1": "635631232127",
    "eu-north-1": "897822967062",
    "me-south-1": "076674570225",
    "sa-east-1": "507241528517",
    "us-gov-west-1": "048591011584",
    "us-gov-east-1": "190560391635",
    "cn-north-1": "638102146993",
    "cn-northwest-1": "037604701340",
}
ELB_LOG_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com"


class OperationNotPermitted(RESTError):
    def __init__(self, message: str) -> None:
        super().__init__("OperationNotPermitted", message)


# --- attributes ---------------------------------------------------------------------------------


def _attributes(balancer: FakeLoadBalancer) -> dict[str, str]:
    """The balancer's attributes, AWS's defaults filled in once (moto keeps only five keys)."""
    if not balancer.__dict__.get("_emulator_attrs_filled"):
        if balancer.type == "application":
            # Cross-zone load balancing is always on for an ALB (moto starts it "false").
            balancer.attrs = {**ALB_DEFAULT_ATTRIBUTES, **balancer.attrs, "load_balancing.cross_zone.enabled": "true"}
        balancer.__dict__["_emulator_attrs_filled"] = True
    return balancer.attrs


def elb_delivery_allowed(bucket: Any, prefix: str, account_id: str, region: str) -> bool:
    """True when the bucket policy lets Elastic Load Balancing put the access logs of ``account_id``.

    The principal is the Region's ELB account (Regions before August 2022) or the log-delivery
    service principal; ``s3:PutObject`` on ``bucket/prefix/AWSLogs/<account>/...``. An explicit
    deny that applies to a TLS request (the delivery uses HTTPS) wins.
    """
    if not bucket.policy:
        return False
    policy = json.loads(bucket.policy.decode() if isinstance(bucket.policy, bytes) else bucket.policy)
    key = f"{prefix}/" if prefix else ""
    key += f"AWSLogs/{account_id}/ELBAccessLogTestFile"
    resource = f"arn:{bucket.partition}:s3:::{bucket.name}/{key}"
    context = {"aws:SecureTransport": "true", "aws:SourceAccount": account_id}
    principals = {ELB_LOG_SERVICE}
    if region in ELB_LOG_ACCOUNTS:
        principals |= {ELB_LOG_ACCOUNTS[region], f"arn:{bucket.partition}:iam::{ELB_LOG_ACCOUNTS[region]}:root"}
    allowed = False
    for statement in _as_list(policy.get("Statement", [])):
        if statement.get("Effect") == "Deny" and statement_applies(statement, "s3:PutObject", resource, context):
            return False
        principal = statement.get("Principal")
        named = (
            set(_as_list(principal.get("AWS", []))) | set(_as_list(principal.get("Service", [])))
            if isinstance(principal, dict)
            else set()
        )
        if statement.get("Effect") != "Allow" or not named & principals:
            continue
        if not any(fnmatch.fnmatch("s3:putobject", a.lower()) for a in _as_list(statement.get("Action", []))):
            continue
        if not any(fnmatch.fnmatchcase(resource, r) for r in _as_list(statement.get("Resource", []))):
            continue
        allowed = allowed or all(
            condition_holds(operator, k, expected, context)
            for operator, entries in (statement.get("Condition") or {}).items()
            for k, expected in entries.items()
        )
    return allowed


def check_access_logs(backend: ELBv2Backend, attrs: dict[str, str]) -> None:
    """What AWS checks when access logs are turned on: the bucket exists in the Region, has no
    SSE-KMS default encryption (only SSE-S3 is supported) and its policy lets ELB write there."""
    from moto.s3.models import s3_backends

    bucket_name = attrs.get("access_logs.s3.bucket", "")
    prefix = attrs.get("access_logs.s3.prefix", "")
    if "AWSLogs" in prefix:
        raise InvalidConfigurationRequest("The prefix of access logs must not include 'AWSLogs'")
    if not bucket_name:
        raise InvalidConfigurationRequest("The value of 'access_logs.s3.bucket' cannot be empty")
    bucket = s3_backends[backend.account_id][backend.partition].buckets.get(bucket_name)
    if bucket is None:
        raise InvalidConfigurationRequest(f"The specified bucket does not exist: {bucket_name}")
    if bucket.region_name != backend.region_name:
        raise InvalidConfigurationRequest(f"Bucket {bucket_name} is not in the load balancer's Region")
    encrypted_with_kms = "aws:kms" in json.dumps(bucket.encryption or {})
    if encrypted_with_kms or not elb_delivery_allowed(bucket, prefix, backend.account_id, backend.region_name):
        raise InvalidConfigurationRequest(f"Access Denied for bucket: {bucket_name}. Please check S3bucket permission")


def modify_load_balancer_attributes(self: ELBv2Backend, arn: str, attrs: dict[str, Any]) -> dict[str, Any]:
    """ModifyLoadBalancerAttributes: values checked as AWS does, access logs only to a bucket ELB may write.

    https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_ModifyLoadBalancerAttributes.html
    """
    balancer = self.load_balancers.get(arn)
    if balancer is None:
        raise LoadBalancerNotFoundError()
    current = _attributes(balancer)
    for key, value in attrs.items():
        if key not in FakeLoadBalancer.VALID_ATTRS:
            raise InvalidConfigurationRequest(f"Key {key} not valid")
        value = str(value)
        if key.endswith(BOOLEAN_SUFFIX) and value not in ("true", "false"):
            raise RESTError("ValidationError", f"The value of '{key}' must be 'true' or 'false', not '{value}'")
        if key in CHOICES and value not in CHOICES[key]:
            raise RESTError("ValidationError", f"The value of '{key}' must be one of {', '.join(CHOICES[key])}")
        if key in RANGES:
            low, high = RANGES[key]
            if not value.isdigit() or not low <= int(value) <= high:
                raise RESTError("ValidationError", f"The value of '{key}' must be between {low} and {high}")
    wanted = {**current, **{k: str(v) for k, v in attrs.items()}}
    if wanted.get("access_logs.s3.enabled") == "true" and any(k.startswith("access_logs.s3.") for k in attrs):
        check_access_logs(self, wanted)
    current.update({k: str(v) for k, v in attrs.items()})
    return current


def describe_load_balancer_attributes(self: ELBv2Backend, arn: str) -> dict[str, Any]:
    """DescribeLoadBalancerAttributes: every attribute with AWS's default (moto: five keys).

    https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeLoadBalancerAttributes.html
    """
    balancer = self.load_balancers.get(arn)
    if balancer is None:
        raise LoadBalancerNotFoundError()
    return _attributes(balancer)


@extension("elbv2", "DescribeLoadBalancerAttributes", "ModifyLoadBalancerAttributes")
def load_balancer_attributes() -> None:
    """ALB attributes: AWS's full default set (elb_application_lb KeyError); values and access-log bucket checked.

    moto 5.2.5 reports only ``access_logs.s3.bucket/prefix``, ``deletion_protection.enabled`` and
    ``load_balancing.cross_zone.enabled``, so ``elb_application_lb`` fails with
    ``KeyError: 'access_logs_s3_enabled'`` (and ``idle_timeout_timeout_seconds``, ...) as soon as it
    sets an attribute; it accepts any value and enables access logs to a bucket that does not exist,
    is SSE-KMS encrypted or whose policy does not let Elastic Load Balancing write.
    """
    override(ELBv2Backend, modify_load_balancer_attributes)
    override(ELBv2Backend, describe_load_balancer_attributes)


# --- lifecycle, names, deletion protection ------------------------------------------------------


def _get_state(self: FakeLoadBalancer) -> str:
    lifecycle = self.__dict__.get("_emulator_lifecycle")
    if lifecycle is not None:
        return lifecycle.state or lifecycle.ready
    return self.__dict__.get("_emulator_state", "provisioning")


def _set_state(self: FakeLoadBalancer, value: str) -> None:
    self.__dict__["_emulator_state"] = value


def activate(self: FakeLoadBalancer) -> None:
    """moto makes a balancer ``active`` on the first describe; the lifecycle decides instead."""
    if "_emulator_lifecycle" not in self.__dict__:
        original(FakeLoadBalancer, "activate")(self)


def _settle(backend: ELBv2Backend) -> None:
    for balancer in list(backend.load_balancers.values()):
        lifecycle = balancer.__dict__.get("_emulator_lifecycle")
        if lifecycle is not None:
            lifecycle.settle()


def create_load_balancer(self: ELBv2Backend, name: str, **kwargs: Any) -> FakeLoadBalancer:
    """CreateLoadBalancer: ``provisioning``, ``active`` after the ``elbv2_load_balancer`` duration.

    A second create with the same name and settings answers the existing balancer, as AWS does;
    other settings are ``DuplicateLoadBalancerName``. Without ``Scheme`` it is ``internet-facing``.
    https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html
    """
    _settle(self)
    kwargs["scheme"] = kwargs.get("scheme") or "internet-facing"  # AWS's default (moto stores None)
    for existing in self.load_balancers.values():
        if existing.name == name:
            subnets = list(kwargs.get("subnet_ids") or []) + [
                m["SubnetId"] for m in kwargs.get("subnet_mappings") or []
            ]
            same = (
                existing.scheme == kwargs["scheme"]
                and sorted(s.id for s in existing.subnets) == sorted(subnets)
                and sorted(existing.security_groups or []) == sorted(kwargs.get("security_groups") or [])
            )
            if same:
                return existing
            raise DuplicateLoadBalancerName()
    balancer = original(ELBv2Backend, "create_load_balancer")(self, name, **kwargs)
    backend = self
    balancer.__dict__["_emulator_lifecycle"] = Lifecycle.begin(
        "elbv2_load_balancer",
        creating="provisioning",
        ready="active",
        deleting="active",
        deleted=None,
        on_deleted=lambda: backend.load_balancers.pop(balancer.arn, None),
    )
    return balancer


def describe_load_balancers(self: ELBv2Backend, arns: list[str] | None, names: list[str] | None) -> list[Any]:
    """DescribeLoadBalancers: balancers whose delete has finished are gone; an unknown name is NotFound.

    (moto keeps the match of the previous name, so ``Names=[known, unknown]`` answers the known one.)
    """
    _settle(self)
    live = [b for b in self.load_balancers.values() if not _gone(b)]
    if not arns and not names:
        return live
    found: list[Any] = []
    for arn in arns or []:
        match = next((b for b in live if b.arn == arn), None)
        if match is None:
            raise LoadBalancerNotFoundError()
        if match not in found:
            found.append(match)
    for name in names or []:
        match = next((b for b in live if b.name == name), None)
        if match is None:
            raise LoadBalancerNotFoundError()
        if match not in found:
            found.append(match)
    return found


def _gone(balancer: FakeLoadBalancer) -> bool:
    lifecycle = balancer.__dict__.get("_emulator_lifecycle")
    return lifecycle is not None and lifecycle.deleted_at is not None and lifecycle.gone


def delete_load_balancer(self: ELBv2Backend, arn: str) -> None:
    """DeleteLoadBalancer: refused while deletion protection is on; listeners go at once, the balancer
    after the ``elbv2_load_balancer`` delete duration. An unknown ARN succeeds, as on AWS.
    https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DeleteLoadBalancer.html
    """
    balancer = self.load_balancers.get(arn)
    if balancer is None:
        return
    if _attributes(balancer).get("deletion_protection.enabled") == "true":
        raise OperationNotPermitted(f"Load balancer '{arn}' cannot be deleted because deletion protection is enabled")
    balancer.listeners.clear()
    lifecycle = balancer.__dict__.get("_emulator_lifecycle")
    if lifecycle is None:
        self.load_balancers.pop(arn, None)
        return
    lifecycle.delete()
    lifecycle.settle()


@extension("elbv2", "CreateLoadBalancer", "DescribeLoadBalancers", "DeleteLoadBalancer")
def load_balancer_lifecycle() -> None:
    """Load balancers: provisioning → active lifecycle, idempotent create by name, deletion protection honoured.

    moto 5.2.5 makes a balancer ``active`` on the first describe, creates a second balancer of the
    same name (AWS answers the existing one, or ``DuplicateLoadBalancerName``), deletes a balancer
    whose ``deletion_protection.enabled`` is true (AWS: ``OperationNotPermitted``), and matches
    ``Names=[known, unknown]`` as found.
    """
    override(FakeLoadBalancer, property(_get_state, _set_state), name="state")
    override(FakeLoadBalancer, activate)
    override(ELBv2Backend, create_load_balancer)
    override(ELBv2Backend, describe_load_balancers)
    override(ELBv2Backend, delete_load_balancer)
