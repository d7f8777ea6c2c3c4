"""kill -9 a rating writer at random moments and check every acknowledged rating survived (test and bench).

Each writer is forked from this process (no interpreter start-up: many lifetimes per second), opens
the outbox file, puts ratings in a loop and writes each id to a pipe only after `put` returned. The
parent kills it after a random 5-60 ms, then checks that every id it read is in the file and that
the file passes `PRAGMA integrity_check`.
"""

import os
import random
import signal
import sqlite3
import time

from motcua.outbox import Outbox


def _writer(path: str, fd: int) -> None:
    try:
        ob = Outbox.open(path)
        n = 0
        while True:
            item_id = ob.put("rating", {"office": "XA-KILL", "counter": 1, "score": 1 + n % 3, "n": n})
            os.write(fd, item_id.encode() + b"\n")
            n += 1
    finally:
        os._exit(0)


def kill_once(path: str, rng: random.Random) -> list[str]:
    """One writer lifetime; returns the ids it acknowledged before it was killed."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the writer
        os.close(read_fd)
        _writer(path, write_fd)
    os.close(write_fd)
    time.sleep(rng.uniform(0.005, 0.060))
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    data = b""
    while chunk := os.read(read_fd, 65536):
        data += chunk
    os.close(read_fd)
    lines = data.split(b"\n")
    return [line.decode() for line in lines[:-1]]  # the last piece may be cut mid-write: not acknowledged


def check(path: str, acknowledged: set[str]) -> tuple[int, str]:
    """(acknowledged ids missing from the file, integrity_check result)."""
    conn = sqlite3.connect(path)
    try:
        try:
            stored = {row[0] for row in conn.execute("SELECT id FROM outbox")}
        except sqlite3.OperationalError:  # killed before the first start finished creating the table
            stored = set()
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
    return len(acknowledged - stored), integrity


def run(path: str, kills: int, seed: int = 1, check_every: int = 1) -> dict:
    """`kills` writer lifetimes on one file; stops at the first loss or damage."""
    rng = random.Random(seed)
    acknowledged: set[str] = set()
    started = time.monotonic()
    missing, integrity, done = 0, "ok", 0
    for done in range(1, kills + 1):
        acknowledged.update(kill_once(path, rng))
        if done % check_every == 0 or done == kills:
            missing, integrity = check(path, acknowledged)
            if missing or integrity != "ok":
                break
    return {
        "kills": done,
        "acknowledged": len(acknowledged),
        "missing": missing,
        "integrity": integrity,
        "seconds": time.monotonic() - started,
    }
