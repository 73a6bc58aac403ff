# Copyright: ecap.platform contributors
# MIT License
"""Kubeconfig entries of an EKS cluster, merged into a kubeconfig file without touching the entries
of other clusters (the logic of ``ecap.platform.eks_kubeconfig``; no Ansible import).

Names follow ``aws eks update-kubeconfig``: the cluster entry and the exec user are named after the
cluster ARN, the context after ``context_name`` (its ``--alias``) or the ARN. The static-token user
is ``<ARN>-token``; with ``user_mode=both`` its context is ``<context>-token``.

The exec user is what ``aws eks update-kubeconfig`` writes (``client.authentication.k8s.io/v1beta1``,
``aws --region R eks get-token --cluster-name X --output json``, ``AWS_PROFILE`` when a profile is
used). It holds no secret and never changes, so re-runs leave the file as it is.
"""

from __future__ import annotations

import base64
import binascii
import copy
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

EXEC_API_VERSION = "client.authentication.k8s.io/v1beta1"
TOKEN_SUFFIX = "-token"
USER_MODES = ("exec", "token", "both")
FILE_MODE = 0o600
CA_FILE_MODE = 0o644
DIR_MODE = 0o700
MASK = "**MASKED**"
# User fields that hold a credential (masked in diffs), and auth-provider config keys that do.
SECRET_USER_FIELDS = ("token", "client-key-data", "password")
SECRET_PROVIDER_KEY = re.compile(r"token|secret|password", re.IGNORECASE)
SECTIONS = ("clusters", "contexts", "users")
# EKS: 1-100 characters, a letter or digit first, then letters, digits, hyphens and underscores.
CLUSTER_NAME = re.compile(r"^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$")


class KubeconfigError(ValueError):
    """A kubeconfig file that cannot be merged into (not YAML, not a Config, malformed lists)."""


@dataclass(frozen=True)
class Cluster:
    """What the kubeconfig needs of an EKS cluster (from one DescribeCluster)."""

    name: str
    arn: str
    region: str
    endpoint: str
    ca_data: str

    @classmethod
    def from_describe(cls, described: Mapping[str, Any], region: str) -> Cluster:
        """From DescribeCluster's ``cluster``; the region is the ARN's when it names one."""
        arn = described["arn"]
        parts = arn.split(":")
        return cls(
            name=described["name"],
            arn=arn,
            region=parts[3] if len(parts) > 3 and parts[3] else region,
            # AWS returns no trailing slash (moto 5.2.5 adds one); kubectl and the client strip it anyway.
            endpoint=(described.get("endpoint") or "").rstrip("/"),
            ca_data=(described.get("certificateAuthority") or {}).get("data") or "",
        )


@dataclass(frozen=True)
class Names:
    """The entry names this module owns for one cluster."""

    cluster: str
    exec_user: str
    token_user: str
    exec_context: str | None
    token_context: str | None

    @property
    def current(self) -> str:
        """The context made current: the exec one when there is one."""
        return self.exec_context or self.token_context or ""

    @property
    def contexts(self) -> list[str]:
        return [name for name in (self.exec_context, self.token_context) if name]


def names_for(arn: str, context_name: str | None, user_mode: str) -> Names:
    """Entry names for ``user_mode`` (exec, token, both)."""
    if user_mode not in USER_MODES:
        raise ValueError(f"user_mode must be one of {', '.join(USER_MODES)}, not {user_mode}")
    base = context_name or arn
    exec_context = base if user_mode in ("exec", "both") else None
    token_context = {"token": base, "both": base + TOKEN_SUFFIX}.get(user_mode)
    return Names(
        cluster=arn,
        exec_user=arn,
        token_user=arn + TOKEN_SUFFIX,
        exec_context=exec_context,
        token_context=token_context,
    )


# --------------------------------------------------------------------------- entries


def cluster_entry(cluster: Cluster) -> dict[str, Any]:
    return {
        "cluster": {"certificate-authority-data": cluster.ca_data, "server": cluster.endpoint},
        "name": cluster.arn,
    }


