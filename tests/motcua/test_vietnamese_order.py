"""Lists a person reads are in Vietnamese alphabetical order (a ă â b c d đ e ê ... o ô ơ ... u ư), not in
code-point order (which puts every "Đ" after "Z" and "Chứng" before "Căn") nor accent-folded order ("Đổi" before
"Dừng"): the kiosk's fields and procedures
after a real sync, and the server's field list. The expected orders are written out by hand."""

import csv

import requests

from motcua.catalogue import Catalogue
from motcua.client import Client
from motcua.store import open_store
from motcua.text import sort_key

# (field code, field name, procedure names), deliberately not in order
FIELDS = [
    ("F-DD", "Đất đai", ["Hòa giải tranh chấp đất đai"]),
    ("F-CT", "Chứng thực", ["Chứng thực bản sao từ bản chính"]),
    ("F-CC", "Căn cước", ["Cấp đổi thẻ căn cước"]),
    (
        "F-DK",
        "Đăng ký, quản lý cư trú",
        ["Đăng ký thường trú", "Xóa đăng ký tạm trú", "Đăng ký tạm trú", "Gia hạn tạm trú"],
    ),
    ("F-UY", "Ủy quyền", ["Ủy quyền khác"]),
    ("F-UU", "Ưu đãi người có công", ["Ưu đãi giáo dục"]),
    (
        "F-BT",
        "Bảo trợ xã hội",
        ["Đổi, cấp lại Giấy xác nhận khuyết tật", "Dừng trợ cấp", "Cấp lại Giấy xác nhận", "Chấm dứt trợ cấp"],
    ),
    ("F-HK", "Hộ kinh doanh", ["Đăng ký thay đổi nội dung", "Đăng ký thành lập hộ kinh doanh", "Tạm ngừng kinh doanh"]),
    ("F-HO", "Hoạt động xây dựng", ["Cấp giấy phép xây dựng"]),
]
FIELD_ORDER = [
    "Bảo trợ xã hội",
    "Căn cước",
    "Chứng thực",
    "Đăng ký, quản lý cư trú",
    "Đất đai",
    "Hoạt động xây dựng",
    "Hộ kinh doanh",
    "Ủy quyền",
    "Ưu đãi người có công",
]
IN_FIELD = {
    "F-BT": ["Cấp lại Giấy xác nhận", "Chấm dứt trợ cấp", "Dừng trợ cấp", "Đổi, cấp lại Giấy xác nhận khuyết tật"],
    "F-DK": ["Đăng ký tạm trú", "Đăng ký thường trú", "Gia hạn tạm trú", "Xóa đăng ký tạm trú"],
    "F-HK": ["Đăng ký thành lập hộ kinh doanh", "Đăng ký thay đổi nội dung", "Tạm ngừng kinh doanh"],
}


def test_sort_key_is_vietnamese_alphabetical_order():
    names = [
        "Võ Minh Tuấn",
        "Đỗ Đức Anh",
        "Dương Văn An",
        "Bùi Thị Thảo",
        "Đặng Quốc Bảo",
        "Ân",
        "Ăn",
        "Anh",
        "Ôn",
        "Ơn",
    ]
    assert sorted(names, key=sort_key) == [
        "Anh",
        "Ăn",
        "Ân",
        "Bùi Thị Thảo",
        "Dương Văn An",
        "Đặng Quốc Bảo",
        "Đỗ Đức Anh",
        "Ôn",
        "Ơn",
        "Võ Minh Tuấn",
    ]
    assert sorted(["mạ", "má", "mã", "mả", "mà", "ma"], key=sort_key) == ["ma", "mà", "mả", "mã", "má", "mạ"]
    assert sorted(["b", None, "a"], key=sort_key) == [None, "a", "b"]


def test_kiosk_fields_and_procedures_after_a_real_sync(shared_server, tmp_path):
    path = tmp_path / "procedures.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["code", "name", "field_code", "field_name"])
        n = 0
        for code, field, names in FIELDS:
            for name in names:
                n += 1
                out.writerow([f"9.{n:06d}", name, code, field])
    shared_server.cli("import", "procedures", str(path))
    token = shared_server.device_token("kiosk", office="XA-THUTU", counter=None)
    api = requests.get(shared_server.url + "/api/v1/fields", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert [f["name"] for f in api.json()["items"]] == FIELD_ORDER
    cat = Catalogue(open_store(tmp_path / "kiosk.db"))
    cat.sync(Client(shared_server.url, token))
    assert [f["name"] for f in cat.fields()] == FIELD_ORDER
    for code, order in IN_FIELD.items():
        assert [p["name"] for p in cat.by_field(code)] == order
