"""Elastic Load Balancing v2 in the emulator: ALB attributes, access-log bucket checks, deletion
protection, idempotent create by name, the provisioning → active lifecycle, and the amazon.aws /
community.aws modules the ingress role uses.

Checks using the ``target`` fixture run against the emulator (must pass) and against plain moto
5.2.5 (strict xfail: the moto bug each extension exists for).
"""

from __future__ import annotations

import itertools
import json

import pytest
from botocore.exceptions import ClientError

NO_RETRY = {"retries": {"total_max_attempts": 1}}
ACCOUNT = "123456789012"
ELB_ACCOUNT_US_WEST_2 = "797873946194"
_names = itertools.count(1)


def code(error: pytest.ExceptionInfo) -> str:
    return error.value.response["Error"]["Code"]


def network(client) -> tuple[str, list[str], str]:
    ec2 = client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{i}.0/24", AvailabilityZone=f"us-west-2{az}")["Subnet"][
            "SubnetId"
        ]
        for i, az in enumerate("ab")
    ]
    group = ec2.create_security_group(GroupName=f"alb-{next(_names)}", Description="alb", VpcId=vpc)["GroupId"]
    return vpc, subnets, group


def make_alb(client, **extra) -> dict:
    _, subnets, group = network(client)
    return client("elbv2").create_load_balancer(
        Name=f"alb-{next(_names)}", Subnets=subnets, SecurityGroups=[group], **extra
    )["LoadBalancers"][0]


