"""Chaos: a tablet's disk fills up while citizens keep rating, then space comes back.

The outbox lives on a size-limited file system (a tmpfs mounted with size=, as root), or, where
mounting is not allowed, on a database capped with `PRAGMA max_page_count` (SQLite then fails with
the same SQLITE_FULL). The run proves the core behaviour the rating app builds its messages on:
  - `Outbox.put` raises (sqlite3.OperationalError "database or disk is full"), storing nothing, or
    returns with the rating stored (a small insert can still fit a page's last free bytes);
  - every rating acknowledged before is still in the file, which passes `integrity_check`;
  - delivery attempts while full do not crash or lose anything;
  - once space returns, recording resumes (device_seq never reused) and everything reaches the
    server exactly once.

    .venv/bin/python bench/chaos_disk_full.py [--size-kb 1024] [--rounds 5]
"""

import argparse
import contextlib
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import loadgen  # noqa: E402

OFFICE = "XA-DISKFULL"


@contextlib.contextmanager
def small_disk(where: Path, size_kb: int):
    """Yields (folder, grow) on a tmpfs of size_kb, or (None, None) when mounting is not allowed here."""
    where.mkdir(parents=True, exist_ok=True)
    if (
        os.geteuid() != 0
        or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(where)], capture_output=True
        ).returncode
        != 0
    ):
        yield None, None
        return

    def grow(kb: int):
        subprocess.run(["mount", "-o", f"remount,size={kb}k", str(where)], check=True, capture_output=True)

    try:
        yield where, grow
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def run(
    workdir: Path,
    url: str,
    token: str,
    staff_id: int,
    size_kb: int = 1024,
    rounds: int = 3,
    force_page_cap: bool = False,
) -> dict:
    """`rounds` times: fill the disk, check, give space back, check; then drain to the server."""
    findings = {
        "mode": None,
        "errors": set(),
        "failed_puts": 0,
        "lost": [],
        "integrity": set(),
        "stored_while_full": [],
        "worker_crashes": 0,
        "seq_reused": False,
    }
    with small_disk(workdir / "disk", size_kb) as (disk, grow):
        if force_page_cap and disk is not None:
            subprocess.run(["umount", "-l", str(disk)], capture_output=True)
            disk, grow = None, None
        findings["mode"] = f"tmpfs size={size_kb}k" if disk else "PRAGMA max_page_count"
        path = (disk or workdir) / "tablet.db"
        tablet = loadgen.RealTablet(path, url, token, OFFICE, staff_id, 1, timeout=5, batch_size=50)
        pages = 64 + size_kb // 4
        if disk is None:
            tablet.outbox.db.execute(f"PRAGMA max_page_count = {pages}")
        size = size_kb
        try:
            for _ in range(rounds):
                before = len(tablet.acknowledged)
                refused_score = 3
                for n in range(100_000):  # tap until the disk refuses
                    try:
                        tablet.tap(1 + n % 3)
                    except sqlite3.Error as exc:
                        findings["errors"].add(f"{type(exc).__name__}: {exc}")
                        refused_score = 1 + n % 3
                        break
                # The citizen keeps tapping. Each tap either raises and stores nothing, or returns
                # with its rating durably stored: an insert whose random UUID lands in a B-tree page
                # with a few free bytes left may still fit, so "every tap raises" is not a property
                # SQLite (or any store) can give. Keep going until 5 more taps have been refused.
                pending_full, fitted, refused = tablet.outbox.pending(), 0, 0
                for _ in range(500):
                    if refused == 5:
                        break
                    try:
                        tablet.tap(refused_score)
                        fitted += 1
                    except sqlite3.Error:
                        refused += 1
                findings["failed_puts"] += refused
                findings.setdefault("fitted_while_full", []).append(fitted)
                if tablet.outbox.pending() != pending_full + fitted:
                    findings["stored_while_full"].append(
                        f"pending {pending_full} + {fitted} acknowledged -> {tablet.outbox.pending()}"
                    )
                try:  # delivery while full: the server may get the batch, the outbox may not settle
                    tablet.worker.drain_once()
                except Exception as exc:  # noqa: BLE001
                    findings["worker_crashes"] += 1
                    findings["errors"].add(f"worker: {type(exc).__name__}: {exc}")
                check = sqlite3.connect(path)
                findings["integrity"].add(check.execute("PRAGMA integrity_check").fetchone()[0])
                kept = {r[0] for r in check.execute("SELECT id FROM outbox")}
                check.close()
                findings["lost"] += [i for i in tablet.acknowledged if i not in kept]
                findings.setdefault("stored_per_round", []).append(len(tablet.acknowledged) - before)
                size, pages = size * 2, pages * 2  # space comes back (an admin frees the disk)
                if grow:
                    grow(size)
                else:
                    tablet.outbox.db.execute(f"PRAGMA max_page_count = {pages}")
                tablet.tap()  # recording resumes at once
            tablet.worker.start()
            drained = tablet.drain(60)
        finally:
            tablet.close()
            rows = sqlite3.connect(path).execute("SELECT id, seq FROM outbox ORDER BY seq").fetchall()
    seqs = [s for _, s in rows]
    findings.update(
        drained=drained,
        acknowledged=set(tablet.acknowledged),
        recorded={r for r, _ in rows},
        seq_reused=len(seqs) != len(set(seqs)),
        integrity=sorted(findings["integrity"]),
        errors=sorted(findings["errors"]),
    )
    return findings


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size-kb", type=int, default=1024)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--page-cap", action="store_true", help="use PRAGMA max_page_count even where mount works")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="motcua-chaos-disk-") as tmp:
        tmp = Path(tmp)
        db = str(tmp / "central.db")
        loadgen.cli(db, "init")
        (token,), staff_id = loadgen.register_tablets(db, OFFICE, 1)
        server = loadgen.ServerProcess(db, {}, tmp).start()
        t0 = time.perf_counter()
        try:
            f = run(tmp, server.url, token, staff_id, args.size_kb, args.rounds, args.page_cap)
        finally:
            server.stop()
        stored = loadgen.stored_ids(db)
        rows, distinct = loadgen.stored_ratings(db)
    ok = (
        f["failed_puts"] == 5 * args.rounds
        and not f["lost"]
        and not f["stored_while_full"]
        and f["drained"]
        and f["integrity"] == ["ok"]
        and not f["seq_reused"]
        and stored == f["acknowledged"] == f["recorded"]
        and rows == distinct
    )
    print("## Chaos: disk full on a tablet (chaos_disk_full)\n")
    print(
        f"`.venv/bin/python bench/chaos_disk_full.py --size-kb {args.size_kb} --rounds {args.rounds}"
        f"{' --page-cap' if args.page_cap else ''}` — {f['mode']}, {time.perf_counter() - t0:.1f} s.\n"
    )
    print(
        "| rounds (fill, refuse, free) | ratings stored per round | refused taps (fitted in free bytes) | error raised by Outbox.put | "
        "acknowledged but lost | integrity | device_seq reused | on the server (rows / distinct / expected) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    print(
        f"| {args.rounds} | {', '.join(map(str, f['stored_per_round']))} | {f['failed_puts']} ({sum(f['fitted_while_full'])}) | "
        f"{'; '.join(e for e in f['errors'] if not e.startswith('worker'))} | {len(f['lost'])} | "
        f"{', '.join(f['integrity'])} | {'YES' if f['seq_reused'] else 'no'} | "
        f"{rows:,} / {distinct:,} / {len(f['acknowledged']):,} |"
    )
    print(f"\nResult: {'nothing lost, recording resumed, exactly once on the server' if ok else 'FAILED'}.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
