"""The ingress tier (ALB) on a boto3-made foundation plus the real datalake tier (its logs bucket and
policy), in the amazon.aws rhythm: check mode on nothing -> create -> re-run changes nothing -> update
-> HTTPS with an ACM certificate (and its re-run) -> absent -> absent again. Every assertion reads AWS
back through boto3; deletion protection holds outside a teardown; bad input is refused before any
mutating call."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.integration

ALB = "ecap-local-alb"
TARGET_GROUPS = {"grafana": "ecap-local-grafana", "dashboard": "ecap-local-dashboard"}
PORTS = {"grafana": 3000, "dashboard": 8501}
HEALTH = {"grafana": "/api/health", "dashboard": "/_stcore/health"}
FIXED_404 = {"StatusCode": "404", "ContentType": "text/plain", "MessageBody": "Not found"}


@pytest.fixture(scope="module")
def inputs(runner, foundation):
    """The foundation's outputs plus datalake_outputs from a real run of the datalake tier."""
    result = runner.run("site.yml", "--tags", "datalake", extra=foundation)
    assert result.rc == 0, result.failure_text()
    for task in result.tasks:
        if task["name"].endswith("Publish the data lake outputs"):
            datalake = task["result"]["ansible_facts"]["datalake_outputs"]
            return {**foundation, "datalake_outputs": datalake}
    raise AssertionError("the datalake run did not publish datalake_outputs")


def run_tier(runner, inputs, check=False, **extra):
    return runner.run("site.yml", "--tags", "ingress", extra={**inputs, **extra}, check=check)


def outputs(result) -> dict:
    for task in result.tasks:
        if task["name"].endswith("Publish the ingress outputs"):
            return task["result"].get("ansible_facts", {}).get("ingress_outputs", {})
    raise AssertionError("the run did not publish ingress_outputs")


def read_alb(aws) -> tuple[dict, dict, dict]:
    """The ALB, its attributes, and its listeners by port with their non-default rules."""
    elb = aws("elbv2")
    alb = elb.describe_load_balancers(Names=[ALB])["LoadBalancers"][0]
    attributes = {
        a["Key"]: a["Value"]
        for a in elb.describe_load_balancer_attributes(LoadBalancerArn=alb["LoadBalancerArn"])["Attributes"]
    }
    listeners = {}
    for listener in elb.describe_listeners(LoadBalancerArn=alb["LoadBalancerArn"])["Listeners"]:
        rules = elb.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"]
        listener["rules"] = sorted((r for r in rules if not r["IsDefault"]), key=lambda r: int(r["Priority"]))
        listeners[listener["Port"]] = listener
    return alb, attributes, listeners


def target_groups(aws) -> dict[str, dict]:
    groups = aws("elbv2").describe_target_groups(Names=list(TARGET_GROUPS.values()))["TargetGroups"]
    by_name = {g["TargetGroupName"]: g for g in groups}
    return {app: by_name[name] for app, name in TARGET_GROUPS.items()}


def assert_routes(listener: dict, groups: dict[str, dict]) -> None:
    routes = [
        (
            r["Priority"],
            [c["PathPatternConfig"]["Values"] for c in r["Conditions"] if c["Field"] == "path-pattern"],
            [a["TargetGroupArn"] for a in r["Actions"]],
        )
        for r in listener["rules"]
    ]
    assert routes == [
        ("10", [["/grafana", "/grafana/*"]], [groups["grafana"]["TargetGroupArn"]]),
        ("20", [["/dashboard", "/dashboard/*"]], [groups["dashboard"]["TargetGroupArn"]]),
    ]


#: The elasticloadbalancing calls of a no-op run (issue #9: 33 with both elb_application_lb passes, target groups
#: named in the actions and community.aws.elb_target_group; 20 with one pass, their ARNs, ecap.platform's module).
NO_OP_ELB_CALLS = {
    "DescribeListeners": 3,
    "DescribeLoadBalancerAttributes": 2,
    "DescribeLoadBalancers": 3,
    "DescribeRules": 3,
    "DescribeTags": 5,
    "DescribeTargetGroupAttributes": 2,
    "DescribeTargetGroups": 2,
}


def test_check_mode_on_nothing_makes_no_change(runner, emulator, inputs):
    before = emulator.counters()["mutating"]
    result = run_tier(runner, inputs, check=True)
    assert result.rc == 0, result.failure_text()
    assert result.changed > 0, "check mode must report what it would create"
    assert emulator.counters()["mutating"] == before, "check mode made a mutating call"