def attributes(elb, arn: str) -> dict[str, str]:
    return {a["Key"]: a["Value"] for a in elb.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"]}


def logs_bucket(client, policy_statement: dict | None, kms: bool = False) -> str:
    s3 = client("s3")
    name = f"logs-{next(_names)}"
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    rule = {"SSEAlgorithm": "aws:kms"} if kms else {"SSEAlgorithm": "AES256"}
    s3.put_bucket_encryption(
        Bucket=name, ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": rule}]}
    )
    if policy_statement is not None:
        deny_http = {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
        statement = json.loads(json.dumps(policy_statement).replace("BUCKET", name))
        s3.put_bucket_policy(
            Bucket=name, Policy=json.dumps({"Version": "2012-10-17", "Statement": [deny_http, statement]})
        )
    return name


ELB_ACCOUNT_STATEMENT = {
    "Effect": "Allow",
    "Principal": {"AWS": f"arn:aws:iam::{ELB_ACCOUNT_US_WEST_2}:root"},
    "Action": "s3:PutObject",
    "Resource": f"arn:aws:s3:::BUCKET/alb/AWSLogs/{ACCOUNT}/*",
}


def enable_logs(elb, arn: str, bucket: str, prefix: str = "alb") -> None:
    elb.modify_load_balancer_attributes(
        LoadBalancerArn=arn,
        Attributes=[
            {"Key": "access_logs.s3.enabled", "Value": "true"},
            {"Key": "access_logs.s3.bucket", "Value": bucket},
            {"Key": "access_logs.s3.prefix", "Value": prefix},
        ],
    )


# --- attributes ---------------------------------------------------------------------------------


def test_attributes_have_aws_defaults(client) -> None:
    """DescribeLoadBalancerAttributes lists every ALB attribute with its default (elb_application_lb reads them)."""
    elb = client("elbv2")
    attrs = attributes(elb, make_alb(client)["LoadBalancerArn"])
    assert attrs["access_logs.s3.enabled"] == "false"
    assert attrs["idle_timeout.timeout_seconds"] == "60"
    assert attrs["routing.http.drop_invalid_header_fields.enabled"] == "false"
    assert attrs["routing.http2.enabled"] == "true"
    assert attrs["routing.http.desync_mitigation_mode"] == "defensive"
    assert attrs["load_balancing.cross_zone.enabled"] == "true"
    assert attrs["deletion_protection.enabled"] == "false"


def test_attribute_values_are_checked(client) -> None:
    elb = client("elbv2")
    arn = make_alb(client)["LoadBalancerArn"]
    with pytest.raises(ClientError) as too_long:
        elb.modify_load_balancer_attributes(
            LoadBalancerArn=arn, Attributes=[{"Key": "idle_timeout.timeout_seconds", "Value": "5000"}]
        )
    assert code(too_long) == "ValidationError"
    with pytest.raises(ClientError) as not_bool:
        elb.modify_load_balancer_attributes(
            LoadBalancerArn=arn, Attributes=[{"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "yes"}]
        )
    assert code(not_bool) == "ValidationError"
    elb.modify_load_balancer_attributes(
        LoadBalancerArn=arn,
        Attributes=[
            {"Key": "idle_timeout.timeout_seconds", "Value": "120"},
            {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"},
        ],
    )
    assert attributes(elb, arn)["idle_timeout.timeout_seconds"] == "120"


@pytest.mark.parametrize(
    ("statement", "kms", "prefix"),
    [
        (None, False, "alb"),
        ({**ELB_ACCOUNT_STATEMENT, "Principal": {"AWS": "arn:aws:iam::111122223333:root"}}, False, "alb"),
        ({**ELB_ACCOUNT_STATEMENT, "Resource": "arn:aws:s3:::BUCKET/other/*"}, False, "alb"),
        (ELB_ACCOUNT_STATEMENT, True, "alb"),
        (ELB_ACCOUNT_STATEMENT, False, "alb/AWSLogs"),
    ],
    ids=["no-policy", "other-principal", "other-prefix", "sse-kms-bucket", "prefix-with-AWSLogs"],
)
def test_access_logs_refused_where_elb_cannot_write(client, statement, kms, prefix) -> None:
    """AWS refuses access logs to a bucket ELB may not write (InvalidConfigurationRequest "Access Denied")."""
    elb = client("elbv2")
    arn = make_alb(client)["LoadBalancerArn"]
    bucket = logs_bucket(client, statement, kms=kms)
    with pytest.raises(ClientError) as refused:
        enable_logs(elb, arn, bucket, prefix)
    assert code(refused) == "InvalidConfigurationRequest"
    with pytest.raises(ClientError) as missing:
        enable_logs(elb, arn, "no-such-bucket-anywhere")
    assert code(missing) == "InvalidConfigurationRequest"
    assert attributes(elb, arn)["access_logs.s3.enabled"] == "false"


@pytest.mark.parametrize(
    "principal",
    [
        {"AWS": f"arn:aws:iam::{ELB_ACCOUNT_US_WEST_2}:root"},
        {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"},
    ],
    ids=["elb-account", "log-delivery-service"],
)
def test_access_logs_to_a_bucket_elb_may_write(aws, principal) -> None:
    """The Region's ELB account (us-west-2: 797873946194) or the log-delivery service principal."""
    client = lambda service: aws(service, **NO_RETRY)  # noqa: E731
    elb = client("elbv2")
    arn = make_alb(client)["LoadBalancerArn"]
    enable_logs(elb, arn, logs_bucket(client, {**ELB_ACCOUNT_STATEMENT, "Principal": principal}))
    assert attributes(elb, arn)["access_logs.s3.enabled"] == "true"


# --- lifecycle, names, deletion protection ------------------------------------------------------


def test_deletion_protection_refuses_delete(client) -> None:
    elb = client("elbv2")
    arn = make_alb(client)["LoadBalancerArn"]
    elb.modify_load_balancer_attributes(
        LoadBalancerArn=arn, Attributes=[{"Key": "deletion_protection.enabled", "Value": "true"}]
    )
    with pytest.raises(ClientError) as refused:
        elb.delete_load_balancer(LoadBalancerArn=arn)
    assert code(refused) == "OperationNotPermitted"
    assert elb.describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"]
    elb.modify_load_balancer_attributes(
        LoadBalancerArn=arn, Attributes=[{"Key": "deletion_protection.enabled", "Value": "false"}]
    )
    elb.delete_load_balancer(LoadBalancerArn=arn)
    with pytest.raises(ClientError) as gone:
        elb.describe_load_balancers(LoadBalancerArns=[arn])
    assert code(gone) == "LoadBalancerNotFound"
    elb.delete_load_balancer(LoadBalancerArn=arn)  # a second delete succeeds, as on AWS


def test_create_with_the_same_name_is_idempotent(client) -> None:
    elb = client("elbv2")
    _, subnets, group = network(client)
    name = f"alb-{next(_names)}"
    first = elb.create_load_balancer(Name=name, Subnets=subnets, SecurityGroups=[group])["LoadBalancers"][0]
    again = elb.create_load_balancer(Name=name, Subnets=subnets, SecurityGroups=[group])["LoadBalancers"][0]
    assert again["LoadBalancerArn"] == first["LoadBalancerArn"]
    with pytest.raises(ClientError) as other:
        elb.create_load_balancer(Name=name, Subnets=subnets, SecurityGroups=[group], Scheme="internal")
    assert code(other) == "DuplicateLoadBalancerName"
    assert [b["LoadBalancerName"] for b in elb.describe_load_balancers()["LoadBalancers"]].count(name) == 1


def test_describe_an_unknown_name_is_not_found(client) -> None:
    elb = client("elbv2")
    known = make_alb(client)["LoadBalancerName"]
    with pytest.raises(ClientError) as missing:
        elb.describe_load_balancers(Names=[known, "no-such-alb"])
    assert code(missing) == "LoadBalancerNotFound"


def test_provisioning_then_active(target, client) -> None:
    """CreateLoadBalancer answers provisioning; describe keeps it until the create duration has passed."""
    target.set_config(durations={"elbv2_load_balancer": 60})
    try:
        created = make_alb(client)
        assert created["State"]["Code"] == "provisioning"
        described = client("elbv2").describe_load_balancers(LoadBalancerArns=[created["LoadBalancerArn"]])
        assert described["LoadBalancers"][0]["State"]["Code"] == "provisioning"
    finally:
        target.set_config(durations={})


def test_active_with_instant_durations_and_delete_waits(emulator, aws) -> None:
    """Instant profile: active at the first describe; with a delete duration the balancer stays listed (the
    load_balancers_deleted waiter polls it) and then is gone."""
    elb = aws("elbv2", **NO_RETRY)
    created = make_alb(lambda s: aws(s, **NO_RETRY))
    arn = created["LoadBalancerArn"]
    assert elb.describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"][0]["State"]["Code"] == "active"
    emulator.set_config(durations={"elbv2_load_balancer": {"delete": 0.5}})
    try:
        elb.delete_load_balancer(LoadBalancerArn=arn)
        assert elb.describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"][0]["State"]["Code"] == "active"
        elb.get_waiter("load_balancers_deleted").wait(
            LoadBalancerArns=[arn], WaiterConfig={"Delay": 0.25, "MaxAttempts": 20}
        )
    finally:
        emulator.set_config(durations={})


# --- the modules of the ingress role ------------------------------------------------------------


def test_elb_modules_converge(ansible_module, aws) -> None:
    """elb_target_group and elb_application_lb (attributes, access logs, listeners, rules in a second
    call as the role does for amazon.aws#2400): create, no-op re-run, absent."""
    from ansible_collections.amazon.aws.plugins.modules import elb_application_lb
    from ansible_collections.community.aws.plugins.modules import elb_target_group

    client = lambda service: aws(service, **NO_RETRY)  # noqa: E731
    vpc, subnets, group = network(client)
    bucket = logs_bucket(client, ELB_ACCOUNT_STATEMENT)
    tg = {
        "name": "mod-grafana",
        "protocol": "HTTP",
        "port": 3000,
        "target_type": "ip",
        "vpc_id": vpc,
        "health_check_protocol": "HTTP",
        "health_check_path": "/api/health",
        "successful_response_codes": "200",
        "modify_targets": False,
        "tags": {"Project": "ecap"},
        "state": "present",
    }
    assert ansible_module(elb_target_group, tg)["changed"] is True
    assert ansible_module(elb_target_group, tg)["changed"] is False
    listener = {
        "Protocol": "HTTP",
        "Port": 80,
        "DefaultActions": [
            {
                "Type": "fixed-response",
                "FixedResponseConfig": {"StatusCode": "404", "ContentType": "text/plain", "MessageBody": "Not found"},
            }
        ],
    }
    alb = {
        "name": "mod-alb",
        "subnets": subnets,
        "security_groups": [group],
        "idle_timeout": 60,
        "http_drop_invalid_header_fields": True,
        "access_logs_enabled": True,
        "access_logs_s3_bucket": bucket,
        "access_logs_s3_prefix": "alb",
        "tags": {"Project": "ecap"},
        "listeners": [listener],
        "state": "present",
    }
    rules = [
        {
            "Priority": 10,
            "Conditions": [{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/grafana", "/grafana/*"]}}],
            "Actions": [{"Type": "forward", "TargetGroupName": "mod-grafana"}],
        }
    ]
    with_rules = {**alb, "listeners": [{**listener, "Rules": rules}]}
    assert ansible_module(elb_application_lb, alb)["changed"] is True
    assert ansible_module(elb_application_lb, with_rules)["changed"] is True
    assert ansible_module(elb_application_lb, alb)["changed"] is False
    result = ansible_module(elb_application_lb, with_rules)
    assert result["changed"] is False
    assert result["access_logs_s3_enabled"] == "true"
    assert [r["priority"] for r in result["listeners"][0]["rules"]] == ["10", "default"]
    assert ansible_module(elb_application_lb, {"name": "mod-alb", "state": "absent"})["changed"] is True
    assert ansible_module(elb_application_lb, {"name": "mod-alb", "state": "absent"})["changed"] is False
    assert ansible_module(elb_target_group, {"name": "mod-grafana", "state": "absent"})["changed"] is True
