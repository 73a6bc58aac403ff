# Copyright: ecap.platform contributors
# MIT License
"""Turn a check-mode run of the site into a plan per tier, like ``terraform plan``."""

from __future__ import annotations

DOCUMENTATION = r"""
name: plan
type: aggregate
short_description: Write and print a per-tier plan of a check-mode run
description:
  - Active only in check mode (C(--check)). Collects what each tier role's tasks would change,
    with the attribute changes their C(--diff) output shows, and at the end of the run writes
    C(<ecap_build_dir>/plan.json) and prints a plan per tier, with "no changes" for a converged tier.
  - The build directory and environment come from the C(ecap_plan) statistic that the preflight role
    sets with M(ansible.builtin.set_stats). Without it (a playbook that is not the site) nothing is written.
  - "Use it with C(ansible-playbook playbooks/plan.yml -i inventories/<env> --check --diff)
    (or C(make plan ENV=<env>))."
  - The printed plan is left out when the stdout callback is a JSON one, so machine-readable output stays valid.
requirements:
  - enable in C(ansible.cfg) with C(callbacks_enabled = ecap.platform.plan)
"""

import json
import os
from datetime import UTC, datetime
from typing import Any

from ansible import constants as C
from ansible import context
from ansible.plugins.callback import CallbackBase
from ansible_collections.ecap.platform.plugins.module_utils.plan import Plan, render_plan


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "ecap.platform.plan"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = Plan()
        self._end_role: Any = None  # an `end_role` meta task that started and was not skipped (yet)

    @property
    def active(self) -> bool:
        return bool(context.CLIARGS.get("check"))

    # --- results -------------------------------------------------------------------------------

    def _record(self, result: Any, item: bool = False) -> None:
        if not self.active:
            return
        task = result._task
        role = task._role.get_name(include_role_fqcn=False) if task._role else None
        data = result._result
        if not item and isinstance(data.get("results"), list):
            return  # a loop: its items were recorded one by one
        label = None
        if item:
            label = data.get("_ansible_item_label", data.get("item"))
        self.plan.record(
            role=role,
            task=task.name or task.action,
            label=label,
            args=task.args,
            result=data,
        )

    # A tier ends its plan early (``meta: end_role``) when later tasks need an id that only a real
    # run would create; the plan says so. Strategies report only the skipped meta tasks, so a
    # started end_role that is not followed by its skip did end the role.
    def _settle_end_role(self) -> None:
        task, self._end_role = self._end_role, None
        if task is not None and task._role:
            self.plan.defer(task._role.get_name(include_role_fqcn=False), task.name or "end_role")

    def v2_playbook_on_task_start(self, task: Any, is_conditional: bool) -> None:
        if not self.active:
            return
        self._settle_end_role()
        if task.action in ("meta", "ansible.builtin.meta") and task.args.get("_raw_params") == "end_role":
            self._end_role = task

    def v2_runner_on_skipped(self, result: Any) -> None:
        if self._end_role is not None and result._task._uuid == self._end_role._uuid:
            self._end_role = None

    def v2_runner_on_ok(self, result: Any) -> None:
        self._record(result)

    def v2_runner_item_on_ok(self, result: Any) -> None:
        self._record(result, item=True)

    def v2_runner_on_failed(self, result: Any, ignore_errors: bool = False) -> None:
        if self.active and not ignore_errors:
            self._record(result)

    def v2_runner_item_on_failed(self, result: Any) -> None:
        self._record(result, item=True)

    # --- end of the run ------------------------------------------------------------------------

    def v2_playbook_on_stats(self, stats: Any) -> None:
        if not self.active:
            return
        self._settle_end_role()
        marker = (getattr(stats, "custom", {}) or {}).get("_run", {}).get("ecap_plan")
        if not marker:
            return
        document = self.plan.to_dict(
            environment=marker.get("environment"),
            region=marker.get("region"),
            generated=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        path = os.path.join(marker["build_dir"], "plan.json")
        os.makedirs(marker["build_dir"], exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=2, sort_keys=True, default=str)
            handle.write("\n")
        if "json" in (C.DEFAULT_STDOUT_CALLBACK or ""):
            return
        self._display.banner("PLAN")
        for line in render_plan(document):
            self._display.display(line)
        self._display.display(f"Plan written to {path}")
