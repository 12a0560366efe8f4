"""Slugs, URL conflicts, relative URLs and nav order, on the core model (no MkDocs)."""

from pathlib import Path

import pytest

from kb.check.analysis import analyse
from kb.config.project import Project
from kb.pages.nav import NavSection, build_nav
from kb.pages.urls import relative_url

from .conftest import copy_fixture, page, write_site


def analyse_site(root: Path):  # type: ignore[no-untyped-def]
    return analyse(Project.from_config_file(root / "mkdocs.yml"))


def test_absolute_and_relative_slugs(tmp_path: Path) -> None:
    result = analyse_site(copy_fixture("nav-site", tmp_path))
    assert result.urls["models/overview.md"].url == "genai/"
    assert result.urls["models/compare.md"].url == "models/side-by-side/"
    assert result.urls["models/compare.md"].default_url == "models/compare/"
    assert result.urls["models/beta.md"].redirected is False


@pytest.mark.parametrize(("slug", "fragment"), [
    ("../../../etc", "escapes the site"),
    ("with space", "not URL-safe"),
    ("/a/./b", "`.` or `..`"),
    ("what?", "not URL-safe"),
])
def test_bad_slugs(tmp_path: Path, slug: str, fragment: str) -> None:
    root = write_site(tmp_path, {"docs/sec/p.md": page(slug=f'"{slug}"')})
    [finding] = analyse_site(root).findings
    assert (finding.code, finding.line) == ("KB302", 5)
    assert fragment in finding.message


def test_two_pages_claiming_one_url_is_an_error_naming_both(tmp_path: Path) -> None:
    root = write_site(tmp_path, {
        "docs/genai.md": page(),
        "docs/models/overview.md": page(slug="/genai"),
    })
    [finding] = analyse_site(root).findings
    assert (finding.code, finding.path, finding.line) == ("KB301", "docs/models/overview.md", 5)
    assert "docs/genai.md" in finding.message and "/genai/" in finding.message


def test_url_conflict_ignores_case(tmp_path: Path) -> None:
    root = write_site(tmp_path, {"docs/a.md": page(slug="/Same"), "docs/b.md": page(slug="/same")})
    assert [f.code for f in analyse_site(root).findings] == ["KB301"]


def test_relative_url() -> None:
    assert relative_url("genai/", "models/compare/") == "../../genai/"
    assert relative_url("", "models/compare/") == "../../"
    assert relative_url("models/x/", "models/compare/") == "../x/"
    assert relative_url("models/compare/", "models/compare/") == "./"
    assert relative_url("x/", "") == "x/"


def test_nav_order_follows_positions_then_titles(tmp_path: Path) -> None:
    result = analyse_site(copy_fixture("nav-site", tmp_path))
    tree = build_nav(list(result.pages.values()))

    def shape(items: list) -> list:  # type: ignore[type-arg]
        out: list = []  # type: ignore[type-arg]
        for item in items:
            if isinstance(item, NavSection):
                out.append((item.title, shape(([item.index] if item.index else []) + item.children)))
            else:
                out.append(item.nav_label)
        return out

    assert shape(tree) == [
        "Home",
        ("Basics", ["Basics", "Short <label>"]),  # draft and unlisted pages are not in the nav
        ("Models", ["Models", "Overview", "Comparing models", "Alpha without position", "Beta without position"]),
    ]


def test_folder_without_index_is_a_section_named_after_the_folder(tmp_path: Path) -> None:
    root = write_site(tmp_path, {
        "docs/index.md": page(title="Home"),
        "docs/deep-dives/b.md": page(title="B", sidebar_position=2),
        "docs/deep-dives/a.md": page(title="A", sidebar_position=1),
    })
    tree = build_nav(list(analyse_site(root).pages.values()))
    section = tree[1]
    assert isinstance(section, NavSection)
    assert section.title == "Deep dives" and section.index is None
    assert [p.title for p in section.children] == ["A", "B"]
