"""Amazon EKS control plane: cluster lifecycle and shape, cluster updates, access entries, OIDC providers.

What moto 5.2.5 gets wrong or lacks, and what AWS does instead:

- clusters are ``ACTIVE`` at once and vanish at once on delete (AWS: ``CREATING`` for ~10 minutes,
  ``DELETING`` for ~5); every cluster of a process shares one endpoint and one OIDC issuer (moto
  builds them once at import), the issuer id has 10 mixed-case characters (AWS: 32 upper-case hex),
  the certificate authority is random letters (AWS: Base64 of a PEM certificate), the default
  version is 1.19; DescribeCluster has no ``accessConfig``, ``health``, ``upgradePolicy``, no
  ``clusterSecurityGroupId``/``vpcId``/endpoint access/``publicAccessCidrs`` in
  ``resourcesVpcConfig`` and no ``ipFamily`` in ``kubernetesNetworkConfig``;
- UpdateClusterConfig changes the cluster and answers ``{}`` (AWS: an update object, the cluster
  ``UPDATING`` until it is ``Successful``, one update at a time, "No changes needed" errors);
  UpdateClusterVersion, AssociateEncryptionConfig, DescribeUpdate and ListUpdates are missing;
- access entries and access policies are missing (and AWS's bootstrap entry of the cluster creator);
- TagResource and friends know clusters only (AWS: access entries, node groups, Fargate profiles too);
- IAM AddClientIDToOpenIDConnectProvider / RemoveClientIDFromOpenIDConnectProvider are missing.

State lives on moto's model objects (``Cluster.__dict__``), so ``/moto-api/reset`` clears it.
Cluster updates are kept in one registry per cluster that node group and add-on updates can share:
:func:`register_update` with ``nodegroup=`` or ``addon=``, and DescribeUpdate/ListUpdates filter on them.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import re
import secrets
import uuid
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.eks.exceptions import (
    InvalidParameterException,
    InvalidRequestException,
    ResourceInUseException,
    ResourceNotFoundException,
)
from moto.eks.models import CLUSTER_NOT_FOUND_MSG, Cluster, EKSBackend, validate_safe_to_delete
from moto.eks.responses import EKSResponse
from moto.iam.models import IAMBackend, iam_backends
from moto.iam.responses import IamResponse

from emulator.extensions import add_url_paths, extension, original, override
from emulator.lifecycle import Lifecycle
from emulator.services.ec2 import service_interfaces

#: Kubernetes versions EKS offers (standard and extended support) and each one's latest platform version.
PLATFORM_VERSIONS = {
    "1.28": "eks.48",
    "1.29": "eks.41",
    "1.30": "eks.36",
    "1.31": "eks.32",
    "1.32": "eks.18",
    "1.33": "eks.12",
    "1.34": "eks.5",
}
DEFAULT_VERSION = "1.33"
AUTH_MODES = ("CONFIG_MAP", "API_AND_CONFIG_MAP", "API")
LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")
ACCESS_POLICY_PREFIX = "arn:aws:eks::aws:cluster-access-policy/"
#: ListAccessPolicies (the AWS list, 2025).
ACCESS_POLICY_NAMES = (
    "AmazonAIOpsAssistantPolicy",
    "AmazonARCRegionSwitchScalingPolicy",
    "AmazonEKSAdminPolicy",
    "AmazonEKSAdminViewPolicy",
    "AmazonEKSAutoNodePolicy",
    "AmazonEKSBlockStorageClusterPolicy",
    "AmazonEKSBlockStoragePolicy",
    "AmazonEKSClusterAdminPolicy",
    "AmazonEKSComputeClusterPolicy",
    "AmazonEKSComputePolicy",
    "AmazonEKSEditPolicy",
    "AmazonEKSHybridPolicy",
    "AmazonEKSLoadBalancingClusterPolicy",
    "AmazonEKSLoadBalancingPolicy",
    "AmazonEKSNetworkingClusterPolicy",
    "AmazonEKSNetworkingPolicy",
    "AmazonEKSViewPolicy",
    "AmazonEMRJobPolicy",
    "AmazonSagemakerHyperpodClusterPolicy",
    "AmazonSagemakerHyperpodControllerPolicy",
    "AmazonSagemakerHyperpodSystemNamespacePolicy",
)
ACCESS_ENTRY_TYPES = ("STANDARD", "EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX", "EC2", "HYBRID_LINUX", "HYPERPOD_LINUX")
#: Entry types EKS fills in itself: no groups or user name may be given, and no access policy (but EC2/HYBRID_LINUX).
NODE_ENTRY_TYPES = {
    "EC2_LINUX": ("system:node:{{EC2PrivateDNSName}}", ["system:nodes"]),
    "EC2_WINDOWS": (
        "system:node:{{EC2PrivateDNSName}}",
        ["system:bootstrappers", "system:nodes", "eks:kube-proxy-windows"],
    ),
    "FARGATE_LINUX": ("system:node:{{SessionName}}", ["system:bootstrappers", "system:nodes", "system:node-proxier"]),
    "EC2": ("system:node:{{EC2PrivateDNSName}}", []),
    "HYBRID_LINUX": ("system:node:{{SessionName}}", ["system:nodes"]),
    "HYPERPOD_LINUX": ("system:node:{{EC2PrivateDNSName}}", ["system:nodes"]),
}
POLICY_ENTRY_TYPES = ("STANDARD", "EC2", "HYBRID_LINUX")
PRINCIPAL_ARN = re.compile(r"^arn:(aws[a-z-]*):iam::(\d{12}):(role|user)/(.+)$")
KMS_KEY_ARN = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+$")
RFC1918 = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
NOT_ACCESS_MODE_MSG = (
    "The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] to perform this operation."
)


def _error(kind: type, message: str, **fields: Any) -> Exception:
    """A moto EKS error with AWS's body (``message`` plus ``clusterName`` etc. when known)."""
    return kind(clusterName=fields.get("cluster"), nodegroupName=None, addonName=None, message=message)


def _not_found(message: str) -> Exception:
    return ResourceNotFoundException(
        clusterName=None, nodegroupName=None, fargateProfileName=None, addonName=None, message=message
    )


def _hex32() -> str:
    return secrets.token_hex(16).upper()


def fake_certificate(name: str) -> str:
    """Base64 of a PEM-shaped certificate (what ``certificateAuthority.data`` carries on AWS)."""
    body = base64.b64encode(b"0\x82\x03\x06" + f"kubernetes-ca:{name}:".encode() + secrets.token_bytes(720)).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    pem = "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"
    return base64.b64encode(pem.encode()).decode()


def minor(version: str | None) -> tuple[int, int]:
    """(major, minor) of a Kubernetes version such as "1.33" or "1.33.5"; (0, 0) when it is not one."""
    major, _, rest = str(version or "0.0").partition(".")
    try:
        return int(major), int(rest.split(".")[0] or 0)
    except ValueError:
        return 0, 0


# --- the cluster model ---------------------------------------------------------------------------


def cluster_lifecycle(cluster: Cluster) -> Lifecycle | None:
    return cluster.__dict__.get("_emulator_lifecycle")


