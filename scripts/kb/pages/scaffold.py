"""`kb new`: a new page with front-matter that passes `kb check`, placed after its siblings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import yaml

from kb.config.project import ConfigError, Project
from kb.pages.page import load_page, pretty_name


@dataclass
class NewPage:
    path: Path
    text: str
    created_index: Path | None = None
    index_text: str = ""


def plan_new_page(project: Project, target: str, title: str, section: str | None = None,
                  description: str | None = None, tags: list[str] | None = None) -> NewPage:
    """Work out the file and its text; raises ConfigError for anything that cannot be done."""
    relative = PurePosixPath(target.removeprefix(project.rel(project.docs_dir) + "/"))
    if section:
        relative = PurePosixPath(section.strip("/")) / relative.name
    if not relative.suffix:
        relative = relative.with_suffix(".md")
    if relative.suffix != ".md":
        raise ConfigError(f"{target} is not a Markdown file; pages end in .md.")
    if relative.is_absolute() or ".." in relative.parts or not re.fullmatch(r"[a-z0-9/._-]+", str(relative)):
        raise ConfigError(f"{relative} is not a good page path: use lowercase letters, digits and hyphens "
                          "inside docs/, for example llms/quantization.md.")
    path = project.docs_dir / relative
    if path.exists():
        raise ConfigError(f"{project.rel(path)} already exists; kb new never overwrites a file.")
    folder = path.parent
    siblings = [p for p in folder.glob("*.md") if p.name not in ("index.md", "README.md")] if folder.is_dir() else []
    positions = [_position(project, p) for p in siblings]
    position = int(max((p for p in positions if p is not None), default=0)) + 1
    index = folder / "index.md"
    created_index, index_text = None, ""
    if folder != project.docs_dir and not index.exists():
        created_index = index
        section_title = pretty_name(folder.name)
        index_text = _render(section_title, f"Pages about {section_title.lower()}.", tags or [], None,
                             f"Pages in this section:\n\n- [{title}]({path.name})\n")
    tags = tags if tags is not None else _index_tags(project, index)
    summary = description or f"An introduction to {title}."
    body = "Start with a paragraph that says what the page covers and who it is for.\n\n## Sources\n\n- \n"
    return NewPage(path, _render(title, summary, tags, position, body), created_index, index_text)


def write_new_page(plan: NewPage) -> None:
    plan.path.parent.mkdir(parents=True, exist_ok=True)
    if plan.created_index is not None:
        with open(plan.created_index, "x", encoding="utf-8") as handle:  # "x": never overwrite
            handle.write(plan.index_text)
    with open(plan.path, "x", encoding="utf-8") as handle:
        handle.write(plan.text)


def _render(title: str, description: str, tags: list[str], position: int | None, body: str) -> str:
    meta: dict[str, object] = {"title": title, "description": description}
    if tags:
        meta["tags"] = tags
    if position is not None:
        meta["sidebar_position"] = position
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{front}---\n\n# {title}\n\n{body}"


def _position(project: Project, path: Path) -> float | None:
    page, _ = load_page(project, path.relative_to(project.docs_dir).as_posix())
    return page.position


def _index_tags(project: Project, index: Path) -> list[str]:
    if not index.exists():
        return []
    page, _ = load_page(project, index.relative_to(project.docs_dir).as_posix())
    tags = page.meta.get("tags")
    return [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []
