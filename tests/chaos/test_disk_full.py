"""Disk full on a tablet: put raises, nothing stored is lost, recording resumes when space returns, exactly once."""

import os

import pytest

from bench import chaos_disk_full

loadgen = chaos_disk_full.loadgen  # the module bench/chaos_disk_full.py runs on


@pytest.mark.parametrize("page_cap", [False, True], ids=["tmpfs", "max_page_count"])
def test_full_disk_refuses_new_ratings_keeps_stored_ones_and_recovers(server, tmp_path, page_cap):
    (token,), staff_id = loadgen.register_tablets(server.db_url, chaos_disk_full.OFFICE, 1)
    f = chaos_disk_full.run(tmp_path, server.url, token, staff_id, size_kb=384, rounds=2, force_page_cap=page_cap)
    if not page_cap and os.geteuid() == 0:
        assert f["mode"].startswith("tmpfs"), "root could not mount a small tmpfs"
    assert f["errors"] and all("disk is full" in e for e in f["errors"] if not e.startswith("worker")), f["errors"]
    assert f["failed_puts"] == 10, "the full disk did not go on refusing taps"
    assert f["stored_while_full"] == [], "a refused tap stored something, or an acknowledged one was not stored"
    assert f["lost"] == [] and f["integrity"] == ["ok"] and not f["seq_reused"]
    assert all(n > 0 for n in f["stored_per_round"]), "recording did not resume once space came back"
    assert f["drained"] and f["acknowledged"] == f["recorded"]
    stored = loadgen.stored_ids(server.db_url)
    assert stored == f["acknowledged"]
    assert loadgen.stored_ratings(server.db_url) == (len(stored), len(stored))