def _status(self: Cluster) -> str:
    pinned = self.__dict__.get("_emulator_pinned_status")
    if pinned:
        return pinned
    lifecycle = cluster_lifecycle(self)
    if lifecycle is None:
        return self.__dict__.get("_emulator_status", "ACTIVE")
    state = lifecycle.state or "DELETING"
    if state == "ACTIVE" and running_update(self) is not None:
        return "UPDATING"
    return state


def _set_status(self: Cluster, value: str) -> None:
    self.__dict__["_emulator_status"] = value


def pinned(cluster: Cluster, status: str) -> Cluster:
    """A shallow copy of ``cluster`` that reports ``status`` (the create response's ``CREATING``)."""
    copy = object.__new__(type(cluster))
    copy.__dict__.update(cluster.__dict__)
    copy.__dict__["_emulator_pinned_status"] = status
    return copy


def access_entries(cluster: Cluster) -> dict[str, AccessEntry]:
    return cluster.__dict__.setdefault("_emulator_access_entries", {})


def updates(cluster: Cluster) -> dict[str, ClusterUpdate]:
    return cluster.__dict__.setdefault("_emulator_updates", {})


def enabled_log_types(cluster: Cluster) -> list[str]:
    enabled: set[str] = set()
    for entry in (cluster.logging or {}).get("clusterLogging") or []:
        if entry.get("enabled"):
            enabled.update(entry.get("types") or [])
    return [t for t in LOG_TYPES if t in enabled]


def logging_config(enabled: list[str] | set[str]) -> dict[str, Any]:
    """``logging`` as DescribeCluster shows it: the enabled types, then the disabled ones."""
    on = [t for t in LOG_TYPES if t in enabled]
    off = [t for t in LOG_TYPES if t not in enabled]
    entries = []
    if on:
        entries.append({"types": on, "enabled": True})
    if off:
        entries.append({"types": off, "enabled": False})
    return {"clusterLogging": entries}


def _vpc_of(backend: EKSBackend, subnet_ids: list[str]) -> tuple[str | None, set[str]]:
    """The VPC and Availability Zones of ``subnet_ids`` (``None`` when EC2 does not know them)."""
    try:
        from moto.ec2.models import ec2_backends

        ec2 = ec2_backends[backend.account_id][backend.region_name]
        subnets = [ec2.get_subnet(s) for s in subnet_ids]
    except Exception:  # noqa: BLE001 unknown subnets: moto's own tests use made-up ids
        return None, set()
    vpcs = {s.vpc_id for s in subnets}
    if len(vpcs) > 1:
        raise InvalidParameterException(message="Subnets specified must be in the same VPC.")
    return (vpcs.pop() if vpcs else None), {s.availability_zone for s in subnets}


def _create_cluster_security_group(backend: EKSBackend, cluster: Cluster, vpc_id: str | None) -> str:
    """The ``eks-cluster-sg-<name>-<id>`` group EKS makes in the cluster's VPC (a made-up id without a VPC)."""
    if vpc_id is None:
        return "sg-" + secrets.token_hex(9)[:17]
    from moto.ec2.models import ec2_backends

    ec2 = ec2_backends[backend.account_id][backend.region_name]
    group = ec2.create_security_group(
        name=f"eks-cluster-sg-{cluster.name}-{secrets.randbelow(10**10):010d}",
        description="EKS created security group applied to ENI that is attached to EKS Control Plane master "
        "nodes, as well as any managed workloads.",
        vpc_id=vpc_id,
        tags={
            "Name": f"eks-cluster-sg-{cluster.name}",
            "aws:eks:cluster-name": cluster.name,
            f"kubernetes.io/cluster/{cluster.name}": "owned",
        },
    )
    cluster.__dict__["_emulator_security_group"] = (vpc_id, group.id)
    return group.id


def _delete_cluster_security_group(backend: EKSBackend, cluster: Cluster) -> None:
    created = cluster.__dict__.get("_emulator_security_group")
    if not created:
        return
    try:
        from moto.ec2.models import ec2_backends

        ec2_backends[backend.account_id][backend.region_name].delete_security_group(group_id=created[1])
    except Exception:  # noqa: BLE001 already gone (or still referenced): AWS retries in the background
        pass


def _fill_in(backend: EKSBackend, cluster: Cluster, access_config: dict[str, Any] | None) -> None:
    """Give a new moto cluster the fields and values DescribeCluster has on AWS."""
    region = backend.region_name
    cluster.endpoint = f"https://{_hex32()}.gr7.{region}.eks.amazonaws.com"
    cluster.identity = {"oidc": {"issuer": f"https://oidc.eks.{region}.amazonaws.com/id/{_hex32()}"}}
    cluster.certificate_authority = {"data": fake_certificate(cluster.name)}
    cluster.version = cluster.version if cluster.version != "1.19" else DEFAULT_VERSION
    cluster.platformVersion = PLATFORM_VERSIONS[cluster.version]
    cluster.tags = dict(cluster.tags or {})
    cluster.logging = logging_config(enabled_log_types(cluster))
    network = dict(deepcopy(cluster.kubernetes_network_config) or {})
    network.setdefault("serviceIpv4Cidr", "172.20.0.0/16")
    network.setdefault("ipFamily", "ipv4")
    network.setdefault("elasticLoadBalancing", {"enabled": False})
    cluster.kubernetes_network_config = network
    vpc = dict(deepcopy(cluster.resources_vpc_config) or {})
    vpc.setdefault("subnetIds", [])
    vpc.setdefault("securityGroupIds", [])
    vpc.setdefault("endpointPublicAccess", True)
    vpc.setdefault("endpointPrivateAccess", False)
    vpc.setdefault("publicAccessCidrs", ["0.0.0.0/0"])
    vpc_id, _ = _vpc_of(backend, vpc["subnetIds"])
    vpc["clusterSecurityGroupId"] = _create_cluster_security_group(backend, cluster, vpc_id)
    vpc["vpcId"] = vpc_id or "vpc-" + secrets.token_hex(9)[:17]
    cluster.resources_vpc_config = vpc
    access = dict(access_config or {})
    access.setdefault("authenticationMode", "CONFIG_MAP")
    access.setdefault("bootstrapClusterCreatorAdminPermissions", True)
    cluster.access_config = access
    cluster.health = {"issues": []}
    cluster.upgrade_policy = {"supportType": "EXTENDED"}
    cluster.client_request_token = cluster.client_request_token or None


