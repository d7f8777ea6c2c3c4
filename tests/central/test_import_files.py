"""Import files as offices really have them, through the real CLI and the real server: a semicolon CSV
(what Excel saves in a Vietnamese locale), files that are neither CSV nor JSON (refused, saying how to save
one), and dossiers whose procedure is not in the catalogue (imported with a warning; the kiosk then shows the
procedure's code, never an empty "Thủ tục:")."""

import pytest
import requests

from central import importers
from kiosk.present import dossier_rows

UNIT = "000.00.98.H98"
OFFICE = "XA-NHAPTEP"
COLUMNS = ["code", "procedure_code", "holder_name", "phone", "status", "received_at", "due_at", "secret"]


def _row(n: int, procedure: str = "1.001193") -> list[str]:
    return [
        f"{UNIT}-261102-{n:04d}",
        procedure,
        "Trần Thị Bình",
        "0912345678",
        "4",
        "2026-11-02T08:00:00+07:00",
        "",
        f"S{n:05d}",
    ]


@pytest.fixture(scope="module")
def srv(shared_server):
    shared_server.cli("office", "add", OFFICE, "Trung tâm Phục vụ hành chính công xã Nhập Tệp", "--unit-code", UNIT)
    shared_server.cli("import", "procedures", "assets/sample/procedures.json")
    shared_server.kiosk = shared_server.device_token("kiosk", office=OFFICE, counter=None)
    return shared_server


def _lookup(srv, code: str, secret: str) -> dict:
    answer = requests.get(
        f"{srv.url}/api/v1/dossiers/{code}",
        headers={"Authorization": f"Bearer {srv.kiosk}", "X-Lookup-Secret": secret},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_semicolon_csv_from_excel_imports(srv, tmp_path):
    rows = [_row(1), _row(2)]
    text = "\r\n".join(";".join(line) for line in [COLUMNS] + rows) + "\r\n"
    path = tmp_path / "ho-so-excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))  # Excel's "CSV UTF-8": a BOM, CRLF, semicolons
    proc = srv.run_cli("import", "dossiers", str(path))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "2 dossiers: 2 added, 0 updated"
    view = _lookup(srv, f"{UNIT}-261102-0002", "S00002")
    assert view["status"]["code"] == 4 and view["procedure"]["code"] == "1.001193" and view["procedure"]["name"]


@pytest.mark.parametrize(
    "name, content",
    [("ho-so.xlsx", b"PK\x03\x04 an Excel workbook"), ("ho-so.txt", b"code,procedure_code\n"), ("ho-so", b"[]")],
)
def test_a_file_that_is_neither_csv_nor_json_is_refused_saying_how_to_save_it(srv, tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    proc = srv.run_cli("import", "dossiers", str(path))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    kind = f"a {path.suffix} file" if path.suffix else "a file without an extension"
    assert f"{name}: {kind} is neither CSV nor JSON; save it as CSV UTF-8" in proc.stderr
    vietnamese = importers.in_vietnamese(proc.stderr.strip().splitlines()[-1])
    assert (f"tệp {path.suffix} không phải CSV hay JSON" if path.suffix else "tệp không có đuôi .csv hay .json") in (
        vietnamese
    ), vietnamese


def test_an_unknown_procedure_code_is_imported_with_a_warning_and_the_kiosk_names_the_code(srv, tmp_path):
    text = ",".join(COLUMNS) + "\n" + ",".join(_row(3, "9.999999"))
    path = tmp_path / "ho-so.csv"
    path.write_text(text + "\n", encoding="utf-8")
    proc = srv.run_cli("import", "dossiers", str(path))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert lines[0] == "1 dossiers: 1 added, 0 updated"
    assert lines[1].startswith("warning: 1 dossier names a procedure code not in the catalogue (9.999999)")
    assert importers.in_vietnamese(lines[1]).startswith(
        "lưu ý: 1 hồ sơ có mã thủ tục chưa có trong danh mục (9.999999)"
    )
    view = _lookup(srv, f"{UNIT}-261102-0003", "S00003")
    rows = dict(dossier_rows(view, "vi"))
    assert rows["Thủ tục"] == "9.999999"  # not an empty "Thủ tục:"
    assert all(value.strip() for value in rows.values()), rows


def test_a_dossier_code_the_kiosk_cannot_read_is_imported_with_a_warning(srv, tmp_path):
    """A typed code with a space or another system's numbering: kept (the office's record), but said, since
    a citizen could never look it up on the kiosk nor link a rating to it."""
    row = _row(5)
    row[0] = "HS 2026/0005"
    path = tmp_path / "ho-so-ma-la.csv"
    path.write_text(",".join(COLUMNS) + "\n" + ",".join(row) + "\n", encoding="utf-8")
    proc = srv.run_cli("import", "dossiers", str(path), "--office", OFFICE)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert lines[0] == "1 dossiers: 1 added, 0 updated"
    assert lines[1].startswith("warning: 1 dossier has a code the kiosk and the tablet cannot read (HS2026/0005)")
    assert "000.00.31.H29-251103-0007" in lines[1]
    assert importers.in_vietnamese(lines[1]).startswith(
        "lưu ý: 1 hồ sơ có mã mà máy tra cứu và máy đánh giá không đọc được (HS2026/0005): mã hồ sơ có dạng"
    )
    good = tmp_path / "ho-so-dung.csv"
    good.write_text(",".join(COLUMNS) + "\n" + ",".join(_row(6)) + "\n", encoding="utf-8")
    proc = srv.run_cli("import", "dossiers", str(good))
    assert proc.returncode == 0 and "warning" not in proc.stdout, proc.stdout
