"""Server load for a province: heartbeats of 2,500 devices, dossier lookups, catalogue syncs, rating batches.

Open loop: each request kind arrives as a Poisson stream at its own rate, whether or not earlier
requests have been answered, and latency counts from when the request was due (no coordinated
omission). Run on SQLite with one server process, then on PostgreSQL with two server processes
behind a round-robin client; each run next to the same servers' /healthz ceiling and the client's own
ceiling against a trivial responder, measured in the same run.

    .venv/bin/python bench/bench_load.py [--quick] [--only sqlite|postgresql] [--seconds N]
"""

import argparse
import asyncio
import itertools
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import loadgen  # noqa: E402
from loadgen import Recorder, ServerProcess, pct, rating_item, timed  # noqa: E402

# Requests per second of each kind for a province of 100 communes, 2,000 tablets and 500 kiosks.
MIX = {
    "heartbeat": 2500 / 30,  # every device every 30 s
    "lookup": 170,  # kiosk dossier lookups (90 % known codes, 5 % with the receipt secret, 5 % misses)
    "catalogue": 12,  # kiosk syncs: If-None-Match (304) mostly, 1 in 20 a full download
    "stats": 5,  # kiosk statistics screen / officer list refresh
    "rating": 45,  # a tablet's outbox sending 1-3 fresh ratings
    "rating100": 5,  # a tablet back online sending a backlog batch of 100
}
GOALS = {"lookup": 300, "rating100": 500}  # p99 ms
TOTAL_GOAL = 300  # requests/s sustained


