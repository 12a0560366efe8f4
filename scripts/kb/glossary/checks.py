"""Glossary checks: duplicate names, dangling references, unknown topics, unused terms, near misses."""

from __future__ import annotations

import re
from collections.abc import Callable

from kb.glossary.matcher import NearMiss, TermMatcher
from kb.glossary.model import Glossary, Term
from kb.links.check import is_unsafe_url, unsafe_markup
from kb.pages.tags import Tag
from kb.render.scan import PageScan
from kb.report.findings import Finding
from kb.report.rules import rule
from kb.report.suggest import did_you_mean


def normalise_name(name: str) -> str:
    """Names that differ only in case, hyphens or a plural s are the same name."""
    text = " ".join(re.sub(r"[-\s]+", " ", name.casefold()).split())
    return text[:-1] if text.endswith("s") and len(text) > 3 else text


def _line_of(term: Term, key: str, index: int | None = None) -> tuple[int, int]:
    return term.where.position((key,) if index is None else (key, index))


def check_glossary(glossary: Glossary, pages: set[str], tags: dict[str, Tag] | None, tags_rel: str) -> list[Finding]:
    findings: list[Finding] = []
    claimed: dict[str, tuple[Term, str]] = {}
    for term in glossary.terms.values():
        own: set[str] = set()
        for key, index, name in _named_fields(term):
            norm = normalise_name(name)
            if norm in own:
                continue
            own.add(norm)
            if norm in claimed:
                other, other_name = claimed[norm]
                line, column = _line_of(term, key, index)
                findings.append(rule("KB502").finding(
                    term.rel_path, line, column,
                    f"`{name}` in {term.rel_path} is the same name as `{other_name}` in {other.rel_path}.",
                    "Keep one term and list the other spelling in its `aliases`, or merge the two files.",
                ))
            else:
                claimed[norm] = (term, name)
        for index, target in enumerate(term.see_also):
            if target not in glossary.terms or target == term.id:
                line, column = _line_of(term, "see_also", index)
                what = "itself" if target == term.id else f"`{target}`, which is not a term in {glossary.rel_dir}/"
                findings.append(rule("KB503").finding(
                    term.rel_path, line, column, f"`see_also` in {term.rel_path} refers to {what}.",
                    did_you_mean(target, [t for t in glossary.terms if t != term.id])
                    or "Use the id (file name without .yml) of another term.",
                ))
        if term.page:
            path = term.page.split("#", 1)[0]
            if path not in pages:
                line, column = _line_of(term, "page")
                findings.append(rule("KB503").finding(
                    term.rel_path, line, column,
                    f"`page` in {term.rel_path} is `{term.page}`, which is not a page under docs/.",
                    did_you_mean(path, pages, cutoff=50) or "Give the path relative to docs/, such as `rag/index.md`.",
                ))
        if tags is not None:
            for index, topic in enumerate(term.topics):
                if topic not in tags:
                    line, column = _line_of(term, "topics", index)
                    findings.append(rule("KB208").finding(
                        term.rel_path, line, column,
                        f"The topic `{topic}` in {term.rel_path} is not defined in {tags_rel}.",
                        did_you_mean(topic, list(tags)) or f"Use a tag key from {tags_rel}.",
                    ))
    return findings


def _named_fields(term: Term) -> list[tuple[str, int | None, str]]:
    fields: list[tuple[str, int | None, str]] = [("term", None, term.term)]
    if term.abbreviation:
        fields.append(("abbreviation", None, term.abbreviation))
    fields += [("aliases", i, alias) for i, alias in enumerate(term.aliases)]
    return fields


def unused_terms(glossary: Glossary, scans: dict[str, PageScan], glossary_page: str) -> list[Finding]:
    used = {term_id for src, scan in scans.items() if src != glossary_page for term_id in scan.terms}
    findings = []
    for term in glossary.terms.values():
        if term.id not in used:
            findings.append(rule("KB504").finding(
                term.rel_path, 1, 1, f"No page mentions `{term.term}` ({term.rel_path}) by any of its names.",
                f"Mention it where it is explained{f' ({term.page})' if term.page else ''}, or remove the term.",
            ))
    return findings


# Raw HTML, an entity that could spell a scheme, or a script or data URL: only these need rendering.
_MAY_CARRY_SCRIPT = re.compile(r"[<&]|(?:script|data)\s*:", re.IGNORECASE)


def unsafe_term_markup(glossary: Glossary, render: Callable[[str, int], PageScan]) -> list[Finding]:
    """Glossary fields become HTML on the glossary page and in tooltips: a term's `definition` is
    rendered like a page and judged like one; the other fields are escaped where they are shown."""
    findings = []
    for term in glossary.terms.values():
        if not term.definition or not _MAY_CARRY_SCRIPT.search(term.definition):
            continue  # rendering 300 definitions on every run would cost a warm check a third of its time
        line = _line_of(term, "definition")[0]
        # A block scalar (`definition: |`) starts on the line after its key.
        scan = render(term.definition, line + 1 if "\n" in term.definition else line)
        for code, place, message, hint in unsafe_markup(scan, term.rel_path):
            findings.append(rule(code).finding(term.rel_path, place.line, place.column, message, hint))
        for link in scan.links:
            if is_unsafe_url(link.target):
                findings.append(rule("KB410").finding(
                    term.rel_path, link.line, link.column,
                    f"The link `{link.target}` in the definition in {term.rel_path} uses an unsafe URL scheme.",
                    "Only link to http(s) URLs and relative paths."))
    return findings


def scan_terms(scan: PageScan, matcher: TermMatcher, rel_path: str) -> list[Finding]:
    """Record the terms a page's readable text mentions (into `scan.terms`, with the line of the
    first mention) and report near-miss spellings at the place they were written."""
    if not matcher.names or not scan.prose:
        return []
    mentions, misses = matcher.scan(scan.prose)
    terms = scan.terms
    for mention in mentions:
        if mention.term_id not in terms:
            terms[mention.term_id] = scan.place(scan.prose[mention.start:mention.end], word=True)[0]
    findings = []
    cursor = 0
    for miss in misses:
        line, column, cursor = scan.place(miss.surface, cursor, word=True)
        findings.append(_near_miss_finding(miss, rel_path, line, column))
    return findings


def _near_miss_finding(miss: NearMiss, rel_path: str, line: int, column: int) -> Finding:
    expected = " or ".join(f"`{e}`" for e in miss.expected)
    reason = {"case": "is written in an unusual case", "look-alike": "contains a look-alike character",
              "typo": "looks like a misspelling"}[miss.kind]
    return rule("KB505").finding(
        rel_path, line, column, f"`{miss.surface}` in {rel_path} {reason} of the glossary term {expected}.",
        f"Write {expected}; if `{miss.surface}` is meant, add it to the `aliases` of the term {miss.term_id}.",
    )


def glossary_page_anchors(glossary: Glossary) -> tuple[str, ...]:
    """The ids the generated glossary page adds: one per term, one per letter, the topic index."""
    letters = {letter_of(t.term) for t in glossary.terms.values()}
    return (*glossary.terms, *(letter_anchor(letter) for letter in letters), "by-topic")


def letter_of(text: str) -> str:
    first = text[:1].upper()
    return first if first.isalpha() and first.isascii() else "#"


def letter_anchor(letter: str) -> str:
    return f"letter-{letter.lower()}" if letter.isalpha() else "letter-other"
