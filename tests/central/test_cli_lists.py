"""`motcua-central office list` and `staff list [--office CODE]` (issue 18 item 5): the ids an admin
needs (a staff id is what rating.ini's [rating] staff_id asks for), in aligned columns or JSON, in
Vietnamese alphabetical order, never a PIN or its hash; a sentence, not a traceback, for an unknown
office or a database not set up. The real CLI in a subprocess on real SQLite and PostgreSQL databases;
the dashboard's staff page shows the same id."""

import json
import re

import pytest

from tests.support.dash_web import signed_in
from tests.support.server import CentralServer, launch

PIN = "97531"


@pytest.fixture
def office_db(storage_url, tmp_path):
    """Three offices and five officers, added in an order that is neither code-point nor id order."""
    db = CentralServer(storage_url, tmp_path)
    db.cli("init")
    db.cli("office", "add", "XA-Z", "Trung tâm Phục vụ hành chính công xã Yên Bình")
    db.cli("office", "add", "XA-A", "Trung tâm Phục vụ hành chính công xã Đông Hòa", "--unit-code", "000.00.31.H29")
    db.cli("office", "add", "XA-M", "Trung tâm Phục vụ hành chính công xã Bình An")
    ids = {}
    for name, counter in (("Đặng Thị Lan", 2), ("Zô Văn Tú", 3), ("Bùi Văn An", 1), ("Huỳnh Thị Mai", 1)):
        ids[name] = int(
            db.cli(
                "staff", "add", "--office", "XA-A", "--name", name, "--counter", str(counter), "--pin-stdin",
                stdin=PIN + "\n",
            ).split()[-1]
        )  # fmt: skip
    ids["Nguyễn Văn Hùng"] = int(
        db.cli(
            "staff", "add", "--office", "XA-M", "--name", "Nguyễn Văn Hùng", "--title", "Công chức", "--counter", "1"
        ).split()[-1]
    )
    db.ids = ids
    return db


def _ok(db, *args) -> str:
    proc = db.run_cli(*args)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _columns(text: str) -> list[list[str]]:
    """The cells of an aligned table: each column starts where its header starts."""
    lines = text.rstrip("\n").split("\n")
    starts = [m.start() for m in re.finditer(r"\S+", lines[0])]
    rows = []
    for line in lines:
        assert all(i == 0 or line[i - 1] == " " for i in starts if i < len(line)), line  # aligned
        rows.append([line[a:b].strip() for a, b in zip(starts, starts[1:] + [None])])
    return rows


def test_office_list_in_vietnamese_order_with_codes(office_db):
    table = _columns(_ok(office_db, "office", "list"))
    assert table[0] == ["code", "name", "unit_code", "staff"]
    assert [r[0] for r in table[1:]] == ["XA-M", "XA-A", "XA-Z"]  # Bình < Đông < Yên (code points put Đ last)
    assert table[2] == ["XA-A", "Trung tâm Phục vụ hành chính công xã Đông Hòa", "000.00.31.H29", "4"]
    assert table[1][2] == "-"

    data = json.loads(_ok(office_db, "office", "list", "--format", "json"))
    assert [o["code"] for o in data] == ["XA-M", "XA-A", "XA-Z"]
    assert data[1] == {
        "code": "XA-A",
        "name": "Trung tâm Phục vụ hành chính công xã Đông Hòa",
        "unit_code": "000.00.31.H29",
        "staff": 4,
    }
    assert data[0]["unit_code"] is None and data[2]["staff"] == 0


