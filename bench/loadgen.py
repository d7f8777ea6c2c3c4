"""Shared code of the load, storm and chaos runs: a seeded province, server processes, an asyncio load client.

A *province* is a central database holding many communes (offices), their officers, thousands of
registered devices (rating tablets and lobby kiosks, each with its own token) and dossiers to look
up; it is built with the server's own CLI (`init`, `seed-demo`, `import dossiers`) plus a bulk
insert of devices into the server's schema, as `motcua-central device add` does one at a time.
Servers are real `motcua-central serve` processes on 127.0.0.1; the client is aiohttp on one event
loop, and measures its own CPU so a run can say whether the client or the server was the limit.
"""

import asyncio
import contextlib
import datetime
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support.pg import ThrowawayPostgres, free_port  # noqa: E402
from tests.support.server import wait_for_healthz  # noqa: E402
from motcua import officetime  # noqa: E402

NOW = officetime.now()


def cli(db: str, *args: str) -> str:
    """`motcua-central --db DB ARGS` in this process (its main()); returns stdout or raises."""
    from central import cli as central_cli

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = central_cli.main(["--db", db, *args])
    if code != 0:
        raise RuntimeError(f"motcua-central {' '.join(args)} exited {code}: {err.getvalue()}")
    return out.getvalue()


@dataclass
class Device:
    id: int
    kind: str
    office: str
    counter: int | None
    token: str
    staff_id: int | None = None
    seq: int = 0  # the tablet's next device_seq - 1

    def headers(self, **extra) -> dict:
        return {"Authorization": f"Bearer {self.token}", **extra}


@dataclass
class Province:
    """What a run needs to know about the seeded database: devices with tokens, dossier codes."""

    db: str
    tablets: list[Device] = field(default_factory=list)
    kiosks: list[Device] = field(default_factory=list)
    dossiers: list[tuple[str, str]] = field(default_factory=list)  # (code, secret)
    offices: list[str] = field(default_factory=list)


def seed_province(
    db: str,
    offices: int = 100,
    tablets_per_office: int = 20,
    kiosks_per_office: int = 5,
    dossiers_per_office: int = 50,
    workdir: Path | None = None,
) -> Province:
    """A province's central database: `offices` communes, their officers, tablets, kiosks, dossiers."""
    from sqlalchemy import insert

    from central.devices import add_device
    from central.staff import add_officer
    from central.storage import make_engine
    from central.storage.schema import offices as office_table

    cli(db, "init")
    cli(db, "seed-demo")  # the sample catalogue (procedures) and two demo communes
    prov = Province(db)
    engine = make_engine(db)
    try:
        with engine.begin() as conn:
            rows = [
                {
                    "code": f"XA-{n:04d}",
                    "name": f"Trung tâm Phục vụ hành chính công xã số {n}",
                    "unit_code": f"000.{n // 100:02d}.{n % 100:02d}.H99",
                }
                for n in range(1, offices + 1)
            ]
            conn.execute(insert(office_table), rows)
            prov.offices = [r["code"] for r in rows]
            for o in prov.offices:  # officers and devices as the CLI and the dashboard add them
                for c in range(1, tablets_per_office + 1):
                    officer = add_officer(conn, o, f"Cán bộ quầy {c}", title="Chuyên viên", counter=c)
                    device_id, token = add_device(conn, "rating", o, c, "load rating")
                    prov.tablets.append(Device(device_id, "rating", o, c, token, officer))
                for _ in range(kiosks_per_office):
                    device_id, token = add_device(conn, "kiosk", o, None, "load kiosk")
                    prov.kiosks.append(Device(device_id, "kiosk", o, None, token, None))
    finally:
        engine.dispose()
    records = []
    for n, o in enumerate(prov.offices, start=1):
        unit = f"000.{n // 100:02d}.{n % 100:02d}.H99"
        for i in range(1, dossiers_per_office + 1):
            code, secret = f"{unit}-{NOW:%y%m%d}-{i:04d}", f"S{n:03d}{i:04d}"
            received = NOW - datetime.timedelta(days=i % 9)
            records.append(
                {
                    "code": code,
                    "office": o,
                    "procedure_code": "1.001193",
                    "holder_name": "Nguyễn Văn An",
                    "status": 4 if i % 3 else 9,
                    "received_at": received.isoformat(),
                    "due_at": (received + datetime.timedelta(days=5)).isoformat(),
                    "finished_at": (received + datetime.timedelta(days=2)).isoformat() if i % 3 == 0 else None,
                    "secret": secret,
                }
            )
            prov.dossiers.append((code, secret))
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        path = Path(tmp) / "dossiers.json"
        path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
        cli(db, "import", "dossiers", str(path))
    return prov


