"""A prepared copy of the docs tree and a generated configuration, for renderers that do not run the kb plugin.

The copy lives in the build directory (`.cache/kb-build/<renderer>/`), never in the user's docs/: drafts
are left out, pages with a `slug` sit at their slug's path (links to and from them rewritten), the
glossary page is generated, and front-matter is translated (tag keys to labels, unlisted pages out of
search). The configuration is the user's mkdocs.yml with the nav built from `sidebar_position`,
`not_in_nav` for unlisted pages, and docs_dir and site_dir pointing into the build directory.
"""

from __future__ import annotations

import html
import posixpath
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kb.check.analysis import Analysis, generated_glossary_page
from kb.config.project import ConfigError, Project
from kb.glossary.render import glossary_markdown, mentioned_on
from kb.links.rewrite import apply_rewrites, rewrite_targets
from kb.pages.nav import NavItem, NavSection, build_nav, in_built_nav
from kb.pages.page import Page, discover_files, load_page
from kb.pages.source import SourceText
from kb.pages.urls import PageUrl
from kb.publish.meta import theme_meta
from kb.render.scan import GLOSSARY_MARKER, Link

BUILD_DIR = Path(".cache") / "kb-build"
# Settings the copy has already applied: the renderer must not apply them a second time.
_APPLIED = ("exclude_docs", "draft_docs", "docs_dir", "site_dir", "nav", "not_in_nav")
# Around each page's body in the copy: Python-Markdown keeps HTML comments, so the site steps find the
# rendered Markdown among the theme's markup (tags, buttons), as the plugin gets it, and remove these.
CONTENT_START = "<!-- kb:content -->"
CONTENT_END = "<!-- kb:content-end -->"


@dataclass
class Prepared:
    root: Path  # the build directory; the generated configuration sits in it, so relative paths stay inside
    config: Path
    docs: Path
    site: Path  # where the renderer writes the site, inside root (Zensical refuses a site_dir outside it)
    locations: dict[str, str] = field(default_factory=dict)  # docs path -> path in the copy
    # Markdown kb generated (the glossary page), links as written from the page's own path, as the plugin has it.
    generated: dict[str, str] = field(default_factory=dict)


def location(page_url: PageUrl, src: str, use_directory_urls: bool) -> str:
    """Where a page sits in the copy so that any renderer publishes it at its URL: its own path, or for a
    page a slug moved, the Markdown file whose natural URL is the slug's."""
    if not page_url.redirected:
        return src
    url = page_url.url
    stem = url[: -len("/")] if use_directory_urls and url.endswith("/") else url.removesuffix(".html")
    return f"{stem}.md" if stem else "index.md"


def build_root(project: Project, renderer: str) -> Path:
    return project.root / BUILD_DIR / renderer


def prepare(project: Project, analysis: Analysis, renderer: str, drafts: bool = False) -> Prepared:
    """Write the copy and its configuration into `.cache/kb-build/<renderer>/` (replacing an older one);
    `drafts` keeps draft pages, for a preview."""
    root = build_root(project, renderer)
    prepared = Prepared(root, root / "mkdocs.yml", root / "docs", root / "site")
    if prepared.docs.exists():
        shutil.rmtree(prepared.docs)
    prepared.docs.mkdir(parents=True)
    published = {src: page for src, page in analysis.pages.items() if _published(project, page, drafts)}
    prepared.locations = {src: location(analysis.urls[src], src, project.use_directory_urls) for src in published}
    pages = {src: _loaded(project, page) for src, page in published.items()}
    for src, page in pages.items():
        body = _body(project, analysis, page, prepared.locations)
        if page.src == project.options.glossary_page and GLOSSARY_MARKER in page.content:
            plain = apply_rewrites(page.content, page.content_line, _to_files(analysis, page))
            prepared.generated[src] = plain.replace(GLOSSARY_MARKER, _glossary(analysis, src), 1)
        text = f"{_front_matter(analysis, page)}{CONTENT_START}\n\n{body.strip(chr(10))}\n\n{CONTENT_END}\n"
        _write(prepared.docs / prepared.locations[src], text)
    files, _ = discover_files(project.docs_dir, project.root)
    for src in files:
        if src.endswith(".md") or project.inclusion.get(src) == "excluded" or (
                not drafts and project.inclusion.get(src) == "draft"):
            continue
        target = prepared.docs / src
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(project.docs_dir / src, target)
    mermaid = project.mermaid_path
    if mermaid is not None:
        target = prepared.docs / "assets" / "javascripts" / "mermaid.min.js"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(mermaid, target)
    unlisted = sorted(prepared.locations[src] for src, page in pages.items() if page.unlisted)
    _write(prepared.config, generated_config(project, list(pages.values()), prepared.locations, unlisted))
    return prepared


