"""Runs every benchmark in bench/ and writes docs/PERFORMANCE.md.

Each `bench/bench_*.py` is a standalone script: run with `--quick` (small sizes) or without (full
sizes), it prints one Markdown section (a `## ` heading, the exact command, a table of figures
next to their baseline measured in the same run) to stdout and exits 0. This runner describes the
machine, runs them one after another (never in parallel: they would measure each other) and
assembles the page.

    .venv/bin/python bench/run.py            # full run, rewrites docs/PERFORMANCE.md
    .venv/bin/python bench/run.py --quick    # small sizes, prints only
    .venv/bin/python bench/run.py search     # only bench_search.py
"""
import argparse
import datetime
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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
    return (f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("only", nargs="*", help="benchmark names (bench_<name>.py); default all")
    ap.add_argument("--quick", action="store_true", help="small sizes; print, do not write the page")
    args = ap.parse_args()
    scripts = sorted((ROOT / "bench").glob("bench_*.py"))
    if args.only:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in args.only]
    env = dict(os.environ, PYTHONPATH=str(ROOT), KIVY_NO_ARGS="1", KIVY_NO_CONFIG="1",
               KIVY_NO_FILELOG="1", KIVY_LOG_MODE="PYTHON", SDL_VIDEODRIVER="offscreen")
    env.pop("DISPLAY", None)
    sections, failed = [], []
    for script in scripts:
        cmd = [sys.executable, str(script.relative_to(ROOT))] + (["--quick"] if args.quick else [])
        print(f"# running {' '.join(cmd)}", file=sys.stderr, flush=True)
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            failed.append(script.name)
            sections.append(f"## {script.stem}: FAILED\n\n```\n{proc.stderr[-3000:]}\n```\n")
        else:
            sections.append(proc.stdout.strip() + "\n")
        print(sections[-1], flush=True)
    if not args.quick and not args.only:
        today = datetime.date.today().isoformat()
        page = [
            "# Performance\n",
            f"Measured {today} on {machine()}.\n",
            "Reproduce everything with `.venv/bin/python bench/run.py` (after `scripts/test.sh` has"
            " installed the virtualenv). Each section names the exact command for itself.\n",
        ] + sections
        (ROOT / "docs" / "PERFORMANCE.md").write_text("\n".join(page), encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
