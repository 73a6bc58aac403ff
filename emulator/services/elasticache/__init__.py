"""ElastiCache fixes and extensions (see emulator/README.md)."""

from emulator.services.elasticache import models, responses

__all__ = ["models", "responses"]
