"""A province-year of dossiers and ratings, for the province-scale benchmark and the recount tests.

At `--scale 1`: 100 offices, 2,000,000 dossiers and 1,000,000 ratings (one in two dossiers rated
at most once, by the office's tablet), accepted from December of the year before to the end of the
year, so December's open dossiers are carried over into the year. Every case the reports count:
each status 1-10, each channel (1 trực tiếp, 2 trực tuyến, 3 bưu chính), supplement patterns (none,
one and two finished supplements, a pending first and a pending second request), withdrawals before
and after the appointment, refusals at the counter and after acceptance, stops, 9 before 10,
dossiers waiting on fees (6), dossiers without an appointment (the procedure's maximum time),
extended appointments with an apology letter, complaints. Deterministic: the same `--seed` and
`--scale` give the same rows.

The stored verdict of each dossier is written by `central.storage.verdicts.verdict_columns`, as
`central.dossiers.store` writes it; the rows go in with COPY on PostgreSQL (psycopg) and one
executemany per table on SQLite. The schema comes from the migrations; procedures from the sample
catalogue (assets/sample/procedures.json).

    .venv/bin/python bench/province.py --db postgresql://... [--scale 0.01] [--seed 1] [--year 2025]
"""

import argparse
import contextlib
import hashlib
import random
import sys
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from central import cli  # noqa: E402
from central.storage import make_engine, refresh_statistics  # noqa: E402
from central.storage.schema import devices, offices, procedures  # noqa: E402
from central.storage.verdicts import max_time_of, procedure_methods, verdict_columns  # noqa: E402
from motcua.officetime import OFFSET  # noqa: E402

OFFICES = 100
DOSSIERS_PER_OFFICE = 20_000
RATINGS_PER_OFFICE = 10_000
CATALOGUE = ROOT / "assets" / "sample" / "procedures.json"

DOSSIER_COLUMNS = (
    "code",
    "office_code",
    "procedure_code",
    "procedure_name",
    "holder_name",
    "status",
    "status_at",
    "received_at",
    "due_at",
    "finished_at",
    "returned_at",
    "updated_at",
    "channel",
    "submitted_at",
    "extended_due_at",
    "apology_at",
    "complaint",
    "complaint_at",
    "finished_effective_at",
    "on_time",
    "supplement_s",
    "verdict_rule",
    "verdict",
    "accepted",
)
STEP_COLUMNS = ("dossier_code", "position", "name", "unit", "status", "started_at", "finished_at")
RATING_COLUMNS = (
    "id",
    "device_id",
    "device_seq",
    "created_at",
    "received_at",
    "office_code",
    "counter",
    "scale",
    "score",
    "reasons",
    "content_hash",
    "quick",
    "dossier_code",
)
# (pattern, weight): how a dossier's year went
PATTERNS = (
    ("returned", 46),  # 9 then 10
    ("returned_one_supplement", 8),
    ("returned_two_supplements", 3),
    ("finished", 8),  # 9, not handed over yet
    ("returned_only", 4),  # 10 without a 9 time
    ("withdrawn", 3),  # 7 before or after the appointment
    ("stopped", 2),  # 8
    ("refused_after", 1),  # 3 after acceptance
    ("refused_counter", 1),  # 3 at the counter: never received
    ("submitted", 2),  # 1: never received
    ("open", 8),  # 2 or 4
    ("pending_first", 3),  # 5, one request
    ("pending_second", 2),  # 5, a second request
    ("fees", 2),  # 6
    ("no_due", 4),  # no appointment: the procedure's maximum time
    ("late_extended", 3),  # late, appointment extended with an apology letter
)
NAMES, WEIGHTS = zip(*PATTERNS)
# Patterns that leave a dossier open: kept for dossiers accepted in the last RECENT before the data's
# "now", and for a STUCK share of older ones (open and late for months, carried over into the year).
STILL_OPEN = ("open", "pending_first", "pending_second", "fees")
RECENT, STUCK = timedelta(days=45), 0.02


def _local(day: datetime, hour: int, minute: int = 0) -> datetime:
    """Naive UTC of an office-time hour on `day`'s date."""
    return day.replace(hour=hour, minute=minute, second=0, microsecond=0) - OFFSET


def unit_code(i: int) -> str:
    return f"000.00.{i:02d}.H{90 + i // 100}" if i < 100 else f"000.{i // 100:02d}.{i % 100:02d}.H99"


def _dossier(rng: random.Random, office: str, code: str, proc: tuple, received: datetime, now: datetime):
    """(columns, steps) of one dossier accepted at `received` (naive UTC), judged by now."""
    pattern = rng.choices(NAMES, WEIGHTS)[0]
    if pattern in STILL_OPEN and received < now - RECENT and rng.random() >= STUCK:
        # an older dossier is done by now: the citizen brought the papers, paid, or it was finished
        pattern = "returned_one_supplement" if pattern.startswith("pending") else "returned"
    days = rng.choice((1, 3, 5, 7, 10, 15))
    due = _local(received + OFFSET + timedelta(days=days), 17)
    channel = rng.choices((1, 2, 3), (55, 40, 5))[0]
    values = {
        "code": code,
        "office_code": office,
        "procedure_code": proc[0],
        "procedure_name": proc[1],
        "holder_name": "Nguyễn Văn A",
        "status": 10,
        "status_at": None,
        "received_at": received,
        "due_at": due,
        "finished_at": None,
        "returned_at": None,
        "updated_at": now,
        "channel": channel,
        "submitted_at": received - timedelta(hours=rng.randint(1, 72)) if channel == 2 else None,
        "extended_due_at": None,
        "apology_at": None,
        "complaint": None,
        "complaint_at": None,
    }
    steps: list[tuple] = []
    span = due - received

    def finish_at(fraction: float) -> datetime:
        return received + span * fraction

    def supplement(start: datetime, length: timedelta, pending: bool = False):
        steps.append((5, start, None if pending else start + length))
        return start + length

    # a finish time: mostly before the appointment, some on its day, some late
    lateness = rng.choices(("early", "due_day", "late"), (70, 15, 15))[0]
    if lateness == "early":
        done = finish_at(rng.uniform(0.1, 0.8))
    elif lateness == "due_day":
        done = due - timedelta(minutes=rng.randint(5, 400))
    else:
        done = due + timedelta(hours=rng.randint(1, 24 * 12))
    if pattern in ("returned", "finished", "returned_one_supplement", "returned_two_supplements", "no_due"):
        extra = timedelta(0)
        if pattern == "returned_one_supplement":
            extra = timedelta(hours=rng.randint(2, 24 * 6))
            supplement(finish_at(0.2), extra)
        elif pattern == "returned_two_supplements":
            first, second = timedelta(hours=rng.randint(2, 72)), timedelta(hours=rng.randint(2, 72))
            supplement(finish_at(0.1), first)
            supplement(finish_at(0.1) + first + timedelta(hours=4), second)
            extra = first + second + timedelta(hours=4)
        done = done + extra
        if pattern == "no_due":
            values["due_at"] = None
            done = received + timedelta(hours=rng.randint(2, 24 * 20))
            if received >= now - RECENT and rng.random() < 0.3:  # still open
                done = None
        if done is not None and done <= now:
            values["finished_at"] = done
            if pattern != "finished" and done + timedelta(days=2) <= now:
                values["returned_at"] = done + timedelta(hours=rng.randint(1, 48))
            values["status"] = 10 if values["returned_at"] else 9
        else:
            values["status"] = 4
    elif pattern == "returned_only":
        values["status"], values["returned_at"] = 10, done if done <= now else None
        if values["returned_at"] is None:
            values["status"] = 4
    elif pattern == "late_extended":
        values["extended_due_at"] = due + timedelta(days=rng.randint(3, 10))
        values["apology_at"] = due - timedelta(hours=rng.randint(1, 24))
        late_done = due + timedelta(hours=rng.randint(4, 24 * 8))
        if late_done <= now and rng.random() < 0.8:
            values["status"], values["finished_at"] = 9, late_done
        else:
            values["status"] = 4
    elif pattern == "withdrawn":
        at = finish_at(rng.uniform(0.1, 0.9)) if rng.random() < 0.6 else due + timedelta(hours=rng.randint(2, 200))
        values["status"], values["status_at"] = 7, min(at, now)
        if rng.random() < 0.5:
            steps.append((7, values["status_at"], values["status_at"]))
    elif pattern == "stopped":
        values["status"] = 8
        at = min(finish_at(rng.uniform(0.2, 1.4)), now)
        steps += [(2, received, received + timedelta(minutes=30)), (8, at, at)]
    elif pattern == "refused_after":
        values["status"] = 3
        at = min(finish_at(rng.uniform(0.1, 1.5)), now)
        steps += [
            (2, received, received + timedelta(minutes=30)),
            (4, received + timedelta(minutes=30), at),
            (3, at, at),
        ]
    elif pattern == "refused_counter":
        values["status"], values["due_at"] = 3, None
        steps.append((3, received + timedelta(minutes=10), received + timedelta(minutes=10)))
    elif pattern == "submitted":
        values["status"], values["channel"] = 1, 2
    elif pattern == "open":
        values["status"] = rng.choice((2, 4))
    elif pattern == "pending_first":
        values["status"] = 5
        start = finish_at(rng.uniform(0.1, 1.6))
        supplement(min(start, now), timedelta(0), pending=True)
    elif pattern == "pending_second":
        values["status"] = 5
        length = timedelta(hours=rng.randint(2, 48))
        after = supplement(finish_at(0.1), length)
        supplement(min(after + timedelta(hours=rng.randint(2, 96)), now), timedelta(0), pending=True)
    elif pattern == "fees":
        values["status"] = 6
        start = min(finish_at(rng.uniform(0.2, 0.9)), now)
        steps.append((6, start, None))
    if values["status"] in (5, 6) and steps:
        values["status_at"] = steps[-1][1]
    elif values["status"] in (9, 10):
        values["status_at"] = values["returned_at"] or values["finished_at"]
    elif values["status"] in (2, 4) and values["status_at"] is None:
        values["status_at"] = received
    if rng.random() < 0.01:
        values["complaint"], values["complaint_at"] = "Phản ánh về thời gian giải quyết", received + timedelta(days=1)
    return values, [
        {"status": s, "started_at": a, "finished_at": b, "name": f"Bước {s}", "unit": ""} for s, a, b in steps
    ]


