"""Chaos: two rating-tablet processes share one store file and are SIGKILLed and restarted, a third runs status/sync.

Both tablet processes are the real tablet minus its window: `rating.services.TabletServices` on one
config (so one `rating.db`), which opens the store, starts its SyncWorker and heartbeat and records
ratings through `record()` (`Outbox.put`). Each writes a rating's id and a unique marker (also sent
as the rating's comment) to an append-only file, fsynced, only after `record()` returned: the
ratings a citizen was thanked for. The parent SIGKILLs each process after a random lifetime (a fifth
of them within 30 ms of start, in the store's first open and migrations; the rest up to a second) and
starts another, warmed up beforehand, at once. Meanwhile a third process runs `motcua-rating status`
and `motcua-rating sync` in a loop on the same config. Everything reaches a real `motcua-central
serve` (SQLite) through tests/support/faultproxy.py with seeded random faults (chaos_faults.WEIGHTS).

Rounds: each starts both tablet processes at the same instant. The first round starts on no file
(both create the store at once). With --reimage (default), one later round starts on a deleted store
after everything was delivered (a re-imaged tablet): its numbering starts at 1 again, the server
answers `seq_taken` with its `max_seq` and the tablet numbers those items again above it. At the end
the faults stop, `motcua-rating sync` drains the store, and the run counts thanked ratings lost (not
on the server) or duplicated (one marker stored under two ids), quarantined items, stores moved aside
(`rating.db.broken-*`) and the store's `PRAGMA integrity_check`. A baseline in the same run: one
tablet process, no kills, no faults, no third process.

    .venv/bin/python bench/chaos_store.py [--quick] [--rounds 6] [--kills 25] [--no-reimage] [--seed 13]

Exits 1 when a thanked rating was lost or duplicated, a store was moved aside, a tablet process
died by itself, the store is damaged or did not drain.
"""

import argparse
import collections
import datetime
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

OFFICE, BASE_OFFICE = "XA-STORE", "XA-STORE-BASE"
START_KILL_SHARE, START_KILL_S = 0.2, 0.03  # a fifth of the lifetimes end within 30 ms of start
LIFETIME_S = (0.03, 1.0)
QUICK = {"rounds": 2, "kills": 4}  # --quick, and tests/chaos/test_store_chaos.py
TAP_EVERY_S = 0.01


# -- the tablet process ---------------------------------------------------------------------------
def tablet_main(config: str, record: str, name: str) -> int:
    """One tablet lifetime: warm up, say `ready`, wait for `go`, then open the store and tap until killed."""
    import logging

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from rating.__main__ import _load  # the config as `motcua-rating` loads it
    from rating.services import TabletServices

    cfg = _load(config)
    fd = os.open(record, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        return 0
    services = TabletServices(cfg)  # opens (creates, migrates) the shared store
    services.start()  # SyncWorker + heartbeat through the fault proxy
    n = 0
    while True:
        marker = f"{name}.{n}"
        payload = {
            "id": str(uuid.uuid4()),
            "created_at": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            "office": cfg.device.office_code,
            "counter": cfg.rating.counter,
            "staff_id": int(cfg.rating.staff_id),
            "scale": 3,
            "score": 1 + n % 3,
            "reasons": ["thai_do"] if n % 3 == 0 else [],
            "comment": f"chaos {marker}",
        }
        try:
            item_id = services.record(payload)
        except Exception as exc:  # noqa: BLE001  (not thanked; the run counts it)
            os.write(fd, f"ERR {type(exc).__name__}: {str(exc)[:200]}\n".encode())
            time.sleep(TAP_EVERY_S)
            continue
        os.write(fd, f"{item_id} {marker}\n".encode())  # thanked: only now
        os.fsync(fd)
        n += 1
        time.sleep(TAP_EVERY_S)


# -- the parent -------------------------------------------------------------------------------------
ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"


def child_env() -> dict:
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
        KIVY_NO_ARGS="1",
        KIVY_NO_CONFIG="1",
        KIVY_NO_FILELOG="1",
        KIVY_LOG_MODE="PYTHON",
        SDL_VIDEODRIVER="offscreen",
    )
    env.pop("DISPLAY", None)
    return env


