"""TermMatcher on its own: offsets through collapsed separators, and the per-process memo of
judged words, which must never hide a misspelling that a later page repeats."""

from __future__ import annotations

import random
import re

from kb.glossary.matcher import TermMatcher, _dictionary, _judged_words, _Normalised, _word_list, is_english_word
from kb.render.facts import Renderer
from kb.render.scan import scan_page


def _matcher(*names: tuple[str, str]) -> TermMatcher:
    return TermMatcher.of(names)


def test_normalised_offsets_lead_back_to_the_same_characters() -> None:
    rng = random.Random(7)
    for _ in range(2000):
        text = "".join(rng.choice("ab  \n\t-*_x") for _ in range(rng.randrange(40)))
        norm = _Normalised(text)
        translated = re.sub(r"[\n\t*_-]", " ", text.replace("\n\n", "\x00 "))
        assert norm.text == re.sub(" {2,}", " ", translated)
        assert all(translated[norm.original(i)] == char for i, char in enumerate(norm.text))


def test_names_do_not_run_across_paragraphs_or_blanked_spans() -> None:
    matcher = _matcher(("Generative AI", "gen-ai"), ("Transformer", "transformer"), ("RAG", "rag"))
    body = ("Generative\n\nAI. Generative [x](a.md)AI. [Generative AI](a.md) and\n[RAG](https://r.ag)"
            " with [Transfomer](t.md).\n")
    prose = scan_page(Renderer([], {}), body, 1).prose
    mentions, misses = matcher.scan(prose)
    # Link text is read (as readers read it); link targets and paragraph breaks are not.
    assert [(prose[m.start:m.end], m.term_id) for m in mentions] == [
        ("Generative AI", "gen-ai"), ("RAG", "rag")]
    assert [(m.surface, m.kind) for m in misses] == [("Transfomer", "typo")]  # a typo right before a link target


def test_mentions_span_line_breaks_hyphens_and_emphasis_with_original_offsets() -> None:
    matcher = _matcher(("Retrieval-augmented generation", "rag"), ("RAG", "rag"), ("Generative AI", "gen-ai"))
    text = "We use retrieval augmented\n    generation, *Generative* **AI** and RAGs; not RAGE or rag."
    found = [(text[m.start:m.end], m.term_id) for m in matcher.mentions(text)]
    assert found == [("retrieval augmented\n    generation", "rag"), ("Generative* **AI", "gen-ai"),
                     ("RAGs", "rag")]


def test_punctuation_inside_and_around_names() -> None:
    matcher = _matcher(("A/B testing", "ab"), ("Node.js", "node"), ("RAG", "rag"))
    text = "\u201cRAG\u201d (RAG), A/B testing and Node.js; not xRAG, RAGx or A/Btesting."
    found = [(text[m.start:m.end], m.term_id) for m in matcher.mentions(text)]
    assert found == [("RAG", "rag"), ("RAG", "rag"), ("A/B testing", "ab"), ("Node.js", "node")]


def test_a_misspelling_is_reported_on_every_page_that_repeats_it() -> None:
    matcher = _matcher(("Transformer", "transformer"), ("Generative AI", "gen-ai"))
    first = matcher.scan("The Transfomer came first. Genereative AI followed.")[1]
    second = matcher.scan("Later pages: Genereative AI again, and the Transfomer.")[1]
    assert [(m.surface, m.kind) for m in first] == [("Transfomer", "typo"), ("Genereative AI", "typo")]
    assert [(m.surface, m.kind) for m in second] == [("Genereative AI", "typo"), ("Transfomer", "typo")]
    # Ordinary words judged on the first page stay ordinary on the second.
    assert matcher.scan("The transformer, the transformers and generative models.")[1] == []


def test_english_words_found_in_the_raw_word_list_as_in_the_parsed_one() -> None:
    listed = [line.split(b'"')[1] for line in (_word_list() or b"").split(b"\n")[1:-1]]
    assert len(listed) > 100_000  # this pyspellchecker keeps its list where the fast path reads it
    assert listed == sorted(listed)  # as the binary search needs
    rng = random.Random(11)
    words = [w.decode() for w in rng.sample(listed, 300)] + [w.decode() for w in (listed[0], listed[-1])]
    words += ["Images", "Transformer", "transfomer", "modle", "café", "naïve", "x", "zzzz", "", "a'"]
    words += ["".join(rng.choice("aeioubcdlmnrst'") for _ in range(rng.randrange(1, 9))) for _ in range(300)]
    for word in words:
        _judged_words.clear()  # judge afresh, by searching the list
        assert is_english_word(word) == (word.lower() in _dictionary()), word


def test_swapped_letters_are_one_edit() -> None:
    matcher = _matcher(("Transformer", "transformer"), ("Retrieval-augmented generation", "rag"))
    _, misses = matcher.scan("A Trasnformer does retrieval-augmented generaiton; the transformers transform.")
    assert [(m.surface, m.term_id) for m in misses] == [("Trasnformer", "transformer"),
                                                        ("retrieval-augmented generaiton", "rag")]


def test_lowercase_typos_of_one_word_names_are_near_misses() -> None:
    matcher = _matcher(("Attention", "attention"), ("Tokenizer", "tokenizer"))
    text = "The tokenzier splits text; each head pays atention. Plain logins and tokenized words are fine."
    assert [(m.surface, m.kind) for m in matcher.scan(text)[1]] == [("tokenzier", "typo"), ("atention", "typo")]


def test_near_misses_are_searched_in_everything_readers_read() -> None:
    """Headings, bold text, tables and link text are read; code is not."""
    matcher = _matcher(("Transformer", "transformer"),)
    body = ("# The Transfomer\n\n**Transfomers** win.\n\n| a |\n| - |\n| Trasnformer |\n\n"
            "[Tranformer](x.md) and `Transfomer` in code.\n")
    scan = scan_page(Renderer(["tables"], {}), body, 3)
    found = [(m.surface, scan.place(m.surface, word=True)[0]) for m in matcher.scan(scan.prose)[1]]
    assert found == [("Transfomer", 3), ("Transfomers", 5), ("Trasnformer", 9), ("Tranformer", 11)]
