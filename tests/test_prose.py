"""The readable text glossary terms are sought in: bare URLs and other spans blanked, offsets kept."""

from __future__ import annotations

import random

from kb.scan import _BARE_URL, PROSE_GAP, _bare_urls, _blank_spans, scan_markdown


def _covered(spans: list[tuple[int, int]]) -> set[int]:
    return {i for start, end in spans for i in range(start, end)}


def test_bare_urls_found_from_their_markers_cover_what_the_regex_finds() -> None:
    rng = random.Random(3)
    parts = ["http://a.b/c", "https://x.y", "ftp://f.g", "www.w.org", "xhttp://q.r", "see", " ", "\n", "(", ")",
             "]", "<", "www", "://", "http", "wx.www.z"]
    for _ in range(5000):
        text = "".join(rng.choice(parts) for _ in range(rng.randrange(12)))
        assert _covered(_bare_urls(text)) == _covered([m.span() for m in _BARE_URL.finditer(text)]), text


def test_blanked_spans_may_overlap_and_keep_newlines() -> None:
    rng = random.Random(5)
    for _ in range(2000):
        text = "".join(rng.choice("ab \n") for _ in range(rng.randrange(2, 30)))
        spans = []
        for _ in range(rng.randrange(4)):
            start, end = sorted(rng.sample(range(len(text) + 1), 2))
            spans.append((start, end))
        expected = "".join(PROSE_GAP if i in _covered(spans) and c != "\n" else c for i, c in enumerate(text))
        assert _blank_spans(text, spans) == expected


def test_prose_only_when_asked() -> None:
    body = "# Title\n\nSee https://example.org/rag and [RAG](rag.md) with `code`.\n"
    scanned = scan_markdown(body, 5)
    gap = PROSE_GAP
    assert scanned.prose == f"# Title\n\nSee {gap * 23} and [RAG]{gap * 8} with{' ' * 7}.\n"
    assert scanned.prose.index("RAG") == body.index("RAG")  # offsets kept, so lines and columns are right
    without = scan_markdown(body, 5, prose=False)
    assert without.prose == "" and without.links == scanned.links
