"""GitOps mode of the Kubernetes tier (k8s_apps_gitops_enabled): the Argo CD project and Applications.

The role's render path runs once (ansible-playbook, render mode, sample outputs of the AWS tiers), then:

- every Application and AppProject passes the Argo CD v3 API types (@kubernetes-models/argo-cd, generated
  from Argo CD's Go API; installed by `make setup-test`): types, enums and required fields. Unknown fields
  are not refused by those types, so the fields the role writes are also checked against a list here;
- the overlay Application, built the way Argo CD builds it (kustomize on k8s/overlays/<env> with the
  Application's patches), yields exactly the objects the role renders itself (manifests/platform.yaml);
- each release Application names the pinned chart and version and carries the role's rendered values;
- the AppProject lets Argo CD deploy exactly the cluster-scoped kinds the tier holds and the namespaces
  its Applications and objects use, nothing else;
- GitOps on without a repository fails before anything is written, naming the variable.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
import yaml
from ansible_collections.ecap.platform.plugins.module_utils.k8s_validate import load_documents

ROOT = Path(__file__).resolve().parents[3]
MODELS = ROOT / ".tools" / "argocd-models"
REPO_URL = "https://git.example.com/ecap/ecap-platform.git"
ARNS = {
    "analytics": "arn:aws:iam::123456789012:role/ecap-dev-eks-analytics",
    "otel_collector": "arn:aws:iam::123456789012:role/ecap-dev-eks-otel-collector",
    "aws_load_balancer_controller": "arn:aws:iam::123456789012:role/ecap-dev-eks-alb-controller",
    "cluster_autoscaler": "arn:aws:iam::123456789012:role/ecap-dev-eks-cluster-autoscaler",
    "grafana": "arn:aws:iam::123456789012:role/ecap-dev-eks-grafana",
    "alertmanager": "arn:aws:iam::123456789012:role/ecap-dev-eks-alertmanager",
}
# Cluster-scoped built-in kinds (group, kind) that a chart may hold; CRD-defined kinds come from the CRDs.
CLUSTER_SCOPED = {
    ("", "Namespace"), ("", "PersistentVolume"), ("", "Node"),
    ("rbac.authorization.k8s.io", "ClusterRole"), ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
    ("apiextensions.k8s.io", "CustomResourceDefinition"), ("apiregistration.k8s.io", "APIService"),
    ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"),
    ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"),
    ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
    ("networking.k8s.io", "IngressClass"), ("scheduling.k8s.io", "PriorityClass"),
    ("storage.k8s.io", "StorageClass"), ("storage.k8s.io", "CSIDriver"), ("node.k8s.io", "RuntimeClass"),
}  # fmt: skip
# The fields the role writes, per object path: the API types accept unknown fields, this list does not.
ALLOWED_FIELDS = {
    "Application.spec": {"project", "source", "destination", "syncPolicy", "ignoreDifferences"},
    "Application.spec.source": {"repoURL", "targetRevision", "path", "chart", "helm", "kustomize"},
    "Application.spec.source.helm": {"releaseName", "valuesObject"},
    "Application.spec.source.kustomize": {"patches"},
    "Application.spec.syncPolicy": {"automated", "syncOptions", "retry"},
    "AppProject.spec": {"description", "sourceRepos", "destinations", "clusterResourceWhitelist", "orphanedResources"},
}  # fmt: skip


def _playbook(tmp: Path, extra: dict) -> subprocess.CompletedProcess:
    variables = {
        "ecap_name": "ecap", "ecap_env": "dev", "ecap_region": "us-west-2", "ecap_build_dir": str(tmp / "build"),
        "ecap_tags": {"Project": "ecap", "Environment": "dev", "ManagedBy": "ecap.platform"},
        "k8s_apps_mode": "render", "k8s_apps_gitops_enabled": True, "k8s_apps_gitops_repo_url": REPO_URL,
        "eks_outputs": {"cluster_name": "ecap-dev-eks", "cluster_version": "1.33", "irsa_role_arns": ARNS},
        "network_outputs": {"vpc_id": "vpc-0123456789abcdef0", "vpc_cidr": "10.0.0.0/16"},
        "rds_outputs": {"endpoint": "ecap-dev-postgres.abc.us-west-2.rds.amazonaws.com", "port": 5432},
        "redis_outputs": {"primary_endpoint": "master.ecap-dev-redis.abc.usw2.cache.amazonaws.com", "port": 6379},
        "datalake_outputs": {"bucket_name": "ecap-dev-data-lake-123456789012"},
    } | extra  # fmt: skip
    play = tmp / "play.yml"
    play.write_text(
        textwrap.dedent("""\
        - hosts: localhost
          gather_facts: false
          tasks:
            - ansible.builtin.include_role: {name: ecap.platform.k8s_apps, tasks_from: validate.yml}
            - ansible.builtin.include_role: {name: ecap.platform.k8s_apps, tasks_from: render.yml}
        """)
    )
    (tmp / "vars.json").write_text(json.dumps(variables))
    bin_dir = Path(os.environ.get("VIRTUAL_ENV", ROOT / ".venv")) / "bin"
    return subprocess.run(
        [str(bin_dir / "ansible-playbook"), "-i", "localhost,", str(play), "-e", f"@{tmp / 'vars.json'}",
         "-e", "ansible_connection=local", "-e", f"ansible_python_interpreter={bin_dir / 'python'}"],
        cwd=ROOT, capture_output=True, text=True, env=os.environ | {"ANSIBLE_CONFIG": str(ROOT / "ansible.cfg")},
    )  # fmt: skip


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("gitops")
    result = _playbook(tmp, {})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    return tmp / "build" / "k8s"


@pytest.fixture(scope="module")
def argocd(rendered) -> list[dict]:
    return [d for d in yaml.safe_load_all((rendered / "gitops" / "argocd.yaml").read_text()) if d]


def _objects(path: Path) -> list[dict]:
    return [d for f in sorted(path.glob("*.yaml")) for d in load_documents(f)]


def _by_name(argocd: list[dict], name: str) -> dict:
    return next(d for d in argocd if d["metadata"]["name"] == name)


def test_every_object_passes_the_argo_cd_api_types(argocd):
    assert (MODELS / "node_modules" / "@kubernetes-models" / "argo-cd").is_dir(), "run make setup-test"
    result = subprocess.run(
        [shutil.which("node") or "node", str(MODELS / "validate.mjs")], input=json.dumps(argocd),
        cwd=MODELS, capture_output=True, text=True, check=True,
    )  # fmt: skip
    results = json.loads(result.stdout)
    assert sorted((r["kind"], r["name"]) for r in results) == sorted((d["kind"], d["metadata"]["name"]) for d in argocd)
    assert [r for r in results if r["error"]] == []
    kinds = [d["kind"] for d in argocd]
    assert kinds.count("AppProject") == 1 and kinds.count("Application") == 6


def test_the_validator_refuses_a_wrong_type():
    """The API types catch what they should: a boolean where a string is due, a missing destination."""
    bad = [
        {"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "metadata": {"name": "x"},
         "spec": {"project": "p", "source": {"repoURL": REPO_URL, "path": True}, "destination": {}}},
        {"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "metadata": {"name": "y"},
         "spec": {"project": "p", "source": {"repoURL": REPO_URL}}},
    ]  # fmt: skip
    result = subprocess.run(
        ["node", str(MODELS / "validate.mjs")], input=json.dumps(bad), cwd=MODELS,
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    errors = {r["name"]: r["error"] for r in json.loads(result.stdout)}
    assert "path must be string" in errors["x"]
    assert "must have required property destination" in errors["y"]


def test_fields_are_those_the_role_means_to_write(argocd):
    for doc in argocd:
        for path, allowed in ALLOWED_FIELDS.items():
            kind, *keys = path.split(".")
            if doc["kind"] != kind:
                continue
            node = doc
            for key in keys:
                node = node.get(key) or {}
            assert set(node) <= allowed, (doc["metadata"]["name"], path, set(node) - allowed)
        assert doc["metadata"]["namespace"] == "argocd"
        assert "resources-finalizer.argocd.argoproj.io" in doc["metadata"]["finalizers"]
        assert doc["metadata"]["labels"]["ecap.io/environment"] == "dev"


def test_the_overlay_application_yields_what_the_role_renders(rendered, argocd, tmp_path):
    """kustomize on the repository's overlay with the Application's patches == manifests/platform.yaml."""
    app = _by_name(argocd, "ecap-dev-platform")
    source = app["spec"]["source"]
    assert (source["repoURL"], source["targetRevision"], source["path"]) == (REPO_URL, "main", "k8s/overlays/dev")
    assert app["spec"]["syncPolicy"]["automated"] == {"prune": True, "selfHeal": True}
    checkout = tmp_path / "checkout"  # what Argo CD's repo server holds: the repository at the revision
    shutil.copytree(ROOT / "k8s", checkout / "k8s")
    (checkout / "app").mkdir()
    (checkout / "app" / "kustomization.yaml").write_text(yaml.safe_dump({
        "apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
        "resources": [f"../{source['path']}"], "patches": source["kustomize"]["patches"],
    }))  # fmt: skip
    kubectl = ROOT / ".tools" / "bin" / "kubectl"
    built = subprocess.run(
        [str(kubectl), "kustomize", str(checkout / "app")], capture_output=True, text=True, check=True
    )
    argo_objects = [d for d in yaml.safe_load_all(built.stdout) if d]
    role_objects = [d for d in yaml.safe_load_all((rendered / "manifests" / "platform.yaml").read_text()) if d]
    assert argo_objects == role_objects
    annotations = {
        d["metadata"]["name"]: d["metadata"].get("annotations", {}).get("eks.amazonaws.com/role-arn")
        for d in argo_objects if d["kind"] == "ServiceAccount"
    }  # fmt: skip
    assert annotations["analytics"] == ARNS["analytics"]
    assert annotations["otel-collector"] == ARNS["otel_collector"]
    endpoints = next(
        d for d in argo_objects if d["kind"] == "ConfigMap" and d["metadata"]["name"] == "platform-endpoints"
    )
    assert endpoints["data"]["RDS_HOST"] == "ecap-dev-postgres.abc.us-west-2.rds.amazonaws.com"


def test_each_release_application_pins_its_chart_and_carries_the_values(rendered, argocd):
    defaults = yaml.safe_load((ROOT / "roles" / "k8s_apps" / "defaults" / "main.yml").read_text())
    releases = {r["name"]: r for r in defaults["k8s_apps_releases"]}
    apps = {d["metadata"]["name"]: d for d in argocd if d["kind"] == "Application"}
    assert set(apps) == {"ecap-dev-platform"} | {f"ecap-dev-{name}" for name in releases}
    for name, release in releases.items():
        spec = apps[f"ecap-dev-{name}"]["spec"]
        source = spec["source"]
        if "path" in release:  # the repository's own chart, from git at the revision
            assert (source["repoURL"], source["path"]) == (REPO_URL, release["path"])
        else:
            assert (source["repoURL"], source["chart"], source["targetRevision"]) == (
                release["repo"],
                release["chart"],
                str(release["version"]),
            )
        assert source["helm"]["releaseName"] == name
        values = yaml.safe_load((rendered / "values" / f"{name}.yaml").read_text()) or {}
        assert source["helm"]["valuesObject"] == values
        assert spec["destination"] == {"server": "https://kubernetes.default.svc", "namespace": release["namespace"]}
    # The ALB controller's chart generates its webhook certificate at every render: Argo CD must ignore it.
    ignored = apps["ecap-dev-aws-load-balancer-controller"]["spec"]["ignoreDifferences"]
    assert {i["kind"] for i in ignored} >= {"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "Secret"}


def test_the_project_allows_exactly_what_the_tier_deploys(rendered, argocd):
    project = next(d for d in argocd if d["kind"] == "AppProject")
    assert project["metadata"]["name"] == "ecap-dev"
    apps = [d for d in argocd if d["kind"] == "Application"]
    assert {a["spec"]["project"] for a in apps} == {"ecap-dev"}
    assert set(project["spec"]["sourceRepos"]) == {a["spec"]["source"]["repoURL"] for a in apps}
    crd_scopes = {
        (d["spec"]["group"], d["spec"]["names"]["kind"]): d["spec"]["scope"]
        for f in (rendered / "crds").rglob("*.yaml") for d in load_documents(f)
        if d.get("kind") == "CustomResourceDefinition"
    }  # fmt: skip
    objects = _objects(rendered / "manifests")
    cluster_kinds, namespaces = set(), set()
    for obj in objects:
        group = obj["apiVersion"].rpartition("/")[0]
        if (group, obj["kind"]) in CLUSTER_SCOPED or crd_scopes.get((group, obj["kind"])) == "Cluster":
            cluster_kinds.add((group, obj["kind"]))
        elif obj["metadata"].get("namespace"):
            namespaces.add(obj["metadata"]["namespace"])
    # Argo CD also syncs the charts' crds/ folders (helm template leaves them out of manifests/).
    cluster_kinds.add(("apiextensions.k8s.io", "CustomResourceDefinition"))
    allowed = {(k["group"], k["kind"]) for k in project["spec"]["clusterResourceWhitelist"]}
    assert allowed == cluster_kinds
    destinations = {d["namespace"] for d in project["spec"]["destinations"]}
    assert {d["server"] for d in project["spec"]["destinations"]} == {"https://kubernetes.default.svc"}
    app_namespaces = {a["spec"]["destination"].get("namespace") for a in apps} - {None}
    # Objects rendered from the charts without a namespace land in their Application's destination.
    assert destinations == namespaces | app_namespaces


def test_gitops_without_a_repository_fails_before_writing(tmp_path):
    result = _playbook(tmp_path, {"k8s_apps_gitops_repo_url": ""})
    assert result.returncode != 0
    assert "k8s_apps_gitops_repo_url" in result.stdout
    assert not (tmp_path / "build" / "k8s").exists()
