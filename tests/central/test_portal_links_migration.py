"""Migration 0014 (portal links) on a catalogue stored before it: procedures.portal_id is added, the
code-built `?ma_thu_tuc=` links leave the stored items with a new change number (kiosks drop them on
their next sync), everything else is kept; down and up again. SQLite and PostgreSQL."""

import json
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from central import storage
from central.catalogue import changes_since
from central.storage import make_engine, upgrade

OLD = sa.table(
    "procedures",
    sa.column("code", sa.String),
    sa.column("name", sa.Text),
    sa.column("field_code", sa.String),
    sa.column("field_name", sa.Text),
    sa.column("item", sa.Text),
    sa.column("change_seq", sa.Integer),
    sa.column("deleted", sa.Boolean),
    sa.column("updated_at", sa.DateTime),
)


def _alembic(engine, action: str, revision: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(storage.__file__).resolve().parent.parent / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        getattr(command, action)(cfg, revision)


def _item(code, **extra):
    return {"code": code, "name": f"Thủ tục {code}", "field": {"code": "G15-TP07", "name": "Hộ tịch"}, **extra}


def test_migration_0014_adds_portal_id_and_drops_code_built_links(storage_url):
    engine = make_engine(storage_url)
    try:
        assert upgrade(engine, "0013") == "0013"
        link = "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.001193"
        rows = [(_item("1.001193", portal_url=link, steps=["Bước 1: Nộp"]), 1), (_item("1.000894"), 2)]
        with engine.begin() as conn:
            for item, seq in rows:
                conn.execute(
                    sa.insert(OLD).values(
                        code=item["code"],
                        name=item["name"],
                        field_code="G15-TP07",
                        field_name="Hộ tịch",
                        item=json.dumps(item, ensure_ascii=False),
                        change_seq=seq,
                        deleted=False,
                        updated_at=datetime(2025, 7, 1),
                    )
                )
        assert upgrade(engine, "0014") == "0014"
        with engine.connect() as conn:
            stored = {
                r.code: r for r in conn.execute(sa.text("SELECT code, item, change_seq, portal_id FROM procedures"))
            }
            delta = changes_since(conn, 2)  # what a kiosk at cursor 2 gets on its next sync
        birth = json.loads(stored["1.001193"].item)
        assert "portal_url" not in birth and birth["steps"] == ["Bước 1: Nộp"] and stored["1.001193"].portal_id is None
        assert stored["1.001193"].change_seq == 3 and stored["1.000894"].change_seq == 2  # only the changed one
        assert json.loads(stored["1.000894"].item) == rows[1][0]
        assert [i["code"] for i in delta["items"]] == ["1.001193"]

        _alembic(engine, "downgrade", "0013")
        assert "portal_id" not in {c["name"] for c in sa.inspect(engine).get_columns("procedures")}
        assert upgrade(engine) != "0013"
        assert "portal_id" in {c["name"] for c in sa.inspect(engine).get_columns("procedures")}
    finally:
        engine.dispose()
