"""Catalogue sync: whole catalogue, changes since a cursor, deletions, ETag/304, fields."""

import copy
import json
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[2] / "assets" / "sample" / "procedures.json"


@pytest.fixture(scope="module")
def portal_records():
    return json.loads(SAMPLE.read_text(encoding="utf-8"))["items"]


def write(tmp_path, name, records):
    path = tmp_path / name
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_catalogue_sync_cycle(storage_server, kiosk, portal_records, tmp_path):
    storage_server.cli("import", "procedures", write(tmp_path, "p.json", portal_records[:5]))
    r = kiosk.get("/api/v1/procedures")
    assert r.status_code == 200
    body, etag = r.json(), r.headers["ETag"]
    assert body["complete"] is True and body["deleted"] == []
    codes = {i["code"] for i in body["items"]}
    assert {p["code"] for p in portal_records[:5]} <= codes
    item = next(i for i in body["items"] if i["code"] == "1.001193")
    assert item["name"] == "Đăng ký khai sinh" and item["field"] == {"code": "G15-TP07", "name": "Hộ tịch"}
    assert item["level"] == "commune" and item["methods"][0]["channel"] == "direct"
    assert item["documents"][0]["items"][0]["originals"] == 1
    assert {"steps", "results", "legal_basis", "requirements", "online_level", "updated_at"} <= set(item)

    not_modified = kiosk.get("/api/v1/procedures", headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.content == b""

    cursor = body["cursor"]
    assert kiosk.get(f"/api/v1/procedures?since={cursor}").json()["items"] == []
    changed = copy.deepcopy(portal_records[0])
    changed["name"] = "Đăng ký khai sinh (đã sửa)"
    storage_server.cli("import", "procedures", write(tmp_path, "p2.json", [changed] + portal_records[1:5]))
    storage_server.cli("procedure", "delete", portal_records[1]["code"])
    delta = kiosk.get(f"/api/v1/procedures?since={cursor}")
    assert delta.json()["complete"] is False
    assert [i["name"] for i in delta.json()["items"]] == ["Đăng ký khai sinh (đã sửa)"]
    assert delta.json()["deleted"] == [portal_records[1]["code"]]
    assert kiosk.get("/api/v1/procedures", headers={"If-None-Match": etag}).status_code == 200
    assert int(delta.json()["cursor"]) > int(cursor)


def test_bad_cursor_is_a_clear_400(kiosk):
    for cursor in ("yesterday", "9" * 30, "²"):  # found by schemathesis: a huge number was a 500
        r = kiosk.get("/api/v1/procedures", params={"since": cursor})
        assert r.status_code == 400 and r.json()["error"]["code"] == "bad_cursor"


def test_fields_are_counted(storage_server, kiosk, portal_records, tmp_path):
    storage_server.cli("import", "procedures", write(tmp_path, "all.json", portal_records))
    fields = {f["code"]: f for f in kiosk.get("/api/v1/fields").json()["items"]}
    expected = sum(1 for p in portal_records if p["category"]["code"] == "G15-TP07")
    assert fields["G15-TP07"]["name"] == "Hộ tịch"
    assert fields["G15-TP07"]["count"] >= expected - 1  # one may have been deleted by the test above
