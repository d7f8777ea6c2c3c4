"""Verdicts stored at import (and backfilled by migration 0004) give the same report figures as judging
every dossier at report time, on SQLite and PostgreSQL; rows not judged by the current rule still count."""

import pytest
from sqlalchemy import insert, select, update

from central import reports, rules, stats
from central.dossiers import store as store_dossiers
from central.importers import check_dossier
from central.ratings import ingest
from central.storage import make_engine, upgrade
from central.storage.schema import devices, dossier_steps, dossiers, offices, staff
from central.storage.verdicts import backfill
from central.timeutil import utcnow
from tests.central import reference
from tests.support.kiemtra import DOSSIERS, OFFICE, UNIT, ratings, code
from tests.support.dash_web import store_as_before_0006, upgrade_to

# Ends on 07/10 and 08/10: D3 is open, past its due date, yet not late (its supplement time counts).
PERIODS = [
    ("2025-10-01", "2025-10-31"),
    ("2025-10-01", "2025-10-05"),
    ("2025-09-01", "2025-11-30"),
    ("2025-10-06", "2025-10-06"),
    ("2025-10-01", "2025-10-07"),
    ("2025-10-08", "2025-10-08"),
]


def _load(engine, with_verdicts: bool) -> None:
    """Office XA-KIEMTRA (tests/support/kiemtra.py): dossiers through the importer's check, ratings through ingest."""
    with engine.begin() as conn:
        conn.execute(insert(offices).values(code=OFFICE, name="Xã Kiểm Tra", unit_code=UNIT))
        a = conn.execute(insert(staff).values(office_code=OFFICE, name="Lan", counter=1)).inserted_primary_key[0]
        b = conn.execute(insert(staff).values(office_code=OFFICE, name="Bình", counter=2)).inserted_primary_key[0]
        rows = [check_dossier(record, lambda _c, _o: OFFICE, secret_key=b"k" * 32) for record in DOSSIERS]
        if with_verdicts:
            store_dossiers(conn, rows)
        else:  # rows as written before migration 0004: no verdict columns
            for values, steps in rows:
                conn.execute(insert(dossiers).values(updated_at=utcnow(), **values))
                if steps:
                    conn.execute(insert(dossier_steps), [dict(s, dossier_code=values["code"]) for s in steps])
        device = conn.execute(
            insert(devices).values(
                kind="rating", office_code=OFFICE, counter=1, name="t", token_hash="x" * 64, created_at=utcnow()
            )
        ).inserted_primary_key[0]
        if with_verdicts:
            results = ingest(conn, device, OFFICE, ratings(a, b))["results"]
            assert {r["status"] for r in results} == {"accepted"}
        else:
            store_as_before_0006(conn, device, ratings(a, b))


def _same_as_judging_everything(conn) -> None:
    for first, last in PERIODS:
        period = reports.parse_period(None, first, last)
        for office in (OFFICE, None):
            judged = reference.judged_dossiers(conn, office, period.end)
            assert reports.overview(conn, office, period)["dossiers"] == reference.dossier_figures(
                conn, office, period.start, period.end, judged
            ), (first, last, office)


def _hand_figures(conn) -> None:
    period = reports.parse_period(None, "2025-10-01", "2025-10-31")
    data = reports.overview(conn, OFFICE, period)
    d = data["dossiers"]
    # REPORTING.md: D7 was refused at the counter (never accepted), D6's withdrawal is judged (no time
    # for it: it ends at its acceptance, before its appointment).
    assert (d["received"], d["finished"], d["on_time"], d["late"], d["open_late"]) == (6, 5, 3, 2, 1)
    assert (d["early"], d["carried_over"], d["open"], d["open_in_time"]) == (2, 1, 2, 1)
    assert (d["finished_on_time_rate"], d["indicator_2_1"]) == (0.6, round(4 / 7, 4))
    k = data["decision_766"]
    # 5.4 over 2.1's 7 dossiers: late D2 D9 D4; D3 rated badly (not late): 1 − 3/7 − 1/7
    assert (k["dossiers"], k["late"], k["unhappy"], k["score"]) == (7, 3, 1, round(3 / 7, 4))
    assert [p["finished"] for p in data["series"] if p["finished"]] == [1, 2, 1, 1]
    by = {i["key"]: i for i in reports.satisfaction_by(conn, "procedure", OFFICE, period)["items"]}
    assert (by["1.001193"]["finished"], by["1.001193"]["on_time"]) == (4, 2)
    assert (by["2.000815"]["finished"], by["2.000815"]["on_time"]) == (1, 1)


