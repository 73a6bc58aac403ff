#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: elasticache_parameter_group
version_added: 0.2.0
short_description: Manage ElastiCache cache parameter groups (Redis OSS 7, Valkey)
description:
  - Create a cache parameter group, set its parameters, tag it, delete it.
  - Written because community.aws.elasticache_parameter_group (10.0.0) cannot create a C(redis7), C(valkey7)
    or C(valkey8) group (its family choices stop at C(redis6.x)), has no check mode, diff or tags, and calls
    ModifyCacheParameterGroup on every run even when nothing differs.
  - Only the parameters in O(parameters) are managed; O(purge_parameters=true) resets the others that were
    set on the group to their defaults.
  - Parameters whose change type is C(requires-reboot) are listed in RV(reboot_required); the module never
    reboots nodes.
  - The family of an existing group cannot change; a different O(family) is an error.
author:
  - ecap.platform contributors
options:
  name:
    description: Name of the parameter group.
    type: str
    required: true
  family:
    description: Parameter group family, e.g. C(redis7), C(valkey8). Required to create.
    type: str
  description:
    description: Description (set on create only; AWS cannot change it).
    type: str
    default: ""
  parameters:
    description: Parameter name to value. Booleans become C(yes)/C(no).
    type: dict
    default: {}
  purge_parameters:
    description: Reset parameters set on the group but not in O(parameters).
    type: bool
    default: false
  tags:
    description: Tags.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove tags not in O(tags).
    type: bool
    default: true
  state:
    description: Whether the group exists.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: A Redis 7 parameter group tuned for a cache
  ecap.platform.elasticache_parameter_group:
    name: ecap-dev-redis7
    family: redis7
    description: ecap dev cache
    parameters:
      maxmemory-policy: allkeys-lru
      timeout: 300
      tcp-keepalive: 60
    tags:
      Project: ecap
"""

RETURN = r"""
parameter_group:
  description: The group.
  returned: state=present
  type: dict
  contains:
    name: {description: Name., type: str}
    family: {description: Family., type: str}
    arn: {description: ARN., type: str}
    parameters: {description: The parameters set on the group (Source=user)., type: dict}
    tags: {description: Tags., type: dict}
reboot_required:
  description: Parameters changed by this run that take effect only after the nodes reboot.
  returned: always
  type: list
  elements: str
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
    make_diff,
    wanted_tags,
)
from ansible_collections.ecap.platform.plugins.module_utils.elasticache import (
    create_parameter_group,
    delete_parameter_group,
    describe_parameter_group,
    describe_parameters,
    list_tags,
    modify_parameters,
    plan_parameter_group,
    reset_parameters,
    update_tags,
)


def view(group, values, tags):
    if not group:
        return {}
    return {
        "name": group["CacheParameterGroupName"],
        "family": group.get("CacheParameterGroupFamily"),
        "arn": group.get("ARN"),
        "parameters": dict(sorted(values.items())),
        "tags": dict(tags),
    }


def present(module, ec) -> None:
    params = module.params
    tags, purge_tags = wanted_tags(params["tags"], params["purge_tags"])
    group = describe_parameter_group(ec, params["name"])
    values, change_types, current_tags = {}, {}, {}
    if group:
        for p in describe_parameters(ec, params["name"]):
            change_types[p["ParameterName"]] = p.get("ChangeType")
            if p.get("Source") == "user":
                values[p["ParameterName"]] = p.get("ParameterValue", "")
        current_tags = list_tags(ec, group["ARN"])
    plan = plan_parameter_group(group, values, current_tags, params, tags, purge_tags)
    if plan.family_mismatch:
        module.fail_json(
            msg=(
                f"Parameter group {params['name']} is of family {plan.family_mismatch[0]}, "
                f"not {plan.family_mismatch[1]}; a family cannot change: use another name."
            )
        )
    if plan.create and not params["family"]:
        module.fail_json(msg=f"family is required to create parameter group {params['name']}.")
    reboot = sorted(n for n in [*plan.to_modify, *plan.to_reset] if change_types.get(n) == "requires-reboot")
    if not plan.changed:
        module.exit_json(changed=False, reboot_required=[], parameter_group=view(group, values, current_tags))
    after_values = {k: v for k, v in values.items() if k not in plan.to_reset}
    after_values.update(plan.to_modify)
    after_tags = (
        dict(tags or {}) if plan.create else apply_tag_changes(current_tags, plan.tags_to_set, plan.tags_to_unset)
    )
    predicted = group or {
        "CacheParameterGroupName": params["name"],
        "CacheParameterGroupFamily": params["family"],
    }
    diff = make_diff(view(group, values, current_tags), view(predicted, after_values, after_tags))
    if module.check_mode:
        module.exit_json(
            changed=True, reboot_required=reboot, parameter_group=view(predicted, after_values, after_tags), diff=diff
        )
    if plan.create:
        group = create_parameter_group(ec, params["name"], params["family"], params["description"], tags or {})
    else:
        update_tags(ec, group["ARN"], plan.tags_to_set, plan.tags_to_unset)
    if plan.to_reset:
        reset_parameters(ec, params["name"], plan.to_reset)
    if plan.to_modify:
        modify_parameters(ec, params["name"], plan.to_modify)
    module.exit_json(
        changed=True, reboot_required=reboot, parameter_group=view(group, after_values, after_tags), diff=diff
    )


def absent(module, ec) -> None:
    group = describe_parameter_group(ec, module.params["name"])
    if group is None:
        module.exit_json(changed=False, reboot_required=[])
    if not module.check_mode:
        delete_parameter_group(ec, module.params["name"])
    module.exit_json(changed=True, reboot_required=[], diff=make_diff({"name": module.params["name"]}, {}))


def main() -> None:
    argument_spec = dict(
        name=dict(type="str", required=True),
        family=dict(type="str"),
        description=dict(type="str", default=""),
        parameters=dict(type="dict", default={}),
        purge_parameters=dict(type="bool", default=False),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    ec = client(module, "elasticache")
    try:
        if module.params["state"] == "present":
            present(module, ec)
        else:
            absent(module, ec)
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage cache parameter group {module.params['name']}")


if __name__ == "__main__":
    main()
