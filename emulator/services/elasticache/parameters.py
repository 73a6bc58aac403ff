"""The engine default parameters of ElastiCache's Redis OSS / Valkey parameter-group families.

A realistic subset of what ``DescribeEngineDefaultParameters`` answers on AWS for the ``redis7``
family (the same names, data types, allowed values, defaults and change types), enough for what a
cache deployment tunes: eviction policy, idle timeout, keepalive, keyspace notifications, lazy
freeing, slow log, memory reservation. ``redis6.x``, ``valkey7`` and ``valkey8`` share it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ParameterDef:
    name: str
    default: str | None
    data_type: str  # "string" or "integer", as AWS reports them
    allowed: str | None  # "yes,no" or "0-" or "1-1200000" (AWS's AllowedValues format)
    description: str
    modifiable: bool = True
    change_type: str = "immediate"  # or "requires-reboot"
    minimum_engine_version: str = "7.0.5"

    def valid(self, value: str) -> bool:
        """Whether ``value`` is one of the allowed values (a list or an integer range)."""
        if self.data_type == "integer":
            try:
                number = int(value)
            except ValueError:
                return False
            if not self.allowed:
                return True
            low, _, high = self.allowed.partition("-")
            return (not low or number >= int(low)) and (not high or number <= int(high))
        if self.name == "notify-keyspace-events":
            return all(flag in "KEg$lshzxetmdnA" for flag in value)
        if not self.allowed:
            return True
        return value in self.allowed.split(",")


_EVICTION = "volatile-lru,allkeys-lru,volatile-lfu,allkeys-lfu,volatile-random,allkeys-random,volatile-ttl,noeviction"

REDIS7: tuple[ParameterDef, ...] = (
    ParameterDef("acllog-max-len", "128", "integer", "1-10000", "The maximum length of the ACL Log"),
    ParameterDef("active-defrag-cycle-max", "75", "integer", "1-75", "Maximal effort for defrag in CPU percentage"),
    ParameterDef("active-defrag-cycle-min", "5", "integer", "1-75", "Minimal effort for defrag in CPU percentage"),
    ParameterDef("activedefrag", "no", "string", "yes,no", "Enabled active memory defragmentation"),
    ParameterDef(
        "activerehashing", "yes", "string", "yes,no", "Apply rehashing or not.", change_type="requires-reboot"
    ),
    ParameterDef("appendfsync", "everysec", "string", "always,everysec,no", "fsync policy for AOF persistence"),
    ParameterDef("appendonly", "no", "string", "yes,no", "Enable Redis persistence."),
    ParameterDef(
        "client-output-buffer-limit-normal-hard-limit", "0", "integer", "0-", "Normal client output buffer hard limit"
    ),
    ParameterDef(
        "client-output-buffer-limit-pubsub-hard-limit",
        "33554432",
        "integer",
        "0-",
        "Pubsub client output buffer hard limit in bytes.",
    ),
    ParameterDef(
        "client-output-buffer-limit-pubsub-soft-limit",
        "8388608",
        "integer",
        "0-",
        "Pubsub client output buffer soft limit in bytes.",
    ),
    ParameterDef(
        "close-on-replica-write",
        "yes",
        "string",
        "yes,no",
        "If enabled, clients who attempt to write to a read-only replica will be disconnected.",
    ),
    ParameterDef(
        "cluster-enabled",
        "no",
        "string",
        "yes,no",
        "Enable cluster mode",
        change_type="requires-reboot",
    ),
    ParameterDef(
        "databases",
        "16",
        "integer",
        "1-1200000",
        "Set the number of databases.",
        change_type="requires-reboot",
    ),
    ParameterDef("hash-max-listpack-entries", "128", "integer", "0-", "The maximum number of hash entries"),
    ParameterDef("lazyfree-lazy-eviction", "no", "string", "yes,no", "Perform an asynchronous delete on evictions"),
    ParameterDef("lazyfree-lazy-expire", "no", "string", "yes,no", "Perform an asynchronous delete on expired keys"),
    ParameterDef("lazyfree-lazy-server-del", "no", "string", "yes,no", "Perform an asynchronous delete for commands"),
    ParameterDef("lazyfree-lazy-user-del", "no", "string", "yes,no", "DEL behaves like UNLINK when yes"),
    ParameterDef(
        "lua-time-limit", "5000", "integer", "5000", "Max execution time of a Lua script in ms.", modifiable=False
    ),
    ParameterDef("maxclients", "65000", "integer", "1-65000", "The maximum number of Redis clients.", modifiable=False),
    ParameterDef("maxmemory-policy", "volatile-lru", "string", _EVICTION, "Max memory policy."),
    ParameterDef("maxmemory-samples", "3", "integer", "1-", "Max memory samples."),
    ParameterDef(
        "min-replicas-max-lag", "10", "integer", "0-", "The maximum lag between replicas and the primary in seconds"
    ),
    ParameterDef("min-replicas-to-write", "0", "integer", "0-", "Minimum number of replicas to accept a write"),
    ParameterDef(
        "notify-keyspace-events", None, "string", None, "The keyspace events for Redis to notify Pub/Sub clients about."
    ),
    ParameterDef("reserved-memory-percent", "25", "integer", "0-100", "Percent of memory reserved for non-cache use."),
    ParameterDef("set-max-intset-entries", "512", "integer", "0-", "The limit of a set's integer entries"),
    ParameterDef(
        "slowlog-log-slower-than",
        "10000",
        "integer",
        "-",
        "The execution time, in microseconds, to exceed in order for the command to get logged.",
    ),
    ParameterDef("slowlog-max-len", "128", "integer", "0-", "The length of the slow log."),
    ParameterDef("tcp-keepalive", "300", "integer", "0-", "If non-zero, send ACKs every given number of seconds."),
    ParameterDef("timeout", "0", "integer", "0-", "Close the connection after a client is idle for N seconds"),
    ParameterDef("zset-max-listpack-entries", "128", "integer", "0-", "The maximum number of sorted set entries"),
)

#: Parameter-group families and their engine (``redis`` or ``valkey``) and major version.
FAMILIES: dict[str, tuple[str, str]] = {
    "redis6.x": ("redis", "6"),
    "redis7": ("redis", "7"),
    "valkey7": ("valkey", "7"),
    "valkey8": ("valkey", "8"),
}


def defaults(family: str) -> tuple[ParameterDef, ...]:
    """The engine default parameters of ``family`` (empty for an unknown family)."""
    return REDIS7 if family in FAMILIES else ()


def family_of(engine: str, engine_version: str) -> str:
    """The parameter-group family of an engine version: redis 7.1 → ``redis7``, 6.2 → ``redis6.x``."""
    major = engine_version.split(".")[0]
    if engine == "valkey":
        return f"valkey{major}"
    return "redis6.x" if major == "6" else f"redis{major}"
