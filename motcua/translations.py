"""Texts in gettext catalogues: one reader for the kiosk, the tablet, touchui and the dashboard.

Each package keeps its texts in ``<package>/locale/<lang>/LC_MESSAGES/<domain>.po`` (vi and en)
with a template ``<package>/locale/<domain>.pot``; ``scripts/translations.py`` rebuilds the
template from vi.po and merges it into both catalogues. A msgid is a stable key ("nav.back"), the
msgstr its text in that language, so a reworded Vietnamese sentence keeps its English and one
Vietnamese word can have two English texts. The .po files are read as they are at run time (with
Babel), so there is no compile step and no .mo that can fall behind its .po.
"""

from pathlib import Path

from babel.messages.pofile import PoFileError, read_po

LANGUAGES = ("vi", "en")


def po_path(locale_dir, domain: str, lang: str) -> Path:
    return Path(locale_dir) / lang / "LC_MESSAGES" / f"{domain}.po"


def pot_path(locale_dir, domain: str) -> Path:
    return Path(locale_dir) / f"{domain}.pot"


def read(path) -> dict[str, str]:
    """{msgid: msgstr} of one .po file; untranslated and fuzzy entries are left out."""
    with open(path, "rb") as fh:
        try:
            catalog = read_po(fh, abort_invalid=True)
        except (PoFileError, UnicodeDecodeError) as exc:
            raise ValueError(f"catalogue {path}: {exc}") from None
    return {m.id: m.string for m in catalog if m.id and isinstance(m.id, str) and m.string and not m.fuzzy}


def load(locale_dir, domain: str) -> dict[str, dict[str, str]]:
    """{"vi": {key: text}, "en": {key: text}}: a domain's catalogues, as touchui's Translator takes them."""
    return {lang: read(po_path(locale_dir, domain, lang)) for lang in LANGUAGES}
