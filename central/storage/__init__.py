"""Opens the central database (SQLite path or PostgreSQL URL) and runs its migrations."""

import threading
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

from central.settings import from_environment

from central.periodic import Periodic

_write_locks: dict[str, threading.Lock] = {}


def normalize_url(db: str | None) -> str:
    """`var/central.db`, `sqlite:///...` or `postgresql://...` → a SQLAlchemy URL (psycopg 3); no db:
    `[server] db` from the environment (MOTCUA_DB), else its default (central.settings)."""
    db = db or from_environment("db")
    if db.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + db.split("://", 1)[1]
    if "://" in db:
        return db
    return "sqlite:///" + str(Path(db).expanduser().resolve())


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


# Reads through a memory map share the operating system's page cache across all pooled connections
# (each connection's own page cache is 2 MB and starts cold): a year of reports reads ~50 MB.
SQLITE_MMAP_BYTES = 256 * 1024 * 1024


def make_engine(db: str | None, pool_size: int | None = None) -> Engine:
    """One engine per process. SQLite: WAL, FULL sync, busy timeout, BEGIN IMMEDIATE for writes.
    PostgreSQL: `pool_size` connections kept open (default `[server] db_pool_size` from the environment,
    MOTCUA_DB_POOL_SIZE, else 40: the threadpool's size; with N server processes the database needs
    N × 1.25 × that many connections)."""
    url = normalize_url(db)
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1] if ":///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # As many pooled connections as the threadpool has threads (40): an overflow connection is
        # closed on return and reopened (four PRAGMAs) on the next busy moment.
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=48,
            max_overflow=16,
            pool_use_lifo=True,
            hide_parameters=True,
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")  # an acknowledged rating survives power loss
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):
            # Writers take the lock up front: no deadlock when a reader upgrades to a writer.
            mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
            if mode != "NONE":  # NONE: autocommit, each statement reads its own snapshot
                conn.exec_driver_sql(f"BEGIN {mode}")

        # read_connection's engine. Made before the pool's first connection, so that connection
        # initializes its dialect too; kept on the engine (a cycle the collector frees with it).
        engine.motcua_reader = create_engine(url, pool=engine.pool, hide_parameters=True)
        return engine
    # PostgreSQL: a pooled connection for each threadpool thread (40), so a busy moment never opens
    # and closes overflow connections; no pre-ping (a round trip on every checkout): a connection
    # the server dropped fails once and is replaced, and connections are renewed every half hour.
    size = pool_size if pool_size is not None else from_environment("db_pool_size")
    engine = create_engine(
        url,
        pool_size=size,
        max_overflow=max(4, size // 4),
        pool_pre_ping=False,
        pool_recycle=1800,
        pool_use_lifo=True,
        hide_parameters=True,
    )
    event.listen(engine, "handle_error", _primary_message_only)
    return engine


def _primary_message_only(context) -> None:
    """PostgreSQL's DETAIL line may quote a whole row ("Failing row contains (..., 0901234567, ...)"):
    a database error keeps only its primary message, so no logged error carries a row's personal
    data (the statement's parameters are hidden too: hide_parameters)."""
    orig = context.original_exception
    diag = getattr(orig, "diag", None)
    primary = getattr(diag, "message_primary", None)
    if primary and str(orig) != primary:
        orig.args = (primary,)
        if context.sqlalchemy_exception is not None:
            context.sqlalchemy_exception.args = (f"({type(orig).__module__}.{type(orig).__name__}) {primary}",)


def for_reports(conn) -> None:
    """For the rest of this transaction, on PostgreSQL: a report over a province-year groups its
    dossiers by hashing in memory rather than sorting on disk (the default 4 MB of work_mem is too
    small for the groups the planner expects), and its queries are not compiled to machine code first
    (JIT spends ~300 ms compiling a query that runs in less). Nothing on SQLite."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL work_mem = '64MB'")
        conn.exec_driver_sql("SET LOCAL jit = off")


def read_connection(engine: Engine):
    """A connection for reads that are each one statement: on SQLite no BEGIN is sent (every SELECT
    is atomic on its own; saves a round of BEGIN/ROLLBACK per request). Use `sqlite_begin=DEFERRED`
    instead when several statements must see the same snapshot.

    On SQLite it comes from the engine's reader: an engine on the same pool without the `begin`
    listener. Any connection-event listener makes SQLAlchemy dispatch events around every statement;
    without one a token check costs 55 µs instead of 74 µs (a dossier lookup makes two reads)."""
    reader = getattr(engine, "motcua_reader", None)
    if reader is not None and reader.pool is engine.pool:
        return reader.connect()
    conn = engine.connect()  # PostgreSQL; or a SQLite engine disposed since (a new pool)
    return conn.execution_options(sqlite_begin="NONE") if is_sqlite(engine) else conn


async def off_loop(engine: Engine, fn, *args):
    """Runs a short read `fn(*args)` for an async endpoint: inline on SQLite (an indexed read takes
    tens of microseconds, less than a hop to the threadpool, and a WAL reader never waits for a
    writer), in the threadpool on PostgreSQL (a network round trip must not stall the event loop)."""
    if is_sqlite(engine):
        return fn(*args)
    from anyio.to_thread import run_sync

    return await run_sync(fn, *args)


def write_lock(engine: Engine) -> threading.Lock:
    """In-process lock around SQLite write transactions (threads queue here, not in busy waits)."""
    key = str(engine.url)
    return _write_locks.setdefault(key, threading.Lock())


# Tables whose statistics steer the report and lookup plans.
_ANALYZED = ("dossiers", "dossier_steps", "ratings", "devices", "staff", "procedures")
STATISTICS_EVERY_S = 3600


def refresh_statistics(engine: Engine) -> None:
    """Lets the query planner know the tables' sizes and index spreads (ANALYZE). Without them
    SQLite takes the received-date index for open-dossier counts and reads every dossier of the
    office (bench/bench_dashboard.py). On SQLite a sampled ANALYZE (analysis_limit) takes a few
    milliseconds on a year of data; PostgreSQL's autovacuum does the same on its own, so there it
    runs only after bulk imports."""
    if is_sqlite(engine):
        with write_lock(engine), engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA analysis_limit=1000")
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
        return
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE " + ", ".join(_ANALYZED))


class StatisticsRefresher(Periodic):
    """SQLite only: refreshes the planner's statistics soon after the server starts, then hourly,
    as ratings and dossiers accumulate."""

    def __init__(self, engine: Engine, first_after_s: float = 5.0, every_s: float = STATISTICS_EVERY_S):
        self.engine = engine
        super().__init__(
            "statistics",
            lambda: refresh_statistics(engine),
            first_after_s,
            every_s,
            failed="planner statistics not refreshed",
        )


def upgrade(engine: Engine, revision: str = "head") -> str:
    """Creates or upgrades the schema to the newest migration (or to `revision`, as an older server
    left it); returns the revision."""
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).resolve().parent.parent / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
