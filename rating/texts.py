"""Every sentence the tablet shows, in Vietnamese and English (the citizen's language switch)."""
from pathlib import Path

from motcua import translations

# score labels per scale, best first in the UI; keys are scores (higher is better)
SCALE_LABELS = {
    3: {3: ("Rất hài lòng", "Very satisfied"), 2: ("Hài lòng", "Satisfied"),
        1: ("Không hài lòng", "Not satisfied")},
    4: {4: ("Rất hài lòng", "Very satisfied"), 3: ("Hài lòng", "Satisfied"),
        2: ("Chưa hài lòng", "Not quite satisfied"), 1: ("Không hài lòng", "Not satisfied")},
    5: {5: ("Rất hài lòng", "Very satisfied"), 4: ("Hài lòng", "Satisfied"),
        3: ("Bình thường", "Neutral"), 2: ("Chưa hài lòng", "Not quite satisfied"),
        1: ("Không hài lòng", "Not satisfied")},
}

DEFAULT_REASONS = {
    "thai_do": ("Thái độ chưa tốt", "Unfriendly attitude"),
    "cho_lau": ("Phải chờ lâu", "Long waiting time"),
    "huong_dan": ("Hướng dẫn chưa rõ", "Unclear guidance"),
    "giay_to_ngoai_quy_dinh": ("Yêu cầu giấy tờ ngoài quy định", "Asked for papers not required"),
}

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
