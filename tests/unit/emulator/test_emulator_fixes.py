"""Each moto 5.2.5 bug the emulator fixes, checked as a client (boto3 or the amazon.aws module) sees it.

Every check runs twice: against the emulator, where it must pass, and against plain moto 5.2.5
(``serve --no-extensions``), where it is a strict xfail: it must fail there. So each test shows the
bug it guards against, and a moto upgrade that fixes a bug turns its test red (XPASS) as a reminder
to drop the extension.
"""

from __future__ import annotations

import itertools
import json

import pytest
from botocore.exceptions import ClientError

NO_RETRY = {"retries": {"total_max_attempts": 1}}
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)
_cidrs = itertools.count(1)


@pytest.fixture
def network(client):
    """A fresh VPC with a subnet and an Elastic IP."""
    ec2 = client("ec2")
    n = next(_cidrs)
    vpc = ec2.create_vpc(CidrBlock=f"10.{n}.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{n}.1.0/24")["Subnet"]["SubnetId"]
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    return {"ec2": ec2, "vpc": vpc, "subnet": subnet, "allocation": allocation}


def _tags(ec2, resource_id: str, resource_type: str) -> dict[str, str]:
    filters = [{"Name": "resource-id", "Values": [resource_id]}, {"Name": "resource-type", "Values": [resource_type]}]
    return {t["Key"]: t["Value"] for t in ec2.describe_tags(Filters=filters)["Tags"]}


# --- EC2: tags of EIPs, NAT gateways, flow logs -------------------------------------------------


def test_describe_tags_uses_aws_resource_types(network, client) -> None:
    """DescribeTags: moto reports vpc-elastic-ip / nat-gateway / flow-logs and filters on those names."""
    ec2 = network["ec2"]
    ec2.create_tags(Resources=[network["allocation"]], Tags=[{"Key": "Name", "Value": "eip"}])
    nat = ec2.create_nat_gateway(
        SubnetId=network["subnet"],
        AllocationId=network["allocation"],
        TagSpecifications=[{"ResourceType": "natgateway", "Tags": [{"Key": "Name", "Value": "nat"}]}],
    )
    nat_id = nat["NatGateway"]["NatGatewayId"]
    assert _tags(ec2, network["allocation"], "elastic-ip") == {"Name": "eip"}
    assert _tags(ec2, nat_id, "natgateway") == {"Name": "nat"}
    listed = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [network["allocation"], nat_id]}])["Tags"]
    assert {t["ResourceType"] for t in listed} == {"elastic-ip", "natgateway"}


def test_ensure_ec2_tags_converges_on_eip_and_nat(network) -> None:
    """amazon.aws ensure_ec2_tags (used by ec2_eip and ec2_vpc_nat_gateway) changes once, then never."""
    from ansible_collections.amazon.aws.plugins.module_utils.ec2 import ensure_ec2_tags

    class Module:
        check_mode = False

        def fail_json_aws(self, exc, msg):
            raise AssertionError(f"{msg}: {exc}")

    ec2 = network["ec2"]
    nat_id = ec2.create_nat_gateway(SubnetId=network["subnet"], AllocationId=network["allocation"])["NatGateway"][
        "NatGatewayId"
    ]
    for resource_id, resource_type in ((network["allocation"], "elastic-ip"), (nat_id, "natgateway")):
        wanted = {"Project": "ecap", "Name": resource_type}
        assert ensure_ec2_tags(ec2, Module(), resource_id, resource_type, wanted, purge_tags=True)
        assert not ensure_ec2_tags(ec2, Module(), resource_id, resource_type, wanted, purge_tags=True)
        assert ensure_ec2_tags(ec2, Module(), resource_id, resource_type, {"Project": "ecap"}, purge_tags=True)
        assert _tags(ec2, resource_id, resource_type) == {"Project": "ecap"}, "purge_tags removed Name"