def test_create(runner, aws, inputs):
    result = run_tier(runner, inputs)
    assert result.rc == 0, result.failure_text()
    alb, attributes, listeners = read_alb(aws)
    network, groups_out = inputs["network_outputs"], inputs["security_groups_outputs"]["group_ids"]
    assert alb["Scheme"] == "internet-facing" and alb["Type"] == "application"
    assert sorted(z["SubnetId"] for z in alb["AvailabilityZones"]) == sorted(network["public_subnet_ids"])
    assert alb["SecurityGroups"] == [groups_out["alb"]]
    assert alb["State"]["Code"] in ("provisioning", "active")
    assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "true"
    assert attributes["idle_timeout.timeout_seconds"] == "60"
    assert attributes["deletion_protection.enabled"] == "false"
    assert (
        attributes["access_logs.s3.enabled"],
        attributes["access_logs.s3.bucket"],
        attributes["access_logs.s3.prefix"],
    ) == ("true", inputs["datalake_outputs"]["logs_bucket_name"], "alb")

    groups = target_groups(aws)
    for app, group in groups.items():
        assert (group["TargetType"], group["Protocol"], group["Port"]) == ("ip", "HTTP", PORTS[app])
        assert group["VpcId"] == network["vpc_id"]
        assert (group["HealthCheckProtocol"], group["HealthCheckPath"]) == ("HTTP", HEALTH[app])
        assert group["Matcher"] == {"HttpCode": "200"}
        tags = aws("elbv2").describe_tags(ResourceArns=[group["TargetGroupArn"]])["TagDescriptions"][0]["Tags"]
        assert {"Key": "Project", "Value": "ecap"} in tags and {"Key": "App", "Value": app} in tags

    assert sorted(listeners) == [80], "HTTP only without a certificate"
    http = listeners[80]
    assert http["Protocol"] == "HTTP"
    assert [(a["Type"], a.get("FixedResponseConfig")) for a in http["DefaultActions"]] == [
        ("fixed-response", FIXED_404)
    ]
    assert_routes(http, groups)
    tags = aws("elbv2").describe_tags(ResourceArns=[alb["LoadBalancerArn"]])["TagDescriptions"][0]["Tags"]
    assert {"Key": "Name", "Value": ALB} in tags and {"Key": "Environment", "Value": "local"} in tags

    published = outputs(result)
    assert published["alb_dns_name"] == alb["DNSName"]
    assert published["alb_arn"] == alb["LoadBalancerArn"]
    assert published["alb_zone_id"] == alb["CanonicalHostedZoneId"]
    assert published["listener_arns"] == {"80": http["ListenerArn"]}
    assert published["target_group_arns"] == {app: g["TargetGroupArn"] for app, g in groups.items()}
    assert published["security_group_id"] == groups_out["alb"]
    assert published["access_logs_bucket"] == inputs["datalake_outputs"]["logs_bucket_name"]
    assert alb["DNSName"] in json.dumps(result.raw), "the printed outputs carry alb_dns_name"


def test_rerun_changes_nothing(runner, emulator, inputs):
    before = emulator.counters()
    result = run_tier(runner, inputs)
    assert result.rc == 0, result.failure_text()
    assert result.changed_tasks() == []
    after = emulator.counters()
    assert after["mutating"] == before["mutating"], "a converged re-run made a mutating call"
    # The no-op reads of the ALB and target groups (issue #9): one elb_application_lb pass on a converged ALB.
    was = before["services"].get("elasticloadbalancing", {})
    elb = {
        op: n - was.get(op, 0)
        for op, n in after["services"].get("elasticloadbalancing", {}).items()
        if n - was.get(op, 0)
    }
    assert elb == NO_OP_ELB_CALLS


def test_update_in_place(runner, aws, inputs):
    arn = read_alb(aws)[0]["LoadBalancerArn"]
    groups = {
        "grafana": {"port": 3000, "health_check_path": "/api/health?ready"},
        "dashboard": {"port": 8501, "health_check_path": "/_stcore/health"},
    }
    result = run_tier(runner, inputs, ingress_idle_timeout=120, ingress_target_groups=groups)
    assert result.rc == 0, result.failure_text()
    changed = " ".join(result.changed_tasks())
    assert "Converge the ALB, its listeners, then their rules" in changed and "Converge the target groups" in changed
    alb, attributes, _ = read_alb(aws)
    assert alb["LoadBalancerArn"] == arn, "the ALB was replaced"
    assert attributes["idle_timeout.timeout_seconds"] == "120"
    assert target_groups(aws)["grafana"]["HealthCheckPath"] == "/api/health?ready"


