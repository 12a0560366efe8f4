"""The glossary: one YAML file per term under glossary_dir, loaded with line numbers."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from kb.config.project import Project
from kb.glossary.matcher import TermMatcher
from kb.pages.frontmatter import YamlMapping, parse_mapping, to_json_compatible
from kb.pages.source import SourceText, read_source
from kb.report.findings import Finding
from kb.report.rules import rule

TERM_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass
class Term:
    id: str
    rel_path: str
    data: dict[str, Any]
    where: YamlMapping = field(repr=False)

    def _text(self, key: str) -> str:
        value = self.data.get(key)
        return value.strip() if isinstance(value, str) else ""

    def _list(self, key: str) -> list[str]:
        value = self.data.get(key)
        return [v.strip() for v in value if isinstance(v, str) and v.strip()] if isinstance(value, list) else []

    @property
    def term(self) -> str:
        return self._text("term") or self.id

    @property
    def abbreviation(self) -> str:
        return self._text("abbreviation")

    @property
    def aliases(self) -> list[str]:
        return self._list("aliases")

    @property
    def short(self) -> str:
        return self._text("short")

    @property
    def definition(self) -> str:
        return self._text("definition")

    @property
    def topics(self) -> list[str]:
        return self._list("topics")

    @property
    def see_also(self) -> list[str]:
        return self._list("see_also")

    @property
    def page(self) -> str:
        return self._text("page")

    @property
    def sources(self) -> list[str]:
        return self._list("sources")

    @property
    def names(self) -> list[str]:
        """Every way of writing the term: the term, its abbreviation, its aliases."""
        seen: list[str] = []
        for name in (self.term, self.abbreviation, *self.aliases):
            if name and name not in seen:
                seen.append(name)
        return seen


@dataclass
class Glossary:
    terms: dict[str, Term]
    rel_dir: str
    files: int = 0
    digest: str = ""  # of every term file's bytes: per-page results depend on them

    def spellings(self) -> list[tuple[str, str]]:
        """(name, term id) for every name of every term: what pages are searched for."""
        return [(name, term.id) for term in self.terms.values() for name in term.names]

    @cached_property
    def matcher(self) -> TermMatcher:
        """Built on first use: a run whose pages all come from the cache never needs it."""
        return TermMatcher.of(self.spellings())

    @cached_property
    def shorts(self) -> dict[str, str]:
        """Each term's one-sentence definition by id: what its tooltips say."""
        return {t.id: t.short for t in self.terms.values()}

    def term_matcher(self) -> TermMatcher | None:
        """The matcher pages are searched with; None when there are no terms to search for."""
        return self.matcher if self.terms else None


def glossary_files(project: Project) -> list[Path]:
    folder = project.glossary_path
    root = project.root.resolve()
    if not folder.is_dir() or (folder.resolve() != root and root not in folder.resolve().parents):
        return []  # a glossary folder linked out of the project is not read
    return sorted((p for p in folder.iterdir() if p.suffix in (".yml", ".yaml") and not p.name.startswith(".")),
                  key=lambda p: p.name)  # comparing Path objects is several times slower than names


@dataclass
class GlossarySources:
    """The term files as read, before any YAML is parsed."""

    rel_dir: str
    files: list[tuple[str, SourceText]]  # (file name, text)


def read_glossary(project: Project, paths: list[Path] | None = None) -> GlossarySources:
    folder = project.rel(project.glossary_path)
    return GlossarySources(folder, [
        (path.name, read_source(path, f"{folder}/{path.name}", project.options.max_page_size, project.root))
        for path in (glossary_files(project) if paths is None else paths)
    ])


def parse_glossary(sources: GlossarySources) -> tuple[Glossary, list[Finding]]:
    """Every term file, each validated against the schema; bad files are reported and skipped."""
    from kb.pages.schema_checks import schema_findings

    findings: list[Finding] = []
    terms: dict[str, Term] = {}
    for name, source in sources.files:
        rel = source.rel_path
        findings += source.findings
        if source.text is None:
            continue
        mapping, parse_findings = parse_mapping(source.text, 1, rel, rel)
        findings += parse_findings
        if mapping is None:
            continue
        term_id, suffix = name.rsplit(".", 1)
        if not TERM_ID.match(term_id):
            suggestion = re.sub(r"[^a-z0-9]+", "-", term_id.lower()).strip("-")
            findings.append(rule("KB501").finding(
                rel, 1, 1, f"The glossary file name {name} is not a valid term id.",
                f"Rename it to {suggestion}.{suffix}: ids are lowercase words joined by hyphens.",
            ))
        findings += schema_findings("glossary", to_json_compatible(mapping.data), mapping, rel, "",
                                    _REQUIRED_HINTS)
        if not mapping.data.get("term") and not mapping.data.get("short"):
            continue  # nothing usable; the missing fields are already reported
        terms[term_id] = Term(term_id, rel, mapping.data, mapping)
    digest = hashlib.sha256()
    for name, source in sources.files:
        digest.update(f"{name}\0{source.text}\0".encode())
    return Glossary(terms, sources.rel_dir, len(sources.files), digest.hexdigest()), findings


def load_glossary(project: Project) -> tuple[Glossary, list[Finding]]:
    return parse_glossary(read_glossary(project))


_REQUIRED_HINTS = {
    "term": "Add `term: ...` with the term as usually written, for example `term: Retrieval-augmented generation`.",
    "short": "Add `short: ...` with one plain sentence (at most 200 characters); it becomes the tooltip.",
}
