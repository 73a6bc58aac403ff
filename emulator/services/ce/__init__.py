"""Cost Explorer extensions (see emulator/README.md): emulated, fixed cost data."""

from emulator.services.ce import models, responses

__all__ = ["models", "responses"]
