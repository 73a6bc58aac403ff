#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: s3_bucket_intelligent_tiering
version_added: 0.1.0
short_description: Manage the S3 Intelligent-Tiering configurations of a bucket
description:
  - Creates, updates and deletes one S3 Intelligent-Tiering archive configuration of a bucket
    (C(PutBucketIntelligentTieringConfiguration)), identified by O(id); or, with O(configurations), all of them in
    one run that reads them with one C(ListBucketIntelligentTieringConfigurations) (and, with
    O(purge_configurations), deletes those not listed). A bucket holds up to 1,000.
  - The configuration makes objects stored in the C(INTELLIGENT_TIERING) storage class that match the filter
    move to the Archive Access tier and/or the Deep Archive Access tier after the given days without access.
    Objects enter C(INTELLIGENT_TIERING) by upload or by a lifecycle transition.
  - The options are checked before any call - days of C(ARCHIVE_ACCESS) between 90 and 730, of
    C(DEEP_ARCHIVE_ACCESS) between 180 and 730 and greater than those of C(ARCHIVE_ACCESS).
author:
  - ecap.platform contributors
options:
  bucket:
    description: The name of the bucket.
    type: str
    required: true
    aliases: [name]
  id:
    description: The id of the configuration (1-64 characters). Required unless O(configurations) is given.
    type: str
  configurations:
    description:
      - Every configuration of the bucket, each with the options O(id), O(prefix), O(filter_tags), O(status) and
        O(tierings) of a single configuration. Excludes O(id) and O(state=absent).
    type: list
    elements: dict
  purge_configurations:
    description: With O(configurations), delete the bucket's configurations that are not listed.
    type: bool
    default: false
  prefix:
    description: Only objects whose key starts with this prefix. Unset (and no O(filter_tags)) - the whole bucket.
    type: str
  filter_tags:
    description: Only objects with all of these tags.
    type: dict
  status:
    description: Whether the configuration applies.
    type: str
    default: enabled
    choices: [enabled, disabled]
  tierings:
    description: The archive access tiers and the days without access after which objects move there.
    type: list
    elements: dict
    default: []
    suboptions:
      access_tier:
        description: The tier.
        type: str
        required: true
        choices: [ARCHIVE_ACCESS, DEEP_ARCHIVE_ACCESS]
      days:
        description: Consecutive days without access before an object moves to the tier.
        type: int
        required: true
  state:
    description: V(present) creates or replaces the configuration, V(absent) deletes it.
    type: str
    default: present
    choices: [present, absent]
notes:
  - Supports check mode and diff mode. A no-op run makes one read call (one configuration or all of them).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Archive curated data not read for 90 days, deep-archive it after 180
  ecap.platform.s3_bucket_intelligent_tiering:
    bucket: ecap-prod-datalake-123456789012-us-west-2
    id: curated
    prefix: curated/
    tierings:
      - {access_tier: ARCHIVE_ACCESS, days: 90}
      - {access_tier: DEEP_ARCHIVE_ACCESS, days: 180}

- name: Every configuration of the bucket in one run (one read on a no-op), the others deleted
  ecap.platform.s3_bucket_intelligent_tiering:
    bucket: ecap-prod-datalake-123456789012-us-west-2
    configurations:
      - id: curated
        prefix: curated/
        tierings: [{access_tier: ARCHIVE_ACCESS, days: 90}]
    purge_configurations: true

- name: Remove it
  ecap.platform.s3_bucket_intelligent_tiering:
    bucket: ecap-prod-datalake-123456789012-us-west-2
    id: curated
    state: absent
"""

RETURN = r"""
configurations:
  description: With O(configurations), every configuration after the run (as O(configuration)), sorted by id.
  returned: when O(configurations) is given
  type: list
  elements: dict
  sample: [{"id": "curated", "status": "enabled", "filter": {"prefix": "curated/"}, "tierings": []}]
configuration:
  description:
    - The configuration after the run (in check mode, as it would be), snake_cased; empty when absent.
  returned: always
  type: dict
  contains:
    id:
      description: The id.
      type: str
      returned: when present
      sample: curated
    status:
      description: C(enabled) or C(disabled).
      type: str
      returned: when present
      sample: enabled
    filter:
      description: C(prefix) and C(tags) of the filter (empty for the whole bucket).
      type: dict
      returned: when present
      sample: {"prefix": "curated/"}
    tierings:
      description: The tiers, sorted by days.
      type: list
      elements: dict
      returned: when present
      sample: [{"access_tier": "ARCHIVE_ACCESS", "days": 90}]
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils.common import client, make_diff
from ansible_collections.ecap.platform.plugins.module_utils.s3 import (
    TIER_DAYS,
    bucket_name_errors,
    build_tiering,
    canonical_tiering,
    get_tiering,
    list_tierings,
    validate_tiering,
)

