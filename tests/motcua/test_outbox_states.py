"""State-machine property test of the outbox: put / send ok / send fail / answer lost / crash / restart."""

import json
import shutil
import tempfile
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from motcua.outbox import Outbox


class OutboxMachine(RuleBasedStateMachine):
    """A model server (id -> payload, idempotency keys remembered) against the real outbox on a file."""

    def __init__(self):
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="outbox-sm-"))
        self.path = self.dir / "tablet.db"
        self.ob = Outbox.open(self.path)
        self.acknowledged: dict[str, int] = {}  # id -> score
        self.server: dict[str, dict] = {}
        self.keys: dict[str, list[str]] = {}  # Idempotency-Key -> ids sent under it
        self.refused: set[str] = set()

    def _post(self, key, items):
        if key in self.keys:  # a retry must be the very same batch
            assert self.keys[key] == [i["id"] for i in items]
        self.keys[key] = [i["id"] for i in items]
        results = []
        for item in items:
            if item["score"] == 0:
                self.refused.add(item["id"])
                results.append({"id": item["id"], "status": "rejected", "reason": "invalid:score"})
            elif item["id"] in self.server:
                assert self.server[item["id"]] == item
                results.append({"id": item["id"], "status": "duplicate"})
            else:
                self.server[item["id"]] = item
                results.append({"id": item["id"], "status": "accepted"})
        return results

    @rule(score=st.integers(0, 3))
    def put(self, score):
        self.acknowledged[self.ob.put("rating", {"score": score})] = score

    @rule(limit=st.integers(1, 4))
    def send_ok(self, limit):
        key, items = self.ob.next_batch(limit=limit)
        if items:
            self.ob.settle(key, self._post(key, items))

    @rule(limit=st.integers(1, 4))
    def send_fails_before_server(self, limit):
        key, items = self.ob.next_batch(limit=limit)
        if items:
            self.ob.release(key, "connection refused")

    @rule(limit=st.integers(1, 4))
    def answer_lost(self, limit):
        key, items = self.ob.next_batch(limit=limit)
        if items:
            self._post(key, items)
            self.ob.release(key, "connection reset")

    @rule(limit=st.integers(1, 4))
    def crash_while_sending(self, limit):
        key, items = self.ob.next_batch(limit=limit)
        if items:
            self._post(key, items)
        self.ob.db.close()  # no settle, no release: rows stay 'sending' on disk
        self.ob = Outbox.open(self.path)

    @rule()
    def restart(self):
        self.ob.db.close()
        self.ob = Outbox.open(self.path)

    @invariant()
    def nothing_lost_nothing_doubled(self):
        counts = self.ob.counts()
        assert counts["sending"] == 0
        assert sum(counts.values()) == len(self.acknowledged)
        sent = {r[0] for r in self.ob.db.execute("SELECT id FROM outbox WHERE state = 'sent'")}
        assert sent <= set(self.server)
        quarantined = {q["id"] for q in self.ob.quarantined()}
        assert quarantined <= self.refused and not quarantined & set(self.server)
        seqs = [json.loads(r[0])["device_seq"] for r in self.ob.db.execute("SELECT payload FROM outbox")]
        assert sorted(seqs) == list(range(1, len(seqs) + 1))

    def teardown(self):
        # drain everything: in the end the server holds exactly the acceptable ratings
        for _ in range(len(self.acknowledged) + 1):
            self.send_ok(4)
        assert set(self.server) == {i for i, s in self.acknowledged.items() if s != 0}
        self.ob.db.close()
        shutil.rmtree(self.dir, ignore_errors=True)


OutboxMachine.TestCase.settings = settings(max_examples=40, stateful_step_count=30, deadline=None)
test_outbox_state_machine = OutboxMachine.TestCase


def test_outbox_states_are_the_columns_own_values(tmp_path):
    """The states the outbox writes are one enum (motcua.store.OutboxState), exactly the values the
    store's CHECK constraint allows, stored as the same text as before; rows read back are named."""
    import re
    import sqlite3

    from motcua.store import OutboxState

    ob = Outbox.open(tmp_path / "tablet.db")
    table = ob.db.execute("SELECT sql FROM sqlite_master WHERE name = 'outbox'").fetchone()[0]
    allowed = re.search(r"CHECK \(state IN \(([^)]*)\)\)", table).group(1)
    assert [s.strip(" '") for s in allowed.split(",")] == [s.value for s in OutboxState]
    first, second = ob.put("rating", {"score": 3}), ob.put("rating", {"score": 0})
    key, items = ob.next_batch()
    assert ob.get(first)["state"] is OutboxState.SENDING
    ob.settle(key, [{"id": first, "status": "accepted"}, {"id": second, "status": "rejected", "reason": "x"}])
    stored = dict(sqlite3.connect(tmp_path / "tablet.db").execute("SELECT id, state FROM outbox").fetchall())
    assert stored == {first: "sent", second: "quarantined"}
    assert ob.counts() == {"pending": 0, "sending": 0, "sent": 1, "quarantined": 1}
    [row] = ob.rows("state = ?", [OutboxState.QUARANTINED])
    assert (row.id, row.seq, row.state, row.reason) == (second, 2, "quarantined", "rejected: x")
    assert ob.quarantined()[0]["device_seq"] == 2
    ob.close()
