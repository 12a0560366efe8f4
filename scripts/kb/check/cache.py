"""A cache of per-page results keyed by the page's bytes, so a run renders only what changed.

An entry is reused only when the page's text hashes the same and the fingerprint matches: kb's
version, the cache format, the options, the front-matter schema, the tags, the glossary files and
the render digest (every Markdown extension and setting, and the versions of Markdown,
pymdown-extensions, MkDocs and Pygments). Stored as JSON (never pickle: the folder could come from
an untrusted CI cache, or be committed in a pull request) in `.kb-cache/`, written atomically and
signed with a key kept outside the project, so a cache kb did not write on this machine is not
believed. The cache is only a hint: anything unreadable, unsigned or of an unexpected shape is a
miss, and a cache that cannot be written means a run without one. Cross-page checks (links,
anchors, URLs) are recomputed on every run; they are cheap.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kb import __version__
from kb.config.project import Project
from kb.pages.frontmatter import FrontMatter
from kb.pages.page import Page, read_page_source
from kb.pages.schema import SCHEMAS
from kb.pages.source import SourceText
from kb.render.scan import Link, PageScan, Tag
from kb.report.findings import Finding, Severity
from kb.report.rules import RULES

PageResult = tuple[Page, list[Finding], PageScan | None]
CACHE_FORMAT = 5
CACHE_DIR = ".kb-cache"
# Larger than any cache a real project writes; a bigger file is not read at all.
MAX_CACHE_BYTES = 256 * 1024 * 1024


@dataclass
class Miss:
    src: str
    source: SourceText
    digest: str | None = None


class PageCache:
    def __init__(self, project: Project, fingerprint: str) -> None:
        self.project = project
        self.path = project.root / CACHE_DIR / "pages.json"
        self.fingerprint = fingerprint
        self.entries: dict[str, dict[str, Any]] = self._read()
        self.dirty = False

    def _read(self) -> dict[str, dict[str, Any]]:
        try:
            if not self.path.is_file() or self.path.is_symlink() or self.path.stat().st_size > MAX_CACHE_BYTES:
                return {}
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("fingerprint") != self.fingerprint:
                return {}
            entries = data.get("entries")
            signature = data.get("signature")
            if not isinstance(entries, dict) or not isinstance(signature, str):
                return {}
            if not hmac.compare_digest(signature, _sign(self.fingerprint, entries)):
                return {}  # not written by kb on this machine: a forged cache must not add findings
        except (OSError, ValueError, UnicodeDecodeError, RecursionError, TypeError):
            return {}  # a missing or damaged cache is just a cold run
        return {k: v for k, v in entries.items() if isinstance(v, dict)}

    def lookup(self, src: str) -> PageResult | Miss:
        """The cached results for `src`, or a Miss holding the freshly read source to compute them from."""
        return self.match(src, read_page_source(self.project, src))

    def match(self, src: str, source: SourceText) -> PageResult | Miss:
        """The cached results for `src` if its entry was made from exactly this text."""
        digest = hashlib.sha256(source.text.encode()).hexdigest() if source.text is not None else None
        entry = self.entries.get(src)
        if entry is not None and digest is not None and entry.get("sha") == digest:
            try:
                # The page's text is not kept: only the plugin needs it, and it reads it when it renders.
                return _decode_entry(src, source.rel_path, entry)
            except (KeyError, TypeError, ValueError, IndexError, AttributeError):
                pass  # an entry of the wrong shape is a miss
        return Miss(src, source, digest)

    def store(self, miss: Miss, result: PageResult) -> None:
        if miss.digest is not None:  # undecodable files are reported afresh every run
            page, findings, scan = result
            self.entries[miss.src] = _encode_entry(page, findings, scan, miss.digest)
            self.dirty = True

    def save(self, present: set[str]) -> None:
        stale = set(self.entries) - present
        for src in stale:
            del self.entries[src]
        if not (self.dirty or stale):
            return
        try:
            signature = _sign(self.fingerprint, self.entries)
        except OSError:
            return  # no key, no cache
        text = json.dumps({"fingerprint": self.fingerprint, "signature": signature, "entries": self.entries},
                          separators=(",", ":"))
        try:
            folder = self.path.parent
            folder.mkdir(exist_ok=True)
            ignore = folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("*\n", encoding="utf-8")
            # A unique temporary file and an atomic rename: two runs at once each write a whole file.
            handle, tmp = tempfile.mkstemp(prefix="pages.", suffix=".tmp", dir=folder)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(tmp, self.path)
        except OSError:
            pass  # a cache that cannot be written costs speed next time, nothing else


def _key() -> bytes:
    """The signing key: random, made once per user, kept outside any project (so a pull request
    cannot carry it), readable by its owner only."""
    folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kb"
    path = folder / "cache-key"
    try:
        key = path.read_bytes()
        if len(key) == 32 and not path.is_symlink():
            return key
    except OSError:
        pass
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    handle, tmp = tempfile.mkstemp(dir=folder)  # created 0600
    with os.fdopen(handle, "wb") as out:
        out.write(key)
    os.replace(tmp, path)
    return key


def _sign(fingerprint: str, entries: dict[str, Any]) -> str:
    message = fingerprint.encode() + json.dumps(entries, separators=(",", ":")).encode()
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()


def fingerprint(project: Project, *inputs: bytes) -> str:
    """Everything besides the page itself that per-page results depend on."""
    digest = hashlib.sha256(f"{CACHE_FORMAT}|{__version__}|{project.options}|{project.render_digest}".encode())
    digest.update((SCHEMAS / "page.schema.json").read_bytes())
    for data in inputs:
        digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()


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


def _encode_entry(page: Page, findings: list[Finding], scan: PageScan | None, digest: str) -> dict[str, Any]:
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
        "sha": digest,
        "findings": [f.to_dict() for f in findings],
        "front": front,
        "scan": None if scan is None else {
            "links": scan.links,
            "ids": scan.ids,
            "tags": [[t.name, [list(a) for a in t.attributes], t.line, t.column] for t in scan.tags],
            "terms": scan.terms,
            "markers": scan.glossary_markers,
        },
    }


def _finding(data: dict[str, Any], rel_path: str) -> Finding:
    finding = Finding(**{**data, "severity": Severity(data["severity"])})
    # A finding is about this page and comes from a known rule, or the entry is not ours.
    if finding.path != rel_path or finding.code not in RULES or RULES[finding.code].severity != finding.severity:
        raise ValueError("not a finding kb writes for this page")
    return finding


def _decode_entry(src: str, rel_path: str, entry: dict[str, Any]) -> PageResult:
    findings = [_finding(f, rel_path) for f in entry["findings"]]
    front = None
    if entry["front"] is not None:
        data = entry["front"]
        front = FrontMatter(
            _revive(data["meta"]), "", int(data["body_line"]),
            {tuple(path): (int(line), int(column)) for path, line, column in data["positions"]},
            {str(k): (int(v[0]), int(v[1])) for k, v in data["keys"].items()},
        )
        if not isinstance(front.meta, dict):
            raise ValueError("front-matter must be a mapping")
    page = Page(src, rel_path, front, None)
    scan = None
    if entry["scan"] is not None:
        s = entry["scan"]
        scan = PageScan(
            links=[Link(str(k), str(t), int(ln), int(c), str(a)) for k, t, ln, c, a in s["links"]],
            ids=[str(i) for i in s["ids"]],
            tags=[Tag(str(t[0]), tuple((str(a[0]), str(a[1])) for a in t[1]), int(t[2]), int(t[3])) for t in s["tags"]],
            terms={str(k): int(v) for k, v in s["terms"].items()},
            glossary_markers=int(s["markers"]),
        )
    return page, findings, scan
