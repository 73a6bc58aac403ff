#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: cloudwatch_metric_alarms
version_added: 0.5.0
short_description: Manage a list of CloudWatch metric alarms, with their tags, in one call
description:
  - Creates, updates and deletes many metric alarms (on a metric and a static threshold) in one module run,
    where M(amazon.aws.cloudwatch_metric_alarm) takes one run, two C(DescribeAlarms) and no tags per alarm.
  - "Reads: C(DescribeAlarms) by O(alarms[].name) (100 names a call), or, with O(prefix), by C(AlarmNamePrefix)
    (100 alarms a page). A converged run of N alarms makes ceil(N/100) C(DescribeAlarms) calls, plus, when
    O(tags) is set, ceil(N/100) C(GetResources) calls; nothing else."
  - C(PutMetricAlarm) is called only for the alarms that are missing or differ in an option that is set.
    C(PutMetricAlarm) replaces the whole definition of an alarm, so on an update an option left unset keeps the
    alarm's current value; on a create it takes AWS's default.
  - "Tags: C(DescribeAlarms) does not return them, and C(ListTagsForResource) would cost one call per alarm. A new
    alarm gets O(tags) in its C(PutMetricAlarm). The tags of the existing alarms are read with the Resource Groups
    Tagging API (C(GetResources), 100 ARNs a call) and changed with C(TagResources) / C(UntagResources) (20 ARNs a
    call), only for the alarms whose tags differ; so the caller needs C(tag:GetResources), C(tag:TagResources),
    C(tag:UntagResources) and C(cloudwatch:TagResource), C(cloudwatch:UntagResource). Without O(tags) the tags are
    neither read nor changed."
  - Every alarm is checked before any call (required options, one of O(alarms[].statistic) and
    O(alarms[].extended_statistic), the period, names unique); a bad comparison operator, statistic or unit is
    refused by the argument spec.
  - Alarms on metric math (C(Metrics)), anomaly detection bands (C(ThresholdMetricId)) and composite alarms are
    not managed.
author:
  - ecap.platform contributors
options:
  alarms:
    description:
      - The alarms. Each is named by O(alarms[].name); with O(state=absent) only the name is used.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Name of the alarm (1 to 255 characters).
        type: str
        required: true
      description:
        description: Description of the alarm.
        type: str
      namespace:
        description: Namespace of the metric. Required with O(state=present).
        type: str
      metric_name:
        description: Name of the metric. Required with O(state=present).
        type: str
      dimensions:
        description: Dimensions of the metric, name to value (at most 30).
        type: dict
      statistic:
        description: Statistic of the metric. One of this and O(alarms[].extended_statistic) is required.
        type: str
        choices: [SampleCount, Average, Sum, Minimum, Maximum]
      extended_statistic:
        description: A percentile statistic (C(p99), C(tm90), ...), instead of O(alarms[].statistic).
        type: str
      comparison_operator:
        description: How the statistic is compared with O(alarms[].threshold). Required with O(state=present).
        type: str
        choices: [GreaterThanOrEqualToThreshold, GreaterThanThreshold, LessThanThreshold, LessThanOrEqualToThreshold]
      threshold:
        description: The threshold. Required with O(state=present).
        type: float
      period:
        description: Seconds per period, 10, 20, 30 or a multiple of 60. Required with O(state=present).
        type: int
      evaluation_periods:
        description: The number of periods compared with the threshold. Required with O(state=present).
        type: int
      datapoints_to_alarm:
        description: How many of the O(alarms[].evaluation_periods) must breach (M out of N); AWS's default is all.
        type: int
      unit:
        description: Unit of the metric.
        type: str
        choices: [Seconds, Microseconds, Milliseconds, Bytes, Kilobytes, Megabytes, Gigabytes, Terabytes, Bits,
                  Kilobits, Megabits, Gigabits, Terabits, Percent, Count, Bytes/Second, Kilobytes/Second,
                  Megabytes/Second, Gigabytes/Second, Terabytes/Second, Bits/Second, Kilobits/Second,
                  Megabits/Second, Gigabits/Second, Terabits/Second, Count/Second, None]
      treat_missing_data:
        description: How missing data points are treated; AWS's default is V(missing).
        type: str
        choices: [breaching, notBreaching, ignore, missing]
      evaluate_low_sample_count_percentile:
        description: For a percentile, whether too few data points are evaluated or ignored.
        type: str
        choices: [evaluate, ignore]
      actions_enabled:
        description: Whether the actions run on state changes; AWS's default is V(true).
        type: bool
      alarm_actions:
        description: ARNs notified when the alarm goes to C(ALARM) (V([]) for none).
        type: list
        elements: str
      ok_actions:
        description: ARNs notified when the alarm goes to C(OK) (V([]) for none).
        type: list
        elements: str
      insufficient_data_actions:
        description: ARNs notified when the alarm goes to C(INSUFFICIENT_DATA) (V([]) for none).
        type: list
        elements: str
  tags:
    description:
      - Tags of every listed alarm. Unset leaves the tags as they are and saves the C(GetResources) calls.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove the tags not in O(tags) (the C(aws:) ones excepted).
    type: bool
    default: true
  prefix:
    description:
      - Read the alarms by this name prefix (C(AlarmNamePrefix)) instead of by name; every listed alarm must start
        with it. Required by O(purge).
    type: str
  purge:
    description:
      - Also delete the metric alarms under O(prefix) that O(alarms) does not list, with O(state=present) or
        O(state=absent) (V(absent) with O(alarms=[]) deletes every alarm under the prefix).
    type: bool
    default: false
  state:
    description: V(present) creates or updates the listed alarms, V(absent) deletes them.
    type: str
    default: present
    choices: [present, absent]
