"""Missed kiosk searches (issue 17, item 6): the kiosk's store -> heartbeat -> server storage -> dashboard,
on SQLite and PostgreSQL, over real sockets: counts survive a kiosk restart, a heartbeat whose answer
is lost is not counted twice, bad counts get a 4xx naming the field, personal-looking queries are
never stored."""

import datetime as dt
import itertools
import re
from types import SimpleNamespace

import pytest
import requests

from kiosk.background import kiosk_heartbeat
from kiosk.missed import MissedSearches
from motcua import missed, officetime
from motcua.client import Client
from motcua.store import open_store
from tests.support.dash_web import signed_in, table_rows
from tests.support.faultproxy import FaultProxy

PASSWORD = "mat-khau-du-dai-2026"
_n = itertools.count(1)


@pytest.fixture(scope="module")
def admin(storage_server):
    name = f"quantri-missed-{storage_server.port}"
    storage_server.cli("admin", "add", name, "--password-stdin", stdin=PASSWORD + "\n")
    return signed_in(storage_server.url, name, PASSWORD)


@pytest.fixture
def office(storage_server):
    code = f"XA-TK{next(_n)}"
    storage_server.ensure_office(code)
    return code


class Kiosk:
    """A kiosk's store, missed-search counts and heartbeat against a server URL (restart = open again)."""

    def __init__(self, path, url, token, today):
        self.path, self.url, self.token, self.today = path, url, token, today
        self.open()

    def open(self):
        self.db = open_store(self.path)
        self.missed = MissedSearches(self.db, today=lambda: self.today[0])
        services = SimpleNamespace(missed=self.missed, catalogue=SimpleNamespace(version=lambda: None))
        refresher = SimpleNamespace(last_error=None, last_sync_at=None)
        client = Client(self.url, self.token, timeout=5, user_agent="motcua-kiosk")
        self.heartbeat = kiosk_heartbeat(client, services, refresher, "test", 60)

    def restart(self):
        self.db.close()
        self.open()

    def beat(self):
        self.heartbeat.beat()
        return self.heartbeat.last_error


def page_rows(admin, server, office, day: dt.date):
    page = admin.get(
        server.url + "/admin/searches",
        params={"office": office, "from": day.isoformat(), "to": day.isoformat()},
        timeout=15,
    )
    assert page.status_code == 200, page.text[:500]
    if 'id="missed"' not in page.text:
        return {}, page.text
    return {r["query"]: r for r in table_rows(page.text, "missed")}, page.text


def test_counts_reach_the_dashboard_survive_a_restart_and_a_lost_answer_counts_once(
    storage_server, office, admin, tmp_path
):
    today = officetime.now().date()
    yesterday = today - dt.timedelta(days=1)
    days = [yesterday.isoformat()]
    proxy = FaultProxy(("127.0.0.1", storage_server.port))
    try:
        token = storage_server.device_token("kiosk", office, None)
        kiosk = Kiosk(tmp_path / "kiosk.db", proxy.url, token, days)
        assert kiosk.missed.record("Làm hộ chiếu", missed.NO_MATCH)
        assert kiosk.missed.record("lam ho chieu", missed.NO_MATCH)
        assert kiosk.missed.record("đóng tiền điện", missed.NO_TAP)
        assert not kiosk.missed.record("0912 345 678", missed.NO_MATCH)  # a phone number: never kept
        assert not kiosk.missed.record("000.00.31.H29-251103-0007", missed.NO_TAP)  # a dossier code
        days[0] = today.isoformat()  # the office day is over before the kiosk could send
        assert kiosk.beat() is None
        rows, _ = page_rows(admin, storage_server, office, yesterday)
        assert rows["lam ho chieu"]["total"] == "2" and rows["lam ho chieu"]["no_match"] == "2"
        assert rows["dong tien dien"]["untapped"] == "1"
        assert kiosk.missed.counts() == []  # a past day, acknowledged: removed from the kiosk

        # Today: counted, sent, then the kiosk restarts and counts more of the same query.
        kiosk.missed.record("lam ho chieu", missed.NO_MATCH)
        assert kiosk.beat() is None
        assert kiosk.missed.pending() == []  # acknowledged; today's row stays for the day's total
        kiosk.restart()
        kiosk.missed.record("lam ho chieu", missed.NO_MATCH)
        assert kiosk.missed.pending() == [
            {"day": today.isoformat(), "query": "lam ho chieu", "outcome": missed.NO_MATCH, "count": 2}
        ]
        # The server stores this beat, but its answer is lost: the kiosk sends the same totals again.
        proxy.plan = ["reset_mid_body"]
        assert kiosk.beat() is not None
        assert kiosk.missed.pending() != []  # not acknowledged: kept
        kiosk.restart()
        assert kiosk.beat() is None
        assert kiosk.missed.pending() == []
        rows, _ = page_rows(admin, storage_server, office, today)
        assert rows["lam ho chieu"]["total"] == "2"  # not 3 (a resend) nor 1 (a restart)
        assert "0912" not in _ and "H29" not in _
        rows, _ = page_rows(admin, storage_server, office, yesterday)
        assert rows["lam ho chieu"]["total"] == "2"  # the earlier day untouched
    finally:
        proxy.close()


