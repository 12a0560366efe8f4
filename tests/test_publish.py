"""Steps over the built site: copies for language models, review dates, the site name once, trimmed assets."""

from __future__ import annotations

from pathlib import Path

from kb.pages.page import Page
from kb.publish.finish import insert_all
from kb.publish.llms import absolute_links, llms_txt, markdown_url, published
from kb.publish.pages import bundle_position, review_date, single_site_name, with_review_date

from .conftest import MINIMAL_MKDOCS, build_site, page, write_site

URLS = {"index.md": "", "llms/tokenization.md": "llms/tokenization/", "glossary.md": "glossary/",
        "llms/index.md": "llms/"}


def test_markdown_copies_sit_at_the_page_url_with_md() -> None:
    assert markdown_url("llms/tokenization/") == "llms/tokenization.md"
    assert markdown_url("") == "index.md"
    assert markdown_url("llms/") == "llms.md"
    assert markdown_url("a/b.html") == "a/b.md"


def test_links_become_absolute() -> None:
    body = ("See [tokens](tokenization.md#bpe), [the glossary](../glossary.md#token), ![a](img/a.png),\n"
            "[web](https://example.org/x.md), [here](#top), [root](/genai) and [ref][r].\n\n"
            "[r]: <tokenization.md>\n")
    out = absolute_links(body, "llms/index.md", URLS, "https://kb.example/")
    assert "(https://kb.example/llms/tokenization.md#bpe)" in out
    assert "(https://kb.example/glossary.md#token)" in out
    assert "(https://kb.example/llms/img/a.png)" in out
    assert "(https://example.org/x.md)" in out and "(#top)" in out and "(/genai)" in out
    assert "[r]: <https://kb.example/llms/tokenization.md>" in out


def test_llms_txt_has_the_llmstxt_shape() -> None:
    pages = [Page(src, src, None, "# T\n") for src in URLS]
    copies = published(pages, URLS, "/")
    from kb.pages.nav import build_nav

    text = llms_txt("Site", "What it is.", build_nav(pages), copies, "/")
    lines = text.splitlines()
    assert lines[0] == "# Site" and lines[2] == "> What it is."
    sections = [line for line in lines if line.startswith("## ")]
    assert sections == ["## Start here", "## Llms"]  # top-level pages, then one section per folder
    assert "- [Llms](/llms.md)" in lines and "- [Tokenization](/llms/tokenization.md)" in lines


def test_review_dates_read_as_people_write_them() -> None:
    assert review_date("2026-11-03") == "3 November 2026"
    assert review_date("2026-13-45") is None and review_date(None) is None
    shown = with_review_date("<h1>T</h1><p>x</p>", "2026-11-03")
    assert shown.startswith("<h1>T</h1><p class=\"kb-reviewed\"><small>Reviewed <time datetime=\"2026-11-03\">")
    assert with_review_date("<h1>T</h1>", None) == "<h1>T</h1>"


def test_the_site_name_is_said_once() -> None:
    assert single_site_name("<title>A &amp; B - A &amp; B</title>", "A & B") == "<title>A &amp; B</title>"
    assert single_site_name("<title>Page - A</title>", "A") == "<title>Page - A</title>"


def test_a_built_site_carries_the_copies_and_ships_no_source_maps(tmp_path: Path) -> None:
    root = write_site(tmp_path, {
        "docs/index.md": page(title="Test site", body="# Test site\n\n[Guide](guide.md), [Hidden](hidden.md)\n"),
        "docs/guide.md": page(title="Guide", body="# Guide\n\nA [term](glossary.md#widget).\n",
                              last_reviewed="2026-11-03"),
        "docs/draft.md": page(title="Draft", body="# Draft\n", draft="true"),
        "docs/hidden.md": page(title="Hidden", body="# Hidden\n", unlisted="true"),
        "docs/glossary.md": page(title="Glossary", body="# Glossary\n\n<!-- kb:glossary -->\n"),
        "glossary/widget.yml": "term: Widget\nshort: A small part of a page.\n",
    }, MINIMAL_MKDOCS + "site_url: https://kb.example/docs/\n")
    site = build_site(root)
    index = (site / "llms.txt").read_text(encoding="utf-8")
    assert "[Guide](https://kb.example/docs/guide.md): A page used in a test." in index
    assert "Draft" not in index and "Hidden" not in index
    assert (site / "guide.md").read_text(encoding="utf-8").startswith("# Guide")
    assert "(https://kb.example/docs/glossary.md#widget)" in (site / "guide.md").read_text(encoding="utf-8")
    assert "Widget" in (site / "glossary.md").read_text(encoding="utf-8")  # the generated glossary, not the marker
    assert not (site / "draft.md").exists() and not (site / "hidden.md").exists()
    full = (site / "llms-full.txt").read_text(encoding="utf-8")
    assert "# Guide" in full and "# Hidden" not in full
    assert not list(site.rglob("*.map"))
    assert not any("sourceMappingURL" in p.read_text(errors="ignore") for p in (site / "assets").rglob("*.js"))
    assert not (site / "assets" / "javascripts" / "lunr").exists()  # English only: no other languages shipped
    assert "<title>Test site</title>" in (site / "index.html").read_text(encoding="utf-8")
    assert "Reviewed <time datetime=\"2026-11-03\">3 November 2026</time>" in (
        site / "guide" / "index.html").read_text(encoding="utf-8")


