"""Reconnect storm: thousands of tablets, each holding a backlog, come back online at the same moment.

Each simulated tablet sends a heartbeat, then its backlog (20 ratings) as one batch with a stable
Idempotency-Key, following the core's retry policy (`motcua.worker.Backoff`: full jitter, never
earlier than Retry-After, the core's 5 s client timeout). The client holds at most 300 connections.
The server (one process, SQLite) sheds with 503 + Retry-After; the run checks that every rating was
stored exactly once (row count, distinct ids, the very set of ids generated). Baseline in the same
run: the same server ingesting the same kind of backlog calmly (4 tablets at a time).

    .venv/bin/python bench/bench_storm.py [--quick]      # 2,500 tablets (--quick: 250)
"""

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import loadgen  # noqa: E402
from loadgen import ServerProcess, pct, rating_item  # noqa: E402
from motcua.client import parse_retry_after  # noqa: E402
from motcua.worker import Backoff  # noqa: E402

BACKLOG = 20
CONNECTIONS = 300
CLIENT_TIMEOUT = 5  # motcua.client.Client's default
BACKOFF_BASE, BACKOFF_CAP = 1, 300  # SyncWorker's defaults


class StormTablet:
    """One tablet's outbox as the core drives it: one batch, same key until the server answers."""

    def __init__(self, dev: loadgen.Device):
        self.dev = dev
        self.items = [rating_item(dev) for _ in range(BACKLOG)]
        self.key = str(uuid.uuid4())
        self.backoff = Backoff(BACKOFF_BASE, BACKOFF_CAP)
        self.attempts = 0
        self.delivered_after: float | None = None
        self.refused: list[dict] = []

    async def come_back(self, session, url: str, tally: dict, t0: float) -> None:
        beat = {
            "app": "rating",
            "version": "1.0.0",
            "pending": BACKLOG,
            "oldest_pending_age_s": 3600,
            "errors": ["offline 1 h"],
        }
        await self._post(session, url + "/api/v1/heartbeat", beat, {}, tally, "heartbeat")
        while True:
            self.attempts += 1
            status, retry_after, body = await self._post(
                session,
                url + "/api/v1/ratings",
                {"ratings": self.items},
                {"Idempotency-Key": self.key},
                tally,
                "ratings",
            )
            if status == 200:
                self.refused = [r for r in body["results"] if r["status"] not in ("accepted", "duplicate")]
                self.delivered_after = time.perf_counter() - t0
                return
            await asyncio.sleep(self.backoff.next_delay(retry_after))

    async def _post(self, session, url, body, headers, tally, kind):
        import aiohttp

        try:
            async with session.post(
                url, json=body, headers=self.dev.headers(**headers), timeout=aiohttp.ClientTimeout(total=CLIENT_TIMEOUT)
            ) as resp:
                payload = await resp.json() if resp.status == 200 else await resp.read()
                status = resp.status
                retry_after = parse_retry_after(resp.headers.get("Retry-After"))
        except asyncio.TimeoutError:
            status, retry_after, payload = "timeout", None, None
        except Exception as exc:  # noqa: BLE001  (what failed is the measurement)
            status, retry_after, payload = type(exc).__name__, None, None
        tally[(kind, status)] = tally.get((kind, status), 0) + 1
        return status, retry_after, payload


async def storm(url: str, tablets: list[StormTablet], limit: int = CONNECTIONS) -> tuple[float, dict]:
    import aiohttp

    tally: dict = {}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=limit)) as session:
        t0 = time.perf_counter()
        await asyncio.gather(*(t.come_back(session, url, tally, t0) for t in tablets))
        return time.perf_counter() - t0, tally


