"""Chaos tests drive the same code as the `bench/chaos_*.py` commands, at sizes that fit the suite."""

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))
