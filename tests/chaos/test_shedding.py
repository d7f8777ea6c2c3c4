"""Load shedding: an overloaded server answers 503 + Retry-After at once, keeps /healthz up, loses nothing."""

import asyncio
import concurrent.futures
import uuid

import requests

from central.shedding import LoadShedding

OFFICE = "XA-PHUOCLONG"


def _batch(first_seq: int, n: int) -> list[dict]:
    return [
        {
            "id": str(uuid.uuid4()),
            "device_seq": first_seq + k,
            "created_at": "2026-11-21T09:00:00+07:00",
            "office": OFFICE,
            "counter": 1,
            "score": 1 + k % 3,
        }
        for k in range(n)
    ]


def test_overload_is_shed_with_retry_after_and_every_batch_lands_once_after_retries(launch_server):
    srv = launch_server(env={"MOTCUA_MAX_IN_FLIGHT": "2", "MOTCUA_SHED_RETRY_AFTER": "3"})
    tokens = [srv.device_token("rating", OFFICE, counter=c) for c in range(1, 31)]
    batches = {str(uuid.uuid4()): (tok, _batch(1, 200)) for tok in tokens}

    def post(key):
        tok, items = batches[key]
        return key, requests.post(
            srv.url + "/api/v1/ratings",
            json={"ratings": items},
            timeout=30,
            headers={"Authorization": f"Bearer {tok}", "Idempotency-Key": key},
        )

    def healthz(_):
        return requests.get(srv.url + "/healthz", timeout=30).status_code

    pending, shed, rounds = list(batches), 0, 0
    with concurrent.futures.ThreadPoolExecutor(40) as pool:
        while pending and rounds < 50:
            rounds += 1
            health = pool.map(healthz, range(10))
            answers = list(pool.map(post, pending))
            assert set(health) == {200}, "/healthz must never be shed"
            pending = []
            for key, resp in answers:
                if resp.status_code == 503:
                    shed += 1
                    assert 1 <= int(resp.headers["Retry-After"]) <= 3
                    assert resp.json()["error"]["code"] == "overloaded"
                    pending.append(key)  # the tablet resends the same batch with the same key
                else:
                    assert resp.status_code == 200, resp.text
                    assert {r["status"] for r in resp.json()["results"]} == {"accepted"}
    assert shed > 0, "30 concurrent batches against a limit of 2 in flight were never shed"
    assert not pending
    csv_rows = srv.cli("export", "ratings", "--office", OFFICE).strip().splitlines()[1:]
    ids = {row.split(",")[0] for row in csv_rows}
    assert len(csv_rows) == len(ids) == 30 * 200
    assert ids == {item["id"] for _, items in batches.values() for item in items}


def test_in_flight_count_returns_to_zero_when_the_app_fails():
    gate = asyncio.Event()

    reached = []

    async def app(scope, receive, send):
        reached.append(scope["path"])
        if scope["path"] == "/healthz":
            return
        await gate.wait()
        raise RuntimeError("endpoint crashed")

    sent = []

    async def send(message):
        sent.append(message)

    async def scenario():
        shedder = LoadShedding(app, max_in_flight=1, retry_after=4, rng=lambda: 0.99)
        scope = {"type": "http", "path": "/api/v1/ratings", "method": "POST"}
        first = asyncio.create_task(shedder(scope, None, send))
        await asyncio.sleep(0)
        await shedder(scope, None, send)  # over the limit: refused without calling the app
        assert shedder.in_flight == 1 and shedder.shed == 1
        gate.set()
        try:
            await first
        except RuntimeError:
            pass
        assert shedder.in_flight == 0
        await shedder({"type": "http", "path": "/healthz", "method": "GET"}, None, send)  # exempt: reaches app

    asyncio.run(scenario())
    assert reached == ["/api/v1/ratings", "/healthz"]
    start = sent[0]
    assert start["status"] == 503 and dict(start["headers"])[b"retry-after"] == b"4"