def validate_create(
    backend: EKSBackend,
    name: str,
    version: str | None,
    resources_vpc_config: dict[str, Any] | None,
    logging: dict[str, Any] | None,
    encryption_config: list[dict[str, Any]] | None,
    access_config: dict[str, Any] | None,
) -> None:
    """What CreateCluster checks before it starts."""
    if not re.match(r"^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$", name or ""):
        raise InvalidParameterException(message=f"The cluster name {name!r} is not valid.")
    if version is not None and version not in PLATFORM_VERSIONS:
        raise InvalidParameterException(message="unsupported Kubernetes version")
    config = resources_vpc_config or {}
    subnets = config.get("subnetIds") or []
    if not subnets:
        raise InvalidParameterException(message="Subnets are required")
    _, zones = _vpc_of(backend, subnets)
    if zones and len(zones) < 2:
        raise InvalidParameterException(message="Subnets specified must be in at least two different AZs")
    if config.get("endpointPublicAccess") is False and config.get("endpointPrivateAccess") is not True:
        raise InvalidParameterException(message="Either endpointPublicAccess or endpointPrivateAccess must be true.")
    _validate_cidrs(config.get("publicAccessCidrs"))
    for entry in (logging or {}).get("clusterLogging") or []:
        _validate_log_types(entry.get("types") or [])
    if encryption_config:
        _validate_encryption(backend, encryption_config)
    access = access_config or {}
    mode = access.get("authenticationMode", "CONFIG_MAP")
    if mode not in AUTH_MODES:
        raise InvalidParameterException(message=f"Unsupported authentication mode {mode}")
    if mode == "CONFIG_MAP" and access.get("bootstrapClusterCreatorAdminPermissions") is False:
        raise InvalidParameterException(
            message="bootstrapClusterCreatorAdminPermissions must be true if cluster authentication mode "
            "is set to CONFIG_MAP"
        )


def _validate_cidrs(cidrs: list[str] | None) -> None:
    for cidr in cidrs or []:
        try:
            network = ipaddress.ip_network(cidr, strict=True)
        except ValueError:
            raise InvalidParameterException(
                message=f"The following CIDRs are invalid in publicAccessCidrs: [{cidr}]"
            ) from None
        if any(network.subnet_of(block) for block in RFC1918 if network.version == block.version):
            raise InvalidParameterException(
                message=f"The following CIDRs are private and not allowed in publicAccessCidrs: [{cidr}]"
            )


def _validate_log_types(types: list[str]) -> None:
    bad = [t for t in types if t not in LOG_TYPES]
    if bad:
        raise InvalidParameterException(
            message=f"Invalid logging type(s) {bad}; valid types are {', '.join(LOG_TYPES)}"
        )


def _validate_encryption(backend: EKSBackend, encryption_config: list[dict[str, Any]]) -> None:
    if len(encryption_config) != 1:
        raise InvalidParameterException(message="Exactly one encryptionConfig is supported.")
    entry = encryption_config[0]
    if entry.get("resources") != ["secrets"]:
        raise InvalidParameterException(message="Only 'secrets' can be encrypted: resources must be ['secrets'].")
    key_arn = (entry.get("provider") or {}).get("keyArn") or ""
    if not KMS_KEY_ARN.match(key_arn):
        raise InvalidParameterException(message=f"keyArn {key_arn!r} is not a KMS key ARN.")
    try:
        from moto.kms.models import kms_backends

        kms = kms_backends[backend.account_id][key_arn.split(":")[3]]
        kms.describe_key(key_arn)
    except Exception:  # noqa: BLE001 moto raises NotFoundException or KeyError
        raise InvalidParameterException(message=f"KMS key {key_arn} does not exist or is not accessible.") from None


# --- cluster lifecycle ----------------------------------------------------------------------------


def settle_clusters(backend: EKSBackend) -> None:
    """Drop the clusters whose delete has finished (the lifecycle's ``on_deleted``)."""
    for cluster in list(backend.clusters.values()):
        lifecycle = cluster_lifecycle(cluster)
        if lifecycle is not None:
            lifecycle.settle()


def find_cluster(backend: EKSBackend, name: str) -> Cluster:
    settle_clusters(backend)
    cluster = backend.clusters.get(name)
    if cluster is None:
        raise _not_found(CLUSTER_NOT_FOUND_MSG.format(clusterName=name))
    return cluster


def _gone(backend: EKSBackend, cluster: Cluster) -> None:
    if backend.clusters.get(cluster.name) is cluster:
        backend.clusters.pop(cluster.name, None)
        backend.cluster_count -= 1
    # the control plane's interfaces go first: they hold the cluster security group
    ec2 = service_interfaces.ec2_backend(backend.account_id, backend.region_name)
    service_interfaces.release(ec2, f"eks:{cluster.arn}")
    _delete_cluster_security_group(backend, cluster)


def caller_principal(caller_arn: str) -> str:
    """The IAM principal of a caller ARN: an assumed role's role, an STS ``user/`` as an IAM user."""
    match = re.match(r"^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role/([^/]+)/.+$", caller_arn)
    if match:
        return f"arn:{match.group(1)}:iam::{match.group(2)}:role/{match.group(3)}"
    match = re.match(r"^arn:(aws[a-z-]*):sts::(\d{12}):user/(.+)$", caller_arn)
    if match:
        return f"arn:{match.group(1)}:iam::{match.group(2)}:user/{match.group(3)}"
    return caller_arn


def create_cluster(
    self: EKSBackend,
    name: str,
    role_arn: str,
    resources_vpc_config: dict[str, Any],
    version: str | None = None,
    kubernetes_network_config: dict[str, str] | None = None,
    logging: dict[str, Any] | None = None,
    client_request_token: str | None = None,
    tags: dict[str, str] | None = None,
    encryption_config: list[dict[str, Any]] | None = None,
    remote_network_config: dict[str, Any] | None = None,
    access_config: dict[str, Any] | None = None,
    caller_arn: str | None = None,
) -> Cluster:
    """CreateCluster: validated as AWS does, ``CREATING`` for the profile's ``eks_cluster`` duration."""
    settle_clusters(self)
    existing = self.clusters.get(name)
    if existing is not None and client_request_token and existing.client_request_token == client_request_token:
        return existing  # a retried create
    validate_create(self, name, version, resources_vpc_config, logging, encryption_config, access_config)
    cluster = original(EKSBackend, "create_cluster")(
        self,
        name=name,
        role_arn=role_arn,
        resources_vpc_config=deepcopy(resources_vpc_config),
        version=version or DEFAULT_VERSION,
        kubernetes_network_config=deepcopy(kubernetes_network_config),
        logging=deepcopy(logging),
        client_request_token=client_request_token,
        tags=dict(tags or {}),
        encryption_config=deepcopy(encryption_config),
        remote_network_config=remote_network_config,
    )
    _fill_in(self, cluster, access_config)
    cluster.__dict__["_emulator_lifecycle"] = Lifecycle.begin(
        "eks_cluster",
        creating="CREATING",
        ready="ACTIVE",
        deleting="DELETING",
        deleted=None,
        on_deleted=lambda: _gone(self, cluster),
    )
    service_interfaces.eks_cluster(self, cluster)
    access = cluster.access_config
    if access["authenticationMode"] != "CONFIG_MAP" and access["bootstrapClusterCreatorAdminPermissions"]:
        principal = caller_principal(caller_arn or f"arn:aws:iam::{self.account_id}:user/moto")
        entry = new_access_entry(self, cluster, principal, "STANDARD", [], None, {})
        entry.policies[ACCESS_POLICY_PREFIX + "AmazonEKSClusterAdminPolicy"] = AssociatedPolicy(
            ACCESS_POLICY_PREFIX + "AmazonEKSClusterAdminPolicy", {"type": "cluster"}
        )
        access_entries(cluster)[principal] = entry
    return cluster


