"""PageWorkers on their own: results in order with their texts put back, terms searched after the
pages, and a worker that fails or dies reported instead of waited for."""

from __future__ import annotations

import os

import pytest

from kb.cache import PageResult
from kb.page import Page
from kb.scan import PageScan
from kb.source import SourceText
from kb.terms import TermMatcher
from kb.workers import Item, PageWorkers


class _Work:
    """Pages whose readable text is their whole text; `fail_on` raises, `die_on` ends the process."""

    def __init__(self, fail_on: str = "", die_on: str = "") -> None:
        self.fail_on, self.die_on = fail_on, die_on

    def pages(self, items: list[Item]) -> list[PageResult]:
        results: list[PageResult] = []
        for src, source in items:
            if src == self.fail_on:
                raise ValueError(f"cannot compute {src}")
            if src == self.die_on:
                os._exit(3)
            results.append((Page(src, source.rel_path, None, source.text), [], PageScan(prose=source.text or "")))
        return results

    def finish(self, results: list[PageResult], matcher: TermMatcher | None) -> None:
        for _, _, scan in results:
            assert scan is not None
            if matcher is not None:
                scan.terms = {m.term_id: 1 for m in matcher.mentions(scan.prose)}
            scan.prose = ""


def _items(count: int) -> list[Item]:
    return [(f"p{i:03d}.md", SourceText(f"docs/p{i:03d}.md", f"Page {i} is about {'RAG' if i % 3 else 'agents'}.\n"))
            for i in range(count)]


def test_results_come_back_in_order_with_their_texts_and_terms() -> None:
    items = _items(100)
    with PageWorkers(_Work(), items, 2) as running:
        running.search(TermMatcher.of([("RAG", "rag")]))
        results = running.pages()
        assert all(scan is not None and scan.terms == {} for _, _, scan in results)  # not searched yet
        running.add_terms(results)
    assert [page.src for page, _, _ in results] == [src for src, _ in items]
    assert [page.text for page, _, _ in results] == [source.text for _, source in items]
    assert [scan.terms if scan else None for _, _, scan in results] == [{"rag": 1} if i % 3 else {} for i in range(100)]


def test_no_matcher_means_no_search() -> None:
    with PageWorkers(_Work(), _items(40), 2) as running:
        running.search(None)
        results = running.pages()
        running.add_terms(results)
    assert all(scan is not None and scan.terms == {} for _, _, scan in results)


def test_a_failing_worker_reports_its_error() -> None:
    with pytest.raises(RuntimeError, match=r"(?s)failed.*ValueError: cannot compute p017\.md"), \
            PageWorkers(_Work(fail_on="p017.md"), _items(60), 2) as running:
        running.search(None)
        running.pages()


def test_a_worker_that_dies_is_reported_not_waited_for() -> None:
    with pytest.raises(RuntimeError, match=r"stopped without a result \(exit code 3\)"), \
            PageWorkers(_Work(die_on="p017.md"), _items(60), 2) as running:
        running.search(TermMatcher.of([("RAG", "rag")]))
        running.pages()
