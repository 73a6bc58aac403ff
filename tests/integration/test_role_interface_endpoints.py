"""Interface VPC endpoints of the network tier (network_interface_endpoints), in the security_groups tier's
`endpoints` group (site.yml --tags network,security_groups), in the amazon.aws rhythm: check mode on the deployed
network -> create -> re-run changes nothing -> a service dropped from the list is deleted -> absent (the endpoints
before their group) -> absent again. Everything is read back through boto3."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration

TAGS = "network,security_groups"
EXTRA = {"network_flow_logs": False}
SERVICES = ["ecr.api", "sts", "logs"]


def run(runner, services=SERVICES, check=False, **extra):
    return runner.run(
        "site.yml", "--tags", TAGS, extra={**EXTRA, "network_interface_endpoints": services, **extra}, check=check
    )


def changed_tasks(result):
    return sorted({name.split(" : ")[-1] for name in result.changed_tasks()})


def vpc_id(aws):
    vpcs = aws("ec2").describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["ecap-local-vpc"]}])["Vpcs"]
    return vpcs[0]["VpcId"] if vpcs else None


def endpoints(aws, vpc):
    found = aws("ec2").describe_vpc_endpoints(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc]},
            {"Name": "vpc-endpoint-type", "Values": ["Interface"]},
            {"Name": "vpc-endpoint-state", "Values": ["pending", "available"]},
        ]
    )["VpcEndpoints"]
    return {e["ServiceName"].removeprefix("com.amazonaws.us-west-2."): e for e in found}


def group(aws, vpc, name="ecap-local-endpoints-sg"):
    found = aws("ec2").describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "group-name", "Values": [name]}]
    )["SecurityGroups"]
    return found[0] if found else None


def test_the_network_without_endpoints_has_no_endpoints_group(runner, aws):
    result = run(runner, services=[])
    assert result.rc == 0, result.failure_text()
    vpc = vpc_id(aws)
    assert endpoints(aws, vpc) == {} and group(aws, vpc) is None


def test_check_mode_plans_the_endpoints_and_makes_nothing(runner, emulator, aws):
    before = emulator.counters()["mutating"]
    result = run(runner, check=True)
    assert result.rc == 0, result.failure_text()
    assert "Create the interface endpoints in the private subnets" in changed_tasks(result)
    assert emulator.counters()["mutating"] == before, "check mode made a mutating call"
    assert endpoints(aws, vpc_id(aws)) == {}


def test_create(runner, aws):
    result = run(runner)
    assert result.rc == 0, result.failure_text()
    vpc = vpc_id(aws)
    made = endpoints(aws, vpc)
    assert set(made) == set(SERVICES)
    sg = group(aws, vpc)
    assert sg is not None and sg["IpPermissionsEgress"] == []
    [rule] = sg["IpPermissions"]
    assert (rule["FromPort"], rule["ToPort"]) == (443, 443)
    nodes = group(aws, vpc, "ecap-local-eks-nodes-sg")["GroupId"]
    assert [p["GroupId"] for p in rule["UserIdGroupPairs"]] == [nodes]
    private = {
        s["SubnetId"]
        for s in aws("ec2").describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
        if "-private-" in next(t["Value"] for t in s["Tags"] if t["Key"] == "Name")
    }
    for short, endpoint in made.items():
        assert set(endpoint["SubnetIds"]) == private and len(private) == 3
        assert [g["GroupId"] for g in endpoint["Groups"]] == [sg["GroupId"]]
        tags = {t["Key"]: t["Value"] for t in endpoint["Tags"]}
        assert tags["Name"] == f"ecap-local-{short}-endpoint" and tags["Project"] == "ecap"
    interfaces = aws("ec2").describe_network_interfaces(Filters=[{"Name": "group-id", "Values": [sg["GroupId"]]}])
    assert len(interfaces["NetworkInterfaces"]) == 3 * len(SERVICES)  # the group is in use (prowler EC2.22)


def test_rerun_changes_nothing(runner, emulator):
    emulator.reset_counters()
    result = run(runner)
    assert result.rc == 0, result.failure_text()
    assert changed_tasks(result) == []
    assert emulator.counters()["mutating"] == 0


def test_a_service_dropped_from_the_list_is_deleted(runner, aws):
    result = run(runner, services=SERVICES[:2])
    assert result.rc == 0, result.failure_text()
    assert changed_tasks(result) == ["Delete the interface endpoints that are not listed"]
    assert set(endpoints(aws, vpc_id(aws))) == set(SERVICES[:2])


def test_absent_removes_the_endpoints_before_their_group(runner, emulator, aws):
    vpc = vpc_id(aws)
    result = run(runner, services=SERVICES[:2], ecap_state="absent")
    assert result.rc == 0, result.failure_text()
    assert vpc_id(aws) is None
    assert aws("ec2").describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["SecurityGroups"] == []
    leftovers = [r for r in emulator.resources("Project=ecap") if r["service"] == "ec2"]
    assert leftovers == []


def test_absent_again_changes_nothing(runner):
    result = run(runner, services=SERVICES[:2], ecap_state="absent")
    assert result.rc == 0, result.failure_text()
    assert changed_tasks(result) == []