notes:
  - Supports check mode and diff mode (the options and, when O(tags) is set, the tags of each alarm that changes).
  - C(DeleteAlarms) takes 100 names a call.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Converge the alarms of the RDS instance, tagged
  ecap.platform.cloudwatch_metric_alarms:
    tags: {Project: ecap, Environment: dev}
    alarms:
      - name: ecap-dev-alarm-rds-cpu
        description: "RDS ecap-dev-postgres: CPU above 80%"
        namespace: AWS/RDS
        metric_name: CPUUtilization
        dimensions: {DBInstanceIdentifier: ecap-dev-postgres}
        statistic: Average
        comparison_operator: GreaterThanThreshold
        threshold: 80
        period: 300
        evaluation_periods: 3
        treat_missing_data: missing
        alarm_actions: [arn:aws:sns:eu-west-1:123456789012:ecap-dev-alarms]
        ok_actions: [arn:aws:sns:eu-west-1:123456789012:ecap-dev-alarms]

- name: Delete every alarm whose name starts with ecap-dev-alarm-
  ecap.platform.cloudwatch_metric_alarms:
    alarms: []
    prefix: ecap-dev-alarm-
    purge: true
    state: absent
"""

RETURN = r"""
alarms:
  description: The listed alarms as they are (or, in check mode, will be); empty with O(state=absent).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The alarm's name.
      type: str
    arn:
      description: The alarm's ARN (left out for an alarm planned in check mode).
      type: str
    tags:
      description: The alarm's tags.
      type: dict
      returned: when O(tags) is set
  sample: [{"name": "ecap-dev-alarm-rds-cpu",
            "arn": "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:ecap-dev-alarm-rds-cpu",
            "namespace": "AWS/RDS", "metric_name": "CPUUtilization",
            "dimensions": {"DBInstanceIdentifier": "ecap-dev-postgres"}, "statistic": "Average",
            "comparison_operator": "GreaterThanThreshold", "threshold": 80.0, "period": 300,
            "evaluation_periods": 3, "tags": {"Project": "ecap"}}]
created:
  description: The alarms created (or that would be).
  returned: always
  type: list
  elements: str
  sample: ["ecap-dev-alarm-rds-cpu"]
updated:
  description: The alarms whose definition or tags changed (or would).
  returned: always
  type: list
  elements: str
  sample: ["ecap-dev-alarm-rds-connections"]
deleted:
  description: The alarms deleted (or that would be), the listed ones with O(state=absent) and the purged ones.
  returned: always
  type: list
  elements: str
  sample: ["ecap-dev-alarm-old"]
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils import cloudwatch_alarms as alarms_api
from ansible_collections.ecap.platform.plugins.module_utils import resource_tags
from ansible_collections.ecap.platform.plugins.module_utils.common import (
    apply_tag_changes,
    client,
    make_diff,
    wanted_tags,
)
from ansible_collections.ecap.platform.plugins.module_utils.logs_metric_filter import UNITS


