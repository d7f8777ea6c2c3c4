"""Two server processes on one PostgreSQL database behave as one: a rating posted to both is stored once."""

import threading
import uuid

import requests


def test_same_ratings_posted_to_two_servers_at_once_are_stored_once(postgres, launch_server):
    db_url = postgres.create_database(f"two_{uuid.uuid4().hex[:8]}")
    a = launch_server(db_url)
    b = launch_server(db_url)  # `init` again on the same database is a no-op
    token = a.device_token("rating", "XA-PHUOCLONG", 1)
    batches = []
    for start in range(1, 201, 20):  # 10 batches of 20, each sent to both servers at the same moment
        batches.append(
            [
                {
                    "id": str(uuid.uuid4()),
                    "device_seq": seq,
                    "created_at": "2026-11-21T09:00:00+07:00",
                    "office": "XA-PHUOCLONG",
                    "counter": 1,
                    "score": 3,
                    "dossier_code": f"000.00.31.H29-261121-{seq:04d}",
                }
                for seq in range(start, start + 20)
            ]
        )
    answers = {a.url: [], b.url: []}

    def send(srv, batch, key):
        r = requests.post(
            srv.url + "/api/v1/ratings",
            json={"ratings": batch},
            timeout=30,
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key},
        )
        assert r.status_code == 200, r.text
        answers[srv.url].append(r.json())

    for i, batch in enumerate(batches):
        key = str(uuid.uuid4()) if i % 2 else None  # half with the same Idempotency-Key, half without
        gate = [threading.Thread(target=send, args=(srv, batch, key or str(uuid.uuid4()))) for srv in (a, b)]
        for t in gate:
            t.start()
        for t in gate:
            t.join()

    import sqlalchemy

    engine = sqlalchemy.create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        stored = conn.execute(sqlalchemy.text("select count(*), count(distinct id) from ratings")).one()
    engine.dispose()
    assert tuple(stored) == (200, 200)
    for batch_no in range(len(batches)):
        statuses = [r["status"] for srv in (a, b) for r in answers[srv.url][batch_no]["results"]]
        # Every item: accepted by exactly one server, duplicate (or the replayed answer) from the other.
        reasons = [r["reason"] for srv in (a, b) for r in answers[srv.url][batch_no]["results"]]
        assert statuses.count("accepted") >= 20 and set(statuses) <= {"accepted", "duplicate"}, set(reasons)
