"""Input the database cannot store, absurd tablet clocks and unknown reason codes: a per-item
`rejected` or a 4xx, never a 500, on SQLite and PostgreSQL; no statement parameter in an error."""

import traceback
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import DBAPIError

from central.storage import make_engine, upgrade
from central.storage.schema import ratings
from motcua.officetime import OFFICE_TZ

NUL, SURROGATE = "\x00", "\ud800"


def post(tablet, items):
    r = tablet.post("/api/v1/ratings", {"ratings": items})
    assert r.status_code == 200, r.text
    return [(x["status"], x["reason"]) for x in r.json()["results"]]


def office_time(delta: timedelta) -> str:
    return (datetime.now(timezone.utc) + delta).astimezone(OFFICE_TZ).isoformat(timespec="seconds")


@pytest.mark.parametrize("bad", [NUL, SURROGATE], ids=["nul", "surrogate"])
def test_text_no_database_stores_rejects_only_its_item(tablet, make_rating, bad):
    office = tablet.office
    cases = [
        ("comment", make_rating(2, office, comment=f"chờ{bad}lâu")),
        ("phone", make_rating(3, office, phone=f"0901{bad}234567")),
        ("dossier_code", make_rating(4, office, dossier_code=f"000.00.31.H29-251103-{bad}7")),
        ("office", dict(make_rating(5, office), office=office + bad)),
        ("reasons", make_rating(6, office, reasons=["cho_lau", f"thai_do{bad}"])),
        ("created_at", make_rating(7, office, created_at=f"2026-11-21T09:15:02{bad}+07:00")),
        ("id", make_rating(8, office, id=f"{bad}1b4e28ba-2fa1-11d2-883f-0016d3cca427")),
    ]
    got = post(tablet, [make_rating(1, office)] + [item for _, item in cases] + [make_rating(9, office)])
    assert got[0] == got[-1] == ("accepted", None)
    assert got[1:-1] == [("rejected", f"invalid:{field}") for field, _ in cases]


def test_a_rejected_id_with_a_lone_surrogate_is_echoed_as_sent(tablet, make_rating):
    item, key = make_rating(1, tablet.office, id="x" + SURROGATE), str(uuid.uuid4())
    for _ in ("answer", "replay"):
        r = tablet.post("/api/v1/ratings", {"ratings": [item]}, headers={"Idempotency-Key": key})
        assert r.status_code == 200, r.text
        assert r.json()["results"] == [{"id": "x" + SURROGATE, "status": "rejected", "reason": "invalid:id"}]


@pytest.mark.parametrize(
    "created_at",
    [
        "0001-01-01T00:00:00+07:00",
        "9999-12-31T23:00:00-05:00",  # outside the years 1..9999 in UTC
        "9999-12-31T23:59:59+00:00",
        "0001-01-01T08:00:00+07:00",  # storable but absurd
        "2000-01-01T09:00:00+07:00",
        "2019-12-31T23:59:59+07:00",
        "2099-06-01T09:00:00+07:00",
    ],
)
def test_absurd_tablet_time_is_rejected_per_item(tablet, make_rating, created_at):
    got = post(
        tablet,
        [
            make_rating(1, tablet.office),
            make_rating(2, tablet.office, created_at=created_at),
            make_rating(3, tablet.office),
        ],
    )
    assert got == [("accepted", None), ("rejected", "invalid:created_at"), ("accepted", None)]


def test_tablet_time_more_than_a_day_ahead_is_rejected_and_a_little_ahead_accepted(tablet, make_rating):
    got = post(
        tablet,
        [
            make_rating(1, tablet.office, created_at=office_time(timedelta(hours=25))),
            make_rating(2, tablet.office, created_at=office_time(timedelta(hours=2))),
            make_rating(3, tablet.office, created_at="2020-01-01T00:00:00+07:00"),
        ],
    )
    assert got == [("rejected", "invalid:created_at"), ("accepted", None), ("accepted", None)]


def test_reason_code_outside_the_configured_list_is_rejected(tablet, make_rating):
    got = post(
        tablet,
        [
            make_rating(1, tablet.office, reasons=["cho_lau", '=HYPERLINK("http://x")']),
            make_rating(2, tablet.office, reasons=["khac"]),
            make_rating(3, tablet.office, reasons=["thai_do", "cho_lau", "huong_dan", "giay_to_ngoai_quy_dinh"]),
        ],
    )
    assert got == [("rejected", "invalid:reasons"), ("rejected", "invalid:reasons"), ("accepted", None)]


def test_custom_reason_codes_from_the_server_settings_are_accepted(
    storage_url, launch_server, tmp_path, api_for, make_rating
):
    ini = tmp_path / "central.ini"
    ini.write_text("[server]\ncustom_reason_codes = khac, phi_cao\n", encoding="utf-8")
    srv = launch_server(storage_url, env={"MOTCUA_CENTRAL_CONFIG": str(ini)})
    tablet = api_for(srv, srv.device_token("rating", "XA-A", 1))
    got = post(
        tablet,
        [
            make_rating(1, "XA-A", reasons=["khac", "cho_lau"]),
            make_rating(2, "XA-A", reasons=["phi_cao"]),
            make_rating(3, "XA-A", reasons=["khac_nua"]),
        ],
    )
    assert got == [("accepted", None), ("accepted", None), ("rejected", "invalid:reasons")]


def test_nul_in_an_address_is_400(storage_server, tablet, api_for):
    admin = api_for(storage_server, storage_server.admin_token())
    for api, path in [
        (tablet, "/api/v1/dossiers/000.00.31.H29-251103-%000007"),
        (tablet, f"/api/v1/staff?office={tablet.office}%00"),
        (tablet, f"/api/v1/stats?office=%00{tablet.office}"),
        (admin, "/api/v1/reports/summary?office=%00"),
        (admin, "/admin/?office=XA%00"),
    ]:
        r = api.get(path, allow_redirects=False)
        assert r.status_code == 400, (path, r.status_code, r.text)
        assert r.json()["error"]["code"] == "bad_request"
    assert tablet.get(f"/api/v1/staff?office={tablet.office}").status_code == 200


