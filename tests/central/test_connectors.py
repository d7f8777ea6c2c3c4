"""Dossier connectors (issue 16, items 5 and 8) against fake upstream systems on real sockets
(tests/support/upstream.py), on SQLite and PostgreSQL: OpenCPS paged lists, the exchange
platform's sessions and error codes, a mapped JSON list; timeouts, 401, 500, garbage, a page cut
short, a list that changes between two pages, unknown statuses. Nothing stored is lost or made
wrong by a failing source, and the next pass resumes from the cursor."""

import json
import logging
import os
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from central.connectors.config import load_connectors
from central.connectors.sync import SyncFailed, run_pass, status_rows
from central.storage import make_engine
from central.storage.schema import connectors, dossiers
from motcua.config import ConfigError
from tests.support import upstream as up_mod
from tests.support.server import CentralServer
from tests.support.upstream import OPENCPS_SECTION, Upstream, connector_config, opencps_dossier

OFFICE = "XA-PHUOCLONG"
STATUS_MAP = (
    "source,national\nnew,1\nreceiving,2\nprocessing,4\npausing,5\nwaiting,5\ndone,10\nreleasing,9\ncancelled,7\n"
)


@pytest.fixture
def upstream():
    up = Upstream()
    yield up
    up.close()


@pytest.fixture
def db(storage_url, tmp_path):
    srv = CentralServer(storage_url, tmp_path)
    srv.cli("init")
    srv.cli("office", "add", OFFICE, "UBND xã Phước Long", "--unit-code", "000.00.31.H29")
    engine = make_engine(storage_url)
    engine.srv = srv
    yield engine
    engine.dispose()


def write_config(tmp_path, upstream, body: str, *, token=up_mod.TOKEN, mode=0o600) -> str:
    return str(connector_config(tmp_path, upstream, body=body, token=token, mode=mode, status_map=STATUS_MAP))


OPENCPS_INI = OPENCPS_SECTION + "page_size = 100\ntimeout_seconds = 1\n"


def opencps(tmp_path, upstream, extra=""):
    return load_connectors(write_config(tmp_path, upstream, OPENCPS_INI + extra))[0]


def stored(engine, code=None):
    with engine.connect() as conn:
        q = select(dossiers)
        if code:
            return conn.execute(q.where(dossiers.c.code == code)).first()
        return {r.code: r for r in conn.execute(q)}


def state(engine, name="tinh"):
    with engine.connect() as conn:
        return conn.execute(select(connectors).where(connectors.c.name == name)).first()


def test_opencps_full_then_incremental_passes(db, upstream, tmp_path):
    spec = opencps(tmp_path, upstream)
    base = datetime(2026, 11, 2, 8, 0)
    upstream.put(*[opencps_dossier(n, modified=base + timedelta(minutes=n)) for n in range(1, 451)])
    first = run_pass(db, spec)
    assert (first.added, first.updated, first.skipped) == (450, 0, 0)
    row = stored(db, "000.00.31.H29-261102-0007")
    assert row.status == 4 and row.office_code == OFFICE and row.procedure_code == "1.001234"
    assert row.received_at == datetime(2026, 11, 2, 1, 7)  # 08:07 office time, stored as UTC
    assert row.due_at == datetime(2026, 11, 5, 1, 7)
    assert row.source == "tinh" and row.source_id == "70007" and row.phone is None
    assert row.channel == 1 and row.submitted_at == datetime(2026, 11, 2, 0, 37)
    assert stored(db, "000.00.31.H29-261102-0009").channel == 2  # OpenCPS online = true
    assert json.loads(state(db).cursor)["modified"] == "02/11/2026 15:30:00"  # the newest modifiedDate

    # Nothing changed: the newest page alone is read (sorted newest first), all of it unchanged.
    upstream.requests.clear()
    again = run_pass(db, spec)
    assert (again.added, again.updated) == (0, 0) and again.unchanged == 100
    assert len([r for r in upstream.requests if r.startswith("/o/rest/v2/dossiers")]) == 1

    # Five dossiers finish (newer modifiedDate): only they are written.
    later = base + timedelta(days=1)
    changed = []
    for n in (3, 50, 120, 300, 449):
        item = opencps_dossier(n, status="done", modified=later + timedelta(minutes=n))
        item["finishDate"] = up_mod.opencps_date(later)
        item["extendDate"] = up_mod.opencps_date(later + timedelta(days=2))
        changed.append(item)
    upstream.put(*changed)
    third = run_pass(db, spec)
    assert third.updated == 5 and third.added == 0
    row = stored(db, "000.00.31.H29-261102-0120")
    assert row.status == 10 and row.finished_at == datetime(2026, 11, 3, 1, 0)
    if "extended_due_at" in dossiers.c:
        assert row.extended_due_at == datetime(2026, 11, 5, 1, 0)


