"""The classification of REPORTING.md, hand-counted on constructed dossiers, on SQLite and PostgreSQL.

Each dossier below carries the verdict worked out by hand from REPORTING.md (October 2026, office
time): how it counts as received (online / in person or by post / carried over), whether it finished
in October or is open at its end, and its verdict. The file is imported with the real import
command, Biểu 06 is read with the real `report bieu06` command, and both the per-field rows and the
total must be the hand count; the reports' SQL pipeline (the dashboard, the API) and the plain recount
of tests/central/reference.py must agree with it.
"""

import json
from collections import Counter
from datetime import datetime

import pytest
from sqlalchemy import select

from central import bieu06, cli, stats
from central.storage import make_engine
from central.storage.schema import dossiers
from tests.central import reference

UNIT = "000.00.99.H99"
BIRTH, COPY = "1.001193", "2.000815"  # Hộ tịch, Chứng thực in assets/sample/procedures.json
HT, CT, UNKNOWN = "Hộ tịch", "Chứng thực", "(lĩnh vực chưa rõ)"


def T(text: str) -> str:
    """'10-09 17:00' → an ISO time of 2026 in office time."""
    day, hour = text.split()
    return f"2026-{day}T{hour}:00+07:00"


def step(status, start, end=None):
    return {"name": f"Bước {status}", "status": status, "started_at": T(start), "finished_at": end and T(end)}