def test_tag_descriptions_go_under_their_headings() -> None:
    from kb.publish.pages import with_tag_descriptions

    page = ('<h2 id="tag:rag">\n\n<span class="md-tag">Retrieval &amp; search</span><a href="#tag:rag">&para;</a></h2>'
            '<ul><li>x</li></ul><h2 id="tag:other">\n<span class="md-tag">Other</span></h2>')
    out = with_tag_descriptions(page, {"Retrieval & search": "Finding <documents>."})
    assert '</h2>\n<p class="kb-tag-description">Finding &lt;documents&gt;.</p><ul>' in out
    assert out.count("kb-tag-description") == 1  # a tag without a description gets none


def test_spelling_variants_cover_both_spellings_and_skip_words_with_one() -> None:
    from kb.publish.search import spelling_variants

    text = "Tokenization, tokenizers and quantised models; we analyze and summarise. Size, raise, prize, wise."
    assert spelling_variants(text).split() == ["tokenisation", "tokenisers", "quantized", "analyse", "summarize"]
    assert spelling_variants("a" * 100_000 + "ize") == "a" * 100_000 + "ise"  # long input, one pass


def test_a_glossary_without_a_page_gets_one(tmp_path: Path) -> None:
    from kb.check.analysis import analyse
    from kb.config.project import Project

    root = write_site(tmp_path, {
        "docs/index.md": page(title="Home", body="# Home\n\nA widget, see [it](glossary.md#widget).\n"),
        "glossary/widget.yml": "term: Widget\nshort: A small part of a page.\n",
    })
    for _ in range(2):  # cold, then from the cache
        findings = analyse(Project.from_config_file(root / "mkdocs.yml")).findings
        assert [f.code for f in findings if f.severity.value == "error"] == []
    site = build_site(root, strict=True)
    glossary = (site / "glossary" / "index.html").read_text(encoding="utf-8")
    assert 'id="widget"' in glossary and "A small part of a page." in glossary
    assert not (root / "docs" / "glossary.md").exists()  # nothing was written into docs/


def test_diagram_blocks_become_drawings_at_their_natural_size() -> None:
    from kb.publish.diagrams import diagrams_in, natural_size, with_svgs

    page = ('<p>x</p><pre class="mermaid"><code>flowchart TD\n  a --&gt; b</code></pre>'
            '<pre class="mermaid"><code>bad</code></pre>')
    assert diagrams_in(page) == ["flowchart TD\n  a --> b", "bad"]
    svg = '<svg id="d" width="100%" style="max-width: 812.5px;" viewBox="0 0 812.5 90"><text>a</text></svg>'
    assert natural_size(svg) == ('<svg id="d" width="812.5" style="max-width: none;" viewBox="0 0 812.5 90">'
                                 '<text>a</text></svg>')
    out = with_svgs(page, {"flowchart TD\n  a --> b": svg})
    assert '<div class="kb-diagram" style="overflow-x: auto"><svg id="d" width="812.5"' in out
    assert '<pre class="mermaid"><code>bad</code></pre>' in out  # not drawn: left for the browser


def test_insertions_land_at_their_offsets_in_one_copy() -> None:
    page = "<head></head><body>x</body>"
    assert insert_all(page, []) is page
    done = insert_all(page, [(13, "<p>"), (6, "<meta a>"), (6, "<meta b>"), (len(page), "!")])
    assert done == "<head><meta a><meta b></head><p><body>x</body>!"


def test_site_scripts_go_just_before_the_themes_bundle_else_before_the_body_ends() -> None:
    bundle = '<script src="../assets/javascripts/bundle.a5f9c1.min.js"></script>'
    page = f'<script src="assets/javascripts/bundle.js"></script><body>{bundle}</body>'
    assert page[bundle_position(page):].startswith(bundle)
    assert bundle_position("<body>no bundle</body>") == len("<body>no bundle")
    assert bundle_position("no body") == -1
