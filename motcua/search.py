"""Turning what a citizen types into ranked procedures: folding, i/y spellings, typos, synonyms, tiers."""

import bisect
import re
from collections import defaultdict
import unicodedata
from functools import lru_cache
from importlib import resources

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from motcua.text import fold_vietnamese, words

__all__ = [
    "search_words",
    "syllables",
    "FITS",
    "Synonyms",
    "QueryPlan",
    "Vocabulary",
    "SearchIndex",
    "fts_phrase",
    "TIER_NAME_PHRASE",
    "TIER_KEYWORD_PHRASE",
    "TIER_ALL_IN_NAME",
    "TIER_ALL",
    "TIER_SOME",
]

# ký/kí, lý/lí, quy/qui are both correct spellings: index and query use the i form.
_FINAL_Y = re.compile(r"^([bcdghklmnpqrstvx]+|qu)y$")
_FINAL_Y_IN_TEXT = re.compile(r"(?<![0-9a-z])([bcdghklmnpqrstvx]+|qu)y(?![0-9a-z])")
_WORD = re.compile(r"[0-9a-z]+")
_RAW_WORD = re.compile(r"\w+")
_PUNCTUATION = re.compile(r"[;:()\[\]/!?\u2013\u2014]+|\s-\s")  # commas join lists ("cha, mẹ, con"): kept
COMMON_SHARE = 0.15  # a word in more procedures than this says little: left out of the "some words" tier
CANDIDATES = 200  # per tier, the shortest names first (bit order): enough to rank, cheap to score
TIER_NAME_PHRASE, TIER_KEYWORD_PHRASE, TIER_ALL_IN_NAME, TIER_ALL, TIER_SOME = 5, 4, 3, 2, 1
# Share of the query's words (a very common one counts half) a procedure must have to be offered at all:
# below it search answers "nothing fits" (tests/motcua/test_search_language.py measures it on a query set).
FITS = 0.6
FUZZY_FITS = 85  # the last resort (no word matched at all) offers only names this close (rapidfuzz partial_ratio)


@lru_cache(maxsize=50_000)
def _spelling(word: str) -> str:
    return _FINAL_Y.sub(r"\1i", word)


def search_words(text: str) -> list[str]:
    """Folded words as the search index stores them (i/y spelling variants unified)."""
    return [_spelling(w) for w in words(text)]


# fold_vietnamese one character at a time, as a table: folding 5,000 names with str.translate takes milliseconds
_FOLD_TABLE = {
    cp: fold_vietnamese(chr(cp)) or "" for cp in range(0xC0, 0x2000) if fold_vietnamese(chr(cp)) != chr(cp).lower()
}
_FOLD_TABLE.update({cp: "" for cp in range(0x300, 0x370)})  # combining marks of text that arrived decomposed


def fts_phrase(tokens: list[str], prefix: bool = False) -> str:
    """One FTS5 string term; tokens are [0-9a-z] only, so quoting makes any input safe."""
    return '"' + " ".join(tokens) + '"' + (" *" if prefix else "")


def _raw_tokens(text: str) -> list[tuple[str, str]]:
    """(search word, the word as typed in lower case with its marks): "cần" and "căn" both fold to "can"."""
    out = []
    for raw in _RAW_WORD.findall(unicodedata.normalize("NFC", (text or "").lower())):
        folded = raw.translate(_FOLD_TABLE)
        for w in _WORD.findall(folded):
            out.append((_spelling(w), raw if w == folded else w))
    return out


def _marked(raw: str, folded: str) -> bool:
    """Whether the citizen typed the word with its marks (then "cần" is not "căn")."""
    return raw != folded and _spelling(raw) != folded


@lru_cache(maxsize=1)
def syllables() -> frozenset:
    """Valid Vietnamese syllables, folded as search words (motcua/data/syllables.txt, motcua/syllables.py)."""
    text = resources.files("motcua").joinpath("data/syllables.txt").read_text(encoding="utf-8")
    return frozenset(_spelling(w) for w in set(_WORD.findall(text.lower().translate(_FOLD_TABLE))))


