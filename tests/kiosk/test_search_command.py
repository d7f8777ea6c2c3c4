"""`motcua-kiosk search` as an admin or an outside check runs it: nothing listed when nothing fits, a clear
refusal on an empty cache (issue 18 item 12: the demo's no-display hint found nothing and exited 0), and an
office's own words ([kiosk] extra_words), against a real central server and real SQLite files."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.__main__ import main as kiosk_main
from tests.kiosk.test_check_and_commands import OFFICE, check, write_config

ROOT = Path(__file__).resolve().parents[2]


def run_search(ini, query, *extra):
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "search", query, "--config", str(ini), *extra],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


@pytest.fixture(scope="module")
def synced(shared_server, tmp_path_factory):
    """A kiosk of the demo office with the demo catalogue synced, and the office's own words file."""
    shared_server.cli("seed-demo")
    folder = tmp_path_factory.mktemp("kiosk")
    (folder / "words.txt").write_text("# our commune\nxin dấu đỏ = xác nhận thông tin về cư trú\n", encoding="utf-8")
    token = shared_server.device_token(kind="kiosk", office=OFFICE, counter=None)
    ini = write_config(folder, shared_server.url, token, extra="[kiosk]\nextra_words = words.txt\n")
    assert kiosk_main(["sync", "--config", str(ini)]) == 0
    return ini


def test_search_on_an_empty_cache_says_to_sync_first_and_fails(tmp_path):
    ini = write_config(tmp_path, "http://127.0.0.1:9", "x")
    for extra in ((), ("--json",)):
        done = run_search(ini, "khai sinh", *extra)
        assert done.returncode == 3 and done.stdout == ""
        assert f"motcua-kiosk sync --config {ini}" in done.stderr and "empty" in done.stderr


def test_nothing_fits_lists_no_procedures(synced):
    done = run_search(synced, "lam ho chieu", "--json")
    assert done.returncode == 0 and json.loads(done.stdout) == []
    plain = run_search(synced, "dong tien dien")
    assert plain.returncode == 0 and plain.stdout == "" and "nothing fits" in plain.stderr


def test_everyday_words_find_the_procedure(synced):
    hits = json.loads(run_search(synced, "sang ten so do", "--json").stdout)
    assert hits and hits[0]["code"] == "1.012787"
    hits = json.loads(run_search(synced, "bo toi mat", "--json").stdout)
    assert hits and hits[0]["code"] == "1.000656"


def test_the_office_words_are_used_and_a_bad_file_is_named_by_check(synced, tmp_path, capsys):
    hits = json.loads(run_search(synced, "xin dau do", "--json").stdout)
    assert hits and hits[0]["code"] == "1.010041"
    (tmp_path / "bad.txt").write_text("sổ đỏ quyền sử dụng đất\n", encoding="utf-8")
    ini = write_config(tmp_path, "http://127.0.0.1:9", "x", extra="[kiosk]\nextra_words = bad.txt\n")
    code, out = check(ini, capsys)
    assert code == 1 and "extra_words" in out and "bad.txt line 1" in out


def test_the_kiosk_builds_its_search_index_at_start_not_on_the_first_keystroke(synced):
    from kiosk.__main__ import build_services
    from kiosk.settings import load

    cfg = load(synced)
    assert build_services(cfg).catalogue._index is None  # the commands that only sync or search stay quick
    warm = build_services(cfg, warm_search=True).catalogue
    assert warm._index is not None and len(warm._index) == 68
    index = warm._index
    assert warm.search("khai sinh") and warm._index is index  # the first search uses it as it is