def test_ec2_eip_and_nat_gateway_modules_are_idempotent(network, target, ansible_module) -> None:
    from ansible_collections.amazon.aws.plugins.modules import ec2_eip, ec2_vpc_nat_gateway

    common = {"endpoint_url": target.endpoint, "aws_config": NO_RETRY}
    tags = {"Project": "ecap", "Name": "ecap-test-nat-a"}
    eip = ansible_module(ec2_eip, {**common, "in_vpc": True, "tags": tags, "purge_tags": True})
    assert eip["changed"]
    again = ansible_module(ec2_eip, {**common, "in_vpc": True, "public_ip": eip["public_ip"], "tags": tags})
    assert not again["changed"], "ec2_eip re-tagged an EIP that already had its tags"
    nat_args = {
        **common,
        "subnet_id": network["subnet"],
        "allocation_id": eip["allocation_id"],
        "if_exist_do_not_create": True,
        "tags": tags,
        "purge_tags": True,
        "wait": False,
    }
    nat = ansible_module(ec2_vpc_nat_gateway, nat_args)
    assert nat["changed"] and nat["tags"] == tags
    nat_again = ansible_module(ec2_vpc_nat_gateway, nat_args)
    assert not nat_again["changed"], "ec2_vpc_nat_gateway re-tagged a NAT gateway that already had its tags"
    assert nat_again["nat_gateway_id"] == nat["nat_gateway_id"]


def test_describe_nat_gateways_tag_filters(network) -> None:
    ec2 = network["ec2"]
    nat_id = ec2.create_nat_gateway(
        SubnetId=network["subnet"],
        AllocationId=network["allocation"],
        TagSpecifications=[{"ResourceType": "natgateway", "Tags": [{"Key": "Role", "Value": "egress-a"}]}],
    )["NatGateway"]["NatGatewayId"]

    def found(name: str, values: list[str]) -> list[str]:
        nats = ec2.describe_nat_gateways(Filter=[{"Name": name, "Values": values}])["NatGateways"]
        return [n["NatGatewayId"] for n in nats]

    assert found("tag:Role", ["egress-a"]) == [nat_id]
    assert found("tag:Role", ["egress-b"]) == []
    assert nat_id in found("tag-key", ["Role"])
    assert found("tag-key", ["NoSuchKey"]) == []


def test_create_nat_gateway_client_token(network) -> None:
    """CreateNatGateway: the same ClientToken returns the same gateway; different parameters are refused."""
    ec2 = network["ec2"]
    args = {
        "SubnetId": network["subnet"],
        "AllocationId": network["allocation"],
        "ClientToken": f"tok-{network['vpc']}",
    }
    first = ec2.create_nat_gateway(**args)
    second = ec2.create_nat_gateway(**args)
    assert second["NatGateway"]["NatGatewayId"] == first["NatGateway"]["NatGatewayId"]
    assert second["ClientToken"] == args["ClientToken"]
    assert second["NatGateway"]["CreateTime"] == first["NatGateway"]["CreateTime"]
    with pytest.raises(ClientError, match="IdempotentParameterMismatch"):
        ec2.create_nat_gateway(**{**args, "ConnectivityType": "private"})


def test_nat_gateway_create_response_is_pending(network) -> None:
    """CreateNatGateway answers ``pending`` as AWS does (moto: ``available``)."""
    ec2 = network["ec2"]
    nat = ec2.create_nat_gateway(SubnetId=network["subnet"], AllocationId=network["allocation"])["NatGateway"]
    assert nat["State"] == "pending"
    assert nat["ConnectivityType"] == "public"


def test_deleted_nat_gateway_frees_its_elastic_ip(network) -> None:
    """DeleteNatGateway: once ``deleted``, the EIP is disassociated and can serve a new gateway."""
    ec2 = network["ec2"]
    nat = ec2.create_nat_gateway(SubnetId=network["subnet"], AllocationId=network["allocation"])["NatGateway"]
    eni = nat["NatGatewayAddresses"][0]["NetworkInterfaceId"]
    ec2.delete_nat_gateway(NatGatewayId=nat["NatGatewayId"])
    address = ec2.describe_addresses(AllocationIds=[network["allocation"]])["Addresses"][0]
    assert "AssociationId" not in address
    gone = ec2.describe_nat_gateways(NatGatewayIds=[nat["NatGatewayId"]])["NatGateways"][0]
    assert gone["State"] == "deleted" and "DeleteTime" in gone
    eni_ids = [e["NetworkInterfaceId"] for e in ec2.describe_network_interfaces()["NetworkInterfaces"]]
    assert eni not in eni_ids
    again = ec2.create_nat_gateway(SubnetId=network["subnet"], AllocationId=network["allocation"])["NatGateway"]
    assert again["NatGatewayAddresses"][0]["AllocationId"] == network["allocation"]


