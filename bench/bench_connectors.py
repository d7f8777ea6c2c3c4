"""Dossier connectors: an OpenCPS-shaped source of 200,000 dossiers read by `central.connectors`.

    .venv/bin/python bench/bench_connectors.py [--quick]

Measures, on SQLite (the default store), against the fake OpenCPS of tests/support/upstream.py on
a real socket (pages of 1,000, newest first, JSON over HTTP):
- the first full sync, in dossiers per second, next to a bare bulk INSERT of the same rows (the rows
  the connector wrote, inserted with executemany into an empty table: the floor of the write side);
- incremental passes after 5,000 dossiers changed at the source (the pass reads only the pages
  newer than its cursor, writes only what changed);
- the kiosk's dossier lookup (GET /api/v1/dossiers/{code} on `motcua-central serve`) p50/p99 while
  idle and while a pass of 50,000 changed dossiers is being written.
"""

import argparse
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from sqlalchemy import delete, insert, select  # noqa: E402

from central.connectors.config import load_connectors  # noqa: E402
from central.connectors.sync import run_pass  # noqa: E402
from central.storage import make_engine  # noqa: E402
from central.storage.schema import dossier_steps, dossiers  # noqa: E402
from tests.support import upstream as up_mod  # noqa: E402
from tests.support.server import CentralServer  # noqa: E402
from tests.support.upstream import Upstream, opencps_dossier  # noqa: E402

OFFICE = "XA-BENCH"
BASE = datetime(2026, 11, 2, 8, 0)


def pct(values, q):
    values = sorted(values)
    return values[max(0, int(len(values) * q) - 1)]


def config(tmp: Path, url: str) -> str:
    token = tmp / "tinh.token"
    token.write_text(up_mod.TOKEN)
    os.chmod(token, 0o600)
    (tmp / "status.csv").write_text("processing,4\ndone,10\n")
    path = tmp / "central.ini"
    path.write_text(
        f"[connector:tinh]\nkind = opencps\nurl = {url}\ngroup_id = {up_mod.GROUP_ID}\noffice = {OFFICE}\n"
        "token_file = tinh.token\nstatus_map = status.csv\npage_size = 1000\ntimeout_seconds = 60\n"
    )
    return str(path)


def change(up: Upstream, picked: list[int], round_no: int) -> None:
    """These dossiers finish at the source (status done, a newer modifiedDate)."""
    later = BASE + timedelta(days=10 + round_no)
    up.put(*[opencps_dossier(n, status="done", modified=later + timedelta(seconds=i)) for i, n in enumerate(picked)])


def bare_insert(engine, rows: list[dict]) -> float:
    """Seconds to INSERT the same rows into the emptied table, 1,000 a statement (executemany)."""
    with engine.begin() as conn:
        conn.execute(delete(dossier_steps))
        conn.execute(delete(dossiers))
    began = time.perf_counter()
    with engine.begin() as conn:
        for i in range(0, len(rows), 1000):
            conn.execute(insert(dossiers), rows[i : i + 1000])
    return time.perf_counter() - began


