"""Tablets behind a faulty network, two server processes on one PostgreSQL: server set == tablet set, no duplicate."""

import uuid

from bench import chaos_faults


def test_faulty_network_and_failover_between_two_servers_store_every_rating_once(postgres, tmp_path):
    db = postgres.create_database(f"faults_{uuid.uuid4().hex[:8]}")
    f = chaos_faults.run(tmp_path, db, seconds=10, tablets=6, seed=5)
    for fault in ("reset_mid_body", "http500", "http429", "drop"):
        assert f["faults"].get(fault, 0) > 0, f"no {fault} was injected: {f['faults']}"
    assert f["drained"], "tablets still hold pending ratings after the faults stopped"
    assert f["quarantined"] == 0
    assert f["acknowledged"] == f["recorded"] > 300
    assert f["missing"] == 0 and f["extra"] == 0 and f["same_set"]
    assert f["stored_rows"] == f["stored_distinct"] == f["recorded"], "a rating was stored twice"
