"""The emulator's fixes for the day-2 playbooks scale.yml and cost_report.yml, checked with boto3.

Each fix check runs against the emulator (must pass) and against plain moto 5.2.5 (strict xfail: it
must fail there, showing the gap). Checks that need durations run on the emulator only.
"""

from __future__ import annotations

import itertools
import time

import pytest
from botocore.exceptions import ClientError

FAST = {"Delay": 0.25, "MaxAttempts": 40}
_names = itertools.count(1)


def _instance(rds) -> str:
    name = f"scale-{next(_names)}"
    rds.create_db_instance(
        DBInstanceIdentifier=name,
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        AllocatedStorage=20,
        MasterUsername="ecap_admin",
        MasterUserPassword="not-a-secret-1",
    )
    rds.get_waiter("db_instance_available").wait(DBInstanceIdentifier=name, WaiterConfig=FAST)
    return name


def _status(rds, name: str) -> str:
    return rds.describe_db_instances(DBInstanceIdentifier=name)["DBInstances"][0]["DBInstanceStatus"]


def test_stop_answers_stopping_and_start_answers_starting(client) -> None:
    rds = client("rds")
    name = _instance(rds)
    assert rds.stop_db_instance(DBInstanceIdentifier=name)["DBInstance"]["DBInstanceStatus"] == "stopping"
    assert _status(rds, name) == "stopped"
    with pytest.raises(ClientError) as err:
        rds.stop_db_instance(DBInstanceIdentifier=name)
    assert err.value.response["Error"]["Code"] == "InvalidDBInstanceState"
    assert rds.start_db_instance(DBInstanceIdentifier=name)["DBInstance"]["DBInstanceStatus"] == "starting"
    assert _status(rds, name) == "available"


@pytest.fixture
def power_durations(emulator):
    emulator.set_config(durations={"rds_instance_stop": 1, "rds_instance_start": 1})
    yield
    emulator.set_config(profile="instant", durations={})


def test_stop_and_start_take_time(aws, power_durations) -> None:
    rds = aws("rds")
    name = _instance(rds)
    rds.stop_db_instance(DBInstanceIdentifier=name)
    assert _status(rds, name) == "stopping"
    with pytest.raises(ClientError) as err:
        rds.start_db_instance(DBInstanceIdentifier=name)
    assert err.value.response["Error"]["Code"] == "InvalidDBInstanceState"
    time.sleep(1.1)
    assert _status(rds, name) == "stopped"
    rds.start_db_instance(DBInstanceIdentifier=name)
    assert _status(rds, name) == "starting"
    time.sleep(1.1)
    assert _status(rds, name) == "available"
