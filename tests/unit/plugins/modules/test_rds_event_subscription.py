"""rds_event_subscription and ec2_ebs_encryption_by_default end to end on the emulator: main() in process, state
read back with boto3, the emulator's counters showing that check mode and refused input write nothing. The
amazon.aws rhythm: check mode, create, re-run, update, check-mode delete, delete, delete again."""

from __future__ import annotations

import functools

import pytest
from ansible_collections.ecap.platform.plugins.module_utils.tagged_resources import list_resources
from ansible_collections.ecap.platform.plugins.modules import ec2_ebs_encryption_by_default, rds_event_subscription

NAME = "ecap-test-rds-instance-events"


@pytest.fixture
def run(run_module):
    return functools.partial(run_module, rds_event_subscription)


@pytest.fixture(scope="module")
def topics(aws):
    sns = aws("sns")
    return [sns.create_topic(Name=f"ecap-test-alarms-{i}")["TopicArn"] for i in range(2)]


def read(rds):
    found = rds.describe_event_subscriptions()["EventSubscriptionsList"]
    mine = [s for s in found if s["CustSubscriptionId"] == NAME]
    if not mine:
        return None
    tags = rds.list_tags_for_resource(ResourceName=mine[0]["EventSubscriptionArn"])["TagList"]
    return {**mine[0], "Tags": {t["Key"]: t["Value"] for t in tags}}


def test_lifecycle(run, aws, emulator, topics):
    rds = aws("rds")
    args = {
        "name": NAME,
        "sns_topic_arn": topics[0],
        "source_type": "db-instance",
        "source_ids": ["ecap-test-postgres"],
        "event_categories": ["failure", "maintenance", "configuration change"],
        "tags": {"Project": "ecap-test"},
    }

    before = emulator.counters()["mutating"]
    result = run(args, check_mode=True)
    assert result["changed"] is True and result["diff"]["after"]["enabled"] is True
    assert emulator.counters()["mutating"] == before and read(rds) is None

    result = run(args)
    assert result["changed"] is True and result["subscription"]["arn"].endswith(f":es:{NAME}")
    made = read(rds)
    assert made["SnsTopicArn"] == topics[0] and made["SourceType"] == "db-instance" and made["Enabled"] is True
    assert sorted(made["EventCategoriesList"]) == ["configuration change", "failure", "maintenance"]
    assert made["SourceIdsList"] == ["ecap-test-postgres"] and made["Tags"] == {"Project": "ecap-test"}

    before = emulator.counters()["mutating"]
    # Categories compare as a set; unset options are left alone.
    same = {**args, "event_categories": ["maintenance", "failure", "configuration change", "failure"]}
    assert run(same)["changed"] is False
    assert run({"name": NAME, "sns_topic_arn": topics[0]})["changed"] is False
    assert emulator.counters()["mutating"] == before

    # The leak report sees the subscription by its tags.
    found = list_resources(aws, {"Project": "ecap-test"}, "us-west-2", ["rds"])
    assert [(r["type"], r["id"]) for r in found] == [("es", NAME)]

    update = {
        **args,
        "sns_topic_arn": topics[1],
        "source_ids": ["ecap-test-replica"],
        "event_categories": ["failure"],
        "enabled": False,
        "tags": {"Project": "ecap-test", "Tier": "observability"},
    }
    result = run(update, check_mode=True)
    assert result["changed"] is True and result["diff"]["before"]["sns_topic_arn"] == topics[0]
    assert result["diff"]["after"]["source_ids"] == ["ecap-test-replica"]
    assert emulator.counters()["mutating"] == before
    assert run(update)["changed"] is True
    after = read(rds)
    assert after["SnsTopicArn"] == topics[1] and after["Enabled"] is False
    assert after["EventCategoriesList"] == ["failure"] and after["SourceIdsList"] == ["ecap-test-replica"]
    assert after["Tags"] == {"Project": "ecap-test", "Tier": "observability"}
    assert run(update)["changed"] is False

    # A new source type drops the old type's identifiers.
    retyped = {"name": NAME, "sns_topic_arn": topics[1], "source_type": "db-parameter-group", "source_ids": []}
    assert run(retyped)["changed"] is True
    assert read(rds)["SourceType"] == "db-parameter-group" and read(rds)["SourceIdsList"] == []
    assert run(retyped)["changed"] is False

    before = emulator.counters()["mutating"]
    assert run({"name": NAME, "state": "absent"}, check_mode=True)["changed"] is True
    assert emulator.counters()["mutating"] == before and read(rds) is not None
    assert run({"name": NAME, "state": "absent"})["changed"] is True
    assert read(rds) is None
    assert run({"name": NAME, "state": "absent"})["changed"] is False


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"name": "1-bad", "sns_topic_arn": "arn:aws:sns:us-west-2:123456789012:t"}, "must be 1-255 letters"),
        ({"name": "bad--name", "state": "absent"}, "must be 1-255 letters"),
        ({"name": NAME}, "sns_topic_arn is required"),
        ({"name": NAME, "sns_topic_arn": "arn:aws:sqs:us-west-2:123456789012:q"}, "is not an SNS topic ARN"),
        (
            {"name": NAME, "sns_topic_arn": "arn:aws:sns:us-west-2:123456789012:t", "source_ids": ["db"]},
            "source_ids need a source_type",
        ),
        (
            {"name": NAME, "sns_topic_arn": "arn:aws:sns:us-west-2:123456789012:t", "event_categories": ["Failure!"]},
            "is not a category name",
        ),
    ],
)
def test_refused_before_any_call(run, emulator, args, message):
    before = emulator.counters()["total"]
    result = run(args, failed=True)
    assert message in result["msg"]
    assert emulator.counters()["total"] == before


def test_ebs_encryption_by_default(run_module, aws, emulator):
    run = functools.partial(run_module, ec2_ebs_encryption_by_default)
    ec2 = aws("ec2")
    assert ec2.get_ebs_encryption_by_default()["EbsEncryptionByDefault"] is False

    before = emulator.counters()["mutating"]
    result = run({}, check_mode=True)
    assert result["changed"] is True and result["diff"]["after"] == {"ebs_encryption_by_default": True}
    assert emulator.counters()["mutating"] == before
    assert ec2.get_ebs_encryption_by_default()["EbsEncryptionByDefault"] is False

    assert run({})["changed"] is True
    assert ec2.get_ebs_encryption_by_default()["EbsEncryptionByDefault"] is True
    before = emulator.counters()["mutating"]
    result = run({})
    assert result["changed"] is False and result["ebs_encryption_by_default"] is True
    assert emulator.counters()["mutating"] == before

    assert run({"state": "absent"}, check_mode=True)["changed"] is True
    assert ec2.get_ebs_encryption_by_default()["EbsEncryptionByDefault"] is True
    assert run({"state": "absent"})["changed"] is True
    assert ec2.get_ebs_encryption_by_default()["EbsEncryptionByDefault"] is False
    assert run({"state": "absent"})["changed"] is False