def describe_cluster(self: EKSBackend, name: str) -> Cluster:
    return find_cluster(self, name)


def list_clusters(self: EKSBackend, max_results: int, next_token: str | None) -> Any:
    settle_clusters(self)
    return original(EKSBackend, "list_clusters")(self, max_results, next_token)


def delete_cluster(self: EKSBackend, name: str) -> Cluster:
    """DeleteCluster: refused with node groups or Fargate profiles, then ``DELETING`` and gone."""
    cluster = find_cluster(self, name)
    lifecycle = cluster_lifecycle(cluster)
    if lifecycle is None:
        return original(EKSBackend, "delete_cluster")(self, name)
    if lifecycle.deleted_at is not None:
        return cluster
    validate_safe_to_delete(cluster)
    if cluster.fargate_profiles:
        raise _error(ResourceInUseException, "Cluster has fargate profiles attached", cluster=name)
    running = running_update(cluster)
    if running is not None:
        raise _error(
            ResourceInUseException,
            f"Cannot delete because cluster {name} currently has update {running.id} in progress",
            cluster=name,
        )
    lifecycle.delete()
    return cluster


# --- updates --------------------------------------------------------------------------------------


@dataclass
class ClusterUpdate:
    """One update of a cluster (or of one of its node groups or add-ons) as DescribeUpdate shows it."""

    id: str
    type: str
    params: list[dict[str, str]]
    lifecycle: Lifecycle
    created_at: datetime = field(default_factory=utcnow)
    token: str | None = None
    nodegroup: str | None = None
    addon: str | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.lifecycle.state or "Successful"

    def to_dict(self) -> dict[str, Any]:
        # The response of the call that starts an update says InProgress, as AWS's does, whatever the profile.
        fresh = self.__dict__.pop("_emulator_fresh", False)
        return {
            "id": self.id,
            "status": self.lifecycle.creating if fresh else self.status,
            "type": self.type,
            "params": self.params,
            "createdAt": self.created_at,
            "errors": self.errors,
        }


def register_update(
    cluster: Cluster,
    update_type: str,
    params: list[dict[str, str]],
    token: str | None = None,
    nodegroup: str | None = None,
    addon: str | None = None,
    kind: str = "eks_cluster_update",
) -> ClusterUpdate:
    """Start an update (``InProgress`` for the profile's ``kind`` duration, then ``Successful``)."""
    update = ClusterUpdate(
        id=str(uuid.uuid4()),
        type=update_type,
        params=params,
        lifecycle=Lifecycle.begin(kind, creating="InProgress", ready="Successful", deleting="", deleted=None),
        token=token,
        nodegroup=nodegroup,
        addon=addon,
    )
    update.__dict__["_emulator_fresh"] = True
    updates(cluster)[update.id] = update
    return update


def running_update(cluster: Cluster, nodegroup: str | None = None, addon: str | None = None) -> ClusterUpdate | None:
    """The update in progress of the cluster itself, or of one of its node groups or add-ons."""
    for update in cluster.__dict__.get("_emulator_updates", {}).values():
        if update.nodegroup == nodegroup and update.addon == addon and update.lifecycle.phase == "creating":
            return update
    return None


def update_by_token(
    cluster: Cluster,
    token: str | None,
    nodegroup: str | None = None,
    addon: str | None = None,
    in_progress: bool = False,
) -> ClusterUpdate | None:
    """The update a retried call (same ``clientRequestToken``) started; ``in_progress``: answer it InProgress again."""
    if not token:
        return None
    for update in updates(cluster).values():
        if update.token == token and update.nodegroup == nodegroup and update.addon == addon:
            if in_progress:
                update.__dict__["_emulator_fresh"] = True
            return update
    return None


def _ready_for(cluster: Cluster, update_type: str) -> None:
    """AWS runs one update at a time, on an ACTIVE cluster."""
    running = running_update(cluster)
    if running is not None:
        raise _error(
            ResourceInUseException,
            f"Cannot {update_type} because cluster {cluster.name} currently has update {running.id} in progress",
            cluster=cluster.name,
        )
    if cluster.status != "ACTIVE":
        raise _error(
            ResourceInUseException,
            f"Cannot {update_type} because cluster {cluster.name} is in {cluster.status} state",
            cluster=cluster.name,
        )


def _endpoint_update(cluster: Cluster, config: dict[str, Any]) -> list[dict[str, str]]:
    vpc = cluster.resources_vpc_config
    public = config.get("endpointPublicAccess", vpc["endpointPublicAccess"])
    private = config.get("endpointPrivateAccess", vpc["endpointPrivateAccess"])
    cidrs = config.get("publicAccessCidrs", vpc["publicAccessCidrs"])
    _validate_cidrs(cidrs)
    if not public and not private:
        raise InvalidParameterException(message="Either endpointPublicAccess or endpointPrivateAccess must be true.")
    if (public, private, sorted(cidrs)) == (
        vpc["endpointPublicAccess"],
        vpc["endpointPrivateAccess"],
        sorted(vpc["publicAccessCidrs"]),
    ):
        raise InvalidParameterException(
            message="Cluster is already at the desired configuration with "
            f"endpointPrivateAccess: {str(private).lower()} "
            f", endpointPublicAccess: {str(public).lower()}, and Public Endpoint Restrictions: [{', '.join(cidrs)}]"
        )
    params = []
    if "endpointPrivateAccess" in config:
        params.append({"type": "EndpointPrivateAccess", "value": str(private).lower()})
    if "endpointPublicAccess" in config:
        params.append({"type": "EndpointPublicAccess", "value": str(public).lower()})
    if "publicAccessCidrs" in config:
        params.append({"type": "PublicAccessCidrs", "value": json.dumps(cidrs)})
    vpc.update(endpointPublicAccess=public, endpointPrivateAccess=private, publicAccessCidrs=list(cidrs))
    return params


def _vpc_config_update(cluster: Cluster, config: dict[str, Any]) -> list[dict[str, str]]:
    vpc = cluster.resources_vpc_config
    params = []
    for key, param in (("subnetIds", "Subnets"), ("securityGroupIds", "SecurityGroups")):
        if key in config:
            params.append({"type": param, "value": json.dumps(config[key])})
            vpc[key] = list(config[key])
    return params


def _logging_update(cluster: Cluster, logging: dict[str, Any]) -> list[dict[str, str]]:
    enabled = set(enabled_log_types(cluster))
    for entry in logging.get("clusterLogging") or []:
        types = entry.get("types") or []
        _validate_log_types(types)
        if entry.get("enabled"):
            enabled.update(types)
        else:
            enabled.difference_update(types)
    if [t for t in LOG_TYPES if t in enabled] == enabled_log_types(cluster):
        raise InvalidParameterException(message="No changes needed for the logging config provided")
    cluster.logging = logging_config(enabled)
    return [{"type": "ClusterLogging", "value": json.dumps(cluster.logging)}]


