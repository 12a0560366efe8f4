"""Small changes to each built page: the review date under the title, the site name said once."""

from __future__ import annotations

import datetime
import html
import re

_H1_END = re.compile(r"</h1>", re.IGNORECASE)
_BUNDLE_SCRIPT = re.compile(r'<script src="[^"]*assets/javascripts/bundle\.[0-9a-f]+\.min\.js"></script>')
# A tag's heading on the tags index, as Material writes it: the label in a span, then a permalink.
_TAG_HEADING = re.compile(r'(<h2 id="tag:[^"]*">\s*<span class="md-tag">([^<]*)</span>[^\n]*?</h2>)')


def review_date(value: object) -> str | None:
    """`2026-11-03` as readers write it: "3 November 2026"."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, datetime.date):
        return None
    return f"{value.day} {value:%B %Y}"


def with_review_date(content: str, last_reviewed: object) -> str:
    """The page's content with "Reviewed <date>" right after its title, when it has a review date."""
    shown = review_date(last_reviewed)
    if shown is None:
        return content
    assert isinstance(last_reviewed, (datetime.date, str))
    iso = last_reviewed.isoformat() if isinstance(last_reviewed, datetime.date) else last_reviewed
    line = (f'<p class="kb-reviewed"><small>Reviewed <time datetime="{html.escape(iso[:10])}">{shown}'
            "</time>: the facts on this page were checked against their sources on that day.</small></p>")
    end = _H1_END.search(content)
    return content[: end.end()] + line + content[end.end():] if end else line + content


def single_site_name(page: str, site_name: str) -> str:
    """Material titles the home page "Name - Name" when its title is the site's name; say it once."""
    name = html.escape(site_name, quote=False)
    return page.replace(f"<title>{name} - {name}</title>", f"<title>{name}</title>", 1)


def with_tag_descriptions(page: str, descriptions: dict[str, str]) -> str:
    """The tags index with each tag's description (from docs/tags.yml, by label) under its heading."""
    def describe(match: re.Match[str]) -> str:
        description = descriptions.get(html.unescape(match.group(2)).strip())
        if not description:
            return match.group(1)
        return f'{match.group(1)}\n<p class="kb-tag-description">{html.escape(description)}</p>'

    return _TAG_HEADING.sub(describe, page)


def bundle_position(output: str) -> int:
    """Where a script of the site's own goes so that it loads just before the theme's bundle (Material's
    and Zensical's), else before `</body>`; -1 when the page has neither. The bundle sits at the end of
    a page that carries the whole nav, so it is looked for from the end."""
    marker = output.rfind("assets/javascripts/bundle.")
    start = output.rfind("<script", 0, marker) if marker >= 0 else -1
    bundle = _BUNDLE_SCRIPT.match(output, start) if start >= 0 else None
    return bundle.start() if bundle else output.rfind("</body>")
