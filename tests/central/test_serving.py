"""`serve --workers N`: the workers' connections have Nagle's algorithm off (uvicorn issue #3149)."""
import asyncio
import io
import pickle
import socket

import uvicorn
from multiprocessing.reduction import ForkingPickler

from central.serving import TcpConfig


def _accepted_nodelay(listener: socket.socket) -> int:
    """Serves one connection on the listening socket the way a worker does; returns its TCP_NODELAY."""
    seen = []

    class Probe(asyncio.Protocol):
        def connection_made(self, transport):
            seen.append(transport.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    async def main():
        server = await asyncio.get_running_loop().create_server(Probe, sock=listener)
        port = listener.getsockname()[1]
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        for _ in range(100):
            if seen:
                break
            await asyncio.sleep(0.01)
        writer.close()
        server.close()
        await server.wait_closed()

    asyncio.run(main())
    return seen[0]


def _as_a_worker_gets_it(sock: socket.socket) -> socket.socket:
    """The socket as uvicorn's supervisor hands it to a spawned worker (pickled with family, type, proto)."""
    buf = io.BytesIO()
    ForkingPickler(buf).dump(sock)
    return pickle.loads(buf.getvalue())


def test_the_workers_listening_socket_gives_connections_tcp_nodelay():
    config = TcpConfig("central.cli:app_for_worker", factory=True, workers=2, host="127.0.0.1", port=0)
    listener = config.bind_socket()
    assert listener.proto == socket.IPPROTO_TCP and listener.get_inheritable()
    worker_copy = _as_a_worker_gets_it(listener)
    listener.close()
    worker_copy.listen(8)
    assert _accepted_nodelay(worker_copy) == 1


def test_uvicorns_own_socket_is_the_fault_this_works_around():
    """If uvicorn fixes its socket this test fails, and central/serving.py can go."""
    listener = uvicorn.Config("central.cli:app_for_worker", workers=2, host="127.0.0.1", port=0).bind_socket()
    worker_copy = _as_a_worker_gets_it(listener)
    listener.close()
    worker_copy.listen(8)
    assert _accepted_nodelay(worker_copy) == 0
