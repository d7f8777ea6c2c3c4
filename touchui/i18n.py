"""Vietnamese/English texts with a live language switch: `i18n.t(key, i18n.lang)` in kv rebinds."""
import json
import logging

from kivy.event import EventDispatcher
from kivy.properties import OptionProperty

log = logging.getLogger(__name__)

LANGUAGES = ("vi", "en")

# The texts touchui's own widgets show.
TOUCHUI_TEXTS = {
    "vi": {
        "kb.space": "Dấu cách",
        "kb.clear": "Xoá hết",
        "kb.enter": "Tìm",
        "kb.ok": "Xong",
        "kb.shift": "Chữ hoa",
        "kb.telex": "Telex",
        "kb.mode_code": "Mã số",
        "kb.mode_text": "Chữ",
        "kb.tones": "Dấu thanh:",
        "kb.tone.sac": "sắc",
        "kb.tone.huyen": "huyền",
        "kb.tone.hoi": "hỏi",
        "kb.tone.nga": "ngã",
        "kb.tone.nang": "nặng",
        "pin.title": "Nhập mã PIN quản trị",
        "pin.wrong": "Sai mã PIN. Còn {left} lần thử.",
        "pin.locked": "Tạm khoá. Thử lại sau {seconds} giây.",
        "pin.cancel": "Huỷ",
        "pin.ok": "Đồng ý",
        "pin.clear": "Xoá",
        "topbar.back": "Quay lại",
        "lang.switch": "English",
    },
    "en": {
        "kb.space": "Space",
        "kb.clear": "Clear",
        "kb.enter": "Search",
        "kb.ok": "Done",
        "kb.shift": "Capitals",
        "kb.telex": "Telex",
        "kb.mode_code": "Code",
        "kb.mode_text": "Letters",
        "kb.tones": "Tone marks:",
        "kb.tone.sac": "acute",
        "kb.tone.huyen": "grave",
        "kb.tone.hoi": "hook",
        "kb.tone.nga": "tilde",
        "kb.tone.nang": "dot",
        "pin.title": "Enter the admin PIN",
        "pin.wrong": "Wrong PIN. {left} tries left.",
        "pin.locked": "Locked. Try again in {seconds} s.",
        "pin.cancel": "Cancel",
        "pin.ok": "OK",
        "pin.clear": "Delete",
        "topbar.back": "Back",
        "lang.switch": "Tiếng Việt",
    },
}


class Translator(EventDispatcher):
    """Catalogs per language and the current language, observable by kv.

    ``text: i18n.t("home.title", i18n.lang)`` re-evaluates when `lang` changes, because the
    rule reads ``i18n.lang``. A missing key falls back to Vietnamese, then to the key itself
    (logged once), so a gap shows up on screen instead of crashing the kiosk.
    """

    lang = OptionProperty("vi", options=list(LANGUAGES))

    def __init__(self, catalogs=None, lang="vi", **kwargs):
        super().__init__(**kwargs)
        self._catalogs = {code: {} for code in LANGUAGES}
        self._missing = set()
        if catalogs:
            self.add(catalogs)
        self.lang = lang

    def add(self, catalogs):
        """Merge ``{"vi": {...}, "en": {...}}`` into the catalogs (later additions win)."""
        for code, texts in catalogs.items():
            if code not in LANGUAGES:
                raise ValueError(f"catalog language {code!r}: expected one of {LANGUAGES}")
            if not isinstance(texts, dict):
                raise ValueError(f"catalog {code!r}: expected an object of key → text")
            self._catalogs[code].update(texts)
        # Widgets bound to `lang` re-read their texts.
        self.property("lang").dispatch(self)
        return self

    def load_json(self, path):
        """Merge a JSON catalog file shaped ``{"vi": {...}, "en": {...}}``."""
        with open(path, encoding="utf-8") as fh:
            try:
                data = json.load(fh)
            except json.JSONDecodeError as exc:
                raise ValueError(f"catalog {path}: not valid JSON ({exc})") from None
        return self.add(data)

    def t(self, key, lang=None, **values):
        """The text for `key` in `lang` (default: the current language), formatted with `values`."""
        code = lang or self.lang
        text = self._catalogs.get(code, {}).get(key)
        if text is None:
            text = self._catalogs["vi"].get(key)
            if (code, key) not in self._missing:
                self._missing.add((code, key))
                log.warning("missing text %r for language %s", key, code)
        if text is None:
            return key
        return text.format(**values) if values else text

    __call__ = t

    def has(self, key, lang=None):
        """True when `key` has a text in `lang` (default: current)."""
        return key in self._catalogs.get(lang or self.lang, {})

    def switch(self):
        """Toggle VI ↔ EN (the language button)."""
        self.lang = "en" if self.lang == "vi" else "vi"


i18n = Translator(TOUCHUI_TEXTS)


def tr(key, **values):
    """The text for `key` in the current language of the shared translator."""
    return i18n.t(key, **values)
