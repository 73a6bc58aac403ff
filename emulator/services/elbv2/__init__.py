"""Elastic Load Balancing v2 fixes and extensions (see emulator/README.md)."""

from emulator.services.elbv2 import models

__all__ = ["models"]
