"""`make scan`: a compliance scan of the platform deployed on the local emulator (not part of `make test`).

1. platform: a private emulator, the full site (inventories/local), then prowler (its own virtualenv, pinned; it pins
   boto3 1.40.61, so never the project's) with AWS_ENDPOINT_URL pointing at the emulator, `--scan-unused-services`
   and the compliance frameworks FSBP and CIS 5.0, JSON-OCSF into build/scan/platform/.
2. iam: every IAM policy document the site generated (customer-managed policies, inline role policies, trust
   policies), read back from the emulator into build/scan/iam/, checked by parliament and cloudsplaining
   (build/scan/iam-report.json).
3. canary: the emulator reset, known-bad resources planted (a public unencrypted RDS instance, an unencrypted bucket,
   an SG open on 22 to 0.0.0.0/0, a key without rotation, ...), prowler again into build/scan/canary/: each canary's
   check must FAIL on its resource; one that does not is reported "not verifiable on the emulator".

The summary (PASS/FAIL per control for the platform's services, canaries, IAM findings) goes to
build/scan/summary.json and build/scan/summary.md. Exit status 1 if a canary check that ran was not caught or an IAM
finding of high severity is not listed in ``JUSTIFIED``.
"""

from __future__ import annotations

import argparse
import collections
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from emulator.control import start, stop  # noqa: E402

REGION = "us-west-2"
FRAMEWORKS = ("aws_foundational_security_best_practices_aws", "cis_5.0_aws")
#: prowler services of the platform (EC2/VPC, S3, KMS, RDS, EKS, ElastiCache, MSK, CloudTrail, CloudWatch, Secrets
#: Manager, IAM); the summary is limited to them.
SERVICES = (
    "ec2",
    "vpc",
    "s3",
    "kms",
    "rds",
    "eks",
    "elasticache",
    "kafka",
    "cloudtrail",
    "cloudwatch",
    "secretsmanager",
    "iam",
)
#: IAM findings of high severity that are accepted, with the reason (README "Security scan").
JUSTIFIED: dict[str, str] = {}

#: Why a FSBP/CIS FAIL in scope remains, per check (and, where the check fails for one resource only, a piece of its
#: uid). Each FAIL of the platform scan gets the first matching class; one with none is "unclassified" (a finding to
#: fix or to classify). Classes: local (a choice of the local inventory; the env named sets it), design (a choice of
#: the platform, docs/reliability.md says why), account (an account-level setting outside the collection, or the
#: account's default VPC), emulator (the emulator does not answer like AWS), prowler (prowler's own logic).
DEFAULT_VPC = "172.31."  # moto's default VPC, as every AWS account has one per Region
CLASSIFICATION: list[tuple[str, str, str, str]] = [
    # (check, piece of the resource uid or "", class, reason)
    ("rds_instance_multi_az", "", "local", "Multi-AZ in staging and prod (rds_multi_az)"),
    ("rds_instance_deletion_protection", "", "local", "deletion protection in staging and prod"),
    ("eks_cluster_not_publicly_accessible", "", "local", "public endpoint by CIDR in local/dev; prod private"),
    ("kafka_cluster_enhanced_monitoring_enabled", "", "local", "PER_BROKER in staging, PER_TOPIC_PER_BROKER in prod"),
    ("elasticache_redis_cluster_backup_enabled", "", "local", "1-day snapshots in local/dev; 7 staging, 14 prod"),
    ("rds_instance_non_default_port", "", "design", "PostgreSQL on 5432 as the seed documents (rds_port)"),
    ("s3_bucket_kms_encryption", "-logs-", "design", "ALB access logs need SSE-S3 on their bucket"),
    ("s3_bucket_cross_account_access", "-logs-", "design", "the Region's ELB account writes the ALB access logs"),
    ("s3_bucket_server_access_logging_enabled", "-logs-", "design", "the access-logs bucket does not log to itself"),
    ("s3_bucket_object_lock", "", "design", "teardown and lifecycle delete objects; versioning + policies instead"),
    ("s3_bucket_no_mfa_delete", "", "account", "MFA delete can only be set by the root user with its MFA device"),
    ("secretsmanager_automatic_rotation_enabled", "redis-auth", "design", "rotated by ops/rotate_secrets.yml"),
    ("secretsmanager_automatic_rotation_enabled", "grafana-admin", "design", "no rotation Lambda; generated once"),
    ("vpc_endpoint_for_ec2_enabled", "", "design", "no EC2 interface endpoint: ~USD 22/month in 3 AZs; via NAT"),
    ("iam_password_policy_", "", "account", "the account's IAM password policy"),
    ("iam_support_role_created", "", "account", "a support role is an account-level choice"),
    ("iam_check_saml_providers_sts", "", "account", "identity federation is an account-level choice"),
    ("rds_cluster_critical_event_subscription", "", "prowler", "no Aurora cluster; a FAIL per other subscription"),
    ("rds_instance_event_subscription_security_groups", "", "prowler", "no DB security groups (VPC only)"),
    ("rds_instance_critical_event_subscription", ":account", "prowler", "a FAIL per other subscription"),
    ("rds_instance_event_subscription_parameter_groups", ":account", "prowler", "a FAIL per other subscription"),
]
#: Checks on the account's default VPC (every AWS account has one per Region; the platform makes its own VPC).
DEFAULT_VPC_CHECKS = (
    "vpc_subnet_no_public_ip_by_default",
    "vpc_flow_logs_enabled",
    "vpc_endpoint_for_ec2_enabled",
    "ec2_securitygroup_default_restrict_traffic",
    "ec2_networkacl_allow_ingress_any_port",
    "ec2_networkacl_allow_ingress_tcp_port_22",
    "ec2_networkacl_allow_ingress_tcp_port_3389",
)


