"""The planner's statistics: written after a bulk import and refreshed by the running server, on
SQLite (sqlite_stat1) and PostgreSQL (pg_stats); a failed refresh leaves the server serving."""

import subprocess
import sys
import time

from sqlalchemy import text

from central.storage import StatisticsRefresher, make_engine, refresh_statistics, upgrade


def _analyzed_sqlite(engine) -> set:
    with engine.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")).first():
            return set()
        return {r[0] for r in conn.execute(text("SELECT tbl FROM sqlite_stat1"))}


def test_import_leaves_statistics_for_the_planner(tmp_path):
    db = tmp_path / "central.db"

    def run(*a):
        return subprocess.run(
            [sys.executable, "-m", "central.cli", "--db", str(db), *a],  # noqa: E731
            capture_output=True,
            text=True,
            check=True,
        )

    run("init")
    engine = make_engine(str(db))
    assert "dossiers" not in _analyzed_sqlite(engine)
    run("seed-demo")
    assert {"dossiers", "ratings", "procedures"} <= _analyzed_sqlite(engine)
    engine.dispose()


def test_refresher_runs_in_the_background_and_survives_a_failure(tmp_path, caplog):
    engine = make_engine(str(tmp_path / "central.db"))
    upgrade(engine)
    with engine.begin() as conn:  # ANALYZE leaves no statistics for an empty table
        conn.execute(text("INSERT INTO offices (code, name) VALUES ('XA-A', 'Xã A')"))
    refresher = StatisticsRefresher(engine, first_after_s=0.01, every_s=0.05).start()
    unreachable = make_engine("postgresql://nobody@127.0.0.1:9/none")  # every refresh fails
    failing = StatisticsRefresher(unreachable, first_after_s=0.01, every_s=0.05).start()
    try:
        deadline = time.monotonic() + 10
        while refresher.runs < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert refresher.runs >= 2 and "offices" in _analyzed_sqlite(engine)
        while "planner statistics not refreshed" not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.02)
        assert "planner statistics not refreshed" in caplog.text
        assert failing.runs == 0 and failing._thread.is_alive()
    finally:
        refresher.stop()
        failing.stop()
    engine.dispose()


def test_refresh_statistics_on_each_database(storage_url):
    engine = make_engine(storage_url)
    upgrade(engine)
    refresh_statistics(engine)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            assert conn.execute(text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")).scalar() == 1
        else:  # reltuples is -1 until a table is analyzed (0 once an empty one is)
            assert conn.execute(text("SELECT reltuples FROM pg_class WHERE relname = 'dossiers'")).scalar() == 0
    engine.dispose()
