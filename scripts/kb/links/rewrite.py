"""Replacing link targets in a page body at the positions where its render placed them."""

from __future__ import annotations

from kb.render.scan import Link


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
