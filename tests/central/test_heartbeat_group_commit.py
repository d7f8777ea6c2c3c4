"""Heartbeats in group commit: many devices per transaction, every beat stored before its answer, commands once."""

import concurrent.futures
import threading
import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import insert, select, text

from central.api.errors import ApiError
from central.api.heartbeats import HeartbeatWriter
from central.devices import add_device
from central.storage import make_engine, upgrade
from central.storage.schema import device_commands, devices, offices
from central.timeutil import utcnow

OFFICE = "XA-NHIPTIM"


def _state(version: str, pending: int = 0) -> dict:
    return {
        "app": "rating",
        "version": version,
        "pending": pending,
        "oldest_pending_age_s": None,
        "last_sync_at": None,
        "catalogue_version": "7",
        "errors": "[]",
    }


@pytest.fixture
def province(storage_url):
    """Two engines on one database (two server processes), 40 tablets, two commands queued for half."""
    engines = [make_engine(storage_url), make_engine(storage_url)]
    upgrade(engines[0])
    now = utcnow()
    with engines[0].begin() as conn:
        conn.execute(insert(offices).values(code=OFFICE, name="Trung tâm Phục vụ hành chính công xã"))
        ids = [add_device(conn, "rating", OFFICE, n, f"quầy {n}")[0] for n in range(40)]
        queued = {}
        for dev in ids[:20]:
            for name in ("reload_config", "sync_now"):
                cid = conn.execute(
                    insert(device_commands).values(device_id=dev, name=name, created_at=now)
                ).inserted_primary_key[0]
                queued[cid] = dev
    yield SimpleNamespace(engines=engines, devices=ids, queued=queued)
    for engine in engines:
        engine.dispose()


def test_concurrent_beats_share_commits_and_each_command_is_delivered_once(province):
    writers = [HeartbeatWriter(e) for e in province.engines]
    beats = [(dev, k) for k in range(3) for dev in province.devices]  # every tablet beats three times at once
    start = threading.Barrier(len(beats))

    def beat(job):
        dev, k = job
        start.wait()
        seen_at, commands = writers[(dev + k) % 2].record(dev, _state(f"1.{k}", pending=k))
        return dev, k, seen_at, commands

    with concurrent.futures.ThreadPoolExecutor(len(beats)) as pool:
        answers = list(pool.map(beat, beats))

    delivered = [(c["id"], dev) for dev, _, _, commands in answers for c in commands]
    assert sorted(delivered) == sorted(province.queued.items()), "a command was lost or delivered twice"
    for _dev, _, _, commands in answers:  # one device's commands keep their queue order
        assert [c["id"] for c in commands] == sorted(c["id"] for c in commands)
    transactions = sum(w.transactions for w in writers)
    assert sum(w.beats for w in writers) == len(beats)
    assert transactions < len(beats) / 2, f"{len(beats)} beats took {transactions} commits"
    with province.engines[0].connect() as conn:
        rows = {r.id: r for r in conn.execute(select(devices).where(devices.c.office_code == OFFICE))}
        undelivered = conn.execute(select(device_commands.c.id).where(device_commands.c.delivered_at.is_(None))).all()
    assert undelivered == []
    latest_answer = {}
    for dev, _k, seen_at, _ in answers:
        latest_answer[dev] = max(latest_answer.get(dev, seen_at), seen_at)
    for dev in province.devices:  # what the device page shows is a beat that was answered, the last one
        assert rows[dev].version in {"1.0", "1.1", "1.2"} and rows[dev].pending == int(rows[dev].version[-1])
        assert rows[dev].last_seen_at == latest_answer[dev]


def test_a_beat_stamped_earlier_but_committed_later_does_not_turn_the_device_back(province):
    """Two server processes whose clocks differ (or one that waited on the row lock): the newest beat stays."""
    ahead = HeartbeatWriter(province.engines[0])
    behind = HeartbeatWriter(province.engines[1], clock=lambda: utcnow() - timedelta(seconds=2))
    dev = province.devices[0]
    newest, _ = ahead.record(dev, _state("1.1", pending=1))
    older, commands = behind.record(dev, _state("1.0", pending=0))
    assert older < newest
    assert [c["name"] for c in commands] == [], "the commands went with the first answer"
    with province.engines[1].connect() as conn:
        row = conn.execute(select(devices).where(devices.c.id == dev)).one()
    assert (row.version, row.pending, row.last_seen_at) == ("1.1", 1, newest)


