"""kms_key end to end on the emulator: main() in process, state read back with boto3, the emulator's counters
showing what each step costs. The amazon.aws rhythm (check mode, create, re-run, update, check-mode delete,
delete, delete again), the no-op's call count (the reason the module exists), the adoption of a key whose
create was interrupted before CreateAlias, and refused input before any call."""

from __future__ import annotations

import functools
import json

import pytest
from ansible_collections.ecap.platform.plugins.module_utils.kms import ALIAS_TAG
from ansible_collections.ecap.platform.plugins.modules import kms_key

ALIAS = "alias/ecap-test-rds"


@pytest.fixture
def run(run_module):
    return functools.partial(run_module, kms_key)


@pytest.fixture(scope="module")
def account(aws):
    return aws("sts").get_caller_identity()["Account"]


def policy(account: str, actions) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Root",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                "Action": actions,
                "Resource": "*",
            }
        ],
    }


def args(account: str, **overrides) -> dict:
    return {
        "alias": ALIAS,
        "description": "ecap-test: RDS storage",
        "enable_key_rotation": True,
        "enabled": True,
        "policy": policy(account, "kms:*"),
        "tags": {"Project": "ecap", "Environment": "test"},
        "purge_tags": True,
        **overrides,
    }


def calls(emulator) -> tuple[int, int]:
    counters = emulator.counters()
    return counters["total"], counters["mutating"]


def read(kms, alias: str = ALIAS):
    try:
        meta = kms.describe_key(KeyId=alias)["KeyMetadata"]
    except kms.exceptions.NotFoundException:
        return None
    tags = {t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=meta["KeyId"])["Tags"]}
    return {
        "meta": meta,
        "rotation": kms.get_key_rotation_status(KeyId=meta["KeyId"])["KeyRotationEnabled"],
        "tags": tags,
    }


def test_lifecycle(run, aws, emulator, account):
    kms = aws("kms")
    keys_before = len(kms.list_keys()["Keys"])

    before = calls(emulator)
    result = run(args(account), check_mode=True)
    assert result["changed"] and calls(emulator)[1] == before[1], "check mode wrote"
    assert read(kms) is None

    result = run(args(account))
    assert result["changed"]
    state = read(kms)
    assert state["meta"]["KeyState"] == "Enabled" and state["rotation"] is True
    assert state["meta"]["Description"] == "ecap-test: RDS storage"
    assert state["tags"] == {"Project": "ecap", "Environment": "test", ALIAS_TAG: ALIAS}
    assert result["key_arn"] == state["meta"]["Arn"] and result["key_id"] == state["meta"]["KeyId"]
    assert len(kms.list_keys()["Keys"]) == keys_before + 1

    # The no-op: DescribeKey by alias, GetKeyRotationStatus, GetKeyPolicy, ListResourceTags, nothing written.
    # The policy is given with a list where AWS holds a string: compared as a policy, no change.
    before = calls(emulator)
    result = run(args(account, policy=policy(account, ["kms:*"])))
    after = calls(emulator)
    assert not result["changed"], result.get("diff")
    assert after[0] - before[0] == 4 and after[1] == before[1]
    assert result["key_arn"] == state["meta"]["Arn"] and result["tags"][ALIAS_TAG] == ALIAS

    # Update: description, rotation off, policy, a tag changed and one purged (not the alias tag).
    changed = args(
        account,
        description="ecap-test: RDS storage and snapshots",
        enable_key_rotation=False,
        policy=policy(account, ["kms:Describe*", "kms:Encrypt"]),
        tags={"Project": "ecap", "Owner": "data"},
    )
    before = calls(emulator)
    result = run(changed, check_mode=True)
    assert result["changed"] and calls(emulator)[1] == before[1], "check mode wrote"
    assert result["diff"]["after"]["description"] == "ecap-test: RDS storage and snapshots"
    result = run(changed)
    assert result["changed"]
    state = read(kms)
    assert state["meta"]["Description"] == "ecap-test: RDS storage and snapshots" and state["rotation"] is False
    assert state["tags"] == {"Project": "ecap", "Owner": "data", ALIAS_TAG: ALIAS}
    document = json.loads(kms.get_key_policy(KeyId=state["meta"]["KeyId"], PolicyName="default")["Policy"])
    assert document["Statement"][0]["Action"] == ["kms:Describe*", "kms:Encrypt"]
    assert not run(changed)["changed"]

    # Disable, then enable again.
    assert run({**changed, "enabled": False})["changed"]
    assert read(kms)["meta"]["KeyState"] == "Disabled"
    assert run(changed)["changed"] and read(kms)["meta"]["KeyState"] == "Enabled"

    # Delete: check mode, schedule with the window, again (already pending: no change).
    before = calls(emulator)
    result = run({"alias": ALIAS, "state": "absent", "pending_window": 7}, check_mode=True)
    assert result["changed"] and calls(emulator)[1] == before[1]
    assert read(kms)["meta"]["KeyState"] == "Enabled"
    result = run({"alias": ALIAS, "state": "absent", "pending_window": 7})
    assert result["changed"] and result["key_state"] == "PendingDeletion"
    assert read(kms)["meta"]["KeyState"] == "PendingDeletion"
    before = calls(emulator)
    assert not run({"alias": ALIAS, "state": "absent", "pending_window": 7})["changed"]
    assert calls(emulator)[1] == before[1]

    # Present again brings the key back (as amazon.aws.kms_key does), not a second key.
    result = run(changed)
    assert result["changed"] and read(kms)["meta"]["KeyState"] == "Enabled"
    assert len(kms.list_keys()["Keys"]) == keys_before + 1


def test_absent_without_key_is_no_change(run, emulator):
    before = calls(emulator)
    result = run({"alias": "alias/ecap-test-never", "state": "absent"})
    assert not result["changed"] and calls(emulator)[1] == before[1]


def test_interrupted_create_is_adopted(run, aws, account):
    """A key created (with its alias tag) but never aliased is found and given its alias: no second key."""
    kms = aws("kms")
    alias = "alias/ecap-test-orphan"
    orphan = kms.create_key(Description="interrupted", Tags=[{"TagKey": ALIAS_TAG, "TagValue": alias}])
    orphan_id = orphan["KeyMetadata"]["KeyId"]
    kms.create_key(Description="someone else's", Tags=[{"TagKey": ALIAS_TAG, "TagValue": "alias/other"}])
    keys_before = len(kms.list_keys()["Keys"])

    result = run(args(account, alias=alias))
    assert result["changed"] and result["key_id"] == orphan_id
    assert len(kms.list_keys()["Keys"]) == keys_before
    state = read(kms, alias)
    assert state["meta"]["KeyId"] == orphan_id and state["meta"]["Description"] == "ecap-test: RDS storage"
    assert state["rotation"] is True
    assert not run(args(account, alias=alias))["changed"]


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"alias": "alias/aws/rds"}, "not alias/aws/*"),
        ({"alias": "alias/bad name"}, "must be alias/"),
        ({"pending_window": 3, "state": "absent"}, "pending_window=3"),
        ({"policy": "{not json"}, "policy is not JSON"),
    ],
)
def test_bad_input_fails_before_any_call(run, emulator, account, overrides, message):
    before = emulator.counters()["total"]
    result = run(args(account, **overrides), failed=True)
    assert message in result["msg"]
    assert emulator.counters()["total"] == before
