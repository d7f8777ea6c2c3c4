"""An officer moved to another office keeps the ratings made before the move (issue 13 item 4).

A tablet may hold ratings for days (offline). Before: every rating still on a tablet when its
officer was moved came back `unknown_staff` and was quarantined, though the citizen was thanked.
"""

import uuid
from datetime import timedelta

from sqlalchemy import insert, select, update

from central import ratings as ingest_module
from central.staff import record_move
from central.storage import make_engine, upgrade
from central.storage.schema import devices, offices, ratings, staff, staff_offices
from central.timeutil import to_wire, utcnow


def _item(seq: int, office: str, staff_id: int, created) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "device_seq": seq,
        "created_at": to_wire(created),
        "office": office,
        "counter": 1,
        "staff_id": staff_id,
        "scale": 3,
        "score": 3,
        "reasons": [],
    }


def _move(engine, staff_id: int, office: str, at) -> None:
    """What `staff move` and the dashboard's staff form do: the history, then the officer's row."""
    with engine.begin() as conn:
        record_move(conn, staff_id, office, at)
        conn.execute(update(staff).where(staff.c.id == staff_id).values(office_code=office))


def test_ratings_are_judged_by_the_office_of_their_time(storage_url):
    engine = make_engine(storage_url)
    try:
        upgrade(engine)
        now = utcnow()
        with engine.begin() as conn:
            conn.execute(insert(offices), [{"code": "XA-CU", "name": "Xã Cũ"}, {"code": "XA-MOI", "name": "Xã Mới"}])
            lan = conn.execute(
                insert(staff).values(office_code="XA-CU", name="Nguyễn Thị Lan", counter=1)
            ).inserted_primary_key[0]
            old_tab, new_tab = (
                conn.execute(
                    insert(devices).values(
                        kind="rating",
                        office_code=code,
                        counter=1,
                        name="quầy 1",
                        token_hash=uuid.uuid4().hex * 2,
                        created_at=now - timedelta(days=9),
                    )
                ).inserted_primary_key[0]
                for code in ("XA-CU", "XA-MOI")
            )
        moved_at, back_at = now - timedelta(days=3), now - timedelta(days=1)
        _move(engine, lan, "XA-MOI", moved_at)
        _move(engine, lan, "XA-MOI", moved_at + timedelta(hours=1))  # saved again unchanged: no new period

        def send(device, office, items):
            with engine.begin() as conn:
                out = ingest_module.ingest(conn, device, office, items)
            return [(r["status"], r["reason"]) for r in out["results"]]

        # The old office's tablet was offline: ratings from before the move arrive after it.
        assert (
            send(
                old_tab,
                "XA-CU",
                [
                    _item(1, "XA-CU", lan, moved_at - timedelta(days=2)),
                    _item(2, "XA-CU", lan, moved_at - timedelta(minutes=1)),
                ],
            )
            == [("accepted", None)] * 2
        )
        # After the move she is no longer there; at her new office she is.
        assert send(old_tab, "XA-CU", [_item(3, "XA-CU", lan, moved_at + timedelta(minutes=1))]) == [
            ("rejected", "unknown_staff")
        ]
        assert send(new_tab, "XA-MOI", [_item(1, "XA-MOI", lan, moved_at + timedelta(minutes=5))]) == [
            ("accepted", None)
        ]

        _move(engine, lan, "XA-CU", back_at)  # and back again
        assert send(
            new_tab,
            "XA-MOI",
            [
                _item(2, "XA-MOI", lan, back_at - timedelta(hours=2)),
                _item(3, "XA-MOI", lan, back_at + timedelta(minutes=1)),
            ],
        ) == [("accepted", None), ("rejected", "unknown_staff")]
        assert send(old_tab, "XA-CU", [_item(4, "XA-CU", lan, back_at + timedelta(minutes=1))]) == [("accepted", None)]

        with engine.connect() as conn:
            periods = conn.execute(
                select(staff_offices.c.office_code, staff_offices.c.from_at, staff_offices.c.to_at)
                .where(staff_offices.c.staff_id == lan)
                .order_by(staff_offices.c.id)
            ).all()
            stored = conn.execute(select(ratings.c.office_code, ratings.c.staff_id)).all()
        assert [tuple(p) for p in periods] == [
            ("XA-CU", None, moved_at),
            ("XA-MOI", moved_at, back_at),
            ("XA-CU", back_at, None),
        ]
        assert sorted(stored) == sorted([("XA-CU", lan)] * 3 + [("XA-MOI", lan)] * 2)
        # An officer who does not exist is still refused.
        assert send(old_tab, "XA-CU", [_item(5, "XA-CU", lan + 99, now)]) == [("rejected", "unknown_staff")]
    finally:
        engine.dispose()


