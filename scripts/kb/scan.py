"""Extracting links, headings and ids from a page body, with file line and column.

A single line-based block pass classifies each line as Markdown, code or raw HTML, tracking the
indented bodies of admonitions, details, tabs and lists (content, not code). Code is blanked out
(keeping offsets), then inline constructs are found with small regular expressions, so every
position maps straight back to the file.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field
from typing import NamedTuple

# Block-level tags that start a raw HTML block in Python-Markdown.
_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "canvas", "center", "details", "dialog", "div", "dl",
    "embed", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "iframe", "main", "nav", "noscript", "object", "ol", "p", "pre", "script", "section",
    "style", "table", "ul", "video",
})
GLOSSARY_MARKER = "<!-- kb:glossary -->"
_FENCE_OPEN = re.compile(r"^(\s*)(`{3,}|~{3,})(.*)$")
_CONTAINER = re.compile(r"^(\s*)(?:!!!|\?\?\?\+?|===[+!]?)\s")
_LIST_ITEM = re.compile(r"^(\s*)(?:[-*+]|\d{1,9}[.)])(?:\s+|$)")
_ATX = re.compile(r"^\s*(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^\s*(=+|-+)\s*$")
_REF_DEF = re.compile(r"""^\s{0,3}\[([^\]]+)\]:[ \t]*(<[^>\n]*>|\S+)(?:[ \t]+(?:"[^"]*"|'[^']*'|\([^)]*\)))?[ \t]*$""")
_ATTR_LIST = re.compile(r"\{:?[ \t]*([^}\n]*)\}[ \t]*$")
_ATTR_ID = re.compile(r"(?:^|\s)#([^\s}#.]+)")
_HTML_START = re.compile(r"^<([a-zA-Z][a-zA-Z0-9-]*)(?=[\s/>]|$)")
_TAG = re.compile(
    r"""<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*/?>"""
)
_ATTR = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_CODE_SPAN = re.compile(r"(?<!\\)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
_AUTOLINK = re.compile(r"<((?:[a-zA-Z][a-zA-Z0-9+.-]{1,31}):[^\s<>]*)>|<([^\s<>@]+@[^\s<>@]+\.[^\s<>@]+)>")
_FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\](?!:)")
_BARE_URL = re.compile(r"\b(?:https?|ftp)://[^\s<>\])]+|\bwww\.[^\s<>\])]+")
_INLINE_ATTRS = re.compile(r"\{:?[ \t]*[#.][^}\n]*\}")


# NamedTuples rather than dataclasses: tens of thousands are rebuilt from the cache on every run.
class Link(NamedTuple):
    kind: str  # "link", "image", "reference", "autolink", "html"
    target: str
    line: int
    column: int
    attribute: str = ""  # for raw HTML: the attribute (href, src) it came from


class Heading(NamedTuple):
    level: int
    text: str  # the Markdown source of the heading text
    line: int
    column: int
    explicit_id: str | None


class Tag(NamedTuple):
    name: str
    attributes: tuple[tuple[str, str], ...]
    line: int
    column: int


@dataclass
class PageScan:
    links: list[Link] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    ids: list[tuple[str, int]] = field(default_factory=list)  # attr_list and raw HTML ids, with lines
    tags: list[Tag] = field(default_factory=list)  # raw HTML start tags
    footnotes: list[str] = field(default_factory=list)  # ids the footnotes extension will add
    terms: dict[str, int] = field(default_factory=dict)  # glossary term id -> line of its first mention
    glossary_markers: int = 0  # how many <!-- kb:glossary --> markers the page holds
    # The readable text (no code, markup, URLs or link targets), offsets kept, and the way from
    # those offsets to file lines; neither is cached.
    prose: str = field(default="", repr=False, compare=False)
    first_line: int = field(default=1, repr=False, compare=False)
    positions: LinePositions | None = field(default=None, repr=False, compare=False)


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

    def line(self, offset: int) -> int:
        return self.first_line + bisect.bisect_right(self.starts, offset) - 1


def _indent(line: str) -> int:
    width = 0
    for ch in line:
        if ch == " ":
            width += 1
        elif ch == "\t":
            width += 4 - width % 4
        else:
            break
    return width