@pytest.mark.parametrize("fault", ["timeout", "401", "500", "garbage", "cut", "half"])
def test_a_failing_source_loses_nothing_and_the_next_pass_resumes(db, upstream, tmp_path, fault):
    spec = opencps(tmp_path, upstream)
    base = datetime(2026, 11, 2, 8, 0)
    upstream.put(*[opencps_dossier(n, modified=base + timedelta(minutes=n)) for n in range(1, 251)])
    run_pass(db, spec)
    before = stored(db)
    cursor = state(db).cursor
    # 30 dossiers change; the second page of the next pass fails.
    upstream.put(
        *[opencps_dossier(n, status="done", modified=base + timedelta(days=1, minutes=n)) for n in range(1, 31)]
    )
    upstream.put(
        *[opencps_dossier(n, status="done", modified=base + timedelta(days=1, minutes=n)) for n in range(500, 620)]
    )
    upstream.after_page = lambda: upstream.fault("/o/rest/v2/dossiers", fault)
    with pytest.raises(SyncFailed) as failed:
        run_pass(db, spec)
    message = str(failed.value)
    assert "connector tinh" in message and upstream.url + "/o/rest/v2/dossiers" in message
    cause = {
        "timeout": "no answer within 1 s",
        "401": "HTTP 401 the credential was refused",
        "500": "HTTP 500",
        "garbage": "the answer is not JSON",
        "cut": "the answer broke off before its end",
        "half": "50 items of 100 asked, though the total is 370",
    }
    assert cause[fault] in message
    assert up_mod.TOKEN not in message
    assert state(db).cursor == cursor and state(db).last_error == message
    after = stored(db)
    for code, row in before.items():  # nothing stored went wrong: each row is as before or as the source says now
        assert after[code].status in (row.status, 10)
    # The next pass reads everything that changed.
    done = run_pass(db, spec)
    final = stored(db)
    assert len(final) == 250 + 120
    assert all(final[d["dossierNo"]].status == 10 for d in upstream.order if d["dossierStatus"] == "done")
    assert done.added + done.updated > 0 and status_rows(db)[0]["failing"] is False


def test_a_list_that_changes_between_two_pages(db, upstream, tmp_path):
    spec = opencps(tmp_path, upstream)
    base = datetime(2026, 11, 2, 8, 0)
    upstream.put(*[opencps_dossier(n, modified=base + timedelta(minutes=n)) for n in range(1, 301)])

    # After the first page is answered, ten dossiers are added and one changes: later pages shift.
    def change():
        upstream.put(*[opencps_dossier(n, modified=base + timedelta(hours=20, minutes=n)) for n in range(900, 910)])
        upstream.put(opencps_dossier(250, status="done", modified=base + timedelta(hours=21)))

    upstream.after_page = change
    first = run_pass(db, spec)
    assert len(stored(db)) >= 300 and first.added >= 300  # every dossier there at the start is read
    assert state(db).cursor is None  # the total moved: the next pass starts from the same place (here: all)
    run_pass(db, spec)
    rows = stored(db)
    assert len(rows) == 310 and rows["000.00.31.H29-261102-0250"].status == 10
    assert (
        rows["000.00.31.H29-261102-0905"].status == 4
        and json.loads(state(db).cursor)["modified"] == "03/11/2026 19:09:00"
    )