#: The options of one configuration (also the suboptions of ``configurations``).
CONFIGURATION_OPTIONS = dict(
    id=dict(type="str", required=True),
    prefix=dict(type="str"),
    filter_tags=dict(type="dict"),
    status=dict(type="str", default="enabled", choices=["enabled", "disabled"]),
    tierings=dict(
        type="list",
        elements="dict",
        default=[],
        options=dict(
            access_tier=dict(type="str", required=True, choices=list(TIER_DAYS)),
            days=dict(type="int", required=True),
        ),
    ),
)


def converge_all(module: AnsibleAWSModule, connection) -> None:
    """Every configuration of the bucket from one listing: puts for those that differ, deletes with purge."""
    params = module.params
    bucket = params["bucket"]
    wanted = {c["id"]: build_tiering(c) for c in params["configurations"]}
    try:
        current = {c["Id"]: c for c in list_tierings(connection, bucket)}
        puts = [i for i in sorted(wanted) if canonical_tiering(current.get(i)) != canonical_tiering(wanted[i])]
        deletes = sorted(set(current) - set(wanted)) if params["purge_configurations"] else []
        if not module.check_mode:
            for config_id in puts:
                connection.put_bucket_intelligent_tiering_configuration(
                    aws_retry=True, Bucket=bucket, Id=config_id, IntelligentTieringConfiguration=wanted[config_id]
                )
            for config_id in deletes:
                connection.delete_bucket_intelligent_tiering_configuration(aws_retry=True, Bucket=bucket, Id=config_id)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage the intelligent-tiering configurations of bucket {bucket}")
    after_configs = {**current, **{i: wanted[i] for i in puts}}
    for config_id in deletes:
        after_configs.pop(config_id)
    before = [canonical_tiering(current[i]) for i in sorted(current)]
    after = [canonical_tiering(after_configs[i]) for i in sorted(after_configs)]
    module.exit_json(
        changed=bool(puts or deletes),
        configurations=after,
        diff=make_diff({"configurations": before}, {"configurations": after}),
    )


def main() -> None:
    module = AnsibleAWSModule(
        argument_spec=dict(
            bucket=dict(type="str", required=True, aliases=["name"]),
            **{k: {**v, "required": False} if k == "id" else v for k, v in CONFIGURATION_OPTIONS.items()},
            configurations=dict(type="list", elements="dict", options=CONFIGURATION_OPTIONS),
            purge_configurations=dict(type="bool", default=False),
            state=dict(type="str", default="present", choices=["present", "absent"]),
        ),
        mutually_exclusive=[["id", "configurations"]],
        required_one_of=[["id", "configurations"]],
        supports_check_mode=True,
    )
    params = module.params
    present = params["state"] == "present"
    errors = bucket_name_errors(params["bucket"])
    if params["configurations"] is not None:
        if not present:
            errors.append("configurations cannot be used with state=absent (purge_configurations deletes)")
        ids = [c["id"] for c in params["configurations"]]
        errors += [
            f"configuration id {i} is given more than once" for i in sorted({i for i in ids if ids.count(i) > 1})
        ]
        for config in params["configurations"]:
            errors += [f"configuration {config['id']}: {e}" for e in validate_tiering(config)]
    elif present:
        errors += validate_tiering(params)
    if errors:
        module.fail_json(msg="; ".join(errors), errors=errors)

    connection = client(module, "s3")
    if params["configurations"] is not None:
        converge_all(module, connection)
    bucket, config_id = params["bucket"], params["id"]
    try:
        current = get_tiering(connection, bucket, config_id)
        wanted = build_tiering(params) if present else None
        before, after = canonical_tiering(current), canonical_tiering(wanted)
        if before == after:
            module.exit_json(changed=False, configuration=before)
        if not module.check_mode:
            if present:
                connection.put_bucket_intelligent_tiering_configuration(
                    aws_retry=True, Bucket=bucket, Id=config_id, IntelligentTieringConfiguration=wanted
                )
            else:
                connection.delete_bucket_intelligent_tiering_configuration(aws_retry=True, Bucket=bucket, Id=config_id)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(
            e, msg=f"Failed to manage intelligent-tiering configuration {config_id} of bucket {bucket}"
        )
    module.exit_json(changed=True, configuration=after, diff=make_diff(before, after))


if __name__ == "__main__":
    main()
