"""A Content-Security-Policy `<meta>` for each built page: scripts from the site itself and the theme's
own inline scripts (by hash) run; anything a page's content carries, inline handlers included, does not.

GitHub Pages sets no response headers, so the policy travels in the page. It is the second wall:
`kb check` refuses unsafe markup first, and this stops what slips past it or is told to be ignored.
"""

from __future__ import annotations

import base64
import hashlib
import html.parser
import re

_EXECUTABLE = frozenset({"", "text/javascript", "application/javascript", "module", "text/ecmascript"})
_HEAD = re.compile(r"<head(?:\s[^>]*)?>", re.IGNORECASE)
# What the theme needs besides scripts: its styles (Mermaid writes inline ones), inline SVG and data
# images, the search index fetched and the search worker started from the site itself.
_BASE = ("default-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:",
         "font-src 'self' data:", "connect-src 'self'", "worker-src 'self' blob:", "object-src 'none'",
         "base-uri 'self'", "form-action 'self'", "frame-src 'none'")


class _InlineScripts(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self._current: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            values = dict(attrs)
            kind = (values.get("type") or "").strip().lower()
            self._current = [] if "src" not in values and kind in _EXECUTABLE else None

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._current is not None:
            self.scripts.append("".join(self._current))
            self._current = None


def inline_scripts(document: str) -> list[str]:
    reader = _InlineScripts()
    reader.feed(document)
    reader.close()
    return reader.scripts


def policy(page: str, content: str) -> str:
    """The policy for a built `page` whose own content (the part its author wrote) is `content`."""
    authored = set(inline_scripts(content))
    hashes = sorted({
        "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
        for script in inline_scripts(page) if script not in authored
    })
    return "; ".join((*_BASE[:1], " ".join(("script-src 'self'", *hashes)), *_BASE[1:]))


def add_policy(page: str, content: str) -> str:
    """The page with its policy as the first element of <head>, before any script can run."""
    head = _HEAD.search(page)
    if head is None:
        return page
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(page, content)}">'
    return page[: head.end()] + meta + page[head.end():]
