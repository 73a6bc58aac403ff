#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: elasticache_replication_group
version_added: 0.2.0
short_description: Manage ElastiCache (Redis OSS / Valkey) replication groups
description:
  - Create, update in place, replace and delete an ElastiCache replication group (engine and version, node
    type, cluster mode (off by default, one node group), replicas, automatic failover and Multi-AZ, at-rest
    encryption with a KMS key, in-transit encryption, an AUTH token, subnet group, security groups,
    parameter group, snapshots, maintenance window, slow-log and engine-log delivery, tags).
  - The AUTH token is read by the module from a Secrets Manager secret (O(auth_token_secret_id)); it never
    passes through Ansible variables and is never returned. The secret version in use is recorded in the
    group's tag C(ecap.platform/auth-token-version); when the secret's current version changes, the token
    is rotated (C(AuthTokenUpdateStrategy=ROTATE)).
  - In place (ModifyReplicationGroup, IncreaseReplicaCount, DecreaseReplicaCount, tags) - node type,
    replicas, automatic failover, Multi-AZ, engine version upgrade, parameter group, security groups,
    snapshot retention and window, maintenance window, log delivery, description, AUTH token rotation.
    Each step waits for the group to be C(available) again before the next.
  - What AWS cannot change on a live group - engine, engine version downgrade, at-rest or in-transit
    encryption, KMS key, subnet group, port, number of node groups, removing the AUTH token - fails with a
    message naming the differences, unless O(allow_replacement=true); the group is then deleted and
    created again (its data is lost).
  - Node types are checked against the known list before any call.
author:
  - ecap.platform contributors