def test_an_unknown_status_leaves_the_dossier_and_is_listed(db, upstream, tmp_path):
    spec = opencps(tmp_path, upstream)
    base = datetime(2026, 11, 2, 8, 0)
    upstream.put(*[opencps_dossier(n, modified=base + timedelta(minutes=n)) for n in range(1, 11)])
    run_pass(db, spec)
    upstream.put(opencps_dossier(4, status="interoperating", modified=base + timedelta(days=1)))
    upstream.put(opencps_dossier(99, status="interoperating", modified=base + timedelta(days=1)))
    upstream.put(opencps_dossier(6, status="2", modified=base + timedelta(days=1)))  # not in the map: not national 2
    result = run_pass(db, spec)
    assert result.skipped == 3 and result.unknown == {
        "interoperating": {"count": 2, "example": result.unknown["interoperating"]["example"]},
        "2": {"count": 1, "example": "000.00.31.H29-261102-0006"},
    }
    assert stored(db, "000.00.31.H29-261102-0006").status == 4
    assert stored(db, "000.00.31.H29-261102-0004").status == 4  # as it was
    assert stored(db, "000.00.31.H29-261102-0099") is None
    assert status_rows(db)[0]["unknown"]["interoperating"]["count"] == 2
    # The admin adds the status to the map: the next pass stores them, though the source did not change them.
    spec.status_map["interoperating"] = 4
    again = run_pass(db, spec)
    assert again.added == 1 and stored(db, "000.00.31.H29-261102-0099").status == 4


def test_bad_items_are_skipped_by_field_and_no_personal_value_is_logged(db, upstream, tmp_path, caplog):
    spec = opencps(tmp_path, upstream)
    good = opencps_dossier(1)
    bad_date = opencps_dossier(2, modified=datetime(2026, 11, 2, 7))
    bad_date["receiveDate"] = "31/02/2026 08:00:00"
    no_holder = opencps_dossier(3, modified=datetime(2026, 11, 2, 6))
    no_holder["applicantName"] = ""
    upstream.put(good, bad_date, no_holder)
    with caplog.at_level(logging.DEBUG):
        result = run_pass(db, spec)
    assert (result.added, result.skipped) == (1, 2)
    assert any("receiveDate" in p for p in result.problems) and any("holder_name" in p for p in result.problems)
    text = caplog.text + json.dumps(result.problems, ensure_ascii=False)
    assert "Nguyễn" not in text and "079123456789" not in text and "0901234567" not in text


JSON_INI = """
[connector:igate]
kind = json
url = {url}
list_path = /igate/list
office = XA-PHUOCLONG
token_file = tinh.token
status_map = status.csv
page_size = 20

[connector_fields:igate]
items = content
code = code
procedure_code = procedure.code
procedure_name = procedure.name
holder_name = applicant.data.fullname
status = status.id
received_at = acceptedDate
due_at = appointmentDate
modified_at = updated
page_param = page
size_param = size
since_param = since
"""


