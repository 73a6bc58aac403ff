"""CloudWatch (metric alarms) fixes (see emulator/README.md)."""

from emulator.services.cloudwatch import models, responses

__all__ = ["models", "responses"]