def rating_command() -> list[str]:
    script = Path(sys.executable).parent / "motcua-rating"
    return [str(script)] if script.exists() else [sys.executable, "-m", "rating"]


def write_config(folder: Path, url: str, token: str, office: str, staff_id: int) -> Path:
    """The tablet's rating.ini: every process of a run uses this one file, so one store."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "rating.token").write_text(token + "\n", encoding="utf-8")
    (folder / "rating.token").chmod(0o600)
    path = folder / "rating.ini"
    path.write_text(
        f"[server]\nurl = {url}\ntoken_file = rating.token\ntimeout_seconds = 1\nsync_interval_seconds = 1\n"
        "backoff_base_seconds = 0.1\nbackoff_cap_seconds = 1\nheartbeat_seconds = 5\n\n"
        f"[device]\noffice_code = {office}\noffice_name = Trung tâm thử hỗn loạn\ndata_dir = data\nname = Quầy 1\n\n"
        "[display]\nfullscreen = no\nkiosk_mode = no\n\n"
        f"[rating]\ncounter = 1\nstaff_id = {staff_id}\n",
        encoding="utf-8",
    )
    return path


class Lifetime:
    """One tablet process: started and imported ahead of time, it opens the store only on `go()`."""

    def __init__(self, config: Path, workdir: Path, name: str, started: list):
        started.append(self)  # whatever happens, the run kills every process it started
        self.name = name
        self.record = workdir / "records" / f"{name}.txt"
        self.stderr = workdir / "records" / f"{name}.err"
        with open(self.stderr, "wb") as err:
            self.proc = subprocess.Popen(
                [sys.executable, str(Path(__file__).resolve()), "--tablet", str(config), str(self.record), name],
                cwd=ROOT,
                env=child_env(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=err,
            )
        self.went_at: float | None = None
        self.lived_s = 0.0
        self.returncode: int | None = None

    def ready(self) -> "Lifetime":
        if self.proc.stdout.readline().strip() != b"ready":
            self.proc.wait()
            raise RuntimeError(f"tablet process {self.name} did not start: {self.stderr.read_text()[-2000:]}")
        return self

    def go(self) -> None:
        self.proc.stdin.write(b"go\n")
        self.proc.stdin.flush()
        self.went_at = time.monotonic()

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.returncode = self.proc.wait()
        if self.went_at is not None and not self.lived_s:
            self.lived_s = time.monotonic() - self.went_at
        for pipe in (self.proc.stdin, self.proc.stdout):
            try:
                pipe.close()
            except OSError:
                pass

    def crashed(self) -> str | None:
        """Why the process ended by itself (it should only ever end by our SIGKILL)."""
        if self.returncode == -signal.SIGKILL:
            return None
        return f"{self.name} exited {self.returncode}: {self.stderr.read_text(errors='replace')[-600:]}"


def read_records(folder: Path) -> tuple[dict, list[str]]:
    """{id: marker} of every thanked rating, and the put errors; a line cut by the kill is not thanked."""
    thanked, errors = {}, []
    for path in sorted(folder.glob("*.txt")):
        data = path.read_bytes()
        for line in data.split(b"\n")[:-1]:
            text = line.decode()
            if text.startswith("ERR "):
                errors.append(f"{path.stem}: {text[4:]}")
            else:
                item_id, marker = text.split(" ", 1)
                thanked[item_id] = marker
    return thanked, errors


def logged_problems(folder: Path) -> list[str]:
    """The last line of each traceback the tablet processes logged (a worker thread's crash, say)."""
    found = []
    for path in sorted(folder.glob("*.err")):
        lines = path.read_text(errors="replace").splitlines()
        for i, line in enumerate(lines):
            if line.startswith("Traceback"):
                tail = next((ln for ln in lines[i + 1 :] if ln and not ln.startswith((" ", "Traceback"))), "?")
                found.append(f"{path.stem}: {tail[:200]}")
    return found


def lifetime_s(rng: random.Random) -> float:
    if rng.random() < START_KILL_SHARE:
        return rng.uniform(0, START_KILL_S)
    return rng.uniform(*LIFETIME_S)


def run_slot(
    config: Path,
    workdir: Path,
    slot: str,
    first: Lifetime,
    kills: int,
    rng: random.Random,
    counter: collections.Counter,
    done: list,
    started: list,
    errors: list,
) -> None:
    """One tablet slot in a round: `first` is already started; kill and restart it `kills` times."""
    current = first
    try:
        for k in range(kills):
            spare = Lifetime(config, workdir, f"{slot}{counter[slot] + 1}", started) if k < kills - 1 else None
            if spare:
                counter[slot] += 1
            time.sleep(lifetime_s(rng))
            current.kill()
            done.append(current)
            if spare:
                current = spare.ready()
                current.go()
    except Exception as exc:  # noqa: BLE001  (the run reports it and fails)
        errors.append(f"slot {slot}: {type(exc).__name__}: {str(exc)[:300]}")


class StatusSyncLoop:
    """The third process: `motcua-rating status` and `motcua-rating sync` in turn, on the tablet's config."""

    def __init__(self, config: Path):
        self.config = config
        self.runs: collections.Counter = collections.Counter()  # (command, exit code) -> n
        self.tracebacks: list[str] = []
        self._stop = threading.Event()
        self._running = threading.Event()
        self._busy = threading.Lock()  # held while a command runs
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def start(self) -> "StatusSyncLoop":
        self._running.set()
        self._thread.start()
        return self

    def pause(self) -> None:
        """Returns once no command runs, and none starts until resume()."""
        self._running.clear()
        with self._busy:
            pass

    def resume(self) -> None:
        self._running.set()

    def stop(self) -> None:
        self._stop.set()
        self._running.set()
        if self._thread.is_alive():
            self._thread.join()

    def _loop(self) -> None:
        n = 0
        while not self._stop.is_set():
            self._running.wait()
            if self._stop.is_set():
                break
            with self._busy:
                if not self._running.is_set():  # paused meanwhile
                    continue
                command, n = ("status", "sync")[n % 2], n + 1
                try:
                    proc = subprocess.run(
                        rating_command() + [command, "--config", str(self.config)],
                        cwd=ROOT,
                        env=child_env(),
                        capture_output=True,
                        text=True,
                        timeout=120,
                    )
                except subprocess.TimeoutExpired:
                    self.runs[(command, "hung 120 s")] += 1
                    self.tracebacks.append(f"{command}: still running after 120 s")
                    continue
                self.runs[(command, proc.returncode)] += 1
                if "Traceback" in proc.stderr:
                    self.tracebacks.append(f"{command}: {proc.stderr.strip().splitlines()[-1][:200]}")


def sync_until_drained(config: Path, deadline_s: float) -> tuple[bool, int]:
    """`motcua-rating sync` again and again until it says nothing is pending: (drained, runs)."""
    end, runs = time.monotonic() + deadline_s, 0
    while time.monotonic() < end:
        runs += 1
        proc = subprocess.run(
            rating_command() + ["sync", "--config", str(config)],
            cwd=ROOT,
            env=child_env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        if proc.returncode == 0:
            return True, runs
        time.sleep(0.2)
    return False, runs


def store_figures(store: Path) -> dict:
    """What the store says: outbox states, quarantined reasons, renumberings, integrity."""
    if not store.exists():
        return {"states": {}, "quarantined": [], "renumbered": 0, "integrity": "no file"}
    conn = sqlite3.connect(str(store), timeout=30)
    try:
        states = dict(conn.execute("SELECT state, count(*) FROM outbox GROUP BY state").fetchall())
        quarantined = conn.execute("SELECT id, seq, reason FROM outbox WHERE state = 'quarantined'").fetchall()
        renumbered = conn.execute("SELECT count(*) FROM store_events WHERE event = 'renumbered'").fetchone()[0]
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
    return {"states": states, "quarantined": quarantined, "renumbered": renumbered, "integrity": integrity}


def where_is(store: Path, item_ids: list[str]) -> dict:
    """For a few ids: their outbox row in the live store and in any store moved aside (state, seq, reason)."""
    found = {}
    for path in [store] + sorted(store.parent.glob("rating.db.broken-*")):
        if not path.exists() or path.name.endswith(("-wal", "-shm")):
            continue
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            for item_id in item_ids:
                row = conn.execute(
                    "SELECT state, seq, reason, batch_key FROM outbox WHERE id = ?", [item_id]
                ).fetchone()
                if row:
                    found.setdefault(item_id, []).append(
                        f"{path.name}: state={row[0]} seq={row[1]} reason={row[2]} batch={row[3]}"
                    )
        except sqlite3.DatabaseError as exc:
            found.setdefault("?", []).append(f"{path.name}: {exc}")
        finally:
            conn.close()
    return {item_id: found.get(item_id, ["in no store file"]) for item_id in item_ids} | (
        {"?": found["?"]} if "?" in found else {}
    )


def requeue_set_aside(store: Path) -> int:
    """Items set aside after repeated server errors are offered again an hour later; the run does not wait."""
    from motcua.outbox import Outbox

    ob = Outbox.open(store)
    try:
        return ob.requeue_server_errors(older_than_s=0)
    finally:
        ob.db.close()


def server_rows(db: str, office: str) -> list[tuple]:
    """(id, comment, device_seq) of the office's stored ratings."""
    from sqlalchemy import text

    from central.storage import make_engine

    engine = make_engine(db)
    try:
        with engine.connect() as conn:
            return [
                tuple(r)
                for r in conn.execute(
                    text("SELECT id, comment, device_seq FROM ratings WHERE office_code = :o"), {"o": office}
                )
            ]
    finally:
        engine.dispose()


def seq_clashes(db: str, office: str) -> int:
    from sqlalchemy import text

    from central.storage import make_engine

    engine = make_engine(db)
    try:
        with engine.connect() as conn:
            return conn.execute(
                text("SELECT coalesce(sum(seq_clashes), 0) FROM devices WHERE office_code = :o"), {"o": office}
            ).scalar()
    finally:
        engine.dispose()


def run(
    workdir: Path,
    db: str,
    server_url: str,
    rounds: int = 6,
    kills: int = 25,
    reimage: bool = True,
    seed: int = 13,
    office: str = OFFICE,
    faults: bool = True,
    slots: tuple = ("A", "B"),
    third: bool = True,
    fixed_lifetime: float | None = None,
) -> dict:
    """The chaos run against a running server (its database `db`); returns the figures."""
    if str(BENCH) not in sys.path:  # the bench scripts import each other by name (run alone, or from a test)
        sys.path.insert(0, str(BENCH))
    import chaos_faults
    import loadgen
    from tests.support.faultproxy import FAULTS, FaultProxy

    rng = random.Random(seed)
    t_start = time.perf_counter()
    (token,), staff_id = loadgen.register_tablets(db, office, 1)
    kinds = [k for k in FAULTS for _ in range(chaos_faults.WEIGHTS[k])]
    faulty = {"on": faults}
    fault_rng = random.Random(seed + 1)

    def choose():
        return fault_rng.choice(kinds) if faulty["on"] else "pass"

    up = urlparse(server_url)
    proxy = FaultProxy((up.hostname, up.port), delay=1.5, retry_after=1, choose=choose)
    tablet_dir = workdir / office
    config = write_config(tablet_dir, proxy.url, token, office, staff_id)
    store = tablet_dir / "data" / "rating.db"
    (workdir / "records").mkdir(exist_ok=True)
    counter: collections.Counter = collections.Counter()
    done: list[Lifetime] = []
    f = {
        "rounds": [],
        "reimaged_at_round": None,
        "renumbered_before_reimage": 0,
        "quarantined_before_reimage": 0,
        "undrained_before_reimage": False,
        "sync_runs_to_drain": 0,
        "slot_errors": [],
    }
    reimage_round = rounds // 2 if reimage and rounds >= 2 else None
    loop = StatusSyncLoop(config) if third else None  # started once the first round's tablets went
    started: list[Lifetime] = []
    try:
        for r in range(rounds):
            if r == reimage_round:  # a re-imaged tablet: everything was delivered, then the store is gone
                if loop:
                    loop.pause()
                drained, runs = sync_until_drained(config, 120)
                f["sync_runs_to_drain"] += runs
                f["undrained_before_reimage"] = not drained
                before = store_figures(store)
                f["renumbered_before_reimage"] = before["renumbered"]
                f["quarantined_before_reimage"] = len(before["quarantined"])
                for suffix in ("", "-wal", "-shm", ".lock"):
                    Path(str(store) + suffix).unlink(missing_ok=True)
                f["reimaged_at_round"] = r + 1
            fresh = not store.exists()
            firsts = []
            for slot in slots:
                counter[slot] += 1
                firsts.append(Lifetime(config, workdir, f"{slot}{counter[slot]}", started))
            for life in firsts:
                life.ready()
            for life in firsts:  # both open the store at the same instant
                life.go()
            if loop and r == 0:  # not before: its `sync` would create the store the tablets must create
                loop.start()
            elif loop and r == reimage_round:
                loop.resume()
            if fixed_lifetime is not None:
                time.sleep(fixed_lifetime)
                for life in firsts:
                    life.kill()
                    done.append(life)
            else:
                threads = [
                    threading.Thread(
                        target=run_slot,
                        args=(
                            config,
                            workdir,
                            slot,
                            first,
                            kills,
                            random.Random(rng.random()),
                            counter,
                            done,
                            started,
                            f["slot_errors"],
                        ),
                    )
                    for slot, first in zip(slots, firsts)
                ]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
            f["rounds"].append({"fresh": fresh})
        if loop:
            loop.stop()
        faulty["on"] = False
        requeued = requeue_set_aside(store) if store.exists() else 0
        quarantined_at_end = store_figures(store)["quarantined"]
        drained, runs = sync_until_drained(config, 120)
        f["sync_runs_to_drain"] += runs
    finally:
        if loop:
            loop.stop()  # again after an error: it returns at once when stopped
        for life in started:
            life.kill()
        proxy.close()
    wall = time.perf_counter() - t_start
    thanked, put_errors = read_records(workdir / "records")
    rows = server_rows(db, office)
    stored_ids = {r[0] for r in rows}
    by_marker = collections.defaultdict(list)
    for rid, comment, _seq in rows:
        by_marker[(comment or "").removeprefix("chaos ")].append(rid)
    lost = sorted(i for i in thanked if i not in stored_ids)
    duplicated = sorted(m for m, ids in by_marker.items() if len(ids) > 1)
    wrong_id = sorted(i for i, m in thanked.items() if i in stored_ids and by_marker.get(m) != [i])
    end = store_figures(store)
    moved = sorted(p.name for p in store.parent.glob("rating.db.broken-*") if not p.name.endswith(("-wal", "-shm")))
    crashes = [c for c in (life.crashed() for life in done) if c]
    lost_where = where_is(store, lost[:5]) if lost else {}
    before_first = sum(
        1
        for life in done
        if not any(line and not line.startswith(b"ERR ") for line in life.record.read_bytes().split(b"\n")[:-1])
    )
    f.update(
        kills=len(done),
        lifetimes=len(done),
        killed_before_first_thanks=before_first,
        fresh_starts=sum(r["fresh"] for r in f["rounds"]),
        thanked=len(thanked),
        put_errors=put_errors,
        stored=len(rows),
        stored_distinct=len(stored_ids),
        delivered=len(stored_ids & set(thanked)),
        stored_not_thanked=len(stored_ids - set(thanked)),
        lost=lost,
        duplicated=duplicated,
        wrong_id=wrong_id,
        drained=drained,
        pending_at_end=end["states"].get("pending", 0) + end["states"].get("sending", 0),
        quarantined_at_end=len(quarantined_at_end),
        quarantined_reasons=sorted({q[2] for q in quarantined_at_end}),
        requeued=requeued,
        quarantined=end["states"].get("quarantined", 0),
        renumbered=f["renumbered_before_reimage"] + end["renumbered"],
        seq_clashes=seq_clashes(db, office),
        moved_aside=moved,
        integrity=end["integrity"],
        crashes=crashes,
        lost_where=lost_where,
        tablet_tracebacks=logged_problems(workdir / "records"),
        third_runs={f"{c} exit {code}": n for (c, code), n in loop.runs.items()} if loop else {},
        third_tracebacks=loop.tracebacks if loop else [],
        faults=dict(collections.Counter(proxy.log)),
        wall_s=wall,
        process_s=sum(life.lived_s for life in done),
        thanked_per_process_s=len(thanked) / max(sum(life.lived_s for life in done), 1e-9),
    )
    return f


def verdict(f: dict) -> bool:
    return (
        not f["lost"]
        and not f["duplicated"]
        and not f["wrong_id"]
        and not f["moved_aside"]
        and not f["crashes"]
        and not f["slot_errors"]
        and f["drained"]
        and f["integrity"] == "ok"
        and f["quarantined"] == 0
        and not f["undrained_before_reimage"]
        and f["stored"] == f["stored_distinct"]
    )


def main() -> int:
    if len(sys.argv) == 5 and sys.argv[1] == "--tablet":
        return tablet_main(*sys.argv[2:])
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--quick",
        action="store_true",
        help=f"small sizes ({QUICK['rounds']} rounds of {QUICK['kills']} kills per process)",
    )
    ap.add_argument("--rounds", type=int, default=6, help="rounds; each starts both tablet processes at once")
    ap.add_argument("--kills", type=int, default=25, help="kills per tablet process per round")
    ap.add_argument(
        "--no-reimage", dest="reimage", action="store_false", help="never delete the store between two lifetimes"
    )
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args()
    if args.quick:
        args.rounds, args.kills = QUICK["rounds"], QUICK["kills"]
    sys.path.insert(0, str(BENCH))
    import loadgen
    import run as runner  # bench/run.py: the machine's description

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="motcua-chaos-store-") as tmp:
        workdir = Path(tmp)
        db = str(workdir / "central.db")
        loadgen.cli(db, "init")
        server = loadgen.ServerProcess(db, {}, workdir).start()
        try:
            f = run(workdir / "chaos", db, server.url, args.rounds, args.kills, args.reimage, args.seed)
            base = run(
                workdir / "baseline",
                db,
                server.url,
                rounds=1,
                kills=1,
                reimage=False,
                seed=args.seed,
                office=BASE_OFFICE,
                faults=False,
                slots=("A",),
                third=False,
                fixed_lifetime=3.0 if args.quick else 10.0,
            )
        finally:
            server.stop()
    took = time.perf_counter() - t0
    ok = verdict(f) and verdict(base)
    cmd = "`.venv/bin/python bench/chaos_store.py" + (
        " --quick" if args.quick else f" --rounds {args.rounds} --kills {args.kills}"
    )
    cmd += ("" if args.reimage else " --no-reimage") + (f" --seed {args.seed}" if args.seed != 13 else "") + "`"
    injected = sum(v for k, v in f["faults"].items() if k != "pass")
    print("## Chaos: two tablet processes on one store, SIGKILLed and restarted, status/sync alongside (chaos_store)\n")
    print(
        f"{cmd} — {took:.0f} s on {runner.machine()}. Two `TabletServices` processes on one `rating.db` "
        f"(worker and heartbeat through "
        f"the fault proxy) are killed after 0-{START_KILL_S * 1000:.0f} ms ({START_KILL_SHARE:.0%} of lifetimes) "
        f"or {LIFETIME_S[0]:g}-{LIFETIME_S[1]:g} s and restarted, while `motcua-rating status` / `sync` run in "
        f"a loop; {f['fresh_starts']} round(s) start on no store file (both processes create it at once)"
        + (
            f", round {f['reimaged_at_round']} after the store was deleted (a re-imaged tablet)"
            if f["reimaged_at_round"]
            else ""
        )
        + ". Faults off at the end, then `motcua-rating sync` drains.\n"
    )
    print(
        "| run | kills | lifetimes | thanked | delivered | lost | duplicated | quarantined | renumbered "
        "(server seq clashes) | moved aside | integrity | status/sync runs | faults injected | wall s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for label, x in (("chaos", f), ("baseline: one process, no kills, no faults", base)):
        runs = sum(x["third_runs"].values())
        print(
            f"| {label} | {x['kills'] if x is f else '—'} | {x['lifetimes']} | {x['thanked']:,} | {x['delivered']:,} "
            f"| {len(x['lost'])} | {len(x['duplicated'])} | {x['quarantined_at_end']} "
            f"| {x['renumbered']} ({x['seq_clashes']}) | {len(x['moved_aside'])} | {x['integrity']} "
            f"| {runs or '—'} | {sum(v for k, v in x['faults'].items() if k != 'pass'):,} "
            f"of {sum(x['faults'].values()):,} | {x['wall_s']:.0f} |"
        )
    print(
        f"\nThanked per second of a tablet process's life: {f['thanked_per_process_s']:.0f} under chaos "
        f"({f['process_s']:.0f} process-seconds), {base['thanked_per_process_s']:.0f} in the baseline (one "
        f"{base['process_s']:.0f} s life; a tablet taps every {TAP_EVERY_S * 1000:.0f} ms at most). Lifetimes "
        f"killed before their first thanks (in start-up, the store's open or migrations): "
        f"{f['killed_before_first_thanks']} of {f['lifetimes']}. Stored but never thanked (killed between commit "
        f"and thanks): {f['stored_not_thanked']}. Renumbered: items numbered before the re-imaged store heard the "
        f"server's max_seq (few when its first heartbeat gets through at once). "
        f"Put errors (not thanked): {len(f['put_errors'])}. Tablet processes that died by themselves: "
        f"{len(f['crashes'])}; tracebacks logged by tablets: {len(f['tablet_tracebacks'])}, by status/sync: "
        f"{len(f['third_tracebacks'])}. Status/sync exits: "
        f"{', '.join(f'{k} ×{v}' for k, v in sorted(f['third_runs'].items())) or 'none'}. Faults: "
        f"{injected:,} ({', '.join(f'{k} {v}' for k, v in sorted(f['faults'].items()))})."
    )
    problems = {
        k: {"n": len(f[k]), "e.g.": [x for x, _ in collections.Counter(f[k]).most_common(3)]}
        for k in (
            "lost",
            "duplicated",
            "wrong_id",
            "moved_aside",
            "crashes",
            "put_errors",
            "slot_errors",
            "tablet_tracebacks",
            "third_tracebacks",
            "quarantined_reasons",
        )
        if f[k]
    }
    if f["lost_where"]:
        problems["lost ids in the store files"] = f["lost_where"]
    print(
        f"\nResult: {'every thanked rating stored exactly once' if ok else 'FAILED'}"
        + (f"; details: {json.dumps(problems, ensure_ascii=False)[:4000]}" if problems else "")
        + "."
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
