"""Stored batch answers expire after [server] idempotency_keep_days; a batch resent later is still safe."""

import logging
import uuid
from datetime import timedelta

from sqlalchemy import select, update

from central.housekeeping import purge_idempotency_keys
from central.settings import load_settings
from central.storage import make_engine
from central.storage.schema import idempotency_keys
from central.timeutil import utcnow


def test_old_batch_answers_are_purged_and_a_late_resend_is_answered_duplicate(
    storage_url, launch_server, api_for, make_rating
):
    srv = launch_server(storage_url)
    token = srv.device_token("rating", "XA-KEEP", 1)
    api = api_for(srv, token)
    old_key, new_key = str(uuid.uuid4()), str(uuid.uuid4())
    old_batch = [make_rating(1, "XA-KEEP"), make_rating(2, "XA-KEEP")]
    assert api.post("/api/v1/ratings", {"ratings": old_batch}, headers={"Idempotency-Key": old_key}).ok
    assert api.post(
        "/api/v1/ratings", {"ratings": [make_rating(3, "XA-KEEP")]}, headers={"Idempotency-Key": new_key}
    ).ok
    engine = make_engine(srv.db_url, pool_size=2)
    try:
        with engine.begin() as conn:
            conn.execute(
                update(idempotency_keys)
                .where(idempotency_keys.c.key == old_key)
                .values(created_at=utcnow() - timedelta(days=31))
            )
        assert purge_idempotency_keys(engine, keep_days=30) == 1
        with engine.connect() as conn:
            assert set(conn.execute(select(idempotency_keys.c.key)).scalars()) == {new_key}
        assert purge_idempotency_keys(engine, keep_days=30) == 0
    finally:
        engine.dispose()
    again = api.post("/api/v1/ratings", {"ratings": old_batch}, headers={"Idempotency-Key": old_key}).json()
    assert [r["status"] for r in again["results"]] == ["duplicate", "duplicate"]


def test_a_retired_setting_is_a_warning_not_a_refusal_to_start(tmp_path, caplog):
    ini = tmp_path / "central.ini"
    ini.write_text("[server]\ntimezone_offset_hours = 7\nidempotency_keep_days = 10\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        settings = load_settings(str(ini), env={})
    assert settings.idempotency_keep_days == 10 and "timezone_offset_hours" not in settings
    assert f"{ini} [server] timezone_offset_hours is no longer read" in caplog.text
