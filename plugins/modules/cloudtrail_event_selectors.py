#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: cloudtrail_event_selectors
version_added: 0.4.0
short_description: Set the advanced event selectors of a CloudTrail trail (management and data events)
description:
  - Sets which events a trail records with advanced event selectors (C(PutEventSelectors)), for example S3
    object-level (data) events of some buckets next to every management event (CIS 3.8, 3.9).
  - Written because M(amazon.aws.cloudtrail) (amazon.aws 10.1.2) cannot set event selectors.
  - Advanced selectors replace the classic ones. A trail with advanced selectors records management events only if
    one selector has C(eventCategory) V(Management); include one unless the trail is for data events only.
  - The selectors are compared without regard to the order of the field selectors and of their values. A no-op run
    makes one call (GetEventSelectors).
author:
  - ecap.platform contributors
options:
  trail_name:
    description: The trail (name or ARN). It must exist.
    type: str
    required: true
  advanced_event_selectors:
    description: The advanced event selectors (at most 500). Required with O(state=present).
    type: list
    elements: dict
    suboptions:
      name:
        description: A name for the selector.
        type: str
      field_selectors:
        description: The conditions, all of which an event must meet; one must be on C(eventCategory).
        type: list
        elements: dict
        required: true
        suboptions:
          field:
            description: The field (C(eventCategory), C(resources.type), C(resources.ARN), C(readOnly), ...).
            type: str
            required: true
          equals:
            description: Values the field equals.
            type: list
            elements: str
          starts_with:
            description: Prefixes of the field.
            type: list
            elements: str
          ends_with:
            description: Suffixes of the field.
            type: list
            elements: str
          not_equals:
            description: Values the field does not equal.
            type: list
            elements: str
          not_starts_with:
            description: Prefixes the field does not have.
            type: list
            elements: str
          not_ends_with:
            description: Suffixes the field does not have.
            type: list
            elements: str
  state:
    description:
      - V(present) sets O(advanced_event_selectors); V(absent) puts back what a new trail records (every
        management event, no data event).
    type: str
    default: present
    choices: [present, absent]
notes:
  - Supports check mode and diff mode.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Management events, and the object-level events of the data lake bucket
  ecap.platform.cloudtrail_event_selectors:
    trail_name: ecap-dev-trail
    advanced_event_selectors:
      - name: Management events
        field_selectors:
          - {field: eventCategory, equals: [Management]}
      - name: Data lake objects
        field_selectors:
          - {field: eventCategory, equals: [Data]}
          - {field: resources.type, equals: ["AWS::S3::Object"]}
          - {field: resources.ARN, starts_with: ["arn:aws:s3:::ecap-dev-datalake-123456789012-us-west-2/"]}

- name: Back to management events only
  ecap.platform.cloudtrail_event_selectors:
    trail_name: ecap-dev-trail
    state: absent
"""

RETURN = r"""
advanced_event_selectors:
  description: The advanced selectors after the run (in check mode, as they would be); empty when there are none.
  returned: always
  type: list
  elements: dict
  sample: [{"name": "Management events", "field_selectors": [{"field": "eventCategory", "equals": ["Management"]}]}]
event_selectors:
  description: The classic selectors after the run (what V(absent) sets); empty with advanced selectors.
  returned: always
  type: list
  elements: dict
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils import cloudtrail
from ansible_collections.ecap.platform.plugins.module_utils.common import client, make_diff


def main() -> None:
    operators = {option: dict(type="list", elements="str") for option in cloudtrail.OPERATORS}
    argument_spec = dict(
        trail_name=dict(type="str", required=True),
        advanced_event_selectors=dict(
            type="list",
            elements="dict",
            options=dict(
                name=dict(type="str"),
                field_selectors=dict(
                    type="list",
                    elements="dict",
                    required=True,
                    options=dict(field=dict(type="str", required=True), **operators),
                ),
            ),
        ),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    errors = cloudtrail.validate(module.params)
    if errors:
        module.fail_json(msg=" ".join(errors))
    trail = module.params["trail_name"]
    connection = client(module, "cloudtrail")
    try:
        current = cloudtrail.describe(connection, trail)
        if module.params["state"] == "present":
            want = cloudtrail.wanted(module.params)
            if current["AdvancedEventSelectors"] == want and not current["EventSelectors"]:
                module.exit_json(changed=False, **cloudtrail.view(current))
            after = {"EventSelectors": [], "AdvancedEventSelectors": want}
            if not module.check_mode:
                after = cloudtrail.put_advanced(connection, trail, want)
        else:
            if cloudtrail.is_default(current):
                module.exit_json(changed=False, **cloudtrail.view(current))
            after = {"EventSelectors": cloudtrail.DEFAULT_SELECTORS, "AdvancedEventSelectors": []}
            if not module.check_mode:
                after = cloudtrail.put_default(connection, trail)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage the event selectors of trail {trail}")
    before, result = cloudtrail.view(current), cloudtrail.view(after)
    module.exit_json(changed=True, diff=make_diff(before, result), **result)


if __name__ == "__main__":
    main()
