"""Satisfaction in the legal frame and sending it upward (issue 15, items 6-7), on SQLite and PostgreSQL.

Ratings of 3-, 4- and 5-level tablets go in through the real API; the hand count below maps each
onto the "Bảng đánh giá" levels (motcua.scale.legal_level) and each reason onto its criterion.
`motcua-central report votes` must print that count in OpenCPS's /Vote/UpdateVote shape, and the
push must reach a small OAuth2 platform on a real socket: a bad secret is refused (401) and kept for
a retry, a 500 is retried until it is taken, a platform that does not answer times out.
"""

import json
import time
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from central import legal, upward
from central.storage import make_engine
from central.storage.schema import upward_pushes
from motcua import scale
from motcua.config import ConfigError
from tests.support.upward_platform import Platform, upward_ini

# (scale, score, reasons) and their "Bảng đánh giá" level, worked out by hand.
RATINGS = [
    (3, 3, [], "rat_hai_long"),
    (3, 2, [], "hai_long"),
    (3, 1, ["tre_hen", "thai_do"], "khong_hai_long"),
    (4, 4, [], "rat_hai_long"),
    (4, 2, ["di_lai_nhieu_lan"], "khong_hai_long"),  # Chưa hài lòng
    (5, 3, [], "hai_long"),  # Bình thường
    (5, 1, ["cho_lau", "nhung_nhieu"], "khong_hai_long"),
    (5, 5, [], "rat_hai_long"),
]
# total 8: rất hài lòng 3 (37.5%), hài lòng 2 (25%), không hài lòng 3 (37.5%)


def test_every_scale_maps_onto_the_three_legal_levels_and_every_reason_has_a_label():
    assert [scale.legal_level(s, 3) for s in (1, 2, 3)] == ["khong_hai_long", "hai_long", "rat_hai_long"]
    assert [scale.legal_level(s, 4) for s in (1, 2, 3, 4)] == [
        "khong_hai_long",
        "khong_hai_long",
        "hai_long",
        "rat_hai_long",
    ]
    assert [scale.legal_level(s, 5) for s in range(1, 6)] == [
        "khong_hai_long",
        "khong_hai_long",
        "hai_long",
        "hai_long",
        "rat_hai_long",
    ]
    assert [scale.legal_level(s, 2) for s in (1, 2)] == ["khong_hai_long", "hai_long"]
    for sc in (2, 3, 4, 5):
        for s in range(1, sc + 1):
            assert not scale.score_name(s, sc).startswith("Mức"), (s, sc)
    # REPORTING.md's table: each default reason and its criterion; the four oldest codes still read.
    assert scale.REASON_CRITERIA == {
        "tre_hen": 1,
        "di_lai_nhieu_lan": 3,
        "den_nhieu_noi": 4,
        "khong_niem_yet": 6,
        "thai_do": 7,
        "nhung_nhieu": 7,
        "giay_to_ngoai_quy_dinh": 7,
    }
    assert {"thai_do", "cho_lau", "huong_dan", "giay_to_ngoai_quy_dinh"} <= set(scale.STANDARD_REASONS)
    assert len(scale.STANDARD_REASONS) == 9
    assert scale.reason_name("phi_cao") == "Lý do riêng của văn phòng: phi_cao"
    labels = legal.custom_labels("phi_cao=Phí cao|xe = Không có chỗ để xe|bad")
    assert scale.reason_name("phi_cao", custom=labels) == "Phí cao"
    assert scale.reason_name("xe", custom=labels) == "Không có chỗ để xe"


def _post(tablet, make_rating, office):
    items = [
        make_rating(i + 1, office, scale=sc, score=s, reasons=r, created_at=f"2026-10-{10 + i:02d}T09:00:00+07:00")
        for i, (sc, s, r, _lv) in enumerate(RATINGS)
    ]
    # one in November: not in October's figures
    items.append(make_rating(9, office, scale=3, score=1, created_at="2026-11-01T08:00:00+07:00"))
    r = tablet.post("/api/v1/ratings", {"ratings": items})
    assert r.status_code == 200, r.text
    assert all(x["status"] == "accepted" for x in r.json()["results"]), r.text


