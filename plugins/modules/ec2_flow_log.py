#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: ec2_flow_log
version_added: 0.1.0
short_description: Manage VPC flow logs
description:
  - Create, replace, tag and delete flow logs of a VPC, subnet, network interface, transit gateway or
    transit gateway attachment.
  - A flow log is found by its C(Name) tag (O(name)) on O(resource_id).
  - AWS cannot modify a flow log after it is created, except its tags. When a setting differs, the
    module replaces the flow log - it creates the new one, then deletes the old one - and reports the
    change in C(diff). Tags are updated in place.
  - If AWS refuses the new flow log as a duplicate of the old one (C(FlowLogAlreadyExists)), the old one
    is deleted first and the module warns that the resource was not logged for a moment.
  - Creation requests carry a C(ClientToken) derived from the request, so a retried call cannot create a
    second flow log.
author:
  - ecap.platform contributors
options:
  name:
    description:
      - The C(Name) tag of the flow log. With O(resource_id), identifies the flow log.
      - Overrides a C(Name) key in O(tags).
    type: str
    required: true
  resource_id:
    description:
      - The ID of the resource to log, for example C(vpc-0123456789abcdef0).
      - Required when O(state=present).
      - With O(state=absent), limits the deletion to the flow logs of this resource; without it, every
        flow log named O(name) in the region is deleted.
    type: str
  resource_type:
    description:
      - The kind of resource O(resource_id) is. Its prefix is checked against this.
    type: str
    default: VPC
    choices: [VPC, Subnet, NetworkInterface, TransitGateway, TransitGatewayAttachment]
  traffic_type:
    description:
      - The traffic to log.
      - Defaults to V(ALL) for a VPC, subnet or network interface.
      - Not supported for transit gateways and transit gateway attachments; leave it unset for those.
      - Changing it replaces the flow log.
    type: str
    choices: [ACCEPT, REJECT, ALL]
  log_destination_type:
    description:
      - Where the flow log records go.
      - Changing it replaces the flow log.
    type: str
    default: cloud-watch-logs
    choices: [cloud-watch-logs, s3, kinesis-data-firehose]
  log_group_name:
    description:
      - The CloudWatch Logs log group to publish to, with O(log_destination_type=cloud-watch-logs).
      - Mutually exclusive with O(log_destination); one of them is required for C(cloud-watch-logs).
      - Changing it replaces the flow log.
    type: str
  log_destination:
    description:
      - The ARN of the destination.
      - A log group ARN (C(arn:aws:logs:REGION:ACCOUNT:log-group:NAME)) for C(cloud-watch-logs), as an
        alternative to O(log_group_name).
      - A bucket ARN, optionally with a folder (C(arn:aws:s3:::BUCKET/FOLDER/)), for C(s3).
      - A delivery stream ARN (C(arn:aws:firehose:REGION:ACCOUNT:deliverystream/NAME)) for
        C(kinesis-data-firehose).
      - Required for C(s3) and C(kinesis-data-firehose). Changing it replaces the flow log.
    type: str
  deliver_logs_permission_arn:
    description:
      - The ARN of the IAM role that C(vpc-flow-logs.amazonaws.com) assumes to publish the records.
      - Required for C(cloud-watch-logs); for C(kinesis-data-firehose) when the delivery stream is in
        another account.
      - Changing it replaces the flow log.
    type: str
  max_aggregation_interval:
    description:
      - The longest time, in seconds, over which packets are aggregated into one flow log record.
      - Defaults to V(600) for a VPC, subnet or network interface, and to V(60) for transit gateways and
        their attachments, which only accept V(60).
      - Changing it replaces the flow log.
    type: int
    choices: [60, 600]
  log_format:
    description:
      - The fields of a record, as C(${field}) names separated by spaces.
      - When unset, AWS uses its default format and the format is not compared.
      - Changing it replaces the flow log.
    type: str
  state:
    description:
      - V(present) creates or replaces the flow log, V(absent) deletes every flow log named O(name)
        (on O(resource_id) when given).
    type: str
    default: present
    choices: [present, absent]
