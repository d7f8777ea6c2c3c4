"""POST /api/v1/admin/dossiers (issue 16, item 6): a batch in the import's shape or the DongBoHoSoMC
shape, upserted, one result per item; on SQLite and PostgreSQL through a real server."""

import itertools

import pytest

_units = itertools.count(1)


@pytest.fixture
def place(storage_server):
    n = next(_units)
    office, unit = f"XA-PUSH{n}", f"000.00.{n:02d}.H29"
    storage_server.cli("office", "add", office, f"UBND xã {n}", "--unit-code", unit)
    return office, unit


def import_item(unit, n, **extra):
    return {
        "code": f"{unit}-261104-{n:04d}",
        "procedure_code": "1.001234",
        "procedure_name": "Đăng ký khai sinh",
        "holder_name": "Phạm Thị Dung",
        "phone": "0911222333",
        "status": 4,
        "received_at": "2026-11-04T08:00:00+07:00",
        "due_at": "2026-11-06T17:00:00+07:00",
        "secret": "bimat-123456",
        "steps": [{"name": "Tiếp nhận", "unit": "Bộ phận Một cửa", "started_at": "2026-11-04T08:00:00+07:00"}],
        **extra,
    }


def exchange_item(unit, n, status=2):
    return {
        "MaHoSo": f"{unit}-261104-{n:04d}",
        "MaTTHC": "1.004227",
        "TenTTHC": "Chứng thực bản sao",
        "ChuHoSo": "Lê Văn Em",
        "SoDienThoai": "0987000111",
        "NgayTiepNhan": "20261104090000",
        "NgayHenTra": "20261105170000",
        "TrangThaiHoSo": status,
    }


def test_push_takes_both_shapes_and_answers_per_item(storage_server, place, api_for, kiosk):
    office, unit = place
    admin = api_for(storage_server, storage_server.admin_token())
    batch = [
        import_item(unit, 1),
        exchange_item(unit, 2),
        import_item(unit, 3, status=11),
        exchange_item(unit, 4) | {"NgayTiepNhan": "31/02/2026"},
        import_item(unit, 1),
        "not an object",
        import_item(unit, 5, office="XA-NOWHERE"),
        {"MaHoSo": "", "ChuHoSo": "X"},
    ]
    r = admin.post("/api/v1/admin/dossiers", {"dossiers": batch})
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert [x["status"] for x in results] == ["added", "added"] + ["rejected"] * 6
    reasons = [x["reason"] for x in results]
    assert reasons[2].startswith("invalid:status") and reasons[3].startswith("invalid:NgayTiepNhan")
    # each answer names its item, a DongBoHoSoMC item too (by its MaHoSo)
    assert [x["code"] for x in results[2:5]] == [f"{unit}-261104-{n:04d}" for n in (3, 4, 1)]
    assert reasons[4] == "duplicate_in_batch" and reasons[5].startswith("invalid:item")
    assert reasons[6] == 'invalid:office: "XA-NOWHERE" is not a known office' and reasons[7].startswith(
        "invalid:MaHoSo"
    )
    assert "Phạm" not in r.text and "0911222333" not in r.text

    # The same again: unchanged; a change: updated.
    again = admin.post(
        "/api/v1/admin/dossiers", {"dossiers": [import_item(unit, 1), exchange_item(unit, 2, status=10)]}
    )
    assert [x["status"] for x in again.json()["results"]] == ["unchanged", "updated"]

    # A kiosk sees them: the masked holder, steps behind the receipt's secret.
    code = f"{unit}-261104-0001"
    view = kiosk.get(f"/api/v1/dossiers/{code}", headers={"X-Lookup-Secret": "bimat-123456"}).json()
    assert view["holder"] != "Phạm Thị Dung" and view["steps"][0]["name"] == "Tiếp nhận"
    assert view["office"]["code"] == office
    view = kiosk.get(f"/api/v1/dossiers/{unit}-261104-0002").json()
    assert view["status"]["code"] == 10 and view["due_at"] == "2026-11-05T17:00:00+07:00"


def test_push_needs_an_admin_token_and_a_known_office(storage_server, place, api_for, kiosk):
    _, unit = place
    r = kiosk.post("/api/v1/admin/dossiers", {"dossiers": [import_item(unit, 9)]})
    assert r.status_code == 403
    admin = api_for(storage_server, storage_server.admin_token())
    r = admin.post("/api/v1/admin/dossiers?office=XA-NOWHERE", {"dossiers": [exchange_item(unit, 9)]})
    assert r.status_code == 422 and "XA-NOWHERE" in r.text
    r = admin.post("/api/v1/admin/dossiers", {"dossiers": "x"})
    assert r.status_code == 422


def test_push_never_fails_on_odd_items(storage_server, place, api_for):
    _, unit = place
    admin = api_for(storage_server, storage_server.admin_token())
    odd = [
        {"code": {"a": 1}},
        {"code": None, "MaHoSo": None},
        {"MaHoSo": f"{unit}-261104-0100", "ChuHoSo": ["x"], "NgayTiepNhan": True, "TrangThaiHoSo": "4"},
        {"MaHoSo": f"{unit}-261104-0101\x00", "ChuHoSo": "A", "NgayTiepNhan": "20261104090000", "TrangThaiHoSo": 4},
        {"MaHoSo": "X" * 300, "ChuHoSo": "A", "NgayTiepNhan": "20261104090000", "TrangThaiHoSo": 4},
        {"MaHoSo": f"{unit}-261104-0102", "ChuHoSo": "A", "NgayTiepNhan": 99999999999999999999, "TrangThaiHoSo": 4},
        {"MaHoSo": f"{unit}-261104-0103", "ChuHoSo": "A", "NgayTiepNhan": "99990101000000", "TrangThaiHoSo": 4},
        {"MaHoSo": f"{unit}-261104-0104", "ChuHoSo": "A", "NgayTiepNhan": "20261104090000", "TrangThaiHoSo": 4.5},
        import_item(unit, 105, steps="not a list"),
        import_item(unit, 106, received_at=12),
        [],
        7,
    ]
    r = admin.post("/api/v1/admin/dossiers", {"dossiers": odd})
    assert r.status_code == 200, r.text
    assert all(x["status"] == "rejected" and x["reason"] for x in r.json()["results"]), r.text


def test_push_echoes_an_odd_code_without_failing(storage_server, place, api_for):
    """A lone surrogate (JSON "\\ud800") is no UTF-8: the answer escapes it instead of failing."""
    admin = api_for(storage_server, storage_server.admin_token())
    body = '{"dossiers": [{"code": "\\ud800-1", "status": 4}, {"MaHoSo": "\\udfff"}]}'
    r = admin.session.post(
        storage_server.url + "/api/v1/admin/dossiers",
        data=body.encode(),
        headers=admin.headers({"Content-Type": "application/json"}),
        timeout=15,
    )
    assert r.status_code == 200, r.text
    assert [x["status"] for x in r.json()["results"]] == ["rejected", "rejected"]
