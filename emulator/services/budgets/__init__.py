"""AWS Budgets fixes and extensions (see emulator/README.md)."""

from emulator.services.budgets import models, responses

__all__ = ["models", "responses"]