def classify(failing: list[dict[str, str]], default_vpc_ids: set[str]) -> None:
    """Set ``class`` and ``reason`` on each FAIL (``unclassified`` when none applies)."""
    for f in failing:
        f["class"], f["reason"] = "unclassified", ""
        if f["check"] in DEFAULT_VPC_CHECKS and any(i in f["resource"] for i in default_vpc_ids):
            f["class"], f["reason"] = "account", "the account's default VPC (not the platform's)"
            continue
        for check, piece, cls, reason in CLASSIFICATION:
            if f["check"].startswith(check) and piece in f["resource"]:
                f["class"], f["reason"] = cls, reason
                break


def default_vpc_resources(endpoint: str) -> set[str]:
    """Ids of the default VPC and of its subnets, default group and network ACL."""
    ec2 = client(endpoint, "ec2")
    vpcs = [v["VpcId"] for v in ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]]
    if not vpcs:
        return set()
    flt = [{"Name": "vpc-id", "Values": vpcs}]
    ids = set(vpcs)
    ids |= {s["SubnetId"] for s in ec2.describe_subnets(Filters=flt)["Subnets"]}
    ids |= {g["GroupId"] for g in ec2.describe_security_groups(Filters=flt)["SecurityGroups"]}
    ids |= {n["NetworkAclId"] for n in ec2.describe_network_acls(Filters=flt)["NetworkAcls"]}
    return ids


def aws_env(endpoint: str) -> dict[str, str]:
    return {
        **os.environ,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
    }


def session(endpoint: str):
    import boto3

    return boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)


def client(endpoint: str, service: str):
    return session(endpoint).client(service, endpoint_url=endpoint)


# --------------------------------------------------------------------------- prowler