notes:
  - Supports check mode and diff mode.
  - API calls are retried on throttling with jittered backoff.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Log all traffic of a VPC to CloudWatch Logs
  ecap.platform.ec2_flow_log:
    name: ecap-dev-flow-logs
    resource_id: vpc-0123456789abcdef0
    log_group_name: /ecap/dev/vpc-flow-logs
    deliver_logs_permission_arn: arn:aws:iam::123456789012:role/ecap-dev-flow-logs
    max_aggregation_interval: 60
    tags:
      Project: ecap
      Environment: dev

- name: Log rejected traffic of a subnet to S3 with a custom format
  ecap.platform.ec2_flow_log:
    name: ecap-dev-db-rejects
    resource_id: subnet-0123456789abcdef0
    resource_type: Subnet
    traffic_type: REJECT
    log_destination_type: s3
    log_destination: arn:aws:s3:::ecap-dev-logs/flow-logs/
    log_format: "${version} ${srcaddr} ${dstaddr} ${dstport} ${action}"

- name: Delete the flow log of a VPC
  ecap.platform.ec2_flow_log:
    name: ecap-dev-flow-logs
    resource_id: vpc-0123456789abcdef0
    state: absent
"""

RETURN = r"""
flow_log:
  description:
    - The flow log as DescribeFlowLogs describes it, snake_cased.
    - In check mode, when the flow log would be created, the settings it would have, without its ID.
    - Empty with O(state=absent).
  returned: always
  type: dict
  contains:
    flow_log_id:
      description: The ID of the flow log.
      returned: when the flow log exists
      type: str
      sample: fl-0123456789abcdef0
    resource_id:
      description: The ID of the logged resource.
      returned: success
      type: str
      sample: vpc-0123456789abcdef0
    traffic_type:
      description: The traffic logged.
      returned: except for transit gateways
      type: str
      sample: ALL
    log_destination_type:
      description: Where the records go.
      returned: success
      type: str
      sample: cloud-watch-logs
    log_group_name:
      description: The CloudWatch Logs log group.
      returned: for cloud-watch-logs
      type: str
      sample: /ecap/dev/vpc-flow-logs
    log_destination:
      description: The ARN of the destination.
      returned: when AWS reports it
      type: str
      sample: arn:aws:logs:us-west-2:123456789012:log-group:/ecap/dev/vpc-flow-logs
    deliver_logs_permission_arn:
      description: The IAM role that publishes the records.
      returned: when set
      type: str
      sample: arn:aws:iam::123456789012:role/ecap-dev-flow-logs
    deliver_logs_status:
      description: Whether the records are delivered (C(SUCCESS) or C(FAILED)).
      returned: when the flow log exists
      type: str
      sample: SUCCESS
    deliver_logs_error_message:
      description: Why the delivery fails.
      returned: when the delivery fails
      type: str
      sample: Access error
    max_aggregation_interval:
      description: The aggregation interval in seconds.
      returned: success
      type: int
      sample: 600
    log_format:
      description: The fields of a record.
      returned: when the flow log exists or O(log_format) is set
      type: str
      sample: ${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport}
    flow_log_status:
      description: The status of the flow log.
      returned: when the flow log exists
      type: str
      sample: ACTIVE
    creation_time:
      description: When the flow log was created.
      returned: when the flow log exists
      type: str
      sample: "2026-11-25T06:09:49+00:00"
    tags:
      description: The tags of the flow log, including C(Name).
      returned: success
      type: dict
      sample: {"Name": "ecap-dev-flow-logs", "Project": "ecap"}
deleted_flow_log_ids:
  description:
    - The flow logs deleted (or, in check mode, that would be), either by O(state=absent) or because they
      were replaced.
  returned: always
  type: list
  elements: str
  sample: ["fl-0123456789abcdef0"]
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils.common import (
    apply_tag_changes,
    client,
    dict_to_tags,
    make_diff,
    tags_to_dict,
    wanted_tags,
)
from ansible_collections.ecap.platform.plugins.module_utils.ec2 import (
    IMMUTABLE_FIELDS,
    RESOURCE_ID_PREFIXES,
    build_create_request,
    delete_flow_logs,
    describe_flow_logs,
    find_flow_logs,
    flow_log_view,
    plan_flow_log,
    predicted_flow_log,
    replace_flow_logs,
    to_ansible,
    update_tags,
    validate_params,
    wanted_settings,
)


