"""`motcua-central sync procedures` against a small fake portal on a real socket: the list paged by lastId,
the detail by id, what changed updated, and an upstream that fails (500, garbage, a timeout, a refused
connection) changes nothing stored. SQLite and PostgreSQL."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from central.catalogue import catalogue_version, changes_since
from central.cli import main
from central.storage import make_engine
from central.storage.schema import procedures
from tests.central.portal_records import BIRTH_ID, JULY_1_8AM, MARRIAGE_ID, current, marriage

LIST_PATH = "/submitting/formality/list-all-formality-by-citizen"
DETAIL_PATH = "/configuring/formality/get-formality-by-citizen"
DEATH_ID = "9a3b5c7d-1e2f-4a6b-8c0d-2e4f6a8b0c1d"


class FakePortal:
    """The portal's list and detail endpoints; `fault[path]` = "500" | "garbage" | "slow" breaks one."""

    def __init__(self):
        death = current(code="1.000656", pid=DEATH_ID, submission="ONLINE", unit="OTHER")
        death["name"] = "Đăng ký khai tử"
        del death["executionMethods"][0]["processingTime"]
        death["executionMethods"][0]["cases"] = [{"name": "Trong nước", "processingDay": 1}]
        self.records = {r["id"]: r for r in (current(), marriage(), death)}
        self.fault: dict[str, str] = {}
        self.asked: list[tuple[str, dict]] = []
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                portal.asked.append((self.path, body))
                fault = portal.fault.get(self.path)
                if fault == "slow":
                    time.sleep(2.5)
                if fault == "500":
                    return self._send(500, b'{"code": "ERROR"}')
                if fault == "garbage":
                    return self._send(200, b"<html>Bao tri he thong</html>")
                if self.path == LIST_PATH:
                    return self._send(200, json.dumps(portal.page(body)).encode())
                if self.path == DETAIL_PATH and body.get("id") in portal.records:
                    return self._send(200, json.dumps({"code": "OK", "data": portal.records[body["id"]]}).encode())
                return self._send(404, b'{"code": "NOT_FOUND"}')

            def _send(self, status, payload):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                try:
                    self.wfile.write(payload)
                except BrokenPipeError:  # the sync gave up on a slow answer
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def page(self, body) -> dict:
        rows = sorted(self.records.values(), key=lambda r: r["id"])
        if body.get("q"):
            rows = [r for r in rows if body["q"] in r["code"] or body["q"] in r["name"]]
        if body.get("lastId"):
            rows = [r for r in rows if r["id"] > body["lastId"]]
        rows = rows[: body.get("limit") or 10]
        return {"code": "OK", "data": [{k: r[k] for k in ("id", "code", "name", "updatedAt")} for r in rows]}

    def details_asked(self) -> int:
        return sum(1 for path, _ in self.asked if path == DETAIL_PATH)

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def fake_portal():
    portal = FakePortal()
    yield portal
    portal.stop()


def _config(tmp_path, portal) -> str:
    ini = tmp_path / "central.ini"
    ini.write_text(
        f"[portal]\nlist_url = {portal.url}{LIST_PATH}\ndetail_url = {portal.url}{DETAIL_PATH}\n"
        "page_size = 2\ntimeout_seconds = 1\n",
        encoding="utf-8",
    )
    return str(ini)


def _sync(url, ini, capsys, *extra):
    code = main(["--db", url, "sync", "procedures", "--config", ini, *extra])
    out = capsys.readouterr()
    return code, out.out, out.err


def _rows(url) -> list:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(select(procedures).order_by(procedures.c.code))]
    finally:
        engine.dispose()


def _version(url) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return catalogue_version(conn)
    finally:
        engine.dispose()


def _changes(url, since):
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return changes_since(conn, since)
    finally:
        engine.dispose()