def _procedures(conn) -> list[tuple]:
    return [tuple(r) for r in conn.execute(select(procedures.c.code, procedures.c.name).order_by(procedures.c.code))]


def generate(db: str, scale: float = 1.0, seed: int = 1, year: int = 2025, progress=None) -> dict:
    """Creates the schema, the offices, their tablets, the dossiers and ratings of `year` (and of the
    December before it) in database `db`; returns what was written."""
    started = time.perf_counter()
    with contextlib.redirect_stdout(sys.stderr):  # stdout is the benchmark's Markdown section
        assert cli.main(["--db", db, "init"]) == 0
        assert cli.main(["--db", db, "import", "procedures", str(CATALOGUE)]) == 0
    engine = make_engine(db)
    per_office = max(1, round(DOSSIERS_PER_OFFICE * scale))
    ratings_per_office = max(1, round(RATINGS_PER_OFFICE * scale))
    first = datetime(year - 1, 12, 1) - OFFSET
    last = datetime(year + 1, 1, 1) - OFFSET
    now = datetime(year + 1, 2, 1) - OFFSET  # the data is as it stood a month after the year
    counts = {"offices": OFFICES, "dossiers": 0, "steps": 0, "ratings": 0}
    with engine.begin() as conn:
        procs = _procedures(conn)
        methods = procedure_methods(conn, [p[0] for p in procs])
        device_ids = {}
        for i in range(OFFICES):
            code = f"P{i:03d}"
            conn.execute(insert(offices).values(code=code, name=f"Xã số {i + 1}", unit_code=unit_code(i)))
            device_ids[code] = conn.execute(
                insert(devices)
                .values(
                    kind="rating", office_code=code, counter=1, name="Quầy 1", token_hash=f"{i:064d}", created_at=now
                )
                .returning(devices.c.id)
            ).scalar_one()
    for i in range(OFFICES):
        office = f"P{i:03d}"
        rng = random.Random(f"{seed}:{office}")
        seconds = int((last - first).total_seconds())
        moments = sorted(first + timedelta(seconds=rng.randrange(seconds)) for _ in range(per_office))
        dossier_rows, step_rows, rating_rows, per_day = [], [], [], {}
        for moment in moments:
            local = moment + OFFSET
            received = _local(local, rng.randint(7, 16), rng.randint(0, 59))
            day = local.strftime("%y%m%d")
            per_day[day] = per_day.get(day, 0) + 1
            code = f"{unit_code(i)}-{day}-{per_day[day]:04d}"
            proc = procs[rng.randrange(len(procs))]
            values, steps = _dossier(rng, office, code, proc, received, now)
            values.update(verdict_columns(values, steps, False, max_time_of(values, methods)))
            dossier_rows.append(tuple(values[c] for c in DOSSIER_COLUMNS))
            for n, s in enumerate(steps, 1):
                step_rows.append((code, n, s["name"], "", s["status"], s["started_at"], s["finished_at"]))
        rated = rng.sample(range(len(dossier_rows)), min(ratings_per_office, len(dossier_rows)))
        for seq, index in enumerate(sorted(rated), 1):
            row = dossier_rows[index]
            end = row[9] or row[10] or row[7]  # finished, returned, else received
            created = min(end + timedelta(minutes=rng.randint(1, 120)), last - timedelta(seconds=1))
            scale_ = 5
            score = rng.choices((1, 2, 3, 4, 5), (4, 6, 15, 35, 40))[0]
            ident = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            digest = hashlib.sha256(f"{ident}:{score}".encode()).hexdigest()
            code = row[0] if rng.random() < 0.7 else None
            rating_rows.append(
                (ident, device_ids[office], seq, created, created, office, 1, scale_, score, "[]", digest, False, code)
            )
        _write(engine, dossier_rows, step_rows, rating_rows)
        counts["dossiers"] += len(dossier_rows)
        counts["steps"] += len(step_rows)
        counts["ratings"] += len(rating_rows)
        if progress:
            progress(
                f"office {i + 1}/{OFFICES}: {counts['dossiers']:,} dossiers, {time.perf_counter() - started:.0f} s"
            )
    refresh_statistics(engine)
    engine.dispose()
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts


