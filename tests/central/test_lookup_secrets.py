"""Dossier lookups: secrets kept as keyed hashes (migration 0010 keys the old ones in place), at least
6 characters at import, and one miss budget per token however many server processes answer."""

import concurrent.futures
import hashlib
import hmac
import json
import uuid
from datetime import datetime, timedelta

import requests
from sqlalchemy import insert, inspect, select

from central.security import lookup_key, same_secret
from central.storage import make_engine, upgrade
from central.storage.schema import dossiers, offices, server_meta
from motcua.officetime import OFFICE_TZ

VN = OFFICE_TZ
OFFICE = "XA-PHUOCLONG"
SECRET = "K7P3QX"


def _record(code: str, secret: str) -> dict:
    now = datetime.now(VN).replace(microsecond=0)
    return {
        "code": code,
        "office": OFFICE,
        "procedure_code": "1.001193",
        "holder_name": "Nguyễn Văn An",
        "status": 4,
        "received_at": (now - timedelta(days=2)).isoformat(),
        "secret": secret,
        "steps": [
            {
                "name": "Tiếp nhận hồ sơ",
                "unit": "Bộ phận Một cửa",
                "status": 2,
                "started_at": (now - timedelta(days=2)).isoformat(),
            }
        ],
    }


def test_old_unsalted_hashes_are_keyed_by_0010_and_the_same_secrets_still_open_the_steps(storage_url, launch_server):
    engine = make_engine(storage_url)
    try:
        upgrade(engine, "0009")  # a database of the server before 0010: secrets stored as bare sha256
        old_hash = hashlib.sha256(SECRET.encode()).hexdigest()
        with engine.begin() as conn:
            conn.execute(insert(offices).values(code=OFFICE, name="Xã Phước Long"))
            now = datetime.utcnow()
            conn.execute(
                insert(dossiers),
                [
                    dict(
                        code="A-251103-0001",
                        office_code=OFFICE,
                        procedure_code="1.001193",
                        holder_name="Lê Văn Tám",
                        status=4,
                        received_at=now,
                        updated_at=now,
                        secret_hash=old_hash,
                    ),
                    dict(
                        code="A-251103-0002",
                        office_code=OFFICE,
                        procedure_code="1.001193",
                        holder_name="Lê Văn Tám",
                        status=4,
                        received_at=now,
                        updated_at=now,
                        secret_hash=None,
                    ),
                ],
            )
        upgrade(engine)
        with engine.connect() as conn:
            key = lookup_key(conn)
            stored = dict(conn.execute(select(dossiers.c.code, dossiers.c.secret_hash)).all())
        # What an attacker with the table alone cannot use: no bare hash of the secret is left.
        assert stored["A-251103-0001"] != old_hash and stored["A-251103-0002"] is None
        assert stored["A-251103-0001"] == hmac.new(key, old_hash.encode(), hashlib.sha256).hexdigest()
        assert same_secret(key, SECRET, stored["A-251103-0001"]) and not same_secret(
            key, "K7P3QY", stored["A-251103-0001"]
        )
    finally:
        engine.dispose()

    srv = launch_server(storage_url)  # `init` on the upgraded database changes nothing
    kiosk = {"Authorization": f"Bearer {srv.device_token('kiosk', OFFICE, None)}"}
    with_secret = requests.get(
        srv.url + "/api/v1/dossiers/A-251103-0001", timeout=10, headers={**kiosk, "X-Lookup-Secret": SECRET}
    )
    assert with_secret.status_code == 200 and "steps" in with_secret.json()
    wrong = requests.get(
        srv.url + "/api/v1/dossiers/A-251103-0001", timeout=10, headers={**kiosk, "X-Lookup-Secret": "K7P3QY"}
    )
    assert wrong.status_code == 404