def lookups(url: str, token: str, codes: list[str], stop, limit: int, out=None) -> list:
    """Kiosk lookups one after another until `stop` is set or `limit` are done; the latencies in ms
    (put on `out` when it is given: run in its own process, so it never takes the pass's GIL)."""
    s = requests.Session()
    headers = {"Authorization": f"Bearer {token}"}
    rnd, took = random.Random(7), []
    while not stop.is_set() and len(took) < limit:
        code = rnd.choice(codes)
        began = time.perf_counter()
        r = s.get(f"{url}/api/v1/dossiers/{code}", headers=headers, timeout=10)
        took.append((time.perf_counter() - began) * 1000)
        assert r.status_code == 200, r.text
    if out is not None:
        out.put(took)
    return took


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="20,000 dossiers, 1,000 changes")
    args = ap.parse_args()
    total, changes, busy = (20_000, 1_000, 5_000) if args.quick else (200_000, 5_000, 50_000)
    tmp = Path(tempfile.mkdtemp(prefix="bench-connectors-"))
    up = Upstream()
    up.sort = False
    up.put(*[opencps_dossier(n, modified=BASE + timedelta(seconds=n)) for n in range(1, total + 1)])
    up.sort = True
    up._reorder()
    db = str(tmp / "central.db")
    srv = CentralServer(
        db, tmp, env={"MOTCUA_LOOKUP_MISSES_PER_MINUTE": "100000", "MOTCUA_REQUESTS_PER_MINUTE_PER_TOKEN": "100000000"}
    )
    srv.cli("init")
    srv.cli("office", "add", OFFICE, "Văn phòng đo", "--unit-code", "000.00.31.H29")
    spec = load_connectors(config(tmp, up.url))[0]
    engine = make_engine(db)

    began = time.perf_counter()
    first = run_pass(engine, spec)
    first_s = time.perf_counter() - began
    assert first.added == total, first.summary("tinh")
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(dossiers))]
    incremental = []
    order = random.Random(1).sample(range(1, total + 1), total)  # each round changes other dossiers
    for round_no in range(3):
        change(up, order[round_no * changes : (round_no + 1) * changes], round_no)
        began = time.perf_counter()
        result = run_pass(engine, spec)
        incremental.append((time.perf_counter() - began, result))
        assert result.updated == changes, result.summary("tinh")

    srv.start()
    token = srv.device_token("kiosk", OFFICE, None)
    codes = [r["code"] for r in rows[:: max(1, len(rows) // 5000)]]
    idle = lookups(srv.url, token, codes, threading.Event(), 2000)
    change(up, order[3 * changes : 3 * changes + busy], 9)
    ctx = multiprocessing.get_context("fork")
    stop, out = ctx.Event(), ctx.Queue()
    reader = ctx.Process(target=lookups, args=(srv.url, token, codes, stop, 10**9, out))
    reader.start()
    began = time.perf_counter()
    busy_result = run_pass(engine, spec)
    busy_s = time.perf_counter() - began
    stop.set()
    during = out.get(timeout=60)
    reader.join()
    srv.stop()
    bare_s = bare_insert(engine, rows)
    engine.dispose()
    up.close()

    q = " --quick" if args.quick else ""
    print(f"## Dossier connectors: an OpenCPS source of {total:,} dossiers (SQLite)\n")
    print(f"`.venv/bin/python bench/bench_connectors.py{q}` — the fake OpenCPS of tests/support/upstream.py on a")
    print("real socket (pages of 1,000, newest first), one connector pass in this process writing to SQLite;")
    print(
        "the kiosk lookups (one client process, one request at a time) go to `motcua-central serve` (one\n"
        "process) on the same database.\n"
    )
    print("| step | dossiers | seconds | dossiers/s | baseline |")
    print("|---|---|---|---|---|")
    print(
        f"| first full sync (read, map, check, write) | {total:,} | {first_s:.1f} | {total / first_s:,.0f} | "
        f"bare bulk INSERT of the same rows: {bare_s:.1f} s, {total / bare_s:,.0f}/s "
        f"({first_s / bare_s:.1f}x) |"
    )
    for n, (secs, result) in enumerate(incremental, 1):
        read = result.updated + result.unchanged
        print(
            f"| incremental pass {n}: {changes:,} changed | {result.updated:,} written, {read:,} read | "
            f"{secs:.2f} | {changes / secs:,.0f} | bare INSERT rate × {changes:,}: "
            f"{changes / (total / bare_s):.2f} s |"
        )
    print(
        f"| pass while kiosks look up: {busy:,} changed | {busy_result.updated:,} | {busy_s:.1f} | "
        f"{busy / busy_s:,.0f} | |"
    )
    print()
    print("| kiosk lookup | requests | p50 ms | p99 ms |")
    print("|---|---|---|---|")
    print(f"| idle | {len(idle):,} | {statistics.median(idle):.1f} | {pct(idle, 0.99):.1f} |")
    print(
        f"| while a pass writes {busy:,} changes | {len(during):,} | {statistics.median(during):.1f} | "
        f"{pct(during, 0.99):.1f} |"
    )
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