def _argument_spec() -> dict:
    alarm_spec = dict(
        name=dict(type="str", required=True),
        description=dict(type="str"),
        namespace=dict(type="str"),
        metric_name=dict(type="str"),
        dimensions=dict(type="dict"),
        statistic=dict(type="str", choices=list(alarms_api.STATISTICS)),
        extended_statistic=dict(type="str"),
        comparison_operator=dict(type="str", choices=list(alarms_api.COMPARISONS)),
        threshold=dict(type="float"),
        period=dict(type="int"),
        evaluation_periods=dict(type="int"),
        datapoints_to_alarm=dict(type="int"),
        unit=dict(type="str", choices=list(UNITS)),
        treat_missing_data=dict(type="str", choices=list(alarms_api.TREAT_MISSING_DATA)),
        evaluate_low_sample_count_percentile=dict(type="str", choices=list(alarms_api.LOW_SAMPLE_COUNT)),
        actions_enabled=dict(type="bool"),
        alarm_actions=dict(type="list", elements="str"),
        ok_actions=dict(type="list", elements="str"),
        insufficient_data_actions=dict(type="list", elements="str"),
    )
    return dict(
        alarms=dict(type="list", elements="dict", required=True, options=alarm_spec),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        prefix=dict(type="str"),
        purge=dict(type="bool", default=False),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )


def main() -> None:
    module = AnsibleAWSModule(argument_spec=_argument_spec(), supports_check_mode=True)
    params = module.params
    items, state, prefix = params["alarms"], params["state"], params["prefix"]
    errors = alarms_api.validate(items, state, params["purge"], prefix)
    if errors:
        module.fail_json(msg=" ".join(errors))
    names = [item["name"] for item in items]
    tags, purge_tags = wanted_tags(params["tags"], params["purge_tags"])

    connection = client(module, "cloudwatch")
    try:
        if prefix:
            current = alarms_api.describe_by_prefix(connection, prefix)
        else:
            current = alarms_api.describe_by_names(connection, names)
        purged = sorted(set(current) - set(names)) if params["purge"] else []
        before, after, results, created, updated = {}, {}, [], [], []
        if state == "absent":
            deleted = [name for name in names if name in current] + purged
        else:
            deleted = purged
            existing = [current[name]["AlarmArn"] for name in names if name in current]
            tagging = client(module, "resourcegroupstaggingapi") if tags is not None and existing else None
            have_tags = resource_tags.describe(tagging, existing) if tagging else {}
            tag_plan = resource_tags.plan(have_tags, tags, purge_tags) if tagging else {}
            for item in items:
                name, have = item["name"], current.get(item["name"])
                arn = have["AlarmArn"] if have else None
                request = alarms_api.put_request(name, item, have, tags)
                changes = alarms_api.differences(have, item) if have else None
                result = {"name": name, **({"arn": arn} if arn else {}), **alarms_api.view(request)}
                tag_change = tag_plan.get(arn)
                if tags is not None:
                    was = have_tags.get(arn, {}) if have else {}
                    result["tags"] = apply_tag_changes(was, *tag_change) if tag_change else (was if have else tags)
                results.append(result)
                if have and not changes and not tag_change:
                    continue
                (updated if have else created).append(name)
                before[name], after[name] = alarms_api.view(have), alarms_api.view(request)
                if tags is not None:
                    after[name]["tags"] = result["tags"]
                    if have:
                        before[name]["tags"] = was
                if not module.check_mode and (changes or not have):
                    alarms_api.put(connection, request)
            failures = resource_tags.apply(tagging, tag_plan) if tag_plan and not module.check_mode else []
            if failures:
                module.fail_json(msg=f"Failed to tag alarms: {'; '.join(failures)}")
        for name in deleted:
            before[name], after[name] = alarms_api.view(current[name]), {}
        if deleted and not module.check_mode:
            alarms_api.delete(connection, deleted)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg="Failed to manage the metric alarms")

    changed = bool(created or updated or deleted)
    result = dict(changed=changed, alarms=results, created=created, updated=updated, deleted=deleted)
    if changed:
        result["diff"] = make_diff(before, after)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
