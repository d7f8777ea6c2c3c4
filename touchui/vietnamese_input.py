"""Kivy-free composing of Vietnamese text for the on-screen keyboard: tone keys and Telex typing."""

import unicodedata

from bogo import accent as _accent
from bogo import core as _bogo
from bogo import utils as _utils

# Tone keys of the keyboard, in the order Vietnamese teachers list them.
TONES = ("sac", "huyen", "hoi", "nga", "nang")
_TONE_ACCENT = {
    "sac": _accent.Accent.ACUTE,
    "huyen": _accent.Accent.GRAVE,
    "hoi": _accent.Accent.HOOK,
    "nga": _accent.Accent.TIDLE,
    "nang": _accent.Accent.DOT,
    "none": _accent.Accent.NONE,
}
# The tone mark shown on each key, on a sample vowel so an elderly reader recognises it.
TONE_SAMPLES = {"sac": "á", "huyen": "à", "hoi": "ả", "nga": "ã", "nang": "ạ"}

# Letters with a shape mark, one key each on the keyboard's diacritic row.
DIACRITIC_LETTERS = ("ă", "â", "đ", "ê", "ô", "ơ", "ư")

# Telex without the "[ ]" shorthands: a citizen typing a bracket means a bracket.
_TELEX = _bogo.get_telex_definition(w_shorthand=True, brackets_shorthand=False)
_TELEX_KEYS = frozenset(_bogo._accepted_chars(_TELEX))

# What a dossier code may contain: `000.00.31.H29-251103-0007`.
CODE_CHARACTERS = frozenset("0123456789.-ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def nfc(text):
    """Return `text` in Unicode NFC: what the keyboard always writes, whatever came in."""
    return unicodedata.normalize("NFC", text)


def is_word_char(char):
    """True for a character that belongs to a word a tone can be put on (letters only)."""
    return char.isalpha()


def word_start(text, cursor):
    """Index where the word ending at `cursor` starts (== cursor when no word is there)."""
    start = cursor
    while start > 0 and is_word_char(text[start - 1]):
        start -= 1
    return start


def tone_of(word):
    """Name of the tone carried by `word` (one of TONES), or "none"."""
    found = _accent.get_accent_string(nfc(word))
    for name, value in _TONE_ACCENT.items():
        if value == found:
            return name
    return "none"


def apply_tone(word, tone):
    """Put `tone` on `word` following Vietnamese orthography: ``apply_tone("a", "sac") == "á"``.

    The vowel that takes the mark is chosen as the rules say (ê and ơ first, "qu"/"gi" are
    consonants, "hòa" in the traditional style). Any tone already there is replaced; the
    tone "none" removes it. A word without a vowel is returned unchanged.
    """
    if tone not in _TONE_ACCENT:
        raise ValueError(f"unknown tone {tone!r}: expected one of {TONES + ('none',)}")
    word = nfc(word)
    if not word:
        return word
    head, vowel, tail = _utils.separate(word)
    if not vowel:
        # "gi" alone: bogo keeps the i in the consonant; the i takes the tone (gì, gỉ).
        if head.lower() == "gi":
            return nfc(head[0] + _accent.add_accent_char(head[1], _TONE_ACCENT[tone]) + tail)
        return word
    plain = _accent.remove_accent_string(vowel).lower()
    if plain == "uye" and tail:
        # "nguyen" typed without its circumflex still means nguyễn: the mark sits on the e.
        bare = _accent.remove_accent_string(vowel)
        marked = bare[:2] + _accent.add_accent_char(bare[2], _TONE_ACCENT[tone])
        return nfc(head + marked + tail)
    return nfc("".join(_accent.add_accent([head, vowel, tail], _TONE_ACCENT[tone])))


def toggle_tone(word, tone):
    """Tone key behaviour: put `tone` on `word`, or take it off when the word already has it."""
    if tone != "none" and tone_of(word) == tone:
        return apply_tone(word, "none")
    return apply_tone(word, tone)


def tone_last_word(text, cursor, tone):
    """Apply a tone key to the word just before `cursor`; return the new ``(text, cursor)``.

    The text is unchanged when no word with a vowel ends at the cursor.
    """
    start = word_start(text, cursor)
    word = text[start:cursor]
    new_word = toggle_tone(word, tone)
    new_text = nfc(text[:start] + new_word + text[cursor:])
    return new_text, start + len(new_word)


def insert_at(text, cursor, chars):
    """Insert `chars` at `cursor`; return ``(text, cursor)``."""
    return text[:cursor] + chars + text[cursor:], cursor + len(chars)


def delete_before(text, cursor):
    """Backspace: remove the character before `cursor`; return ``(text, cursor)``."""
    if cursor <= 0:
        return text, 0
    return text[: cursor - 1] + text[cursor:], cursor - 1


def normalise_code(raw):
    """A dossier code as typed or scanned, trimmed and upper-cased (how lookups expect it)."""
    return nfc(raw).strip().upper()


class TelexComposer:
    """Turns letters typed one by one into Vietnamese the Telex way, on a ``(text, cursor)`` pair.

    ``ddawng kys`` gives ``đăng ký``. Words that do not look Vietnamese stay as typed
    (``hello``), and typing a mark key twice undoes it (``ass`` → ``as``), as in every
    Vietnamese input method. The composer remembers the keys of the word being typed; if
    the text around the cursor changed behind its back, it starts afresh from what is there.
    """

    def __init__(self):
        self._raw = ""
        self._composed = ""

    def reset(self):
        """Forget the word being composed (after a space, a move of the cursor, a clear)."""
        self._raw = ""
        self._composed = ""

    def type(self, text, cursor, key):
        """Type one key at `cursor`; return the new ``(text, cursor)``."""
        if len(key) != 1 or key not in _TELEX_KEYS:
            self.reset()
            return insert_at(text, cursor, key)
        start = word_start(text, cursor)
        word = text[start:cursor]
        if word != self._composed:
            self._raw = word
        composed, raw = _bogo.process_key(word, key, fallback_sequence=self._raw, rules=_TELEX)
        composed = nfc(composed)
        self._composed, self._raw = composed, raw
        return nfc(text[:start] + composed + text[cursor:]), start + len(composed)

    def backspace(self, text, cursor):
        """Delete the character before `cursor`, keeping the Telex keys of the word in step."""
        start = word_start(text, cursor)
        word = text[start:cursor]
        if word and word == self._composed and self._raw:
            composed, raw = _bogo.handle_backspace(word, self._raw)
            self._composed, self._raw = nfc(composed), raw
        else:
            self.reset()
        return delete_before(text, cursor)


def type_telex(keys):
    """Compose a whole key sequence (a convenience for tests and for the scanner-free paths)."""
    composer = TelexComposer()
    text, cursor = "", 0
    for key in keys:
        text, cursor = composer.type(text, cursor, key)
    return text
