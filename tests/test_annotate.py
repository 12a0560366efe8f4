"""The tooltip policy: first mentions per section, never in headings, links, code, quotations, cited
titles or the sources list, and a cap per hundred words."""

from __future__ import annotations

import re

from kb.glossary.annotate import annotate_html, readable_words
from kb.glossary.matcher import TermMatcher

MATCHER = TermMatcher.of([("Transformer", "transformer"), ("RAG", "rag")])
SHORTS = {"transformer": "A network built on attention.", "rag": "Retrieval before generation."}
FILLER = " ".join(["word"] * 100)


def marks(html_text: str) -> list[str]:
    return re.findall(r"<abbr[^>]*>([^<]*)</abbr>", html_text)


def test_a_term_is_marked_once_per_section() -> None:
    page = (f"<h2>One</h2><p>A Transformer and a Transformer. RAG. {FILLER}</p>"
            f"<h2>Two</h2><p>Transformer again, and Transformer. {FILLER}</p>")
    assert marks(annotate_html(page, MATCHER, SHORTS, None)) == ["Transformer", "RAG", "Transformer"]


def test_never_in_headings_links_code_quotations_or_sources() -> None:
    page = ("<h2>Transformer</h2><p><a href='x'>Transformer</a> <code>Transformer</code></p>"
            "<blockquote><p>Transformer</p></blockquote><p><q>RAG</q> <cite>Transformer</cite></p>"
            f"<h2 id=\"sources\">Sources</h2><ul><li><em>Transformer</em> paper</li></ul><p>{FILLER}</p>")
    assert marks(annotate_html(page, MATCHER, SHORTS, None)) == []


def test_the_sources_list_ends_at_the_next_section() -> None:
    page = f'<h2 id="sources">Sources</h2><p>RAG</p><h2 id="after">After</h2><p>RAG {FILLER}</p>'
    assert marks(annotate_html(page, MATCHER, SHORTS, None)) == ["RAG"]


def test_at_most_three_marks_per_hundred_words() -> None:
    sections = "".join(f"<h3>S{i}</h3><p>Transformer and RAG in words {i}.</p>" for i in range(40))
    page = sections + f"<p>{FILLER}</p>"
    result = annotate_html(page, MATCHER, SHORTS, None)
    assert len(marks(result)) == int(readable_words(page) * 3 / 100) < 80


def test_limits_can_be_lifted() -> None:
    page = "<p>Transformer, Transformer, Transformer.</p>"
    assert len(marks(annotate_html(page, MATCHER, SHORTS, None, per_section=0, per_100_words=0))) == 3


def test_the_first_mention_link_is_one_of_the_marks() -> None:
    page = f"<p>Transformer and Transformer. {FILLER}</p>"
    result = annotate_html(page, MATCHER, SHORTS, lambda term: f"glossary/#{term}")
    assert result.count('class="kb-term"') == 1 and len(marks(result)) == 1
