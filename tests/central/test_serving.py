"""`serve --workers N`: a listening socket per worker, TCP_NODELAY on, connections spread over workers."""

import asyncio
import io
import os
import pickle
import socket
import subprocess
import sys
from multiprocessing.reduction import ForkingPickler
from pathlib import Path

import pytest
import requests
import uvicorn

from central.serving import TcpConfig
from tests.support.server import wait_for_healthz

ROOT = Path(__file__).resolve().parents[2]


def _as_a_worker_gets_it(sock: socket.socket) -> socket.socket:
    """The socket as uvicorn's supervisor hands it to a spawned worker (pickled)."""
    buf = io.BytesIO()
    ForkingPickler(buf).dump(sock)
    return pickle.loads(buf.getvalue())


def _accepted(listeners: list, connections: int) -> list:
    """Serves `connections` client connections on the listening sockets the way workers do (one
    event loop here); returns, per connection, (index of the socket that accepted it, TCP_NODELAY)."""
    seen = []

    def probe(index):
        class Probe(asyncio.Protocol):
            def connection_made(self, transport):
                sock = transport.get_extra_info("socket")
                seen.append((index, sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)))
                transport.close()

        return Probe

    async def main():
        loop = asyncio.get_running_loop()
        servers = [await loop.create_server(probe(i), sock=s) for i, s in enumerate(listeners)]
        port = listeners[0].getsockname()[1]
        writers = [(await asyncio.open_connection("127.0.0.1", port))[1] for _ in range(connections)]
        for _ in range(500):
            if len(seen) == connections:
                break
            await asyncio.sleep(0.01)
        for w in writers:
            w.close()
        for s in servers:
            s.close()
            await s.wait_closed()

    asyncio.run(main())
    return seen


@pytest.fixture
def holder():
    sock = TcpConfig("central.cli:app_for_worker", factory=True, workers=2, host="127.0.0.1", port=0).bind_socket()
    yield sock
    sock.close()


def test_each_worker_listens_on_its_own_socket_with_tcp_nodelay(holder):
    worker = _as_a_worker_gets_it(holder)
    assert worker.proto == socket.IPPROTO_TCP and worker.fileno() != holder.fileno()
    assert worker.getsockname() == holder.getsockname()
    seen = _accepted([worker], 3)
    assert seen == [(0, 1)] * 3


def test_new_connections_are_spread_over_the_workers(holder):
    """One shared socket let the first worker to wake take a whole burst; per-worker sockets do not."""
    workers = [_as_a_worker_gets_it(holder) for _ in range(2)]
    seen = _accepted(workers, 100)
    per_worker = [sum(1 for i, _ in seen if i == w) for w in range(2)]
    assert sum(per_worker) == 100
    assert min(per_worker) >= 20, f"connections per worker: {per_worker}"


def test_the_port_stays_held_so_a_second_server_fails_at_once(holder):
    with socket.socket() as other:
        with pytest.raises(OSError):
            other.bind(holder.getsockname())
    worker = _as_a_worker_gets_it(holder)
    worker.listen(8)  # the first server is up
    host, port = holder.getsockname()
    try:
        with pytest.raises(SystemExit):  # the same server started twice does not join the first one's group
            TcpConfig("central.cli:app_for_worker", factory=True, workers=2, host=host, port=port).bind_socket()
    finally:
        worker.close()


def test_uvicorns_own_socket_is_the_fault_this_works_around():
    """If uvicorn fixes its shared socket's protocol this fails: the TCP_NODELAY half can go then."""
    listener = uvicorn.Config("central.cli:app_for_worker", workers=2, host="127.0.0.1", port=0).bind_socket()
    worker = _as_a_worker_gets_it(listener)
    listener.close()
    assert _accepted([worker], 1) == [(0, 0)]


def test_serve_with_two_workers_answers_on_every_connection(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    db = str(tmp_path / "central.db")
    subprocess.run([sys.executable, "-m", "central.cli", "--db", db, "init"], env=env, check=True, capture_output=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "central.cli",
            "--db",
            db,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "2",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/healthz"
    try:
        wait_for_healthz(url.removesuffix("/healthz"), proc)
        sessions = [requests.Session() for _ in range(40)]  # 40 connections, kept alive
        for _ in range(3):
            assert [s.get(url, timeout=5).status_code for s in sessions] == [200] * 40
        for s in sessions:
            s.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert proc.returncode == 0