def test_delete_unknown_nat_gateway(client) -> None:
    """DeleteNatGateway on an unknown id: NatGatewayNotFound (moto: HTTP 500)."""
    with pytest.raises(ClientError) as caught:
        client("ec2").delete_nat_gateway(NatGatewayId="nat-0123456789abcdef0")
    assert caught.value.response["Error"]["Code"] == "NatGatewayNotFound"


def test_create_flow_logs_client_token(network, client) -> None:
    """CreateFlowLogs: the same ClientToken returns the same flow log (moto: FlowLogAlreadyExists)."""
    ec2, logs, iam = network["ec2"], client("logs"), client("iam")
    group = f"/flow/{network['vpc']}"
    logs.create_log_group(logGroupName=group)
    role = iam.create_role(RoleName=f"flow-{network['vpc']}", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    args = {
        "ResourceIds": [network["vpc"]],
        "ResourceType": "VPC",
        "TrafficType": "ALL",
        "LogDestinationType": "cloud-watch-logs",
        "LogGroupName": group,
        "DeliverLogsPermissionArn": role,
        "ClientToken": f"fl-{network['vpc']}",
        "TagSpecifications": [{"ResourceType": "vpc-flow-log", "Tags": [{"Key": "Name", "Value": "fl"}]}],
    }
    first = ec2.create_flow_logs(**args)
    second = ec2.create_flow_logs(**args)
    assert second["FlowLogIds"] == first["FlowLogIds"] and len(first["FlowLogIds"]) == 1
    assert second["ClientToken"] == args["ClientToken"]
    assert _tags(ec2, first["FlowLogIds"][0], "vpc-flow-log") == {"Name": "fl"}


def _endpoint_routes(ec2, route_table_id: str) -> list[str]:
    routes = ec2.describe_route_tables(RouteTableIds=[route_table_id])["RouteTables"][0]["Routes"]
    return [r["GatewayId"] for r in routes if r.get("DestinationPrefixListId")]


def test_update_security_group_rule_descriptions_returns_true(network) -> None:
    """amazon.aws reads ``Return`` from these calls; moto answered an empty body (KeyError 'Return')."""
    ec2 = network["ec2"]
    group = ec2.create_security_group(GroupName=f"desc-{network['vpc']}", Description="d", VpcId=network["vpc"])
    perm = {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}
    ec2.authorize_security_group_ingress(GroupId=group["GroupId"], IpPermissions=[perm])
    described = {**perm, "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "now described"}]}
    ingress = ec2.update_security_group_rule_descriptions_ingress(GroupId=group["GroupId"], IpPermissions=[described])
    assert ingress["Return"] is True
    egress_perm = {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "all out"}]}
    egress = ec2.update_security_group_rule_descriptions_egress(GroupId=group["GroupId"], IpPermissions=[egress_perm])
    assert egress["Return"] is True
    rules = ec2.describe_security_groups(GroupIds=[group["GroupId"]])["SecurityGroups"][0]["IpPermissions"]
    assert rules[0]["IpRanges"][0]["Description"] == "now described"


def test_modify_vpc_endpoint_moves_its_routes(network) -> None:
    """ModifyVpcEndpoint: route tables added/removed get/lose the endpoint's prefix-list route."""
    ec2 = network["ec2"]
    rt1, rt2 = (ec2.create_route_table(VpcId=network["vpc"])["RouteTable"]["RouteTableId"] for _ in range(2))
    endpoint = ec2.create_vpc_endpoint(
        VpcId=network["vpc"], ServiceName="com.amazonaws.us-west-2.s3", VpcEndpointType="Gateway", RouteTableIds=[rt1]
    )["VpcEndpoint"]["VpcEndpointId"]
    assert _endpoint_routes(ec2, rt1) == [endpoint]
    ec2.modify_vpc_endpoint(VpcEndpointId=endpoint, AddRouteTableIds=[rt2], RemoveRouteTableIds=[rt1])
    assert _endpoint_routes(ec2, rt1) == []
    assert _endpoint_routes(ec2, rt2) == [endpoint]
    assert ec2.delete_vpc_endpoints(VpcEndpointIds=[endpoint])["Unsuccessful"] == []
    assert _endpoint_routes(ec2, rt2) == []


