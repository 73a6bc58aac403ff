#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: rds_db_instance
version_added: 0.1.0
short_description: Manage an RDS DB instance whose master password RDS keeps in Secrets Manager
description:
  - Create, update and delete an Amazon RDS DB instance (PostgreSQL) with C(ManageMasterUserPassword), so
    RDS generates the master password and stores it in a Secrets Manager secret encrypted with
    O(master_user_secret_kms_key_id). This module has no password option at all and never returns one;
    it returns the secret's ARN.
  - Named C(rds_db_instance) so that it does not shadow M(amazon.aws.rds_instance), which cannot ask RDS to
    manage the master password. Use M(amazon.aws.rds_instance_param_group) and
    M(amazon.aws.rds_subnet_group) for the parameter and subnet groups.
  - On an existing instance the module compares the options that are set with what DescribeDBInstances
    reports (changes already waiting in C(PendingModifiedValues) count as done) and sends one
    C(ModifyDBInstance) with only what differs. Options AWS cannot change in place (engine, encryption,
    KMS key, database name, master user name) are refused with an error, never replaced.
  - The module never reboots the instance. Parameter changes that wait for a reboot are reported in
    RV(pending_reboot); changes queued for the maintenance window (O(apply_immediately=false)) in
    RV(pending_modified_values).
  - By default the module does not wait for the instance to become available (a create takes 10 to 20
    minutes); use O(wait) here or a later task with O(wait_only=true).
  - With O(creation_source), a missing instance is restored instead of created, from a point in time of
    another instance (C(RestoreDBInstanceToPointInTime)) or from a snapshot (C(RestoreDBInstanceFromDBSnapshot)),
    with the options both restore APIs take; the engine version, encryption and KMS key, database and master
    user names come from the source. Run the module again on the restored instance, once available, to
    converge the rest (monitoring, Performance Insights, maintenance window). A requested O(restore_time) outside
    the source's restore window fails before any change.
  - O(rotate_master_user_password=true) asks RDS to rotate the managed master password now
    (C(ModifyDBInstance) with C(RotateMasterUserPassword)); RDS writes the new password as a new version of the
    secret. It is an action, reported as a change on every run.
author:
  - ecap.platform contributors
