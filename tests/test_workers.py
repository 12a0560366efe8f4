"""PageWorkers on their own: results in order with their texts put back, terms searched after the
pages, and a worker that fails or dies reported instead of waited for."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

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


@pytest.mark.parametrize("after", [0.0, 0.1])  # while children start, and while they work
def test_ctrl_c_stops_the_check_and_its_workers_without_a_traceback(tmp_path: Path, after: float) -> None:
    sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
    import bench_check

    bench_check.generate(tmp_path, 3000, terms=100)
    kb = Path(sys.executable).parent / "kb"
    # A session of its own, so that Ctrl+C can be imitated as a terminal sends it: to the whole group.
    process = subprocess.Popen([str(kb), "check", "--no-cache"], cwd=tmp_path, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    deadline = time.monotonic() + 30
    while len(children.read_text().split()) < 2:  # the page workers (and the glossary's child) are running
        assert process.poll() is None and time.monotonic() < deadline, "the check ended before its workers started"
        time.sleep(0.005)
    time.sleep(after)
    workers = [int(pid) for pid in children.read_text().split()]
    assert process.poll() is None, "the check ended before it could be interrupted"
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130, err
    assert err.strip() == "kb: interrupted.", err
    time.sleep(0.2)
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()
                and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]]  # none left running
