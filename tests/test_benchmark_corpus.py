"""The benchmark's synthetic corpus stays valid, so its figures measure a clean run."""

import sys
from pathlib import Path

from kb.check.analysis import analyse
from kb.config.project import Project

sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
import bench_check


def test_generated_corpus_is_clean_and_has_the_promised_shape(tmp_path: Path) -> None:
    bench_check.generate(tmp_path, 60)
    result = analyse(Project.from_config_file(tmp_path / "mkdocs.yml"), use_cache=False, workers=1)
    errors = [f for f in result.findings if f.severity.value == "error"]
    assert errors == []
    links = [link for scan in result.index.scans.values() for link in scan.links]
    assert len(result.pages) == 63  # 60 pages and 3 section index pages
    assert 8 <= len(links) / 60 <= 10
    assert 0.15 <= sum("#" in link.target for link in links) / len(links) <= 0.35


def test_parallel_and_serial_runs_agree(tmp_path: Path) -> None:
    bench_check.generate(tmp_path, 250, terms=40)
    page = tmp_path / "docs" / "s0003" / "p00070.md"  # near misses come back from the workers too
    planted = "\nThe Kakami attentoin and the KAKALO TOKEN.\n"  # a typo and a case slip
    page.write_text(page.read_text(encoding="utf-8") + planted, encoding="utf-8")
    project = Project.from_config_file(tmp_path / "mkdocs.yml")
    serial = analyse(project, use_cache=False, workers=1)
    parallel = analyse(project, use_cache=False, workers=2)
    assert sum(f.code == "KB505" and f.path.endswith("p00070.md") for f in serial.findings) == 2
    assert parallel.findings == serial.findings
    assert parallel.index.scans == serial.index.scans
    assert sum(len(scan.terms) for scan in serial.index.scans.values()) > 250
    # The workers send pages back without their text; the parent puts it back.
    assert parallel.pages == serial.pages
    assert parallel.pages["s0003/p00070.md"].content.endswith("the KAKALO TOKEN.\n")


def test_a_parallel_cold_run_caches_what_a_warm_run_reports(tmp_path: Path) -> None:
    bench_check.generate(tmp_path, 220, terms=30)
    project = Project.from_config_file(tmp_path / "mkdocs.yml")
    cold = analyse(project, workers=2)
    warm = analyse(project, workers=2)
    assert warm.findings == cold.findings
    assert warm.index.scans == cold.index.scans
    assert sum(len(scan.terms) for scan in warm.index.scans.values()) > 220
