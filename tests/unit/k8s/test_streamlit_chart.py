"""charts/streamlit-dashboard: helm lint, the values schema, and what it renders.

- `helm lint --strict` passes on the chart's defaults and on the values the k8s_apps role writes.
- values.schema.json is a valid Draft-07 schema that the defaults satisfy, and helm refuses values it
  forbids (a misspelt key, the tag latest, a port out of range, a binding without its target group) with a
  message naming the value.
- The objects validate strictly for the target Kubernetes version (TargetGroupBinding against the ALB
  controller's CRD); the Service is `streamlit` on 8501 (the seed's `kubectl port-forward svc/streamlit
  8501:8501`) and selects the Deployment's pods, the HPA scales that Deployment, the PDB selects its pods,
  the binding targets the Service's port; the container is bounded, probed, non-root with a read-only root.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml
from ansible_collections.ecap.platform.plugins.module_utils.k8s_validate import crd_schemas, validate_objects
from test_monitoring import _tool  # the same helm lookup (.tools/bin, then PATH)

ROOT = Path(__file__).resolve().parents[3]
CHART = ROOT / "charts" / "streamlit-dashboard"
ROLE_VALUES = ROOT / "roles" / "k8s_apps" / "templates" / "values" / "streamlit-dashboard.yml.j2"
KUBE_VERSION = "1.33"
TG_ARN = "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/ecap-dev-dashboard/0123456789abcdef"


def helm(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([_tool("helm"), *args], check=check, capture_output=True, text=True)


def render(tmp_path: Path, values: dict | str | None = None, check: bool = True) -> subprocess.CompletedProcess:
    cmd = ["template", "dash", str(CHART), "--namespace", "ecap", "--kube-version", f"{KUBE_VERSION}.0"]
    if values is not None:
        path = tmp_path / "values.yml"
        path.write_text(values if isinstance(values, str) else yaml.safe_dump(values))
        cmd += ["--values", str(path)]
    return helm(*cmd, check=check)


def role_values(env: str = "dev", **overrides) -> str:
    """The values file the k8s_apps role writes, rendered with Ansible's templating."""
    from ansible.template import Templar, trust_as_template

    variables = {
        "k8s_apps_cluster_name": f"ecap-{env}-eks",
        "k8s_apps_env": env,
        "k8s_apps_service_account": "analytics",
        "k8s_apps_dashboard_image": "123456789012.dkr.ecr.us-west-2.amazonaws.com/ecap/dashboard",
        "k8s_apps_dashboard_tag": "1.0.0",
        "k8s_apps_dashboard_min_replicas": 2 if env == "prod" else 1,
        "k8s_apps_dashboard_max_replicas": 6 if env == "prod" else 3,
        "k8s_apps_target_group_arns": {"dashboard": TG_ARN},
        "k8s_apps_vpc_cidr": "10.20.0.0/16",
    } | overrides
    return Templar(variables=variables).template(trust_as_template(ROLE_VALUES.read_text()))


@pytest.fixture(scope="module")
def alb_crds(alb_crd_dir) -> dict:
    return crd_schemas([alb_crd_dir])


def test_helm_lint_is_clean_on_defaults_and_on_the_role_values(tmp_path):
    assert "0 chart(s) failed" in helm("lint", str(CHART), "--strict").stdout
    values = tmp_path / "role.yml"
    values.write_text(role_values("prod"))
    assert "0 chart(s) failed" in helm("lint", str(CHART), "--strict", "--values", str(values)).stdout


