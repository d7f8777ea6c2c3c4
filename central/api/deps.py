"""Request dependencies: the database as an endpoint (API or dashboard) reads and writes it.

    @router.get("/fields")
    def list_fields(db: Db, ...):
        with db.read() as conn: ...

`db.read()`: a connection whose statements see one snapshot (SQLite: BEGIN DEFERRED, no write
lock); `db.write()`: a transaction (SQLite: BEGIN IMMEDIATE, committed when the block ends); a
single-statement read on a hot path uses `central.storage.read_connection(db.engine)` (no BEGIN).
A helper that has the request, not the dependency, calls `database(request)`.
"""

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.engine import Connection, Engine

__all__ = ["Database", "Db", "database"]


class Database:
    """The app's engine as a request uses it."""

    __slots__ = ("engine",)

    def __init__(self, engine: Engine):
        self.engine = engine

    def read(self) -> Connection:
        return self.engine.connect().execution_options(sqlite_begin="DEFERRED")

    def write(self):
        return self.engine.begin()


def database(request: Request) -> Database:
    return Database(request.app.state.engine)


async def _database(request: Request) -> Database:  # async: no hop to the threadpool for it
    return database(request)


Db = Annotated[Database, Depends(_database)]
