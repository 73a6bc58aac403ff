#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: kms_key
version_added: 0.4.0
short_description: Manage a KMS customer-managed key found by its alias (policy, rotation, tags) in few API calls
description:
  - Create, update and schedule the deletion of a symmetric or asymmetric KMS key named by its alias.
  - Written because M(amazon.aws.kms_key) (amazon.aws 10.1.2) makes about 18 calls per key on a run that changes
    nothing (all aliases, grants, policies, tags and the key twice). This module reads the key by its alias once
    and then only the settings it is asked to manage (GetKeyRotationStatus, GetKeyPolicy, ListResourceTags), four
    calls on a no-op.
  - CreateKey has no idempotency token, so every key carries the tag C(ecap.platform:alias) with its alias name,
    set in the CreateKey call. A run interrupted between CreateKey and CreateAlias leaves a tagged key without
    alias; the next run adopts it instead of creating a second key. The module keeps that tag whatever
    O(purge_tags) says.
  - A key pending deletion is brought back (CancelKeyDeletion, then enabled as O(enabled) says) by O(state=present).
  - Grants are not managed (use M(amazon.aws.kms_key) for them).
author:
  - ecap.platform contributors
options:
  alias:
    description: The alias of the key (C(alias/) is added when missing). Not C(alias/aws/*).
    type: str
    required: true
    aliases: [key_alias]
  description:
    description: The description of the key. Unset leaves it as it is.
    type: str
  enabled:
    description: Whether the key is enabled.
    type: bool
    default: true
  enable_key_rotation:
    description: Whether KMS rotates the key material every year (symmetric keys only). Unset leaves it as it is.
    type: bool
  policy:
    description:
      - The key policy (a dict or a JSON string); compared as a policy, so the order of statements and a single
        value against a one-element list do not matter. Unset leaves it as it is (a new key gets the default policy).
    type: raw
  key_usage:
    description: What the key is for (set at creation only).
    type: str
    default: ENCRYPT_DECRYPT
    choices: [ENCRYPT_DECRYPT, SIGN_VERIFY]
  key_spec:
    description: The key's type (set at creation only).
    type: str
    default: SYMMETRIC_DEFAULT
    choices: [SYMMETRIC_DEFAULT, RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, ECC_NIST_P384, ECC_NIST_P521]
  multi_region:
    description: Whether the key is a multi-Region primary key (set at creation only).
    type: bool
    default: false
  tags:
    description: Tags of the key. Unset leaves the tags as they are.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove the tags not in O(tags) (never C(ecap.platform:alias)).
    type: bool
    default: true
  pending_window:
    description: Days (7-30) before KMS deletes a key scheduled for deletion (O(state=absent)). AWS's default is 30.
    type: int
    aliases: [deletion_delay]
  state:
    description:
      - V(absent) schedules the key for deletion (ScheduleKeyDeletion); its alias stays until KMS deletes it.
    type: str
    default: present
    choices: [present, absent]
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The RDS key, rotated every year, with its policy and tags
  ecap.platform.kms_key:
    alias: alias/ecap-dev-rds
    description: "ecap-dev: RDS storage"
    enable_key_rotation: true
    policy: "{{ lookup('ansible.builtin.template', 'key_policy.json.j2') }}"
    tags:
      Project: ecap
      Environment: dev

- name: Schedule it for deletion in 7 days
  ecap.platform.kms_key:
    alias: alias/ecap-dev-rds
    pending_window: 7
    state: absent
"""

RETURN = r"""
key_id:
  description: The id of the key; absent in check mode before creation and when there is no key.
  type: str
  returned: when the key exists
  sample: 0a1b2c3d-1111-2222-3333-444455556666
key_arn:
  description: The ARN of the key.
  type: str
  returned: when the key exists
  sample: arn:aws:kms:us-west-2:123456789012:key/0a1b2c3d-1111-2222-3333-444455556666
key_state:
  description: The state of the key (C(Enabled), C(Disabled), C(PendingDeletion), ...).
  type: str
  returned: when the key exists
  sample: Enabled
description:
  description: The description of the key.
  type: str
  returned: when the key exists
enabled:
  description: Whether the key is enabled.
  type: bool
  returned: when the key exists
enable_key_rotation:
  description: Whether automatic rotation is on.
  type: bool
  returned: when O(enable_key_rotation) is set
key_policy:
  description: The key policy.
  type: dict
  returned: when O(policy) is set
tags:
  description: The tags of the key.
  type: dict
  returned: when O(tags) is set
aliases:
  description: The alias the key was found by.
  type: list
  elements: str
  returned: when the key exists
  sample: [alias/ecap-dev-rds]
deletion_date:
  description: When KMS deletes the key.
  type: str
  returned: when RV(key_state) is C(PendingDeletion)
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils import kms
from ansible_collections.ecap.platform.plugins.module_utils.common import client, make_diff


def ensure_present(connection, module: AnsibleAWSModule, alias: str) -> None:
    params = module.params
    meta = kms.describe(connection, alias)
    adopted = False
    if meta is None:
        orphan = kms.find_orphan(connection, alias)
        if orphan is None:
            after = {"meta": {"KeyId": "", "Arn": "", "KeyState": "Enabled" if params["enabled"] else "Disabled"}}
            after["meta"]["Description"] = params.get("description") or ""
            view = kms.diffable(kms.view(after, alias))
            if module.check_mode:
                module.exit_json(changed=True, diff=make_diff({}, view))
            key_id = kms.create(connection, params, alias)
            result = kms.view(kms.read(connection, kms.describe(connection, key_id), params), alias)
            module.exit_json(changed=True, **result, diff=make_diff({}, kms.diffable(result)))
        # A create interrupted before its alias: give the key its alias, then converge it as an existing key.
        if module.check_mode:
            module.exit_json(changed=True, **kms.view({"meta": orphan}, alias))
        connection.create_alias(aws_retry=True, AliasName=alias, TargetKeyId=orphan["KeyId"])
        meta, adopted = orphan, True
    current = kms.read(connection, meta, params)
    changes = kms.plan(current, params, alias)
    before = kms.view(current, alias)
    if not changes:
        module.exit_json(changed=adopted, **before)
    after = kms.view(kms.predicted(current, changes), alias)
    if not module.check_mode:
        kms.apply(connection, meta["KeyId"], changes)
        after = kms.view(kms.read(connection, kms.describe(connection, meta["KeyId"]), params), alias)
    module.exit_json(changed=True, **after, diff=make_diff(kms.diffable(before), kms.diffable(after)))


def ensure_absent(connection, module: AnsibleAWSModule, alias: str) -> None:
    meta = kms.describe(connection, alias)
    if meta is None:
        module.exit_json(changed=False)
    current = {"meta": meta}
    if meta["KeyState"] in ("PendingDeletion", "PendingReplicaDeletion"):
        module.exit_json(changed=False, **kms.view(current, alias))
    after = {"meta": {**meta, "KeyState": "PendingDeletion"}}
    if not module.check_mode:
        kms.schedule_deletion(connection, meta["KeyId"], module.params.get("pending_window"))
        after = {"meta": kms.describe(connection, meta["KeyId"])}
    module.exit_json(
        changed=True,
        **kms.view(after, alias),
        diff=make_diff(kms.diffable(kms.view(current, alias)), kms.diffable(kms.view(after, alias))),
    )


def main() -> None:
    argument_spec = dict(
        alias=dict(type="str", required=True, aliases=["key_alias"]),
        description=dict(type="str"),
        enabled=dict(type="bool", default=True),
        enable_key_rotation=dict(type="bool"),
        policy=dict(type="raw"),
        key_usage=dict(type="str", default="ENCRYPT_DECRYPT", choices=["ENCRYPT_DECRYPT", "SIGN_VERIFY"]),
        key_spec=dict(
            type="str",
            default="SYMMETRIC_DEFAULT",
            choices=[
                "SYMMETRIC_DEFAULT",
                "RSA_2048",
                "RSA_3072",
                "RSA_4096",
                "ECC_NIST_P256",
                "ECC_NIST_P384",
                "ECC_NIST_P521",
            ],
        ),
        multi_region=dict(type="bool", default=False),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        pending_window=dict(type="int", aliases=["deletion_delay"]),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    errors = kms.validate(module.params)
    if errors:
        module.fail_json(msg=" ".join(errors))
    alias = kms.canonical_alias(module.params["alias"])
    connection = client(module, "kms")
    try:
        if module.params["state"] == "present":
            ensure_present(connection, module, alias)
        else:
            ensure_absent(connection, module, alias)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage KMS key {alias}")


if __name__ == "__main__":
    main()
