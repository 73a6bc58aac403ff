"""iam_role end to end on the emulator: main() in process, state read back with boto3, the emulator's counters
showing what each step costs. The amazon.aws rhythm (check mode, create, re-run, update, check-mode delete,
delete, delete again), the no-op's exact calls (the reason the module exists), purges, an interrupted create
finished by the next run, the delete's clean-up of instance profiles and policies, and refused input before
any call."""

from __future__ import annotations

import functools

import pytest
from ansible_collections.ecap.platform.plugins.modules import iam_role

NAME = "ecap-test-flow-logs"
CLOUDWATCH = "arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"
S3_READ = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"


@pytest.fixture
def run(run_module):
    return functools.partial(run_module, iam_role)


def trust(service: str = "vpc-flow-logs.amazonaws.com") -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
    }


def policy(actions, resource="*") -> dict:
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": resource}]}


def args(**overrides) -> dict:
    return {
        "name": NAME,
        "description": "Lets VPC Flow Logs write to its log group",
        "assume_role_policy_document": trust(),
        "managed_policies": [CLOUDWATCH],
        "inline_policies": {"write-flow-logs": policy(["logs:CreateLogStream", "logs:PutLogEvents"])},
        "tags": {"Project": "ecap", "Environment": "test"},
        **overrides,
    }


def iam_calls(emulator) -> dict[str, int]:
    return dict(emulator.counters()["services"].get("iam", {}))


def delta(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {op: n - before.get(op, 0) for op, n in after.items() if n - before.get(op, 0)}


def read(iam, name: str = NAME):
    try:
        role = iam.get_role(RoleName=name)["Role"]
    except iam.exceptions.NoSuchEntityException:
        return None
    names = iam.list_role_policies(RoleName=name)["PolicyNames"]
    return {
        "role": role,
        "tags": {t["Key"]: t["Value"] for t in role.get("Tags", [])},
        "managed": sorted(p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]),
        "inline": {n: iam.get_role_policy(RoleName=name, PolicyName=n)["PolicyDocument"] for n in names},
    }


