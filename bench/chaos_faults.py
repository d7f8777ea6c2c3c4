"""Chaos: many tablets deliver through a hostile network to two server processes on one PostgreSQL.

Each tablet is real (Outbox + SyncWorker + the core's Client, its own SQLite file, a thread) and
talks to one of two `motcua-central serve` processes through its own tests/support/faultproxy.py proxy,
which gives every connection a seeded random fault: drop, reset, reset mid-body (the server did the
work, the answer is lost), delay, 500, 429 + Retry-After, blackhole. Tablets tap ratings the whole
time and switch server halfway (a failover), so twins of one batch reach both processes. At the
end the faults stop, every tablet drains, and the server's set of ratings must equal the set
recorded on the tablets, with no duplicate and nothing quarantined.

    .venv/bin/python bench/chaos_faults.py [--seconds 120] [--tablets 12]
"""

import argparse
import collections
import random
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
import loadgen  # noqa: E402
from tests.support.faultproxy import FAULTS, FaultProxy  # noqa: E402  (the top folder is on the path via loadgen)

OFFICE = "XA-FAULTS"
WEIGHTS = {
    "pass": 40,
    "drop": 8,
    "reset": 8,
    "reset_mid_body": 12,
    "delay": 10,
    "http500": 8,
    "http429": 8,
    "blackhole": 2,
}


def run(workdir: Path, db: str, seconds: float = 20, tablets: int = 8, seed: int = 3) -> dict:
    rng = random.Random(seed)
    loadgen.cli(db, "init")
    tokens, staff_id = loadgen.register_tablets(db, OFFICE, tablets)
    before = loadgen.stored_ids(db)
    servers = [loadgen.ServerProcess(db, {}, workdir).start() for _ in range(2)]
    kinds = [k for k in FAULTS for _ in range(WEIGHTS[k])]
    faulty = {"on": True}

    def choose():
        return rng.choice(kinds) if faulty["on"] else "pass"

    proxies = [
        [
            FaultProxy((urlparse(s.url).hostname, urlparse(s.url).port), delay=1.5, retry_after=1, choose=choose)
            for s in servers
        ]
        for _ in range(tablets)
    ]
    rigs = []
    try:
        for i, tok in enumerate(tokens):
            rigs.append(
                loadgen.RealTablet(
                    workdir / f"tablet{i}.db",
                    proxies[i][i % 2].url,
                    tok,
                    OFFICE,
                    staff_id,
                    1,
                    timeout=1,
                    interval=0.1,
                    backoff_base=0.05,
                    backoff_cap=1.0,
                    batch_size=rng.choice([5, 50, 500]),
                ).start(every=0.02)
            )
        time.sleep(seconds / 2)
        for i, rig in enumerate(rigs):  # failover: each tablet now talks to the other server process
            rig.client.base_url = proxies[i][(i + 1) % 2].url
        time.sleep(seconds / 2)
        for rig in rigs:
            rig.stop_tapping()
        faulty["on"] = False
        drained = all(rig.drain(60) for rig in rigs)
    finally:
        for rig in rigs:
            rig.close()
        for pair in proxies:
            for p in pair:
                p.close()
        for s in servers:
            s.stop()
    faults = collections.Counter(f for pair in proxies for p in pair for f in p.log)
    stored = loadgen.stored_ids(db) - before
    rows, distinct = (n - len(before) for n in loadgen.stored_ratings(db))
    recorded = {rid for rig in rigs for rid, _s, _k in rig.rows()}
    return {
        "drained": drained,
        "faults": dict(faults),
        "recorded": len(recorded),
        "stored_rows": rows,
        "stored_distinct": distinct,
        "same_set": stored == recorded,
        "acknowledged": sum(len(r.acknowledged) for r in rigs),
        "quarantined": sum(len(r.outbox.quarantined()) for r in rigs),
        "missing": len(recorded - stored),
        "extra": len(stored - recorded),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=120)
    ap.add_argument("--tablets", type=int, default=12)
    args = ap.parse_args()
    pg, db = loadgen.throwaway_postgres("faults")
    t0 = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory(prefix="motcua-chaos-faults-") as tmp:
            f = run(Path(tmp), db, args.seconds, args.tablets)
    finally:
        pg.stop()
    ok = (
        f["drained"]
        and f["same_set"]
        and f["stored_rows"] == f["stored_distinct"] == f["recorded"]
        and not f["quarantined"]
    )
    injected = sum(v for k, v in f["faults"].items() if k != "pass")
    print("## Chaos: faulty network, two server processes on one PostgreSQL (chaos_faults)\n")
    print(
        f"`.venv/bin/python bench/chaos_faults.py --seconds {args.seconds:g} --tablets {args.tablets}` — "
        f"{time.perf_counter() - t0:.0f} s; each tablet switches server halfway.\n"
    )
    print(
        "| connections | faults injected | ratings recorded on tablets | stored rows / distinct | same set | "
        "missing / extra | quarantined |"
    )
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {sum(f['faults'].values()):,} | {injected:,} ({', '.join(f'{k} {v}' for k, v in sorted(f['faults'].items()))}) "
        f"| {f['recorded']:,} | {f['stored_rows']:,} / {f['stored_distinct']:,} | {'yes' if f['same_set'] else 'NO'} "
        f"| {f['missing']} / {f['extra']} | {f['quarantined']} |"
    )
    print(f"\nResult: {'exactly once' if ok else 'FAILED'}.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
