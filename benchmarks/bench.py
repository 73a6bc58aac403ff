"""The deploy benchmark (`make bench`): the full local site from empty under the emulator's `scaled` profile
(real AWS durations / 30), a no-op re-run under `instant`, then the teardown under `scaled`; figures from one run.

Printed as a table and written to build/bench/results.json:
- deploy.wall_s, deploy.critical_path_s (the longest chain of slow creates of this inventory, from the profile's
  durations: NAT, then the slowest of MSK / Redis / RDS / EKS cluster + node group + add-on / ALB),
  deploy.ratio_to_critical_path, deploy.serial_sum_s (every slow create one after the other) and its ratio;
- noop.wall_s, noop.changed, noop.api_calls, noop.api_calls_per_resource_median / _max (calls of a service on the
  no-op run divided by that service's tagged resources: the emulator counts calls per service and operation,
  not per resource; the median is over services), noop.api_calls_per_resource_weighted_median (the median over
  tagged resources, each resource counting with its service's ratio), noop.mutating. The emulator counts calls
  under the SigV4 signing name (``monitoring``), resources carry the ARN's service (``cloudwatch``):
  SIGNING_TO_ARN_SERVICE maps one to the other before the ratios;
- noop.api_calls_per_managed_resource_median / _max / _by_service, noop.managed_resources: the same ratios with
  the managed resources the tagging API cannot list (MSK topics, Scheduler schedules) counted too;
- teardown.wall_s, teardown.critical_path_s, teardown.ratio_to_critical_path;
- controller_peak_rss_mb (the largest process of the ansible-playbook runs: controller or its workers).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from emulator.control import request, running  # noqa: E402

PLAYBOOK = str(Path(sys.executable).with_name("ansible-playbook"))
OUT = ROOT / "build" / "bench"

#: SigV4 signing names (the emulator's counters) whose resources' ARNs name another service.
SIGNING_TO_ARN_SERVICE = {"monitoring": "cloudwatch"}


def play(emu: Any, playbook: str, build: Path, log: str, **extra: Any) -> dict[str, Any]:
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": emu.endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-west-2",
        "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
        "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json",
        "ANSIBLE_DEPRECATION_WARNINGS": "false",
    }
    cmd = [PLAYBOOK, playbook, "-i", "inventories/local", "-e", json.dumps({"ecap_build_dir": str(build), **extra})]
    start = time.monotonic()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.monotonic() - start
    # Kept for benchmarks/profile_run.py (where the time of a run goes).
    (OUT / f"{log}.json").write_text(proc.stdout)
    try:
        stats = json.loads(proc.stdout[proc.stdout.index("{") :])["stats"]["localhost"]
    except (ValueError, KeyError):
        stats = {}
    if proc.returncode != 0:
        sys.exit(f"{playbook} failed (rc={proc.returncode}):\n{proc.stderr[-3000:]}{proc.stdout[-3000:]}")
    return {"wall_s": round(wall, 1), "changed": stats.get("changed", 0), "ok": stats.get("ok", 0)}


def durations(emu: Any) -> dict[str, dict[str, float]]:
    """Seconds per kind and phase of the emulator's active profile (GET /_emulator/config)."""
    return request(emu.port, "/_emulator/config")["durations"]