def _blank(text: str, fill: str = " ") -> str:
    return re.sub(r"[^\n]", fill, text)


def scan_markdown(body: str, first_line: int, prose: bool = True) -> PageScan:
    """Scan a page body whose first line is line `first_line` of the file. `prose` asks for the
    readable text as well, which only glossary terms need; it adds about a tenth to the scan."""
    lines = body.split("\n")
    md_lines: list[str] = []
    html_lines: list[str] = []
    result = PageScan()
    definitions: dict[str, tuple[str, int, int]] = {}
    fence: tuple[str, int] | None = None
    containers: list[int] = []
    html_tag: str | None = None
    html_depth = 0
    prev_blank = True
    in_code = False
    paragraph: tuple[str, int] | None = None  # the previous Markdown text line, for setext headings

    for number, line in enumerate(lines):
        file_line = first_line + number
        md, html = "", ""
        stripped = line.strip()
        if fence is not None:
            close = _FENCE_OPEN.match(line)
            closes = close and close.group(2)[0] == fence[0] and len(close.group(2)) >= fence[1]
            if closes and close and not close.group(3).strip():
                fence = None
        elif html_tag is not None:
            html = line
            html_depth += len(re.findall(rf"<{html_tag}(?=[\s/>])", line, re.I))
            html_depth -= len(re.findall(rf"</{html_tag}\s*>", line, re.I))
            if html_depth <= 0:
                html_tag = None
        elif not stripped:
            prev_blank = True
            paragraph = None
            md_lines.append("")
            html_lines.append("")
            continue
        else:
            indent = _indent(line)
            while containers and containers[-1] > indent:
                containers.pop()
            base = containers[-1] if containers else 0
            if in_code and indent >= base + 4:
                pass
            elif indent >= base + 4 and prev_blank and paragraph is None:
                in_code = True
            else:
                in_code = False
                md, html, fence_open, heading_done = _block_line(
                    line, indent, base, file_line, containers, result, definitions, paragraph)
                if fence_open:
                    fence = fence_open
                    md = ""
                start = _HTML_START.match(line)
                if (start and not containers and indent == 0 and start.group(1).lower() in _BLOCK_TAGS
                        and "markdown" not in line.split(">", 1)[0]):
                    html_tag = start.group(1)
                    html_depth = len(re.findall(rf"<{html_tag}(?=[\s/>])", line, re.I))
                    html_depth -= len(re.findall(rf"</{html_tag}\s*>", line, re.I))
                    md, html = "", line
                    if html_depth <= 0:
                        html_tag = None
                paragraph = (md, file_line) if md and not heading_done and not fence_open else None
            prev_blank = False
        md_lines.append(md)
        html_lines.append(html)

    _inline(result, "\n".join(md_lines), "\n".join(html_lines), first_line, definitions, prose)
    result.glossary_markers = sum(1 for line in html_lines + md_lines if GLOSSARY_MARKER in line)
    return result


