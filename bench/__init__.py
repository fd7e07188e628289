"""Load benchmarks for the tracker: `make bench` (see bench/README.md)."""
