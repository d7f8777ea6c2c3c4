"""What the dashboard benchmarks share: the server's CLI, a signed-in dashboard over one uvicorn
process, and timing with percentiles."""

import contextlib
import re
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from tests.support.pg import free_port  # noqa: E402
from tests.support.server import wait_for_healthz  # noqa: E402


def cli(db: str, *args: str, stdin: str = "") -> str:
    """`motcua-central --db DB ARGS…`; its output."""
    return subprocess.run(
        [sys.executable, "-m", "central.cli", "--db", db, *args],
        check=True,
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout


def timings(fn, runs: int) -> list[float]:
    """Milliseconds of each of `runs` calls, after one call that warms the caches."""
    fn()
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def pctl(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


class Dashboard:
    """A served database with a signed-in admin: `get(path)` makes a call that loads a page (200)."""

    def __init__(self, url: str, session: requests.Session):
        self.url, self.session = url, session

    def get(self, path: str, session: requests.Session | None = None, timeout: float = 600):
        def call():
            r = (session or self.session).get(self.url + path, timeout=timeout)
            assert r.status_code == 200, (path, r.status_code, r.text[:300])

        return call


@contextlib.contextmanager
def dashboard(db: str, admin: str, password: str):
    """`serve` on a free port (one process) with `admin` signed in to the dashboard; stopped after."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "central.cli", "--db", db, "serve", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_healthz(url, server)
        session = requests.Session()
        page = session.get(url + "/admin/login", timeout=10).text
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        session.post(url + "/admin/login", data={"name": admin, "password": password, "csrf": csrf}, timeout=60)
        yield Dashboard(url, session)
    finally:
        server.terminate()
        server.wait(timeout=30)
