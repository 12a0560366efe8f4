"""The steps over a whole built site, after its pages, for every renderer: redirect pages, the sitemap
without unlisted pages, glossary names and spelling variants in the search index, trimmed assets and
the copies for language models."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote as urlquote

from kb.check.analysis import Analysis
from kb.config.project import Project
from kb.pages.nav import in_built_nav
from kb.publish.llms import write_site_copies
from kb.publish.redirects import built_dests, write_redirects
from kb.publish.search import add_material_fields, add_text_synonyms, page_names
from kb.publish.sitemap import prune_sitemap
from kb.publish.trim import remove_source_maps, remove_unused_languages


@dataclass(frozen=True)
class SiteInfo:
    """The settings of mkdocs.yml the steps need besides the project."""

    site_name: str
    site_description: str
    site_url: str


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
