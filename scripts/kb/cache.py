"""A content-hash cache of per-page results, so a run re-reads and re-parses only what changed.

Stored as JSON (never pickle: the folder could come from an untrusted CI cache) in `.kb-cache/`
at the project root. An entry is reused when the file's size and mtime are unchanged, or, when
they changed, when the hash of its text is unchanged. Everything that does not depend on other
pages is cached: load and front-matter findings, the parsed front-matter and the link scan.
Cross-page checks (links, anchors, URLs) are recomputed on every run; they are cheap.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
from dataclasses import dataclass
from typing import Any

from . import __version__
from .findings import Finding, Severity
from .frontmatter import FrontMatter
from .page import Page, read_page_source
from .project import Project
from .scan import Heading, Link, PageScan, Tag
from .schema import SCHEMAS
from .source import SourceText

PageResult = tuple[Page, list[Finding], PageScan | None]


@dataclass
class Miss:
    src: str
    source: SourceText
    signature: list[int] | None = None
    digest: str | None = None

CACHE_FORMAT = 4
# The findings that come from searching glossary terms; cached with the terms.
TERM_FINDINGS = frozenset({"KB505"})
CACHE_DIR = ".kb-cache"


class PageCache:
    def __init__(self, project: Project, fingerprint: str) -> None:
        self.project = project
        self.path = project.root / CACHE_DIR / "pages.json"
        self.fingerprint = fingerprint
        self.entries: dict[str, dict[str, Any]] = {}
        # Glossary terms per page, apart: page workers deliver them last, and the entries can be
        # encoded while they search.
        self.terms: dict[str, list[Any]] = {}
        self.dirty = False
        self._encoded: str | None = None  # the entries, encoded by `prepare`
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("fingerprint") == fingerprint:
                self.entries, self.terms = data["entries"], data["terms"]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.entries, self.terms = {}, {}  # a missing or damaged cache is just a cold run

    def lookup(self, src: str) -> PageResult | Miss:
        """The cached results for `src`, or a Miss holding the freshly read source to compute them from."""
        try:
            stat = os.stat(self.project.docs_dir / src)
            signature: list[int] | None = [stat.st_size, stat.st_mtime_ns]
        except OSError:
            signature = None
        entry, terms = self.entries.get(src), self.terms.get(src)
        if entry is not None and terms is not None and signature is not None and entry["sig"] == signature:
            return _decode_entry(src, self.project.doc_rel(src), entry, terms)
        source = read_page_source(self.project, src)
        digest = _digest(source)
        if entry is not None and terms is not None and digest is not None and entry["sha"] == digest:
            entry["sig"] = signature  # touched, not changed
            self.dirty = True
            self._encoded = None
            return _decode_entry(src, source.rel_path, entry, terms)
        return Miss(src, source, signature, digest)

    def store(self, miss: Miss, result: PageResult) -> None:
        """Everything about a page but its glossary terms, which `store_terms` keeps."""
        if miss.signature is not None:  # undecodable files (no digest) are reused on an unchanged stat only
            page, findings, scan = result
            findings = [f for f in findings if f.code not in TERM_FINDINGS]
            self.entries[miss.src] = _encode_entry(page, findings, scan, miss.signature, miss.digest)
            self.dirty = True
            self._encoded = None

    def store_terms(self, miss: Miss, result: PageResult) -> None:
        if miss.signature is not None:
            _, findings, scan = result
            self.terms[miss.src] = [scan.terms if scan is not None else {},
                                    [f.to_dict() for f in findings if f.code in TERM_FINDINGS]]
            self.dirty = True

    def prepare(self, present: set[str]) -> None:
        """Forget pages that are gone and encode the entries: all of the saving but the terms."""
        stale = set(self.entries) - present
        for src in stale:
            del self.entries[src]
        for src in set(self.terms) - present:
            del self.terms[src]
        self.dirty = self.dirty or bool(stale)
        if self.dirty:
            self._encoded = json.dumps(self.entries, separators=(",", ":"))

    def save(self, present: set[str]) -> None:
        if self._encoded is None:
            self.prepare(present)
        if not self.dirty:
            return
        self.path.parent.mkdir(exist_ok=True)
        ignore = self.path.parent / ".gitignore"
        if not ignore.exists():
            ignore.write_text("*\n", encoding="utf-8")
        tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
        terms = json.dumps(self.terms, separators=(",", ":"))
        tmp.write_text(f'{{"fingerprint":{json.dumps(self.fingerprint)},"entries":{self._encoded},"terms":{terms}}}',
                       encoding="utf-8")
        os.replace(tmp, self.path)  # atomic, so a concurrent reader never sees half a file


def fingerprint(project: Project, *inputs: bytes) -> str:
    """Everything besides the page itself that per-page results depend on."""
    digest = hashlib.sha256(f"{CACHE_FORMAT}|{__version__}|{project.options}".encode())
    digest.update((SCHEMAS / "page.schema.json").read_bytes())
    for data in inputs:
        digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()


def _digest(source: SourceText) -> str | None:
    return hashlib.sha256(source.text.encode()).hexdigest() if source.text is not None else None


# JSON encoding. Dates in front-matter are the only non-JSON values YAML produces for us.

def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, datetime.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"$date": value.isoformat()}
    return value


def _revive(value: Any) -> Any:
    if isinstance(value, dict):
        if "$date" in value and len(value) == 1:
            return datetime.date.fromisoformat(value["$date"])
        if "$datetime" in value and len(value) == 1:
            return datetime.datetime.fromisoformat(value["$datetime"])
        return {k: _revive(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_revive(v) for v in value]
    return value


def _encode_entry(page: Page, findings: list[Finding], scan: PageScan | None,
                  signature: list[int], digest: str | None) -> dict[str, Any]:
    front = None
    if page.front is not None:
        front = {
            "meta": _plain(page.front.meta),
            "body_line": page.front.body_line,
            # Only positions that cross-page checks need (the slug, for URL conflicts) are kept.
            "positions": [[list(path), *pos] for path, pos in page.front.positions.items() if path[:1] == ("slug",)],
            "keys": {k: list(v) for k, v in page.front.key_positions.items()},
        }
    return {
        "sig": signature,
        "sha": digest,
        "findings": [f.to_dict() for f in findings],
        "front": front,
        "scan": None if scan is None else {
            "links": scan.links,
            "headings": scan.headings,
            "ids": [list(i) for i in scan.ids],
            "tags": [[t.name, [list(a) for a in t.attributes], t.line, t.column] for t in scan.tags],
            "footnotes": scan.footnotes,
            "markers": scan.glossary_markers,
        },
    }


def _decode_entry(src: str, rel_path: str, entry: dict[str, Any], terms: list[Any]) -> PageResult:
    findings = [Finding(**{**f, "severity": Severity(f["severity"])}) for f in entry["findings"] + terms[1]]
    front = None
    if entry["front"] is not None:
        data = entry["front"]
        front = FrontMatter(
            _revive(data["meta"]), "", data["body_line"],
            {tuple(path): (line, column) for path, line, column in data["positions"]},
            {k: (v[0], v[1]) for k, v in data["keys"].items()},
        )
    page = Page(src, rel_path, front, None)  # the text is re-read only by the plugin, when it renders
    scan = None
    if entry["scan"] is not None:
        s = entry["scan"]
        scan = PageScan(
            links=list(map(Link._make, s["links"])),
            headings=list(map(Heading._make, s["headings"])),
            ids=[(i[0], i[1]) for i in s["ids"]],
            tags=[Tag(t[0], tuple((a[0], a[1]) for a in t[1]), t[2], t[3]) for t in s["tags"]],
            footnotes=list(s["footnotes"]),
            terms=dict(terms[0]),
            glossary_markers=s["markers"],
        )
    return page, findings, scan
