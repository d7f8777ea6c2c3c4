"""Quick ratings: a rating recorded less than rules.QUICK_SECONDS after its tablet's previous one is
marked at ingest (and by migration 0006 for older rows) and counted per officer / counter / day /
field / procedure and in the overview, on SQLite and PostgreSQL, equal to a hand count and to a
plain Python count over the stored rows."""

import uuid

import pytest
from sqlalchemy import insert, select, true

from central import reports
from central.ratings import backfill_quick, ingest
from central.storage import make_engine, upgrade
from central.devices import add_device
from central.dossiers import store as store_dossiers
from central.staff import add_officer
from central.storage.schema import offices, ratings
from central.timeutil import utcnow
from tests.support.dash_web import quick_by_officer, store_as_before_0006, upgrade_to

OFFICE = "XA-DONDAP"
DAY = "2025-11-12"


def _rating(seq: int, staff_id: int, counter: int, clock: str, score: int = 3, dossier: str | None = None) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "device_seq": seq,
        "created_at": f"{DAY}T{clock}+07:00",
        "office": OFFICE,
        "counter": counter,
        "staff_id": staff_id,
        "scale": 3,
        "score": score,
        "reasons": [],
        "comment": None,
        "dossier_code": dossier,
        "phone": None,
    }


def _load(engine) -> tuple[int, int, list]:
    with engine.begin() as conn:
        conn.execute(insert(offices).values(code=OFFICE, name="Xã Dồn Dập"))
        hung = add_officer(conn, OFFICE, "Hùng", counter=1)
        thu = add_officer(conn, OFFICE, "Thu", counter=2)
        store_dossiers(
            conn,
            [
                (
                    {
                        "code": "D-1",
                        "office_code": OFFICE,
                        "procedure_code": "1.001193",
                        "procedure_name": "Đăng ký khai sinh",
                        "holder_name": "Lê Văn A",
                        "status": 10,
                        "received_at": utcnow(),
                    },
                    [],
                )
            ],
        )
        tablets = [add_device(conn, "rating", OFFICE, c, f"t{c}")[0] for c in (1, 2)]
    return hung, thu, tablets


def _post(engine, tablet: int, batch: list) -> None:
    with engine.begin() as conn:
        assert {r["status"] for r in ingest(conn, tablet, OFFICE, batch)["results"]} == {"accepted"}


def _batches(hung: int, thu: int) -> tuple[list, list, list]:
    """Tablet 1 (counter 1, officer Hùng), in its own order (device_seq):
      1 10:00:00 · 2 10:00:25 (25 s: quick) · 3 10:00:50 (quick) · 4 10:05:00 · 5 10:05:40 (40 s: quick)
      6 10:07:00 (80 s) · 7 10:06:50 (the clock set back 10 s: not quick) · 8 10:07:30 (40 s: quick)
    Seq 4 arrives last (an outbox gap filled later): until then seq 5's previous rating is seq 3,
    290 s before, so it is not quick. Tablet 2 (counter 2, officer Thu): 10:00:10, 10:30:00: 10 s
    after tablet 1's first rating, yet another tablet, so never quick.
    Hand count: Hùng 4 quick of 8 (3 before seq 4 arrives), Thu 0 of 2."""
    first = [
        _rating(1, hung, 1, "10:00:00"),
        _rating(2, hung, 1, "10:00:25", dossier="D-1"),
        _rating(3, hung, 1, "10:00:50", score=1),
        _rating(5, hung, 1, "10:05:40"),
        _rating(6, hung, 1, "10:07:00"),
        _rating(7, hung, 1, "10:06:50"),
        _rating(8, hung, 1, "10:07:30"),
    ]
    late = [_rating(4, hung, 1, "10:05:00")]
    other = [_rating(1, thu, 2, "10:00:10"), _rating(2, thu, 2, "10:30:00")]
    return first, late, other


@pytest.fixture
def engine(storage_url):
    engine = make_engine(storage_url)
    yield engine
    engine.dispose()


def _quick_seqs(engine, tablet: int) -> list[int]:
    with engine.connect() as conn:
        return list(
            conn.execute(
                select(ratings.c.device_seq)
                .where(ratings.c.device_id == tablet, ratings.c.quick == true())
                .order_by(ratings.c.device_seq)
            ).scalars()
        )


def test_quick_ratings_per_tablet_equal_the_hand_count(engine):
    upgrade(engine)
    hung, thu, tablets = _load(engine)
    first, late, other = _batches(hung, thu)
    _post(engine, tablets[0], first)
    _post(engine, tablets[1], other)
    assert _quick_seqs(engine, tablets[0]) == [2, 3, 8]
    _post(engine, tablets[0], late)  # seq 4 fills the gap: seq 5 is now 40 s after its previous rating
    assert _quick_seqs(engine, tablets[0]) == [2, 3, 5, 8] and _quick_seqs(engine, tablets[1]) == []
    period = reports.parse_period(None, DAY, DAY)
    with engine.connect() as conn:
        officers = {i["key"]: i for i in reports.satisfaction_by(conn, "officer", OFFICE, period)["items"]}
        assert (officers[hung]["count"], officers[hung]["quick"]) == (8, 4)
        assert (officers[thu]["count"], officers[thu]["quick"]) == (2, 0)
        assert dict(quick_by_officer(conn, period, OFFICE)) == {hung: 4}
        counters = {i["key"]: i["quick"] for i in reports.satisfaction_by(conn, "counter", OFFICE, period)["items"]}
        assert counters == {1: 4, 2: 0}
        days = reports.satisfaction_by(conn, "day", OFFICE, period)["items"]
        assert [(d["count"], d["quick"]) for d in days] == [(10, 4)]
        procedures = {i["key"]: i["quick"] for i in reports.satisfaction_by(conn, "procedure", OFFICE, period)["items"]}
        assert procedures == {"1.001193": 1, None: 3}  # seq 2 was linked to dossier D-1
        assert reports.overview(conn, OFFICE, period)["ratings"]["quick"] == 4
        later = reports.parse_period(None, "2025-11-13", "2025-11-30")
        assert reports.overview(conn, OFFICE, later)["ratings"]["quick"] == 0


def test_migration_0006_marks_the_ratings_stored_before_it(engine):
    """A database of the previous schema (0005) holding the same ratings: the upgrade's backfill
    marks exactly what ingest marks (chunked, so a chunk border falls inside a tablet's ratings)."""
    upgrade_to(engine, "0005")
    hung, thu, tablets = _load(engine)
    first, late, other = _batches(hung, thu)
    with engine.begin() as conn:
        store_as_before_0006(conn, tablets[0], first + late)
        store_as_before_0006(conn, tablets[1], other)
    upgrade_to(engine, "head")
    assert _quick_seqs(engine, tablets[0]) == [2, 3, 5, 8] and _quick_seqs(engine, tablets[1]) == []
    with engine.begin() as conn:  # chunks of 3 rows give the same flags
        conn.execute(ratings.update().values(quick=True))
        assert backfill_quick(conn, chunk=3) == 4
    assert _quick_seqs(engine, tablets[0]) == [2, 3, 5, 8] and _quick_seqs(engine, tablets[1]) == []
