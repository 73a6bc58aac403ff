"""k8s_manifest_validate: built-in kinds strictly for a Kubernetes version, custom kinds against their CRDs."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from ansible_collections.ecap.platform.plugins.module_utils.k8s_validate import validate_paths
from ansible_collections.ecap.platform.plugins.modules import k8s_manifest_validate

DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "ecap"},
    "spec": {
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
        },
    },
}
BINDING = {
    "apiVersion": "elbv2.k8s.aws/v1beta1",
    "kind": "TargetGroupBinding",
    "metadata": {"name": "streamlit", "namespace": "ecap"},
    "spec": {
        "targetGroupARN": "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/d/1",
        "serviceRef": {"name": "streamlit", "port": 8501},
    },
}


@pytest.fixture
def crds(alb_crd_dir) -> Path:
    return alb_crd_dir


def write(tmp_path: Path, *objects) -> Path:
    path = tmp_path / "objects.yaml"
    path.write_text(yaml.safe_dump_all(objects))
    return path


def test_valid_objects_pass(tmp_path, crds):
    counts, invalid = validate_paths([write(tmp_path, DEPLOYMENT, BINDING)], "1.33", [crds])
    assert invalid == []
    assert counts == {"Deployment": 1, "TargetGroupBinding": 1}


def test_unknown_field_of_a_builtin_kind_fails_naming_it(tmp_path, crds):
    bad = yaml.safe_load(yaml.safe_dump(DEPLOYMENT))
    bad["spec"]["template"]["spec"]["containers"][0]["imagePullPolice"] = "Always"
    _, invalid = validate_paths([write(tmp_path, bad)], "1.33", [crds])
    assert len(invalid) == 1 and invalid[0]["name"] == "ecap/web"
    assert "imagePullPolice" in " ".join(invalid[0]["errors"])


def test_custom_kind_is_checked_against_its_crd(tmp_path, crds):
    missing = {**BINDING, "spec": {"targetGroupARN": BINDING["spec"]["targetGroupARN"]}}
    unknown = {**BINDING, "spec": {**BINDING["spec"], "targetGroupArn": "x"}}
    _, invalid = validate_paths([write(tmp_path, missing, unknown)], "1.33", [crds])
    errors = [" ".join(i["errors"]) for i in invalid]
    assert len(errors) == 2
    assert "serviceRef" in errors[0] and "required" in errors[0]
    assert "targetGroupArn" in errors[1]


def test_a_kind_with_no_schema_fails(tmp_path):
    obj = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}
    _, invalid = validate_paths([write(tmp_path, obj)], "1.33", [])
    assert invalid and "no schema" in invalid[0]["errors"][0]


def test_the_module_fails_listing_the_invalid_objects(tmp_path, crds, capsys):
    import json

    from ansible.module_utils.testing import patch_module_args

    bad = {**DEPLOYMENT, "spec": {**DEPLOYMENT["spec"], "replica": 2}}
    args = {"paths": [str(write(tmp_path, DEPLOYMENT, bad))], "kubernetes_version": "1.33", "crd_paths": [str(crds)]}
    with patch_module_args(args), pytest.raises(SystemExit):
        k8s_manifest_validate.main()
    result = json.loads(capsys.readouterr().out)
    assert result["failed"] and result["total"] == 2 and len(result["invalid"]) == 1
    assert "replica" in result["msg"]
    with patch_module_args({**args, "kubernetes_version": "v1.33"}), pytest.raises(SystemExit):
        k8s_manifest_validate.main()
    assert "MAJOR.MINOR" in json.loads(capsys.readouterr().out)["msg"]
    # A file that is not YAML (e.g. a bad substitution in the render) fails naming the file and the line.
    broken = tmp_path / "broken.yaml"
    broken.write_text("webhooks:\n- clientConfig:\n\\1: abc\n    service:\n      name: x\n")
    with patch_module_args({**args, "paths": [str(broken)]}), pytest.raises(SystemExit):
        k8s_manifest_validate.main()
    msg = json.loads(capsys.readouterr().out)["msg"]
    assert "broken.yaml is not valid YAML" in msg and "line 4" in msg


def test_a_cache_file_reuses_a_passing_result_until_an_input_changes(tmp_path, crds, capsys):
    import json

    from ansible.module_utils.testing import patch_module_args

    manifests = tmp_path / "manifests"
    manifests.mkdir()
    (manifests / "objects.yaml").write_text(yaml.safe_dump_all([DEPLOYMENT, BINDING]))
    cache = tmp_path / "validated.json"
    args = {"paths": [str(manifests)], "kubernetes_version": "1.33", "crd_paths": [str(crds)], "cache_file": str(cache)}

    def run(extra=None, check=False):
        with patch_module_args({**args, **(extra or {}), "_ansible_check_mode": check}), pytest.raises(SystemExit):
            k8s_manifest_validate.main()
        return json.loads(capsys.readouterr().out)

    # Check mode validates but records nothing.
    assert run(check=True)["cached"] is False and not cache.exists()
    first = run()
    assert first["cached"] is False and first["total"] == 2 and cache.exists()
    again = run()
    assert again["cached"] is True and again["objects"] == first["objects"] and again["total"] == 2
    # Another version, strictness or CRD set is another input.
    assert run({"kubernetes_version": "1.32"})["cached"] is False
    assert run()["cached"] is False  # the 1.32 run replaced the record
    assert run()["cached"] is True
    # An edited manifest is validated again: an invalid one fails and forgets the record.
    bad = {**DEPLOYMENT, "spec": {**DEPLOYMENT["spec"], "replica": 2}}
    (manifests / "objects.yaml").write_text(yaml.safe_dump_all([bad, BINDING]))
    failed = run()
    assert failed["failed"] and failed["cached"] is False and "replica" in failed["msg"] and not cache.exists()
    # A new file in a folder is an input too.
    (manifests / "objects.yaml").write_text(yaml.safe_dump_all([DEPLOYMENT, BINDING]))
    assert run()["total"] == 2 and run()["cached"] is True
    (manifests / "more.yaml").write_text(yaml.safe_dump(DEPLOYMENT))
    added = run()
    assert added["cached"] is False and added["total"] == 3
    # A record that is not JSON is ignored, not trusted.
    cache.write_text("{not json")
    assert run()["cached"] is False and run()["cached"] is True
