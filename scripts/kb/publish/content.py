"""A page's rendered content as readers get it: the review date, glossary tooltips and first-mention links."""

from __future__ import annotations

from collections.abc import Callable

from kb.config.project import Options
from kb.glossary.annotate import annotate_html
from kb.glossary.model import Glossary
from kb.pages.page import Page
from kb.pages.urls import PageUrl, relative_url
from kb.publish.pages import with_review_date


def glossary_links(options: Options, urls: dict[str, PageUrl], src: str) -> Callable[[str], str] | None:
    """How a page links a term's first mention to its entry on the glossary page, if it does."""
    glossary = options.glossary_page
    if not options.link_first_mention or glossary not in urls or src not in urls:
        return None
    base = relative_url(urls[glossary].url, urls[src].url)
    return lambda term_id: f"{base}#{term_id}"


def page_content(options: Options, glossary: Glossary, pages: dict[str, Page], urls: dict[str, PageUrl],
                 src: str, content: str) -> str:
    """The rendered content (the HTML of the Markdown, without the theme) of one page, for readers."""
    page = pages.get(src)
    if page is not None and options.show_review_date:
        content = with_review_date(content, page.meta.get("last_reviewed"))
    matcher = glossary.matcher
    if src == options.glossary_page or not matcher.names or not (options.tooltips or options.link_first_mention):
        return content
    shorts = glossary.shorts if options.tooltips else {}
    return annotate_html(content, matcher, shorts, glossary_links(options, urls, src),
                         options.tooltips_per_section, options.tooltips_per_100_words)
