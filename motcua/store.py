"""The device's local SQLite store: WAL + synchronous=FULL, recorded migrations, recovery from a broken file."""
import datetime
import json
import logging
import os
import sqlite3
import time
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

__all__ = ["open_store", "connect", "migrations", "db_path", "get_state", "set_state",
           "recoveries"]

log = logging.getLogger(__name__)
migrations = Migrations("motcua-device")
SEQ_GAP_AFTER_RECOVERY = 1000   # device_seq jumps after a recovery: a gap is reported, a reuse is refused


@migrations()
def m001_outbox(db):
    db.execute("""CREATE TABLE outbox (
        id TEXT PRIMARY KEY, seq INTEGER NOT NULL UNIQUE, kind TEXT NOT NULL, payload TEXT NOT NULL,
        unique_key TEXT UNIQUE, state TEXT NOT NULL DEFAULT 'pending'
            CHECK (state IN ('pending', 'sending', 'sent', 'quarantined')),
        created_at REAL NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, batch_key TEXT,
        sent_at REAL, reason TEXT)""")
    db.execute("CREATE INDEX outbox_state_seq ON outbox(state, seq)")
    db.execute("CREATE TABLE device_state (name TEXT PRIMARY KEY, value TEXT)")
    db.execute("CREATE TABLE store_events (at REAL NOT NULL, event TEXT NOT NULL, detail TEXT)")


@migrations()
def m002_catalogue(db):
    db.execute("""CREATE TABLE procedures (
        code TEXT PRIMARY KEY, name TEXT NOT NULL, field_code TEXT, field_name TEXT,
        item TEXT NOT NULL, folded_name TEXT NOT NULL, updated_at TEXT)""")
    db.execute("CREATE INDEX procedures_field ON procedures(field_code)")
    # Folded columns (no marks, đ→d): unicode61 alone cannot fold đ. Kept in step by Catalogue.
    db.execute("""CREATE VIRTUAL TABLE procedures_fts USING fts5(
        code UNINDEXED, name, field, keywords, documents, tokenize = 'unicode61')""")
    db.execute("""CREATE TABLE cache (
        key TEXT PRIMARY KEY, value TEXT, etag TEXT, fetched_at REAL NOT NULL)""")
    db.execute("""CREATE TABLE staff_photos (
        url TEXT PRIMARY KEY, photo BLOB NOT NULL, fetched_at REAL NOT NULL)""")


def connect(path) -> Database:
    """A connection to the store file with the durability settings; no checks, no migrations."""
    conn = sqlite3.connect(str(path), timeout=10, check_same_thread=False)
    db = Database(conn)
    db.execute("PRAGMA busy_timeout = 10000")
    mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if mode.lower() != "wal" and str(path) != ":memory:":
        log.warning("store %s: journal mode is %s, not WAL", path, mode)
    db.execute("PRAGMA synchronous = FULL")
    return db


def db_path(db: Database) -> str | None:
    """The file behind a Database, or None for an in-memory one."""
    for row in db.execute("PRAGMA database_list").fetchall():
        if row[1] == "main":
            return row[2] or None
    return None


def get_state(db: Database, name: str, default=None):
    """A small persisted value (JSON) from device_state."""
    row = db.execute("SELECT value FROM device_state WHERE name = ?", [name]).fetchone()
    return default if row is None or row[0] is None else json.loads(row[0])


def set_state(db: Database, name: str, value) -> None:
    db.execute("INSERT INTO device_state(name, value) VALUES (?, ?) "
               "ON CONFLICT(name) DO UPDATE SET value = excluded.value", [name, json.dumps(value)])


def _healthy(path: Path) -> tuple[bool, str]:
    try:
        conn = sqlite3.connect(str(path), timeout=10)
        try:
            rows = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return False, str(exc)
    return rows == ["ok"], "; ".join(rows[:5])


def _salvage_outbox(broken: Path) -> tuple[list[dict], int]:
    """Every outbox row still readable in a broken file, and the highest device_seq seen."""
    rows, top = [], 0
    try:
        conn = sqlite3.connect(f"file:{broken}?mode=ro", uri=True)
        conn.row_factory = sqlite3.Row
    except sqlite3.DatabaseError:
        return rows, top
    try:
        try:
            rows = [dict(r) for r in conn.execute("SELECT * FROM outbox")]
        except sqlite3.DatabaseError:
            # Read row by row so one bad page costs only the rows on it.
            try:
                last = conn.execute("SELECT max(rowid) FROM outbox").fetchone()[0] or 0
            except sqlite3.DatabaseError:
                last = 100_000
            for rowid in range(1, last + 1):
                try:
                    r = conn.execute("SELECT * FROM outbox WHERE rowid = ?", [rowid]).fetchone()
                except sqlite3.DatabaseError:
                    continue
                if r is not None:
                    rows.append(dict(r))
        for query in ("SELECT max(seq) FROM outbox", "SELECT value FROM device_state WHERE name='device_seq'"):
            try:
                value = conn.execute(query).fetchone()
                top = max(top, int(json.loads(str(value[0]))) if value and value[0] is not None else 0)
            except (sqlite3.DatabaseError, ValueError, TypeError):
                pass
        top = max([top] + [r["seq"] for r in rows if isinstance(r.get("seq"), int)])
    finally:
        conn.close()
    return rows, top


def _recover(path: Path, problem: str) -> Database:
    """Moves a broken file aside, starts a fresh one, keeps the readable outbox rows."""
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.broken-{stamp}")
    n = 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{path.name}.broken-{stamp}-{n}")
    for suffix in ("", "-wal", "-shm"):
        src = Path(str(path) + suffix)
        if src.exists():
            os.replace(src, Path(str(aside) + suffix))
    rows, top = _salvage_outbox(aside)
    db = connect(path)
    migrations.apply(db)
    kept = 0
    with db.atomic():
        for r in rows:
            state = "pending" if r.get("state") in ("sending", None) else r["state"]
            try:
                db.execute("INSERT OR IGNORE INTO outbox (id, seq, kind, payload, unique_key, state, created_at,"
                           " attempts, batch_key, sent_at, reason) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                           [r["id"], r["seq"], r["kind"], r["payload"], r.get("unique_key"), state,
                            r.get("created_at") or time.time(), r.get("attempts") or 0, r.get("batch_key"),
                            r.get("sent_at"), r.get("reason")])
                kept += 1
            except (sqlite3.DatabaseError, KeyError, TypeError):
                continue
        set_state(db, "device_seq", top + SEQ_GAP_AFTER_RECOVERY)
        detail = {"moved_to": str(aside), "problem": problem[:500], "outbox_rows_kept": kept}
        db.execute("INSERT INTO store_events VALUES (?, 'recovered', ?)", [time.time(), json.dumps(detail)])
    log.error("store %s was damaged (%s): moved to %s, kept %d outbox rows; the catalogue will re-sync",
              path, problem[:200], aside, kept)
    return db


def open_store(path) -> Database:
    """Opens (creating if needed) the device store: checked, recovered if broken, migrated."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.stat().st_size > 0:
        ok, problem = _healthy(path)
        if not ok:
            return _recover(path, problem)
    db = connect(path)
    try:
        migrations.apply(db)
    except sqlite3.DatabaseError as exc:   # damage quick_check did not see
        db.close()
        return _recover(path, str(exc))
    return db


def recoveries(db: Database) -> list[dict]:
    """The recoveries this store went through (for the admin screen)."""
    return [dict(json.loads(d), at=at) for at, d in
            db.execute("SELECT at, detail FROM store_events WHERE event = 'recovered' ORDER BY at").fetchall()]
