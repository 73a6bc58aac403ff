"""EventBridge fixes and extensions (see emulator/README.md)."""

from emulator.services.events import models

__all__ = ["models"]
