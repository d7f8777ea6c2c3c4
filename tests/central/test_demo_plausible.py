"""The demo is the first thing an office sees, so it must be plausible (read from the database `seed-demo`
fills through the real CLI, and from the generators at awkward moments): comments match their level, every
officer's action falls on a working day in office hours, and HCMC's unit code H29 belongs to the HCMC office."""

import json
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from central.demo import sample
from motcua.scale import SCALE_LABELS

VN = timezone(timedelta(hours=7))
# Written out here rather than taken from motcua.officetime: Monday-Friday, 07:30-17:00, office time
OPENS, CLOSES = (7, 30), (17, 0)
POSITIVE = ("tận tình", "cảm ơn", "rất hài lòng", "ổn,", "chu đáo", "nhiệt tình")


def in_office_hours(value: str) -> bool:
    moment = datetime.fromisoformat(value)
    moment = (moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment).astimezone(VN)
    return (
        moment.weekday() < 5
        and OPENS <= (moment.hour, moment.minute)
        and ((moment.hour, moment.minute, moment.second) <= (*CLOSES, 0))
    )


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    from central import cli

    path = str(tmp_path_factory.mktemp("demo") / "central.db")
    assert cli.main(["--db", path, "init"]) == 0
    assert cli.main(["--db", path, "seed-demo"]) == 0
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


def test_comments_match_their_level(db):
    rows = db.execute(
        "SELECT score, scale, comment FROM ratings WHERE comment IS NOT NULL AND comment != ''"
    ).fetchall()
    assert len(rows) >= 5
    for r in rows:
        level = SCALE_LABELS[r["scale"]][r["score"]][0]
        assert level == "Không hài lòng", (level, r["comment"])  # the tablet asks for comments after that level only
        assert not any(word in r["comment"].lower() for word in POSITIVE), (level, r["comment"])


def test_every_officer_action_is_in_office_hours_on_a_working_day(db):
    times = []
    for r in db.execute("SELECT status, received_at, finished_at, returned_at FROM dossiers"):
        times += [(f"dossier {k}", r[k]) for k in ("finished_at", "returned_at") if r[k]]
        if r["status"] != 1:  # status 1 is an online submission: citizens submit at any hour
            times.append(("received_at", r["received_at"]))
    for r in db.execute("SELECT name, status, started_at, finished_at FROM dossier_steps"):
        if r["status"] != 1:
            times += [(r["name"], t) for t in (r["started_at"], r["finished_at"]) if t]
    times += [("rating", r["created_at"]) for r in db.execute("SELECT created_at FROM ratings")]
    assert len(times) > 500
    outside = [f"{what}: {when}" for what, when in times if not in_office_hours(when)]
    assert not outside, f"{len(outside)} times outside office hours, e.g. {outside[:5]}"


@pytest.mark.parametrize("now", ["2026-11-22T23:40:00+07:00", "2026-11-23T06:10:00+07:00", "2026-11-20T19:30:00+07:00"])
def test_the_generators_keep_office_hours_whenever_the_demo_is_started(now):
    """A demo started on Sunday night, before opening on Monday or on Friday evening."""
    now = datetime.fromisoformat(now)
    outside = []
    for office in sample.demo_offices():
        for d in sample.demo_dossiers(now, office=office["code"]):
            for key in ("finished_at", "returned_at") + (("received_at",) if d["status"] != 1 else ()):
                if d.get(key) and not in_office_hours(d[key]):
                    outside.append(f"{d['code']} {key} {d[key]}")
            for step in json.loads(d["steps"]) if isinstance(d["steps"], str) else d["steps"]:
                for key in ("started_at", "finished_at"):
                    if step["status"] != 1 and step.get(key) and not in_office_hours(step[key]):
                        outside.append(f"{d['code']} {step['name']} {key} {step[key]}")
    outside += [f"rating {r['created_at']}" for r in sample.demo_ratings(now) if not in_office_hours(r["created_at"])]
    assert not outside, f"{len(outside)} times outside office hours, e.g. {outside[:5]}"


def test_hcmc_s_unit_code_belongs_to_the_hcmc_office(db):
    offices = db.execute("SELECT code, name, unit_code FROM offices").fetchall()
    h29 = [o["code"] for o in offices if (o["unit_code"] or "").endswith(".H29")]
    assert h29 == ["PHUONG-TANDINH"]  # phường Tân Định, Ho Chi Minh City
    hcmc = next(o for o in sample.demo_offices() if o["code"] == "PHUONG-TANDINH")
    assert "Hồ Chí Minh" in hcmc["address"]
    for o in offices:
        codes = [r[0] for r in db.execute("SELECT code FROM dossiers WHERE office_code = ?", [o["code"]])]
        assert codes and all(c.startswith(o["unit_code"] + "-") for c in codes)


def test_every_standard_reason_is_ticked_in_the_demo(db):
    """The dashboard's 'reasons by criterion' shows every criterion of the demo, criteria 4 and 6
    (den_nhieu_noi, khong_niem_yet) too: each standard reason of motcua/scale.py is ticked at least once."""
    from motcua.scale import STANDARD_REASONS

    ticked = {}
    for (reasons,) in db.execute("SELECT reasons FROM ratings"):
        for code in json.loads(reasons or "[]"):
            ticked[code] = ticked.get(code, 0) + 1
    assert set(STANDARD_REASONS) - set(ticked) == set(), ticked


