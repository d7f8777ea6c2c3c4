"""`serve --workers N`: uvicorn's process supervisor, each worker on its own listening socket.

uvicorn binds one socket in the supervisor and hands it to every worker. Two things go wrong with
that, both measured with `wrk -c100` on two workers (bench/bench_server.py):

- The socket is made with `proto` 0. Accepted connections inherit it, and asyncio turns Nagle's
  algorithm off only on sockets that say `IPPROTO_TCP`: a response's head and body left in two
  segments, the second held until the client's delayed ACK, so every keep-alive request past the
  first took ~44 ms (`/healthz` at 2,250 req/s with both cores a quarter busy). uvicorn issue #3149.
- All workers wait on the same socket, and the first to wake accepts every pending connection (an
  asyncio accept loop takes up to `backlog` at once). A burst of connections, as from a restarted
  nginx or a load client, could land on one worker: dossier lookups ran at one worker's rate
  (~1,300/s against ~3,000/s) while the other worker idled, for as long as those connections lived.

So each worker opens its own socket on the address with SO_REUSEPORT, and the kernel spreads new
connections over the workers' sockets. The supervisor keeps a bound socket in the same group that
never listens: it holds the port (a second server on it, even this one started twice, fails at
once, as before) and is what uvicorn pickles for each worker, as the recipe of that worker's socket.
"""

import logging
import socket

import uvicorn
from uvicorn.supervisors import Multiprocess

__all__ = ["TcpConfig", "run_workers", "worker_socket"]

log = logging.getLogger("uvicorn.error")


def worker_socket(family: int, address: tuple) -> socket.socket:
    """A worker's own socket on `address`: TCP by name (so TCP_NODELAY is set), in the port's
    SO_REUSEPORT group; uvicorn's server makes it listen."""
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address)
    return sock


class _PortHolder(socket.socket):
    """The supervisor's socket: bound, never listening; pickled as the recipe of a worker's socket."""

    def __reduce__(self):
        return worker_socket, (self.family, self.getsockname())

    def __reduce_ex__(self, protocol):
        return self.__reduce__()


class TcpConfig(uvicorn.Config):
    def bind_socket(self) -> socket.socket:
        family = socket.AF_INET6 if self.host and ":" in self.host else socket.AF_INET
        sock = _PortHolder(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        try:
            # First without SO_REUSEPORT: a port another server holds (this one too, started twice)
            # is refused here instead of joining its group and sharing its traffic.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            with socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP) as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                probe.bind((self.host, self.port))
                address = probe.getsockname()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind(address)
        except OSError as exc:
            sock.close()
            log.error(exc)
            raise SystemExit(uvicorn.config.STARTUP_FAILURE) from None
        host, port = sock.getsockname()[:2]
        log.info("Uvicorn running on http://%s:%d with %d workers (Press CTRL+C to quit)", host, port, self.workers)
        return sock


def run_workers(app: str, workers: int, **options) -> None:
    """What `uvicorn.run(app, factory=True, workers=N)` does, with a socket per worker."""
    config = TcpConfig(app, factory=True, workers=workers, **options)
    try:
        Multiprocess(config, sockets=[config.bind_socket()]).run()
    except KeyboardInterrupt:
        pass