def _block_line(
    line: str, indent: int, base: int, file_line: int, containers: list[int], result: PageScan,
    definitions: dict[str, tuple[str, int, int]], paragraph: tuple[str, int] | None,
) -> tuple[str, str, tuple[str, int] | None, bool]:
    """Classify one Markdown line; returns (markdown text, html text, fence opened, is heading)."""
    fence = _FENCE_OPEN.match(line)
    if fence and indent - base < 4 and not (fence.group(2)[0] == "`" and "`" in fence.group(3)):
        return "", "", (fence.group(2)[0], len(fence.group(2))), False
    container = _CONTAINER.match(line)
    if container:
        containers.append(indent + 4)
        return "", "", None, True
    item = _LIST_ITEM.match(line)
    if item and not _SETEXT.match(line):
        containers.append(indent + 4)
    atx = _ATX.match(line)
    if atx and indent - base < 4:
        text, explicit = _split_attr_list(atx.group(2) or "")
        result.headings.append(Heading(len(atx.group(1)), text, file_line, indent + 1, explicit))
        return line, "", None, True
    if paragraph is not None and _SETEXT.match(line) and not item:
        text, explicit = _split_attr_list(paragraph[0].strip())
        result.headings.append(Heading(1 if "=" in line else 2, text, paragraph[1], 1, explicit))
        return "", "", None, True
    ref = _REF_DEF.match(line)
    if ref and not ref.group(1).startswith("^"):
        target = ref.group(2)[1:-1] if ref.group(2).startswith("<") else ref.group(2)
        label = " ".join(ref.group(1).lower().split())
        definitions.setdefault(label, (target, file_line, line.index(ref.group(2), line.index("]:")) + 1))
        return "", "", None, False
    if line.lstrip().startswith("[^") and "]:" in line:
        label = line.lstrip()[2: line.lstrip().index("]")]
        result.footnotes.append(f"fn:{label}")
        return line[line.index("]:") + 2:].rjust(len(line)), "", None, False
    attrs = _ATTR_LIST.search(line)
    if attrs and line.strip().startswith("{"):
        result.ids += [(m.group(1), file_line) for m in _ATTR_ID.finditer(attrs.group(1))]
        return "", "", None, False
    if attrs:
        result.ids += [(m.group(1), file_line) for m in _ATTR_ID.finditer(attrs.group(1))]
    return line, "", None, False


def _split_attr_list(text: str) -> tuple[str, str | None]:
    attrs = _ATTR_LIST.search(text)
    if not attrs:
        return text.strip(), None
    ids = _ATTR_ID.findall(attrs.group(1))
    return text[: attrs.start()].strip(), (ids[-1] if ids else None)


def _inline(result: PageScan, md: str, html: str, first_line: int,
            definitions: dict[str, tuple[str, int, int]], prose: bool) -> None:
    positions = LinePositions(md, first_line)
    md = _COMMENT.sub(lambda m: _blank(m.group(0)), md)
    html = _COMMENT.sub(lambda m: _blank(m.group(0)), html)
    md = _CODE_SPAN.sub(lambda m: _blank(m.group(0)), md)
    for m in _AUTOLINK.finditer(md):
        target = m.group(1) or f"mailto:{m.group(2)}"
        result.links.append(Link("autolink", target, *positions.at(m.start() + 1)))
    md = _AUTOLINK.sub(lambda m: _blank(m.group(0)), md)
    blank: list[tuple[int, int]] = []  # spans of md that are not prose
    for source, where in ((md, positions), (html, LinePositions(html, first_line))):
        for m in _TAG.finditer(source):
            if source is md:
                blank.append(m.span())
            if m.group(1):
                continue
            line, column = where.at(m.start())
            attributes = tuple(
                (a.group(1).lower(), a.group(2) if a.group(2) is not None else (a.group(3) or a.group(4) or ""))
                for a in _ATTR.finditer(m.group(3))
            )
            result.tags.append(Tag(m.group(2).lower(), attributes, line, column))
            for name, value in attributes:
                if name in ("href", "src"):
                    offset = m.start() + m.group(0).find(value) if value else m.start()
                    result.links.append(Link("html", value, *where.at(offset), attribute=name))
                elif name == "id" or (name == "name" and m.group(2).lower() == "a"):
                    result.ids.append((value, line))
    used: set[str] = set()
    footnotes = [m.span() for m in _FOOTNOTE_REF.finditer(md)] if "[^" in md else []
    _markdown_links(md, positions, definitions, used, result, blank)
    if prose:
        blank += footnotes + _bare_urls(md)
        if "{" in md:
            blank += [m.span() for m in _INLINE_ATTRS.finditer(md)]
        result.prose, result.first_line, result.positions = _blank_spans(md, blank), first_line, positions
    for start, end in footnotes:
        result.footnotes.append(f"fnref:{md[start + 2: end - 1]}")
    # Only definitions that a link uses become links: Python-Markdown ignores the others, and so does MkDocs.
    for label, (target, line, column) in definitions.items():
        if label in used:
            result.links.append(Link("reference", target, line, column))


