#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: s3_object_version
version_added: 0.3.0
short_description: Delete one version or delete marker of an S3 object
description:
  - Deletes the version O(version_id) of O(key) for good (C(DeleteObject) with C(VersionId)). Deleting the
    current delete marker undeletes the object (the version under it becomes current again).
  - M(amazon.aws.s3_object) (C(mode=delobj)) only deletes the current version (it writes a delete marker in
    a versioned bucket); it cannot remove a delete marker.
  - A version that does not exist is reported unchanged.
author:
  - ecap.platform contributors
options:
  bucket:
    description: The bucket.
    type: str
    required: true
  key:
    description: The object key.
    type: str
    required: true
  version_id:
    description: The version id (or delete marker id) to delete.
    type: str
    required: true
  state:
    description: Only V(absent).
    type: str
    default: absent
    choices: [absent]
notes:
  - Supports check mode and diff mode.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Undelete an object by removing its delete marker
  ecap.platform.s3_object_version:
    bucket: ecap-dev-datalake-123456789012-us-west-2
    key: curated/orders/2025-01-31.parquet
    version_id: 3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY
    state: absent
"""

RETURN = r"""
deleted:
  description: The version deleted (in check mode, to delete), as M(ecap.platform.s3_object_version_info) lists it.
  returned: when it existed
  type: dict
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils.common import client, make_diff
from ansible_collections.ecap.platform.plugins.module_utils.s3 import delete_object_version, list_object_versions


def main() -> None:
    argument_spec = dict(
        bucket=dict(type="str", required=True),
        key=dict(type="str", required=True, no_log=False),
        version_id=dict(type="str", required=True),
        state=dict(type="str", default="absent", choices=["absent"]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    bucket, key, version_id = module.params["bucket"], module.params["key"], module.params["version_id"]
    connection = client(module, "s3")
    try:
        versions = list_object_versions(connection, bucket, key)
        found = next((v for v in versions if v["version_id"] == version_id), None)
        if found is None:
            module.exit_json(changed=False)
        diff = make_diff({"version_id": version_id, "delete_marker": found["delete_marker"]}, {})
        if not module.check_mode:
            delete_object_version(connection, bucket, key, version_id)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to delete version {version_id} of s3://{bucket}/{key}")
    module.exit_json(changed=True, deleted=found, diff=diff)


if __name__ == "__main__":
    main()
