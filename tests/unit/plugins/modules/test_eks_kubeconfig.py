"""eks_kubeconfig end to end: main() in process against a private emulator holding a cluster made
with boto3. The written file is read back with the kubernetes Python client (what kubernetes.core
uses): its host is the cluster endpoint and its bearer token decodes to a presigned STS URL with the
cluster's x-k8s-aws-id header signed in. The exec user is run through a stand-in ``aws`` on PATH."""

from __future__ import annotations

import functools
import json
import os
import stat
import sys
import textwrap
from datetime import datetime, timedelta
from pathlib import Path

import boto3
import botocore.auth
import pytest
import yaml
from ansible_collections.ecap.platform.plugins.module_utils import eks_token
from ansible_collections.ecap.platform.plugins.module_utils.eks_token import decode_token, get_token, inspect_token
from ansible_collections.ecap.platform.plugins.modules import eks_kubeconfig
from kubernetes import client as k8s_client
from kubernetes.config import kube_config

ROOT = Path(__file__).resolve().parents[4]
REGION = "us-west-2"
NAME = "ecap-test-eks"


@pytest.fixture
def run(run_module):
    return functools.partial(run_module, eks_kubeconfig)


@pytest.fixture(scope="module")
def eks(aws):
    return aws("eks")


@pytest.fixture(scope="module")
def cluster(eks) -> dict:
    eks.create_cluster(
        name=NAME,
        roleArn="arn:aws:iam::123456789012:role/ecap-test-eks-cluster",
        resourcesVpcConfig={"subnetIds": ["subnet-a", "subnet-b"]},
    )
    described = eks.describe_cluster(name=NAME)["cluster"]
    # moto 5.2.5 ends the endpoint with a slash, AWS does not; the module writes AWS's form.
    return {**described, "endpoint": described["endpoint"].rstrip("/")}


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def k8s_configuration(path: Path, context: str) -> k8s_client.Configuration:
    """What kubernetes.core gets from the file: the kubernetes client's own loader."""
    configuration = k8s_client.Configuration()
    kube_config.load_kube_config(config_file=str(path), context=context, client_configuration=configuration)
    return configuration


def assert_eks_bearer(configuration: k8s_client.Configuration, emulator_endpoint: str) -> str:
    """The Authorization header the client sends is ``Bearer <EKS token>`` for this cluster's STS.

    (kubernetes >= 36 keeps the token under api_key['BearerToken'], still sent as 'authorization'.)
    """
    header = configuration.auth_settings()["BearerToken"]
    assert header["in"] == "header" and header["key"] == "authorization"
    bearer = header["value"]
    assert bearer.startswith("Bearer k8s-aws-v1.")
    token = bearer.removeprefix("Bearer ")
    url = decode_token(token)
    assert url.startswith(emulator_endpoint + "/?Action=GetCallerIdentity&Version=2011-06-15&")
    info = inspect_token(token)
    assert "x-k8s-aws-id" in info.signed_headers and info.url_expires_in == 60
    return token


