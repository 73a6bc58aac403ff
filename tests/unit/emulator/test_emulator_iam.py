"""The emulator's IAM managed-policy fixes (what ecap.platform.iam_managed_policy relies on): a policy name is
unique in the account whatever its path or case, and DeletePolicy is refused while the policy is attached or
has other versions, as IAM does.

Each check runs against the emulator (must pass) and plain moto 5.2.5 (strict xfail: it fails there,
showing the gap the extension fills).
"""

from __future__ import annotations

import itertools
import json

import pytest
from botocore.exceptions import ClientError

_names = itertools.count(1)
DOCUMENT = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}
)
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
)


def _name(prefix: str) -> str:
    return f"{prefix}-{next(_names)}"


def _code(error: pytest.ExceptionInfo) -> str:
    return error.value.response["Error"]["Code"]


def test_policy_names_are_unique_in_the_account_whatever_the_path_or_case(client):
    iam = client("iam")
    name = _name("ecap-policy")
    iam.create_policy(PolicyName=name, Path="/ecap/", PolicyDocument=DOCUMENT)
    for other in ({"PolicyName": name}, {"PolicyName": name.upper(), "Path": "/ecap/"}):
        with pytest.raises(ClientError) as error:
            iam.create_policy(PolicyDocument=DOCUMENT, **other)
        assert _code(error) == "EntityAlreadyExists"
    # An AWS managed policy's name is not the account's: a customer policy may have it.
    iam.create_policy(PolicyName="ReadOnlyAccess", PolicyDocument=DOCUMENT)


def test_delete_policy_is_refused_while_attached_or_versioned(client):
    iam = client("iam")
    role = _name("ecap-role")
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST)
    arn = iam.create_policy(PolicyName=_name("ecap-policy"), PolicyDocument=DOCUMENT)["Policy"]["Arn"]
    iam.attach_role_policy(RoleName=role, PolicyArn=arn)
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=DOCUMENT, SetAsDefault=True)
    with pytest.raises(ClientError) as error:
        iam.delete_policy(PolicyArn=arn)
    assert _code(error) == "DeleteConflict"
    iam.detach_role_policy(RoleName=role, PolicyArn=arn)
    with pytest.raises(ClientError) as error:
        iam.delete_policy(PolicyArn=arn)
    assert _code(error) == "DeleteConflict"
    iam.delete_policy_version(PolicyArn=arn, VersionId="v1")
    iam.delete_policy(PolicyArn=arn)
    with pytest.raises(ClientError) as error:
        iam.get_policy(PolicyArn=arn)
    assert _code(error) == "NoSuchEntity"
