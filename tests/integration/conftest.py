"""Integration harness: run playbooks of this checkout against a private emulator.

Each test module gets its own emulator on a free port (``emulator.control.running``); playbooks run
with ``AWS_ENDPOINT_URL`` pointing at it, so the preflight role starts no emulator of its own.
Results come from the ``ansible.posix.json`` callback, so tests assert on every task, not on text.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from emulator.control import running  # noqa: E402

ANSIBLE_PLAYBOOK = str(Path(sys.executable).with_name("ansible-playbook"))


@dataclass
class PlayResult:
    rc: int
    raw: dict[str, Any]
    stderr: str
    tasks: list[dict[str, Any]] = field(default_factory=list)

    @property
    def stats(self) -> dict[str, int]:
        return self.raw.get("stats", {}).get("localhost", {})

    @property
    def changed(self) -> int:
        return self.stats.get("changed", 0)

    def changed_tasks(self) -> list[str]:
        return [t["name"] for t in self.tasks if t["changed"]]

    def failed_tasks(self) -> list[str]:
        # A module that crashed has no msg of its own worth reading: its stderr (the traceback) is.
        return [f"{t['name']}: {t['msg']}{_stderr(t['result'])}" for t in self.tasks if t["failed"]]

    def failure_text(self) -> str:
        return "\n".join(self.failed_tasks()) or self.stderr[-3000:]


def _flatten(raw: dict[str, Any]) -> list[dict[str, Any]]:
    tasks = []
    for play in raw.get("plays", []):
        for task in play.get("tasks", []):
            result = task.get("hosts", {}).get("localhost", {})
            items = result.get("results") if isinstance(result.get("results"), list) else None
            changed = bool(result.get("changed")) or any(bool(i.get("changed")) for i in items or [])
            failed = bool(result.get("failed")) or any(bool(i.get("failed")) for i in items or [])
            item_msgs = [str(i.get("msg")) for i in items or [] if i.get("failed") and i.get("msg")]
            msg = "; ".join(item_msgs) if item_msgs else result.get("msg") or ""
            tasks.append(
                {"name": task["task"]["name"], "changed": changed, "failed": failed, "msg": msg, "result": result}
            )
    return tasks


def _stderr(result: dict[str, Any]) -> str:
    return f"\n{result['module_stderr'][-3000:]}" if result.get("module_stderr") else ""


@dataclass
class Runner:
    endpoint: str
    emulator: Any
    build_dir: Path

    def run(
        self,
        playbook: str = "site.yml",
        *args: str,
        extra: dict[str, Any] | None = None,
        check: bool = False,
        inventory: str = "inventories/local",
    ) -> PlayResult:
        env = {
            **os.environ,
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-west-2",
            "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
            "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json",
            "ANSIBLE_CALLBACK_RESULT_FORMAT": "json",
            "ANSIBLE_DEPRECATION_WARNINGS": "false",
        }
        variables = {"ecap_build_dir": str(self.build_dir), **(extra or {})}
        cmd = [ANSIBLE_PLAYBOOK, playbook, "-i", inventory, "-e", json.dumps(variables), *args]
        if check:
            cmd += ["--check", "--diff"]
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200)
        try:
            raw = json.loads(proc.stdout[proc.stdout.index("{") :])
        except ValueError:
            raw = {}
        # Each run's JSON log, numbered, beside the build: to read a failure or a slow task afterwards.
        runs = self.build_dir / "runs"
        runs.mkdir(exist_ok=True)
        name = f"{len(list(runs.iterdir())):02d}-{Path(playbook).stem}{'-check' if check else ''}.json"
        (runs / name).write_text(proc.stdout)
        return PlayResult(proc.returncode, raw, proc.stderr + proc.stdout[-2000:], _flatten(raw))

    def plan(self) -> tuple[PlayResult, dict[str, Any]]:
        """Run playbooks/plan.yml (check mode + diff); the run and the plan.json it wrote."""
        result = self.run("playbooks/plan.yml", check=True)
        assert result.rc == 0, result.failure_text()
        return result, json.loads((self.build_dir / "plan.json").read_text())


@pytest.fixture(scope="module")
def emulator():
    with running() as emu:
        yield emu


@pytest.fixture(scope="module")
def runner(emulator, tmp_path_factory):
    return Runner(emulator.endpoint, emulator, tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="module")
def aws(emulator):
    """boto3 clients on the module's emulator: aws('ec2').describe_vpcs()."""
    import boto3

    session = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-west-2"
    )
    return lambda service: session.client(service, endpoint_url=emulator.endpoint)


