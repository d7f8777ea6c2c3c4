"""The on-screen keyboard's key kinds are one enum (touchui.keyboard.KeyKind), without a window:
every key of every layout has one, every kind is used, and the words keyboard.kv draws by are unchanged."""

import os

os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONFIG", "1")
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")

from touchui.keyboard import LAYOUTS, TYPING, KeyKind  # noqa: E402


def test_every_key_has_a_kind_and_every_kind_a_key():
    kinds = {kind for layout in LAYOUTS.values() for row in layout for kind, _value, _units in row}
    assert all(isinstance(kind, KeyKind) for kind in kinds)
    assert kinds == set(KeyKind)
    assert {kind for row in LAYOUTS["code"] for kind, _v, _u in row} == {
        KeyKind.CHAR,
        KeyKind.BACKSPACE,
        KeyKind.MODE,
        KeyKind.CLEAR,
        KeyKind.ENTER,
    }
    assert set(TYPING) == {KeyKind.CHAR, KeyKind.LETTER}


def test_kind_words_are_unchanged():
    assert [k.value for k in KeyKind] == [
        "char",
        "letter",
        "tone",
        "backspace",
        "space",
        "clear",
        "enter",
        "shift",
        "mode",
        "telex",
    ]
