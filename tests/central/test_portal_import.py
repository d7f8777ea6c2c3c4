"""The catalogue importer reads the portal's JSON as the portal sends it today (CONNECTORS.md A), the
exchange API's LayThuTuc records (B) and the older shape; a bad record names itself and its field and
changes nothing stored. Files go through `motcua-central import procedures` on SQLite and PostgreSQL."""

import copy
import json

import pytest
from sqlalchemy import select

from central import portal
from central.catalogue import changes_since
from central.cli import main
from central.storage import make_engine
from central.storage.schema import procedures
from kiosk import present
from motcua.catalogue import summary
from tests.central.portal_records import BIRTH_ID, MARRIAGE_ID, current, envelope, exchange, marriage


@pytest.mark.parametrize(
    "submission, channels",
    [
        ("DIRECT", ["direct"]),
        ("ONLINE", ["online"]),
        ("POSTAL", ["postal"]),
        ("DIRECT_AND_ONLINE", ["direct", "online"]),  # two channels, one record: the whole file was refused
    ],
)
def test_each_channel_kind_of_the_current_portal(submission, channels):
    item = portal.from_portal(current(submission=submission))
    assert [m["channel"] for m in item["methods"]] == channels
    for method in item["methods"]:
        assert method["fees"] == [{"amount": 50000, "text": "Lệ phí cấp bản sao"}]  # fees[].value, not amount
        assert (method["time"], method["time_unit"], method["unit"]) == (5, "ngày làm việc", "working_day")
        assert present.format_duration(method) == "5 ngày làm việc (Kể từ ngày nhận đủ hồ sơ hợp lệ)"
        assert "WORKING_DAY" not in json.dumps(method)
    assert summary(item)["fee"] == "Lệ phí cấp bản sao: 50.000 đồng"  # neither free nor without its amount


@pytest.mark.parametrize(
    "unit, words",
    [("DAY", "ngày"), ("HOUR", "giờ"), ("MONTH", "tháng"), ("YEAR", "năm"), ("WORKING_DAY", "ngày làm việc")],
)
def test_time_units_read_as_vietnamese_words(unit, words):
    method = portal.from_portal(current(unit=unit))["methods"][0]
    assert method["time_unit"] == words and method["unit"] == unit.lower()


def test_other_unit_takes_the_time_of_each_case():
    record = current(unit="OTHER")
    method = record["executionMethods"][0]
    del method["processingTime"]
    method["description"] = ""
    method["cases"] = [
        {"name": "Trường hợp đúng hạn", "processingDay": 3},
        {"name": "Trường hợp quá hạn", "processingDay": "Trong ngày"},
    ]
    out = portal.from_portal(record)["methods"][0]
    assert out["time"] is None and out["unit"] == "other"
    assert out["time_note"] == "Trường hợp đúng hạn: 3 ngày; Trường hợp quá hạn: Trong ngày"
    assert present.format_duration(out) == out["time_note"]  # not "OTHER", not "Không quy định"

    method["cases"] = [{"processingDay": 15}]  # one case without a name: its days are the time
    out = portal.from_portal(record)["methods"][0]
    assert (out["time"], out["time_unit"]) == (15, "ngày") and present.format_duration(out) == "15 ngày"


def test_the_rest_of_the_current_shape():
    item = portal.from_portal(current())
    # steps: the content is the description (HTML), without "Bước 1" (the kiosk numbers them)
    assert item["steps"] == ["Nộp hồ sơ tại Bộ phận Một cửa của xã.", "Tiếp nhận: Công chức kiểm tra hồ sơ."]
    assert present.procedure_steps(item["steps"]) == [
        "1. Nộp hồ sơ tại Bộ phận Một cửa của xã.",
        "2. Tiếp nhận: Công chức kiểm tra hồ sơ.",
    ]
    assert item["legal_basis"] == [{"number": "60/2014/QH13", "title": "Luật Hộ tịch", "date": "", "issuer": ""}]
    assert item["decision"] == "1872/QĐ-BTP" and item["kind"] == "Thủ tục hành chính"
    assert item["agency"] == "Ủy ban nhân dân cấp xã" and item["subjects"] == "Công dân Việt Nam"
    assert item["results"] == ["Giấy khai sinh (bản chính)"] and item["requirements"] == "Không có"
    assert item["keywords"] == ["khai sinh", "giấy khai sinh", "đăng ký"]  # a string, not refused
    assert item["updated_at"] == "2025-07-01T08:00:00+07:00"  # epoch milliseconds, not text
    assert item["documents"][0]["items"][0]["template"] == "to-khai-khai-sinh.docx"
    assert item["portal_id"] == BIRTH_ID and "portal_url" not in item
    assert "newFieldTheProjectDoesNotKnow" not in json.dumps(item, ensure_ascii=False)

    ministry = current(isWard=False, isMinistry=True)
    del ministry["category"]  # only categoriesDetails
    item = portal.from_portal(ministry)
    assert item["level"] == "ministry" and item["field"] == {"code": "G15-TP07", "name": "Hộ tịch"}
    assert portal.from_portal(current(id="12345"))["portal_id"] is None  # not the portal's UUID: no link