@pytest.mark.parametrize(
    "field, value",
    [
        ("version", "1.0" + NUL),
        ("catalogue_version", "v" + SURROGATE),
        ("errors", ["ok", "lỗi" + NUL]),
        ("last_sync_at", "2026-11-21T09:00:00" + SURROGATE),
        ("last_sync_at", "0001-01-01T00:00:00+07:00"),
    ],
)
def test_heartbeat_with_text_no_database_stores_is_422(storage_server, tablet, field, value):
    r = tablet.post("/api/v1/heartbeat", {"app": "rating", "version": "1.0", field: value})
    assert r.status_code == 422, r.text
    assert field in r.json()["error"]["message"]
    assert tablet.post("/api/v1/heartbeat", {"app": "rating", "version": "1.0"}).status_code == 200


def test_a_database_error_never_carries_a_statement_parameter_or_a_row(storage_url):
    """hide_parameters, and PostgreSQL's "Failing row contains (...)" detail is dropped."""
    engine = make_engine(storage_url, pool_size=2)
    upgrade(engine)
    phone = "09" + "87654321"
    row = dict(
        id="r1",
        device_id=None,
        device_seq=1,
        created_at=datetime(2026, 11, 21),
        received_at=datetime(2026, 11, 21),
        office_code="XA-A",
        scale=3,
        score=3,
        content_hash="h",
        phone=phone,
        comment="gọi lại " + phone,
    )
    with pytest.raises(DBAPIError) as caught:
        with engine.begin() as conn:
            conn.execute(insert(ratings).values(**row))  # device_id NOT NULL
    text = "".join(traceback.format_exception(caught.value))
    assert "not" in str(caught.value).lower() and "null" in str(caught.value).lower()
    assert phone not in text and "gọi lại" not in text
    engine.dispose()


def test_export_survives_odd_stored_times(storage_url, launch_server, make_rating):
    """Rows stored before times were checked (year 9999, year 1) are exported, not a crash mid-file."""
    srv = launch_server(storage_url)
    srv.device_token("rating", "XA-A", 1)
    engine = make_engine(srv.db_url, pool_size=2)
    with engine.begin() as conn:
        for seq, when in (
            (1, datetime(9999, 12, 31, 23, 59, 59)),
            (2, datetime(1, 1, 1)),
            (3, datetime(2026, 11, 21, 2)),
        ):
            conn.execute(
                insert(ratings).values(
                    id=f"r{seq}",
                    device_id=1,
                    device_seq=seq,
                    created_at=when,
                    received_at=datetime(2026, 11, 21, 2),
                    office_code="XA-A",
                    scale=3,
                    score=3,
                    content_hash="h",
                )
            )
    engine.dispose()
    lines = srv.cli("export", "ratings").splitlines()
    assert len(lines) == 4
    # Year 1 in the office's zone is its local mean time (+07:06:30): shown as the zone says, not a crash.
    year_one = datetime(1, 1, 1, tzinfo=timezone.utc).astimezone(OFFICE_TZ).isoformat(timespec="seconds")
    assert {line.split(",")[1] for line in lines[1:]} == {
        "9999-12-31T23:59:59+00:00",
        year_one,
        "2026-11-21T09:00:00+07:00",
    }


def _tablet_with_clock(server, api_for, make_rating, office, offset: timedelta | None):
    """A tablet that delivers a rating, then beats with its own time of that delivery (clock + offset)."""
    out = server.cli("device", "add", "--kind", "rating", "--office", office, "--name", "giờ", "--counter", "1")
    device_id, token = int(out.split()[1]), out.strip().splitlines()[-1]
    api = api_for(server, token)
    assert post(api, [make_rating(1, office, created_at=office_time(offset or timedelta()))]) == [("accepted", None)]
    if offset is not None:
        beat = {"app": "rating", "version": "1.0", "last_sync_at": office_time(offset)}
        assert api.post("/api/v1/heartbeat", beat).status_code == 200
    return device_id


def test_a_tablet_clock_far_from_the_servers_is_shown_in_device_list(storage_server, office, api_for, make_rating):
    ids = {
        name: _tablet_with_clock(storage_server, api_for, make_rating, office, offset)
        for name, offset in [
            ("ahead", timedelta(minutes=30)),
            ("behind", -timedelta(hours=3)),
            ("right", timedelta(minutes=2)),
            ("silent", None),
        ]
    }
    listing = storage_server.cli("device", "list").splitlines()
    column = listing[0].split("\t").index("clock")
    clock = {int(line.split("\t")[0]): line.split("\t")[column] for line in listing[1:]}
    assert clock[ids["ahead"]] in ("+30 min", "+29 min")
    assert clock[ids["behind"]] in ("-180 min", "-181 min")
    assert clock[ids["right"]] == clock[ids["silent"]] == "-"


def test_a_batch_with_a_nul_item_leaves_no_phone_number_in_the_server_log(storage_server, tablet, make_rating):
    phones = ["09" + "11223344", "09" + "55667788"]
    got = post(
        tablet,
        [
            make_rating(1, tablet.office, phone=phones[0]),
            make_rating(2, tablet.office, phone=phones[1], comment="gọi\x00lại"),
        ],
    )
    assert got == [("accepted", None), ("rejected", "invalid:comment")]
    log = storage_server.log_path.read_text(errors="replace")
    assert not any(p in log for p in phones) and "Traceback" not in log
