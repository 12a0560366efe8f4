"""A Content-Security-Policy `<meta>` for each built page: scripts from the site itself and the theme's
own inline scripts (by hash) run; anything a page's content carries, inline handlers included, does not.

GitHub Pages sets no response headers, so the policy travels in the page. It is the second wall:
`kb check` refuses unsafe markup first, and this stops what slips past it or is told to be ignored.
"""

from __future__ import annotations

import base64
import hashlib
import re

_EXECUTABLE = frozenset({"", "text/javascript", "application/javascript", "module", "text/ecmascript"})
_HEAD = re.compile(r"<head(?:\s[^>]*)?>", re.IGNORECASE)
# What the theme needs besides scripts: its styles (Mermaid writes inline ones), inline SVG and data
# images, the search index fetched and the search worker started from the site itself.
_BASE = ("default-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:",
         "font-src 'self' data:", "connect-src 'self'", "worker-src 'self' blob:", "object-src 'none'",
         "base-uri 'self'", "form-action 'self'", "frame-src 'none'")


# A script element's text runs to the first `</script`, as browsers read it (HTML's "script data"),
# so one linear pass finds them without parsing the whole page; a full parse cost 30 ms a page.
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_ATTRIBUTE = re.compile(r"""([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")


def inline_scripts(document: str) -> list[str]:
    """The text of every inline script the browser would run (no `src`, a JavaScript type)."""
    found = []
    for match in _SCRIPT.finditer(document):
        attributes = {m.group(1).lower(): (m.group(2) or m.group(3) or m.group(4) or "")
                      for m in _ATTRIBUTE.finditer(match.group(1))}
        if "src" not in attributes and attributes.get("type", "").strip().lower() in _EXECUTABLE:
            found.append(match.group(2))
    return found


def policy(page: str, content: str) -> str:
    """The policy for a built `page` whose own content (the part its author wrote) is `content`."""
    authored = set(inline_scripts(content))
    hashes = sorted({
        "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
        for script in inline_scripts(page) if script not in authored
    })
    return "; ".join((*_BASE[:1], " ".join(("script-src 'self'", *hashes)), *_BASE[1:]))


def policy_insertion(page: str, content: str) -> list[tuple[int, str]]:
    """Where and what to insert: the policy as the first element of <head>, before any script can run."""
    head = _HEAD.search(page)
    if head is None:
        return []
    return [(head.end(), f'<meta http-equiv="Content-Security-Policy" content="{policy(page, content)}">')]


def add_policy(page: str, content: str) -> str:
    """The page with its policy inserted (see `policy_insertion`)."""
    for offset, meta in policy_insertion(page, content):
        page = page[:offset] + meta + page[offset:]
    return page
