"""Vietnamese/English texts with a live language switch: `i18n.t(key, i18n.lang)` in kv rebinds."""

import logging
from pathlib import Path

from kivy.event import EventDispatcher
from kivy.properties import OptionProperty

from motcua import translations

log = logging.getLogger(__name__)

LANGUAGES = translations.LANGUAGES

# The texts touchui's own widgets show: touchui/locale/{vi,en}/LC_MESSAGES/touchui.po.
LOCALE = Path(__file__).with_name("locale")


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

    def load(self, locale_dir, domain):
        """Merge a domain's gettext catalogues (``<locale_dir>/<lang>/LC_MESSAGES/<domain>.po``)."""
        return self.add(translations.load(locale_dir, domain))

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


i18n = Translator().load(LOCALE, "touchui")


def tr(key, **values):
    """The text for `key` in the current language of the shared translator."""
    return i18n.t(key, **values)
