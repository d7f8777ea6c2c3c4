"""Vietnamese text folding shared by devices and server: accent- and case-insensitive matching."""
import re
import unicodedata

__all__ = ["fold_vietnamese", "words", "mask_name"]

# đ/Đ have no Unicode decomposition, so NFD alone leaves them (SQLite's remove_diacritics too).
_EXTRA = str.maketrans({"đ": "d", "Đ": "d", "ð": "d"})
_WORD = re.compile(r"[0-9a-z]+")


def fold_vietnamese(text: str) -> str:
    """Lower-case, drop tone and vowel marks, fold đ→d, squeeze whitespace: "Đăng Ký" -> "dang ky"."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", str(text).translate(_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.translate(_EXTRA).lower().split())


def words(text: str) -> list[str]:
    """The folded words (letters and digits) of a text, punctuation dropped, in order."""
    return _WORD.findall(fold_vietnamese(text))


def mask_name(full_name: str) -> str:
    """A name safe for a lobby screen: family name, initials of the rest ("Nguyễn Văn An" -> "Nguyễn V. A.").

    A name of one word is never shown whole: only its initial ("Tám" -> "T.", "NGUYEN" -> "N.").
    """
    parts = (full_name or "").split()
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0][0].upper() + "."
    return " ".join([parts[0]] + [p[0].upper() + "." for p in parts[1:]])
