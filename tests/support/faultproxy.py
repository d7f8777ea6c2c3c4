"""A small TCP fault proxy for HTTP tests: drop, reset, reset mid-body, delay, 500, 429 + Retry-After, blackhole.

One request per connection (the proxy answers `Connection: close`), each given a fault from `plan`
(a list consumed in order) or from `choose()` (e.g. a seeded random choice), else passed through.
Faults after forwarding (`reset_mid_body`, `delay`) reach the real server first: the request is
processed and only the answer is lost, which is what makes retries dangerous.
"""

import socket
import struct
import threading
import time

FAULTS = ("pass", "drop", "reset", "reset_mid_body", "delay", "http500", "http429", "blackhole")


def without_connection_header(head: bytes) -> list[bytes]:
    """The lines of an HTTP message head, its Connection header left out."""
    return [ln for ln in head.split(b"\r\n") if not ln.lower().startswith(b"connection:")]


def forward(upstream: tuple[str, int], request: bytes) -> bytes:
    """Sends one `Connection: close` request to the real server and returns its whole answer."""
    with socket.create_connection(upstream, timeout=30) as up:
        up.sendall(request)
        response = b""
        while chunk := up.recv(65536):
            response += chunk
    return response


def read_request(conn: socket.socket) -> bytes | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        body += chunk
    return b"\r\n".join(without_connection_header(head) + [b"Connection: close"]) + b"\r\n\r\n" + body


def _reset(conn: socket.socket) -> None:
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close = RST
    conn.close()


class FaultProxy:
    """Listens on 127.0.0.1:<free port> and forwards to `upstream` (host, port), injecting faults."""

    def __init__(
        self,
        upstream: tuple[str, int],
        delay: float = 2.0,
        retry_after: int = 7,
        choose=None,
        poison: bytes | None = None,
    ):
        """`poison`: a request whose bytes contain it gets a 500 (a server that fails on one item)."""
        self.upstream, self.delay, self.retry_after, self.choose = upstream, delay, retry_after, choose
        self.poison = poison
        self.plan: list[str] = []
        self.log: list[str] = []
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _next_fault(self) -> str:
        if self.plan:
            return self.plan.pop(0)
        return self.choose() if self.choose else "pass"

    def _serve(self):
        while not self._closing.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket):
        fault = self._next_fault()
        self.log.append(fault)
        try:
            if fault == "drop":
                conn.close()
                return
            if fault == "reset":
                _reset(conn)
                return
            request = read_request(conn)
            if request is None:
                conn.close()
                return
            if self.poison and self.poison in request:
                fault = "http500"
            if fault == "blackhole":  # never answers; the client's timeout must fire
                self._closing.wait(60)
                conn.close()
                return
            if fault in ("http500", "http429"):
                body = b'{"error": {"code": "fault", "message": "injected by the test proxy"}}'
                status = b"500 Internal Server Error" if fault == "http500" else b"429 Too Many Requests"
                extra = b"Retry-After: %d\r\n" % self.retry_after if fault == "http429" else b""
                conn.sendall(
                    b"HTTP/1.1 "
                    + status
                    + b"\r\nContent-Type: application/json\r\n"
                    + extra
                    + b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body)
                    + body
                )
                conn.close()
                return
            response = forward(self.upstream, request)
            if fault == "reset_mid_body":
                conn.sendall(response[: max(1, len(response) - 20)])
                _reset(conn)
                return
            if fault == "delay":
                time.sleep(self.delay)
            conn.sendall(response)
            conn.close()
        except OSError:
            conn.close()

    def close(self):
        self._closing.set()
        self._sock.close()
