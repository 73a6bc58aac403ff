# Copyright: ecap.platform contributors
# MIT License
"""Strict offline validation of rendered Kubernetes objects (DESIGN.md section 7).

Built-in kinds are checked by ``kubernetes_validate`` against the target Kubernetes version's OpenAPI
schemas, with unknown fields refused. Custom kinds (TargetGroupBinding, ServiceMonitor, PrometheusRule...)
are checked with jsonschema against the ``openAPIV3Schema`` of the served version of their
CustomResourceDefinition, read from the charts' CRD files; ``additionalProperties: false`` is added where
the CRD neither lists ``additionalProperties`` nor preserves unknown fields, so that a misspelt field fails
as it would on a server with field validation ``Strict``. A kind with no schema at all is an error: nothing
reaches a cluster unchecked.

Pure Python (PyYAML, jsonschema, kubernetes-validate), no Ansible import: the module
``k8s_manifest_validate`` and the tests use it.
"""

from __future__ import annotations

import copy
import hashlib
import marshal
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

try:
    import jsonschema
    import kubernetes_validate
    import yaml

    HAS_DEPS = True
except ImportError:  # the module reports it
    HAS_DEPS = False


if HAS_DEPS:
    # libyaml's parser where PyYAML has it: the charts' CRDs are megabytes, ten times faster than pure Python.
    class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        """SafeLoader that reads a bare ``=`` (YAML 1.1's value tag, which CRDs use in enums) as a string."""

    _Loader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node))


def load_documents(path: Path) -> Iterator[dict[str, Any]]:
    """Every non-empty YAML document of a file; a ``List`` is flattened to its items.

    A file that is not YAML raises ``ValueError`` naming the file and the line."""
    try:
        docs = list(yaml.load_all(path.read_text(), Loader=_Loader))  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise ValueError(f"{path} is not valid YAML: {' '.join(str(exc).split())}") from exc
    for doc in docs:
        if not doc:
            continue
        if doc.get("kind", "").endswith("List") and isinstance(doc.get("items"), list):
            yield from (item for item in doc["items"] if item)
        else:
            yield doc


def _files(paths: Iterable[str | Path]) -> list[Path]:
    out: list[Path] = []
    for entry in paths:
        path = Path(entry)
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml")))
        elif path.exists():
            out.append(path)
        else:
            raise FileNotFoundError(f"{path}: no such file or directory")
    return out


def _strict(schema: Any) -> Any:
    """A copy of an OpenAPI v3 schema where objects with properties refuse unknown fields."""
    if isinstance(schema, dict):
        schema = {k: _strict(v) for k, v in schema.items()}
        if (
            schema.get("type") == "object"
            and "properties" in schema
            and "additionalProperties" not in schema
            and not schema.get("x-kubernetes-preserve-unknown-fields")
        ):
            schema["additionalProperties"] = False
        return schema
    if isinstance(schema, list):
        return [_strict(v) for v in schema]
    return schema


def crd_schemas(paths: Iterable[str | Path], strict: bool = True) -> dict[tuple[str, str], dict[str, Any]]:
    """``{(apiVersion, kind): schema}`` from the CustomResourceDefinitions in ``paths`` (files or folders)."""
    schemas: dict[tuple[str, str], dict[str, Any]] = {}
    for path in _files(paths):
        for doc in load_documents(path):
            if doc.get("kind") != "CustomResourceDefinition":
                continue
            spec = doc.get("spec") or {}
            group, kind = spec.get("group"), (spec.get("names") or {}).get("kind")
            for version in spec.get("versions") or []:
                if not version.get("served", True):
                    continue
                schema = copy.deepcopy((version.get("schema") or {}).get("openAPIV3Schema") or {})
                # apiVersion, kind and metadata are the server's: accept them as any API object has them.
                props = schema.setdefault("properties", {})
                props.setdefault("apiVersion", {"type": "string"})
                props.setdefault("kind", {"type": "string"})
                props["metadata"] = {"type": "object"}
                schemas[(f"{group}/{version['name']}", kind)] = _strict(schema) if strict else schema
    return schemas


def _name(obj: dict[str, Any]) -> str:
    meta = obj.get("metadata") or {}
    return f"{meta.get('namespace') + '/' if meta.get('namespace') else ''}{meta.get('name', '?')}"


def validate_objects(
    objects: Iterable[tuple[str, dict[str, Any]]],
    kubernetes_version: str,
    crds: dict[tuple[str, str], dict[str, Any]],
    strict: bool = True,
) -> tuple[dict[str, int], list[dict[str, Any]]]:
    """Validate ``(source, object)`` pairs; returns (count by kind, invalid objects with their errors)."""
    counts: dict[str, int] = {}
    invalid: list[dict[str, Any]] = []
    validators: dict[tuple[str, str], Any] = {}
    for source, obj in objects:
        kind, api = obj.get("kind", ""), obj.get("apiVersion", "")
        counts[kind] = counts.get(kind, 0) + 1
        entry = {"file": source, "kind": kind, "api_version": api, "name": _name(obj)}
        schema = crds.get((api, kind))
        if schema is not None:
            validator = validators.get((api, kind))
            if validator is None:
                validator = validators[(api, kind)] = jsonschema.Draft202012Validator(schema)
            errors = sorted(validator.iter_errors(obj), key=lambda e: list(e.absolute_path))
            messages = [f"{'.'.join(str(p) for p in e.absolute_path) or '<root>'}: {e.message}" for e in errors]
        else:
            try:
                kubernetes_validate.validate(obj, kubernetes_version, strict=strict)
                messages = []
            except kubernetes_validate.SchemaNotFoundError:
                messages = [f"no schema for {api} {kind} in Kubernetes {kubernetes_version} nor in the CRDs given"]
            except kubernetes_validate.ValidationError as exc:
                path = ".".join(str(p) for p in exc.path)
                messages = [f"{path or '<root>'}: {exc.message}"]
        if messages:
            invalid.append({**entry, "errors": messages})
    return counts, invalid


def _own_code() -> bytes:
    """The compiled code of this validator (not its file: under Mitogen a module has no file to read)."""
    functions = (load_documents, _files, _strict, crd_schemas, _name, validate_objects)
    return b"".join(marshal.dumps(f.__code__) for f in functions)


def inputs_digest(
    paths: Iterable[str | Path], kubernetes_version: str, crd_paths: Iterable[str | Path] = (), strict: bool = True
) -> str:
    """sha256 of everything a validation's result depends on: the bytes and names of the manifests and the
    CRDs, the version, strictness, this validator's source and the kubernetes-validate release.

    Two runs with the same digest give the same result, so a result recorded under it can be reused."""
    digest = hashlib.sha256()
    version = getattr(kubernetes_validate, "__version__", "") if HAS_DEPS else ""
    digest.update(f"{kubernetes_version}\0{strict}\0{version}\0".encode())
    digest.update(_own_code())
    for group in (paths, crd_paths):
        digest.update(b"\1")
        for path in _files(group):
            data = path.read_bytes()
            digest.update(f"{path}\0{len(data)}\0".encode())
            digest.update(data)
    return digest.hexdigest()


def validate_paths(
    paths: Iterable[str | Path], kubernetes_version: str, crd_paths: Iterable[str | Path] = (), strict: bool = True
) -> tuple[dict[str, int], list[dict[str, Any]]]:
    """Validate every object in the YAML files or folders ``paths``."""
    crds = crd_schemas(crd_paths, strict=strict)
    pairs = ((str(path), obj) for path in _files(paths) for obj in load_documents(path))
    return validate_objects(pairs, kubernetes_version, crds, strict=strict)