def test_a_transaction_that_fails_answers_503_and_keeps_the_previous_state(province):
    writer = HeartbeatWriter(province.engines[0])
    dev = province.devices[0]
    seen_at, commands = writer.record(dev, _state("1.0"))
    assert len(commands) == 2
    with province.engines[0].begin() as conn:  # the commands table goes missing: the transaction fails
        conn.execute(text("ALTER TABLE device_commands RENAME TO device_commands_away"))
    try:
        with pytest.raises(ApiError) as refused:
            writer.record(dev, _state("2.0", pending=9))
    finally:
        with province.engines[0].begin() as conn:
            conn.execute(text("ALTER TABLE device_commands_away RENAME TO device_commands"))
    assert refused.value.status == 503 and refused.value.headers["Retry-After"] == "5"
    with province.engines[0].connect() as conn:
        row = conn.execute(select(devices).where(devices.c.id == dev)).one()
    assert (row.version, row.pending, row.last_seen_at) == ("1.0", 0, seen_at), "a failed beat left a trace"
    later, commands = writer.record(dev, _state("2.0", pending=9))
    assert later >= seen_at and commands == []


def test_heartbeats_and_rating_batches_together_over_http_store_everything(server, api_for, make_rating):
    tablets = [api_for(server, server.device_token("rating", OFFICE, counter=n)) for n in range(1, 13)]
    kiosk_out = server.cli("device", "add", "--kind", "kiosk", "--office", OFFICE)
    kiosk_id, kiosk = kiosk_out.split()[1], api_for(server, kiosk_out.strip().splitlines()[-1])
    server.cli("device", "command", kiosk_id, "reload_config")

    def beat(n):
        body = {
            "app": "kiosk",
            "version": f"2.{n}",
            "pending": n,
            "oldest_pending_age_s": 10**10,
            "last_sync_at": "2026-11-21T09:00:00+07:00",
            "catalogue_version": "17",
            "errors": [],
        }
        return kiosk.post("/api/v1/heartbeat", body)

    def deliver(tablet):
        items = [make_rating(seq, OFFICE) for seq in range(1, 101)]
        answer = tablet.post("/api/v1/ratings", {"ratings": items}, headers={"Idempotency-Key": str(uuid.uuid4())})
        return answer, {i["id"] for i in items}

    with concurrent.futures.ThreadPoolExecutor(24) as pool:
        beats = [pool.submit(beat, n) for n in range(24)]
        batches = [pool.submit(deliver, t) for t in tablets]
        beats = [b.result() for b in beats]
        batches = [b.result() for b in batches]
    assert [b.status_code for b in beats] == [200] * 24
    assert sum(len(b.json()["commands"]) for b in beats) == 1  # queued once, delivered once
    assert all(
        resp.status_code == 200 and {r["status"] for r in resp.json()["results"]} == {"accepted"} for resp, _ in batches
    )
    stored = {line.split(",")[0] for line in server.cli("export", "ratings", "--office", OFFICE).splitlines()[1:]}
    assert stored == set().union(*(ids for _, ids in batches))
    admin = api_for(server, server.admin_token())
    me = [d for d in admin.get("/api/v1/admin/devices").json()["items"] if str(d["id"]) == kiosk_id][0]
    assert me["version"] in {f"2.{n}" for n in range(24)} and me["pending"] == int(me["version"][2:])


def _gated(writer, others: int, refused: list):
    """The first transaction waits until the `others` beats are queued (or refused): they form the next group."""
    first = threading.Event()

    def clock():
        if not first.is_set():
            first.set()
            for _ in range(1000):
                with writer._cond:
                    if len(writer._queue) + len(refused) >= others:
                        break
                threading.Event().wait(0.01)
        return utcnow()

    return first, clock


def _beat_in_groups(engine, first_dev, jobs):
    """`first_dev` writes alone while every job queues; the jobs then go in one group. Returns their answers."""
    refused = []
    writer = HeartbeatWriter(engine)
    started, writer.clock = _gated(writer, len(jobs), refused)

    def one(job):
        dev, state = job
        try:
            return dev, writer.record(dev, state)
        except ApiError as err:
            refused.append(dev)
            return dev, err

    with concurrent.futures.ThreadPoolExecutor(len(jobs) + 1) as pool:
        head = pool.submit(writer.record, first_dev, _state("1.0"))
        started.wait(10)
        answers = dict(pool.map(one, jobs))
        head.result()
    return writer, answers


