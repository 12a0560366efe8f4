"""One pass over the project: load every page, run every check, compute URLs.

The CLI and the MkDocs plugin both call `analyse`, so a build sees exactly what `kb check` sees,
and through the shared cache a build right after `kb check` re-reads nothing.

With more than one core, a cold run is staged so that no core idles for long: a child process
reads and parses the glossary while this one reads the pages; worker processes compute the pages
while this one takes the parsed glossary; the workers search the pages for glossary terms while
this one checks links and encodes the cache.
"""

from __future__ import annotations

import contextlib
import gc
import pickle
from collections.abc import Iterator
from dataclasses import dataclass

from .background_glossary import GlossaryInBackground
from .cache import Miss, PageCache, PageResult, fingerprint
from .changes import ChangeSet
from .checks.frontmatter import check_front_matter
from .checks.glossary import check_glossary, glossary_page_anchors, scan_terms, unused_terms
from .checks.links import LinkIndex, LinkReport, check_links, iter_nav_sources, orphan_findings
from .findings import Finding, sort_findings
from .glossary import Glossary, glossary_files, glossary_stamp, parse_glossary, read_glossary
from .nav import in_built_nav
from .page import Page, discover_files, load_page, read_page_source
from .project import Project
from .rules import rule
from .scan import GLOSSARY_MARKER, PageScan, scan_markdown
from .tags import Tag, load_tags
from .terms import TermMatcher
from .urls import PageUrl, compute_urls
from .workers import Item, PageWorkers, available

# Below this many pages to compute, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 200
# Pages computed together when serial: their readable text is held until their terms are scanned.
CHUNK = 64


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
    with _rare_collections():
        return _analyse(project, use_cache, workers, renamed or {})


def _matcher(glossary: Glossary, pickled: bytes | None) -> TermMatcher | None:
    if pickled is not None:
        matcher: TermMatcher | None = pickle.loads(pickled)
        return matcher
    return glossary.term_matcher()


@contextlib.contextmanager
def _rare_collections() -> Iterator[None]:
    """A check allocates hundreds of thousands of small objects that live until it ends and form
    almost no reference cycles; at the default thresholds the garbage collector walks them again and
    again, up to a tenth of a cold check."""
    before = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _analyse(project: Project, use_cache: bool, workers: int, renamed: dict[str, str]) -> Analysis:
    findings: list[Finding] = []
    glossary_paths = glossary_files(project)
    parallel = workers > 1 and available()
    with contextlib.ExitStack() as stack:
        # Read and parsed in a child process while this one reads the pages, when a core is spare.
        background = GlossaryInBackground(project, glossary_paths) if parallel and glossary_paths else None
        if background is not None:
            stack.callback(background.close)
        tags, tag_findings = load_tags(project)
        findings += tag_findings
        # Per-page results depend on the tags as loaded (not on the file's layout) and include glossary
        # mentions, so any glossary edit starts a cold run.
        stamp = glossary_stamp(glossary_paths).encode()
        cache = PageCache(project, fingerprint(project, repr(tags).encode(), stamp)) if use_cache else None
        results, misses, assets = _look_up(project, cache)
        items = [(m.src, m.source) for m in misses]
        context = _PageContext(project, tags, prose=bool(glossary_paths))
        running = stack.enter_context(PageWorkers(context, items, workers)) \
            if parallel and len(items) >= PARALLEL_THRESHOLD else None
        glossary, glossary_findings = background.glossary() if background is not None \
            else parse_glossary(read_glossary(project, glossary_paths))
        findings += glossary_findings
        # The matcher comes pickled from the child process: workers take it as it is.
        pickled = background.matcher() if background is not None and items else None
        if running is not None:
            running.search(pickled if pickled is not None else glossary.term_matcher())
            computed = running.pages()
        else:
            computed = context.serially(items, _matcher(glossary, pickled) if items else None)
        results.update(zip((m.src for m in misses), computed, strict=True))
        if cache is not None:
            for miss, result in zip(misses, computed, strict=True):
                cache.store(miss, result)
        pages = {src: results[src][0] for src in sorted(results)}
        scans = {src: scan for src in pages if (scan := results[src][2]) is not None}
        # Everything that does not depend on glossary terms, while the workers look for them.
        urls, url_findings = compute_urls(list(pages.values()), project.use_directory_urls)
        findings += url_findings
        findings += check_glossary(glossary, set(pages), tags, project.rel(project.tags_path))
        index, links, link_findings = _links(project, glossary, pages, urls, scans, assets, renamed)
        findings += link_findings
        if cache is not None:
            cache.prepare(set(results))
        if running is not None:
            running.add_terms(computed)
    if cache is not None:
        for miss, result in zip(misses, computed, strict=True):
            cache.store_terms(miss, result)
        cache.save(set(results))
    findings += _drop_deliberate_spellings([f for src in pages for f in results[src][1]])
    findings += unused_terms(glossary, scans, project.options.glossary_page)
    findings += _glossary_page_findings(project, glossary, scans)
    return Analysis(project, pages, urls, tags, glossary, links, index, sort_findings(findings),
                    len(pages) + glossary.files)


def _look_up(project: Project, cache: PageCache | None) -> tuple[dict[str, PageResult], list[Miss], set[str]]:
    """Cached results by page, the pages to compute (read already), and the other files."""
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
    return results, misses, assets


def _links(project: Project, glossary: Glossary, pages: dict[str, Page], urls: dict[str, PageUrl],
           scans: dict[str, PageScan], assets: set[str], renamed: dict[str, str],
           ) -> tuple[LinkIndex, LinkReport, list[Finding]]:
    glossary_page = project.options.glossary_page
    extra = {glossary_page: glossary_page_anchors(glossary)} if glossary_page in pages else {}
    index = LinkIndex(pages, urls, scans, assets, project.slugify, project.slug_separator, project.site_url,
                      extra_anchors=extra, renamed=renamed)
    links = check_links(index)
    in_nav = set(iter_nav_sources(project.nav)) if project.nav else {s for s, p in pages.items() if in_built_nav(p)}
    return index, links, links.findings + orphan_findings(index, links.inbound, in_nav)


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
    prose: bool  # whether pages need their readable text (for glossary terms)

    def __post_init__(self) -> None:
        self.tags_rel = self.project.rel(self.project.tags_path)

    def pages(self, items: list[Item]) -> list[PageResult]:
        results: list[PageResult] = []
        for src, source in items:
            page, page_findings = load_page(self.project, src, source)
            page_findings += check_front_matter(page, self.tags, self.tags_rel)
            scan = scan_markdown(page.content, page.content_line, self.prose) if page.text is not None else None
            results.append((page, page_findings, scan))
        return results

    def finish(self, results: list[PageResult], matcher: TermMatcher | None) -> None:
        # Terms after the Markdown of a whole chunk, page after page: the matcher's tables stay in
        # the CPU cache instead of being evicted by the Markdown scanning between two pages.
        for page, page_findings, scan in results:
            if scan is not None:
                if matcher is not None:
                    page_findings += scan_terms(scan, matcher, page.rel_path)
                # Only needed for terms; dropping them saves memory and the copy back from workers.
                scan.prose, scan.positions = "", None

    def serially(self, items: list[Item], matcher: TermMatcher | None) -> list[PageResult]:
        results: list[PageResult] = []
        for i in range(0, len(items), CHUNK):
            chunk = self.pages(items[i: i + CHUNK])
            self.finish(chunk, matcher)
            results += chunk
        return results