def test_a_mapped_json_source(db, upstream, tmp_path):
    spec = load_connectors(write_config(tmp_path, upstream, JSON_INI))[0]
    upstream.json_items = [
        {
            "id": f"abc{n}",
            "code": f"H29.99-2026110{n % 9 + 1}-{n:07d}",
            "procedure": {"code": "2.000123", "name": "Cấp giấy phép"},
            "applicant": {"data": {"fullname": "Trần Thị Bình", "phone": "0912345678"}},
            "status": {"id": "processing" if n % 2 else "done"},
            "acceptedDate": "2026-11-02T08:00:00.000+0700",
            "appointmentDate": int(datetime(2026, 11, 5, 10, 0, tzinfo=timezone.utc).timestamp() * 1000) + n,
            "updated": f"2026-11-02T09:{n % 60:02d}:00+07:00",
        }
        for n in range(45)
    ]
    first = run_pass(db, spec)
    assert first.added == 45
    row = stored(db, "H29.99-20261102-0000001")
    assert row.status == 4 and row.received_at == datetime(2026, 11, 2, 1, 0) and row.procedure_name == "Cấp giấy phép"
    assert stored(db, "H29.99-20261101-0000000").status == 10
    assert any("since=" in r for r in upstream.requests[-1:]) is False
    upstream.requests.clear()
    run_pass(db, spec)
    assert upstream.requests and all("since=2026-11-02T09%3A44%3A00%2B07%3A00" in r for r in upstream.requests)


EXCHANGE_INI = """
[connector:lgsp]
kind = dvcqg
url = {url}/api
auth_url = {url}/auth
username = motcua
dstcode = 000.00.00.H29
unit_code = 000.00.31.H29
office = XA-PHUOCLONG
token_file = tinh.token
"""


def exchange_item(n, status=4):
    return {
        "MaHoSo": f"000.00.31.H29-261103-{n:04d}",
        "MaTTHC": "1.004227",
        "TenTTHC": "Chứng thực bản sao",
        "ChuHoSo": "Lê Văn Cường",
        "SoDienThoai": "0987654321",
        "NgayTiepNhan": "20261103080000",
        "NgayHenTra": "20261105170000",
        "TrangThaiHoSo": status,
        "NgayTra": "",
    }


def test_exchange_platform_sessions_and_error_codes(db, upstream, tmp_path):
    spec = load_connectors(write_config(tmp_path, upstream, EXCHANGE_INI, token=up_mod.PASSWORD))[0]
    upstream.exchange = [exchange_item(n) for n in range(1, 6)]
    first = run_pass(db, spec)
    assert first.added == 5
    row = stored(db, "000.00.31.H29-261103-0003")
    assert row.status == 4 and row.due_at == datetime(2026, 11, 5, 10, 0) and row.phone == "0987654321"
    # The session expires between passes: the connector logs in again, once, and goes on.
    upstream.sessions.clear()
    upstream.exchange[0]["TrangThaiHoSo"] = 10
    logins = upstream.requests.count("/auth")
    assert run_pass(db, spec).updated == 1
    assert upstream.requests.count("/auth") == logins + 1
    # Refused credentials: the error_code and its message are named, never the password.
    bad = load_connectors(write_config(tmp_path, upstream, EXCHANGE_INI, token="wrong-password"))[0]
    with pytest.raises(SyncFailed) as failed:
        run_pass(db, bad)
    assert "error_code -1" in str(failed.value) and "wrong-password" not in str(failed.value)
    assert "connector lgsp" in str(failed.value) and "/auth" in str(failed.value)


def test_config_problems_name_the_file_the_key_and_what_is_allowed(tmp_path, upstream):
    path = write_config(tmp_path, upstream, OPENCPS_INI.replace("group_id = 35404\n", ""), mode=0o644)
    with pytest.raises(ConfigError) as err:
        load_connectors(path)
    text = str(err.value)
    assert f"{path} [connector:tinh] group_id: missing" in text
    assert "token_file" in text and "chmod 600" in text
    (tmp_path / "status.csv").write_text("new,1\nprocessing,eleven\n")
    os.chmod(tmp_path / "tinh.token", 0o600)
    bad_map = tmp_path / "central.ini"
    bad_map.write_text(OPENCPS_INI.replace("{url}", upstream.url))
    with pytest.raises(ConfigError) as err:
        load_connectors(str(bad_map))
    assert 'status.csv line 2: "eleven" is not a national status 1-10' in str(err.value)
    bad_map.write_text(OPENCPS_INI.replace("{url}", upstream.url).replace("kind = opencps", "kind = igate"))
    with pytest.raises(ConfigError) as err:
        load_connectors(str(bad_map))
    assert '[connector:tinh] kind = "igate": expected one of opencps, dvcqg, json' in str(err.value)
    bad_map.write_text(JSON_INI.replace("{url}", upstream.url).split("[connector_fields")[0])
    with pytest.raises(ConfigError) as err:
        load_connectors(str(bad_map))
    assert "[connector_fields:igate]: missing; kind = json needs its field map" in str(err.value)
    # a credential in the address would be printed, logged and shown on the dashboard with it
    bad_map.write_text(OPENCPS_INI.replace("{url}", upstream.url.replace("http://", "http://motcua:pa55word@")))
    with pytest.raises(ConfigError) as err:
        load_connectors(str(bad_map))
    assert "[connector:tinh] url: holds a user name or password; the credential goes in token_file" in str(err.value)
    assert "pa55word" not in str(err.value)


