"""ELBv2 extensions (filled in by the ingress work)."""