def rating_item(dev: Device, dossier: str | None = None) -> dict:
    """The next rating of a tablet as its outbox would send it (own id, next device_seq)."""
    dev.seq += 1
    item = {
        "id": str(uuid.uuid4()),
        "device_seq": dev.seq,
        "created_at": NOW.isoformat(timespec="seconds"),
        "office": dev.office,
        "counter": dev.counter,
        "staff_id": dev.staff_id,
        "scale": 3,
        "score": 1 + dev.seq % 3,
        "reasons": ["cho_lau"] if dev.seq % 3 == 0 else [],
    }
    if dossier:
        item["dossier_code"] = dossier
    return item


class ServerProcess:
    """`motcua-central serve` on 127.0.0.1:<free port>; `kill()` is SIGKILL, `stop()` is graceful."""

    def __init__(self, db: str, env: dict | None = None, log_dir: Path | None = None):
        self.db, self.port = db, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONPATH=str(ROOT), **(env or {}))
        self.log_path = Path(log_dir or tempfile.gettempdir()) / f"central-{self.port}.log"
        self.proc: subprocess.Popen | None = None

    def start(self, wait: float = 30) -> "ServerProcess":
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "central.cli",
                    "--db",
                    self.db,
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
        wait_for_healthz(self.url, self.proc, wait, log=lambda: self.log_path.read_text()[-2000:])
        return self

    def cpu_seconds(self) -> float:
        """user + system CPU time of the server process so far (from /proc)."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, AttributeError, IndexError):
            return float("nan")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def throwaway_postgres(database: str = "province") -> tuple[ThrowawayPostgres, str]:
    """tests/support/pg.py's throwaway server, with fsync turned back on (it is started with fsync=off)."""
    import psycopg

    pg = ThrowawayPostgres().start()
    with psycopg.connect(pg.url(), autocommit=True) as conn:
        conn.execute("ALTER SYSTEM SET fsync = on")
        conn.execute("SELECT pg_reload_conf()")
    return pg, pg.create_database(database)


def stored_ratings(db: str) -> tuple[int, int]:
    """(rows, distinct ids) in the server's ratings table."""
    from sqlalchemy import text

    from central.storage import make_engine

    engine = make_engine(db)
    try:
        with engine.connect() as conn:
            return tuple(conn.execute(text("SELECT count(*), count(DISTINCT id) FROM ratings")).one())
    finally:
        engine.dispose()


def stored_ids(db: str) -> set[str]:
    from sqlalchemy import text

    from central.storage import make_engine

    engine = make_engine(db)
    try:
        with engine.connect() as conn:
            return {r[0] for r in conn.execute(text("SELECT id FROM ratings"))}
    finally:
        engine.dispose()


def pct(values, q: float) -> float:
    """The q-th percentile (nearest rank) of values in ms; nan when empty."""
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, max(0, int(round(q / 100 * len(values) + 0.5)) - 1))]


class Recorder:
    """Per request kind: latencies (ms, from the intended send time), status counts, errors."""

    def __init__(self):
        self.lat: dict[str, list[float]] = {}
        self.status: dict[str, dict] = {}

    def add(self, kind: str, ms: float, status) -> None:
        self.lat.setdefault(kind, []).append(ms)
        counts = self.status.setdefault(kind, {})
        counts[status] = counts.get(status, 0) + 1

    def count(self, kind: str, ok=(200, 304, 404)) -> tuple[int, int, int]:
        """(all, ok, 429/503 sheds); the rest are errors."""
        counts = self.status.get(kind, {})
        return (
            sum(counts.values()),
            sum(v for k, v in counts.items() if k in ok),
            sum(v for k, v in counts.items() if k in (429, 503)),
        )


async def timed(rec: Recorder, kind: str, session, method: str, url: str, t0: float, **kwargs):
    """One request; its latency counts from t0 (when it was due), so a late start is not hidden."""
    try:
        async with session.request(method, url, **kwargs) as resp:
            await resp.read()
            status = resp.status
    except asyncio.TimeoutError:
        status = "timeout"
    except Exception as exc:  # noqa: BLE001  (the kind of failure is the measurement)
        status = type(exc).__name__
    rec.add(kind, (time.perf_counter() - t0) * 1000, status)
    return status


async def closed_loop(url: str, seconds: float, connections: int, headers=None) -> tuple[float, list[float], float]:
    """GET url from `connections` keep-alive loops for `seconds`: (req/s, latencies ms, client CPU share)."""
    import aiohttp

    lat: list[float] = []
    stop = time.perf_counter() + seconds
    conn = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=conn) as session:

        async def loop():
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                async with session.get(url, headers=headers) as resp:
                    await resp.read()
                lat.append((time.perf_counter() - t0) * 1000)

        cpu0, t0 = time.process_time(), time.perf_counter()
        await asyncio.gather(*(loop() for _ in range(connections)))
        wall = time.perf_counter() - t0
        cpu = time.process_time() - cpu0
    return len(lat) / wall, lat, cpu / wall


