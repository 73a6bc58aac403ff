"""``python -m emulator start|status|stop|resources|serve`` as playbooks and users run them."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from emulator.control import PACKAGE_PARENT, Emulator, free_port, is_running

TAG = "Project=leaktest"


def cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "emulator", *args], cwd=PACKAGE_PARENT, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def started(tmp_path_factory):
    """An emulator started in the background by the CLI, as the preflight role does."""
    work = tmp_path_factory.mktemp("cli")
    port = free_port()
    pidfile, logfile = work / "run" / "emulator.pid", work / "emulator.log"
    assert cli("status", "--port", str(port)).returncode == 1
    result = cli("start", "--port", str(port), "--pidfile", str(pidfile), "--logfile", str(logfile), "--quiet")
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout
    yield {"port": port, "pidfile": pidfile, "logfile": logfile}
    cli("stop", "--port", str(port), "--pidfile", str(pidfile))


def test_start_writes_pidfile_and_log(started) -> None:
    pid = int(started["pidfile"].read_text())
    assert Emulator(started["port"]).info()["pid"] == pid
    assert "listening on" in started["logfile"].read_text()


def test_start_again_is_a_no_op(started) -> None:
    result = cli("start", "--port", str(started["port"]), "--pidfile", str(started["pidfile"]))
    assert result.returncode == 0
    assert "already running" in result.stdout


def test_status_when_running(started) -> None:
    result = cli("status", "--port", str(started["port"]))
    assert result.returncode == 0 and "running" in result.stdout


def _plant(ec2, kms, logs, iam, s3, secrets, tags: list[dict[str, str]]) -> dict[str, str]:
    """Tagged resources of every kind the listing covers, plus ones it must leave out."""
    spec = lambda kind: [{"ResourceType": kind, "Tags": tags}]  # noqa: E731
    vpc = ec2.create_vpc(CidrBlock="10.50.0.0/16", TagSpecifications=spec("vpc"))["Vpc"]["VpcId"]
    ec2.create_vpc(CidrBlock="10.51.0.0/16")  # untagged: not listed
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.50.1.0/24", TagSpecifications=spec("subnet"))["Subnet"]
    igw = ec2.create_internet_gateway(TagSpecifications=spec("internet-gateway"))["InternetGateway"]
    eip = ec2.allocate_address(Domain="vpc", TagSpecifications=spec("elastic-ip"))["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=subnet["SubnetId"], AllocationId=eip, TagSpecifications=spec("natgateway"))
    eip2 = ec2.allocate_address(Domain="vpc")["AllocationId"]
    dead = ec2.create_nat_gateway(SubnetId=subnet["SubnetId"], AllocationId=eip2, TagSpecifications=spec("natgateway"))
    ec2.delete_nat_gateway(NatGatewayId=dead["NatGateway"]["NatGatewayId"])  # deleted: not listed
    rtb = ec2.create_route_table(VpcId=vpc, TagSpecifications=spec("route-table"))["RouteTable"]
    sg = ec2.create_security_group(
        GroupName="leak", Description="leak", VpcId=vpc, TagSpecifications=spec("security-group")
    )
    vpce = ec2.create_vpc_endpoint(
        VpcId=vpc,
        ServiceName="com.amazonaws.us-west-2.s3",
        VpcEndpointType="Gateway",
        RouteTableIds=[rtb["RouteTableId"]],
        TagSpecifications=spec("vpc-endpoint"),
    )
    eni = ec2.create_network_interface(SubnetId=subnet["SubnetId"], TagSpecifications=spec("network-interface"))
    key = kms.create_key(Tags=[{"TagKey": t["Key"], "TagValue": t["Value"]} for t in tags])["KeyMetadata"]
    kms.create_alias(AliasName="alias/leak", TargetKeyId=key["KeyId"])
    doomed = kms.create_key(Tags=[{"TagKey": t["Key"], "TagValue": t["Value"]} for t in tags])["KeyMetadata"]
    kms.schedule_key_deletion(KeyId=doomed["Arn"], PendingWindowInDays=7)  # pending deletion: not listed
    logs.create_log_group(logGroupName="/leak/flow", tags={t["Key"]: t["Value"] for t in tags})
    role = iam.create_role(RoleName="leak-role", AssumeRolePolicyDocument="{}", Tags=tags)["Role"]
    iam.create_policy(
        PolicyName="leak-policy",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
        ),
        Tags=tags,
    )["Policy"]
    flow = ec2.create_flow_logs(
        ResourceIds=[vpc],
        ResourceType="VPC",
        TrafficType="ALL",
        LogGroupName="/leak/flow",
        DeliverLogsPermissionArn=role["Arn"],
        TagSpecifications=spec("vpc-flow-log"),
    )
    s3.create_bucket(Bucket="leak-bucket", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    s3.put_bucket_tagging(Bucket="leak-bucket", Tagging={"TagSet": tags})
    secret = secrets.create_secret(Name="leak-secret", SecretString="x", Tags=tags)
    return {
        "vpc": vpc,
        "subnet": subnet["SubnetId"],
        "internet_gateway": igw["InternetGatewayId"],
        "elastic_ip": eip,
        "nat_gateway": nat["NatGateway"]["NatGatewayId"],
        "route_table": rtb["RouteTableId"],
        "security_group": sg["GroupId"],
        "vpc_endpoint": vpce["VpcEndpoint"]["VpcEndpointId"],
        "network_interface": eni["NetworkInterface"]["NetworkInterfaceId"],
        "flow_log": flow["FlowLogIds"][0],
        "key": key["KeyId"],
        "alias": "alias/leak",
        "log_group": "/leak/flow",
        "role": "leak-role",
        "policy": "leak-policy",
        "bucket": "leak-bucket",
        "secret": secret["ARN"],
    }


def test_resources_lists_every_tagged_live_resource(started, clients_for) -> None:
    emu = Emulator(started["port"])
    aws = clients_for(emu)
    tags = [{"Key": "Project", "Value": "leaktest"}]
    planted = _plant(aws("ec2"), aws("kms"), aws("logs"), aws("iam"), aws("s3"), aws("secretsmanager"), tags)

    result = cli("resources", "--port", str(started["port"]), "--tag", TAG, "--json")
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    assert listed == emu.resources(TAG)
    by_type = {(r["type"]): r for r in listed if r["service"] != "secretsmanager"}
    for rtype, rid in planted.items():
        if rtype == "secret":
            assert any(r["arn"] == rid for r in listed), "the tagging API catch-all finds other services"
            continue
        assert by_type[rtype]["id"] == rid, rtype
    assert len([r for r in listed if r["service"] == "ec2"]) == 10, "no untagged VPC, no deleted NAT gateway"
    assert [r for r in listed if r["type"] == "key"] == [by_type["key"]], "no key pending deletion"
    assert all(set(r) == {"service", "type", "id", "arn"} and r["arn"].startswith("arn:aws:") for r in listed)

    table = cli("resources", "--port", str(started["port"]), "--tag", TAG)
    assert planted["vpc"] in table.stdout and table.stdout.splitlines()[0].split() == ["service", "type", "id", "arn"]
    assert emu.resources({"Project": "none"}) == []


def test_stop_is_idempotent(started) -> None:
    port, pidfile = str(started["port"]), str(started["pidfile"])
    result = cli("stop", "--port", port, "--pidfile", pidfile)
    assert result.returncode == 0 and "stopped" in result.stdout
    assert not is_running(started["port"])
    assert not started["pidfile"].exists()
    assert cli("status", "--port", port).returncode == 1
    again = cli("stop", "--port", port, "--pidfile", pidfile)
    assert again.returncode == 0 and "not running" in again.stdout


def test_stop_leaves_a_stale_pidfiles_process_alone(tmp_path: Path) -> None:
    pidfile = tmp_path / "emulator.pid"
    pidfile.write_text(f"{os.getpid()}\n")  # a live process that is not an emulator: this test
    result = cli("stop", "--port", str(free_port()), "--pidfile", str(pidfile))
    assert result.returncode == 0 and "not running" in result.stdout
    assert not pidfile.exists()


def test_start_fails_clearly_when_the_port_is_taken(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = cli("start", "--port", port, "--logfile", str(tmp_path / "log"), "--timeout", "20")
    assert result.returncode == 1
    assert "exited" in result.stderr and "Address already in use" in result.stderr


def test_serve_rejects_a_bad_fault_config() -> None:
    result = cli("serve", "--port", str(free_port()), "--faults", '{"rules": [{"kind": "boom", "rate": 1}]}')
    assert result.returncode == 2 and "unknown fault kind" in result.stderr
