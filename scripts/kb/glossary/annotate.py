"""Weaving the glossary into rendered HTML: <abbr> tooltips on terms, a link on each first mention.

Only text outside code, headings, links and similar elements is touched; tags pass through as is.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from kb.glossary.matcher import TermMatcher

_TOKEN = re.compile(r"(<!--.*?-->|<[^>]*>)", re.S)
_TAG_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)")
SKIPPED = frozenset({
    "a", "abbr", "button", "code", "h1", "h2", "h3", "h4", "h5", "h6", "kbd", "label", "math", "option",
    "pre", "samp", "script", "select", "style", "svg", "textarea", "title", "var",
})


def annotate_html(text: str, matcher: TermMatcher, shorts: dict[str, str],
                  link_for: Callable[[str], str] | None) -> str:
    """Wrap every mention in <abbr title=short>; link the first mention of each term when `link_for`."""
    linked: set[str] = set()
    depth: list[str] = []
    out: list[str] = []
    for part in _TOKEN.split(text):
        if not part:
            continue
        if part.startswith("<"):
            tag = _TAG_NAME.match(part)
            if tag and tag.group(2).lower() in SKIPPED and not part.endswith("/>"):
                name = tag.group(2).lower()
                if tag.group(1):
                    if name in depth:
                        del depth[len(depth) - 1 - depth[::-1].index(name)]
                else:
                    depth.append(name)
            out.append(part)
        elif depth:
            out.append(part)
        else:
            out.append(_annotate_text(part, matcher, shorts, link_for, linked))
    return "".join(out)


def _annotate_text(text: str, matcher: TermMatcher, shorts: dict[str, str],
                   link_for: Callable[[str], str] | None, linked: set[str]) -> str:
    pieces: list[str] = []
    last = 0
    for mention in matcher.mentions(text):
        surface = text[mention.start: mention.end]
        if "&" in surface or ";" in surface:  # never split an entity
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
