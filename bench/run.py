"""Runs the benchmarks in bench/ and writes docs/PERFORMANCE.md.

Each `bench/bench_*.py` (and each chaos run, `bench/chaos_*.py`) is a standalone script: run with `--quick` (small sizes) or without (full
sizes), it prints one Markdown section (a `## ` heading, the exact command, a table of figures
next to their baseline measured in the same run) to stdout and exits 0. This runner runs them one
after another (never in parallel: they would measure each other), stores each full-size section
with its date, machine and load in `bench/results/<name>.md`, and assembles docs/PERFORMANCE.md
from the stored sections, so one benchmark can be re-run without re-running all of them.

    .venv/bin/python bench/run.py            # every benchmark, full sizes; rewrites docs/PERFORMANCE.md
    .venv/bin/python bench/run.py search     # only bench_search.py, then reassembles the page
    .venv/bin/python bench/run.py --quick    # small sizes, prints only
"""

import argparse
import datetime
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}"
    )


def load_note() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min) / {five:.1f} (5 min) when it started"


def assemble() -> None:
    """docs/PERFORMANCE.md from the stored sections, in file-name order."""
    page = [
        "# Performance\n",
        "Every figure below was measured on a project machine (2 cores, 24 GiB RAM; the processor "
        "differs between runs) by `.venv/bin/python bench/run.py NAME`; each section names its exact "
        "command, its date and the machine's load, and its processor when not the 2-core Intel Xeon of "
        "the runs before 2026-12-04. Re-run one with `.venv/bin/python bench/run.py NAME` (after "
        "`scripts/test.sh` has installed the virtualenv) and this page is rebuilt.\n",
    ]
    for stored in sorted(RESULTS.glob("*.md")):
        page.append(stored.read_text(encoding="utf-8").strip() + "\n")
    (ROOT / "docs" / "PERFORMANCE.md").write_text("\n".join(page), encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("only", nargs="*", help="names: bench_<name>.py as <name>, chaos runs as chaos_<name>; default all")
    ap.add_argument("--quick", action="store_true", help="small sizes; print, do not write the page")
    args = ap.parse_args()
    # Benchmarks first, then the chaos runs (which print their figures the same way).
    scripts = sorted((ROOT / "bench").glob("bench_*.py")) + sorted((ROOT / "bench").glob("chaos_*.py"))
    if args.only:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in args.only or s.stem in args.only]
    elif args.quick:  # the chaos runs have no small size: their reduced versions are in tests/chaos/
        scripts = [s for s in scripts if s.stem.startswith("bench_")]
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT),
        KIVY_NO_ARGS="1",
        KIVY_NO_CONFIG="1",
        KIVY_NO_FILELOG="1",
        KIVY_LOG_MODE="PYTHON",
        SDL_VIDEODRIVER="offscreen",
    )
    env.pop("DISPLAY", None)
    failed = []
    for script in scripts:
        quick = args.quick and script.stem.startswith("bench_")
        cmd = [sys.executable, str(script.relative_to(ROOT))] + (["--quick"] if quick else [])
        started = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
        note = load_note()
        print(f"# running {' '.join(cmd)}", file=sys.stderr, flush=True)
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            failed.append(script.name)
            print(f"## {script.stem}: FAILED\n\n```\n{proc.stderr[-3000:]}\n```\n", flush=True)
            continue
        section = proc.stdout.strip()
        print(section + "\n", flush=True)
        if not args.quick:
            heading, _, body = section.partition("\n")
            RESULTS.mkdir(exist_ok=True)
            (RESULTS / f"{script.stem.removeprefix('bench_')}.md").write_text(
                f"{heading}\n\n_Measured {started} on {machine()} ({note})._\n{body}\n", encoding="utf-8"
            )
    if not args.quick:
        assemble()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
