"""Central server benchmark: rating ingest (batches of 100) and dossier lookup latency at 100 concurrent
requests, on SQLite, each next to the same server's /healthz rate as the ceiling.

    .venv/bin/python bench/bench_server.py [--quick]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from pg import free_port  # noqa: E402

OFFICE = "XA-PHUOCLONG"


def cli(db: str, *args: str) -> str:
    return subprocess.run([sys.executable, "-m", "central.cli", "--db", db, *args], check=True,
                          capture_output=True, text=True, cwd=ROOT).stdout


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def timed_requests(make_request, total, concurrency):
    """Runs `total` requests with `concurrency` threads (one keep-alive session each);
    returns (elapsed s, latencies ms, statuses)."""
    latencies, statuses, lock = [], [], threading.Lock()
    counter = iter(range(total))

    def worker():
        session = requests.Session()
        for i in iter(lambda: next(counter, None), None):
            t0 = time.perf_counter()
            r = make_request(session, i)
            with lock:
                latencies.append((time.perf_counter() - t0) * 1000)
                statuses.append(r.status_code)
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start, latencies, statuses


def run(url, rating_token, kiosk_token, codes, rounds, batches, lookups):
    seq_lock, seq = threading.Lock(), iter(range(1, 10**9))
    rh = {"Authorization": f"Bearer {rating_token}"}
    kh = {"Authorization": f"Bearer {kiosk_token}"}

    def health(c, _i):
        return c.get(url + "/healthz", timeout=60)

    def post_batch(c, _i):
        with seq_lock:
            seqs = [next(seq) for _ in range(100)]
        items = [{"id": str(uuid.uuid4()), "device_seq": n, "office": OFFICE, "counter": 1,
                  "created_at": "2026-11-21T09:00:00+07:00", "score": 3, "reasons": ["cho_lau"]} for n in seqs]
        return c.post(url + "/api/v1/ratings", json={"ratings": items}, timeout=60,
                      headers=dict(rh, **{"Idempotency-Key": str(uuid.uuid4())}))

    def lookup(c, i):
        return c.get(f"{url}/api/v1/dossiers/{codes[i % len(codes)]}", headers=kh, timeout=60)

    out = {k: [] for k in ("health_ingest", "ingest", "ingest_lat", "health_lookup", "lookup", "lookup_lat",
                           "health_lat")}
    timed_requests(health, 200, 4)  # warm-up
    for _ in range(rounds):
        el, _, st = timed_requests(health, batches * 5, 2)
        out["health_ingest"].append(len(st) / el)
        el, lat, st = timed_requests(post_batch, batches, 2)
        assert set(st) == {200}, st
        out["ingest"].append(batches * 100 / el)
        out["ingest_lat"] += lat
        el, lat, st = timed_requests(health, lookups, 100)
        out["health_lookup"].append(len(st) / el)
        out["health_lat"] += lat
        el, lat, st = timed_requests(lookup, lookups, 100)
        assert set(st) == {200}, set(st)
        out["lookup"].append(lookups / el)
        out["lookup_lat"] += lat
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    rounds, batches, lookups = (3, 10, 300) if args.quick else (5, 40, 2000)
    tmp = Path(tempfile.mkdtemp(prefix="motcua-bench-"))
    db = str(tmp / "central.db")
    cli(db, "init")
    cli(db, "office", "add", OFFICE, "Trung tâm Phục vụ hành chính công xã Phước Long", "--unit-code", "000.00.31.H29")
    rating_token = cli(db, "device", "add", "--kind", "rating", "--office", OFFICE, "--counter", "1").split()[-1]
    kiosk_token = cli(db, "device", "add", "--kind", "kiosk", "--office", OFFICE).split()[-1]
    codes = [f"000.00.31.H29-251103-{n:04d}" for n in range(1, 201)]
    (tmp / "d.json").write_text(json.dumps([
        {"code": c, "procedure_code": "1.001193", "holder_name": "Nguyễn Văn An", "status": 4,
         "received_at": "2025-11-03T08:00:00+07:00", "due_at": "2025-11-05T17:00:00+07:00"} for c in codes]))
    cli(db, "import", "dossiers", str(tmp / "d.json"))
    port = free_port()
    env = dict(os.environ, MOTCUA_REQUESTS_PER_MINUTE_PER_TOKEN="100000000", MOTCUA_LOOKUP_MISSES_PER_MINUTE="100000000")
    server = subprocess.Popen([sys.executable, "-m", "central.cli", "--db", db, "serve", "--port", str(port)],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                if requests.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.05)
        out = run(url, rating_token, kiosk_token, codes, rounds, batches, lookups)
    finally:
        server.terminate()
        server.wait(timeout=10)
    med = statistics.median
    ingest_batches = med(out["ingest"]) / 100
    print("## Central server: rating ingest and dossier lookup (SQLite)\n")
    print(f"`.venv/bin/python bench/bench_server.py{' --quick' if args.quick else ''}` — one uvicorn process, "
          f"SQLite WAL + synchronous=FULL, client (requests, one thread per connection) on the same 2-core machine; {rounds} rounds, "
          f"medians over rounds, latency percentiles over all requests.\n")
    print("| measure | value (median) | baseline: /healthz same server | ratio | p50 ms | p99 ms |")
    print("|---|---|---|---|---|---|")
    print(f"| ingest, 2 clients, batches of 100 | {med(out['ingest']):,.0f} ratings/s ({ingest_batches:.1f} batches/s) "
          f"| {med(out['health_ingest']):,.0f} req/s | {ingest_batches / med(out['health_ingest']):.3f} "
          f"| {pct(out['ingest_lat'], 50):.1f} | {pct(out['ingest_lat'], 99):.1f} |")
    print(f"| dossier lookup, 100 concurrent | {med(out['lookup']):,.0f} lookups/s | {med(out['health_lookup']):,.0f} req/s "
          f"(p50 {pct(out['health_lat'], 50):.1f} ms, p99 {pct(out['health_lat'], 99):.1f} ms) "
          f"| {med(out['lookup']) / med(out['health_lookup']):.3f} | {pct(out['lookup_lat'], 50):.1f} "
          f"| {pct(out['lookup_lat'], 99):.1f} |")
    print(f"\nGoals: ≥ 2,000 ratings/s ({'met' if med(out['ingest']) >= 2000 else 'MISSED'}); "
          f"lookup p99 ≤ 50 ms ({'met' if pct(out['lookup_lat'], 99) <= 50 else 'MISSED'}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