def ensure_present(connection, module: AnsibleAWSModule) -> None:
    """Create, replace or re-tag the flow log, then exit with it as AWS describes it."""
    params = module.params
    settings = wanted_settings(params)
    tags, purge_tags = wanted_tags(params["tags"], params["purge_tags"], params["name"])
    current = find_flow_logs(connection, params["name"], params["resource_id"])
    plan = plan_flow_log(current, settings, tags, purge_tags)

    if not plan.changed:
        module.exit_json(changed=False, flow_log=to_ansible(plan.keep), deleted_flow_log_ids=[])

    managed = [option for option, value in settings.items() if value is not None]
    before = plan.keep or (current[0] if current else None)
    removed_ids = [fl["FlowLogId"] for fl in plan.remove]

    if plan.create:
        request = build_create_request(params["resource_id"], params["resource_type"], settings, plan.new_tags)
        if module.check_mode:
            after = predicted_flow_log(params["resource_id"], settings, plan.new_tags)
        else:
            after = replace_flow_logs(connection, request, removed_ids, module.warn)
    else:
        keep_id = plan.keep["FlowLogId"]
        if module.check_mode:
            new_tags = apply_tag_changes(tags_to_dict(plan.keep.get("Tags")), plan.tags_to_set, plan.tags_to_unset)
            after = {**plan.keep, "Tags": dict_to_tags(new_tags)}
        else:
            update_tags(connection, keep_id, plan.tags_to_set, plan.tags_to_unset)
            delete_flow_logs(connection, removed_ids)
            after = describe_flow_logs(connection, flow_log_ids=[keep_id])[0]

    module.exit_json(
        changed=True,
        flow_log=to_ansible(after),
        deleted_flow_log_ids=removed_ids,
        diff=make_diff(flow_log_view(before, managed), flow_log_view(after, managed)),
    )


def ensure_absent(connection, module: AnsibleAWSModule) -> None:
    """Delete every flow log named ``name`` (on ``resource_id`` when given)."""
    current = find_flow_logs(connection, module.params["name"], module.params["resource_id"])
    if not current:
        module.exit_json(changed=False, flow_log={}, deleted_flow_log_ids=[])

    ids = [fl["FlowLogId"] for fl in current]
    views = [flow_log_view(fl, IMMUTABLE_FIELDS) for fl in current]
    before = views[0] if len(views) == 1 else {"flow_logs": views}
    if not module.check_mode:
        delete_flow_logs(connection, ids)
    module.exit_json(changed=True, flow_log={}, deleted_flow_log_ids=ids, diff=make_diff(before, {}))


def main() -> None:
    argument_spec = dict(
        name=dict(type="str", required=True),
        resource_id=dict(type="str"),
        resource_type=dict(type="str", default="VPC", choices=list(RESOURCE_ID_PREFIXES)),
        traffic_type=dict(type="str", choices=["ACCEPT", "REJECT", "ALL"]),
        log_destination_type=dict(
            type="str", default="cloud-watch-logs", choices=["cloud-watch-logs", "s3", "kinesis-data-firehose"]
        ),
        log_group_name=dict(type="str"),
        log_destination=dict(type="str"),
        deliver_logs_permission_arn=dict(type="str"),
        max_aggregation_interval=dict(type="int", choices=[60, 600]),
        log_format=dict(type="str"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        required_if=[["state", "present", ["resource_id"]]],
        mutually_exclusive=[["log_group_name", "log_destination"]],
        supports_check_mode=True,
    )

    if module.params["state"] == "present":
        errors = validate_params(module.params)
        if errors:
            module.fail_json(msg=" ".join(errors))

    connection = client(module, "ec2")
    try:
        if module.params["state"] == "present":
            ensure_present(connection, module)
        else:
            ensure_absent(connection, module)
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage flow log {module.params['name']}")


if __name__ == "__main__":
    main()
