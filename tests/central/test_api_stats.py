"""/api/v1/stats: on-time and satisfaction figures computed by the rule, on SQLite and PostgreSQL."""

import json
import uuid
from datetime import datetime, timedelta
from motcua.officetime import OFFICE_TZ

VN = OFFICE_TZ


def test_stats_for_last_30_days(storage_server, tablet, kiosk, tmp_path):
    now = datetime.now(VN).replace(microsecond=0)
    day = lambda n: (now - timedelta(days=n)).isoformat()  # noqa: E731
    base = {"office": tablet.office, "procedure_code": "1.001193", "holder_name": "Phạm Văn C"}
    records = [
        # finished on time
        dict(base, code="A-1", status=10, received_at=day(10), due_at=day(8), finished_at=day(9), returned_at=day(9)),
        # finished late
        dict(base, code="A-2", status=9, received_at=day(10), due_at=day(8), finished_at=day(6)),
        # late by 2 days but 3 days waiting for documents: on time
        dict(
            base,
            code="A-3",
            status=10,
            received_at=day(12),
            due_at=day(8),
            finished_at=day(6),
            returned_at=day(5),
            steps=[{"name": "Bổ sung", "status": 5, "started_at": day(11), "finished_at": day(8)}],
        ),
        # open and past due: open_late, in chỉ tiêu 2.1 but not in Biểu 06's rate
        dict(base, code="A-4", status=4, received_at=day(5), due_at=day(1)),
        # withdrawn before its appointment: judged, early
        dict(base, code="A-5", status=7, received_at=day(5), due_at=day(1), finished_at=day(4)),
        # finished before the period: not counted as finished in it
        dict(base, code="A-6", status=10, received_at=day(60), due_at=day(55), finished_at=day(50)),
    ]
    path = tmp_path / "d.json"
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    storage_server.cli("import", "dossiers", str(path))
    scores = [3, 3, 2, 1, 2]
    items = [
        {
            "id": str(uuid.uuid4()),
            "device_seq": i + 1,
            "created_at": day(2),
            "office": tablet.office,
            "counter": 1,
            "score": s,
        }
        for i, s in enumerate(scores)
    ]
    assert tablet.post("/api/v1/ratings", {"ratings": items}).status_code == 200

    stats = kiosk.get(f"/api/v1/stats?office={tablet.office}&period=30d").json()
    # REPORTING.md: A-5's withdrawal is judged (withdrawn 4 days ago, due yesterday: early); A-1 and A-3
    # end days before their appointment (A-3 after its 3 days of supplement are taken out): early.
    assert stats["dossiers"] == {
        "received": 5,
        "finished": 4,
        "early": 3,
        "on_time": 3,
        "late": 1,
        "on_time_rate": 0.75,
        "open_late": 1,
        "carried_over": 0,
        "open": 1,
        "open_in_time": 0,
        "finished_on_time_rate": 0.75,
        "indicator_2_1": 0.6,
    }
    assert stats["ratings"] == {
        "count": 5,
        "satisfied": 4,
        "satisfaction_rate": 0.8,
        "distribution": {"1": 1, "2": 2, "3": 2},
        "scale": 3,
    }
    assert stats["period"]["name"] == "30d" and stats["period"]["to"].endswith("+07:00")
    assert sum(m["ratings"] for m in stats["series"]) >= 5
    assert stats["series"][-1]["label"].startswith("T")


def test_stats_with_nothing_gives_null_rates(storage_server, kiosk):
    stats = kiosk.get(f"/api/v1/stats?office={kiosk.office}&period=year").json()
    assert stats["dossiers"]["on_time_rate"] is None and stats["ratings"]["satisfaction_rate"] is None
    assert len(stats["series"]) == 12
    assert kiosk.get("/api/v1/stats?office=NOWHERE&period=year").status_code == 404