def run_prowler(prowler: str, endpoint: str, out: Path, checks: list[str] | None = None) -> list[dict[str, Any]]:
    """prowler over the emulator: the FSBP and CIS 5.0 checks, or only ``checks`` (the canary scan)."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    cmd = [
        prowler,
        "aws",
        "--region",
        REGION,
        "--scan-unused-services",
        *(["--checks", *checks] if checks else ["--compliance", *FRAMEWORKS]),
        "--output-formats",
        "json-ocsf",
        "--output-directory",
        str(out),
        "--no-banner",
    ]
    started = time.monotonic()
    with (out / "prowler.log").open("w") as log:
        proc = subprocess.run(cmd, env=aws_env(endpoint), stdout=log, stderr=subprocess.STDOUT, cwd=out)
    files = glob.glob(str(out / "*.ocsf.json"))
    if not files:
        tail = (out / "prowler.log").read_text(errors="replace")[-3000:]
        raise SystemExit(f"prowler wrote no JSON-OCSF output (exit {proc.returncode}):\n{tail}")
    print(f"prowler: exit {proc.returncode} in {time.monotonic() - started:.0f}s, output {files[0]}")
    return json.loads(Path(files[0]).read_text())


def controls_of(finding: dict[str, Any]) -> list[str]:
    """The FSBP and CIS 5.0 controls a finding maps to (``FSBP EC2.19``, ``CIS 5.0 5.3``)."""
    compliance = finding.get("unmapped", {}).get("compliance", {}) or {}
    out = [f"FSBP {c}" for c in compliance.get("AWS-Foundational-Security-Best-Practices", [])]
    out += [f"CIS 5.0 {c}" for c in compliance.get("CIS-5.0", [])]
    return out


def summarise(findings: list[dict[str, Any]]) -> dict[str, Any]:
    """PASS/FAIL per control (and per check without a control) for the platform's services."""
    per_control: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    per_service: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    failing: list[dict[str, str]] = []
    for f in findings:
        service = f["finding_info"]["analytic"]["category"] if "analytic" in f["finding_info"] else ""
        service = service or f["metadata"]["event_code"].split("_")[0]
        if service not in SERVICES:
            continue
        status = f["status_code"]
        per_service[service][status] += 1
        controls = controls_of(f) or [f"check {f['metadata']['event_code']}"]
        for control in controls:
            per_control[f"{service} | {control} | {f['metadata']['event_code']}"][status] += 1
        if status == "FAIL" and controls_of(f):
            failing.append(
                {
                    "check": f["metadata"]["event_code"],
                    "controls": ", ".join(controls_of(f)),
                    "resource": f["resources"][0]["uid"],
                    "severity": f.get("severity", ""),
                }
            )
    return {
        "per_service": {k: dict(v) for k, v in sorted(per_service.items())},
        "per_control": {k: dict(v) for k, v in sorted(per_control.items())},
        "fail_in_scope": len(failing),
        "failing": failing,
    }


# --------------------------------------------------------------------------- the platform


def deploy(endpoint: str, build: Path) -> None:
    playbook = str(Path(sys.executable).with_name("ansible-playbook"))
    extra = json.dumps({"ecap_build_dir": str(build)})
    with (build / "site.log").open("w") as log:
        rc = subprocess.run(
            [playbook, "site.yml", "-i", "inventories/local", "-e", extra],
            cwd=ROOT,
            env=aws_env(endpoint),
            stdout=log,
            stderr=subprocess.STDOUT,
        ).returncode
    if rc != 0:
        raise SystemExit(f"the site failed (rc={rc}); see {build / 'site.log'}")


