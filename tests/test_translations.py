"""The gettext catalogues: every text in both languages, every key the code uses in its catalogue.

A msgid is a key ("dossier.timeliness"); vi.po and en.po give its text (motcua/translations.py).
"""

import re
import string
import subprocess
import sys
from pathlib import Path

import pytest

from motcua import translations

ROOT = Path(__file__).resolve().parents[1]
CATALOGUES = {
    "touchui": ROOT / "touchui/locale",
    "kiosk": ROOT / "kiosk/locale",
    "rating": ROOT / "rating/locale",
    "dashboard": ROOT / "central/locale",
}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def catalogue_problems(locale_dir: Path, domain: str) -> list[str]:
    """Keys of the template without a text (or with a fuzzy one) in vi or en, keys only one file
    has, and texts whose {placeholders} differ between the languages."""
    from babel.messages.pofile import read_po

    with open(translations.pot_path(locale_dir, domain), "rb") as fh:
        keys = [m.id for m in read_po(fh) if m.id]
    problems = []
    texts = {}
    for lang in translations.LANGUAGES:
        with open(translations.po_path(locale_dir, domain, lang), "rb") as fh:
            catalog = read_po(fh)
        texts[lang] = translations.read(translations.po_path(locale_dir, domain, lang))
        problems += [f"{domain} {lang}: no text for {key}" for key in keys if not texts[lang].get(key, "").strip()]
        problems += [f"{domain} {lang}: {m.id} is not in {domain}.pot" for m in catalog if m.id and m.id not in keys]
    problems += [
        f"{domain}: {key} has placeholders {_fields(texts['vi'][key])} in vi, {_fields(texts['en'][key])} in en"
        for key in keys
        if key in texts["vi"] and key in texts["en"] and _fields(texts["vi"][key]) != _fields(texts["en"][key])
    ]
    return problems


@pytest.mark.parametrize("domain", sorted(CATALOGUES))
def test_every_message_has_a_vietnamese_and_an_english_text(domain):
    assert catalogue_problems(CATALOGUES[domain], domain) == []


def test_a_missing_or_fuzzy_english_text_is_reported(tmp_path):
    (tmp_path / "vi/LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "en/LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "app.pot").write_text('msgid "a"\nmsgstr ""\n\nmsgid "b"\nmsgstr ""\n\nmsgid "c"\nmsgstr ""\n')
    (tmp_path / "vi/LC_MESSAGES/app.po").write_text(
        'msgid "a"\nmsgstr "Một"\n\nmsgid "b"\nmsgstr "Hai {n}"\n\nmsgid "c"\nmsgstr "Ba"\n', encoding="utf-8"
    )
    (tmp_path / "en/LC_MESSAGES/app.po").write_text(
        'msgid "a"\nmsgstr ""\n\nmsgid "b"\nmsgstr "Two"\n\n#, fuzzy\nmsgid "c"\nmsgstr "Three"\n'
    )
    assert catalogue_problems(tmp_path, "app") == [
        "app en: no text for a",
        "app en: no text for c",
        "app: b has placeholders {'n'} in vi, set() in en",
    ]