def _published(project: Project, page: Page, drafts: bool) -> bool:
    return (drafts or not page.draft) and project.inclusion.get(page.src) not in ("excluded", "draft")


def _loaded(project: Project, page: Page) -> Page:
    """The page with its text: an analysis from the cache keeps none, and kb generates a missing glossary page."""
    if page.text is not None:
        return page
    source = None
    if page.src == project.options.glossary_page and not (project.docs_dir / page.src).is_file():
        source = SourceText(project.doc_rel(page.src), generated_glossary_page())
    return load_page(project, page.src, source)[0]


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _front_matter(analysis: Analysis, page: Page) -> str:
    """The front-matter as the renderer understands it (the same translation the plugin makes)."""
    meta = theme_meta(page, analysis.tags)
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000) + "---\n"


def _body(project: Project, analysis: Analysis, page: Page, locations: dict[str, str]) -> str:
    """The page body with slug and folder links pointed at files, links fitted to the pages' places in the
    copy, and the glossary generated where the page holds its marker."""
    here = locations[page.src]
    chosen = {(link.line, link.column): new for link, new in _to_files(analysis, page)}
    scan = analysis.index.scans.get(page.src)
    rewrites: list[tuple[Link, str]] = []
    for link in scan.links if scan else []:
        target = chosen.get((link.line, link.column), link.target)
        if link.kind != "html":
            target = relocate(target, page.src, here, locations)
        if target != link.target:
            rewrites.append((link, target))
    body = apply_rewrites(page.content, page.content_line, rewrites)
    if page.src == project.options.glossary_page and GLOSSARY_MARKER in body:
        generated = _glossary(analysis, page.src)
        if here != page.src or any(src != where for src, where in locations.items()):
            generated = relocate_all(generated, page.src, here, locations)
        body = body.replace(GLOSSARY_MARKER, generated, 1)
    return body


def _to_files(analysis: Analysis, page: Page) -> list[tuple[Link, str]]:
    """Slug and folder links pointed at the .md files the renderer converts (as the plugin does in the tree)."""
    scan = analysis.index.scans.get(page.src)
    found = ((link, analysis.index.markdown_target(page.src, link.target))
             for link in (scan.links if scan else []) if link.kind != "html")
    return [(link, new) for link, new in found if new is not None]


def _glossary(analysis: Analysis, src: str) -> str:
    terms_by_page = {page: scan.terms for page, scan in analysis.index.scans.items()}
    found_on = mentioned_on(analysis.glossary, analysis.pages, terms_by_page, in_built_nav)
    return glossary_markdown(analysis.glossary, src, analysis.pages, found_on, analysis.tags)


def relocate(target: str, src: str, here: str, locations: dict[str, str]) -> str:
    """A relative link written in `src` (now at `here` in the copy), aimed at where its target now sits."""
    bracketed = target.startswith("<") and target.endswith(">")
    raw = target[1:-1] if bracketed else target
    if not raw or raw.startswith(("#", "/")) or ":" in raw.split("/", 1)[0]:
        return target  # an anchor on the page, a root-relative path or another site
    path, hash_, fragment = raw.partition("#")
    path, query, rest = path.partition("?")
    if not path:
        return target
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(src), path))
    if resolved.startswith(".."):
        return target
    moved = locations.get(resolved, resolved)
    if moved == resolved and here == src:
        return target
    new = posixpath.relpath(moved, posixpath.dirname(here) or ".") + query + rest + hash_ + fragment
    return f"<{new}>" if bracketed else new


def relocate_all(markdown: str, src: str, here: str, locations: dict[str, str]) -> str:
    """Every inline link and reference definition in generated Markdown, relocated."""
    return rewrite_targets(markdown, lambda target: relocate(target, src, here, locations))


