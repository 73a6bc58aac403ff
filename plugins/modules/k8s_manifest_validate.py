#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: k8s_manifest_validate
version_added: 0.1.0
short_description: Validate rendered Kubernetes objects strictly, offline, for a Kubernetes version
description:
  - Reads every YAML document of O(paths) (files, or folders searched for C(*.yaml) and C(*.yml)) and
    validates each object with no cluster.
  - Built-in kinds are checked against the OpenAPI schemas of O(kubernetes_version) shipped by the
    C(kubernetes-validate) package (Kubernetes 1.25 to 1.37), refusing unknown fields when O(strict).
  - Custom kinds are checked against the C(openAPIV3Schema) of the served versions of the
    CustomResourceDefinitions found in O(crd_paths); with O(strict), objects of those schemas refuse fields
    the schema does not list unless it preserves unknown fields (a server's C(Strict) field validation).
  - An object whose kind has no schema in either place is invalid.
  - The module changes nothing; it fails listing every invalid object with its errors.
  - With O(cache_file), a run whose inputs are byte for byte those of the last passing run (manifests, CRDs,
    version, strictness, the validator itself) returns that run's result without validating again; any change
    validates everything.
requirements:
  - kubernetes-validate
  - jsonschema
  - PyYAML
author:
  - ecap.platform contributors
options:
  paths:
    description:
      - The rendered manifests, e.g. C(build/dev/k8s).
    type: list
    elements: path
    required: true
  kubernetes_version:
    description:
      - The target Kubernetes version, C(MAJOR.MINOR) such as C(1.33) (the EKS cluster's version).
    type: str
    required: true
  crd_paths:
    description:
      - Files or folders holding the CustomResourceDefinitions of the custom kinds used.
    type: list
    elements: path
    default: []
  strict:
    description:
      - Refuse fields the schemas do not know.
    type: bool
    default: true
  cache_file:
    description:
      - A JSON file recording the digest of the inputs of the last passing validation and its result.
      - Written after a passing validation (not in check mode); a failing one removes it.
      - Omit to validate on every run.
    type: path
"""

EXAMPLES = r"""
- name: Validate what the k8s_apps role rendered
  ecap.platform.k8s_manifest_validate:
    paths: ["{{ ecap_build_dir }}/k8s/manifests"]
    kubernetes_version: "1.33"
    crd_paths: ["{{ ecap_build_dir }}/k8s/crds"]
"""

RETURN = r"""
objects:
  description: How many objects of each kind were validated.
  returned: always
  type: dict
  sample: {"Deployment": 4, "Service": 6, "TargetGroupBinding": 2}
total:
  description: The number of objects validated.
  returned: always
  type: int
  sample: 87
cached:
  description: Whether the result is the recorded one of a passing run with the same inputs (O(cache_file)).
  returned: always
  type: bool
  sample: false
invalid:
  description: The invalid objects with their errors (empty when all are valid).
  returned: always
  type: list
  elements: dict
  contains:
    file: {description: The file the object came from., type: str, returned: always}
    kind: {description: Its kind., type: str, returned: always}
    api_version: {description: Its apiVersion., type: str, returned: always}
    name: {description: "C(namespace/name)", type: str, returned: always}
    errors: {description: What is wrong, field by field., type: list, elements: str, returned: always}
"""

import os
import re

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible_collections.ecap.platform.plugins.module_utils import k8s_validate, records


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "paths": {"type": "list", "elements": "path", "required": True},
            "kubernetes_version": {"type": "str", "required": True},
            "crd_paths": {"type": "list", "elements": "path", "default": []},
            "strict": {"type": "bool", "default": True},
            "cache_file": {"type": "path"},
        },
        supports_check_mode=True,
    )
    if not k8s_validate.HAS_DEPS:
        module.fail_json(msg=missing_required_lib("kubernetes-validate, jsonschema and PyYAML"))
    version = module.params["kubernetes_version"]
    if not re.fullmatch(r"1\.\d+", version):
        module.fail_json(msg=f"kubernetes_version={version!r} must be MAJOR.MINOR, e.g. 1.33")
    args = (module.params["paths"], version, module.params["crd_paths"])
    cache_file = module.params["cache_file"]
    try:
        digest = k8s_validate.inputs_digest(*args, strict=module.params["strict"]) if cache_file else None
        cached = _read_cache(cache_file, digest)
        if cached is not None:
            module.exit_json(changed=False, cached=True, objects=cached, total=sum(cached.values()), invalid=[])
        counts, invalid = k8s_validate.validate_paths(*args, strict=module.params["strict"])
    except (OSError, ValueError) as exc:
        module.fail_json(msg=f"Cannot read the manifests: {exc}")
    result = {"changed": False, "cached": False, "objects": counts, "total": sum(counts.values()), "invalid": invalid}
    if cache_file and not module.check_mode:
        _write_cache(module, cache_file, digest, None if invalid else counts)
    if invalid:
        lines = [f"{i['file']}: {i['kind']} {i['name']}: {'; '.join(i['errors'])}" for i in invalid[:20]]
        msg = f"{len(invalid)} invalid object(s) for Kubernetes {version}:\n" + "\n".join(lines)
        module.fail_json(msg=msg, **result)
    module.exit_json(**result)


def _read_cache(path: str | None, digest: str | None) -> dict[str, int] | None:
    """The object counts recorded under ``digest``, or None (no file, another digest, unreadable)."""
    recorded = records.read_record(path, digest)
    objects = recorded.get("objects") if recorded else None
    return objects if isinstance(objects, dict) else None


def _write_cache(module: AnsibleModule, path: str, digest: str | None, counts: dict[str, int] | None) -> None:
    """Record a passing result under its digest, or forget the last one after a failure."""
    try:
        if counts is None:
            if os.path.exists(path):
                os.unlink(path)
            return
        records.write_record(path, digest, objects=counts)
    except OSError as exc:
        module.warn(f"Cannot record the validation in {path}: {exc}")


if __name__ == "__main__":
    main()
