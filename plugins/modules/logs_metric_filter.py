#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: logs_metric_filter
version_added: 0.3.0
short_description: Manage a CloudWatch Logs metric filter
description:
  - Creates, updates or deletes a metric filter of a log group (C(PutMetricFilter), C(DescribeMetricFilters),
    C(DeleteMetricFilter)); the filter is read by its exact name.
  - Written because amazon.aws.cloudwatchlogs_log_group_metric_filter (10.1.2) lower-cases the dimension names
    of the existing filter before comparing, so a filter with a dimension such as C(Namespace) changes on
    every run.
  - The options are checked before any call (required fields, at most three dimensions, dimensions only with
    a JSON or space-delimited pattern and not with O(metric_transformation.default_value), a known unit).
  - Metric filters cannot be tagged; they are deleted with their log group.
author:
  - ecap.platform contributors
options:
  log_group_name:
    description: The log group the filter reads.
    type: str
    required: true
  filter_name:
    description: Name of the filter.
    type: str
    required: true
  filter_pattern:
    description: The filter pattern. Required with O(state=present).
    type: str
  metric_transformation:
    description: The metric the filter publishes. Required with O(state=present).
    type: dict
    suboptions:
      metric_name:
        description: Name of the metric.
        type: str
      metric_namespace:
        description: Namespace of the metric.
        type: str
      metric_value:
        description: Value published for each matching event (a number or a C($.field) selector).
        type: str
      default_value:
        description: Value published when no event matches in a period; not with O(metric_transformation.dimensions).
        type: float
      dimensions:
        description: Up to three dimensions, name to C($.field) selector (JSON or space-delimited patterns only).
        type: dict
      unit:
        description: Unit of the metric.
        type: str
  state:
    description: Whether the filter exists.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Count ERROR log lines per Kubernetes namespace
  ecap.platform.logs_metric_filter:
    log_group_name: /aws/containerinsights/ecap-dev-eks/application
    filter_name: ecap-dev-application-errors
    filter_pattern: '{ $.log = "*ERROR*" }'
    metric_transformation:
      metric_name: ErrorLogEvents
      metric_namespace: ECAP/Applications
      metric_value: "1"
      unit: Count
      dimensions:
        Namespace: $.kubernetes.namespace_name
"""

RETURN = r"""
metric_filter:
  description: The filter's managed fields (empty when absent).
  returned: always
  type: dict
  contains:
    filter_pattern:
      description: The pattern.
      type: str
      returned: when present
    metric_transformations:
      description: The metric it publishes (one).
      type: list
      elements: dict
      returned: when present
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils import logs_metric_filter as filters
from ansible_collections.ecap.platform.plugins.module_utils.common import client, make_diff


def main() -> None:
    argument_spec = dict(
        log_group_name=dict(type="str", required=True),
        filter_name=dict(type="str", required=True),
        filter_pattern=dict(type="str"),
        metric_transformation=dict(
            type="dict",
            options=dict(
                metric_name=dict(type="str"),
                metric_namespace=dict(type="str"),
                metric_value=dict(type="str"),
                default_value=dict(type="float"),
                dimensions=dict(type="dict"),
                unit=dict(type="str"),
            ),
        ),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    errors = filters.validate(params)
    if errors:
        module.fail_json(msg=" ".join(errors))
    group, name = params["log_group_name"], params["filter_name"]
    connection = client(module, "logs")
    try:
        before = filters.view(filters.describe(connection, group, name))
        if params["state"] == "absent":
            if before and not module.check_mode:
                filters.delete(connection, group, name)
            module.exit_json(changed=bool(before), metric_filter={}, diff=make_diff(before, {}))
        after = filters.wanted(params)
        if after == before:
            module.exit_json(changed=False, metric_filter=filters.to_ansible(before))
        if not module.check_mode:
            filters.put(connection, group, name, after)
        module.exit_json(changed=True, metric_filter=filters.to_ansible(after), diff=make_diff(before, after))
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage metric filter {name} of {group}")


if __name__ == "__main__":
    main()
