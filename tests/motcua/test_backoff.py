"""Retry policy: a tablet told Retry-After waits about that long, once; backoff grows only when the server is silent."""

from urllib.parse import urlparse

import pytest

from tests.support.faultproxy import FaultProxy
from motcua.client import Client
from motcua.worker import SyncWorker
from motcua.worker import MAX_RETRY_AFTER, Backoff


def test_retry_after_is_waited_about_once_and_does_not_compound():
    b = Backoff(base=1, cap=300, random=lambda: 1.0)  # the largest jitter every time
    waits = [b.next_delay(retry_after=5) for _ in range(10)]
    assert waits == [6.0] * 10  # 5 s + at most 1 s of jitter, the tenth time as the first
    assert b.failures == 0


def test_retry_after_jitter_is_a_fifth_and_capped():
    top = Backoff(random=lambda: 1.0)
    bottom = Backoff(random=lambda: 0.0)
    assert bottom.next_delay(retry_after=60) == 60  # never earlier than the server asked
    assert top.next_delay(retry_after=60) == 72  # 60 + 60 / 5
    assert top.next_delay(retry_after=600) == 630  # jitter capped at 30 s
    assert top.next_delay(retry_after=0) == 1  # "now" still spreads the storm over a second
    assert bottom.next_delay(retry_after=10**9) == MAX_RETRY_AFTER


def test_silence_after_retry_after_starts_backoff_from_the_bottom():
    b = Backoff(base=1, cap=300, random=lambda: 1.0)
    for _ in range(6):
        b.next_delay(retry_after=3)
    assert [b.next_delay() for _ in range(4)] == [1, 2, 4, 8]


@pytest.fixture
def throttled(tablet):
    up = urlparse(tablet.server.url)
    proxy = FaultProxy((up.hostname, up.port), retry_after=4)
    yield tablet, proxy, Client(proxy.url, tablet.token, timeout=5)
    proxy.close()


def test_worker_answered_429_repeatedly_waits_retry_after_each_time_then_delivers(throttled):
    tablet, proxy, client = throttled
    ids = {tablet.outbox.put("rating", tablet.rating(score=3)) for _ in range(5)}
    worker = SyncWorker(tablet.outbox, client, interval=10, backoff_base=1, backoff_cap=300, random=lambda: 0.5)
    proxy.plan = ["http429"] * 8
    waits = [worker.run_once() for _ in range(8)]
    assert waits == [4.5] * 8, waits  # 4 s + half of the 1 s jitter, never doubled
    assert tablet.outbox.pending() == 5
    proxy.plan = ["pass"]
    assert worker.run_once() == 10 and tablet.outbox.pending() == 0
    assert {r["id"] for r in tablet.stored()} == ids
