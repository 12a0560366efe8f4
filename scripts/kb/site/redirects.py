"""Redirect stubs written at the old URL of a page that a `slug` moved."""

from __future__ import annotations

import html
import json


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