def test_the_page_lists_the_most_missed_first_per_office_and_every_office(storage_server, office, admin):
    other = f"{office}-B"
    storage_server.ensure_office(other)
    today = officetime.now().date().isoformat()

    def send(code, items):
        token = storage_server.device_token("kiosk", code, None)
        beat = {"app": "kiosk", "version": "t", "missed_searches": items}
        answer = requests.post(
            storage_server.url + "/api/v1/heartbeat",
            json=beat,
            headers={"Authorization": f"Bearer {token}"},
            timeout=15,
        )
        assert answer.status_code == 200, answer.text

    send(office, [{"day": today, "query": "so do", "outcome": "none", "count": 4}])
    send(office, [{"day": today, "query": "so do", "outcome": "untapped", "count": 1}])  # a second kiosk
    send(office, [{"day": today, "query": "lam cccd", "outcome": "none", "count": 7}])
    send(other, [{"day": today, "query": "sang ten xe", "outcome": "none", "count": 9}])
    page = admin.get(storage_server.url + "/admin/searches", params={"office": office, "period": "30d"}, timeout=15)
    rows = table_rows(page.text, "missed")
    assert [r["query"] for r in rows] == ["lam cccd", "so do"]
    assert rows[1] == dict(rows[1], total="5", no_match="4", untapped="1", kiosks="2", days="1")
    assert "sang ten xe" not in page.text
    assert "sổ đỏ = giấy chứng nhận quyền sử dụng đất" in page.text and "extra_words" in page.text  # where
    everyone = admin.get(storage_server.url + "/admin/searches", params={"period": "30d"}, timeout=15).text
    assert "sang ten xe" in everyone and 'data-column="office_name"' in everyone
    csv = admin.get(
        storage_server.url + "/admin/searches", params={"office": office, "period": "30d", "format": "csv"}, timeout=15
    )
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Cụm từ tìm,Số lần,Không có kết quả") and lines[1].startswith("lam cccd,7,7,0,1,1,")
    xlsx = admin.get(storage_server.url + "/admin/searches", params={"period": "30d", "format": "xlsx"}, timeout=15)
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    admin_token = storage_server.admin_token()
    report = requests.get(
        storage_server.url + "/api/v1/reports/missed-searches",
        params={"office": office, "period": "30d"},
        headers={"Authorization": f"Bearer {admin_token}"},
        timeout=15,
    )
    assert report.status_code == 200, report.text
    assert [(i["query"], i["total"], i["no_match"], i["kiosks"]) for i in report.json()["items"]] == [
        ("lam cccd", 7, 7, 1),
        ("so do", 5, 4, 2),
    ]
    english = admin.get(storage_server.url + "/admin/searches", params={"period": "30d", "lang": "en"}, timeout=15)
    assert "What citizens searched for on the kiosks and did not find" in english.text


def _beat(server, token, items, app="kiosk"):
    return requests.post(
        server.url + "/api/v1/heartbeat",
        json={"app": app, "version": "t", "missed_searches": items},
        headers={"Authorization": f"Bearer {token}"},
        timeout=15,
    )