def run(n_tablets: int, shed: bool, tmp: Path) -> dict:
    db = str(tmp / f"storm-{'shed' if shed else 'noshed'}.db")
    prov = loadgen.seed_province(
        db,
        offices=(n_tablets + 19) // 20 + 1,
        tablets_per_office=20,
        kiosks_per_office=0,
        dossiers_per_office=1,
        workdir=tmp,
    )
    calm, storming = prov.tablets[:20], prov.tablets[20 : 20 + n_tablets]
    before = loadgen.stored_ids(db)  # the demo ratings seed-demo loaded
    env = {} if shed else {"MOTCUA_MAX_IN_FLIGHT": "0"}
    srv = ServerProcess(db, env, tmp).start()
    try:
        calm_tablets = [StormTablet(d) for d in calm]
        calm_s, _ = asyncio.run(storm(srv.url, calm_tablets, limit=4))
        tablets = [StormTablet(d) for d in storming]
        cpu0 = srv.cpu_seconds()
        wall, tally = asyncio.run(storm(srv.url, tablets))
        cpu = (srv.cpu_seconds() - cpu0) / wall
    finally:
        srv.stop()
    expected = {i["id"] for t in calm_tablets + tablets for i in t.items}
    rows, distinct = (n - len(before) for n in loadgen.stored_ratings(db))
    ids = loadgen.stored_ids(db) - before
    delivered = [t.delivered_after for t in tablets]
    return {
        "tablets": len(tablets),
        "wall": wall,
        "calm_rate": len(calm) * BACKLOG / calm_s,
        "storm_rate": len(tablets) * BACKLOG / wall,
        "tally": tally,
        "server_cpu": cpu,
        "rows": rows,
        "distinct": distinct,
        "exact": ids == expected,
        "expected": len(expected),
        "refused": sum(len(t.refused) for t in tablets),
        "attempts": [t.attempts for t in tablets],
        "delivered": delivered,
    }


def section(results: list[tuple[str, dict]], quick: bool) -> str:
    lines = [
        "## Reconnect storm (bench_storm)\n",
        f"`.venv/bin/python bench/bench_storm.py{' --quick' if quick else ''}` — every tablet holds "
        f"{BACKLOG} ratings and comes back at the same instant; at most {CONNECTIONS} connections; each "
        f"tablet follows the core's policy (`Backoff({BACKOFF_BASE}, {BACKOFF_CAP})`, Retry-After honoured, "
        f"{CLIENT_TIMEOUT} s timeout, same Idempotency-Key until answered). One server process on SQLite. "
        f"Baseline: the same server ingesting 20 such backlogs calmly (4 tablets at a time), same run. "
        f"Load average before the run: {os.getloadavg()[0]:.1f}.\n",
        "| server | tablets | ratings | all stored in s | ratings/s (calm baseline) | ratio | "
        "batch POSTs: 200 / 503 / timeouts / other | attempts p50 / p99 / max | time to delivered p50 / p99 s | "
        "stored rows / distinct ids | exactly the ids sent |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in results:
        ratings = {k[1]: v for k, v in r["tally"].items() if k[0] == "ratings"}
        other = sum(v for k, v in ratings.items() if k not in (200, 503, "timeout"))
        lines.append(
            f"| {name} | {r['tablets']:,} | {r['tablets'] * BACKLOG:,} | {r['wall']:.1f} | "
            f"{r['storm_rate']:,.0f} ({r['calm_rate']:,.0f}) | {r['storm_rate'] / r['calm_rate']:.2f} | "
            f"{ratings.get(200, 0):,} / {ratings.get(503, 0):,} / {ratings.get('timeout', 0):,} / {other:,} | "
            f"{pct(r['attempts'], 50):.0f} / {pct(r['attempts'], 99):.0f} / {max(r['attempts'])} | "
            f"{pct(r['delivered'], 50):.1f} / {pct(r['delivered'], 99):.1f} | "
            f"{r['rows']:,} / {r['distinct']:,} (expected {r['expected']:,}) | "
            f"{'yes' if r['exact'] and r['rows'] == r['expected'] and not r['refused'] else 'NO'} |"
        )
    lines.append("")
    for name, r in results:
        beats = {k[1]: v for k, v in r["tally"].items() if k[0] == "heartbeat"}
        others = {k[1]: v for k, v in r["tally"].items() if k[0] == "ratings" and k[1] not in (200, 503, "timeout")}
        lines.append(
            f"- {name}: other batch failures {others or 'none'}; heartbeats (not retried) {beats}; server CPU {r['server_cpu']:.0%} of one core; "
            f"goal (whole backlog exactly once within 10 min): "
            f"{'met' if r['exact'] and r['rows'] == r['expected'] and r['wall'] < 600 else 'MISSED'}."
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="250 tablets instead of 2,500")
    ap.add_argument("--tablets", type=int)
    args = ap.parse_args()
    n = args.tablets or (250 if args.quick else 2500)
    results = []
    with tempfile.TemporaryDirectory(prefix="motcua-storm-") as tmp:
        tmp = Path(tmp)
        results.append(("shedding on (default limit)", run(n, True, tmp)))
        results.append(("shedding off (MOTCUA_MAX_IN_FLIGHT=0)", run(n, False, tmp)))
    print(section(results, args.quick))
    return 0 if all(r["exact"] for _, r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
