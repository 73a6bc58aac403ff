"""EC2 fixes and extensions (see emulator/README.md)."""

from emulator.services.ec2 import models, responses, route_tables, security_groups

__all__ = ["models", "responses", "route_tables", "security_groups"]
