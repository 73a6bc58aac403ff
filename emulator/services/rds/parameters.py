"""Engine-default parameters of the RDS for PostgreSQL families the platform uses (15, 16, 17).

A subset of what ``DescribeEngineDefaultParameters`` returns on AWS for ``postgres15``..``postgres17``:
the parameters the ``rds`` role tunes and their usual neighbours, with AWS's data types, allowed
values, apply types (``static`` needs a reboot, ``dynamic`` does not) and default values (RDS
formulas such as ``{DBInstanceClassMemory/32768}`` where RDS sets one).
"""

from __future__ import annotations

from typing import Any

POSTGRES_FAMILIES = ("postgres15", "postgres16", "postgres17")

_INT_MAX = "2147483647"

#: name: (data type, allowed values, apply type, default value or None, description)
_PARAMETERS: dict[str, tuple[str, str, str, str | None, str]] = {
    "autovacuum_max_workers": (
        "integer",
        "1-8388607",
        "static",
        "GREATEST({DBInstanceClassMemory/64371566592},3)",
        "Sets the maximum number of simultaneously running autovacuum worker processes.",
    ),
    "autovacuum_vacuum_scale_factor": (
        "float",
        "0-100",
        "dynamic",
        None,
        "Number of tuple updates or deletes prior to vacuum as a fraction of reltuples.",
    ),
    "checkpoint_timeout": (
        "integer",
        "30-86400",
        "dynamic",
        "300",
        "Sets the maximum time between automatic WAL checkpoints, in seconds.",
    ),
    "default_statistics_target": ("integer", "1-10000", "dynamic", None, "Sets the default statistics target."),
    "effective_cache_size": (
        "integer",
        "1-" + _INT_MAX,
        "dynamic",
        "{DBInstanceClassMemory/16384}",
        "Sets the planner's assumption about the size of the disk cache (8kB units).",
    ),
    "effective_io_concurrency": (
        "integer",
        "0-1000",
        "dynamic",
        None,
        "Number of simultaneous requests that can be handled efficiently by the disk subsystem.",
    ),
    "idle_in_transaction_session_timeout": (
        "integer",
        "0-" + _INT_MAX,
        "dynamic",
        "86400000",
        "Sets the maximum allowed duration of any idling transaction (ms).",
    ),
    "jit": ("boolean", "0,1", "dynamic", None, "Allow JIT compilation."),
    "log_connections": ("boolean", "0,1", "dynamic", None, "Logs each successful connection."),
    "log_disconnections": ("boolean", "0,1", "dynamic", None, "Logs end of a session, including duration."),
    "log_min_duration_statement": (
        "integer",
        "-1-" + _INT_MAX,
        "dynamic",
        None,
        "Sets the minimum execution time (ms) above which statements will be logged.",
    ),
    "log_rotation_age": (
        "integer",
        "1-1440",
        "dynamic",
        "60",
        "Automatic log file rotation will occur after N minutes.",
    ),
    "log_statement": ("string", "none,ddl,mod,all", "dynamic", None, "Sets the type of statements logged."),
    "maintenance_work_mem": (
        "integer",
        "1024-" + _INT_MAX,
        "dynamic",
        "GREATEST({DBInstanceClassMemory*1024/63963136},65536)",
        "Sets the maximum memory to be used for maintenance operations (kB).",
    ),
    "max_connections": (
        "integer",
        "6-262143",
        "static",
        "LEAST({DBInstanceClassMemory/9531392},5000)",
        "Sets the maximum number of concurrent connections.",
    ),
    "max_parallel_maintenance_workers": (
        "integer",
        "0-1024",
        "dynamic",
        None,
        "Sets the maximum number of parallel processes per maintenance operation.",
    ),
    "max_parallel_workers": (
        "integer",
        "0-1024",
        "dynamic",
        "GREATEST(${DBInstanceVCPU/2},8)",
        "Sets the maximum number of parallel workers that can be active at one time.",
    ),
    "max_parallel_workers_per_gather": (
        "integer",
        "0-1024",
        "dynamic",
        None,
        "Sets the maximum number of parallel processes per executor node.",
    ),
    "max_wal_size": (
        "integer",
        "2-" + _INT_MAX,
        "dynamic",
        "2048",
        "Sets the WAL size that triggers a checkpoint (MB).",
    ),
    "max_worker_processes": (
        "integer",
        "0-262143",
        "static",
        "GREATEST(${DBInstanceVCPU*2},8)",
        "Maximum number of concurrent worker processes.",
    ),
    "password_encryption": (
        "string",
        "md5,scram-sha-256",
        "dynamic",
        "scram-sha-256",
        "Chooses the algorithm for encrypting passwords.",
    ),
    "pg_stat_statements.max": (
        "integer",
        "100-2147483647",
        "static",
        None,
        "Sets the maximum number of statements tracked by pg_stat_statements.",
    ),
    "pg_stat_statements.track": (
        "string",
        "all,none,top",
        "dynamic",
        None,
        "Selects which statements are tracked by pg_stat_statements.",
    ),
    "random_page_cost": (
        "float",
        "0-2147483647",
        "dynamic",
        None,
        "Sets the planner's estimate of the cost of a nonsequentially fetched disk page.",
    ),
    "rds.force_ssl": ("boolean", "0,1", "dynamic", "1", "Force SSL connections."),
    "rds.log_retention_period": (
        "integer",
        "1440-10080",
        "dynamic",
        "4320",
        "Amazon RDS for PostgreSQL will delete PostgreSQL logs that are older than N minutes.",
    ),
    "rds.logical_replication": ("boolean", "0,1", "static", "0", "Enables logical decoding."),
    "shared_buffers": (
        "integer",
        "16-1073741823",
        "static",
        "{DBInstanceClassMemory/32768}",
        "Sets the number of shared memory buffers used by the server (8kB units).",
    ),
    "shared_preload_libraries": (
        "list",
        "auto_explain,orafce,pgaudit,pglogical,pg_bigm,pg_cron,pg_hint_plan,"
        "pg_prewarm,pg_similarity,pg_stat_statements,pg_tle,pg_transport,plprofiler",
        "static",
        "pg_stat_statements",
        "Lists shared libraries to preload into server.",
    ),
    "ssl_min_protocol_version": (
        "string",
        "TLSv1,TLSv1.1,TLSv1.2,TLSv1.3",
        "dynamic",
        "TLSv1.2",
        "Sets the minimum SSL/TLS protocol version to use.",
    ),
    "statement_timeout": (
        "integer",
        "0-" + _INT_MAX,
        "dynamic",
        None,
        "Sets the maximum allowed duration of any statement (ms).",
    ),
    "timezone": ("string", None, "dynamic", "UTC", "Sets the time zone for displaying and interpreting time stamps."),
    "track_io_timing": ("boolean", "0,1", "dynamic", "1", "Collects timing statistics for database I/O activity."),
    "wal_buffers": (
        "integer",
        "-1-262143",
        "static",
        None,
        "Sets the number of disk-page buffers in shared memory for WAL.",
    ),
    "work_mem": (
        "integer",
        "64-" + _INT_MAX,
        "dynamic",
        None,
        "Sets the maximum memory to be used for query workspaces (kB).",
    ),
}


