"""EventBridge Scheduler fixes and extensions (see emulator/README.md)."""

from emulator.services.scheduler import models, responses

__all__ = ["models", "responses"]
