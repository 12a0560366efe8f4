"""Did-you-mean suggestions."""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz, process


def closest(word: str, choices: Iterable[str], cutoff: float = 60.0) -> str | None:
    """The choice most similar to `word`, or None when nothing is close enough."""
    match = process.extractOne(word, list(choices), scorer=fuzz.ratio, score_cutoff=cutoff)
    return match[0] if match else None


def did_you_mean(word: str, choices: Iterable[str], cutoff: float = 60.0) -> str:
    match = closest(word, choices, cutoff)
    return f"Did you mean `{match}`?" if match else ""