def test_layThuTuc_record_of_the_exchange_api():
    item = portal.from_portal(exchange())
    assert item["code"] == "2.000884" and item["field"] == {"code": "G15-TP02", "name": "Chứng thực"}
    assert item["steps"] == ["Nộp giấy tờ", "Ký chứng thực"]
    direct, online = item["methods"]
    assert (direct["channel"], direct["time"], direct["time_unit"]) == ("direct", 1, "ngày làm việc")
    assert direct["fees"] == [{"amount": 10000, "text": "10.000 đồng/trường hợp"}]
    assert online["channel"] == "online" and online["fees"] == []
    assert item["documents"][0]["items"][0]["name"] == "Giấy tờ cần chứng thực"
    assert item["legal_basis"][0]["number"] == "23/2015/NĐ-CP" and item["agency"] == "Ủy ban nhân dân cấp xã"
    assert item["results"] == ["Giấy tờ đã chứng thực chữ ký"] and item["portal_id"] is None
    bad = exchange()
    bad["CACHTHUCTHUCHIEN"][0]["KENH"] = "7"
    with pytest.raises(portal.BadRecord, match=r"CACHTHUCTHUCHIEN\[0\]\.KENH"):
        portal.from_portal(bad)


def _import(url, path, capsys):
    code = main(["--db", url, "import", "procedures", str(path)])
    out = capsys.readouterr()
    return code, out.out + out.err


def _stored(url) -> dict:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            items = {i["code"]: i for i in changes_since(conn, None)["items"]}
            ids = dict(conn.execute(select(procedures.c.code, procedures.c.portal_id)).all())
    finally:
        engine.dispose()
    return {code: (item, ids[code]) for code, item in items.items()}


def test_files_in_every_shape_import_and_a_bad_record_changes_nothing(storage_url, tmp_path, capsys):
    assert main(["--db", storage_url, "init"]) == 0
    one = tmp_path / "khai-sinh.json"  # the detail endpoint's answer, saved as it came
    one.write_text(json.dumps(envelope(current()), ensure_ascii=False), encoding="utf-8")
    code, out = _import(storage_url, one, capsys)
    assert code == 0 and "1 procedures: 1 added" in out

    several = tmp_path / "ca-ba.json"  # a list in three shapes: current, LayThuTuc, older
    older = {
        "code": "1.000656",
        "name": "Đăng ký khai tử",
        "decisionNumber": "1872/QĐ-BTP",
        "category": {"code": "G15-TP07", "name": "Hộ tịch"},
        "procedureType": "TTHC không được luân chuyển",
        "executionSteps": ["Bước 1: Nộp tờ khai", "Bước 2: Nhận giấy trích lục"],
        "executionMethods": [
            {
                "submissionMethod": "DIRECT",
                "processingTime": 1,
                "processingTimeUnit": "Ngày làm việc",
                "fees": [{"kind": "Lệ phí", "amount": 0, "description": "Miễn lệ phí"}],
            }
        ],
        "legalBasisesDetails": [{"number": "60/2014/QH13", "title": "Luật Hộ tịch"}],
        "keywords": ["khai tử"],
        "portalUrl": "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.000656",
        "updatedAt": "2025-07-01T08:00:00+07:00",
    }
    several.write_text(json.dumps({"code": "OK", "data": [marriage(), exchange(), older]}), encoding="utf-8")
    code, out = _import(storage_url, several, capsys)
    assert code == 0 and "3 procedures: 3 added" in out, out
    stored = _stored(storage_url)
    assert stored["1.001193"][1] == BIRTH_ID and stored["1.000894"][1] == MARRIAGE_ID  # the column and the item
    assert stored["1.000894"][0]["portal_id"] == MARRIAGE_ID
    assert stored["2.000884"][1] is None and stored["1.000656"][1] is None  # no verified id: no link
    old = stored["1.000656"][0]
    assert old["methods"][0]["fees"] == [{"amount": 0, "text": "Miễn lệ phí"}]
    assert old["legal_basis"][0]["number"] == "60/2014/QH13" and old["decision"] == "1872/QĐ-BTP"
    assert old["steps"] == ["Nộp tờ khai", "Nhận giấy trích lục"] and "portal_url" not in old

    before = _stored(storage_url)
    broken = [copy.deepcopy(marriage(name="Đăng ký kết hôn (sửa)")), current(code="1.004227")]
    broken[1]["executionMethods"][0]["fees"][0]["value"] = -5
    broken[1]["executionMethods"].append({"submissionMethod": "FAX"})
    path = tmp_path / "hong.json"
    path.write_text(json.dumps({"code": "OK", "data": broken}), encoding="utf-8")
    code, out = _import(storage_url, path, capsys)
    assert code == 2 and "nothing imported" in out
    assert "hong.json item 2 (1.004227), executionMethods[0].fees[0].value" in out  # the record and the field
    assert _stored(storage_url) == before  # the good record of the broken file was not written either

    for answer, why in [
        ({"code": "ERROR", "message": "Không tìm thấy thủ tục"}, "code ERROR (Không tìm thấy thủ tục)"),
        ({"status": 200}, "expected procedure records"),
    ]:
        path.write_text(json.dumps(answer, ensure_ascii=False), encoding="utf-8")
        code, out = _import(storage_url, path, capsys)
        assert code == 2 and why in out, out
    assert _stored(storage_url) == before


