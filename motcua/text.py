"""Vietnamese text folding shared by devices and server: accent- and case-insensitive matching."""

import functools
import re
import unicodedata

__all__ = [
    "fold_vietnamese",
    "words",
    "sort_key",
    "mask_name",
    "hide_phones",
    "same_phone",
    "HIDDEN_PHONE",
    "states_amount",
    "money",
    "fee_words",
]

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


@functools.lru_cache(maxsize=1)
def _collator():
    import icu  # PyICU (setup.py): imported on first use, so a tablet that never sorts does not need it

    return icu.Collator.createInstance(icu.Locale("vi_VN"))


def sort_key(text) -> bytes:
    """The key that puts texts in Vietnamese alphabetical order (ICU's Vietnamese collation, CLDR): a ă â
    b c d đ e ê g ... o ô ơ ... u ư v x y, then tones (none, huyền, hỏi, ngã, sắc, nặng), then case:
    "Bùi" < "Đặng" < "Huỳnh", where code-point order would put every "Đ" after "Z". The one sort
    order of every list a person reads (dashboard tables, the kiosk's fields and procedures)."""
    return _collator().getSortKey("" if text is None else str(text))


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


# Phone numbers a citizen types into free text. Vietnamese numbers: 0 + 9 digits (mobile), 0 + 10
# digits when the next is 2 (landline) or 1 (old mobile), the same after +84 / 84 (with or without a
# "(0)"). Digits may be grouped by spaces, dots, dashes or brackets ("(090) 123 4567", "090.123.4567"),
# an O typed for a zero ("09O1234567"), full-width digits. Digits run on straight after the number
# (an ID number typed whole) are hidden with it.
_SEP = r"[\s.\-()]{0,3}"
_DIGIT = r"(?:\d|[Oo](?![^\W\d_]))"  # a digit, or the letter O typed for a zero (not inside a word)
_PHONE = re.compile(
    r"(?<!\d)(?:"
    rf"\(?(?:\+\s?)?84\)?(?:{_SEP}[0Oo](?=[\s.\-()]{{0,3}}[1-9]))?"  # +84, (+84), 84, optionally (0)
    r"|\(?(?:0|(?<![^\W\d_])[Oo])"  # 0, (0, or an O typed for it (not inside a word)
    rf")(?:{_SEP}[12](?:{_SEP}{_DIGIT}){{9}}|(?:{_SEP}{_DIGIT}){{9}})\d*"
)
HIDDEN_PHONE = "[số điện thoại đã ẩn]"
# Full-width digits, plus and brackets (an East Asian keyboard) read as ASCII, one character for one.
_ASCII = str.maketrans({chr(0xFF10 + n): str(n) for n in range(10)} | {"＋": "+", "（": "(", "）": ")"})


def _phone_key(found: str) -> str:
    """The national digits of a phone number as typed: "+84 90 123 4567" -> "901234567"."""
    found = found.translate(_ASCII)
    digits = "".join(str(int(c)) if c.isdigit() else "0" for c in found if c.isdigit() or c in "Oo")
    if found.lstrip("( ").startswith(("+", "84")):
        digits = digits[2:]
    return digits.lstrip("0")


def same_phone(a: str | None, b: str | None) -> bool:
    """Whether two ways of writing a phone number are the same number ("+84 90..." == "090...")."""
    return bool(a and b) and _phone_key(a) == _phone_key(b)


def hide_phones(text: str | None, keep: str | None = None) -> str | None:
    """Free text as lists, reports and exports show it: phone numbers typed into it are hidden.

    `keep`: a number left as typed (the call-back list shows the number the citizen left for it).
    """
    if not text:
        return text
    out, done = [], 0
    for found in _PHONE.finditer(text.translate(_ASCII)):  # same length: the spans hold in `text`
        typed = text[found.start() : found.end()]
        out += [text[done : found.start()], typed if keep and same_phone(typed, keep) else HIDDEN_PHONE]
        done = found.end()
    return "".join(out) + text[done:]


def money(amount, lang: str = "vi") -> str:
    """The one way an amount of money is written, on every screen and slip: 8000 -> "8.000 đồng" in
    Vietnamese (dots between thousands, the word as the fee schedules and the portal write it), "VND 8,000"
    in English."""
    number = int(round(amount))
    return f"{number:,}".replace(",", ".") + " đồng" if lang == "vi" else f"VND {number:,}"


_AMOUNT = re.compile(r"\d{1,3}(?:[.,]\d{3})+|\d+")


def states_amount(text: str | None, amount) -> bool:
    """Whether a fee's words already give its amount ("mức mẫu: 15.000 đồng", "2.000đ/trang", "8000 VNĐ"):
    the national portal sends the amount (`value`) apart from the words (`description`, often only the
    fee's name), and a screen that shows the words alone hides what the citizen pays."""
    if not text or isinstance(amount, bool) or not isinstance(amount, (int, float)) or amount != int(amount):
        return False
    return any(int(re.sub(r"[.,]", "", found)) == int(amount) for found in _AMOUNT.findall(text))


def fee_words(text: str | None, amount, lang: str = "vi") -> str:
    """One fee as every screen and slip writes it: its words and its amount ("Lệ phí đăng ký khai sinh:
    8.000 đồng"), the words alone when they already give the amount or there is none, the amount alone
    without words; "" when there is neither (the caller says "free")."""
    text = (text or "").strip()
    if amount and not states_amount(text, amount):
        return f"{text}: {money(amount, lang)}" if text else money(amount, lang)
    return text
