"""The page model shared by `kb check` and the MkDocs plugin."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from kb.config.project import Project
from kb.pages.frontmatter import FrontMatter, split_front_matter
from kb.pages.source import SourceText, read_source, walk_tree
from kb.report.findings import Finding

# MkDocs skips dot-files and a top-level templates/ folder; so do we.
_SKIPPED_DIRS = {"templates"}
_REFUSALS = {"loop": "is a symbolic link back into a folder that is already published",
             "unlisted": "cannot be listed", "dangling": "is a symbolic link that leads nowhere"}


@dataclass
class Page:
    src: str  # path relative to docs_dir, POSIX style: "models/compare.md"
    rel_path: str  # path relative to the project root: "docs/models/compare.md"
    front: FrontMatter | None  # None when the file or its front-matter is unusable
    text: str | None = None  # the whole decoded file; None when it could not be decoded

    @property
    def meta(self) -> dict[str, Any]:
        return self.front.meta if self.front else {}

    @property
    def content(self) -> str:
        """The Markdown after the front-matter (the whole text when there is no usable front-matter)."""
        return self.front.body if self.front else (self.text or "")

    @property
    def rendered_body(self) -> str:
        """What a renderer turns into HTML: the content without its leading blank lines, as MkDocs
        hands it to Python-Markdown (the same HTML, but what kb renders is exactly what MkDocs does)."""
        return self.content.lstrip("\n")

    @property
    def content_line(self) -> int:
        return self.front.body_line if self.front else 1

    @property
    def is_index(self) -> bool:
        return self.src.rsplit("/", 1)[-1] in ("index.md", "README.md")

    @property
    def folder(self) -> str:
        return self.src.rsplit("/", 1)[0] if "/" in self.src else ""

    @property
    def title(self) -> str:
        value = self.meta.get("title")
        if isinstance(value, str) and value.strip():
            return value.strip()
        stem = PurePosixPath(self.src).stem
        if stem in ("index", "README"):
            stem = PurePosixPath(self.folder).name or "Home"
        return pretty_name(stem)

    @property
    def nav_label(self) -> str:
        label = self.meta.get("sidebar_label")
        return label.strip() if isinstance(label, str) and label.strip() else self.title

    @property
    def position(self) -> float | None:
        value = self.meta.get("sidebar_position")
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    @property
    def draft(self) -> bool:
        return self.meta.get("draft") is True

    @property
    def unlisted(self) -> bool:
        return self.meta.get("unlisted") is True

    @property
    def slug(self) -> str | None:
        value = self.meta.get("slug")
        return value if isinstance(value, str) and value else None


def pretty_name(name: str) -> str:
    """A file or folder name as a title: "deep-dives" becomes "Deep dives"."""
    return name.replace("-", " ").replace("_", " ").capitalize()


def read_page_source(project: Project, src: str) -> SourceText:
    return read_source(project.docs_dir / src, project.doc_rel(src), project.options.max_page_size, project.root)


def load_page(project: Project, src: str, source: SourceText | None = None) -> tuple[Page, list[Finding]]:
    """Read (unless `source` is given) and parse one page; problems come back as findings."""
    source = source or read_page_source(project, src)
    findings = list(source.findings)
    front = None
    if source.text is not None:
        front, parse_findings = split_front_matter(source.text, source.rel_path)
        findings.extend(parse_findings)
    return Page(src, source.rel_path, front, source.text), findings


def discover_files(docs_dir: Path, root: Path | None = None) -> tuple[list[str], list[tuple[str, str]]]:
    """Every file under docs_dir, relative and sorted, as MkDocs would find them, and the entries
    refused with the reason: a symbolic link that leads outside the project (`root`) or back into a
    folder already walked. Symbolic links inside the project are followed, as MkDocs follows them."""
    found: list[str] = []
    refused: list[tuple[str, str]] = []

    def skip(folder: str, name: str) -> bool:
        return name.startswith(".") or (not folder and name in _SKIPPED_DIRS)

    for entry in walk_tree(docs_dir, root or docs_dir, skip):
        if not entry.problem:
            found.append(entry.rel)
        elif entry.problem == "outside":
            refused.append((entry.rel, f"is a symbolic link to {entry.detail}, outside the project"))
        else:
            refused.append((entry.rel or ".", _REFUSALS[entry.problem]))
    return sorted(found), sorted(refused)
