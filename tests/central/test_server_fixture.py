"""The server fixture itself: starts, answers /healthz, restarts on the same port and database."""

import uuid

import requests


def rating(seq, office="XA-PHUOCLONG", **extra):
    return {
        "id": str(uuid.uuid4()),
        "device_seq": seq,
        "created_at": "2026-11-21T09:15:02+07:00",
        "office": office,
        "counter": 1,
        "score": 3,
        **extra,
    }


def test_rating_survives_server_restart(server):
    token = server.device_token("rating")
    item = rating(1)
    r = requests.post(
        server.url + "/api/v1/ratings", json={"ratings": [item]}, headers=server.headers(token), timeout=5
    )
    assert r.status_code == 200 and r.json()["results"][0]["status"] == "accepted"
    server.stop()
    server.start()
    r = requests.post(
        server.url + "/api/v1/ratings", json={"ratings": [item]}, headers=server.headers(token), timeout=5
    )
    assert r.json()["results"][0]["status"] == "duplicate"


def test_storage_server_answers_healthz(storage_server):
    assert requests.get(storage_server.url + "/healthz", timeout=5).json() == {"status": "ok"}
