"""Front-matter as the theme reads it, and the meta tags it asks for that the theme does not write
(keywords, and noindex for unlisted pages)."""

from __future__ import annotations

import html
from typing import Any

from kb.pages.page import Page
from kb.pages.tags import Tag


def head_tags(page: Page) -> list[str]:
    """The `<meta>` elements a built page gets from its front-matter, beyond the description."""
    tags = []
    keywords = page.meta.get("keywords")
    if isinstance(keywords, list) and keywords:
        content = html.escape(", ".join(str(k) for k in keywords), quote=True)
        tags.append(f'<meta name="keywords" content="{content}">')
    if page.unlisted:
        tags.append('<meta name="robots" content="noindex">')
    return tags


def meta_insertion(output: str, page: Page) -> list[tuple[int, str]]:
    """Where and what to insert: the page's keywords and robots tags at the end of its `<head>`."""
    extra = head_tags(page)
    at = output.find("</head>") if extra else -1
    return [(at, "\n".join(extra) + "\n")] if at >= 0 else []


def theme_meta(page: Page, tags: dict[str, Tag] | None) -> dict[str, Any]:
    """The page's front-matter as the theme should get it: the description escaped (Material writes it
    into an attribute as it is), tags by their labels (keys from tags.yml, and Docusaurus' inline
    `{label, permalink}` tags), and an unlisted page left out of search."""
    meta = dict(page.meta)
    if isinstance(meta.get("description"), str):
        meta["description"] = html.escape(meta["description"], quote=True)
    if isinstance(meta.get("tags"), list):
        meta["tags"] = [t.get("label") if isinstance(t, dict) else
                        tags[t].label if tags and isinstance(t, str) and t in tags else t for t in meta["tags"]]
    if page.unlisted:
        search = meta.get("search")
        meta["search"] = {**(search if isinstance(search, dict) else {}), "exclude": True}
    return meta
