"""Turning what a citizen types into a safe FTS5 query: folding, i/y spellings, synonyms, stop words, typos."""
import bisect
import re
from functools import lru_cache
from importlib import resources

from rapidfuzz import process
from rapidfuzz.distance import OSA

from motcua.text import words

__all__ = ["search_words", "Synonyms", "QueryPlan", "Vocabulary", "fts_phrase"]

# ký/kí, lý/lí, quy/qui are both correct spellings: index and query use the i form.
_FINAL_Y = re.compile(r"^([bcdghklmnpqrstvx]+|qu)y$")


def search_words(text: str) -> list[str]:
    """Folded words as the search index stores them (i/y spelling variants unified)."""
    return [_FINAL_Y.sub(r"\1i", w) for w in words(text)]


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

    @classmethod
    @lru_cache(maxsize=1)
    def default(cls) -> "Synonyms":
        return cls(resources.files("motcua").joinpath("data/synonyms.txt").read_text(encoding="utf-8"))

    def rewrite(self, tokens: list[str]) -> tuple[list[str], list[str]]:
        """(meaningful words after rewrites, stop words dropped); one left-to-right pass, longest rule first."""
        out, dropped, i = [], [], 0
        while i < len(tokens):
            for size in range(min(self._longest, len(tokens) - i), 0, -1):
                span = tuple(tokens[i:i + size])
                if span in self.rules:
                    out += self.rules[span]
                    break
                if span in self.stop:
                    dropped += span
                    break
            else:
                size = 1
                out.append(tokens[i])
            i += size
        seen = set()
        return [w for w in out if not (w in seen or seen.add(w))], dropped


class Vocabulary:
    """The words of the catalogue: prefix checks and one-typo corrections."""

    def __init__(self, vocab):
        self.words = sorted(set(vocab))
        self._set = set(self.words)
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

    def correct(self, word: str) -> str | None:
        """The catalogue word one edit away (two for long words; a swap of neighbours is one), or None."""
        if len(word) < 3 or word.isdigit():
            return None
        limit = 1 if len(word) < 7 else 2
        pool = [w for n in range(len(word) - limit, len(word) + limit + 1) for w in self._by_len.get(n, ())]
        best = process.extractOne(word, pool, scorer=OSA.distance, score_cutoff=limit)
        return best[0] if best else None


    def split(self, word: str) -> list[str] | None:
        """Two catalogue words typed without the space ("kethon" -> "ket", "hon"), or None."""
        for i in range(2, len(word) - 1):
            if word[:i] in self._set and word[i:] in self._set:
                return [word[:i], word[i:]]
        return None


class QueryPlan:
    """What to look for: the words, and the FTS5 expressions of the phrase / all-words / any-word tiers."""

    def __init__(self, query: str, vocabulary: Vocabulary | None = None, synonyms: Synonyms | None = None):
        self.raw = query
        tokens = search_words(query)[:12]   # a citizen's query, not an essay
        synonyms = synonyms or Synonyms.default()
        kept, dropped = synonyms.rewrite(tokens)
        self.words = kept or dropped
        self.corrected: dict[str, str] = {}
        if vocabulary is not None:
            fixed = []
            for n, w in enumerate(self.words):
                last = n == len(self.words) - 1
                if not vocabulary.known(w, as_prefix=last or len(w) >= 3):
                    parts = vocabulary.split(w)
                    better = vocabulary.correct(w) if parts is None else " ".join(parts)
                    if better:
                        self.corrected[w] = better
                        fixed += better.split()
                        continue
                fixed.append(w)
            self.words = fixed

    def __bool__(self):
        return bool(self.words)

    def phrase(self) -> str:
        return fts_phrase(self.words, prefix=True)

    def all_words(self) -> str:
        return " AND ".join(fts_phrase([w], prefix=True) for w in self.words)

    def any_word(self) -> str:
        return " OR ".join(fts_phrase([w], prefix=True) for w in self.words)

    def matched(self, text_words: list[str]) -> int:
        """How many query words a text has (as a word or a word prefix)."""
        return sum(1 for q in self.words if any(t.startswith(q) for t in text_words))

    def has_phrase(self, text_words: list[str]) -> bool:
        """True when the query's words appear consecutively (the last as a prefix)."""
        n, q = len(self.words), self.words
        for i in range(len(text_words) - n + 1):
            if text_words[i:i + n - 1] == q[:-1] and text_words[i + n - 1].startswith(q[-1]):
                return True
        return False