def test_sync_command_prints_counts_and_fails_naming_the_source(db, upstream, tmp_path):
    path = write_config(tmp_path, upstream, OPENCPS_INI)
    upstream.put(*[opencps_dossier(n) for n in range(1, 4)])
    out = db.srv.cli("sync", "dossiers", "--config", path)
    assert "tinh: 3 added, 0 updated, 0 unchanged, 0 skipped" in out
    upstream.fault("/o/rest/v2/dossiers", "500")
    proc = db.srv.run_cli("sync", "dossiers", "--config", path, "--connector", "tinh")
    assert proc.returncode == 1
    assert f"connector tinh ({upstream.url}): GET {upstream.url}/o/rest/v2/dossiers" in proc.stderr
    assert proc.stderr.count("HTTP 500") == 1 and up_mod.TOKEN not in proc.stderr + proc.stdout  # said once
    proc = db.srv.run_cli("sync", "dossiers", "--config", path, "--connector", "nope")
    assert proc.returncode == 1 and "no [connector:nope]" in proc.stderr


def test_exchange_platform_lookup_and_an_expired_session(db, upstream, tmp_path):
    from central.connectors.sources import NotFound, source_for

    spec = load_connectors(write_config(tmp_path, upstream, EXCHANGE_INI, token=up_mod.PASSWORD))[0]
    upstream.exchange = [exchange_item(n) for n in range(1, 4)]
    source = source_for(spec)
    try:
        found = source.lookup("000.00.31.H29-261103-0002", None, None)
        assert found.code == "000.00.31.H29-261103-0002" and found.status == "4"
        upstream.sessions.clear()  # the session expires: TraCuuHoSo logs in again and answers
        assert source.lookup("000.00.31.H29-261103-0003", None, None).record["holder_name"] == "Lê Văn Cường"
        with pytest.raises(NotFound):
            source.lookup("000.00.31.H29-261103-0099", None, None)
    finally:
        source.close()


def test_odd_words_from_a_source_are_stored_as_text_every_database_takes(db, upstream, tmp_path):
    spec = load_connectors(write_config(tmp_path, upstream, EXCHANGE_INI, token=up_mod.PASSWORD))[0]
    upstream.fault("/auth", "weird")
    with pytest.raises(SyncFailed) as failed:
        run_pass(db, spec)
    assert "error_code 9" in str(failed.value) and "\x00" not in state(db, "lgsp").last_error
    opencps_spec = opencps(tmp_path, upstream)
    upstream.put(opencps_dossier(1, status="l\u1ea1\ud800\x00"))
    result = run_pass(db, opencps_spec)
    assert result.skipped == 1 and status_rows(db)[-1]["unknown"] == result.unknown
    odd_id = opencps_dossier(2, modified=datetime(2026, 11, 3))
    odd_id["dossierId"] = "70002\x00"
    upstream.put(odd_id)
    assert run_pass(db, opencps_spec).added == 1
    assert stored(db, "000.00.31.H29-261102-0002").source_id is None
