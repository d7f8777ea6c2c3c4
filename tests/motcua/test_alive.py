"""motcua.alive: the screen loop's beat the session supervisor watches (deploy/bin/motcua-session)."""

import os
import time

from motcua import alive


class StubClock:
    """Kivy's Clock as far as `alive.schedule` uses it."""

    def __init__(self):
        self.calls = []

    def schedule_interval(self, callback, interval):
        self.calls.append((callback, interval))
        return "event"


def test_schedule_beats_now_and_on_every_tick(tmp_path, monkeypatch):
    path = tmp_path / "kiosk.alive"
    monkeypatch.setenv(alive.ENV, str(path))
    clock = StubClock()
    assert alive.schedule(clock) == "event"
    assert path.exists()
    ((callback, interval),) = clock.calls
    assert interval == alive.EVERY_S
    old = time.time() - 100
    os.utime(path, (old, old))
    callback(0.0)  # one tick of the screen loop
    assert time.time() - path.stat().st_mtime < 5


def test_without_a_supervisor_nothing_is_scheduled(monkeypatch):
    monkeypatch.delenv(alive.ENV, raising=False)
    clock = StubClock()
    assert alive.schedule(clock) is None and clock.calls == []


def test_a_beat_that_cannot_be_written_never_raises(tmp_path):
    assert alive.beat(tmp_path / "no-such-folder" / "kiosk.alive") is False
