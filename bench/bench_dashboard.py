"""Dashboard benchmark: overview and by-officer page loads on a year of a busy office (100,000 ratings,
50,000 dossiers) on SQLite, next to the bare SQL that reads the same rows.

    .venv/bin/python bench/bench_dashboard.py [--quick]
"""

import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import cli, dashboard, pctl, timings  # noqa: E402

from central import dossiers  # noqa: E402
from central.demo import sample  # noqa: E402
from central.devices import add_device  # noqa: E402
from central.importers import check_dossier  # noqa: E402
from central.security import lookup_key  # noqa: E402
from central.ratings import ingest  # noqa: E402
from central.storage import make_engine, refresh_statistics, upgrade  # noqa: E402
from central.staff import add_officer  # noqa: E402
from central.storage.schema import offices  # noqa: E402

OFFICE = "XA-PHUOCLONG"
PASSWORD = "bench-password"


def load(db: str, n_ratings: int, n_dossiers: int) -> None:
    """Offices, the 9 demo officers (ids 1..9), a tablet per counter, the ratings through the real
    ingest, the dossiers through the importer's own check and dossiers.store."""
    engine = make_engine(db)
    upgrade(engine)
    with engine.begin() as conn:
        for o in sample.demo_offices():
            conn.execute(offices.insert().values(code=o["code"], name=o["name"], unit_code=o["unit_code"]))
        for p in sample.demo_staff():
            add_officer(conn, p["office"], p["name"], title=p.get("title", ""), counter=p["counter"])
    items = sample.large_ratings(n_ratings)
    by_tablet: dict = {}
    for item in items:
        by_tablet.setdefault((item["office"], item["counter"]), []).append(item)
    with engine.begin() as conn:
        for (office, counter), batch in by_tablet.items():
            device_id = add_device(conn, "rating", office, counter, f"bench {counter}")[0]
            for i in range(0, len(batch), 500):
                ingest(conn, device_id, office, batch[i : i + 500])
        key = lookup_key(conn)
    rows = [
        check_dossier(record, lambda _c, _o: OFFICE, secret_key=key)
        for record in sample.large_dossiers(n_dossiers, office=OFFICE)
    ]
    with engine.begin() as conn:
        dossiers.store(conn, rows)
    refresh_statistics(engine)  # as `motcua-central import` does after a bulk import
    engine.dispose()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10,000 ratings and 5,000 dossiers, fewer runs")
    args = ap.parse_args()
    n_ratings, n_dossiers, runs = (10_000, 5_000, 10) if args.quick else (100_000, 50_000, 40)
    folder = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    db = str(folder / "central.db")
    t0 = time.perf_counter()
    load(db, n_ratings, n_dossiers)
    load_s = time.perf_counter() - t0
    cli(db, "admin", "add", "bench", "--password-stdin", stdin=PASSWORD + "\n")
    token = cli(db, "admin", "token", "bench").strip().splitlines()[-1]
    with dashboard(db, "bench", PASSWORD) as dash:
        url, session = dash.url, dash.session
        api = requests.Session()
        api.headers["Authorization"] = f"Bearer {token}"
        now = sample.DEFAULT_NOW
        last = now.date().isoformat()
        first_year = now.date().replace(year=now.year - 1).isoformat()
        first_month = now.date().replace(day=1).isoformat()
        year = f"office={OFFICE}&from={first_year}&to={last}"
        month = f"office={OFFICE}&from={first_month}&to={last}"

        def get(s, path):
            return dash.get(path, s, timeout=60)

        raw = sqlite3.connect(db)
        start_y = f"{first_year} 00:00:00"

        def bare_ratings():
            raw.execute(
                "SELECT created_at, score, scale, staff_id, reasons FROM ratings WHERE office_code = ? "
                "AND created_at >= ?",
                (OFFICE, start_y),
            ).fetchall()

        def bare_dossiers():
            raw.execute("SELECT * FROM dossiers WHERE office_code = ? AND received_at < ?", (OFFICE, "9999")).fetchall()

        cases = [
            ("overview page, one year", get(session, f"/admin/overview?{year}")),
            ("overview page, one month", get(session, f"/admin/overview?{month}")),
            ("by-officer page, one year", get(session, f"/admin/by/officer?{year}")),
            ("by-procedure page, one year", get(session, f"/admin/by/procedure?{year}")),
            ("/api/v1/reports/overview, one year", get(api, f"/api/v1/reports/overview?{year}")),
            (
                "/api/v1/reports/satisfaction/officer, one year",
                get(api, f"/api/v1/reports/satisfaction/officer?{year}"),
            ),
        ]
        results = [(name, timings(fn, runs)) for name, fn in cases]
        health = timings(get(requests.Session(), "/healthz"), runs)
        bare = statistics.median(timings(bare_ratings, runs)) + statistics.median(timings(bare_dossiers, runs))
        counts = json.loads(
            requests.get(
                url + f"/api/v1/reports/overview?{year}", timeout=60, headers={"Authorization": f"Bearer {token}"}
            ).text
        )
    print("## Dashboard: report pages on a year of a busy office (SQLite)\n")
    print(
        f"`.venv/bin/python bench/bench_dashboard.py{' --quick' if args.quick else ''}` — "
        f"{n_ratings:,} ratings and {n_dossiers:,} dossiers (loaded in {load_s:.0f} s), one uvicorn process, "
        f"{runs} sequential loads per page after one warm-up; the year's overview counts "
        f"{counts['ratings']['count']:,} ratings and {counts['dossiers']['finished']:,} finished dossiers.\n"
    )
    load_avg = os.getloadavg()[0]
    print(
        f"Machine: {os.cpu_count()} cores, load average {load_avg:.1f} at the end of the run (other work on the "
        "machine slows pages and bare SQL alike; compare the ratio).\n"
    )
    print(
        f"Baseline: the bare SQL reading the same rows with sqlite3 (the year's ratings of the office + its "
        f"dossiers), median {bare:.1f} ms; `/healthz` median {statistics.median(health):.1f} ms.\n"
    )
    print("| page | median ms | p95 ms | p99 ms | bare SQL ms | ratio to bare SQL | goal p95 ≤ 300 ms |")
    print("|---|---|---|---|---|---|---|")
    for name, values in results:
        med, p95 = statistics.median(values), pctl(values, 95)
        print(
            f"| {name} | {med:.0f} | {p95:.0f} | {pctl(values, 99):.0f} | {bare:.0f} | {med / bare:.1f}× | "
            f"{'met' if p95 <= 300 else 'MISSED'} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
