"""sns_topic end to end on the emulator: main() in process, state read back with boto3, the emulator's
counters showing that check mode and refused input write nothing. The amazon.aws rhythm (check mode,
create, re-run, update, check-mode delete, delete, delete again), plus what the module exists for: the
topic's KMS key, set at creation and changed in place."""

from __future__ import annotations

import functools
import json

import pytest
from ansible_collections.ecap.platform.plugins.modules import sns_topic

NAME = "ecap-test-alarms"


@pytest.fixture
def run(run_module):
    return functools.partial(run_module, sns_topic)


@pytest.fixture(scope="module")
def keys(aws):
    return [aws("kms").create_key()["KeyMetadata"]["Arn"] for _ in range(2)]


def policy(arn: str, services: list[str]) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Publish",
                "Effect": "Allow",
                "Principal": {"Service": services},
                "Action": "sns:Publish",
                "Resource": arn,
            }
        ],
    }


def read(sns):
    arn = next((t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith(f":{NAME}")), None)
    if arn is None:
        return None
    attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    subs = sorted(
        (s["Protocol"], s["Endpoint"]) for s in sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]
    )
    tags = {t["Key"]: t["Value"] for t in sns.list_tags_for_resource(ResourceArn=arn)["Tags"]}
    return {"arn": arn, "attributes": attributes, "subscriptions": subs, "tags": tags}


def test_lifecycle(run, aws, emulator, keys):
    sns = aws("sns")
    arn = f"arn:aws:sns:us-west-2:{aws('sts').get_caller_identity()['Account']}:{NAME}"
    args = {
        "name": NAME,
        "kms_master_key_id": keys[0],
        "policy": policy(arn, ["cloudwatch.amazonaws.com"]),
        "subscriptions": [{"protocol": "email", "endpoint": "oncall@example.com"}],
        "tags": {"Project": "ecap"},
    }

    before = emulator.counters()["mutating"]
    result = run(args, check_mode=True)
    assert result["changed"] is True and result["diff"]["after"]["kms_master_key_id"] == keys[0]
    assert emulator.counters()["mutating"] == before and read(sns) is None

    result = run(args)
    assert result["changed"] is True and result["topic"]["arn"] == arn
    made = read(sns)
    assert made["attributes"]["KmsMasterKeyId"] == keys[0]
    assert json.loads(made["attributes"]["Policy"]) == args["policy"]
    assert made["subscriptions"] == [("email", "oncall@example.com")] and made["tags"] == {"Project": "ecap"}

    before = emulator.counters()["mutating"]
    assert run(args)["changed"] is False
    # An email matches without regard to case; the policy as a policy (order of the principals).
    same = {**args, "subscriptions": [{"protocol": "email", "endpoint": "OnCall@example.com"}]}
    assert run(same)["changed"] is False
    assert emulator.counters()["mutating"] == before

    update = {
        **args,
        "kms_master_key_id": keys[1],
        "policy": policy(arn, ["cloudwatch.amazonaws.com", "events.amazonaws.com"]),
        "subscriptions": [{"protocol": "email", "endpoint": "finops@example.com"}],
        "tags": {"Project": "ecap", "Tier": "observability"},
    }
    result = run(update, check_mode=True)
    assert result["changed"] is True and result["diff"]["before"]["kms_master_key_id"] == keys[0]
    assert emulator.counters()["mutating"] == before
    result = run(update)
    assert result["changed"] is True
    after = read(sns)
    assert after["attributes"]["KmsMasterKeyId"] == keys[1]
    assert after["subscriptions"] == [("email", "finops@example.com")]
    assert after["tags"] == {"Project": "ecap", "Tier": "observability"}
    assert run(update)["changed"] is False

    # Unset options are left alone.
    assert run({"name": NAME})["changed"] is False

    before = emulator.counters()["mutating"]
    assert run({"name": NAME, "state": "absent"}, check_mode=True)["changed"] is True
    assert emulator.counters()["mutating"] == before and read(sns) is not None
    assert run({"name": NAME, "state": "absent"})["changed"] is True
    assert read(sns) is None
    assert run({"name": NAME, "state": "absent"})["changed"] is False


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"name": "bad name"}, "must be 1-256 letters"),
        ({"name": NAME, "subscriptions": [{"protocol": "email", "endpoint": "nobody"}]}, "is not an email address"),
        ({"name": NAME, "policy": "{not json"}, "policy is not JSON"),
    ],
)
def test_refused_before_any_call(run, emulator, args, message):
    before = emulator.counters()["total"]
    result = run(args, failed=True)
    assert message in result["msg"]
    assert emulator.counters()["total"] == before


def test_account_id_reads_the_topic_by_its_arn(run, aws, emulator, keys):
    """With account_id a no-op is three reads: no ListTopics look-up (issue #9)."""
    account = aws("sts").get_caller_identity()["Account"]
    args = {
        "name": "ecap-test-by-arn",
        "account_id": account,
        "kms_master_key_id": keys[0],
        "subscriptions": [{"protocol": "email", "endpoint": "oncall@example.com"}],
        "tags": {"Project": "ecap"},
    }
    result = run(args)
    assert result["changed"] is True and result["topic"]["arn"] == f"arn:aws:sns:us-west-2:{account}:ecap-test-by-arn"
    emulator.reset_counters()
    assert run(args)["changed"] is False
    assert emulator.counters()["services"] == {
        "sns": {"GetTopicAttributes": 1, "ListTagsForResource": 1, "ListSubscriptionsByTopic": 1}
    }
    # Another account's ARN is not this topic: it would be created (check mode: nothing written).
    result = run({**args, "account_id": "210987654321"}, check_mode=True)
    assert result["changed"] is True
    assert run({"name": "ecap-test-by-arn", "account_id": account, "state": "absent"})["changed"] is True
    assert run({"name": "ecap-test-by-arn", "account_id": account, "state": "absent"})["changed"] is False
    result = run({"name": "ecap-test-by-arn", "account_id": "12345"}, failed=True)
    assert "must be the 12 digits" in result["msg"]
