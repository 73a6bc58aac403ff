"""IAM fixes and extensions (see emulator/README.md)."""

from emulator.services.iam import models, responses

__all__ = ["models", "responses"]
