#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: s3_object_version_info
version_added: 0.3.0
short_description: List the versions and delete markers of an S3 object
description:
  - Lists every version and delete marker of one key of a versioned bucket (C(ListObjectVersions), all
    pages), newest first. M(amazon.aws.s3_object_info) and M(amazon.aws.s3_object) (C(mode=list)) list
    only current objects.
  - Makes no change.
author:
  - ecap.platform contributors
options:
  bucket:
    description: The bucket.
    type: str
    required: true
  key:
    description: The object key (exactly this key, not a prefix).
    type: str
    required: true
notes:
  - Supports check mode.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The history of an object of the data lake
  ecap.platform.s3_object_version_info:
    bucket: ecap-dev-datalake-123456789012-us-west-2
    key: curated/orders/2025-01-31.parquet
  register: history
"""

RETURN = r"""
versions:
  description: The versions and delete markers of the key, newest first (the current one first).
  returned: always
  type: list
  elements: dict
  contains:
    key: {description: The key., type: str}
    version_id: {description: The version id (C(null) for an object written before versioning)., type: str}
    is_latest: {description: Whether it is the current version (or current delete marker)., type: bool}
    last_modified: {description: When it was written, ISO 8601., type: str, sample: "2025-01-31T12:00:00+00:00"}
    delete_marker: {description: Whether it is a delete marker (the key reads as deleted while current)., type: bool}
    size: {description: Size in bytes (none for a delete marker)., type: int}
    etag: {description: The ETag (none for a delete marker)., type: str}
    storage_class: {description: The storage class (none for a delete marker)., type: str}
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils.common import client
from ansible_collections.ecap.platform.plugins.module_utils.s3 import list_object_versions


def main() -> None:
    argument_spec = dict(bucket=dict(type="str", required=True), key=dict(type="str", required=True, no_log=False))
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    connection = client(module, "s3")
    try:
        versions = list_object_versions(connection, module.params["bucket"], module.params["key"])
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(
            e, msg=f"Failed to list the versions of s3://{module.params['bucket']}/{module.params['key']}"
        )
    module.exit_json(changed=False, versions=versions)


if __name__ == "__main__":
    main()
