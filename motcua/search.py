"""Turning what a citizen types into ranked procedures: folding, i/y spellings, typos, synonyms, tiers."""

import bisect
import re
from functools import lru_cache
from importlib import resources

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from motcua.text import fold_vietnamese, words

__all__ = [
    "search_words",
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
_WORD = re.compile(r"[0-9a-z]+")
_PUNCTUATION = re.compile(r"[;:()\[\]/!?\u2013\u2014]+|\s-\s")  # commas join lists ("cha, mẹ, con"): kept
COMMON_SHARE = 0.15  # a word in more procedures than this says little: left out of the "some words" tier
CANDIDATES = 200  # per tier, the shortest names first (bit order): enough to rank, cheap to score
TIER_NAME_PHRASE, TIER_KEYWORD_PHRASE, TIER_ALL_IN_NAME, TIER_ALL, TIER_SOME = 5, 4, 3, 2, 1


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


def _name_parts(name: str) -> list[list[str]]:
    """A name's search words, cut where punctuation stops a phrase ("quần chúng (thực hiện" is no "chúng thực")."""
    folded = name.lower().translate(_FOLD_TABLE)
    return [[_spelling(w) for w in _WORD.findall(part)] for part in _PUNCTUATION.split(folded)]


def fts_phrase(tokens: list[str], prefix: bool = False) -> str:
    """One FTS5 string term; tokens are [0-9a-z] only, so quoting makes any input safe."""
    return '"' + " ".join(tokens) + '"' + (" *" if prefix else "")


class Synonyms:
    """Phrase rewrites and stop words kept as data (motcua/data/synonyms.txt; format in that file)."""

    def __init__(self, text: str):
        self.rules: dict[tuple, list[str]] = {}
        self.stop: set[tuple] = set()
        for n, raw in enumerate(text.splitlines(), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line.lower().startswith("stop:"):
                for phrase in line[5:].split(","):
                    if search_words(phrase):
                        self.stop.add(tuple(search_words(phrase)))
                continue
            if "=" not in line:
                raise ValueError(f"synonyms line {n}: expected 'phrase = catalogue words' or 'stop: ...': {raw!r}")
            left, right = line.split("=", 1)
            if not search_words(left) or not search_words(right):
                raise ValueError(f"synonyms line {n}: both sides need words: {raw!r}")
            self.rules[tuple(search_words(left))] = search_words(right)
        self._longest = max((len(k) for k in list(self.rules) + list(self.stop)), default=1)
        # words a citizen may type that the catalogue itself may lack ("cưới", "kt3"): never "corrected"
        self.words = {w for phrase in list(self.rules) + list(self.stop) for w in phrase}

    @classmethod
    @lru_cache(maxsize=1)
    def default(cls) -> "Synonyms":
        return cls(resources.files("motcua").joinpath("data/synonyms.txt").read_text(encoding="utf-8"))

    def rewrite(self, tokens: list[str]) -> tuple[list[str], list[str], bool]:
        """(meaningful words after rewrites, stop words dropped, whether the last token was kept as typed);
        one left-to-right pass, longest rule first."""
        out, dropped, i, literal = [], [], 0, False
        while i < len(tokens):
            literal = False
            for size in range(min(self._longest, len(tokens) - i), 0, -1):
                span = tuple(tokens[i : i + size])
                if span in self.rules:
                    out += self.rules[span]
                    break
                if span in self.stop:
                    dropped += span
                    break
            else:
                size, literal = 1, True
                out.append(tokens[i])
            i += size
        seen = set()
        return [w for w in out if not (w in seen or seen.add(w))], dropped, literal


class Vocabulary:
    """The words a query may use (catalogue + synonym list): prefix checks and one-typo corrections."""

    def __init__(self, vocab, frequency: dict | None = None, bigrams=()):
        """`bigrams`: word pairs the catalogue uses (any container answering `in`)."""
        self.words = sorted(set(vocab))
        self._set = set(self.words)
        self.frequency = frequency or {}
        self.bigrams = bigrams
        self._by_len: dict[int, list[str]] = {}
        for w in self.words:
            self._by_len.setdefault(len(w), []).append(w)

    def known(self, word: str, as_prefix: bool) -> bool:
        if word in self._set:
            return True
        if not as_prefix:
            return False
        i = bisect.bisect_left(self.words, word)
        return i < len(self.words) and self.words[i].startswith(word)

    def correct(self, word: str, before: str | None = None, after: str | None = None) -> str | None:
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

        return min(found, key=preference)[0]

    def split(self, word: str) -> list[str] | None:
        """Two catalogue words typed without the space ("kethon" -> "ket", "hon"), or None."""
        for i in range(2, len(word) - 1):
            if word[:i] in self._set and word[i:] in self._set:
                return [word[:i], word[i:]]
        return None


class QueryPlan:
    """What to look for: typos fixed first (against catalogue and synonym words), then synonyms and stop words."""

    def __init__(self, query: str, vocabulary: Vocabulary | None = None, synonyms: Synonyms | None = None):
        self.raw = query
        # the last word is still being typed (a prefix) unless the citizen typed a space after it
        self.prefix_last = not query[-1:].isspace()
        tokens = search_words(query)[:12]  # a citizen's query, not an essay
        synonyms = synonyms or Synonyms.default()
        self.corrected: dict[str, str] = {}
        if vocabulary is not None:
            tokens = self._corrected(tokens, vocabulary)
        kept, dropped, literal = synonyms.rewrite(tokens)
        self.words = kept or dropped
        # a word written by a synonym rule is a whole word ("công chứng" -> "chứng thực", not "chứng thực*")
        self.prefix_last = self.prefix_last and (literal or not kept) and self.words[-1:] == tokens[-1:]

    def _corrected(self, tokens: list[str], vocabulary: Vocabulary) -> list[str]:
        fixed = []
        for n, w in enumerate(tokens):
            last = n == len(tokens) - 1
            if vocabulary.known(w, as_prefix=last and self.prefix_last):
                fixed.append(w)
                continue
            parts = vocabulary.split(w)
            better = (
                " ".join(parts)
                if parts
                else vocabulary.correct(w, fixed[-1] if fixed else None, tokens[n + 1] if not last else None)
            )
            if better:
                self.corrected[w] = better
            fixed += (better or w).split()
        return fixed

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
        rows = [(code, _name_parts(name), field, keywords) for code, name, field, keywords in rows]
        rows.sort(key=lambda r: (sum(map(len, r[1])), r[1], r[0]))  # bit n = n-th shortest name
        self.codes = [r[0] for r in rows]
        self.names = [tuple(w for part in r[1] for w in part) for r in rows]
        self.others = [tuple(r[3].split()) + tuple(r[2].split()) for r in rows]  # keywords then field
        # " words | words ": phrases are found as substrings and never across a comma or a bracket
        self._name_texts = [" " + " | ".join(" ".join(part) for part in r[1] if part) + " " for r in rows]
        self._other_texts = [" " + " ".join(o) + " " for o in self.others]
        name_ids, any_ids, pair_ids = {}, {}, {}  # word (or neighbouring pair) -> procedure numbers
        for n, (parts, other) in enumerate(zip((r[1] for r in rows), self.others)):
            name = self.names[n]
            for w in set(name):
                name_ids.setdefault(w, []).append(n)
            for w in set(name + other):
                any_ids.setdefault(w, []).append(n)
            for pair in {p for part in parts + [other] for p in zip(part, part[1:])}:
                pair_ids.setdefault(pair, []).append(n)
        self.name_masks = _bit_masks(name_ids, len(rows))
        self.any_masks = _bit_masks(any_ids, len(rows))
        self.pair_masks = _bit_masks(pair_ids, len(rows))  # neighbouring words in a name or in the keywords
        self.sorted_words = sorted(self.any_masks)
        frequency = {w: m.bit_count() for w, m in self.any_masks.items()}
        self.common = {w for w, f in frequency.items() if f > COMMON_SHARE * max(len(rows), 1)}
        self.synonyms = synonyms or Synonyms.default()
        self.vocabulary = Vocabulary(set(self.any_masks) | self.synonyms.words, frequency, self.pair_masks)
        self._folded_names = [" ".join(n) for n in self.names]
        self._trigrams: dict[str, int] | None = None

    def __len__(self):
        return len(self.codes)

    def plan(self, query: str) -> QueryPlan:
        return QueryPlan(query, self.vocabulary, self.synonyms)

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
        scored = []
        for n, tier in candidates.items():
            bit = 1 << n
            if tier == TIER_ALL_IN_NAME:
                in_name = matched = size
                if phrase in self._name_texts[n]:
                    tier = TIER_NAME_PHRASE
            else:
                in_name = sum(1 for m in name_masks if m & bit)
                matched = size if tier == TIER_ALL else sum(1 for m in any_masks if m & bit)
                if tier == TIER_ALL and size > 1 and phrase in self._other_texts[n]:
                    tier = TIER_KEYWORD_PHRASE
            # among equals, the name that says least besides the query ("kết hôn" before "kết hôn lưu động")
            scored.append((tier, min(matched, 9), in_name / max(len(self.names[n]), 1), -n))
        scored.sort(reverse=True)
        out, ceiling = [], float("inf")
        for t, m, f, neg in scored[:limit]:
            ceiling = min(ceiling, round(t * 100 + m * 10 + f * 5, 2))  # scores never rise down the list
            out.append((self.codes[-neg], ceiling))
        return out

    def fuzzy(self, plan: QueryPlan, limit: int) -> list[tuple[str, float]]:
        """Last resort when no word matched: closest names among those sharing rare letter triples with the query."""
        text = " ".join(plan.words)
        if len(text) < 4 or not re.search(r"[a-z]", text):
            return []
        if self._trigrams is None:
            self._trigrams = {}
            for n, name in enumerate(self._folded_names):
                bit = 1 << n
                for i in range(len(name) - 2):
                    self._trigrams[name[i : i + 3]] = self._trigrams.get(name[i : i + 3], 0) | bit
        masks = sorted(
            (m.bit_count(), m) for m in {self._trigrams.get(text[i : i + 3], 0) for i in range(len(text) - 2)} if m
        )
        mask = 0
        for count, m in masks:
            if count <= COMMON_SHARE * len(self.codes) or not mask:
                mask |= m
        pool = {n: self._folded_names[n] for n in _lowest_bits(mask, 4 * CANDIDATES)}
        found = process.extract(text, pool, scorer=fuzz.partial_ratio, limit=limit, score_cutoff=75)
        return [(self.codes[n], round(score / 100, 2)) for _name, score, n in found]
