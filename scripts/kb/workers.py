"""Computing pages in forked worker processes.

Not multiprocessing.Pool, for three reasons. A pool pickles every task and result, so page texts
would travel to the workers and back although the workers inherit them at the fork and the parent
still holds them; here tasks are chunk numbers and results come back without the texts. A pool
worker keeps nothing between tasks, so the work could not be staged; here each worker first does
the pages' own work for the chunks it claims while the parent parses the glossary, hands those
results over, and then searches its pages for glossary terms while the parent checks links. And a
pool hides a worker that dies; here the parent notices and says so.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import multiprocessing
import pickle
import signal
import sys
import threading
import traceback
from collections.abc import Iterator
from multiprocessing.connection import Connection, wait
from types import TracebackType
from typing import Any, Protocol

from .cache import PageResult
from .findings import Finding
from .source import SourceText
from .terms import TermMatcher

Item = tuple[str, SourceText]

# Chunks per worker: enough that workers claiming them as they free up finish close together.
CHUNKS_PER_WORKER = 16


class PageWork(Protocol):
    def pages(self, items: list[Item]) -> list[PageResult]:
        """Everything about each page that needs neither other pages nor the glossary."""

    def finish(self, results: list[PageResult], matcher: TermMatcher | None) -> None:
        """Glossary terms on the pages (when there is a matcher), then drop what only that needed."""


def available() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


@contextlib.contextmanager
def ready_to_fork() -> Iterator[None]:
    """Around starting forked processes (which call `as_child` first)."""
    # Text still buffered would be written again by every child as it exits.
    sys.stdout.flush()
    sys.stderr.flush()
    # Objects that exist before the fork are shared copy-on-write. Freezing them keeps the
    # children's garbage collector from walking (and so copying) the whole inherited heap.
    gc.freeze()
    # Ctrl+C is the parent's to handle: it stops its children. Held back meanwhile, so that it
    # interrupts neither a child half started nor the parent before it knows of that child.
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        gc.unfreeze()


def as_child() -> None:
    """First thing in a forked child: leave Ctrl+C to the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


