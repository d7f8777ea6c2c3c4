"""Rating outbox: kill -9 survival, tap-to-durable latency, and draining a backlog to a local central server."""

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from motcua.client import Client  # noqa: E402
from motcua.outbox import Outbox  # noqa: E402
from motcua.worker import SyncWorker  # noqa: E402
from tests.support import killtest  # noqa: E402
from tests.support.pg import free_port  # noqa: E402
from tests.support.server import wait_for_healthz  # noqa: E402

OFFICE = "XA-BENCH"


def pct(values, q):
    values = sorted(values)
    return values[max(0, int(len(values) * q) - 1)]


def tap_latency(tmp: Path, n: int) -> dict:
    ob = Outbox.open(tmp / "tap.db")
    took = []
    for i in range(n):
        t = time.perf_counter()
        ob.put("rating", {"office": OFFICE, "score": 3, "n": i})
        took.append((time.perf_counter() - t) * 1000)
    conn = sqlite3.connect(tmp / "bare.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (id TEXT PRIMARY KEY, payload TEXT)")
    bare = []
    for _ in range(n):
        t = time.perf_counter()
        conn.execute("BEGIN")
        conn.execute("INSERT INTO t VALUES (?, ?)", [str(uuid.uuid4()), '{"score": 3}'])
        conn.execute("COMMIT")
        bare.append((time.perf_counter() - t) * 1000)
    return {"put": took, "bare": bare}


def cli(db, *args):
    return subprocess.run(
        [sys.executable, "-m", "central.cli", "--db", db, *args], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout


def drain(tmp: Path, n: int, runs: int, baseline_n: int) -> dict:
    db = str(tmp / "central.db")
    cli(db, "init")
    cli(db, "office", "add", OFFICE, "Bench office")
    staff = int(cli(db, "staff", "add", "--office", OFFICE, "--name", "Cán bộ", "--counter", "1").split()[-1])
    port = free_port()
    log = open(tmp / "server.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "central.cli", "--db", db, "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_healthz(url, proc)
        item = {
            "created_at": "2026-11-21T09:15:02+07:00",
            "office": OFFICE,
            "counter": 1,
            "staff_id": staff,
            "scale": 3,
            "score": 3,
            "reasons": [],
        }
        batched, single = [], []
        for r in range(runs):
            token = cli(db, "device", "add", "--kind", "rating", "--office", OFFICE, "--counter", "1").split()[-1]
            ob = Outbox.open(tmp / f"tablet{r}.db")
            for _ in range(n):
                ob.put("rating", item)
            t = time.perf_counter()
            result = SyncWorker(ob, Client(url, token, timeout=30)).drain_once()
            batched.append(time.perf_counter() - t)
            assert result["delivered"] == n and ob.pending() == 0, result
            # baseline: the same kind of items, one POST each
            token = cli(db, "device", "add", "--kind", "rating", "--office", OFFICE, "--counter", "1").split()[-1]
            client = Client(url, token, timeout=30)
            t = time.perf_counter()
            for seq in range(1, baseline_n + 1):
                client.post_ratings([dict(item, id=str(uuid.uuid4()), device_seq=seq)], str(uuid.uuid4()))
            single.append((time.perf_counter() - t) / baseline_n * n)
    finally:
        proc.terminate()
        proc.wait()
    return {"batched": batched, "single": single}


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    kills, taps, n, runs, base_n = (100, 300, 1000, 2, 200) if args.quick else (1000, 2000, 10_000, 3, 1000)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        k = killtest.run(str(tmp / "kill.db"), kills=kills, seed=1, check_every=1)
        tap = tap_latency(tmp, taps)
        d = drain(tmp, n, runs, base_n)
    cmd = f"`.venv/bin/python bench/bench_outbox.py{' --quick' if args.quick else ''}`"
    print("## Rating outbox (motcua.outbox)\n")
    print(f"{cmd}. Disk: the temporary directory of the run ({os.environ.get('TMPDIR', '/tmp')}).\n")
    print(
        f"**kill -9 survival**: {k['kills']} writers killed at a random 5–60 ms, {k['acknowledged']} ratings "
        f"acknowledged, **{k['missing']} lost**, integrity_check `{k['integrity']}` after every kill, "
        f"{k['seconds']:.1f} s ({k['kills'] / k['seconds']:.0f} kills/s).\n"
    )
    print(f"**Tap to durable** ({taps} ratings each; WAL + synchronous=FULL):\n")
    print("| write | p50 ms | p99 ms | ratio p50 |")
    print("|---|---|---|---|")
    bp50, bp99 = statistics.median(tap["bare"]), pct(tap["bare"], 0.99)
    pp50, pp99 = statistics.median(tap["put"]), pct(tap["put"], 0.99)
    print(f"| bare sqlite3 INSERT + COMMIT (baseline) | {bp50:.3f} | {bp99:.3f} | 1.00 |")
    print(f"| Outbox.put (id, device_seq, unique dossier key) | {pp50:.3f} | {pp99:.3f} | {pp50 / bp50:.2f} |\n")
    print(
        f"**Drain {n} pending ratings** to a local `motcua-central serve` (SQLite), {runs} runs; the "
        f"one-request-per-rating baseline is timed on {base_n} ratings and scaled to {n}:\n"
    )
    print("| delivery | median s | max s | speed-up |")
    print("|---|---|---|---|")
    sm, bm = statistics.median(d["single"]), statistics.median(d["batched"])
    print(f"| one POST per rating (baseline) | {sm:.2f} | {max(d['single']):.2f} | 1.0× |")
    print(f"| SyncWorker, batches of 500 + Idempotency-Key | {bm:.2f} | {max(d['batched']):.2f} | {sm / bm:.1f}× |")


if __name__ == "__main__":
    main()
