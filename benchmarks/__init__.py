"""The performance harness of BENCHMARKS.md: ``python -m benchmarks.run`` (see README.md)."""
