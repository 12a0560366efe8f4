"""Navigation order from front-matter: folders are sections, `sidebar_position` orders them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from kb.pages.page import Page, pretty_name


@dataclass
class NavSection:
    folder: str
    index: Page | None = None
    children: list[NavItem] = field(default_factory=list)

    @property
    def title(self) -> str:
        if self.index is not None:
            return self.index.nav_label
        return pretty_name(PurePosixPath(self.folder).name)

    @property
    def position(self) -> float | None:
        return self.index.position if self.index is not None else None


NavItem = Page | NavSection


def in_built_nav(page: Page) -> bool:
    return not page.draft and not page.unlisted


def build_nav(pages: list[Page], include: Callable[[Page], bool] = in_built_nav) -> list[NavItem]:
    """The ordered nav tree: each folder's index first, then by position, then by label."""
    root = NavSection("")
    sections = {"": root}

    def section_for(folder: str) -> NavSection:
        if folder not in sections:
            parent = section_for(folder.rsplit("/", 1)[0] if "/" in folder else "")
            sections[folder] = NavSection(folder)
            parent.children.append(sections[folder])
        return sections[folder]

    for page in pages:
        if not include(page):
            continue
        section = section_for(page.folder)
        if page.is_index and section.index is None:
            section.index = page
        else:
            section.children.append(page)
    _prune_and_sort(root)
    items: list[NavItem] = [*([root.index] if root.index else []), *root.children]
    return items


def _prune_and_sort(section: NavSection) -> None:
    for child in section.children:
        if isinstance(child, NavSection):
            _prune_and_sort(child)
    section.children = [c for c in section.children if not (isinstance(c, NavSection) and _empty(c))]
    section.children.sort(key=_sort_key)


def _empty(section: NavSection) -> bool:
    return section.index is None and not section.children


def _sort_key(item: NavItem) -> tuple[bool, float, str, str]:
    if isinstance(item, NavSection):
        position, label, ident = item.position, item.title, item.folder
    else:
        position, label, ident = item.position, item.nav_label, item.src
    return (position is None, position or 0.0, label.casefold(), ident)


def walk_pages(items: list[NavItem]) -> list[Page]:
    """Pages in reading order (for previous/next links)."""
    result: list[Page] = []
    for item in items:
        if isinstance(item, NavSection):
            if item.index is not None:
                result.append(item.index)
            result.extend(walk_pages(item.children))
        else:
            result.append(item)
    return result