@pytest.fixture
def engine(storage_url):
    engine = make_engine(storage_url)
    yield engine
    engine.dispose()


def test_migration_backfills_the_verdicts_of_existing_dossiers(engine):
    upgrade_to(engine, "0003")
    _load(engine, with_verdicts=False)
    upgrade(engine)
    with engine.connect() as conn:
        rows = {r.code: r for r in conn.execute(select(dossiers))}
        d3 = rows[code(3)]  # returned 09/10 11:00 after 51 h of supplement: on time
        assert d3.on_time is True and d3.supplement_s == 51 * 3600 and d3.verdict_rule == rules.RULE_VERSION
        assert d3.verdict == "on_time" and rows[code(1)].verdict == "early"
        assert rows[code(2)].on_time is False and rows[code(2)].verdict == "late"
        assert not rows[code(7)].accepted and rows[code(7)].verdict is None  # refused at the counter
        assert rows[code(4)].finished_effective_at is None and rows[code(4)].on_time is None  # open
        assert rows[code(6)].verdict == "early"  # withdrawn: judged
        _hand_figures(conn)
        _same_as_judging_everything(conn)


def test_rows_not_judged_by_the_current_rule_are_judged_at_report_time(engine):
    upgrade(engine)
    _load(engine, with_verdicts=True)
    with engine.begin() as conn:
        stored = {r.code: r.on_time for r in conn.execute(select(dossiers.c.code, dossiers.c.on_time))}
        assert stored[code(1)] is True and stored[code(9)] is False
        _hand_figures(conn)
        conn.execute(
            update(dossiers)
            .where(dossiers.c.code.in_([code(2), code(3), code(9)]))
            .values(verdict_rule=None, on_time=True)
        )  # stale and wrong: must not be trusted
        _hand_figures(conn)
        _same_as_judging_everything(conn)
        assert backfill(conn) == 3
        assert conn.scalar(select(dossiers.c.on_time).where(dossiers.c.code == code(9))) is False
        _hand_figures(conn)


def test_reimport_of_a_finished_dossier_replaces_its_verdict(engine, tmp_path):
    import json
    from central.importers import import_dossiers_file

    upgrade(engine)
    _load(engine, with_verdicts=True)
    later = dict(DOSSIERS[1], finished_at="2025-10-03T16:00:00+07:00", status=9)  # D2 now on time
    path = tmp_path / "update.json"
    path.write_text(json.dumps([later], ensure_ascii=False), encoding="utf-8")
    assert "1 updated" in import_dossiers_file(engine, path, office=OFFICE)
    with engine.connect() as conn:
        period = reports.parse_period(None, "2025-10-01", "2025-10-31")
        d = reports.overview(conn, OFFICE, period)["dossiers"]
        assert (d["finished"], d["on_time"], d["late"]) == (5, 4, 1)
        _same_as_judging_everything(conn)


def test_office_day_of_a_stored_time_turns_at_17_utc(engine):
    from datetime import datetime
    from sqlalchemy import DateTime, literal

    with engine.connect() as conn:
        for utc, office_midnight in [
            (datetime(2025, 10, 1, 16, 59, 59), datetime(2025, 9, 30, 17)),
            (datetime(2025, 10, 1, 17, 0), datetime(2025, 10, 1, 17)),
            (datetime(2025, 12, 31, 23, 30), datetime(2025, 12, 31, 17)),
            (datetime(2026, 2, 28, 18, 0), datetime(2026, 2, 28, 17)),
        ]:
            key = conn.scalar(select(stats.day_key(conn, literal(utc, DateTime))))
            assert stats.day_start(key) == office_midnight, (utc, key)


