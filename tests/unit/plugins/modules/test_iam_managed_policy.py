"""iam_managed_policy end to end on the emulator: main() in process, state read back with boto3, the emulator's
counters showing what each step costs. Check mode, create, the no-op's exact calls (GetPolicy and
GetPolicyVersion: no ListPolicies), update as a new default version (the oldest non-default one deleted at
IAM's limit of five), tags, only_version, delete (detached first, versions deleted), delete again, the account
found with STS when not given, and refused input before any call."""

from __future__ import annotations

import functools

import pytest
from ansible_collections.ecap.platform.plugins.modules import iam_managed_policy

NAME = "ecap-test-rds-connect"
ACCOUNT = "123456789012"
ARN = f"arn:aws:iam::{ACCOUNT}:policy/{NAME}"


@pytest.fixture
def run(run_module):
    return functools.partial(run_module, iam_managed_policy)


def document(actions, resource="*") -> dict:
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": resource}]}


def args(**overrides) -> dict:
    return {
        "name": NAME,
        "description": "rds-db:connect as ecap_admin",
        "policy": document(["rds-db:connect"], "arn:aws:rds-db:us-west-2:123456789012:dbuser:db-1/ecap_admin"),
        "account_id": ACCOUNT,
        "tags": {"Project": "ecap", "Environment": "test"},
        **overrides,
    }


def iam_calls(emulator, service: str = "iam") -> dict[str, int]:
    return dict(emulator.counters()["services"].get(service, {}))