def _broken(path: str, value) -> dict:
    """current() with `value` put at `path` (dotted, list indexes as numbers)."""
    record = current()
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    target = record
    for part in parents:
        target = target[part]
    target[last] = value
    return record


BAD_PROCEDURES = [
    _broken("executionMethods.0.submissionMethod", "FAX"),
    _broken("executionMethods.0.fees.0.value", -5),
    _broken("executionMethods", {"a": 1}),
    _broken("executionMethods.0", "DIRECT"),
    _broken("updatedAt", 12),
    _broken("updatedAt", True),
    _broken("name", ""),
    _broken("category", "Hộ tịch"),
    _broken("executionCases.0.profileComponents.0.name", ["Tờ khai"]),
    _broken("keywords", 5),
    _broken("code", "1.001193\x00"),
    {**exchange(), "LINHVUCTHUCHIEN": []},
    {**exchange(), "CACHTHUCTHUCHIEN": [{"KENH": "9"}]},
]


@pytest.mark.parametrize("record", BAD_PROCEDURES, ids=range(len(BAD_PROCEDURES)))
def test_each_procedure_problem_names_its_field_and_reads_in_vietnamese(record):
    from central import importers
    from tests.dashboard.test_import_messages import ENGLISH

    with pytest.raises(portal.BadRecord) as bad:
        portal.from_portal(record)
    english = f"thu-tuc.json item 2{portal.record_label(record)}, {bad.value}"
    assert str(bad.value).startswith(bad.value.field + ": ")
    vietnamese = importers.in_vietnamese(english)
    assert vietnamese.startswith("thu-tuc.json mục 2"), vietnamese
    words = vietnamese.replace(bad.value.field, "")  # field names (updatedAt) stay as the portal spells them
    assert not [w for w in ENGLISH if w in words], (english, vietnamese)


@pytest.mark.parametrize("answer", [{"code": "ERROR", "message": "Lỗi hệ thống"}, {"status": 200}, 7])
def test_an_answer_without_procedures_reads_in_vietnamese(answer, tmp_path):
    from central import importers
    from tests.dashboard.test_import_messages import ENGLISH

    path = tmp_path / "tra-loi.json"
    path.write_text(json.dumps(answer, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(importers.ImportProblems) as bad:
        importers.read_records(path, portal.records_in)
    vietnamese = importers.in_vietnamese(bad.value.problems[0])
    assert not [w for w in ENGLISH if w in vietnamese], (bad.value.problems[0], vietnamese)


def test_a_csv_row_may_carry_the_portal_id():
    row = {"code": "1.001193", "name": "Đăng ký khai sinh", "field_code": "G15-TP07", "field_name": "Hộ tịch"}
    assert portal.from_csv_row(row)["portal_id"] is None
    assert portal.from_csv_row({**row, "portal_id": BIRTH_ID.upper()})["portal_id"] == BIRTH_ID
    with pytest.raises(portal.BadRecord, match=r"^portal_id: \"1.001193\" is not the portal's id"):
        portal.from_csv_row({**row, "portal_id": "1.001193"})
    steps = portal.from_csv_row({**row, "steps": "Bước 1: Nộp hồ sơ | Bước 2: Nhận kết quả"})["steps"]
    assert steps == ["Nộp hồ sơ", "Nhận kết quả"]