def _sqlite(value):
    """A time as SQLAlchemy stores it in SQLite (microseconds always written, so text order is time order)."""
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M:%S}.{value.microsecond:06d}"
    return value


def _write(engine, dossier_rows, step_rows, rating_rows) -> None:
    tables = (("dossiers", DOSSIER_COLUMNS, dossier_rows), ("dossier_steps", STEP_COLUMNS, step_rows))
    tables += (("ratings", RATING_COLUMNS, rating_rows),)
    raw = engine.raw_connection()
    try:
        if engine.dialect.name == "postgresql":
            with raw.driver_connection.cursor() as cur:
                for name, columns, rows in tables:
                    with cur.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
        else:
            cur = raw.cursor()
            for name, columns, rows in tables:
                rows = [tuple(_sqlite(v) for v in row) for row in rows]
                marks = ", ".join("?" * len(columns))
                cur.executemany(f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({marks})", rows)
        raw.commit()
    finally:
        raw.close()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, help="database URL (sqlite:///path or postgresql://...), empty")
    ap.add_argument("--scale", type=float, default=1.0, help="1 = 2,000,000 dossiers and 1,000,000 ratings")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--year", type=int, default=2025)
    args = ap.parse_args(argv)
    counts = generate(args.db, args.scale, args.seed, args.year, progress=lambda s: print(s, file=sys.stderr))
    print(counts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
