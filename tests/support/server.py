"""A real central server for tests and benchmarks: `motcua-central serve` as a subprocess, and the one
"wait until /healthz answers" loop every test and bench run uses for the servers it starts."""

import contextlib
import io
import itertools
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import requests

from tests.support.pg import free_port

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OFFICE = "XA-PHUOCLONG"
_names = itertools.count(1)


def wait_for_healthz(
    url: str,
    proc: subprocess.Popen | None = None,
    timeout: float = 30.0,
    log: Callable[[], str] = lambda: "",
    **get_kwargs,
) -> None:
    """Returns once GET `url`/healthz answers 200. Raises AssertionError (with `log()`, or what the
    exited `proc` wrote to its stdout pipe) when `proc` exits first or `timeout` seconds pass;
    `get_kwargs` go to requests.get (e.g. verify= for HTTPS)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            output = log() or (proc.stdout.read() if proc.stdout else "")
            if isinstance(output, bytes):
                output = output.decode(errors="replace")
            raise AssertionError(f"server exited {proc.returncode} before /healthz answered:\n{output}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(url + "/healthz", timeout=1, **get_kwargs).status_code == 200:
                return
        time.sleep(0.05)
    raise AssertionError(f"{url}/healthz did not answer within {timeout:.0f} s:\n{log()}")


class CentralServer:
    """`motcua-central serve` as a subprocess on 127.0.0.1 and a free port, on its own database."""

    def __init__(self, db_url: str, workdir: Path, env: dict | None = None, serve_args: tuple = ()):
        """`serve_args`: more arguments of `serve`, e.g. ("--workers", "2", "--config", ini)."""
        self.db_url, self.workdir, self.serve_args = db_url, workdir, tuple(serve_args)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ, PYTHONUNBUFFERED="1", **(env or {}))
        self.proc: subprocess.Popen | None = None
        self._offices: set[str] = set()
        self.officers: dict[str, int] = {}  # tests.support.tablet_setup.add_officers: added once
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

    def device_token(
        self, kind: str = "rating", office: str = DEFAULT_OFFICE, counter: int = 1, name: str | None = None
    ) -> str:
        """Registers a device (and its office if new) named `name` (default "test <kind>"); returns its
        bearer token. Devices a README screenshot shows get names an office would give them."""
        self.ensure_office(office)
        args = ["device", "add", "--kind", kind, "--office", office, "--name", name or f"test {kind}"]
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
                *self.serve_args,
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        try:
            wait_for_healthz(self.url, self.proc, log=self.log)
        except AssertionError:
            self.stop()
            raise

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
    """A server on a freshly initialised database, started."""
    srv = CentralServer(db_url, workdir, env)
    srv.cli("init")
    srv.start()
    return srv
