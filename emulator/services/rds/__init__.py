"""RDS fixes and extensions (see emulator/README.md)."""

from emulator.services.rds import models, responses

__all__ = ["models", "responses"]