class PageWorkers:
    """Workers that start on `items` when the block is entered. In order:

        with PageWorkers(work, items, 2) as running:
            glossary = ...                      # the workers are busy with the pages meanwhile
            running.search(glossary.matcher)
            results = running.pages()           # in the order of `items`, without glossary terms
            ...                                 # checks across pages while the workers search for terms
            running.add_terms(results)
    """

    def __init__(self, work: PageWork, items: list[Item], workers: int) -> None:
        self._work = work
        self._size = size = -(-len(items) // (workers * CHUNKS_PER_WORKER))
        self._chunks = [items[i: i + size] for i in range(0, len(items), size)]
        self._count = workers
        self._context = multiprocessing.get_context("fork")
        self._next = self._context.Value("i", 0)  # the next unclaimed chunk
        self._processes: list[Any] = []
        self._matchers_out: list[Connection] = []
        self._live: dict[Connection, Any] = {}  # result connections still to send their last message
        self._inbox: dict[str, list[Any]] = {"pages": [], "terms": []}
        self._sender: threading.Thread | None = None

    def __enter__(self) -> PageWorkers:
        try:
            with ready_to_fork():
                for _ in range(self._count):
                    matcher_in, matcher_out = self._context.Pipe(duplex=False)
                    results_in, results_out = self._context.Pipe(duplex=False)
                    widen(results_in)
                    process = self._context.Process(target=self._run, args=(matcher_in, results_out), daemon=True)
                    process.start()
                    # The parent keeps only its own ends, so a worker's death is seen as an end of file.
                    matcher_in.close()
                    results_out.close()
                    self._processes.append(process)
                    self._matchers_out.append(matcher_out)
                    self._live[results_in] = process
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._stop()

    def _stop(self) -> None:
        for process in self._processes:
            if process.is_alive():
                process.terminate()
            process.join()
        if self._sender is not None:
            self._sender.join()  # its workers are gone, so a send still under way fails at once
        for connection in (*self._matchers_out, *self._live):
            connection.close()
        self._processes.clear()

    def _claim(self) -> int:
        with self._next.get_lock():
            index: int = self._next.value
            self._next.value = index + 1
        return index

    def _run(self, matcher_in: Connection, results_out: Connection) -> None:
        """A worker's whole life: the pages of the chunks it claims, each sent as soon as done, then
        their glossary terms."""
        as_child()
        try:
            done: list[tuple[int, list[PageResult]]] = []
            while (index := self._claim()) < len(self._chunks):
                results = self._work.pages(self._chunks[index])
                done.append((index, results))
                results_out.send(("pages", (index, _shipped(results))))
            matcher: TermMatcher | None = pickle.loads(matcher_in.recv_bytes())
            terms: list[tuple[int, list[tuple[dict[str, int], list[Finding]]]]] = []
            for index, results in done:
                before = [len(page_findings) for _, page_findings, _ in results]
                self._work.finish(results, matcher)
                terms.append((index, [(scan.terms if scan is not None else {}, page_findings[count:])
                                      for (_, page_findings, scan), count in zip(results, before, strict=True)]))
            results_out.send(("terms", terms))
        except BaseException:
            # Whatever it is, the parent must hear of it rather than wait forever.
            results_out.send(("failed", traceback.format_exc()))

    def search(self, matcher: TermMatcher | bytes | None) -> None:
        """Have the workers search their pages with `matcher` (None: no glossary; bytes: pickled
        already) once done with them. Built once, not in every worker: unpickling the matcher takes a
        quarter of the time building it would."""
        data = matcher if isinstance(matcher, bytes) else pickle.dumps(matcher, protocol=pickle.HIGHEST_PROTOCOL)
        # From a thread: the matcher fills a pipe, and the parent must go on reading results
        # meanwhile, or a worker blocked on sending them would never read the matcher.
        self._sender = threading.Thread(target=self._send_matcher, args=(data,), daemon=True)
        self._sender.start()

    def _send_matcher(self, data: bytes) -> None:
        for connection in self._matchers_out:
            with contextlib.suppress(OSError):  # a worker that is gone is reported on receiving
                connection.send_bytes(data)

    def pages(self) -> list[PageResult]:
        """Every page's results but glossary terms, in the order of the items."""
        parts: dict[int, list[PageResult]] = {}
        while len(parts) < len(self._chunks):
            self._receive()
            for index, shipped in self._inbox["pages"]:
                parts[index] = [_with_text(result, source, cut)
                                for (_, source), (result, cut) in zip(self._chunks[index], shipped, strict=True)]
            self._inbox["pages"].clear()
        return [result for index in range(len(self._chunks)) for result in parts[index]]

    def add_terms(self, results: list[PageResult]) -> None:
        """Add to `results` (from `pages`) the terms each page mentions and their near misses."""
        while self._live:
            self._receive()
        for payload in self._inbox["terms"]:
            for index, found in payload:
                first = index * self._size
                for (_, page_findings, scan), (terms, term_findings) in zip(
                        results[first: first + len(found)], found, strict=True):
                    if scan is not None:
                        scan.terms = terms
                    page_findings += term_findings

    def _receive(self) -> None:
        """Wait for messages and file them by kind; a worker that failed or died raises."""
        ready = wait([*self._live, *(p.sentinel for p in self._live.values())])
        for item in ready:
            # A worker that ended is read through its connection too: what it sent is still there.
            connection = item if isinstance(item, Connection) else _connection_of(self._live, item)
            if connection is None or connection not in self._live:
                continue
            try:
                kind, payload = connection.recv()
            except EOFError:
                raise RuntimeError(
                    f"A kb worker process stopped without a result (exit code {self._live[connection].exitcode}); "
                    "the system may be short of memory. Run the check again.") from None
            if kind == "failed":
                raise RuntimeError(f"A kb worker process failed:\n{payload}")
            self._inbox[kind].append(payload)
            if kind == "terms":  # a worker's last message
                del self._live[connection]


def widen(connection: Connection) -> None:
    """A pipe that holds a megabyte, where Linux allows it, so that a child seldom waits for the parent
    to read what it sends."""
    with contextlib.suppress(ImportError, AttributeError, OSError):
        import fcntl

        fcntl.fcntl(connection.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)  # type: ignore[attr-defined]


def _connection_of(waiting: dict[Connection, Any], sentinel: object) -> Connection | None:
    """The result connection of the worker whose process `sentinel` belongs to."""
    return next((c for c, p in waiting.items() if p.sentinel == sentinel), None)


def _shipped(results: list[PageResult]) -> list[tuple[PageResult, int | None]]:
    """The results as sent to the parent: without the page texts (the parent has them) but with where
    the body starts in the text; without the readable text, which only the worker needs."""
    shipped = []
    for page, page_findings, scan in results:
        cut = len(page.text) - len(page.front.body) if page.text is not None and page.front is not None else None
        page = dataclasses.replace(page, text=None, front=page.front and dataclasses.replace(page.front, body=""))
        if scan is not None:
            scan = dataclasses.replace(scan, prose="", positions=None)
        shipped.append(((page, page_findings, scan), cut))
    return shipped


def _with_text(result: PageResult, source: SourceText, cut: int | None) -> PageResult:
    page = result[0]
    page.text = source.text
    if cut is not None and page.front is not None and source.text is not None:
        page.front.body = source.text[cut:]
    return result

