"""Quick ratings: a rating recorded less than reports.QUICK_SECONDS after the previous one of the same
tablet is counted per officer / counter / day / field / procedure and in the overview, on SQLite and
PostgreSQL, equal to a hand count and to a plain Python count over the stored rows."""
import uuid
import pytest
from sqlalchemy import insert, select

from central import reports
from central.ratings import ingest
from central.storage import make_engine, upgrade
from central.storage.schema import devices, dossiers, offices, staff
from central.timeutil import utcnow
from conftest import quick_by_officer

OFFICE = "XA-DONDAP"
DAY = "2025-11-12"


def _rating(seq: int, staff_id: int, counter: int, clock: str, score: int = 3, dossier: str | None = None) -> dict:
    return {"id": str(uuid.uuid4()), "device_seq": seq, "created_at": f"{DAY}T{clock}+07:00", "office": OFFICE,
            "counter": counter, "staff_id": staff_id, "scale": 3, "score": score, "reasons": [],
            "comment": None, "dossier_code": dossier, "phone": None}


@pytest.fixture
def loaded(storage_url):
    """Tablet 1 (counter 1, officer Hùng): 10:00:00, :25 and :50 (25 s apart: 2 quick), 10:05:00,
    10:05:59 (59 s: quick), 10:07:00 (61 s: not), and 10:06:30 sent late with a higher sequence
    number (between 10:05:59 and 10:07:00 by the clock: 31 s after one, 30 s before the next, so
    10:06:30 and 10:07:00 are both quick). Tablet 2 (counter 2, officer Thu): 10:00:10, 10:30:00:
    10 s after tablet 1's rating, yet another tablet, so never quick. Hand count: Hùng 5, Thu 0."""
    engine = make_engine(storage_url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(insert(offices).values(code=OFFICE, name="Xã Dồn Dập"))
        hung = conn.execute(insert(staff).values(office_code=OFFICE, name="Hùng", counter=1)).inserted_primary_key[0]
        thu = conn.execute(insert(staff).values(office_code=OFFICE, name="Thu", counter=2)).inserted_primary_key[0]
        conn.execute(insert(dossiers).values(code="D-1", office_code=OFFICE, procedure_code="1.001193",
                                             procedure_name="Đăng ký khai sinh", holder_name="Lê Văn A",
                                             status=10, received_at=utcnow(), updated_at=utcnow()))
        tablets = [conn.execute(insert(devices).values(kind="rating", office_code=OFFICE, counter=c, name=f"t{c}",
                                                       token_hash=f"{c}" * 64, created_at=utcnow()))
                   .inserted_primary_key[0] for c in (1, 2)]
        first = [_rating(1, hung, 1, "10:00:00"), _rating(2, hung, 1, "10:00:25", dossier="D-1"),
                 _rating(3, hung, 1, "10:00:50", score=1), _rating(4, hung, 1, "10:05:00"),
                 _rating(5, hung, 1, "10:05:59"), _rating(6, hung, 1, "10:07:00")]
        late = [_rating(7, hung, 1, "10:06:30")]
        second = [_rating(1, thu, 2, "10:00:10"), _rating(2, thu, 2, "10:30:00")]
        for tablet, batch in ((tablets[0], first), (tablets[0], late), (tablets[1], second)):
            assert {r["status"] for r in ingest(conn, tablet, OFFICE, batch)["results"]} == {"accepted"}
    yield engine, hung, thu
    engine.dispose()


def test_quick_ratings_per_tablet_equal_the_hand_count(loaded):
    engine, hung, thu = loaded
    period = reports.parse_period(None, DAY, DAY)
    with engine.connect() as conn:
        officers = {i["key"]: i for i in reports.satisfaction_by(conn, "officer", OFFICE, period)["items"]}
        assert (officers[hung]["count"], officers[hung]["quick"]) == (7, 5)
        assert (officers[thu]["count"], officers[thu]["quick"]) == (2, 0)
        assert {hung: 5} == dict(quick_by_officer(conn, period, OFFICE))
        counters = {i["key"]: i["quick"] for i in reports.satisfaction_by(conn, "counter", OFFICE, period)["items"]}
        assert counters == {1: 5, 2: 0}
        days = reports.satisfaction_by(conn, "day", OFFICE, period)["items"]
        assert [(d["count"], d["quick"]) for d in days] == [(9, 5)]
        procedures = {i["key"]: i["quick"] for i in reports.satisfaction_by(conn, "procedure", OFFICE, period)["items"]}
        assert procedures == {"1.001193": 1, None: 4}   # 10:00:25 was linked to dossier D-1
        assert reports.overview(conn, OFFICE, period)["ratings"]["quick"] == 5
        # A period that starts after the burst: the first rating of the period has no previous one.
        later = reports.parse_period(None, "2025-11-13", "2025-11-30")
        assert reports.overview(conn, OFFICE, later)["ratings"]["quick"] == 0
