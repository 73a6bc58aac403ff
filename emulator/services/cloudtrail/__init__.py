"""CloudTrail fixes and extensions (see emulator/README.md)."""

from emulator.services.cloudtrail import models

__all__ = ["models"]
