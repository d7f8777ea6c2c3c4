"""Every problem the import validator reports reads in Vietnamese on the Vietnamese dashboard; the CLI keeps English."""

import json

import pytest

from central import importers

HEADER = "code,procedure_code,holder_name,phone,status,received_at,due_at,finished_at,returned_at,secret\n"
GOOD = {
    "code": "000.00.99.H99-251120-0001",
    "procedure_code": "1.001193",
    "holder_name": "Lê Văn Tám",
    "status": "4",
    "received_at": "2025-11-20T08:00:00+07:00",
    "due_at": "2025-11-22T17:00:00+07:00",
}
ENGLISH = (
    "is not",
    "must be",
    "missing",
    " line ",
    " item ",
    "expected",
    "appears",
    "shorter",
    "longer",
    "before",
    "no office",
    "empty",
    "added",
    "updated",
)


def _office(code, column):
    if column == "NOWHERE":
        raise importers.portal.BadRecord("office", f'"{column}" is not a known office')
    return "XA-KIEMTRA"


BAD_RECORDS = [
    {**GOOD, "status": "11"},
    {**GOOD, "holder_name": ""},
    {**GOOD, "due_at": "31/02/2025"},
    {**GOOD, "due_at": "2025-11-19T08:00:00+07:00"},
    {**GOOD, "secret": "ab"},
    {**GOOD, "phone": "9" * 40},
    {**GOOD, "code": "X" * 70},
    {**GOOD, "steps": "not json"},
    {**GOOD, "steps": json.dumps({"a": 1})},
    {**GOOD, "steps": json.dumps([1])},
    {**GOOD, "steps": json.dumps([{"name": "B", "status": 12}])},
    {**GOOD, "steps": json.dumps([{"status": 2}])},
    {**GOOD, "office": "NOWHERE"},
    {**GOOD, "holder_name": ["Lê"]},
]


@pytest.mark.parametrize("record", BAD_RECORDS, ids=range(len(BAD_RECORDS)))
def test_each_dossier_problem_reads_in_vietnamese(record):
    with pytest.raises(importers.portal.BadRecord) as bad:
        importers.check_dossier(record, _office, secret_key=b"k" * 32)
    english = f"ho-so.csv line 7, {bad.value}"
    vietnamese = importers.in_vietnamese(english)
    assert vietnamese.startswith("ho-so.csv dòng 7, " + bad.value.field + ": ")
    assert not [w for w in ENGLISH if w in vietnamese], (english, vietnamese)


def test_file_problems_and_summaries_read_in_vietnamese(tmp_path):
    files = {"rong.csv": "", "hong.json": "[{", "doi-tuong.json": '{"a": 1}', "latin.csv": "caf\xe9"}
    for name, text in files.items():
        path = tmp_path / name
        path.write_bytes(text.encode("latin-1" if name == "latin.csv" else "utf-8"))
        with pytest.raises(importers.ImportProblems) as bad:
            importers.read_records(path)
        for problem in bad.value.problems:
            vietnamese = importers.in_vietnamese(problem)
            assert vietnamese != problem and not [w for w in ENGLISH if w in vietnamese], (problem, vietnamese)
    assert (
        importers.in_vietnamese("a.csv line 3, code: A-1 appears twice in the file")
        == "a.csv dòng 3, code: A-1 xuất hiện hai lần trong tệp"
    )
    assert (
        importers.in_vietnamese("12 procedures: 3 added, 4 updated, 5 unchanged")
        == "12 thủ tục: 3 thêm mới, 4 cập nhật, 5 không đổi"
    )
    assert importers.in_vietnamese("2 dossiers: 1 added, 1 updated") == "2 hồ sơ: 1 thêm mới, 1 cập nhật"