def test_the_seeded_devices_are_named_in_vietnamese(db):
    """The Vietnamese device list (and the README's screenshot of it) shows the demo ratings' pseudo-tablets:
    named in the dashboard's language, not "demo seed (not a real device)"."""
    names = {r["name"] for r in db.execute("SELECT name FROM devices")}
    assert names == {"Dữ liệu mẫu (không phải máy thật)"}, names


def test_apology_letters_and_counter_or_postal_submissions_fall_in_office_hours(db):
    """An apology letter is an officer's act, a new appointment is a time the office is open, and a dossier
    handed in at the counter or delivered by post arrives while the office is open (online: any hour)."""
    times = []
    for r in db.execute("SELECT code, channel, submitted_at, apology_at, extended_due_at FROM dossiers"):
        times += [(f"{r['code']} {k}", r[k]) for k in ("apology_at", "extended_due_at") if r[k]]
        if r["channel"] in (1, 3):
            times.append((f"{r['code']} submitted_at (channel {r['channel']})", r["submitted_at"]))
    assert sum(1 for what, _ in times if "apology_at" in what) >= 3
    outside = [f"{what}: {when}" for what, when in times if not in_office_hours(when)]
    assert not outside, f"{len(outside)} times outside office hours, e.g. {outside[:5]}"


@pytest.mark.parametrize("now", ["2026-11-22T23:40:00+07:00", "2026-11-23T06:10:00+07:00", "2026-11-20T19:30:00+07:00"])
def test_the_reporting_facts_keep_office_hours_whenever_the_demo_is_started(now):
    from central.demo.seed import _demo_dossiers

    now = datetime.fromisoformat(now)
    outside = []
    for office in sample.demo_offices():
        for d in _demo_dossiers(now, office):
            keys = ["apology_at", "extended_due_at"] + (["submitted_at"] if d.get("channel") in (1, 3) else [])
            outside += [f"{d['code']} {k} {d[k]}" for k in keys if d.get(k) and not in_office_hours(d[k])]
            if d.get("apology_at"):
                assert datetime.fromisoformat(d["apology_at"]) <= now, d
    assert not outside, f"{len(outside)} times outside office hours, e.g. {outside[:5]}"


def test_demo_hints_name_each_dossier_once(db, capsys):
    """The demo's list of dossiers to try: a late one is offered as late, not also as a plain status 4."""
    from central import cli

    path = db.execute("PRAGMA database_list").fetchone()[2]
    capsys.readouterr()
    assert cli.main(["--db", path, "demo-hints"]) == 0
    codes = [line.split()[0] for line in capsys.readouterr().out.splitlines() if "-" in line.split()[0]]
    assert len(codes) >= 5 and len(codes) == len(set(codes)), codes


# What a commune or ward officer is called since the two-level local government of 01/7/2025 (Nghị định
# 150/2025/NĐ-CP), written out here rather than taken from the demo: a rank, then the People's Committee's
# department, the public-administration service centre or the commune's police.
RANKS = ("Công chức ", "Chuyên viên ", "Cán bộ ")
UNITS_SINCE_2025 = (
    "Văn phòng HĐND và UBND",
    "Phòng Văn hóa - Xã hội",
    "Phòng Kinh tế",
    "Trung tâm Phục vụ hành chính công",
    "Công an xã",
    "Công an phường",
    "Công an cấp xã",
)
# The commune posts before the reform (Nghị định 33/2023/NĐ-CP) and the district level, gone since.
GONE = ("Tư pháp - Hộ tịch", "Tư pháp - Chứng thực", "Công chức Văn hóa - Xã hội", "Địa chính", "Văn phòng - Thống kê")
GONE += ("Tài chính - Kế toán", "huyện", "quận")


def test_staff_titles_are_those_of_a_commune_since_july_2025(db):
    """Issue 18's review: the demo's officers carried the pre-2025 commune posts ("Công chức Tư pháp - Hộ
    tịch"). Each title is a rank and a unit a commune or ward has now, a ward's officers are not called the
    commune's ("Công an xã" in a ward), and the step history names the same units."""
    offices = {r["code"]: r["name"] for r in db.execute("SELECT code, name FROM offices")}
    rows = db.execute("SELECT office_code, name, title FROM staff").fetchall()
    assert len(rows) >= 6
    for r in rows:
        title, ward = r["title"], " phường " in offices[r["office_code"]]
        assert title.startswith(RANKS), (r["name"], title)
        assert any(unit in title for unit in UNITS_SINCE_2025), (r["name"], title)
        assert not any(old in title for old in GONE), (r["name"], title)
        assert not title.endswith(" xã" if ward else " phường"), (r["office_code"], title)
    units = {r["unit"] for r in db.execute("SELECT DISTINCT unit FROM dossier_steps")}
    assert not [u for u in units if any(old in u for old in GONE)], units


def test_each_comment_is_about_a_reason_ticked(db):
    """'Không biết lấy số thứ tự ở đâu' under 'nhũng nhiễu' and 'thái độ' read as a mix-up: a demo comment
    speaks of one of the reasons its citizen ticked."""
    rows = db.execute("SELECT reasons, comment FROM ratings WHERE comment IS NOT NULL AND comment != ''").fetchall()
    assert len(rows) >= 5
    for r in rows:
        ticked = json.loads(r["reasons"] or "[]")
        assert any(r["comment"] in sample.COMMENTS[code] for code in ticked), (ticked, r["comment"])
