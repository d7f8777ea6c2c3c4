"""Processes that open one store at once: a lock or a schema race is never taken for damage.

Two processes start a tablet's store together (the first start, a restart that overlaps, or
`motcua-rating status` while the app starts): both must open it, and every rating either of them
was thanked for must be in the live file, with nothing moved aside.
"""

import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from motcua.outbox import Outbox
from motcua.store import StoreInUse, is_corruption, migrations, open_store

OPENER = Path(__file__).with_name("store_opener.py")
# What takes a store back to before its newest migration (a store the previous release left).
UNDO = {
    "m002_catalogue": [f"DROP TABLE {t}" for t in ("procedures_fts", "procedures", "cache", "staff_photos")],
    "m003_outbox_privacy": ["ALTER TABLE outbox DROP COLUMN quarantined_at"],
    "m004_missed_searches": ["DROP TABLE missed_searches"],
}


def _race(path: Path, processes: int = 2, count: int = 3) -> list[str]:
    """Starts `processes` openers at one instant; returns every id whose put() returned."""
    start_at = time.time() + 0.6
    procs = [
        subprocess.Popen(
            [sys.executable, str(OPENER), str(path), str(start_at), str(count)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    thanked = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err[-2000:]
        thanked += out.split()
    return thanked


def _live_ids(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT id FROM outbox")}
    finally:
        conn.close()


def _moved_aside(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if ".broken-" in p.name]


def test_two_processes_creating_one_new_store_at_once_lose_nothing(tmp_path):
    rounds = 12
    for n in range(rounds):
        folder = tmp_path / f"round{n}"
        folder.mkdir()
        path = folder / "rating.db"
        thanked = _race(path)
        assert len(thanked) == 6
        assert set(thanked) <= _live_ids(path), f"round {n}: thanked ratings missing from the live store"
        assert _moved_aside(folder) == [], f"round {n}: a healthy store was moved aside"


def test_two_processes_upgrading_an_older_store_at_once_lose_nothing(tmp_path):
    """The first start after an upgrade that adds a store migration, while another process starts too."""
    for n in range(8):
        folder = tmp_path / f"round{n}"
        folder.mkdir()
        path = folder / "rating.db"
        db = open_store(path)  # a store of the previous version: the last migration not applied yet
        last = migrations.applied(db)[-1].name
        old = Outbox(db)
        before = [old.put("rating", {"office": "XA-RACE", "score": 3}) for _ in range(2)]
        db.execute(f"DELETE FROM _sqlite_migrations WHERE name = '{last}'")
        for statement in UNDO[last]:
            db.execute(statement)
        db.conn.commit()
        db.close()
        thanked = _race(path)
        assert set(thanked + before) <= _live_ids(path)
        assert _moved_aside(folder) == []


def test_a_store_locked_for_seconds_by_another_process_is_waited_for_not_recovered(tmp_path):
    path = tmp_path / "rating.db"
    ob = Outbox.open(path)
    kept = ob.put("rating", {"office": "XA-RACE", "score": 2})
    ob.db.close()
    holder = sqlite3.connect(path, timeout=1, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")  # another process in the middle of a long write
    release = threading.Timer(2.0, holder.rollback)
    release.start()
    try:
        ob = Outbox.open(path)
    finally:
        release.join()
        holder.close()
    assert ob.get(kept) is not None
    assert _moved_aside(tmp_path) == []


def test_a_damaged_store_another_process_has_open_is_left_where_it_is(tmp_path):
    path = tmp_path / "rating.db"
    first = Outbox.open(path)  # the running app
    first.put("rating", {"office": "XA-RACE", "score": 3})
    first.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = path.stat().st_size
    with open(path, "r+b") as fh:  # the header says: not a database
        fh.write(b"not a database at all" * 5)
    other = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from motcua.store import open_store, StoreInUse\n"
            "try:\n    open_store(sys.argv[1])\nexcept StoreInUse as exc:\n    print('in use:', exc)\n",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert other.returncode == 0, other.stderr[-2000:]
    assert "in use" in other.stdout and "damaged" in other.stdout
    assert path.stat().st_size >= size and _moved_aside(tmp_path) == []
    with pytest.raises(StoreInUse):  # the same rule inside one process: the app's handle counts
        open_store(path)
    first.db.close()
    recovered = Outbox.open(path)  # once nobody holds it, the damaged file is moved aside
    assert len(_moved_aside(tmp_path)) == 1 and recovered.pending() == 0


def test_only_sqlite_s_own_corruption_codes_count_as_damage():
    def error(cls, text, code):
        exc = cls(text)
        exc.sqlite_errorcode = code
        return exc

    assert not is_corruption(error(sqlite3.OperationalError, "database is locked", 5))
    assert not is_corruption(error(sqlite3.OperationalError, "database is locked", 517))  # BUSY_SNAPSHOT
    assert not is_corruption(error(sqlite3.OperationalError, "table outbox already exists", 1))
    assert not is_corruption(error(sqlite3.OperationalError, "database or disk is full", 13))
    assert is_corruption(error(sqlite3.DatabaseError, "database disk image is malformed", 11))
    assert is_corruption(error(sqlite3.DatabaseError, "file is not a database", 26))
