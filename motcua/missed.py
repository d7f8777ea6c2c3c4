"""Missed searches: what citizens looked for at the kiosk and did not find, as the kiosk keeps them and
the server accepts them (the one home of these rules for both sides of the wire).

A search is "missed" when it ended (the citizen went home, browsed a field, started another search,
or the kiosk went idle) with no procedure offered (`NO_MATCH`) or with procedures offered and none
tapped (`NO_TAP`). Only the query's folded text is kept, counted per office day: no person, no time
finer than the day. A query that looks like personal data (a phone or ID number, a dossier code) is
never kept.
"""

import re

from motcua import dossier_code
from motcua.text import fold_vietnamese, hide_phones

__all__ = [
    "NO_MATCH",
    "NO_TAP",
    "OUTCOMES",
    "QUERY_MAX",
    "PER_BEAT",
    "DIGITS_MAX",
    "COUNT_MAX",
    "OLDEST_DAYS",
    "DAY_PATTERN",
    "key",
    "looks_personal",
]

NO_MATCH = "none"  # the kiosk offered nothing ("nothing fits")
NO_TAP = "untapped"  # results were offered, none was tapped
OUTCOMES = (NO_MATCH, NO_TAP)
QUERY_MAX = 80  # characters of a folded query kept and sent; the server refuses longer ones
PER_BEAT = 50  # distinct (day, query, outcome) counts one heartbeat may carry
DIGITS_MAX = 5  # more digits than this in one query: taken for an ID or phone number, never kept
COUNT_MAX = 100_000  # one kiosk's count of one query in one day (a higher one is refused)
DAY_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
# Days older than this (office time) are not stored by the server nor kept by the kiosk; a day after
# tomorrow is not stored either (a kiosk clock gone wrong): such counts are dropped, never refused, so
# a kiosk's heartbeat is never stuck on them.
OLDEST_DAYS = 92

_KEEP = re.compile(r"[^0-9a-z ]+")


def looks_personal(text: str) -> bool:
    """True when a typed query may hold personal data: a phone number, more than DIGITS_MAX digits
    (an ID card or a phone number typed in pieces), or a dossier code (a receipt's number)."""
    raw = str(text or "")
    if hide_phones(raw) != raw:
        return True
    if sum(ch.isdigit() for ch in raw) > DIGITS_MAX:
        return True
    return any(dossier_code.is_valid(part) for part in [raw, *raw.split()])


def key(text: str) -> str | None:
    """The query as missed-search counts keep it: folded (lower case, no marks, đ→d), punctuation
    dropped, spaces squeezed, cut to QUERY_MAX characters at a word end. None when nothing is left or
    the text looks like personal data."""
    if not text or looks_personal(text):
        return None
    folded = " ".join(_KEEP.sub(" ", fold_vietnamese(text)).split())
    if len(folded) > QUERY_MAX:
        cut = folded[: QUERY_MAX + 1]  # a word that ends exactly at QUERY_MAX is kept whole
        folded = cut.rsplit(" ", 1)[0] if " " in cut else folded[:QUERY_MAX]
    return folded or None
