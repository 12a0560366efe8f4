"""One pass over the project: load and render every page, run every check, compute URLs.

The CLI and the MkDocs plugin both call `analyse`, so a build sees exactly what `kb check` sees,
and through the shared cache a build right after `kb check` renders nothing again. Pages that the
cache does not hold are computed in a standard process pool when there are enough of them to pay
for it, else one after another.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from kb.check.cache import Miss, PageCache, PageResult, fingerprint
from kb.check.changes import ChangeSet
from kb.config.project import Project
from kb.glossary.checks import check_glossary, glossary_page_anchors, scan_terms, unsafe_term_markup, unused_terms
from kb.glossary.matcher import TermMatcher
from kb.glossary.model import Glossary, load_glossary
from kb.links.check import LinkIndex, LinkReport, check_links, iter_nav_sources, orphan_findings
from kb.pages.checks import check_front_matter
from kb.pages.nav import in_built_nav
from kb.pages.page import Page, discover_files, load_page, read_page_source
from kb.pages.source import SourceText
from kb.pages.tags import Tag, load_tags
from kb.pages.urls import PageUrl, compute_urls
from kb.render.facts import GLOSSARY_MARKER, Renderer, RenderFacts
from kb.render.scan import PageScan, placed, scan_page
from kb.report.findings import Finding, sort_findings
from kb.report.rules import rule

# Below this many pages to render, starting worker processes costs more than it saves (measured
# with benchmarks/bench_check.py: a page renders in about 5 ms, a worker starts in about 100 ms).
PARALLEL_THRESHOLD = 64
CHUNK = 16


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


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def analyse(project: Project, use_cache: bool = True, workers: int = 1,
            renamed: dict[str, str] | None = None) -> Analysis:
    """Check the whole project. `workers` > 1 renders uncached pages in that many processes;
    `renamed` (old -> new docs paths) lets broken links suggest a file's new name."""
    return Analyser(project, use_cache, renamed).finish(workers)


class Analyser:
    """An analysis in two steps, so that a renderer that renders every page anyway (the MkDocs
    plugin) can hand over the facts of its own render instead of kb rendering each page a second
    time: pages are read and cached results looked up first; `finish` renders what nobody handed
    over and runs the checks that need every page."""

    def __init__(self, project: Project, use_cache: bool = True, renamed: dict[str, str] | None = None) -> None:
        self.project, self.renamed = project, renamed or {}
        self.findings: list[Finding] = []
        self.tags, tag_findings = load_tags(project)
        self.findings += tag_findings
        self.glossary, glossary_findings = load_glossary(project)
        self.findings += glossary_findings
        stamp = self.glossary.digest.encode()
        self.cache = PageCache(project, fingerprint(project, repr(self.tags).encode(), stamp)) if use_cache else None
        self.results, misses, self.assets = _look_up(project, self.cache, self.findings)
        page_src = project.options.glossary_page
        if self.glossary.terms and page_src not in self.results and page_src not in self.assets \
                and all(m.src != page_src for m in misses):
            # No glossary page written: kb provides one, cached by its text like any page.
            source = SourceText(project.doc_rel(page_src), generated_glossary_page())
            hit = self.cache.match(page_src, source) if self.cache is not None else Miss(page_src, source)
            if isinstance(hit, Miss):
                misses.append(hit)
            else:
                self.results[page_src] = hit
        self.misses = {m.src: m for m in misses}
        self.context = _PageContext(project, self.tags, self.glossary)
        self._read: dict[str, tuple[Page, list[Finding]]] = {}  # uncached pages read, awaiting a render
        self._urls: tuple[dict[str, PageUrl], list[Finding]] | None = None  # from read_pages

    def read_pages(self) -> tuple[dict[str, Page], dict[str, PageUrl]]:
        """Every page, the uncached ones read (front-matter and body) but not rendered, and their URLs,
        which front-matter alone decides (`finish` reuses them: no page is added after this)."""
        for src, miss in self.misses.items():
            if src not in self._read and src not in self.results:
                self._read[src] = self.context.load(src, miss.source)
        pages = {src: result[0] for src, result in self.results.items()}
        pages.update((src, page) for src, (page, _) in self._read.items())
        pages = {src: pages[src] for src in sorted(pages)}
        self._urls = compute_urls(list(pages.values()), self.project.use_directory_urls)
        return pages, self._urls[0]

    def waiting(self, src: str) -> bool:
        """Whether the page still needs a render (it was read, not rendered, and is not cached)."""
        return src in self._read

    def rendered(self, src: str, facts: RenderFacts) -> PageScan | None:
        """Take the facts of a render of the page's body made elsewhere (with the project's own
        Markdown configuration); returns the page's scan."""
        page, page_findings = self._read.pop(src)
        result = self.context.complete(page, page_findings, facts)
        self._keep(src, result)
        return result[2]

    def scan(self, src: str) -> PageScan | None:
        result = self.results.get(src)
        return result[2] if result is not None else None

    def _keep(self, src: str, result: PageResult) -> None:
        self.results[src] = result
        if self.cache is not None:
            self.cache.store(self.misses[src], result)

    def finish(self, workers: int = 1) -> Analysis:
        """Render what is still unrendered, then check links, terms and URLs across all pages."""
        for src in list(self._read):  # read already: render here, one by one
            page, page_findings = self._read.pop(src)
            self._keep(src, self.context.complete(page, page_findings))
        unread = [m for src, m in self.misses.items() if src not in self.results]
        for miss, result in zip(unread, _compute(self.context, unread, workers), strict=True):
            self._keep(miss.src, result)
        if self.cache is not None:
            self.cache.save(set(self.results))
        project, glossary, results = self.project, self.glossary, self.results
        findings = list(self.findings)
        pages = {src: results[src][0] for src in sorted(results)}
        scans = {src: scan for src in pages if (scan := results[src][2]) is not None}
        urls, url_findings = self._urls or compute_urls(list(pages.values()), project.use_directory_urls)
        findings += url_findings
        findings += check_glossary(glossary, set(pages), self.tags, project.rel(project.tags_path))
        findings += unsafe_term_markup(
            glossary, lambda body, line: scan_page(self.context.renderer, body, line, prose=False))
        index, links, link_findings = _links(project, glossary, pages, urls, scans, self.assets, self.renamed)
        findings += link_findings
        findings += _drop_deliberate_spellings([f for src in pages for f in results[src][1]])
        findings += unused_terms(glossary, scans, project.options.glossary_page)
        findings += _glossary_page_findings(project, glossary, scans)
        return Analysis(project, pages, urls, self.tags, glossary, links, index, sort_findings(findings),
                        len(pages) + glossary.files)


