"""AWS X-Ray groups, sampling rules and tags (see emulator/README.md)."""

from emulator.services.xray import models, responses

__all__ = ["models", "responses"]
