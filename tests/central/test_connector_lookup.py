"""Live lookup through the source (issue 16, item 7): a kiosk's lookup of a code the server lacks,
holds stale, or with a secret it cannot check asks the OpenCPS fake (real sockets): the receipt's
secret passes through as secretCode, HTTP 203 gives today's 404, the step history comes from the
logs, the public view is kept, the secret never is; a slow source is given up within the timeout."""

import time

import pytest
import requests
from sqlalchemy import select

from central.storage import make_engine
from central.storage.schema import connectors, dossiers
from tests.support.upstream import Upstream, connector_config, opencps_dossier

EXTRA = """interval_seconds = 86400
live_lookup = yes
lookup_timeout_seconds = 1
stale_seconds = 60
"""


@pytest.fixture
def setup(tmp_path, launch_server, storage_url):
    up = Upstream()
    config = connector_config(tmp_path, up, EXTRA)
    db = storage_url  # SQLite, then PostgreSQL
    srv = launch_server(db, {"MOTCUA_CENTRAL_CONFIG": str(config), "MOTCUA_LOOKUP_MISSES_PER_MINUTE": "100"})
    srv.cli("office", "add", "XA-PHUOCLONG", "UBND xã Phước Long", "--unit-code", "000.00.31.H29")
    engine = make_engine(db)
    deadline = time.monotonic() + 30  # the background pass of an empty source ends first
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            row = conn.execute(select(connectors.c.last_success_at)).first()
        if row and row.last_success_at:
            break
        time.sleep(0.2)
    kiosk = srv.device_token("kiosk", "XA-PHUOCLONG", None)
    yield up, srv, engine, {"Authorization": f"Bearer {kiosk}"}
    engine.dispose()
    up.close()


def get(srv, headers, code, secret=None):
    extra = {"X-Lookup-Secret": secret} if secret else {}
    return requests.get(f"{srv.url}/api/v1/dossiers/{code}", headers={**headers, **extra}, timeout=8)


def test_a_code_the_server_lacks_is_asked_of_the_source(setup):
    up, srv, engine, kiosk = setup
    item = opencps_dossier(7)
    up.put(item)
    up.logs["70007"] = [
        {
            "notificationType": "PROCESS_TYPE",
            "createDate": "02/11/2026 08:07:00",
            "payload": {"stepName": "Tiếp nhận hồ sơ"},
            "author": "Cán bộ A",
        },
        {"notificationType": "PROCESS_TYPE", "createDate": "02/11/2026 10:00:00", "content": "Thẩm định hồ sơ"},
        {"notificationType": "COMMENT", "createDate": "02/11/2026 11:00:00", "content": "ghi chú nội bộ"},
    ]
    code = item["dossierNo"]
    public = get(srv, kiosk, code)
    assert public.status_code == 200, public.text
    view = public.json()
    assert view["status"]["code"] == 4 and view["holder"] != "Nguyễn Văn An" and "steps" not in view
    assert view["received_at"] == "2026-11-02T08:07:00+07:00"
    with engine.connect() as conn:
        row = conn.execute(select(dossiers).where(dossiers.c.code == code)).first()
    assert row.source == "tinh" and row.secret_hash is None and row.source_id == "70007"

    # The right secret: the source accepts it, the steps come from its logs (PROCESS_TYPE only).
    detailed = get(srv, kiosk, code, "secret-7").json()
    assert [s["name"] for s in detailed["steps"]] == ["Tiếp nhận hồ sơ", "Thẩm định hồ sơ"]
    assert detailed["steps"][0]["finished_at"] == "2026-11-02T10:00:00+07:00"
    # A wrong one: the source answers 203, the kiosk gets the same 404 as an unknown code.
    wrong = get(srv, kiosk, code, "secret-8")
    unknown = get(srv, kiosk, "000.00.31.H29-261102-9999")
    assert wrong.status_code == unknown.status_code == 404 and wrong.json() == unknown.json()
    assert not any("secret-7" in r for r in up.requests)  # a header, never in a URL
    with engine.connect() as conn:
        assert conn.execute(select(dossiers.c.secret_hash).where(dossiers.c.code == code)).scalar() is None
    assert "secret-7" not in srv.log() and "secret-8" not in srv.log()


def test_a_slow_source_is_given_up_within_the_timeout(setup):
    up, srv, engine, kiosk = setup
    item = opencps_dossier(11)
    up.put(item)
    code = item["dossierNo"]
    assert get(srv, kiosk, code).status_code == 200  # now held (fresh for stale_seconds)
    up.fault("/o/rest/v2/dossiers", "timeout", times=5)
    began = time.monotonic()
    held = get(srv, kiosk, code, "secret-11")  # a secret the server cannot check: asks, gives up, public view
    assert time.monotonic() - began < 3.5
    assert held.status_code == 200 and "steps" not in held.json() and held.json()["status"]["code"] == 4
    began = time.monotonic()
    missing = get(srv, kiosk, "000.00.31.H29-261102-0012")
    assert missing.status_code == 404 and time.monotonic() - began < 3.5
    up.faults.clear()
    up.put(opencps_dossier(11, status="done"))
    with engine.begin() as conn:  # it became stale: the next lookup reads the source again
        conn.execute(dossiers.update().where(dossiers.c.code == code).values(synced_at=None))
    assert get(srv, kiosk, code).json()["status"]["code"] == 10
