"""One pass over the project: load every page, run every check, compute URLs.

The CLI and the MkDocs plugin both call `analyse`, so a build sees exactly what `kb check` sees.
"""

from __future__ import annotations

from dataclasses import dataclass

from .checks.frontmatter import check_front_matter
from .findings import Finding, sort_findings
from .page import Page, discover_pages, load_page
from .project import Project
from .tags import Tag, load_tags
from .urls import PageUrl, compute_urls


@dataclass
class Analysis:
    project: Project
    pages: dict[str, Page]
    urls: dict[str, PageUrl]
    tags: dict[str, Tag] | None
    findings: list[Finding]


def analyse(project: Project) -> Analysis:
    findings: list[Finding] = []
    tags, tag_findings = load_tags(project)
    findings += tag_findings
    tags_rel = project.rel(project.tags_path)
    pages: dict[str, Page] = {}
    for src in discover_pages(project.docs_dir):
        page, page_findings = load_page(project, src)
        pages[src] = page
        findings += page_findings
        findings += check_front_matter(page, tags, tags_rel)
    urls, url_findings = compute_urls(list(pages.values()), project.use_directory_urls)
    findings += url_findings
    return Analysis(project, pages, urls, tags, sort_findings(findings))
