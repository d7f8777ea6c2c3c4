"""One way to add a device, add or change an officer and store a dossier with its steps (issue 14
item 2): the CLI, the dashboard, the demo seed and the tests call central.devices, central.staff and
central.dossiers, and bad input is one exception root (central.errors.BadInput) everywhere.

Before, each side wrote its own copy and they had drifted: the dashboard could not set a PIN, the
CLI took any file named .jpg as a photo and any counter (-1), and the API translated nine classes
by hand."""

from datetime import datetime

import pytest
import requests
from sqlalchemy import insert, select

from central import dossiers
from central.dashboard.web import CATALOGS
from central.devices import add_device
from central.errors import BadInput, NotFound
from central.importers import check_dossier
from central.staff import add_officer, update_officer
from central.storage import make_engine, upgrade
from central.storage.schema import dossier_steps, dossiers as dossier_table, offices, staff
from central.timeutil import to_db
from motcua.pin import check_pin

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
OFFICE = "XA-DICHVU"


@pytest.fixture
def engine(storage_url):
    engine = make_engine(storage_url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(insert(offices).values(code=OFFICE, name="Xã Dịch Vụ", unit_code="000.00.77.H77"))
    yield engine
    engine.dispose()


def _raises(field: str, fn, *args, **kwargs) -> BadInput:
    with pytest.raises(BadInput) as caught:
        fn(*args, **kwargs)
    assert caught.value.field == field and caught.value.key, (field, caught.value)
    assert all(caught.value.key in CATALOGS[lang] for lang in CATALOGS), caught.value.key  # the page's text
    return caught.value


def test_devices_and_officers_are_checked_the_same_for_every_caller(engine):
    with engine.begin() as conn:
        device_id, token = add_device(conn, "rating", OFFICE, "3", " quầy 3 ")
        assert device_id and len(token) > 20
        officer = add_officer(conn, OFFICE, " Lê Thị Hoa ", counter=3, photo=PNG, pin="2468")
    for field, args in (
        ("kind", ("printer", OFFICE, 1)),
        ("counter", ("rating", OFFICE, None)),
        ("counter", ("rating", OFFICE, -1)),
        ("counter", ("kiosk", OFFICE, "1e3")),
        ("office", ("kiosk", "XA-KHONGCO")),
        ("name", ("kiosk", OFFICE, None, "x" * 201)),
    ):
        with engine.begin() as conn:
            _raises(field, add_device, conn, *args)
    for field, kwargs in (
        ("photo", {"photo": b"GIF89a...."}),
        ("photo", {"photo": PNG + b"\x00" * 2_000_000}),
        ("pin", {"pin": "12"}),
        ("pin", {"pin": "12a4"}),
        ("pin", {"pin": "١٢٣٤"}),
        ("name", {"name": "  "}),
        ("counter", {"counter": 10000}),
        ("office", {"office": "XA-X"}),
    ):
        with engine.begin() as conn:
            _raises(field, update_officer, conn, officer, **kwargs)
    with engine.begin() as conn:
        assert isinstance(_raises("staff_id", update_officer, conn, 999, pin="1234"), NotFound)
        row = conn.execute(select(staff).where(staff.c.id == officer)).one()
    assert (row.name, row.counter, row.photo, row.photo_type) == ("Lê Thị Hoa", 3, PNG, "image/png")
    assert check_pin("2468", row.pin_hash)  # nothing above changed her

    with engine.begin() as conn:  # a PIN or photo left empty keeps hers; a new PIN replaces it
        assert update_officer(conn, officer, title="Công chức", pin="", photo=None) is False
        assert update_officer(conn, officer, pin="13579") is False
        row = conn.execute(select(staff).where(staff.c.id == officer)).one()
    assert row.title == "Công chức" and row.photo == PNG and check_pin("13579", row.pin_hash)


def test_a_dossier_is_stored_with_its_steps_and_its_settled_verdict(engine):
    record = {
        "code": "000.00.77.H77-251001-0001",
        "procedure_code": "1.001193",
        "holder_name": "Trần Văn Bảy",
        "status": "10",
        "received_at": "2025-10-01T08:00:00+07:00",
        "due_at": "2025-10-03T17:00:00+07:00",
        "finished_at": "2025-10-06T10:00:00+07:00",
        "secret": "ABC123",
        "steps": [
            {"name": "Tiếp nhận", "status": 2},
            {
                "name": "Bổ sung",
                "status": 5,
                "started_at": "2025-10-02T08:00:00+07:00",
                "finished_at": "2025-10-06T08:00:00+07:00",
            },
        ],
    }
    values, steps = check_dossier(record, lambda _c, _o: OFFICE, secret_key=b"k" * 32)
    with engine.begin() as conn:
        assert dossiers.store(conn, [(values, steps)]) == (1, 0)
        # the demo seed: what is there already stays as it is
        assert dossiers.store(conn, [(dict(values, status=4), steps[:1])], replace=False) == (0, 0)
        row = conn.execute(select(dossier_table).where(dossier_table.c.code == values["code"])).one()
        assert row.status == 10 and row.on_time is True and row.supplement_s == 4 * 86400
        assert row.finished_effective_at == to_db(datetime.fromisoformat("2025-10-06T10:00:00+07:00"))
        # an import of the same code replaces it, steps and all
        assert dossiers.store(conn, [(dict(values, status=4, finished_at=None), steps[:1])]) == (0, 1)
        row = conn.execute(select(dossier_table).where(dossier_table.c.code == values["code"])).one()
        names = conn.execute(
            select(dossier_steps.c.name, dossier_steps.c.position).where(dossier_steps.c.dossier_code == values["code"])
        ).all()
    assert (row.status, row.on_time, row.finished_effective_at) == (4, None, None)
    assert [tuple(n) for n in names] == [("Tiếp nhận", 1)]


def test_cli_sets_an_officers_pin_and_refuses_what_the_dashboard_refuses(server, tmp_path, api_for):
    server.ensure_office(OFFICE)
    officer = server.cli("staff", "add", "--office", OFFICE, "--name", "Lê Thị Hoa", "--counter", "1").split()[-1]
    assert "PIN of officer" in server.cli("staff", "pin", officer, stdin="8642\n")
    tablet = api_for(server, server.device_token("rating", OFFICE, 1))
    item = tablet.get(f"/api/v1/staff?office={OFFICE}").json()["items"][0]
    assert check_pin("8642", item["pin_hash"]) and not check_pin("2468", item["pin_hash"])

    fake = tmp_path / "anh.jpg"  # named like a photo, not one
    fake.write_text("not an image")
    for args, stdin, said in (
        (("staff", "pin", officer), "12ab\n", "the PIN must be 4 to 8 digits"),
        (("staff", "pin", "999"), "1234\n", "no officer with id 999"),
        (
            ("staff", "add", "--office", OFFICE, "--name", "Ai", "--counter", "2", "--photo", str(fake)),
            None,
            "the photo must be a JPEG or PNG file",
        ),
        (
            ("device", "add", "--kind", "rating", "--office", OFFICE, "--counter", "-1"),
            None,
            "Counter must be a whole number from 0 to 9999",
        ),
        (("device", "add", "--kind", "rating", "--office", OFFICE), None, "a rating tablet needs the counter"),
    ):
        done = server.run_cli(*args, stdin=stdin)
        assert done.returncode == 2 and said in done.stderr, (args, done.stderr)
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr  # one line
    assert item == tablet.get(f"/api/v1/staff?office={OFFICE}").json()["items"][0]  # nothing changed
    assert (
        len(
            requests.get(
                server.url + "/api/v1/admin/devices",
                timeout=15,
                headers={"Authorization": f"Bearer {server.admin_token()}"},
            ).json()["items"]
        )
        == 1
    )


def test_bad_input_is_answered_once_with_the_error_envelope(server, api_for):
    admin = api_for(server, server.admin_token())
    bad_period = admin.get("/api/v1/reports/overview?from=2025-10-05&to=2025-10-01")
    assert bad_period.status_code == 422 and bad_period.json()["error"] == {
        "code": "invalid_request",
        "message": "to: 2025-10-01 is before from: 2025-10-05",
    }
    unknown = admin.post("/api/v1/reports/callbacks/0badc0de-0000-4000-8000-000000000000/done", {"note": "x"})
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"
    by = admin.get("/api/v1/reports/satisfaction/weather")
    assert by.status_code == 404 and by.json()["error"]["code"] == "not_found"
    summary = admin.get("/api/v1/reports/summary?period=year")
    assert summary.status_code == 200 and summary.json()["period"]["name"] == "year"
