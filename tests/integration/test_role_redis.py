"""The redis tier on a boto3-made foundation, in the amazon.aws rhythm: check mode on nothing ->
create -> re-run changes nothing -> in-place update -> refused replacement -> absent -> absent again.
Every assertion reads AWS back; the AUTH token must never appear in a run's output. Bad input is
refused before any mutating call."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

pytestmark = pytest.mark.integration

GROUP = "ecap-local-redis"
SECRET = "ecap-local-redis-auth"
PARAMETER_GROUP = "ecap-local-redis-redis7"
LOG_GROUPS = ["/ecap/ecap-local/redis/slow-log", "/ecap/ecap-local/redis/engine-log"]


def run_tier(runner, foundation, check=False, **extra):
    return runner.run("site.yml", "--tags", "redis", extra={**foundation, **extra}, check=check)


def outputs(result) -> dict:
    for task in result.tasks:
        if task["name"].endswith("Publish the Redis outputs"):
            return task["result"].get("ansible_facts", {}).get("redis_outputs", {})
    raise AssertionError("the run did not publish redis_outputs")


def read_group(aws) -> tuple[dict, dict]:
    ec = aws("elasticache")
    group = ec.describe_replication_groups(ReplicationGroupId=GROUP)["ReplicationGroups"][0]
    member = ec.describe_cache_clusters(CacheClusterId=group["MemberClusters"][0])["CacheClusters"][0]
    return group, member


def assert_no_secret_in(result, aws) -> None:
    value = aws("secretsmanager").get_secret_value(SecretId=SECRET)["SecretString"]
    assert len(value) == 64
    assert value not in json.dumps(result.raw)
    assert value not in result.stderr


def test_check_mode_on_nothing_makes_no_change(runner, emulator, foundation):
    before = emulator.counters()["mutating"]
    result = run_tier(runner, foundation, check=True)
    assert result.rc == 0, result.failure_text()
    assert result.changed > 0, "check mode must report what it would create"
    assert emulator.counters()["mutating"] == before, "check mode made a mutating call"


def test_create(runner, aws, foundation):
    result = run_tier(runner, foundation)
    assert result.rc == 0, result.failure_text()
    group, member = read_group(aws)
    keys = foundation["kms_outputs"]["key_arns"]
    assert group["Status"] == "available"
    assert group["AtRestEncryptionEnabled"] is True and group["KmsKeyId"] == keys["redis"]
    assert group["TransitEncryptionEnabled"] is True
    assert group["AuthTokenEnabled"] is True
    assert (group["AutomaticFailover"], group["MultiAZ"], len(group["MemberClusters"])) == ("disabled", "disabled", 1)
    assert group["CacheNodeType"] == "cache.t3.micro"
    assert group["ClusterEnabled"] is False
    assert {
        c["LogType"]: c["DestinationDetails"]["CloudWatchLogsDetails"]["LogGroup"]
        for c in group["LogDeliveryConfigurations"]
    } == dict(zip(["slow-log", "engine-log"], LOG_GROUPS, strict=True))
    assert [sg["SecurityGroupId"] for sg in member["SecurityGroups"]] == [
        foundation["security_groups_outputs"]["group_ids"]["redis"]
    ]
    assert member["CacheParameterGroup"]["CacheParameterGroupName"] == PARAMETER_GROUP

    ec = aws("elasticache")
    subnet_group = ec.describe_cache_subnet_groups(CacheSubnetGroupName=member["CacheSubnetGroupName"])
    subnets = [s["SubnetIdentifier"] for s in subnet_group["CacheSubnetGroups"][0]["Subnets"]]
    assert sorted(subnets) == sorted(foundation["network_outputs"]["database_subnet_ids"])
    params = {
        p["ParameterName"]: p["ParameterValue"]
        for p in ec.describe_cache_parameters(CacheParameterGroupName=PARAMETER_GROUP, Source="user")["Parameters"]
    }
    assert params["maxmemory-policy"] == "allkeys-lru"
    arn = ec.describe_cache_parameter_groups(CacheParameterGroupName=PARAMETER_GROUP)["CacheParameterGroups"][0]["ARN"]
    assert {"Key": "Project", "Value": "ecap"} in ec.list_tags_for_resource(ResourceName=arn)["TagList"]
    assert {"Key": "Project", "Value": "ecap"} in ec.list_tags_for_resource(ResourceName=group["ARN"])["TagList"]

    secret = aws("secretsmanager").describe_secret(SecretId=SECRET)
    assert secret["KmsKeyId"] == keys["secrets"]
    logs = {
        g["logGroupName"]: g
        for g in aws("logs").describe_log_groups(logGroupNamePrefix="/ecap/ecap-local/redis")["logGroups"]
    }
    assert sorted(logs) == sorted(LOG_GROUPS)
    assert all(g["kmsKeyId"] == keys["logs"] and g["retentionInDays"] == 7 for g in logs.values())

    published = outputs(result)
    assert published["primary_endpoint"] == group["NodeGroups"][0]["PrimaryEndpoint"]["Address"]
    assert published["reader_endpoint"] == group["NodeGroups"][0]["ReaderEndpoint"]["Address"]
    assert int(published["port"]) == 6379
    assert published["auth_secret_arn"] == secret["ARN"]
    assert_no_secret_in(result, aws)


def test_rerun_changes_nothing(runner, emulator, foundation, aws):
    before = emulator.counters()["mutating"]
    result = run_tier(runner, foundation)
    assert result.rc == 0, result.failure_text()
    assert result.changed_tasks() == []
    assert emulator.counters()["mutating"] == before, "a converged re-run made a mutating call"
    assert_no_secret_in(result, aws)


def test_update_in_place(runner, aws, foundation):
    arn = read_group(aws)[0]["ARN"]
    result = run_tier(
        runner, foundation, redis_node_type="cache.t3.small", redis_replicas=1, redis_automatic_failover=True
    )
    assert result.rc == 0, result.failure_text()
    assert "Converge the replication group" in " ".join(result.changed_tasks())
    group, _ = read_group(aws)
    assert group["ARN"] == arn, "the group was replaced"
    assert (group["CacheNodeType"], len(group["MemberClusters"]), group["AutomaticFailover"]) == (
        "cache.t3.small",
        2,
        "enabled",
    )
    assert outputs(result)["reader_endpoint"] == group["NodeGroups"][0]["ReaderEndpoint"]["Address"]
    assert_no_secret_in(result, aws)


def test_replacement_is_refused(runner, emulator, foundation, aws):
    before = emulator.counters()["mutating"]
    result = run_tier(
        runner,
        foundation,
        redis_node_type="cache.t3.small",
        redis_replicas=1,
        redis_automatic_failover=True,
        redis_port=6380,
    )
    assert result.rc != 0
    assert "allow_replacement" in result.failure_text() and "port" in result.failure_text()
    assert emulator.counters()["mutating"] == before
    assert read_group(aws)[0]["NodeGroups"][0]["PrimaryEndpoint"]["Port"] == 6379


def test_absent_then_absent_again(runner, aws, foundation):
    result = run_tier(runner, foundation, ecap_state="absent")
    assert result.rc == 0, result.failure_text()
    ec = aws("elasticache")
    assert ec.describe_replication_groups()["ReplicationGroups"] == []
    with pytest.raises(ClientError):
        ec.describe_cache_parameter_groups(CacheParameterGroupName=PARAMETER_GROUP)
    assert [g["CacheSubnetGroupName"] for g in ec.describe_cache_subnet_groups()["CacheSubnetGroups"]] == []
    with pytest.raises(ClientError):
        aws("secretsmanager").describe_secret(SecretId=SECRET)
    assert aws("logs").describe_log_groups(logGroupNamePrefix="/ecap/ecap-local/redis")["logGroups"] == []

    again = run_tier(runner, foundation, ecap_state="absent")
    assert again.rc == 0, again.failure_text()
    assert again.changed_tasks() == []


BAD = [
    ({"redis_node_type": "cache.t3.huge"}, "redis_node_type=cache.t3.huge"),
    ({"redis_automatic_failover": True, "redis_replicas": 0}, "redis_automatic_failover needs redis_replicas"),
    ({"ecap_env": "prod", "redis_multi_az": False, "redis_replicas": 2}, "prod needs redis_multi_az"),
]


@pytest.mark.parametrize(("extra", "message"), BAD, ids=[b[1] for b in BAD])
def test_bad_input_fails_before_any_call(runner, emulator, foundation, extra, message):
    before = emulator.counters()["mutating"]
    result = run_tier(runner, foundation, **extra)
    assert result.rc != 0
    assert message in result.failure_text(), result.failure_text()
    assert emulator.counters()["mutating"] == before
