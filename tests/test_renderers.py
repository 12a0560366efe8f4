"""The same fixture site built by MkDocs, ProperDocs and Zensical: the same nav, URLs, redirects, meta,
glossary anchors, tooltips and search additions on each, and the prepared copy's rules on their own."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from kb.build.pipeline import build
from kb.build.prepare import generated_config, location, relocate, relocate_all
from kb.build.renderers import RENDERERS
from kb.config.project import ConfigError, Project
from kb.pages.urls import PageUrl

from .conftest import copy_fixture

RENDERER_NAMES = sorted(RENDERERS)


@pytest.fixture(scope="module", params=RENDERER_NAMES)
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    renderer = request.param
    if not RENDERERS[renderer].installed():
        pytest.fail(RENDERERS[renderer].missing_message())  # CI installs every renderer: never skip
    root = copy_fixture("renderers-site", tmp_path_factory.mktemp(renderer))
    result = build(root / "mkdocs.yml", renderer, strict=True)
    assert result.findings == [] and result.missing == []
    return renderer, result.site


def read(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def nav_labels(text: str) -> list[str]:
    start = text.index("md-nav--primary")
    end = text.find("md-sidebar--secondary", start)
    primary = text[start: end if end > 0 else len(text)]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", label)).strip()
            for label in re.findall(r'<a href="[^"]*" class="md-nav__link[^"]*">(.*?)</a>', primary, re.S)]


def search_entries(site: Path) -> list[dict[str, str]]:
    """The search index's entries, whichever format the renderer writes."""
    material = site / "search" / "search_index.json"
    if material.is_file():
        return list(json.loads(material.read_text(encoding="utf-8"))["docs"])
    return list(json.loads(read(site, "search.json"))["items"])


def test_nav_order_follows_sidebar_position(built: tuple[str, Path]) -> None:
    _, site = built
    assert nav_labels(read(site, "models/index.html")) == [
        "Home", "Basics", "Short &lt;label&gt;", "Models", "Overview", "Comparing models",
        "Alpha without position", "Beta without position", "Tags", "Glossary"]


def test_slug_urls_and_links(built: tuple[str, Path]) -> None:
    _, site = built
    assert (site / "genai/index.html").is_file() and (site / "models/side-by-side/index.html").is_file()
    home = read(site, "index.html")
    assert re.search(r'href="(\./)?models/side-by-side/"', home)
    assert re.search(r'href="(\./)?genai/#intro"', home)
    overview = read(site, "genai/index.html")
    assert re.search(r'href="\.\./models/side-by-side/"', overview)
    assert re.search(r'href="\.\./(\./)?"', overview)  # the home page, from the slug's place


def test_old_path_redirects_to_the_slug(built: tuple[str, Path]) -> None:
    _, site = built
    stub = read(site, "models/compare/index.html")
    assert 'http-equiv="refresh" content="0; url=../side-by-side/"' in stub
    assert '<meta name="robots" content="noindex">' in stub
    assert 'url=../../genai/"' in read(site, "models/overview/index.html")


def test_meta_tags(built: tuple[str, Path]) -> None:
    _, site = built
    compare = read(site, "models/side-by-side/index.html")
    assert '<meta name="description" content="A page with a relative slug.">' in compare
    assert '<meta name="keywords" content="compare, benchmarks &amp; &quot;scores&quot;">' in compare
    home = read(site, "index.html")
    assert '<meta name="description" content="The fixture home page, with &quot;quotes&quot; &amp; an ampersand.">' \
        in home
    assert "noindex" not in home
    assert '<meta name="robots" content="noindex">' in read(site, "basics/hidden/index.html")
    assert "Content-Security-Policy" in home and "Content-Security-Policy" in read(site, "404.html")