options:
  db_instance_identifier:
    description:
      - The DB instance identifier (1 to 63 letters, digits or hyphens, starting with a letter).
    type: str
    required: true
    aliases: [id]
  engine:
    description:
      - The database engine. Only PostgreSQL is supported.
      - Cannot be changed.
    type: str
    default: postgres
    choices: [postgres]
  engine_version:
    description:
      - The engine version, for example V(16.4) or V(15.8).
      - A major version upgrade is sent with C(AllowMajorVersionUpgrade); a downgrade is refused.
    type: str
  instance_class:
    description:
      - The DB instance class, for example V(db.t3.micro) or V(db.m5.xlarge).
      - Required to create the instance.
    type: str
  allocated_storage:
    description:
      - The storage in GiB. Required to create the instance. Can only grow.
    type: int
  max_allocated_storage:
    description:
      - The ceiling in GiB up to which RDS storage autoscaling may grow the storage.
    type: int
  storage_type:
    description:
      - The storage type.
    type: str
    choices: [gp2, gp3, io1, io2, standard]
  iops:
    description:
      - Provisioned IOPS. For V(gp3), only from 400 GiB (below it RDS gives a fixed 3000 IOPS).
    type: int
  storage_throughput:
    description:
      - The gp3 throughput in MiB/s, only from 400 GiB (below it RDS gives a fixed 125 MiB/s).
    type: int
  storage_encrypted:
    description:
      - Whether the storage is encrypted. Cannot be changed.
    type: bool
  kms_key_id:
    description:
      - The KMS key (ARN or key id) that encrypts the storage. Needs O(storage_encrypted=true). Cannot be changed.
    type: str
  db_subnet_group_name:
    description:
      - The DB subnet group the instance is placed in.
    type: str
  vpc_security_group_ids:
    description:
      - The VPC security groups of the instance (the whole list; order does not matter).
    type: list
    elements: str
  publicly_accessible:
    description:
      - Whether the instance has a public DNS name. Defaults to V(false).
    type: bool
    default: false
  multi_az:
    description:
      - Whether RDS keeps a standby in another availability zone.
    type: bool
  db_name:
    description:
      - The name of the database created with the instance. Cannot be changed.
    type: str
  master_username:
    description:
      - The master user name. Required to create the instance. Cannot be changed.
    type: str
  master_user_secret_kms_key_id:
    description:
      - The KMS key (ARN or key id) that encrypts the secret RDS keeps the master password in.
      - Without it RDS uses the C(aws/secretsmanager) key.
    type: str
  port:
    description:
      - The port the database listens on (PostgreSQL default V(5432)).
    type: int
  db_parameter_group_name:
    description:
      - The DB parameter group. Associating another one takes effect after a reboot (RV(pending_reboot)).
    type: str
  backup_retention_period:
    description:
      - Days of automated backups (point-in-time recovery), V(0) to V(35). V(0) turns backups off.
    type: int
  preferred_backup_window:
    description:
      - The daily backup window, C(hh24:mi-hh24:mi) in UTC, at least 30 minutes.
    type: str
  preferred_maintenance_window:
    description:
      - The weekly maintenance window, C(ddd:hh24:mi-ddd:hh24:mi) in UTC, not overlapping the backup window.
    type: str
  copy_tags_to_snapshot:
    description:
      - Whether snapshots get the instance's tags.
    type: bool
  deletion_protection:
    description:
      - Whether the instance refuses to be deleted.
      - With O(state=absent), V(false) turns protection off before the delete; otherwise a protected instance
        makes the module fail.
    type: bool
  auto_minor_version_upgrade:
    description:
      - Whether RDS applies minor engine upgrades in the maintenance window.
    type: bool
  monitoring_interval:
    description:
      - Enhanced monitoring interval in seconds; V(0) turns it off.
    type: int
    choices: [0, 1, 5, 10, 15, 30, 60]
  monitoring_role_arn:
    description:
      - The IAM role RDS uses to publish enhanced monitoring metrics. Needed when O(monitoring_interval) > 0.
    type: str
  enable_performance_insights:
    description:
      - Whether Performance Insights is on.
    type: bool
  performance_insights_kms_key_id:
    description:
      - The KMS key (ARN or key id) that encrypts Performance Insights data.
    type: str
  performance_insights_retention_period:
    description:
      - Days of Performance Insights data, V(7), a multiple of 31 up to V(713), or V(731).
    type: int
  enable_cloudwatch_logs_exports:
    description:
      - The logs published to CloudWatch Logs (the whole list).
    type: list
    elements: str
    choices: [postgresql, upgrade, iam-db-auth-error]
  iam_database_authentication:
    description:
      - Whether IAM database authentication is on.
    type: bool
  apply_immediately:
    description:
      - Whether changes are applied now rather than in the next maintenance window.
      - Instance class, storage, Multi-AZ and engine version changes wait for the window otherwise; a later
        run with V(true) applies them together with anything already pending.
    type: bool
    default: false
  final_snapshot_identifier:
    description:
      - With O(state=absent), the identifier of the snapshot taken before the delete.
    type: str
  skip_final_snapshot:
    description:
      - With O(state=absent), delete without a final snapshot.
    type: bool
    default: false
  delete_automated_backups:
    description:
      - With O(state=absent), whether automated backups are deleted with the instance.
    type: bool
    default: true
  creation_source:
    description:
      - Where a missing instance comes from. V(instance) restores O(source_db_instance_identifier) to
        O(restore_time) or to its latest restorable time; V(snapshot) restores O(db_snapshot_identifier).
      - Ignored when the instance exists.
    type: str
    choices: [instance, snapshot]
  source_db_instance_identifier:
    description:
      - With O(creation_source=instance), the instance whose automated backups are restored.
    type: str
  restore_time:
    description:
      - With O(creation_source=instance), the time to restore to, ISO 8601 (C(2025-01-31T12:00:00Z)). It must be
        inside the source's restore window (its earliest and latest restorable times).
      - Exactly one of O(restore_time) and O(use_latest_restorable_time).
    type: str
  use_latest_restorable_time:
    description:
      - With O(creation_source=instance), restore to the latest restorable time.
    type: bool
    default: false
  db_snapshot_identifier:
    description:
      - With O(creation_source=snapshot), the identifier or ARN of the DB snapshot to restore.
      - AWS gives a snapshot restore the default security group and parameter group unless
        O(vpc_security_group_ids) and O(db_parameter_group_name) are set.
    type: str
  rotate_master_user_password:
    description:
      - Rotate the managed master password of the existing instance now (C(RotateMasterUserPassword) with
        C(ApplyImmediately)). The new password only goes to the secret; the module never reads it.
    type: bool
    default: false
  wait:
    description:
      - Wait until the instance is C(available) (or, with O(state=absent), gone).
    type: bool
    default: false
  wait_only:
    description:
      - Only wait for the instance (as O(wait)), make no change. For a separate wait task after a create that
        did not wait.
    type: bool
    default: false
  wait_timeout:
    description:
      - How long to wait, in seconds.
    type: int
    default: 2400
  wait_delay:
    description:
      - Seconds between two polls while waiting.
    type: int
    default: 10
  state:
    description:
      - V(present) creates or updates the instance, V(absent) deletes it.
    type: str
    default: present
    choices: [present, absent]
