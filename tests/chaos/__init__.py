"""Chaos tests drive the same code as the `bench/chaos_*.py` commands, at sizes that fit the suite."""
