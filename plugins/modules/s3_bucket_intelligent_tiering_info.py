#!/usr/bin/python
# Copyright: ecap.platform contributors
# MIT License

DOCUMENTATION = r"""
---
module: s3_bucket_intelligent_tiering_info
version_added: 0.1.0
short_description: List the S3 Intelligent-Tiering configurations of a bucket
description:
  - Returns every Intelligent-Tiering archive configuration of a bucket
    (C(ListBucketIntelligentTieringConfigurations), all pages), or the one named O(id).
  - C(amazon.aws.s3_bucket_info) reads most bucket settings but not these.
author:
  - ecap.platform contributors
options:
  bucket:
    description: The name of the bucket.
    type: str
    required: true
    aliases: [name]
  id:
    description: Only the configuration with this id (none returned when it does not exist).
    type: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Read the tiering configurations of the data lake
  ecap.platform.s3_bucket_intelligent_tiering_info:
    bucket: ecap-prod-datalake-123456789012-us-west-2
  register: tiering
"""

RETURN = r"""
configurations:
  description: The configurations, sorted by id, in the form the s3_bucket_intelligent_tiering module returns.
  returned: always
  type: list
  elements: dict
  sample:
    - id: curated
      status: enabled
      filter: {prefix: curated/}
      tierings: [{access_tier: ARCHIVE_ACCESS, days: 90}]
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.ecap.platform.plugins.module_utils.common import client
from ansible_collections.ecap.platform.plugins.module_utils.s3 import canonical_tiering, get_tiering, list_tierings


def main() -> None:
    module = AnsibleAWSModule(
        argument_spec=dict(bucket=dict(type="str", required=True, aliases=["name"]), id=dict(type="str")),
        supports_check_mode=True,
    )
    bucket, config_id = module.params["bucket"], module.params["id"]
    connection = client(module, "s3")
    try:
        if config_id:
            found = get_tiering(connection, bucket, config_id)
            configs = [found] if found else []
        else:
            configs = list_tierings(connection, bucket)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to list the intelligent-tiering configurations of bucket {bucket}")
    module.exit_json(
        changed=False, configurations=sorted((canonical_tiering(c) for c in configs), key=lambda c: c["id"])
    )


if __name__ == "__main__":
    main()