def exec_user_entry(name: str, cluster_name: str, region: str, profile: str | None = None) -> dict[str, Any]:
    """The user ``aws eks update-kubeconfig`` writes: kubectl runs ``aws eks get-token`` for each token."""
    exec_config: dict[str, Any] = {
        "apiVersion": EXEC_API_VERSION,
        "args": ["--region", region, "eks", "get-token", "--cluster-name", cluster_name, "--output", "json"],
        "command": "aws",
    }
    if profile:
        exec_config["env"] = [{"name": "AWS_PROFILE", "value": profile}]
    return {"name": name, "user": {"exec": exec_config}}


def token_user_entry(name: str, token: str) -> dict[str, Any]:
    """A user with a static bearer token (valid 15 minutes: for Ansible and CI steps)."""
    return {"name": name, "user": {"token": token}}


def context_entry(name: str, cluster: str, user: str) -> dict[str, Any]:
    return {"context": {"cluster": cluster, "user": user}, "name": name}


# --------------------------------------------------------------------------- documents


def empty_config() -> dict[str, Any]:
    """A kubeconfig with no entry (what kubectl writes for a new file)."""
    return {
        "apiVersion": "v1",
        "clusters": [],
        "contexts": [],
        "current-context": "",
        "kind": "Config",
        "preferences": {},
        "users": [],
    }


def parse(text: str | None) -> dict[str, Any]:
    """A kubeconfig document; an empty or missing file is an empty config.

    :raises KubeconfigError: when the text is not a kubeconfig we can merge into without loss.
    """
    if text is None or not text.strip():
        return empty_config()
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise KubeconfigError(f"not valid YAML: {e}") from e
    if data is None:
        return empty_config()
    if not isinstance(data, dict):
        raise KubeconfigError("not a kubeconfig (the document is not a mapping)")
    if data.get("kind", "Config") != "Config":
        raise KubeconfigError(f"not a kubeconfig (kind is {data.get('kind')!r}, not 'Config')")
    config = {**empty_config(), **data}
    for section in SECTIONS:
        entries = config.get(section) or []
        if not isinstance(entries, list) or not all(isinstance(e, dict) and e.get("name") for e in entries):
            raise KubeconfigError(f"{section} must be a list of named entries")
        config[section] = entries
    if config.get("current-context") is None:
        config["current-context"] = ""
    return config


def render(config: Mapping[str, Any]) -> str:
    """YAML as kubectl lays it out (keys sorted, block style)."""
    return yaml.safe_dump(dict(config), default_flow_style=False, sort_keys=True)


def entry(config: Mapping[str, Any], section: str, name: str) -> dict[str, Any] | None:
    return next((e for e in config.get(section) or [] if e.get("name") == name), None)


def upsert(config: dict[str, Any], section: str, new: Mapping[str, Any]) -> None:
    """Replace the entry of the same name in place (keeping its position), or append it."""
    entries = config.setdefault(section, [])
    for index, existing in enumerate(entries):
        if existing.get("name") == new["name"]:
            entries[index] = dict(new)
            return
    entries.append(dict(new))


def _remove(config: dict[str, Any], section: str, names: Iterable[str]) -> None:
    drop = set(names)
    config[section] = [e for e in config.get(section) or [] if e.get("name") not in drop]


def _referenced_users(config: Mapping[str, Any]) -> set[str]:
    return {(c.get("context") or {}).get("user") for c in config.get("contexts") or []} - {None}


def existing_token(config: Mapping[str, Any], names: Names) -> str | None:
    """The static token this module wrote for the cluster before, if any."""
    user = entry(config, "users", names.token_user)
    value = ((user or {}).get("user") or {}).get("token")
    return value if isinstance(value, str) else None


def merge_present(
    config: Mapping[str, Any],
    cluster: Cluster,
    names: Names,
    *,
    exec_user: Mapping[str, Any] | None,
    token_user: Mapping[str, Any] | None,
    set_current: bool = True,
) -> dict[str, Any]:
    """``config`` with this cluster's entries for the wanted users; other clusters' entries untouched.

    Entries this module owns for the cluster that the mode no longer wants (the ``-token`` context
    and user after a switch back to exec, the exec user after a switch to token) are removed.
    """
    result = copy.deepcopy(dict(config))
    upsert(result, "clusters", cluster_entry(cluster))
    if exec_user is not None and names.exec_context:
        upsert(result, "users", exec_user)
        upsert(result, "contexts", context_entry(names.exec_context, names.cluster, names.exec_user))
    if token_user is not None and names.token_context:
        upsert(result, "users", token_user)
        upsert(result, "contexts", context_entry(names.token_context, names.cluster, names.token_user))
    # A context of this cluster on a user of ours that this mode does not write goes away.
    unwanted_users = (
        {names.exec_user, names.token_user}
        - ({names.exec_user} if exec_user is not None else set())
        - ({names.token_user} if token_user is not None else set())
    )
    result["contexts"] = [
        c
        for c in result["contexts"]
        if not (
            (c.get("context") or {}).get("cluster") == names.cluster
            and (c.get("context") or {}).get("user") in unwanted_users
            and c.get("name") not in names.contexts
        )
    ]
    _remove(result, "users", unwanted_users - _referenced_users(result))
    if set_current and names.current:
        result["current-context"] = names.current
    return result