def test_https_with_a_certificate(runner, aws, emulator, inputs):
    acm = aws("acm")
    certificate = acm.request_certificate(DomainName="ecap.example.com", ValidationMethod="DNS")["CertificateArn"]
    result = run_tier(runner, inputs, ingress_certificate_arn=certificate)
    assert result.rc == 0, result.failure_text()
    _, _, listeners = read_alb(aws)
    assert sorted(listeners) == [80, 443]
    http, https = listeners[80], listeners[443]
    [redirect] = http["DefaultActions"]
    assert redirect["Type"] == "redirect"
    assert redirect["RedirectConfig"]["Protocol"] == "HTTPS" and redirect["RedirectConfig"]["Port"] == "443"
    assert redirect["RedirectConfig"]["StatusCode"] == "HTTP_301"
    assert http["rules"] == [], "HTTP only redirects: its routes moved to HTTPS"
    assert https["Protocol"] == "HTTPS"
    assert https["SslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    assert [c["CertificateArn"] for c in https["Certificates"]] == [certificate]
    assert [a["Type"] for a in https["DefaultActions"]] == ["fixed-response"]
    assert_routes(https, target_groups(aws))
    assert outputs(result)["url"].startswith("https://")

    before = emulator.counters()["mutating"]
    again = run_tier(runner, inputs, ingress_certificate_arn=certificate)
    assert again.rc == 0, again.failure_text()
    assert again.changed_tasks() == []
    assert emulator.counters()["mutating"] == before


def test_absent_then_absent_again(runner, aws, inputs):
    result = run_tier(runner, inputs, ecap_state="absent")
    assert result.rc == 0, result.failure_text()
    elb = aws("elbv2")
    assert [b["LoadBalancerName"] for b in elb.describe_load_balancers()["LoadBalancers"]] == []
    assert [g["TargetGroupName"] for g in elb.describe_target_groups()["TargetGroups"]] == []
    assert outputs(result) == {}

    again = run_tier(runner, inputs, ecap_state="absent")
    assert again.rc == 0, again.failure_text()
    assert again.changed_tasks() == []


def test_deletion_protection_holds_outside_a_teardown(runner, aws, emulator, inputs):
    result = run_tier(runner, inputs, ingress_deletion_protection=True)
    assert result.rc == 0, result.failure_text()
    assert read_alb(aws)[1]["deletion_protection.enabled"] == "true"

    before = emulator.counters()["mutating"]
    refused = run_tier(runner, inputs, ingress_state="absent")
    assert refused.rc != 0
    assert "deletion protection" in refused.failure_text(), refused.failure_text()
    assert emulator.counters()["mutating"] == before
    assert read_alb(aws)[0]["LoadBalancerName"] == ALB

    teardown = run_tier(runner, inputs, ecap_state="absent", ingress_deletion_protection=True)
    assert teardown.rc == 0, teardown.failure_text()
    assert aws("elbv2").describe_load_balancers()["LoadBalancers"] == []


CERT = "arn:aws:acm:us-west-2:123456789012:certificate/12345678-1234-1234-1234-123456789012"
BAD = [
    ({"ingress_certificate_arn": "arn:aws:iam::123456789012:server-certificate/x"}, "ingress_certificate_arn="),
    ({"ingress_certificate_arn": CERT.replace("us-west-2", "us-east-1")}, "ACM certificate in us-west-2"),
    ({"ingress_idle_timeout": 5000}, "ingress_idle_timeout=5000"),
    ({"ecap_env": "prod", "ingress_certificate_arn": CERT}, "prod needs ingress_deletion_protection"),
    ({"ecap_env": "staging"}, "staging and prod"),
    ({"ingress_target_groups": {"grafana": {"port": 70000}}}, "ingress_target_groups.grafana: port=70000"),
    (
        {"ingress_routes": [{"target": "kibana", "priority": 1, "path_patterns": ["/k"]}]},
        "ingress_routes must each name a target",
    ),
    ({"ingress_access_logs_prefix": "alb/"}, "ingress_access_logs_prefix=alb/"),
]


@pytest.mark.parametrize(("extra", "message"), BAD, ids=[b[1] for b in BAD])
def test_bad_input_fails_before_any_call(runner, emulator, inputs, extra, message):
    before = emulator.counters()["mutating"]
    result = run_tier(runner, inputs, **extra)
    assert result.rc != 0
    assert message in result.failure_text(), result.failure_text()
    assert emulator.counters()["mutating"] == before
