"""The push upward under several server processes (issue 15, item 7), on SQLite and PostgreSQL: each
month is sent by the one process holding its row's lease (central.leases, migration 0019).

`serve --workers 2` with [upward] pointing at a small OAuth2 platform on a real socket: the platform
stalls each push 15 s, longer than the spread of the two workers' first passes (2-10 s after start),
so the second worker looks at the month while the first is sending it; the platform must get that
month once, and the dashboard must show it taken. Threads with a database engine each race for the
same month; a month held by a process that died is taken over once its lease has passed, and a
database of the release before (0018) upgrades with its rows and pushes intact.
"""

import re
import threading
import time
import uuid
from datetime import datetime, timedelta
from html import unescape
from pathlib import Path

import pytest
import requests
from sqlalchemy import inspect, select, text, update

from central import storage, upward
from central.storage import make_engine
from central.storage.schema import upward_pushes
from tests.support.dash_web import signed_in, upgrade_to
from tests.support.server import CentralServer
from tests.support.upward_platform import Platform, upward_ini

PASSWORD = "mat-khau-dai-1234"


@pytest.fixture
def platform():
    p = Platform()
    yield p
    p.stop()


def _row(engine, month, office):
    with engine.connect() as conn:
        return conn.execute(
            select(upward_pushes).where(upward_pushes.c.month == month, upward_pushes.c.office_code == office)
        ).first()


def _row_text(html: str, row_id: str) -> str:
    row = html.split(f'id="{row_id}"', 1)[1].split(">", 1)[1].split("</tr>", 1)[0]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", row))).strip()


def test_serve_with_two_workers_sends_last_month_once(storage_url, platform, tmp_path):
    office = "XA-HAITHO"
    month = upward.previous_month()
    srv = CentralServer(storage_url, tmp_path)
    srv.cli("init")
    srv.start()  # first without [upward]: the month's ratings come in
    token = srv.device_token("rating", office, 1)
    items = [
        {
            "id": str(uuid.uuid4()),
            "device_seq": i + 1,
            "created_at": f"{month}-1{i}T09:00:00+07:00",
            "office": office,
            "counter": 1,
            "staff_id": None,
            "scale": 3,
            "score": score,
            "reasons": [],
            "comment": None,
            "dossier_code": None,
        }
        for i, score in enumerate([3, 3, 1])
    ]
    r = requests.post(srv.url + "/api/v1/ratings", json={"ratings": items}, headers=srv.headers(token), timeout=15)
    assert [x["status"] for x in r.json()["results"]] == ["accepted"] * 3, r.text
    srv.stop()
    srv.cli("admin", "add", "quantri", "--password-stdin", stdin=PASSWORD + "\n")
    ini = upward_ini(tmp_path, platform, platform.secret, office, timeout=30)
    platform.delay = 15
    srv.serve_args = ("--workers", "2", "--config", ini)
    engine = make_engine(storage_url)
    try:
        srv.start()
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            row = _row(engine, month, office)
            if row is not None and row.sent_at is not None:
                break
            time.sleep(0.25)
        else:
            raise AssertionError(f"{month} was not sent within 90 s:\n{srv.log()}")
        time.sleep(2)  # a second send would have started long before: both workers' first passes are past
        assert platform.posts == 1 and platform.token_calls == 1, srv.log()
        [body] = platform.received
        assert body["TotalVoted"] == 3 and body["OrganizationInchargeIdlevel1"] == office
        assert f"{body['Year']:04d}-{body['Month']:02d}" == month
        assert row.attempts == 1 and row.last_error is None and row.next_try_at is None
        assert row.lease_until is None and row.lease_owner  # freed; the owner's name stays
        # the page shows it taken, whichever worker answers
        session = signed_in(srv.url, "quantri", PASSWORD)
        year, n = month.split("-")
        for _ in range(3):
            page = session.get(
                srv.url + "/admin/satisfaction",
                params={"office": office, "kind": "month", "year": year, "n": str(int(n))},
                timeout=15,
            )
            assert page.status_code == 200, page.text[:500]
            shown = _row_text(page.text, f"push-{month}-{office}")
            assert "Chưa nhận" not in shown and shown.split()[:2] == [month, office], shown
        assert "Traceback" not in srv.log() and "upward push not done" not in srv.log(), srv.log()
    finally:
        srv.stop()
        engine.dispose()


def test_processes_racing_for_a_month_send_it_once(storage_url, platform, tmp_path):
    engines = [make_engine(storage_url) for _ in range(3)]
    storage.upgrade(engines[0])
    up = upward.load(upward_ini(tmp_path, platform, platform.secret, ""))
    platform.delay = 1.0
    now = datetime(2026, 11, 5, 2, 0)
    start = threading.Barrier(len(engines))
    outcomes, errors = [], []

    def process(i):
        try:
            start.wait()
            outcomes.extend(upward.retry_due(engines[i], up, now, owner=f"host:{100 + i}:test"))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=process, args=(i,)) for i in range(len(engines))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert outcomes == ["sent 2026-10 (all offices)"] and platform.posts == 1 and platform.token_calls == 1
    row = _row(engines[0], "2026-10", "")
    assert row.attempts == 1 and row.sent_at == now and row.lease_until is None
    # the next passes of every process leave it alone
    assert [upward.retry_due(e, up, now + timedelta(minutes=5), owner="host:1:test") for e in engines] == [[]] * 3
    assert platform.posts == 1
    for e in engines:
        e.dispose()


