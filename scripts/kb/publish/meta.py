"""Meta tags that front-matter asks for and the theme does not write: keywords, and noindex for unlisted pages."""

from __future__ import annotations

import html

from kb.pages.page import Page


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


def with_meta(output: str, page: Page) -> str:
    """The built page with its keywords and robots tags at the end of its `<head>`."""
    extra = head_tags(page)
    if not extra:
        return output
    return output.replace("</head>", "\n".join(extra) + "\n</head>", 1)
