"""CloudWatch Logs fixes and extensions (see emulator/README.md)."""

from emulator.services.logs import models, responses

__all__ = ["models", "responses"]
