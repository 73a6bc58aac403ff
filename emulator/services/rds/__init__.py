"""RDS fixes and extensions (see emulator/README.md)."""

from emulator.services.rds import backups, models, power, responses

__all__ = ["backups", "models", "power", "responses"]
