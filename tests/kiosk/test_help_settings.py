"""[help]: the office facts the kiosk's help screen shows (opening hours, address, hotline)."""

import pytest

from kiosk.settings import load
from motcua.config import ConfigError

BASE = "[server]\nurl = http://127.0.0.1:8000\n[device]\noffice_code = XA-PHUOCLONG\n"


def test_the_shipped_config_and_the_demo_name_the_office(tmp_path):
    from pathlib import Path

    from central.demo.__main__ import DEMO_HELP

    shipped = load(Path(__file__).resolve().parents[2] / "config" / "kiosk.ini")
    assert "thứ Hai đến thứ Sáu" in shipped.help.opening_hours and shipped.help.hotline
    ini = tmp_path / "kiosk.ini"
    ini.write_text(BASE + DEMO_HELP, encoding="utf-8")
    demo = load(ini)
    assert demo.help.opening_hours.count("|") == 1 and demo.help.address and demo.help.hotline == "0291 3 870 123"


def test_a_hotline_that_is_not_a_phone_number_is_refused_by_name(tmp_path):
    ini = tmp_path / "kiosk.ini"
    ini.write_text(BASE + "[help]\nhotline = call us\n", encoding="utf-8")
    with pytest.raises(ConfigError) as problem:
        load(ini)
    assert "[help] hotline" in str(problem.value) and "phone number" in str(problem.value)


def test_empty_help_keys_are_allowed(tmp_path):
    ini = tmp_path / "kiosk.ini"
    ini.write_text(BASE, encoding="utf-8")
    cfg = load(ini)
    assert cfg.help.opening_hours == cfg.help.address == cfg.help.hotline == ""
