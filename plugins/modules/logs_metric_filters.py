#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: logs_metric_filters
version_added: 0.5.0
short_description: Manage the metric filters of a CloudWatch Logs log group in one call
description:
  - The list form of M(ecap.platform.logs_metric_filter), with the same rules, for a role that manages many
    filters on one log group (one module run instead of one per filter), with an optional purge of the filters
    not listed.
  - The filters of the log group are read with one paginated C(DescribeMetricFilters) (50 a page; a log group
    has at most 100 filters); C(PutMetricFilter) is called only for the filters that are missing or differ, and
    C(DeleteMetricFilter) for those to delete. A converged run makes no other call.
  - Every item is checked before any call (required fields, at most three dimensions, dimensions only with a
    JSON or space-delimited pattern and not with a default value, a known unit, names unique and valid).
  - Metric filters cannot be tagged; they are deleted with their log group.
author:
  - ecap.platform contributors
options:
  log_group_name:
    description: The log group the filters read.
    type: str
    required: true
  metric_filters:
    description:
      - The filters. Each item takes the options of M(ecap.platform.logs_metric_filter), the name as
        O(metric_filters[].name).
      - With O(state=absent) only O(metric_filters[].name) is used.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Name of the filter.
        type: str
        required: true
      filter_pattern:
        description: The filter pattern. Required with O(state=present) (an empty string matches every event).
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
            description: Value published when no event matches in a period; not with dimensions.
            type: float
          dimensions:
            description: Up to three dimensions, name to C($.field) selector (JSON or space-delimited patterns only).
            type: dict
          unit:
            description: Unit of the metric.
            type: str
  purge:
    description:
      - Also delete the filters of the log group that O(metric_filters) does not list (only those whose name starts
        with O(prefix) when it is set). With O(state=absent), every such filter is deleted with the listed ones.
    type: bool
    default: false
  prefix:
    description:
      - Restricts O(purge) to the filters whose name starts with this prefix, so that filters other tools put on
        the same log group are left alone. The listed filters may have any name.
    type: str
  state:
    description: V(present) creates or updates the listed filters, V(absent) deletes them.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Supports check mode and diff mode. In check mode a log group that does not exist yet has no filters, so every
    listed filter is a planned create.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Count the CIS monitored events in the CloudTrail log group, deleting the stale CIS filters
  ecap.platform.logs_metric_filters:
    log_group_name: /aws/cloudtrail/ecap-dev
    purge: true
    prefix: ecap-dev-cis-
    metric_filters:
      - name: ecap-dev-cis-root-account-usage
        filter_pattern: '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS }'
        metric_transformation:
          metric_name: root-account-usage
          metric_namespace: ECAP/CISBenchmark
          metric_value: "1"
      - name: ecap-dev-cis-console-authentication-failures
        filter_pattern: '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }'
        metric_transformation:
          metric_name: console-authentication-failures
          metric_namespace: ECAP/CISBenchmark
          metric_value: "1"

- name: Delete every filter of the log group whose name starts with ecap-dev-cis-
  ecap.platform.logs_metric_filters:
    log_group_name: /aws/cloudtrail/ecap-dev
    metric_filters: []
    purge: true
    prefix: ecap-dev-cis-
    state: absent
"""

RETURN = r"""
metric_filters:
  description: The listed filters as they are (or, in check mode, will be); empty with O(state=absent).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The filter's name.
      type: str
    filter_pattern:
      description: The pattern.
      type: str
    metric_transformations:
      description: The metric it publishes (one).
      type: list
      elements: dict
  sample: [{"name": "ecap-dev-cis-vpc-changes", "filter_pattern": "{ ($.eventName = CreateVpc) }",
            "metric_transformations": [{"metric_name": "vpc-changes", "metric_namespace": "ECAP/CISBenchmark",
                                        "metric_value": "1"}]}]
created:
  description: The filters created (or that would be).
  returned: always
  type: list
  elements: str
  sample: ["ecap-dev-cis-vpc-changes"]
updated:
  description: The filters whose pattern or metric changed (or would).
  returned: always
  type: list
  elements: str
  sample: ["ecap-dev-cis-root-account-usage"]
deleted:
  description: The filters deleted (or that would be), the listed ones with O(state=absent) and the purged ones.
  returned: always
  type: list
  elements: str
  sample: ["ecap-dev-cis-old-check"]
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils import logs_metric_filter as filters
from ansible_collections.ecap.platform.plugins.module_utils.common import client, make_diff


def _validate(params: dict) -> list[str]:
    state, items = params["state"], params["metric_filters"]
    names = [item["name"] for item in items]
    errors = [e for name in names for e in filters.validate_name(name)]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        errors.append(f"metric_filters lists {', '.join(duplicates)} more than once.")
    for item in items:
        errors += [f"{item['name']}: {e}" for e in filters.validate({**item, "state": state})]
    if params["prefix"] is not None and not params["prefix"]:
        errors.append("prefix must not be empty (leave it out to purge every filter of the log group).")
    return errors


def _purged(current: dict, names: list[str], params: dict) -> list[str]:
    if not params["purge"]:
        return []
    prefix = params["prefix"] or ""
    return sorted(name for name in current if name not in names and name.startswith(prefix))


def main() -> None:
    transformation = dict(
        metric_name=dict(type="str"),
        metric_namespace=dict(type="str"),
        metric_value=dict(type="str"),
        default_value=dict(type="float"),
        dimensions=dict(type="dict"),
        unit=dict(type="str"),
    )
    filter_spec = dict(
        name=dict(type="str", required=True),
        filter_pattern=dict(type="str"),
        metric_transformation=dict(type="dict", options=transformation),
    )
    module = AnsibleAWSModule(
        argument_spec=dict(
            log_group_name=dict(type="str", required=True),
            metric_filters=dict(type="list", elements="dict", required=True, options=filter_spec),
            purge=dict(type="bool", default=False),
            prefix=dict(type="str"),
            state=dict(type="str", default="present", choices=["present", "absent"]),
        ),
        supports_check_mode=True,
    )
    params = module.params
    errors = _validate(params)
    if errors:
        module.fail_json(msg=" ".join(errors))
    group, items = params["log_group_name"], params["metric_filters"]
    names = [item["name"] for item in items]

    connection = client(module, "logs")
    try:
        current = filters.describe_all(connection, group)
        purged = _purged(current, names, params)
        before, after, results, created, updated = {}, {}, [], [], []
        if params["state"] == "absent":
            deleted = [name for name in names if name in current] + purged
        else:
            deleted = purged
            for item in items:
                name = item["name"]
                have, want = filters.view(current.get(name)), filters.wanted(item)
                results.append({"name": name, **filters.to_ansible(want)})
                if have == want:
                    continue
                (updated if have else created).append(name)
                before[name], after[name] = have, want
                if not module.check_mode:
                    filters.put(connection, group, name, want)
        for name in deleted:
            before[name], after[name] = filters.view(current[name]), {}
            if not module.check_mode:
                filters.delete(connection, group, name)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage the metric filters of {group}")

    changed = bool(created or updated or deleted)
    result = dict(changed=changed, metric_filters=results, created=created, updated=updated, deleted=deleted)
    if changed:
        result["diff"] = make_diff(before, after)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
