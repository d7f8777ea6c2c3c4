"""The systemd units in deploy/systemd pass `systemd-analyze verify` in a scratch root, and say what
the field needs: restart forever, a watchdog, start at boot, servers on 127.0.0.1 only."""

import configparser
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "deploy" / "systemd"
INSTANCES = [
    "motcua-central@8001.service",
    "motcua-central@8002.service",
    "motcua-central-migrate.service",
    "motcua-device@kiosk.service",
    "motcua-device@rating.service",
    "motcua-backup.service",
    "motcua-backup.timer",
    "motcua-screen@on.service",
    "motcua-screen@off.service",
    "motcua-screen-on.timer",
    "motcua-screen-off.timer",
]
STUBS = [
    "opt/motcua/venv/bin/motcua-central",
    "opt/motcua/venv/bin/python",
    "opt/motcua/deploy/bin/motcua-session",
    "opt/motcua/deploy/kiosk/motcua-screen",
]


def systemd_analyze() -> str | None:
    """systemd-analyze, installing Debian's systemd package if it is missing and installs cleanly."""
    found = shutil.which("systemd-analyze")
    if found or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    proc = subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "systemd"],
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"),
    )
    return shutil.which("systemd-analyze") if proc.returncode == 0 else None


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str
    parser.read(UNITS / name, encoding="utf-8")
    return parser


def scratch_root(tmp_path: Path, units_from: Path = UNITS) -> Path:
    """/usr/lib/systemd/system of this machine, our units in /etc/systemd/system, stub programs."""
    root = tmp_path / "root"
    (root / "usr/lib/systemd").mkdir(parents=True)
    shutil.copytree("/usr/lib/systemd/system", root / "usr/lib/systemd/system", symlinks=True)
    (root / "lib").symlink_to("usr/lib")
    shutil.copytree(units_from, root / "etc/systemd/system")
    for stub in STUBS:
        path = root / stub
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("#!/bin/sh\n")
        path.chmod(0o755)
    return root


def verify(root: Path, names) -> subprocess.CompletedProcess:
    return subprocess.run(
        [systemd_analyze(), "verify", f"--root={root}", *names], capture_output=True, text=True, timeout=120, cwd=root
    )


@pytest.fixture(scope="module")
def analyze():
    tool = systemd_analyze()
    if tool is None:
        # Parser-level checks below still run; this one cannot, and must not pass silently.
        pytest.fail("systemd-analyze is missing and Debian's systemd package did not install here")
    return tool


def test_every_unit_passes_systemd_analyze_verify(analyze, tmp_path):
    proc = verify(scratch_root(tmp_path), INSTANCES)
    assert proc.returncode == 0 and proc.stderr.strip() == "" and proc.stdout.strip() == "", proc.stderr + proc.stdout


