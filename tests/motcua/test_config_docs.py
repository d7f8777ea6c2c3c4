"""Every declared config key, of the devices and of the server, is documented in docs/CONFIG.md, shown in
its part's example INI, and read by some code."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from motcua.config import load_config
from motcua.configdocs import render_docs, render_example, schemas

ROOT = Path(__file__).resolve().parents[2]


def declared():
    """(part, section, key) for every key a part reads: a device's common keys count for each device. A
    section written once per name ([connector:NAME]) is documented and shown under that pattern."""
    return [
        (app, f"{name}:NAME" if s.repeated else name, k.name)
        for app, schema in schemas().items()
        for name, s in schema.sections.items()
        for k in s.keys
    ]


def section_text(text: str, heading: str) -> str:
    """The lines under `heading` up to the next heading of the same kind."""
    start = text.index(heading)
    nxt = re.search(r"^\[|^#+ ", text[start + len(heading) :], re.M)
    return text[start : start + len(heading) + (nxt.start() if nxt else len(text))]


def test_every_declared_key_is_in_config_md():
    docs = (ROOT / "docs/CONFIG.md").read_text(encoding="utf-8")
    missing = []
    for _app, section, key in declared():
        # two apps may each declare a section of one name: the key must be under one of them
        blocks = [section_text(docs[m.start() :], m.group(0)) for m in re.finditer(re.escape(f"### [{section}]"), docs)]
        if not any(f"| `{key}` |" in block for block in blocks):
            missing.append(f"[{section}] {key}")
    assert not missing, f"not in docs/CONFIG.md (run: python -m motcua.config docs > docs/CONFIG.md): {missing}"


EXAMPLES = ("kiosk", "rating", "central")


def test_every_part_declares_its_schema_through_the_entry_points():
    """Installed parts name their schema in setup.py; the docs and `check --app` find them there."""
    assert set(schemas()) == set(EXAMPLES)


@pytest.mark.parametrize("app", EXAMPLES)
def test_every_key_of_an_app_is_in_its_example_ini(app):
    ini = ROOT / "config" / f"{app}.ini"
    text = ini.read_text(encoding="utf-8")
    missing = []
    header = r"^[;#]?\s*\[[^\]]+\]\s*$"  # a section's header, maybe commented out
    for owner, section, key in declared():
        if owner != app:
            continue
        m = re.search(rf"^[;#]?\s*\[{re.escape(section)}\]\s*$", text, re.M)
        body = text[m.end() :] if m else ""
        body = body[: re.search(header, body, re.M).start()] if re.search(header, body, re.M) else body
        if not m or not re.search(rf"^[;#]?\s*{re.escape(key)}\s*=", body, re.M):
            missing.append(f"[{section}] {key}")
    assert not missing, f"config/{app}.ini does not show: {missing}"
    load_config(ini, schemas()[app], env={})  # and the example itself is valid


def test_docs_and_central_ini_are_what_the_declaration_writes():
    """docs/CONFIG.md and config/central.ini are generated: a changed declaration changes them."""
    assert (ROOT / "docs/CONFIG.md").read_text(encoding="utf-8") == render_docs(), (
        "run: python -m motcua.config docs > docs/CONFIG.md"
    )
    central_ini = render_example("central", schemas()["central"])
    assert (ROOT / "config/central.ini").read_text(encoding="utf-8") == central_ini, (
        "run: python -m motcua.config example central > config/central.ini"
    )


# The packages whose code reads each owner's sections (common sections: every device's).
READERS = {
    "common": ("motcua", "kiosk", "rating", "touchui"),
    "kiosk": ("kiosk", "touchui"),
    "rating": ("rating", "touchui"),
    "central": ("central",),
}


def test_every_declared_key_is_read_somewhere():
    """A key declared (and so documented) that no code reads is a promise the software does not keep.
    Read = `.key` or "key" in the owner's code, the declarations themselves left out."""
    code = {
        owner: re.sub(
            r'\bKey\(\s*"\w+"',
            "Key(",
            "\n".join(path.read_text(encoding="utf-8") for pkg in pkgs for path in sorted((ROOT / pkg).rglob("*.py"))),
        )
        for owner, pkgs in READERS.items()
    }
    unread = sorted(
        {
            f"[{name}] {k.name} ({schema.owner[name]})"
            for schema in schemas().values()
            for name, section in schema.sections.items()
            for k in section.keys
            if not re.search(rf'\.{k.name}\b|["\']{k.name}["\']', code[schema.owner[name]])
        }
    )
    assert unread == []


def test_core_never_imports_kivy():
    code = (
        "import motcua.outbox, motcua.catalogue, motcua.config, motcua.client, motcua.store, sys;"
        "bad=[m for m in sys.modules if m.startswith('kivy')]; assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def _cells(row: str) -> list[str]:
    """The cells of a Markdown table row, split as GitHub does: on every `|` not escaped as `\\|`."""
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", row.strip())[1:-1]]


def test_the_list_separator_reaches_config_md_as_the_code_splits_it():
    """Keys holding several texts are split on `|` by the apps (kiosk/app.py, rating/settings.py): CONFIG.md
    says `|` (escaped so the table keeps its six columns), never another separator that would make one slide."""
    docs = (ROOT / "docs/CONFIG.md").read_text(encoding="utf-8")
    rows = {}
    for line in docs.splitlines():
        if line.startswith("| `"):
            cells = _cells(line)
            assert len(cells) == 6, f"row splits into {len(cells)} cells, not 6: {line}"
            rows.setdefault(cells[0].strip("`"), []).append(cells[5])
    with_pipe = [
        (s.name, k) for schema in schemas().values() for s in schema.sections.values() for k in s.keys if "|" in k.help
    ]
    assert len(with_pipe) >= 5, with_pipe  # [attract] texts and the tablet's four label keys
    for section, key in with_pipe:
        assert key.help in rows[key.name], f"[{section}] {key.name}: CONFIG.md does not say {key.help!r}"
    texts = next(c for c in rows["texts"] if "slides" in c)
    assert "separated by |" in texts and "separated by /" not in texts
