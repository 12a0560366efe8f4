"""Generated sites: the link problems MkDocs logs are exactly those kb reports.

Every site also gets a probe page linking to every id MkDocs found on each page, so ids kb misses show up
as well as ids kb invents. `test_each_construct_alone` covers every construct of the generator once, one
per page, in one site per configuration; the property-based test mixes them at random.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, note, settings

from .conftest import PROFILE
from .harness import compare, compare_with_probe, write_minimal_theme
from .sitegen import CONFIGS, CONSTRUCT_SNIPPET, PNG, SNIPPET, Site, construct_pages, mkdocs_yml, sites

pytestmark = pytest.mark.differential


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_kb_agrees_with_mkdocs_on_generated_sites(config: str) -> None:
    @settings(PROFILE)
    @given(site=sites(config))
    def check(site: Site) -> None:
        note(site.describe())
        with tempfile.TemporaryDirectory(prefix="kb-diff-") as tmp:
            comparison = compare_with_probe(site.write(Path(tmp)))
            assert comparison.agrees, comparison.explain() + "\n" + site.describe()

    check()


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_each_construct_alone(tmp_path: Path, config: str) -> None:
    (tmp_path / "docs" / "img").mkdir(parents=True)
    (tmp_path / "docs" / "img" / "logo.png").write_bytes(PNG)
    (tmp_path / "snippets").mkdir()
    (tmp_path / SNIPPET).write_text(CONSTRUCT_SNIPPET, encoding="utf-8")
    write_minimal_theme(tmp_path)
    (tmp_path / "mkdocs.yml").write_text(mkdocs_yml(config), encoding="utf-8")
    for rel, text in construct_pages().items():
        (tmp_path / "docs" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "docs" / rel).write_text(text, encoding="utf-8")
    comparison = compare_with_probe(tmp_path)
    assert comparison.agrees, comparison.explain()


def test_generated_sites_are_not_trivial(tmp_path: Path) -> None:
    """Guards the harness: MkDocs finds ids and reports broken links, and both sides are parsed."""
    site = Site(
        "project", True,
        {
            "index.md": "# Home\n\n## Getting started\n\n[ok](guide/a.md#getting-started) [bad](guide/a.md#nope)\n",
            "guide/a.md": "## Getting started\n\n[^n]: Note.\n\n[missing](../nope.md) ![img](../img/logo.png)\n",
        },
        None,
    )
    comparison = compare(site.write(tmp_path))
    assert {p.target for p in comparison.mkdocs.problems} == {"guide/a.md#nope", "../nope.md", "#fnref:n"}
    assert {"getting-started", "fn:n"} <= comparison.mkdocs.anchors["guide/a.md"]
    assert {p.target for p in comparison.kb.problems} >= {"guide/a.md#nope", "../nope.md"}
