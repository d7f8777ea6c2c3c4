"""One classifier decides every item's answer (`ratings.Stored.classify`): the batch path and the
item-by-item path taken when a twin was committed meanwhile answer alike, with the wire's strings."""

import datetime
import json
import uuid

from sqlalchemy import insert

from central import ratings
from central.storage import make_engine, upgrade
from central.storage.schema import devices, offices


def _item(seq: int, dossier: str | None = None, score: int = 3) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "device_seq": seq,
        "created_at": "2026-01-05T09:00:00+07:00",
        "office": "XA-A",
        "counter": 1,
        "scale": 3,
        "score": score,
        "reasons": [],
        "dossier_code": dossier,
    }


def test_batch_and_item_by_item_paths_answer_alike(tmp_path, monkeypatch):
    engine = make_engine(str(tmp_path / "central.db"))
    try:
        upgrade(engine)
        with engine.begin() as conn:
            conn.execute(insert(offices).values(code="XA-A", name="Xã A"))
            conn.execute(
                insert(devices).values(
                    id=1,
                    kind="rating",
                    office_code="XA-A",
                    counter=1,
                    name="t",
                    token_hash="x" * 64,
                    created_at=datetime.datetime(2026, 1, 1),
                )
            )
            stored = [_item(1, "000.00.31.H29-251103-0001"), _item(2), _item(3), _item(4, "000.00.31.H29-251103-0004")]
            assert {r["status"] for r in ratings.ingest(conn, 1, "XA-A", stored)["results"]} == {"accepted"}
        batch = [
            dict(stored[0]),
            dict(stored[1], score=1),
            _item(3),
            _item(9, "000.00.31.H29-251103-0004"),
            _item(10),
            _item(11, "000.00.31.H29-251103-0011"),
            dict(_item(12), office="XA-B"),
        ]
        expected = [
            ("duplicate", None),
            ("conflict", "different_content"),
            ("rejected", "seq_taken"),
            ("rejected", "already_rated"),
            ("accepted", None),
            ("accepted", None),
            ("rejected", "wrong_office"),
        ]

        def answers(conn) -> list:
            response = ratings.ingest(conn, 1, "XA-A", batch)
            wire = json.loads(json.dumps(response))  # what the tablet reads
            assert wire["results"] == response["results"]
            return [(r["status"], r["reason"]) for r in wire["results"]]

        with engine.connect() as conn, conn.begin() as tx:
            assert answers(conn) == expected
            tx.rollback()
        # The batch's read misses everything (as if the stored rows were committed by a twin just
        # after it): the bulk insert fails and each item is classified again, by the same rule.
        monkeypatch.setattr(
            ratings.Stored,
            "read",
            classmethod(
                lambda cls, conn, device_id, rows, real=ratings.Stored.read: (
                    cls({}, set(), set()) if len(rows) > 1 else real(conn, device_id, rows)
                )
            ),
        )
        with engine.connect() as conn, conn.begin() as tx:
            assert answers(conn) == expected
            tx.rollback()
        assert [s.value for s in ratings.Status] == ["accepted", "duplicate", "conflict", "rejected"]
    finally:
        engine.dispose()
