"""S3 fixes and extensions (see emulator/README.md)."""

from emulator.services.s3 import models, responses

__all__ = ["models", "responses"]