notes:
  - Supports check mode and diff mode.
  - API calls are retried on throttling with jittered backoff.
  - KMS keys are compared by key id, so pass key ARNs or key ids, not aliases.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Create a PostgreSQL instance whose master password RDS manages
  ecap.platform.rds_db_instance:
    db_instance_identifier: ecap-dev-postgres
    engine_version: "16.4"
    instance_class: db.t3.micro
    allocated_storage: 20
    max_allocated_storage: 100
    storage_type: gp3
    storage_encrypted: true
    kms_key_id: "{{ kms_outputs.key_arns.rds }}"
    db_subnet_group_name: ecap-dev-db
    vpc_security_group_ids: ["{{ security_groups_outputs.group_ids.rds }}"]
    multi_az: false
    db_name: ecommerce_analytics
    master_username: ecap_admin
    master_user_secret_kms_key_id: "{{ kms_outputs.key_arns.secrets }}"
    db_parameter_group_name: ecap-dev-postgres16
    backup_retention_period: 3
    preferred_backup_window: "03:00-03:30"
    preferred_maintenance_window: "sun:04:00-sun:04:30"
    copy_tags_to_snapshot: true
    enable_performance_insights: true
    performance_insights_kms_key_id: "{{ kms_outputs.key_arns.rds }}"
    performance_insights_retention_period: 7
    enable_cloudwatch_logs_exports: [postgresql, upgrade]
    iam_database_authentication: true
    apply_immediately: true
    tags:
      Project: ecap
  register: db

- name: Wait for it to be available
  ecap.platform.rds_db_instance:
    db_instance_identifier: ecap-dev-postgres
    wait_only: true
    wait_delay: 10

- name: Restore it to a point in time as a new instance with the same network and secret settings
  ecap.platform.rds_db_instance:
    db_instance_identifier: ecap-dev-postgres-restored-0131
    creation_source: instance
    source_db_instance_identifier: ecap-dev-postgres
    restore_time: "2025-01-31T12:00:00Z"
    instance_class: db.t3.micro
    db_subnet_group_name: ecap-dev-db
    vpc_security_group_ids: ["{{ security_groups_outputs.group_ids.rds }}"]
    db_parameter_group_name: ecap-dev-postgres16
    master_user_secret_kms_key_id: "{{ kms_outputs.key_arns.secrets }}"
    multi_az: false
    iam_database_authentication: true

