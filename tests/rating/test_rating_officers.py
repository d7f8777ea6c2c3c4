"""Officer sign-in at the counter: offline PIN check, assignment, and the change log."""

from motcua.pin import check_pin
from motcua.pin import hash_pin
from rating.officers import Duty

STAFF = [
    {"id": 5, "name": "Nguyễn Thị Lan", "counter": 2, "pin_hash": hash_pin("2468", 1000, b"salt-lan")},
    {"id": 9, "name": "Trần Văn Bình", "counter": 1, "pin_hash": hash_pin("1357", 1000, b"salt-binh")},
    {"id": 11, "name": "Lê Minh", "counter": 2, "pin_hash": None},
]


def test_verify_pin_accepts_the_right_pin_only():
    h = hash_pin("2468", 2000, bytes.fromhex("00ff10"))
    assert check_pin("2468", h)
    assert not check_pin("2469", h)
    assert not check_pin("", h)
    assert not check_pin("2468", None)
    assert not check_pin("2468", "md5$1$00$00")
    assert not check_pin("2468", "pbkdf2_sha256$x$zz$00")


def make_duty(changes):
    return Duty(lambda: STAFF, counter=2, on_change=changes.append)


def test_officers_of_this_counter_come_first():
    duty = make_duty([])
    assert [o["id"] for o in duty.officers()] == [5, 11, 9]  # each group in the server's (alphabetical) order


def test_sign_in_needs_the_officers_own_pin():
    changes = []
    duty = make_duty(changes)
    assert not duty.sign_in(5, "1357")
    assert not duty.sign_in(11, "0000")  # no PIN set: cannot sign in by PIN
    assert duty.officer is None and changes == []
    assert duty.sign_in(5, "2468")
    assert duty.officer["id"] == 5 and changes[-1]["id"] == 5


def test_assignment_from_config_and_change_log_has_no_pin(caplog):
    events = []
    duty = Duty(lambda: STAFF, counter=2, on_change=lambda o: None, record_event=events.append)
    caplog.set_level("INFO")
    assert not duty.assign(99)
    assert duty.assign(9, "config")
    duty.sign_in(5, "2468")
    duty.sign_out()
    assert [(e["from_staff_id"], e["to_staff_id"]) for e in events] == [(None, 9), (9, 5), (5, None)]
    assert "2468" not in caplog.text
