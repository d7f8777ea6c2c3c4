"""kill -9 of the rating writer at 200 random moments: no acknowledged rating lost, the file never damaged."""

from tests.support.killtest import run

from motcua.outbox import Outbox


def test_two_hundred_kills_lose_no_acknowledged_rating(tmp_path):
    path = str(tmp_path / "tablet.db")
    result = run(path, kills=200, seed=7)
    assert result["kills"] == 200 and result["missing"] == 0 and result["integrity"] == "ok", result
    assert result["acknowledged"] > 200  # the writers really wrote between kills
    ob = Outbox.open(path)  # and a tablet starting on that file carries on
    assert ob.pending() == ob.counts()["pending"] >= result["acknowledged"]
    seqs = [r[0] for r in ob.db.execute("SELECT seq FROM outbox ORDER BY seq")]
    assert len(set(seqs)) == len(seqs)
