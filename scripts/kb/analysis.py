"""One pass over the project: load every page, run every check, compute URLs.

The CLI and the MkDocs plugin both call `analyse`, so a build sees exactly what `kb check` sees,
and through the shared cache a build right after `kb check` re-reads nothing.
"""

from __future__ import annotations

import gc
import multiprocessing
from dataclasses import dataclass
from typing import Any

from .cache import Miss, PageCache, PageResult, fingerprint
from .changes import ChangeSet
from .checks.frontmatter import check_front_matter
from .checks.glossary import check_glossary, glossary_page_anchors, scan_terms, unused_terms
from .checks.links import LinkIndex, LinkReport, check_links, iter_nav_sources, orphan_findings
from .findings import Finding, sort_findings
from .glossary import Glossary, load_glossary
from .nav import in_built_nav
from .page import Page, discover_files, load_page, read_page_source
from .project import Project
from .rules import rule
from .scan import GLOSSARY_MARKER, PageScan, scan_markdown
from .source import SourceText
from .tags import Tag, load_tags
from .terms import TermMatcher
from .urls import PageUrl, compute_urls

# Below this many pages to compute, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 200


@dataclass
class Analysis:
    project: Project
    pages: dict[str, Page]
    urls: dict[str, PageUrl]
    tags: dict[str, Tag] | None
    glossary: Glossary
    links: LinkReport
    index: LinkIndex
    findings: list[Finding]
    files_checked: int = 0  # pages and glossary files


def affected_by(analysis: Analysis, changes: ChangeSet) -> set[str] | None:
    """Pages to report for a change: the changed pages and every page linking to a changed,
    renamed or removed file. None means every page (mkdocs.yml or the tags file changed)."""
    if changes.everything:
        return None
    touched = changes.changed | changes.removed
    linking = {src for src, targets in analysis.links.targets.items() if targets & touched}
    return (changes.changed & set(analysis.pages)) | linking


def restrict(analysis: Analysis, sources: set[str] | None) -> list[Finding]:
    if sources is None:
        return analysis.findings
    paths = {analysis.project.doc_rel(src) for src in sources}
    return [f for f in analysis.findings if f.path in paths]


def analyse(project: Project, use_cache: bool = True, workers: int = 1,
            renamed: dict[str, str] | None = None) -> Analysis:
    """Check the whole project. `workers` > 1 computes uncached pages in that many processes;
    `renamed` (old -> new docs paths) lets broken links suggest a file's new name."""
    findings: list[Finding] = []
    tags, tag_findings = load_tags(project)
    findings += tag_findings
    glossary, glossary_findings = load_glossary(project)
    findings += glossary_findings
    # Per-page results depend on the tags as loaded (not on the file's layout) and include glossary
    # mentions, so any glossary edit starts a cold run.
    cache = PageCache(project, fingerprint(project, repr(tags).encode(), glossary.digest.encode())) \
        if use_cache else None

    results: dict[str, PageResult] = {}
    misses: list[Miss] = []
    assets: set[str] = set()
    for src in discover_files(project.docs_dir):
        if not src.endswith(".md"):
            assets.add(src)
            continue
        hit = cache.lookup(src) if cache is not None else Miss(src, read_page_source(project, src))
        if isinstance(hit, Miss):
            misses.append(hit)
        else:
            results[src] = hit
    context = _PageContext(project, tags, glossary.matcher if glossary.terms and misses else None)
    for miss, result in zip(misses, _compute_all(context, misses, workers), strict=True):
        results[miss.src] = result
        if cache is not None:
            cache.store(miss, result)
    if cache is not None:
        cache.save(set(results))

    pages: dict[str, Page] = {}
    scans: dict[str, PageScan] = {}
    for src in sorted(results):
        page, page_findings, scan = results[src]
        pages[src] = page
        findings += page_findings
        if scan is not None:
            scans[src] = scan
    findings = _drop_deliberate_spellings(findings)
    urls, url_findings = compute_urls(list(pages.values()), project.use_directory_urls)
    findings += url_findings
    glossary_page = project.options.glossary_page
    findings += check_glossary(glossary, set(pages), tags, project.rel(project.tags_path))
    findings += unused_terms(glossary, scans, glossary_page)
    findings += _glossary_page_findings(project, glossary, scans)
    extra = {glossary_page: glossary_page_anchors(glossary)} if glossary_page in pages else {}
    index = LinkIndex(pages, urls, scans, assets, project.slugify, project.slug_separator, project.site_url,
                      extra_anchors=extra, renamed=renamed or {})
    links = check_links(index)
    in_nav = set(iter_nav_sources(project.nav)) if project.nav else {s for s, p in pages.items() if in_built_nav(p)}
    findings += links.findings + orphan_findings(index, links.inbound, in_nav)
    return Analysis(project, pages, urls, tags, glossary, links, index, sort_findings(findings),
                    len(pages) + glossary.files)


