"""Finding glossary terms in prose: exact mentions, and near misses (typos, look-alikes, wrong case).

Spaces, hyphens, line breaks and emphasis markers between words are interchangeable, so
"retrieval-augmented generation" and "retrieval augmented generation" are the same name. Names
with capitals after the first letter or with digits (RAG, LLaMA, GPT-4) are case-sensitive; others
also match in lower case, with a capital first letter, or in title case. The last word may take a
plural s or es.

Speed matters (every page is scanned against every name), so the text is normalised once with
C-level string operations and searched in one Aho-Corasick pass (pyahocorasick) over a search form
of it: lower case, punctuation as spaces, look-alike characters folded together. That pass finds
mentions, case slips and look-alikes alike; comparing with the text as written tells them apart.
Typos need a look at each distinct word, which happens once per word per process; the few
candidates are an unknown word next to a word of some longer name, or a capitalised unknown word.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import string
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import ahocorasick
from rapidfuzz import process
from rapidfuzz.distance import OSA

_WORD = re.compile(r"[^\W_]+")
_SPACE_RUN = re.compile(" +")
MIN_TYPO_LENGTH = 5
_PUNCTUATION = ".,;:!?()[]{}\"'`<>/\x00"  # and the gaps left in prose


def is_case_sensitive(word: str) -> bool:
    rest = word[1:]
    return rest != rest.lower() or any(map(str.isdigit, word))


def _skeleton(text: str) -> str:
    """Characters people (and OCR) confuse, mapped to one representative without changing lengths.
    Chained replace() is several times faster than str.translate() on page-sized texts."""
    return text.replace("I", "l").replace("1", "l").replace("|", "l").replace("0", "O")


@dataclass(frozen=True)
class Name:
    text: str  # as the glossary writes it
    term_id: str
    words: tuple[str, ...]  # as written, split into words
    folded: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "folded", tuple(w.casefold() for w in self.words))


class Mention(NamedTuple):  # a NamedTuple: pages hold dozens, built in the hottest loop
    start: int
    end: int
    term_id: str
    name: str


# A NamedTuple's own constructor is a Python function; this is the C one, for the hottest loop.
_mention = functools.partial(tuple.__new__, Mention)


class NearMiss(NamedTuple):
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


_ENDINGS = frozenset({
    "", "s", "es", "d", "ed", "r", "er", "ers", "ing", "ings", "ion", "ions", "ation", "e", "y", "ies", "ly",
    "al", "ally", "ive", "or", "ors", "ise", "ize", "ised", "ized", "ising", "izing", "ment", "ments",
})


def _is_inflection(word: str, defined: str) -> bool:
    """The two differ only in a grammatical ending (tokenized/tokenizer, propagating/propagation)."""
    shared = 0
    while shared < min(len(word), len(defined)) and word[shared] == defined[shared]:
        shared += 1
    return any(word[k:] in _ENDINGS and defined[k:] in _ENDINGS for k in range(max(3, shared - 3), shared + 1))


@lru_cache(maxsize=1)
def _dictionary() -> Any:
    """English words (pyspellchecker's list), loaded only when a possible typo needs judging."""
    from spellchecker import SpellChecker

    return SpellChecker(distance=1)


@lru_cache(maxsize=1)
def _word_list() -> bytes | None:
    """pyspellchecker's English word list, not parsed: parsing its 160,000 entries takes about a
    tenth of a second, in every process that judges a possible typo, while a run asks about a
    handful of words. One entry per line, `"word": count,`, sorted; None where this version of
    pyspellchecker keeps it otherwise."""
    import gzip
    from importlib.util import find_spec

    spec = find_spec("spellchecker")
    if spec is None or spec.origin is None:
        return None
    try:
        text = gzip.decompress((Path(spec.origin).with_name("resources") / "en.json.gz").read_bytes())
    except (OSError, EOFError):
        return None
    if not text.startswith(b'{\n"') or not text.endswith(b"\n}") or b"\\" in text:
        return None  # not the layout the search below reads (or words with escapes in them)
    if text != text.lower():
        text = text.lower()  # as pyspellchecker does with the words it loads
    return text if _looks_sorted(text) else None


def _key_at(words: bytes, start: int) -> bytes:
    """The word on the line that starts at `start`."""
    return words[start + 1: words.index(b'"', start + 1)]


def _looks_sorted(words: bytes, samples: int = 64) -> bool:
    """Whether lines spread over the list are in order, as the binary search needs (and as a test
    checks in full for the installed pyspellchecker)."""
    first, last = words.index(b"\n") + 1, words.rindex(b"\n")
    starts = [words.rfind(b"\n", first, first + (last - first) * k // samples) + 1 for k in range(samples)]
    keys = [_key_at(words, max(first, start)) for start in starts]
    return all(a <= b for a, b in itertools.pairwise(keys))


def _listed(words: bytes, word: bytes) -> bool:
    """Binary search of the sorted list, over byte offsets that are line starts."""
    low, high = words.index(b"\n") + 1, words.rindex(b"\n") + 1  # the entries, without "{" and "}"
    while low < high:
        start = max(low, words.rfind(b"\n", low, (low + high) // 2) + 1)
        key = _key_at(words, start)
        if key == word:
            return True
        if key < word:
            low = words.index(b"\n", start) + 1
        else:
            high = start
    return False


_judged_words: dict[str, bool] = {}


def is_english_word(word: str) -> bool:
    lower = word.lower()
    known = _judged_words.get(lower)
    if known is None:
        words = _word_list()
        # The list is lowered as bytes, which lowers ASCII letters only: other words take the slow way.
        known = _listed(words, lower.encode()) if words is not None and lower.isascii() and '"' not in lower \
            else lower in _dictionary()
        _judged_words[lower] = known
    return known


_LOOK_ALIKES = {"i": "l", "1": "l", "|": "l", "0": "o"}
_SEARCH_FORM = str.maketrans({
    **dict.fromkeys(string.punctuation + "\u00a0\u00ab\u00bb\u2013\u2014\u2018\u2019\u201c\u201d\u201e\u2026", " "),
    **_LOOK_ALIKES,
})


def _key(lowered: str) -> str:
    """The form names are searched by: lower case with look-alike characters folded together, so one
    pass finds mentions, case slips and look-alikes alike (each is then told apart by comparison)."""
    return lowered.translate(_SEARCH_FORM)


class _Normalised:
    """Text with every separator run turned into one space, and the way back to original offsets."""

    def __init__(self, text: str) -> None:
        # A blank line ends a paragraph, and no name runs across one: it becomes a break, not a space.
        translated = text.replace("\n\n", "\x00 ").replace("\n", " ").replace("\t", " ").replace("-", " ") \
            .replace("*", " ").replace("_", " ")
        # Runs of spaces, found with str.find (a page has a few dozen; a regex scan costs twice as much).
        pieces: list[str] = []
        self._keys: list[int] = []  # normalised offset just after each collapsed run
        self._removed: list[int] = []  # characters removed up to and including that run
        previous = removed = 0
        start = translated.find("  ")
        while start != -1:
            end = _SPACE_RUN.match(translated, start).end()  # type: ignore[union-attr]
            pieces.append(translated[previous: start + 1])
            removed += end - start - 1
            self._keys.append(end - removed)
            self._removed.append(removed)
            previous = end
            start = translated.find("  ", end)
        self.text = "".join(pieces) + translated[previous:] if pieces else translated
        self.collapsed = bool(pieces)  # if not, offsets are the same in both texts

    def original(self, offset: int) -> int:
        keys = self._keys
        if not keys or offset < keys[0]:  # before the first collapsed run, offsets are the same
            return offset
        return offset + self._removed[bisect.bisect_right(keys, offset) - 1]


def _bounded(text: str, start: int, end: int) -> bool:
    """text[start:end] is not part of a longer word."""
    return (start == 0 or not text[start - 1].isalnum()) and (end == len(text) or not text[end].isalnum())


class TermMatcher:
    def __init__(self, names: Iterable[Name]) -> None:
        self.names = [n for n in names if n.words]
        self.by_folded: dict[tuple[str, ...], list[Name]] = {}
        # Spellings that are mentions for sure, words joined by single spaces, plural forms included:
        # as the glossary writes them, and all in lower case for names that are not case-sensitive.
        self._exact: dict[str, Name] = {}
        # (name words with one replaced by "*", first letter of that word) -> names. Typos seldom
        # touch the first letter, so this narrows a typo search to a handful of names.
        self.wildcards: dict[tuple[tuple[str, ...], str], list[Name]] = {}
        self.name_words: set[str] = set()
        self._automaton = ahocorasick.Automaton()
        self._by_key: dict[str, list[Name]] = {}  # search key (plural forms included) -> names
        for name in self.names:
            folded = name.folded
            self.by_folded.setdefault(folded, []).append(name)
            written = " ".join(name.words)
            any_case = not any(map(is_case_sensitive, name.words))
            for form in (written, written + "s", written + "es"):
                self._exact.setdefault(form, name)
                if any_case:
                    self._exact.setdefault(form.lower(), name)
            self.name_words.update(folded)
            key = _key(" ".join(folded))
            for form in (key, key + "s", key + "es"):  # plural forms, so matching needs no guessing
                self._by_key.setdefault(form, []).append(name)
            for i, word in enumerate(name.words):
                # Typos are sought in ordinary words only: an acronym one edit away is another acronym.
                if len(word) >= MIN_TYPO_LENGTH and not is_case_sensitive(word):
                    pattern = (*folded[:i], "*", *folded[i + 1:])
                    self.wildcards.setdefault((pattern, folded[i][0]), []).append(name)
        # Every key starts with a space, and so does the text searched (punctuation becomes a space
        # too): a name can only start after a word ends, and the automaton, which has a single edge
        # out of its root, rejects the letters inside words at once instead of trying every name.
        for form in self._by_key:
            self._automaton.add_word(" " + form, len(form))
        if self.names:
            self._automaton.make_automaton()
        # Typo-prone name words by first letter, to drop unknown words that are not close to any.
        words_by_letter: dict[str, set[str]] = {}
        for (pattern, letter), named in self.wildcards.items():
            for name in named:
                words_by_letter.setdefault(letter, set()).add(name.folded[pattern.index("*")])
        self._typo_words = {letter: sorted(words) for letter, words in words_by_letter.items()}
        # (first letter, length) of words that could be a misspelling of some name word.
        self._typo_shapes = {
            (defined[0], length)
            for (pattern, _), named in self.wildcards.items() for name in named
            for defined in [name.folded[pattern.index("*")]]
            for length in range(len(defined) - 2, len(defined) + 3)
        }

        self._judged: set[str] = set()  # lowered tokens already judged by _is_suspect
        self._suspects: dict[str, str] = {}  # judged tokens that are suspects -> the word without punctuation

    @classmethod
    def of(cls, spellings: Iterable[tuple[str, str]]) -> TermMatcher:
        """A matcher for (name, term id) pairs."""
        return cls(Name(name, term_id, cls.split(name)) for name, term_id in spellings)

    @staticmethod
    def split(name: str) -> tuple[str, ...]:
        return tuple(_WORD.findall(name))

    def mentions(self, text: str) -> list[Mention]:
        return self.scan(text, near_misses=False)[0]

    def scan(self, text: str, near_misses: bool = True) -> tuple[list[Mention], list[NearMiss]]:
        """Exact mentions, and near misses unless `near_misses` is false, in text order."""
        mentions: list[Mention] = []
        misses: list[NearMiss] = []
        if not self.names:
            return mentions, misses
        norm = _Normalised(text)
        lowered = norm.text.lower()
        if len(lowered) != len(norm.text):  # a rare character whose lower case is longer
            lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in norm.text)
        found: list[tuple[int, int]] = []
        keyed = _key(lowered)
        exact, spelled, original, size = self._exact, norm.text, norm.original, len(lowered)
        collapsed = norm.collapsed
        for stop, length in self._automaton.iter_long(" " + keyed):
            # The search text has one extra character in front, so `stop` is the end in `lowered`.
            start = stop - length
            if stop < size and lowered[stop].isalnum():  # the start is a word boundary by construction
                continue
            o_start, o_end = (original(start), original(stop - 1) + 1) if collapsed else (start, stop)
            name = exact.get(spelled[start:stop])  # written exactly as the glossary does: most mentions
            if name is not None:
                mentions.append(_mention((o_start, o_end, name.term_id, name.text)))
                found.append((start, stop))
                continue
            words = _WORD.findall(text[o_start:o_end])
            name = self._verify(words)
            if name is not None:
                mentions.append(Mention(o_start, o_end, name.term_id, name.text))
                found.append((start, stop))
                continue
            if not near_misses:
                continue
            surface = text[o_start:o_end]
            spellings = self._spellings(words)
            if spellings and surface != surface.lower():
                misses.append(NearMiss(o_start, o_end, surface, spellings[0].term_id,
                                       tuple(s.text for s in spellings), "case"))
            elif not spellings and (miss := self._look_alike(keyed[start:stop], words, surface, o_start, o_end)):
                misses.append(miss)
            found.append((start, stop))
        if near_misses:
            reported = [(m.start, m.end) for m in misses]
            misses += [t for t in self._typos(text, norm, lowered, found)
                       if not any(t.start < end and start < t.end for start, end in reported)]
            misses.sort(key=lambda m: m.start)
        return mentions, misses

    def _look_alike(self, key: str, words: list[str], surface: str, start: int, end: int) -> NearMiss | None:
        """Letters that differ from a name only by look-alike characters, case kept ("Generative Al")."""
        if len(key) <= 3:
            return None  # a lone short word ("Al" in "Al-Rfou") is too often a name; "Generative Al" is caught whole
        skeleton = _skeleton(" ".join(words))
        alike = [n for n in self._by_key[key]
                 if skeleton in {(base := _skeleton(" ".join(n.words))), base + "s", base + "es"}]
        if not alike:
            return None
        return NearMiss(start, end, surface, alike[0].term_id, tuple(a.text for a in alike), "look-alike")

    def _spellings(self, words: list[str]) -> list[Name]:
        folded = tuple(w.casefold() for w in words)
        found = list(self.by_folded.get(folded, []))
        if folded[-1].endswith("s"):
            found += self.by_folded.get((*folded[:-1], folded[-1][:-1]), [])
        if folded[-1].endswith("es"):
            found += self.by_folded.get((*folded[:-1], folded[-1][:-2]), [])
        return found

    def _verify(self, words: list[str]) -> Name | None:
        last = len(words) - 1
        for name in self._spellings(words):
            if len(name.words) == len(words) and all(
                    _word_ok(w, d, k == last) for k, (w, d) in enumerate(zip(words, name.words, strict=True))):
                return name
        return None

    def _typos(self, text: str, norm: _Normalised, lowered: str, found: list[tuple[int, int]]) -> list[NearMiss]:
        """Typos in one word of a longer name whose other words are spelt right ("Genereative AI"),
        and capitalised words one or two edits from a one-word name ("Transfomer")."""
        # Pages share most of their vocabulary, so each distinct token is judged once per process and
        # a page only pays (in C, as a set difference) for the tokens it shares with earlier pages.
        tokens = set(lowered.split())
        for token in tokens - self._judged:
            self._judged.add(token)
            if self._is_suspect(word := token.strip(_PUNCTUATION)):
                self._suspects[token] = word
        if tokens.isdisjoint(self._suspects):  # nearly every page
            return []
        suspects = {self._suspects[t] for t in tokens.intersection(self._suspects)}
        misses: list[NearMiss] = []
        seen: set[tuple[int, int]] = set(found)
        for word in sorted(suspects):
            position = lowered.find(word)
            while position != -1:
                end = position + len(word)
                if _bounded(lowered, position, end):
                    miss = self._typo_around(text, norm, lowered, position, end, seen)
                    if miss is not None:
                        misses.append(miss)
                position = lowered.find(word, end)
        return misses

    def _is_suspect(self, word: str) -> bool:
        """An unknown word whose first letter and length fit some name word, within two edits of one."""
        return (len(word) >= MIN_TYPO_LENGTH and word not in self.name_words and word.isalnum()
                and (word[0], len(word)) in self._typo_shapes
                and process.extractOne(word, self._typo_words[word[0]], scorer=OSA.distance,
                                       score_cutoff=2) is not None)

    def _typo_around(self, text: str, norm: _Normalised, lowered: str, w_start: int, w_end: int,
                     seen: set[tuple[int, int]]) -> NearMiss | None:
        """Try every window of words around the candidate word that could be a misspelt name."""
        word = lowered[w_start:w_end]
        left, right = _neighbours(lowered, w_start, w_end)
        # Only words of some name can stand beside the misspelt one, so stop at the first that is not.
        known_left = 0
        while known_left < len(left) and lowered[slice(*left[-1 - known_left])] in self.name_words:
            known_left += 1
        known_right = 0
        while known_right < len(right) and lowered[slice(*right[known_right])] in self.name_words:
            known_right += 1
        for before in range(known_left, -1, -1):
            for after in range(min(known_right, 3 - before), -1, -1):  # windows of up to four words
                window = [*left[len(left) - before:], (w_start, w_end), *right[:after]]
                context = tuple(lowered[a:b] if (a, b) != (w_start, w_end) else "*" for a, b in window)
                for name in self.wildcards.get((context, word[0]), ()):
                    defined = name.folded[before]
                    limit = 1 if len(defined) < 9 else 2
                    if abs(len(defined) - len(word)) > limit or word == defined:
                        continue
                    if OSA.distance(word, defined, score_cutoff=limit) > limit:  # a swap is one edit
                        continue
                    if _is_inflection(word, defined):
                        continue
                    original = norm.text[w_start:w_end]
                    if any(c.isupper() for c in original[1:]) or _is_known_word(word):
                        return None  # a CamelCase name (EnCodec) or an ordinary word (Images, Mistral, logins)
                    start, end = window[0][0], window[-1][1]
                    if (start, end) in seen:
                        return None
                    seen.add((start, end))
                    o_start, o_end = norm.original(start), norm.original(end - 1) + 1
                    return NearMiss(o_start, o_end, text[o_start:o_end], name.term_id, (name.text,), "typo")
        return None


def _is_known_word(word: str) -> bool:
    """An English word, or the plural of one the word list only has in the singular."""
    return is_english_word(word) or (word.endswith("s") and len(word) > 4 and is_english_word(word[:-1]))


def _neighbours(text: str, start: int, end: int, most: int = 3) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Up to `most` words on each side that only single spaces separate from the word at start:end;
    punctuation ends the run (the outermost word may carry it, as in "(Generative AI)")."""
    left: list[tuple[int, int]] = []
    position = start
    while len(left) < most and position >= 2 and text[position - 1] == " ":
        word_start = text.rfind(" ", 0, position - 1) + 1
        token = text[word_start: position - 1]
        core = token.lstrip("(\"'[")
        if not core.isalnum():
            break
        left.insert(0, (position - 1 - len(core), position - 1))
        if core != token:
            break
        position = word_start
    right: list[tuple[int, int]] = []
    position = end
    while len(right) < most and position < len(text) - 1 and text[position] == " ":
        stop = text.find(" ", position + 1)
        stop = len(text) if stop == -1 else stop
        token = text[position + 1: stop]
        core = token.rstrip(".,;:!?)\"']")
        if not core.isalnum():
            break
        right.append((position + 1, position + 1 + len(core)))
        if core != token:
            break
        position = stop
    return left, right
