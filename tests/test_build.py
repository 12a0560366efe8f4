"""Real MkDocs builds of fixture sites: nav order, URLs, redirects, meta tags, drafts, unlisted."""

import json
import re
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort

from .conftest import build_site, copy_fixture, page, write_site


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_fixture("nav-site", tmp_path_factory.mktemp("build"))
    return build_site(root)


def html(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def nav_links(text: str) -> list[str]:
    primary = text[text.index("md-nav--primary"): text.index("md-sidebar--secondary")]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", label)).strip()
            for label in re.findall(r'<a href="[^"]*" class="md-nav__link[^"]*">(.*?)</a>', primary, re.S)]


def test_nav_order_follows_sidebar_position(built: Path) -> None:
    labels = nav_links(html(built, "models/index.html"))
    assert labels == ["Home", "Basics", "Short &lt;label&gt;", "Models", "Overview", "Comparing models",
                      "Alpha without position", "Beta without position"]


def test_slug_urls_and_links_resolve(built: Path) -> None:
    assert (built / "genai/index.html").is_file()
    assert (built / "models/side-by-side/index.html").is_file()
    home = html(built, "index.html")
    assert 'href="models/side-by-side/"' in home  # .md link to a slugged page
    assert 'href="genai/#intro"' in home  # Docusaurus-style slug link made relative
    assert 'href="genai/"' in home
    compare = html(built, "models/side-by-side/index.html")
    assert 'href="../../genai/"' in compare


def test_old_path_redirects_to_the_slug(built: Path) -> None:
    stub = html(built, "models/compare/index.html")
    assert 'http-equiv="refresh" content="0; url=../side-by-side/"' in stub
    assert 'location.replace("../side-by-side/" + location.hash)' in stub
    assert 'href="../../genai/"' in html(built, "models/overview/index.html")


def test_meta_tags_are_escaped(built: Path) -> None:
    compare = html(built, "models/side-by-side/index.html")
    assert '<meta name="description" content="A page with a relative slug.">' in compare
    assert '<meta name="keywords" content="compare, benchmarks &amp; &quot;scores&quot;">' in compare


def test_drafts_are_left_out_of_the_build(built: Path) -> None:
    assert not (built / "basics/draft/index.html").exists()
    assert "Work in progress" not in html(built, "index.html")


def test_unlisted_pages_are_built_but_hidden(built: Path) -> None:
    hidden = html(built, "basics/hidden/index.html")
    assert '<meta name="robots" content="noindex">' in hidden
    assert "Hidden page" not in nav_links(html(built, "index.html"))
    index = json.loads(html(built, "search/search_index.json"))
    assert not any("UniqueHiddenWord" in doc["text"] for doc in index["docs"])
    assert any("Comparing models" in doc["title"] for doc in index["docs"])
    sitemap = html(built, "sitemap.xml")
    assert "https://kb.example.org/docs/basics/hidden/" not in sitemap
    assert "https://kb.example.org/docs/genai/" in sitemap


def test_serve_mode_builds_drafts(tmp_path: Path) -> None:
    site = build_site(copy_fixture("nav-site", tmp_path), serve=True)
    assert (site / "basics/draft/index.html").is_file()


def test_error_findings_fail_a_strict_build(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    root = write_site(tmp_path, {"docs/index.md": page(), "docs/bad.md": "---\ntitle: [x\n---\n"})
    with pytest.raises(Abort):
        build_site(root, strict=True)
    assert any("docs/bad.md:" in r.getMessage() and "KB202" in r.getMessage() for r in caplog.records)


def test_undecodable_page_does_not_crash_a_build(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    root = write_site(tmp_path, {"docs/index.md": page(), "docs/latin.md": page(body="caf\xe9").encode("latin-1")})
    site = build_site(root)
    assert (site / "latin/index.html").is_file()
    assert any("KB101" in r.getMessage() for r in caplog.records)


MERMAID_SITE = """\
site_name: Mermaid
theme:
  name: material
  font: false
plugins:
  - kb:
      mermaid_js: vendor/mermaid.js
markdown_extensions:
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          class: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format
"""


def test_mermaid_is_served_from_the_site(tmp_path: Path) -> None:
    diagram = page(body="# Flow\n\n```mermaid\nflowchart LR\n  A --> B\n```\n")
    root = write_site(tmp_path, {"docs/index.md": page(), "docs/guide/flow.md": diagram,
                                 "vendor/mermaid.js": "window.mermaid = {};\n"}, MERMAID_SITE)
    site = build_site(root, strict=True)
    flow = (site / "guide/flow/index.html").read_text(encoding="utf-8")
    assert '<script src="../../assets/javascripts/mermaid.min.js"></script>' in flow
    assert flow.index("mermaid.min.js") < flow.index("assets/javascripts/bundle.")  # loaded before Material
    assert (site / "assets/javascripts/mermaid.min.js").read_text(encoding="utf-8") == "window.mermaid = {};\n"
    assert "mermaid.min.js" not in (site / "index.html").read_text(encoding="utf-8")  # only where needed


def test_missing_local_mermaid_fails_a_strict_build(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    diagram = page(body="# Flow\n\n```mermaid\nflowchart LR\n  A --> B\n```\n")
    root = write_site(tmp_path, {"docs/index.md": diagram}, MERMAID_SITE)
    with pytest.raises(Abort):
        build_site(root, strict=True)
    assert any("no local copy of Mermaid" in r.getMessage() for r in caplog.records)
