"""A server SIGKILLed mid-batch and restarted: no acknowledged rating lost, no partial batch, exactly once."""

from bench import chaos_server_kill


def test_server_killed_mid_batch_loses_nothing_and_stores_each_rating_once(tmp_path):
    f = chaos_server_kill.run(tmp_path, kills=5, tablets=3, up=(0.3, 0.8), seed=11)
    assert f["kills"] == 5
    assert f["kills_with_batches_in_flight"] >= 3, "the kills never caught a batch in flight"
    assert f["lost"] == [], "a rating the server acknowledged is not stored"
    assert f["partial"] == [], "a batch was stored in part (it must be one transaction)"
    assert f["integrity"] == ["ok"]
    assert f["drained"] and f["quarantined"] == 0 and f["put_errors"] == 0
    assert f["acknowledged"] == f["recorded"] > 500
    assert f["same_set"] and f["stored_rows"] == f["stored_distinct"] == f["recorded"]