def test_the_schema_is_valid_and_the_defaults_satisfy_it():
    schema = json.loads((CHART / "values.schema.json").read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    defaults = yaml.safe_load((CHART / "values.yaml").read_text())
    assert list(jsonschema.Draft7Validator(schema).iter_errors(defaults)) == []
    # Every default key is described by the schema (additionalProperties is false at the top).
    assert set(defaults) <= set(schema["properties"])


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"imagee": {"tag": "1.0.0"}}, "imagee"),
        ({"image": {"repository": "r", "tag": "latest"}}, "tag"),
        ({"service": {"name": "streamlit", "port": 70000}}, "port"),
        ({"resources": {"requests": {"cpu": "250m", "memory": "512MB"}}}, "memory"),
        ({"serviceAccount": {"create": True, "name": "dash", "roleArn": "not-an-arn"}}, "roleArn"),
        ({"targetGroupBinding": {"enabled": True, "targetGroupARN": "arn:aws:s3:::bucket"}}, "targetGroupARN"),
    ],
    ids=["unknown-key", "latest-tag", "port-range", "memory-unit", "bad-role-arn", "bad-target-group"],
)
def test_values_the_schema_forbids_are_refused_naming_them(tmp_path, values, named):
    result = render(tmp_path, values, check=False)
    assert result.returncode != 0
    assert "values don't meet the specifications of the schema" in result.stderr
    assert named in result.stderr


def test_a_binding_without_its_target_group_fails_with_a_message(tmp_path):
    result = render(tmp_path, {"targetGroupBinding": {"enabled": True}}, check=False)
    assert result.returncode != 0
    assert "needs targetGroupBinding.targetGroupARN" in result.stderr


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_the_role_values_render_objects_that_validate_strictly_and_fit_together(tmp_path, alb_crds, env):
    out = render(tmp_path, role_values(env)).stdout
    objects = [d for d in yaml.safe_load_all(out) if d]
    counts, invalid = validate_objects((("chart", o) for o in objects), KUBE_VERSION, alb_crds)
    assert invalid == []
    assert counts == {
        "Deployment": 1,
        "Service": 1,
        "HorizontalPodAutoscaler": 1,
        "PodDisruptionBudget": 1,
        "TargetGroupBinding": 1,
    }
    by_kind = {o["kind"]: o for o in objects}
    deployment, service = by_kind["Deployment"], by_kind["Service"]
    pod = deployment["spec"]["template"]

    # The seed's port-forward: svc/streamlit 8501, selecting the dashboard's pods.
    assert service["metadata"]["name"] == "streamlit"
    assert service["spec"]["ports"] == [{"name": "http", "port": 8501, "targetPort": "http", "protocol": "TCP"}]
    assert service["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
    assert deployment["spec"]["selector"]["matchLabels"].items() <= pod["metadata"]["labels"].items()
    [container] = pod["spec"]["containers"]
    assert {"name": "http", "containerPort": 8501, "protocol": "TCP"} in container["ports"]

    hpa = by_kind["HorizontalPodAutoscaler"]["spec"]
    assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "streamlit-dashboard"}
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == ((2, 6) if env == "prod" else (1, 3))
    assert "replicas" not in deployment["spec"], "the HPA owns the replica count"
    pdb = by_kind["PodDisruptionBudget"]["spec"]
    assert pdb["selector"]["matchLabels"].items() <= pod["metadata"]["labels"].items()
    assert pdb["maxUnavailable"] == 1

    binding = by_kind["TargetGroupBinding"]["spec"]
    assert binding["targetGroupARN"] == TG_ARN
    assert binding["serviceRef"] == {"name": "streamlit", "port": 8501}
    assert binding["networking"]["ingress"][0]["from"] == [{"ipBlock": {"cidr": "10.20.0.0/16"}}]

    # The k8s tier's IRSA account and endpoints ConfigMap; bounded, probed, non-root, read-only root.
    assert pod["spec"]["serviceAccountName"] == "analytics"
    assert container["envFrom"] == [{"configMapRef": {"name": "platform-endpoints"}}]
    assert container["image"] == "123456789012.dkr.ecr.us-west-2.amazonaws.com/ecap/dashboard:1.0.0"
    assert set(container["resources"]["requests"]) == set(container["resources"]["limits"]) == {"cpu", "memory"}
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": "/_stcore/health", "port": "http"}
    assert pod["spec"]["securityContext"]["runAsNonRoot"] is True
    assert container["securityContext"] == {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "capabilities": {"drop": ["ALL"]},
    }
    assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"]


def test_without_a_target_group_there_is_no_binding(tmp_path):
    out = render(tmp_path, role_values("dev", k8s_apps_target_group_arns={})).stdout
    assert "TargetGroupBinding" not in {d["kind"] for d in yaml.safe_load_all(out) if d}
