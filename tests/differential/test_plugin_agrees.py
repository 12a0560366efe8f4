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

from kb.check.analysis import Analysis, analyse
from kb.config.mkdocs import load_project
from kb.render.facts import Renderer, RenderFacts
from kb.report.findings import Finding

from ..conftest import FIXTURES as SITE_FIXTURES
from ..conftest import renders, write_site
from .conftest import FIXTURES

pytestmark = pytest.mark.differential

Key = tuple[str, str, int, int, str, str]


def keys(findings: list[Finding]) -> list[Key]:
    return sorted((f.code, f.path, f.line, f.column, f.message, f.hint) for f in findings)


def build_with_plugin(root: Path) -> Analysis:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"), plugins=["kb"])
    logging.getLogger("mkdocs").setLevel(logging.CRITICAL)  # the findings are compared, not shown
    try:
        build(config)
    finally:
        logging.getLogger("mkdocs").setLevel(logging.NOTSET)
    analysis = config.plugins["kb"].analysis  # type: ignore[attr-defined]
    assert isinstance(analysis, Analysis)
    return analysis


SITES = [FIXTURES / "real" / "mkdocs", FIXTURES / "real" / "python-markdown",
         SITE_FIXTURES / "links-site", SITE_FIXTURES / "glossary-site", SITE_FIXTURES / "nav-site"]


@pytest.mark.parametrize("source", SITES, ids=[p.name for p in SITES])
def test_a_cold_build_reports_what_kb_check_reports(source: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / source.name
    shutil.copytree(source, root, ignore=shutil.ignore_patterns(".kb-cache", "site"))
    agrees_after_one_render(root, monkeypatch)


def test_bodies_mkdocs_would_trim_or_read_as_meta(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """MkDocs drops a body's leading blank lines, and without front-matter reads `Key: value` first
    lines as MultiMarkdown meta; neither may change what the plugin reports or make kb render again."""
    root = write_site(tmp_path, {
        "docs/index.md": "---\ntitle: Home\ndescription: The home page.\n---\n\n\n# Home\n\n[p](plain.md#plain)\n",
        "docs/plain.md": "Note: this line looks like meta\nTitle: so does this\n\n# Plain\n\n[gone](nowhere.md)\n",
    }, "site_name: t\nmarkdown_extensions:\n  - toc\n")
    agrees_after_one_render(root, monkeypatch)


def agrees_after_one_render(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(root)  # snippets and other relative paths resolve as in a build run there
    expected = keys(analyse(load_project(root / "mkdocs.yml"), use_cache=False).findings)
    own_renders: list[str] = []
    render = Renderer.render

    def counting(self: Renderer, text: str) -> RenderFacts:
        own_renders.append(text)
        return render(self, text)

    monkeypatch.setattr(Renderer, "render", counting)
    built = build_with_plugin(root)
    assert keys(built.findings) == expected
    # The facts came from MkDocs' render: kb rendered only what MkDocs does not render as it is
    # (the glossary page, whose marker MkDocs sees replaced, and drafts, which a build leaves out).
    glossary_page = built.project.options.glossary_page
    bodies = {p.rendered_body for p in built.pages.values()}
    page_renders = [text for text in own_renders if text in bodies]  # not the configuration probe
    assert sorted(page_renders) == sorted(p.rendered_body for src, p in built.pages.items()
                                          if p.draft or src == glossary_page)
    monkeypatch.undo()
    monkeypatch.chdir(root)

    rendered = renders(monkeypatch)
    warm = analyse(load_project(root / "mkdocs.yml"))
    assert keys(warm.findings) == expected
    assert rendered == [], "the build's cache should have served every page"
