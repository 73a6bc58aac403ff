"""Service Quotas fixes and extensions (see emulator/README.md)."""

from emulator.services.servicequotas import models, responses

__all__ = ["models", "responses"]