class Synonyms:
    """The everyday-language lexicon kept as data (motcua/data/synonyms.txt; its format is in that file)."""

    def __init__(self, text: str, source: str = "synonyms", extra: tuple[int, str] | None = None):
        """`extra`: (line where an office's own file starts in `text`, that file's name), for error messages."""

        def where(n: int) -> str:
            return f"{extra[1]} line {n - extra[0] + 1}" if extra and n >= extra[0] else f"{source} line {n}"

        self.rules: dict[tuple, list[str]] = {}
        self.stop: dict[tuple, tuple] = {}  # folded phrase -> the phrase as written (marks decide a match)
        self.classes: dict[str, set] = {}
        self.context: list[tuple[str, str, list[str]]] = []  # (word as written, class, replacement)
        self.variants: list[tuple] = []
        self.elsewhere: set[tuple] = set()  # what another agency does ("hộ chiếu"): nothing here fits
        for n, raw in enumerate(text.splitlines(), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            head = line.split(":", 1)[0].strip().lower() if ":" in line.split("=", 1)[0] else ""
            if head in ("stop", "variant", "elsewhere") or head.startswith("class "):
                body = [p.strip() for p in line.split(":", 1)[1].split(",") if p.strip()]
                if head == "stop":
                    for phrase in body:
                        self.stop[tuple(w for w, _ in _raw_tokens(phrase))] = tuple(r for _, r in _raw_tokens(phrase))
                elif head == "elsewhere":
                    self.elsewhere.update(tuple(search_words(p)) for p in body if search_words(p))
                elif head == "variant":
                    self.variants += [tuple(search_words(p)) for p in body if search_words(p)]
                else:
                    name = head[6:].strip()
                    self.classes.setdefault(name, set()).update(tuple(search_words(p)) for p in body)
                continue
            if "=" not in line:
                raise ValueError(
                    f"{where(n)}: expected 'phrase = catalogue words', 'word [CLASS] = catalogue words', "
                    f"'stop: ...', 'class NAME: ...', 'variant: ...' or 'elsewhere: ...': {raw!r}"
                )
            left, right = line.split("=", 1)
            context = re.fullmatch(r"\s*(\S+)\s*\[\s*(\w+)\s*\]\s*", left)
            words_right = [("~" if t.startswith("~") else "") + w for t in right.split() for w in search_words(t)]
            if not words_right:
                raise ValueError(f"{where(n)}: both sides need words: {raw!r}")
            if "[" in left and not context:
                raise ValueError(
                    f"{where(n)}: a context rule is one word, then [CLASS]: 'mất [person] = khai tử': {raw!r}"
                )
            if context:
                if context.group(2).lower() not in self.classes:
                    raise ValueError(f"{where(n)}: class [{context.group(2)}] is not defined above: {raw!r}")
                self.context.append((context.group(1).lower(), context.group(2).lower(), words_right))
                continue
            if not search_words(left):
                raise ValueError(f"{where(n)}: both sides need words: {raw!r}")
            self.rules[tuple(search_words(left))] = words_right
        self._longest = max((len(k) for k in list(self.rules) + list(self.stop)), default=1)
        # words a citizen may type that the catalogue itself may lack ("cưới", "kt3"): never "corrected"
        # (a word of a longer stop phrase only, "hôm" of "hôm nay", is not: "kết hôm" is "kết hôn" mistyped)
        self.words = {w for phrase in list(self.rules) + [p for p in self.stop if len(p) == 1] for w in phrase}
        self.words |= {w for members in self.classes.values() for phrase in members for w in phrase}

    @classmethod
    @lru_cache(maxsize=8)
    def default(cls, extra: str | None = None) -> "Synonyms":
        """The shipped lexicon, plus an office's own file of words (same format; [kiosk] extra_words)."""
        text = resources.files("motcua").joinpath("data/synonyms.txt").read_text(encoding="utf-8")
        if extra:
            from pathlib import Path

            try:
                more = Path(extra).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise ValueError(f"{extra}: the office's words cannot be read: {exc}") from exc
            start = len((text + "\n").splitlines()) + 1  # its own line numbers in errors; it may use our classes
            return cls(text + "\n" + more, extra=(start, str(extra)))
        return cls(text)

    def _in_class(self, tokens, i: int, name: str) -> int:
        """Length of a phrase of class `name` starting at tokens[i], or 0."""
        for size in range(min(4, len(tokens) - i), 0, -1):
            if tuple(tokens[i : i + size]) in self.classes.get(name, ()):
                return size
        return 0

    def _said_with(self, tokens, k: int) -> bool:
        """Whether tokens[k] ends a stop phrase begun by a word of no class ("giấy" of "làm giấy gì": not
        a document the citizen lost)."""
        for size in range(2, min(self._longest, k + 1) + 1):
            span = tuple(tokens[k - size + 1 : k + 1])
            if span in self.stop and not any(self._in_class(tokens, k - size + 1, c) for c in self.classes):
                return True
        return False

    def completion(self, tokens: list[str]) -> str | None:
        """The one word the last token (still being typed, three letters at least) begins that ends a phrase of
        the lexicon with the tokens before it ("thôi kinh doa" -> "doanh" of "thôi kinh doanh"), or None when no
        phrase or more than one word would fit."""
        last = tokens[-1] if tokens else ""
        if len(last) < 3:  # "hộ kh": khẩu, khai, không... too soon to say
            return None
        found = set()
        for phrase in list(self.rules) + list(self.elsewhere):
            size = len(phrase)
            if (
                size >= 2
                and len(tokens) >= size
                and phrase[-1] != last
                and phrase[-1].startswith(last)
                and tuple(tokens[-size:-1]) == phrase[:-1]
            ):
                found.add(phrase[-1])
        return found.pop() if len(found) == 1 else None

    def _longer_within(self, tokens, i: int, size: int) -> bool:
        """Whether a longer rule starts inside tokens[i : i + size] and runs past it."""
        for j in range(i + 1, i + size):
            for longer in range(size + 1, min(self._longest, len(tokens) - j) + 1):
                if j + longer > i + size and tuple(tokens[j : j + longer]) in self.rules:
                    return True
        return False

    def rewrite(self, tokens: list[str], raws: list[str] | None = None, vocabulary=None):
        """(meaningful words after rewrites, stop words dropped, whether the last token was kept as typed,
        optional words, groups of words that came together: one rule's, or one word as typed).

        One left-to-right pass, longest rule first. `raws`: the words as typed, with marks ("cần" is a stop
        word, "căn" is not); a stop word typed without marks that is also a catalogue word ("can": căn, cần)
        is kept as an optional word: it helps when it matches and costs nothing when it does not."""
        raws = raws or tokens
        tokens = list(tokens)
        out, dropped, optional, i, literal = [], [], [], 0, False
        groups = []  # the words of one rule (or one word as typed): a procedure fits them together
        skip = set()
        # "mất" next to a person: died; next to a document: lost. The rule whose class word is nearest wins
        # ("bố tôi vừa mất, làm giấy gì": the person), then the one written first.
        chosen: dict[int, tuple] = {}
        for order, (trigger, name, replacement) in enumerate(self.context):
            for n, (w, r) in enumerate(zip(tokens, raws)):
                if w != _spelling(trigger.translate(_FOLD_TABLE)) or (_marked(r, w) and r != trigger):
                    continue
                near = [
                    abs(k - n)
                    for k in range(max(0, n - 3), min(len(tokens), n + 4))
                    if k != n and self._in_class(tokens, k, name) and not self._said_with(tokens, k)
                ]
                if any(tuple(tokens[n : n + size]) in self.rules for size in range(2, self._longest + 1)):
                    continue  # a phrase of the lexicon says it better ("mất giấy phép kinh doanh")
                if near and (n not in chosen or (min(near), order) < chosen[n][:2]):
                    chosen[n] = (min(near), order, name, replacement)
        for n, (_distance, _order, name, replacement) in sorted(chosen.items()):
            if n in skip:
                continue
            skip.add(n)
            tokens[n] = "\x00" + " ".join(replacement)
            if any(not w.startswith("~") for w in replacement):  # the rule says what it is about: the words of
                # the class only help ("bố" of "bố tôi mất", "khai sinh" of "sai tên trong giấy khai sinh"),
                # wherever they are in the query
                for k in range(len(tokens)):
                    size = self._in_class(tokens, k, name) if k != n else 0
                    for j in range(k, k + size):
                        if j not in skip:
                            skip.add(j)
                            tokens[j] = "\x00~" + tokens[j]
        while i < len(tokens):
            literal = False
            if tokens[i].startswith("\x00"):
                for w in tokens[i][1:].split():
                    (optional if w.startswith("~") else out).append(w.lstrip("~"))
                groups.append([w for w in tokens[i][1:].split() if not w.startswith("~")])
                i += 1
                continue
            if i in skip:
                dropped.append(tokens[i])
                i += 1
                continue
            for size in range(min(self._longest, len(tokens) - i), 0, -1):
                span = tuple(tokens[i : i + size])
                if span in self.rules and self._longer_within(tokens, i, size):
                    continue  # "xác nhận con liệt sĩ": "con liệt sĩ" is the rule, not "nhận con"
                if span in self.rules:
                    for w in self.rules[span]:
                        (optional if w.startswith("~") else out).append(w.lstrip("~"))
                    groups.append([w for w in self.rules[span] if not w.startswith("~")])
                    break
                if span in self.stop:
                    written, typed = self.stop[span], raws[i : i + size]
                    if any(_marked(r, w) and r != s for r, w, s in zip(typed, span, written)):
                        continue  # "căn" typed with its marks is not the stop word "cần"
                    if (
                        size == 1
                        and vocabulary is not None
                        and any(
                            not _marked(r, w) and _marked(s, w) and w in vocabulary and vocabulary.means_more_than(w, s)
                            for r, w, s in zip(typed, span, written)
                        )
                    ):
                        optional += span  # "can" without marks: căn (cước) or cần? keep it, optional
                    else:
                        dropped += span
                    break
            else:
                size, literal = 1, True
                out.append(tokens[i])
                groups.append([tokens[i]])
            i += size
        seen = set()
        out = [w for w in out if not (w in seen or seen.add(w))]
        optional = [w for w in optional if not (w in seen or seen.add(w))]
        return out, dropped, literal, optional, [g for g in groups if g]


class Vocabulary:
    """The words a query may use (catalogue + synonym list): prefix checks and one-typo corrections."""

    def __init__(self, vocab, frequency: dict | None = None, bigrams=(), marked: dict | None = None):
        """`bigrams`: word pairs the catalogue uses (any container answering `in`); `marked`: for folded words
        that are also stop words, the forms with marks the catalogue writes them in ("ve": {"về"})."""
        self.marked = marked or {}
        self.words = sorted(set(vocab))
        self._set = set(self.words)
        self.frequency = frequency or {}
        self.bigrams = bigrams
        self._by_len: dict[int, list[str]] = {}
        for w in self.words:
            self._by_len.setdefault(len(w), []).append(w)

    def __contains__(self, word) -> bool:
        return word in self._set

    def means_more_than(self, word: str, stop: str) -> bool:
        """Whether the catalogue writes the folded `word` as something besides the stop word `stop` ("can":
        căn, not only cần); True when it is not known how the catalogue writes it."""
        forms = self.marked.get(word)
        return forms is None or bool(forms - {stop.lower()})

    def names(self, phrase: tuple) -> bool:
        """Whether the catalogue itself uses the phrase (a word some procedure has, or neighbouring words some
        procedure has side by side): then it is not another agency's work here."""
        if len(phrase) == 1:
            return self.frequency.get(phrase[0], 0) > 0
        return all(pair in self.bigrams for pair in zip(phrase, phrase[1:]))

    def known(self, word: str, as_prefix: bool) -> bool:
        if word in self._set:
            return True
        if not as_prefix:
            return False
        i = bisect.bisect_left(self.words, word)
        return i < len(self.words) and self.words[i].startswith(word)

    def correct(
        self, word: str, before: str | None = None, after: str | None = None, paired_only: bool = False
    ) -> str | None:
        """The word one edit away (two for long words; a swap of neighbours is one), or None.

        Among equally close words: one that makes a pair the catalogue uses with its neighbour ("kết hno" ->
        "kết hôn", not "kết hộ"), then a swap over an insertion, then the more frequent word.
        """
        if len(word) < 3 or word.isdigit():
            return None
        limit = 1 if len(word) < 7 else 2
        pool = [w for n in range(len(word) - limit, len(word) + limit + 1) for w in self._by_len.get(n, ())]
        found = process.extract(word, pool, scorer=OSA.distance, score_cutoff=limit, limit=None)
        if not found:
            return None

        def preference(hit):
            w, distance = hit[0], hit[1]
            paired = w not in (before, after) and ((before, w) in self.bigrams or (w, after) in self.bigrams)
            return distance, not paired, len(w) != len(word), -self.frequency.get(w, 0), w

        best = min(found, key=preference)
        if paired_only and preference(best)[1]:
            return None  # a real syllable is changed only into a pair the catalogue uses ("khai xinh" -> "khai sinh")
        return best[0]

    def split(self, word: str) -> list[str] | None:
        """Two catalogue words typed without the space ("kethon" -> "ket", "hon"), or None. Where several
        splits make words, a pair the catalogue uses wins ("ket hon", not "ke thon"), then the commoner words."""
        splits = [
            (word[:i], word[i:]) for i in range(2, len(word) - 1) if word[:i] in self._set and word[i:] in self._set
        ]
        if not splits:
            return None
        best = max(
            splits,
            key=lambda p: (p in self.bigrams, min(self.frequency.get(p[0], 0), self.frequency.get(p[1], 0))),
        )
        return list(best)


class QueryPlan:
    """What to look for: typos fixed first (never a real syllable), then the lexicon and stop words.

    `words` must all be found for a full match; `optional` words ("can" typed without marks: căn or cần;
    "lại" when a document was lost) only help a procedure that has them."""

    def __init__(self, query: str, vocabulary: Vocabulary | None = None, synonyms: Synonyms | None = None):
        self.raw = query
        # the last word is still being typed (a prefix) unless the citizen typed a space after it
        self.prefix_last = not query[-1:].isspace()
        pairs = _raw_tokens(query)[:12]  # a citizen's query, not an essay
        tokens, raws = [w for w, _ in pairs], [r for _, r in pairs]
        synonyms = synonyms or Synonyms.default()
        self.corrected: dict[str, str] = {}
        if vocabulary is not None:
            tokens, raws = self._corrected(tokens, raws, vocabulary, synonyms)
        if self.prefix_last and (whole := synonyms.completion(tokens)):
            tokens, raws = tokens[:-1] + [whole], raws[:-1] + [whole]  # a phrase of the lexicon being typed
        kept, dropped, literal, optional, groups = synonyms.rewrite(tokens, raws, vocabulary)
        groups = [tuple(dict.fromkeys(g)) for g in groups]
        self.elsewhere = any(
            tuple(tokens[i : i + len(e)]) == e and not (vocabulary is not None and vocabulary.names(e))
            for e in synonyms.elsewhere
            for i in range(len(tokens) - len(e) + 1)
        )
        if self.elsewhere:  # "làm hộ chiếu": another agency's work (the catalogue has no such words), nothing fits
            kept, dropped, optional = [], [], []
        if not kept:
            kept, optional = optional, []
            groups = [(w,) for w in kept]
        self.words = kept or dropped
        self.optional = [w for w in optional if w not in self.words]
        self.groups = [g for g in groups if all(w in self.words for w in g)] or [(w,) for w in self.words]
        # a word written by a synonym rule is a whole word ("công chứng" -> "chứng thực", not "chứng thực*")
        self.prefix_last = self.prefix_last and (literal or not kept) and self.words[-1:] == tokens[-1:]

    def _corrected(self, tokens: list[str], raws: list[str], vocabulary: Vocabulary, synonyms: Synonyms):
        fixed, fixed_raw = [], []
        for n, w in enumerate(tokens):
            last = n == len(tokens) - 1
            if vocabulary.known(w, as_prefix=last and self.prefix_last) or w in synonyms.words:
                fixed.append(w)
                fixed_raw.append(raws[n])
                continue
            # a real syllable ("sang", "may") is kept as typed unless it makes a pair the catalogue uses with its
            # neighbour ("khai xinh"); so is the word still being typed, which may be a syllable not finished yet
            syllable = w in syllables() or (last and self.prefix_last)
            parts = None if w in syllables() else vocabulary.split(w)  # "kethon": two words run together
            better = (
                " ".join(parts)
                if parts
                else vocabulary.correct(
                    w, fixed[-1] if fixed else None, tokens[n + 1] if not last else None, paired_only=syllable
                )
            )
            if better:
                self.corrected[w] = better
            fixed += (better or w).split()
            fixed_raw += (better or raws[n]).split()
        return fixed, fixed_raw

    def __bool__(self):
        return bool(self.words)

    def is_prefix(self, n: int) -> bool:
        return self.prefix_last and n == len(self.words) - 1

    def all_words(self) -> str:
        """FTS5: every word (finished words whole, the last one as a prefix)."""
        return " AND ".join(fts_phrase([w], self.is_prefix(n)) for n, w in enumerate(self.words))

    def has_phrase(self, text_words) -> int:
        """Where the query's words appear consecutively (the last maybe as a prefix), or -1."""
        n, q = len(self.words), self.words
        if not n:
            return -1
        last_whole = not self.prefix_last
        for i in range(len(text_words) - n + 1):
            tail = text_words[i + n - 1]
            if tuple(text_words[i : i + n - 1]) == tuple(q[:-1]) and (
                tail == q[-1] if last_whole else tail.startswith(q[-1])
            ):
                return i
        return -1

    def matched(self, text_words) -> int:
        """How many query words a text has (the last maybe as a prefix)."""
        count = 0
        for n, q in enumerate(self.words):
            if q in text_words or (self.is_prefix(n) and any(t.startswith(q) for t in text_words)):
                count += 1
        return count


def _bit_masks(postings: dict, size: int) -> dict:
    """Lists of procedure numbers as int bit masks (set in a byte array: one big int per key, not one per bit)."""
    out = {}
    for key, numbers in postings.items():
        if len(numbers) < 8:  # most word pairs: a few procedures, a few shifts
            mask = 0
            for n in numbers:
                mask |= 1 << n
            out[key] = mask
            continue
        raw = bytearray((size + 7) // 8)
        for n in numbers:
            raw[n >> 3] |= 1 << (n & 7)
        out[key] = int.from_bytes(raw, "little")
    return out


def _lowest_bits(mask: int, limit: int) -> list[int]:
    """Positions of the lowest set bits: the shortest names, as names are numbered shortest first."""
    out = []
    while mask and len(out) < limit:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


class SearchIndex:
    """Names, keywords and fields in memory as word → bit-mask postings: tiers cost microseconds, not scans."""

    def __init__(self, rows, synonyms: Synonyms | None = None):
        """`rows`: (code, name as published, folded field, folded keywords), the last two as the FTS
        table holds them."""
        rows = raw_rows = list(rows)
        # folded in one pass over all names (one str.translate instead of 5,000): the first search waits for this
        folded = "\n".join(name.replace("\n", " ") for _c, name, _f, _k in rows).lower().translate(_FOLD_TABLE)
        folded = _FINAL_Y_IN_TEXT.sub(r"\1i", folded)  # _spelling, for every word at once
        rows = [
            (code, [_WORD.findall(part) for part in _PUNCTUATION.split(text)], field, keywords)
            for (code, _name, field, keywords), text in zip(rows, folded.split("\n"))
        ]
        rows.sort(key=lambda r: (sum(map(len, r[1])), r[1], r[0]))  # bit n = n-th shortest name
        self.codes = [r[0] for r in rows]
        self.names = [tuple(w for part in r[1] for w in part) for r in rows]
        self.others = [tuple(r[3].split()) + tuple(r[2].split()) for r in rows]  # keywords then field
        # " words | words ": phrases are found as substrings and never across a comma or a bracket
        self._name_texts = [" " + " | ".join(" ".join(part) for part in r[1] if part) + " " for r in rows]
        self._other_texts = [" " + " ".join(o) + " " for o in self.others]
        name_ids, other_ids, pair_ids = defaultdict(list), defaultdict(list), defaultdict(list)  # -> procedures
        for n, (parts, other) in enumerate(zip((r[1] for r in rows), self.others)):
            for w in set(self.names[n]):
                name_ids[w].append(n)
            for w in set(other):
                other_ids[w].append(n)
            for pair in {p for part in parts for p in zip(part, part[1:])}.union(zip(other, other[1:])):
                pair_ids[pair].append(n)
        self.name_masks = _bit_masks(name_ids, len(rows))
        self.any_masks = _bit_masks(other_ids, len(rows))
        for w, mask in self.name_masks.items():  # a word of the name or of the keywords and field
            self.any_masks[w] = self.any_masks.get(w, 0) | mask
        self.pair_masks = _bit_masks(pair_ids, len(rows))  # neighbouring words in a name or in the keywords
        self.sorted_words = sorted(self.any_masks)
        frequency = {w: m.bit_count() for w, m in self.any_masks.items()}
        self.common = {w for w, f in frequency.items() if f > COMMON_SHARE * max(len(rows), 1)}
        self.synonyms = synonyms or Synonyms.default()
        # how the catalogue writes the words that are also stop words with marks ("về" of "thông tin về cư trú"):
        # typed without marks, such a word is the stop word unless the catalogue has it in another form (căn/cần)
        stops = {s[0]: w[0] for s, w in self.synonyms.stop.items() if len(s) == 1 and _marked(w[0], s[0])}
        marked: dict[str, set] = {}
        for token in set(_RAW_WORD.findall(" ".join(name for _c, name, _f, _k in raw_rows).lower())):
            folded = _spelling(token.translate(_FOLD_TABLE))
            if folded in stops:
                marked.setdefault(folded, set()).add(token)
        self.vocabulary = Vocabulary(
            set(self.any_masks) | self.synonyms.words,
            frequency,
            self.pair_masks,
            {k: frozenset(v) for k, v in marked.items()},
        )
        self._folded_names: list[str] | None = None  # for the typo fallback, made on its first use
        # bit masks of the names of a combined or special variant ("kết hợp", "lưu động", "đăng ký lại"): such
        # a procedure comes after the plain one unless the query names the variant
        self._variants = []
        for v in self.synonyms.variants:
            mask = -1
            for w in v:
                mask &= self.name_masks.get(w, 0)
            for pair in zip(v, v[1:]):
                mask &= self.pair_masks.get(pair, 0)
            if mask > 0:
                self._variants.append((set(v), mask))
        self._trigrams: dict[str, int] | None = None

    def __len__(self):
        return len(self.codes)

    def plan(self, query: str) -> QueryPlan:
        return QueryPlan(query, self.vocabulary, self.synonyms)

    def matches(self, word: str, prefix: bool = False) -> bool:
        """Whether some procedure has the word (or a word it begins, while it is being typed)."""
        return bool(self._mask(self.any_masks, word, prefix))

    def _mask(self, table: dict, word: str, prefix: bool) -> int:
        if not prefix:
            return table.get(word, 0)
        mask = 0
        i = bisect.bisect_left(self.sorted_words, word)
        while i < len(self.sorted_words) and self.sorted_words[i].startswith(word):
            mask |= table.get(self.sorted_words[i], 0)
            i += 1
        return mask

    def ranked(self, plan: QueryPlan, limit: int) -> list[tuple[str, float]]:
        """(code, score) best first: name phrase > keyword phrase > all words in name > all words > some words."""
        if not plan or not self.codes:
            return []
        name_masks = [self._mask(self.name_masks, w, plan.is_prefix(n)) for n, w in enumerate(plan.words)]
        any_masks = [self._mask(self.any_masks, w, plan.is_prefix(n)) for n, w in enumerate(plan.words)]
        all_in_name, all_words = -1, -1
        for nm, am in zip(name_masks, any_masks):
            all_in_name &= nm
            all_words &= am
        # neighbouring query words must be neighbours in the text for a phrase (the last pair too when whole)
        pairs = list(zip(plan.words, plan.words[1:]))
        if plan.prefix_last:
            pairs = pairs[:-1]
        phrase_mask = all_words
        for pair in pairs:
            phrase_mask &= self.pair_masks.get(pair, 0)
        candidates = {n: TIER_ALL_IN_NAME for n in _lowest_bits(phrase_mask & all_in_name, CANDIDATES)}
        candidates.update((n, TIER_ALL) for n in _lowest_bits(phrase_mask & ~all_in_name, CANDIDATES))
        for n in _lowest_bits(all_in_name & ~phrase_mask, CANDIDATES):
            candidates.setdefault(n, TIER_ALL_IN_NAME)
        for n in _lowest_bits(all_words & ~all_in_name & ~phrase_mask, CANDIDATES):
            candidates.setdefault(n, TIER_ALL)
        if len(candidates) < limit and len(plan.words) > 1:
            # "some words": only the words that tell procedures apart; an OR of common words matches everything
            some = 0
            for w, m in zip(plan.words, any_masks):
                some |= 0 if w in self.common else m
            candidates.update((n, TIER_SOME) for n in _lowest_bits(some & ~all_words, CANDIDATES))
        # phrases as substrings of " name words ": a word boundary before, and after unless the last is a prefix
        phrase = " " + " ".join(plan.words) + ("" if plan.prefix_last else " ")
        size = len(plan.words)
        optional = [self.any_masks.get(w, 0) for w in plan.optional]
        asked = set(plan.words + plan.optional)
        unasked_mask = 0  # names of a variant the query does not name
        for v, mask in self._variants:
            if not v <= asked:
                unasked_mask |= mask
        # what must fit: every word weighs 1 (0.5 when very common), and the words one lexicon rule wrote
        # fit together: a group half found counts a quarter ("báo tử" -> "khai tử": a name with "từ" alone
        # does not fit)
        by_word = dict(zip(plan.words, any_masks))
        groups = [
            ([by_word[w] for w in g if w in by_word], sum(0.5 if w in self.common else 1.0 for w in g))
            for g in plan.groups
        ]
        total = sum(weight for _masks, weight in groups) or 1.0
        scored = []
        for n, tier in candidates.items():
            bit = 1 << n
            if tier == TIER_ALL_IN_NAME:
                in_name = matched = size
                coverage = 1.0
                if phrase in self._name_texts[n]:
                    tier = TIER_NAME_PHRASE
            else:
                in_name = sum(1 for m in name_masks if m & bit)
                matched = size if tier == TIER_ALL else sum(1 for m in any_masks if m & bit)
                coverage = (
                    1.0
                    if tier == TIER_ALL
                    else sum(
                        weight * (sum(1 for m in masks if m & bit) / max(len(masks), 1)) ** 2
                        for masks, weight in groups
                    )
                    / total
                )
                if tier == TIER_ALL and size > 1 and phrase in self._other_texts[n]:
                    tier = TIER_KEYWORD_PHRASE
            if coverage < FITS:
                continue  # "nothing fits" is an answer: a procedure that has too few of the words is not offered
            extra = sum(1 for m in optional if m & bit) if optional else 0
            unasked = 1 if unasked_mask & bit else 0
            # among equals, the name that says least besides the query ("kết hôn" before "kết hôn lưu động")
            scored.append((tier, min(matched, 9), -unasked, min(extra, 3), in_name / max(len(self.names[n]), 1), -n))
        scored.sort(reverse=True)
        out, ceiling = [], float("inf")
        for t, m, u, e, f, neg in scored[:limit]:
            ceiling = min(ceiling, round(t * 100 + m * 10 + u * 3 + e * 2 + f, 2))  # scores never rise down the list
            out.append((self.codes[-neg], ceiling))
        return out

    def fuzzy(self, plan: QueryPlan, limit: int) -> list[tuple[str, float]]:
        """Last resort when no word matched: closest names among those sharing rare letter triples with the query."""
        text = " ".join(plan.words)
        if len(text) < 4 or not re.search(r"[a-z]", text):
            return []
        if self._folded_names is None:
            self._folded_names = [" ".join(n) for n in self.names]
        if self._trigrams is None:  # letter triples of the name words (a few thousand), built on the first use
            self._trigrams = defaultdict(set)
            for w in self.name_masks:
                padded = f" {w} "
                for i in range(len(padded) - 2):
                    self._trigrams[padded[i : i + 3]].add(w)
        triples = {f" {w} "[i : i + 3] for w in plan.words for i in range(len(w))}
        masks = []
        for triple in triples:
            m = 0
            for w in self._trigrams.get(triple, ()):
                m |= self.name_masks[w]
            if m:
                masks.append((m.bit_count(), m))
        masks.sort()
        mask = 0
        for count, m in masks:
            if count <= COMMON_SHARE * len(self.codes) or not mask:
                mask |= m
        pool = {n: self._folded_names[n] for n in _lowest_bits(mask, 4 * CANDIDATES)}
        found = process.extract(text, pool, scorer=fuzz.partial_ratio, limit=limit, score_cutoff=FUZZY_FITS)
        return [(self.codes[n], round(score / 100, 2)) for _name, score, n in found]
