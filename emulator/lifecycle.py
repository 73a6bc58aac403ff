"""Time-based lifecycle of resources that are slow on AWS.

A resource that AWS takes minutes to create or delete goes through its real states in the emulator
too: it reports its *transitional* state (``pending``, ``CREATING``) until ``t0 + duration`` and its
*final* state (``available``, ``ACTIVE``) afterwards; a delete likewise reports ``deleting`` until
the delete duration has passed, then ``deleted`` (or the resource is gone).

How long each step takes comes from the **profile** (``instant`` for tests, ``scaled`` for
benchmarks: the real AWS durations divided by 30) and per-kind **overrides**
(``--duration nat_gateway=5``). Both can be changed at runtime (``POST /_emulator/config``); a
lifecycle takes its durations when its step begins, so a change applies to the next create/delete.

Use from an extension (state lives on the moto model object, so ``/moto-api/reset`` clears it)::

    from emulator.lifecycle import Lifecycle

    cluster.__dict__["_emulator_lifecycle"] = lifecycle = Lifecycle.begin(
        "eks_cluster", creating="CREATING", ready="ACTIVE", deleting="DELETING", deleted=None
    )
    lifecycle.state      # "CREATING" until the create duration has passed, then "ACTIVE"
    lifecycle.delete()   # "DELETING", then gone: lifecycle.gone is True

Callbacks (``on_ready``, ``on_deleted``) run once, from whichever request first observes the
transition (the state is computed lazily when read; there are no background threads).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: Real AWS durations in seconds, (create, delete), per resource kind.
REAL_DURATIONS: dict[str, tuple[float, float]] = {
    "nat_gateway": (120, 60),
    "eks_cluster": (600, 300),
    "eks_cluster_update": (600, 0),
    "eks_nodegroup": (300, 300),
    "eks_nodegroup_update": (300, 0),
    "eks_addon": (60, 30),
    "kafka_cluster": (1500, 900),
    "kafka_cluster_update": (900, 0),
    "rds_instance": (600, 300),
    "rds_instance_multi_az": (900, 300),
    "rds_instance_modify": (600, 0),
    "rds_instance_reboot": (60, 0),
    "rds_instance_stop": (180, 0),
    "rds_instance_start": (300, 0),
    "elasticache_replication_group": (900, 300),
    "elasticache_replication_group_modify": (600, 0),
    "elbv2_load_balancer": (150, 30),
    "scheduler_schedule_group": (0, 30),
}

SCALE_FACTOR = 30
PROFILES = ("instant", "scaled")
PHASES = ("create", "delete")

#: The clock lifecycles use; tests may replace it.
clock: Callable[[], float] = time.monotonic


@dataclass
class LifecycleConfig:
    """The active profile and per-kind duration overrides (seconds, per phase)."""

    profile: str = "instant"
    overrides: dict[str, dict[str, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.profile not in PROFILES:
            raise ValueError(f"unknown profile {self.profile!r}, expected one of {', '.join(PROFILES)}")

    def duration(self, kind: str, phase: str) -> float:
        """Seconds the ``phase`` ("create" or "delete") of a ``kind`` of resource takes."""
        if phase not in PHASES:
            raise ValueError(f"unknown phase {phase!r}")
        override = self.overrides.get(kind, {})
        if phase in override:
            return float(override[phase])
        if self.profile == "instant":
            return 0.0
        create, delete = REAL_DURATIONS.get(kind, (0.0, 0.0))
        return (create if phase == "create" else delete) / SCALE_FACTOR

    def to_dict(self) -> dict[str, Any]:
        kinds = sorted(set(REAL_DURATIONS) | set(self.overrides))
        return {
            "profile": self.profile,
            "overrides": {kind: dict(phases) for kind, phases in sorted(self.overrides.items())},
            "durations": {kind: {phase: self.duration(kind, phase) for phase in PHASES} for kind in kinds},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], base: LifecycleConfig | None = None) -> LifecycleConfig:
        """Build a config from ``{"profile": ..., "durations": {kind: seconds | {phase: seconds}}}``.

        A key left out keeps its value from ``base``; ``"durations": {}`` clears the overrides.
        """
        if not isinstance(data, dict):
            raise ValueError("config must be a JSON object")
        unknown = set(data) - {"profile", "durations", "overrides"}
        if unknown:
            raise ValueError(f"unknown config keys: {', '.join(sorted(unknown))}")
        base = base or cls()
        profile = data.get("profile", base.profile)
        raw = data.get("durations", data.get("overrides"))
        overrides = base.overrides if raw is None else parse_overrides(raw)
        return cls(profile=profile, overrides={k: dict(v) for k, v in overrides.items()})


def parse_overrides(raw: dict[str, Any] | list[str]) -> dict[str, dict[str, float]]:
    """Parse duration overrides.

    Accepts a mapping ``{kind: seconds}`` or ``{kind: {"create": s, "delete": s}}``, or CLI items
    ``["nat_gateway=5", "eks_cluster.create=10"]``. A bare kind sets both phases.
    """
    items: list[tuple[str, Any]]
    if isinstance(raw, list):
        items = []
        for item in raw:
            key, sep, value = str(item).partition("=")
            if not sep or not key:
                raise ValueError(f"duration {item!r} is not KIND=SECONDS or KIND.PHASE=SECONDS")
            items.append((key.strip(), value.strip()))
    elif isinstance(raw, dict):
        items = list(raw.items())
    else:
        raise ValueError("durations must be an object or a list of KIND=SECONDS")
    overrides: dict[str, dict[str, float]] = {}
    for key, value in items:
        kind, _, phase = key.partition(".")
        if isinstance(value, dict):
            phases = {p: _seconds(v, key) for p, v in value.items()}
        elif phase:
            phases = {phase: _seconds(value, key)}
        else:
            phases = {p: _seconds(value, key) for p in PHASES}
        bad = set(phases) - set(PHASES)
        if bad:
            raise ValueError(f"unknown phase {', '.join(sorted(bad))} for {kind!r} (expected create or delete)")
        overrides.setdefault(kind, {}).update(phases)
    return overrides


def _seconds(value: Any, key: str) -> float:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"duration of {key!r} is not a number: {value!r}") from None
    if seconds < 0:
        raise ValueError(f"duration of {key!r} is negative")
    return seconds


_config_lock = threading.Lock()
_config = LifecycleConfig()


def get_config() -> LifecycleConfig:
    """The process-wide lifecycle configuration of this emulator."""
    with _config_lock:
        return _config


def set_config(config: LifecycleConfig) -> None:
    global _config
    with _config_lock:
        _config = config


def duration(kind: str, phase: str) -> float:
    return get_config().duration(kind, phase)


@dataclass
class Lifecycle:
    """The states of one resource over time: creating → ready → deleting → deleted (or gone).

    ``deleted=None`` means the resource disappears once its delete has finished (``gone``).
    ``retain_deleted`` is how long (seconds) a resource stays visible in its ``deleted`` state
    (AWS shows deleted NAT gateways for about an hour); after that ``expired`` is true.
    """

    kind: str
    creating: str
    ready: str
    deleting: str
    deleted: str | None
    created_at: float
    create_seconds: float
    deleted_at: float | None = None
    delete_seconds: float = 0.0
    retain_deleted: float | None = None
    on_ready: Callable[[], None] | None = None
    on_deleted: Callable[[], None] | None = None
    _fired: set[str] = field(default_factory=set, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def begin(
        cls,
        kind: str,
        *,
        creating: str = "pending",
        ready: str = "available",
        deleting: str = "deleting",
        deleted: str | None = "deleted",
        retain_deleted: float | None = None,
        on_ready: Callable[[], None] | None = None,
        on_deleted: Callable[[], None] | None = None,
    ) -> Lifecycle:
        """Start the create of a resource of ``kind`` now, timed by the active profile."""
        return cls(
            kind=kind,
            creating=creating,
            ready=ready,
            deleting=deleting,
            deleted=deleted,
            created_at=clock(),
            create_seconds=duration(kind, "create"),
            retain_deleted=retain_deleted,
            on_ready=on_ready,
            on_deleted=on_deleted,
        )

    def delete(self) -> None:
        """Start the delete now (a second call keeps the first start)."""
        if self.deleted_at is None:
            self.deleted_at = clock()
            self.delete_seconds = duration(self.kind, "delete")

    @property
    def phase(self) -> str:
        """One of ``creating``, ``ready``, ``deleting``, ``deleted``."""
        now = clock()
        if self.deleted_at is not None:
            if now < self.deleted_at + self.delete_seconds:
                return "deleting"
            self._fire("deleted", self.on_deleted)
            return "deleted"
        if now < self.created_at + self.create_seconds:
            return "creating"
        self._fire("ready", self.on_ready)
        return "ready"

    @property
    def state(self) -> str | None:
        """The state AWS would report now (``None`` once a resource with ``deleted=None`` is gone)."""
        return {
            "creating": self.creating,
            "ready": self.ready,
            "deleting": self.deleting,
            "deleted": self.deleted,
        }[self.phase]

    @property
    def gone(self) -> bool:
        """True once the resource should vanish from every listing."""
        return self.phase == "deleted" and (self.deleted is None or self.expired)

    @property
    def expired(self) -> bool:
        if self.deleted_at is None or self.retain_deleted is None:
            return False
        return clock() >= self.deleted_at + self.delete_seconds + self.retain_deleted

    def settle(self) -> None:
        """Run due callbacks (reading ``phase`` does it)."""
        _ = self.phase

    def _fire(self, name: str, callback: Callable[[], None] | None) -> None:
        with self._lock:
            if name in self._fired:
                return
            self._fired.add(name)
        if callback is not None:
            callback()
