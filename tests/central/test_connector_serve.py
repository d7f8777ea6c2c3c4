"""`serve --config` runs each connector in the background, in one server process at a time (a
lease in the database), and the dashboard's "Nguồn hồ sơ" page shows its last success, lag, last
pass, last error and the statuses its map lacks (issue 16, item 5)."""

import time

from sqlalchemy import select

from central.storage import make_engine
from central.storage.schema import connectors, dossiers
from tests.support import upstream as up_mod
from tests.support.dash_web import signed_in
from tests.support.upstream import Upstream, connector_config, opencps_dossier

EXTRA = "interval_seconds = 10\ntimeout_seconds = 2\n"


def wait_for(check, timeout=40.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError("not within the time")


def test_two_server_processes_run_a_connector_once_and_the_dashboard_shows_it(tmp_path, launch_server, storage_url):
    up = Upstream()
    try:
        config = connector_config(tmp_path, up, EXTRA)
        up.put(opencps_dossier(1), opencps_dossier(2, status="done"), opencps_dossier(3, status="interoperating"))
        db = storage_url  # SQLite, then PostgreSQL
        env = {"MOTCUA_CENTRAL_CONFIG": str(config)}
        first = launch_server(db, env)
        first.cli("office", "add", "XA-PHUOCLONG", "UBND xã Phước Long", "--unit-code", "000.00.31.H29")
        second = launch_server(db, env)
        engine = make_engine(db)

        def state():
            with engine.connect() as conn:
                return conn.execute(select(connectors)).first()

        done = wait_for(lambda: (s := state()) is not None and s.last_success_at is not None and s)
        pids = {str(first.proc.pid), str(second.proc.pid)}
        assert done.lease_owner.split(":")[1] in pids
        with engine.connect() as conn:
            codes = set(conn.execute(select(dossiers.c.code)).scalars())
        assert codes == {"000.00.31.H29-261102-0001", "000.00.31.H29-261102-0002"}
        # Both processes try every 10 s; one pass per interval runs, not one per process.
        first_pass = len([r for r in up.requests if r.startswith("/o/rest/v2/dossiers?start=0")])
        time.sleep(21)
        passes = len([r for r in up.requests if r.startswith("/o/rest/v2/dossiers?start=0")]) - first_pass
        assert 1 <= passes <= 3, passes
        # Between two passes an admin may run one by hand.
        by_hand = first.run_cli("sync", "dossiers", "--config", str(config))
        assert by_hand.returncode == 0 and "tinh: 0 added" in by_hand.stdout, by_hand.stderr

        first.cli("admin", "add", "chi", "--password-stdin", stdin="mat-khau-dai-123\n")
        web = signed_in(first.url, "chi", "mat-khau-dai-123")
        page = web.get(first.url + "/admin/connectors", timeout=15).text
        assert 'data-connector="tinh"' in page and "Bình thường" in page
        assert "<code>interoperating</code> × 1" in page and "000.00.31.H29-261102-0003" in page
        assert up_mod.TOKEN not in page

        up.fault("/o/rest/v2/dossiers", "401", times=100)
        wait_for(lambda: (s := state()).last_error is not None and s)
        page = web.get(first.url + "/admin/connectors?lang=en", timeout=15).text
        assert "Failing" in page and "HTTP 401 the credential was refused (check token_file)" in page
        assert up.url + "/o/rest/v2/dossiers" in page and up_mod.TOKEN not in page
        for srv in (first, second):
            assert up_mod.TOKEN not in srv.log() and "Nguyễn" not in srv.log()
        engine.dispose()
    finally:
        up.close()
