"""Performance benchmarks: each ``bench_*.py`` module prints its figures (no assertions)."""
