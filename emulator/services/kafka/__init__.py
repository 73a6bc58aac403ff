"""Amazon MSK (kafka) fixes and extensions (see emulator/README.md)."""

from emulator.services.kafka import models, responses

__all__ = ["models", "responses"]
