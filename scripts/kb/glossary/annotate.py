"""Weaving the glossary into rendered HTML: <abbr> tooltips on terms, a link on each first mention.

Calm by policy: a term is marked at most `per_section` times in each section (its first mentions
there), never in headings, links, code, quotations, cited titles or the sources list, and a page
carries at most `per_100_words` marked terms per hundred words. Tags pass through as they are.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from kb.glossary.matcher import TermMatcher

_TOKEN = re.compile(r"(<!--.*?-->|<[^>]*>)", re.S)
_TAG_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)")
SKIPPED = frozenset({
    "a", "abbr", "blockquote", "button", "cite", "code", "h1", "h2", "h3", "h4", "h5", "h6", "kbd", "label",
    "math", "option", "pre", "q", "samp", "script", "select", "style", "svg", "textarea", "title", "var",
})
_HEADING = re.compile(r"<h([1-6])\b([^>]*)>", re.IGNORECASE)
_SOURCES_ID = re.compile(r"""\bid=["']?(?:sources|references|further-reading)\b""", re.IGNORECASE)
_WORD = re.compile(r"\w")


class _Budget:
    """How many marks the policy still allows: per term in the current section, and on the page."""

    def __init__(self, per_section: int, page_total: int | None) -> None:
        self.per_section, self.left = per_section, page_total
        self.in_section: dict[str, int] = {}

    def new_section(self) -> None:
        self.in_section = {}

    def take(self, term_id: str) -> bool:
        used = self.in_section.get(term_id, 0)
        if (self.per_section and used >= self.per_section) or self.left == 0:
            return False
        self.in_section[term_id] = used + 1
        if self.left is not None:
            self.left -= 1
        return True


_UNREAD = frozenset({"code", "pre", "script", "style", "svg", "math", "textarea"})


def readable_words(text: str) -> int:
    """Words a reader reads in rendered HTML: tags, comments, code and scripts left out."""
    words, hidden = 0, 0
    for part in _TOKEN.split(text):
        if part.startswith("<"):
            tag = _TAG_NAME.match(part)
            if tag and tag.group(2).lower() in _UNREAD and not part.endswith("/>"):
                hidden = max(0, hidden + (-1 if tag.group(1) else 1))
        elif part and not hidden:
            words += sum(1 for token in part.split() if _WORD.search(token))  # as readers count words
    return words


def annotate_html(text: str, matcher: TermMatcher, shorts: dict[str, str],
                  link_for: Callable[[str], str] | None, per_section: int = 1, per_100_words: float = 3.0) -> str:
    """Wrap mentions in <abbr title=short> as the policy allows; link the first mention of each term
    when `link_for`. `per_section` or `per_100_words` of 0 lifts that limit."""
    linked: set[str] = set()
    depth: list[str] = []
    out: list[str] = []
    budget = _Budget(per_section, int(readable_words(text) * per_100_words / 100) if per_100_words else None)
    in_sources = False
    for part in _TOKEN.split(text):
        if not part:
            continue
        if part.startswith("<"):
            heading = _HEADING.match(part)
            if heading:
                budget.new_section()
                if heading.group(1) in "12":  # the sources list runs to the next section of its level
                    in_sources = bool(_SOURCES_ID.search(heading.group(2)))
            tag = _TAG_NAME.match(part)
            if tag and tag.group(2).lower() in SKIPPED and not part.endswith("/>"):
                name = tag.group(2).lower()
                if tag.group(1):
                    if name in depth:
                        del depth[len(depth) - 1 - depth[::-1].index(name)]
                else:
                    depth.append(name)
            out.append(part)
        elif depth or in_sources:
            out.append(part)
        else:
            out.append(_annotate_text(part, matcher, shorts, link_for, linked, budget))
    return "".join(out)


def _annotate_text(text: str, matcher: TermMatcher, shorts: dict[str, str],
                   link_for: Callable[[str], str] | None, linked: set[str], budget: _Budget) -> str:
    pieces: list[str] = []
    last = 0
    for mention in matcher.mentions(text):
        surface = text[mention.start: mention.end]
        if "&" in surface or ";" in surface:  # never split an entity
            continue
        if not budget.take(mention.term_id):
            continue
        short = shorts.get(mention.term_id, "")
        wrapped = f'<abbr title="{html.escape(short, quote=True)}">{surface}</abbr>' if short else surface
        if link_for is not None and mention.term_id not in linked:
            linked.add(mention.term_id)
            wrapped = f'<a class="kb-term" href="{html.escape(link_for(mention.term_id), quote=True)}">{wrapped}</a>'
        pieces += [text[last: mention.start], wrapped]
        last = mention.end
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)
