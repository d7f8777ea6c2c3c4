"""Stalled uploads for the slow-body tests (tests/central/test_slow_bodies.py, tests/deploy/test_nginx.py):
a POST whose headers promise a body of which only the start ever comes, and what became of it."""

import socket
import ssl
import time


def stall(
    port: int, token: str | None = None, tls: ssl.SSLContext | None = None, host: str = "127.0.0.1"
) -> socket.socket:
    """Opens a connection to 127.0.0.1:port and sends a ratings POST promising 1000 bytes; sends 13."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    if tls is not None:
        sock = tls.wrap_socket(sock, server_hostname=host)
    head = (
        f"POST /api/v1/ratings HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        "Content-Length: 1000\r\n" + (f"Authorization: Bearer {token}\r\n" if token else "") + "\r\n"
    )
    sock.sendall(head.encode() + b'{"ratings": [')
    return sock


def outcome(sock: socket.socket, deadline: float) -> tuple[str, bool]:
    """(the answer's status line, "" for none; whether the server closed the connection by
    `deadline`, a time.monotonic()). Closes the socket."""
    data, closed = b"", False
    try:
        while time.monotonic() < deadline:
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            chunk = sock.recv(4096)
            if not chunk:
                closed = True
                break
            data += chunk
    except (ConnectionError, ssl.SSLError):
        closed = True
    except socket.timeout:
        pass
    finally:
        sock.close()
    return data.split(b"\r\n", 1)[0].decode(errors="replace"), closed


def status_of(line: str) -> str:
    """'HTTP/1.1 408 Request Timeout' -> '408'; '' when there was no answer."""
    return line.split(" ")[1] if line.count(" ") else ""
