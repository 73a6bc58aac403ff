#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: cloudwatch_dashboard
version_added: 0.3.0
short_description: Manage a CloudWatch dashboard
description:
  - Creates, replaces or deletes a CloudWatch dashboard (C(PutDashboard), C(GetDashboard), C(DeleteDashboards)).
  - The body is compared with the dashboard's as parsed JSON, so key order and whitespace are no change; a
    different body replaces the dashboard whole, as C(PutDashboard) does.
  - The body is checked before any call (a C(widgets) list, each widget with a known C(type) and its
    C(properties), at most 1 MiB); CloudWatch's own warnings are returned in RV(validation_messages).
  - Neither amazon.aws nor community.aws has a dashboard module. Dashboards cannot be tagged in CloudWatch.
author:
  - ecap.platform contributors
options:
  name:
    description: Name of the dashboard (letters, digits, C(-), C(_); up to 255).
    type: str
    required: true
    aliases: [dashboard_name]
  body:
    description:
      - The dashboard's body (a dict or a JSON string) with its C(widgets), as the
        L(dashboard body structure,https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html)
        describes it. Required with O(state=present).
    type: raw
  state:
    description: Whether the dashboard exists.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The business KPIs beside the platform's health
  ecap.platform.cloudwatch_dashboard:
    name: ecap-dev-business
    body:
      widgets:
        - type: metric
          x: 0
          y: 0
          width: 12
          height: 6
          properties:
            title: Orders per minute
            region: us-west-2
            metrics: [[ECAP/Business, OrdersPerMinute, Environment, dev]]

- name: Remove it
  ecap.platform.cloudwatch_dashboard:
    name: ecap-dev-business
    state: absent
"""

RETURN = r"""
dashboard:
  description: The dashboard; empty when absent.
  returned: always
  type: dict
  contains:
    name:
      description: Its name.
      type: str
      returned: when present
    arn:
      description: Its ARN (absent in check mode before creation).
      type: str
      returned: when the dashboard exists
      sample: arn:aws:cloudwatch::123456789012:dashboard/ecap-dev-business
    widgets:
      description: How many widgets its body has.
      type: int
      returned: when present
validation_messages:
  description:
    - CloudWatch's validation warnings for a body it saved (elements that may not render), also given as warnings.
  returned: when a body was written
  type: list
  elements: str
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils import cloudwatch_dashboard as dashboards
from ansible_collections.ecap.platform.plugins.module_utils.common import client, make_diff


def _view(name: str, arn: str | None, body: dict) -> dict:
    view = {"name": name, "widgets": len(body.get("widgets", []))}
    if arn:
        view["arn"] = arn
    return view


def ensure_present(connection, module: AnsibleAWSModule) -> None:
    name = module.params["name"]
    body = dashboards.parse_body(module.params["body"])
    current = dashboards.describe(connection, name)
    if current is not None and current["body"] == body:
        module.exit_json(changed=False, dashboard=_view(name, current["arn"], body))
    warnings: list[str] = []
    arn = current["arn"] if current else None
    if not module.check_mode:
        warnings = dashboards.put(connection, name, body)
        arn = (dashboards.describe(connection, name) or {}).get("arn", arn)
    for warning in warnings:
        module.warn(f"CloudWatch on dashboard {name}: {warning}")
    module.exit_json(
        changed=True,
        dashboard=_view(name, arn, body),
        validation_messages=warnings,
        diff=make_diff({"body": current["body"]} if current else {}, {"body": body}),
    )


def ensure_absent(connection, module: AnsibleAWSModule) -> None:
    name = module.params["name"]
    current = dashboards.describe(connection, name)
    if current is None:
        module.exit_json(changed=False, dashboard={})
    if not module.check_mode:
        dashboards.delete(connection, name)
    module.exit_json(changed=True, dashboard={}, diff=make_diff({"body": current["body"]}, {}))


def main() -> None:
    argument_spec = dict(
        name=dict(type="str", required=True, aliases=["dashboard_name"]),
        body=dict(type="raw"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    errors = dashboards.validate(module.params)
    if errors:
        module.fail_json(msg=" ".join(errors))
    connection = client(module, "cloudwatch")
    try:
        if module.params["state"] == "present":
            ensure_present(connection, module)
        else:
            ensure_absent(connection, module)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage dashboard {module.params['name']}")


if __name__ == "__main__":
    main()
