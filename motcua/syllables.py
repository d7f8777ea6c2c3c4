"""The valid Vietnamese syllables, generated from the orthography rules (onset x rhyme x tone).

Search never "corrects" a word that is a real syllable ("sang" is not a typo of "sung"). The list is
shipped as motcua/data/syllables.txt (with tone marks, one a line); regenerate it with
`.venv/bin/python -m motcua.syllables` after changing the rules below. The rules over-generate a little
(a few rule-abiding syllables no word uses): harmless, as such a word is then only kept as typed.
"""

import unicodedata
from pathlib import Path

PATH = Path(__file__).resolve().parent / "data" / "syllables.txt"
ONSETS = [
    "",
    "b",
    "c",
    "ch",
    "d",
    "đ",
    "g",
    "gh",
    "gi",
    "h",
    "k",
    "kh",
    "l",
    "m",
    "n",
    "ng",
    "ngh",
    "nh",
    "p",
    "ph",
    "qu",
    "r",
    "s",
    "t",
    "th",
    "tr",
    "v",
    "x",
]
OPEN = (
    "a ai ao au ay âu ây e eo ê êu i ia iu iêu o oi ô ôi ơ ơi u ua ui uôi ư ưa ưi ưu ươi ươu y yêu "
    "oa oai oay oe oeo uê uy uya uyu uơ oao"
).split()
NUCLEI = {
    "a": "m n ng p t c nh ch",
    "ă": "m n ng p t c",
    "â": "m n ng p t c",
    "e": "m n ng p t c",
    "ê": "m n p t nh ch",
    "i": "m n p t nh ch",
    "o": "m n ng p t c",
    "ô": "m n ng p t c",
    "ơ": "m n p t",
    "u": "m n ng p t c",
    "ư": "m n ng t c",
    "iê": "m n ng p t c",
    "uô": "m n ng t c",
    "ươ": "m n ng p t c",
    "oa": "m n ng t c nh ch",
    "oă": "m n ng t c",
    "oe": "n t",
    "uâ": "n ng t",
    "uê": "nh ch",
    "uy": "n t nh ch",
    "uyê": "n t",
}
TONES = ["", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"]  # ngang, sắc, huyền, hỏi, ngã, nặng
VOWELS = "aăâeêioôơuưy"


def place(rhyme: str, tone: str) -> str:
    """The tone mark on the right vowel of a rhyme (new style: "óa", "úy" in open syllables)."""
    if not tone:
        return rhyme
    idx = [i for i, ch in enumerate(rhyme) if ch in VOWELS]
    marked = [i for i in idx if rhyme[i] in "ăâêôơư"]
    closed = rhyme[-1] not in VOWELS
    if marked:
        at = marked[-1]
    elif len(idx) == 1:
        at = idx[0]
    elif closed:
        at = idx[-1]
    elif len(idx) == 3:
        at = idx[1]
    else:
        at = idx[0]
    return unicodedata.normalize("NFC", rhyme[: at + 1] + tone + rhyme[at + 1 :])


def rhymes():
    """(rhyme, ends in p/t/c/ch: only the sắc and nặng tones then)."""
    for r in OPEN:
        yield r, False
    for n, finals in NUCLEI.items():
        for f in finals.split():
            yield n + f, f in ("p", "t", "c", "ch")


def spell(onset: str, rhyme: str) -> str | None:
    """How an onset and a rhyme are written together (k/gh/ngh before i e ê, qu + glide, gi, y), or None."""
    front = rhyme[0] in "ieêy"
    if onset in ("k", "gh", "ngh") and not front:
        return None
    if onset in ("c", "g", "ng") and front:
        return None
    glide = rhyme[:2] in ("oa", "oă", "oe", "uê", "uâ", "uy", "uơ")
    if onset == "qu":
        if not glide:
            return None
        return "qu" + rhyme[1:]
    if glide and onset in ("c", "k", "gi"):
        return None
    if onset == "gi" and rhyme.startswith("i"):
        rhyme = rhyme[1:]
    if onset == "" and rhyme.startswith("iê"):
        rhyme = "y" + rhyme[1:]
    if onset and rhyme.startswith("yê"):
        return None
    if onset and rhyme == "y" and onset not in ("k", "l", "m", "t", "h", "s", "qu", "v", "n", "th"):
        return None
    return onset + rhyme


def generate() -> list[str]:
    """Every syllable the rules allow, with its tone marks (new-style placement: hòa, khỏe, thủy), sorted."""
    out = set()
    for rhyme, checked in rhymes():
        for onset in ONSETS:
            for tone in (TONES[1], TONES[5]) if checked else TONES:
                s = spell(onset, rhyme)
                if s is None:
                    continue
                if onset == "qu":
                    s = "qu" + place(s[2:], tone)
                elif onset == "gi" and any(ch in VOWELS for ch in s[2:]):
                    s = "gi" + place(s[2:], tone)
                elif onset == "gi":
                    s = "g" + place("i" + s[2:], tone)
                else:
                    s = onset + place(s[len(onset) :], tone)
                out.add(unicodedata.normalize("NFC", s))
    return sorted(out)


if __name__ == "__main__":
    PATH.write_text("\n".join(generate()) + "\n", encoding="utf-8")
    print(f"{PATH}: written")
