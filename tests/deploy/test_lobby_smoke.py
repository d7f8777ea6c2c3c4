"""docs/ENROLL.md on this machine: 1 server, 2 kiosks, 5 tablets enrolled, checked, synced, running."""

import os
import re
import subprocess
import sys
from pathlib import Path

import kiosk.settings
import rating.settings
from motcua.config import load_config

ROOT = Path(__file__).resolve().parents[2]
ENROLL = ROOT / "docs" / "ENROLL.md"
SMOKE = ROOT / "deploy" / "lobby-smoke.sh"


def test_lobby_of_two_kiosks_and_five_tablets_comes_up(tmp_path):
    env = dict(os.environ, MOTCUA_BIN=str(Path(sys.executable).parent))
    env.pop("DISPLAY", None)
    proc = subprocess.run(
        ["bash", str(SMOKE), str(tmp_path / "lobby")], capture_output=True, text=True, env=env, timeout=240
    )
    report = proc.stdout[-3000:] + proc.stderr[-3000:]
    assert proc.returncode == 0, report
    assert "LOBBY OK: 1 server, 2 kiosks, 5 tablets" in proc.stdout
    rows = (tmp_path / "lobby" / "device-list.tsv").read_text(encoding="utf-8").splitlines()[1:]
    devices = {r.split("\t")[4]: r.split("\t") for r in rows}
    assert sorted(devices) == ["kiosk-1", "kiosk-2", "quay-1", "quay-2", "quay-3", "quay-4", "quay-5"]
    for name, cols in devices.items():
        assert cols[5] == "active" and cols[6] != "-", (name, cols)
        assert cols[1] == ("kiosk" if name.startswith("kiosk") else "rating")
    assert [devices[f"quay-{n}"][3] for n in range(1, 6)] == ["1", "2", "3", "4", "5"]
    tokens = sorted((tmp_path / "lobby" / "devices").glob("*/*.token"))
    assert len(tokens) == 7 and all(t.stat().st_mode & 0o077 == 0 for t in tokens)
    assert len({t.read_text().strip() for t in tokens}) == 7


def ini_blocks(markdown: str) -> list[str]:
    return re.findall(r"```ini\n(.*?)```", markdown, flags=re.S)


def test_enroll_config_examples_load_as_real_device_configs(tmp_path):
    """The kiosk and tablet files of ENROLL.md step 3 are accepted by the apps' own config loader."""
    kiosk_ini, rating_ini = ini_blocks(ENROLL.read_text(encoding="utf-8"))
    for app, text in (("kiosk", kiosk_ini), ("rating", rating_ini)):
        from motcua.pin import hash_pin

        text = text.replace("pbkdf2_sha256$...", hash_pin("2468"))
        text = text.replace(f"/var/lib/motcua/{app}", str(tmp_path / app / "data"))
        folder = tmp_path / app
        folder.mkdir()
        (folder / f"{app}.ini").write_text(text, encoding="utf-8")
        (folder / f"{app}.token").write_text("token-from-device-add\n")
        (folder / f"{app}.token").chmod(0o600)
        cfg = load_config(folder / f"{app}.ini", {"kiosk": kiosk.settings, "rating": rating.settings}[app].SCHEMA)
        assert cfg.server.token == "token-from-device-add"
        assert cfg.device.office_code == "XA-PHUOCLONG"
    assert cfg.rating.counter == 1


def test_enroll_doc_and_smoke_script_use_the_same_keys():
    """The script writes what the doc tells the admin to write: same sections and keys."""

    def keys(text):
        return sorted(set(re.findall(r"^\[?([a-z_]+)\]? ?=?", text, flags=re.M)) - {""})

    doc = ini_blocks(ENROLL.read_text(encoding="utf-8"))
    script = re.findall(r"<<EOF\n(.*?)EOF", SMOKE.read_text(encoding="utf-8"), flags=re.S)
    assert [keys(b) for b in doc] == [keys(b) for b in script]


def test_enroll_doc_registers_devices_the_way_the_script_does():
    doc = ENROLL.read_text(encoding="utf-8")
    script = SMOKE.read_text(encoding="utf-8")
    for phrase in (
        "device add --kind kiosk",
        "device add --kind rating",
        "| tail -n 1 >",
        "umask 077",
        "staff add --office",
        "--pin-stdin",
        "import procedures",
        "office add",
        "admin add quantri --password-stdin",
        "check --config",
        "sync --config",
        "device list",
        "hash-pin 2468",
    ):
        assert phrase in doc, phrase
        assert phrase.replace(" --config", "") in script, phrase
