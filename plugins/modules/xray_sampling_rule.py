#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: xray_sampling_rule
version_added: 0.3.0
short_description: Manage an AWS X-Ray sampling rule (matchers, rate, reservoir, tags) with check mode and diff
description:
  - Creates, updates or deletes an X-Ray sampling rule (C(CreateSamplingRule), C(GetSamplingRules),
    C(UpdateSamplingRule), C(DeleteSamplingRule), C(TagResource), C(UntagResource), C(ListTagsForResource)).
    SDKs and collectors that use X-Ray remote sampling read the rules and apply the first one that matches a
    request, in the order of O(priority).
  - A matching request is traced while the rule's reservoir (O(reservoir_size) traces per second, shared by every
    instance of the service) lasts, then O(fixed_rate) of the rest.
  - Written because neither amazon.aws nor community.aws (10.x) has an X-Ray module.
  - The options are checked before any call (name 1-32 characters, priority 1-9999, fixed rate 0-1, reservoir 0 or
    more, the matchers' lengths, at most 5 attributes, tags).
  - The account's C(Default) rule (priority 10000) exists in every Region; only its O(fixed_rate) and
    O(reservoir_size) can be set, and it cannot be deleted.
  - Reading a rule lists the Region's rules (C(GetSamplingRules), paged, as there is no call for one rule); a no-op run
    makes one call per page, plus C(ListTagsForResource) when O(tags) is set.
author:
  - ecap.platform contributors
options:
  name:
    description: The name of the rule (1-32 characters).
    type: str
    required: true
    aliases: [rule_name]
  priority:
    description: Evaluation order, 1-9999 (lowest first). Required with O(state=present), except for C(Default).
    type: int
  fixed_rate:
    description:
      - The fraction (0-1) of the matching requests traced once the reservoir is used up, e.g. C(0.05) for 5 %.
        Required with O(state=present), except for C(Default).
    type: float
  reservoir_size:
    description:
      - Matching requests traced per second before O(fixed_rate) applies (0 or more; 0 with O(fixed_rate=0) traces
        none). Required with O(state=present), except for C(Default).
    type: int
  service_name:
    description: Matches the service name of the segments (the OpenTelemetry C(service.name)); C(*) matches any.
    type: str
    default: "*"
  service_type:
    description: Matches the origin of the service (e.g. C(AWS::EKS::Container)); C(*) matches any.
    type: str
    default: "*"
  host:
    description: Matches the host name of the request URL; C(*) and C(?) are wildcards.
    type: str
    default: "*"
  http_method:
    description: Matches the HTTP method of the request; C(*) matches any.
    type: str
    default: "*"
  url_path:
    description: Matches the path of the request URL, e.g. C(/health*); C(*) and C(?) are wildcards.
    type: str
    default: "*"
  resource_arn:
    description: Matches the ARN of the AWS resource the service runs on; C(*) matches any.
    type: str
    default: "*"
  attributes:
    description:
      - Segment attributes the request must have (at most 5, keys and values 1-32 characters). Unset keeps them
        (none on a new rule); V({}) removes them.
    type: dict
  tags:
    description: Tags of the rule. Unset leaves the tags as they are.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove the tags not in O(tags).
    type: bool
    default: true
  state:
    description: Whether the rule should exist.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Never trace the health checks
  ecap.platform.xray_sampling_rule:
    name: ecap-prod-health
    priority: 1
    fixed_rate: 0
    reservoir_size: 0
    url_path: /health*
    tags:
      Project: ecap
      Environment: prod

- name: Trace one request a second of the API, then 5 %
  ecap.platform.xray_sampling_rule:
    name: ecap-prod-api
    priority: 100
    fixed_rate: 0.05
    reservoir_size: 1
    service_name: ecap-api

- name: Lower the account's Default rule
  ecap.platform.xray_sampling_rule:
    name: Default
    fixed_rate: 0.01
    reservoir_size: 1

- name: Remove a rule
  ecap.platform.xray_sampling_rule:
    name: ecap-prod-api
    state: absent
"""

RETURN = r"""
sampling_rule:
  description: The rule after the change (in check mode, as it would be); empty when absent.
  returned: always
  type: dict
  contains:
    name:
      description: The name of the rule.
      type: str
      returned: when present
      sample: ecap-prod-api
    arn:
      description: The ARN of the rule; absent in check mode before creation.
      type: str
      returned: when the rule exists
      sample: arn:aws:xray:us-west-2:123456789012:sampling-rule/ecap-prod-api
    priority:
      description: The evaluation order.
      type: int
      returned: when present
    fixed_rate:
      description: The fraction traced after the reservoir.
      type: float
      returned: when present
    reservoir_size:
      description: Traces per second before the fixed rate.
      type: int
      returned: when present
    service_name:
      description: The service name matcher.
      type: str
      returned: when present
    service_type:
      description: The service type matcher.
      type: str
      returned: when present
    host:
      description: The host matcher.
      type: str
      returned: when present
    http_method:
      description: The HTTP method matcher.
      type: str
      returned: when present
    url_path:
      description: The URL path matcher.
      type: str
      returned: when present
    resource_arn:
      description: The resource ARN matcher.
      type: str
      returned: when present
    attributes:
      description: The attribute matchers.
      type: dict
      returned: when present
    tags:
      description: The tags of the rule.
      type: dict
      returned: when O(tags) is set
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils import xray
from ansible_collections.ecap.platform.plugins.module_utils.common import client


def main() -> None:
    argument_spec = dict(
        name=dict(type="str", required=True, aliases=["rule_name"]),
        priority=dict(type="int"),
        fixed_rate=dict(type="float"),
        reservoir_size=dict(type="int"),
        service_name=dict(type="str", default="*"),
        service_type=dict(type="str", default="*"),
        host=dict(type="str", default="*"),
        http_method=dict(type="str", default="*"),
        url_path=dict(type="str", default="*"),
        resource_arn=dict(type="str", default="*"),
        attributes=dict(type="dict"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    errors = xray.validate_rule(module.params)
    if errors:
        module.fail_json(msg=" ".join(errors))
    connection = client(module, "xray")
    try:
        result = xray.converge(connection, "sampling_rule", module.params, module.check_mode)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage X-Ray sampling rule {module.params['name']}")
    module.exit_json(**result)


if __name__ == "__main__":
    main()
