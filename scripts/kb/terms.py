"""Finding glossary terms in prose: exact mentions, and near misses (typos, look-alikes, wrong case).

Text is split into alphanumeric words; hyphens and spaces between words are interchangeable, so
"retrieval-augmented generation" and "retrieval augmented generation" are the same name. Names
with capitals after the first letter or with digits (RAG, LLaMA, GPT-4) are case-sensitive; others
also match in lower case, with a capital first letter, or in title case. The last word may take a
plural s or es.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

_WORD = re.compile(r"[^\W_]+")
_SEPARATOR = re.compile(r"[ \t\n*_-]+")  # emphasis markers may sit between words
# Characters people (and OCR) confuse, mapped to one representative; "rn" reads as "m".
_CONFUSABLE_CHARS = str.maketrans({"I": "l", "1": "l", "|": "l", "0": "O"})
_CONFUSABLE = re.compile(r"[Il1|0O]|rn")
MIN_TYPO_LENGTH = 5


def is_case_sensitive(word: str) -> bool:
    return any(c.isupper() for c in word[1:]) or any(c.isdigit() for c in word)


def _skeleton(text: str) -> str:
    return text.replace("rn", "m").translate(_CONFUSABLE_CHARS)


@dataclass(frozen=True)
class Name:
    text: str  # as the glossary writes it
    term_id: str
    words: tuple[str, ...]  # as written, split into words

    @property
    def folded(self) -> tuple[str, ...]:
        return tuple(w.casefold() for w in self.words)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    term_id: str
    name: str


@dataclass(frozen=True)
class NearMiss:
    start: int
    end: int
    surface: str
    term_id: str
    expected: tuple[str, ...]  # the defined spellings it is close to
    kind: str  # "typo", "look-alike" or "case"


def _word_ok(surface: str, defined: str, last: bool) -> bool:
    if surface == defined:
        return True
    if last:
        for suffix in ("es", "s"):
            if surface.endswith(suffix) and _word_ok(surface[: -len(suffix)], defined, False):
                return True
    if is_case_sensitive(defined):
        return False
    lower = defined.lower()
    return surface in (lower, lower[:1].upper() + lower[1:], defined[:1].upper() + defined[1:])


class TermMatcher:
    def __init__(self, names: Iterable[Name]) -> None:
        self.names = [n for n in names if n.words]
        self.by_first: dict[str, list[Name]] = {}
        self.by_folded: dict[tuple[str, ...], list[Name]] = {}
        self.by_skeleton: dict[str, list[Name]] = {}
        self.wildcards: dict[tuple[str, ...], list[tuple[int, Name]]] = {}
        self.name_words: set[str] = set()
        for name in self.names:
            self.by_first.setdefault(name.folded[0], []).append(name)
            self.by_folded.setdefault(name.folded, []).append(name)
            self.by_skeleton.setdefault(_skeleton(" ".join(name.words)), []).append(name)
            self.name_words.update(name.folded)
            for i in range(len(name.words)):
                key = (*name.folded[:i], "*", *name.folded[i + 1:])
                self.wildcards.setdefault(key, []).append((i, name))
        for group in self.by_first.values():
            group.sort(key=lambda n: -len(n.words))  # longest name first
        self.max_words = max((len(n.words) for n in self.names), default=0)

    @staticmethod
    def split(name: str) -> tuple[str, ...]:
        return tuple(_WORD.findall(name))

    def _words(self, text: str) -> list[tuple[int, int, str]]:
        return [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]

    def _ngram(self, text: str, words: list[tuple[int, int, str]], i: int, n: int) -> list[str] | None:
        """The n words from i, or None when something other than spaces or hyphens separates them."""
        if i + n > len(words):
            return None
        for k in range(i, i + n - 1):
            if not _SEPARATOR.fullmatch(text, words[k][1], words[k + 1][0]):
                return None
        return [w for _, _, w in words[i: i + n]]

    def _match_at(self, text: str, words: list[tuple[int, int, str]], i: int) -> Name | None:
        first = words[i][2].casefold()
        candidates = self.by_first.get(first) or self.by_first.get(first.rstrip("s")) or ()
        for name in candidates:
            gram = self._ngram(text, words, i, len(name.words))
            last = len(name.words) - 1
            if gram and all(_word_ok(g, d, k == last) for k, (g, d) in enumerate(zip(gram, name.words, strict=True))):
                return name
        return None

    def mentions(self, text: str) -> Iterator[Mention]:
        words = self._words(text)
        i = 0
        while i < len(words):
            name = self._match_at(text, words, i)
            if name is None:
                i += 1
                continue
            end = i + len(name.words) - 1
            yield Mention(words[i][0], words[end][1], name.term_id, name.text)
            i = end + 1

    def near_misses(self, text: str) -> Iterator[NearMiss]:
        words = self._words(text)
        i = 0
        while i < len(words):
            name = self._match_at(text, words, i)
            if name is not None:
                i += len(name.words)
                continue
            miss = self._near_miss_at(text, words, i)
            if miss is not None:
                yield miss
                i += len(self.split(miss.surface))
            else:
                i += 1

    def _near_miss_at(self, text: str, words: list[tuple[int, int, str]], i: int) -> NearMiss | None:
        for n in range(min(self.max_words, len(words) - i), 0, -1):
            gram = self._ngram(text, words, i, n)
            if not gram:
                continue
            start, end = words[i][0], words[i + n - 1][1]
            surface = text[start:end]
            folded = tuple(g.casefold() for g in gram)
            same_letters = self.by_folded.get(folded)
            if same_letters and any(c.isupper() for c in surface):
                return NearMiss(start, end, surface, same_letters[0].term_id,
                                tuple(n.text for n in same_letters), "case")
            joined = " ".join(gram)
            if _CONFUSABLE.search(joined):
                alike = [nm for nm in self.by_skeleton.get(_skeleton(joined), ()) if len(nm.words) == n]
                if alike:
                    return NearMiss(start, end, surface, alike[0].term_id, tuple(a.text for a in alike), "look-alike")
            typo = self._typo(gram, folded)
            if typo is not None:
                return NearMiss(start, end, surface, typo.term_id, (typo.text,), "typo")
        return None

    def _typo(self, gram: list[str], folded: tuple[str, ...]) -> Name | None:
        for k, word in enumerate(gram):
            if len(word) < MIN_TYPO_LENGTH or folded[k] in self.name_words:
                continue
            if len(gram) == 1 and not any(c.isupper() for c in word):
                continue  # lone lowercase words are ordinary vocabulary far more often than typos
            key = (*folded[:k], "*", *folded[k + 1:])
            for position, name in self.wildcards.get(key, ()):
                if position != k:
                    continue
                defined = name.folded[k]
                limit = 1 if len(defined) < 9 else 2
                if Levenshtein.distance(folded[k], defined, score_cutoff=limit) > limit:
                    continue
                prefix = len(_common_prefix(folded[k], defined))
                if prefix >= len(defined) - 3:
                    continue  # only the ending differs: an inflection (tokenized/tokenizer), not a typo
                return name
        return None


def _common_prefix(a: str, b: str) -> str:
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    return a[:i]