def test_report_votes_prints_the_hand_count_in_opencps_shape(storage_server, tablet, make_rating, office):
    _post(tablet, make_rating, office)
    out = json.loads(storage_server.cli("report", "votes", "--month", "2026-10", "--office", office))
    assert out["TotalVoted"] == 8
    assert (out["PercentVeryGood"], out["PercentGood"], out["PercentBad"]) == (37.5, 25.0, 37.5)
    assert out["Month"] == 10 and out["Year"] == 2026 and out["OrganizationInchargeIdlevel1"] == office
    assert [q["TotalVoted"] for q in out["Questions"]] == [8]
    q = out["Questions"][0]
    assert (q["PercentVeryGood"], q["PercentGood"], q["PercentBad"]) == (37.5, 25.0, 37.5)
    assert set(out) >= {"DateCreated", "TotalVoted", "PercentVeryGood", "PercentGood", "PercentBad", "Questions"}
    # the same figures by criterion and per month (section II of the Bảng đánh giá)
    engine = make_engine(storage_server.db_url)
    with engine.connect() as conn:
        first, last = legal.month_span("2026-10")
        data = legal.section_ii(conn, office, first, last)
    engine.dispose()
    assert data["levels"]["counts"] == {"khong_hai_long": 3, "hai_long": 2, "rat_hai_long": 3}
    assert data["scales"] == [3, 4, 5]
    by = {c["criterion"]: c for c in data["criteria"]}
    assert by[1]["count"] == 1 and by[3]["count"] == 1 and by[7]["count"] == 2 and by[None]["count"] == 1
    assert {r["label"] for r in by[7]["reasons"]} == {"Thái độ chưa tốt", "Có biểu hiện nhũng nhiễu, gây phiền hà"}
    assert by[4]["count"] == 0 and by[9]["count"] == 0
    assert [m["total"] for m in data["months"]] == [8]


def test_a_month_that_is_not_a_month_is_refused_clearly(storage_server):
    r = storage_server.run_cli("report", "votes", "--month", "2026-13")
    assert r.returncode == 2 and "YYYY-MM" in r.stderr and "Traceback" not in r.stderr


@pytest.fixture
def platform():
    p = Platform()
    yield p
    p.stop()


def _settings(tmp_path, platform, secret, office, timeout=3, mode=0o600):
    return upward_ini(tmp_path, platform, secret, office, timeout, mode)


def _row(engine, month, office):
    with engine.connect() as conn:
        return conn.execute(
            select(upward_pushes).where(upward_pushes.c.month == month, upward_pushes.c.office_code == office)
        ).first()


def test_push_refused_token_is_kept_then_500_then_taken(
    storage_server, tablet, make_rating, office, platform, tmp_path
):
    _post(tablet, make_rating, office)
    engine = make_engine(storage_server.db_url)
    now = datetime(2026, 11, 5, 2, 0)  # naive UTC, as stored
    # a wrong secret: the token endpoint answers 401; the error says so and never holds the secret
    bad = upward.load(_settings(tmp_path, platform, "wrong-secret", office))
    assert "wrong-secret" not in repr(bad)
    outcome = upward.retry_due(engine, bad, now)
    assert outcome and outcome[0].startswith("failed") and "401" in outcome[0]
    row = _row(engine, "2026-10", office)
    assert row.sent_at is None and row.attempts == 1 and row.next_try_at == now + timedelta(minutes=30)
    assert "401" in row.last_error and "wrong-secret" not in row.last_error and "wrong-secret" not in row.body
    assert platform.received == []
    # the right secret, but the platform fails once with 500: kept, tried again when due
    good = upward.load(_settings(tmp_path, platform, platform.secret, office))
    platform.answers = [500]
    assert upward.retry_due(engine, good, now + timedelta(minutes=10)) == []  # not due yet
    outcome = upward.retry_due(engine, good, now + timedelta(minutes=31))
    assert outcome[0].startswith("failed") and "HTTP 500" in outcome[0]
    row = _row(engine, "2026-10", office)
    assert row.attempts == 2 and row.sent_at is None
    outcome = upward.retry_due(engine, good, now + timedelta(minutes=62))
    assert outcome == [f"sent 2026-10 {office}"]
    row = _row(engine, "2026-10", office)
    assert row.sent_at == now + timedelta(minutes=62) and row.next_try_at is None and row.last_error is None
    assert row.attempts == 3
    [body] = platform.received
    assert body["TotalVoted"] == 8 and body["PercentBad"] == 37.5 and body["Questions"][0]["TotalVoted"] == 8
    # once taken, nothing more is sent
    assert upward.retry_due(engine, good, now + timedelta(days=1)) == []
    with engine.connect() as conn:
        state = upward.state(conn)
    assert any(s["month"] == "2026-10" and s["sent_at"] for s in state)
    engine.dispose()


