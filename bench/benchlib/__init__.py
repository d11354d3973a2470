"""Shared helpers for the LRS benchmarks (a package, so `make bench` does not run it)."""
