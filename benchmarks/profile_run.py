"""Where a run's time goes: seconds by role and the slowest tasks, from an ``ansible.posix.json`` log.

    .venv/bin/python benchmarks/profile_run.py build/bench/noop.json [--top 15]

The logs come from ``make bench`` (build/bench/{deploy,noop,teardown}.json) and from the integration
tests (<build>/runs/NN-<playbook>.json). Task time is the callback's start-to-end of each task on the host;
the gap between tasks (the controller's templating and scheduling) is reported as ``between tasks``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any


def _ts(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def tasks(raw: dict[str, Any]) -> list[dict[str, Any]]:
    """``[{role, name, seconds, start, end}]`` of every task of every play, in run order."""
    out = []
    for play in raw.get("plays", []):
        for task in play.get("tasks", []):
            duration = task["task"].get("duration") or {}
            if not duration.get("start") or not duration.get("end"):
                continue
            name = task["task"]["name"]
            role, _, short = name.partition(" : ") if " : " in name else ("(play)", "", name)
            start, end = _ts(duration["start"]), _ts(duration["end"])
            out.append({"role": role, "name": short, "seconds": end - start, "start": start, "end": end})
    return out


def profile(raw: dict[str, Any], top: int = 15) -> dict[str, Any]:
    items = tasks(raw)
    if not items:
        return {"tasks": 0}
    by_role: dict[str, float] = defaultdict(float)
    for item in items:
        by_role[item["role"]] += item["seconds"]
    wall = items[-1]["end"] - items[0]["start"]
    in_tasks = sum(i["seconds"] for i in items)
    return {
        "tasks": len(items),
        "wall_s": round(wall, 1),
        "in_tasks_s": round(in_tasks, 1),
        "between_tasks_s": round(wall - in_tasks, 1),
        "by_role_s": {r: round(s, 1) for r, s in sorted(by_role.items(), key=lambda kv: -kv[1])},
        "slowest": [
            {"task": f"{i['role']} : {i['name']}", "s": round(i["seconds"], 2)}
            for i in sorted(items, key=lambda i: -i["seconds"])[:top]
        ],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log", type=Path)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    text = args.log.read_text()
    result = profile(json.loads(text[text.index("{") :]), args.top)
    print(
        f"{result['tasks']} tasks, {result['wall_s']} s: {result['in_tasks_s']} s in tasks, "
        f"{result['between_tasks_s']} s between tasks"
    )
    for role, seconds in result["by_role_s"].items():
        print(f"  {seconds:7.1f} s  {role}")
    print("slowest tasks:")
    for entry in result["slowest"]:
        print(f"  {entry['s']:7.2f} s  {entry['task']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