def cluster_arn_pattern(cluster_name: str, region: str | None) -> re.Pattern[str]:
    """Matches the ARN of cluster ``cluster_name`` in ``region`` (any region when None), any account."""
    where = re.escape(region) if region else r"[a-z0-9-]+"
    return re.compile(rf"^arn:aws[a-z-]*:eks:{where}:\d{{12}}:cluster/{re.escape(cluster_name)}$")


def merge_absent(config: Mapping[str, Any], cluster_name: str, region: str | None) -> tuple[dict[str, Any], list[str]]:
    """``config`` without this cluster's entries, and the cluster entry names removed.

    Removed: the cluster entries named by the cluster's ARN (so no AWS call is needed and a
    deleted cluster can still be cleaned up), every context on them (whatever its alias), and
    the users ``<ARN>`` and ``<ARN>-token`` that no remaining context uses. Other users are left
    alone even when only a removed context used them (they are not ours).
    """
    pattern = cluster_arn_pattern(cluster_name, region)
    result = copy.deepcopy(dict(config))
    arns = [c["name"] for c in result.get("clusters") or [] if pattern.match(str(c.get("name")))]
    if not arns:
        return result, []
    _remove(result, "clusters", arns)
    removed_contexts = [
        c["name"] for c in result.get("contexts") or [] if (c.get("context") or {}).get("cluster") in arns
    ]
    _remove(result, "contexts", removed_contexts)
    ours = {arn + suffix for arn in arns for suffix in ("", TOKEN_SUFFIX)}
    _remove(result, "users", ours - _referenced_users(result))
    if result.get("current-context") in removed_contexts:
        result["current-context"] = ""
    return result, arns


def masked(config: Mapping[str, Any]) -> dict[str, Any]:
    """A copy with every credential of every user replaced by ``**MASKED**`` (diffs show the whole file)."""
    result = copy.deepcopy(dict(config))
    for user in result.get("users") or []:
        fields = user.get("user")
        if not isinstance(fields, dict):
            continue
        for key in SECRET_USER_FIELDS:
            if fields.get(key):
                fields[key] = MASK
        provider = fields.get("auth-provider")
        if isinstance(provider, dict) and isinstance(provider.get("config"), dict):
            for key in provider["config"]:
                if SECRET_PROVIDER_KEY.search(key):
                    provider["config"][key] = MASK
    return result


# --------------------------------------------------------------------------- files


@dataclass(frozen=True)
class FileState:
    exists: bool
    content: bytes
    mode: int | None


def read_file(path: str) -> FileState:
    """The file at ``path`` (following symlinks); a missing file is ``exists=False``."""
    try:
        with open(path, "rb") as handle:
            content = handle.read()
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return FileState(False, b"", None)
    return FileState(True, content, mode)


def write_file(path: str, content: bytes, mode: int) -> None:
    """Write atomically (a temporary file in the same directory, then rename) with ``mode``.

    A symlink is followed (its target is replaced). Missing parent directories are made 0700.
    """
    target = os.path.realpath(path)
    directory = os.path.dirname(target) or "."
    os.makedirs(directory, mode=DIR_MODE, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".kubeconfig-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode)
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def remove_file(path: str) -> bool:
    try:
        os.unlink(path)
    except FileNotFoundError:
        return False
    return True


def ca_pem(ca_data: str) -> bytes:
    """The cluster CA certificate (PEM) from DescribeCluster's base64 ``certificateAuthority.data``."""
    try:
        return base64.b64decode(ca_data, validate=True)
    except (binascii.Error, ValueError) as e:
        raise KubeconfigError(f"the cluster's certificateAuthority.data is not base64: {e}") from e
