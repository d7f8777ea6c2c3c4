"""Limits under load: load shedding configured from central.ini, PostgreSQL pool sized to the threadpool."""

import concurrent.futures
import threading
import uuid

import pytest
import requests
from sqlalchemy import event, text

from central.settings import SERVER, load_settings
from central.storage import make_engine
from motcua.config import ConfigError

OFFICE = "XA-TAI"


def test_shedding_limits_come_from_central_ini_and_env_overrides_them(tmp_path, monkeypatch):
    ini = tmp_path / "central.ini"
    ini.write_text("[server]\nmax_in_flight = 3\nshed_retry_after = 9\n", encoding="utf-8")
    assert (load_settings(str(ini)).max_in_flight, load_settings(str(ini)).shed_retry_after) == (3, 9)
    monkeypatch.setenv("MOTCUA_SHED_RETRY_AFTER", "2")
    assert load_settings(str(ini)).shed_retry_after == 2
    ini.write_text("[server]\nmax_in_flight = many\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="max_in_flight"):
        load_settings(str(ini))


def test_server_sheds_at_the_limit_set_in_central_ini(launch_server, tmp_path):
    ini = tmp_path / "limits.ini"
    ini.write_text("[server]\nmax_in_flight = 1\nshed_retry_after = 2\n", encoding="utf-8")
    srv = launch_server(env={"MOTCUA_CENTRAL_CONFIG": str(ini)})
    tokens = [srv.device_token("rating", OFFICE, counter=c) for c in range(1, 13)]

    def post(token):
        items = [
            {
                "id": str(uuid.uuid4()),
                "device_seq": k,
                "created_at": "2026-11-21T09:00:00+07:00",
                "office": OFFICE,
                "counter": 1,
                "score": 3,
            }
            for k in range(1, 201)
        ]
        return requests.post(
            srv.url + "/api/v1/ratings",
            json={"ratings": items},
            timeout=30,
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())},
        )

    with concurrent.futures.ThreadPoolExecutor(len(tokens)) as pool:
        answers = list(pool.map(post, tokens))
    shed = [a for a in answers if a.status_code == 503]
    assert shed, "12 concurrent batches against max_in_flight = 1 were never shed"
    assert {int(a.headers["Retry-After"]) for a in shed} <= {1, 2}
    assert all(a.status_code == 200 for a in answers if a not in shed)


def test_postgresql_pool_keeps_a_connection_per_thread_and_opens_no_new_ones(postgres, monkeypatch):
    monkeypatch.delenv("MOTCUA_DB_POOL_SIZE", raising=False)
    engine = make_engine(postgres.create_database(f"pool_{uuid.uuid4().hex[:8]}"))
    opened = []
    event.listen(engine, "connect", lambda *_: opened.append(1))
    threads = SERVER.key("db_pool_size").default
    start = threading.Barrier(threads)

    def busy(_):
        start.wait()
        with engine.connect() as conn:
            return conn.execute(text("SELECT 1 FROM pg_sleep(0.05)")).scalar_one()

    try:
        with concurrent.futures.ThreadPoolExecutor(threads) as pool:
            assert list(pool.map(busy, range(threads))) == [1] * threads
            first_round = len(opened)
            for _ in range(4):  # every later burst reuses the pooled connections
                assert list(pool.map(busy, range(threads))) == [1] * threads
        assert first_round <= threads and len(opened) == first_round, (first_round, len(opened))
        assert engine.pool._pre_ping is False
    finally:
        engine.dispose()


def test_pool_size_can_be_set_by_environment(postgres, monkeypatch):
    monkeypatch.setenv("MOTCUA_DB_POOL_SIZE", "12")
    engine = make_engine(postgres.create_database(f"pool_{uuid.uuid4().hex[:8]}"))
    try:
        assert engine.pool.size() == 12
    finally:
        engine.dispose()
    monkeypatch.setenv("MOTCUA_DB_POOL_SIZE", "lots")
    with pytest.raises(ConfigError, match="MOTCUA_DB_POOL_SIZE"):
        make_engine("postgresql://127.0.0.1:1/nothing")


def test_every_server_setting_is_documented_in_the_shipped_central_ini():
    from pathlib import Path

    shipped = Path(__file__).resolve().parents[2] / "config" / "central.ini"
    lines = shipped.read_text(encoding="utf-8").splitlines()
    for key in SERVER.keys:
        at = next((n for n, line in enumerate(lines) if line.startswith(f"{key.name} =")), None)
        assert at is not None, f"{key.name} missing from config/central.ini"
        assert lines[at - 1].startswith(";"), f"{key.name} has no comment above it in config/central.ini"
    # the shipped file states the defaults
    assert load_settings(str(shipped), env={}).as_dict() == load_settings(None, env={}).as_dict()


def test_pool_size_from_central_ini_and_errors_name_file_key_and_what_is_allowed(tmp_path, monkeypatch, storage_url):
    monkeypatch.delenv("MOTCUA_DB_POOL_SIZE", raising=False)
    ini = tmp_path / "central.ini"
    ini.write_text("[server]\ndb_pool_size = 7\n", encoding="utf-8")
    settings = load_settings(str(ini))
    assert settings.db_pool_size == 7
    if storage_url.startswith("postgresql"):
        from central.api import create_app

        app = create_app(storage_url, settings)
        assert app.state.engine.pool.size() == 7
        app.state.engine.dispose()
    ini.write_text("[server]\ndb_pool_size = 0\n", encoding="utf-8")
    with pytest.raises(
        ConfigError, match=rf'{ini} \[server\] db_pool_size = "0": expected a whole number of at least 1'
    ):
        load_settings(str(ini))
    ini.write_text("[server]\ndb_pool_size = forty\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=rf'{ini} \[server\] db_pool_size = "forty": expected a whole number'):
        load_settings(str(ini))
    ini.write_text("[server]\ndb_pool_sise = 40\n", encoding="utf-8")
    with pytest.raises(
        ConfigError,
        match=rf'{ini} \[server\] db_pool_sise: unknown key; did you mean "db_pool_size"\?'
        r" \(known: db, db_pool_size",
    ):
        load_settings(str(ini))
    monkeypatch.setenv("MOTCUA_DB_POOL_SIZE", "-3")
    with pytest.raises(ConfigError, match=r'environment MOTCUA_DB_POOL_SIZE \(\[server\] db_pool_size\) = "-3"'):
        load_settings(None)


def test_every_problem_of_central_ini_is_reported_at_once(tmp_path):
    """The server's settings are checked like a device's: all problems in one message, not the first only."""
    ini = tmp_path / "central.ini"
    ini.write_text(
        "[server]\nmax_in_flight = many\nbody_timeout = 0\nmax_body_byte = 10\n[serveur]\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError) as err:
        load_settings(str(ini), env={"MOTCUA_SHED_RETRY_AFTER": "soon"})
    assert sorted(err.value.errors) == sorted(
        [
            f'{ini} [server] max_in_flight = "many": expected a whole number of at least 0',
            f'{ini} [server] body_timeout = "0": expected a whole number of at least 1',
            f'{ini} [server] max_body_byte: unknown key; did you mean "max_body_bytes"? (known: '
            + ", ".join(k.name for k in SERVER.keys)
            + ")",
            f'{ini} [serveur]: unknown section; did you mean "server"? '
            "(known: server, portal, upward, connector:NAME, connector_fields:NAME)",
            'environment MOTCUA_SHED_RETRY_AFTER ([server] shed_retry_after) = "soon": '
            "expected a whole number of at least 1",
        ]
    )
