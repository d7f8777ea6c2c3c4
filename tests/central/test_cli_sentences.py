"""Admin mistakes on the three command lines (motcua-central, motcua-kiosk, motcua-rating) get a sentence
naming what is wrong and what to do: never a Python traceback, an exception's class name or a repr."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.pg import free_port

ROOT = Path(__file__).resolve().parents[2]
PYTHON_INTERNALS = re.compile(
    r"Traceback \(most recent call last\)|\b\w+(Error|Exception):|\bsqlalche\.me\b|\[SQL:|\bNone\b|HTTPConnectionPool|"
    r"\\n'|File contains no section headers"
)


def run(module: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (DEBUG|INFO|WARNING|ERROR) ", re.M)


def said(proc: subprocess.CompletedProcess) -> str:
    """What the command says to the admin (its log lines, the technical record, set aside)."""
    out = "\n".join(line for line in (proc.stdout + proc.stderr).splitlines() if not LOG_LINE.match(line))
    assert proc.returncode != 0, f"exit 0 after a mistake:\n{out}"
    assert not PYTHON_INTERNALS.search(out), f"Python internals where a sentence belongs:\n{out}"
    return out


def test_central_mistakes(tmp_path):
    db = str(tmp_path / "central.db")
    out = said(run("central.cli", "--db", db, "device", "list", cwd=tmp_path))  # never initialised
    assert f"no database at {db}" in out and f"motcua-central --db {db} init" in out, out
    assert not Path(db).exists()  # a listing creates no empty database
    assert run("central.cli", "--db", db, "init", cwd=tmp_path).returncode == 0
    pg = f"postgresql://motcua:geheim@127.0.0.1:{free_port()}/motcua"
    out = said(run("central.cli", "--db", pg, "device", "list", cwd=tmp_path))  # nothing listens there
    assert "cannot use the database" in out and f"127.0.0.1:{pg.rsplit(':', 1)[1]}" in out
    assert "geheim" not in out  # the password stays out of the terminal
    out = said(run("central.cli", "--db", db, "serve", "--port", "99999", cwd=tmp_path))
    assert '"99999" is not a port number 1-65535' in out
    assert run("central.cli", "--db", db, "office", "add", "XA-A", "Xã A", cwd=tmp_path).returncode == 0
    out = said(run("central.cli", "--db", db, "office", "add", "XA-A", "Xã A", cwd=tmp_path))
    assert "office XA-A already exists" in out
    added = run("central.cli", "--db", db, "device", "add", "--kind", "kiosk", "--office", "XA-A", cwd=tmp_path)
    device = added.stdout.split()[1]
    assert run("central.cli", "--db", db, "device", "revoke", device, cwd=tmp_path).returncode == 0
    out = said(run("central.cli", "--db", db, "device", "command", device, "sync_now", cwd=tmp_path))
    assert f"device {device} is revoked" in out
    out = said(
        run("central.cli", "--db", db, "export", "ratings", "--from", "2026-12-01", "--to", "2026-11-01", cwd=tmp_path)
    )
    assert "--to 2026-11-01 is before --from 2026-12-01" in out
    out = said(run("central.cli", "--db", db, "export", "ratings", "--from", "yesterday", cwd=tmp_path))
    assert '--from: "yesterday" is not a day (YYYY-MM-DD' in out


BAD_INI = {
    "header.ini": ("[server\nurl = http://127.0.0.1:8000\n", "header.ini line 1: [server comes before any [section]"),
    "latin1.ini": (
        "[device]\nname = Qu\xe2y 1\n".encode("latin-1"),
        "latin1.ini: not UTF-8 text (byte 18); save it as UTF-8",
    ),
    "noequals.ini": ("[server]\nurl\n", "noequals.ini: not a line of the form key = value (line 2: url)"),
    "twice.ini": ("[server]\nurl = a\nurl = b\n", "twice.ini line 3: [server] url appears twice"),
    "folder": (None, "folder: is a folder, not a config file"),
}


@pytest.mark.parametrize("app", ["kiosk", "rating"])
@pytest.mark.parametrize("name", sorted(BAD_INI))
def test_device_check_of_an_unreadable_config_says_what_is_wrong(app, name, tmp_path):
    content, expected = BAD_INI[name]
    path = tmp_path / name
    if content is None:
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    out = said(run(app, "check", "--config", name, cwd=tmp_path))
    assert expected in out


@pytest.mark.parametrize("app", ["kiosk", "rating"])
def test_a_sync_that_fails_says_why_in_a_sentence(app, tmp_path):
    port = free_port()  # nothing listens there
    (tmp_path / "device.token").write_text("a-token-the-server-never-issued\n", encoding="utf-8")
    (tmp_path / "device.token").chmod(0o600)
    (tmp_path / "device.ini").write_text(
        f"[server]\nurl = http://127.0.0.1:{port}\ntoken_file = device.token\ntimeout_seconds = 2\n\n"
        "[device]\noffice_code = XA-A\ndata_dir = data\n",
        encoding="utf-8",
    )
    if app == "rating":  # the tablet sends what it holds: put one rating in its outbox first
        from motcua.outbox import Outbox

        (tmp_path / "data").mkdir()
        outbox = Outbox.open(tmp_path / "data" / "rating.db")
        outbox.put("rating", {"score": 3, "scale": 3, "counter": 1, "office": "XA-A"})
        outbox.close()
    out = said(run(app, "sync", "--config", "device.ini", cwd=tmp_path))
    assert f"127.0.0.1:{port}" in out and "{'" not in out, out
    assert "cannot reach the server" in out.lower(), out
    if app == "rating":  # and the status says it in a sentence first (the raw error follows, labelled for IT)
        status = run(app, "status", "--config", "device.ini", cwd=tmp_path).stdout
        assert f"last error: Cannot reach the server (127.0.0.1:{port})" in status, status
        assert re.search(r"^oldest pending age: \d+ (s|min)$", status, re.M), status


def test_a_db_path_that_is_another_file_and_an_import_of_a_folder(tmp_path):
    """--db naming a file that is not a database (a typo, the config file) and an import given a folder."""
    other = tmp_path / "central.ini"
    other.write_text("[server]\ndb = var/central.db\n" * 200, encoding="utf-8")
    for command in (("staff", "list"), ("init",)):
        out = said(run("central.cli", "--db", str(other), *command, cwd=tmp_path))
        assert f"{other} is not a database" in out and "motcua-central init" in out, out
    db = str(tmp_path / "central.db")
    assert run("central.cli", "--db", db, "init", cwd=tmp_path).returncode == 0
    (tmp_path / "exports").mkdir()
    out = said(run("central.cli", "--db", db, "import", "dossiers", "exports", cwd=tmp_path))
    assert "exports is a folder; give the CSV or JSON file to import" in out, out


def test_a_kiosk_sync_that_works_says_what_changed_in_words(shared_server, tmp_path):
    shared_server.cli("seed-demo")
    token = shared_server.device_token(kind="kiosk", office="XA-PHUOCLONG", counter=None)
    (tmp_path / "kiosk.token").write_text(token + "\n", encoding="utf-8")
    (tmp_path / "kiosk.token").chmod(0o600)
    (tmp_path / "kiosk.ini").write_text(
        f"[server]\nurl = {shared_server.url}\ntoken_file = kiosk.token\n\n"
        "[device]\noffice_code = XA-PHUOCLONG\ndata_dir = data\n",
        encoding="utf-8",
    )
    first = run("kiosk", "sync", "--config", "kiosk.ini", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    synced = r"catalogue synced: 68 procedures in \d+ fields \(68 new or changed, 0 removed\)\n"
    assert re.fullmatch(synced, first.stdout), first.stdout
    again = run("kiosk", "sync", "--config", "kiosk.ini", cwd=tmp_path)
    assert again.returncode == 0 and not PYTHON_INTERNALS.search(again.stdout) and "SyncResult" not in again.stdout
    assert again.stdout.startswith("catalogue synced: 68 procedures"), again.stdout


def test_an_office_code_with_spaces_or_a_lowercase_unit_code_is_refused(tmp_path):
    db = str(tmp_path / "central.db")
    assert run("central.cli", "--db", db, "init", cwd=tmp_path).returncode == 0
    out = said(run("central.cli", "--db", db, "office", "add", "xa phuoc long", "Xã Phước Long", cwd=tmp_path))
    assert 'office code "xa phuoc long"' in out and "no spaces" in out and "XA-PHUOCLONG" in out, out
    out = said(
        run("central.cli", "--db", db, "office", "add", "XA-B", "Xã B", "--unit-code", "000.00.31.h29", cwd=tmp_path)
    )
    assert '--unit-code "000.00.31.h29"' in out and "e.g. 000.00.31.H29" in out, out
    listed = run("central.cli", "--db", db, "office", "list", "--format", "json", cwd=tmp_path)
    assert listed.returncode == 0 and listed.stdout.strip() == "[]"  # nothing was added
    added = run(
        "central.cli", "--db", db, "office", "add", "XA-B", "Xã B", "--unit-code", "000.00.31.H29", cwd=tmp_path
    )
    assert added.returncode == 0, added.stderr


def test_a_command_run_in_another_folder_than_the_database_says_so(tmp_path):
    """The default database, var/central.db, is relative: an admin in the wrong folder is told where none is,
    and nothing is created there (an empty var/central.db would then be 'set up' by init, in the wrong place)."""
    for command in (("staff", "list"), ("office", "list"), ("serve", "--port", str(free_port()))):
        out = said(run("central.cli", *command, cwd=tmp_path))
        assert f"no database at {tmp_path / 'var' / 'central.db'}" in out and "--db" in out, out
    assert not (tmp_path / "var").exists()


def _into_a_closed_pipe(module: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The command's output into a pipe whose reader has already gone, as `... | head -1` leaves it."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(
            [sys.executable, "-m", module, *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            cwd=cwd,
            timeout=120,
        )
    finally:
        os.close(write_end)


def test_output_piped_into_head_stops_quietly(tmp_path):
    db = str(tmp_path / "central.db")
    assert run("central.cli", "--db", db, "init", cwd=tmp_path).returncode == 0
    assert run("central.cli", "--db", db, "office", "add", "XA-A", "Xã A", cwd=tmp_path).returncode == 0
    (tmp_path / "device.ini").write_text(
        f"[server]\nurl = http://127.0.0.1:{free_port()}\ntoken_file = device.token\ntimeout_seconds = 2\n\n"
        "[device]\noffice_code = XA-A\ndata_dir = data\n",
        encoding="utf-8",
    )
    for module, *args in (
        ("central.cli", "--db", db, "office", "list"),
        ("central.cli", "--db", db, "export", "ratings"),
        ("kiosk", "check", "--config", "device.ini"),
        ("rating", "check", "--config", "device.ini"),
        ("rating", "status", "--config", "device.ini"),
    ):
        proc = _into_a_closed_pipe(module, *args, cwd=tmp_path)
        assert "Traceback" not in proc.stderr and "BrokenPipeError" not in proc.stderr, (module, args, proc.stderr)
        assert proc.returncode == 141, (module, args, proc.returncode, proc.stderr)
