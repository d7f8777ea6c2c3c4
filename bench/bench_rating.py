"""Tap-to-durable latency of the rating tablet's flow next to a bare SQLite insert + commit (same disk, same run).

    .venv/bin/python bench/bench_rating.py [--quick]

Times `RatingFlow.start()` + `choose(score)` on the app's real services (config file, outbox on disk with
WAL + synchronous=FULL), i.e. from the citizen's tap to the rating being durable, against a bare
`INSERT` + `COMMIT` of the same JSON with synchronous=FULL in a fresh file next to it.
"""

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def pct(values, q):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q / 100 * (len(s) - 1))))]


def tablet_services(tmp: Path):
    from rating.settings import load as load_config
    from rating.services import TabletServices

    (tmp / "rating.ini").write_text(
        "[server]\nurl = http://127.0.0.1:9\ntoken_file = none.token\n\n"
        "[device]\noffice_code = XA-PHUOCLONG\ndata_dir = data\n\n"
        "[rating]\ncounter = 1\ncooldown_seconds = 0\ndossier_link = no\n",
        encoding="utf-8",
    )
    import logging

    logging.disable(logging.WARNING)
    services = TabletServices(load_config(tmp / "rating.ini"), staff=False)
    services.flow.sign_in({"id": 1, "name": "Nguyễn Thị Lan", "title": "", "counter": 1})
    return services


def time_flow(services, n):
    flow, out = services.flow, []
    for i in range(n):
        flow.reset()
        t0 = time.perf_counter()
        flow.start()
        flow.choose(3 - i % 2)
        out.append((time.perf_counter() - t0) * 1000)
        assert flow.step.value == "thanks"
    return out


def time_bare(path: Path, n):
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (id TEXT PRIMARY KEY, seq INTEGER, payload TEXT)")
    out = []
    for i in range(n):
        item = {
            "id": str(uuid.uuid4()),
            "office": "XA-PHUOCLONG",
            "counter": 1,
            "staff_id": 1,
            "scale": 3,
            "score": 3,
            "reasons": [],
        }
        t0 = time.perf_counter()
        conn.execute("BEGIN")
        conn.execute("INSERT INTO t VALUES (?, ?, ?)", (item["id"], i, json.dumps(item)))
        conn.execute("COMMIT")
        out.append((time.perf_counter() - t0) * 1000)
    conn.close()
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    n, rounds = (200, 3) if args.quick else (1000, 5)
    flow_all, bare_all, per_round = [], [], []
    with tempfile.TemporaryDirectory(dir=ROOT / "var" if (ROOT / "var").is_dir() else None) as d:
        tmp = Path(d)
        services = tablet_services(tmp)
        time_flow(services, 20)  # warm-up
        for r in range(rounds):  # interleaved so both see the same disk state
            f = time_flow(services, n)
            b = time_bare(tmp / f"bare{r}.db", n)
            flow_all += f
            bare_all += b
            per_round.append((statistics.median(f), pct(f, 99), statistics.median(b), pct(b, 99)))
        pending = services.outbox.pending()
    assert pending == n * rounds + 20
    fp50, fp99, bp50, bp99 = (
        statistics.median(flow_all),
        pct(flow_all, 99),
        statistics.median(bare_all),
        pct(bare_all, 99),
    )
    cmd = "python bench/bench_rating.py" + (" --quick" if args.quick else "")
    print("## Rating tablet: tap to durable\n")
    print(
        f"`{cmd}`: {rounds} rounds × {n} ratings through `RatingFlow.start()` + `choose()` on the app's "
        "services (outbox file, WAL + synchronous=FULL), interleaved with a bare sqlite3 INSERT + COMMIT "
        "(WAL + synchronous=FULL) on the same disk. Milliseconds.\n"
    )
    print("| measure | tap → durable (flow + outbox) | bare insert + commit | ratio |")
    print("|---|---|---|---|")
    print(f"| p50 | {fp50:.3f} | {bp50:.3f} | {fp50 / bp50:.2f}× |")
    print(f"| p99 | {fp99:.3f} | {bp99:.3f} | {fp99 / bp99:.2f}× |")
    print(f"| max | {max(flow_all):.3f} | {max(bare_all):.3f} | {max(flow_all) / max(bare_all):.2f}× |")
    print(
        "\nPer round (p50 / p99, flow vs bare): "
        + "; ".join(f"{a:.3f}/{b:.3f} vs {c:.3f}/{e:.3f}" for a, b, c, e in per_round)
    )
    goal = fp99 <= 20 and fp99 <= 2 * bp99
    print(f"\nGoal p99 ≤ 20 ms and ≤ 2× the bare insert: {'met' if goal else 'NOT met'}.")


if __name__ == "__main__":
    main()