@pytest.mark.parametrize(
    "bad",
    [
        {"version": "1.\ud800"},
        {"version": "1.\x00"},
        {"errors": '["k\\u00e9t n\u1ed1i \ud83d"]'},
        {"catalogue_version": "\udcff"},
    ],
)
def test_a_malformed_beat_is_refused_alone_and_its_group_is_stored(province, bad):
    """Issue 13 item 15: one beat that cannot be stored failed every other beat of its transaction (503)."""
    good = province.devices[2:12]
    jobs = (
        [(dev, _state("2.0", pending=3)) for dev in good[:5]]
        + [(province.devices[1], {**_state("2.0"), **bad})]
        + [(dev, _state("2.0", pending=3)) for dev in good[5:]]
    )
    writer, answers = _beat_in_groups(province.engines[0], province.devices[0], jobs)
    refused = answers.pop(province.devices[1])
    assert isinstance(refused, ApiError) and refused.status == 422, refused
    assert next(iter(bad)) in refused.message
    assert all(not isinstance(a, ApiError) for a in answers.values()), (
        f"{sum(isinstance(a, ApiError) for a in answers.values())} good beats refused"
    )
    with province.engines[0].connect() as conn:
        rows = {r.id: r for r in conn.execute(select(devices).where(devices.c.id.in_(good + [province.devices[1]])))}
    assert all((rows[d].version, rows[d].pending) == ("2.0", 3) for d in good)
    assert rows[province.devices[1]].last_seen_at is None, "the malformed beat left a trace"
    assert writer.beats == len(good) + 1


def test_a_group_that_fails_stores_each_good_beat_on_its_own(province):
    """A beat that passes every check but still fails in the database (a fault nobody foresaw) fails alone."""
    unbindable = {**_state("2.0"), "pending": object()}
    good = province.devices[1:9]
    jobs = [(dev, _state("2.0", pending=4)) for dev in good] + [(province.devices[9], unbindable)]
    writer, answers = _beat_in_groups(province.engines[0], province.devices[0], jobs)
    refused = answers.pop(province.devices[9])
    assert isinstance(refused, ApiError) and refused.status == 503
    assert all(not isinstance(a, ApiError) for a in answers.values())
    delivered = sorted(c["id"] for dev, (_, commands) in answers.items() for c in commands)
    assert delivered == sorted(cid for cid, dev in province.queued.items() if dev in good), (
        "the commands of the good beats went with their answers, once"
    )
    with province.engines[0].connect() as conn:
        rows = {r.id: r for r in conn.execute(select(devices).where(devices.c.id.in_(good)))}
        kept = conn.execute(
            select(device_commands.c.id).where(
                device_commands.c.device_id == province.devices[9], device_commands.c.delivered_at.is_(None)
            )
        ).all()
    assert all((rows[d].version, rows[d].pending) == ("2.0", 4) for d in good)
    assert len(kept) == 2, "the failed beat's commands wait for its next beat"


def test_malformed_heartbeats_over_http_get_422_and_the_others_200(server, api_for):
    tablets = [api_for(server, server.device_token("rating", OFFICE, counter=n)) for n in range(1, 31)]
    body = {"app": "rating", "version": "1.0", "pending": 0, "errors": []}
    raw = '{"app": "rating", "version": "1.0\\ud800", "pending": 0}'

    def beat(n):
        if n % 3 == 0:
            return tablets[n].session.post(
                server.url + "/api/v1/heartbeat",
                data=raw.encode(),
                headers=tablets[n].headers({"Content-Type": "application/json"}),
                timeout=15,
            )
        return tablets[n].post("/api/v1/heartbeat", body)

    with concurrent.futures.ThreadPoolExecutor(30) as pool:
        answers = list(pool.map(beat, range(30)))
    assert [a.status_code for a in answers] == [422 if n % 3 == 0 else 200 for n in range(30)]
    assert "version" in answers[0].json()["error"]["message"]