# (code suffix, field, expected (received, finished?, verdict) or None when not counted, record)
CASES = [
    # A1 online, finished two days before the appointment: trước hạn
    (
        "01",
        HT,
        ("online", True, "early"),
        dict(
            status=10,
            channel=2,
            received_at="10-02 08:00",
            due_at="10-09 17:00",
            finished_at="10-07 10:00",
            returned_at="10-09 09:00",
        ),
    ),
    # A2 in person, finished an hour before the appointment, the same day: đúng hạn
    (
        "02",
        HT,
        ("direct_postal", True, "on_time"),
        dict(status=10, channel=1, received_at="10-02 08:00", due_at="10-09 17:00", finished_at="10-09 16:00"),
    ),
    # A3 by post, finished the next morning: quá hạn
    (
        "03",
        HT,
        ("direct_postal", True, "late"),
        dict(status=9, channel=3, received_at="10-02 08:00", due_at="10-09 17:00", finished_at="10-10 09:00"),
    ),
    # A4 9 before 10: finished (9) late on the 12th although returned (10) recorded on the 9th
    (
        "04",
        HT,
        ("direct_postal", True, "late"),
        dict(
            status=10,
            received_at="10-02 08:00",
            due_at="10-09 17:00",
            finished_at="10-12 10:00",
            returned_at="10-09 16:00",
        ),
    ),
    # A5 one supplement of 3 days: finished the 12th 10:00 − 3 days = the 9th 10:00, the due day: đúng hạn
    (
        "05",
        HT,
        ("direct_postal", True, "on_time"),
        dict(
            status=10,
            received_at="10-02 08:00",
            due_at="10-09 17:00",
            finished_at="10-12 10:00",
            returned_at="10-13 08:00",
            steps=[
                step(2, "10-02 08:00", "10-02 08:30"),
                step(4, "10-02 08:30", "10-05 08:00"),
                step(5, "10-05 08:00", "10-08 08:00"),
                step(4, "10-08 08:00", "10-12 10:00"),
            ],
        ),
    ),
    # A6 two finished supplements of a day each: the 10th 09:00 − 2 days = the 8th: trước hạn
    (
        "06",
        CT,
        ("direct_postal", True, "early"),
        dict(
            status=9,
            received_at="10-02 08:00",
            due_at="10-09 17:00",
            finished_at="10-10 09:00",
            steps=[step(5, "10-03 08:00", "10-04 08:00"), step(5, "10-06 08:00", "10-07 08:00")],
        ),
    ),
    # A7 waiting on a first supplement requested before the appointment: ends at the request, trong hạn
    (
        "07",
        CT,
        ("direct_postal", False, "in_time"),
        dict(status=5, received_at="10-20 08:00", due_at="10-27 17:00", steps=[step(5, "10-22 08:00")]),
    ),
    # A8 waiting on a first supplement requested after the appointment: quá hạn
    (
        "08",
        CT,
        ("direct_postal", False, "late"),
        dict(status=5, received_at="10-01 08:00", due_at="10-06 17:00", steps=[step(5, "10-08 08:00")]),
    ),
    # A9 waiting on a second supplement, long before the appointment: quá hạn (requested more than once)
    (
        "09",
        CT,
        ("direct_postal", False, "late"),
        dict(
            status=5,
            received_at="10-20 08:00",
            due_at="10-30 17:00",
            steps=[step(5, "10-21 08:00", "10-22 08:00"), step(5, "10-23 08:00")],
        ),
    ),
    # A10 withdrawn before the appointment: judged, trước hạn
    (
        "10",
        CT,
        ("direct_postal", True, "early"),
        dict(status=7, received_at="10-14 08:00", due_at="10-21 17:00", steps=[step(7, "10-15 09:00", "10-15 09:00")]),
    ),
    # A11 withdrawn after the appointment (no steps: the status time): quá hạn
    (
        "11",
        CT,
        ("direct_postal", True, "late"),
        dict(status=7, received_at="10-01 08:00", due_at="10-06 17:00", status_at="10-08 09:00"),
    ),
    # A12 accepted in September, finished on the due day in October: từ kỳ trước, đúng hạn
    (
        "12",
        HT,
        ("carried_over", True, "on_time"),
        dict(status=10, received_at="09-25 08:00", due_at="10-02 17:00", finished_at="10-02 10:00"),
    ),
    # A13 accepted in September, still being processed, past its appointment: từ kỳ trước, open quá hạn
    ("13", HT, ("carried_over", False, "late"), dict(status=4, received_at="09-28 08:00", due_at="10-05 17:00")),
    # A14 finished in September: not in October's report
    ("14", HT, None, dict(status=10, received_at="09-01 08:00", due_at="09-08 17:00", finished_at="09-05 10:00")),
    # A15 status 1 (submitted online, not accepted): never received, whatever its times say
    ("15", HT, None, dict(status=1, channel=2, received_at="10-10 08:00", due_at="10-17 17:00")),
    # A16 refused at the counter (no acceptance before the refusal): not received
    ("16", CT, None, dict(status=3, received_at="10-10 08:00", steps=[step(3, "10-10 08:10", "10-10 08:10")])),
    # A17 refused after acceptance: judged at the refusal, trước hạn
    (
        "17",
        CT,
        ("direct_postal", True, "early"),
        dict(
            status=3,
            received_at="10-10 08:00",
            due_at="10-17 17:00",
            steps=[
                step(2, "10-10 08:00", "10-10 08:30"),
                step(4, "10-10 08:30", "10-12 09:00"),
                step(3, "10-12 09:00", "10-12 09:00"),
            ],
        ),
    ),
    # A18 stopped (8) on the due day, before the due hour: đúng hạn
    (
        "18",
        CT,
        ("direct_postal", True, "on_time"),
        dict(
            status=8,
            received_at="10-10 08:00",
            due_at="10-16 17:00",
            steps=[step(2, "10-10 08:00", "10-10 09:00"), step(8, "10-16 09:00", "10-16 09:00")],
        ),
    ),
    # A19 online, open at the period's end before its appointment: trong hạn
    (
        "19",
        CT,
        ("online", False, "in_time"),
        dict(status=4, channel=2, received_at="10-28 08:00", due_at="11-04 17:00"),
    ),
    # A20 accepted after the period: not in it
    ("20", CT, None, dict(status=2, received_at="11-02 08:00", due_at="11-09 17:00")),
    # A21 waiting on fees (6) since the 5th, due the 10th: status 6 does not pause by default: quá hạn
    (
        "21",
        HT,
        ("direct_postal", False, "late"),
        dict(status=6, received_at="10-01 08:00", due_at="10-10 17:00", steps=[step(6, "10-05 08:00")]),
    ),
    # A22 no appointment: 1.001193 takes 1 working day in person; received Friday 30/10, due Monday 2/11
    ("22", HT, ("direct_postal", False, "in_time"), dict(status=2, received_at="10-30 08:00")),
    # A23 no appointment, received Monday 5/10, due by the procedure's 1 working day on 6/10 08:00,
    # finished 8/10: quá hạn
    ("23", HT, ("direct_postal", True, "late"), dict(status=10, received_at="10-05 08:00", finished_at="10-08 10:00")),
    # A24 no appointment and a procedure the catalogue does not know: cannot be late, đúng hạn
    (
        "24",
        UNKNOWN,
        ("direct_postal", True, "on_time"),
        dict(status=10, received_at="10-05 08:00", finished_at="10-28 10:00"),
    ),
]


