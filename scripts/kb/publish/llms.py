"""A copy of the site for language models: `llms.txt` (the llmstxt.org shape), `llms-full.txt` and each
page's Markdown at its URL with `.md`, links made absolute; drafts and unlisted pages left out."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kb.config.project import Project
from kb.links.rewrite import rewrite_targets
from kb.pages.nav import NavItem, NavSection, build_nav, in_built_nav, walk_pages
from kb.pages.page import Page, load_page


@dataclass(frozen=True)
class Published:
    """One page as language models get it."""

    src: str
    url: str  # site-root-relative HTML URL: "llms/tokenization/", "" for the home page
    title: str
    description: str
    markdown: str  # the body, front-matter removed, links absolute


def markdown_url(url: str) -> str:
    """Where a page's Markdown copy is published: `llms/tokenization/` -> `llms/tokenization.md`."""
    if url in ("", "./"):
        return "index.md"
    if url.endswith("/"):
        return url[:-1] + ".md"
    return url[: -len(".html")] + ".md" if url.endswith(".html") else url + ".md"


def absolute_links(body: str, src: str, url_of: dict[str, str], base: str) -> str:
    """Relative links to pages become absolute links to their Markdown copies (anchors kept), links to
    other files absolute links to the files, so that a copy read on its own still leads somewhere."""
    folder = posixpath.dirname(src)

    def absolute(target: str) -> str:
        bracketed = target.startswith("<") and target.endswith(">")
        raw = target[1:-1] if bracketed else target
        if not raw or raw.startswith(("#", "/")) or ":" in raw.split("/", 1)[0]:
            return target  # an anchor on the page, a root-relative path or another site
        path, hash_, fragment = raw.partition("#")
        docs_path = posixpath.normpath(posixpath.join(folder, path))
        if docs_path in url_of:
            new = base + markdown_url(url_of[docs_path]) + hash_ + fragment
        elif docs_path.startswith(".."):
            return target
        else:
            new = base + docs_path + hash_ + fragment
        return f"<{new}>" if bracketed else new

    return rewrite_targets(body, absolute)


def published(pages: list[Page], urls: dict[str, str], base: str,
              bodies: dict[str, str] | None = None) -> dict[str, Published]:
    """The pages language models get: not drafts, not unlisted, with a body to give. `bodies`
    replaces a page's own Markdown where the renderer generated more (the glossary page)."""
    out = {}
    for page in pages:
        if not in_built_nav(page) or page.text is None:  # drafts and unlisted pages stay out
            continue
        description = page.meta.get("description")
        body = (bodies or {}).get(page.src, page.content)
        out[page.src] = Published(page.src, urls[page.src], page.title,
                                  description.strip() if isinstance(description, str) else "",
                                  absolute_links(body.strip() + "\n", page.src, urls, base))
    return out


def _sections(nav: list[NavItem], pages: dict[str, Published]) -> Iterator[tuple[str, list[Published]]]:
    """(section title, its pages in reading order); top-level pages form the first section."""
    top = [pages[item.src] for item in nav if isinstance(item, Page) and item.src in pages]
    if top:
        yield "Start here", top
    for item in nav:
        if isinstance(item, NavSection):
            found = [pages[page.src] for page in walk_pages([item]) if page.src in pages]
            if found:
                yield item.title, found


def llms_txt(site_name: str, summary: str, nav: list[NavItem], pages: dict[str, Published], base: str) -> str:
    """The index: an H1, a one-paragraph summary, and a section of links with one line each."""
    lines = [f"# {site_name}", ""]
    if summary:
        lines += [f"> {summary}", ""]
    lines += ["Each link leads to the page's Markdown; the HTML page is at the same address without `.md`.", ""]
    for title, members in _sections(nav, pages):
        lines += [f"## {title}", ""]
        lines += [f"- [{p.title}]({base}{markdown_url(p.url)})" + (f": {p.description}" if p.description else "")
                  for p in members]
        lines.append("")
    return "\n".join(lines)


def llms_full(site_name: str, nav: list[NavItem], pages: dict[str, Published], base: str) -> str:
    """Every published page's Markdown in reading order, each introduced by its address."""
    parts = [f"# {site_name}\n"]
    for _, members in _sections(nav, pages):
        for page in members:
            parts.append(f"\n---\n\nSource: {base}{markdown_url(page.url)}\n\n{page.markdown}")
    return "".join(parts)


def write_copies(site: Path, site_name: str, summary: str, nav: list[NavItem], pages: dict[str, Published],
                 base: str) -> None:
    (site / "llms.txt").write_text(llms_txt(site_name, summary, nav, pages, base), encoding="utf-8")
    (site / "llms-full.txt").write_text(llms_full(site_name, nav, pages, base), encoding="utf-8")
    for page in pages.values():
        target = site / markdown_url(page.url)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.markdown, encoding="utf-8")


def write_site_copies(site: Path, project: Project, pages: dict[str, Page], urls: dict[str, str], site_name: str,
                      summary: str, site_url: str, bodies: dict[str, str] | None = None) -> None:
    """`llms.txt`, `llms-full.txt` and the Markdown copies of a built site, pages read again where the
    analysis came from the cache (it keeps no text)."""
    loaded = [p if p.text is not None else load_page(project, p.src)[0] for p in pages.values()]
    base = site_url or "/"
    base = base if base.endswith("/") else base + "/"
    copies = published(loaded, urls, base, bodies)
    write_copies(site, site_name, summary, build_nav(loaded), copies, base)