def test_lifecycle(run, aws, emulator):
    iam = aws("iam")

    before = emulator.counters()
    result = run(args(), check_mode=True)
    assert result["changed"] and "iam_role" not in result
    assert emulator.counters()["mutating"] == before["mutating"], "check mode wrote"
    assert result["diff"]["after"]["inline_policies"]["write-flow-logs"]["Statement"][0]["Effect"] == "Allow"
    assert read(iam) is None

    result = run(args())
    assert result["changed"]
    state = read(iam)
    assert result["iam_role"]["arn"] == state["role"]["Arn"] and result["iam_role"]["role_name"] == NAME
    assert state["role"]["Description"] == "Lets VPC Flow Logs write to its log group"
    assert state["role"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "vpc-flow-logs.amazonaws.com"
    }
    assert state["tags"] == {"Project": "ecap", "Environment": "test"}
    assert state["managed"] == [CLOUDWATCH]
    assert state["inline"]["write-flow-logs"]["Statement"][0]["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert result["iam_role"]["tags"] == {"Project": "ecap", "Environment": "test"}
    assert [p["policy_arn"] for p in result["iam_role"]["attached_policies"]] == [CLOUDWATCH]

    # The no-op: GetRole, ListAttachedRolePolicies, ListRolePolicies, GetRolePolicy; nothing written. The
    # documents are given in another order and shape (a string for a one-element list, actions reordered, JSON).
    before, mutating = iam_calls(emulator), emulator.counters()["mutating"]
    same = args(
        assume_role_policy_document=(
            '{"Statement": [{"Action": ["sts:AssumeRole"], "Effect": "Allow",'
            ' "Principal": {"Service": "vpc-flow-logs.amazonaws.com"}}], "Version": "2012-10-17"}'
        ),
        inline_policies={"write-flow-logs": policy(["logs:PutLogEvents", "logs:CreateLogStream"])},
    )
    result = run(same)
    assert not result["changed"], result.get("diff")
    assert delta(before, iam_calls(emulator)) == {
        "GetRole": 1,
        "ListAttachedRolePolicies": 1,
        "ListRolePolicies": 1,
        "GetRolePolicy": 1,
    }
    assert emulator.counters()["mutating"] == mutating
    assert result["iam_role"]["arn"] == state["role"]["Arn"]
    assert result["iam_role"]["inline_policies"]["write-flow-logs"]["Statement"][0]["Effect"] == "Allow"

    # Unmanaged settings are not read: a role with no policy options is one GetRole.
    before = iam_calls(emulator)
    result = run({"name": NAME, "assume_role_policy_document": trust()})
    assert not result["changed"] and delta(before, iam_calls(emulator)) == {"GetRole": 1}

    # Update: trust, description, max session, a tag changed and one purged, a managed policy swapped,
    # the inline policy changed and a second one added. Check mode first.
    changed = args(
        description="Flow logs and more",
        max_session_duration=7200,
        assume_role_policy_document=trust("delivery.logs.amazonaws.com"),
        managed_policies=[S3_READ],
        inline_policies={
            "write-flow-logs": policy(["logs:PutLogEvents"]),
            "describe": policy("logs:DescribeLogGroups"),
        },
        tags={"Project": "ecap", "Owner": "network"},
    )
    mutating = emulator.counters()["mutating"]
    result = run(changed, check_mode=True)
    assert result["changed"] and emulator.counters()["mutating"] == mutating, "check mode wrote"
    assert result["diff"]["before"]["managed_policies"] == [CLOUDWATCH]
    assert result["diff"]["after"]["managed_policies"] == [S3_READ]
    assert result["diff"]["after"]["description"] == "Flow logs and more"
    assert read(iam)["role"]["Description"] == "Lets VPC Flow Logs write to its log group"

    result = run(changed)
    assert result["changed"]
    state = read(iam)
    assert state["role"]["Description"] == "Flow logs and more" and state["role"]["MaxSessionDuration"] == 7200
    assert state["role"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"] == (
        "delivery.logs.amazonaws.com"
    )
    assert state["tags"] == {"Project": "ecap", "Owner": "network"}
    assert state["managed"] == [S3_READ]
    assert sorted(state["inline"]) == ["describe", "write-flow-logs"]
    assert state["inline"]["write-flow-logs"]["Statement"][0]["Action"] == ["logs:PutLogEvents"]
    assert not run(changed)["changed"]

    # A description alone keeps the max session (UpdateRole is given both).
    assert run({**changed, "description": "Flow logs"})["changed"]
    state = read(iam)
    assert state["role"]["Description"] == "Flow logs" and state["role"]["MaxSessionDuration"] == 7200

    # Purge: an inline policy and a managed policy added by hand go; with the purges off they stay.
    iam.put_role_policy(
        RoleName=NAME,
        PolicyName="by-hand",
        PolicyDocument='{"Version": "2012-10-17", '
        '"Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}',
    )
    iam.attach_role_policy(RoleName=NAME, PolicyArn=CLOUDWATCH)
    kept = {**changed, "description": "Flow logs", "purge_policies": False, "purge_inline_policies": False}
    assert not run(kept)["changed"]
    assert "by-hand" in read(iam)["inline"] and CLOUDWATCH in read(iam)["managed"]
    result = run({**changed, "description": "Flow logs"})
    assert result["changed"]
    state = read(iam)
    assert sorted(state["inline"]) == ["describe", "write-flow-logs"] and state["managed"] == [S3_READ]

    # Delete: check mode, delete (leaving its instance profile, policies detached and deleted), again.
    iam.create_instance_profile(InstanceProfileName=NAME)
    iam.add_role_to_instance_profile(InstanceProfileName=NAME, RoleName=NAME)
    mutating = emulator.counters()["mutating"]
    result = run({"name": NAME, "state": "absent"}, check_mode=True)
    assert result["changed"] and emulator.counters()["mutating"] == mutating
    assert read(iam) is not None
    result = run({"name": NAME, "state": "absent", "delete_instance_profile": True})
    assert result["changed"] and read(iam) is None
    assert NAME not in [p["InstanceProfileName"] for p in iam.list_instance_profiles()["InstanceProfiles"]]
    before, mutating = iam_calls(emulator), emulator.counters()["mutating"]
    assert not run({"name": NAME, "state": "absent"})["changed"]
    assert delta(before, iam_calls(emulator)) == {"GetRole": 1} and emulator.counters()["mutating"] == mutating


def test_delete_keeps_a_shared_instance_profile(run, aws):
    """The role leaves every instance profile; only one named like it is deleted, and only when asked."""
    iam = aws("iam")
    name = "ecap-test-profiled"
    assert run(args(name=name))["changed"]
    for profile in (name, "ecap-test-shared"):
        iam.create_instance_profile(InstanceProfileName=profile)
    iam.add_role_to_instance_profile(InstanceProfileName="ecap-test-shared", RoleName=name)
    assert run({"name": name, "state": "absent"})["changed"]
    assert read(iam, name) is None
    profiles = {p["InstanceProfileName"]: p for p in iam.list_instance_profiles()["InstanceProfiles"]}
    assert profiles["ecap-test-shared"]["Roles"] == [] and name in profiles


def test_without_wait_and_tags_that_are_not_strings(run, aws, emulator):
    """wait: false makes no GetRole after CreateRole; a tag value given as a number is compared as a string."""
    name = "ecap-test-nowait"
    before = dict(emulator.counters()["services"].get("iam", {}))
    result = run(args(name=name, wait=False, tags={"Project": "ecap", "Tier": 4}))
    assert result["changed"] and result["iam_role"]["arn"].endswith(f":role/{name}")
    calls = delta(before, iam_calls(emulator))
    assert calls["GetRole"] == 1 and calls["CreateRole"] == 1, calls  # the one GetRole: the existence check
    assert read(aws("iam"), name)["tags"] == {"Project": "ecap", "Tier": "4"}
    assert not run(args(name=name, tags={"Project": "ecap", "Tier": 4}))["changed"]
    assert run({"name": name, "state": "absent"})["changed"]


def test_interrupted_create_is_finished(run, aws):
    """A run killed after CreateRole left a bare role: the next run adds the tags, policies and description."""
    iam = aws("iam")
    name = "ecap-test-interrupted"
    iam.create_role(RoleName=name, AssumeRolePolicyDocument='{"Version": "2012-10-17", "Statement": []}')
    result = run(args(name=name))
    assert result["changed"]
    state = read(iam, name)
    assert state["managed"] == [CLOUDWATCH] and list(state["inline"]) == ["write-flow-logs"]
    assert state["tags"] == {"Project": "ecap", "Environment": "test"}
    assert state["role"]["AssumeRolePolicyDocument"]["Statement"][0]["Action"] == "sts:AssumeRole"
    assert not run(args(name=name))["changed"]
    assert run({"name": name, "state": "absent"})["changed"]


def test_permissions_boundary(run, aws):
    iam = aws("iam")
    name = "ecap-test-bounded"
    boundary = "arn:aws:iam::aws:policy/PowerUserAccess"
    assert run(args(name=name, boundary=boundary))["changed"]
    assert read(iam, name)["role"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == boundary
    assert not run(args(name=name, boundary=boundary))["changed"]
    assert run(args(name=name, boundary=""))["changed"]
    assert "PermissionsBoundary" not in read(iam, name)["role"] or not read(iam, name)["role"]["PermissionsBoundary"]
    assert not run(args(name=name, boundary=""))["changed"]
    assert run({"name": name, "state": "absent"})["changed"]


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"name": "bad name"}, "role name 'bad name'"),
        ({"name": "x" * 65}, "must be 1-64"),
        ({"path": "no-slashes"}, "role path 'no-slashes'"),
        ({"assume_role_policy_document": None}, "assume_role_policy_document is required"),
        ({"assume_role_policy_document": "{not json"}, "assume_role_policy_document is not JSON"),
        ({"max_session_duration": 60}, "max_session_duration=60"),
        ({"managed_policies": ["AmazonS3ReadOnlyAccess"]}, "is not a managed policy ARN"),
        ({"boundary": "PowerUserAccess"}, "boundary 'PowerUserAccess'"),
        ({"inline_policies": {"ok": {"no": "statement"}}}, "inline_policies[ok] must be a policy document"),
        ({"inline_policies": {"big": policy(["s3:GetObject"] * 1200)}}, "IAM allows 10240 per role"),
    ],
)
def test_bad_input_fails_before_any_call(run, emulator, overrides, message):
    before = emulator.counters()["total"]
    result = run(args(**overrides), failed=True)
    assert message in result["msg"]
    assert emulator.counters()["total"] == before
