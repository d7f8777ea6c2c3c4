"""Texts in two languages and the theme, without a window: lookups, fallbacks, bad config values."""

import os

os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONFIG", "1")
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")

import pytest  # noqa: E402

from touchui.i18n import Translator  # noqa: E402
from touchui.theme import Theme  # noqa: E402

CATALOG = {
    "vi": {"home.title": "Tra cứu thủ tục", "dossier.left": "Còn {n} ngày"},
    "en": {"home.title": "Find a procedure"},
}


def test_switching_language_changes_texts_and_notifies_kv():
    tr = Translator(CATALOG)
    seen = []
    tr.bind(lang=lambda _, lang: seen.append(lang))
    assert tr.t("home.title") == "Tra cứu thủ tục"
    tr.switch()
    assert tr.lang == "en" and seen == ["en"]
    assert tr.t("home.title") == "Find a procedure"
    # kv passes the language explicitly so the rule rebinds: t(key, lang)
    assert tr.t("home.title", "vi") == "Tra cứu thủ tục"


def test_missing_english_text_falls_back_to_vietnamese_then_to_the_key():
    tr = Translator(CATALOG, lang="en")
    assert tr.t("dossier.left", n=3) == "Còn 3 ngày"
    assert tr.t("no.such.key") == "no.such.key"


def test_adding_a_catalog_refreshes_bound_labels():
    tr = Translator(CATALOG)
    refreshed = []
    tr.bind(lang=lambda *_: refreshed.append(True))
    tr.add({"en": {"home.title": "Look up a procedure"}})
    assert refreshed and tr.t("home.title", "en") == "Look up a procedure"


def test_bad_catalogs_are_refused_with_the_reason(tmp_path):
    tr = Translator()
    with pytest.raises(ValueError, match="'fr'"):
        tr.add({"fr": {"a": "b"}})
    for lang, body in (
        ("vi", 'msgid "home.title"\nmsgstr "Tra cứu thủ tục"\n'),
        (
            "en",
            'msgid "home.title"\nmsgstr "Find a procedure"\n\n#, fuzzy\nmsgid "dossier.left"\nmsgstr "{n} days left"\n',
        ),
    ):
        po = tmp_path / lang / "LC_MESSAGES" / "app.po"
        po.parent.mkdir(parents=True)
        po.write_text(body, encoding="utf-8")
    tr.load(tmp_path, "app")
    assert tr.t("home.title", "en") == "Find a procedure"
    assert tr.t("dossier.left", "en") == "dossier.left"  # a fuzzy text is not a translation
    (tmp_path / "en" / "LC_MESSAGES" / "app.po").write_text('msgid "a"\nmsgtsr "b"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="app.po"):
        Translator().load(tmp_path, "app")


def test_theme_takes_plain_config_values():
    theme = Theme().configure({"primary": "#004080", "on_primary": "#FFFFFF", "danger": "#AA0000"}, font_scale=1.3)
    theme.configure({"primary": "#003366"})  # a second change must not call a colour
    theme.configure({"primary": "#004080"})
    assert list(theme.primary)[:3] == pytest.approx([0, 0x40 / 255, 0x80 / 255])
    assert theme.font_scale == 1.3
    assert theme.sp_scaled(10) == pytest.approx(Theme().sp_scaled(10) * 1.3)


@pytest.mark.parametrize(
    "colours, scale, message",
    [
        ({"primary": "blue"}, None, "'primary'"),
        ({"primray": "#000000"}, None, "unknown theme colour 'primray'"),
        ({"text": "#12345G"}, None, "'text'"),
        (None, 5, "font_scale"),
    ],
)
def test_theme_rejects_bad_values_naming_them(colours, scale, message):
    with pytest.raises(ValueError, match=message):
        Theme().configure(colours, font_scale=scale)


def test_every_font_scale_the_config_check_accepts_the_theme_accepts():
    from motcua.settings import DISPLAY

    key = {k.name: k for k in DISPLAY.keys}["font_scale"]
    for value in (key.min, 1.0, 1.3, key.max):
        Theme().configure(font_scale=value)
    with pytest.raises(ValueError):
        Theme().configure(font_scale=key.max + 0.5)
