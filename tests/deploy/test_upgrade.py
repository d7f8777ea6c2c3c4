"""Upgrading the server: a database made by the first release is brought to the newest schema by
`motcua-central init`, on SQLite and PostgreSQL, and every office, device, officer and rating survives."""

import subprocess
import sys
import uuid
from datetime import datetime
from pathlib import Path

import requests
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from central import security

ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS = ROOT / "central" / "migrations"
FIRST = "0001"
OLD_TOKEN = "token-issued-by-the-first-release"
RATING_ID = str(uuid.UUID(int=7, version=4))


def engine_for(db: str):
    url = "postgresql+psycopg://" + db.split("://", 1)[1] if db.startswith("postgresql://") else "sqlite:///" + db
    return create_engine(url)


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def make_first_release_database(db: str) -> None:
    """The schema as revision 0001 left it, with the data an office had in it."""
    engine = engine_for(db)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, FIRST)
    now = datetime(2026, 11, 20, 2, 0, 0)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO offices (code, name, unit_code) VALUES ('XA-PHUOCLONG', "
                "'Trung tâm Phục vụ hành chính công xã Phước Long', '000.00.31.H29')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO staff (office_code, name, title, counter, active) VALUES "
                "('XA-PHUOCLONG', 'Nguyễn Thị Lan', 'Công chức một cửa', 1, true)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO devices (kind, office_code, counter, name, token_hash, created_at, max_seq) "
                "VALUES ('rating', 'XA-PHUOCLONG', 1, 'Quầy 1', :h, :t, 1)"
            ),
            {"h": security.token_hash(OLD_TOKEN), "t": now},
        )
        conn.execute(
            text(
                "INSERT INTO ratings (id, device_id, device_seq, created_at, received_at, office_code, "
                "counter, staff_id, scale, score, reasons, comment, content_hash) VALUES "
                "(:id, 1, 1, :t, :t, 'XA-PHUOCLONG', 1, 1, 3, 1, '[\"cho_lau\"]', "
                "'Phải chờ lâu quá', 'old-release-hash')"
            ),
            {"id": RATING_ID, "t": now},
        )
    engine.dispose()


def revision_of(db: str) -> str:
    engine = engine_for(db)
    with engine.connect() as conn:
        rev = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    engine.dispose()
    return rev


def init(db: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "central.cli", "--db", db, "init"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_first_release_database_is_upgraded_by_init_and_keeps_its_data(storage_url, launch_server):
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head != FIRST, "only one migration: nothing to upgrade yet"
    make_first_release_database(storage_url)
    assert revision_of(storage_url) == FIRST

    done = init(storage_url)
    assert done.returncode == 0, done.stderr
    assert f"schema revision {head}" in done.stdout
    assert revision_of(storage_url) == head
    again = init(storage_url)  # running init on every upgrade is safe
    assert again.returncode == 0 and revision_of(storage_url) == head

    engine = engine_for(storage_url)
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT device_seq, score, reasons, comment, office_code FROM ratings WHERE id = :i"), {"i": RATING_ID}
        ).one()
        officer = conn.execute(text("SELECT name FROM staff WHERE id = 1")).scalar()
    engine.dispose()
    assert tuple(row) == (1, 1, '["cho_lau"]', "Phải chờ lâu quá", "XA-PHUOCLONG")
    assert officer == "Nguyễn Thị Lan"

    # The upgraded server serves the old tablet: its token works, its counter goes on from the old data.
    server = launch_server(storage_url)
    listed = server.cli("device", "list")
    assert "Quầy 1" in listed and "active" in listed

    def send(seq):
        item = {
            "id": str(uuid.uuid4()),
            "device_seq": seq,
            "created_at": "2026-11-22T08:00:00+07:00",
            "office": "XA-PHUOCLONG",
            "counter": 1,
            "staff_id": 1,
            "scale": 3,
            "score": 3,
            "reasons": [],
            "comment": None,
            "dossier_code": None,
        }
        r = requests.post(
            server.url + "/api/v1/ratings",
            json={"ratings": [item]},
            timeout=15,
            headers={"Authorization": f"Bearer {OLD_TOKEN}", "Idempotency-Key": str(uuid.uuid4())},
        )
        assert r.status_code == 200, r.text
        return r.json()["results"][0]

    assert send(1)["reason"] == "seq_taken"  # seq 1 is the rating stored before the upgrade
    assert send(2)["status"] == "accepted"


def test_serve_refuses_a_database_without_schema_and_says_to_run_init(tmp_path):
    db = tmp_path / "new.db"
    proc = subprocess.run(
        [sys.executable, "-m", "central.cli", "--db", str(db), "serve", "--port", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode != 0 and f"motcua-central --db {db} init" in proc.stderr, proc.stderr
    assert not db.exists()  # nothing made that a later init would have to find