def nav_entries(items: list[NavItem], locations: dict[str, str]) -> list[Any]:
    """The nav tree as mkdocs.yml writes it: a section's index first and without a title, so that the
    theme makes it the section's page; every other page under its nav label, escaped, as the theme
    writes nav titles into the page as HTML."""
    entries: list[Any] = []
    for item in items:
        if isinstance(item, NavSection):
            children: list[Any] = [locations[item.index.src]] if item.index is not None else []
            entries.append({html.escape(item.title, quote=False): children + nav_entries(item.children, locations)})
        else:
            entries.append({html.escape(item.nav_label, quote=False): locations[item.src]})
    return entries


def generated_config(project: Project, pages: list[Page], locations: dict[str, str], unlisted: list[str]) -> str:
    """The user's mkdocs.yml, its tags kept as written (`!ENV`, `!!python/name:`), with the settings the
    copy needs. Only the kb plugin is removed: the steps over the built site do its work."""
    data = _raw_config(project.config_path)
    user_nav = data.get("nav")
    for key in _APPLIED:
        data.pop(key, None)
    if "INHERIT" in data and isinstance(data["INHERIT"], str):
        data["INHERIT"] = str((project.config_path.parent / data["INHERIT"]).resolve())
    data["docs_dir"] = "docs"
    data["site_dir"] = "site"
    data["nav"] = (_mapped_nav(user_nav, locations) if user_nav
                   else nav_entries(build_nav(pages, in_built_nav), locations))
    if unlisted:
        data["not_in_nav"] = "\n".join("/" + path for path in unlisted) + "\n"
    plugins = data.get("plugins")
    if isinstance(plugins, list):
        data["plugins"] = [p for p in plugins if not (p == "kb" or (isinstance(p, dict) and "kb" in p))]
    elif isinstance(plugins, dict):
        plugins.pop("kb", None)
    extensions = data.setdefault("markdown_extensions", [])
    names = {e if isinstance(e, str) else next(iter(e), "") for e in extensions if isinstance(e, (str, dict))}
    if isinstance(extensions, list) and "attr_list" not in names:
        extensions.append("attr_list")  # the glossary page gives each term an id with `{#id}`
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)


def _mapped_nav(entry: Any, locations: dict[str, str]) -> Any:
    """An explicit nav from mkdocs.yml, its page paths moved with their pages."""
    if isinstance(entry, str):
        return locations.get(entry, entry)
    if isinstance(entry, list):
        return [_mapped_nav(e, locations) for e in entry]
    if isinstance(entry, dict):
        return {key: _mapped_nav(value, locations) for key, value in entry.items()}
    return entry


@dataclass(frozen=True)
class _Tagged:
    """A YAML value with a tag kb does not interpret (`!ENV`, `!!python/name:...`), written back as it came."""

    tag: str
    value: Any


class _Loader(yaml.SafeLoader):
    pass


class _Dumper(yaml.SafeDumper):
    pass


def _construct_tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> _Tagged:
    if isinstance(node, yaml.ScalarNode):
        return _Tagged(node.tag, loader.construct_scalar(node))
    if isinstance(node, yaml.SequenceNode):
        return _Tagged(node.tag, loader.construct_sequence(node, deep=True))
    return _Tagged(node.tag, loader.construct_mapping(node, deep=True))  # type: ignore[arg-type]


def _represent_tagged(dumper: yaml.SafeDumper, value: _Tagged) -> yaml.Node:
    if isinstance(value.value, list):
        return dumper.represent_sequence(value.tag, value.value, flow_style=True)
    if isinstance(value.value, dict):
        return dumper.represent_mapping(value.tag, value.value)
    return dumper.represent_scalar(value.tag, str(value.value))


_Loader.add_multi_constructor("!", _construct_tagged)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _construct_tagged)
_Dumper.add_representer(_Tagged, _represent_tagged)


def _raw_config(path: Path) -> dict[str, Any]:
    """mkdocs.yml as written. MkDocs' loader has read it already, through kb's bounded YAML check, so
    this second read meets no aliases, no deep nesting and no oversized file."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8-sig"), Loader=_Loader)
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path.name} cannot be read for the generated configuration: {exc}. "
                          "Fix it; `kb check` reports the same file.") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path.name} is not a mapping of settings; write `key: value` lines.")
    return data
