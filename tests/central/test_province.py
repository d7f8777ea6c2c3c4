"""The province generator's data (bench/province.py, a small province) counted by every report equals the
plain-Python recount of tests/central/reference.py, on SQLite and PostgreSQL: Biểu 06 for the province
and for one office, the two rates, the dossier figures of the API's pipeline and the late list."""

from collections import Counter

import pytest
from sqlalchemy import select

from bench import province
from central import bieu06, reports, stats
from central.storage import make_engine
from central.storage.schema import dossier_steps, dossiers, ratings
from tests.central import reference

YEAR = 2025


@pytest.fixture
def small_province(storage_url):
    counts = province.generate(storage_url, scale=0.002, seed=7, year=YEAR)
    engine = make_engine(storage_url)
    yield engine, counts
    engine.dispose()


def _as_reference(data: dict) -> dict:
    return {
        "rows": {
            (r["field"]["code"], r["field"]["name"]): {k: r[k] for k in ("received", "finished", "open")}
            for r in data["rows"]
        },
        "total": data["total"],
        "rates": data["rates"],
    }


def test_the_generator_makes_every_case(small_province):
    engine, counts = small_province
    assert counts["dossiers"] == 100 * 40 and counts["ratings"] == 100 * 20
    with engine.connect() as conn:
        status = Counter(conn.scalars(select(dossiers.c.status)))
        channel = Counter(conn.scalars(select(dossiers.c.channel)))
        steps = Counter(conn.scalars(select(dossier_steps.c.status)))
        verdicts = Counter(conn.scalars(select(dossiers.c.verdict)))
        pending = Counter(
            r.n
            for r in conn.execute(
                select(dossier_steps.c.dossier_code, (dossier_steps.c.status * 0 + 1).label("n")).where(
                    dossier_steps.c.status == 5, dossier_steps.c.finished_at.is_(None)
                )
            )
        )
        rated = conn.scalar(select(ratings.c.id).limit(1))
    assert set(status) == set(range(1, 11))
    assert set(channel) == {1, 2, 3}
    assert {5, 6, 7, 8, 3, 2} <= set(steps)
    assert {"early", "on_time", "late", None} <= set(verdicts)
    assert pending and rated


@pytest.mark.parametrize(
    "office, first, last",
    [(None, "2025-01-01", "2025-12-31"), ("P007", "2025-01-01", "2025-12-31"), ("P042", "2025-03-01", "2025-03-31")],
)
def test_reports_equal_the_plain_recount(small_province, office, first, last):
    engine, _ = small_province
    period = bieu06.period_of(day_from=first, day_to=last)
    with engine.connect() as conn:
        data = bieu06.report(conn, office, period)
        recount = reference.bieu06(conn, office, period.start, period.end)
        assert _as_reference(data) == recount
        total = data["total"]
        if office is None:  # the province has every kind of row (one office of a small province may not)
            assert all(total[g][k] > 0 for g, k, _ in bieu06.COLUMNS), total
        # the API's pipeline (overview, /api/v1/stats) counts the same dossiers
        figures = stats.dossier_tally(conn, office, period.start, period.end).figures()
        assert figures == reference.dossier_figures(conn, office, period.start, period.end)
        assert figures["indicator_2_1"] == data["rates"]["indicator_2_1"]
        assert figures["finished_on_time_rate"] == data["rates"]["finished_on_time"]
        # the late list: every late dossier of the recount, once
        late = bieu06.late_list(conn, office, period)
        judged = reference.judged_dossiers(conn, office, period.end)
        expected = {
            r.code
            for r, c in judged
            if c["verdict"] == "late" and (c["ended_at"] is None or c["ended_at"] >= period.start)
        }
        assert {d["code"] for d in late} == expected
        assert len(late) == total["finished"]["late"] + total["open"]["late"]
        assert bieu06.late_top(conn, office, period, 5) == (len(late), late[:5])  # the late page's first rows
        # chỉ tiêu 5.4 (the overview's estimate) over the same dossiers, split into the overview's buckets
        starts = [b[0] for b in reports.buckets(reports.parse_period(None, first, last))]
        shown = bieu06.satisfaction_5_4(conn, office, period.start, period.end, buckets=starts)
        ref = reference.satisfaction_5_4(conn, office, period.start, period.end)
        assert {k: shown[k] for k in ref} == ref
        assert shown["dossiers"] == total["received"]["total"] and shown["late"] == len(late)
        if office is None:
            assert shown["unhappy"] > 0 and shown["complaints"] > 0
        for key in ("dossiers", "late", "unhappy"):
            assert sum(c[key] for c in shown["series_counts"]) == shown[key], key
        # the overview counts its dossiers once, with Biểu 06's tallies, for its figures and for 5.4
        shown_period = reports.parse_period(None, first, last)
        over = reports.overview(conn, office, shown_period)
        assert over["dossiers"] == figures and over["decision_766"] == shown
        finished = stats.dossier_tally(conn, office, period.start, period.end).finished
        series = [stats.tally_figures(rows) for rows in reports._per_bucket(shown_period, finished)]
        for key in ("finished", "on_time", "late"):
            assert [p[key] for p in over["series"]] == [f[key] for f in series], key


def test_migration_0018_adds_and_removes_the_end_index(storage_url):
    from pathlib import Path

    from alembic import command
    from alembic.config import Config
    from sqlalchemy import inspect

    from central import storage
    from tests.support.dash_web import upgrade_to

    def indexes(engine):
        return {i["name"] for i in inspect(engine).get_indexes("dossiers")}

    engine = make_engine(storage_url)
    upgrade_to(engine, "0017")
    assert "ix_dossiers_finished_effective" not in indexes(engine)
    upgrade_to(engine, "0018")
    assert "ix_dossiers_finished_effective" in indexes(engine)
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(storage.__file__).resolve().parent.parent / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0017")
    assert "ix_dossiers_finished_effective" not in indexes(engine)
    engine.dispose()
