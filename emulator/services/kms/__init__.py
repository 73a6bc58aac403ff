"""KMS fixes and extensions (see emulator/README.md)."""

from emulator.services.kms import models, responses

__all__ = ["models", "responses"]
