"""Per-service fixes and additions to moto, laid out like moto (``models.py``, ``responses.py``, ``urls.py``).

Importing this package registers every extension (``emulator.extensions.apply_all`` applies them).
Add a service: create ``emulator/services/<service>/`` with ``__init__.py`` importing its modules and
add it to the import below.
"""

from emulator.services import (
    budgets,
    ce,
    cloudtrail,
    cloudwatch,
    ec2,
    eks,
    elasticache,
    elbv2,
    events,
    iam,
    kafka,
    kms,
    logs,
    rds,
    resourcegroupstaggingapi,
    s3,
    scheduler,
    servicequotas,
    xray,
)

__all__ = [
    "budgets",
    "ce",
    "cloudtrail",
    "cloudwatch",
    "ec2",
    "eks",
    "elasticache",
    "elbv2",
    "events",
    "iam",
    "kafka",
    "kms",
    "logs",
    "rds",
    "resourcegroupstaggingapi",
    "s3",
    "scheduler",
    "servicequotas",
    "xray",
]