def test_drafts_are_left_out(built: tuple[str, Path]) -> None:
    _, site = built
    assert not (site / "basics/draft/index.html").exists()
    assert not any("UniqueDraftWord" in p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    assert "UniqueDraftWord" not in read(site, "llms-full.txt")


def test_unlisted_pages_are_built_but_hidden(built: tuple[str, Path]) -> None:
    _, site = built
    assert "Hidden page" not in nav_labels(read(site, "index.html"))
    entries = search_entries(site)
    assert not any("UniqueHiddenWord" in entry["text"] for entry in entries)
    assert any(entry["title"] == "Comparing models" for entry in entries)
    sitemap = read(site, "sitemap.xml")
    assert "https://kb.example.org/docs/basics/hidden/" not in sitemap
    assert "https://kb.example.org/docs/genai/" in sitemap
    assert "Hidden page" not in read(site, "llms.txt")


def test_glossary_page_has_an_anchor_per_term(built: tuple[str, Path]) -> None:
    _, site = built
    glossary = read(site, "glossary/index.html")
    for term_id in ("retrieval-augmented-generation", "large-language-model"):
        assert f'id="{term_id}"' in glossary
    assert 'href="../models/side-by-side/"' in glossary  # "In depth" link to a slugged page


def test_tooltips_and_first_mention_links(built: tuple[str, Path]) -> None:
    _, site = built
    home = read(site, "index.html")
    rag = ('<a class="kb-term" href="glossary/#retrieval-augmented-generation"><abbr title="Answering with a '
           'model after retrieving relevant documents and adding them to the prompt.">RAG</abbr></a>')
    assert rag in home
    assert home.count('class="kb-term"') == 2  # one per term, and within the words' budget
    compare = read(site, "models/side-by-side/index.html")
    assert compare.count('class="kb-term"') == 1
    assert 'href="../../glossary/#large-language-model"' in compare
    assert "kb:content" not in home  # the prepared copy's markers are gone


def test_review_date_and_tag_descriptions(built: tuple[str, Path]) -> None:
    _, site = built
    assert '<time datetime="2026-11-03">3 November 2026</time>' in read(site, "genai/index.html")
    assert '<p class="kb-tag-description">Model families and how to compare them.</p>' in read(site, "tags/index.html")


def test_search_finds_pages_by_glossary_names(built: tuple[str, Path]) -> None:
    _, site = built
    page = next(e for e in search_entries(site) if e["location"] == "genai/")
    names = " ".join(str(value) for value in page.values())
    assert "Retrieval-augmented generation" in names and "RAG" in names


def test_copies_for_language_models(built: tuple[str, Path]) -> None:
    _, site = built
    llms = read(site, "llms.txt")
    assert "(https://kb.example.org/docs/genai.md)" in llms
    assert "(https://kb.example.org/docs/models/side-by-side.md)" in llms
    assert "### Retrieval-augmented generation {#retrieval-augmented-generation}" in read(site, "glossary.md")


def test_users_files_are_not_written(tmp_path: Path) -> None:
    root = copy_fixture("renderers-site", tmp_path)
    before = {p: p.read_bytes() for p in [root / "mkdocs.yml", *(root / "docs").rglob("*")] if p.is_file()}
    build(root / "mkdocs.yml", "zensical")
    after = {p: p.read_bytes() for p in [root / "mkdocs.yml", *(root / "docs").rglob("*")] if p.is_file()}
    assert before == after
    config = (root / ".cache/kb-build/zensical/mkdocs.yml").read_text(encoding="utf-8")
    assert "- kb\n" not in config and "docs_dir: docs" in config


def test_unknown_or_missing_renderer_is_a_usage_error(tmp_path: Path) -> None:
    root = copy_fixture("renderers-site", tmp_path)
    with pytest.raises(ConfigError, match="no renderer 'hugo'"):
        build(root / "mkdocs.yml", "hugo")


def test_slug_pages_are_placed_at_their_slug() -> None:
    moved = PageUrl("models/overview.md", "genai/", "genai/index.html", "models/overview/",
                    "models/overview/index.html")
    assert location(moved, "models/overview.md", True) == "genai.md"
    home = PageUrl("a.md", "", "index.html", "a/", "a/index.html")
    assert location(home, "a.md", True) == "index.md"
    flat = PageUrl("a.md", "x/y.html", "x/y.html", "a.html", "a.html")
    assert location(flat, "a.md", False) == "x/y.md"


def test_links_follow_moved_pages() -> None:
    locations = {"models/overview.md": "genai.md", "models/compare.md": "models/compare.md", "index.md": "index.md"}
    assert relocate("overview.md#intro", "models/compare.md", "models/compare.md", locations) == "../genai.md#intro"
    assert relocate("compare.md", "models/overview.md", "genai.md", locations) == "models/compare.md"
    assert relocate("../img/a.png", "models/overview.md", "genai.md", locations) == "img/a.png"
    assert relocate("https://example.org/x.md", "a.md", "b/a.md", locations) == "https://example.org/x.md"
    assert relocate("#top", "a.md", "b/a.md", locations) == "#top"
    assert relocate("compare.md", "models/index.md", "models/index.md", locations) == "compare.md"
    text = "[o](models/overview.md) and\n\n[r]: <models/overview.md#x>\n"
    assert relocate_all(text, "glossary.md", "glossary.md", locations) == "[o](genai.md) and\n\n[r]: <genai.md#x>\n"


def test_generated_config_keeps_the_users_tags(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/index.md").write_text("---\ntitle: Home\ndescription: Home.\n---\n# Home\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Tags\nsite_url: !ENV [KB_TEST_URL, 'http://x/']\nexclude_docs: |\n  tags.yml\n"
        "plugins:\n  - kb:\n      tooltips: false\n  - search\nmarkdown_extensions:\n  - pymdownx.superfences:\n"
        "      custom_fences:\n        - name: mermaid\n          class: mermaid\n"
        "          format: !!python/name:pymdownx.superfences.fence_code_format\n", encoding="utf-8")
    project = Project.from_config_file(tmp_path / "mkdocs.yml")
    from kb.pages.page import load_page

    page, _ = load_page(project, "index.md")
    config = generated_config(project, [page], {"index.md": "index.md"}, [])
    assert "site_url: !ENV [KB_TEST_URL, 'http://x/']" in config
    assert "format: !!python/name:pymdownx.superfences.fence_code_format" in config
    assert "kb" not in config.split("plugins:", 1)[1].split("markdown_extensions", 1)[0]
    assert "exclude_docs" not in config and "- attr_list" in config
    assert "- Home: index.md" in config


def _free_port() -> int:
    """A port the system has just handed out as free (Zensical's server takes no port 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _fetch_until(url: str, wanted: str, process: subprocess.Popen[bytes], seconds: float = 60) -> str:
    """The page at `url` once it contains `wanted`; fails if the server stops or the deadline passes."""
    deadline = time.monotonic() + seconds
    body = ""
    while wanted not in body:
        assert process.poll() is None, "the preview server stopped"
        assert time.monotonic() < deadline, f"{url} never showed {wanted!r}; last: {body[:200]!r}"
        try:
            body = urllib.request.urlopen(url, timeout=2).read().decode()
        except OSError:
            time.sleep(0.2)
    return body


def test_zensical_preview_shows_drafts_and_follows_edits(tmp_path: Path) -> None:
    root = copy_fixture("renderers-site", tmp_path)
    address = f"127.0.0.1:{_free_port()}"
    process = subprocess.Popen([sys.executable, "-m", "kb.cli", "serve", "--renderer", "zensical", "-a", address],
                               cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _fetch_until(f"http://{address}/basics/draft/", "UniqueDraftWord", process)
        overview = root / "docs/models/overview.md"
        overview.write_text(overview.read_text(encoding="utf-8").replace("# Overview\n", "# Overview, edited\n"),
                            encoding="utf-8")
        _fetch_until(f"http://{address}/genai/", "Overview, edited", process)  # at its slug, prepared again
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_findings_stop_a_build_without_the_plugin(tmp_path: Path) -> None:
    root = copy_fixture("renderers-site", tmp_path)
    (root / "docs/models/broken.md").write_text("---\ntitle: [x\n---\n# Broken\n", encoding="utf-8")
    result = build(root / "mkdocs.yml", "zensical")
    assert [f.code for f in result.findings] == ["KB202"] and not (root / "site").exists()
    done = subprocess.run([sys.executable, "-m", "kb.cli", "build", "--renderer", "zensical"], cwd=root,
                          capture_output=True, text=True)
    assert done.returncode == 1
    assert "docs/models/broken.md:3:1: error KB202" in done.stderr and "in 15 files checked" in done.stderr
    assert "the site was not built" in done.stderr


def test_build_command_has_help_with_examples() -> None:
    done = subprocess.run([sys.executable, "-m", "kb.cli", "build", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "kb build --renderer zensical" in done.stdout
    done = subprocess.run([sys.executable, "-m", "kb.cli", "build", "--renderer", "hugo"], capture_output=True,
                          text=True)
    assert done.returncode == 2 and "invalid choice" in done.stderr
