"""Kiosk benchmark: cold start to first frame and idle RSS, search-as-you-type latency through the UI,
RSS growth over many screen transitions. Each figure next to a baseline measured in the same run.

    .venv/bin/python bench/bench_kiosk.py            # full: 7 cold starts, 5,000 transitions
    .venv/bin/python bench/bench_kiosk.py --quick    # 3 cold starts, 1,000 transitions

Runs a real central server (SQLite, demo data) on 127.0.0.1, preloads the kiosk's catalogue with
`motcua-kiosk sync`, then measures the kiosk in child processes (one Kivy window per process,
SDL offscreen: CPU rendering, says nothing of a kiosk's GPU).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.support.pg import free_port  # noqa: E402
from tests.support.server import wait_for_healthz  # noqa: E402

QUERIES = [
    "khai sinh",
    "ket hon",
    "chung thuc ban sao",
    "tam tru",
    "dang ky thuong tru",
    "ho kinh doanh",
    "khai tu",
    "giay xac nhan tinh trang hon nhan",
    "giam ho",
    "khuyet tat",
    "trich luc",
    "dang ki ket hon",
    "chung thuc chu ky",
    "xoa dang ky thuong tru",
    "nhan cha me con",
]


# ---- helpers ---------------------------------------------------------------------------
def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pct(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def kivy_env(width=1920, height=1080):
    env = dict(
        os.environ,
        SDL_VIDEODRIVER="offscreen",
        KIVY_NO_ARGS="1",
        KIVY_NO_CONFIG="1",
        KIVY_NO_FILELOG="1",
        KIVY_LOG_MODE="PYTHON",
        KIVY_CLIPBOARD="dummy",
        PYTHONPATH=str(ROOT),
        MOTCUA_BENCH_SIZE=f"{width}x{height}",
    )
    env.pop("DISPLAY", None)
    return env


def central(db, *args, stdin=None):
    proc = subprocess.run(
        [sys.executable, "-m", "central.cli", "--db", str(db), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        input=stdin,
        timeout=300,
    )
    if proc.returncode != 0:
        sys.exit(f"motcua-central {' '.join(args)} failed: {proc.stderr[-1000:]}")
    return proc.stdout


# ---- children (one Kivy window each) ---------------------------------------------------
def child_window(multisamples: str):
    """The window as the kiosk makes it (`[display] multisamples` from its config, as kiosk/__main__.py)."""
    from kivy.config import Config

    width, height = os.environ.get("MOTCUA_BENCH_SIZE", "1920x1080").split("x")
    Config.set("graphics", "width", width)
    Config.set("graphics", "height", height)
    Config.set("graphics", "multisamples", multisamples)
    from kivy.core.window import Window

    return Window


def child_start(kind, config, t0):
    """Time from process start to the first frame drawn, then RSS after 3 s of idle. `baseline-msaa2`:
    the minimal app on Kivy's default window (multisamples = 2)."""
    from kiosk.__main__ import load as load_config

    Window = child_window("2" if kind == "baseline-msaa2" else load_config(config).display.multisamples)
    from kivy.app import App
    from kivy.clock import Clock

    result = {}

    def first_frame(*_):
        if "first_frame_s" not in result:
            result["first_frame_s"] = time.time() - t0
            Clock.schedule_once(lambda _: measure_idle(), 3.0)

    def measure_idle():
        result["idle_rss_mb"] = rss_mb()
        print(json.dumps(result), flush=True)
        App.get_running_app().stop()

    if kind.startswith("baseline"):
        from kivy.uix.label import Label

        class Minimal(App):
            def build(self):
                return Label(text="Trung tâm Phục vụ hành chính công", font_size=40)

            def on_start(self):
                Window.bind(on_flip=first_frame)

        Minimal().run()
    else:
        from kiosk.__main__ import build_services, load
        from kiosk.app import KioskApp

        cfg = load(config)

        class Measured(KioskApp):
            def on_start(self):
                super().on_start()
                Window.bind(on_flip=first_frame)

        Measured(cfg, build_services(cfg), lock=False).run()


