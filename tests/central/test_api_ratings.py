"""POST /api/v1/ratings on SQLite and PostgreSQL: exactly-once storage and per-item results."""

import uuid


def post(tablet, items, key=None):
    headers = {"Idempotency-Key": key} if key else None
    r = tablet.post("/api/v1/ratings", {"ratings": items}, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def statuses(body):
    return [(x["status"], x["reason"]) for x in body["results"]]


def test_new_ratings_are_accepted_and_results_keep_order(tablet, make_rating):
    items = [make_rating(i, tablet.office) for i in (1, 2, 3)]
    body = post(tablet, items)
    assert [x["id"] for x in body["results"]] == [i["id"] for i in items]
    assert statuses(body) == [("accepted", None)] * 3
    assert body["gaps"] == []


def test_same_item_again_is_duplicate_and_changed_item_is_conflict(tablet, make_rating):
    item = make_rating(1, tablet.office, reasons=["thai_do", "cho_lau"], score=1)
    post(tablet, [item])
    # Same content, reasons reordered and time written in UTC: still the same rating.
    same = dict(item, reasons=["cho_lau", "thai_do"], created_at="2026-11-21T02:15:02Z")
    assert statuses(post(tablet, [same])) == [("duplicate", None)]
    changed = dict(item, score=3)
    assert statuses(post(tablet, [changed]))[0][0] == "conflict"


def test_one_bad_item_never_fails_the_others(tablet, make_rating):
    good1, good2 = make_rating(1, tablet.office), make_rating(3, tablet.office)
    bad = [
        make_rating(2, tablet.office, score=9),
        {"id": "not-a-uuid"},
        "text",
        make_rating(4, tablet.office, created_at="21/11/2026"),
        make_rating(5, tablet.office, reasons="thai_do"),
        make_rating(6, tablet.office, device_seq=0),
        make_rating(7, tablet.office, scale=7),
        make_rating(8, tablet.office, score=True),
    ]
    body = post(tablet, [good1] + bad + [good2])
    got = statuses(body)
    assert got[0] == got[-1] == ("accepted", None)
    assert [r for _, r in got[1:-1]] == [
        "invalid:score",
        "invalid:id",
        "invalid:item",
        "invalid:created_at",
        "invalid:reasons",
        "invalid:device_seq",
        "invalid:scale",
        "invalid:score",
    ]
    assert all(s == "rejected" for s, _ in got[1:-1])


def test_device_seq_taken_by_another_id_is_rejected(tablet, make_rating):
    post(tablet, [make_rating(1, tablet.office)])
    assert statuses(post(tablet, [make_rating(1, tablet.office)])) == [("rejected", "seq_taken")]


def test_second_rating_of_a_dossier_is_rejected_already_rated(tablet, make_rating):
    first = make_rating(1, tablet.office, dossier_code="000.00.31.h29-251103-0007")
    second = make_rating(2, tablet.office, dossier_code="000.00.31.H29-251103-0007 ")
    assert statuses(post(tablet, [first, second])) == [("accepted", None), ("rejected", "already_rated")]


def test_many_ratings_without_dossier_code_are_all_accepted(tablet, make_rating):
    body = post(tablet, [make_rating(i, tablet.office) for i in range(1, 51)])
    assert {s for s, _ in statuses(body)} == {"accepted"}


def test_rating_for_another_office_is_rejected_wrong_office(tablet, make_rating):
    assert statuses(post(tablet, [make_rating(1, "SOMEWHERE-ELSE")])) == [("rejected", "wrong_office")]


def test_unknown_officer_is_rejected(tablet, make_rating):
    assert statuses(post(tablet, [make_rating(1, tablet.office, staff_id=999999)])) == [("rejected", "unknown_staff")]


def test_known_officer_is_accepted(storage_server, tablet, make_rating):
    staff_id = (
        storage_server.cli(
            "staff",
            "add",
            "--office",
            tablet.office,
            "--name",
            "Nguyễn Văn An",
            "--title",
            "Công chức",
            "--counter",
            "1",
        )
        .strip()
        .splitlines()[-1]
    )
    assert statuses(post(tablet, [make_rating(1, tablet.office, staff_id=int(staff_id))])) == [("accepted", None)]


def test_gap_in_device_seq_is_reported_then_filled(storage_server, tablet, make_rating, api_for):
    body = post(tablet, [make_rating(1, tablet.office), make_rating(4, tablet.office), make_rating(7, tablet.office)])
    assert body["gaps"] == [[2, 3], [5, 6]]
    post(tablet, [make_rating(5, tablet.office)])  # a late item fills part of a gap
    admin = api_for(storage_server, storage_server.admin_token())
    devices = admin.get("/api/v1/admin/devices").json()["items"]
    mine = [d for d in devices if d["office"] == tablet.office and d["kind"] == "rating"][0]
    assert mine["max_seq"] == 7
    assert mine["gaps"] == [[2, 3], [6, 6]]


def test_replayed_idempotency_key_returns_the_stored_response(tablet, make_rating):
    key = str(uuid.uuid4())
    items = [make_rating(1, tablet.office), make_rating(2, tablet.office)]
    first = post(tablet, items, key)
    again = post(tablet, items, key)
    assert again == first  # "accepted", not "duplicate": the client sees the same answer
    assert statuses(post(tablet, items)) == [("duplicate", None)] * 2


def test_batch_size_limits(tablet, make_rating):
    r = tablet.post("/api/v1/ratings", {"ratings": []})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request"
    r = tablet.post("/api/v1/ratings", {"ratings": [make_rating(i, tablet.office) for i in range(1, 502)]})
    assert r.status_code == 422 and "ratings" in r.json()["error"]["message"]
    assert tablet.post("/api/v1/ratings", {"ratings": "x"}).status_code == 422


def test_kiosk_token_cannot_post_ratings(kiosk, make_rating):
    r = kiosk.post("/api/v1/ratings", {"ratings": [make_rating(1, kiosk.office)]})
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"


def test_same_uuid_from_two_tablets_is_stored_once(storage_server, office, make_rating, api_for):
    a = api_for(storage_server, storage_server.device_token("rating", office, 1))
    b = api_for(storage_server, storage_server.device_token("rating", office, 2))
    item = make_rating(1, office)
    assert statuses(post(a, [item])) == [("accepted", None)]
    assert statuses(post(b, [item])) == [("duplicate", None)]