def _access_config_update(cluster: Cluster, access: dict[str, Any]) -> list[dict[str, str]]:
    if "bootstrapClusterCreatorAdminPermissions" in access:
        raise InvalidParameterException(
            message="bootstrapClusterCreatorAdminPermissions can only be set when the cluster is created"
        )
    mode = access.get("authenticationMode")
    current = cluster.access_config["authenticationMode"]
    if mode not in AUTH_MODES or AUTH_MODES.index(mode) != AUTH_MODES.index(current) + 1:
        raise InvalidParameterException(message=f"Unsupported authentication mode update from {current} to {mode}")
    cluster.access_config["authenticationMode"] = mode
    return [{"type": "AuthenticationMode", "value": mode}]


def update_cluster_config(
    self: EKSBackend,
    name: str,
    resources_vpc_config: dict[str, Any] | None = None,
    logging: dict[str, Any] | None = None,
    client_request_token: str | None = None,
    kubernetes_network_config: dict[str, Any] | None = None,
    remote_network_config: dict[str, Any] | None = None,
    access_config: dict[str, Any] | None = None,
) -> ClusterUpdate:
    """UpdateClusterConfig: one kind of change per call, an update that is InProgress, then Successful."""
    cluster = find_cluster(self, name)
    retried = update_by_token(cluster, client_request_token)
    if retried is not None:
        return retried
    endpoint_keys = {"endpointPublicAccess", "endpointPrivateAccess", "publicAccessCidrs"}
    vpc_keys = {"subnetIds", "securityGroupIds"}
    kinds = []
    if resources_vpc_config and endpoint_keys & set(resources_vpc_config):
        kinds.append("EndpointAccessUpdate")
    if resources_vpc_config and vpc_keys & set(resources_vpc_config):
        kinds.append("VpcConfigUpdate")
    if logging:
        kinds.append("LoggingUpdate")
    if access_config:
        kinds.append("AccessConfigUpdate")
    if kubernetes_network_config or remote_network_config:
        raise InvalidParameterException(message="The emulator does not update kubernetesNetworkConfig.")
    if not kinds:
        raise InvalidParameterException(message="No changes needed: specify a configuration to update.")
    if len(kinds) > 1:
        raise InvalidParameterException(message="Only one type of update can be allowed.")
    kind = kinds[0]
    _ready_for(cluster, kind)
    if kind == "EndpointAccessUpdate":
        params = _endpoint_update(cluster, {k: v for k, v in resources_vpc_config.items() if k in endpoint_keys})
    elif kind == "VpcConfigUpdate":
        params = _vpc_config_update(cluster, resources_vpc_config)
    elif kind == "LoggingUpdate":
        params = _logging_update(cluster, logging)
    else:
        params = _access_config_update(cluster, access_config)
    return register_update(cluster, kind, params, client_request_token)


def update_cluster_version(
    self: EKSBackend, name: str, version: str, client_request_token: str | None
) -> ClusterUpdate:
    """UpdateClusterVersion: one minor version up at a time, as AWS allows."""
    cluster = find_cluster(self, name)
    retried = update_by_token(cluster, client_request_token)
    if retried is not None:
        return retried
    if version not in PLATFORM_VERSIONS:
        raise InvalidParameterException(message="unsupported Kubernetes version")
    _ready_for(cluster, "VersionUpdate")
    have, want = minor(cluster.version), minor(version)
    if want[0] != have[0] or want[1] != have[1] + 1:
        raise InvalidParameterException(
            message=f"Unsupported Kubernetes minor version update from {cluster.version} to {version}"
        )
    cluster.version = version
    cluster.platformVersion = PLATFORM_VERSIONS[version]
    params = [{"type": "Version", "value": version}, {"type": "PlatformVersion", "value": cluster.platformVersion}]
    return register_update(cluster, "VersionUpdate", params, client_request_token)


def associate_encryption_config(
    self: EKSBackend, name: str, encryption_config: list[dict[str, Any]], client_request_token: str | None
) -> ClusterUpdate:
    """AssociateEncryptionConfig: secrets encryption added to a cluster that has none (never changed)."""
    cluster = find_cluster(self, name)
    retried = update_by_token(cluster, client_request_token)
    if retried is not None:
        return retried
    if cluster.encryption_config:
        raise InvalidRequestException(message=f"Cluster {name} already has an encryption configuration.")
    _validate_encryption(self, encryption_config or [])
    _ready_for(cluster, "AssociateEncryptionConfig")
    cluster.encryption_config = deepcopy(encryption_config)
    params = [{"type": "EncryptionConfig", "value": json.dumps(encryption_config)}]
    return register_update(cluster, "AssociateEncryptionConfig", params, client_request_token)


def find_update(
    self: EKSBackend, name: str, update_id: str, nodegroup: str | None = None, addon: str | None = None
) -> ClusterUpdate:
    cluster = find_cluster(self, name)
    update = updates(cluster).get(update_id)
    if update is None or update.nodegroup != (nodegroup or None) or update.addon != (addon or None):
        raise _not_found(f"No update found for ID: {update_id}")
    return update


def list_update_ids(self: EKSBackend, name: str, nodegroup: str | None = None, addon: str | None = None) -> list[str]:
    cluster = find_cluster(self, name)
    return [
        u.id for u in updates(cluster).values() if u.nodegroup == (nodegroup or None) and u.addon == (addon or None)
    ]


# --- access entries -------------------------------------------------------------------------------


@dataclass
class AssociatedPolicy:
    policy_arn: str
    access_scope: dict[str, Any]
    associated_at: datetime = field(default_factory=utcnow)
    modified_at: datetime = field(default_factory=utcnow)

    def to_dict(self) -> dict[str, Any]:
        return {
            "policyArn": self.policy_arn,
            "accessScope": self.access_scope,
            "associatedAt": self.associated_at,
            "modifiedAt": self.modified_at,
        }


@dataclass
class AccessEntry:
    cluster_name: str
    principal_arn: str
    arn: str
    kubernetes_groups: list[str]
    username: str
    type: str
    tags: dict[str, str]
    created_at: datetime = field(default_factory=utcnow)
    modified_at: datetime = field(default_factory=utcnow)
    policies: dict[str, AssociatedPolicy] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "clusterName": self.cluster_name,
            "principalArn": self.principal_arn,
            "kubernetesGroups": self.kubernetes_groups,
            "accessEntryArn": self.arn,
            "createdAt": self.created_at,
            "modifiedAt": self.modified_at,
            "tags": self.tags,
            "username": self.username,
            "type": self.type,
        }


def _validate_groups(groups: list[str]) -> None:
    for group in groups:
        if group.startswith("system:"):
            raise InvalidParameterException(
                message=f"The kubernetes group name {group} is invalid, it cannot start with system:"
            )


def _validate_username(username: str | None) -> None:
    if username and username.startswith(("system:", "eks:", "aws:", "amazon:", "iam:")):
        raise InvalidParameterException(
            message=f"The username {username} is invalid, it cannot start with system:, eks:, aws:, amazon: or iam:"
        )


