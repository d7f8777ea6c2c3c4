"""A kept-alive connection the server closed as idle just as a request left is sent again, once.

uvicorn closes an idle kept-alive connection after 5 s; a device beating every 5 s sends its next
request on that connection at the very moment it closes, and meets an end of file before any status
line. `KeepAliveCloser` makes that moment happen on purpose: it serves requests over one kept-alive
client connection and closes it, unanswered, when the Nth request on it arrives.
"""

import socket
import threading
from urllib.parse import urlparse

import pytest

from tests.support.faultproxy import FaultProxy, forward, read_request, without_connection_header
from motcua.client import Client, ServerUnreachable


def _keep_alive(response: bytes) -> bytes:
    head, _, body = response.partition(b"\r\n\r\n")
    return b"\r\n".join(without_connection_header(head)) + b"\r\n\r\n" + body


class KeepAliveCloser:
    """Forwards to `upstream`, keeping client connections alive; closes the first to reach request `close_at`."""

    def __init__(self, upstream: tuple[str, int], close_at: int = 2):
        self.upstream, self.close_at = upstream, close_at
        self.connections = 0
        self.closed_unanswered = 0
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket):
        served = 0
        with conn:
            while True:
                request = read_request(conn)  # forwarded with Connection: close: one upstream call each
                if request is None:
                    return
                served += 1
                if served == self.close_at and not self.closed_unanswered:
                    self.closed_unanswered += 1
                    return  # as an idle timeout would: no answer, connection closed
                conn.sendall(_keep_alive(forward(self.upstream, request)))

    def close(self):
        self._sock.close()


@pytest.fixture
def closer(tablet):
    up = urlparse(tablet.server.url)
    proxy = KeepAliveCloser((up.hostname, up.port))
    yield tablet, proxy
    proxy.close()


def _beat():
    return {
        "app": "rating",
        "version": "test",
        "pending": 0,
        "oldest_pending_age_s": None,
        "last_sync_at": None,
        "catalogue_version": None,
        "errors": [],
    }


def test_heartbeat_on_a_connection_closed_as_idle_is_sent_again(closer):
    tablet, proxy = closer
    client = Client(proxy.url, tablet.token, timeout=5)
    client.heartbeat(_beat())
    client.heartbeat(_beat())  # meets the closed connection; sent again on a new one
    client.heartbeat(_beat())
    assert proxy.closed_unanswered == 1
    assert proxy.connections == 2


def test_rating_batch_on_a_connection_closed_as_idle_is_stored_once(closer):
    tablet, proxy = closer
    client = Client(proxy.url, tablet.token, timeout=5)
    first, second = (
        tablet.rating(id="0f7f0c54-5b0e-4d35-9e0a-6d1f3c9a0001", device_seq=1),
        tablet.rating(id="0f7f0c54-5b0e-4d35-9e0a-6d1f3c9a0002", device_seq=2),
    )
    assert [r["status"] for r in client.post_ratings([first], "batch-1")["results"]] == ["accepted"]
    assert [r["status"] for r in client.post_ratings([second], "batch-2")["results"]] == ["accepted"]
    assert proxy.closed_unanswered == 1
    assert sorted(r["id"] for r in tablet.stored()) == [first["id"], second["id"]]


def test_a_server_that_keeps_closing_is_reported_after_one_resend(tablet):
    up = urlparse(tablet.server.url)
    proxy = FaultProxy((up.hostname, up.port))
    proxy.plan = ["drop", "drop", "drop"]
    try:
        client = Client(proxy.url, tablet.token, timeout=2)
        with pytest.raises(ServerUnreachable):
            client.heartbeat(_beat())
        assert proxy.log == ["drop", "drop"]  # the request and one resend, no more
    finally:
        proxy.close()