def record(suffix: str, field: str, values: dict) -> dict:
    out = {
        "code": f"{UNIT}-2610{suffix}-0001",
        "procedure_code": BIRTH if field == HT else COPY if field == CT else "9.999999",
        "holder_name": "Nguyễn Văn A",
        "secret": "abc12345",
    }
    for key, value in values.items():
        if key == "steps":
            out[key] = value
        elif key.endswith("_at"):
            out[key] = T(value)
        else:
            out[key] = value
    return out


def hand_count():
    """Biểu 06 by hand: per field and in total, from each case's worked-out standing."""

    def empty():
        return {
            "received": Counter(total=0, online=0, direct_postal=0, carried_over=0),
            "finished": Counter(total=0, early=0, on_time=0, late=0),
            "open": Counter(total=0, in_time=0, late=0),
        }

    per_field, total = {}, empty()
    for _suffix, field, expected, _values in CASES:
        if expected is None:
            continue
        received, finished, verdict = expected
        for cell in (total, per_field.setdefault(field, empty())):
            cell["received"]["total"] += 1
            cell["received"][received] += 1
            group = cell["finished" if finished else "open"]
            group["total"] += 1
            group[verdict] += 1
    plain = lambda cell: {k: dict(v) for k, v in cell.items()}  # noqa: E731
    return {f: plain(c) for f, c in per_field.items()}, plain(total)


@pytest.fixture
def office_db(storage_url, tmp_path, capsys):
    db = ["--db", storage_url]
    assert cli.main(db + ["init"]) == 0
    assert cli.main(db + ["office", "add", "O99", "Xã Thử nghiệm", "--unit-code", UNIT]) == 0
    assert cli.main(db + ["import", "procedures", "assets/sample/procedures.json"]) == 0
    path = tmp_path / "dossiers.json"
    path.write_text(json.dumps([record(s, f, v) for s, f, _e, v in CASES], ensure_ascii=False), encoding="utf-8")
    assert cli.main(db + ["import", "dossiers", str(path)]) == 0
    capsys.readouterr()
    return storage_url


