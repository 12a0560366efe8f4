"""The plugin takes each page's facts from MkDocs' own render; `kb check` renders pages itself.

On real documentation and on the fixture sites, a cold build with the kb plugin must report exactly
the findings `kb check --no-cache` reports, and the cache it leaves must give `kb check` the same
findings again without rendering anything.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from kb.check.analysis import analyse
from kb.config.mkdocs import load_project
from kb.report.findings import Finding

from ..conftest import FIXTURES as SITE_FIXTURES
from ..conftest import renders
from .conftest import FIXTURES

pytestmark = pytest.mark.differential

Key = tuple[str, str, int, int, str, str]


def keys(findings: list[Finding]) -> list[Key]:
    return sorted((f.code, f.path, f.line, f.column, f.message, f.hint) for f in findings)


def build_with_plugin(root: Path) -> list[Finding]:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"), plugins=["kb"])
    logging.getLogger("mkdocs").setLevel(logging.CRITICAL)  # the findings are compared, not shown
    try:
        build(config)
    finally:
        logging.getLogger("mkdocs").setLevel(logging.NOTSET)
    analysis = config.plugins["kb"].analysis  # type: ignore[attr-defined]
    assert analysis is not None
    return list(analysis.findings)


SITES = [FIXTURES / "real" / "mkdocs", FIXTURES / "real" / "python-markdown",
         SITE_FIXTURES / "links-site", SITE_FIXTURES / "glossary-site", SITE_FIXTURES / "nav-site"]


@pytest.mark.parametrize("source", SITES, ids=[p.name for p in SITES])
def test_a_cold_build_reports_what_kb_check_reports(source: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / source.name
    shutil.copytree(source, root, ignore=shutil.ignore_patterns(".kb-cache", "site"))
    monkeypatch.chdir(root)  # snippets and other relative paths resolve as in a build run there
    expected = keys(analyse(load_project(root / "mkdocs.yml"), use_cache=False).findings)
    assert keys(build_with_plugin(root)) == expected

    rendered = renders(monkeypatch)
    warm = analyse(load_project(root / "mkdocs.yml"))
    assert keys(warm.findings) == expected
    assert rendered == [], "the build's cache should have served every page"