def memory_map() -> dict:
    """Resident MB of this process by kind of mapping (/proc/self/smaps): malloc heap, other
    anonymous memory (mmap: large allocations, driver buffers), shared library code and data."""
    out = {"heap": 0.0, "anonymous": 0.0, "libraries": 0.0}
    kind = None
    with open("/proc/self/smaps") as f:
        for line in f:
            parts = line.split()
            if "-" in parts[0] and len(parts) >= 5:
                name = parts[5] if len(parts) > 5 else ""
                kind = "heap" if name == "[heap]" else "libraries" if name.startswith("/") else "anonymous"
            elif parts[0] == "Rss:":
                out[kind] += int(parts[1]) / 1024
    return out


def label_textures(root) -> dict:
    """{screen: (labels, MB of RGBA texture)} over every built screen's labels: the text as drawn."""
    from kivy.uix.label import Label

    out = {}
    for screen in getattr(root, "screens", [root]):
        n, area = 0, 0
        for widget in screen.walk(restrict=True):
            if isinstance(widget, Label) and widget.texture is not None:
                n += 1
                area += widget.texture.width * widget.texture.height
        out[screen.name] = (n, area * 4 / 2**20)
    return out


def child_loop(kind, config, count):
    """Search latency through the procedures screen, or RSS over screen transitions."""
    from kiosk.__main__ import build_services, load

    cfg = load(config)
    child_window(cfg.display.multisamples)
    from kivy.base import EventLoop

    from kiosk.app import KioskApp

    services = build_services(cfg)
    app = KioskApp(cfg, services, lock=False)
    EventLoop.ensure_window()
    app._run_prepare()
    for _ in range(5):
        EventLoop.idle()
    out = {}
    if kind == "search":
        app.go("procedures")
        screen = app.root.get_screen("procedures")
        screen.open_keyboard()
        ui, core = [], []
        for query in QUERIES:
            screen.keyboard.clear()
            for i in range(1, len(query) + 1):
                started = time.perf_counter()
                screen.keyboard.type_text(query[i - 1])  # the key's own path: Telex, field, text
                screen.refresh_results()  # what the debounce trigger runs
                EventLoop.idle()  # one frame: rows laid out and drawn
                ui.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                services.search(query[:i], limit=50)
                core.append((time.perf_counter() - started) * 1000)
        out = {"ui_ms": ui, "core_ms": core}
    else:
        idle = rss_mb()
        tour = []  # (screen, RSS after it): where memory goes
        dossier_code, secret = os.environ["MOTCUA_BENCH_DOSSIER"].split()
        for name in ["procedures", "detail", "dossier", "stats", "info", "attract", "admin", "home"]:
            if name == "procedures":  # every screen once, as a citizen would
                app.go(name)
                app.screen(name).open_keyboard()
            elif name == "detail":
                app.go(name, code="1.001193")
            elif name == "dossier":
                app.go(name)
                screen = app.screen(name)
                screen.lookup(dossier_code, secret)
                for _ in range(300):
                    if screen.state == "found":
                        break
                    time.sleep(0.01)
                    EventLoop.idle()
            elif name == "home":
                app.home()
            else:
                app.go(name)
            for _ in range(3):
                EventLoop.idle()
            tour.append((name, rss_mb()))
        toured = rss_mb()
        textures = label_textures(app.root)
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
        trimmed = rss_mb()
        mapped = memory_map()
        names = ["procedures", "detail", "dossier", "stats", "info", "home"]
        codes = ["1.001193", "1.000894", "2.000815"]  # the detail screen shows a new procedure each time

        def transition(i):
            name = names[i % len(names)]
            if name == "home":
                app.home()
            elif name == "detail":
                app.go("detail", code=codes[(i // len(names)) % len(codes)])
            else:
                app.go(name)
            EventLoop.idle()

        for i in range(200):  # warm-up: caches, textures, kv rules
            transition(i)
        app.home()
        before = rss_mb()
        started = time.perf_counter()
        for i in range(count):
            transition(i)
        out = {
            "idle_mb": idle,
            "toured_mb": toured,
            "tour": tour,
            "textures": textures,
            "trimmed": trimmed,
            "mapped": mapped,
            "before_mb": before,
            "after_mb": rss_mb(),
            "seconds": time.perf_counter() - started,
            "count": count,
        }
    print(json.dumps(out), flush=True)
    app.on_stop()


def run_child(*args, timeout=900, env=None):
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", *args],
        cwd=ROOT,
        env=dict(kivy_env(), **(env or {})),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        sys.exit(f"bench child {args[0]} failed:\n{proc.stderr[-3000:]}")
    return json.loads(lines[-1])


# ---- the run ----------------------------------------------------------------------------
def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        kind, config, extra = args.child[0], args.child[1], args.child[2] if len(args.child) > 2 else "0"
        if kind in ("start", "baseline", "baseline-msaa2"):
            child_start("kiosk" if kind == "start" else kind, config, float(extra))
        else:
            child_loop(kind, config, int(extra))
        return 0

    starts = 3 if args.quick else 7
    transitions = 1000 if args.quick else 5000
    with tempfile.TemporaryDirectory(prefix="bench-kiosk-") as tmp:
        tmp = Path(tmp)
        db = tmp / "central.db"
        central(db, "init")
        central(db, "seed-demo")
        token = (
            central(db, "device", "add", "--kind", "kiosk", "--office", "XA-PHUOCLONG", "--name", "bench")
            .strip()
            .splitlines()[-1]
        )
        (tmp / "kiosk.token").write_text(token + "\n")
        (tmp / "kiosk.token").chmod(0o600)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "central.cli", "--db", str(db), "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for_healthz(f"http://127.0.0.1:{port}", server)
            config = tmp / "kiosk.ini"
            config.write_text(
                f"[server]\nurl = http://127.0.0.1:{port}\ntoken_file = kiosk.token\n"
                f"[device]\noffice_code = XA-PHUOCLONG\noffice_name = Trung tâm Phục vụ hành "
                f"chính công xã Phước Long\ndata_dir = data\n[display]\nfullscreen = no\n"
                f"kiosk_mode = no\n",
                encoding="utf-8",
            )
            sync = subprocess.run(
                [sys.executable, "-m", "kiosk", "sync", "--config", str(config)],
                cwd=ROOT,
                env=kivy_env(),
                capture_output=True,
                text=True,
            )
            if sync.returncode != 0:
                sys.exit(f"motcua-kiosk sync failed: {sync.stderr[-2000:]}")
            kiosk_runs, base_runs, msaa_runs = [], [], []
            for _ in range(starts):  # interleaved, so drift hits both alike
                base_runs.append(run_child("baseline", str(config), str(time.time())))
                kiosk_runs.append(run_child("start", str(config), str(time.time())))
                msaa_runs.append(run_child("baseline-msaa2", str(config), str(time.time())))
            search = run_child("search", str(config))
            hints = [line.split() for line in central(db, "demo-hints").splitlines()]
            dossier = next(h for h in hints if len(h) >= 4 and h[2] == "status")
            loop = run_child(
                "transitions",
                str(config),
                str(transitions),
                timeout=300 + transitions,
                env={"MOTCUA_BENCH_DOSSIER": f"{dossier[0]} {dossier[1]}"},
            )
        finally:
            server.terminate()
            server.wait(10)

    def med(runs, key):
        return statistics.median(r[key] for r in runs)

    def p99(runs, key):
        return pct([r[key] for r in runs], 99)

    growth = (loop["after_mb"] - loop["before_mb"]) / loop["before_mb"] * 100
    ui, core = search["ui_ms"], search["core_ms"]
    cmd = "python bench/bench_kiosk.py" + (" --quick" if args.quick else "")
    print("## Kiosk: start-up, memory, search as you type, screen transitions\n")
    print(
        f"Command: `{cmd}` (SDL offscreen, 1920×1080, CPU rendering by Mesa llvmpipe; "
        f"{starts} cold starts each, {len(ui)} keystrokes over {len(QUERIES)} queries, "
        f"{transitions} transitions).\n"
    )
    print("| measure | kiosk median | kiosk p99 | baseline | baseline median | ratio | goal |")
    print("|---|---|---|---|---|---|---|")
    print(
        f"| cold start to first frame | {med(kiosk_runs, 'first_frame_s'):.2f} s | "
        f"{p99(kiosk_runs, 'first_frame_s'):.2f} s | minimal Kivy app (one Label) | "
        f"{med(base_runs, 'first_frame_s'):.2f} s | "
        f"{med(kiosk_runs, 'first_frame_s') / med(base_runs, 'first_frame_s'):.2f}× | ≤ 2 s |"
    )
    print(
        f"| idle RSS after 3 s | {med(kiosk_runs, 'idle_rss_mb'):.0f} MB | {p99(kiosk_runs, 'idle_rss_mb'):.0f} MB"
        f" | minimal Kivy app | {med(base_runs, 'idle_rss_mb'):.0f} MB | "
        f"{med(kiosk_runs, 'idle_rss_mb') / med(base_runs, 'idle_rss_mb'):.2f}× | ≤ 200 MB |"
    )
    print(
        f"| idle RSS, minimal app on Kivy's default window (multisamples = 2) | "
        f"{med(msaa_runs, 'idle_rss_mb'):.0f} MB | {p99(msaa_runs, 'idle_rss_mb'):.0f} MB | minimal Kivy app, "
        f"multisamples = 0 (the kiosk's default) | {med(base_runs, 'idle_rss_mb'):.0f} MB | "
        f"{med(msaa_runs, 'idle_rss_mb') / med(base_runs, 'idle_rss_mb'):.2f}× | — |"
    )
    print(
        f"| keystroke → results drawn (UI) | {statistics.median(ui):.1f} ms | {pct(ui, 99):.1f} ms | "
        f"core `Catalogue.search` alone | {statistics.median(core):.2f} ms | "
        f"{statistics.median(ui) / max(statistics.median(core), 1e-6):.1f}× | — |"
    )
    print(
        f"| RSS after every screen once (dossier with its steps) | {loop['toured_mb']:.0f} MB | — | "
        f"the same kiosk idle on home | {loop['idle_mb']:.0f} MB | {loop['toured_mb'] / loop['idle_mb']:.2f}× | "
        f"≤ 300 MB |"
    )
    steps, prev = [], loop["idle_mb"]
    for name, mb in loop["tour"]:
        steps.append(f"{name} {mb - prev:+.0f}")
        prev = mb
    tour_note = (
        "RSS added by each screen on its first visit (MB): " + ", ".join(steps) + ". Label textures "
        "(RGBA, as drawn) held by each screen then: "
        + ", ".join(f"{name} {n} labels {mb:.1f} MB" for name, (n, mb) in loop["textures"].items())
        + "."
    )
    print(
        f"| RSS over {transitions} transitions | {loop['before_mb']:.0f} → {loop['after_mb']:.0f} MB "
        f"({growth:+.1f}%) | — | RSS after 200 warm-up transitions | {loop['before_mb']:.0f} MB | "
        f"{loop['after_mb'] / loop['before_mb']:.3f}× | ≤ +10% |"
    )
    print(f"| time per transition | {loop['seconds'] / transitions * 1000:.2f} ms | — | — | — | — | — |")
    print(
        "\nTransitions cycle procedures → detail (one of three procedures, a new one each time) → dossier → "
        "statistics → help → home. Before screens were built on first visit and their cards reused, this "
        "machine measured idle 253 MB and ~790 MB after every screen; the old loop showed one procedure "
        "only (116 ms a transition), so its time is not comparable. Time per transition is mostly "
        "llvmpipe drawing full 1920×1080 frames on the CPU (glFinish after a frame: 120–560 ms on a "
        "loaded 2-core machine), not Python."
    )
    m = loop["mapped"]
    print(
        "\n" + tour_note + f" Asking the C allocator to give back free memory (malloc_trim) then brings "
        f"RSS from {loop['toured_mb']:.0f} to {loop['trimmed']:.0f} MB: what stays is in use, "
        f"{m['heap']:.0f} MB malloc heap, {m['anonymous']:.0f} MB other anonymous memory, "
        f"{m['libraries']:.0f} MB of shared libraries (Mesa, LLVM, SDL, Python's own)."
    )
    print(
        "\nThe kiosk's window has no multisampling by default (`[display] multisamples = 0`): with Kivy's "
        "default of 2, Mesa keeps multisampled colour and depth buffers the size of the window, ~60 MB at "
        "1920×1080 when the CPU draws (no GPU driver). Its screens look the same either way (text, bars and "
        "rounded buttons, compared on the test screenshots); the row above shows what the default costs."
    )
    print(
        "\nThe UI figure excludes the 0.12 s typing debounce (search runs once the citizen pauses); "
        "it covers the key's own path, the search and one drawn frame."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