def critical_paths(d: dict[str, dict[str, float]], created: Counter) -> dict[str, float]:
    """Critical path and serial sum of the slow creates and deletes of what the inventory made."""

    def c(kind: str) -> float:
        return d.get(kind, {}).get("create", 0.0)

    def x(kind: str) -> float:
        return d.get(kind, {}).get("delete", 0.0)

    rds = "rds_instance_multi_az" if created.get("rds_multi_az") else "rds_instance"
    nat = c("nat_gateway") if created["ec2:nat_gateway"] else 0.0
    eks = c("eks_cluster") + c("eks_nodegroup") + c("eks_addon")
    branches = {
        "msk": c("kafka_cluster") if created["kafka:cluster"] else 0.0,
        "redis": c("elasticache_replication_group") if created["elasticache:replicationgroup"] else 0.0,
        "rds": c(rds) if created["rds:db"] else 0.0,
        "eks": eks if created["eks:cluster"] else 0.0,
        "alb": c("elbv2_load_balancer") if created["elasticloadbalancing:loadbalancer"] else 0.0,
    }
    serial = (
        created["ec2:nat_gateway"] * c("nat_gateway")
        + branches["msk"]
        + branches["redis"]
        + branches["rds"]
        + created["eks:cluster"] * c("eks_cluster")
        + created["eks:nodegroup"] * c("eks_nodegroup")
        + created["eks:addon"] * c("eks_addon")
        + branches["alb"]
    )
    teardown_branches = {
        "eks": x("eks_nodegroup") + x("eks_cluster"),
        "msk": x("kafka_cluster"),
        "redis": x("elasticache_replication_group"),
        "rds": x(rds),
        "alb": x("elbv2_load_balancer"),
    }
    return {
        "deploy_critical_path_s": round(nat + max(branches.values()), 1),
        "deploy_critical_branch": max(branches, key=branches.get),
        "deploy_serial_sum_s": round(serial, 1),
        "teardown_critical_path_s": round(max(teardown_branches.values()) + x("nat_gateway"), 1),
    }


def calls_by_arn_service(services: dict[str, dict[str, int]]) -> dict[str, int]:
    """Calls per ARN service (``{"cloudwatch": 38}``) from the counters' ``{signing name: {operation: n}}``."""
    calls: Counter = Counter()
    for signing_name, ops in services.items():
        calls[SIGNING_TO_ARN_SERVICE.get(signing_name, signing_name)] += sum(ops.values())
    return dict(calls)


def per_resource_ratios(calls: dict[str, int], per_service: dict[str, int]) -> dict[str, float]:
    """Calls per tagged resource of each service that has both calls and tagged resources."""
    return {s: n / per_service[s] for s, n in calls.items() if per_service.get(s)}


def weighted_median(ratios: dict[str, float], per_service: dict[str, int]) -> float:
    """The median over tagged resources (each gets its service's ratio), not over services."""
    values = sorted(v for s, v in ratios.items() for _ in range(per_service[s]))
    return statistics.median(values) if values else 0.0