def test_vpc_endpoint_module_absent_is_idempotent(network, target, ansible_module) -> None:
    """DeleteVpcEndpoints on a deleted endpoint: InvalidVpcEndpoint.NotFound in Unsuccessful (moto: a 400 error)."""
    from ansible_collections.amazon.aws.plugins.modules import ec2_vpc_endpoint

    ec2 = network["ec2"]
    rt = ec2.create_route_table(VpcId=network["vpc"])["RouteTable"]["RouteTableId"]
    endpoint = ec2.create_vpc_endpoint(
        VpcId=network["vpc"], ServiceName="com.amazonaws.us-west-2.s3", VpcEndpointType="Gateway", RouteTableIds=[rt]
    )["VpcEndpoint"]["VpcEndpointId"]
    args = {"endpoint_url": target.endpoint, "aws_config": NO_RETRY, "state": "absent", "vpc_endpoint_id": endpoint}
    assert ansible_module(ec2_vpc_endpoint, args)["changed"]
    assert not ansible_module(ec2_vpc_endpoint, args)["changed"]
    assert _endpoint_routes(ec2, rt) == []


# --- NAT gateway lifecycle (the emulator only: timed) --------------------------------------------

DURATION = 1.0


@pytest.fixture
def nat_network(aws):
    ec2 = aws("ec2")
    n = next(_cidrs)
    vpc = ec2.create_vpc(CidrBlock=f"10.{n}.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{n}.1.0/24")["Subnet"]["SubnetId"]
    return ec2, subnet, ec2.allocate_address(Domain="vpc")["AllocationId"]


def _state(ec2, nat_id: str) -> str:
    return ec2.describe_nat_gateways(NatGatewayIds=[nat_id])["NatGateways"][0]["State"]


def _associated(ec2, allocation: str) -> bool:
    return "AssociationId" in ec2.describe_addresses(AllocationIds=[allocation])["Addresses"][0]


@pytest.fixture
def short_nat_lifecycle(emulator):
    """NAT gateways pending and deleting for one second each (``/_emulator/config``)."""
    emulator.set_config(durations={"nat_gateway": DURATION})
    yield
    emulator.set_config(profile="instant", durations={})


def test_nat_gateway_goes_through_its_states(emulator, nat_network, short_nat_lifecycle) -> None:
    ec2, subnet, allocation = nat_network
    nat_id = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=allocation)["NatGateway"]["NatGatewayId"]
    assert _state(ec2, nat_id) == "pending"
    pending = ec2.describe_nat_gateways(Filter=[{"Name": "state", "Values": ["pending"]}])["NatGateways"]
    assert nat_id in [n["NatGatewayId"] for n in pending]
    ec2.get_waiter("nat_gateway_available").wait(
        NatGatewayIds=[nat_id], WaiterConfig={"Delay": 0.25, "MaxAttempts": 20}
    )
    assert _state(ec2, nat_id) == "available"

    ec2.delete_nat_gateway(NatGatewayId=nat_id)
    assert _state(ec2, nat_id) == "deleting"
    assert _associated(ec2, allocation), "the EIP stays associated while the gateway is deleting"
    ec2.get_waiter("nat_gateway_deleted").wait(NatGatewayIds=[nat_id], WaiterConfig={"Delay": 0.25, "MaxAttempts": 20})
    assert _state(ec2, nat_id) == "deleted"
    assert not _associated(ec2, allocation), "a deleted gateway releases its EIP"
    live = ec2.describe_nat_gateways(Filter=[{"Name": "state", "Values": ["pending", "available"]}])["NatGateways"]
    assert nat_id not in [n["NatGatewayId"] for n in live]


