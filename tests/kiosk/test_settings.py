"""config/kiosk.ini: every kiosk key declared once, documented in the shipped file, bad values named."""

import re
from pathlib import Path

import pytest

from kiosk import settings
from kiosk.settings import load as load_config
from motcua.config import ConfigError

ROOT = Path(__file__).resolve().parents[2]
INI = ROOT / "config" / "kiosk.ini"


def test_shipped_config_loads_with_the_kiosk_sections():
    cfg = load_config(INI, env={})
    assert cfg.kiosk.idle_seconds == 90
    assert cfg.printer.kind == "none"
    assert cfg.attract.texts.startswith("Giờ làm việc")


def test_every_declared_key_is_in_the_shipped_file_with_a_comment_above():
    text = INI.read_text(encoding="utf-8")
    lines = text.splitlines()
    for section in settings.SECTIONS:
        assert f"[{section.name}]" in text
        body = text.split(f"[{section.name}]", 1)[1].split("\n[", 1)[0].splitlines()
        for key in section.keys:
            idx = next((i for i, line in enumerate(body) if re.match(rf"{key.name}\s*=", line)), None)
            assert idx is not None, f"[{section.name}] {key.name} missing from config/kiosk.ini"
            above = [line for line in body[:idx] if line.strip()]
            assert above and (above[-1].startswith(";") or re.match(r"\w+\s*=", above[-1])), (
                f"[{section.name}] {key.name} has no comment"
            )
    assert lines[0].startswith(";")


def test_bad_values_name_the_section_key_and_what_is_allowed(tmp_path):
    bad = tmp_path / "kiosk.ini"
    bad.write_text("[kiosk]\nidle_seconds = soon\n[printer]\nkind = laser\n[theme]\nprimary = blue\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(bad, env={})
    message = str(err.value)
    assert "[kiosk] idle_seconds" in message and "seconds" in message
    assert "[printer] kind" in message and "usb" in message
    assert "[theme] primary" in message and "#rrggbb" in message


def test_environment_overrides_a_kiosk_key(tmp_path):
    cfg = load_config(INI, env={"MOTCUA_KIOSK_IDLE_SECONDS": "30"})
    assert cfg.kiosk.idle_seconds == 30


def test_search_limit_bounds_the_kiosk_search_and_stays_within_what_the_catalogue_answers(tmp_path):
    """[kiosk] search_limit was declared and documented but never read: every search showed 50."""
    from kiosk.__main__ import build_services

    ini = tmp_path / "kiosk.ini"
    ini.write_text("[device]\ndata_dir = var\n[kiosk]\nsearch_limit = 7\n", encoding="utf-8")
    services = build_services(load_config(ini, env={}))
    asked = []
    services.catalogue.search = lambda query, limit: asked.append(limit) or []
    services.search("khai sinh")
    assert asked == [7]
    ini.write_text("[kiosk]\nsearch_limit = 300\n", encoding="utf-8")  # the catalogue answers at most 200
    with pytest.raises(ConfigError, match=r'search_limit = "300": expected a whole number between 5 and 200'):
        load_config(ini, env={})
