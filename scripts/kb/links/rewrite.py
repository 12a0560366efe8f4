"""Replacing link targets: in a page body at the positions its render placed them, or by pattern in
Markdown kb wrote itself (the glossary page), whose links it has no positions for."""

from __future__ import annotations

import re
from collections.abc import Callable

from kb.render.scan import Link

# Inline links and images `](target "title")` and reference definitions `[x]: target`. Both patterns
# run in linear time: the target is a run of characters that cannot start it again.
_INLINE = re.compile(r"(\]\()(<[^>\n]*>|[^)\s]+)")
_DEFINITION = re.compile(r"^( {0,3}\[[^\]\n]+\]:[ \t]*)(<[^>\n]*>|\S+)", re.MULTILINE)


def rewrite_targets(markdown: str, change: Callable[[str], str]) -> str:
    """Every inline link target and reference definition of Markdown kb generated, through `change`
    (which gets and returns the target as written, `<...>` included)."""
    markdown = _INLINE.sub(lambda m: m.group(1) + change(m.group(2)), markdown)
    return _DEFINITION.sub(lambda m: m.group(1) + change(m.group(2)), markdown)


def apply_rewrites(body: str, body_line: int, rewrites: list[tuple[Link, str]]) -> str:
    lines = body.split("\n")
    # Right to left within a line, so earlier columns stay valid.
    for link, new in sorted(rewrites, key=lambda r: (r[0].line, r[0].column), reverse=True):
        index = link.line - body_line
        if not 0 <= index < len(lines):
            continue
        line, start = lines[index], link.column - 1
        if line[start: start + len(link.target)] == link.target:
            lines[index] = line[:start] + new + line[start + len(link.target):]
    return "\n".join(lines)
