"""RDS fixes and extensions (see emulator/README.md)."""

from emulator.services.rds import backups, models, responses

__all__ = ["backups", "models", "responses"]
