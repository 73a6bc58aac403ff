"""EC2 fixes and extensions (see emulator/README.md)."""

from emulator.services.ec2 import interfaces, models, responses, route_tables, security_groups, service_interfaces

__all__ = ["interfaces", "models", "responses", "route_tables", "security_groups", "service_interfaces"]
