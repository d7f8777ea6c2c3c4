"""Chaos: the central server is SIGKILLed again and again while tablets deliver batches, then restarted.

Tablets are real (Outbox + SyncWorker + the core's Client, one SQLite file each) and keep tapping
ratings. After every kill, with the server dead, the run checks on the frozen database:
  - every rating a tablet marked `sent` (the server acknowledged it) is stored;
  - no partial batch: the rows of each unsettled batch (same Idempotency-Key) are all stored or none;
  - SQLite only: `PRAGMA integrity_check` is ok.
At the end, faults off, every tablet drains: the server holds exactly the ids the tablets recorded,
each once, and nothing was quarantined.

    .venv/bin/python bench/chaos_server_kill.py [--kills 50] [--tablets 6] [--postgresql]
"""

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import loadgen  # noqa: E402

OFFICE = "XA-CHAOS"


def check_frozen(db: str, tablets: list[loadgen.RealTablet]) -> dict:
    """While the server is dead: acknowledged ⊆ stored, batches all-or-nothing, file intact."""
    stored = loadgen.stored_ids(db)
    lost, partial, in_flight = [], [], 0
    for t in tablets:
        batches: dict[str, list[bool]] = {}
        for rid, state, key in t.rows():
            if state == "sent" and rid not in stored:
                lost.append(rid)
            if state in ("pending", "sending") and key:
                batches.setdefault(key, []).append(rid in stored)
        for key, present in batches.items():
            in_flight += 1
            if any(present) and not all(present):
                partial.append((key, sum(present), len(present)))
    integrity = "n/a"
    if "://" not in db:
        conn = sqlite3.connect(db)
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        conn.close()
    return {"lost": lost, "partial": partial, "integrity": integrity, "in_flight": in_flight, "stored": len(stored)}


def run(
    workdir: Path,
    kills: int = 20,
    tablets: int = 4,
    db: str | None = None,
    up: tuple[float, float] = (0.3, 1.2),
    seed: int = 7,
) -> dict:
    """Kills the server `kills` times after a random `up` seconds of service; returns the findings."""
    rng = random.Random(seed)
    db = db or str(workdir / "central.db")
    loadgen.cli(db, "init")
    tokens, staff_id = loadgen.register_tablets(db, OFFICE, tablets)
    before = loadgen.stored_ids(db)
    server = loadgen.ServerProcess(db, {}, workdir).start()
    rigs = [
        loadgen.RealTablet(
            workdir / f"tablet{i}.db",
            server.url,
            tok,
            OFFICE,
            staff_id,
            1,
            timeout=2,
            interval=0.1,
            batch_size=rng.choice([20, 100, 500]),
        )
        for i, tok in enumerate(tokens)
    ]
    findings = {
        "kills": 0,
        "kills_with_batches_in_flight": 0,
        "lost": [],
        "partial": [],
        "integrity": set(),
        "restart_s": [],
    }
    try:
        for rig in rigs:
            rig.start(every=0.004)
        for _ in range(kills):
            time.sleep(rng.uniform(*up))
            server.kill()
            findings["kills"] += 1
            frozen = check_frozen(db, rigs)
            findings["lost"] += frozen["lost"]
            findings["partial"] += frozen["partial"]
            findings["integrity"].add(frozen["integrity"])
            findings["kills_with_batches_in_flight"] += frozen["in_flight"] > 0
            t0 = time.perf_counter()
            server.start()
            findings["restart_s"].append(time.perf_counter() - t0)
        for rig in rigs:
            rig.stop_tapping()
        drained = all(rig.drain(90) for rig in rigs)
    finally:
        for rig in rigs:
            rig.close()
        server.stop()
    stored_rows, stored_distinct = (n - len(before) for n in loadgen.stored_ratings(db))
    stored = loadgen.stored_ids(db) - before
    recorded = {rid for rig in rigs for rid, _state, _key in rig.rows()}
    findings.update(
        drained=drained,
        recorded=len(recorded),
        stored_rows=stored_rows,
        stored_distinct=stored_distinct,
        same_set=stored == recorded,
        acknowledged=sum(len(r.acknowledged) for r in rigs),
        quarantined=sum(len(r.outbox.quarantined()) for r in rigs),
        put_errors=sum(len(r.put_errors) for r in rigs),
        integrity=sorted(findings["integrity"]),
    )
    return findings


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kills", type=int, default=50)
    ap.add_argument("--tablets", type=int, default=6)
    ap.add_argument("--postgresql", action="store_true", help="on a throwaway PostgreSQL instead of SQLite")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="motcua-chaos-kill-") as tmp:
        pg = None
        db = None
        if args.postgresql:
            pg, db = loadgen.throwaway_postgres("chaos")
        try:
            t0 = time.perf_counter()
            f = run(Path(tmp), args.kills, args.tablets, db)
            took = time.perf_counter() - t0
        finally:
            if pg:
                pg.stop()
    ok = (
        not f["lost"]
        and not f["partial"]
        and f["drained"]
        and f["same_set"]
        and not f["quarantined"]
        and f["stored_rows"] == f["stored_distinct"] == f["recorded"]
        and f["integrity"] in (["ok"], ["n/a"])
    )
    print("## Chaos: server SIGKILLed mid-batch and restarted (chaos_server_kill)\n")
    print(
        f"`.venv/bin/python bench/chaos_server_kill.py --kills {args.kills} --tablets {args.tablets}"
        f"{' --postgresql' if args.postgresql else ''}` — {took:.0f} s.\n"
    )
    print(
        "| kills | with batches in flight | restart p50 / max s | ratings recorded on tablets | stored rows / distinct "
        "| same set | acknowledged but lost | partial batches | quarantined | integrity |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {f['kills']} | {f['kills_with_batches_in_flight']} | {loadgen.median(f['restart_s']):.2f} / "
        f"{max(f['restart_s']):.2f} | {f['recorded']:,} | {f['stored_rows']:,} / {f['stored_distinct']:,} | "
        f"{'yes' if f['same_set'] else 'NO'} | {len(f['lost'])} | {len(f['partial'])} | {f['quarantined']} | "
        f"{', '.join(f['integrity'])} |"
    )
    print(
        f"\nResult: {'exactly once, no partial batch' if ok else 'FAILED: ' + json.dumps({k: f[k] for k in ('lost', 'partial')})[:500]}."
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
