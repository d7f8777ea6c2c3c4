"""The kiosk's threads and its store: a catalogue sync (its own thread) is one transaction that a missed
search counted on the UI thread, or the heartbeat sending the counts, never joins or commits half-way;
a search during a sync sees the catalogue before it, and the new one once it has committed.

The kiosk is built as `motcua-kiosk` builds it (kiosk.__main__.build_services), against a real central
server and a real SQLite file. The sync is paused half-way through its writes by the answer it stores
(its list of deleted procedures stops after the first until the test lets it go on)."""

import threading

import pytest

from kiosk.__main__ import build_services
from kiosk.settings import load as load_config
from motcua import missed
from motcua.catalogue import Catalogue
from motcua.store import connect, db_path
from tests.kiosk.test_check_and_commands import OFFICE, write_config

DROPPED = 3  # procedures the paused sync's answer deletes: the new catalogue is smaller


@pytest.fixture(scope="module")
def demo(shared_server):
    shared_server.cli("seed-demo")
    return shared_server


@pytest.fixture
def kiosk(demo, tmp_path, monkeypatch):
    """A kiosk of the demo office with the demo catalogue synced on the thread that built it (the UI thread)."""
    monkeypatch.chdir(tmp_path)
    token = demo.device_token(kind="kiosk", office=OFFICE, counter=None)
    services = build_services(load_config(write_config(tmp_path, demo.url, token)), warm_search=True)
    services.sync_catalogue()
    assert services.catalogue.count() > 20
    return services


class PausedAnswer:
    """The kiosk's client, except that the catalogue comes whole (a complete sync, as after a server's
    reimport) and deletes its last DROPPED procedures; the sync stores every procedure, deletes the first
    of them, and waits inside its transaction (`halfway` set) until `go` is set."""

    def __init__(self, client):
        self.client = client
        self.halfway, self.go = threading.Event(), threading.Event()

    def __getattr__(self, name):
        return getattr(self.client, name)

    def procedures(self, since=None, etag=None):
        body = self.client.procedures(since=None, etag=None)
        assert body["complete"] and not body["deleted"]
        body["deleted"] = self._paused([item["code"] for item in body["items"][-DROPPED:]])
        return body

    def _paused(self, codes):
        yield codes[0]
        self.halfway.set()
        assert self.go.wait(15), "the test never let the sync go on"
        yield from codes[1:]


def in_thread(name, fn):
    """Runs fn on a thread of its own; returns the thread and where its result or exception lands."""
    out = {}

    def run():
        try:
            out["result"] = fn()
        except BaseException as exc:  # the test asserts on it
            out["error"] = exc

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    return thread, out


def other_reader(services):
    """What a reader on another connection of the store sees: (procedures, procedures in the search table)."""
    seen = {}

    def read():
        db = connect(db_path(services.catalogue.db))
        try:
            seen["rows"] = db.execute("SELECT count(*) FROM procedures").fetchone()[0]
            seen["fts"] = db.execute("SELECT count(*) FROM procedures_fts").fetchone()[0]
        finally:
            db.close()

    thread = threading.Thread(target=read, name="reader")
    thread.start()
    thread.join(10)
    return seen["rows"], seen["fts"]


def test_a_missed_search_during_a_sync_neither_commits_half_the_catalogue_nor_breaks_the_sync(kiosk):
    services = kiosk
    before = services.catalogue.count()
    paused = services.client = PausedAnswer(services.client)
    sync, synced = in_thread("kiosk-catalogue-sync", services.sync_catalogue)
    assert paused.halfway.wait(10)

    # the citizen's search ends with nothing while the sync is half-way through its writes
    recorder, recorded = in_thread("ui-missed", lambda: services.search_ended("dang ky nuoi ong", missed.NO_MATCH))
    recorder.join(0.5)  # waits for the sync's write transaction (never joins it): not done yet

    assert other_reader(services) == (before, before)  # the old catalogue, whole
    assert services.catalogue.count() == before  # and so on the UI thread's own connection
    assert services.search("khai sinh")  # the UI thread searches the old catalogue meanwhile
    assert len(services.catalogue.search_index()) == before

    paused.go.set()
    sync.join(15)
    recorder.join(15)
    assert not sync.is_alive() and not recorder.is_alive()
    assert "error" not in synced, synced.get("error")
    assert synced["result"].complete and synced["result"].updated == before
    assert synced["result"].deleted == DROPPED
    assert recorded == {"result": True}

    after = before - DROPPED
    assert other_reader(services) == (after, after)  # the new catalogue, whole
    assert services.catalogue.count() == after
    assert len(services.catalogue._index) == after  # the sync thread built the new index after its commit
    assert len(services.catalogue.search_index()) == after  # and the UI thread's search takes it
    assert services.search("khai sinh")
    assert [(c["query"], c["outcome"], c["count"]) for c in services.missed.counts()] == [
        ("dang ky nuoi ong", missed.NO_MATCH, 1)
    ]


