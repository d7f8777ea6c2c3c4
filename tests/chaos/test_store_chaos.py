"""Two tablet processes on one store, SIGKILLed and restarted while `status`/`sync` run: every thanked rating once."""

from bench import chaos_store


def test_two_tablet_processes_killed_on_one_store_lose_and_duplicate_no_thanked_rating(server, tmp_path):
    f = chaos_store.run(tmp_path / "chaos", server.db_url, server.url, seed=5, **chaos_store.QUICK)
    rounds, kills = chaos_store.QUICK["rounds"], chaos_store.QUICK["kills"]
    assert f["kills"] == f["lifetimes"] == rounds * kills * 2
    assert f["fresh_starts"] == 2 and f["reimaged_at_round"] == 2, "no round started on a new or deleted store"
    assert f["killed_before_first_thanks"] >= 1, "no kill landed in start-up (the store's open and migrations)"
    assert sum(f["third_runs"].values()) >= 2, "the status/sync loop did not run"
    assert f["crashes"] == [] and f["put_errors"] == [], "a tablet process failed to open or write the store"
    assert f["tablet_tracebacks"] == [] and f["third_tracebacks"] == []
    assert f["moved_aside"] == [], "a sound store was moved aside"
    assert f["integrity"] == "ok" and f["drained"] and f["pending_at_end"] == 0
    assert f["thanked"] > 50
    assert f["lost"] == [], "a rating the citizen was thanked for is not on the server"
    assert f["duplicated"] == [] and f["wrong_id"] == [], "one rating was stored under two ids"
    assert f["stored"] == f["stored_distinct"] and f["delivered"] == f["thanked"]
    assert f["quarantined"] == 0 and not f["undrained_before_reimage"]
    assert f["renumbered"] > 0 and f["seq_clashes"] > 0, "the re-imaged store's numbers never clashed"