def family_parameters(family: str | None) -> dict[str, dict[str, Any]] | None:
    """The engine-default parameters of ``family`` keyed by name, or None for a family not modelled."""
    if (family or "").lower() not in POSTGRES_FAMILIES:
        return None
    parameters: dict[str, dict[str, Any]] = {}
    for name, (data_type, allowed, apply_type, default, description) in sorted(_PARAMETERS.items()):
        parameter: dict[str, Any] = {
            "ParameterName": name,
            "Description": description,
            "Source": "system" if default is not None else "engine-default",
            "ApplyType": apply_type,
            "DataType": data_type,
            "IsModifiable": True,
            "ApplyMethod": "pending-reboot",
        }
        if allowed is not None:
            parameter["AllowedValues"] = allowed
        if default is not None:
            parameter["ParameterValue"] = default
        parameters[name] = parameter
    return parameters


def is_formula(value: str) -> bool:
    """RDS accepts formulas (``{DBInstanceClassMemory/16384}``, ``GREATEST(...)``) for numeric parameters."""
    return value.startswith(("{", "GREATEST(", "LEAST(", "SUM("))


def invalid_value(parameter: dict[str, Any], value: str) -> str | None:
    """Why ``value`` is not valid for ``parameter`` (as RDS would refuse it), or None."""
    if is_formula(value):
        return None
    allowed = parameter.get("AllowedValues")
    data_type = parameter["DataType"]
    if data_type in ("integer", "float") and allowed and "-" in allowed[1:]:
        low, _, high = allowed[1:].partition("-")
        low = allowed[0] + low
        try:
            number = float(value) if data_type == "float" else int(value)
        except ValueError:
            return f"Invalid parameter value: {value} for: {parameter['ParameterName']} allowed values are: {allowed}"
        if not float(low) <= number <= float(high):
            return f"Invalid parameter value: {value} for: {parameter['ParameterName']} allowed values are: {allowed}"
        return None
    if allowed and data_type in ("boolean", "string"):
        if value.lower() not in [a.lower() for a in allowed.split(",")]:
            return f"Invalid parameter value: {value} for: {parameter['ParameterName']} allowed values are: {allowed}"
    if allowed and data_type == "list":
        choices = [a.lower() for a in allowed.split(",")]
        bad = [item for item in value.split(",") if item.strip() and item.strip().lower() not in choices]
        if bad:
            return f"Invalid parameter value: {value} for: {parameter['ParameterName']} allowed values are: {allowed}"
    return None