def test_a_search_on_the_ui_thread_never_meets_half_a_sync(kiosk):
    """Searches on the builder's thread all through a sync: every one sees a whole catalogue."""
    services = kiosk
    before = services.catalogue.count()
    paused = services.client = PausedAnswer(services.client)
    sync, synced = in_thread("kiosk-catalogue-sync", services.sync_catalogue)
    assert paused.halfway.wait(10)
    for query in ("khai sinh", "ket hon", "1.0", "dat dai"):
        assert services.search(query, limit=200) == services.search(query, limit=200)
    fields_during = sum(f["count"] for f in services.fields())
    paused.go.set()
    sync.join(15)
    assert "error" not in synced, synced.get("error")
    assert fields_during == before
    assert sum(f["count"] for f in services.fields()) == before - DROPPED


def test_syncs_missed_searches_and_heartbeats_on_their_threads_all_land(kiosk):
    """The kiosk's three writers at once (catalogue sync, UI counting missed searches, the heartbeat
    taking and acknowledging them): no error on any thread, every count kept, the catalogue whole."""
    services = kiosk
    stop = threading.Event()
    errors: list[BaseException] = []
    recorded = []

    def guard(fn):
        def run():
            try:
                fn()
            except BaseException as exc:
                errors.append(exc)
                stop.set()

        return run

    def syncs():
        for _ in range(4):
            result = services.catalogue.sync(_Complete(services.client))
            assert result.complete
        stop.set()

    def ui():
        n = 0
        while not stop.is_set():
            n += 1
            assert services.missed.record(f"tim thu tuc {n % 7}", missed.NO_MATCH)
            recorded.append(n)
            services.search("khai sinh")

    def heartbeat():
        while not stop.is_set():
            services.missed.acknowledge(services.missed.pending())

    threads = [threading.Thread(target=guard(f), name=f.__name__) for f in (syncs, ui, heartbeat)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    assert recorded
    counted = sum(c["count"] for c in services.missed.counts())
    assert counted == len(recorded)
    assert services.catalogue.count() == len(services.catalogue.search_index())


class _Complete:
    """The kiosk's client asking for the whole catalogue every time (as after a server's reimport)."""

    def __init__(self, client):
        self.client = client

    def procedures(self, since=None, etag=None):
        return self.client.procedures(since=None, etag=None)


def test_an_in_memory_store_keeps_one_connection_and_takes_turns(demo):
    """Without a file (tests, a bench) the catalogue and the counts share the one connection, one at a time."""
    from kiosk.missed import MissedSearches
    from motcua.client import Client
    from motcua.store import migrations

    db = connect(":memory:")
    migrations.apply(db)
    catalogue, counts = Catalogue(db), MissedSearches(db, today=lambda: "2026-12-04")
    client = PausedAnswer(Client(demo.url, demo.device_token(kind="kiosk", office=OFFICE, counter=None), timeout=5))
    sync, synced = in_thread("kiosk-catalogue-sync", lambda: catalogue.sync(client))
    assert client.halfway.wait(10)
    recorder, recorded = in_thread("ui-missed", lambda: counts.record("dang ky nuoi ong", missed.NO_MATCH))
    recorder.join(0.3)
    assert recorder.is_alive()  # waits its turn: the sync has the connection
    client.go.set()
    sync.join(15)
    recorder.join(15)
    assert "error" not in synced, synced.get("error")
    assert recorded == {"result": True}
    assert catalogue.count() == synced["result"].updated - DROPPED == len(catalogue.search_index())