def test_sync_adds_then_updates_only_what_changed(storage_url, tmp_path, fake_portal, capsys):
    assert main(["--db", storage_url, "init"]) == 0
    ini = _config(tmp_path, fake_portal)
    code, out, err = _sync(storage_url, ini, capsys)
    assert code == 0, err
    assert f"3 procedures from {fake_portal.url}{LIST_PATH}: 3 added, 0 updated, 0 unchanged, 0 failed" in out
    assert [body.get("lastId") for path, body in fake_portal.asked if path == LIST_PATH][:2] == [None, MARRIAGE_ID]
    items = {i["code"]: i for i in _changes(storage_url, None)["items"]}
    assert items["1.000894"]["portal_id"] == MARRIAGE_ID
    assert [m["channel"] for m in items["1.000894"]["methods"]] == ["direct", "online"]
    assert items["1.000656"]["methods"][0]["time_note"].startswith("Trong nước: 1 ngày")
    cursor = _version(storage_url)

    asked = fake_portal.details_asked()
    code, out, _ = _sync(storage_url, ini, capsys)
    assert code == 0 and "0 added, 0 updated, 3 unchanged, 0 failed" in out
    assert fake_portal.details_asked() == asked  # the list said nothing changed: no detail read again

    changed = fake_portal.records[MARRIAGE_ID]
    changed["executionMethods"][0]["fees"][0]["value"] = 75000
    changed["updatedAt"] = JULY_1_8AM + 3_600_000
    code, out, _ = _sync(storage_url, ini, capsys)
    assert code == 0 and "0 added, 1 updated, 2 unchanged, 0 failed" in out
    delta = _changes(storage_url, cursor)  # what kiosks get on their next sync
    assert [i["code"] for i in delta["items"]] == ["1.000894"]
    assert delta["items"][0]["methods"][0]["fees"][0]["amount"] == 75000

    # a record the importer refuses: named with its field, kept as stored; the others still update
    before = {r[0]: r for r in _rows(storage_url)}
    changed["executionMethods"][0]["submissionMethod"] = "FAX"
    changed["updatedAt"] += 3_600_000
    birth = fake_portal.records[BIRTH_ID]
    birth["name"], birth["updatedAt"] = "Đăng ký khai sinh (cập nhật)", JULY_1_8AM + 7_200_000
    code, out, err = _sync(storage_url, ini, capsys)
    assert code == 3 and "0 added, 1 updated, 1 unchanged, 1 failed" in out
    assert f"failed 1.000894 (portal id {MARRIAGE_ID}): executionMethods[0].submissionMethod" in out
    after = {r[0]: r for r in _rows(storage_url)}
    assert after["1.000894"] == before["1.000894"] and after["1.001193"] != before["1.001193"]

    del fake_portal.records[DEATH_ID]  # abolished on the portal: named, kept until an admin deletes it
    code, out, _ = _sync(storage_url, ini, capsys)
    assert "1 stored procedures are not on the portal's list (kept; " in out and out.rstrip().endswith(": 1.000656")
    assert "1.000656" in {r[0] for r in _rows(storage_url)}


@pytest.mark.parametrize(
    "where, fault, cause",
    [
        ("list", "500", "answered HTTP 500"),
        ("list", "garbage", "the answer is not JSON"),
        ("detail", "garbage", "the answer is not JSON"),
        ("detail", "500", "answered HTTP 500"),
        ("detail", "slow", "no answer within 1 s ([portal] timeout_seconds)"),
    ],
)
def test_a_failing_portal_changes_nothing(storage_url, tmp_path, fake_portal, capsys, where, fault, cause):
    assert main(["--db", storage_url, "init"]) == 0
    ini = _config(tmp_path, fake_portal)
    assert _sync(storage_url, ini, capsys)[0] == 0
    before = _rows(storage_url)
    for record in fake_portal.records.values():  # everything changed: every detail is read again
        record["updatedAt"] += 60_000
        record["name"] += " (mới)"
    fake_portal.fault[LIST_PATH if where == "list" else DETAIL_PATH] = fault
    code, out, err = _sync(storage_url, ini, capsys)
    url = fake_portal.url + (LIST_PATH if where == "list" else DETAIL_PATH)
    assert code == 1 and out == ""
    assert f"sync procedures: {url}: {cause}; nothing was changed" in err
    assert _rows(storage_url) == before


def test_codes_file_and_an_unreachable_portal(tmp_path, fake_portal, capsys):
    url = str(tmp_path / "central.db")
    assert main(["--db", url, "init"]) == 0
    ini = _config(tmp_path, fake_portal)
    codes = tmp_path / "codes.txt"
    codes.write_text("# thủ tục của xã\n1.000894\n1.009999  # not on the portal\n", encoding="utf-8")
    code, out, err = _sync(url, ini, capsys, "--codes", str(codes))
    assert code == 3 and "2 procedures from the codes file: 1 added, 0 updated, 0 unchanged, 1 failed" in out
    assert "failed 1.009999: not on the portal's list" in out
    assert [r[0] for r in _rows(url)] == ["1.000894"]

    codes.write_text(json.dumps(["1.000894", "1.001193"]), encoding="utf-8")
    code, out, _ = _sync(url, ini, capsys, "--codes", str(codes))
    assert code == 0 and "1 added, 0 updated, 1 unchanged, 0 failed" in out

    before = _rows(url)
    fake_portal.stop()
    for record in fake_portal.records.values():
        record["updatedAt"] += 60_000
    code, out, err = _sync(url, ini, capsys)
    assert code == 1 and f"{fake_portal.url}{LIST_PATH}: cannot connect" in err and _rows(url) == before

    codes.write_text("", encoding="utf-8")
    code, _, err = _sync(url, ini, capsys, "--codes", str(codes))
    assert code == 2 and "codes.txt: no procedure codes in it" in err
    code, _, err = _sync(url, ini, capsys, "--codes", str(tmp_path / "missing.txt"))
    assert code == 2 and "missing.txt: cannot be read" in err