def _bare_urls(md: str) -> list[tuple[int, int]]:
    """Spans of bare URLs. Searching from each `://` and `www.` is much faster than letting the regex
    engine try every position of the page (its pattern starts with a word boundary, not a literal)."""
    spans: list[tuple[int, int]] = []
    for marker, back in (("://", 5), ("www.", 0)):
        position = md.find(marker)
        while position != -1:
            m = _BARE_URL.search(md, max(0, position - back), position + len(marker) + 1)
            if m is None:
                position = md.find(marker, position + 1)
                continue
            m = _BARE_URL.match(md, m.start())  # the search was cut off at the marker; take the whole URL
            assert m is not None
            spans.append(m.span())
            position = md.find(marker, m.end())
    return spans


def _closing_bracket(text: str, start: int) -> int:
    depth = 0
    i = start
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                return i
        elif ch == "\n" and i + 1 < len(text) and text[i + 1] == "\n":
            return -1  # links do not span paragraphs
        i += 1
    return -1


_SIMPLE_DESTINATION = re.compile(r"""\([ \t]*([^\s()<>\\]*)(?:[ \t]+(?:"[^"\n]*"|'[^'\n]*'))?[ \t]*\)""")


def _destination(text: str, start: int) -> tuple[str, int, int] | None:
    """Parse `(dest "title")` at text[start] == "("; returns (dest, dest offset, end offset)."""
    simple = _SIMPLE_DESTINATION.match(text, start)
    if simple:  # the common case, without nested parentheses, escapes or angle brackets
        return simple.group(1), simple.start(1), simple.end()
    i = start + 1
    while i < len(text) and text[i] in " \t\n":
        i += 1
    if i < len(text) and text[i] == "<":
        end = text.find(">", i)
        if end == -1 or "\n" in text[i:end]:
            return None
        dest, dest_at, i = text[i + 1: end], i + 1, end + 1
    else:
        dest_at, depth = i, 0
        while i < len(text) and not text[i].isspace():
            if text[i] == "\\":
                i += 2
                continue
            if text[i] == "(":
                depth += 1
            elif text[i] == ")":
                if depth == 0:
                    break
                depth -= 1
            i += 1
        dest = text[dest_at:i]
    close = text.find(")", i)
    if close == -1 or (text[i:close].strip() and text[i:close].strip()[0] not in "\"'("):
        return None
    return dest, dest_at, close + 1


# What prose has where a link target, a URL or a tag was: not a space, so that words on either side
# never join into a name, and no run of spaces to collapse before searching.
PROSE_GAP = "\x00"


def _blank_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with the spans (which may overlap) filled with PROSE_GAP, newlines kept."""
    pieces: list[str] = []
    done = 0
    for start, end in sorted(spans):
        start = max(start, done)
        if end <= start:
            continue
        gap = text[start:end]
        pieces += [text[done:start], _blank(gap, PROSE_GAP) if "\n" in gap else PROSE_GAP * (end - start)]
        done = end
    return "".join(pieces) + text[done:]


def _markdown_links(md: str, positions: LinePositions, definitions: dict[str, tuple[str, int, int]],
                    used: set[str], result: PageScan, blank: list[tuple[int, int]]) -> None:
    i = md.find("[")
    while i != -1:
        if (i > 0 and md[i - 1] == "\\") or md.startswith("[^", i):
            i = md.find("[", i + 1)
            continue
        image = i > 0 and md[i - 1] == "!"
        close = _closing_bracket(md, i)
        if close == -1:
            i = md.find("[", i + 1)
            continue
        after = md[close + 1: close + 2]
        if after == "(":
            parsed = _destination(md, close + 1)
            if parsed:
                dest, dest_at, _ = parsed
                kind = "image" if image else "link"
                result.links.append(Link(kind, dest, *positions.at(dest_at if dest else close + 1)))
                blank.append((close + 1, parsed[2]))
                if image:  # alt text is not read as prose
                    blank.append((i - 1, close + 1))
        elif after == "[":
            end = md.find("]", close + 2)
            if end != -1:
                blank.append((close + 1, end + 1))
                label = md[close + 2: end] or md[i + 1: close]
                used.add(" ".join(label.lower().split()))
        else:
            label = " ".join(md[i + 1: close].lower().split())
            if label in definitions:
                used.add(label)
        i = md.find("[", i + 1)
