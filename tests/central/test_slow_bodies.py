"""Slow-body denial of service: stalled uploads (headers sent, body never finished) from strangers
never keep a device out, and every stalled request is ended by the body timeout."""

import time
import uuid

import requests

from tests.support.slowbody import outcome, stall, status_of

OFFICE = "XA-PHUOCLONG"
BODY_TIMEOUT = 3
STALLED = 140  # more than max_in_flight (128)


def rating(seq: int) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "device_seq": seq,
        "created_at": "2026-11-21T09:00:00+07:00",
        "office": OFFICE,
        "counter": 1,
        "score": 3,
    }


def test_stalled_anonymous_posts_never_keep_a_device_out_and_are_closed_after_the_body_timeout(
    storage_url, launch_server
):
    srv = launch_server(storage_url, env={"MOTCUA_BODY_TIMEOUT": str(BODY_TIMEOUT)})
    token = srv.device_token("rating", OFFICE, 1)
    opened = time.monotonic()
    strangers = [stall(srv.port, "not-a-token" if n % 10 == 0 else None) for n in range(STALLED)]
    own = [stall(srv.port, token) for _ in range(4)]  # a device's own stalled upload: timed out too
    time.sleep(0.5)  # every stalled request has reached the server

    started = time.monotonic()
    r = requests.post(
        srv.url + "/api/v1/ratings",
        json={"ratings": [rating(1)]},
        timeout=10,
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())},
    )
    took = time.monotonic() - started
    assert r.status_code == 200 and r.json()["results"][0]["status"] == "accepted", r.text
    assert took < 2, took
    assert requests.get(srv.url + "/healthz", timeout=5).status_code == 200

    deadline = opened + BODY_TIMEOUT + 3
    answers = [outcome(s, deadline) for s in strangers]
    mine = [outcome(s, deadline) for s in own]
    assert all(closed for _, closed in answers + mine), [a for a in answers + mine if not a[1]][:5]
    statuses = [status_of(line) for line, _ in answers]
    # 16 strangers (max_in_flight_unauthenticated) waited for their bodies until the timeout; the
    # others were refused at once, before anything of theirs was read.
    assert statuses.count("408") == 16 and statuses.count("503") == STALLED - 16, sorted(set(statuses))
    assert [status_of(line) for line, _ in mine] == ["408"] * 4

    again = requests.post(
        srv.url + "/api/v1/ratings",
        json={"ratings": [rating(2)]},
        timeout=10,
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())},
    )
    assert again.status_code == 200 and again.json()["results"][0]["status"] == "accepted"


def test_a_body_that_stops_halfway_gets_408_in_json_and_the_connection_is_closed(launch_server):
    srv = launch_server(env={"MOTCUA_BODY_TIMEOUT": "2"})
    sock = stall(srv.port, srv.device_token("rating", OFFICE, 1))
    started = time.monotonic()
    data = b""
    sock.settimeout(15)
    while chunk := sock.recv(4096):
        data += chunk
    sock.close()
    waited = time.monotonic() - started
    assert data.startswith(b"HTTP/1.1 408 "), data[:200]
    assert b'"code":"request_timeout"' in data.replace(b" ", b"")
    assert 2 <= waited < 5, waited
