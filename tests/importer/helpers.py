"""Shared helpers for the import tests: run `kb import`, check and build the result, read the built HTML."""

from __future__ import annotations

import contextlib
import hashlib
import html.parser
import io
import json
from pathlib import Path
from typing import Any

from kb.check.analysis import analyse
from kb.cli.commands import main
from kb.config.project import Project
from kb.report.findings import Finding, Severity

from ..conftest import FIXTURES, build_site

IMPORT_FIXTURES = FIXTURES / "import"
LINK_CODES = {"KB402", "KB403", "KB404", "KB406", "KB408"}
# Docusaurus syntax that must never reach a reader as text.
LEFTOVERS = (":::", "<Tabs", "<TabItem", "{/*", "</TabItem", "<!-- truncate")


def run_import(*args: str) -> tuple[int, dict[str, Any]]:
    """`kb import ARGS --format json`: the exit status and the JSON report."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(["import", *args, "--format", "json"])
    text = out.getvalue()
    return status, json.loads(text) if text else {}


def tree_digest(root: Path) -> dict[str, str]:
    """Every file under `root` with the SHA-256 of its bytes."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def check_errors(root: Path) -> list[Finding]:
    findings = analyse(Project.from_config_file(root / "mkdocs.yml"), use_cache=False).findings
    return [f for f in findings if f.severity is Severity.ERROR]


def findings_of(report: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["code"] == code]


class _Text(html.parser.HTMLParser):
    """The text a reader sees: everything outside code, scripts and styles, one string per text node."""

    SKIP = frozenset({"code", "pre", "script", "style", "textarea"})

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.depth and data.strip():
            self.texts.append(data.strip())


def visible_text(page: Path) -> list[str]:
    parser = _Text()
    parser.feed(page.read_text(encoding="utf-8"))
    parser.close()
    return parser.texts


def leftovers(site: Path) -> list[str]:
    """Docusaurus syntax printed as text anywhere in the built HTML pages."""
    found = []
    for page in sorted(site.rglob("*.html")):
        for text in visible_text(page):
            if any(marker in text for marker in LEFTOVERS) or text.startswith(("import ", "export ")):
                found.append(f"{page.relative_to(site)}: {text[:80]}")
    return found


def build(root: Path, strict: bool = True) -> Path:
    return build_site(root, strict=strict)
