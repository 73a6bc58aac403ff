"""Amazon EKS fixes and extensions (see emulator/README.md).

- ``cluster``: cluster lifecycle, config/version updates with update ids, encryption config, access
  config, access entries and access policy associations, the OIDC issuer.
- ``compute``: managed node groups (lifecycle, updateConfig, version updates) and add-ons
  (DescribeAddonVersions, Create/Describe/Update/Delete/ListAddons).
"""

from emulator.services.eks import cluster, compute

__all__ = ["cluster", "compute"]