def later(monkeypatch, moment: datetime) -> None:
    """Move the clock the module signs tokens and judges them by."""
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: moment.replace(tzinfo=None))
    monkeypatch.setattr(eks_token, "utcnow", lambda: moment)


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def fake_aws(tmp_path, monkeypatch, emulator):
    """An ``aws`` on PATH that answers ``eks get-token`` with this collection's token (no aws CLI here)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "aws"
    script.write_text(
        textwrap.dedent(
            f"""\
            #!{sys.executable}
            import json, sys
            sys.path.insert(0, {str(ROOT / ".collections")!r})
            import boto3
            from ansible_collections.ecap.platform.plugins.module_utils.eks_token import exec_credential, get_token
            args = sys.argv[1:]
            assert args[:4] == ["--region", "{REGION}", "eks", "get-token"], args
            assert args[4:] == ["--cluster-name", "{NAME}", "--output", "json"], args
            session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing")
            token = get_token(session, args[5], args[1], endpoint_url={emulator.endpoint!r})
            print(json.dumps(exec_credential(token)))
            """
        )
    )
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return script


def test_exec_scenario(run, cluster, emulator, tmp_path, fake_aws):
    path = tmp_path / "build" / "kubeconfig"
    args = {"cluster_name": NAME, "path": str(path)}

    before = emulator.counters()["mutating"]
    checked = run(args, check_mode=True)
    assert checked["changed"] and not path.exists(), "check mode wrote"
    assert checked["diff"]["before"] == "" and cluster["endpoint"] in checked["diff"]["after"]
    assert emulator.counters()["mutating"] == before

    created = run(args)
    assert created["changed"]
    arn = cluster["arn"]
    assert created["path"] == str(path) and created["context"] == arn and created["contexts"] == {"exec": arn}
    assert created["server"] == created["host"] == cluster["endpoint"] and created["cluster_arn"] == arn
    assert "token" not in created and "token_expiration" not in created
    assert mode_of(path) == 0o600
    config = load(path)
    assert config["current-context"] == arn
    assert config["clusters"] == [
        {
            "cluster": {
                "certificate-authority-data": cluster["certificateAuthority"]["data"],
                "server": cluster["endpoint"],
            },
            "name": arn,
        }
    ]
    assert config["contexts"] == [{"context": {"cluster": arn, "user": arn}, "name": arn}]
    # The user aws eks update-kubeconfig writes.
    assert config["users"] == [
        {
            "name": arn,
            "user": {
                "exec": {
                    "apiVersion": "client.authentication.k8s.io/v1beta1",
                    "args": ["--region", REGION, "eks", "get-token", "--cluster-name", NAME, "--output", "json"],
                    "command": "aws",
                }
            },
        }
    ]

    # kubernetes' loader runs the exec plugin (the stand-in aws) and gets an EKS token.
    configuration = k8s_configuration(path, arn)
    assert configuration.host == cluster["endpoint"]
    assert_eks_bearer(configuration, emulator.endpoint)

    text = path.read_text()
    emulator.reset_counters()
    again = run(args)
    assert not again["changed"] and "diff" not in again
    assert path.read_text() == text
    counters = emulator.counters()
    assert counters["mutating"] == 0
    assert counters["total"] == 1 and counters["services"]["eks"] == {"DescribeCluster": 1}, counters

    # A file someone made world-readable is put back to 0600 (a change).
    path.chmod(0o644)
    assert run(args)["changed"] and mode_of(path) == 0o600
    assert "AWS_PROFILE" not in path.read_text()


def test_profile_goes_into_the_exec_env(run, cluster, tmp_path, monkeypatch):
    """With a profile, the exec entry sets AWS_PROFILE, as aws eks update-kubeconfig writes it."""
    credentials = tmp_path / "credentials"
    credentials.write_text("[ecap-dev]\naws_access_key_id = testing\naws_secret_access_key = testing\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    # A profile only: credentials another test left in the environment would conflict with it.
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "kubeconfig"
    result = run(
        {"cluster_name": NAME, "path": str(path), "profile": "ecap-dev", "access_key": None, "secret_key": None}
    )
    assert result["changed"]
    exec_config = load(path)["users"][0]["user"]["exec"]
    assert exec_config["env"] == [{"name": "AWS_PROFILE", "value": "ecap-dev"}]


def test_token_mode_loads_in_kubernetes_client(run, cluster, emulator, tmp_path, monkeypatch):
    path = tmp_path / "kubeconfig"
    args = {"cluster_name": NAME, "path": str(path), "user_mode": "token", "context_name": "ecap-test"}
    created = run(args)
    assert created["changed"] and created["context"] == "ecap-test" and created["contexts"] == {"token": "ecap-test"}
    assert created["token_expiration"].endswith("Z") and "token" not in created
    # The token never shows in the result or the diff.
    assert "k8s-aws-v1." not in json.dumps({k: v for k, v in created.items() if k != "diff"})
    assert "k8s-aws-v1.**MASKED**" not in created["diff"]["after"]
    assert "**MASKED**" in created["diff"]["after"]
    assert "k8s-aws-v1." not in created["diff"]["after"]
    config = load(path)
    assert config["users"][0]["name"] == cluster["arn"] + "-token"
    assert mode_of(path) == 0o600

    configuration = k8s_configuration(path, "ecap-test")
    assert configuration.host == cluster["endpoint"]
    token = assert_eks_bearer(configuration, emulator.endpoint)
    assert token == config["users"][0]["user"]["token"]

    # Two minutes later the token (12 minutes left) is kept: the re-run changes nothing.
    signed = inspect_token(token).signed_at
    later(monkeypatch, signed + timedelta(minutes=2))
    again = run(args)
    assert not again["changed"] and load(path) == config
    assert again["token_expiration"] == created["token_expiration"]
    # Asking for more validity than it has left renews it.
    renewed = run({**args, "token_min_validity": 780})
    assert renewed["changed"] and renewed["token_expiration"] != created["token_expiration"]
    assert "k8s-aws-v1." not in renewed["diff"]["before"] + renewed["diff"]["after"]
    # Ten minutes after that one, 4 minutes are left: under the default 300 s, so renewed.
    later(monkeypatch, signed + timedelta(minutes=12))
    assert run(args)["changed"]
    assert not run(args)["changed"]


def test_return_token_needs_no_log(run, cluster, emulator, tmp_path):
    path = tmp_path / "kubeconfig"
    args = {"cluster_name": NAME, "path": str(path), "user_mode": "token", "return_token": True}
    refused = run(args, failed=True)
    assert "no_log" in refused["msg"] and not path.exists()
    refused = run({**args, "user_mode": "exec"}, failed=True, no_log=True)
    assert "token user" in refused["msg"]
    returned = run(args, no_log=True)
    assert returned["token"].startswith("k8s-aws-v1.")
    assert returned["token"] == load(path)["users"][0]["user"]["token"]
    assert decode_token(returned["token"]).startswith(emulator.endpoint + "/?Action=GetCallerIdentity")


def test_both_merges_and_absent_removes_only_this_cluster(run, cluster, tmp_path):
    path = tmp_path / "kubeconfig"
    ca = tmp_path / "kubeconfig.d" / f"{NAME}-ca.crt"
    other = {
        "apiVersion": "v1",
        "kind": "Config",
        "preferences": {},
        "clusters": [
            {"name": "kind-dev", "cluster": {"server": "https://127.0.0.1:6443", "insecure-skip-tls-verify": True}}
        ],
        "users": [{"name": "kind-dev", "user": {"client-key-data": "c2VjcmV0", "client-certificate-data": "Y2VydA=="}}],
        "contexts": [{"name": "kind-dev", "context": {"cluster": "kind-dev", "user": "kind-dev", "namespace": "apps"}}],
        "current-context": "kind-dev",
    }
    path.write_text(yaml.safe_dump(other))
    path.chmod(0o600)
    arn = cluster["arn"]
    args = {"cluster_name": NAME, "path": str(path), "user_mode": "both", "alias": "ecap-test", "ca_cert_path": str(ca)}

    created = run(args)
    assert created["changed"]
    assert (
        created["contexts"] == {"exec": "ecap-test", "token": "ecap-test-token"} and created["context"] == "ecap-test"
    )
    assert created["ca_cert"] == str(ca)
    assert ca.read_bytes() == __import__("base64").b64decode(cluster["certificateAuthority"]["data"])
    # The other cluster's credentials are masked in the diff too.
    assert "c2VjcmV0" not in created["diff"]["before"] + created["diff"]["after"]
    config = load(path)
    assert config["current-context"] == "ecap-test"
    assert [c["name"] for c in config["clusters"]] == ["kind-dev", arn]
    assert [u["name"] for u in config["users"]] == ["kind-dev", arn, arn + "-token"]
    assert {c["name"]: c["context"] for c in config["contexts"]} == {
        "kind-dev": other["contexts"][0]["context"],
        "ecap-test": {"cluster": arn, "user": arn},
        "ecap-test-token": {"cluster": arn, "user": arn + "-token"},
    }
    for kept in ("clusters", "users", "contexts"):
        assert config[kept][0] == other[kept][0]
    assert k8s_configuration(path, "ecap-test-token").host == cluster["endpoint"]
    assert k8s_configuration(path, "kind-dev").host == "https://127.0.0.1:6443"
    assert not run(args)["changed"]

    # Back to exec only: the token context and user this module wrote go away.
    exec_only = run({**args, "user_mode": "exec"})
    assert exec_only["changed"]
    assert [u["name"] for u in load(path)["users"]] == ["kind-dev", arn]
    assert "ecap-test-token" not in [c["name"] for c in load(path)["contexts"]]

    absent = {"cluster_name": NAME, "path": str(path), "ca_cert_path": str(ca), "state": "absent"}
    checked = run(absent, check_mode=True)
    assert checked["changed"] and checked["removed_clusters"] == [arn]
    assert load(path)["current-context"] == "ecap-test" and ca.exists(), "check mode wrote"
    removed = run(absent)
    assert removed["changed"] and not ca.exists()
    config = load(path)
    assert config["clusters"] == other["clusters"] and config["users"] == other["users"]
    assert config["contexts"] == other["contexts"]
    assert config["current-context"] == ""
    assert mode_of(path) == 0o600
    again = run(absent)
    assert not again["changed"] and again["removed_clusters"] == []


def test_absent_without_file_or_cluster(run, tmp_path):
    path = tmp_path / "none" / "kubeconfig"
    result = run({"cluster_name": "ecap-gone-eks", "path": str(path), "state": "absent"})
    assert not result["changed"] and not path.exists()


def test_refusals_write_nothing(run, cluster, emulator, tmp_path):
    path = tmp_path / "kubeconfig"
    missing = run({"cluster_name": "ecap-missing-eks", "path": str(path)}, failed=True)
    assert "does not exist" in missing["msg"] and not path.exists()
    planned = run({"cluster_name": "ecap-missing-eks", "path": str(path)}, check_mode=True)
    assert planned["changed"] and planned["warnings"] and not path.exists()

    assert "cluster_name" in run({"cluster_name": "-bad name", "path": str(path)}, failed=True)["msg"]
    assert (
        "token_min_validity"
        in run({"cluster_name": NAME, "path": str(path), "token_min_validity": 900}, failed=True)["msg"]
    )

    path.write_text("apiVersion: v1\nkind: Pod\n")
    refused = run({"cluster_name": NAME, "path": str(path)}, failed=True)
    assert "not a kubeconfig" in refused["msg"] and path.read_text() == "apiVersion: v1\nkind: Pod\n"
    path.write_text("clusters: {not: a list}\n")
    assert "list" in run({"cluster_name": NAME, "path": str(path)}, failed=True)["msg"]


def test_options_for_kubernetes_core(run, cluster, emulator, tmp_path):
    """host, ca_cert from the module and api_key from the token helper make kubernetes.core's own
    client configuration (no kubeconfig, no aws CLI)."""
    from ansible_collections.kubernetes.core.plugins.module_utils.k8s.client import (
        _create_auth_spec,
        _create_configuration,
    )

    ca = tmp_path / "kubeconfig.d" / f"{NAME}-ca.crt"
    result = run({"cluster_name": NAME, "path": str(tmp_path / "kubeconfig"), "ca_cert_path": str(ca)})
    assert stat.S_IMODE(ca.stat().st_mode) == 0o644
    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing")
    token = get_token(session, NAME, REGION, endpoint_url=emulator.endpoint)["token"]
    # The module options of kubernetes.core.k8s, mapped the way kubernetes.core maps them.
    auth = _create_auth_spec(host=result["host"], api_key=token, ca_cert=result["ca_cert"])
    configuration = _create_configuration(auth)
    assert configuration.host == cluster["endpoint"]
    assert configuration.ssl_ca_cert == str(ca)
    assert assert_eks_bearer(configuration, emulator.endpoint) == token