def new_access_entry(
    backend: EKSBackend,
    cluster: Cluster,
    principal_arn: str,
    entry_type: str,
    groups: list[str],
    username: str | None,
    tags: dict[str, str],
) -> AccessEntry:
    match = PRINCIPAL_ARN.match(principal_arn)
    if not match:
        raise InvalidParameterException(message=f"The specified principalArn is invalid: {principal_arn}")
    partition, account, kind, path = match.groups()
    entity = path.rsplit("/", 1)[-1]
    if entry_type in NODE_ENTRY_TYPES:
        default_username, default_groups = NODE_ENTRY_TYPES[entry_type]
        groups = list(default_groups)
    elif kind == "role":
        default_username = f"arn:{partition}:sts::{account}:assumed-role/{entity}/{{{{SessionName}}}}"
    else:
        default_username = principal_arn
    arn = (
        f"arn:{partition}:eks:{backend.region_name}:{backend.account_id}:access-entry/"
        f"{cluster.name}/{kind}/{account}/{entity}/{uuid.uuid4().hex[:8]}-{uuid.uuid4().hex[:4]}"
    )
    return AccessEntry(
        cluster_name=cluster.name,
        principal_arn=principal_arn,
        arn=arn,
        kubernetes_groups=sorted(set(groups)),
        username=username or default_username,
        type=entry_type,
        tags=dict(tags or {}),
    )


def _access_cluster(backend: EKSBackend, name: str) -> Cluster:
    cluster = find_cluster(backend, name)
    if cluster.access_config["authenticationMode"] == "CONFIG_MAP":
        raise InvalidRequestException(message=NOT_ACCESS_MODE_MSG)
    if cluster.status in ("CREATING", "DELETING"):
        raise InvalidRequestException(message=f"Cluster '{name}' is not in ACTIVE status")
    return cluster


def find_access_entry(backend: EKSBackend, name: str, principal_arn: str) -> tuple[Cluster, AccessEntry]:
    cluster = _access_cluster(backend, name)
    entry = access_entries(cluster).get(principal_arn)
    if entry is None:
        raise _not_found(f"The specified access entry resource {principal_arn} could not be found.")
    return cluster, entry


def _principal_exists(principal_arn: str) -> bool:
    """Whether IAM knows the role or user (AWS refuses an entry for a principal that does not exist)."""
    match = PRINCIPAL_ARN.match(principal_arn)
    if not match:
        return False
    partition, account, kind, path = match.groups()
    try:
        iam = iam_backends[account][partition]
    except KeyError:
        return False
    name = path.rsplit("/", 1)[-1]
    if kind == "role":
        return any(role.name == name for role in iam.roles.values())
    # The caller of moto's STS for access keys IAM does not know (GetCallerIdentity: user/moto) exists on AWS,
    # as every caller does: the platform gives it cluster-admin by default.
    return name in iam.users or name == "moto"


def create_access_entry(
    self: EKSBackend,
    name: str,
    principal_arn: str,
    kubernetes_groups: list[str] | None,
    username: str | None,
    entry_type: str | None,
    tags: dict[str, str] | None,
    client_request_token: str | None,
) -> AccessEntry:
    cluster = _access_cluster(self, name)
    entries = access_entries(cluster)
    entry_type = entry_type or "STANDARD"
    if principal_arn in entries:
        existing = entries[principal_arn]
        if client_request_token and existing.__dict__.get("token") == client_request_token:
            return existing
        raise _error(
            ResourceInUseException,
            "The specified access entry resource is already in use on this cluster.",
            cluster=name,
        )
    if entry_type not in ACCESS_ENTRY_TYPES:
        raise InvalidParameterException(message=f"The access entry type {entry_type} is not valid.")
    if entry_type in NODE_ENTRY_TYPES and (kubernetes_groups or username):
        raise InvalidParameterException(
            message=f"kubernetesGroups and username cannot be specified for an access entry of type {entry_type}."
        )
    _validate_groups(kubernetes_groups or [])
    _validate_username(username)
    if not _principal_exists(principal_arn):
        raise InvalidParameterException(
            message=f"The specified principalArn is invalid: invalid principal {principal_arn}"
        )
    entry = new_access_entry(self, cluster, principal_arn, entry_type, kubernetes_groups or [], username, tags or {})
    entry.__dict__["token"] = client_request_token
    entries[principal_arn] = entry
    return entry


def update_access_entry(
    self: EKSBackend, name: str, principal_arn: str, kubernetes_groups: list[str] | None, username: str | None
) -> AccessEntry:
    _, entry = find_access_entry(self, name, principal_arn)
    if entry.type in NODE_ENTRY_TYPES and (kubernetes_groups is not None or username is not None):
        raise InvalidParameterException(
            message=f"kubernetesGroups and username cannot be updated for an access entry of type {entry.type}."
        )
    if kubernetes_groups is not None:
        _validate_groups(kubernetes_groups)
        entry.kubernetes_groups = sorted(set(kubernetes_groups))
    if username is not None:
        _validate_username(username)
        entry.username = username
    entry.modified_at = utcnow()
    return entry


def _validate_scope(scope: dict[str, Any] | None) -> dict[str, Any]:
    scope = dict(scope or {})
    kind = scope.get("type")
    namespaces = scope.get("namespaces") or []
    if kind == "cluster":
        if namespaces:
            raise InvalidParameterException(message="namespaces cannot be specified with access scope type cluster.")
        return {"type": "cluster"}
    if kind == "namespace":
        if not namespaces:
            raise InvalidParameterException(message="namespaces must be specified with access scope type namespace.")
        return {"type": "namespace", "namespaces": list(namespaces)}
    raise InvalidParameterException(message=f"The access scope type {kind} is not valid.")


def associate_access_policy(
    self: EKSBackend, name: str, principal_arn: str, policy_arn: str, access_scope: dict[str, Any] | None
) -> AssociatedPolicy:
    _, entry = find_access_entry(self, name, principal_arn)
    if policy_arn not in {ACCESS_POLICY_PREFIX + n for n in ACCESS_POLICY_NAMES}:
        raise _not_found(f"The specified access policy {policy_arn} could not be found.")
    if entry.type not in POLICY_ENTRY_TYPES:
        raise InvalidRequestException(
            message=f"Access policies cannot be associated with an access entry of type {entry.type}."
        )
    scope = _validate_scope(access_scope)
    existing = entry.policies.get(policy_arn)
    if existing is not None:
        existing.access_scope = scope
        existing.modified_at = utcnow()
        return existing
    entry.policies[policy_arn] = policy = AssociatedPolicy(policy_arn, scope)
    return policy


def disassociate_access_policy(self: EKSBackend, name: str, principal_arn: str, policy_arn: str) -> None:
    _, entry = find_access_entry(self, name, principal_arn)
    if entry.policies.pop(policy_arn, None) is None:
        raise _not_found(f"The access policy {policy_arn} is not associated with the access entry {principal_arn}.")


# --- tags -----------------------------------------------------------------------------------------


