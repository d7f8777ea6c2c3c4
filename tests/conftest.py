"""Shared fixtures: a real central server subprocess (tests/support/server.py), and storage URLs
for SQLite and PostgreSQL.

`server` (function scope) and `demo_server` (module scope) are the contract of
docs/ARCHITECTURE.md. `storage_url` is parametrised sqlite/postgresql; the PostgreSQL one lives on
a throwaway server started once per session (tests/support/pg.py). Where PostgreSQL is missing the run
says so loudly at the end, and under CI=true such tests FAIL instead of skipping.
"""

import itertools
import os

import pytest

from tests.support.pg import PostgresUnavailable, ThrowawayPostgres
from tests.support.server import CentralServer, launch

_names = itertools.count(1)
_pg_problem: list[str] = []


@pytest.fixture
def launch_server(tmp_path):
    """launch_server(db_url=None, env=None) -> CentralServer (stopped at teardown); e.g. custom limits."""
    started = []

    def _launch(db_url: str | None = None, env: dict | None = None) -> CentralServer:
        workdir = tmp_path / f"srv{len(started)}"
        workdir.mkdir()
        srv = launch(db_url or str(workdir / "central.db"), workdir, env)
        started.append(srv)
        return srv

    yield _launch
    for srv in started:
        srv.stop()


@pytest.fixture
def server(tmp_path):
    """A real central server on a fresh SQLite file, seeded with nothing."""
    srv = launch(str(tmp_path / "central.db"), tmp_path)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory):
    """A real central server shared by the tests of one module (fresh SQLite, seeded with nothing),
    for tests that only add their own devices, officers or offices and never stop it."""
    tmp = tmp_path_factory.mktemp("shared")
    srv = launch(str(tmp / "central.db"), tmp)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """A real central server with `seed-demo` loaded."""
    tmp = tmp_path_factory.mktemp("demo")
    srv = CentralServer(str(tmp / "central.db"), tmp)
    srv.cli("init")
    srv.cli("seed-demo")
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def postgres():
    """The session's throwaway PostgreSQL, or a loud skip (a failure under CI=true)."""
    try:
        pg = ThrowawayPostgres().start()
    except PostgresUnavailable as why:
        _pg_problem.append(str(why))
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required under CI=true: {why}")
        pytest.skip(f"PostgreSQL unavailable: {why}")
    yield pg
    pg.stop()


def _storage_url(request, tmp_path_factory) -> str:
    if request.param == "sqlite":
        return str(tmp_path_factory.mktemp("sqlite") / "central.db")
    pg = request.getfixturevalue("postgres")
    return pg.create_database(f"t{next(_names)}_{os.getpid()}")


@pytest.fixture(params=["sqlite", "postgresql"])
def storage_url(request, tmp_path_factory):
    """A fresh, empty database URL on SQLite, then on PostgreSQL."""
    return _storage_url(request, tmp_path_factory)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def storage_server(request, tmp_path_factory):
    """A central server (module scope) on SQLite, then on PostgreSQL; tests make their own devices."""
    url = _storage_url(request, tmp_path_factory)
    srv = launch(url, tmp_path_factory.mktemp("srv"))
    yield srv
    srv.stop()


def pytest_terminal_summary(terminalreporter):
    if _pg_problem:
        bar = "!" * 78
        terminalreporter.write_line(bar, red=True, bold=True)
        terminalreporter.write_line("PostgreSQL storage tests were SKIPPED: " + _pg_problem[0], red=True, bold=True)
        terminalreporter.write_line(
            "Install Debian's postgresql package (scripts/test.sh does) to run them.", red=True, bold=True
        )
        terminalreporter.write_line(bar, red=True, bold=True)