- name: Rotate the managed master password now
  ecap.platform.rds_db_instance:
    db_instance_identifier: ecap-dev-postgres
    rotate_master_user_password: true

- name: Delete it, keeping a final snapshot
  ecap.platform.rds_db_instance:
    db_instance_identifier: ecap-dev-postgres
    final_snapshot_identifier: ecap-dev-postgres-final
    state: absent
"""

RETURN = r"""
db_instance:
  description:
    - The instance as DescribeDBInstances describes it, snake_cased, tags as a dict. It never holds a password.
    - In check mode, when the instance would be created, the request's settings.
    - Empty when the instance does not exist (after O(state=absent)).
  returned: always
  type: dict
endpoint:
  description: The DNS name of the instance (none until RDS has made it).
  returned: when the instance exists
  type: str
  sample: ecap-dev-postgres.abcdefghij.us-west-2.rds.amazonaws.com
port:
  description: The port of the instance.
  returned: when the instance exists
  type: int
  sample: 5432
master_user_secret_arn:
  description: The ARN of the Secrets Manager secret that holds the master user name and password.
  returned: when the instance exists
  type: str
  sample: arn:aws:secretsmanager:us-west-2:123456789012:secret:rds!db-0123-abcdef
status:
  description: The instance status (C(creating), C(backing-up), C(available), C(modifying), C(deleting)...).
  returned: when the instance exists
  type: str
  sample: available
pending_reboot:
  description: Whether a parameter change or a new parameter group waits for a reboot (the module never reboots).
  returned: always
  type: bool
  sample: false
pending_modified_values:
  description: Changes queued for the next maintenance window, snake_cased.
  returned: always
  type: dict
  sample: {"db_instance_class": "db.t3.small"}
restored_from:
  description: What a restore made the instance from (C(instance) with the source and time, or C(snapshot)).
  returned: when the module restored the instance
  type: dict
  sample:
    creation_source: instance
    source_db_instance_identifier: ecap-dev-postgres
    restore_time: latest
rotated:
  description: Whether the master password rotation was requested (in check mode, whether it would be).
  returned: when O(rotate_master_user_password=true)
  type: bool
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils.common import (
    WaitTimeoutError,
    apply_tag_changes,
    client,
    make_diff,
    wanted_tags,
)
from ansible_collections.ecap.platform.plugins.module_utils.rds import (
    LOG_EXPORTS,
    MODIFIABLE_STATES,
    MONITORING_INTERVALS,
    build_create_request,
    build_modify_request,
    build_restore_request,
    current_settings,
    describe_instance,
    instance_tags,
    is_available,
    is_gone,
    parse_time,
    plan_changes,
    plan_tags,
    restore_window,
    settings_view,
    summary,
    to_ansible,
    update_tags,
    validate_params,
    validate_restore_params,
    wait_until,
    wanted_settings,
)


def exit_with(module: AnsibleAWSModule, changed: bool, instance, **extra) -> None:
    module.exit_json(changed=changed, db_instance=to_ansible(instance), **summary(instance), **extra)


def wait(module: AnsibleAWSModule, connection, done, what: str):
    params = module.params
    try:
        return wait_until(
            connection,
            params["db_instance_identifier"],
            done,
            timeout=params["wait_timeout"],
            delay=params["wait_delay"],
            what=what,
        )
    except WaitTimeoutError as e:
        module.fail_json(msg=str(e), db_instance=to_ansible(e.last))


