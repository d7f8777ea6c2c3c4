"""Central server benchmark: rating ingest (batches of 100) and dossier lookup latency at 100 concurrent
requests, on SQLite, each next to the same server's /healthz as the ceiling.

Lookups are driven by `wrk` (C, event loop; Debian package, installed here if missing) with a Lua script
that sets the device token and cycles 200 dossier codes, so the load client costs little of the 2 cores
the server runs on; ingest uses two `requests` clients (batches of 100 are cheap to send). Per server
configuration (1 or 2 uvicorn workers) it reports lookups/s, p50/p99, the server's CPU per request,
and /healthz at the same concurrency; the closing note applies Little's law (mean latency =
connections / throughput) to say what the 50 ms p99 goal needs from this machine.

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

import re
import shutil

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.support.pg import free_port  # noqa: E402
from tests.support.server import wait_for_healthz  # noqa: E402

OFFICE = "XA-PHUOCLONG"


def cli(db: str, *args: str) -> str:
    return subprocess.run(
        [sys.executable, "-m", "central.cli", "--db", db, *args], check=True, capture_output=True, text=True, cwd=ROOT
    ).stdout


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


LUA = """
local token = os.getenv("MOTCUA_BENCH_TOKEN")
local n = tonumber(os.getenv("MOTCUA_BENCH_CODES"))
local prefix = os.getenv("MOTCUA_BENCH_PREFIX")
local i = 0
request = function()
  i = i + 1
  if prefix == "" then return wrk.format("GET", "/healthz") end
  return wrk.format("GET", string.format("%s%04d", prefix, (i % n) + 1), {["Authorization"] = "Bearer " .. token})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %.3f %.3f %.3f\\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.status + e.timeout, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.mean / 1000))
