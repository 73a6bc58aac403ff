"""playbooks/ops/kubeconfig.yml against a private emulator holding a boto3-made cluster: check mode
writes nothing -> the run writes build/<env>/kubeconfig (0600) that the kubernetes client loads ->
the re-run changes nothing -> a token context works with no aws CLI. The eks_token lookup, in a play,
returns a token for the same cluster. No token ever appears in a run's output."""

from __future__ import annotations

import base64
import json
import stat
import textwrap
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from kubernetes import client as k8s_client
from kubernetes.config import kube_config

pytestmark = pytest.mark.integration

PLAYBOOK = "playbooks/ops/kubeconfig.yml"
CLUSTER = "ecap-local-eks"


@pytest.fixture(scope="module")
def cluster(aws) -> dict:
    eks = aws("eks")
    eks.create_cluster(
        name=CLUSTER,
        roleArn="arn:aws:iam::123456789012:role/ecap-local-eks-cluster",
        resourcesVpcConfig={"subnetIds": ["subnet-a", "subnet-b"]},
    )
    return eks.describe_cluster(name=CLUSTER)["cluster"]


def decode_token(token: str) -> str:
    """The presigned URL inside ``k8s-aws-v1.<base64url, no padding>`` (decoded here, independently)."""
    assert token.startswith("k8s-aws-v1.")
    payload = token.removeprefix("k8s-aws-v1.")
    assert "=" not in payload
    return base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()


def printed(result) -> list[str]:
    for task in result.tasks:
        if task["name"] == "Print how to use the kubeconfig":
            return task["result"]["msg"]
    raise AssertionError("the run printed no kubeconfig usage")


def assert_no_token_in(result) -> None:
    assert "k8s-aws-v1." not in json.dumps(result.raw).replace("k8s-aws-v1.**MASKED**", "")
    assert "k8s-aws-v1." not in result.stderr


def test_check_mode_writes_nothing(runner, emulator, cluster):
    before = emulator.counters()["mutating"]
    result = runner.run(PLAYBOOK, check=True)
    assert result.rc == 0, result.failure_text()
    assert "Write the cluster's kubeconfig entries" in result.changed_tasks()
    assert not (runner.build_dir / "kubeconfig").exists()
    assert emulator.counters()["mutating"] == before
    assert "(check mode: nothing was written)" in printed(result)


def test_writes_the_kubeconfig_and_reruns_clean(runner, cluster):
    path = runner.build_dir / "kubeconfig"
    result = runner.run(PLAYBOOK)
    assert result.rc == 0, result.failure_text()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert printed(result)[0] == f"export KUBECONFIG={path}"
    config = yaml.safe_load(path.read_text())
    assert config["current-context"] == CLUSTER
    assert config["users"][0]["user"]["exec"]["args"][-4:] == ["--cluster-name", CLUSTER, "--output", "json"]
    # The kubernetes client parses it (the exec plugin itself runs only when a request needs a token).
    loader = kube_config.KubeConfigLoader(config_dict=config, active_context=CLUSTER)
    assert loader.current_context["context"]["cluster"] == cluster["arn"]
    ca = runner.build_dir / "kubeconfig.d" / f"{CLUSTER}-ca.crt"
    assert ca.exists()

    again = runner.run(PLAYBOOK)
    assert again.rc == 0, again.failure_text()
    assert again.changed == 0, again.changed_tasks()


def test_token_context_needs_no_aws_cli(runner, emulator, cluster):
    path = runner.build_dir / "kubeconfig"
    result = runner.run(PLAYBOOK, extra={"kubeconfig_user_mode": "both"})
    assert result.rc == 0, result.failure_text()
    assert_no_token_in(result)
    configuration = k8s_client.Configuration()
    kube_config.load_kube_config(config_file=str(path), context=f"{CLUSTER}-token", client_configuration=configuration)
    assert configuration.host == cluster["endpoint"].rstrip("/")
    bearer = configuration.auth_settings()["BearerToken"]["value"]
    assert decode_token(bearer.removeprefix("Bearer ")).startswith(
        emulator.endpoint + "/?Action=GetCallerIdentity&Version=2011-06-15&"
    )
    assert any(line.startswith(f"token context {CLUSTER}-token (valid until ") for line in printed(result))