TRIVIAL_RESPONDER = r"""
import asyncio, sys
BODY = b'{"status": "ok"}'
RESP = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 16\r\n\r\n" + BODY
async def handle(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            writer.write(RESP)
    except (asyncio.IncompleteReadError, ConnectionError):
        writer.close()
async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", int(sys.argv[1]))
    print("ready", flush=True)
    await server.serve_forever()
asyncio.run(main())
"""


def client_ceiling(seconds: float = 3, connections: int = 64) -> tuple[float, float]:
    """The load client's own limit: req/s against a trivial asyncio responder (another process),
    and the client's CPU share of one core while doing it."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", TRIVIAL_RESPONDER, str(port)], stdout=subprocess.PIPE)
    try:
        proc.stdout.readline()
        rps, _lat, cpu = asyncio.run(closed_loop(f"http://127.0.0.1:{port}/healthz", seconds, connections))
    finally:
        proc.kill()
        proc.wait()
    return rps, cpu


def median(values) -> float:
    return statistics.median(values) if values else float("nan")


def shuffled(items, seed: int = 7) -> list:
    items = list(items)
    random.Random(seed).shuffle(items)
    return items


class RealTablet:
    """A tablet as the rating app runs it: a real Outbox on its own SQLite file, a real SyncWorker
    thread with the core's Client, and a producer thread tapping ratings at a steady pace."""

    def __init__(
        self,
        path: Path,
        url: str,
        token: str,
        office: str,
        staff_id: int,
        counter: int,
        timeout: float = 2,
        interval: float = 0.2,
        backoff_base: float = 0.05,
        backoff_cap: float = 1.0,
        batch_size: int = 100,
    ):
        from motcua.client import Client
        from motcua.outbox import Outbox
        from motcua.worker import SyncWorker

        self.path, self.office, self.staff_id, self.counter = path, office, staff_id, counter
        self.outbox = Outbox.open(path)
        self.client = Client(url, token, timeout=timeout)
        self.worker = SyncWorker(
            self.outbox,
            self.client,
            interval=interval,
            backoff_base=backoff_base,
            backoff_cap=backoff_cap,
            batch_size=batch_size,
        )
        self.acknowledged: list[str] = []  # ids put() returned: durable on the tablet
        self.put_errors: list[str] = []
        self._stop = threading.Event()
        self._producer: threading.Thread | None = None

    def tap(self, score: int = 3) -> str:
        item_id = self.outbox.put(
            "rating",
            {
                "created_at": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
                "office": self.office,
                "counter": self.counter,
                "staff_id": self.staff_id,
                "scale": 3,
                "score": score,
                "reasons": [] if score > 1 else ["thai_do"],
            },
        )
        self.acknowledged.append(item_id)
        return item_id

    def start(self, every: float = 0.005, limit: int | None = None) -> "RealTablet":
        def produce():
            n = 0
            while not self._stop.is_set() and (limit is None or n < limit):
                try:
                    self.tap(1 + n % 3)
                except Exception as exc:  # noqa: BLE001  (a chaos run records, it does not stop)
                    self.put_errors.append(f"{type(exc).__name__}: {exc}")
                n += 1
                self._stop.wait(every)

        self.worker.start()
        self._producer = threading.Thread(target=produce, daemon=True)
        self._producer.start()
        return self

    def stop_tapping(self) -> None:
        self._stop.set()
        if self._producer:
            self._producer.join()

    def drain(self, deadline_s: float = 60) -> bool:
        """Wakes the worker until nothing is pending; False if the deadline passed first."""
        end = time.monotonic() + deadline_s
        while time.monotonic() < end:
            if self.outbox.pending() == 0:
                return True
            self.worker.wake()
            time.sleep(0.05)
        return self.outbox.pending() == 0

    def close(self) -> None:
        self.stop_tapping()
        self.worker.stop()

    def rows(self) -> list[tuple]:
        """(id, state, batch_key) of every outbox row, read on a connection of its own."""
        import sqlite3

        conn = sqlite3.connect(self.path, timeout=10)
        try:
            return conn.execute("SELECT id, state, batch_key FROM outbox WHERE kind = 'rating'").fetchall()
        finally:
            conn.close()


def register_tablets(db: str, office: str, n: int) -> tuple[list[str], int]:
    """`office add`, one officer and `device add` for n tablets through the CLI: (tokens, staff id)."""
    with contextlib.suppress(RuntimeError):
        cli(db, "office", "add", office, f"Trung tâm Phục vụ hành chính công {office}")
    staff_id = int(cli(db, "staff", "add", "--office", office, "--name", "Trần Thị Bình", "--counter", "1").split()[-1])
    tokens = [
        cli(db, "device", "add", "--kind", "rating", "--office", office, "--counter", "1").strip().splitlines()[-1]
        for _ in range(n)
    ]
    return tokens, staff_id
