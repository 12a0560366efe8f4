"""What an import source is (a Docusaurus site, a Docusaurus docs folder, or notes) and its files, walked safely."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from kb.pages.source import read_limited, walk_tree
from kb.report.findings import Finding
from kb.report.rules import rule

PAGE_SUFFIXES = (".md", ".mdx", ".markdown", ".txt")
CATEGORY_FILES = ("_category_.json", "_category_.yml", "_category_.yaml")
CONFIG_NAMES = tuple(f"docusaurus.config.{ext}" for ext in ("js", "ts", "mjs", "cjs", "mts"))
SKIPPED_DIRS = frozenset({"node_modules", "build", ".docusaurus", "__pycache__"})
MAX_FILES = 20_000  # far beyond any documentation folder; a walk stops there with a finding
MAX_CONFIG_SIZE = 256 * 1024
# One-line settings read from docusaurus.config.* without running it: `key: 'value'`.
_SETTING = re.compile(
    r"""\b(path|sidebarPath|routeBasePath|baseUrl|title)\s*:\s*(?:require\.resolve\(\s*)?(['"])([^'"\n]{0,300})\2""")


@dataclass(frozen=True)
class SourceFile:
    path: Path  # absolute, never a symbolic link out of the source
    rel: str  # relative to the source's docs root, POSIX style
    display: str  # as findings name it


@dataclass
class Source:
    kind: str  # "docusaurus-site", "docusaurus-docs" or "notes"
    root: Path  # the docs folder (Docusaurus) or the folder the notes are in
    display: str
    files: list[SourceFile] = field(default_factory=list)
    site_root: Path | None = None
    static_dirs: list[Path] = field(default_factory=list)
    sidebars: Path | None = None
    route_base: str = "docs"
    site_title: str = ""
    findings: list[Finding] = field(default_factory=list)

    @property
    def is_docusaurus(self) -> bool:
        return self.kind != "notes"


def display_path(path: Path) -> str:
    """A path as the person typed it, relative to the working folder when it is below it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def detect(path: Path) -> Source:
    """Work out what `path` is. Raises FileNotFoundError when it does not exist."""
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist; give a Docusaurus site, a docs folder or Markdown notes.")
    path = path.resolve()
    shown = display_path(path)
    if path.is_file():
        source = Source("notes", path.parent, shown)
        if path.suffix.lower() == ".mdx" or _has_front_matter(path):
            source.kind = "docusaurus-docs"
        source.files = [SourceFile(path, path.name, shown)]
        return source
    config = next((path / name for name in CONFIG_NAMES if (path / name).is_file()), None)
    if config is not None:
        return _site(path, config, shown)
    parent_config = next((path.parent / n for n in CONFIG_NAMES if (path.parent / n).is_file()), None)
    source = Source("notes", path, shown)
    if parent_config is not None or _looks_like_docusaurus_docs(path):
        source.kind = "docusaurus-docs"
        if parent_config is not None:
            source.site_root = path.parent
            source.static_dirs = [d for d in [path.parent / "static"] if d.is_dir()]
    source.files, source.findings = walk(path, shown)
    return source


def _site(path: Path, config: Path, shown: str) -> Source:
    settings, findings = read_config(config, display_path(config))
    docs = (path / settings.get("path", "docs")).resolve()
    source = Source("docusaurus-site", docs, display_path(docs), site_root=path, findings=findings)
    source.route_base = settings.get("routeBasePath", "docs").strip("/")
    source.site_title = settings.get("title", "")
    source.static_dirs = [d for d in [path / "static"] if d.is_dir()]
    sidebars = settings.get("sidebarPath")
    candidates = [path / sidebars] if sidebars else [path / f"sidebars.{e}" for e in ("js", "ts", "json", "mjs", "cjs")]
    source.sidebars = next((c.resolve() for c in candidates if c.is_file()), None)
    if not docs.is_dir():
        source.findings.append(rule("KB701").finding(
            shown, 1, 1, f"The Docusaurus site {shown} has no docs folder at {display_path(docs)}.",
            "Give the docs folder itself as the source, or fix `path` in the docs plugin options."))
        return source
    files, walk_findings = walk(docs, source.display)
    source.files = files
    source.findings += walk_findings
    return source


def read_config(config: Path, shown: str) -> tuple[dict[str, str], list[Finding]]:
    """The few plain settings kb needs from docusaurus.config.*, read as text (never run)."""
    data, findings = read_limited(config, shown, MAX_CONFIG_SIZE)
    if data is None:
        return {}, findings
    text = data.decode("utf-8", errors="replace")
    settings: dict[str, str] = {}
    for match in _SETTING.finditer(text):
        settings.setdefault(match.group(1), match.group(3))
    return settings, findings


def _has_front_matter(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(4).rstrip(b"\r\n") == b"---"
    except OSError:
        return False


def _looks_like_docusaurus_docs(folder: Path) -> bool:
    for file in walk(folder, "")[0][:500]:
        name = file.path.name
        if name in CATEGORY_FILES or name.endswith(".mdx"):
            return True
    return False


def walk(root: Path, shown: str) -> tuple[list[SourceFile], list[Finding]]:
    """Every file under `root`, sorted, without dot-files, build folders or symbolic links that
    lead out of `root` or back into a folder already walked."""
    found: list[SourceFile] = []
    findings: list[Finding] = []
    for entry in walk_tree(root, root, lambda _, name: name.startswith(".") or name in SKIPPED_DIRS):
        where = f"{shown}/{entry.rel}" if shown else entry.rel
        if entry.problem == "loop":
            continue  # its files are imported once, from where the walk first met them
        if entry.problem == "unlisted":
            findings.append(rule("KB701").finding(
                f"{shown}/{entry.rel}".rstrip("/"), 1, 1, f"The folder {shown}/{entry.rel} cannot be listed: "
                f"{entry.detail}.", "Check its permissions."))
        elif entry.problem == "dangling":
            findings.append(rule("KB701").finding(where, 1, 1, f"{where} is a symbolic link that leads "
                                                  "nowhere, so it is not imported.", "Remove the link."))
        elif entry.problem == "outside":
            findings.append(rule("KB701").finding(
                where, 1, 1, f"{where} is a symbolic link to {entry.detail}, outside the source, so it is "
                "not followed.", "Copy the file into the source folder if it should be imported."))
        elif entry.path.is_file():
            found.append(SourceFile(entry.path, entry.rel, where))
            if len(found) >= MAX_FILES:
                findings.append(rule("KB701").finding(
                    shown, 1, 1, f"{shown} holds more than {MAX_FILES:,} files; the import stops there.",
                    "Import the folders one at a time."))
                break
    return sorted(found, key=lambda f: f.rel), findings
