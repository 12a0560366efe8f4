"""The built knowledge base in a real browser (Debian's Chromium, driven by Playwright)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from kb.check.analysis import analyse
from kb.config.project import Project
from kb.pages.nav import NavSection, build_nav

from ..conftest import REPO
from .conftest import screenshot

pytestmark = pytest.mark.browser


def search(tab, query: str) -> None:  # type: ignore[no-untyped-def]
    """Open search as a reader would and wait until the results show a result for the query."""
    if tab.locator("input.md-search__input").count():
        _search_material(tab, query)
    else:
        _search_zensical(tab, query)


def result_pages(tab) -> list[str]:  # type: ignore[no-untyped-def]
    """The paths of the result pages in rank order (both themes list a page's matching sections under it)."""
    links = tab.locator(".md-search-result__item > a, [role=listbox] a[role=option]")
    pages: list[str] = []
    for href in links.evaluate_all("els => els.map(e => e.href)"):
        if urlsplit(href).path not in pages:
            pages.append(urlsplit(href).path)
    return pages


def open_search(tab) -> None:  # type: ignore[no-untyped-def]
    """Open search and wait until it is ready for a query."""
    if tab.locator("input.md-search__input").count():
        tab.keyboard.press("/")
        # Material says "Initializing search" until its worker has the index; a query sent before is lost.
        tab.locator(".md-search-result__meta").filter(has_text=re.compile("Type to start searching")).wait_for(
            timeout=15000)
    else:
        tab.locator(".md-search__button").first.click()
        tab.locator("dialog[aria-label=Search] input[role=combobox]").wait_for(timeout=15000)


def _search_zensical(tab, query: str) -> None:  # type: ignore[no-untyped-def]
    """Zensical's search dialog (in a shadow root, which Playwright's locators enter): open it with the
    header button, type the query and wait for its count of results."""
    open_search(tab)
    box = tab.locator("dialog[aria-label=Search] input[role=combobox]")
    box.fill(query[:-1])
    box.press(query[-1])
    tab.locator("dialog[aria-label=Search] [role=status]").filter(has_text=re.compile(r"\d+ results?")).wait_for(
        timeout=15000)
    tab.locator("[role=listbox] a[role=option]").first.wait_for(timeout=15000)


def _search_material(tab, query: str) -> None:  # type: ignore[no-untyped-def]
    """Focus the header search box with the "/" shortcut, as a reader would, enter the query with
    its last letter typed (typed letter by letter, the results shown could still be those of "LL"
    when read; Material searches on key events, so a bare fill would not search), and wait until the
    results list shows a result for it."""
    open_search(tab)
    box = tab.locator("input.md-search__input")
    box.fill(query[:-1])
    box.press(query[-1])
    tab.locator(".md-search-result__meta").filter(has_text=re.compile(r"\d+ matching")).wait_for(timeout=15000)
    tab.locator(".md-search-result__item").first.wait_for(timeout=15000)


def errors_while_loading(tab, url: str) -> list[str]:  # type: ignore[no-untyped-def]
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    tab.goto(url, wait_until="networkidle")
    return errors


def test_home_loads_without_javascript_errors(tab, kb_site: str) -> None:  # type: ignore[no-untyped-def]
    assert errors_while_loading(tab, kb_site) == []
    assert "GenAI Knowledge Base" in tab.title()
    screenshot(tab, "home")


def test_nav_follows_sidebar_position(tab, kb_site: str) -> None:  # type: ignore[no-untyped-def]
    tree = build_nav(list(analyse(Project.from_config_file(REPO / "mkdocs.yml")).pages.values()))
    expected = [item.title if isinstance(item, NavSection) else item.nav_label for item in tree]
    tab.goto(kb_site)
    shown = tab.locator("nav.md-nav--primary > ul > li").evaluate_all(
        "items => items.map(li => li.querySelector('.md-ellipsis').textContent)")
    assert [re.sub(r"\s+", " ", s).strip() for s in shown] == expected


def test_slug_urls_and_redirects(tab, nav_site: str) -> None:  # type: ignore[no-untyped-def]
    tab.goto(nav_site + "genai/")
    assert tab.locator("h1").inner_text().startswith("Overview")
    tab.goto(nav_site + "models/overview/#intro")
    tab.wait_for_url(re.compile(r"/genai/#intro$"))
    tab.goto(nav_site + "models/compare/")
    tab.wait_for_url(re.compile(r"/models/side-by-side/$"))


# Found on every renderer: plain words, abbreviations, names of glossary terms, indexed spelling variants.
SEARCHES = [
    ("quantization", "llms/compression/"),
    ("RAG", "building/retrieval-augmented-generation/"),
    ("retrieval augmented generation", "building/retrieval-augmented-generation/"),
    ("hallucinations", "introduction/what-is-generative-ai/"),
    ("tokenisation", "llms/tokenization/"),
    ("quantisation", "llms/compression/"),
    ("transfromer", "transformers/architecture/"),
    ("diffusion models", "beyond-text/image-generation/"),
    ("reasoning models", "llms/reasoning-models/"),
    ("MCP", "building/agents-and-llmops/"),
]
# Found through what only Material's search offers (ZENSICAL_DIFFERS): the weighted abbreviation field
# ("LLM" above the pages about LLMOps), and kb's query rewriting (question words, word forms).
MATERIAL_SEARCHES = [
    ("LLM", "llms/what-is-an-llm/"),
    ("tokeniser", "llms/tokenization/"),
    ("what is a transformer", "transformers/architecture/"),
]


def assert_found(tab, site: str, query: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    tab.goto(site)
    search(tab, query)
    pages = result_pages(tab)
    assert any(p.endswith("/" + expected) for p in pages[:3]), pages[:6]


@pytest.mark.parametrize(("query", "expected"), MATERIAL_SEARCHES)
def test_material_search_finds_the_page(tab, mkdocs_site: str, query: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    assert_found(tab, mkdocs_site, query, expected)


@pytest.mark.parametrize(("query", "expected"), SEARCHES)
def test_search_finds_the_page(tab, kb_site: str, query: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    assert_found(tab, kb_site, query, expected)
    if query == "RAG":
        screenshot(tab, "search-results")


def test_abbreviation_shows_its_tooltip_on_hover(tab, kb_site: str) -> None:  # type: ignore[no-untyped-def]
    tab.goto(kb_site + "building/retrieval-augmented-generation/")
    abbr = tab.locator("article abbr[title]").first
    title = abbr.get_attribute("title")
    assert title
    abbr.hover()
    tooltip = tab.locator(".md-tooltip2, .md-tooltip").filter(has_text=title[:40]).first
    tooltip.wait_for(state="visible", timeout=5000)
    screenshot(tab, "content-page")


_MARKS_BY_SECTION = """() => {
    const article = document.querySelector("article");
    const sections = [[]];
    for (const el of article.querySelectorAll("h2, h3, h4, abbr")) {
        if (el.tagName === "ABBR") sections[sections.length - 1].push(el.textContent.toLowerCase());
        else sections.push([]);
    }
    const words = article.innerText.split(/\\s+/).filter(w => /\\w/.test(w)).length;
    const misplaced = ["h1", "h2", "h3", "h4", "h5", "h6", "a:not(.kb-term)", "code", "blockquote"]
        .map(s => s + " abbr").join(", ");
    return {sections, words, misplaced: article.querySelectorAll(misplaced).length};
}"""


@pytest.mark.parametrize("path", ["llms/tokenization/", "building/agents-and-llmops/", "models/landscape/",
                                  "introduction/what-is-generative-ai/"])
def test_tooltips_stay_calm(tab, kb_site: str, path: str) -> None:  # type: ignore[no-untyped-def]
    tab.goto(kb_site + path)
    found = tab.evaluate(_MARKS_BY_SECTION)
    marked = [term for section in found["sections"] for term in section]
    assert marked, "the page should still explain some terms"
    assert len(marked) * 100 <= 3 * found["words"]  # at most 3 marked terms per 100 words
    assert all(len(section) == len(set(section)) for section in found["sections"])  # once per section
    assert found["misplaced"] == 0  # never in headings, other links, code or quotations


def test_glossary_and_tag_pages_list_what_they_should(tab, kb_site: str) -> None:  # type: ignore[no-untyped-def]
    terms = sorted(p.stem for p in (REPO / "glossary").glob("*.yml"))
    tab.goto(kb_site + "glossary/")
    ids = tab.locator("article h3[id]").evaluate_all("els => els.map(e => e.id)")
    assert sorted(ids) == terms
    screenshot(tab, "glossary")
    tab.goto(kb_site + "tags/")
    assert tab.locator("article").get_by_text("Retrieval", exact=True).count() >= 1
    assert tab.locator("article a[href*='building/retrieval-augmented-generation/']").count() >= 1


def test_light_dark_toggle(tab, kb_site: str) -> None:  # type: ignore[no-untyped-def]
    tab.emulate_media(color_scheme="light")
    tab.goto(kb_site)
    body = tab.locator("body")
    assert body.get_attribute("data-md-color-scheme") == "default"
    tab.locator("form[data-md-component=palette] label:visible").first.click()
    assert body.get_attribute("data-md-color-scheme") == "slate"


def test_404_page(tab, kb_site: str) -> None:  # type: ignore[no-untyped-def]
    response = tab.goto(kb_site + "no-such-page/")
    assert response is not None and response.status == 404
    assert "404" in tab.locator("article").inner_text()


def test_mobile_layout_opens_the_nav_drawer(browser, kb_site: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        tab = context.new_page()
        tab.goto(kb_site)
        drawer = tab.locator("nav.md-nav--primary")
        assert not drawer.is_visible() or drawer.bounding_box()["x"] < 0
        tab.locator("label.md-header__button[for='__drawer']").click()
        tab.wait_for_function("document.getElementById('__drawer').checked")
        tab.wait_for_timeout(400)  # the drawer slides in
        box = drawer.bounding_box()
        assert box is not None and box["x"] >= 0 and box["width"] > 200
        screenshot(tab, "mobile-drawer")
    finally:
        context.close()


def test_no_request_leaves_the_site(browser, kb_site: str) -> None:  # type: ignore[no-untyped-def]
    host = urlsplit(kb_site).netloc
    outside: list[str] = []
    context = browser.new_context()

    def guard(route) -> None:  # type: ignore[no-untyped-def]
        if urlsplit(route.request.url).netloc not in (host, ""):
            outside.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", guard)
    try:
        tab = context.new_page()
        for path in ("", "transformers/architecture/", "glossary/", "building/retrieval-augmented-generation/"):
            tab.goto(kb_site + path, wait_until="networkidle")
        search(tab, "transformer")
        tab.goto(kb_site + "transformers/architecture/", wait_until="networkidle")
        # Diagrams come drawn (SVG made at build time): present and tall without any script.
        assert tab.locator(".kb-diagram svg").first.bounding_box()["height"] > 100
    finally:
        context.close()
    assert outside == []


def test_tags_page_describes_each_tag(tab, kb_site: str) -> None:  # type: ignore[no-untyped-def]
    tab.goto(kb_site + "tags/")
    headings = tab.locator("article h2[id^='tag:']").count()
    descriptions = tab.locator("article h2[id^='tag:'] + p.kb-tag-description").count()
    assert headings > 10 and descriptions == headings


def test_last_update_from_git(tab, mkdocs_site: str) -> None:  # type: ignore[no-untyped-def]
    """When the page last changed, from git (this copy has no history, so the build date stands in):
    a MkDocs plugin's work, which Zensical does not run (ZENSICAL_DIFFERS)."""
    tab.goto(mkdocs_site + "models/landscape/")
    changed = tab.locator(".md-source-file .git-revision-date-localized-plugin-date")
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]+ 20\d\d", changed.inner_text())


def test_review_date_and_markdown_copy(tab, kb_site: str) -> None:  # type: ignore[no-untyped-def]
    tab.goto(kb_site + "models/landscape/")
    reviewed = tab.locator(".kb-reviewed time")
    assert reviewed.get_attribute("datetime") == "2026-12-01" and reviewed.inner_text() == "1 December 2026"
    copy = tab.request.get(kb_site + "llms/tokenization.md")
    assert copy.ok and copy.text().startswith("# Tokenization")
    index = tab.request.get(kb_site + "llms.txt").text()
    assert index.startswith("# GenAI Knowledge Base\n") and "llms/tokenization.md)" in index


@pytest.mark.parametrize("path", ["", "llms/tokenization/", "sequence-models/recurrent-networks/",
                                  "transformers/architecture/", "history/timeline/"])
def test_first_visit_weighs_under_a_megabyte(browser, kb_site: str, path: str) -> None:  # type: ignore[no-untyped-def]
    """What a reader's browser downloads for a first visit, compressed as the host sends it."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    sizes: list[int] = []
    context.on("requestfinished", lambda request: sizes.append(request.sizes()["responseBodySize"]))
    try:
        tab = context.new_page()
        tab.goto(kb_site + path, wait_until="networkidle")
        open_search(tab)  # the search index too
        tab.wait_for_load_state("networkidle")
    finally:
        context.close()
    assert 0 < sum(sizes) <= 1_000_000, sum(sizes)


DIAGRAM_PAGES = sorted(
    str(p.relative_to(REPO / "docs").with_suffix("")) + "/" for p in (REPO / "docs").rglob("*.md")
    if "```mermaid" in p.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", DIAGRAM_PAGES)
def test_diagrams_are_drawn_at_build_time_and_stay_legible(tab, kb_site: str, path: str) -> None:  # type: ignore[no-untyped-def]
    tab.goto(kb_site + path, wait_until="networkidle")
    assert tab.locator("script[src*='mermaid']").count() == 0 and tab.locator("pre.mermaid").count() == 0
    sizes = tab.evaluate("""() => {
        const body = parseFloat(getComputedStyle(document.querySelector("article p")).fontSize);
        const sizes = [];
        for (const svg of document.querySelectorAll(".kb-diagram svg")) {
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;  // 1 unless shrunk
            for (const label of svg.querySelectorAll("foreignObject span, text")) {
                if (label.textContent.trim() && !label.querySelector("span"))
                    sizes.push(parseFloat(getComputedStyle(label).fontSize) * scale);
            }
        }
        return {body, smallest: Math.min(...sizes), count: sizes.length};
    }""")
    assert sizes["count"] > 0
    assert sizes["smallest"] >= sizes["body"] * 2 / 3, sizes  # never smaller than body text by over a third
