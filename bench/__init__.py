"""Benchmarks: run them as modules (`python -m bench.<name>`); they print their figures."""