def _taggable(backend: EKSBackend, arn: str) -> Any:
    """The cluster, access entry, node group, Fargate profile or add-on whose ARN is ``arn``."""
    settle_clusters(backend)
    for cluster in backend.clusters.values():
        if cluster.arn == arn:
            return cluster
        for entry in access_entries(cluster).values():
            if entry.arn == arn:
                return entry
        for nodegroup in cluster.nodegroups.values():
            if nodegroup.arn == arn:
                return nodegroup
        for profile in cluster.fargate_profiles.values():
            if profile.fargate_profile_arn == arn:
                return profile
        for addon in (getattr(cluster, "addons", None) or {}).values():
            if arn in (getattr(addon, "arn", None), getattr(addon, "addon_arn", None)):
                return addon
    raise _not_found("Resource was not found")


def tag_resource(self: EKSBackend, resource_arn: str, tags: dict[str, str]) -> None:
    resource = _taggable(self, resource_arn)
    if any(k.lower().startswith("aws:") for k in tags or {}):
        raise InvalidParameterException(message="Tag keys starting with aws: are reserved.")
    if resource.tags is None:
        resource.tags = {}
    resource.tags.update(tags or {})


def untag_resource(self: EKSBackend, resource_arn: str, tag_keys: list[str]) -> None:
    resource = _taggable(self, resource_arn)
    for key in [tag_keys] if isinstance(tag_keys, str) else tag_keys or []:
        (resource.tags or {}).pop(key, None)


def list_tags_for_resource(self: EKSBackend, resource_arn: str) -> dict[str, str]:
    return dict(_taggable(self, resource_arn).tags or {})


# --- request handlers -----------------------------------------------------------------------------


def _caller_arn(self: EKSResponse) -> str | None:
    try:
        from moto.sts.models import sts_backends

        access_key = self.get_access_key()
        return sts_backends[self.current_account]["global"].get_caller_identity(access_key, self.region)[1]
    except Exception:  # noqa: BLE001 no signature: the default moto user
        return None


def _page(self: EKSResponse, items: list[Any], key: str) -> ActionResult:
    start = int(self._get_param("nextToken") or 0)
    size = int(self._get_param("maxResults") or 100)
    body: dict[str, Any] = {key: items[start : start + size]}
    if start + size < len(items):
        body["nextToken"] = str(start + size)
    return ActionResult(body)


def _path_arns(self: EKSResponse) -> tuple[str, str | None]:
    """``principalArn`` (and ``policyArn``) from ``.../access-entries/{principalArn}[/access-policies/{policyArn}]``.

    Both are ARNs with ``/`` in them; clients percent-encode them, and the path arrives decoded.
    """
    path = unquote(self.path.split("?")[0])
    tail = path.split("/access-entries/", 1)[1]
    principal, _, rest = tail.partition("/access-policies")
    policy = rest.lstrip("/") or None
    return principal, policy


def handle_create_cluster(self: EKSResponse) -> ActionResult:
    cluster = self.eks_backend.create_cluster(
        name=self._get_param("name"),
        version=self._get_param("version"),
        role_arn=self._get_param("roleArn"),
        resources_vpc_config=self._get_param("resourcesVpcConfig"),
        kubernetes_network_config=self._get_param("kubernetesNetworkConfig"),
        logging=self._get_param("logging"),
        client_request_token=self._get_param("clientRequestToken"),
        tags=self._get_param("tags"),
        encryption_config=self._get_param("encryptionConfig"),
        remote_network_config=self._get_param("remoteNetworkConfig"),
        access_config=self._get_param("accessConfig"),
        caller_arn=_caller_arn(self),
    )
    lifecycle = cluster_lifecycle(cluster)
    if lifecycle is not None and lifecycle.deleted_at is None:
        cluster = pinned(cluster, lifecycle.creating)
    return ActionResult({"cluster": cluster})


def handle_update_cluster_config(self: EKSResponse) -> ActionResult:
    update = self.eks_backend.update_cluster_config(
        name=self._get_param("name"),
        resources_vpc_config=self._get_param("resourcesVpcConfig"),
        logging=self._get_param("logging"),
        client_request_token=self._get_param("clientRequestToken"),
        kubernetes_network_config=self._get_param("kubernetesNetworkConfig"),
        remote_network_config=self._get_param("remoteNetworkConfig"),
        access_config=self._get_param("accessConfig"),
    )
    return ActionResult({"update": update.to_dict()})


def handle_update_cluster_version(self: EKSResponse) -> ActionResult:
    update = self.eks_backend.update_cluster_version(
        self._get_param("name"), self._get_param("version"), self._get_param("clientRequestToken")
    )
    return ActionResult({"update": update.to_dict()})


def handle_associate_encryption_config(self: EKSResponse) -> ActionResult:
    update = self.eks_backend.associate_encryption_config(
        self._get_param("name"), self._get_param("encryptionConfig"), self._get_param("clientRequestToken")
    )
    return ActionResult({"update": update.to_dict()})


def handle_describe_update(self: EKSResponse) -> ActionResult:
    update = find_update(
        self.eks_backend,
        self._get_param("name"),
        self._get_param("updateId"),
        self._get_param("nodegroupName"),
        self._get_param("addonName"),
    )
    return ActionResult({"update": update.to_dict()})


def handle_list_updates(self: EKSResponse) -> ActionResult:
    ids = list_update_ids(
        self.eks_backend, self._get_param("name"), self._get_param("nodegroupName"), self._get_param("addonName")
    )
    return _page(self, ids, "updateIds")


def handle_create_access_entry(self: EKSResponse) -> ActionResult:
    entry = create_access_entry(
        self.eks_backend,
        self._get_param("name"),
        self._get_param("principalArn"),
        self._get_param("kubernetesGroups"),
        self._get_param("username"),
        self._get_param("type"),
        self._get_param("tags"),
        self._get_param("clientRequestToken"),
    )
    return ActionResult({"accessEntry": entry.to_dict()})


def handle_describe_access_entry(self: EKSResponse) -> ActionResult:
    principal, _ = _path_arns(self)
    _, entry = find_access_entry(self.eks_backend, self._get_param("name"), principal)
    return ActionResult({"accessEntry": entry.to_dict()})


def handle_update_access_entry(self: EKSResponse) -> ActionResult:
    principal, _ = _path_arns(self)
    entry = update_access_entry(
        self.eks_backend,
        self._get_param("name"),
        principal,
        self._get_param("kubernetesGroups"),
        self._get_param("username"),
    )
    return ActionResult({"accessEntry": entry.to_dict()})


def handle_delete_access_entry(self: EKSResponse) -> ActionResult:
    principal, _ = _path_arns(self)
    cluster, _ = find_access_entry(self.eks_backend, self._get_param("name"), principal)
    access_entries(cluster).pop(principal, None)
    return ActionResult({})


def handle_list_access_entries(self: EKSResponse) -> ActionResult:
    cluster = _access_cluster(self.eks_backend, self._get_param("name"))
    policy = self._get_param("associatedPolicyArn")
    principals = sorted(p for p, e in access_entries(cluster).items() if policy is None or policy in e.policies)
    return _page(self, principals, "accessEntries")