@pytest.mark.parametrize(
    "items, field",
    [
        ([{"day": "{today}", "query": "x" * 81, "outcome": "none", "count": 1}], "query"),
        ([{"day": "{today}", "query": f"q{n}", "outcome": "none", "count": 1} for n in range(51)], "missed_searches"),
        ([{"day": "2026-13-45", "query": "a", "outcome": "none", "count": 1}], "day"),
        ([{"day": "{today}", "query": "a", "outcome": "seen", "count": 1}], "outcome"),
        ([{"day": "{today}", "query": "a", "outcome": "none", "count": 0}], "count"),
        ([{"day": "{today}", "query": "a", "outcome": "none", "count": 1, "who": "x"}], "who"),
        ([{"day": "{today}", "query": "", "outcome": "none", "count": 1}], "query"),
        ([{"day": "{today}", "query": "a\x00b", "outcome": "none", "count": 1}], "query"),
        ("lam ho chieu", "missed_searches"),
    ],
)
def test_bad_counts_get_a_4xx_naming_the_field_and_store_nothing(storage_server, office, admin, items, field):
    today = officetime.now().date()
    fill = {"{today}": today.isoformat()}
    if isinstance(items, list):
        items = [{k: fill.get(v, v) if isinstance(v, str) else v for k, v in i.items()} for i in items]
    token = storage_server.device_token("kiosk", office, None)
    answer = _beat(storage_server, token, items)
    assert answer.status_code == 422, answer.text
    assert field in answer.json()["error"]["message"], answer.text
    rows, _ = page_rows(admin, storage_server, office, today)
    assert rows == {}


def test_days_a_wrong_clock_gave_are_dropped_not_refused(storage_server, office, admin):
    """A kiosk whose clock went wrong must not see its heartbeats refused for ever: its counts of days
    older than motcua.missed.OLDEST_DAYS or after tomorrow are dropped, and the answer says so."""
    today = officetime.now().date()
    wrong = [
        (today + dt.timedelta(days=3)).isoformat(),
        (today - dt.timedelta(days=missed.OLDEST_DAYS + 1)).isoformat(),
    ]
    items = [{"day": d, "query": "lam ho chieu", "outcome": "none", "count": 1} for d in wrong]
    items.append({"day": today.isoformat(), "query": "lam ho chieu", "outcome": "none", "count": 1})
    answer = _beat(storage_server, storage_server.device_token("kiosk", office, None), items)
    assert answer.status_code == 200, answer.text
    assert answer.json()["missed_searches"] == {"received": 3, "stored": 1}
    rows, _ = page_rows(admin, storage_server, office, today)
    assert rows["lam ho chieu"]["total"] == "1"
    everything = admin.get(
        storage_server.url + "/admin/searches",
        params={"office": office, "from": "2026-01-01", "to": (today + dt.timedelta(days=5)).isoformat()},
        timeout=15,
    )
    assert everything.status_code == 200 and table_rows(everything.text, "missed")[0]["days"] == "1"


def test_a_tablet_does_not_report_searches_and_personal_queries_are_never_stored(storage_server, office, admin):
    today = officetime.now().date()
    item = {"day": today.isoformat(), "query": "ket hon", "outcome": "none", "count": 1}
    tablet = storage_server.device_token("rating", office, 3)
    answer = _beat(storage_server, tablet, [item], app="rating")
    assert answer.status_code == 422 and "only a kiosk" in answer.json()["error"]["message"]
    kiosk = storage_server.device_token("kiosk", office, None)
    personal = [
        dict(item, query="goi 0901234567"),
        dict(item, query="cccd 079123456789"),
        dict(item, query="000.00.31.H29-251103-0007"),
        dict(item, query="Đăng Ký KẾT HÔN"),  # folded on the server too
    ]
    assert _beat(storage_server, kiosk, personal).status_code == 200
    rows, page = page_rows(admin, storage_server, office, today)
    assert list(rows) == ["dang ky ket hon"]
    assert not re.search(r"0901|0791|H29", page)
