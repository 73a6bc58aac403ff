#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: ec2_flow_log_info
version_added: 0.1.0
short_description: List VPC flow logs
description:
  - Lists flow logs by ID and/or DescribeFlowLogs filters, all pages.
author:
  - ecap.platform contributors
options:
  flow_log_ids:
    description:
      - The IDs of the flow logs to list. Unknown IDs are ignored.
    type: list
    elements: str
    default: []
  filters:
    description:
      - A dict of DescribeFlowLogs filters, for example C(resource-id), C(traffic-type),
        C(log-group-name), C(log-destination-type), C(deliver-log-status), C(tag:Name), C(tag-key).
      - See U(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeFlowLogs.html).
    type: dict
    default: {}
notes:
  - Supports check mode.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: List the flow logs of a VPC
  ecap.platform.ec2_flow_log_info:
    filters:
      resource-id: vpc-0123456789abcdef0
  register: vpc_flow_logs

- name: Read one flow log
  ecap.platform.ec2_flow_log_info:
    flow_log_ids:
      - fl-0123456789abcdef0
"""

RETURN = r"""
flow_logs:
  description: The flow logs found, newest first, snake_cased, with C(tags) as a dict.
  returned: always
  type: list
  elements: dict
  contains:
    flow_log_id:
      description: The ID of the flow log.
      returned: always
      type: str
      sample: fl-0123456789abcdef0
    resource_id:
      description: The ID of the logged resource.
      returned: always
      type: str
      sample: vpc-0123456789abcdef0
    traffic_type:
      description: The traffic logged.
      returned: except for transit gateways
      type: str
      sample: ALL
    log_destination_type:
      description: Where the records go.
      returned: always
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
      sample: arn:aws:s3:::ecap-dev-logs/flow-logs/
    deliver_logs_permission_arn:
      description: The IAM role that publishes the records.
      returned: when set
      type: str
      sample: arn:aws:iam::123456789012:role/ecap-dev-flow-logs
    deliver_logs_status:
      description: Whether the records are delivered (C(SUCCESS) or C(FAILED)).
      returned: always
      type: str
      sample: SUCCESS
    max_aggregation_interval:
      description: The aggregation interval in seconds.
      returned: always
      type: int
      sample: 600
    log_format:
      description: The fields of a record.
      returned: always
      type: str
      sample: ${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr}
    flow_log_status:
      description: The status of the flow log.
      returned: always
      type: str
      sample: ACTIVE
    creation_time:
      description: When the flow log was created.
      returned: always
      type: str
      sample: "2026-11-25T06:09:49+00:00"
    tags:
      description: The tags of the flow log.
      returned: always
      type: dict
      sample: {"Name": "ecap-dev-flow-logs"}
"""

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.transformation import ansible_dict_to_boto3_filter_list
from ansible_collections.ecap.platform.plugins.module_utils.common import client
from ansible_collections.ecap.platform.plugins.module_utils.ec2 import describe_flow_logs, to_ansible


def main() -> None:
    argument_spec = dict(
        flow_log_ids=dict(type="list", elements="str", default=[]),
        filters=dict(type="dict", default={}),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    connection = client(module, "ec2")
    try:
        flow_logs = describe_flow_logs(
            connection,
            flow_log_ids=module.params["flow_log_ids"],
            filters=ansible_dict_to_boto3_filter_list(module.params["filters"]),
        )
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=False, flow_logs=[to_ansible(fl) for fl in flow_logs])


if __name__ == "__main__":
    main()