def _compute(context: _PageContext, misses: list[Miss], workers: int) -> list[PageResult]:
    items = [(m.src, m.source) for m in misses]
    if workers <= 1 or len(items) < PARALLEL_THRESHOLD:
        return context.pages(items)
    chunks = [items[i: i + CHUNK] for i in range(0, len(items), CHUNK)]
    context.matcher  # noqa: B018 - built once here, before the fork, not once per worker
    # Fork: workers inherit the project, tags and term matcher instead of receiving them pickled.
    global _WORKER_CONTEXT
    _WORKER_CONTEXT = context
    # The standard pool: unlike multiprocessing.Pool it reports a worker that died (BrokenProcessPool)
    # instead of waiting for it forever.
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_worker_start)
    try:
        # Ctrl+C is held back while workers are forked (it would land in the fork handlers, where it
        # cannot be raised) and taken at the unblock below.
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            pending = pool.map(_worker_pages, chunks)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        done = list(pending)
    except BrokenProcessPool as exc:
        raise WorkerFailed("A page worker process died (out of memory, or killed); run with --jobs 1 to see "
                           "which page it was rendering.") from exc
    else:  # on Ctrl+C no shutdown: it would wait for the pages in hand; workers die with this process
        pool.shutdown()
    finally:
        _WORKER_CONTEXT = None
    results: list[PageResult] = []
    for chunk, chunk_results in zip(chunks, done, strict=True):
        for (_, source), (page, page_findings, scan) in zip(chunk, chunk_results, strict=True):
            page.text = source.text  # not sent back: the parent read it already
            results.append((page, page_findings, scan))
    return results


_WORKER_CONTEXT: _PageContext | None = None