def ensure_present(connection, module: AnsibleAWSModule) -> None:
    params = module.params
    identifier = params["db_instance_identifier"]
    wanted = wanted_settings(params)
    managed = [option for option, value in wanted.items() if value is not None]
    tags, purge_tags = wanted_tags(params["tags"], params["purge_tags"])
    instance = describe_instance(connection, identifier)

    if instance is None or instance.get("DBInstanceStatus") == "deleting":
        if instance is not None:
            module.fail_json(msg=f"DB instance {identifier} is being deleted; run again once it is gone.")
        if params["creation_source"]:
            restore(connection, module, wanted, managed, tags)
        missing = [name for name in ("instance_class", "allocated_storage", "master_username") if not params[name]]
        if missing:
            module.fail_json(msg=f"Creating DB instance {identifier} needs {', '.join(missing)}.")
        request = build_create_request(params, tags)
        if module.check_mode:
            predicted = {"DBInstanceIdentifier": identifier, "DBInstanceStatus": "creating", **request}
            predicted.pop("Tags", None)
            module.exit_json(
                changed=True,
                db_instance=to_ansible(predicted),
                **summary(None),
                diff=make_diff({}, settings_view(wanted, managed)),
            )
        instance = connection.create_db_instance(aws_retry=True, **request)["DBInstance"]
        if params["wait"]:
            instance = wait(module, connection, is_available, "to be available")
        exit_with(module, True, instance, diff=make_diff({}, settings_view(wanted, managed)))

    current = current_settings(instance)
    plan = plan_changes(current, wanted)
    if plan.errors:
        module.fail_json(msg=" ".join(plan.errors), db_instance=to_ansible(instance))
    current_tags = instance_tags(connection, instance)
    to_set, to_unset = plan_tags(current_tags, tags, purge_tags)
    rotate = bool(params["rotate_master_user_password"])
    if rotate and not instance.get("MasterUserSecret"):
        module.fail_json(
            msg=f"DB instance {identifier} has no master password managed in Secrets Manager to rotate.",
            db_instance=to_ansible(instance),
        )
    extra = {"rotated": True} if rotate else {}
    changed = plan.changed or bool(to_set or to_unset)

    if not changed and rotate:
        if module.check_mode:
            exit_with(module, True, instance, **extra)
        instance = rotate_password(connection, module, instance)
        exit_with(module, True, instance, **extra)

    if not changed:
        if params["wait"] and not is_available(instance):
            instance = wait(module, connection, is_available, "to be available")
        exit_with(module, False, instance)

    before = {**settings_view(current, managed), "tags": current_tags}
    after = {**settings_view(current, managed), "tags": apply_tag_changes(current_tags, to_set, to_unset)}
    after.update({option: want for option, (_, want) in plan.differences.items()})
    diff = make_diff(before, after)

    if module.check_mode:
        exit_with(module, True, instance, diff=diff)

    if plan.changed:
        status = instance.get("DBInstanceStatus")
        if status not in MODIFIABLE_STATES:
            if not params["wait"]:
                module.fail_json(
                    msg=f"DB instance {identifier} is {status}; it can be modified once available"
                    " (run again later, or with wait=true).",
                    db_instance=to_ansible(instance),
                )
            wait(module, connection, is_available, "to be available before it is modified")
        request = build_modify_request(identifier, plan.differences, params["apply_immediately"])
        connection.modify_db_instance(aws_retry=True, **request)
    if to_set or to_unset:
        update_tags(connection, instance["DBInstanceArn"], to_set, to_unset)
    if rotate:
        instance = rotate_password(connection, module, describe_instance(connection, identifier) or instance)
    if params["wait"]:
        instance = wait(module, connection, is_available, "to be available")
    else:
        instance = describe_instance(connection, identifier) or instance
    exit_with(module, True, instance, diff=diff, **extra)


def rotate_password(connection, module: AnsibleAWSModule, instance):
    """ModifyDBInstance RotateMasterUserPassword (the instance must accept a modification)."""
    identifier = module.params["db_instance_identifier"]
    if instance.get("DBInstanceStatus") not in MODIFIABLE_STATES:
        if not module.params["wait"]:
            module.fail_json(
                msg=f"DB instance {identifier} is {instance.get('DBInstanceStatus')}; its password can be rotated"
                " once available (run again later, or with wait=true).",
                db_instance=to_ansible(instance),
            )
        wait(module, connection, is_available, "to be available before its password is rotated")
    connection.modify_db_instance(
        aws_retry=True, DBInstanceIdentifier=identifier, RotateMasterUserPassword=True, ApplyImmediately=True
    )
    return describe_instance(connection, identifier) or instance


