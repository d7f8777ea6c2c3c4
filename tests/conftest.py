"""Shared fixtures: a real central server subprocess, and storage URLs for SQLite and PostgreSQL.

`server` (function scope) and `demo_server` (module scope) are the contract of
docs/ARCHITECTURE.md. `storage_url` is parametrised sqlite/postgresql; the PostgreSQL one lives on
a throwaway server started once per session (tests/pg.py). Where PostgreSQL is missing the run
says so loudly at the end, and under CI=true such tests FAIL instead of skipping.
"""

import contextlib
import io
import itertools
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pg import PostgresUnavailable, ThrowawayPostgres, free_port  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OFFICE = "XA-PHUOCLONG"
_names = itertools.count(1)
_pg_problem: list[str] = []


class CentralServer:
    """`motcua-central serve` as a subprocess on 127.0.0.1 and a free port, on its own database."""

    def __init__(self, db_url: str, workdir: Path, env: dict | None = None):
        self.db_url, self.workdir = db_url, workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ, PYTHONUNBUFFERED="1", **(env or {}))
        self.proc: subprocess.Popen | None = None
        self._offices: set[str] = set()
        self.log_path = workdir / f"server-{self.port}.log"

    def run_cli(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        """`motcua-central --db DB ARGS`, whatever its exit code."""
        return subprocess.run(
            [sys.executable, "-m", "central.cli", "--db", self.db_url, *args],
            input=stdin,
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=self.env,
            timeout=120,
        )

    def cli(self, *args: str, stdin: str | None = None) -> str:
        """`motcua-central --db DB ARGS` (its main(), in this process: 50x faster than a
        subprocess); returns stdout, fails the test on a non-zero exit. run_cli() is the subprocess."""
        from central import cli as central_cli

        out, err = io.StringIO(), io.StringIO()
        saved_stdin = sys.stdin
        sys.stdin = io.StringIO(stdin or "")
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = central_cli.main(["--db", self.db_url, *args])
        finally:
            sys.stdin = saved_stdin
        if code != 0:
            raise AssertionError(f"motcua-central {' '.join(args)} exited {code}:\n{err.getvalue()}")
        return out.getvalue()

    def ensure_office(self, office: str) -> None:
        if office in self._offices:
            return
        try:
            self.cli("office", "add", office, f"Trung tâm Phục vụ hành chính công {office}")
        except AssertionError as err:
            if "already exists" not in str(err):
                raise
        self._offices.add(office)

    def device_token(self, kind: str = "rating", office: str = DEFAULT_OFFICE, counter: int = 1) -> str:
        """Registers a device (and its office if new); returns its bearer token."""
        self.ensure_office(office)
        args = ["device", "add", "--kind", kind, "--office", office, "--name", f"test {kind}"]
        if counter is not None:
            args += ["--counter", str(counter)]
        return self.cli(*args).strip().splitlines()[-1]

    def admin_token(self) -> str:
        name = f"admin{next(_names)}-{self.port}"
        self.cli("admin", "add", name)
        return self.cli("admin", "token", name).strip().splitlines()[-1]

    def start(self) -> None:
        """Starts (again) on the same port and database; returns once /healthz answers."""
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "central.cli",
                "--db",
                self.db_url,
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"central server exited {self.proc.returncode}:\n{self.log()}")
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.05)
        self.stop()
        raise AssertionError(f"central server did not answer /healthz within 30 s:\n{self.log()}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def kill(self) -> None:
        """SIGKILL: no graceful shutdown (crash tests)."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def headers(self, token: str, **extra) -> dict:
        return {"Authorization": f"Bearer {token}", **extra}


def launch(db_url: str, workdir: Path, env: dict | None = None) -> CentralServer:
    srv = CentralServer(db_url, workdir, env)
    srv.cli("init")
    srv.start()
    return srv


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
