"""Migration 0009 (call-back list) on a database with ratings: up keeps every rating, down and up again."""

import uuid
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, insert, select

from central import storage
from central.storage import make_engine, upgrade
from central.storage.schema import devices, offices, ratings
from central.timeutil import utcnow


def _alembic(engine, action: str, revision: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(storage.__file__).resolve().parent.parent / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        getattr(command, action)(cfg, revision)


def test_migration_0009_adds_the_call_back_table_and_index_and_goes_back(storage_url):
    engine = make_engine(storage_url)
    try:
        assert upgrade(engine, "0008") == "0008"
        now = utcnow()
        with engine.begin() as conn:
            conn.execute(insert(offices).values(code="XA-CU", name="Xã Cũ"))
            conn.execute(
                insert(devices).values(
                    kind="rating", office_code="XA-CU", counter=1, name="t", token_hash="0" * 64, created_at=now
                )
            )
            device_id = conn.execute(select(devices.c.id)).scalar_one()
            conn.execute(
                insert(ratings).values(
                    id=str(uuid.uuid4()),
                    device_id=device_id,
                    device_seq=1,
                    created_at=now,
                    received_at=now,
                    office_code="XA-CU",
                    scale=3,
                    score=1,
                    reasons="[]",
                    phone="0901234567",
                    content_hash="x",
                )
            )
        assert upgrade(engine, "0009") == "0009"
        look = inspect(engine)
        assert "callbacks" in look.get_table_names()
        assert "ix_ratings_callback_created" in {i["name"] for i in look.get_indexes("ratings")}
        from central import callbacks

        with engine.connect() as conn:
            assert [i["phone"] for i in callbacks.list_callbacks(conn)] == ["0901234567"]
        _alembic(engine, "downgrade", "0008")
        look = inspect(engine)
        assert "callbacks" not in look.get_table_names()
        assert "ix_ratings_callback_created" not in {i["name"] for i in look.get_indexes("ratings")}
        assert upgrade(engine, "0009") == "0009"
        with engine.connect() as conn:
            assert conn.execute(select(ratings.c.phone)).scalars().all() == ["0901234567"]
    finally:
        engine.dispose()
