"""No secret in any output: the site is run with -vvv (the default callback, what an operator sees) on the
emulator, twice (the create paths, then the converged paths), and the logs and every file the run wrote are
searched for each secret value the emulator holds -- the Secrets Manager secrets (the RDS managed master
password, the Redis AUTH token, ...), whole and field by field. Slow (site runs): `make test-reliability`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from reliability_helpers import ROOT, record_figures

pytestmark = pytest.mark.reliability
ANSIBLE_PLAYBOOK = str(Path(sys.executable).with_name("ansible-playbook"))


def _run_verbose(runner, log: Path) -> int:
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": runner.endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-west-2",
        "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
        "ANSIBLE_STDOUT_CALLBACK": "default",
    }
    extra = json.dumps({"ecap_build_dir": str(runner.build_dir)})
    with log.open("w") as out:
        cmd = [ANSIBLE_PLAYBOOK, "site.yml", "-i", "inventories/local", "-e", extra, "-vvv"]
        return subprocess.run(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=1800).returncode


def _secret_values(endpoint: str) -> dict[str, str]:
    """Every secret value the emulator holds, by secret name (and name.field for JSON secrets)."""
    sm = boto3.client(
        "secretsmanager",
        endpoint_url=endpoint,
        region_name="us-west-2",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    values: dict[str, str] = {}
    for page in sm.get_paginator("list_secrets").paginate():
        for secret in page["SecretList"]:
            value = sm.get_secret_value(SecretId=secret["ARN"]).get("SecretString") or ""
            values[secret["Name"]] = value
            try:
                fields = json.loads(value)
            except ValueError:
                continue
            if isinstance(fields, dict):
                for key, field in fields.items():
                    # usernames, hosts and ports are not secrets; passwords, tokens and keys are
                    if isinstance(field, str) and key.lower() not in ("username", "host", "engine", "dbname"):
                        values[f"{secret['Name']}.{key}"] = field
    return values


def test_no_secret_value_in_a_verbose_run_or_its_files(emu, runner, baseline, tmp_path):
    emu.reset()
    logs = [tmp_path / "site-create.log", tmp_path / "site-converged.log"]
    for log in logs:
        assert _run_verbose(runner, log) == 0, log.read_text()[-3000:]
    secrets = {name: value for name, value in _secret_values(emu.endpoint).items() if len(value) >= 8}
    assert any("rds" in name.lower() for name in secrets), f"the RDS managed password is a secret: {sorted(secrets)}"
    assert any("redis" in name.lower() or "auth" in name.lower() for name in secrets), sorted(secrets)
    files = logs + [p for p in Path(runner.build_dir).rglob("*") if p.is_file()]
    leaks = [
        f"{name} in {path.name}"
        for path in files
        for name, value in secrets.items()
        if value in path.read_text(errors="replace")
    ]
    record_figures(
        "secrets",
        {
            "secret_values_checked": len(secrets),
            "files_searched": len(files),
            "log_bytes": sum(p.stat().st_size for p in logs),
            "leaks": leaks,
        },
    )
    assert leaks == [], leaks
    teardown = runner.run("playbooks/teardown.yml", extra={"teardown_delete_data": True})
    assert teardown.rc == 0, teardown.failure_text()
