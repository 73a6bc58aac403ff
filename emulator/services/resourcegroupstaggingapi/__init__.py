"""Resource Groups Tagging API fixes (see emulator/README.md)."""

from emulator.services.resourcegroupstaggingapi import responses

__all__ = ["responses"]
