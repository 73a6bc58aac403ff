"""The plan of a check-mode run: classification of task results and the rendered text."""

from __future__ import annotations

from ansible_collections.ecap.platform.plugins.module_utils.plan import (
    Plan,
    attribute_changes,
    classify,
    render_plan,
)


def test_attribute_changes_lists_leaves_and_ignores_keys_only_before():
    before = {"retention": 30, "arn": "arn:x", "tags": {"A": "1"}, "rules": [{"port": 1}, {"port": 2}]}
    after = {"retention": 7, "tags": {"A": "1", "B": "2"}, "rules": [{"port": 1}, {"port": 3}]}
    assert attribute_changes(before, after) == [
        "retention: 30 -> 7",
        "rules[1].port: 2 -> 3",
        "tags.B: (unset) -> 2",
    ]


def test_attribute_changes_of_lists_of_other_lengths_lists_removed_and_added():
    assert attribute_changes({"cidrs": ["a", "b"]}, {"cidrs": ["b"]}) == ["cidrs: - a"]
    assert attribute_changes({"cidrs": ["a"]}, {"cidrs": ["a", "c"]}) == ["cidrs: + c"]


def test_classify():
    assert classify({}, {"changed": True, "diff": {"before": {}, "after": {"name": "x"}}}) == ("create", [])
    assert classify({}, {"changed": True, "diff": {"before": {"name": "x"}, "after": {}}}) == ("delete", [])
    assert classify({"state": "absent"}, {"changed": True}) == ("delete", [])
    assert classify({}, {"changed": True, "diff": {"before": {"n": 1}, "after": {"n": 2}}}) == ("update", ["n: 1 -> 2"])
    # No diff: a result without an id is a resource to create, one with an id a change without detail.
    assert classify({}, {"changed": True}) == ("create", [])
    assert classify({}, {"changed": True, "vpc": {"id": "vpc-1"}}) == ("change", [])
    assert classify({}, {"changed": True, "key_arn": "arn:aws:kms:..."}) == ("change", [])


def test_plan_per_tier_and_summary():
    plan = Plan()
    plan.record("preflight", "Check", None, {}, {"changed": True})  # not a tier
    plan.record("kms", "Create the keys", "eks", {}, {"changed": True})
    plan.record("kms", "Create the keys", "rds", {}, {"changed": False})
    plan.record(
        "network",
        "Flow-log group",
        None,
        {"name": "/g"},
        {"changed": True, "diff": {"before": {"r": 30}, "after": {"r": 7}}},
    )
    plan.record("network", "Skipped", None, {}, {"skipped": True})
    plan.defer("security_groups", "End the plan of this tier here, the VPC does not exist yet")
    doc = plan.to_dict(environment="ecap-dev", region="us-west-2")
    assert list(doc["tiers"]) == ["kms", "network", "security_groups"]
    assert doc["summary"] == {"create": 1, "update": 1, "delete": 0, "change": 0}
    assert doc["converged"] is False
    text = list(render_plan(doc))
    assert text[1] == "kms: 1 to create"
    assert "  + Create the keys [eks]" in text
    assert "  ~ Flow-log group [/g]" in text and "      r: 30 -> 7" in text
    assert text[-2].startswith("security_groups: no changes (0 checks; planned up to: End the plan")
    assert text[-1] == "Plan: 1 to create, 1 to update, 0 to delete, 0 to change without detail."


def test_converged_plan_says_so_and_errors_are_shown():
    plan = Plan()
    plan.record("kms", "Create the keys", "eks", {}, {"changed": False})
    assert list(render_plan(plan.to_dict()))[-1] == "No changes. The environment matches the inventory."
    plan.record("kms", "Create the keys", "rds", {}, {"failed": True, "msg": "AccessDenied"})
    doc = plan.to_dict()
    assert doc["converged"] is False
    assert "ERROR kms: Create the keys [rds]: AccessDenied" in list(render_plan(doc))