def delta(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {op: n - before.get(op, 0) for op, n in after.items() if n - before.get(op, 0)}


def read(iam, arn: str = ARN):
    try:
        policy = iam.get_policy(PolicyArn=arn)["Policy"]
    except iam.exceptions.NoSuchEntityException:
        return None
    version = iam.get_policy_version(PolicyArn=arn, VersionId=policy["DefaultVersionId"])["PolicyVersion"]
    return {
        "policy": policy,
        "document": version["Document"],
        "tags": {t["Key"]: t["Value"] for t in policy.get("Tags", [])},
        "versions": sorted(v["VersionId"] for v in iam.list_policy_versions(PolicyArn=arn)["Versions"]),
    }


def test_lifecycle(run, aws, emulator):
    iam = aws("iam")

    mutating = emulator.counters()["mutating"]
    result = run(args(), check_mode=True)
    assert result["changed"] and "policy" not in result
    assert emulator.counters()["mutating"] == mutating, "check mode wrote"
    assert read(iam) is None

    result = run(args())
    assert result["changed"] and result["policy"]["arn"] == ARN
    state = read(iam)
    assert state["policy"]["Description"] == "rds-db:connect as ecap_admin"
    assert state["tags"] == {"Project": "ecap", "Environment": "test"} == result["policy"]["tags"]
    assert state["document"]["Statement"][0]["Action"] == ["rds-db:connect"]

    # The no-op: GetPolicy (tags included) and GetPolicyVersion of the default version, nothing else; the
    # document given as JSON with a string where IAM holds a one-element list.
    before, mutating = iam_calls(emulator), emulator.counters()["mutating"]
    same = args(
        policy='{"Version": "2012-10-17", "Statement": [{"Resource": '
        '"arn:aws:rds-db:us-west-2:123456789012:dbuser:db-1/ecap_admin", "Action": "rds-db:connect", '
        '"Effect": "Allow"}]}'
    )
    result = run(same)
    assert not result["changed"], result.get("diff")
    assert delta(before, iam_calls(emulator)) == {"GetPolicy": 1, "GetPolicyVersion": 1}
    assert emulator.counters()["mutating"] == mutating
    assert result["policy"]["arn"] == ARN and result["policy"]["default_version_id"] == "v1"

    # Update the document (check mode first) and the tags.
    changed = args(policy=document(["rds-db:connect"], "*"), tags={"Project": "ecap", "Owner": "data"})
    mutating = emulator.counters()["mutating"]
    result = run(changed, check_mode=True)
    assert result["changed"] and emulator.counters()["mutating"] == mutating, "check mode wrote"
    assert result["diff"]["after"]["document"]["Statement"][0]["Resource"] == "*"
    result = run(changed)
    assert result["changed"] and result["policy"]["default_version_id"] == "v2"
    state = read(iam)
    assert state["document"]["Statement"][0]["Resource"] == "*" and state["versions"] == ["v1", "v2"]
    assert state["tags"] == {"Project": "ecap", "Owner": "data"}
    assert not run(changed)["changed"]

    # A description cannot change in IAM: a warning, no change.
    result = run({**changed, "description": "something else"})
    assert not result["changed"] and any("description" in str(w) for w in result.get("warnings", [])), result

    # Three more versions reach IAM's limit of five; the sixth deletes the oldest non-default one (v1).
    for n in range(3, 7):
        assert run({**changed, "policy": document([f"rds-db:connect{n}"])})["changed"]
    state = read(iam)
    assert state["versions"] == ["v2", "v3", "v4", "v5", "v6"] and state["policy"]["DefaultVersionId"] == "v6"

    # only_version: a new version, and the others go.
    assert run({**changed, "only_version": True})["changed"]
    state = read(iam)
    assert state["versions"] == ["v7"] and state["document"]["Statement"][0]["Action"] == ["rds-db:connect"]

    # Delete: attached to a role, with a second version; check mode, delete, again.
    iam.create_role(RoleName="ecap-test-app", AssumeRolePolicyDocument='{"Version": "2012-10-17", "Statement": []}')
    iam.attach_role_policy(RoleName="ecap-test-app", PolicyArn=ARN)
    assert run(args())["changed"]
    mutating = emulator.counters()["mutating"]
    result = run({"name": NAME, "account_id": ACCOUNT, "state": "absent"}, check_mode=True)
    assert result["changed"] and emulator.counters()["mutating"] == mutating
    result = run({"name": NAME, "account_id": ACCOUNT, "state": "absent"})
    assert result["changed"] and result["policy"]["arn"] == ARN
    assert read(iam) is None
    assert iam.list_attached_role_policies(RoleName="ecap-test-app")["AttachedPolicies"] == []
    before, mutating = iam_calls(emulator), emulator.counters()["mutating"]
    assert not run({"name": NAME, "account_id": ACCOUNT, "state": "absent"})["changed"]
    assert delta(before, iam_calls(emulator)) == {"GetPolicy": 1} and emulator.counters()["mutating"] == mutating


def test_account_from_sts_and_a_path(run, aws, emulator):
    """Without account_id: one GetCallerIdentity; the path is part of the ARN."""
    name = "ecap-test-pathed"
    arn = f"arn:aws:iam::{ACCOUNT}:policy/ecap/{name}"
    result = run({"name": name, "path": "/ecap/", "policy": document("s3:ListBucket")})
    assert result["changed"] and result["policy"]["arn"] == arn
    before_iam, before_sts = iam_calls(emulator), iam_calls(emulator, "sts")
    result = run({"name": name, "path": "/ecap/", "policy": document("s3:ListBucket")})
    assert not result["changed"]
    assert delta(before_iam, iam_calls(emulator)) == {"GetPolicy": 1, "GetPolicyVersion": 1}
    assert delta(before_sts, iam_calls(emulator, "sts")) == {"GetCallerIdentity": 1}
    # The same name at another path is an error, not a second policy (IAM names are unique in the account).
    result = run({"name": name, "policy": document("s3:ListBucket")}, failed=True)
    assert "exists at another path" in result["msg"]
    assert run({"name": name, "path": "/ecap/", "state": "absent"})["changed"]
    assert read(aws("iam"), arn) is None


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"name": "bad name"}, "policy name 'bad name'"),
        ({"path": "ecap"}, "policy path 'ecap'"),
        ({"account_id": "12345"}, "account_id='12345' must be 12 digits"),
        ({"policy": None}, "policy is required"),
        ({"policy": "{not json"}, "policy is not JSON"),
        ({"policy": {"Version": "2012-10-17"}}, "policy must be a policy document"),
        ({"policy": document(["s3:GetObject"] * 800)}, "IAM allows 6144"),
    ],
)
def test_bad_input_fails_before_any_call(run, emulator, overrides, message):
    before = emulator.counters()["total"]
    result = run(args(**overrides), failed=True)
    assert message in result["msg"]
    assert emulator.counters()["total"] == before