def untagged_resources(endpoint: str) -> Counter:
    """The managed resources the tagging API does not list, by ARN service: MSK topics (no tags in AWS) and
    EventBridge Scheduler schedules (tags only on their group). Counted beside the tagged ones, so that a
    service whose calls are mostly per topic or per schedule is not measured against one resource."""
    import boto3

    kw = {
        "endpoint_url": endpoint,
        "region_name": "us-west-2",
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
    }
    kafka, scheduler = boto3.client("kafka", **kw), boto3.client("scheduler", **kw)
    out: Counter = Counter()
    for cluster in kafka.list_clusters_v2().get("ClusterInfoList", []):
        out["kafka"] += len(kafka.list_topics(ClusterArn=cluster["ClusterArn"]).get("Topics", []))
    for group in scheduler.list_schedule_groups().get("ScheduleGroups", []):
        if group["Name"] != "default":
            out["scheduler"] += len(scheduler.list_schedules(GroupName=group["Name"]).get("Schedules", []))
    return out


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    build = OUT / "local"
    results: dict[str, Any] = {}
    with running(profile="scaled", quiet=True) as emu:
        deploy = play(emu, "site.yml", build, "deploy")
        created = Counter(f"{r['service']}:{r['type']}" for r in emu.resources("Project=ecap"))
        paths = critical_paths(durations(emu), created)

        emu.set_config(profile="instant")
        emu.reset_counters()
        noop = play(emu, "site.yml", build, "noop")
        counters = emu.counters()
        # Resources by the ARN service; the counters' signing names mapped to it (monitoring -> cloudwatch).
        per_service = Counter(r["service"] for r in emu.resources("Project=ecap"))
        ratios = per_resource_ratios(calls_by_arn_service(counters["services"]), per_service)
        managed = per_service + untagged_resources(emu.endpoint)
        managed_ratios = per_resource_ratios(calls_by_arn_service(counters["services"]), managed)

        emu.set_config(profile="scaled")
        teardown = play(emu, "playbooks/teardown.yml", build, "teardown", teardown_delete_data=True)
        left = emu.resources("Project=ecap")

    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    results = {
        "deploy": {
            "wall_s": deploy["wall_s"],
            "critical_path_s": paths["deploy_critical_path_s"],
            "critical_branch": paths["deploy_critical_branch"],
            "ratio_to_critical_path": round(deploy["wall_s"] / paths["deploy_critical_path_s"], 2),
            "serial_sum_s": paths["deploy_serial_sum_s"],
            "ratio_to_serial_sum": round(deploy["wall_s"] / paths["deploy_serial_sum_s"], 2),
            "target_s": round(1.10 * paths["deploy_critical_path_s"] + 60, 1),
            "changed": deploy["changed"],
        },
        "noop": {
            "wall_s": noop["wall_s"],
            "changed": noop["changed"],
            "api_calls": counters["total"],
            "mutating": counters["mutating"],
            "api_calls_per_resource_median": round(statistics.median(ratios.values()), 1),
            "api_calls_per_resource_max": round(max(ratios.values()), 1),
            "api_calls_per_resource_weighted_median": round(weighted_median(ratios, per_service), 1),
            "api_calls_per_resource_by_service": {s: round(v, 1) for s, v in sorted(ratios.items())},
            "resources": sum(per_service.values()),
            # The same with MSK topics and Scheduler schedules counted as resources (untagged_resources).
            "api_calls_per_managed_resource_median": round(statistics.median(managed_ratios.values()), 1),
            "api_calls_per_managed_resource_max": round(max(managed_ratios.values()), 1),
            "api_calls_per_managed_resource_by_service": {s: round(v, 1) for s, v in sorted(managed_ratios.items())},
            "managed_resources": sum(managed.values()),
            "resources_by_service": dict(sorted(per_service.items())),
            "api_calls_by_operation": {
                s: dict(sorted(ops.items(), key=lambda kv: -kv[1])) for s, ops in sorted(counters["services"].items())
            },
        },
        "teardown": {
            "wall_s": teardown["wall_s"],
            "critical_path_s": paths["teardown_critical_path_s"],
            "ratio_to_critical_path": round(teardown["wall_s"] / paths["teardown_critical_path_s"], 2),
            "target_s": round(1.10 * paths["teardown_critical_path_s"] + 60, 1),
            "left": len(left),
        },
        "controller_peak_rss_mb": round(peak, 1),
    }
    (OUT / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    d, n, t = results["deploy"], results["noop"], results["teardown"]
    rows = [
        ("deploy wall (scaled)", f"{d['wall_s']} s", f"target <= {d['target_s']} s"),
        (
            "  critical path",
            f"{d['critical_path_s']} s ({d['critical_branch']})",
            f"ratio {d['ratio_to_critical_path']}",
        ),
        ("  serial sum of slow creates", f"{d['serial_sum_s']} s", f"ratio {d['ratio_to_serial_sum']}"),
        ("no-op re-run wall (instant)", f"{n['wall_s']} s", f"changed={n['changed']}, target <= 20 s"),
        ("  API calls (mutating)", f"{n['api_calls']} ({n['mutating']})", f"{n['resources']} tagged resources"),
        (
            "  calls per resource median / max",
            f"{n['api_calls_per_resource_median']} / {n['api_calls_per_resource_max']}",
            "target <= 3 / <= 8 (median over services)",
        ),
        (
            "  calls per resource, resource-weighted median",
            f"{n['api_calls_per_resource_weighted_median']}",
            "median over tagged resources (each with its service's ratio)",
        ),
        (
            "  with topics and schedules as resources",
            f"{n['api_calls_per_managed_resource_median']} / {n['api_calls_per_managed_resource_max']}",
            f"median / max over services, {n['managed_resources']} resources",
        ),
        ("teardown wall (scaled)", f"{t['wall_s']} s", f"target <= {t['target_s']} s, left {t['left']}"),
        ("  critical path", f"{t['critical_path_s']} s", f"ratio {t['ratio_to_critical_path']}"),
        ("controller peak RSS", f"{results['controller_peak_rss_mb']} MB", ""),
    ]
    width = max(len(r[0]) for r in rows)
    print("\n".join(f"{a.ljust(width)}  {b:<22} {c}" for a, b, c in rows))
    print(f"per service (calls/resource): {n['api_calls_per_resource_by_service']}")
    print(f"written to {OUT / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
