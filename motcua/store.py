"""The device's local SQLite store: WAL + synchronous=FULL, recorded migrations, recovery from a broken file."""

import contextlib
import datetime
import fcntl
import json
import logging
import os
import sqlite3
import threading
import time
from enum import StrEnum
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

__all__ = [
    "OutboxState",
    "open_store",
    "connect",
    "migrations",
    "db_path",
    "ThreadConnections",
    "get_state",
    "set_state",
    "recoveries",
    "StoreError",
    "StoreBusy",
    "StoreInUse",
    "is_corruption",
]

log = logging.getLogger(__name__)
migrations = Migrations("motcua-device")


class OutboxState(StrEnum):
    """An outbox row's `state`: pending -> sending -> sent | quarantined (motcua/outbox.py). The
    values are what the column holds; m001_outbox's CHECK lists the same ones."""

    PENDING = "pending"
    SENDING = "sending"  # in a batch sent and not answered yet
    SENT = "sent"  # the server holds it (accepted or duplicate)
    QUARANTINED = "quarantined"  # refused or set aside; `reason` says why


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


class StoreDatabase(Database):
    """A sqlite-utils Database that also lets go of the store lock when closed."""

    _motcua_lock = None

    def close(self) -> None:
        super().close()
        if self._motcua_lock is not None:
            self._motcua_lock.close()
            self._motcua_lock = None


@migrations()
def m003_outbox_privacy(db):
    # When an item was set aside: items the server failed on (5xx) are offered again an hour later.
    db.execute("ALTER TABLE outbox ADD COLUMN quarantined_at REAL")
    # Delivered ratings keep no call-back number or comment on the tablet: the server has them.
    db.execute(
        "UPDATE outbox SET payload = json_remove(payload, '$.phone', '$.comment') "
        "WHERE state = 'sent' AND json_valid(payload)"
    )


@migrations()
def m004_missed_searches(db):
    # Kiosk searches that found nothing or were not tapped (kiosk/missed.py): folded query text counted
    # per office day; `sent_count` is what the server acknowledged (it keeps the highest total it got).
    db.execute("""CREATE TABLE missed_searches (
        day TEXT NOT NULL, query TEXT NOT NULL, outcome TEXT NOT NULL,
        count INTEGER NOT NULL DEFAULT 0, sent_count INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (day, query, outcome))""")


def connect(path) -> Database:
    """A connection to the store file with the durability settings; no checks, no migrations."""
    conn = sqlite3.connect(str(path), timeout=10, check_same_thread=False)
    db = StoreDatabase(conn)
    db.execute("PRAGMA busy_timeout = 10000")
    # Deleted or rewritten content (a delivered rating's phone number) is overwritten, not left in free pages.
    db.execute("PRAGMA secure_delete = ON")
    mode = _busy_retry(f"opening {path}", lambda: db.execute("PRAGMA journal_mode = WAL").fetchone()[0])
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


_LOCKS_LOCK = threading.Lock()


class ThreadConnections:
    """The store connection of the calling thread, for an object that several threads use (the kiosk's
    catalogue: searched on the UI thread, synced on its own thread).

    The thread that built it uses `db`; any other thread opens its own connection to the same file on
    first use (kept while that thread lives). One connection's transaction is shared by every thread
    that uses it: a write on the UI thread during a sync on a shared connection would commit half a
    catalogue. With one connection per thread (WAL), a reader sees the data before a write
    transaction or after its commit, never between. An in-memory database has only its one
    connection: every read and write holds one lock, the same for every object built on it."""

    def __init__(self, db: Database):
        self.db = db
        self.path = db_path(db)
        self._owner = threading.get_ident()
        self._local = threading.local()
        self._lock = _shared_lock(db) if self.path is None else None

    def get(self) -> Database:
        """This thread's connection."""
        if self.path is None or threading.get_ident() == self._owner:
            return self.db
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = connect(self.path)
        return db

    @contextlib.contextmanager
    def read(self):
        """This thread's connection, its statements sharing one snapshot (one read transaction)."""
        with self._lock or contextlib.nullcontext():
            db = self.get()
            if db.conn.in_transaction:  # inside this thread's own write or read: that one decides
                yield db
                return
            db.conn.execute("BEGIN")
            try:
                yield db
            finally:
                if db.conn.in_transaction:
                    db.conn.execute("COMMIT")  # nothing was written: only ends the snapshot

    @contextlib.contextmanager
    def write(self):
        """This thread's connection in one write transaction, taken up front (BEGIN IMMEDIATE: no lock
        upgrade, no deadlock): committed at the end, rolled back on an exception."""
        with self._lock or contextlib.nullcontext():
            db = self.get()
            if db.conn.in_transaction:  # nested in this thread's own transaction: a savepoint of it
                with db.atomic():
                    yield db
                return
            db.conn.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                if db.conn.in_transaction:
                    db.conn.execute("ROLLBACK")
                raise
            db.conn.execute("COMMIT")

    def close(self) -> None:
        """Closes this thread's own connection (not the builder's `db`)."""
        db = getattr(self._local, "db", None)
        if db is not None:
            self._local.db = None
            db.close()