def test_push_that_gets_no_answer_times_out_and_is_kept(storage_server, office, platform, tmp_path):
    engine = make_engine(storage_server.db_url)
    up = upward.load(_settings(tmp_path, platform, platform.secret, office, timeout=1))
    platform.delay = 2.5
    started = time.monotonic()
    outcome = upward.push_month(engine, up, "2026-09", office, datetime(2026, 11, 5, 2, 0))
    assert time.monotonic() - started < 2.4
    assert outcome.startswith("failed") and "no answer within 1 s" in outcome
    row = _row(engine, "2026-09", office)
    assert row.sent_at is None and row.next_try_at is not None
    engine.dispose()


def test_a_secret_file_others_may_read_is_refused(tmp_path, platform):
    with pytest.raises(ConfigError) as err:
        upward.load(_settings(tmp_path, platform, "abc", "", mode=0o644))
    assert "chmod 600" in str(err.value) and "abc" not in str(err.value)


def test_the_background_pusher_retries_until_the_platform_takes_the_month(
    storage_server, tablet, make_rating, office, platform, tmp_path
):
    _post(tablet, make_rating, office)
    engine = make_engine(storage_server.db_url)
    up = upward.load(_settings(tmp_path, platform, platform.secret, office))
    platform.answers = [500, 503]
    moments = iter([datetime(2026, 11, 5, 2, 0) + timedelta(minutes=31 * i) for i in range(50)])
    pusher = upward.Pusher(engine, up, every_s=0.05, first_after_s=0, clock=lambda: next(moments)).start()
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            row = _row(engine, "2026-10", office)
            if row is not None and row.sent_at is not None:
                break
            time.sleep(0.05)
    finally:
        pusher.stop()
        time.sleep(0.2)
    # other months left unsent on this database are retried in the same passes, so count this one's
    [body] = [b for b in platform.received if b["OrganizationInchargeIdlevel1"] == office and b["Month"] == 10]
    assert body["TotalVoted"] == 8
    row = _row(engine, "2026-10", office)
    assert row.attempts >= 2 and row.sent_at is not None and row.last_error is None  # the first try got 500
    engine.dispose()


def test_migration_0017_adds_and_removes_the_push_table(storage_url):
    from pathlib import Path

    from alembic import command
    from alembic.config import Config
    from sqlalchemy import inspect

    from central import storage
    from tests.support.dash_web import upgrade_to

    engine = make_engine(storage_url)
    upgrade_to(engine, "0016")
    assert "upward_pushes" not in inspect(engine).get_table_names()
    upgrade_to(engine, "0017")
    columns = {c["name"] for c in inspect(engine).get_columns("upward_pushes")}
    assert columns == {c.name for c in upward_pushes.columns} - {"lease_owner", "lease_until"}  # those: 0019
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(storage.__file__).resolve().parent.parent / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0016")
    assert "upward_pushes" not in inspect(engine).get_table_names()
    engine.dispose()
