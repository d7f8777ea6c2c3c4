"""Config loading: typed keys, errors that name file/section/key/value, env overrides, secrets."""

import logging
import os

import pytest

from motcua.config import ConfigError, Key, Schema, Section, load_config
from motcua.pin import check_pin, hash_pin
from motcua.settings import COMMON_SECTIONS, check_admin_pin

APP = Section(
    "kiosk",
    "Lobby kiosk.",
    [
        Key("idle_seconds", "seconds", 60, "Back to home after no touch.", min=10, max=3600),
        Key("accent", "colour", "#005baa", "Accent colour."),
        Key("fields", "list", [], "Fields shown first."),
        Key("columns", "int", 3, "Columns.", min=1, max=6),
        Key("theme", "choice", "light", "Theme.", choices=("light", "dark")),
        Key("logo", "path", None, "Logo file."),
    ],
)


def schema():
    s = Schema(COMMON_SECTIONS)
    s.add_section(APP, owner="kiosk")
    return s


def write(tmp_path, text, name="kiosk.ini"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_types_and_relative_paths(tmp_path):
    path = write(
        tmp_path,
        "[kiosk]\nidle_seconds = 2m\naccent = #AABBCC\nfields = Hộ tịch, Chứng thực ,\n"
        "logo = assets/logo.png\n[display]\nfullscreen = no\nfont_scale = 1.3\n",
    )
    cfg = load_config(path, schema=schema(), env={})
    assert cfg.kiosk.idle_seconds == 120
    assert cfg.kiosk.accent == "#aabbcc"
    assert cfg.kiosk.fields == ["Hộ tịch", "Chứng thực"]
    assert cfg.kiosk.logo == tmp_path / "assets/logo.png"
    assert cfg.display.fullscreen is False and cfg.display.font_scale == 1.3
    assert cfg.server.url == "http://127.0.0.1:8000" and cfg.server.timeout_seconds == 5
    assert cfg.device.data_dir == tmp_path / "../var"
    assert cfg["kiosk"]["columns"] == 3


def test_bad_value_names_file_section_key_value_and_what_is_allowed(tmp_path):
    path = write(tmp_path, "[kiosk]\nidle_seconds = abc\ncolumns = 9\n")
    with pytest.raises(ConfigError) as err:
        load_config(path, schema=schema(), env={})
    msg = str(err.value)
    assert f'{path} [kiosk] idle_seconds = "abc": expected a number of seconds between 10 and 3600' in msg
    assert f'{path} [kiosk] columns = "9": expected a whole number between 1 and 6' in msg
    assert len(err.value.errors) == 2


@pytest.mark.parametrize(
    "line, expected",
    [
        ("[display]\nfullscreen = maybe", "expected yes or no"),
        ("[device]\nlanguage = fr", "expected one of vi, en"),
        ("[server]\nurl = ftp://x", "expected an http:// or https:// address"),
        ("[kiosk]\naccent = red", "expected a colour as #rrggbb"),
        ("[admin]\npin = 12ab", "expected 4 to 8 digits"),
        ("[display]\nfont_scale = 9", "expected a number between 0.8 and 2"),
        ("[display]\nfont_scale = 2.5", "expected a number between 0.8 and 2"),
    ],
)
def test_each_type_rejects_bad_values(tmp_path, line, expected):
    with pytest.raises(ConfigError, match=expected):
        load_config(write(tmp_path, line + "\n"), schema=schema(), env={})


def test_unknown_key_and_section_are_errors_with_suggestion(tmp_path):
    path = write(tmp_path, "[server]\nulr = http://x\n[kiosks]\nidle_seconds = 30\n")
    with pytest.raises(ConfigError) as err:
        load_config(path, schema=schema(), env={})
    msg = str(err.value)
    assert f'{path} [server] ulr: unknown key; did you mean "url"?' in msg
    assert f'{path} [kiosks]: unknown section; did you mean "kiosk"?' in msg


def test_environment_overrides_file(tmp_path):
    path = write(tmp_path, "[server]\nurl = http://a.example:8000\n")
    env = {"MOTCUA_SERVER_URL": "http://b.example:9000/", "MOTCUA_KIOSK_IDLE_SECONDS": "45"}
    cfg = load_config(path, schema=schema(), env=env)
    assert cfg.server.url == "http://b.example:9000" and cfg.kiosk.idle_seconds == 45
    with pytest.raises(ConfigError, match=r"environment MOTCUA_KIOSK_COLUMNS \(\[kiosk\] columns\) = \"x\""):
        load_config(path, schema=schema(), env={"MOTCUA_KIOSK_COLUMNS": "x"})


def test_missing_file_and_duplicate_key_are_clear_errors(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.ini", schema=schema(), env={})
    with pytest.raises(ConfigError, match=r"line 3: \[server\] url appears twice"):
        load_config(write(tmp_path, "[server]\nurl = http://a\nurl = http://b\n"), schema=schema(), env={})


def test_token_is_read_from_its_file_and_never_shown(tmp_path, caplog):
    token = "s3cr3t-device-token-value"
    tok = tmp_path / "device.token"
    tok.write_text(token + "\n")
    os.chmod(tok, 0o644)
    with caplog.at_level(logging.WARNING):
        cfg = load_config(write(tmp_path, "[server]\ntoken_file = device.token\n"), schema=schema(), env={})
    assert cfg.server.token == token
    assert "readable by other users" in caplog.text and token not in caplog.text
    assert token not in repr(cfg) and token not in repr(cfg.server)
    assert "token" not in cfg.server.as_dict()
    os.chmod(tok, 0o600)
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        load_config(tmp_path / "kiosk.ini", schema=schema(), env={})
    assert "readable" not in caplog.text


def test_duplicate_declaration_is_refused():
    s = schema()
    with pytest.raises(ValueError, match="declared twice"):
        s.add_section(Section("server", "", [Key("url", "url")]))
    s.add_section(Section("server", "", [Key("proxy", "url")]))
    assert s.sections["server"].key("proxy") is not None


def test_admin_pin_hash_wins_over_plain_pin(tmp_path):
    h = hash_pin("2468", iterations=1000)
    assert check_pin("2468", h) and not check_pin("1357", h) and not check_pin("2468", "garbage")
    cfg = load_config(write(tmp_path, f"[admin]\npin = 1111\npin_hash = {h}\n"), schema=schema(), env={})
    assert check_admin_pin(cfg, "2468") and not check_admin_pin(cfg, "1111")
    cfg = load_config(write(tmp_path, "[admin]\npin = 1111\n"), schema=schema(), env={})
    assert check_admin_pin(cfg, "1111") and not check_admin_pin(cfg, "2468")
    cfg = load_config(write(tmp_path, "[admin]\n"), schema=schema(), env={})
    assert not check_admin_pin(cfg, "")


def test_a_section_may_name_its_own_environment_prefix_retire_keys_and_load_without_a_file(tmp_path, caplog):
    """One loader for every part: the server's [server] keeps MOTCUA_<KEY> and warns on retired keys."""
    server = Section(
        "server",
        "Server.",
        [Key("max_in_flight", "int", 128, "Limit.", min=0)],
        env_prefix="MOTCUA_",
        retired={"timezone_offset_hours": "remove the line"},
    )
    central = Schema([server], owner="central")
    assert server.env_name("max_in_flight") == "MOTCUA_MAX_IN_FLIGHT"
    assert load_config(None, central, env={"MOTCUA_MAX_IN_FLIGHT": "3"}).server.max_in_flight == 3
    assert load_config(None, central, env={"MOTCUA_SERVER_MAX_IN_FLIGHT": "3"}).server.max_in_flight == 128
    with caplog.at_level(logging.WARNING):
        cfg = load_config(write(tmp_path, "[server]\ntimezone_offset_hours = 7\n", "central.ini"), central, env={})
    assert cfg.server.max_in_flight == 128 and "timezone_offset_hours" not in cfg.server
    assert "[server] timezone_offset_hours is no longer read: remove the line" in caplog.text
    with pytest.raises(ConfigError, match=r'environment MOTCUA_MAX_IN_FLIGHT \(\[server\] max_in_flight\) = "-1"'):
        load_config(None, central, env={"MOTCUA_MAX_IN_FLIGHT": "-1"})
