"""The ids a page offers as #anchors, computed as Python-Markdown's toc extension computes them."""

from __future__ import annotations

import html
import importlib
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from .scan import PageScan

Slugify = Callable[[str, str], str]
# Heading text without these characters renders to itself, so it needs no Markdown pass.
_MARKDOWN_SPECIAL = re.compile(r"[*_`\[\]<>&\\!~=^+{}]")


@lru_cache(maxsize=65536)
def default_slugify(value: str, separator: str) -> str:
    from markdown.extensions.toc import slugify

    return str(slugify(value, separator))


@lru_cache(maxsize=4096)
def heading_text(source: str) -> str:
    """The plain text of a heading, as toc sees it after inline Markdown is rendered."""
    if not _MARKDOWN_SPECIAL.search(source):
        return " ".join(source.split())
    from markdown.extensions.toc import strip_tags

    rendered = _inline_markdown().convert(source)
    inner = rendered[3:-4] if rendered.startswith("<p>") and rendered.endswith("</p>") else rendered
    return html.unescape(strip_tags(inner))


@lru_cache(maxsize=1)
def _inline_markdown() -> Any:
    import markdown

    class _Reset(markdown.Markdown):  # type: ignore[misc]
        def convert(self, source: str) -> str:
            self.reset()
            return str(super().convert(source))

    return _Reset()


def page_anchors(scan: PageScan, slugify: Slugify, separator: str, extra: tuple[str, ...] = ()) -> dict[str, int]:
    """Every id on the page, mapped to the line that creates it."""
    anchors: dict[str, int] = {}
    for ident, line in scan.ids:
        anchors.setdefault(ident, line)
    used = set(anchors)
    used.update(h.explicit_id for h in scan.headings if h.explicit_id)
    counters: dict[str, int] = {}
    from markdown.extensions.toc import unique

    for heading in scan.headings:
        if heading.explicit_id:
            anchors.setdefault(heading.explicit_id, heading.line)
            continue
        ident = unique(slugify(heading_text(heading.text), separator), used, counters)
        anchors.setdefault(ident, heading.line)
    for ident in (*scan.footnotes, *extra):
        anchors.setdefault(ident, 0)
    return anchors


def resolve_callable(reference: Any) -> Slugify | None:
    """Turn a `!!python/name:` or `!!python/object/apply:` reference from mkdocs.yml into a callable."""
    if callable(reference):
        return reference  # type: ignore[no-any-return]
    if not isinstance(reference, PythonReference):
        return None
    module_name, _, attribute = reference.name.rpartition(".")
    try:
        target = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError, ValueError):
        return None
    if reference.call:
        return target(*reference.args, **reference.kwargs)  # type: ignore[no-any-return]
    return target  # type: ignore[no-any-return]


class PythonReference:
    """A `!!python/...` tag from mkdocs.yml, kept unresolved until something needs it."""

    def __init__(self, name: str, call: bool = False, args: tuple[Any, ...] = (), kwargs: dict[str, Any] | None = None):
        self.name, self.call, self.args, self.kwargs = name, call, args, kwargs or {}

    def __repr__(self) -> str:
        return f"!!python/{'object/apply' if self.call else 'name'}:{self.name}"