options:
  replication_group_id:
    description: Identifier of the replication group (1-40 lowercase letters, digits, hyphens).
    type: str
    required: true
    aliases: [name]
  description:
    description: Description of the group. Defaults to O(replication_group_id) on create.
    type: str
  engine:
    description: The engine.
    type: str
    choices: [redis, valkey]
    default: redis
  engine_version:
    description:
      - Engine version, e.g. C(7.1). A higher version is an in-place upgrade; a lower one needs a replacement.
      - Not compared when unset.
    type: str
  node_type:
    description: Node type, e.g. C(cache.t3.micro). Required to create.
    type: str
  num_node_groups:
    description: Number of node groups (shards). C(1) is cluster mode disabled.
    type: int
    default: 1
  replicas_per_node_group:
    description: Read replicas per node group (0-5). Changed in place.
    type: int
    default: 0
  automatic_failover:
    description: Automatic failover. Defaults to true when there are replicas.
    type: bool
  multi_az:
    description: Multi-AZ (needs automatic failover).
    type: bool
    default: false
  at_rest_encryption:
    description: Encryption at rest.
    type: bool
    default: true
  kms_key_id:
    description: KMS key (ARN, id or alias) for encryption at rest. Default AWS-owned key when unset.
    type: str
  transit_encryption:
    description: In-transit encryption (TLS).
    type: bool
    default: true
  auth_token_secret_id:
    description:
      - Name or ARN of a Secrets Manager secret whose string value is the AUTH token (16-128 characters,
        letters, digits and C(!&#$^<>-) only). Requires O(transit_encryption).
    type: str
  auth_token_update_strategy:
    description:
      - How a new AUTH token (a new current version of O(auth_token_secret_id)) reaches the group.
      - V(rotate) (C(AuthTokenUpdateStrategy=ROTATE)) adds it next to the old one, so clients with either
        token keep working while they move to the new one.
      - V(set) (C(AuthTokenUpdateStrategy=SET)) makes it the only token; run it after V(rotate), once every
        client uses the new token, to retire the old one. Recorded in the tag C(ecap.platform/auth-token-single),
        so a second run changes nothing.
    type: str
    choices: [rotate, set]
    default: rotate
  cache_subnet_group:
    description: Cache subnet group name.
    type: str
  security_group_ids:
    description: VPC security group ids.
    type: list
    elements: str
  cache_parameter_group:
    description: Cache parameter group name (its family must match the engine version).
    type: str
  port:
    description: Port.
    type: int
    default: 6379
  snapshot_retention_limit:
    description: Days automatic snapshots are kept (0 disables them).
    type: int
  snapshot_window:
    description: Daily snapshot window (UTC), e.g. C(03:00-04:00).
    type: str
  maintenance_window:
    description: Weekly maintenance window (UTC), e.g. C(sun:05:00-sun:06:00).
    type: str
  auto_minor_version_upgrade:
    description: Apply minor engine upgrades in the maintenance window.
    type: bool
  log_delivery:
    description:
      - Log delivery configurations. An empty list disables log delivery; unset leaves it alone.
    type: list
    elements: dict
    suboptions:
      log_type:
        description: Which log.
        type: str
        required: true
        choices: [slow-log, engine-log]
      destination_type:
        description: Where to.
        type: str
        choices: [cloudwatch-logs, kinesis-firehose]
        default: cloudwatch-logs
      destination:
        description: Log group name or Firehose delivery stream name.
        type: str
        required: true
      log_format:
        description: Format.
        type: str
        choices: [json, text]
        default: json
  allow_replacement:
    description: Delete and re-create the group when a setting AWS cannot change in place differs.
    type: bool
    default: false
  final_snapshot_identifier:
    description: Name of a final snapshot taken when the group is deleted (O(state=absent) or a replacement).
    type: str
  wait:
    description: Wait until the group is C(available) (present) or gone (absent).
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait, per step.
    type: int
    default: 3600
  poll_interval:
    description: Seconds between status polls.
    type: int
    default: 10
  tags:
    description: Tags of the group.
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
- name: Create an encrypted Redis replication group with a replica and AUTH
  ecap.platform.elasticache_replication_group:
    replication_group_id: ecap-staging-redis
    engine_version: "7.1"
    node_type: cache.t3.medium
    replicas_per_node_group: 1
    automatic_failover: true
    multi_az: true
    kms_key_id: "{{ kms_outputs.key_arns.redis }}"
    auth_token_secret_id: ecap-staging-redis-auth
    cache_subnet_group: ecap-staging-redis
    security_group_ids: ["{{ security_groups_outputs.group_ids.redis }}"]
    cache_parameter_group: ecap-staging-redis7
    snapshot_retention_limit: 7
    log_delivery:
      - {log_type: slow-log, destination: /ecap/staging/redis/slow-log}
      - {log_type: engine-log, destination: /ecap/staging/redis/engine-log}
    tags:
      Project: ecap

- name: Delete it
  ecap.platform.elasticache_replication_group:
    replication_group_id: ecap-staging-redis
    state: absent
"""

RETURN = r"""
replication_group:
  description: The replication group as AWS describes it (snake_cased), with its first member's settings.
  returned: state=present
  type: dict
  contains:
    replication_group_id: {description: Identifier., type: str}
    status: {description: Status., type: str, sample: available}
    primary_endpoint: {description: Primary endpoint address (cluster mode disabled)., type: str}
    reader_endpoint: {description: Reader endpoint address (cluster mode disabled)., type: str}
    configuration_endpoint: {description: Configuration endpoint (cluster mode enabled)., type: str}
    port: {description: Port., type: int}
    arn: {description: ARN., type: str}
    kms_key_id: {description: KMS key ARN of encryption at rest., type: str}
    auth_token_enabled: {description: Whether an AUTH token is set., type: bool}
    tags: {description: Tags., type: dict}
replaced:
  description: Whether the group was deleted and created again.
  returned: always
  type: bool
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils.common import client, make_diff, wanted_tags
from ansible_collections.ecap.platform.plugins.module_utils.elasticache import (
    AUTH_SINGLE_TAG,
    AUTH_VERSION_TAG,
    BUSY,
    available,
    build_create_request,
    change_replicas,
    create_group,
    current_state,
    delete_group,
    diff_view,
    gone,
    modify_group,
    plan_changes,
    predicted,
    secret_current_version,
    secret_value,
    to_ansible,
    update_tags,
    validate_params,
    wait_status,
)


class Runner:
    def __init__(self, module: AnsibleAWSModule) -> None:
        self.module = module
        self.params = module.params
        self.group_id = module.params["replication_group_id"]
        self.ec = client(module, "elasticache")
        self._secrets = None

    @property
    def secrets(self):
        if self._secrets is None:
            self._secrets = client(self.module, "secretsmanager")
        return self._secrets

    def wait(self, done, what: str, force: bool = False):
        if not (self.params["wait"] or force):
            return None
        return wait_status(
            self.ec, self.group_id, self.params["wait_timeout"], self.params["poll_interval"], done, what
        )

    def settle(self, state):
        """Wait out a transitional status (creating, modifying, deleting) before acting."""
        if state is None:
            return None
        status = state.get("Status")
        if status == "deleting":
            self.wait(gone, "to finish deleting", force=True)
            return None
        if status in BUSY:
            self.wait(available, "to become available", force=True)
            return current_state(self.ec, self.group_id)
        return state

    def resolve_kms(self, key_id: str) -> str:
        kms = client(self.module, "kms")
        return kms.describe_key(aws_retry=True, KeyId=key_id)["KeyMetadata"]["Arn"]

    # ------------------------------------------------------------------ present

    def present(self) -> None:
        params = self.params
        tags, purge_tags = wanted_tags(params["tags"], params["purge_tags"])
        state = current_state(self.ec, self.group_id)
        if state is not None and state.get("Status") == "deleting" and not self.module.check_mode:
            state = self.settle(state)
        secret_id = params["auth_token_secret_id"]
        secret_version = secret_current_version(self.secrets, secret_id) if secret_id else None
        if secret_id and secret_version is None:
            if not self.module.check_mode:
                self.module.fail_json(msg=f"AUTH token secret {secret_id} not found (auth_token_secret_id).")
            self.module.warn(f"AUTH token secret {secret_id} does not exist yet; assuming it will (check mode).")
        plan = plan_changes(state, params, tags, purge_tags, secret_version, self.resolve_kms)
        if not plan.changed:
            self.module.exit_json(changed=False, replaced=False, replication_group=to_ansible(state))
        if plan.create and not params["node_type"]:
            self.module.fail_json(msg=f"node_type is required to create replication group {self.group_id}.")
        if plan.replace and not params["allow_replacement"]:
            self.module.fail_json(
                msg=(
                    f"Replication group {self.group_id} cannot be changed in place: {'; '.join(plan.replace)}. "
                    "Set allow_replacement: true to delete it (its data is lost) and create it again."
                ),
                differences={k: list(v) for k, v in plan.differences.items()},
            )
        diff = make_diff(diff_view(state), diff_view(predicted(state, params, plan)))
        if self.module.check_mode:
            self.module.exit_json(
                changed=True,
                replaced=bool(plan.replace),
                replication_group=to_ansible(predicted(state, params, plan)),
                diff=diff,
            )

        if plan.replace:
            self.settle(state)
            delete_group(self.ec, self.group_id, params["final_snapshot_identifier"])
            self.wait(gone, "to finish deleting", force=True)
        if plan.create or plan.replace:
            self.create(tags, secret_version)
        else:
            self.update(self.settle(state), plan, secret_version)
        self.wait(available, "to become available")
        state = current_state(self.ec, self.group_id)
        self.module.exit_json(changed=True, replaced=bool(plan.replace), replication_group=to_ansible(state), diff=diff)

    def create(self, tags, secret_version) -> None:
        tags = dict(tags or {})
        token = None
        if secret_version:
            token = secret_value(self.secrets, self.params["auth_token_secret_id"], secret_version)
            tags[AUTH_VERSION_TAG] = secret_version
            tags[AUTH_SINGLE_TAG] = secret_version
        request = build_create_request(self.params, token, tags)
        create_group(self.ec, request)

    def update(self, state, plan, secret_version) -> None:
        """Apply in-place changes, each step once the group is available again."""
        step_done = False

        def between_steps():
            if step_done:
                self.wait(available, "to become available", force=True)

        modify = dict(plan.modify)
        current_replicas = state.get("ReplicasPerNodeGroup") or 0
        # Failover needs a replica: add replicas before enabling it, disable it before removing the last.
        replicas_first = plan.replicas is not None and plan.replicas > current_replicas
        if plan.replicas is not None and replicas_first:
            change_replicas(self.ec, self.group_id, current_replicas, plan.replicas)
            step_done = True
        if plan.rotate_auth or plan.set_auth:
            token = secret_value(self.secrets, self.params["auth_token_secret_id"], secret_version)
            modify.update(AuthToken=token, AuthTokenUpdateStrategy="SET" if plan.set_auth else "ROTATE")
        if modify:
            between_steps()
            modify_group(self.ec, self.group_id, modify)
            step_done = True
        if plan.replicas is not None and not replicas_first:
            between_steps()
            change_replicas(self.ec, self.group_id, current_replicas, plan.replicas)
        to_set = dict(plan.tags_to_set)
        if (plan.rotate_auth or plan.set_auth) and secret_version:
            to_set[AUTH_VERSION_TAG] = secret_version
        if plan.set_auth and secret_version:
            to_set[AUTH_SINGLE_TAG] = secret_version
        update_tags(self.ec, state["ARN"], to_set, plan.tags_to_unset)

    # ------------------------------------------------------------------ absent

    def absent(self) -> None:
        state = current_state(self.ec, self.group_id)
        if state is None:
            self.module.exit_json(changed=False, replaced=False)
        if state.get("Status") == "deleting":
            if not self.module.check_mode:
                self.wait(gone, "to finish deleting")
            self.module.exit_json(changed=False, replaced=False)
        diff = make_diff(diff_view(state), {})
        if not self.module.check_mode:
            self.settle(state)
            delete_group(self.ec, self.group_id, self.params["final_snapshot_identifier"])
            self.wait(gone, "to finish deleting")
        self.module.exit_json(changed=True, replaced=False, diff=diff)


def main() -> None:
    argument_spec = dict(
        replication_group_id=dict(type="str", required=True, aliases=["name"]),
        description=dict(type="str"),
        engine=dict(type="str", default="redis", choices=["redis", "valkey"]),
        engine_version=dict(type="str"),
        node_type=dict(type="str"),
        num_node_groups=dict(type="int", default=1),
        replicas_per_node_group=dict(type="int", default=0),
        automatic_failover=dict(type="bool"),
        multi_az=dict(type="bool", default=False),
        at_rest_encryption=dict(type="bool", default=True),
        kms_key_id=dict(type="str"),
        transit_encryption=dict(type="bool", default=True),
        auth_token_secret_id=dict(type="str"),
        auth_token_update_strategy=dict(type="str", default="rotate", choices=["rotate", "set"]),
        cache_subnet_group=dict(type="str"),
        security_group_ids=dict(type="list", elements="str"),
        cache_parameter_group=dict(type="str"),
        port=dict(type="int", default=6379),
        snapshot_retention_limit=dict(type="int"),
        snapshot_window=dict(type="str"),
        maintenance_window=dict(type="str"),
        auto_minor_version_upgrade=dict(type="bool"),
        log_delivery=dict(
            type="list",
            elements="dict",
            options=dict(
                log_type=dict(type="str", required=True, choices=["slow-log", "engine-log"]),
                destination_type=dict(
                    type="str", default="cloudwatch-logs", choices=["cloudwatch-logs", "kinesis-firehose"]
                ),
                destination=dict(type="str", required=True),
                log_format=dict(type="str", default="json", choices=["json", "text"]),
            ),
        ),
        allow_replacement=dict(type="bool", default=False),
        final_snapshot_identifier=dict(type="str"),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=3600),
        poll_interval=dict(type="int", default=10),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)

    if module.params["state"] == "present":
        errors = validate_params(module.params)
        if errors:
            module.fail_json(msg=" ".join(errors))

    runner = Runner(module)
    try:
        if module.params["state"] == "present":
            runner.present()
        else:
            runner.absent()
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage replication group {runner.group_id}")


if __name__ == "__main__":
    main()
