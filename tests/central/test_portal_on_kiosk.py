"""What a kiosk shows of a procedure imported as the national portal sends it today (CONNECTORS.md A:
the `{"code": "OK", "data": {...}}` envelope, fees[].value, WORKING_DAY, DIRECT_AND_ONLINE, steps
{name, description}, legal bases {code, name}, decisionNo/type/departmentsExecuting/categoriesDetails,
isMinistry, epoch-ms updatedAt, keywords as a string) and of a LayThuTuc record (B): the file goes
through `motcua-central import procedures`, a kiosk syncs its catalogue from the server over a real
socket (SQLite, then PostgreSQL), and the kiosk's own presentation reads the time, the fee amount and
the steps in Vietnamese."""

import json

from kiosk import present
from motcua.catalogue import Catalogue
from motcua.client import Client
from motcua.store import open_store

PORTAL_ID = "3f2b8c1e-9a4d-4c6b-8e21-7d5f0a9b1c2d"
PORTAL = {
    "code": "OK",
    "message": None,
    "data": {
        "id": PORTAL_ID,
        "code": "1.001193",
        "name": "Thủ tục đăng ký khai sinh",
        "category": None,
        "categoriesDetails": [{"code": "G15-TP07", "name": "Hộ tịch"}],
        "decisionNo": "1872/QĐ-BTP",
        "type": "STANDARD",
        "state": "PUBLISHED",
        "isWard": False,
        "isProvince": False,
        "isMinistry": True,
        "executionSteps": [
            {
                "name": "Bước 1",
                "description": "<p>Người có yêu cầu nộp hồ sơ tại <b>Bộ phận một cửa</b>&nbsp;cấp xã.</p>",
            },
            {"name": "Bước 2", "description": "<p>Công chức tư pháp kiểm tra hồ sơ.</p>"},
        ],
        "executionMethods": [
            {
                "submissionMethod": "DIRECT_AND_ONLINE",
                "processingTime": 1,
                "processingTimeUnit": "WORKING_DAY",
                "description": "",
                "fees": [{"type": "LE_PHI", "value": 8000, "description": "Lệ phí đăng ký khai sinh"}],
            },
            {
                "submissionMethod": "POSTAL",
                "processingTime": None,
                "processingTimeUnit": "OTHER",
                "cases": [{"name": "Trường hợp cần xác minh", "processingDay": 5, "processingTimeUnit": "WORKING_DAY"}],
                "fees": [
                    {"type": "PHI", "value": "50.000", "description": "Phí gửi trả kết quả (mức mẫu: 50.000 đồng)"}
                ],
            },
        ],
        "executionCases": [
            {"name": "", "profileComponents": [{"name": "Tờ khai đăng ký khai sinh", "originalQty": 1}]}
        ],
        "requirementsAndConditions": "<p>Không có</p>",
        "legalBasisesDetails": [{"code": "60/2014/QH13", "name": "Luật Hộ tịch"}],
        "resultsDetails": [{"code": "KQ1", "name": "Giấy khai sinh"}],
        "departmentsExecuting": [{"name": "Ủy ban nhân dân cấp xã"}],
        "keywords": "khai sinh, giấy khai sinh; đăng ký con",
        "updatedAt": 1767225600000,
    },
}
LAY_THU_TUC = {
    "MATTHC": "2.000986",
    "TENTTHC": "Cấp bản sao trích lục hộ tịch",
    "LINHVUCTHUCHIEN": [{"MALINHVUC": "G15-TP07", "TENLINHVUC": "Hộ tịch"}],
    "TRINHTUTHUCHIEN": [{"TRUONGHOP": "", "TRINHTU": [{"TENTRINHTU": "Bước 1: Nộp tờ khai"}]}],
    "CACHTHUCTHUCHIEN": [
        {
            "KENH": "1",
            "THOIGIAN": [
                {
                    "THOIGIANGIAIQUYET": "1",
                    "DONVITINH": "Ngày làm việc",
                    "PHILEPHI": [{"MAPHILEPHI": "LP1", "DONVI": "8000", "MOTA": "Lệ phí"}],
                }
            ],
        }
    ],
    "CANCUPHAPLY": [{"SOVANBAN": "60/2014/QH13", "TENVANBAN": "Luật Hộ tịch"}],
    "TRANGTHAI": 1,
}


def test_a_kiosk_reads_the_portals_record_as_a_citizen_should(storage_server, tmp_path):
    srv = storage_server  # SQLite, then PostgreSQL
    path = tmp_path / "portal.json"
    path.write_text(json.dumps(PORTAL, ensure_ascii=False), encoding="utf-8")
    assert "1 procedures" in srv.cli("import", "procedures", str(path))
    path = tmp_path / "laythutuc.json"
    path.write_text(json.dumps([LAY_THU_TUC], ensure_ascii=False), encoding="utf-8")
    assert "1 procedures" in srv.cli("import", "procedures", str(path))

    token = srv.device_token("kiosk", "XA-PORTAL", None)
    catalogue = Catalogue(open_store(tmp_path / "kiosk.db"))
    catalogue.sync(Client(srv.url, token))

    birth = present.with_portal_link(catalogue.get("1.001193"), "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/{id}")
    direct, online, postal = birth["methods"]
    assert (direct["channel"], online["channel"], postal["channel"]) == ("direct", "online", "postal")
    assert present.format_duration(direct) == present.format_duration(online) == "1 ngày làm việc"
    # the portal's words name the fee; its amount (value) is what the citizen pays
    assert present.format_fees(direct["fees"]) == "Lệ phí đăng ký khai sinh: 8.000 đồng"
    assert present.summary_line(birth) == "1 ngày làm việc · Lệ phí đăng ký khai sinh: 8.000 đồng"
    assert present.format_duration(postal) == "Trường hợp cần xác minh: 5 ngày làm việc"
    assert present.format_fees(postal["fees"]) == "Phí gửi trả kết quả (mức mẫu: 50.000 đồng)"  # said once
    assert present.procedure_steps(birth["steps"]) == [
        "1. Người có yêu cầu nộp hồ sơ tại Bộ phận một cửa cấp xã.",
        "2. Công chức tư pháp kiểm tra hồ sơ.",
    ]
    assert birth["legal_basis"][0]["number"] == "60/2014/QH13" and birth["legal_basis"][0]["title"] == "Luật Hộ tịch"
    assert (birth["decision"], birth["kind"], birth["agency"]) == (
        "1872/QĐ-BTP",
        "Thủ tục hành chính",
        "Ủy ban nhân dân cấp xã",
    )
    assert birth["field"] == {"code": "G15-TP07", "name": "Hộ tịch"} and present.level_name(birth["level"]) != "—"
    assert birth["level"] == "ministry" and birth["updated_at"] == "2026-01-01T07:00:00+07:00"
    assert birth["portal_url"] == f"https://dichvucong.gov.vn/thu-tuc-hanh-chinh/{PORTAL_ID}"

    hit = next(h for h in catalogue.search("giấy khai sinh") if h["code"] == "1.001193")  # keywords as a string
    assert present.summary_line(hit) == "1 ngày làm việc · Lệ phí đăng ký khai sinh: 8.000 đồng"

    copy = catalogue.get("2.000986")
    assert present.summary_line(copy) == "1 ngày làm việc · Lệ phí: 8.000 đồng"
    assert present.procedure_steps(copy["steps"]) == ["1. Nộp tờ khai"]
    assert "portal_url" not in present.with_portal_link(copy, "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/{id}")