class CallCounter:
    """The calls one service received inside a ``with`` block, per operation (``calls``), from the emulator."""

    def __init__(self, emulator: Any, service: str) -> None:
        self.emulator, self.service, self.calls = emulator, service, {}

    def _snapshot(self) -> dict[str, int]:
        return dict(self.emulator.counters()["services"].get(self.service, {}))

    def __enter__(self) -> CallCounter:
        self._before = self._snapshot()
        return self

    def __exit__(self, *exc: Any) -> None:
        after = self._snapshot()
        self.calls = {op: n - self._before.get(op, 0) for op, n in after.items() if n - self._before.get(op, 0)}

    @property
    def total(self) -> int:
        return sum(self.calls.values())


@pytest.fixture(scope="module")
def count_calls(emulator):
    """``with count_calls("iam") as iam: ...`` then ``iam.calls == {"GetRole": 1, ...}`` (the no-op budgets)."""
    return lambda service="iam": CallCounter(emulator, service)


# --------------------------------------------------------------------------- foundation

FOUNDATION_TAGS = {"Project": "ecap", "Environment": "local", "ManagedBy": "ecap.platform"}
KMS_SERVICES = ("eks", "rds", "msk", "redis", "s3", "logs", "secrets", "sns")
SECURITY_GROUPS = ("alb", "eks_cluster", "eks_nodes", "rds", "msk", "redis", "monitoring")


def make_foundation(aws, prefix: str = "ecap-local", cidr: str = "10.0.0.0/16") -> dict[str, Any]:
    """Create with boto3 (in about a second) what the kms, network and security_groups tiers make.

    Returns their output facts (``kms_outputs``, ``network_outputs``, ``security_groups_outputs``)
    in the shape the roles publish, to pass as extra vars to ``site.yml --tags <tier>``: a tier's
    integration test then runs only that tier's tasks, on top of a realistic foundation.
    """
    tags = [{"Key": k, "Value": v} for k, v in FOUNDATION_TAGS.items()]
    kms = aws("kms")
    key_arns, key_ids, aliases = {}, {}, {}
    for service in KMS_SERVICES:
        key = kms.create_key(
            Description=f"{prefix} {service}", Tags=[{"TagKey": t["Key"], "TagValue": t["Value"]} for t in tags]
        )
        meta = key["KeyMetadata"]
        kms.create_alias(AliasName=f"alias/{prefix}-{service}", TargetKeyId=meta["KeyId"])
        key_arns[service], key_ids[service], aliases[service] = meta["Arn"], meta["KeyId"], f"alias/{prefix}-{service}"

    ec2 = aws("ec2")
    azs = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]][:3]
    vpc_id = ec2.create_vpc(
        CidrBlock=cidr,
        TagSpecifications=[{"ResourceType": "vpc", "Tags": [*tags, {"Key": "Name", "Value": f"{prefix}-vpc"}]}],
    )["Vpc"]["VpcId"]
    base = ".".join(cidr.split(".")[:2])
    subnets: dict[str, list[str]] = {}
    for offset, tier in ((0, "public"), (10, "private"), (20, "database")):
        subnets[tier] = []
        for index, az in enumerate(azs):
            name = f"{prefix}-{tier}-{az}"
            subnets[tier].append(
                ec2.create_subnet(
                    VpcId=vpc_id,
                    CidrBlock=f"{base}.{offset + index}.0/24",
                    AvailabilityZone=az,
                    TagSpecifications=[{"ResourceType": "subnet", "Tags": [*tags, {"Key": "Name", "Value": name}]}],
                )["Subnet"]["SubnetId"]
            )
    group_ids = {}
    for key in SECURITY_GROUPS:
        name = f"{prefix}-{key.replace('_', '-')}-sg"
        group_ids[key] = ec2.create_security_group(
            GroupName=name,
            Description=f"{prefix} {key}",
            VpcId=vpc_id,
            TagSpecifications=[
                {
                    "ResourceType": "security-group",
                    "Tags": [*tags, {"Key": "Name", "Value": name}, {"Key": "Role", "Value": key}],
                }
            ],
        )["GroupId"]
    return {
        "kms_outputs": {"key_arns": key_arns, "key_ids": key_ids, "aliases": aliases},
        "network_outputs": {
            "vpc_id": vpc_id,
            "vpc_cidr": cidr,
            "vpc_name": f"{prefix}-vpc",
            "availability_zones": azs,
            "public_subnet_ids": subnets["public"],
            "private_subnet_ids": subnets["private"],
            "database_subnet_ids": subnets["database"],
            "database_subnet_group_name": f"{prefix}-database",
        },
        "security_groups_outputs": {"vpc_id": vpc_id, "group_ids": group_ids},
    }


@pytest.fixture(scope="module")
def foundation(aws) -> dict[str, Any]:
    """The kms/network/security_groups outputs of a foundation made with boto3 on the module's emulator.

    Use: ``runner.run("site.yml", "--tags", "rds", extra=foundation)``.
    """
    return make_foundation(aws)
