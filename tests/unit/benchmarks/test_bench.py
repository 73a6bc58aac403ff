"""The no-op ratios of benchmarks/bench.py: signing names mapped to ARN services, the resource-weighted median."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[3] / "benchmarks" / "bench.py"
spec = importlib.util.spec_from_file_location("bench", BENCH)
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


def test_cloudwatch_alarm_calls_count_against_the_alarms():
    # The emulator counts CloudWatch under its signing name; the alarms' ARNs say cloudwatch.
    counters = {"monitoring": {"DescribeAlarms": 38, "GetDashboard": 1}, "s3": {"HeadBucket": 3}, "sts": {"X": 9}}
    calls = bench.calls_by_arn_service(counters)
    assert calls == {"cloudwatch": 39, "s3": 3, "sts": 9}
    ratios = bench.per_resource_ratios(calls, {"cloudwatch": 19, "s3": 3})
    # sts has calls but no tagged resource: no ratio.
    assert ratios == pytest.approx({"cloudwatch": 39 / 19, "s3": 1.0})


def test_the_weighted_median_gives_each_resource_its_service_ratio():
    ratios = {"ec2": 2.0, "kafka": 18.0, "s3": 10.0}
    per_service = {"ec2": 26, "kafka": 1, "s3": 3, "cloudwatch": 19}
    # Over services the median is s3's 10; over the 30 resources it is ec2's 2 (cloudwatch has no calls: no ratio).
    assert bench.weighted_median(ratios, per_service) == 2.0
    assert bench.weighted_median({}, {}) == 0.0