def test_verify_catches_a_misspelt_key_and_a_missing_program(analyze, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(UNITS, broken)
    path = broken / "motcua-central@.service"
    path.write_text(path.read_text().replace("Restart=always", "Restrat=always"))
    root = scratch_root(tmp_path, broken)
    proc = verify(root, ["motcua-central@8001.service"])
    assert "Unknown key 'Restrat'" in proc.stderr
    (root / "opt/motcua/venv/bin/motcua-central").unlink()
    proc = verify(root, ["motcua-central@8001.service"])
    assert proc.returncode != 0 and "motcua-central is not executable" in proc.stderr


def test_apps_restart_forever_with_a_watchdog_and_start_at_boot():
    device = unit("motcua-device@.service")
    assert device["Service"]["Type"] == "notify" and device["Service"]["Restart"] == "always"
    assert int(device["Service"]["WatchdogSec"]) > 0
    assert device["Unit"]["StartLimitIntervalSec"] == "0"
    assert device["Install"]["WantedBy"] == "graphical.target"
    assert device["Service"]["User"] == "motcua"  # never root on a public touch screen
    assert device["Service"]["ExecStart"].startswith("/opt/motcua/deploy/bin/motcua-session %i --config")


def test_servers_listen_on_loopback_only_and_wait_for_the_schema():
    central = unit("motcua-central@.service")
    start = central["Service"]["ExecStart"]
    assert "--host 127.0.0.1 --port %i" in start and "--db ${MOTCUA_DB}" in start
    assert central["Service"]["Restart"] == "always"
    assert "motcua-central-migrate.service" in central["Unit"]["Requires"]
    assert "motcua-central-migrate.service" in central["Unit"]["After"]
    # Both processes see the same temporary folder (a dashboard import previewed on one, applied on the other).
    assert central["Service"]["Environment"] == "TMPDIR=/var/lib/motcua/tmp"
    assert "motcua/tmp" in central["Service"]["StateDirectory"]
    migrate = unit("motcua-central-migrate.service")
    assert migrate["Service"]["ExecStart"].endswith(" init") and migrate["Service"]["Type"] == "oneshot"


def test_backup_runs_nightly_and_catches_up_after_a_power_cut():
    timer = unit("motcua-backup.timer")
    assert timer["Timer"]["Persistent"] == "true" and "01:30" in timer["Timer"]["OnCalendar"]
    assert "motcua-backup backup --db ${MOTCUA_DB}" in unit("motcua-backup.service")["Service"]["ExecStart"]


def test_device_image_setup_installs_units_that_verify_and_the_real_launcher(analyze, tmp_path):
    """deploy/kiosk/setup-device.sh --root: the files a tablet image gets, checked by systemd itself."""
    root = tmp_path / "image"
    proc = subprocess.run(
        ["bash", str(ROOT / "deploy/kiosk/setup-device.sh"), "rating", "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "would run: systemctl set-default graphical.target" in proc.stdout  # boots to the app
    assert "apt-get install" in proc.stdout and " cage " in proc.stdout
    for path in (
        "etc/systemd/system/motcua-device@.service",
        "etc/systemd/journald.conf.d/motcua.conf",
        "opt/motcua/deploy/bin/motcua-session",
        "opt/motcua/config/rating.ini",
        "opt/motcua/setup.py",
    ):
        assert (root / path).is_file(), path
    assert not (root / "opt/motcua/.git").exists() and not (root / "opt/motcua/.venv").exists()
    assert (root / "etc/motcua").stat().st_mode & 0o777 == 0o750
    assert (root / "var/lib/motcua/rating").stat().st_mode & 0o777 == 0o700
    (root / "usr/lib/systemd").mkdir(parents=True)
    shutil.copytree("/usr/lib/systemd/system", root / "usr/lib/systemd/system", symlinks=True)
    (root / "lib").symlink_to("usr/lib")
    for stub in ("opt/motcua/venv/bin/motcua-rating", "opt/motcua/venv/bin/python"):
        (root / stub).parent.mkdir(parents=True, exist_ok=True)
        (root / stub).write_text("#!/bin/sh\n")
        (root / stub).chmod(0o755)
    checked = verify(
        root,
        [
            "motcua-device@rating.service",
            "motcua-screen-on.timer",
            "motcua-screen-off.timer",
            "motcua-screen@off.service",
        ],
    )
    assert checked.returncode == 0 and checked.stderr.strip() == "", checked.stderr


def test_screen_script_switches_a_raspberry_pi_display(tmp_path):
    calls = tmp_path / "calls"
    fake = tmp_path / "vcgencmd"
    fake.write_text(f'#!/bin/sh\necho "$@" >> {calls}\n')
    fake.chmod(0o755)
    env = dict(os.environ, PATH=f"{tmp_path}:{os.environ['PATH']}")
    screen = str(ROOT / "deploy/kiosk/motcua-screen")
    for want in ("off", "on"):
        proc = subprocess.run([screen, want], capture_output=True, text=True, env=env, timeout=30)
        assert proc.returncode == 0 and f"screen {want} (vcgencmd)" in proc.stdout
    assert calls.read_text().split("\n")[:2] == ["display_power 0", "display_power 1"]
    wrong = subprocess.run([screen, "dim"], capture_output=True, text=True, env=env, timeout=30)
    assert wrong.returncode == 2 and "usage" in wrong.stderr
