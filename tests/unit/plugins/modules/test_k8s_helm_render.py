"""k8s_helm_render: helm template per release, generated certificates masked, unchanged releases not rendered."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.ecap.platform.plugins.modules import k8s_helm_render

ROOT = Path(__file__).resolve().parents[4]
HELM = ROOT / ".tools" / "bin" / "helm"
ALB_CHART = ROOT / "tests" / "fixtures" / "charts" / "aws-load-balancer-controller-3.5.0.tgz"
MASK = r"(?m)(?:(?<=caBundle: )|(?<=tls\.crt: )|(?<=tls\.key: )|(?<=ca\.crt: ))\S+$"

pytestmark = pytest.mark.skipif(not HELM.is_file(), reason="make setup installs helm into .tools/bin")


@pytest.fixture
def work(tmp_path):
    dest = tmp_path / "manifests"
    dest.mkdir()
    chart = tmp_path / "streamlit"
    shutil.copytree(ROOT / "charts" / "streamlit-dashboard", chart)
    values = tmp_path / "streamlit.yaml"
    values.write_text("replicaCount: 1\n")
    alb_values = tmp_path / "alb.yaml"
    alb_values.write_text("clusterName: ecap-local\n")
    return {"dest": dest, "chart": chart, "values": values, "alb_values": alb_values}


def run(capsys, args, check=False, diff=False):
    with patch_module_args({**args, "_ansible_check_mode": check, "_ansible_diff": diff}), pytest.raises(SystemExit):
        k8s_helm_render.main()
    return json.loads(capsys.readouterr().out)


def args_of(work, **extra):
    return {
        "releases": [
            {"name": "streamlit", "chart": str(work["chart"]), "namespace": "ecap", "values": str(work["values"])},
            {"name": "alb", "chart": str(ALB_CHART), "namespace": "kube-system", "values": str(work["alb_values"])},
        ],
        "dest": str(work["dest"]),
        "kubernetes_version": "1.33",
        "helm": str(HELM),
        "mask_pattern": MASK,
        **extra,
    }


def test_render_then_skip_until_an_input_changes(work, capsys):
    args = args_of(work)
    planned = run(capsys, args, check=True, diff=True)
    assert planned["changed"] and not list(work["dest"].iterdir())  # check mode writes nothing
    assert {d["after_header"] for d in planned["diff"]} == {
        str(work["dest"] / "streamlit.yaml"),
        str(work["dest"] / "alb.yaml"),
    }

    first = run(capsys, args)
    assert first["changed"] and [r["rendered"] for r in first["releases"]] == [True, True]
    alb = (work["dest"] / "alb.yaml").read_text()
    # The webhook certificates helm generates are masked: none of their base64 is left.
    assert "caBundle: Z2VuZXJhdGVkLWF0LWluc3RhbGw=" in alb and "tls.key: Z2VuZXJhdGVkLWF0LWluc3RhbGw=" in alb
    assert "LS0t" not in alb
    assert "name: streamlit" in (work["dest"] / "streamlit.yaml").read_text()

    again = run(capsys, args)
    assert not again["changed"] and [r["rendered"] for r in again["releases"]] == [False, False]

    # New values: that release only is rendered again and its file changes.
    work["values"].write_text("replicaCount: 1\nimage:\n  tag: '9.9'\n")
    changed = run(capsys, args)
    by_name = {r["name"]: r for r in changed["releases"]}
    assert by_name["streamlit"]["rendered"] and by_name["streamlit"]["changed"]
    assert not by_name["alb"]["rendered"]
    assert ":9.9" in (work["dest"] / "streamlit.yaml").read_text()

    # A changed chart template is an input too; a rendered but identical output is not a change.
    (work["chart"] / "templates" / "NOTES.txt").write_text("notes\n")
    same = run(capsys, args)
    assert [r["rendered"] for r in same["releases"]] == [True, False] and not same["changed"]

    # A deleted output file is rendered again even though its record is there.
    (work["dest"] / "alb.yaml").unlink()
    back = run(capsys, args)
    assert back["changed"] and (work["dest"] / "alb.yaml").read_text() == alb
    # Another Kubernetes version renders both again.
    assert all(r["rendered"] for r in run(capsys, args_of(work, kubernetes_version="1.32"))["releases"])


def test_bad_input_fails_before_helm_runs(work, capsys):
    bad = args_of(work, kubernetes_version="v1.33", parallel=0, mask_pattern="(")
    bad["releases"].append({"name": "Bad_Name", "chart": "/nope.tgz", "namespace": "x", "values": "/nope.yaml"})
    bad["releases"].append(dict(bad["releases"][0]))
    result = run(capsys, bad)
    assert result["failed"]
    for part in (
        "MAJOR.MINOR",
        "parallel=0",
        "mask_pattern",
        "twice: streamlit",
        "'Bad_Name'",
        "/nope.tgz does not exist",
        "/nope.yaml does not exist",
    ):
        assert part in result["msg"], part
    assert not list(work["dest"].iterdir())


def test_a_helm_failure_names_the_release_and_writes_nothing(work, capsys):
    (work["chart"] / "templates" / "broken.yaml").write_text("{{ .Values.nope.deeper }}\n")
    result = run(capsys, args_of(work))
    assert result["failed"] and "helm template streamlit failed" in result["msg"]
    assert not (work["dest"] / "streamlit.yaml").exists()
