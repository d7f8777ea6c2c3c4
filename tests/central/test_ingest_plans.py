"""Storing a batch of ratings never walks the whole ratings table: every statement ingest runs
against it is answered through an index, whatever the batch links (dossiers, staff, gaps).

The ratings table is the one that grows without end (a province stores millions of rows), so a
query that scans it makes each batch slower than the last. SQLite's EXPLAIN QUERY PLAN says
`SCAN ratings` for a full walk (of the table or of a whole index) and `SEARCH` for a lookup."""

import uuid

from sqlalchemy import event, insert, text

from central import ratings as ingest_module
from central.storage import make_engine, upgrade
from central.devices import add_device
from central.staff import add_officer
from central.storage.schema import offices


def _setup(engine):
    with engine.begin() as conn:
        conn.execute(insert(offices).values(code="XA-A", name="Xã A"))
        assert add_officer(conn, "XA-A", "Cán bộ A", counter=1) == 1
        assert add_device(conn, "rating", "XA-A", 1, "tablet")[0] == 1


def _item(seq: int, dossier: str | None) -> dict:
    item = {
        "id": str(uuid.uuid4()),
        "device_seq": seq,
        "created_at": "2026-01-05T09:00:00+07:00",
        "office": "XA-A",
        "counter": 1,
        "staff_id": 1,
        "scale": 3,
        "score": 1 + seq % 3,
        "reasons": ["cho_lau"] if seq % 3 == 0 else [],
    }
    if dossier:
        item["dossier_code"] = dossier
    return item


def test_no_ingest_statement_scans_the_ratings_table(tmp_path):
    engine = make_engine(str(tmp_path / "central.db"))
    try:
        upgrade(engine)
        _setup(engine)
        seen: list[tuple[str, tuple]] = []

        @event.listens_for(engine, "before_cursor_execute")
        def _record(conn, cursor, statement, parameters, context, executemany):
            if statement.lstrip().upper().startswith("SELECT") and "ratings" in statement:
                seen.append((statement, parameters))

        with engine.begin() as conn:  # a first batch, then one with a gap, dossiers and a duplicate
            ingest_module.ingest(conn, 1, "XA-A", [_item(s, f"D-{s}" if s % 2 else None) for s in range(1, 51)])
        first = [_item(s, f"D-{s}" if s % 2 else None) for s in range(60, 110)]
        with engine.begin() as conn:
            out = ingest_module.ingest(conn, 1, "XA-A", first + [first[0]])
        assert out["gaps"] == [[51, 59]]
        event.remove(engine, "before_cursor_execute", _record)

        assert seen, "ingest ran no SELECT on ratings: the listener did not see it"
        scans = []
        with engine.connect() as conn:
            for statement, parameters in seen:
                plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
                details = [row[-1] for row in plan]
                if any(d.startswith("SCAN ratings") for d in details):
                    scans.append((statement, details))
            # The check itself can fail: a lookup on the dossier code alone is a scan.
            probe = conn.execute(
                text("EXPLAIN QUERY PLAN SELECT office_code FROM ratings WHERE dossier_code IN ('D-1')")
            ).all()
            assert any(row[-1].startswith("SCAN ratings") for row in probe)
        assert not scans, "\n\n".join(f"{s}\n  {d}" for s, d in scans)
    finally:
        engine.dispose()
