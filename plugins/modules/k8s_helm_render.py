#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: k8s_helm_render
version_added: 0.1.0
short_description: Render Helm releases to files with C(helm template), offline, skipping unchanged ones
description:
  - Runs C(helm template) for each release of O(releases) (at most O(parallel) at a time) and writes its objects to
    C(<dest>/<name>.yaml).
  - Values that helm generates anew on every render (webhook certificates) are replaced by a fixed marker, matched
    by O(mask_pattern), so that an unchanged release writes an unchanged file.
  - A release whose inputs (the chart's bytes, the values file, the namespace, the Kubernetes version, the helm
    version, the mask) are those of the last render recorded in C(<dest>/.<name>.render.json) is not rendered again.
  - Changes a file only when its content differs; in check mode writes nothing and reports what would change.
requirements:
  - helm 3 on the controller (the collection's C(make setup) installs a pinned one)
author:
  - ecap.platform contributors
options:
  releases:
    description: The releases to render.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: The release name (also the file name).
        type: str
        required: true
      chart:
        description: A packaged chart (C(.tgz)) or a chart folder.
        type: path
        required: true
      namespace:
        description: The release namespace.
        type: str
        required: true
      values:
        description: A values file.
        type: path
  dest:
    description: The folder the objects are written to.
    type: path
    required: true
  kubernetes_version:
    description: The target Kubernetes version, C(MAJOR.MINOR) such as C(1.33).
    type: str
    required: true
  helm:
    description: The helm binary.
    type: path
    default: helm
  mask_pattern:
    description:
      - A multi-line regular expression of the generated values to mask; each match is replaced by
        O(mask_value).
      - Empty masks nothing.
    type: str
    default: ""
  mask_value:
    description: What a masked value becomes.
    type: str
    default: Z2VuZXJhdGVkLWF0LWluc3RhbGw=
  parallel:
    description: How many C(helm template) processes run at a time.
    type: int
    default: 4
"""

EXAMPLES = r"""
- name: Render the releases
  ecap.platform.k8s_helm_render:
    releases:
      - {name: metrics-server, chart: charts/metrics-server-3.13.1.tgz, namespace: kube-system,
         values: build/dev/k8s/values/metrics-server.yaml}
    dest: build/dev/k8s/manifests
    kubernetes_version: "1.33"
    mask_pattern: '(?m)(?<=caBundle: )\S+$'
"""

RETURN = r"""
releases:
  description: Per release, in the order given.
  returned: always
  type: list
  elements: dict
  contains:
    name: {description: The release., type: str, returned: always}
    path: {description: The file of its objects., type: str, returned: always}
    rendered: {description: Whether helm ran (false when its inputs had not changed)., type: bool, returned: always}
    changed: {description: Whether its file changed (or would, in check mode)., type: bool, returned: always}
"""

import hashlib
import os
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.ecap.platform.plugins.module_utils import records


def tree_digest(path: str) -> str:
    """sha256 of a file, or of a folder's relative names and bytes (sorted; hidden files skipped like helm)."""
    digest = hashlib.sha256()
    if os.path.isfile(path):
        with open(path, "rb") as handle:
            digest.update(handle.read())
        return digest.hexdigest()
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(f for f in files if not f.startswith(".")):
            full = os.path.join(root, name)
            with open(full, "rb") as handle:
                data = handle.read()
            digest.update(f"{os.path.relpath(full, path)}\0{len(data)}\0".encode())
            digest.update(data)
    return digest.hexdigest()


def inputs_digest(release: dict[str, Any], version: str, helm_version: str, mask: str) -> str:
    """What a release's render depends on."""
    digest = hashlib.sha256()
    values = tree_digest(release["values"]) if release.get("values") else ""
    for part in (
        release["name"],
        release["namespace"],
        version,
        helm_version,
        mask,
        tree_digest(release["chart"]),
        values,
    ):
        digest.update(f"{part}\0".encode())
    return digest.hexdigest()


def helm_template(helm: str, release: dict[str, Any], version: str) -> str:
    """The objects of one release (stdout of helm template); raises RuntimeError with helm's message."""
    argv = [helm, "template", release["name"], release["chart"], "--namespace", release["namespace"]]
    argv += ["--kube-version", f"{version}.0"]
    if release.get("values"):
        argv += ["--values", release["values"]]
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"helm template {release['name']} failed (rc={proc.returncode}): {proc.stderr.strip()}")
    return proc.stdout


