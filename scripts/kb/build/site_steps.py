"""The page steps over a built `site/` that give a renderer without the kb plugin what the plugin adds to
each page during a build (review dates, tooltips and first-mention links, meta, tag descriptions,
diagrams, the Content-Security-Policy), through the kb.publish functions the plugin calls too; the
steps over the whole site are kb.publish.site's, which the plugin runs as well.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from kb.build.prepare import CONTENT_END, CONTENT_START
from kb.check.analysis import Analysis
from kb.config.project import Project
from kb.publish.content import page_content
from kb.publish.csp import add_policy
from kb.publish.diagrams import BuildDiagrams
from kb.publish.finish import PageFinisher
from kb.publish.site import SiteInfo

log = logging.getLogger("kb.build")

_ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">')
_ARTICLE_TAG = re.compile(r"<(/?)article\b", re.IGNORECASE)
MAX_PAGE_BYTES = 16 * 1024 * 1024  # a built page larger than this is left as the renderer wrote it


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
