"""Every string a citizen sees on the kiosk, in Vietnamese (default) and English.

The texts are in kiosk/locale/{vi,en}/LC_MESSAGES/kiosk.po (gettext; a msgid is a key such as
"dossier.timeliness"); scripts/translations.py keeps kiosk.pot and en.po in step with vi.po.
"""

from pathlib import Path

from motcua import translations

LOCALE = Path(__file__).with_name("locale")
CATALOGS: dict[str, dict[str, str]] = translations.load(LOCALE, "kiosk")


def tr(key: str, lang: str = "vi", **fmt) -> str:
    """The string for `key` in `lang` (Vietnamese when missing), formatted with `fmt`."""
    text = CATALOGS.get(lang, {}).get(key) or CATALOGS["vi"].get(key)
    if text is None:
        raise KeyError(f"no kiosk string named {key!r}")
    return text.format(**fmt) if fmt else text