def _shared_lock(db: Database) -> threading.RLock:
    """One lock per in-memory connection, whichever object uses it."""
    with _LOCKS_LOCK:
        lock = getattr(db, "_motcua_thread_lock", None)
        if lock is None:
            lock = db._motcua_thread_lock = threading.RLock()
        return lock


def get_state(db: Database, name: str, default=None):
    """A small persisted value (JSON) from device_state."""
    row = db.execute("SELECT value FROM device_state WHERE name = ?", [name]).fetchone()
    return default if row is None or row[0] is None else json.loads(row[0])


def set_state(db: Database, name: str, value) -> None:
    db.execute(
        "INSERT INTO device_state(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
        [name, json.dumps(value)],
    )


class StoreError(RuntimeError):
    """The store could not be opened; nothing in it was moved or changed."""


class StoreBusy(StoreError):
    """Another process held the store's write lock for longer than the busy timeout."""


class StoreInUse(StoreError):
    """The store is damaged, but another process has it open: it is not moved from under that process."""


_CORRUPTION = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB (primary codes; extended codes keep them in the low byte)
_BUSY = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED
BUSY_RETRIES = 6  # each waits up to the connection's busy timeout (10 s)


def is_corruption(exc: BaseException) -> bool:
    """True when SQLite says the file itself is damaged (not locked, not a schema race, not a full disk)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _CORRUPTION
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text


def is_busy(exc: BaseException) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _BUSY
    return "locked" in str(exc).lower() or "busy" in str(exc).lower()


class _StoreLock:
    """An advisory lock beside the store (`<file>.lock`): every open store holds it shared for the life
    of its Database; recovery takes it exclusively, so a file is moved aside only when no other process
    has it open. The kernel drops the lock when a process dies."""

    def __init__(self, path: Path):
        self.file = open(str(path) + ".lock", "a+b")  # noqa: SIM115  (held for the store's lifetime)

    def shared(self) -> None:
        fcntl.flock(self.file, fcntl.LOCK_SH)

    def try_exclusive(self) -> bool:
        try:
            fcntl.flock(self.file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    def close(self) -> None:
        self.file.close()


def _busy_retry(what: str, fn):
    """Runs fn, retrying while another process holds the lock; a lock is never taken for damage."""
    for attempt in range(BUSY_RETRIES):
        try:
            return fn()
        except sqlite3.OperationalError as exc:
            if not is_busy(exc):
                raise
            if attempt == BUSY_RETRIES - 1:
                raise StoreBusy(f"{what}: the store stayed locked by another process ({exc})") from exc
            time.sleep(0.05 * (attempt + 1))


def _damage(path: Path) -> str | None:
    """What is wrong with the file, or None when it is sound (or absent or empty: a new store).

    Only SQLite's own verdict counts: a quick_check that finds problems, or an error whose code says
    corrupt / not a database. A lock, a full disk or a missing permission is raised, never taken for damage.
    """
    if not path.exists() or path.stat().st_size == 0:
        return None

    def check():
        conn = sqlite3.connect(str(path), timeout=10)
        try:
            return [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
        finally:
            conn.close()

    try:
        rows = _busy_retry(f"checking {path}", check)
    except sqlite3.DatabaseError as exc:
        if is_corruption(exc):
            return str(exc)
        raise
    return None if rows == ["ok"] else "; ".join(rows[:5])


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
    """Moves a broken file aside, starts a fresh one, keeps the readable outbox rows.

    The caller holds the store lock exclusively. The device_seq counter continues from the highest
    number still readable; the server answers a number it already holds with its own highest, and the
    outbox numbers the item again above it (docs/ARCHITECTURE.md, "Device sequence")."""
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
    _migrate(db)
    kept = 0
    with db.atomic():
        for r in rows:
            state = OutboxState.PENDING if r.get("state") in (OutboxState.SENDING, None) else r["state"]
            try:
                db.execute(
                    "INSERT OR IGNORE INTO outbox (id, seq, kind, payload, unique_key, state, created_at,"
                    " attempts, batch_key, sent_at, reason) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    [
                        r["id"],
                        r["seq"],
                        r["kind"],
                        r["payload"],
                        r.get("unique_key"),
                        state,
                        r.get("created_at") or time.time(),
                        r.get("attempts") or 0,
                        r.get("batch_key"),
                        r.get("sent_at"),
                        r.get("reason"),
                    ],
                )
                kept += 1
            except (sqlite3.DatabaseError, KeyError, TypeError):
                continue
        set_state(db, "device_seq", top)
        detail = {"moved_to": str(aside), "problem": problem[:500], "outbox_rows_kept": kept}
        db.execute("INSERT INTO store_events VALUES (?, 'recovered', ?)", [time.time(), json.dumps(detail)])
    log.error(
        "store %s was damaged (%s): moved to %s, kept %d outbox rows; the catalogue will re-sync",
        path,
        problem[:200],
        aside,
        kept,
    )
    return db


_MIGRATIONS_TABLE = Migrations.migrations_table


def _migrate(db: Database) -> None:
    """Applies pending migrations inside one exclusive write transaction, re-reading what is applied
    inside it: two processes opening a new store at once wait for each other, and the second finds
    nothing left to do."""
    if not _pending(db):
        return

    def apply():
        db.conn.execute("BEGIN EXCLUSIVE")
        try:
            db.conn.execute(
                f"CREATE TABLE IF NOT EXISTS [{_MIGRATIONS_TABLE}] ([id] INTEGER PRIMARY KEY, "
                "[migration_set] TEXT, [name] TEXT, [applied_at] TEXT)"
            )
            db.conn.execute(
                f"CREATE UNIQUE INDEX IF NOT EXISTS [idx_{_MIGRATIONS_TABLE}_migration_set_name] "
                f"ON [{_MIGRATIONS_TABLE}] ([migration_set], [name])"
            )
            for migration in _pending(db):
                migration.fn(db)
                db.conn.execute(
                    f"INSERT INTO [{_MIGRATIONS_TABLE}] (migration_set, name, applied_at) VALUES (?, ?, ?)",
                    [migrations.name, migration.name, str(datetime.datetime.now(datetime.timezone.utc))],
                )
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise
        db.conn.execute("COMMIT")

    _busy_retry("migrating the store", apply)


def _pending(db: Database) -> list:
    return migrations.pending(db)


def _open_checked(path: Path, lock: _StoreLock, problem: str | None) -> Database:
    """Opens a sound file, or recovers a damaged one when no other process holds it."""
    if problem is not None:
        if not lock.try_exclusive():
            raise StoreInUse(
                f"{path} is damaged ({problem[:200]}), but another process has it open; "
                "stop the tablet and the motcua-rating commands, then start again"
            )
        try:
            problem = _damage(path)  # another process may have recovered it while we waited
            if problem is not None:
                return _recover(path, problem)
        finally:
            lock.shared()
    db = connect(path)
    try:
        _migrate(db)
    except sqlite3.DatabaseError as exc:
        db.close()
        if not is_corruption(exc):
            raise
        return _open_checked(path, lock, str(exc))
    return db


def open_store(path) -> Database:
    """Opens (creating if needed) the device store: checked, recovered if broken, migrated.

    A lock or a concurrent migration is never taken for damage: it is waited for (StoreBusy after a
    minute). A damaged file is moved aside only when no other process has the store open (else
    StoreInUse). The returned Database holds the store's shared lock for as long as it lives.
    """
    if str(path) == ":memory:":  # nothing on disk to check, recover or lock
        db = connect(path)
        _migrate(db)
        return db
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = _StoreLock(path)
    try:
        lock.shared()
        db = _open_checked(path, lock, _damage(path))
    except BaseException:
        lock.close()
        raise
    db._motcua_lock = lock  # released when the Database is closed and collected, or the process ends
    return db


def recoveries(db: Database) -> list[dict]:
    """The recoveries this store went through (for the admin screen)."""
    return [
        dict(json.loads(d), at=at)
        for at, d in db.execute("SELECT at, detail FROM store_events WHERE event = 'recovered' ORDER BY at").fetchall()
    ]
