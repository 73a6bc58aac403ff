"""EKS compute extensions (filled in by the compute-tier work)."""
