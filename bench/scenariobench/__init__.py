"""Helpers for bench/scenario_step.py (a package, so `make bench` does not run it)."""
