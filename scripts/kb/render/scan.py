"""A page's links, ids, markup and readable text, from its render, each placed at a file line and column.

The facts come from Python-Markdown (see `render.facts`); the source only says where each one was
written, found by searching the page body for the target as written. What cannot be found there
(text pulled in by snippets, a target spelt with escapes) is placed at the body's first line.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass, field
from typing import NamedTuple

from kb.render.facts import GLOSSARY_MARKER, Renderer, RenderFacts

__all__ = ["GLOSSARY_MARKER", "LinePositions", "Link", "PageScan", "Tag", "placed", "scan_page"]

UNSAFE_TAGS = frozenset({"script", "iframe", "object", "embed", "frame", "frameset", "applet", "base", "link",
                         "portal", "fencedframe"})
URL_ATTRIBUTES = frozenset({"content", "action", "formaction", "xlink:href", "poster", "srcset", "data",
                            "values", "to", "from"})


# NamedTuples rather than dataclasses: tens of thousands are rebuilt from the cache on every run.
class Link(NamedTuple):
    kind: str  # "link" or "image" (MkDocs resolves these), "html" (raw HTML, left as is)
    target: str
    line: int
    column: int
    attribute: str = ""  # for raw HTML: the attribute (href, src) it came from


class Tag(NamedTuple):
    name: str
    attributes: tuple[tuple[str, str], ...]
    line: int
    column: int


@dataclass
class PageScan:
    links: list[Link] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)  # every id the render offers as a #fragment
    tags: list[Tag] = field(default_factory=list)  # start tags worth a look: unsafe names, handlers, URLs
    terms: dict[str, int] = field(default_factory=dict)  # glossary term id -> line of its first mention
    glossary_markers: int = 0  # how many <!-- kb:glossary --> markers the page holds
    # The readable text and the page body it came from; neither is cached.
    prose: str = field(default="", repr=False, compare=False)
    body: str = field(default="", repr=False, compare=False)
    first_line: int = field(default=1, repr=False, compare=False)
    _positions: LinePositions | None = field(default=None, repr=False, compare=False)

    def place(self, needle: str, after: int = 0, word: bool = False) -> tuple[int, int, int]:
        """File line, column and the offset just past `needle` in the body, found at or after
        `after`, else anywhere; `word` skips matches inside longer words."""
        offset = self._find(needle, after, word) if needle else -1
        if offset < 0 and needle and after:
            offset = self._find(needle, 0, word)
        if offset < 0:
            return self.first_line, 1, after
        if self._positions is None:
            self._positions = LinePositions(self.body, self.first_line)
        line, column = self._positions.at(offset)
        return line, column, offset + len(needle)

    def _find(self, needle: str, start: int, word: bool) -> int:
        body = self.body
        offset = body.find(needle, start)
        while word and offset >= 0 and (
                (offset > 0 and body[offset - 1].isalnum())
                or (offset + len(needle) < len(body) and body[offset + len(needle)].isalnum())):
            offset = body.find(needle, offset + 1)
        return offset


class LinePositions:
    """Maps offsets in a text to file line and column; the text's first line is file line `first_line`."""

    def __init__(self, text: str, first_line: int) -> None:
        # Line i starts after the lengths of lines 0..i-1 plus one newline each.
        lengths = itertools.accumulate(map(len, text.split("\n")), initial=0)
        self.starts = [total + index for index, total in enumerate(lengths)]
        self.first_line = first_line

    def at(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.starts, offset) - 1
        return self.first_line + index, offset - self.starts[index] + 1


def _worth_a_look(name: str, attributes: tuple[tuple[str, str], ...]) -> bool:
    # href and src are read as links; the other URL attributes only matter for their scheme.
    return name in UNSAFE_TAGS or any(k.startswith("on") or k in URL_ATTRIBUTES for k, _ in attributes)


def scan_page(renderer: Renderer, body: str, first_line: int, prose: bool = True) -> PageScan:
    """Render the body of a page (its first line is file line `first_line`) and place what it holds.
    `prose` keeps the readable text, which only glossary terms need."""
    return placed(renderer.render(body), body, first_line, prose)


def placed(facts: RenderFacts, body: str, first_line: int, prose: bool = True) -> PageScan:
    """What one render of `body` (whichever renderer ran it) holds, each fact at its file line and column."""
    scan = PageScan(ids=sorted(facts.ids), glossary_markers=facts.glossary_markers, body=body, first_line=first_line)
    cursor = 0
    for kind, target in facts.links:
        line, column, cursor = scan.place(target, cursor)
        scan.links.append(Link(kind, target, line, column))
    raw_cursor = 0
    for _, attribute, value in facts.raw_links:
        # The HTML parser decoded entities; a value written with them is found by its attribute.
        needle = value if value and value in body else f"{attribute}="
        line, column, raw_cursor = scan.place(needle, raw_cursor)
        scan.links.append(Link("html", value, line, column, attribute))
    for name, attributes in facts.tags:
        if _worth_a_look(name, attributes):
            line, column, _ = scan.place(f"<{name}")
            scan.tags.append(Tag(name, attributes, line, column))
    if prose:
        scan.prose = facts.text
    return scan
