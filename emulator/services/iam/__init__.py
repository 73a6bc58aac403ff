"""IAM fixes and extensions (see emulator/README.md)."""

from emulator.services.iam import responses

__all__ = ["responses"]