def handle_associate_access_policy(self: EKSResponse) -> ActionResult:
    name = self._get_param("name")
    principal, _ = _path_arns(self)
    policy = associate_access_policy(
        self.eks_backend, name, principal, self._get_param("policyArn"), self._get_param("accessScope")
    )
    return ActionResult({"clusterName": name, "principalArn": principal, "associatedAccessPolicy": policy.to_dict()})


def handle_disassociate_access_policy(self: EKSResponse) -> ActionResult:
    principal, policy = _path_arns(self)
    disassociate_access_policy(self.eks_backend, self._get_param("name"), principal, policy or "")
    return ActionResult({})


def handle_list_associated_access_policies(self: EKSResponse) -> ActionResult:
    name = self._get_param("name")
    principal, _ = _path_arns(self)
    _, entry = find_access_entry(self.eks_backend, name, principal)
    result = _page(self, [p.to_dict() for p in entry.policies.values()], "associatedAccessPolicies")
    result.result.update(clusterName=name, principalArn=principal)  # type: ignore[attr-defined]
    return result


def handle_list_access_policies(self: EKSResponse) -> ActionResult:
    policies = [{"name": n, "arn": ACCESS_POLICY_PREFIX + n} for n in ACCESS_POLICY_NAMES]
    return _page(self, policies, "accessPolicies")


@extension(
    "eks",
    "CreateCluster",
    "DescribeCluster",
    "ListClusters",
    "DeleteCluster",
    "UpdateClusterConfig",
    "UpdateClusterVersion",
    "AssociateEncryptionConfig",
    "DescribeUpdate",
    "ListUpdates",
)
def cluster_lifecycle_and_updates() -> None:
    """Clusters: CREATING → ACTIVE → DELETING → gone, AWS's DescribeCluster shape, updates one at a time.

    moto 5.2.5: ACTIVE at once, gone at once, one endpoint/issuer for every cluster, no accessConfig,
    no endpoint access fields, UpdateClusterConfig answers ``{}``, no UpdateClusterVersion,
    AssociateEncryptionConfig, DescribeUpdate or ListUpdates.
    """
    Cluster.status = property(_status, _set_status)  # type: ignore[assignment]
    for function in (create_cluster, describe_cluster, list_clusters, delete_cluster, update_cluster_config):
        override(EKSBackend, function)
    override(EKSBackend, update_cluster_version)
    override(EKSBackend, associate_encryption_config)
    add_url_paths(
        "eks",
        {
            "{0}/clusters/(?P<name>[^/]+)/updates$": EKSResponse.dispatch,
            "{0}/clusters/(?P<name>[^/]+)/updates/(?P<updateId>[^/]+)$": EKSResponse.dispatch,
            "{0}/clusters/(?P<name>[^/]+)/encryption-config/associate$": EKSResponse.dispatch,
        },
    )
    override(EKSResponse, handle_create_cluster, "create_cluster")
    override(EKSResponse, handle_update_cluster_config, "update_cluster_config")
    override(EKSResponse, handle_update_cluster_version, "update_cluster_version")
    override(EKSResponse, handle_associate_encryption_config, "associate_encryption_config")
    override(EKSResponse, handle_describe_update, "describe_update")
    override(EKSResponse, handle_list_updates, "list_updates")


@extension(
    "eks",
    "CreateAccessEntry",
    "DescribeAccessEntry",
    "ListAccessEntries",
    "UpdateAccessEntry",
    "DeleteAccessEntry",
    "AssociateAccessPolicy",
    "DisassociateAccessPolicy",
    "ListAssociatedAccessPolicies",
    "ListAccessPolicies",
)
def access_entries_and_policies() -> None:
    """Access entries and access policy associations, with AWS's checks; the creator's bootstrap entry.

    moto 5.2.5 has none of these APIs (404).
    """
    add_url_paths(
        "eks",
        {
            "{0}/clusters/(?P<name>[^/]+)/access-entries$": EKSResponse.dispatch,
            "{0}/clusters/(?P<name>[^/]+)/access-entries/(?P<principalArn>.+)$": EKSResponse.dispatch,
            "{0}/access-policies$": EKSResponse.dispatch,
        },
    )
    for name, function in (
        ("create_access_entry", handle_create_access_entry),
        ("describe_access_entry", handle_describe_access_entry),
        ("update_access_entry", handle_update_access_entry),
        ("delete_access_entry", handle_delete_access_entry),
        ("list_access_entries", handle_list_access_entries),
        ("associate_access_policy", handle_associate_access_policy),
        ("disassociate_access_policy", handle_disassociate_access_policy),
        ("list_associated_access_policies", handle_list_associated_access_policies),
        ("list_access_policies", handle_list_access_policies),
    ):
        override(EKSResponse, function, name)


@extension("eks", "TagResource", "UntagResource", "ListTagsForResource")
def tags_of_every_resource() -> None:
    """Tags on access entries, node groups, Fargate profiles and add-ons too (moto 5.2.5: clusters only)."""
    for function in (tag_resource, untag_resource, list_tags_for_resource):
        override(EKSBackend, function)


# --- IAM OIDC providers ---------------------------------------------------------------------------


def add_client_id_to_open_id_connect_provider(self: IAMBackend, arn: str, client_id: str) -> None:
    provider = self.get_open_id_connect_provider(arn)
    if not 1 <= len(client_id) <= 255:
        from moto.iam.exceptions import ValidationError

        raise ValidationError("ClientID must have length between 1 and 255.")
    if client_id not in provider.client_id_list:
        provider.client_id_list.append(client_id)


def remove_client_id_from_open_id_connect_provider(self: IAMBackend, arn: str, client_id: str) -> None:
    provider = self.get_open_id_connect_provider(arn)
    if client_id in provider.client_id_list:
        provider.client_id_list.remove(client_id)


def handle_add_client_id(self: IamResponse) -> ActionResult:
    self.backend.add_client_id_to_open_id_connect_provider(
        self._get_param("OpenIDConnectProviderArn"), self._get_param("ClientID")
    )
    return ActionResult({})


def handle_remove_client_id(self: IamResponse) -> ActionResult:
    self.backend.remove_client_id_from_open_id_connect_provider(
        self._get_param("OpenIDConnectProviderArn"), self._get_param("ClientID")
    )
    return ActionResult({})


@extension("iam", "AddClientIDToOpenIDConnectProvider", "RemoveClientIDFromOpenIDConnectProvider")
def oidc_provider_client_ids() -> None:
    """AddClientIDToOpenIDConnectProvider, RemoveClientIDFromOpenIDConnectProvider (moto 5.2.5: missing)."""
    override(IAMBackend, add_client_id_to_open_id_connect_provider)
    override(IAMBackend, remove_client_id_from_open_id_connect_provider)
    override(IamResponse, handle_add_client_id, "add_client_id_to_open_id_connect_provider")
    override(IamResponse, handle_remove_client_id, "remove_client_id_from_open_id_connect_provider")