def test_staff_move_command_keeps_pending_ratings_of_the_old_office(server, api_for, make_rating):
    server.ensure_office("XA-CU")
    server.ensure_office("XA-MOI")
    lan = int(
        server.cli("staff", "add", "--office", "XA-CU", "--name", "Nguyễn Thị Lan", "--counter", "1")
        .strip()
        .splitlines()[-1]
    )
    tablet = api_for(server, server.device_token("rating", "XA-CU", counter=1))
    made_before = make_rating(1, "XA-CU", staff_id=lan, created_at=to_wire(utcnow() - timedelta(minutes=10)))
    out = server.cli("staff", "move", str(lan), "--office", "XA-MOI", "--counter", "3")
    assert f"officer {lan} moved to XA-MOI, counter 3" in out
    made_after = make_rating(2, "XA-CU", staff_id=lan, created_at=to_wire(utcnow() + timedelta(seconds=5)))
    answer = tablet.post(
        "/api/v1/ratings", {"ratings": [made_before, made_after]}, headers={"Idempotency-Key": str(uuid.uuid4())}
    ).json()
    assert [(r["status"], r["reason"]) for r in answer["results"]] == [
        ("accepted", None),
        ("rejected", "unknown_staff"),
    ]
    assert "no officer with id 999" in server.run_cli("staff", "move", "999", "--office", "XA-MOI").stderr


def test_migration_0011_upgrades_a_0010_database_and_goes_back(storage_url):
    """The columns and table of central/storage/schema.py, on a database an older server left; and down again."""
    from pathlib import Path

    from alembic import command
    from alembic.config import Config
    from sqlalchemy import inspect

    import central.storage
    from central.storage.schema import metadata

    engine = make_engine(storage_url)
    try:
        assert upgrade(engine, "0010") == "0010"
        with engine.begin() as conn:
            conn.execute(insert(offices).values(code="XA-CU", name="Xã Cũ"))
            conn.execute(
                insert(devices).values(
                    kind="rating",
                    office_code="XA-CU",
                    counter=1,
                    name="quầy 1",
                    token_hash="y" * 64,
                    created_at=utcnow(),
                )
            )
        assert upgrade(engine, "0011") == "0011"
        found = inspect(engine)
        assert {c["name"] for c in found.get_columns("staff_offices")} == set(metadata.tables["staff_offices"].c.keys())
        assert {"quarantined", "quarantine_reason", "quarantine_items"} <= {
            c["name"] for c in found.get_columns("devices")
        }
        with engine.connect() as conn:
            assert conn.execute(select(devices.c.quarantined, devices.c.quarantine_items)).all() == [(None, None)]
        cfg = Config()
        cfg.set_main_option(
            "script_location", str(Path(central.storage.__file__).resolve().parent.parent / "migrations")
        )
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0010")
        found = inspect(engine)
        assert "staff_offices" not in found.get_table_names()
        assert "quarantined" not in {c["name"] for c in found.get_columns("devices")}
        assert upgrade(engine, "0011") == "0011"
    finally:
        engine.dispose()
