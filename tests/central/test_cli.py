"""motcua-central: imports validate whole files (line/field errors, exit 2, nothing written), export, tokens."""

import csv
import io
import json

import pytest
import requests

HEADER = "code,procedure_code,holder_name,phone,status,received_at,due_at,finished_at,returned_at,secret\n"


def row(n, due="2025-11-05T17:00:00+07:00", status="4"):
    return (
        f"000.00.31.H29-251103-{n:04d},1.001193,Trần Thị Bình,0912345678,{status},"
        f"2025-11-03T08:00:00+07:00,{due},,,S{n:05d}\n"
    )


@pytest.fixture
def db(server):
    server.cli(
        "office",
        "add",
        "XA-PHUOCLONG",
        "Trung tâm Phục vụ hành chính công xã Phước Long",
        "--unit-code",
        "000.00.31.H29",
    )
    return server


def test_bad_dossier_csv_reports_every_problem_and_writes_nothing(db, tmp_path, api_for):
    lines = [HEADER] + [row(n) for n in range(1, 13)] + [row(13, status="11"), row(14, due="31/02/2025")]
    path = tmp_path / "dossiers.csv"
    path.write_text("".join(lines), encoding="utf-8")
    proc = db.run_cli("import", "dossiers", str(path))
    assert proc.returncode == 2
    assert 'dossiers.csv line 14, status: "11" is not a national status code 1-10' in proc.stderr
    assert (
        'dossiers.csv line 15, due_at: "31/02/2025" is not a date (expected ISO 8601 like 2025-11-03T17:00:00+07:00)'
    ) in proc.stderr
    kiosk = api_for(db, db.device_token("kiosk", "XA-PHUOCLONG", None))
    assert kiosk.get("/api/v1/dossiers/000.00.31.H29-251103-0001").status_code == 404  # nothing written


def test_good_dossier_csv_is_imported_then_updated(db, tmp_path, api_for):
    path = tmp_path / "dossiers.csv"
    path.write_text(HEADER + row(1) + row(2), encoding="utf-8")
    assert "2 added" in db.cli("import", "dossiers", str(path))
    path.write_text(HEADER + row(1, status="9"), encoding="utf-8")
    assert "1 updated" in db.cli("import", "dossiers", str(path))
    kiosk = api_for(db, db.device_token("kiosk", "XA-PHUOCLONG", None))
    view = kiosk.get("/api/v1/dossiers/000.00.31.H29-251103-0001").json()
    assert view["status"]["code"] == 9 and view["office"]["code"] == "XA-PHUOCLONG"  # office from unit code


def test_unknown_office_unit_is_an_error(db, tmp_path):
    path = tmp_path / "d.csv"
    path.write_text(HEADER + row(1).replace("000.00.31.H29", "000.00.99.H99"), encoding="utf-8")
    proc = db.run_cli("import", "dossiers", str(path))
    assert proc.returncode == 2 and "d.csv line 2, office:" in proc.stderr


def test_bad_procedure_json_names_item_and_field(db, tmp_path):
    path = tmp_path / "p.json"
    path.write_text(
        json.dumps(
            [
                {"code": "1.001193", "name": "Đăng ký khai sinh", "category": {"code": "G15-TP07", "name": "Hộ tịch"}},
                {"code": "1.000894", "name": "Đăng ký kết hôn"},
                {
                    "code": "1.1",
                    "name": "X",
                    "category": {"code": "A", "name": "B"},
                    "executionMethods": [{"submissionMethod": "FAX"}],
                },
            ]
        ),
        encoding="utf-8",
    )
    proc = db.run_cli("import", "procedures", str(path))
    assert proc.returncode == 2
    assert "p.json item 2 (1.000894), category.code: is missing" in proc.stderr
    assert (
        'p.json item 3 (1.1), executionMethods[0].submissionMethod: "FAX" is not DIRECT, ONLINE, POSTAL or '
        "DIRECT_AND_ONLINE" in proc.stderr
    )
    path.write_text("[{", encoding="utf-8")
    assert db.run_cli("import", "procedures", str(path)).returncode == 2


def test_procedure_csv_import(db, tmp_path, api_for):
    path = tmp_path / "p.csv"
    path.write_text(
        "code,name,field_code,field_name,time,time_unit,fee_amount,fee_text,documents,online_level\n"
        "2.000815,Chứng thực bản sao từ bản chính,G15-TP02,Chứng thực,1,Ngày làm việc,2000,"
        "2.000đ/trang,Bản chính | Bản sao,partial\n",
        encoding="utf-8",
    )
    assert "1 added" in db.cli("import", "procedures", str(path))
    kiosk = api_for(db, db.device_token("kiosk", "XA-PHUOCLONG", None))
    item = kiosk.get("/api/v1/procedures").json()["items"][0]
    assert item["methods"][0]["fees"] == [{"amount": 2000, "text": "2.000đ/trang"}]
    assert [d["name"] for d in item["documents"][0]["items"]] == ["Bản chính", "Bản sao"]
    assert item["online_level"] == "partial"