def restore(connection, module: AnsibleAWSModule, wanted, managed, tags) -> None:
    """Make the missing instance by a restore (point in time or snapshot); the window is checked first."""
    params = module.params
    identifier = params["db_instance_identifier"]
    restored_from = {"creation_source": params["creation_source"]}
    if params["creation_source"] == "instance":
        source_id = params["source_db_instance_identifier"]
        source = describe_instance(connection, source_id)
        if source is None:
            module.fail_json(msg=f"Source DB instance {source_id} (source_db_instance_identifier) does not exist.")
        earliest, latest = restore_window(connection, source)
        if not source.get("BackupRetentionPeriod") or latest is None:
            module.fail_json(
                msg=f"DB instance {source_id} keeps no automated backups: it has no point in time to restore."
            )
        if params["restore_time"]:
            when = parse_time(params["restore_time"])
            if (earliest is not None and when < earliest) or when > latest:
                module.fail_json(
                    msg=f"restore_time {when.isoformat()} is outside the restore window of {source_id}:"
                    f" {earliest.isoformat() if earliest else '?'} to {latest.isoformat()}.",
                    restore_window={
                        "earliest": earliest.isoformat() if earliest else None,
                        "latest": latest.isoformat(),
                    },
                )
        restored_from.update(
            source_db_instance_identifier=source_id,
            restore_time=parse_time(params["restore_time"]).isoformat() if params["restore_time"] else "latest",
        )
    else:
        restored_from["db_snapshot_identifier"] = params["db_snapshot_identifier"]
    method, request = build_restore_request(params, tags)
    diff = make_diff({}, settings_view(wanted, managed))
    if module.check_mode:
        predicted = {"DBInstanceIdentifier": identifier, "DBInstanceStatus": "creating"}
        module.exit_json(
            changed=True, db_instance=to_ansible(predicted), **summary(None), restored_from=restored_from, diff=diff
        )
    instance = getattr(connection, method)(aws_retry=True, **request)["DBInstance"]
    if params["wait"]:
        instance = wait(module, connection, is_available, "to be available")
    exit_with(module, True, instance, restored_from=restored_from, diff=diff)


def ensure_absent(connection, module: AnsibleAWSModule) -> None:
    params = module.params
    identifier = params["db_instance_identifier"]
    instance = describe_instance(connection, identifier)
    if instance is None:
        exit_with(module, False, None)
    if instance.get("DBInstanceStatus") == "deleting":
        if params["wait"]:
            wait(module, connection, is_gone, "to be deleted")
            exit_with(module, False, None)
        exit_with(module, False, instance)

    diff = make_diff({"db_instance_identifier": identifier, "status": instance.get("DBInstanceStatus")}, {})
    protected = instance.get("DeletionProtection")
    if protected and params["deletion_protection"] is not False:
        module.fail_json(
            msg=f"DB instance {identifier} has deletion protection; set deletion_protection=false to delete it.",
            db_instance=to_ansible(instance),
        )
    if module.check_mode:
        exit_with(module, True, instance, diff=diff)
    if protected:
        connection.modify_db_instance(
            aws_retry=True, DBInstanceIdentifier=identifier, DeletionProtection=False, ApplyImmediately=True
        )
    request = {
        "DBInstanceIdentifier": identifier,
        "SkipFinalSnapshot": bool(params["skip_final_snapshot"]),
        "DeleteAutomatedBackups": bool(params["delete_automated_backups"]),
    }
    if not params["skip_final_snapshot"]:
        request["FinalDBSnapshotIdentifier"] = params["final_snapshot_identifier"]
    deleted = connection.delete_db_instance(aws_retry=True, **request)["DBInstance"]
    if params["wait"]:
        wait(module, connection, is_gone, "to be deleted")
        exit_with(module, True, None, diff=diff)
    exit_with(module, True, deleted, diff=diff)


