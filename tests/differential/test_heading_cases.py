"""Heading and id cases from Python-Markdown's and pymdown-extensions' own tests.

Every input document in tests/fixtures/differential/heading-cases/<project>/*.json (see NOTICE.md there
and extract_heading_cases.py) becomes a page of one site per project. A probe page links to every id
MkDocs finds on each page, and to a few that are absent; kb must report exactly the links MkDocs reports,
both the probe's and whatever links the cases hold themselves.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from .conftest import FIXTURES
from .harness import compare_with_probe, mkdocs_build, write_minimal_theme
from .sitegen import PNG, mkdocs_yml

pytestmark = pytest.mark.differential

CASES = FIXTURES / "heading-cases"
PROJECTS = ("python-markdown", "pymdown-extensions")
CONFIGS = ("project", "emoji-tab-slugs")


def case_pages(project: str) -> dict[str, str]:
    """docs-relative page path -> the case's Markdown."""
    pages: dict[str, str] = {}
    for data in sorted((CASES / project).glob("*.json")):
        for case in json.loads(data.read_text(encoding="utf-8")):
            name = re.sub(r"[^a-z0-9]+", "-", case["id"].lower()).strip("-")
            pages[f"{data.stem}/{name}.md"] = case["markdown"]
    return pages


def write_case_site(root: Path, project: str, config: str) -> Path:
    (root / "docs" / "img").mkdir(parents=True)
    (root / "docs" / "img" / "logo.png").write_bytes(PNG)
    write_minimal_theme(root)
    (root / "mkdocs.yml").write_text(mkdocs_yml(config), encoding="utf-8")
    for rel, text in case_pages(project).items():
        (root / "docs" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "docs" / rel).write_text(text, encoding="utf-8")
    return root


def absent_ids(anchors: dict[str, set[str]]) -> dict[str, list[str]]:
    """A few ids each page does not have: near misses of the ones it has."""
    absent: dict[str, list[str]] = {}
    for page, ids in anchors.items():
        near = {v for anchor in sorted(ids)[:2] for v in (anchor + "-absent", anchor.upper(), anchor + "_9")}
        absent[page] = sorted((near | {"no-such-id"}) - ids)
    return absent


@pytest.mark.parametrize("config", CONFIGS)
@pytest.mark.parametrize("project", PROJECTS)
def test_kb_agrees_with_mkdocs_on_upstream_heading_cases(tmp_path: Path, project: str, config: str) -> None:
    root = write_case_site(tmp_path, project, config)
    comparison = compare_with_probe(root, absent_ids)
    assert comparison.agrees, comparison.explain()


def test_the_cases_give_many_ids(tmp_path: Path) -> None:
    """Guards the data: the cases are there and MkDocs finds plenty of ids in them."""
    anchors = mkdocs_build(write_case_site(tmp_path, "python-markdown", "project")).anchors
    assert len(anchors) > 100
    assert sum(len(ids) for ids in anchors.values()) > 300