def test_a_month_held_by_a_dead_process_is_taken_over_once_its_lease_passed(storage_url, platform, tmp_path):
    engine = make_engine(storage_url)
    storage.upgrade(engine)
    ini = upward_ini(tmp_path, platform, platform.secret, "")
    up = upward.load(ini)
    now = datetime(2026, 11, 5, 2, 0)
    dead = "oldhost:4242:0badc0de"
    with engine.begin() as conn:
        conn.execute(
            upward_pushes.insert(),
            [
                # tried once and failed, then its sender died during the second try
                dict(
                    month="2026-10",
                    office_code="",
                    body="{}",
                    attempts=1,
                    last_attempt_at=now - timedelta(minutes=31),
                    next_try_at=now - timedelta(minutes=1),
                    last_error="POST http://x/Vote/UpdateVote: no answer within 3 s",
                    lease_owner=dead,
                    lease_until=time.time() + 600,
                ),
                # its sender died before its first try
                dict(
                    month="2026-09",
                    office_code="",
                    body="{}",
                    attempts=0,
                    last_attempt_at=None,
                    next_try_at=now - timedelta(days=30),
                    last_error=None,
                    lease_owner=dead,
                    lease_until=time.time() + 600,
                ),
            ],
        )
    # while the lease runs, the holder may still be sending: nobody else does, not even by hand
    assert upward.retry_due(engine, up, now, owner="newhost:1:aaaa") == []
    busy = upward.push_month(engine, up, "2026-10", "", now, owner="newhost:1:aaaa")
    assert busy.startswith("busy: oldhost:4242") and platform.posts == 0
    by_hand = CentralServer(storage_url, tmp_path, env={"MOTCUA_CENTRAL_CONFIG": ini}).run_cli(
        "report", "votes", "--month", "2026-10", "--push"
    )
    assert by_hand.returncode == 1 and "push not done yet: busy: oldhost:4242" in by_hand.stderr, by_hand.stderr
    assert "Traceback" not in by_hand.stderr and platform.posts == 0
    assert _row(engine, "2026-10", "").lease_owner == dead
    # the lease has passed: the holder is gone
    with engine.begin() as conn:
        conn.execute(update(upward_pushes).values(lease_until=time.time() - 1))
    outcomes = upward.retry_due(engine, up, now, owner="newhost:1:aaaa")
    assert sorted(outcomes) == ["sent 2026-09 (all offices)", "sent 2026-10 (all offices)"]
    assert platform.posts == 2 and sorted(b["Month"] for b in platform.received) == [9, 10]
    october, september = _row(engine, "2026-10", ""), _row(engine, "2026-09", "")
    assert october.attempts == 2 and october.sent_at == now and october.last_error is None
    assert october.next_try_at is None and september.attempts == 1 and september.sent_at == now
    assert {october.lease_owner, september.lease_owner} == {"newhost:1:aaaa"}
    assert october.lease_until is None and september.lease_until is None
    assert upward.retry_due(engine, up, now + timedelta(hours=1), owner="other:2:bbbb") == []
    engine.dispose()


def _downgrade(engine, revision):
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(storage.__file__).resolve().parent.parent / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def test_migration_0019_keeps_the_pushes_of_a_database_from_before(storage_url, platform, tmp_path):
    engine = make_engine(storage_url)
    upgrade_to(engine, "0018")
    assert {c["name"] for c in inspect(engine).get_columns("upward_pushes")} == {
        c.name for c in upward_pushes.columns
    } - {"lease_owner", "lease_until"}
    now = datetime(2026, 11, 5, 2, 0)
    with engine.begin() as conn:  # as the release before wrote them: one taken, one failed and due
        conn.execute(
            text(
                "INSERT INTO upward_pushes (month, office_code, body, attempts, last_attempt_at, sent_at, "
                "next_try_at, last_error) VALUES ('2026-09', '', '{}', 1, :t, :t, NULL, NULL), "
                "('2026-10', '', '{}', 2, :t, NULL, :due, 'POST x: HTTP 500')"
            ),
            {"t": now - timedelta(hours=2), "due": now - timedelta(minutes=5)},
        )
    storage.upgrade(engine)
    assert {c["name"] for c in inspect(engine).get_columns("upward_pushes")} == {c.name for c in upward_pushes.columns}
    assert _row(engine, "2026-10", "").lease_until is None
    up = upward.load(upward_ini(tmp_path, platform, platform.secret, ""))
    assert upward.retry_due(engine, up, now) == ["sent 2026-10 (all offices)"]
    assert platform.posts == 1 and _row(engine, "2026-10", "").attempts == 3
    assert _row(engine, "2026-09", "").sent_at == now - timedelta(hours=2)
    _downgrade(engine, "0018")
    assert "lease_owner" not in {c["name"] for c in inspect(engine).get_columns("upward_pushes")}
    with engine.connect() as conn:
        sent = conn.execute(select(upward_pushes.c.month, upward_pushes.c.sent_at)).all()
    assert sorted(sent) == [("2026-09", now - timedelta(hours=2)), ("2026-10", now)]
    engine.dispose()
