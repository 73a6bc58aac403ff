"""CloudWatch Logs backend fixes: KMS key association of log groups, retention values."""

from __future__ import annotations

from moto.logs.exceptions import InvalidParameterException, ResourceNotFoundException
from moto.logs.models import LogGroup, LogsBackend

from emulator.extensions import extension, original, override

#: The values PutRetentionPolicy accepts (botocore documents them; the model has no enum).
RETENTION_DAYS = tuple(
    int(days) for days in "1 3 5 7 14 30 60 90 120 150 180 365 400 545 731 1096 1827 2192 2557 2922 3288 3653".split()
)


def validate_kms_key_arn(kms_key_id: str | None) -> None:
    """CloudWatch Logs takes the full ARN of a KMS key (not a key id or alias)."""
    if kms_key_id is not None and not (kms_key_id.startswith("arn:") and ":kms:" in kms_key_id):
        raise InvalidParameterException(
            msg=f"Specified KMS key '{kms_key_id}' is not a valid ARN. The KMS key ID must be a full key ARN."
        )


def find_log_group(backend: LogsBackend, log_group_name: str | None, resource_identifier: str | None) -> LogGroup:
    """A log group by name, or by its ARN (with or without the trailing ``:*``)."""
    if log_group_name:
        group = backend.groups.get(log_group_name)
    else:
        arn = (resource_identifier or "").removesuffix(":*")
        group = next((g for g in backend.groups.values() if g.arn == arn), None)
    if group is None:
        raise ResourceNotFoundException()
    return group


def associate_kms_key(
    self: LogsBackend, log_group_name: str | None, kms_key_id: str, resource_identifier: str | None = None
) -> None:
    """AssociateKmsKey (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_AssociateKmsKey.html)."""
    validate_kms_key_arn(kms_key_id)
    find_log_group(self, log_group_name, resource_identifier).kms_key_id = kms_key_id


def disassociate_kms_key(self: LogsBackend, log_group_name: str | None, resource_identifier: str | None = None) -> None:
    """DisassociateKmsKey (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DisassociateKmsKey.html)."""
    find_log_group(self, log_group_name, resource_identifier).kms_key_id = None


def create_log_group(self: LogsBackend, log_group_name: str, tags: dict[str, str], **kwargs: object) -> LogGroup:
    """CreateLogGroup (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html).

    ``kmsKeyId`` must be a key ARN, as on AWS (moto 5.2.5 stores anything).
    """
    validate_kms_key_arn(kwargs.get("kmsKeyId"))  # type: ignore[arg-type]
    return original(LogsBackend, "create_log_group")(self, log_group_name, tags, **kwargs)


def put_retention_policy(self: LogsBackend, log_group_name: str, retention_in_days: int) -> None:
    """PutRetentionPolicy (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html).

    Only the documented retention values are accepted (moto 5.2.5 stores any number).
    """
    if retention_in_days not in RETENTION_DAYS:
        raise InvalidParameterException(
            constraint=f"Member must satisfy enum value set: [{', '.join(map(str, RETENTION_DAYS))}]",
            parameter="retentionInDays",
            value=retention_in_days,
        )
    original(LogsBackend, "put_retention_policy")(self, log_group_name, retention_in_days)


@extension("logs", "AssociateKmsKey", "DisassociateKmsKey", "CreateLogGroup", "PutRetentionPolicy")
def kms_keys_and_retention() -> None:
    """Log groups: AssociateKmsKey/DisassociateKmsKey (moto: 500), kmsKeyId must be an ARN, retention values.

    moto 5.2.5 has no AssociateKmsKey or DisassociateKmsKey (NotImplementedError, HTTP 500), so the
    KMS key of an existing log group cannot be changed; it also stores any ``kmsKeyId`` and any
    retention, where AWS refuses what is not a key ARN or not one of the documented retention values.
    """
    override(LogsBackend, associate_kms_key)
    override(LogsBackend, disassociate_kms_key)
    override(LogsBackend, create_log_group)
    override(LogsBackend, put_retention_policy)


def put_metric_filter(
    self: LogsBackend, filter_name: str, filter_pattern: str, log_group_name: str, metric_transformations: object
) -> None:
    """PutMetricFilter (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html).

    "Creates or updates": a filter of the same name on the same log group is replaced (moto 5.2.5 adds a
    second one); the log group must exist.
    """
    if log_group_name not in self.groups:
        raise ResourceNotFoundException("The specified log group does not exist.")
    self.filters.metric_filters = [
        f
        for f in self.filters.metric_filters
        if not (f["filterName"] == filter_name and f["logGroupName"] == log_group_name)
    ]
    put = original(LogsBackend, "put_metric_filter")
    put(self, filter_name, filter_pattern, log_group_name, metric_transformations)


def delete_log_group(self: LogsBackend, log_group_name: str) -> None:
    """DeleteLogGroup: the group's metric filters go with it (moto 5.2.5 keeps them)."""
    original(LogsBackend, "delete_log_group")(self, log_group_name)
    self.filters.metric_filters = [f for f in self.filters.metric_filters if f["logGroupName"] != log_group_name]


@extension("logs", "PutMetricFilter", "DeleteLogGroup")
def metric_filters_replace_and_go_with_their_group() -> None:
    """Metric filters: PutMetricFilter replaces a same-named filter and needs the group; DeleteLogGroup removes them.

    moto 5.2.5 appends a second filter of the same name (so an update never shows), accepts a filter on
    a log group that does not exist, and keeps a deleted group's filters.
    """
    override(LogsBackend, put_metric_filter)
    override(LogsBackend, delete_log_group)
