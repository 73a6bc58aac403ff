"""RDS fixes and extensions (see emulator/README.md)."""

from emulator.services.rds import backups, events, models, power, responses

__all__ = ["backups", "events", "models", "power", "responses"]