def test_lookup_returns_a_token(runner, emulator, cluster, tmp_path):
    out = tmp_path / "token"
    playbook = tmp_path / "lookup.yml"
    playbook.write_text(
        textwrap.dedent(
            f"""\
            - name: Use the eks_token lookup
              hosts: localhost
              gather_facts: false
              tasks:
                - name: Keep the token where the test reads it
                  ansible.builtin.copy:
                    content: "{{{{ lookup('ecap.platform.eks_token', '{CLUSTER}', region='us-west-2') }}}}"
                    dest: {out}
                    mode: "0600"
                  no_log: true
            """
        )
    )
    result = runner.run(str(playbook))
    assert result.rc == 0, result.failure_text()
    assert_no_token_in(result)
    token = out.read_text()
    assert decode_token(token).startswith(emulator.endpoint + "/?Action=GetCallerIdentity&Version=2011-06-15&")
    query = {k: v[0] for k, v in parse_qs(urlsplit(decode_token(token)).query).items()}
    assert "x-k8s-aws-id" in query["X-Amz-SignedHeaders"].split(";")
    assert query["X-Amz-Expires"] == "60" and "/us-west-2/sts/aws4_request" in query["X-Amz-Credential"]


def test_absent_removes_the_entries(runner, cluster):
    path = runner.build_dir / "kubeconfig"
    result = runner.run(PLAYBOOK, extra={"kubeconfig_state": "absent"})
    assert result.rc == 0, result.failure_text()
    config = yaml.safe_load(path.read_text())
    assert config["clusters"] == [] and config["users"] == [] and config["contexts"] == []
    assert not (runner.build_dir / "kubeconfig.d" / f"{CLUSTER}-ca.crt").exists()


def test_bad_input_is_refused(runner):
    result = runner.run(PLAYBOOK, extra={"kubeconfig_user_mode": "cli"})
    assert result.rc != 0
    assert any("kubeconfig_user_mode=cli" in failure for failure in result.failed_tasks())


class FakeApiServer(BaseHTTPRequestHandler):
    """Just enough of a Kubernetes API server for kubernetes.core.k8s_info to list namespaces;
    it records the Authorization header of every request (no API server can be had here)."""

    DOCUMENTS = {
        "/version": {"major": "1", "minor": "31", "gitVersion": "v1.31.0-eks"},
        "/api": {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []},
        "/apis": {"kind": "APIGroupList", "apiVersion": "v1", "groups": []},
        "/api/v1": {
            "kind": "APIResourceList",
            "groupVersion": "v1",
            "resources": [
                {
                    "name": "namespaces",
                    "singularName": "namespace",
                    "namespaced": False,
                    "kind": "Namespace",
                    "verbs": ["get", "list"],
                }
            ],
        },
        "/api/v1/namespaces": {
            "kind": "NamespaceList",
            "apiVersion": "v1",
            "metadata": {},
            "items": [{"metadata": {"name": "analytics"}}],
        },
    }
    seen: list[tuple[str, str | None]] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        path = self.path.split("?")[0]
        self.seen.append((path, self.headers.get("Authorization")))
        document = self.DOCUMENTS.get(path)
        body = json.dumps(document or {"kind": "Status", "code": 404}).encode()
        self.send_response(200 if document else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def api_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeApiServer)
    FakeApiServer.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", FakeApiServer.seen
    server.shutdown()
    server.server_close()


def test_kubernetes_core_authenticates_with_the_lookup(runner, emulator, cluster, tmp_path, api_server):
    """The documented pattern: module_defaults give kubernetes.core host and an api_key from the
    lookup; every request carries the EKS bearer token, and no aws CLI is involved. (ca_cert is left
    out: the fake server speaks plain HTTP, and moto's certificateAuthority.data is random bytes.)"""
    host, seen = api_server
    playbook = tmp_path / "k8s.yml"
    playbook.write_text(
        textwrap.dedent(
            f"""\
            - name: Reach the cluster through kubernetes.core
              hosts: localhost
              gather_facts: false
              module_defaults:
                group/kubernetes.core.k8s:
                  host: {host}
                  api_key: "{{{{ lookup('ecap.platform.eks_token', '{CLUSTER}', region='us-west-2') }}}}"
              tasks:
                - name: List the namespaces
                  kubernetes.core.k8s_info:
                    kind: Namespace
                  register: __namespaces
                - name: Check the answer
                  ansible.builtin.assert:
                    that: __namespaces.resources | map(attribute='metadata.name') | list == ['analytics']
            """
        )
    )
    result = runner.run(str(playbook))
    assert result.rc == 0, [t["result"].get("module_stderr", "")[-3000:] for t in result.tasks if t["failed"]]
    assert_no_token_in(result)
    assert seen and {path for path, _ in seen} >= {"/api/v1/namespaces"}
    for _, authorization in seen:
        assert authorization and authorization.startswith("Bearer k8s-aws-v1.")
        url = decode_token(authorization.removeprefix("Bearer "))
        assert url.startswith(emulator.endpoint + "/?Action=GetCallerIdentity&Version=2011-06-15&")
        assert "x-k8s-aws-id" in parse_qs(urlsplit(url).query)["X-Amz-SignedHeaders"][0].split(";")