def test_export_ratings_csv_has_no_phone(db, api_for):
    tablet = api_for(db, db.device_token("rating", "XA-PHUOCLONG", 1))
    items = [
        {
            "id": f"00000000-0000-4000-8000-00000000000{i}",
            "device_seq": i,
            "created_at": f"2025-11-0{i}T09:00:00+07:00",
            "office": "XA-PHUOCLONG",
            "counter": 1,
            "score": i,
            "reasons": ["thai_do"],
            "phone": "0987654321",
            "comment": "Cảm ơn",
        }
        for i in (1, 2, 3)
    ]
    assert tablet.post("/api/v1/ratings", {"ratings": items}).status_code == 200
    out = db.cli("export", "ratings", "--office", "XA-PHUOCLONG", "--from", "2025-11-02")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["score"] for r in rows] == ["2", "3"]
    assert rows[0]["comment"] == "Cảm ơn" and rows[0]["created_at"] == "2025-11-02T09:00:00+07:00"
    assert "0987654321" not in out and "phone" not in rows[0]


def test_device_add_prints_token_last_and_list_shows_it(db):
    out = db.cli(
        "device",
        "add",
        "--kind",
        "rating",
        "--office",
        "XA-PHUOCLONG",
        "--counter",
        "2",
        "--name",
        "Máy đánh giá quầy 2",
    )
    token = out.strip().splitlines()[-1]
    assert len(token) >= 40 and " " not in token
    listing = db.cli("device", "list")
    assert "Máy đánh giá quầy 2" in listing and token not in listing
    assert db.run_cli("device", "add", "--kind", "rating", "--office", "NOWHERE", "--counter", "1").returncode == 2
    assert db.run_cli("device", "add", "--kind", "rating", "--office", "XA-PHUOCLONG").returncode == 2


def test_admin_password_is_stored_scrypt_hashed(db):
    import sqlalchemy

    db.cli("admin", "add", "chi", "--password-stdin", stdin="mật-khẩu-dài\n")
    engine = sqlalchemy.create_engine("sqlite:///" + db.db_url)
    with engine.connect() as conn:
        stored = conn.execute(sqlalchemy.text("select password_hash from admins where name='chi'")).scalar()
        hashes = conn.execute(sqlalchemy.text("select token_hash from devices")).scalars().all()
    engine.dispose()
    from central.security import check_password

    assert stored.startswith("scrypt$") and "mật" not in stored
    assert check_password("mật-khẩu-dài", stored) and not check_password("sai", stored)
    assert all(len(h) == 64 for h in hashes)


def test_heartbeat_stores_state_and_delivers_commands_once(db, api_for):
    out = db.cli("device", "add", "--kind", "kiosk", "--office", "XA-PHUOCLONG")
    device_id, token = out.split()[1], out.strip().splitlines()[-1]
    kiosk = api_for(db, token)
    db.cli("device", "command", device_id, "reload_config")
    beat = {
        "app": "kiosk",
        "version": "0.1.0",
        "pending": 3,
        "oldest_pending_age_s": 42,
        "last_sync_at": "2026-11-21T09:00:00+07:00",
        "catalogue_version": "17",
        "errors": ["disk 91%"],
    }
    first = kiosk.post("/api/v1/heartbeat", beat).json()
    assert first["ok"] is True and [c["name"] for c in first["commands"]] == ["reload_config"]
    assert kiosk.post("/api/v1/heartbeat", beat).json()["commands"] == []
    admin = api_for(db, db.admin_token())
    me = [d for d in admin.get("/api/v1/admin/devices").json()["items"] if str(d["id"]) == device_id][0]
    assert (me["version"], me["pending"], me["catalogue_version"], me["errors"]) == ("0.1.0", 3, "17", ["disk 91%"])


def test_staff_list_photo_and_pin_hash_only_for_own_tablets(db, tmp_path, api_for):
    photo = tmp_path / "an.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\nfake")
    db.cli(
        "staff",
        "add",
        "--office",
        "XA-PHUOCLONG",
        "--name",
        "Nguyễn Văn An",
        "--title",
        "Công chức Tư pháp",
        "--counter",
        "1",
        "--photo",
        str(photo),
        "--pin-stdin",
        stdin="2468\n",
    )
    tablet = api_for(db, db.device_token("rating", "XA-PHUOCLONG", 1))
    kiosk = api_for(db, db.device_token("kiosk", "XA-PHUOCLONG", None))
    mine = tablet.get("/api/v1/staff?office=XA-PHUOCLONG").json()["items"][0]
    assert mine["name"] == "Nguyễn Văn An" and mine["counter"] == 1
    assert mine["pin_hash"].startswith("pbkdf2_sha256$")
    assert kiosk.get("/api/v1/staff?office=XA-PHUOCLONG").json()["items"][0]["pin_hash"] is None
    r = kiosk.get(mine["photo_url"])
    assert r.status_code == 200 and r.content == photo.read_bytes() and r.headers["content-type"] == "image/png"
    assert kiosk.get("/api/v1/staff?office=NOWHERE").status_code == 404
    assert requests.get(db.url + mine["photo_url"], timeout=5).status_code == 401