def validate(params: dict[str, Any]) -> list[str]:
    """What is wrong with the arguments, before anything runs."""
    errors = []
    if not re.fullmatch(r"1\.\d+", params["kubernetes_version"]):
        errors.append(f"kubernetes_version={params['kubernetes_version']!r} must be MAJOR.MINOR, e.g. 1.33.")
    if params["parallel"] < 1:
        errors.append(f"parallel={params['parallel']} must be at least 1.")
    try:
        re.compile(params["mask_pattern"])
    except re.error as exc:
        errors.append(f"mask_pattern is not a regular expression: {exc}.")
    names = [r["name"] for r in params["releases"]]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        errors.append(f"releases: each name once (twice: {', '.join(duplicates)}).")
    for release in params["releases"]:
        if not re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", release["name"]):
            errors.append(f"releases: name {release['name']!r} must be a DNS label (lower-case letters, digits, -).")
        if not os.path.exists(release["chart"]):
            errors.append(f"releases[{release['name']}].chart: {release['chart']} does not exist.")
        if release.get("values") and not os.path.isfile(release["values"]):
            errors.append(f"releases[{release['name']}].values: {release['values']} does not exist.")
    return errors


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "releases": {
                "type": "list",
                "elements": "dict",
                "required": True,
                "options": {
                    "name": {"type": "str", "required": True},
                    "chart": {"type": "path", "required": True},
                    "namespace": {"type": "str", "required": True},
                    "values": {"type": "path"},
                },
            },
            "dest": {"type": "path", "required": True},
            "kubernetes_version": {"type": "str", "required": True},
            "helm": {"type": "path", "default": "helm"},
            "mask_pattern": {"type": "str", "default": ""},
            "mask_value": {"type": "str", "default": "Z2VuZXJhdGVkLWF0LWluc3RhbGw="},
            "parallel": {"type": "int", "default": 4},
        },
        supports_check_mode=True,
    )
    p = module.params
    errors = validate(p)
    if errors:
        module.fail_json(msg=" ".join(errors))
    if not os.path.isdir(p["dest"]):
        module.fail_json(msg=f"dest={p['dest']} is not a folder.")
    rc, out, err = module.run_command([p["helm"], "version", "--short"])
    if rc != 0:
        module.fail_json(msg=f"Cannot run {p['helm']} version: {err.strip() or out.strip()}")
    helm_version = out.strip()
    mask = re.compile(p["mask_pattern"]) if p["mask_pattern"] else None

    plans = []
    for release in p["releases"]:
        path = os.path.join(p["dest"], f"{release['name']}.yaml")
        stamp = os.path.join(p["dest"], f".{release['name']}.render.json")
        digest = inputs_digest(release, p["kubernetes_version"], helm_version, p["mask_pattern"])
        fresh = records.read_record(stamp, digest) is not None and records.read_text(path) is not None
        plans.append({"release": release, "path": path, "stamp": stamp, "digest": digest, "fresh": fresh})

    def render(plan: dict[str, Any]) -> str:
        text = helm_template(p["helm"], plan["release"], p["kubernetes_version"])
        return (mask.sub(p["mask_value"], text) if mask else text) + "\n"

    todo = [plan for plan in plans if not plan["fresh"]]
    try:
        with ThreadPoolExecutor(max_workers=p["parallel"]) as pool:
            outputs = list(pool.map(render, todo))
    except (RuntimeError, OSError) as exc:
        module.fail_json(msg=str(exc))
    results, diffs = [], []
    for plan, content in zip(todo, outputs, strict=True):
        plan["content"] = content
    for plan in plans:
        name = plan["release"]["name"]
        changed = False
        if not plan["fresh"]:
            before = records.read_text(plan["path"])
            changed = before != plan["content"]
            if changed:
                diffs.append(
                    {
                        "before_header": plan["path"],
                        "after_header": plan["path"],
                        "before": before or "",
                        "after": plan["content"],
                    }
                )
            if not module.check_mode:
                if changed:
                    records.write_text(plan["path"], plan["content"], 0o640)
                records.write_record(plan["stamp"], plan["digest"], 0o640, release=name)
        results.append({"name": name, "path": plan["path"], "rendered": not plan["fresh"], "changed": changed})
    changed = any(r["changed"] for r in results)
    extra = {"diff": diffs} if module._diff and diffs else {}
    module.exit_json(changed=changed, releases=results, **extra)


if __name__ == "__main__":
    main()
