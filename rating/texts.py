"""Every sentence the tablet shows, in Vietnamese and English (the citizen's language switch)."""

from pathlib import Path

from motcua import scale, translations

# The levels' names and the standard reasons are the scale's facts (motcua.scale), shared with the server.
SCALE_LABELS = scale.SCALE_LABELS
DEFAULT_REASONS = scale.STANDARD_REASONS

# Every sentence of the tablet's screens: rating/locale/{vi,en}/LC_MESSAGES/rating.po, keys "rating.<name>"
# (kv: app.t("<name>", app.lang)); scripts/translations.py keeps rating.pot and en.po in step with vi.po.
LOCALE = Path(__file__).with_name("locale")
CATALOGS: dict[str, dict[str, str]] = translations.load(LOCALE, "rating")


def text(key: str, lang: str = "vi", **fmt) -> str:
    """The tablet's text `key` ("thanks") in `lang`, Vietnamese when it has none."""
    s = CATALOGS.get(lang, {}).get("rating." + key) or CATALOGS["vi"]["rating." + key]
    return s.format(**fmt) if fmt else s


def score_label(scale: int, score: int, lang: str = "vi", labels: dict | None = None) -> str:
    vi, en = (labels or SCALE_LABELS[scale])[score]
    return en if lang == "en" else vi
