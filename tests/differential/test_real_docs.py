"""Real documentation: two public MkDocs projects' docs, built with plain MkDocs (see each NOTICE.md).

kb must report exactly the link problems MkDocs reports on every page, including those of a probe page
that links to every id MkDocs finds on each page and to a few absent ones.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import FIXTURES
from .harness import compare_with_probe, mkdocs_build
from .test_heading_cases import absent_ids

pytestmark = pytest.mark.differential

REAL = FIXTURES / "real"
PROJECTS = ("mkdocs", "python-markdown")


def copy_real(name: str, tmp_path: Path) -> Path:
    root = tmp_path / name
    shutil.copytree(REAL / name, root)
    return root


@pytest.mark.parametrize("name", PROJECTS)
def test_kb_agrees_with_mkdocs_on_real_docs(tmp_path: Path, name: str) -> None:
    root = copy_real(name, tmp_path)
    comparison = compare_with_probe(root, absent_ids, name="zz-differential-probe.md")
    assert comparison.agrees, comparison.explain()


def test_the_real_docs_are_there(tmp_path: Path) -> None:
    """Guards the fixtures: both build, with many pages and ids, and MkDocs finds the one known broken link."""
    for name in PROJECTS:
        result = mkdocs_build(copy_real(name, tmp_path))
        assert len(result.anchors) >= 15, name
        assert sum(len(ids) for ids in result.anchors.values()) > 200, name
    assert {p.target for p in result.problems} == set()  # python-markdown, the last one built