def test_nat_gateway_lifecycle_follows_the_profile(emulator, nat_network) -> None:
    ec2, subnet, allocation = nat_network
    try:
        created = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=allocation)["NatGateway"]
        assert created["State"] == "pending", "the create response carries the transitional state, as on AWS"
        assert _state(ec2, created["NatGatewayId"]) == "available"
        ec2.delete_nat_gateway(NatGatewayId=created["NatGatewayId"])
        assert _state(ec2, created["NatGatewayId"]) == "deleted"
        assert not _associated(ec2, allocation)
        emulator.set_config(profile="scaled")
        scaled = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=allocation)["NatGateway"]["NatGatewayId"]
        assert _state(ec2, scaled) == "pending", "scaled: 120 s / 30 = 4 s pending"
    finally:
        emulator.set_config(profile="instant", durations={})


# --- KMS ----------------------------------------------------------------------------------------


def test_kms_key_state_apis_accept_key_arn(client) -> None:
    """EnableKey, DisableKey, ScheduleKeyDeletion, CancelKeyDeletion with a key ARN (moto: HTTP 500)."""
    kms = client("kms")
    key = kms.create_key(Description="arn-test")["KeyMetadata"]
    arn = key["Arn"]

    def state() -> str:
        return kms.describe_key(KeyId=arn)["KeyMetadata"]["KeyState"]

    kms.disable_key(KeyId=arn)
    assert state() == "Disabled"
    kms.enable_key(KeyId=arn)
    assert state() == "Enabled"
    scheduled = kms.schedule_key_deletion(KeyId=arn, PendingWindowInDays=7)
    assert scheduled["KeyId"] == arn
    assert scheduled["KeyState"] == "PendingDeletion" and scheduled["PendingWindowInDays"] == 7
    assert state() == "PendingDeletion"
    assert kms.cancel_key_deletion(KeyId=arn)["KeyId"] == arn
    assert state() == "Disabled"


def test_kms_key_deletion_rules(client) -> None:
    """ScheduleKeyDeletion/CancelKeyDeletion answer with the key ARN and enforce AWS's state rules."""
    kms = client("kms")
    key = kms.create_key(Description="rules")["KeyMetadata"]
    assert kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)["KeyId"] == key["Arn"]
    with pytest.raises(ClientError, match="KMSInvalidStateException"):
        kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    with pytest.raises(ClientError, match="KMSInvalidStateException"):
        kms.enable_key(KeyId=key["KeyId"])
    assert kms.cancel_key_deletion(KeyId=key["KeyId"])["KeyId"] == key["Arn"]
    with pytest.raises(ClientError, match="KMSInvalidStateException"):
        kms.cancel_key_deletion(KeyId=key["KeyId"])
    with pytest.raises(ClientError, match="ValidationException"):
        kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=3)


def test_kms_key_module_deletes_and_restores(target, ansible_module) -> None:
    """amazon.aws kms_key passes the key ARN to ScheduleKeyDeletion, CancelKeyDeletion and EnableKey."""
    from ansible_collections.amazon.aws.plugins.modules import kms_key

    args = {
        "endpoint_url": target.endpoint,
        "aws_config": NO_RETRY,
        "alias": f"alias/fix-{target.port}",
        "tags": {"Project": "ecap"},
        "enable_key_rotation": True,
    }
    created = ansible_module(kms_key, {**args, "state": "present"})
    assert ansible_module(kms_key, {**args, "state": "present"})["changed"] is False
    deleted = ansible_module(kms_key, {**args, "state": "absent", "pending_window": 7})
    assert deleted["changed"] and deleted["key_state"] == "PendingDeletion"
    assert ansible_module(kms_key, {**args, "state": "absent", "pending_window": 7})["changed"] is False
    restored = ansible_module(kms_key, {**args, "state": "present", "enabled": True})
    assert restored["changed"] and restored["key_state"] == "Enabled"
    assert restored["key_arn"] == created["key_arn"]


# --- CloudWatch Logs ----------------------------------------------------------------------------


