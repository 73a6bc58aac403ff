"""cloudtrail_event_selectors end to end on the emulator: main() in process, the selectors read back with boto3, the
emulator's counters showing that check mode and refused input write nothing."""

from __future__ import annotations

import functools

import pytest
from ansible_collections.ecap.platform.plugins.modules import cloudtrail_event_selectors

TRAIL = "ecap-test-trail"
MANAGEMENT = {"name": "Management events", "field_selectors": [{"field": "eventCategory", "equals": ["Management"]}]}


def data_events(*buckets: str) -> dict:
    return {
        "name": "Data lake objects",
        "field_selectors": [
            {"field": "resources.ARN", "starts_with": [f"arn:aws:s3:::{b}/" for b in buckets]},
            {"field": "eventCategory", "equals": ["Data"]},
            {"field": "resources.type", "equals": ["AWS::S3::Object"]},
        ],
    }


@pytest.fixture
def run(run_module):
    return functools.partial(run_module, cloudtrail_event_selectors)


@pytest.fixture(scope="module")
def trail(aws):
    aws("s3").create_bucket(
        Bucket="ecap-test-trail-logs", CreateBucketConfiguration={"LocationConstraint": "us-west-2"}
    )
    aws("cloudtrail").create_trail(Name=TRAIL, S3BucketName="ecap-test-trail-logs")
    return TRAIL


def read(cloudtrail):
    return cloudtrail.get_event_selectors(TrailName=TRAIL)


def test_lifecycle(run, aws, emulator, trail):
    cloudtrail = aws("cloudtrail")
    args = {"trail_name": trail, "advanced_event_selectors": [MANAGEMENT, data_events("ecap-test-datalake")]}

    before = emulator.counters()["mutating"]
    result = run(args, check_mode=True)
    assert result["changed"] is True and len(result["diff"]["after"]["advanced_event_selectors"]) == 2
    assert emulator.counters()["mutating"] == before and not read(cloudtrail).get("AdvancedEventSelectors")

    assert run(args)["changed"] is True
    made = read(cloudtrail)
    assert not made.get("EventSelectors")
    data = next(s for s in made["AdvancedEventSelectors"] if s["Name"] == "Data lake objects")
    fields = {f["Field"]: f for f in data["FieldSelectors"]}
    assert fields["resources.ARN"]["StartsWith"] == ["arn:aws:s3:::ecap-test-datalake/"]
    assert fields["eventCategory"]["Equals"] == ["Data"]

    # The order of the field selectors does not matter.
    before = emulator.counters()["mutating"]
    reordered = {**args, "advanced_event_selectors": [MANAGEMENT, {**data_events("ecap-test-datalake")}]}
    reordered["advanced_event_selectors"][1]["field_selectors"].reverse()
    assert run(reordered)["changed"] is False
    assert emulator.counters()["mutating"] == before

    update = {**args, "advanced_event_selectors": [MANAGEMENT, data_events("ecap-test-datalake", "ecap-test-logs")]}
    result = run(update, check_mode=True)
    assert result["changed"] is True and emulator.counters()["mutating"] == before
    assert run(update)["changed"] is True
    data = next(s for s in read(cloudtrail)["AdvancedEventSelectors"] if s["Name"] == "Data lake objects")
    assert {f["Field"]: f for f in data["FieldSelectors"]}["resources.ARN"]["StartsWith"] == [
        "arn:aws:s3:::ecap-test-datalake/",
        "arn:aws:s3:::ecap-test-logs/",
    ]
    assert run(update)["changed"] is False

    absent = {"trail_name": trail, "state": "absent"}
    before = emulator.counters()["mutating"]
    assert run(absent, check_mode=True)["changed"] is True
    assert emulator.counters()["mutating"] == before
    assert run(absent)["changed"] is True
    back = read(cloudtrail)
    assert not back.get("AdvancedEventSelectors")
    assert back["EventSelectors"][0]["IncludeManagementEvents"] is True
    assert run(absent)["changed"] is False


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"trail_name": TRAIL}, "needs at least one selector"),
        (
            {"trail_name": TRAIL, "advanced_event_selectors": [{"field_selectors": [{"field": "readOnly"}]}]},
            "needs a field selector on eventCategory",
        ),
        (
            {"trail_name": TRAIL, "advanced_event_selectors": [{"field_selectors": [{"field": "eventCategory"}]}]},
            "has no condition",
        ),
    ],
)
def test_refused_before_any_call(run, emulator, args, message):
    before = emulator.counters()["total"]
    result = run(args, failed=True)
    assert message in result["msg"]
    assert emulator.counters()["total"] == before