def _worker_start() -> None:
    """Ctrl+C is the parent's to handle; and a worker dies with its parent, even a killed one."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the parent died before the line above took effect
            os._exit(1)


def _worker_pages(items: list[tuple[str, SourceText]]) -> list[PageResult]:
    assert _WORKER_CONTEXT is not None, "set before the pool forks"
    results = _WORKER_CONTEXT.pages(items)
    for page, _, _ in results:
        page.text = None
    return results


def _look_up(project: Project, cache: PageCache | None, refusals: list[Finding],
             ) -> tuple[dict[str, PageResult], list[Miss], set[str]]:
    """Cached results by page, the pages to compute (read already), and the other files; files that
    are not read at all become findings in `refusals`."""
    results: dict[str, PageResult] = {}
    misses: list[Miss] = []
    assets: set[str] = set()
    files, refused = discover_files(project.docs_dir, project.root)
    for src, reason in refused:
        rel = project.doc_rel(src)
        refusals.append(rule("KB105").finding(
            rel, 1, 1, f"{rel} {reason}, so it is not read.",
            "Replace the link with the files themselves, or remove it; only files inside the project are published."))
    for src in files:
        if src.endswith(".mdx") and project.inclusion.get(src) != "excluded":
            rel = project.doc_rel(src)
            refusals.append(rule("KB108").finding(
                rel, 1, 1, f"{rel} is an MDX file, which MkDocs does not read as a page, so it is not published; "
                "`kb import` converts it to Markdown.",
                f"Run `kb import {rel} --into .` to convert it to Markdown (then remove the .mdx file), "
                "or add it to `exclude_docs` in mkdocs.yml."))
        # Files the configuration excludes are not rendered; links to them are MkDocs' business.
        if not src.endswith(".md") or project.inclusion.get(src) == "excluded":
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
    index = LinkIndex(pages, urls, scans, assets, project.site_url,
                      extra_anchors=extra, renamed=renamed, theme_files=project.theme_files)
    links = check_links(index)
    in_nav = set(iter_nav_sources(project.nav)) if project.nav else {s for s, p in pages.items() if in_built_nav(p)}
    in_nav |= {src for src, how in project.inclusion.items() if how == "not_in_nav"}
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


def generated_glossary_page() -> str:
    """The glossary page kb publishes when a project has terms but no page for them (in no tag's list)."""
    return ("---\ntitle: Glossary\ndescription: Every term used on this site, A to Z, with a short "
            "definition and the pages it appears on.\ntags: []\nsidebar_position: 1000\n---\n\n"
            f"# Glossary\n\n{GLOSSARY_MARKER}\n")


class WorkerFailed(Exception):
    """A page worker process died; the CLI says so instead of showing a traceback."""


class RenderTimeout(Exception):
    """Python-Markdown ran past `render_timeout` on a page."""


@contextlib.contextmanager
def time_limit(seconds: int, expired: Callable[[], BaseException] = RenderTimeout) -> Iterator[None]:
    """Interrupt the block after `seconds` with the exception `expired` makes (a real-time alarm;
    only the main thread can take one)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise expired()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def render_problem(page: Page, exc: BaseException, timeout: int) -> Finding:
    """The finding for a page Python-Markdown could not render: KB107 when it ran out of time, else KB106."""
    if isinstance(exc, RenderTimeout):
        lines = page.content.split("\n")
        longest = max(range(len(lines)), key=lambda i: len(lines[i]))
        return rule("KB107").finding(
            page.rel_path, page.content_line + longest, 1,
            f"{page.rel_path} takes Python-Markdown longer than {timeout} s to render; line "
            f"{page.content_line + longest}, the longest ({len(lines[longest]):,} characters), is the likely cause.",
            "Break up long runs of `[`, `<` or `>` on that line (or put them in a code block); "
            "`mkdocs build` would hang on this page too.",
        )
    return rule("KB106").finding(
        page.rel_path, page.content_line, 1,
        f"{page.rel_path} cannot be rendered: {type(exc).__name__}: {exc}".rstrip(),
        "Fix what the message names (a missing snippet file, a malformed extension block); "
        "`mkdocs build` stops on the same page.",
    )


class _PageContext:
    """What computing one page needs besides the page: the project, its tags, the term matcher and a renderer."""

    def __init__(self, project: Project, tags: dict[str, Tag] | None, glossary: Glossary) -> None:
        self.project, self.tags, self.glossary = project, tags, glossary
        self.tags_rel = project.rel(project.tags_path)
        self._renderer: Renderer | None = None

    @property
    def matcher(self) -> TermMatcher | None:
        """Built on first use: a run whose pages all come from the cache never needs it."""
        return self.glossary.term_matcher()

    @property
    def renderer(self) -> Renderer:
        if self._renderer is None:  # built on first use, in the process that renders
            self._renderer = Renderer(self.project.markdown_extensions, self.project.mdx_configs)
        return self._renderer

    def pages(self, items: list[tuple[str, SourceText]]) -> list[PageResult]:
        return [self.complete(*self.load(src, source)) for src, source in items]

    def load(self, src: str, source: SourceText) -> tuple[Page, list[Finding]]:
        page, page_findings = load_page(self.project, src, source)
        return page, page_findings + check_front_matter(page, self.tags, self.tags_rel)

    def complete(self, page: Page, page_findings: list[Finding], facts: RenderFacts | None = None) -> PageResult:
        """The page's result from the facts of a render, made here when none is given."""
        if page.text is None:
            return page, page_findings, None
        if facts is None:
            try:
                with time_limit(self.project.options.render_timeout):
                    facts = self.renderer.render(page.rendered_body)
            except Exception as exc:
                self._renderer = None  # its state after an exception is unknown
                return page, [*page_findings, render_problem(page, exc, self.project.options.render_timeout)], None
        scan = placed(facts, page.content, page.content_line, prose=self.matcher is not None)
        if self.matcher is not None:
            page_findings = page_findings + scan_terms(scan, self.matcher, page.rel_path)
        # Only needed for terms and placing; dropping them saves memory and the copy back.
        scan.prose = scan.body = ""
        scan._positions = None
        return page, page_findings, scan
