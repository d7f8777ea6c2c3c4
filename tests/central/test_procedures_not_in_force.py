"""A LayThuTuc record whose TRANGTHAI is not 1 (CONNECTORS.md B: 1 published) is a procedure not in
force: `motcua-central import procedures` does not offer it to citizens. A new one is left out; one the
catalogue already has is withdrawn the way `procedure delete` withdraws (kiosks drop it on their next
sync); the summary names both. It was imported like any other. On SQLite, then PostgreSQL, with a kiosk
syncing its catalogue from the server over a real socket."""

import json

from central import importers
from motcua.catalogue import Catalogue
from motcua.client import Client
from motcua.store import open_store


def lay_thu_tuc(code: str, name: str, state=1) -> dict:
    record = {
        "MATTHC": code,
        "TENTTHC": name,
        "LINHVUCTHUCHIEN": [{"MALINHVUC": "G15-TP07", "TENLINHVUC": "Hộ tịch"}],
        "TRINHTUTHUCHIEN": [{"TRUONGHOP": "", "TRINHTU": [{"TENTRINHTU": "Bước 1: Nộp tờ khai"}]}],
        "CACHTHUCTHUCHIEN": [
            {"KENH": "1", "THOIGIAN": [{"THOIGIANGIAIQUYET": "1", "DONVITINH": "Ngày làm việc", "PHILEPHI": []}]}
        ],
    }
    if state is not None:
        record["TRANGTHAI"] = state
    return record


def write(tmp_path, name: str, records: list) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_a_procedure_not_in_force_is_left_out_or_withdrawn(storage_server, tmp_path):
    srv = storage_server  # SQLite, then PostgreSQL
    token = srv.device_token("kiosk", "XA-TRANGTHAI", None)
    kiosk = Catalogue(open_store(tmp_path / "kiosk.db"))
    first = [
        lay_thu_tuc("2.000986", "Cấp bản sao trích lục hộ tịch"),
        lay_thu_tuc("2.000635", "Thủ tục đăng ký lại kết hôn", state="1"),
        lay_thu_tuc("2.000547", "Thủ tục đăng ký giám hộ", state=None),  # no TRANGTHAI: read as in force
    ]
    out = srv.cli("import", "procedures", write(tmp_path, "first.json", first))
    assert out.strip() == "3 procedures: 3 added, 0 updated, 0 unchanged"
    kiosk.sync(Client(srv.url, token))
    assert all(kiosk.get(code) for code in ("2.000986", "2.000635", "2.000547"))

    later = [
        lay_thu_tuc("2.000986", "Cấp bản sao trích lục hộ tịch"),
        lay_thu_tuc("2.000635", "Thủ tục đăng ký lại kết hôn", state=2),  # no longer in force
        lay_thu_tuc("1.000893", "Thủ tục đã bãi bỏ", state="0"),  # never in the catalogue
    ]
    out = srv.cli("import", "procedures", write(tmp_path, "later.json", later))
    assert out.strip().splitlines() == [
        "1 procedures: 0 added, 0 updated, 1 unchanged",
        "2 procedures not in force (TRANGTHAI other than 1), not imported: 2.000635, 1.000893",
        "1 procedures withdrawn from the catalogue (kiosks drop them on their next sync): 2.000635",
    ]
    kiosk.sync(Client(srv.url, token))
    assert kiosk.get("2.000635") is None and kiosk.get("1.000893") is None  # never offered to a citizen
    assert kiosk.get("2.000986") and kiosk.get("2.000547")  # the others stay
    assert not [h for h in kiosk.search("kết hôn") if h["code"] in ("2.000635", "1.000893")]

    # The same file again: nothing left to withdraw, and it still says what it left out.
    again = srv.cli("import", "procedures", write(tmp_path, "later.json", later)).strip().splitlines()
    assert again[1:] == ["2 procedures not in force (TRANGTHAI other than 1), not imported: 2.000635, 1.000893"]

    # In force again: offered again.
    out = srv.cli(
        "import", "procedures", write(tmp_path, "back.json", [lay_thu_tuc("2.000635", "Thủ tục đăng ký lại kết hôn")])
    )
    assert out.strip() == "1 procedures: 0 added, 1 updated, 0 unchanged"
    kiosk.sync(Client(srv.url, token))
    assert kiosk.get("2.000635")["name"] == "Thủ tục đăng ký lại kết hôn"

    # A TRANGTHAI that is no number is named, and the file imports nothing.
    bad = [lay_thu_tuc("2.000986", "Cấp bản sao trích lục hộ tịch", state="ngừng"), lay_thu_tuc("2.000547", "X", 2)]
    failed = srv.run_cli("import", "procedures", write(tmp_path, "bad.json", bad))
    assert failed.returncode != 0
    assert 'bad.json item 1 (2.000986), TRANGTHAI: "ngừng" is not a state (1 published' in failed.stderr
    kiosk.sync(Client(srv.url, token))
    assert kiosk.get("2.000547") and kiosk.get("2.000986")


def test_the_dashboard_says_it_in_vietnamese():
    summary = "\n".join(
        [
            "1 procedures: 0 added, 0 updated, 1 unchanged",
            "2 procedures not in force (TRANGTHAI other than 1), not imported: 2.000635, 1.000893",
            "1 procedures withdrawn from the catalogue (kiosks drop them on their next sync): 2.000635",
        ]
    )
    assert importers.in_vietnamese(summary).splitlines() == [
        "1 thủ tục: 0 thêm mới, 0 cập nhật, 1 không đổi",
        "2 thủ tục không còn hiệu lực (TRANGTHAI khác 1), không nhập: 2.000635, 1.000893",
        "1 thủ tục đã gỡ khỏi danh mục (máy tra cứu bỏ các thủ tục này ở lần đồng bộ sau): 2.000635",
    ]
