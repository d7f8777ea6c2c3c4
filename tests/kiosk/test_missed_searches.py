"""The kiosk's missed-search counts (kiosk/missed.py) and the rules both sides share (motcua/missed.py)."""

from sqlite_utils.migrations import Migrations

from kiosk.missed import MissedSearches
from motcua import missed, store


def test_the_query_is_kept_folded_cut_at_a_word_and_never_when_it_looks_personal():
    assert missed.key("  Làm HỘ chiếu!! ") == "lam ho chieu"
    assert missed.key("Đăng ký   xe-máy") == "dang ky xe may"
    long = "giay " * 30
    assert len(missed.key(long)) <= missed.QUERY_MAX and missed.key(long).endswith("giay")
    assert missed.key("x" * 200) == "x" * missed.QUERY_MAX
    for personal in (
        "0912 345 678",  # a phone number
        "+84 91 234 5678",
        "cccd 079123456789",  # an ID card number
        "cmnd 12345 6789",  # digits typed in pieces
        "000.00.31.H29-251103-0007",  # a dossier code
        "tra ho so 000.00.31.H29-251103-0007",
    ):
        assert missed.key(personal) is None, personal
    assert missed.key("nghi dinh 123") == "nghi dinh 123"  # a few digits are not personal
    assert missed.key("!!!") is None and missed.key("") is None


def test_counts_grow_per_day_query_and_outcome_and_are_sent_until_acknowledged(tmp_path):
    days = ["2026-12-03"]
    db = store.open_store(tmp_path / "kiosk.db")
    counts = MissedSearches(db, today=lambda: days[0], daily_max=3)
    for _ in range(3):
        assert counts.record("lam ho chieu", missed.NO_MATCH)
    assert counts.record("Làm hộ chiếu", missed.NO_TAP)
    assert counts.record("dong tien dien", missed.NO_MATCH)
    assert not counts.record("sang ten xe", missed.NO_MATCH)  # a fourth distinct query that day: not kept
    assert counts.record("lam ho chieu", missed.NO_MATCH)  # a known one still counts
    sent = counts.pending()
    assert sent[0] == {"day": "2026-12-03", "query": "lam ho chieu", "outcome": "none", "count": 4}
    assert len(sent) == 3 and len(counts.pending(limit=2)) == 2
    counts.record("lam ho chieu", missed.NO_MATCH)  # counted while the beat was on its way
    counts.acknowledge(sent)
    assert counts.pending() == [{"day": "2026-12-03", "query": "lam ho chieu", "outcome": "none", "count": 5}]
    days[0] = "2026-12-04"
    counts.record("ket hon", missed.NO_TAP)
    counts.acknowledge(counts.pending())
    assert [(c["day"], c["query"]) for c in counts.counts()] == [("2026-12-04", "ket hon")]  # past days gone
    db.close()
    again = MissedSearches(store.open_store(tmp_path / "kiosk.db"), today=lambda: days[0])
    assert again.counts()[0]["count"] == again.counts()[0]["sent_count"] == 1  # survives a restart


def test_a_store_made_before_missed_searches_is_upgraded_when_opened(tmp_path):
    path = tmp_path / "kiosk.db"
    old = Migrations(store.migrations.name)
    for step in (store.m001_outbox, store.m002_catalogue, store.m003_outbox_privacy):
        old()(step)
    db = store.connect(path)
    old.apply(db)
    db.close()
    counts = MissedSearches(store.open_store(path), today=lambda: "2026-12-04")
    assert counts.record("lam ho chieu", missed.NO_MATCH) and counts.pending()[0]["count"] == 1


def test_days_the_server_no_longer_takes_are_dropped_before_sending(tmp_path):
    days = ["2026-01-01"]
    counts = MissedSearches(store.open_store(tmp_path / "kiosk.db"), today=lambda: days[0])
    counts.record("lam ho chieu", missed.NO_MATCH)
    days[0] = "2026-04-03"  # 92 days later: still sent
    assert len(counts.pending()) == 1
    days[0] = "2026-04-04"
    assert counts.pending() == [] and counts.counts() == []


def test_an_older_server_that_ignores_the_counts_does_not_make_the_kiosk_forget_them(tmp_path):
    """A server from before missed searches answers 200 without `missed_searches`: nothing is acknowledged."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from types import SimpleNamespace

    from kiosk.background import kiosk_heartbeat
    from motcua.client import Client

    seen = []

    class OldServer(BaseHTTPRequestHandler):
        def do_POST(self):
            seen.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            body = json.dumps({"ok": True, "server_time": "2026-12-04T08:00:00+07:00", "commands": []}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), OldServer)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        counts = MissedSearches(store.open_store(tmp_path / "kiosk.db"), today=lambda: "2026-12-04")
        counts.record("lam ho chieu", missed.NO_MATCH)
        services = SimpleNamespace(missed=counts, catalogue=SimpleNamespace(version=lambda: None))
        refresher = SimpleNamespace(last_error=None, last_sync_at=None)
        client = Client(f"http://127.0.0.1:{httpd.server_address[1]}", "t", timeout=5)
        beat = kiosk_heartbeat(client, services, refresher, "test", 60)
        beat.beat()
        assert beat.last_error is None
        assert seen[0]["missed_searches"] == [
            {"day": "2026-12-04", "query": "lam ho chieu", "outcome": "none", "count": 1}
        ]
        assert counts.pending() == seen[0]["missed_searches"]  # still to send
    finally:
        httpd.shutdown()
