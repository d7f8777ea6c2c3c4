"""Every declared config key is documented in docs/CONFIG.md and shown in its app's example INI."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

from motcua.config import load_config
from motcua.configdocs import app_schemas
from motcua.settings import COMMON_SECTIONS

ROOT = Path(__file__).resolve().parents[2]


def declared():
    """(app, section, key) for every key: common keys count for every app."""
    rows = [(None, s.name, k.name) for s in COMMON_SECTIONS for k in s.keys]
    for app, schema in app_schemas().items():
        rows += [(app, name, k.name) for name, s in schema.sections.items() for k in s.keys]
    return rows


def section_text(text: str, heading: str) -> str:
    """The lines under `heading` up to the next heading of the same kind."""
    start = text.index(heading)
    nxt = re.search(r"^\[|^#+ ", text[start + len(heading):], re.M)
    return text[start: start + len(heading) + (nxt.start() if nxt else len(text))]


def test_every_declared_key_is_in_config_md():
    docs = (ROOT / "docs/CONFIG.md").read_text(encoding="utf-8")
    missing = []
    for _app, section, key in declared():
        # two apps may each declare a section of one name: the key must be under one of them
        blocks = [section_text(docs[m.start():], m.group(0)) for m in re.finditer(re.escape(f"### [{section}]"), docs)]
        if not any(f"| `{key}` |" in block for block in blocks):
            missing.append(f"[{section}] {key}")
    assert not missing, f"not in docs/CONFIG.md (run: python -m motcua.config docs > docs/CONFIG.md): {missing}"


# Only the example files that exist are checked (the app engineers write them).
EXAMPLES = [app for app in ("kiosk", "rating") if (ROOT / "config" / f"{app}.ini").exists()]


@pytest.mark.parametrize("app", EXAMPLES)
def test_every_key_of_an_app_is_in_its_example_ini(app):
    ini = ROOT / "config" / f"{app}.ini"
    text = ini.read_text(encoding="utf-8")
    missing = []
    for owner, section, key in declared():
        if owner not in (None, app):
            continue
        m = re.search(rf"^[;#]?\s*\[{re.escape(section)}\]\s*$", text, re.M)
        body = text[m.end():] if m else ""
        body = body[: re.search(r"^[;#]?\s*\[", body, re.M).start()] if re.search(r"^[;#]?\s*\[", body, re.M) else body
        if not m or not re.search(rf"^[;#]?\s*{re.escape(key)}\s*=", body, re.M):
            missing.append(f"[{section}] {key}")
    assert not missing, f"config/{app}.ini does not show: {missing}"
    load_config(ini, app=app, env={})  # and the example itself is valid


def test_core_never_imports_kivy():
    code = ("import motcua.outbox, motcua.catalogue, motcua.config, motcua.client, motcua.store, sys;"
            "bad=[m for m in sys.modules if m.startswith('kivy')]; assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
