"""deploy/backup/motcua-backup on SQLite and PostgreSQL: back up a live server, restore, find every rating."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]
BACKUP = ROOT / "deploy" / "backup" / "motcua-backup"
TABLES = ("offices", "devices", "staff", "procedures", "ratings")


def motcua_backup(*args, check=True):
    proc = subprocess.run([sys.executable, str(BACKUP), *args], capture_output=True, text=True, timeout=120)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def sqlalchemy_url(db: str) -> str:
    if db.startswith("postgresql://"):
        return "postgresql+psycopg://" + db.split("://", 1)[1]
    return "sqlite:///" + db


def counts(db: str) -> dict:
    engine = create_engine(sqlalchemy_url(db))
    try:
        with engine.connect() as conn:
            return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in TABLES}
    finally:
        engine.dispose()


def rating(seq: int, office: str) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "device_seq": seq,
        "created_at": "2026-11-21T09:15:02+07:00",
        "office": office,
        "counter": 1,
        "staff_id": None,
        "scale": 3,
        "score": 1 + seq % 3,
        "reasons": ["cho_lau"] if seq % 3 == 0 else [],
        "comment": "Cán bộ hướng dẫn tận tình",
        "dossier_code": None,
    }


def post_ratings(server, token: str, items: list) -> None:
    r = requests.post(
        server.url + "/api/v1/ratings",
        json={"ratings": items},
        timeout=15,
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())},
    )
    assert r.status_code == 200, r.text
    assert {x["status"] for x in r.json()["results"]} == {"accepted"}


def fresh_target(request, tmp_path, source: str) -> str:
    if source.startswith("postgresql://"):
        return request.getfixturevalue("postgres").create_database(f"restored_{uuid.uuid4().hex[:8]}")
    return str(tmp_path / "restored" / "central.db")


def test_backup_of_a_live_server_restores_every_rating(request, storage_url, launch_server, tmp_path):
    server = launch_server(storage_url)
    token = server.device_token("rating", office="XA-PHUOCLONG", counter=1)
    server.cli("staff", "add", "--office", "XA-PHUOCLONG", "--name", "Nguyễn Thị Lan", "--counter", "1")
    server.cli("import", "procedures", str(ROOT / "assets" / "sample" / "procedures.csv"))
    before = [rating(seq, "XA-PHUOCLONG") for seq in range(1, 41)]
    post_ratings(server, token, before)

    out = motcua_backup("backup", "--db", storage_url, "--dir", str(tmp_path / "backups"))
    copy = Path(out.stdout.strip())
    assert copy.is_file() and copy.parent == tmp_path / "backups" and copy.name.startswith("central-")
    at_backup = counts(storage_url)
    assert at_backup["ratings"] == 40
    assert (
        "intact" in motcua_backup("verify", str(copy)).stdout
        or "pg_dump archive" in motcua_backup("verify", str(copy)).stdout
    )

    after = rating(41, "XA-PHUOCLONG")  # stored after the backup: must not come back with it
    post_ratings(server, token, [after])
    server.stop()

    target = fresh_target(request, tmp_path, storage_url)
    motcua_backup("restore", "--db", target, str(copy))
    assert counts(target) == at_backup
    engine = create_engine(sqlalchemy_url(target))
    with engine.connect() as conn:
        ids = {r[0] for r in conn.execute(text("SELECT id FROM ratings"))}
        comment = conn.execute(text("SELECT comment FROM ratings WHERE id = :i"), {"i": before[7]["id"]}).scalar()
    engine.dispose()
    assert {r["id"] for r in before} == ids and after["id"] not in ids
    assert comment == "Cán bộ hướng dẫn tận tình"

    # The restored database serves: the tablet's token still works, a resent rating is a duplicate.
    restored = launch_server(target)
    r = requests.post(
        restored.url + "/api/v1/ratings",
        json={"ratings": [before[0]]},
        timeout=15,
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())},
    )
    assert r.status_code == 200 and r.json()["results"][0]["status"] == "duplicate", r.text


def test_restore_refuses_to_overwrite_a_database_with_data(storage_url, launch_server, tmp_path):
    server = launch_server(storage_url)
    server.device_token("kiosk", office="XA-PHUOCLONG", counter=None)
    copy = motcua_backup("backup", "--db", storage_url, "--dir", str(tmp_path / "b")).stdout.strip()
    server.cli("device", "add", "--kind", "kiosk", "--office", "XA-PHUOCLONG", "--name", "kiosk sau sao lưu")
    server.stop()
    refused = motcua_backup("restore", "--db", storage_url, copy, check=False)
    assert refused.returncode == 1 and "--force" in refused.stderr
    assert counts(storage_url)["devices"] == 2  # nothing touched
    motcua_backup("restore", "--db", storage_url, copy, "--force")
    assert counts(storage_url)["devices"] == 1


def test_backups_keep_only_the_newest_copies(tmp_path):
    db = tmp_path / "central.db"
    import sqlite3

    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE ratings (id TEXT PRIMARY KEY)")
    folder = tmp_path / "b"
    folder.mkdir()
    for day in range(1, 6):  # older copies, as earlier nights left them
        (folder / f"central-202611{day:02d}-010000.sqlite3").write_bytes(b"old")
    (folder / "notes.txt").write_text("not a backup")
    newest = Path(motcua_backup("backup", "--db", str(db), "--dir", str(folder), "--keep", "3").stdout.strip())
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["central-20261104-010000.sqlite3", "central-20261105-010000.sqlite3", newest.name, "notes.txt"]


def test_damaged_copy_is_refused_and_names_the_problem(tmp_path):
    bad = tmp_path / "central-20261121-010000.sqlite3"
    bad.write_bytes(b"SQLite format 3\x00" + os.urandom(4000))
    for args in (("verify", str(bad)), ("restore", "--db", str(tmp_path / "new.db"), str(bad))):
        proc = motcua_backup(*args, check=False)
        assert proc.returncode == 1 and "motcua-backup:" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "new.db").exists()


def test_wrong_kind_of_backup_for_the_database_is_named(tmp_path):
    dump = tmp_path / "central-20261121-010000.pgdump"
    dump.write_bytes(b"PGDMP")
    proc = motcua_backup("restore", "--db", str(tmp_path / "x.db"), str(dump), check=False)
    assert proc.returncode == 1 and "PostgreSQL dump" in proc.stderr
