"""Benchmark of the generator and site at scale: `python -m bench --help`."""
