"""Province scale on PostgreSQL: Biểu 06 for a province-year and an office-month, and the dashboard's
report pages, on bench/province.py's data (100 offices, 2,000,000 dossiers, 1,000,000 ratings), each
next to the bare SQL that reads the same rows.

    .venv/bin/python bench/bench_province.py [--quick] [--scale S]

Starts its own throwaway PostgreSQL (tests/support/pg.py), loads the province with COPY, then times
`central.bieu06.report` in-process and the pages over one uvicorn process.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.support.pg import ThrowawayPostgres  # noqa: E402

from bench.common import cli, dashboard, pctl, timings  # noqa: E402

from bench import province  # noqa: E402
from central import bieu06  # noqa: E402
from central.storage import make_engine  # noqa: E402

PASSWORD = "bench-password"
YEAR = 2025
OFFICE = "P007"

# The rows Biểu 06 classifies: dossiers accepted before the period's end, not ended before its start.
BARE = (
    "SELECT d.code, d.office_code, d.procedure_code, d.status, d.status_at, d.received_at, d.due_at, "
    "d.finished_at, d.returned_at, d.channel, d.verdict, d.finished_effective_at, p.field_code, p.field_name "
    "FROM dossiers d LEFT JOIN procedures p ON p.code = d.procedure_code "
    "WHERE d.received_at < %(end)s AND d.accepted AND (d.finished_effective_at IS NULL OR "
    "d.finished_effective_at >= %(start)s) {office}"
)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="scale 0.01 (20,000 dossiers), fewer runs")
    ap.add_argument("--scale", type=float, help="1 = 2,000,000 dossiers (the default without --quick)")
    args = ap.parse_args()
    scale = args.scale if args.scale is not None else (0.01 if args.quick else 1.0)
    report_runs, page_runs = (3, 10) if args.quick else (3, 20)
    load_at_start = os.getloadavg()[0]
    with ThrowawayPostgres() as pg:
        db = pg.create_database("province")
        t0 = time.perf_counter()
        counts = province.generate(db, scale=scale, year=YEAR)
        load_s = time.perf_counter() - t0
        engine = make_engine(db)
        year = bieu06.period_of("year", YEAR)
        month = bieu06.period_of("month", YEAR, 6)
        raw = engine.raw_connection()
        cur = raw.driver_connection.cursor()

        def bare(period, office=None):
            def run():
                where = "AND d.office_code = %(office)s" if office else ""
                cur.execute(BARE.format(office=where), {"start": period.start, "end": period.end, "office": office})
                cur.fetchall()

            return run

        def report(period, office=None):
            def run():
                with engine.connect() as conn:
                    bieu06.report(conn, office, period)

            return run

        with engine.connect() as conn:
            figures = bieu06.report(conn, None, year)
        in_process = [
            ("Biểu 06, province, year", report(year), bare(year), report_runs, 3000),
            ("Biểu 06, one office, one month", report(month, OFFICE), bare(month, OFFICE), 20, 300),
        ]
        measured = [(name, timings(fn, runs), timings(b, runs), goal) for name, fn, b, runs, goal in in_process]

        cli(db, "admin", "add", "bench", "--password-stdin", stdin=PASSWORD + "\n")
        with dashboard(db, "bench", PASSWORD) as dash:
            get = dash.get
            m = f"office={OFFICE}&from={month.first}&to={month.last}"
            pages = [
                ("overview page, one office, one month", get(f"/admin/overview?{m}"), bare(month, OFFICE)),
                ("Biểu 06 page, one office, one month", get(f"/admin/bieu06?{m}"), bare(month, OFFICE)),
                ("late list page, one office, one month", get(f"/admin/late?{m}"), bare(month, OFFICE)),
                (
                    "by-procedure report page, one office, one month",
                    get(f"/admin/by/procedure?{m}"),
                    bare(month, OFFICE),
                ),
            ]
            measured += [(name, timings(fn, page_runs), timings(b, page_runs), 500) for name, fn, b in pages]
            y = f"from={year.first}&to={year.last}"
            pm = f"from={month.first}&to={month.last}"
            big = [
                ("Biểu 06 page, province, year", get(f"/admin/bieu06?{y}"), bare(year), 3000),
                ("overview page (with 5.4), province, year", get(f"/admin/overview?{y}"), bare(year), None),
                ("late list page (500 rows shown), province, year", get(f"/admin/late?{y}"), bare(year), None),
                ("late list page (500 rows shown), province, month", get(f"/admin/late?{pm}"), bare(month), None),
            ]
            measured += [(name, timings(fn, report_runs), timings(b, report_runs), goal) for name, fn, b, goal in big]
        raw.close()
        engine.dispose()
    total = figures["total"]
    print("## Province scale: Biểu 06 and the dashboard on a province-year (PostgreSQL)\n")
    print(
        f"`.venv/bin/python bench/bench_province.py{' --quick' if args.quick else ''}"
        f"{f' --scale {args.scale}' if args.scale is not None else ''}` — bench/province.py's province "
        f"(scale {scale}): {counts['offices']} offices, {counts['dossiers']:,} dossiers, {counts['steps']:,} steps, "
        f"{counts['ratings']:,} ratings, loaded by COPY into a throwaway PostgreSQL in {load_s:.0f} s (generation "
        f"and verdicts included). Biểu 06 of {YEAR} counts {total['received']['total']:,} dossiers "
        f"({total['received']['carried_over']:,} carried over; {total['finished']['total']:,} finished, "
        f"{total['open']['total']:,} open at the year's end). Reports timed in-process ({report_runs} runs for a "
        f"province-year, 20 for an office-month, after one warm-up); pages over one uvicorn process "
        f"({page_runs} sequential loads each).\n"
    )
    print(
        f"Machine: {os.cpu_count()} cores shared with other engineers' work (load average {load_at_start:.1f} at "
        f"the start, {os.getloadavg()[0]:.1f} at the end): other work slows the reports and the bare SQL alike; "
        "compare the ratio.\n"
    )
    print(
        "Bare SQL: psycopg fetching the rows Biểu 06 classifies (the period's accepted dossiers not ended before "
        "it, with their field) for the same office and period. No goal (—): a province-wide page the issue sets "
        "no figure for, measured so its cost is known.\n"
    )
    print("| what | median ms | p95 ms | bare SQL median ms | ratio to bare SQL | goal | met |")
    print("|---|---|---|---|---|---|---|")
    for name, values, base, goal in measured:
        med, p95, b = statistics.median(values), pctl(values, 95), statistics.median(base)
        aim = "—" if goal is None else f"≤ {goal:,} ms {'p95' if goal == 500 else 'each'}"
        met = "—" if goal is None else ("met" if p95 <= goal else "MISSED")
        print(f"| {name} | {med:,.0f} | {p95:,.0f} | {b:,.0f} | {med / b:.1f}× | {aim} | {met} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