async def run_mix(
    urls: list[str], prov: loadgen.Province, seconds: float, scale: float = 1.0, seed: int = 1
) -> tuple[Recorder, float, float]:
    """Drives the mix against `urls` (round-robin) for `seconds`; returns (recorder, wall s, client CPU share)."""
    import aiohttp

    rng = random.Random(seed)
    rec = Recorder()
    next_url = itertools.cycle(urls).__next__
    devices = prov.tablets + prov.kiosks
    beats = itertools.cycle(loadgen.shuffled(devices))
    kiosks = prov.kiosks
    tablets = loadgen.shuffled(prov.tablets, seed)
    backlog_tablets = itertools.cycle(tablets[: len(tablets) // 2])
    live_tablets = itertools.cycle(tablets[len(tablets) // 2 :])
    etags: dict[str, str] = {}
    timeout = aiohttp.ClientTimeout(total=10)
    connector = aiohttp.TCPConnector(limit=400)
    tasks: set[asyncio.Task] = set()

    async def one(kind: str, session, t0: float):
        if kind == "heartbeat":
            dev = next(beats)
            body = {
                "app": "rating" if dev.kind == "rating" else "kiosk",
                "version": "1.0.0",
                "pending": 0,
                "oldest_pending_age_s": None,
                "last_sync_at": loadgen.NOW.isoformat(),
                "errors": [],
            }
            await timed(
                rec, kind, session, "POST", next_url() + "/api/v1/heartbeat", t0, json=body, headers=dev.headers()
            )
        elif kind == "lookup":
            kiosk = rng.choice(kiosks)
            code, secret = rng.choice(prov.dossiers)
            roll = rng.random()
            headers = kiosk.headers()
            if roll < 0.05:
                code = code[:-4] + "9999"  # a code that does not exist: 404
            elif roll < 0.10:
                headers["X-Lookup-Secret"] = secret
            await timed(rec, kind, session, "GET", f"{next_url()}/api/v1/dossiers/{code}", t0, headers=headers)
        elif kind == "catalogue":
            kiosk = rng.choice(kiosks)
            headers = kiosk.headers()
            if kiosk.token in etags and rng.random() > 0.05:
                headers["If-None-Match"] = etags[kiosk.token]
            try:
                async with session.get(next_url() + "/api/v1/procedures", headers=headers) as resp:
                    await resp.read()
                    if resp.headers.get("ETag"):
                        etags[kiosk.token] = resp.headers["ETag"]
                    status = resp.status
            except Exception as exc:  # noqa: BLE001
                status = "timeout" if isinstance(exc, asyncio.TimeoutError) else type(exc).__name__
            rec.add(kind, (time.perf_counter() - t0) * 1000, status)
        elif kind == "stats":
            kiosk = rng.choice(kiosks)
            path = (
                f"/api/v1/stats?office={kiosk.office}&period=30d"
                if rng.random() < 0.5
                else f"/api/v1/staff?office={kiosk.office}"
            )
            await timed(rec, kind, session, "GET", next_url() + path, t0, headers=kiosk.headers())
        else:
            dev = next(backlog_tablets if kind == "rating100" else live_tablets)
            items = [rating_item(dev) for _ in range(100 if kind == "rating100" else rng.randint(1, 3))]
            await timed(
                rec,
                kind,
                session,
                "POST",
                next_url() + "/api/v1/ratings",
                t0,
                json={"ratings": items},
                headers=dev.headers(**{"Idempotency-Key": loadgen.uuid.uuid4().hex}),
            )

    async def stream(kind: str, rate: float, session, stop: float):
        due = time.perf_counter() + rng.expovariate(rate)
        while due < stop:
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            task = asyncio.create_task(one(kind, session, due))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            due += rng.expovariate(rate)

    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        # Every kiosk learns the catalogue's ETag once (warm-up, not measured).
        warm = Recorder()
        for kiosk in kiosks[:50]:
            async with session.get(urls[0] + "/api/v1/procedures", headers=kiosk.headers()) as resp:
                await resp.read()
                etags[kiosk.token] = resp.headers.get("ETag", "")
        await timed(warm, "warm", session, "GET", urls[0] + "/healthz", time.perf_counter())
        cpu0, t0 = time.process_time(), time.perf_counter()
        stop = t0 + seconds
        await asyncio.gather(*(stream(k, r * scale, session, stop) for k, r in MIX.items()))
        if tasks:
            await asyncio.wait(list(tasks), timeout=30)
        wall = time.perf_counter() - t0
        cpu = time.process_time() - cpu0
    return rec, wall, cpu / wall


def measure(name: str, urls: list[str], servers: list[ServerProcess], prov, seconds: float, rounds: int) -> dict:
    """`rounds` runs of the mix, each followed by a /healthz ceiling on the same servers."""
    out = {"rounds": [], "healthz": [], "healthz_p99": [], "client_cpu": [], "server_cpu": []}
    for r in range(rounds):
        cpu0 = [s.cpu_seconds() for s in servers]
        rec, wall, client_cpu = asyncio.run(run_mix(urls, prov, seconds, seed=r + 1))
        server_cpu = sum(s.cpu_seconds() - c for s, c in zip(servers, cpu0)) / wall
        out["rounds"].append((rec, wall))
        out["client_cpu"].append(client_cpu)
        out["server_cpu"].append(server_cpu)
        hz = [asyncio.run(loadgen.closed_loop(u + "/healthz", 3, 32)) for u in urls]
        out["healthz"].append(sum(h[0] for h in hz))
        out["healthz_p99"].append(max(pct(h[1], 99) for h in hz))
        print(
            f"# {name} round {r + 1}: {sum(sum(c.values()) for c in rec.status.values()) / wall:.0f} req/s, "
            f"client CPU {client_cpu:.0%}, servers CPU {server_cpu:.0%}",
            file=sys.stderr,
            flush=True,
        )
    return out


def report(name: str, out: dict) -> list[str]:
    med = loadgen.median
    lines = [
        f"### {name}\n",
        "| kind | requests | rps (median of rounds) | p50 ms | p99 ms | shed 429/503 | errors | goal |",
        "|---|---|---|---|---|---|---|---|",
    ]
    total_rps, problems = [], []
    for rec, wall in out["rounds"]:
        total_rps.append(sum(sum(c.values()) for c in rec.status.values()) / wall)
    for kind in MIX:
        lat = [ms for rec, _ in out["rounds"] for ms in rec.lat.get(kind, [])]
        counts = [rec.count(kind) for rec, _ in out["rounds"]]
        n, ok, shed = (sum(c[i] for c in counts) for i in range(3))
        errors = n - ok - shed
        rps = med([rec.count(kind)[0] / wall for rec, wall in out["rounds"]])
        goal = ""
        if kind in GOALS:
            met = pct(lat, 99) <= GOALS[kind]
            goal = f"p99 ≤ {GOALS[kind]} ms: {'met' if met else 'MISSED'}"
            if not met:
                problems.append(f"{kind} p99 {pct(lat, 99):.0f} ms")
        if errors:
            kinds = {
                k: v
                for rec, _ in out["rounds"]
                for k, v in rec.status.get(kind, {}).items()
                if k not in (200, 304, 404, 429, 503)
            }
            problems.append(f"{kind}: {errors} errors {kinds}")
        lines.append(
            f"| {kind} | {n:,} | {rps:.1f} | {pct(lat, 50):.1f} | {pct(lat, 99):.1f} | {shed} | {errors} | {goal} |"
        )
    all_lat = [ms for rec, _ in out["rounds"] for v in rec.lat.values() for ms in v]
    lines.append(
        f"| **all** | {len(all_lat):,} | **{med(total_rps):.1f}** | {pct(all_lat, 50):.1f} | "
        f"{pct(all_lat, 99):.1f} | | | ≥ {TOTAL_GOAL} req/s: "
        f"{'met' if med(total_rps) >= TOTAL_GOAL * 0.97 else 'MISSED'} |"
    )
    lines.append(
        f"| ceiling: /healthz, same servers, 32 connections each | | {med(out['healthz']):.0f} | | "
        f"{med(out['healthz_p99']):.1f} | | | ratio mix / ceiling {med(total_rps) / med(out['healthz']):.2f} |"
    )
    lines.append("")
    lines.append(
        f"CPU during the mix (median of rounds): load client {med(out['client_cpu']):.0%} of one core, "
        f"server process(es) {med(out['server_cpu']):.0%} of one core (sum). "
        + ("Problems: " + "; ".join(problems) + "." if problems else "No errors; every goal met.")
    )
    return lines + [""]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10 s per round, 1 round")
    ap.add_argument("--only", choices=["sqlite", "postgresql"])
    ap.add_argument("--seconds", type=float)
    args = ap.parse_args()
    seconds = args.seconds or (10 if args.quick else 60)
    rounds = 1 if args.quick else 3
    # A province's budget per token is far above what one device sends; sheds come from overload only.
    env = {"MOTCUA_LOOKUP_MISSES_PER_MINUTE": "10"}
    sections = []
    ceiling_rps, ceiling_cpu = loadgen.client_ceiling(3)
    with tempfile.TemporaryDirectory(prefix="motcua-load-") as tmp:
        tmp = Path(tmp)
        if args.only in (None, "sqlite"):
            db = str(tmp / "province.db")
            prov = loadgen.seed_province(db, workdir=tmp)
            srv = ServerProcess(db, env, tmp).start()
            try:
                out = measure("sqlite", [srv.url], [srv], prov, seconds, rounds)
            finally:
                srv.stop()
            sections += report("SQLite (WAL, synchronous=FULL), one server process", out)
        if args.only in (None, "postgresql"):
            pg, db = loadgen.throwaway_postgres()
            try:
                prov = loadgen.seed_province(db, workdir=tmp)
                servers = [ServerProcess(db, env, tmp).start() for _ in range(2)]
                try:
                    out = measure("postgresql", [s.url for s in servers], servers, prov, seconds, rounds)
                finally:
                    for s in servers:
                        s.stop()
                sections += report("PostgreSQL (fsync on), two server processes, client round-robin", out)
            finally:
                pg.stop()
    cmd = f"`.venv/bin/python bench/bench_load.py{' --quick' if args.quick else ''}`"
    print("## Server load: a province's mix (bench_load)\n")
    print(
        f"{cmd} — {rounds} round(s) of {seconds:g} s per database, open-loop Poisson arrivals at "
        f"{sum(MIX.values()):.0f} req/s: "
        + ", ".join(f"{k} {v:.0f}/s" for k, v in MIX.items())
        + ". 100 communes, 2,000 tablets + 500 kiosks each with its own token, 5,000 dossiers. Latency from "
        "the moment a request was due; percentiles over every request of every round. Server and client "
        "share the machine's cores.\n"
    )
    print(
        f"Load client ceiling (aiohttp, one event loop, 64 connections against a trivial asyncio responder "
        f"in another process): **{ceiling_rps:,.0f} req/s** at {ceiling_cpu:.0%} of one core — "
        f"{ceiling_rps / sum(MIX.values()):.0f}× the mix's rate, so the client is not the bottleneck.\n"
    )
    print("\n".join(sections))
    return 0


if __name__ == "__main__":
    sys.exit(main())