def report(url, capsys, *extra) -> dict:
    capsys.readouterr()
    assert cli.main(["--db", url, "report", "bieu06", "--from", "2026-10-01", "--to", "2026-10-31", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def test_bieu06_equals_the_hand_count(office_db, capsys):
    data = report(office_db, capsys, "--office", "O99")
    per_field, total = hand_count()
    assert data["total"] == total
    assert {r["field"]["name"]: {k: r[k] for k in ("received", "finished", "open")} for r in data["rows"]} == per_field
    # the form's balance
    t = data["total"]
    assert (
        t["received"]["total"]
        == t["received"]["online"] + t["received"]["direct_postal"] + t["received"]["carried_over"]
    )
    assert t["received"]["total"] == t["finished"]["total"] + t["open"]["total"]
    good = total["finished"]["early"] + total["finished"]["on_time"]
    assert data["rates"] == {
        "finished_on_time": round(good / total["finished"]["total"], 4),
        "indicator_2_1": round(
            (good + total["open"]["in_time"]) / (total["finished"]["total"] + total["open"]["total"]), 4
        ),
    }
    assert (data["office"], data["from"], data["to"]) == ("O99", "2026-10-01", "2026-10-31")
    assert set(data) == {"office", "from", "to", "rows", "total", "rates"}


def test_the_province_report_counts_every_office_and_every_case_once(office_db, capsys):
    assert report(office_db, capsys)["total"] == hand_count()[1]


def test_the_reports_pipeline_and_the_plain_recount_agree_with_the_hand_count(office_db):
    engine = make_engine(office_db)
    period = bieu06.period_of("month", 2026, 10)
    _, total = hand_count()
    try:
        with engine.connect() as conn:
            figures = stats.dossier_tally(conn, "O99", period.start, period.end).figures()
            recount = reference.dossier_figures(conn, "O99", period.start, period.end)
            assert figures == recount
            assert figures["received"] == total["received"]["online"] + total["received"]["direct_postal"]
            assert figures["carried_over"] == total["received"]["carried_over"]
            assert figures["finished"] == total["finished"]["total"]
            assert figures["early"] == total["finished"]["early"]
            assert figures["on_time"] == total["finished"]["early"] + total["finished"]["on_time"]
            assert (figures["open"], figures["open_late"]) == (total["open"]["total"], total["open"]["late"])
            ref = reference.bieu06(conn, "O99", period.start, period.end)
            assert ref["total"] == total
            # one verdict per dossier, stored: the finished ones carry it
            stored = dict(conn.execute(select(dossiers.c.code, dossiers.c.verdict)).all())
            accepted = dict(conn.execute(select(dossiers.c.code, dossiers.c.accepted)).all())
    finally:
        engine.dispose()
    for suffix, _field, expected, _values in CASES:
        code = f"{UNIT}-2610{suffix}-0001"
        if expected is not None and expected[1]:
            assert stored[code] == expected[2], code
        if suffix in ("15", "16"):
            assert accepted[code] is False or accepted[code] == 0, code


def test_status_6_pauses_the_clock_only_in_the_fields_set_so(office_db, capsys):
    before = report(office_db, capsys, "--office", "O99")
    fields = {r["field"]["name"]: r for r in before["rows"]}
    assert fields[HT]["open"]["late"] == 2  # A13 and A21
    assert cli.main(["--db", office_db, "report", "fee-pause", "--fields", "G15-TP07"]) == 0
    after = report(office_db, capsys, "--office", "O99")
    fields = {r["field"]["name"]: r for r in after["rows"]}
    # A21: in status 6 since the 5th 08:00, so its clock stopped there, before the due day: trong hạn
    assert (fields[HT]["open"]["late"], fields[HT]["open"]["in_time"]) == (1, 2)
    assert after["total"]["received"] == before["total"]["received"]


def test_csv_and_xlsx_have_the_form_layout_with_numbers(office_db, capsys):
    import io

    from openpyxl import load_workbook

    capsys.readouterr()
    base = ["--db", office_db, "report", "bieu06", "--office", "O99", "--from", "2026-10-01", "--to", "2026-10-31"]
    assert cli.main(base + ["--format", "csv"]) == 0
    text = capsys.readouterr().out
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0] == "Biểu số 06/VPCP/KSTT"
    assert "Kỳ báo cáo: Từ ngày 01/10/2026 đến ngày 31/10/2026" in text
    assert "Đơn vị báo cáo: Xã Thử nghiệm" in text
    assert "Đơn vị tính: Số hồ sơ TTHC" in text
    _, total = hand_count()
    total_row = next(line for line in lines if line.startswith(",Tổng số,"))
    assert total_row.split(",")[2:] == [str(total[g][k]) for g, k, _ in bieu06.COLUMNS]
    cli_out = io.BytesIO()

    class Capture:
        buffer = cli_out

        def write(self, _text):
            raise AssertionError("the workbook is written as bytes")

        def isatty(self):
            return False

    import sys

    real = sys.stdout
    sys.stdout = Capture()
    try:
        assert cli.main(base + ["--format", "xlsx"]) == 0
    finally:
        sys.stdout = real
    sheet = load_workbook(io.BytesIO(cli_out.getvalue())).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    total_cells = next(row for row in cells if row[1] == "Tổng số" and row[0] is None)
    assert total_cells[2:13] == [total[g][k] for g, k, _ in bieu06.COLUMNS]
    assert all(isinstance(v, int) for v in total_cells[2:13])
    rate_rows = [row for row in sheet.iter_rows() if isinstance(row[2].value, float)]
    assert len(rate_rows) == 2 and all(row[2].number_format == "0.0%" for row in rate_rows)
    assert any("Số hồ sơ đã giải quyết" == c.value for row in sheet.iter_rows() for c in row)
    assert sheet.merged_cells.ranges  # the three column groups span their columns


def test_late_list_names_every_late_dossier_with_its_days_late(office_db, capsys):
    capsys.readouterr()
    args = ["--db", office_db, "report", "late", "--office", "O99", "--from", "2026-10-01", "--to", "2026-10-31"]
    assert cli.main(args) == 0
    items = json.loads(capsys.readouterr().out)["items"]
    late = {f"{UNIT}-2610{s}-0001" for s, _f, e, _v in CASES if e and e[2] == "late"}
    assert {i["code"] for i in items} == late
    by_code = {i["code"]: i for i in items}
    # A3: due the 9th, finished the 10th: one day late; A11 withdrawn the 8th, due the 6th: two
    assert by_code[f"{UNIT}-261003-0001"]["days_late"] == 1
    assert by_code[f"{UNIT}-261011-0001"]["days_late"] == 2
    # A13: open, due 5 October, judged at the period's end (31 October): 26 days
    assert by_code[f"{UNIT}-261013-0001"]["days_late"] == 26
    assert all(i["apology"] is False for i in items)


def test_bad_periods_and_offices_are_named(office_db, capsys):
    base = ["--db", office_db, "report", "bieu06"]
    assert cli.main(base + ["--from", "2026-10-31", "--to", "2026-10-01"]) == 2
    assert "before from" in capsys.readouterr().err
    assert cli.main(base + ["--from", "2026-13-01", "--to", "2026-10-01"]) == 2
    assert 'from: "2026-13-01" is not a day' in capsys.readouterr().err
    assert cli.main(base + ["--office", "NOPE", "--from", "2026-10-01", "--to", "2026-10-31"]) == 2
    assert '"NOPE" is not a known office' in capsys.readouterr().err


def test_import_takes_the_reporting_columns_and_rejects_an_unknown_channel(storage_url, tmp_path, capsys):
    db = ["--db", storage_url]
    assert cli.main(db + ["init"]) == 0
    assert cli.main(db + ["office", "add", "O99", "Xã Thử nghiệm", "--unit-code", UNIT]) == 0
    path = tmp_path / "d.csv"
    path.write_text(
        "code,procedure_code,holder_name,status,received_at,channel\n"
        f"{UNIT}-261001-0001,{BIRTH},Nguyễn Văn A,2,2026-10-01T08:00:00+07:00,4\n",
        encoding="utf-8",
    )
    assert cli.main(db + ["import", "dossiers", str(path)]) == 2
    assert 'channel: "4" is not a channel 1-3' in capsys.readouterr().err
    path.write_text(
        "code,procedure_code,holder_name,status,received_at,due_at,channel,submitted_at,extended_due_at,"
        "apology_at,complaint\n"
        f"{UNIT}-261001-0001,{BIRTH},Nguyễn Văn A,4,2026-10-01T08:00:00+07:00,2026-10-03T17:00:00+07:00,2,"
        "2026-09-30T21:15:00+07:00,2026-10-10T17:00:00+07:00,2026-10-04T09:00:00+07:00,Phải chờ lâu\n"
        f"{UNIT}-261001-0002,{BIRTH},Trần Thị B,2,2026-10-01T09:00:00+07:00,,,,,,\n",
        encoding="utf-8",
    )
    assert cli.main(db + ["import", "dossiers", str(path)]) == 0
    engine = make_engine(storage_url)
    try:
        with engine.connect() as conn:
            rows = {r.code: r for r in conn.execute(select(dossiers))}
    finally:
        engine.dispose()
    first, second = rows[f"{UNIT}-261001-0001"], rows[f"{UNIT}-261001-0002"]
    assert (first.channel, first.complaint) == (2, "Phải chờ lâu")
    assert first.submitted_at == datetime(2026, 9, 30, 14, 15)  # stored in UTC
    assert first.extended_due_at == datetime(2026, 10, 10, 10) and first.apology_at == datetime(2026, 10, 4, 2)
    assert first.complaint_at is not None
    assert (second.channel, second.complaint, second.extended_due_at) == (None, None, None)


def test_period_kinds():
    assert bieu06.period_of("quarter", 2026, 4).label() == "Từ ngày 01/10/2026 đến ngày 31/12/2026"
    assert bieu06.period_of("half", 2026, 1).last == datetime(2026, 6, 30).date()
    assert bieu06.period_of("year", 2025).first == datetime(2025, 1, 1).date()
    assert bieu06.period_of("month", 2026, 2).last == datetime(2026, 2, 28).date()
    with pytest.raises(bieu06.BadPeriod, match="number: 5 is not 1-4"):
        bieu06.period_of("quarter", 2026, 5)


def test_migration_0013_judges_old_rows_again_and_downgrades(storage_url):
    """A database left at 0012 with dossiers: 0013 adds the reporting columns, judges every row by the
    new rule (a withdrawal is judged, status 1 is not received), and its downgrade drops them again."""
    from sqlalchemy import inspect, insert

    from central.storage import upgrade
    from central.storage.schema import offices

    engine = make_engine(storage_url)
    try:
        upgrade(engine, "0012")
        with engine.begin() as conn:
            conn.execute(insert(offices).values(code="O99", name="Xã Thử nghiệm", unit_code=UNIT))
            old = {
                "office_code": "O99",
                "procedure_code": BIRTH,
                "holder_name": "Nguyễn Văn A",
                "received_at": datetime(2026, 10, 1, 1),
                "due_at": datetime(2026, 10, 6, 10),
                "updated_at": datetime(2026, 10, 1, 1),
            }
            rows = [
                old | {"code": "W", "status": 7, "status_at": datetime(2026, 10, 8, 2)},  # withdrawn, late
                old | {"code": "S", "status": 1},
                old | {"code": "F", "status": 10, "finished_at": datetime(2026, 10, 2, 3)},
            ]
            for row in rows:  # the columns a 0012 database has
                conn.exec_driver_sql(
                    "INSERT INTO dossiers (code, office_code, procedure_code, holder_name, status, status_at, "
                    "received_at, due_at, finished_at, updated_at) VALUES (%s)" % ", ".join(["?"] * 10)
                    if engine.dialect.name == "sqlite"
                    else "INSERT INTO dossiers (code, office_code, procedure_code, holder_name, status, status_at, "
                    "received_at, due_at, finished_at, updated_at) VALUES (%s)" % ", ".join(["%s"] * 10),
                    (
                        row["code"],
                        row["office_code"],
                        row["procedure_code"],
                        row["holder_name"],
                        row["status"],
                        row.get("status_at"),
                        row["received_at"],
                        row["due_at"],
                        row.get("finished_at"),
                        row["updated_at"],
                    ),
                )
        assert upgrade(engine) >= "0013"
        with engine.connect() as conn:
            got = {r.code: (r.verdict, bool(r.accepted)) for r in conn.execute(select(dossiers))}
        assert got == {"W": ("late", True), "S": (None, False), "F": ("early", True)}
        _downgrade(engine, "0012")
        with engine.connect() as conn:
            columns = {c["name"] for c in inspect(conn).get_columns("dossiers")}
        assert not columns & {"channel", "verdict", "accepted", "complaint", "apology_at", "extended_due_at"}
    finally:
        engine.dispose()


def _downgrade(engine, revision: str) -> None:
    from pathlib import Path

    from alembic import command
    from alembic.config import Config

    import central.storage

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(central.storage.__file__).resolve().parent.parent / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def test_the_kiosk_lookup_gives_the_verdict_of_the_late_list_and_bieu06_ending_today(office_db, launch_server):
    """One verdict per dossier: the kiosk's lookup over a real server judges an open dossier now with
    the reports' inputs (a field whose status 6 pauses the clock, the procedure's maximum time for a
    dossier without an appointment), so it agrees with the late list and Biểu 06 of a period ending today."""
    import requests

    from motcua.officetime import OFFICE_TZ

    srv = launch_server(office_db)
    srv.cli("report", "fee-pause", "--fields", "G15-TP07")
    token = srv.device_token("kiosk", "O99", None)
    today = datetime.now(OFFICE_TZ).date().isoformat()
    period = ["--office", "O99", "--from", "2026-10-01", "--to", today]
    form = json.loads(srv.cli("report", "bieu06", *period, "--format", "json"))
    late_list = {i["code"]: i for i in json.loads(srv.cli("report", "late", *period))["items"]}
    seen = Counter()
    for suffix, _field, _expected, _values in CASES:
        code = f"{UNIT}-2610{suffix}-0001"
        if suffix == "14":  # finished in September: before the period
            continue
        answer = requests.get(f"{srv.url}/api/v1/dossiers/{code}", headers=srv.headers(token), timeout=10)
        assert answer.status_code == 200, answer.text
        verdict = answer.json()["verdict"]
        if verdict is None:  # not accepted: in no report
            assert code not in late_list
            continue
        seen[verdict["code"]] += 1
        assert (verdict["code"] == "late") == (code in late_list), (code, verdict)
    total = form["total"]
    assert seen["late"] == total["finished"]["late"] + total["open"]["late"] == len(late_list)
    assert (seen["early"], seen["on_time"], seen["in_time"]) == (
        total["finished"]["early"],
        total["finished"]["on_time"],
        total["open"]["in_time"],
    )
    # A21 waits on fees in a field whose status 6 pauses the clock: in time at the kiosk and in the report
    a21 = requests.get(f"{srv.url}/api/v1/dossiers/{UNIT}-261021-0001", headers=srv.headers(token), timeout=10)
    assert a21.json()["verdict"]["code"] == "in_time" and a21.json()["late"] is False
    # A22 has no appointment: due by its procedure's one working day (2 November), late now, everywhere
    a22 = requests.get(f"{srv.url}/api/v1/dossiers/{UNIT}-261022-0001", headers=srv.headers(token), timeout=10)
    assert a22.json()["verdict"]["code"] == "late" and a22.json()["late"] is True
    assert a22.json()["next_step"] == cli_rules_late_advice()
    assert a22.json()["deadline_from_max_time"] is True and a22.json()["deadline_at"].startswith("2026-11-02")
    from kiosk import present

    rows = dict(present.dossier_rows(a22.json(), "vi"))  # what the kiosk's dossier screen lists
    assert rows["Hạn giải quyết (theo thời hạn tối đa của thủ tục)"] == "08:00 ngày 02/11/2026"
    item = late_list[f"{UNIT}-261022-0001"]
    assert item["due_from_max_time"] is True and item["due_at"].startswith("2026-11-02")
    assert item["days_late"] == (datetime.now(OFFICE_TZ).date() - datetime(2026, 11, 2).date()).days


def cli_rules_late_advice() -> str:
    from central import rules

    return rules.LATE_ADVICE[0]


def test_the_late_list_dates_a_dossier_without_appointment_by_the_maximum_time(office_db, capsys):
    """A23 has no appointment: the late list shows the deadline the verdict used (the procedure's one
    working day from 5 October 08:00: 6 October) with a note, and its days late (finished the 8th: 2)."""
    capsys.readouterr()
    args = ["--db", office_db, "report", "late", "--office", "O99", "--from", "2026-10-01", "--to", "2026-10-31"]
    assert cli.main(args) == 0
    by_code = {i["code"]: i for i in json.loads(capsys.readouterr().out)["items"]}
    a23 = by_code[f"{UNIT}-261023-0001"]
    assert a23["due_at"].startswith("2026-10-06") and a23["due_from_max_time"] is True
    assert a23["days_late"] == 2
    assert by_code[f"{UNIT}-261003-0001"]["due_from_max_time"] is False
    rows = bieu06.late_rows(list(by_code.values()))
    a23_row = next(r for r in rows if r[0] == a23["code"])
    assert a23_row[3].startswith("06/10/2026") and "thời hạn tối đa" in a23_row[3] and a23_row[5] == 2
