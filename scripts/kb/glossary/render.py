"""The glossary page's Markdown and the glossary export formats, generated from the term files."""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable
from typing import Any

from kb.glossary.checks import letter_anchor, letter_of
from kb.glossary.model import Glossary, Term
from kb.pages.page import Page
from kb.pages.tags import Tag


def _relative(target_src: str, from_src: str) -> str:
    folder = from_src.rsplit("/", 1)[0] if "/" in from_src else "."
    return posixpath.relpath(target_src, folder)


def glossary_markdown(glossary: Glossary, page_src: str, pages: dict[str, Page],
                      mentioned_on: dict[str, list[str]], tags: dict[str, Tag] | None) -> str:
    """Every term A-Z with an anchor `#<id>`, a by-topic index and "appears on" backlinks."""
    terms = sorted(glossary.terms.values(), key=lambda t: (letter_of(t.term), t.term.casefold()))
    letters = sorted({letter_of(t.term) for t in terms})
    out = [" · ".join(f"[{letter}](#{letter_anchor(letter)})" for letter in letters), ""]
    by_topic: dict[str, list[Term]] = {}
    for term in terms:
        for topic in term.topics:
            by_topic.setdefault(topic, []).append(term)
    if by_topic:
        out += ["## By topic {#by-topic}", ""]
        for topic in sorted(by_topic, key=lambda k: (tags[k].label if tags and k in tags else k).casefold()):
            label = tags[topic].label if tags and topic in tags else topic
            out.append(f"- **{label}**: " + ", ".join(f"[{_md(t.term)}](#{t.id})" for t in by_topic[topic]))
        out.append("")
    current = ""
    for term in terms:
        letter = letter_of(term.term)
        if letter != current:
            out += [f"## {_md(letter)} {{#{letter_anchor(letter)}}}", ""]
            current = letter
        out += _term_markdown(term, glossary, page_src, pages, mentioned_on.get(term.id, []), tags)
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    """Plain text safe to put into Markdown, link text and emphasis included: Markdown syntax is
    escaped, and `<` and `&` become entities, so no field other than `definition` can carry HTML."""
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]").replace("*", "\\*").replace("_", "\\_")


def _term_markdown(term: Term, glossary: Glossary, page_src: str, pages: dict[str, Page],
                   mentioned_on: list[str], tags: dict[str, Tag] | None) -> list[str]:
    out = [f"### {_md(term.term)} {{#{term.id}}}", ""]
    facts = []
    if term.abbreviation:
        facts.append(f"**Abbreviation:** {_md(term.abbreviation)}")
    if term.aliases:
        facts.append("**Also called:** " + ", ".join(_md(a) for a in term.aliases))
    if term.topics:
        facts.append("**Topics:** " + ", ".join(tags[t].label if tags and t in tags else t for t in term.topics))
    if facts:
        out += [" · ".join(facts), ""]
    out += [_md(term.short), ""]
    if term.definition:
        out += [term.definition, ""]
    related = [glossary.terms[s] for s in term.see_also if s in glossary.terms]
    if related:
        out += ["**See also:** " + ", ".join(f"[{_md(r.term)}](#{r.id})" for r in related), ""]
    page_path = term.page.split("#", 1)[0]
    if page_path in pages:
        fragment = term.page[len(page_path):]
        out += [f"**In depth:** [{_md(pages[page_path].title)}]({_relative(page_path, page_src)}{fragment})", ""]
    if mentioned_on:
        links = [f"[{_md(pages[src].title)}]({_relative(src, page_src)})" for src in mentioned_on]
        out += ["**Appears on:** " + ", ".join(links), ""]
    if term.sources:
        out += ["**Sources:** " + ", ".join(f"<{url}>" for url in term.sources), ""]
    return out


def mentioned_on(glossary: Glossary, pages: dict[str, Page], terms_by_page: dict[str, dict[str, int]],
                 include: Callable[[Page], bool]) -> dict[str, list[str]]:
    """term id -> pages that mention it, sorted by title."""
    result: dict[str, list[str]] = {}
    for src, found in terms_by_page.items():
        if src in pages and include(pages[src]):
            for term_id in found:
                result.setdefault(term_id, []).append(src)
    for sources in result.values():
        sources.sort(key=lambda s: pages[s].title.casefold())
    return result


def export_json(glossary: Glossary) -> str:
    terms = [
        {"id": t.id, "term": t.term, "abbreviation": t.abbreviation or None, "aliases": t.aliases,
         "short": t.short, "definition": t.definition or None, "topics": t.topics, "see_also": t.see_also,
         "page": t.page or None, "sources": t.sources}
        for t in sorted(glossary.terms.values(), key=lambda t: t.id)
    ]
    return json.dumps({"terms": terms}, indent=2, ensure_ascii=False) + "\n"


def export_jsonld(glossary: Glossary, glossary_url: str, name: str) -> str:
    """The glossary as a schema.org DefinedTermSet."""
    set_id = glossary_url or "#glossary"
    defined: list[dict[str, Any]] = []
    for t in sorted(glossary.terms.values(), key=lambda t: t.id):
        entry: dict[str, Any] = {
            "@type": "DefinedTerm",
            "@id": f"{glossary_url}#{t.id}",
            "termCode": t.id,
            "name": t.term,
            "description": t.short,
            "inDefinedTermSet": set_id,
        }
        alternates = [n for n in (t.abbreviation, *t.aliases) if n]
        if alternates:
            entry["alternateName"] = alternates
        if glossary_url:
            entry["url"] = f"{glossary_url}#{t.id}"
        defined.append(entry)
    document = {"@context": "https://schema.org", "@type": "DefinedTermSet", "@id": set_id,
                "name": name, "hasDefinedTerm": defined}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
