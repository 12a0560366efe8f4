"""Run both sides on one site and compare what they report.

The oracle is a plain MkDocs build (no kb plugin), done in-process with MkDocs' Python API, with
`validation.links` at `warn`. Its WARNING records of the form "Doc file 'P' contains a link 'T', but
..." are the problems. kb runs as a subprocess, `kb check --format json --no-cache -f mkdocs.yml`,
and its KB402/KB403/KB405/KB406 findings are the problems on its side.

Both sides are reduced to the same key, `(page, kind, resolved target)`, where `kind` is "file" for
a link to a file that does not exist and "anchor" for a `#fragment` the target page does not define.
Resolving the target (as MkDocs does: relative to the page's folder, percent-decoded) is needed
because MkDocs reports a missing anchor once per (target page, anchor) and page, under the first
spelling it met, while kb reports every link.

kb also checks links in raw HTML (`<a href>`, `<img src>`), which MkDocs does not look into; those
findings ("The raw HTML href ...") are left out. Links that MkDocs cannot judge, the ones it logs as
"unrecognized relative link" (no file extension, such as folder links) or "absolute link", are left
out on both sides: kb resolves those through its plugin, which the oracle build does not load.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import posixpath
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

KB_LINK_CODES = frozenset({"KB402", "KB403", "KB405", "KB406"})
KB_COMMAND = [sys.executable, "-m", "kb.cli"]

_MKDOCS_LINK = re.compile(
    r"^Doc file '(?P<page>.+?)' contains a link '(?P<target>.*)', but "
    r"(?P<problem>the target\b.* is not found among documentation files"
    r"|the doc '.*' does not contain an anchor '#.*'|there is no such anchor on this page)\."
)
_MKDOCS_UNJUDGED = re.compile(
    r"^Doc file '(?P<page>.+?)' contains an? (?:unrecognized relative|absolute) link '(?P<target>.*)', "
    r"it was left as is\."
)
_KB_TARGET = re.compile(r"^The (?P<what>link|image|raw HTML \w+) `(?P<target>.+?)` in (?P<path>\S+?) ")


@dataclass(frozen=True, order=True)
class Problem:
    """One broken link as one side reports it."""

    page: str  # docs-relative, e.g. "guide/a.md"
    kind: str  # "file" or "anchor"
    resolved: str  # "guide/b.md" for a file, "guide/b.md#x" for an anchor
    target: str = field(compare=False)  # the link as written
    detail: str = field(compare=False, default="")  # the side's own message or code

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.page, self.kind, self.resolved)


def resolve(page: str, target: str) -> tuple[str, str]:
    """Where a relative link on `page` lands, as MkDocs computes it: (file, fragment)."""
    parts = urlsplit(target)
    if not parts.path:
        return page, parts.fragment
    joined = posixpath.join(posixpath.dirname(page), unquote(parts.path))
    return posixpath.normpath(joined.lstrip("/")), parts.fragment


def _problem(page: str, target: str, kind: str, detail: str) -> Problem:
    file, fragment = resolve(page, target)
    return Problem(page, kind, f"{file}#{fragment}" if kind == "anchor" else file, target, detail)


MINIMAL_THEME_YML = "theme:\n  name: null\n  custom_dir: theme\n"


def write_minimal_theme(root: Path) -> None:
    """A theme of one template and one static file: the Markdown rendering (all that matters here) is the
    theme's business in no way, and compiling the Jinja templates of the real themes would take most of
    each build's time. MkDocs counts the theme's files among the files a link may point at."""
    theme = root / "theme"
    theme.mkdir(exist_ok=True)
    (theme / "main.html").write_text("<html><body>{{ page.content }}</body></html>\n", encoding="utf-8")
    (theme / "sitemap.xml").write_text("<urlset></urlset>\n", encoding="utf-8")
    (theme / "404.html").write_text("<html><body>Not found</body></html>\n", encoding="utf-8")
    (theme / "css").mkdir(exist_ok=True)
    (theme / "css" / "theme.css").write_text("body { margin: 0; }\n", encoding="utf-8")  # a theme file to link to


@dataclass
class MkDocsResult:
    problems: set[Problem]
    unjudged: set[tuple[str, str]]  # (page, target) MkDocs logged as unrecognized or absolute
    anchors: dict[str, set[str]]  # page -> the ids MkDocs says it has (present_anchor_ids)
    messages: list[str]


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class _AnchorRecorder:
    """A plugin object (MkDocs registers its `on_*` methods) that reads each page's `present_anchor_ids`
    right after MkDocs rendered the page."""

    def __init__(self, anchors: dict[str, set[str]]) -> None:
        self.anchors = anchors

    def on_page_content(self, html: str, /, *, page: Any, config: Any, files: Any) -> str:
        self.anchors[page.file.src_uri] = set(page.present_anchor_ids or ())
        return html


def mkdocs_build(root: Path) -> MkDocsResult:
    """Build the site with plain MkDocs (from inside `root`, as snippets' base_path is relative)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    anchors: dict[str, set[str]] = {}
    collector = _Collector()
    logger = logging.getLogger("mkdocs")
    old_level, old_propagate = logger.level, logger.propagate
    logger.setLevel(logging.WARNING)  # not DEBUG: MkDocs skips anchor validation below INFO
    logger.propagate = False  # failures show the comparison, not hundreds of captured log lines
    logger.addHandler(collector)
    try:
        with contextlib.chdir(root):
            config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"))
            recorder: Any = _AnchorRecorder(anchors)  # duck-typed: MkDocs only looks for `on_*` methods
            config.plugins["differential-anchor-recorder"] = recorder
            build(config)
    finally:
        logger.removeHandler(collector)
        logger.setLevel(old_level)
        logger.propagate = old_propagate
    problems: set[Problem] = set()
    unjudged: set[tuple[str, str]] = set()
    for message in collector.messages:
        if match := _MKDOCS_LINK.match(message):
            kind = "file" if match["problem"].startswith("the target") else "anchor"
            problems.add(_problem(match["page"], match["target"], kind, message))
        elif match := _MKDOCS_UNJUDGED.match(message):
            unjudged.add((match["page"], match["target"]))
    return MkDocsResult(problems, unjudged, anchors, collector.messages)


@dataclass
class KbResult:
    problems: set[Problem]
    findings: list[dict[str, Any]]


def _kb_start(root: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*KB_COMMAND, "check", "--format", "json", "--no-cache", "-f", str(root / "mkdocs.yml")],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _kb_finish(process: subprocess.Popen[str], docs_dir: str = "docs") -> KbResult:
    out, err = process.communicate(timeout=300)
    try:
        if process.returncode not in (0, 1):
            raise ValueError(f"exit code {process.returncode}")
        findings: list[dict[str, Any]] = json.loads(out)["findings"]
    except (ValueError, KeyError, TypeError) as error:
        raise RuntimeError(f"kb check gave no findings ({error}):\n{err[-3000:]}\n{out[:3000]}") from None
    problems: set[Problem] = set()
    prefix = docs_dir.rstrip("/") + "/"
    for finding in findings:
        if finding["code"] not in KB_LINK_CODES:
            continue
        match = _KB_TARGET.match(finding["message"])
        if match is None:
            raise AssertionError(f"unexpected kb message: {finding['message']!r}")
        if match["what"].startswith("raw HTML"):
            continue  # MkDocs does not look into raw HTML: kb alone checks it
        page = finding["path"].removeprefix(prefix)
        kind = "anchor" if finding["code"] == "KB403" else "file"
        problems.add(_problem(page, match["target"], kind, f"{finding['code']} line {finding['line']}"))
    return KbResult(problems, findings)


def kb_check(root: Path) -> KbResult:
    return _kb_finish(_kb_start(root))


@dataclass
class Comparison:
    root: Path
    mkdocs: MkDocsResult
    kb: KbResult

    @property
    def expected(self) -> dict[tuple[str, str, str], Problem]:
        return {p.key: p for p in sorted(self.mkdocs.problems)}

    @property
    def reported(self) -> dict[tuple[str, str, str], Problem]:
        return {p.key: p for p in sorted(self.kb.problems) if (p.page, p.target) not in self.mkdocs.unjudged}

    @property
    def only_mkdocs(self) -> list[Problem]:
        reported = self.reported
        return [p for key, p in self.expected.items() if key not in reported]

    @property
    def only_kb(self) -> list[Problem]:
        expected = self.expected
        return [p for key, p in self.reported.items() if key not in expected]

    @property
    def agrees(self) -> bool:
        return self.expected.keys() == self.reported.keys()

    def explain(self) -> str:
        lines = [f"site: {self.root}"]
        lines += [f"  MkDocs only: {p.page}: {p.kind} `{p.target}` ({p.detail})" for p in self.only_mkdocs]
        lines += [f"  kb only:     {p.page}: {p.kind} `{p.target}` ({p.detail})" for p in self.only_kb]
        return "\n".join(lines)


def compare(root: Path) -> Comparison:
    """Run kb (in a subprocess, started first so it overlaps) and the MkDocs build on the site."""
    process = _kb_start(root)
    try:
        mkdocs = mkdocs_build(root)
    except BaseException:
        process.kill()
        process.communicate()
        raise
    return Comparison(root, mkdocs, _kb_finish(process))


_UNLINKABLE = re.compile(r"[<>`\\\x00-\x1f\x7f]")


def probe_page(anchors: dict[str, set[str]], absent: dict[str, list[str]] | None = None) -> str:
    """A page at the top of docs/ that links to every id MkDocs found on every page, and to some absent ones.

    Ids that cannot be written inside `<...>` in a link (angle brackets, backticks, backslashes, control
    characters such as the placeholders Python-Markdown leaves in ids made from escaped text) are left out.
    """
    lines = ["# Probe", ""]
    for page in sorted(anchors):
        wanted = sorted(anchors[page]) + list((absent or {}).get(page, ()))
        lines += [f"- [{i}](<{page}#{anchor}>)" for i, anchor in enumerate(wanted) if not _UNLINKABLE.search(anchor)]
    return "\n".join(lines) + "\n"


def compare_with_probe(
    root: Path,
    absent: Callable[[dict[str, set[str]]], dict[str, list[str]]] | None = None,
    name: str = "zz-probe.md",
) -> Comparison:
    """Build once to learn each page's ids, add a page linking to all of them (and to the ids `absent`
    picks from them), then compare."""
    anchors = mkdocs_build(root).anchors
    (root / "docs" / name).write_text(probe_page(anchors, absent(anchors) if absent else None), encoding="utf-8")
    return compare(root)


def site_files(root: Path) -> Iterator[tuple[str, str]]:
    """The text of every source file of a small site, for failure messages."""
    for path in sorted(root.rglob("*")):
        if path.is_file() and "site" not in path.relative_to(root).parts[:1] and path.suffix in {".md", ".yml"}:
            yield str(path.relative_to(root)), path.read_text(encoding="utf-8")


def describe_site(root: Path) -> str:
    return "\n".join(f"--- {name}\n{text}" for name, text in site_files(root))