def test_templates_are_up_to_date_with_the_vietnamese_catalogues():
    """scripts/translations.py --check: each .pot has vi.po's keys, and the .po files are merged."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts/translations.py"), "--check"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


# -- every key the code uses ---------------------------------------------------------------------
KEY = r"""["']([a-z0-9_]+(?:\.[a-z0-9_]+)+)["']"""
# kv and Python of the apps: i18n.t("home.title"...), tr("..."), t("...") (the kiosk's detail screen)
APP_CALL = re.compile(r"(?:\bi18n\.t|\btr|\bt)\(\s*" + KEY)
# the tablet's own shorthand: t("counter") (rating.screens.base.t), texts.text("not_saved")
RATING_CALL = re.compile(r"""(?:\bt|\btext)\(\s*["']([a-z_]+)["']""")
# keys given as values: enter_text_key: "kb.ok", key = "detail.printed", {"full": "detail.online_full"}
KEY_VALUE = re.compile(r"""(?:_key\s*[:=]\s*|\bkey\s*=\s*|:\s*)""" + KEY)
DASHBOARD_CALL = re.compile(r"\b(?:t|text|texts)\(\s*" + KEY)
# the texts the server's checks name for the dashboard (central.errors.BadInput's key, a field's label)
PROBLEM_KEY = re.compile(r"""["']((?:problem|label)\.[a-z0-9_]+)["']""")


def _sources(*patterns):
    for pattern in patterns:
        for path in sorted(ROOT.glob(pattern)):
            yield path, path.read_text(encoding="utf-8")


def _all_keys(*domains) -> set[str]:
    keys = set()
    for domain in domains:
        for lang in translations.LANGUAGES:
            keys |= set(translations.read(translations.po_path(CATALOGUES[domain], domain, lang)))
    return keys


def used_keys(package: str) -> dict[str, set[str]]:
    """{key: files using it} for one package's code, kv files and templates."""
    found: dict[str, set[str]] = {}

    def add(key, path):
        found.setdefault(key, set()).add(str(path.relative_to(ROOT)))

    if package == "dashboard":
        for path, text in _sources("central/templates/*.html", "central/dashboard/*.py"):
            for key in DASHBOARD_CALL.findall(text):
                add(key, path)
        for path, text in _sources("central/*.py", "central/api/*.py"):
            for key in PROBLEM_KEY.findall(text):
                add(key, path)
        return found
    for path, text in _sources(f"{package}/**/*.py", f"{package}/**/*.kv"):
        if path.name in ("i18n.py", "texts.py"):
            continue
        for key in APP_CALL.findall(text) + KEY_VALUE.findall(text):
            if not key.endswith((".kv", ".py", ".ini", ".png", ".json", ".db")) and "." in key:
                add(key, path)
        if package == "rating":
            for name in RATING_CALL.findall(text):
                add(f"rating.{name}", path)
    return found


# Keys built at run time from a value, each written out here.
DYNAMIC = {
    "kiosk": [f"status.{n}" for n in range(1, 11)]
    + [f"next.{n}" for n in range(1, 11)]
    + [f"level.{v}" for v in ("commune", "province", "ministry")]
    + [f"channel.{v}" for v in ("direct", "online", "postal")]
    + [f"dossier.{v}" for v in ("on_time", "late", "in_time", "not_judged")],
    "touchui": [f"kb.tone.{v}" for v in ("sac", "huyen", "hoi", "nga", "nang")],
    "rating": [],
    "dashboard": [],
}
SEEN_BY = {
    "kiosk": ("kiosk", "touchui"),
    "rating": ("rating", "touchui"),
    "touchui": ("touchui",),
    "dashboard": ("dashboard",),
}


@pytest.mark.parametrize("package", sorted(SEEN_BY))
def test_every_key_used_in_code_kv_and_templates_is_in_the_catalogue(package):
    from rating.flow import Notice

    DYNAMIC["rating"] = [f"rating.{n.value}" for n in Notice]
    used = used_keys(package)
    assert len(used) > 10, f"the scan of {package} found almost no keys: {sorted(used)}"
    known = _all_keys(*SEEN_BY[package])
    missing = {key: sorted(files) for key, files in used.items() if key not in known}
    missing.update({key: ["(built at run time)"] for key in DYNAMIC[package] if key not in known})
    assert missing == {}


def test_the_key_scan_finds_a_key_missing_from_the_catalogue():
    text = 'Label:\n    text: i18n.t("home.no_such_text", i18n.lang)\n'
    assert APP_CALL.findall(text) == ["home.no_such_text"]
    assert "home.no_such_text" not in _all_keys("kiosk", "touchui")
    assert DASHBOARD_CALL.findall('<h1>{{ t("overview.no_such_text") }}</h1>') == ["overview.no_such_text"]
    assert DASHBOARD_CALL.findall('flash(*texts("staff.no_such_text", id=1))') == ["staff.no_such_text"]
    assert PROBLEM_KEY.findall('BadInput("pin", "the PIN...", "problem.no_such_text")') == ["problem.no_such_text"]
    assert RATING_CALL.findall('self.line = t("no_such_text", counter=2)') == ["no_such_text"]
