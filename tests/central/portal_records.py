"""Procedure records in the shapes the national catalogue sends today (CONNECTORS.md A and B), for the
importer's and `sync procedures`' tests. Made up but shaped like the portal's answers."""

import copy

BIRTH_ID = "0b7f1c2e-3f4a-4b5c-8d9e-0123456789ab"
MARRIAGE_ID = "5d0c7a51-92e4-4c1b-b0a7-7f3e2d1c0b9a"
JULY_1_8AM = 1751331600000  # 2025-07-01T08:00:00+07:00 in epoch milliseconds


def current(code="1.001193", pid=BIRTH_ID, submission="DIRECT", unit="WORKING_DAY", **extra) -> dict:
    """One procedure as the portal's detail endpoint sends it (the record inside {"code": "OK", "data"})."""
    record = {
        "id": pid,
        "code": code,
        "name": "Đăng ký khai sinh",
        "category": {"code": "G15-TP07", "name": "Hộ tịch"},
        "categoriesDetails": [{"code": "G15-TP07", "name": "Hộ tịch"}],
        "decisionNo": "1872/QĐ-BTP",
        "type": "STANDARD",
        "state": "PUBLISHED",
        "isWard": True,
        "isProvince": False,
        "isMinistry": False,
        "isOtherAgency": False,
        "isVertical": False,
        "executionSteps": [
            {"name": "Bước 1", "description": "<p>Nộp hồ sơ tại <b>Bộ phận Một cửa</b>&nbsp;của xã.</p>"},
            {"name": "Bước 2: Tiếp nhận", "description": "<p>Bước 2: Công chức kiểm tra hồ sơ.</p>"},
        ],
        "executionMethods": [
            {
                "submissionMethod": submission,
                "processingTime": 5,
                "processingTimeUnit": unit,
                "description": "<p>Kể từ ngày nhận đủ hồ sơ hợp lệ</p>",
                "fees": [{"type": "FEE", "value": 50000, "description": "Lệ phí cấp bản sao", "currencyName": "VNĐ"}],
            }
        ],
        "executionCases": [
            {
                "name": "Khai sinh đúng hạn",
                "profileComponents": [
                    {
                        "name": "Tờ khai đăng ký khai sinh",
                        "code": "TK01",
                        "originalQty": 1,
                        "copyQty": 0,
                        "required": True,
                        "hasElectronicForm": True,
                        "attachments": [{"fileName": "to-khai-khai-sinh.docx", "fileId": "f1"}],
                    }
                ],
            }
        ],
        "requirementsAndConditions": "<p>Không có</p>",
        "legalBasisesDetails": [{"code": "60/2014/QH13", "name": "Luật Hộ tịch"}],
        "resultsDetails": [{"code": "KQ01", "name": "Giấy khai sinh (bản chính)"}],
        "subjectTypesDetails": [{"code": "CD", "name": "Công dân Việt Nam"}],
        "departmentsExecuting": [{"code": "UBX", "name": "Ủy ban nhân dân cấp xã"}],
        "keywords": "khai sinh, giấy khai sinh; đăng ký",
        "updatedAt": JULY_1_8AM,
        "createdAt": JULY_1_8AM - 86_400_000,
        "newFieldTheProjectDoesNotKnow": {"anything": [1, 2, 3]},
    }
    record.update(extra)
    return record


def marriage(**extra) -> dict:
    record = current(code="1.000894", pid=MARRIAGE_ID, submission="DIRECT_AND_ONLINE", **extra)
    record["name"] = "Đăng ký kết hôn"
    return record


def envelope(record) -> dict:
    return {"code": "OK", "message": "Thành công", "data": copy.deepcopy(record)}


def exchange(code="2.000884") -> dict:
    """A LayThuTuc record of the national exchange API."""
    return {
        "MATTHC": code,
        "TENTTHC": "Chứng thực chữ ký trong giấy tờ, văn bản",
        "LINHVUCTHUCHIEN": [{"MALINHVUC": "G15-TP02", "TENLINHVUC": "Chứng thực"}],
        "TRINHTUTHUCHIEN": [
            {
                "TRUONGHOP": "",
                "TRINHTU": [{"TENTRINHTU": "Bước 1: Nộp giấy tờ"}, {"TENTRINHTU": "Bước 2: Ký chứng thực"}],
            }
        ],
        "CACHTHUCTHUCHIEN": [
            {
                "KENH": "1",
                "THOIGIAN": [
                    {
                        "THOIGIANGIAIQUYET": "1",
                        "DONVITINH": "Ngày làm việc",
                        "MOTA": "Trong ngày tiếp nhận",
                        "PHILEPHI": [
                            {"MAPHILEPHI": "LP1", "SOTIEN": "10.000", "DONVI": "Đồng", "MOTA": "10.000 đồng/trường hợp"}
                        ],
                    }
                ],
            },
            {"KENH": 2, "THOIGIAN": [{"THOIGIANGIAIQUYET": 1, "DONVITINH": "WORKING_DAY", "PHILEPHI": []}]},
        ],
        "THANHPHANHOSO": [
            {"TRUONGHOP": "", "GIAYTO": [{"MAGIAYTO": "GT1", "TENGIAYTO": "Giấy tờ cần chứng thực", "TENMAUDON": ""}]}
        ],
        "DOITUONGTHUCHIEN": "Công dân Việt Nam",
        "KETQUATHUCHIEN": [{"MAKETQUA": "KQ1", "TENKETQUA": "Giấy tờ đã chứng thực chữ ký"}],
        "CANCUPHAPLY": [{"SOVANBAN": "23/2015/NĐ-CP", "TENVANBAN": "Nghị định về chứng thực"}],
        "YEUCAU": "Không",
        "COQUANTHUCHIEN": [{"MADONVI": "UBX", "TENDONVI": "Ủy ban nhân dân cấp xã"}],
        "TRANGTHAI": 1,
    }
