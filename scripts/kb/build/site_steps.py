"""Steps over a built `site/` that give a renderer without the kb plugin what the plugin adds during a build.

Each step is the kb.publish function the MkDocs plugin calls too, so a feature has one implementation:
review dates, tooltips and first-mention links, keywords and noindex meta, tag descriptions, diagrams,
the Content-Security-Policy, redirect pages, the sitemap without unlisted pages, glossary names and
spelling variants in the search index, copies for language models and trimmed assets.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote as urlquote

from kb.build.prepare import CONTENT_END, CONTENT_START
from kb.check.analysis import Analysis
from kb.config.project import Project
from kb.pages.nav import in_built_nav
from kb.publish.content import page_content
from kb.publish.csp import add_policy
from kb.publish.diagrams import BuildDiagrams
from kb.publish.finish import PageFinisher
from kb.publish.llms import write_site_copies
from kb.publish.redirects import built_dests, write_redirects
from kb.publish.search import add_material_fields, add_text_synonyms, page_names
from kb.publish.sitemap import prune_sitemap
from kb.publish.trim import remove_source_maps, remove_unused_languages

log = logging.getLogger("kb.build")

_ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">')
_ARTICLE_TAG = re.compile(r"<(/?)article\b", re.IGNORECASE)
MAX_PAGE_BYTES = 16 * 1024 * 1024  # a built page larger than this is left as the renderer wrote it


@dataclass(frozen=True)
class SiteInfo:
    """The settings of mkdocs.yml the steps need besides the project."""

    site_name: str
    site_description: str
    site_url: str


def content_span(page: str) -> tuple[int, int, int, int] | None:
    """Where the rendered Markdown of a prepared page starts and ends, and where the markers around it
    start and end (to remove them)."""
    start = page.find(CONTENT_START)
    end = page.find(CONTENT_END, start + 1) if start >= 0 else -1
    if start < 0 or end < 0:
        return None
    return start + len(CONTENT_START), end, start, end + len(CONTENT_END)


def article_span(page: str) -> tuple[int, int] | None:
    """Start and end of the content inside the theme's `<article class="md-content__inner md-typeset">`
    (Material's and Zensical's shape), nested articles included."""
    start = _ARTICLE.search(page)
    if start is None:
        return None
    depth = 1
    for match in _ARTICLE_TAG.finditer(page, start.end()):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return start.end(), match.start()
    return None


def apply_page_steps(site: Path, project: Project, analysis: Analysis, info: SiteInfo) -> list[str]:
    """Every built page of the analysis through the per-page steps; returns the pages that were not found
    where their URL says (as warnings for the caller to report)."""
    options = project.options
    descriptions = {t.label: t.description for t in (analysis.tags or {}).values()}
    diagrams = BuildDiagrams(project.mermaid_path, project.root / ".cache" / "diagrams",
                             options.prerender_diagrams, log.info)
    # No site scripts: kb's forgiving search wraps Material's search worker, which Zensical does not have.
    finisher = PageFinisher(options, info.site_name, descriptions, diagrams, project.mermaid_path is not None)
    missing = []
    done: set[Path] = set()
    try:
        for src, page in analysis.pages.items():
            if page.draft:
                continue
            url = analysis.urls[src]
            path = site / url.dest
            if not path.is_file() or path.stat().st_size > MAX_PAGE_BYTES:
                missing.append(src)
                continue
            output = path.read_text(encoding="utf-8")
            marked = content_span(output)
            span = marked[2:] if marked is not None else article_span(output)
            content = ""
            if span is not None:
                inner = output[marked[0]: marked[1]] if marked is not None else output[span[0]: span[1]]
                content = page_content(project.options, analysis.glossary, analysis.pages, analysis.urls,
                                       src, inner)
                output = output[: span[0]] + content + output[span[1]:]
            path.write_text(finisher.finish(output, page, url.url, content), encoding="utf-8")
            done.add(path)
    finally:
        diagrams.close()
    if options.content_security_policy:  # 404.html and other theme pages: no authored content
        for path in sorted(site.rglob("*.html")):
            if path not in done and path.stat().st_size <= MAX_PAGE_BYTES:
                text = path.read_text(encoding="utf-8")
                if "Content-Security-Policy" not in text:
                    path.write_text(add_policy(text, ""), encoding="utf-8")
    return missing


def unlisted_urls(analysis: Analysis, site_url: str) -> set[str]:
    """The canonical addresses of unlisted pages, as sitemaps write them."""
    if not site_url:
        return set()
    base = site_url if site_url.endswith("/") else site_url + "/"
    return {base + urlquote(analysis.urls[src].url) for src, page in analysis.pages.items()
            if page.unlisted and not page.draft}


def apply_site_steps(site: Path, project: Project, analysis: Analysis, info: SiteInfo,
                     generated: dict[str, str]) -> None:
    """The steps over the whole site, after the pages: redirects, sitemap, search, copies, trimming."""
    options = project.options
    if options.redirects:
        write_redirects(site, analysis.urls, built_dests(site, analysis.urls))
    prune_sitemap(site, unlisted_urls(analysis, info.site_url))
    names = page_names(analysis.glossary, analysis.index.scans)
    by_url = {u.url: names[src] for src, u in analysis.urls.items() if src in names}
    hidden = {analysis.urls[src].url for src, page in analysis.pages.items() if not in_built_nav(page)}
    add_material_fields(site / "search" / "search_index.json", by_url, options.forgiving_search)
    add_text_synonyms(site / "search.json", by_url, hidden, options.forgiving_search)
    if options.trim_assets:
        remove_source_maps(site)
        remove_unused_languages(site)
    if options.llms_txt:
        urls = {src: u.url for src, u in analysis.urls.items()}
        write_site_copies(site, project, analysis.pages, urls, info.site_name, info.site_description,
                          info.site_url, generated)
