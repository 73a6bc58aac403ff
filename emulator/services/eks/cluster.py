"""EKS cluster extensions (filled in by the compute-tier work)."""
