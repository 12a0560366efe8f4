"""Redirect pages at the old address of every page that a `slug` moved, written into the built site."""

from __future__ import annotations

import html
import json
from pathlib import Path

from kb.pages.urls import PageUrl, relative_url


def redirect_html(target: str) -> str:
    """A static page that forwards to `target` (a relative URL), keeping any #fragment."""
    attr = html.escape(target, quote=True)
    script_literal = json.dumps(target).replace("<", "\\u003c")
    return (
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>Redirecting</title>\n<meta name=\"robots\" content=\"noindex\">\n"
        f"<link rel=\"canonical\" href=\"{attr}\">\n"
        f"<meta http-equiv=\"refresh\" content=\"0; url={attr}\">\n"
        f"<script>location.replace({script_literal} + location.hash)</script>\n"
        f"</head>\n<body><p>This page has moved to <a href=\"{attr}\">{html.escape(target)}</a>.</p></body>\n</html>\n"
    )


def built_dests(site: Path, urls: dict[str, PageUrl]) -> set[str]:
    """The output files of the pages that the build wrote."""
    return {u.dest for u in urls.values() if (site / u.dest).exists()}


def write_redirects(site: Path, urls: dict[str, PageUrl], built: set[str]) -> None:
    """A stub at each moved page's natural address that forwards to its slug, unless another page took
    that address or the moved page was not built (a draft)."""
    claimed = {u.url for u in urls.values()}
    for page_url in urls.values():
        if not page_url.redirected or page_url.dest not in built or page_url.default_url in claimed:
            continue
        target = site / page_url.default_dest
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(redirect_html(relative_url(page_url.url, page_url.default_url)), encoding="utf-8")
