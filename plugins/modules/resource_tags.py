#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: resource_tags
version_added: 0.3.0
short_description: Converge the tags of resources of any service (Resource Groups Tagging API)
description:
  - Sets the same tags on a list of resources, by ARN, with the Resource Groups Tagging API (GetResources,
    TagResources, UntagResources), with check mode and diff.
  - For resources whose upstream module cannot tag them, such as the alarms of
    M(amazon.aws.cloudwatch_metric_alarm) and the rules of M(amazon.aws.cloudwatchevent_rule)
    (amazon.aws 10.1.2), so that every resource of the platform carries its tags and the leak report
    (M(ecap.platform.tagged_resources_info)) finds what a teardown left.
  - The ARNs that need the same change go in one call (at most 20 ARNs a call). A no-op run makes one
    GetResources call per 100 ARNs.
  - The resources must exist; an ARN the service does not know fails the task after the others were tagged.
author:
  - ecap.platform contributors
options:
  resource_arns:
    description: The ARNs of the resources.
    type: list
    elements: str
    required: true
  tags:
    description: The tags every resource should carry.
    type: dict
    required: true
    aliases: [resource_tags]
  purge_tags:
    description: Remove the tags not in O(tags) (C(aws:*) tags are never touched).
    type: bool
    default: false
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Tag the alarms and the EventBridge rules of the environment
  ecap.platform.resource_tags:
    resource_arns:
      - arn:aws:cloudwatch:us-west-2:123456789012:alarm:ecap-dev-rds-cpu
      - arn:aws:events:us-west-2:123456789012:rule/ecap-dev-root-account-usage
    tags:
      Project: ecap
      Environment: dev
    purge_tags: true
"""

RETURN = r"""
resources:
  description: The resources with their tags after the change (in check mode, as they would be).
  returned: always
  type: list
  elements: dict
  contains:
    arn:
      description: The ARN of the resource.
      type: str
      sample: arn:aws:cloudwatch:us-west-2:123456789012:alarm:ecap-dev-rds-cpu
    tags:
      description: Its tags.
      type: dict
      sample: {"Project": "ecap", "Environment": "dev"}
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils import resource_tags
from ansible_collections.ecap.platform.plugins.module_utils.common import apply_tag_changes, client, make_diff


def main() -> None:
    argument_spec = dict(
        resource_arns=dict(type="list", elements="str", required=True),
        tags=dict(type="dict", required=True, aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=False),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    errors = resource_tags.validate(params)
    if errors:
        module.fail_json(msg=" ".join(errors))
    arns = list(dict.fromkeys(params["resource_arns"]))
    if not arns:
        module.exit_json(changed=False, resources=[])
    connection = client(module, "resourcegroupstaggingapi")
    try:
        current = resource_tags.describe(connection, arns)
        changes = resource_tags.plan(current, params["tags"], params["purge_tags"])
        after = {arn: apply_tag_changes(tags, *changes.get(arn, ({}, []))) for arn, tags in current.items()}
        resources = [{"arn": arn, "tags": after[arn]} for arn in arns]
        if not changes:
            module.exit_json(changed=False, resources=resources)
        if not module.check_mode:
            failures = resource_tags.apply(connection, changes)
            if failures:
                module.fail_json(msg=f"Failed to tag {len(failures)} resource(s): {'; '.join(failures)}")
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg="Failed to tag the resources")
    module.exit_json(
        changed=True,
        resources=resources,
        diff=make_diff({arn: current[arn] for arn in changes}, {arn: after[arn] for arn in changes}),
    )


if __name__ == "__main__":
    main()
