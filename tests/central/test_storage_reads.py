"""read_connection: one-statement reads that see every commit and do not wait for a writer."""

import threading

from sqlalchemy import insert, select

from central.storage import is_sqlite, make_engine, read_connection, upgrade
from central.storage.schema import offices


def _add_office(engine, code):
    with engine.begin() as conn:
        conn.execute(insert(offices).values(code=code, name=f"Văn phòng {code}"))


def _office_codes(engine):
    with read_connection(engine) as conn:
        return [r.code for r in conn.execute(select(offices.c.code).order_by(offices.c.code))]


def test_reads_see_each_commit_and_survive_a_dispose(storage_url):
    engine = make_engine(storage_url)
    try:
        upgrade(engine)
        _add_office(engine, "XA-A")
        assert _office_codes(engine) == ["XA-A"]
        _add_office(engine, "XA-B")
        assert _office_codes(engine) == ["XA-A", "XA-B"]
        with read_connection(engine) as conn:
            assert conn.dialect.server_version_info is not None  # the reader's dialect was initialized
        engine.dispose()  # a new pool: reads still work and still see what was written
        _add_office(engine, "XA-C")
        assert _office_codes(engine) == ["XA-A", "XA-B", "XA-C"]
    finally:
        engine.dispose()


def test_on_sqlite_a_read_does_not_wait_for_a_writer(tmp_path):
    engine = make_engine(str(tmp_path / "central.db"))
    try:
        upgrade(engine)
        _add_office(engine, "XA-A")
        assert is_sqlite(engine)
        with engine.begin() as writer:  # BEGIN IMMEDIATE: holds SQLite's write lock
            writer.execute(insert(offices).values(code="XA-B", name="chưa ghi"))
            seen = []
            reader = threading.Thread(target=lambda: seen.append(_office_codes(engine)))
            reader.start()
            reader.join(5)
            assert seen == [["XA-A"]], "a read waited for the writer or saw its uncommitted row"
        assert _office_codes(engine) == ["XA-A", "XA-B"]
    finally:
        engine.dispose()