def test_log_group_kms_key_association(client) -> None:
    """AssociateKmsKey / DisassociateKmsKey (moto: HTTP 500, not implemented)."""
    logs, kms = client("logs"), client("kms")
    key_arn = kms.create_key(Description="logs")["KeyMetadata"]["Arn"]
    other_arn = kms.create_key(Description="logs 2")["KeyMetadata"]["Arn"]
    logs.create_log_group(logGroupName="/kms/assoc", kmsKeyId=key_arn, tags={"Project": "ecap"})

    def described() -> dict:
        return logs.describe_log_groups(logGroupNamePrefix="/kms/assoc")["logGroups"][0]

    assert described()["kmsKeyId"] == key_arn
    logs.associate_kms_key(logGroupName="/kms/assoc", kmsKeyId=other_arn)
    assert described()["kmsKeyId"] == other_arn
    logs.disassociate_kms_key(logGroupName="/kms/assoc")
    assert "kmsKeyId" not in described()
    arn = described()["arn"]
    logs.associate_kms_key(resourceIdentifier=arn, kmsKeyId=key_arn)
    assert described()["kmsKeyId"] == key_arn
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        logs.associate_kms_key(logGroupName="/kms/none", kmsKeyId=key_arn)


def test_log_group_kms_key_must_be_an_arn(client) -> None:
    """CreateLogGroup/AssociateKmsKey take a key ARN only (moto stores a key id or alias)."""
    logs, kms = client("logs"), client("kms")
    key_id = kms.create_key(Description="logs id")["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError, match="InvalidParameterException"):
        logs.create_log_group(logGroupName="/kms/by-id", kmsKeyId=key_id)
    assert logs.describe_log_groups(logGroupNamePrefix="/kms/by-id")["logGroups"] == []


def test_log_group_retention_values(client) -> None:
    """PutRetentionPolicy accepts the documented values only (moto stores any number)."""
    logs = client("logs")
    logs.create_log_group(logGroupName="/retention")
    logs.put_retention_policy(logGroupName="/retention", retentionInDays=14)
    with pytest.raises(ClientError, match="InvalidParameterException"):
        logs.put_retention_policy(logGroupName="/retention", retentionInDays=8)
    assert logs.describe_log_groups(logGroupNamePrefix="/retention")["logGroups"][0]["retentionInDays"] == 14


def test_metric_filters_are_replaced_and_go_with_their_group(client) -> None:
    """PutMetricFilter creates or updates; a filter needs its log group and goes with it (moto: duplicates, keeps)."""
    logs = client("logs")
    transformation = [{"metricName": "Errors", "metricNamespace": "Test", "metricValue": "1"}]
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        logs.put_metric_filter(
            logGroupName="/filters/none", filterName="f", filterPattern="ERROR", metricTransformations=transformation
        )
    logs.create_log_group(logGroupName="/filters")
    for pattern in ("ERROR", "?ERROR ?FATAL"):
        logs.put_metric_filter(
            logGroupName="/filters", filterName="f", filterPattern=pattern, metricTransformations=transformation
        )
    [found] = logs.describe_metric_filters(logGroupName="/filters")["metricFilters"]
    assert found["filterPattern"] == "?ERROR ?FATAL"
    logs.delete_log_group(logGroupName="/filters")
    logs.create_log_group(logGroupName="/filters")
    assert logs.describe_metric_filters(logGroupName="/filters")["metricFilters"] == []


def test_describe_network_acls_network_acl_id_filter(client) -> None:
    """DescribeNetworkAcls takes the network-acl-id filter (moto 5.2.5: 500); amazon.aws ec2_vpc_nacl filters on it."""
    ec2 = client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.77.0.0/16")["Vpc"]["VpcId"]
    [default] = ec2.describe_network_acls(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "default", "Values": ["true"]}]
    )["NetworkAcls"]
    found = ec2.describe_network_acls(Filters=[{"Name": "network-acl-id", "Values": [default["NetworkAclId"]]}])
    assert [n["NetworkAclId"] for n in found["NetworkAcls"]] == [default["NetworkAclId"]]
    ec2.delete_vpc(VpcId=vpc)