def test_imported_secrets_are_keyed_per_database_and_never_stored_bare(storage_url, launch_server, tmp_path):
    srv = launch_server(storage_url)
    srv.ensure_office(OFFICE)
    path = tmp_path / "dossiers.json"
    path.write_text(json.dumps([_record("A-251103-0003", SECRET)], ensure_ascii=False), encoding="utf-8")
    srv.cli("import", "dossiers", str(path))
    engine = make_engine(storage_url)
    try:
        with engine.connect() as conn:
            stored = conn.execute(select(dossiers.c.secret_hash)).scalar_one()
            key = conn.execute(select(server_meta.c.value).where(server_meta.c.key == "lookup_secret_key")).scalar_one()
    finally:
        engine.dispose()
    assert stored != hashlib.sha256(SECRET.encode()).hexdigest()
    assert len(bytes.fromhex(key)) == 32
    other = launch_server()  # another database has a key of its own
    other_engine = make_engine(other.db_url)
    try:
        with other_engine.connect() as conn:
            assert lookup_key(conn) != bytes.fromhex(key)
    finally:
        other_engine.dispose()
    token = srv.device_token("kiosk", OFFICE, None)
    r = requests.get(
        srv.url + "/api/v1/dossiers/A-251103-0003",
        timeout=10,
        headers={"Authorization": f"Bearer {token}", "X-Lookup-Secret": SECRET},
    )
    assert r.status_code == 200 and r.json()["steps"][0]["name"] == "Tiếp nhận hồ sơ"


def test_a_secret_shorter_than_6_characters_is_refused_at_import_and_nothing_is_written(server, tmp_path):
    server.ensure_office(OFFICE)
    path = tmp_path / "dossiers.json"
    path.write_text(
        json.dumps([_record("A-251103-0004", "ABCDEF"), _record("A-251103-0005", "AB12C")]), encoding="utf-8"
    )
    done = server.run_cli("import", "dossiers", str(path))
    assert done.returncode == 2
    assert "item 2, secret: is shorter than 6 characters" in done.stderr, done.stderr
    assert "item 1" not in done.stderr
    engine = make_engine(server.db_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(select(dossiers.c.code)).all() == []
    finally:
        engine.dispose()


def test_downgrading_0010_clears_the_keyed_hashes_and_upgrading_again_works(storage_url):
    engine = make_engine(storage_url)
    try:
        upgrade(engine)
        upgrade_down(engine, "0009")
        assert "lookup_misses" not in inspect(engine).get_table_names()
        assert upgrade(engine) >= "0010"
        with engine.connect() as conn:
            assert len(lookup_key(conn)) == 32
    finally:
        engine.dispose()


def upgrade_down(engine, revision: str) -> None:
    from pathlib import Path

    from alembic import command
    from alembic.config import Config

    from central import storage

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(storage.__file__).resolve().parent.parent / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def _misses_through_two_servers(db_url, launch_server) -> list[int]:
    """30 lookups of codes that do not exist, from one kiosk token, spread over two server processes
    on one database, 10 at a time."""
    a, b = launch_server(db_url), launch_server(db_url)
    token = a.device_token("kiosk", OFFICE, None)
    session = requests.Session()

    def miss(n):
        srv = (a, b)[n % 2]
        r = session.get(
            f"{srv.url}/api/v1/dossiers/000.00.31.H29-260101-{n:04d}",
            timeout=30,
            headers={"Authorization": f"Bearer {token}"},
        )
        return r.status_code

    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        return list(pool.map(miss, range(30)))


def test_the_miss_budget_is_one_for_all_server_processes_on_sqlite(launch_server, tmp_path):
    codes = _misses_through_two_servers(str(tmp_path / "shared.db"), launch_server)
    assert codes.count(404) == 10 and codes.count(429) == 20, codes  # lookup_misses_per_minute = 10


def test_the_miss_budget_is_one_for_all_server_processes_on_postgresql(launch_server, postgres):
    codes = _misses_through_two_servers(postgres.create_database(f"misses_{uuid.uuid4().hex[:8]}"), launch_server)
    assert codes.count(404) == 10 and codes.count(429) == 20, codes