def wait_only(connection, module: AnsibleAWSModule) -> None:
    done = is_gone if module.params["state"] == "absent" else is_available
    what = "to be deleted" if module.params["state"] == "absent" else "to be available"
    identifier = module.params["db_instance_identifier"]
    if module.params["state"] == "present" and describe_instance(connection, identifier) is None:
        if module.check_mode:
            exit_with(module, False, None)
        module.fail_json(msg=f"DB instance {identifier} does not exist, so it cannot become available.")
    if module.check_mode:
        exit_with(module, False, describe_instance(connection, identifier))
    exit_with(module, False, wait(module, connection, done, what))


def main() -> None:
    argument_spec = dict(
        db_instance_identifier=dict(type="str", required=True, aliases=["id"]),
        engine=dict(type="str", default="postgres", choices=["postgres"]),
        engine_version=dict(type="str"),
        instance_class=dict(type="str"),
        allocated_storage=dict(type="int"),
        max_allocated_storage=dict(type="int"),
        storage_type=dict(type="str", choices=["gp2", "gp3", "io1", "io2", "standard"]),
        iops=dict(type="int"),
        storage_throughput=dict(type="int"),
        storage_encrypted=dict(type="bool"),
        kms_key_id=dict(type="str"),
        db_subnet_group_name=dict(type="str"),
        vpc_security_group_ids=dict(type="list", elements="str"),
        publicly_accessible=dict(type="bool", default=False),
        multi_az=dict(type="bool"),
        db_name=dict(type="str"),
        master_username=dict(type="str"),
        master_user_secret_kms_key_id=dict(type="str"),
        port=dict(type="int"),
        db_parameter_group_name=dict(type="str"),
        backup_retention_period=dict(type="int"),
        preferred_backup_window=dict(type="str"),
        preferred_maintenance_window=dict(type="str"),
        copy_tags_to_snapshot=dict(type="bool"),
        deletion_protection=dict(type="bool"),
        auto_minor_version_upgrade=dict(type="bool"),
        monitoring_interval=dict(type="int", choices=list(MONITORING_INTERVALS)),
        monitoring_role_arn=dict(type="str"),
        enable_performance_insights=dict(type="bool"),
        performance_insights_kms_key_id=dict(type="str"),
        performance_insights_retention_period=dict(type="int"),
        enable_cloudwatch_logs_exports=dict(type="list", elements="str", choices=list(LOG_EXPORTS)),
        iam_database_authentication=dict(type="bool"),
        apply_immediately=dict(type="bool", default=False),
        final_snapshot_identifier=dict(type="str"),
        skip_final_snapshot=dict(type="bool", default=False),
        delete_automated_backups=dict(type="bool", default=True),
        creation_source=dict(type="str", choices=["instance", "snapshot"]),
        source_db_instance_identifier=dict(type="str"),
        restore_time=dict(type="str"),
        use_latest_restorable_time=dict(type="bool", default=False),
        db_snapshot_identifier=dict(type="str"),
        rotate_master_user_password=dict(type="bool", default=False),
        wait=dict(type="bool", default=False),
        wait_only=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=2400),
        wait_delay=dict(type="int", default=10),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    errors = validate_params(params) + validate_restore_params(params) if not params["wait_only"] else []
    if errors:
        module.fail_json(msg=" ".join(errors))

    connection = client(module, "rds")
    try:
        if params["wait_only"]:
            wait_only(connection, module)
        elif params["state"] == "present":
            ensure_present(connection, module)
        else:
            ensure_absent(connection, module)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage DB instance {params['db_instance_identifier']}")


if __name__ == "__main__":
    main()