# A "misspelling" that three or more pages share is a word in its own right (Mistral is not a typo of
# Mixtral); typos are one-offs. Wrong case and look-alike characters are reported wherever they occur.
DELIBERATE_AFTER_PAGES = 3


def _drop_deliberate_spellings(findings: list[Finding]) -> list[Finding]:
    def surface(f: Finding) -> str | None:
        return f.message.split("`")[1] if f.code == "KB505" and "looks like a misspelling" in f.message else None

    pages_by_surface: dict[str, set[str]] = {}
    for f in findings:
        word = surface(f)
        if word is not None:
            pages_by_surface.setdefault(word, set()).add(f.path)
    common = {w for w, where in pages_by_surface.items() if len(where) >= DELIBERATE_AFTER_PAGES}
    return [f for f in findings if surface(f) not in common] if common else findings


def _glossary_page_findings(project: Project, glossary: Glossary, scans: dict[str, PageScan]) -> list[Finding]:
    if not glossary.terms:
        return []
    page = project.options.glossary_page
    markers = scans[page].glossary_markers if page in scans else 0
    if markers == 1:
        return []
    rel = project.doc_rel(page)
    problem = f"{rel} has {markers} `{GLOSSARY_MARKER}` markers; it needs exactly one" if markers else (
        f"{rel} has no `{GLOSSARY_MARKER}` marker" if page in scans else f"The glossary page {rel} does not exist")
    return [rule("KB506").finding(
        rel if page in scans else glossary.rel_dir, 1, 1, f"{problem}, so the glossary cannot be shown.",
        f"Create {rel} with front-matter and a line `{GLOSSARY_MARKER}` where the terms should appear, "
        "or set the kb option `glossary_page`.",
    )]


@dataclass
class _PageContext:
    project: Project
    tags: dict[str, Tag] | None
    matcher: TermMatcher | None  # None when there are no terms to look for

    def __post_init__(self) -> None:
        self.tags_rel = self.project.rel(self.project.tags_path)

    def compute(self, items: list[tuple[str, SourceText]]) -> list[PageResult]:
        """Everything about each page that does not depend on other pages."""
        results: list[PageResult] = []
        for src, source in items:
            page, page_findings = load_page(self.project, src, source)
            page_findings += check_front_matter(page, self.tags, self.tags_rel)
            scan = scan_markdown(page.content, page.content_line, self.matcher is not None) \
                if page.text is not None else None
            results.append((page, page_findings, scan))
        if self.matcher is None:
            return results
        # Terms last, page after page: the matcher's tables stay in the CPU cache instead of being
        # evicted by the Markdown scanning between two pages.
        for page, page_findings, scan in results:
            if scan is not None:
                page_findings += scan_terms(scan, self.matcher, page.rel_path)
                # Only needed here; dropping them saves memory and the copy back from workers.
                scan.prose, scan.positions = "", None
        return results


_worker_context: _PageContext | None = None


def _compute_chunk(items: list[tuple[str, SourceText]]) -> list[PageResult]:
    assert _worker_context is not None
    return _worker_context.compute(items)


def _compute_all(context: _PageContext, misses: list[Miss], workers: int) -> list[PageResult]:
    items = [(m.src, m.source) for m in misses]
    if workers < 2 or len(items) < PARALLEL_THRESHOLD or "fork" not in multiprocessing.get_all_start_methods():
        # In chunks all the same: a chunk's pages hold their readable text until its terms are scanned.
        return [result for i in range(0, len(items), 64) for result in context.compute(items[i: i + 64])]
    global _worker_context
    _worker_context = context  # inherited by the forked workers, so the project is never pickled
    # Many small chunks: the pool hands them out as workers free up, so no worker is left with a
    # long last chunk while the other idles.
    size = -(-len(items) // (workers * 16))
    chunks = [items[i: i + size] for i in range(0, len(items), size)]
    # Objects that exist before the fork are shared copy-on-write. Freezing them keeps the workers'
    # garbage collector from walking (and so copying) the whole inherited heap.
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            parts: list[Any] = pool.map(_compute_chunk, chunks, chunksize=1)
    finally:
        gc.unfreeze()
        _worker_context = None
    return [result for part in parts for result in part]
