"""One pass over the project: load every page, run every check, compute URLs.

The CLI and the MkDocs plugin both call `analyse`, so a build sees exactly what `kb check` sees.
"""

from __future__ import annotations

from dataclasses import dataclass

from .checks.frontmatter import check_front_matter
from .checks.links import LinkIndex, LinkReport, check_links, iter_nav_sources, orphan_findings
from .findings import Finding, sort_findings
from .nav import in_built_nav
from .page import Page, discover_files, load_page
from .project import Project
from .scan import PageScan, scan_markdown
from .tags import Tag, load_tags
from .urls import PageUrl, compute_urls


@dataclass
class Analysis:
    project: Project
    pages: dict[str, Page]
    urls: dict[str, PageUrl]
    tags: dict[str, Tag] | None
    links: LinkReport
    index: LinkIndex
    findings: list[Finding]


def analyse(project: Project) -> Analysis:
    findings: list[Finding] = []
    tags, tag_findings = load_tags(project)
    findings += tag_findings
    tags_rel = project.rel(project.tags_path)
    pages: dict[str, Page] = {}
    scans: dict[str, PageScan] = {}
    assets: set[str] = set()
    for src in discover_files(project.docs_dir):
        if not src.endswith(".md"):
            assets.add(src)
            continue
        page, page_findings = load_page(project, src)
        pages[src] = page
        findings += page_findings
        findings += check_front_matter(page, tags, tags_rel)
        if page.text is not None:
            scans[src] = scan_markdown(page.content, page.content_line)
    urls, url_findings = compute_urls(list(pages.values()), project.use_directory_urls)
    findings += url_findings
    index = LinkIndex(pages, urls, scans, assets, project.slugify, project.slug_separator, project.site_url)
    links = check_links(index)
    in_nav = set(iter_nav_sources(project.nav)) if project.nav else {s for s, p in pages.items() if in_built_nav(p)}
    findings += links.findings + orphan_findings(index, links.inbound, in_nav)
    return Analysis(project, pages, urls, tags, links, index, sort_findings(findings))