end
"""


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        print(
            "bench_server: the load client `wrk` is missing; installing Debian's package (apt-get install -y wrk)",
            file=sys.stderr,
            flush=True,
        )
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=False, capture_output=True)
        path = shutil.which("wrk")
    if path is None:
        raise SystemExit("bench_server: `wrk` is needed for the lookup load (apt-get install -y wrk)")
    return path


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its live children (uvicorn workers), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return total


def wrk_run(wrk, url, script, pid, seconds, connections, env):
    """One bounded wrk run; returns requests/s, p50 ms, p99 ms, mean ms, server CPU ms per request."""
    cpu0 = cpu_seconds(pid)
    out = subprocess.run(
        [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", script, url],
        capture_output=True,
        text=True,
        env=env,
        timeout=seconds + 60,
    ).stdout
    cpu = cpu_seconds(pid) - cpu0
    m = re.search(r"RESULT (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+)", out)
    if not m:
        raise SystemExit(f"bench_server: wrk gave no result:\n{out}")
    n, us, errors = int(m[1]), int(m[2]), int(m[3])
    if errors or "Non-2xx" in out:
        raise SystemExit(f"bench_server: {errors} failed requests under wrk:\n{out}")
    return {
        "rate": n / (us / 1e6),
        "p50": float(m[4]),
        "p99": float(m[5]),
        "mean": float(m[6]),
        "cpu_ms": cpu * 1000 / n,
    }


def start_server(db, workers, env):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "central.cli", "--db", db, "serve", "--port", str(port), "--workers", str(workers)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_healthz(url, proc)
    except AssertionError:
        proc.kill()
        raise
    return proc, url


def ingest(url, rating_token, rounds, batches):
    seq_lock, seq = threading.Lock(), iter(range(1, 10**9))
    rh = {"Authorization": f"Bearer {rating_token}"}

    def health(c, _i):
        return c.get(url + "/healthz", timeout=60)

    def post_batch(c, _i):
        with seq_lock:
            seqs = [next(seq) for _ in range(100)]
        items = [
            {
                "id": str(uuid.uuid4()),
                "device_seq": n,
                "office": OFFICE,
                "counter": 1,
                "created_at": "2026-11-21T09:00:00+07:00",
                "score": 3,
                "reasons": ["cho_lau"],
            }
            for n in seqs
        ]
        return c.post(
            url + "/api/v1/ratings",
            json={"ratings": items},
            timeout=60,
            headers=dict(rh, **{"Idempotency-Key": str(uuid.uuid4())}),
        )

    out = {"health": [], "ingest": [], "lat": []}
    timed_requests(health, 200, 4)  # warm-up
    for _ in range(rounds):
        el, _, st = timed_requests(health, batches * 5, 2)
        out["health"].append(len(st) / el)
        el, lat, st = timed_requests(post_batch, batches, 2)
        assert set(st) == {200}, st
        out["ingest"].append(batches * 100 / el)
        out["lat"] += lat
    return out


def lookups(db, workers, kiosk_token, n_codes, rounds, seconds, connections, env, tmp):
    """Alternates /healthz and lookup wrk runs on one server with `workers` processes."""
    script = tmp / "motcua.lua"
    script.write_text(LUA)
    wrk = ensure_wrk()
    proc, url = start_server(db, workers, env)
    res = {"health": [], "lookup": []}
    try:
        base = dict(os.environ, MOTCUA_BENCH_TOKEN=kiosk_token, MOTCUA_BENCH_CODES=str(n_codes))
        wrk_run(wrk, url, str(script), proc.pid, 1, connections, dict(base, MOTCUA_BENCH_PREFIX=""))  # warm-up
        wrk_run(
            wrk,
            url,
            str(script),
            proc.pid,
            1,
            connections,
            dict(base, MOTCUA_BENCH_PREFIX="/api/v1/dossiers/000.00.31.H29-251103-"),
        )
        for _ in range(rounds):
            res["health"].append(
                wrk_run(wrk, url, str(script), proc.pid, seconds, connections, dict(base, MOTCUA_BENCH_PREFIX=""))
            )
            res["lookup"].append(
                wrk_run(
                    wrk,
                    url,
                    str(script),
                    proc.pid,
                    seconds,
                    connections,
                    dict(base, MOTCUA_BENCH_PREFIX="/api/v1/dossiers/000.00.31.H29-251103-"),
                )
            )
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    rounds, batches, seconds = (3, 10, 3) if args.quick else (5, 40, 10)
    connections, worker_counts = 100, (1, 2)
    tmp = Path(tempfile.mkdtemp(prefix="motcua-bench-"))
    db = str(tmp / "central.db")
    cli(db, "init")
    cli(db, "office", "add", OFFICE, "Trung tâm Phục vụ hành chính công xã Phước Long", "--unit-code", "000.00.31.H29")
    rating_token = cli(db, "device", "add", "--kind", "rating", "--office", OFFICE, "--counter", "1").split()[-1]
    kiosk_token = cli(db, "device", "add", "--kind", "kiosk", "--office", OFFICE).split()[-1]
    codes = [f"000.00.31.H29-251103-{n:04d}" for n in range(1, 201)]
    (tmp / "d.json").write_text(
        json.dumps(
            [
                {
                    "code": c,
                    "procedure_code": "1.001193",
                    "holder_name": "Nguyễn Văn An",
                    "status": 4,
                    "received_at": "2025-11-03T08:00:00+07:00",
                    "due_at": "2025-11-05T17:00:00+07:00",
                }
                for c in codes
            ]
        )
    )
    cli(db, "import", "dossiers", str(tmp / "d.json"))
    env = dict(
        os.environ, MOTCUA_REQUESTS_PER_MINUTE_PER_TOKEN="100000000", MOTCUA_LOOKUP_MISSES_PER_MINUTE="100000000"
    )
    load_before = os.getloadavg()[0]
    proc, url = start_server(db, 1, env)
    try:
        ing = ingest(url, rating_token, rounds, batches)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    runs = {w: lookups(db, w, kiosk_token, len(codes), rounds, seconds, connections, env, tmp) for w in worker_counts}
    load_after = os.getloadavg()[0]

    med = statistics.median
    ingest_batches = med(ing["ingest"]) / 100
    print("## Central server: rating ingest and dossier lookup (SQLite)\n")
    print(
        f"`.venv/bin/python bench/bench_server.py{' --quick' if args.quick else ''}` — SQLite WAL + "
        f"synchronous=FULL, client on the same 2-core machine; {rounds} rounds, medians over rounds. Ingest: "
        f"one uvicorn process, two `requests` clients, latency percentiles over all batches. Lookups: `wrk -t2 "
        f"-c{connections}` for {seconds} s per run, /healthz and lookups alternating on the same server, "
        f"p50/p99 per run (median and worst over rounds); server CPU from /proc (all worker processes). "
        f"Machine load average {load_before:.1f} before, {load_after:.1f} after (other work on the machine "
        f"inflates the tails).\n"
    )
    print("| measure | value (median) | baseline: /healthz same server | ratio | p50 ms | p99 ms |")
    print("|---|---|---|---|---|---|")
    print(
        f"| ingest, 2 clients, batches of 100 | {med(ing['ingest']):,.0f} ratings/s ({ingest_batches:.1f} batches/s) "
        f"| {med(ing['health']):,.0f} req/s | {ingest_batches / med(ing['health']):.3f} "
        f"| {pct(ing['lat'], 50):.1f} | {pct(ing['lat'], 99):.1f} |"
    )
    print()
    print(
        f"| dossier lookup, {connections} connections | lookups/s | p50 ms | p99 ms (worst round) "
        f"| server CPU ms/lookup | baseline: /healthz req/s | /healthz p50 / p99 ms | ratio lookups / healthz |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for w, r in runs.items():
        lk, hz = r["lookup"], r["health"]
        print(
            f"| uvicorn, {w} worker{'s' if w > 1 else ''} | {med(x['rate'] for x in lk):,.0f} "
            f"| {med(x['p50'] for x in lk):.1f} | {med(x['p99'] for x in lk):.1f} ({max(x['p99'] for x in lk):.1f}) "
            f"| {med(x['cpu_ms'] for x in lk):.2f} | {med(x['rate'] for x in hz):,.0f} "
            f"| {med(x['p50'] for x in hz):.1f} / {med(x['p99'] for x in hz):.1f} "
            f"| {med(x['rate'] for x in lk) / med(x['rate'] for x in hz):.3f} |"
        )
    best_w = min(runs, key=lambda w: med(x["p99"] for x in runs[w]["lookup"]))
    best = runs[best_w]["lookup"]
    best_p99 = med(x["p99"] for x in best)
    need_rate = connections / 0.050
    cpu_ms = med(x["cpu_ms"] for x in best)
    hz_p99 = min(med(x["p99"] for x in r["health"]) for r in runs.values())
    print(
        f"\nGoals: ≥ 2,000 ratings/s ({'met' if med(ing['ingest']) >= 2000 else 'MISSED'}); lookup p99 ≤ 50 ms at "
        f"{connections} concurrent ({'met' if best_p99 <= 50 else 'MISSED'}: best {best_p99:.1f} ms with {best_w} "
        f"worker{'s' if best_w > 1 else ''})."
    )
    print(
        f"\nWhat the goal needs (Little's law, closed loop): mean latency = connections / throughput, and p99 ≥ mean, "
        f"so p99 ≤ 50 ms at {connections} connections needs ≥ {need_rate:,.0f} lookups/s. At the measured "
        f"{cpu_ms:.2f} ms of server CPU per lookup that is {need_rate * cpu_ms / 1000:.1f} cores of server CPU "
        f"alone (this machine has {os.cpu_count()}, shared with the load client); the same server's bare "
        f"/healthz reaches p99 {hz_p99:.1f} ms at this concurrency."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