def export_policies(endpoint: str, out: Path) -> list[Path]:
    """Every identity and trust policy the site created, as one JSON file each."""
    from urllib.parse import unquote

    iam = client(endpoint, "iam")
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    files = []

    def write(name: str, document: Any) -> None:
        if isinstance(document, str):
            document = json.loads(unquote(document))
        path = out / f"{name}.json"
        path.write_text(json.dumps(document, indent=2, sort_keys=True))
        files.append(path)

    for page in iam.get_paginator("list_policies").paginate(Scope="Local"):
        for policy in page["Policies"]:
            version = iam.get_policy_version(PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"])
            write(f"policy-{policy['PolicyName']}", version["PolicyVersion"]["Document"])
    for page in iam.get_paginator("list_roles").paginate():
        for role in page["Roles"]:
            if role["Path"].startswith("/aws-service-role/"):
                continue
            write(f"trust-{role['RoleName']}", role["AssumeRolePolicyDocument"])
            for name in iam.list_role_policies(RoleName=role["RoleName"])["PolicyNames"]:
                document = iam.get_role_policy(RoleName=role["RoleName"], PolicyName=name)["PolicyDocument"]
                write(f"inline-{role['RoleName']}-{name}", document)
    return files


def lint_policies(files: list[Path], tools: Path) -> dict[str, Any]:
    """parliament and cloudsplaining over each identity policy (trust policies: parliament only)."""
    parliament, cloudsplaining = str(tools / "parliament"), str(tools / "cloudsplaining")
    report: dict[str, Any] = {"policies": len(files), "parliament": {}, "cloudsplaining": {}}
    for path in files:
        is_trust = path.name.startswith("trust-")
        # --string: parliament refuses --file when its standard input is not a terminal
        args = [parliament, "--string", path.read_text(), "--json"]
        proc = subprocess.run(args, capture_output=True, text=True, stdin=subprocess.DEVNULL)
        found = [json.loads(line) for line in proc.stdout.splitlines() if line.strip().startswith("{")]
        if is_trust:  # a trust policy has a Principal and sts:AssumeRole*: parliament's identity-policy rules only
            # (parliament reads every document as an identity policy: a Principal makes it MALFORMED)
            found = [f for f in found if f.get("issue") not in ("UNKNOWN_PRINCIPAL", "RESOURCE_STAR", "MALFORMED")]
        if found:
            report["parliament"][path.name] = [
                {"issue": f.get("issue"), "severity": f.get("severity"), "title": f.get("title")} for f in found
            ]
        if is_trust:
            continue
        proc = subprocess.run(
            [cloudsplaining, "scan-policy-file", "--input-file", str(path), "--high-priority-only"],
            capture_output=True,
            text=True,
        )
        text = re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout + proc.stderr)
        issues: dict[str, list[str]] = {}
        current = None
        for line in text.splitlines():
            if line.startswith("Potential Issue found:"):
                current = line.split(":", 1)[1].strip().removeprefix("Policy is capable of ").strip()
                issues[current] = []
            elif line.startswith("Actions:") and current:
                issues[current] = line.split(":", 1)[1].strip().split(", ")
        if issues:
            report["cloudsplaining"][path.name] = issues
    high = [
        f"{name}: parliament {f['issue']}"
        for name, findings in report["parliament"].items()
        for f in findings
        if str(f.get("severity")).upper() in ("HIGH", "CRITICAL")
    ]
    # cloudsplaining's high-priority risks (its --high-priority-only): of actions without resource constraints.
    high += [
        f"{name}: cloudsplaining {issue} ({', '.join(actions[:5])}{', ...' if len(actions) > 5 else ''})"
        for name, issues in report["cloudsplaining"].items()
        for issue, actions in issues.items()
        if issue in ("Privilege Escalation", "Resource Exposure", "Data Exfiltration", "Credentials Exposure")
    ]
    report["high"] = high
    report["high_unjustified"] = [h for h in high if h.split(" (")[0] not in JUSTIFIED]
    return report


# --------------------------------------------------------------------------- canaries


