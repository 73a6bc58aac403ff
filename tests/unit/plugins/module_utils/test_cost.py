"""The cost estimate: pricing of a sizing, spot and Multi-AZ factors, unknown sizes, the comparison."""

from __future__ import annotations

import pytest
from ansible_collections.ecap.platform.plugins.module_utils.cost import (
    HOURS_PER_MONTH,
    OFFHOURS_SHARE,
    PRICES,
    CostError,
    compare,
    estimate,
    propose,
    render,
)

H = HOURS_PER_MONTH


def lines(doc, service):
    return {line["item"]: line["monthly"] for line in doc["lines"] if line["service"] == service}


def test_rds_multi_az_doubles_instance_and_storage():
    single = estimate({"env": "x", "rds": {"instance_class": "db.m5.large", "multi_az": False, "storage_gb": 100}})
    multi = estimate({"env": "x", "rds": {"instance_class": "db.m5.large", "multi_az": True, "storage_gb": 100}})
    assert lines(single, "RDS") == {
        "PostgreSQL db.m5.large": round(H * 0.178, 2),
        "gp3 storage": round(100 * PRICES["rds_gp3_gb_month"], 2),
    }
    assert lines(multi, "RDS")["PostgreSQL db.m5.large Multi-AZ"] == round(2 * H * 0.178, 2)
    assert multi["total"] - single["total"] == pytest.approx(H * 0.178 + 100 * 0.115, abs=0.02)


def test_spot_nodes_cost_the_spot_share_of_the_average_on_demand_price():
    group = {"name": "w", "instance_types": ["t3.small", "t3.medium"], "capacity_type": "SPOT", "desired": 2}
    doc = estimate({"env": "x", "node_groups": [group]})
    unit = round((0.0208 + 0.0416) / 2 * PRICES["spot_share"], 5)
    assert lines(doc, "EC2")["w nodes t3.small/t3.medium spot"] == round(2 * H * unit, 2)


def test_nat_gateways_per_az_and_total_is_the_sum():
    doc = estimate({"env": "x", "nat_gateways": 3, "nat_gb": 0})
    assert lines(doc, "VPC")["NAT gateways"] == round(3 * H * 0.045, 2)
    assert doc["total"] == pytest.approx(sum(line["monthly"] for line in doc["lines"]), abs=0.01)
    assert doc["by_service"]["VPC"] == lines(doc, "VPC")["NAT gateways"]


def test_interface_endpoints_cost_per_service_and_az():
    none = estimate({"env": "x", "nat_gateways": 0})
    four = estimate({"env": "x", "nat_gateways": 0, "interface_endpoints": 4, "endpoint_azs": 3})
    assert "Interface endpoints (4 x 3 AZs)" not in lines(none, "VPC")
    assert lines(four, "VPC")["Interface endpoints (4 x 3 AZs)"] == round(4 * 3 * H * 0.01, 2)
    assert four["total"] - none["total"] == pytest.approx(4 * 3 * H * 0.01, abs=0.01)


def test_unknown_size_names_the_variable():
    with pytest.raises(CostError, match="rds_instance_class=db.x9.huge has no price"):
        estimate({"env": "x", "rds": {"instance_class": "db.x9.huge"}})


def test_compare_and_render():
    assert compare(120, {"low": 100, "high": 150})["verdict"] == "within"
    assert compare(320.5, {"low": 100, "high": 150}) == {"low": 100, "high": 150, "verdict": "above", "over_by": 170.5}
    text = render(
        estimate({"env": "ecap-dev", "msk": {"brokers": 2, "instance_type": "kafka.t3.small"}}),
        {"low": 100, "high": 150},
    )
    assert text[0].startswith("Monthly estimate for ecap-dev (us-west-2")
    assert any(t.startswith("MSK") and "2 x kafka.t3.small brokers" in t for t in text)
    assert text[-1].startswith("Seed range $100-$150:")


DEV = {
    "env": "ecap-dev",
    "node_groups": [
        {"name": "system", "instance_types": ["t3.medium"], "capacity_type": "ON_DEMAND", "desired": 1},
        {"name": "workload", "instance_types": ["t3.small"], "capacity_type": "SPOT", "desired": 2},
    ],
    "nat_gateways": 1,
    "rds": {"instance_class": "db.t3.micro", "multi_az": False, "storage_gb": 20},
    "msk": {"brokers": 2, "instance_type": "kafka.t3.small", "volume_gb": 100},
    "redis": {"node_type": "cache.t3.micro", "replicas": 0},
}


def test_proposals_are_cumulative_and_each_saves_what_it_says():
    proposal = propose(DEV, "dev", {"low": 100, "high": 150})
    ids = [step["id"] for step in proposal["steps"]]
    # msk_small changes nothing for brokers already that small, so it is not proposed.
    assert ids == ["offhours", "kafka_in_cluster"]
    before = estimate(DEV)["total"]
    for step in proposal["steps"]:
        assert step["saves"] > 0
        assert step["total"] == pytest.approx(before - step["saves"], abs=0.01)
        before = step["total"]
    assert proposal["total"] == before
    assert proposal["meets_range"] is (before <= 150)
    # Off-hours: the nodes (and their root volumes) and the database run OFFHOURS_SHARE of the month.
    off = estimate({**DEV, "node_groups": [{**g, "hours_share": OFFHOURS_SHARE} for g in DEV["node_groups"]]})
    system = lines(off, "EC2")["system nodes t3.medium"]
    assert system == round(H * OFFHOURS_SHARE * 0.0416, 2)


def test_no_proposal_within_the_range_and_prod_gets_no_offhours():
    assert propose(DEV, "dev", {"low": 100, "high": 1000})["steps"] == []
    prod = {**DEV, "rds": {**DEV["rds"], "instance_class": "db.m5.xlarge", "multi_az": True}}
    ids = [step["id"] for step in propose(prod, "prod", {"low": 100, "high": 150})["steps"]]
    assert "offhours" not in ids and "commitments" in ids
    reserved = lines(estimate({"env": "x", "rds": {"instance_class": "db.m5.large", "reserved": True}}), "RDS")
    assert reserved["PostgreSQL db.m5.large reserved"] == round(H * round(0.178 * PRICES["rds_reserved_share"], 5), 2)


def test_render_prints_the_proposals():
    document = estimate(DEV)
    document["proposals"] = propose(DEV, "dev", {"low": 100, "high": 150})
    text = render(document, {"low": 100, "high": 150})
    assert any(t.startswith("  - off-hours") for t in text)
    assert text[-1].startswith("With all of them: $") and "still above the range" in text[-1]
