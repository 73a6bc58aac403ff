#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: elb_target_group
version_added: 0.5.0
short_description: Manage an ELBv2 target group (health check, attributes, tags) with check mode and diff
description:
  - Create, update and delete an Elastic Load Balancing v2 target group - its health check, its deregistration
    delay and its tags. Its targets are not managed (the AWS Load Balancer Controller's C(TargetGroupBinding)
    registers the pods of an C(ip) target group).
  - Written because M(community.aws.elb_target_group) (community.aws 10.0.0) describes the target group, its
    attributes and its tags twice each on a run that changes nothing, and has no check mode. A no-op run here makes
    three calls (DescribeTargetGroups, DescribeTargetGroupAttributes, DescribeTags; two without O(tags)).
  - The target type, protocol, port and VPC of a target group cannot change; a different value fails with a
    message naming them (delete the target group first). Bad input fails before any API call.
author:
  - ecap.platform contributors
options:
  name:
    description: The name (1-32 letters, digits and hyphens, not beginning or ending with a hyphen).
    type: str
    required: true
  target_type:
    description: The type of the targets. Fixed at creation.
    type: str
    choices: [instance, ip, lambda, alb]
  protocol:
    description: The protocol of the traffic to the targets. Required to create (except V(lambda)); fixed at creation.
    type: str
    choices: [HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP, GENEVE]
  port:
    description: The port of the targets. Required to create (except V(lambda)); fixed at creation.
    type: int
  vpc_id:
    description: The VPC of the targets. Required to create (except V(lambda)); fixed at creation.
    type: str
  health_check_protocol:
    description: The protocol of the health checks. Unset leaves it as it is (at creation, AWS's default).
    type: str
    choices: [HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP, GENEVE]
  health_check_port:
    description: The port of the health checks, or V(traffic-port). Unset leaves it as it is.
    type: str
  health_check_path:
    description: The path of HTTP(S) health checks (starts with C(/)). Unset leaves it as it is.
    type: str
  health_check_interval:
    description: Seconds between health checks (5-300). Unset leaves it as it is.
    type: int
  health_check_timeout:
    description: Seconds without an answer that fail a health check (2-120, less than the interval).
    type: int
  healthy_threshold_count:
    description: Consecutive successes that make a target healthy (2-10).
    type: int
  unhealthy_threshold_count:
    description: Consecutive failures that make a target unhealthy (2-10).
    type: int
  successful_response_codes:
    description: The HTTP codes of a healthy answer (V(200), V(200,302), V(200-299)). Unset leaves it as it is.
    type: str
  deregistration_delay_timeout:
    description: Seconds a deregistering target keeps its connections (0-3600). Unset leaves it as it is.
    type: int
  tags:
    description: Tags of the target group. Unset leaves the tags as they are (and saves the DescribeTags call).
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove the tags not in O(tags).
    type: bool
    default: true
  state:
    description: Whether the target group should exist. A target group a listener still forwards to cannot be deleted.
    type: str
    default: present
    choices: [present, absent]
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The Grafana target group (pods registered by a TargetGroupBinding)
  ecap.platform.elb_target_group:
    name: ecap-dev-grafana
    target_type: ip
    protocol: HTTP
    port: 3000
    vpc_id: vpc-0123456789abcdef0
    health_check_protocol: HTTP
    health_check_port: traffic-port
    health_check_path: /api/health
    health_check_interval: 15
    health_check_timeout: 5
    healthy_threshold_count: 2
    unhealthy_threshold_count: 3
    successful_response_codes: "200"
    deregistration_delay_timeout: 30
    tags:
      Project: ecap
      App: grafana

- name: Remove it
  ecap.platform.elb_target_group:
    name: ecap-dev-grafana
    state: absent
"""

RETURN = r"""
target_group_arn:
  description: The ARN of the target group; empty when absent or before creation in check mode.
  returned: always
  type: str
  sample: arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/ecap-dev-grafana/0123456789abcdef
target_group:
  description: The target group after the change (in check mode, as it would be); empty when absent.
  returned: always
  type: dict
  contains:
    name:
      description: The name.
      type: str
      returned: when present
    target_group_arn:
      description: The ARN.
      type: str
      returned: when present
    target_type:
      description: The type of the targets.
      type: str
      returned: when present
      sample: ip
    protocol:
      description: The protocol.
      type: str
      returned: when present
    port:
      description: The port.
      type: int
      returned: when present
    vpc_id:
      description: The VPC.
      type: str
      returned: when present
    health_check_path:
      description: The health check path (and the other health check settings, named as the options).
      type: str
      returned: when present
    successful_response_codes:
      description: The HTTP codes of a healthy answer.
      type: str
      returned: when present
    deregistration_delay_timeout:
      description: The deregistration delay in seconds.
      type: int
      returned: when present
    tags:
      description: The tags.
      type: dict
      returned: when O(tags) is set
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils import elb
from ansible_collections.ecap.platform.plugins.module_utils.common import client, make_diff


def _diffable(view: dict) -> dict:
    return {k: v for k, v in view.items() if k != "target_group_arn"}


def _done(module: AnsibleAWSModule, changed: bool, view: dict, **extra) -> None:
    module.exit_json(changed=changed, target_group=view, target_group_arn=view.get("target_group_arn", ""), **extra)


def ensure_present(connection, module: AnsibleAWSModule) -> None:
    params = module.params
    with_tags = params["tags"] is not None
    current = elb.describe(connection, params["name"], with_tags)
    if current is None:
        problem = elb.creatable(params)
        if problem:
            module.fail_json(msg=problem)
        after = elb.predicted(None, params, {})
        if not module.check_mode:
            elb.create(connection, params)
            after = elb.view(elb.describe(connection, params["name"], with_tags))
        _done(module, True, after, diff=make_diff({}, _diffable(after)))
    changes = elb.plan(current, params)
    if changes.get("immutable"):
        fixed = ", ".join(f"{o} {have!r} -> {want!r}" for o, (have, want) in sorted(changes["immutable"].items()))
        module.fail_json(msg=f"Target group {params['name']} cannot change {fixed}: delete it first (it is fixed).")
    before = elb.view(current)
    if not changes:
        _done(module, False, before)
    after = elb.predicted(current, params, changes)
    if not module.check_mode:
        elb.apply(connection, current, changes)
    _done(module, True, after, diff=make_diff(_diffable(before), _diffable(after)))


def ensure_absent(connection, module: AnsibleAWSModule) -> None:
    current = elb.describe(connection, module.params["name"], with_tags=False)
    if current is None:
        _done(module, False, {})
    if not module.check_mode:
        elb.delete(connection, current["TargetGroupArn"])
    _done(module, True, {}, diff=make_diff(_diffable(elb.view(current)), {}))


def main() -> None:
    argument_spec = dict(
        name=dict(type="str", required=True),
        target_type=dict(type="str", choices=list(elb.TARGET_TYPES)),
        protocol=dict(type="str", choices=list(elb.PROTOCOLS)),
        port=dict(type="int"),
        vpc_id=dict(type="str"),
        health_check_protocol=dict(type="str", choices=list(elb.PROTOCOLS)),
        health_check_port=dict(type="str"),
        health_check_path=dict(type="str"),
        health_check_interval=dict(type="int"),
        health_check_timeout=dict(type="int"),
        healthy_threshold_count=dict(type="int"),
        unhealthy_threshold_count=dict(type="int"),
        successful_response_codes=dict(type="str"),
        deregistration_delay_timeout=dict(type="int"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    errors = elb.validate(module.params)
    if errors:
        module.fail_json(msg=" ".join(errors))
    connection = client(module, "elbv2")
    try:
        if module.params["state"] == "present":
            ensure_present(connection, module)
        else:
            ensure_absent(connection, module)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage target group {module.params['name']}")


if __name__ == "__main__":
    main()