def plant_canaries(endpoint: str) -> list[dict[str, str]]:
    """Known-bad resources, each with the prowler check that must FAIL on it (matched in the resource's ARN/uid)."""
    ec2, s3, kms = client(endpoint, "ec2"), client(endpoint, "s3"), client(endpoint, "kms")
    vpc = ec2.create_vpc(CidrBlock="10.99.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.99.{i}.0/24", AvailabilityZone=f"{REGION}{z}")["Subnet"]["SubnetId"]
        for i, z in enumerate("ab")
    ]
    sg = ec2.create_security_group(GroupName="canary-ssh-open", Description="canary", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=sg,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )
    # A public database: publicly accessible, in a subnet routed to an internet gateway, its port open to the world.
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    main_rt = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"][0]
    ec2.create_route(RouteTableId=main_rt["RouteTableId"], DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    db_sg = ec2.create_security_group(GroupName="canary-db-open", Description="canary", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=db_sg,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )
    s3.create_bucket(Bucket="canary-unencrypted", CreateBucketConfiguration={"LocationConstraint": REGION})
    key = kms.create_key(Description="canary without rotation")["KeyMetadata"]["KeyId"]
    rds = client(endpoint, "rds")
    rds.create_db_subnet_group(DBSubnetGroupName="canary", DBSubnetGroupDescription="canary", SubnetIds=subnets)
    rds.create_db_instance(
        DBInstanceIdentifier="canary-public-db",
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        AllocatedStorage=20,
        MasterUsername="canary",
        MasterUserPassword="canary-password-1",
        PubliclyAccessible=True,
        StorageEncrypted=False,
        DBSubnetGroupName="canary",
        VpcSecurityGroupIds=[db_sg],
        BackupRetentionPeriod=0,
        DeletionProtection=False,
    )
    iam = client(endpoint, "iam")
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "eks.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
    role = iam.create_role(RoleName="canary-eks", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    client(endpoint, "eks").create_cluster(
        name="canary-public-eks",
        roleArn=role,
        resourcesVpcConfig={
            "subnetIds": subnets,
            "endpointPublicAccess": True,
            "endpointPrivateAccess": False,
            "publicAccessCidrs": ["0.0.0.0/0"],
        },
    )
    admin = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    policy = iam.create_policy(PolicyName="canary-admin", PolicyDocument=json.dumps(admin))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="canary-eks", PolicyArn=policy)
    client(endpoint, "elasticache").create_replication_group(
        ReplicationGroupId="canary-redis",
        ReplicationGroupDescription="canary without encryption",
        Engine="redis",
        CacheNodeType="cache.t3.micro",
        NumCacheClusters=1,
        SnapshotRetentionLimit=0,
        AtRestEncryptionEnabled=False,
        TransitEncryptionEnabled=False,
    )
    client(endpoint, "secretsmanager").create_secret(Name="canary-unrotated", SecretString="canary-value-123")
    client(endpoint, "logs").create_log_group(logGroupName="/canary/unencrypted")
    canaries = [
        ("SG open on 22 to 0.0.0.0/0", "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22", sg),
        ("bucket without SSE-KMS", "s3_bucket_kms_encryption", "canary-unencrypted"),
        ("bucket without public access block", "s3_bucket_level_public_access_block", "canary-unencrypted"),
        ("key without rotation", "kms_cmk_rotation_enabled", key),
        ("public RDS instance", "rds_instance_no_public_access", "canary-public-db"),
        ("unencrypted RDS storage", "rds_instance_storage_encrypted", "canary-public-db"),
        ("RDS without deletion protection", "rds_instance_deletion_protection", "canary-public-db"),
        ("public EKS endpoint open to 0.0.0.0/0", "eks_cluster_not_publicly_accessible", "canary-public-eks"),
        ("Redis without encryption at rest", "elasticache_redis_cluster_rest_encryption_enabled", "canary-redis"),
        ("Redis without TLS", "elasticache_redis_cluster_in_transit_encryption_enabled", "canary-redis"),
        ("Redis without backups", "elasticache_redis_cluster_backup_enabled", "canary-redis"),
        ("secret without rotation", "secretsmanager_automatic_rotation_enabled", "canary-unrotated"),
        ("log group without KMS", "cloudwatch_log_group_kms_encryption_enabled", "/canary/unencrypted"),
        ("VPC without flow logs", "vpc_flow_logs_enabled", vpc),
        ("policy granting *:*", "iam_customer_attached_policy_no_administrative_privileges", "canary-admin"),
    ]
    return [{"canary": c, "check": k, "resource": r} for c, k, r in canaries]


def judge_canaries(canaries: list[dict[str, str]], findings: list[dict[str, Any]]) -> list[dict[str, str]]:
    for canary in canaries:
        mine = [
            f
            for f in findings
            if f["metadata"]["event_code"] == canary["check"]
            and any(canary["resource"] in (r.get("uid", "") + " " + r.get("name", "")) for r in f["resources"])
        ]
        statuses = sorted({f["status_code"] for f in mine})
        if "FAIL" in statuses:
            canary["result"] = "caught"
        elif not mine:
            canary["result"] = "not verifiable on the emulator (the check reported nothing on the canary)"
        else:
            canary["result"] = f"not verifiable on the emulator (the check reported {', '.join(statuses)})"
    return canaries


# --------------------------------------------------------------------------- report


def markdown(summary: dict[str, Any]) -> str:
    lines = ["# Security scan of the platform on the emulator", ""]
    platform = summary["platform"]
    lines += [
        f"FSBP/CIS FAIL findings in scope: **{platform['fail_in_scope']}**",
        "",
        "| service | PASS | FAIL |",
        "|---|---|---|",
    ]
    for service, counts in platform["per_service"].items():
        lines.append(f"| {service} | {counts.get('PASS', 0)} | {counts.get('FAIL', 0)} |")
    lines += ["", "| service / control / check | PASS | FAIL |", "|---|---|---|"]
    for control, counts in platform["per_control"].items():
        lines.append(f"| {control} | {counts.get('PASS', 0)} | {counts.get('FAIL', 0)} |")
    if "fail_by_class" in platform:
        lines += ["", "## Why each FAIL remains", "", f"By class: {platform['fail_by_class']}", ""]
        lines += ["| check | controls | resource | class | reason |", "|---|---|---|---|---|"]
        for f in sorted(platform["failing"], key=lambda f: (f["class"], f["check"])):
            resource = f["resource"].split(":", 5)[-1]
            lines.append(f"| {f['check']} | {f['controls']} | {resource} | {f['class']} | {f['reason']} |")
    lines += ["", "## Canaries", "", "| canary | check | result |", "|---|---|---|"]
    for c in summary["canaries"]:
        lines.append(f"| {c['canary']} | {c['check']} | {c['result']} |")
    iam = summary["iam"]
    lines += ["", "## IAM policies", "", f"{iam['policies']} documents; high findings: {len(iam['high'])}", ""]
    lines += [f"- {h}" for h in iam["high"]]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prowler", default=str(ROOT / ".tools/prowler-venv/bin/prowler"))
    parser.add_argument("--iam-tools", default=str(ROOT / ".tools/iam-venv/bin"))
    parser.add_argument("--out", default=str(ROOT / "build/scan"))
    parser.add_argument("--skip-platform", action="store_true", help="canaries only")
    args = parser.parse_args()
    args.prowler = str(Path(args.prowler).resolve())  # prowler runs in its output directory
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    summary: dict[str, Any] = {}
    emu = start(port=None, quiet=True)
    try:
        if not args.skip_platform:
            build = out / "site-build"
            build.mkdir(exist_ok=True)
            deploy(emu.endpoint, build)
            summary["platform"] = summarise(run_prowler(args.prowler, emu.endpoint, out / "platform"))
            classify(summary["platform"]["failing"], default_vpc_resources(emu.endpoint))
            summary["platform"]["fail_by_class"] = dict(
                collections.Counter(f["class"] for f in summary["platform"]["failing"])
            )
            summary["iam"] = lint_policies(export_policies(emu.endpoint, out / "iam"), Path(args.iam_tools))
        emu.reset()
        canaries = plant_canaries(emu.endpoint)
        checks = sorted({c["check"] for c in canaries})
        summary["canaries"] = judge_canaries(canaries, run_prowler(args.prowler, emu.endpoint, out / "canary", checks))
    finally:
        stop(emu)
    (out / "summary.json").write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")
    if "platform" in summary:
        (out / "summary.md").write_text(markdown(summary))
    caught = sum(c["result"] == "caught" for c in summary["canaries"])
    print(f"canaries caught: {caught}/{len(summary['canaries'])}")
    for c in summary["canaries"]:
        print(f"  {c['canary']}: {c['check']}: {c['result']}")
    if "platform" in summary:
        print(
            f"FSBP/CIS FAIL in scope: {summary['platform']['fail_in_scope']} "
            f"(by class: {summary['platform'].get('fail_by_class')}); "
            f"per service: {summary['platform']['per_service']}"
        )
        print(f"IAM: {summary['iam']['policies']} documents, high findings: {summary['iam']['high']}")
    print(f"summary: {out / 'summary.json'}")
    bad = summary.get("iam", {}).get("high_unjustified", [])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
