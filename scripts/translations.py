#!/usr/bin/env python3
"""Keep the gettext catalogues in step: vi.po is the source, the .pot and en.po follow it.

Usage: .venv/bin/python scripts/translations.py [--check]

For each catalogue below it rebuilds ``<domain>.pot`` from the keys of ``vi/LC_MESSAGES/<domain>.po``
(each entry carrying its Vietnamese text as a comment for the translator) and merges the template
into vi.po and en.po (Babel's ``Catalog.update``, as ``pybabel update`` does): a key new in vi.po
appears untranslated in en.po, a key gone from vi.po becomes obsolete (``#~``). Then translate
en.po with Poedit or any .po editor; tests/test_translations.py fails while a text is missing.
``--check`` changes nothing and exits 1 when a file is not what this script would write.
"""

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from motcua.translations import LANGUAGES, po_path, pot_path  # noqa: E402

CATALOGUES = [
    ("touchui/locale", "touchui"),
    ("kiosk/locale", "kiosk"),
    ("rating/locale", "rating"),
    ("central/locale", "dashboard"),
]


def _read(path: Path) -> Catalog:
    with open(path, "rb") as fh:
        return read_po(fh, abort_invalid=True)


def _text(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(
        out, catalog, width=100, omit_header=False, ignore_obsolete=False, include_previous=False, sort_output=False
    )
    return out.getvalue()


def template_of(vi: Catalog, domain: str) -> Catalog:
    pot = Catalog(
        domain=domain,
        project="motcua",
        version=None,
        copyright_holder="motcua",
        msgid_bugs_address="",
        header_comment=f"# motcua: the {domain} texts, template (keys; each with its Vietnamese text).",
        creation_date=vi.creation_date,
        revision_date=vi.creation_date,
        fuzzy=False,
    )
    for message in vi:
        if message.id:
            pot.add(message.id, "", auto_comments=[f"vi: {message.string}"], flags=())
    return pot


def planned(locale_dir: Path, domain: str) -> dict[Path, bytes]:
    """Every file of one catalogue as this script writes it."""
    vi = _read(po_path(locale_dir, domain, "vi"))
    pot = template_of(vi, domain)
    files = {pot_path(locale_dir, domain): _text(pot)}
    for lang in LANGUAGES:
        path = po_path(locale_dir, domain, lang)
        catalog = _read(path)
        catalog.update(pot, no_fuzzy_matching=True, update_header_comment=False, update_creation_date=True)
        if lang == "vi":  # its texts are the comments: no need to repeat them
            for message in catalog:
                message.auto_comments = []
        files[path] = _text(catalog)
    return files


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for folder, domain in CATALOGUES:
        for path, content in planned(ROOT / folder, domain).items():
            if path.exists() and path.read_bytes() == content:
                continue
            stale.append(path.relative_to(ROOT))
            if not check:
                path.write_bytes(content)
    for path in stale:
        print(("not up to date: " if check else "written: ") + str(path))
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
