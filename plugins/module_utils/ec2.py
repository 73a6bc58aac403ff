# Copyright: ecap.platform contributors
# MIT License
"""EC2 logic of the ecap.platform modules: VPC flow logs, EBS encryption by default, and what every EC2
module shares.

The shared part (section "shared by the EC2 modules" at the end) is used by the flow-log,
security-group (``security_groups.py``) and route-table (``network.py``) logic: a client that also
retries the eventual-consistency errors of a resource created a moment ago, a describe that answers
``[]`` on NotFound, CreateTags/DeleteTags from a tag diff, bounded polling until a change shows in
Describe*, and a delete that waits out ``DependencyViolation`` (network interfaces being released).

A flow log cannot be modified after it is created, except its tags. So
:func:`plan_flow_log` compares what AWS describes with what the user asked for and
decides between nothing, a tag update, and a replacement (create the new flow log,
then delete the old one). The functions that call AWS take a client from
:func:`ansible_collections.ecap.platform.plugins.module_utils.common.client` and raise
``AnsibleEC2Error`` (the module turns it into ``fail_json_aws``).

API reference: CreateFlowLogs, DescribeFlowLogs, DeleteFlowLogs, CreateTags, DeleteTags
(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/); eventual consistency of the EC2 API:
https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.arn import parse_aws_arn
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.ec2 import AnsibleEC2Error
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import is_ansible_aws_error_code
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry, RetryingBotoClientWrapper
from ansible_collections.ecap.platform.plugins.module_utils.common import (
    THROTTLE_ERROR_CODES,
    WaitTimeoutError,
    apply_tag_changes,
    dict_to_tags,
    diff_params,
    paginate,
    project,
    settable_tags,
    tag_changes,
    tag_specifications,
    tags_to_dict,
    wait_for,
)

# ResourceType of CreateFlowLogs → the prefix of the ids of that resource type.
RESOURCE_ID_PREFIXES: dict[str, str] = {
    "VPC": "vpc-",
    "Subnet": "subnet-",
    "NetworkInterface": "eni-",
    "TransitGateway": "tgw-",
    "TransitGatewayAttachment": "tgw-attach-",
}
# TrafficType is not supported for these, and MaxAggregationInterval must be 60.
TRANSIT_GATEWAY_TYPES = frozenset({"TransitGateway", "TransitGatewayAttachment"})

# LogDestinationType → the service of the ARN that LogDestination takes.
DESTINATION_SERVICES: dict[str, str] = {
    "cloud-watch-logs": "logs",
    "s3": "s3",
    "kinesis-data-firehose": "firehose",
}

DEFAULT_TRAFFIC_TYPE = "ALL"
DEFAULT_MAX_AGGREGATION_INTERVAL = 600
TRANSIT_GATEWAY_AGGREGATION_INTERVAL = 60

# Option → field of CreateFlowLogs (request) and of DescribeFlowLogs (FlowLog). None of them
# can be modified: a difference in any of them means the flow log is replaced.
IMMUTABLE_FIELDS: dict[str, str] = {
    "traffic_type": "TrafficType",
    "log_destination_type": "LogDestinationType",
    "log_group_name": "LogGroupName",
    "log_destination": "LogDestination",
    "deliver_logs_permission_arn": "DeliverLogsPermissionArn",
    "max_aggregation_interval": "MaxAggregationInterval",
    "log_format": "LogFormat",
}

TAG_RESOURCE_TYPE = "vpc-flow-log"
# FlowLogStatus values of a flow log on its way out; such entries are skipped.
GONE_STATUSES = frozenset({"DELETED", "DELETING"})
# CreateFlowLogs, DeleteFlowLogs and DescribeFlowLogs take at most 1000 ids.
MAX_IDS_PER_CALL = 1000
# How long a new flow log may take to show in DescribeFlowLogs (eventual consistency).
VISIBILITY_TIMEOUT = 60
VISIBILITY_DELAY = 2


class FlowLogErrorHandler(AWSErrorHandler):
    """Turns botocore errors into ``AnsibleEC2Error`` with a message naming the action."""

    _CUSTOM_EXCEPTION = AnsibleEC2Error

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("InvalidFlowLogId.NotFound")


# --------------------------------------------------------------------------- validation


def normalize_destination(value: Any) -> Any:
    """Compare destinations as AWS means them: a log-group ARN with or without ``:*``, an S3 ARN
    with or without a trailing ``/``."""
    if not isinstance(value, str):
        return value
    if value.endswith(":*"):
        value = value[:-2]
    return value.rstrip("/") if value.startswith("arn:") and ":s3:::" in value else value


def normalize_log_format(value: Any) -> Any:
    """A log format compares by its fields, not its spacing."""
    return " ".join(value.split()) if isinstance(value, str) else value


NORMALIZERS: dict[str, Callable[[Any], Any]] = {
    "log_destination": normalize_destination,
    "log_format": normalize_log_format,
}


def validate_params(params: Mapping[str, Any]) -> list[str]:
    """Errors in the options of ``state=present`` that ``argument_spec`` cannot express.

    Pure: runs before any AWS call. Returns one sentence per problem (empty when valid).
    """
    errors: list[str] = []
    resource_type = params["resource_type"]
    resource_id = params.get("resource_id") or ""
    destination_type = params["log_destination_type"]
    destination = params.get("log_destination")
    transit = resource_type in TRANSIT_GATEWAY_TYPES

    prefix = RESOURCE_ID_PREFIXES[resource_type]
    wrong_prefix = not resource_id.startswith(prefix)
    if resource_type == "TransitGateway" and resource_id.startswith("tgw-attach-"):
        wrong_prefix = True
    if wrong_prefix:
        errors.append(
            f"resource_id {resource_id!r} is not a {resource_type} id (expected {prefix}...); "
            "set resource_type to the kind of resource_id."
        )

    if destination_type == "cloud-watch-logs":
        if not params.get("log_group_name") and not destination:
            errors.append(
                "log_destination_type=cloud-watch-logs needs log_group_name or log_destination (a log group ARN)."
            )
        if not params.get("deliver_logs_permission_arn"):
            errors.append(
                "log_destination_type=cloud-watch-logs needs deliver_logs_permission_arn, the ARN of an IAM "
                "role that vpc-flow-logs.amazonaws.com may assume to write to the log group."
            )
    elif params.get("log_group_name"):
        errors.append(
            f"log_group_name is only valid with log_destination_type=cloud-watch-logs, not {destination_type}."
        )

    if destination:
        service = DESTINATION_SERVICES[destination_type]
        arn = parse_aws_arn(destination)
        if not arn or arn.get("service") != service:
            errors.append(
                f"log_destination {destination!r} is not an arn:...:{service}:... ARN, "
                f"as log_destination_type={destination_type} requires."
            )

    if transit and params.get("traffic_type") is not None:
        errors.append(f"traffic_type is not supported for resource_type={resource_type}; leave it unset.")
    interval = params.get("max_aggregation_interval")
    if transit and interval not in (None, TRANSIT_GATEWAY_AGGREGATION_INTERVAL):
        errors.append(f"max_aggregation_interval must be 60 for resource_type={resource_type}.")

    log_format = params.get("log_format")
    if log_format is not None and not log_format.strip():
        errors.append("log_format must name at least one field, e.g. '${srcaddr} ${dstaddr}'; omit it for the default.")
    return errors


# --------------------------------------------------------------------------- requests


def wanted_settings(params: Mapping[str, Any]) -> dict[str, Any]:
    """Option → wanted value of every immutable setting; ``None`` means "not set, not compared".

    Applies AWS's defaults that depend on the resource type: TrafficType ALL and an
    aggregation interval of 600 s, except for transit gateways (no TrafficType, 60 s).
    """
    transit = params["resource_type"] in TRANSIT_GATEWAY_TYPES
    settings = {option: params.get(option) for option in IMMUTABLE_FIELDS}
    if transit:
        settings["traffic_type"] = None
    elif settings["traffic_type"] is None:
        settings["traffic_type"] = DEFAULT_TRAFFIC_TYPE
    if settings["max_aggregation_interval"] is None:
        settings["max_aggregation_interval"] = (
            TRANSIT_GATEWAY_AGGREGATION_INTERVAL if transit else DEFAULT_MAX_AGGREGATION_INTERVAL
        )
    return settings


def client_token(request: Mapping[str, Any], salt: str = "") -> str:
    """A ClientToken derived from the request: the same request always gets the same token.

    64 hex characters (the API's limit is 64 ASCII characters). ``salt`` gives a fresh token
    for the same request, when AWS answers a token with a flow log that has since been deleted.
    """
    body = {key: value for key, value in request.items() if key != "ClientToken"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{canonical}|{salt}".encode()).hexdigest()


def build_create_request(
    resource_id: str, resource_type: str, settings: Mapping[str, Any], tags: Mapping[str, str] | None
) -> dict[str, Any]:
    """The CreateFlowLogs request for one resource, with TagSpecifications and ClientToken."""
    request: dict[str, Any] = {"ResourceIds": [resource_id], "ResourceType": resource_type}
    for option, api_field in IMMUTABLE_FIELDS.items():
        if settings.get(option) is not None:
            request[api_field] = settings[option]
    specs = tag_specifications(tags, TAG_RESOURCE_TYPE)
    if specs:
        request["TagSpecifications"] = specs
    request["ClientToken"] = client_token(request)
    return request


# --------------------------------------------------------------------------- plan


@dataclass
class FlowLogPlan:
    """What :func:`plan_flow_log` decided; ``changed`` tells whether anything will be done."""

    keep: dict[str, Any] | None = None
    remove: list[dict[str, Any]] = field(default_factory=list)
    create: bool = False
    differences: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    tags_to_set: dict[str, str] = field(default_factory=dict)
    tags_to_unset: list[str] = field(default_factory=list)
    new_tags: dict[str, str] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.create or self.remove or self.tags_to_set or self.tags_to_unset)

    @property
    def replaces(self) -> bool:
        """A new flow log is created and at least one old one deleted."""
        return self.create and bool(self.remove)


def plan_flow_log(
    current: list[dict[str, Any]],
    settings: Mapping[str, Any],
    tags: Mapping[str, str] | None,
    purge_tags: bool,
) -> FlowLogPlan:
    """Decide how to go from the flow logs found (newest first) to the wanted one.

    - one of them matches every set option: keep it, fix its tags in place, delete the others
      (left over from an interrupted replacement);
    - none matches: create a new one (carrying over the tags of the newest, changed as asked)
      and delete all of them;
    - none found: create.
    """
    matching = [fl for fl in current if not diff_params(fl, settings, IMMUTABLE_FIELDS, NORMALIZERS)]
    if matching:
        keep = matching[0]
        to_set, to_unset = tag_changes(tags_to_dict(keep.get("Tags")), tags, purge_tags)
        return FlowLogPlan(
            keep=keep,
            remove=[fl for fl in current if fl is not keep],
            tags_to_set=to_set,
            tags_to_unset=to_unset,
        )

    plan = FlowLogPlan(create=True, remove=list(current), new_tags=dict(tags or {}))
    if current:
        newest = current[0]
        plan.differences = diff_params(newest, settings, IMMUTABLE_FIELDS, NORMALIZERS)
        newest_tags = tags_to_dict(newest.get("Tags"))
        plan.new_tags = settable_tags(apply_tag_changes(newest_tags, *tag_changes(newest_tags, tags, purge_tags)))
    return plan


def flow_log_view(flow_log: Mapping[str, Any] | None, options: Iterable[str]) -> dict[str, Any]:
    """The ``diff`` view of a described flow log: its id, resource, the given options and tags."""
    if not flow_log:
        return {}
    view = {"flow_log_id": flow_log.get("FlowLogId"), "resource_id": flow_log.get("ResourceId")}
    view.update(project(flow_log, {option: IMMUTABLE_FIELDS[option] for option in options}))
    view["tags"] = tags_to_dict(flow_log.get("Tags"))
    return {key: value for key, value in view.items() if value is not None}


def predicted_flow_log(
    resource_id: str, settings: Mapping[str, Any], tags: Mapping[str, str], flow_log_id: str | None = None
) -> dict[str, Any]:
    """A DescribeFlowLogs-shaped entry for a flow log about to be created (check mode)."""
    predicted: dict[str, Any] = {"ResourceId": resource_id, "Tags": dict_to_tags(tags)}
    if flow_log_id:
        predicted["FlowLogId"] = flow_log_id
    for option, api_field in IMMUTABLE_FIELDS.items():
        if settings.get(option) is not None:
            predicted[api_field] = settings[option]
    return predicted


def to_ansible(flow_log: Mapping[str, Any] | None) -> dict[str, Any]:
    """A DescribeFlowLogs entry snake_cased, with ``tags`` as a dict."""
    if not flow_log:
        return {}
    result = camel_dict_to_snake_dict({key: value for key, value in flow_log.items() if key != "Tags"})
    result["tags"] = tags_to_dict(flow_log.get("Tags"))
    return result


# --------------------------------------------------------------------------- AWS calls


@FlowLogErrorHandler.list_error_handler("describe flow logs", [])
def describe_flow_logs(
    client: Any, flow_log_ids: list[str] | None = None, filters: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """Every flow log with the given ids and/or matching the filters (all pages), newest first.

    Flow logs that are being deleted are skipped; unknown ids give an empty list.
    """
    params: dict[str, Any] = {}
    if flow_log_ids:
        params["FlowLogIds"] = list(flow_log_ids)
    if filters:
        params["Filter"] = filters
    flow_logs = paginate(client.describe_flow_logs, "FlowLogs", **params)
    live = [fl for fl in flow_logs if str(fl.get("FlowLogStatus", "")).upper() not in GONE_STATUSES]
    return sorted(live, key=lambda fl: str(fl.get("CreationTime", "")), reverse=True)


def find_flow_logs(client: Any, name: str, resource_id: str | None = None) -> list[dict[str, Any]]:
    """The flow logs whose Name tag is ``name`` (on ``resource_id`` when given), newest first."""
    filters = [{"Name": "tag:Name", "Values": [name]}]
    if resource_id:
        filters.append({"Name": "resource-id", "Values": [resource_id]})
    return describe_flow_logs(client, filters=filters)


def _unsuccessful_message(items: list[dict[str, Any]]) -> str:
    """``Unsuccessful`` items as one line: ``resource: Code Message; ...``."""
    parts = []
    for item in items:
        error = item.get("Error") or {}
        parts.append(f"{item.get('ResourceId', '?')}: {error.get('Code', '?')} {error.get('Message', '')}".strip())
    return "; ".join(parts)


@FlowLogErrorHandler.common_error_handler("create flow log")
def _create_flow_logs(client: Any, request: Mapping[str, Any]) -> list[str]:
    response = client.create_flow_logs(aws_retry=True, **request)
    # CreateFlowLogs answers 200 and reports per-resource failures in Unsuccessful.
    failures = response.get("Unsuccessful") or []
    if failures:
        resources = ", ".join(request["ResourceIds"])
        raise AnsibleEC2Error(message=f"Failed to create flow log for {resources}: {_unsuccessful_message(failures)}")
    ids = response.get("FlowLogIds") or []
    if not ids:
        raise AnsibleEC2Error(message=f"CreateFlowLogs returned no flow log id for {', '.join(request['ResourceIds'])}")
    return ids


def _wait_visible(client: Any, ids: list[str], timeout: float, delay: float, sleep: Callable) -> list[dict] | None:
    """The described flow logs once all of ``ids`` show in DescribeFlowLogs, or None after ``timeout``."""
    try:
        return wait_for(
            lambda: describe_flow_logs(client, flow_log_ids=ids),
            lambda found: {fl["FlowLogId"] for fl in found} >= set(ids),
            timeout=timeout,
            delay=delay,
            what=f"flow log {', '.join(ids)} to appear",
            state_fn=lambda found: [fl["FlowLogId"] for fl in found] or "not found",
            sleep=sleep,
        )
    except WaitTimeoutError:
        return None


def create_flow_log(
    client: Any,
    request: Mapping[str, Any],
    timeout: float = VISIBILITY_TIMEOUT,
    delay: float = VISIBILITY_DELAY,
    sleep: Callable[[float], None] | None = None,
) -> dict[str, Any]:
    """Create the flow log of ``request`` and return it as DescribeFlowLogs shows it.

    The request's ClientToken is derived from the request, so a retried call cannot create a
    second flow log. If AWS answers the token with a flow log that no longer exists (the same
    flow log was created, then deleted, earlier), the request is sent once more with a token
    salted with that id.
    """
    sleep = sleep or time.sleep
    request = dict(request)
    request.setdefault("ClientToken", client_token(request))
    ids = _create_flow_logs(client, request)
    found = _wait_visible(client, ids, timeout, delay, sleep)
    if found is None:
        request["ClientToken"] = client_token(request, salt=",".join(sorted(ids)))
        ids = _create_flow_logs(client, request)
        found = _wait_visible(client, ids, timeout, delay, sleep)
        if found is None:
            raise AnsibleEC2Error(
                message=f"Flow log {', '.join(ids)} was created but did not show in DescribeFlowLogs "
                f"within {timeout:g}s; last state: not found"
            )
    return found[0]


@FlowLogErrorHandler.common_error_handler("delete flow logs")
def delete_flow_logs(client: Any, flow_log_ids: list[str]) -> bool:
    """Delete the flow logs; ids that are already gone are not an error. True if any was asked.

    AWS reports unknown ids in ``Unsuccessful`` (InvalidFlowLogId.NotFound); some endpoints
    raise that code instead, after deleting the ids that do exist.
    """
    ids = list(flow_log_ids)
    if not ids:
        return False
    for start in range(0, len(ids), MAX_IDS_PER_CALL):
        try:
            response = client.delete_flow_logs(aws_retry=True, FlowLogIds=ids[start : start + MAX_IDS_PER_CALL])
        except is_boto3_error_code("InvalidFlowLogId.NotFound"):
            continue
        failures = [
            item
            for item in response.get("Unsuccessful") or []
            if item.get("Error", {}).get("Code") != "InvalidFlowLogId.NotFound"
        ]
        if failures:
            raise AnsibleEC2Error(message=f"Failed to delete flow logs: {_unsuccessful_message(failures)}")
    return True


@FlowLogErrorHandler.common_error_handler("update flow log tags")
def update_tags(client: Any, flow_log_id: str, to_set: Mapping[str, str], to_unset: Iterable[str]) -> bool:
    """Apply a tag change with CreateTags / DeleteTags; True if anything was changed."""
    return set_resource_tags(client, flow_log_id, to_set, to_unset)


def replace_flow_logs(
    client: Any,
    request: Mapping[str, Any],
    old_ids: list[str],
    warn: Callable[[str], None],
    **create_kwargs: Any,
) -> dict[str, Any]:
    """Make before break: create the flow log of ``request``, then delete ``old_ids``.

    AWS refuses a flow log that duplicates an existing one (``FlowLogAlreadyExists``); which
    settings count as "the same configuration" is not documented. When that happens the old
    flow logs are deleted first and the creation is retried, with a warning, since the
    resource goes unlogged for a moment.
    """
    try:
        new = create_flow_log(client, request, **create_kwargs)
    except is_ansible_aws_error_code("FlowLogAlreadyExists"):
        if not old_ids:
            raise
        warn(
            f"AWS refused a second flow log next to {', '.join(old_ids)} (FlowLogAlreadyExists), so the old "
            f"flow log was deleted before its replacement was created; "
            f"{', '.join(request['ResourceIds'])} was not logged for a moment."
        )
        delete_flow_logs(client, old_ids)
        # A fresh (still deterministic) token: the refused request must not be replayed.
        retry = {**request, "ClientToken": client_token(request, salt="replacing:" + ",".join(sorted(old_ids)))}
        try:
            return create_flow_log(client, retry, **create_kwargs)
        except AnsibleEC2Error as e:
            e.message = f"Deleted flow log {', '.join(old_ids)}, then failed to create its replacement: {e.message}"
            raise
    delete_flow_logs(client, [old for old in old_ids if old != new["FlowLogId"]])
    return new


# --------------------------------------------------------------------------- EBS encryption by default
# An account setting per region (GetEbsEncryptionByDefault, EnableEbsEncryptionByDefault,
# DisableEbsEncryptionByDefault): no resource, no tags.


def get_ebs_encryption_by_default(client: Any) -> bool:
    """Whether new EBS volumes of the account are encrypted by default in the client's region."""
    return bool(client.get_ebs_encryption_by_default(aws_retry=True)["EbsEncryptionByDefault"])


def set_ebs_encryption_by_default(client: Any, enabled: bool) -> bool:
    """Turn the setting on or off; returns what EC2 answers."""
    call = client.enable_ebs_encryption_by_default if enabled else client.disable_ebs_encryption_by_default
    return bool(call(aws_retry=True)["EbsEncryptionByDefault"])


# --------------------------------------------------------------------------- shared by the EC2 modules

#: Seconds between two looks at a resource that was just created or changed, until Describe* shows it,
#: and how long at most (AWS documents "a few seconds"; the writes were accepted either way).
VISIBLE_DELAY = 1.0
VISIBLE_TIMEOUT = 30.0
#: Seconds between two DeleteSecurityGroup / DeleteRouteTable attempts refused with DependencyViolation.
DEPENDENCY_DELAY = 5.0


def consistency_retry(codes: Iterable[str], retries: int = 8) -> Callable:
    """A retry decorator for calls on a resource created a moment ago.

    Retries throttling (as every ecap.platform client does) and ``codes`` -- the NotFound answers EC2
    gives while a new resource propagates (``InvalidGroup.NotFound`` right after CreateSecurityGroup,
    ``InvalidRouteTableID.NotFound`` right after CreateRouteTable) -- with a short jittered backoff: at
    most 0.5, 1, 2, 4, 4... seconds, about 25 s in all. A call that succeeds returns at once.
    """
    return AWSRetry.jittered_backoff(
        retries=retries, delay=0.5, max_delay=4, catch_extra_error_codes=[*THROTTLE_ERROR_CODES, *codes]
    )


def consistent_client(connection: Any, codes: Iterable[str]) -> RetryingBotoClientWrapper:
    """``connection`` (a module client or a plain boto3 client) whose ``aws_retry=True`` calls also retry ``codes``."""
    return RetryingBotoClientWrapper(getattr(connection, "client", connection), consistency_retry(codes))


def describe_resources(
    call: Callable[..., dict], result_key: str, missing_codes: Iterable[str], **params: Any
) -> list[dict[str, Any]]:
    """Every page of ``call(**params)``'s ``result_key``; ``[]`` when AWS answers one of ``missing_codes``.

    Describing an id that does not exist is an error in EC2 (``InvalidGroup.NotFound``,
    ``InvalidRouteTableID.NotFound``), not an empty list: for a module that is "absent".
    """
    try:
        return paginate(call, result_key, **params)
    except is_boto3_error_code(list(missing_codes)):
        return []


def set_resource_tags(client: Any, resource_id: str, to_set: Mapping[str, str], to_unset: Iterable[str]) -> bool:
    """Apply ``(to_set, to_unset)`` (from :func:`common.tag_changes`) with DeleteTags / CreateTags.

    True if anything was asked. ``client`` may be a :func:`consistent_client`, for a resource just made.
    """
    to_unset = list(to_unset)
    if to_unset:
        client.delete_tags(aws_retry=True, Resources=[resource_id], Tags=[{"Key": key} for key in to_unset])
    if to_set:
        client.create_tags(aws_retry=True, Resources=[resource_id], Tags=dict_to_tags(to_set))
    return bool(to_set or to_unset)


def wait_consistent(
    describe_fn: Callable[[], Any],
    is_done_fn: Callable[[Any], bool],
    timeout: float,
    what: str,
    warn: Callable[[str], None] | None = None,
    delay: float = VISIBLE_DELAY,
    sleep: Callable[[float], None] = time.sleep,
) -> Any:
    """The first description of ``describe_fn()`` for which ``is_done_fn`` holds (a change shows), polled every
    ``delay`` seconds for at most ``timeout``; returns at once when the first look already shows it.

    EC2 is eventually consistent: a write that succeeded may not show in Describe* for a moment. On
    timeout the last description is returned and ``warn`` (when given) says so: the writes were
    accepted, only the read-back lags.
    """
    try:
        return wait_for(describe_fn, is_done_fn, timeout=timeout, delay=delay, what=what, sleep=sleep)
    except WaitTimeoutError as e:
        if warn:
            warn(f"{e}; returning the last description")
        return e.last


def delete_with_retry(
    delete_fn: Callable[[], Any],
    missing_codes: Iterable[str],
    timeout: float,
    what: str,
    delay: float = DEPENDENCY_DELAY,
    sleep: Callable[[float], None] = time.sleep,
) -> bool:
    """Call ``delete_fn()`` until it succeeds (True) or AWS says the resource is gone (False).

    ``DependencyViolation`` is retried every ``delay`` seconds for at most ``timeout``: network
    interfaces of a deleted load balancer, EKS cluster or RDS instance take minutes to be released. After
    that, ``AnsibleEC2Error`` names ``what`` and AWS's last message.
    """
    deadline = time.monotonic() + timeout
    missing = list(missing_codes)
    while True:
        try:
            delete_fn()
            return True
        except is_boto3_error_code(missing):
            return False
        except is_boto3_error_code("DependencyViolation") as e:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                message = e.response.get("Error", {}).get("Message", "")
                raise AnsibleEC2Error(
                    message=f"Timed out after {timeout:g}s deleting {what}: it still has dependencies ({message})",
                    exception=e,
                ) from e
            sleep(min(delay, remaining))