def test_staff_list_shows_the_ids_the_tablet_asks_for_and_no_pin(office_db):
    ids = office_db.ids
    out = _ok(office_db, "staff", "list")
    assert PIN not in out and "pbkdf2" not in out and "$" not in out
    table = _columns(out)
    assert table[0] == ["id", "office", "counter", "name", "title", "state", "pin", "photo"]
    # offices by name (Bình An, then Đông Hòa), officers by name in Vietnamese order: Bùi < Đặng < Huỳnh < Zô
    assert [r[3] for r in table[1:]] == ["Nguyễn Văn Hùng", "Bùi Văn An", "Đặng Thị Lan", "Huỳnh Thị Mai", "Zô Văn Tú"]
    for row in table[1:]:
        assert int(row[0]) == ids[row[3]]  # the id `staff_id =` in rating.ini takes
    assert table[1] == [str(ids["Nguyễn Văn Hùng"]), "XA-M", "1", "Nguyễn Văn Hùng", "Công chức", "active", "no", "no"]
    assert table[3] == [str(ids["Đặng Thị Lan"]), "XA-A", "2", "Đặng Thị Lan", "-", "active", "yes", "no"]

    one = _columns(_ok(office_db, "staff", "list", "--office", "XA-A"))
    assert [r[3] for r in one[1:]] == ["Bùi Văn An", "Đặng Thị Lan", "Huỳnh Thị Mai", "Zô Văn Tú"]

    raw = _ok(office_db, "staff", "list", "--office", "XA-A", "--format", "json")
    assert PIN not in raw and "pin_hash" not in raw and "pbkdf2" not in raw
    data = json.loads(raw)
    assert [o["id"] for o in data] == [ids[n] for n in ("Bùi Văn An", "Đặng Thị Lan", "Huỳnh Thị Mai", "Zô Văn Tú")]
    assert data[0] == {
        "id": ids["Bùi Văn An"],
        "office": "XA-A",
        "counter": 1,
        "name": "Bùi Văn An",
        "title": "",
        "state": "active",
        "pin": True,
        "photo": False,
    }
    assert json.loads(_ok(office_db, "staff", "list", "--office", "XA-Z", "--format", "json")) == []


def test_unknown_office_is_a_sentence(office_db):
    proc = office_db.run_cli("staff", "list", "--office", "XA-NHAM")
    assert proc.returncode == 2 and proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip() == (
        "motcua-central: no office 'XA-NHAM'; add it first: motcua-central office add XA-NHAM \"NAME\""
    )


@pytest.mark.parametrize("args", [("office", "list"), ("staff", "list"), ("staff", "list", "--format", "json")])
def test_database_not_set_up_is_a_sentence(tmp_path, args):
    db = CentralServer(str(tmp_path / "new.db"), tmp_path)
    proc = db.run_cli(*args)
    assert proc.returncode == 1 and proc.stdout == "" and "Traceback" not in proc.stderr
    assert f"no database at {tmp_path / 'new.db'}" in proc.stderr and "motcua-central --db" in proc.stderr
    assert proc.stderr.rstrip().endswith(" init")
    assert not (tmp_path / "new.db").exists()


def test_dashboard_staff_page_shows_the_staff_id(tmp_path):
    srv = launch(str(tmp_path / "central.db"), tmp_path)
    try:
        srv.cli("office", "add", "XA-A", "Trung tâm Phục vụ hành chính công xã Đông Hòa")
        staff_id = int(
            srv.cli("staff", "add", "--office", "XA-A", "--name", "Đặng Thị Lan", "--counter", "2").split()[-1]
        )
        srv.cli("admin", "add", "quantri", "--password-stdin", stdin="mat-khau-dai-1234\n")
        session = signed_in(srv.url, "quantri", "mat-khau-dai-1234")
        page = session.get(srv.url + "/admin/staff", timeout=15).text
        assert "Mã cán bộ" in page and "staff_id" in page  # the header says what the id is for
        row = re.search(rf'<tr id="staff-{staff_id}"[^>]*>(.*?)</tr>', page, re.S).group(1)
        assert re.search(rf"<td[^>]*>{staff_id}</td>", row) and "Đặng Thị Lan" in row
        english = session.get(srv.url + "/admin/staff?lang=en", timeout=15).text
        assert "Staff id" in english
    finally:
        srv.stop()