def test_reasons_count_every_rating_that_ticked_them(engine):
    """Ratings are grouped in SQL by their set of reasons: a set ticked three times counts three."""
    import uuid

    upgrade(engine)
    _load(engine, with_verdicts=True)
    with engine.begin() as conn:
        lan = conn.scalar(select(staff.c.id).where(staff.c.name == "Lan"))
        device = conn.scalar(select(devices.c.id))
        more = [
            {
                "id": str(uuid.uuid4()),
                "device_seq": 100 + i,
                "created_at": f"2025-10-2{i}T09:00:00+07:00",
                "office": OFFICE,
                "counter": 1,
                "staff_id": lan,
                "scale": 3,
                "score": 1,
                "reasons": ["cho_lau", "thai_do"],
                "comment": None,
                "dossier_code": None,
                "phone": None,
            }
            for i in range(3)
        ]
        assert {r["status"] for r in ingest(conn, device, OFFICE, more)["results"]} == {"accepted"}
        period = reports.parse_period(None, "2025-10-01", "2025-10-31")
        by = {i["key"]: i for i in reports.satisfaction_by(conn, "officer", OFFICE, period)["items"]}
        assert [(r["code"], r["count"]) for r in by[lan]["top_reasons"]] == [("cho_lau", 4), ("thai_do", 4)]


def test_kiosk_statistics_equal_judging_every_dossier(engine):
    """/api/v1/stats counts from stored verdicts; the figures equal judging every dossier at the time."""
    from datetime import datetime

    upgrade(engine)
    _load(engine, with_verdicts=True)
    nows = [datetime(2025, 10, d, h) for d, h in ((3, 5), (7, 12), (8, 16), (8, 17), (31, 23))]  # naive UTC
    nows.append(datetime(2025, 12, 2, 3))
    with engine.connect() as conn:
        for now in nows:
            for name in stats.PERIODS:
                for office in (OFFICE, None):
                    mine = stats.office_stats(conn, office, name, now)
                    judged = reference.office_stats_judged(conn, office, name, now)
                    mine.pop("generated_at"), judged.pop("generated_at")
                    assert mine == judged, (now, name, office)
        busy = stats.office_stats(conn, OFFICE, "month", datetime(2025, 10, 31, 16))  # 23:00 office time
        assert (busy["dossiers"]["finished"], busy["ratings"]["count"]) == (5, 7)


def test_tally_rows_are_named(engine):
    """The tally's rows are stats.Finished (each counts n >= 1 dossiers), whether the verdicts are
    stored or judged at report time; the reference module alone holds the judge-everything figures."""
    from central.demo import sample

    upgrade(engine)
    _load(engine, with_verdicts=True)
    period = reports.parse_period(None, "2025-10-01", "2025-10-31")
    for stale in (False, True):
        with engine.begin() as conn:
            if stale:  # every dossier judged now instead of counted from its stored verdict
                conn.execute(update(dossiers).values(verdict_rule=None))
            tally = stats.dossier_tally(conn, OFFICE, period.start, period.end)
            assert tally.finished and all(isinstance(r, stats.Finished) and r.n >= 1 for r in tally.finished)
            assert sum(r.n for r in tally.finished) == 5 and sum(r.n for r in tally.finished if r.on_time) == 3
            assert tally.figures() == reference.dossier_figures(conn, OFFICE, period.start, period.end)
    for name in ("office_stats_judged", "judged_dossiers", "dossier_figures", "rating_figures"):
        assert not hasattr(stats, name), name
    assert not hasattr(sample, "on_time")
