"""Running an import: sources read, pages converted and linked, project files generated, the plan of writes made."""

from __future__ import annotations

import posixpath
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from kb.config.project import ConfigError, Project
from kb.importer import docusaurus, links, mdx, notes
from kb.importer.plan import Plan, Write, decide
from kb.importer.sources import CATEGORY_FILES, Source, SourceFile, detect, display_path, walk
from kb.pages.page import pretty_name
from kb.pages.source import read_limited
from kb.pages.yamlsafe import Refusal, compose
from kb.render.facts import Renderer
from kb.report.findings import Finding
from kb.report.rules import rule

MAX_ASSET_SIZE = 20 * 1024 * 1024
MAX_TITLE = 120  # as page.schema.json allows
# What converted content needs, and how a new project's mkdocs.yml asks for it.
EXTENSIONS = ["abbr", "admonition", "attr_list", "def_list", "footnotes", "md_in_html", "tables",
              {"toc": {"permalink": True}}, "pymdownx.details", "pymdownx.highlight", "pymdownx.inlinehilite",
              "pymdownx.superfences", {"pymdownx.tabbed": {"alternate_style": True}},
              {"pymdownx.tasklist": {"custom_checkbox": True}}]
_TAG_KEY = re.compile(r"[^a-z0-9]+")


@dataclass
class ImportOptions:
    sources: list[Path]
    into: Path
    overwrite: bool = False


@dataclass
class Imported:
    source: Source
    file: SourceFile | None  # None for a generated section index
    target: str  # relative to docs_dir
    meta: dict[str, Any]
    body: str
    body_line: int = 1
    folder: str = ""  # the target folder
    position: float | None = None
    anchors: dict[str, str] = field(default_factory=dict)
    section_label: str | None = None  # for generated index pages

    @property
    def shown(self) -> str:
        return self.file.display if self.file else self.target


@dataclass
class Result:
    plan: Plan
    findings: list[Finding]
    new_project: bool


def run(options: ImportOptions) -> Result:
    """Read, convert and plan. Raises ConfigError (usage) and FileNotFoundError (a missing source)."""
    into = options.into.resolve()
    sources = [detect(path) for path in options.sources]
    config = into / "mkdocs.yml"
    findings: list[Finding] = []
    new_project = not config.exists()
    if new_project:
        with tempfile.TemporaryDirectory(prefix="kb-import-") as scratch:
            project = _scratch_project(Path(scratch))
        docs_rel = "docs"
    else:
        project = Project.from_config_file(config)
        docs_rel = posixpath.relpath(project.docs_dir.resolve().as_posix(), into.as_posix())
        if docs_rel.startswith(".."):
            raise ConfigError(f"{config}: docs_dir is outside {into}; kb import writes only inside the project.")
    if not new_project:
        for source in sources:
            _place_inside_docs(source, project.docs_dir.resolve())
    renderer = Renderer(project.markdown_extensions, project.mdx_configs)
    anchors: dict[str, dict[str, str]] = {}  # by target page, shared: a link may cross into another source
    indexes: dict[int, links.LinkIndex] = {}  # one per source, so that equal paths in two sources never mix
    pages: list[Imported] = []
    assets: list[tuple[Source, SourceFile, str]] = []
    navs: list[list[Any]] = []
    needs: set[str] = set()
    matcher = None
    if not new_project:
        from kb.glossary.model import load_glossary

        matcher = load_glossary(project)[0].term_matcher()
    for source in sources:
        findings += source.findings
        index = indexes[id(source)] = links.LinkIndex(anchors=anchors, directory_urls=project.use_directory_urls)
        source_pages, source_assets = _read_source(source, project, renderer, index, matcher, needs, findings)
        pages += source_pages
        assets += source_assets
        nav = _sidebar_nav(source, index, pages, findings)
        if nav:
            navs.append(nav)
    for imported in pages:
        if imported.file is None:
            continue
        rewritten = links.rewrite_links(imported.body, imported.file.rel, imported.target,
                                        indexes[id(imported.source)], imported.shown, imported.body_line)
        imported.body = rewritten.text
        findings += rewritten.findings
    tags_yml, tag_findings = _tags(pages, sources, project, new_project)
    findings += tag_findings
    writes = [Write(f"{docs_rel}/{p.target}", _page_text(p).encode("utf-8"), p.file.display if p.file else "")
              for p in sorted(pages, key=lambda p: p.target)]
    for source, file, target in assets:
        data, read_findings = read_limited(file.path, file.display, MAX_ASSET_SIZE, source.root)
        findings += [_as_import(f) for f in read_findings]
        if data is not None:
            writes.append(Write(f"{docs_rel}/{target}", data, file.display))
    copies = {target: absolute for index in indexes.values() for target, absolute in index.copies.items()}
    for target, absolute in sorted(copies.items()):
        data, read_findings = read_limited(Path(absolute), display_path(Path(absolute)), MAX_ASSET_SIZE)
        findings += [_as_import(f) for f in read_findings]
        if data is not None:
            writes.append(Write(f"{docs_rel}/{target}", data, display_path(Path(absolute))))
    nav = [entry for one in navs for entry in one]
    if new_project:
        title = next((s.site_title for s in sources if s.site_title), "") or into.name or "Knowledge base"
        writes.insert(0, Write("mkdocs.yml", mkdocs_yml(title, nav).encode("utf-8"), ""))
        if tags_yml is not None:
            writes.insert(1, Write(f"{docs_rel}/tags.yml", tags_yml.encode("utf-8"), ""))
    else:
        findings += _config_findings(project, needs, nav, config, into)
    return Result(decide(into, writes, options.overwrite), findings, new_project)


def _place_inside_docs(source: Source, docs: Path) -> None:
    """A source already under the project's docs folder (`kb import docs/guide/tabs.mdx --into .`) keeps its
    place there instead of landing at the top."""
    if source.root != docs and docs not in source.root.parents:
        return
    prefix = source.root.relative_to(docs).as_posix()
    source.files = [SourceFile(f.path, f"{prefix}/{f.rel}" if prefix != "." else f.rel, f.display)
                    for f in source.files]
    source.root = docs


def _scratch_project(scratch: Path) -> Project:
    (scratch / "docs").mkdir()
    (scratch / "mkdocs.yml").write_text(mkdocs_yml("scratch", []), encoding="utf-8")
    return Project.from_config_file(scratch / "mkdocs.yml")


def mkdocs_yml(title: str, nav: list[Any]) -> str:
    """The configuration of a new project: Material, the kb plugin and the extensions imported content needs."""
    config: dict[str, Any] = {
        "site_name": title,
        "docs_dir": "docs",
        "exclude_docs": "tags.yml",
        "theme": {"name": "material", "font": False,
                  "features": ["navigation.indexes", "navigation.sections", "content.tabs.link", "content.code.copy"]},
        "plugins": ["kb", "search", "tags"],
        "markdown_extensions": EXTENSIONS,
    }
    if nav:
        config["nav"] = nav
    head = "# Written by `kb import`; edit freely (later imports never change an existing file).\n"
    return head + yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=1000)


def _as_import(finding: Finding) -> Finding:
    return rule("KB701").finding(finding.path, finding.line, finding.column, finding.message, finding.hint)


def _strip_parts(rel_folder: str) -> tuple[str, list[int | None]]:
    parts, numbers = [], []
    for part in PurePosixPath(rel_folder).parts:
        number, name = docusaurus.split_number_prefix(part)
        parts.append(name)
        numbers.append(number)
    return "/".join(parts), numbers


_SAFE_NAME = re.compile(r"[^\w.@+-]+")


def _read_source(source: Source, project: Project, renderer: Renderer, index: links.LinkIndex, matcher: Any,
                 needs: set[str], findings: list[Finding],
                 ) -> tuple[list[Imported], list[tuple[Source, SourceFile, str]]]:
    pages: list[Imported] = []
    assets: list[tuple[Source, SourceFile, str]] = []
    categories: dict[str, docusaurus.Category] = {}
    folder_numbers: dict[str, int | None] = {}
    page_suffixes = (".md", ".mdx") if source.is_docusaurus else (".md", ".mdx", ".markdown", ".txt")
    if source.site_root is not None:
        index.site_prefix = posixpath.relpath(source.root.as_posix(), source.site_root.resolve().as_posix())
        for static in source.static_dirs:
            for file in walk(static, display_path(static))[0]:
                index.static.setdefault("/" + file.rel, str(file.path))
    for file in source.files:
        folder_src = posixpath.dirname(file.rel)
        folder, numbers = _strip_parts(folder_src)
        parts = folder.split("/") if folder else []
        for depth in range(len(parts)):
            folder_numbers.setdefault("/".join(parts[: depth + 1]), numbers[depth])
        name = posixpath.basename(file.rel)
        if source.is_docusaurus and name in CATEGORY_FILES:
            category, category_findings = docusaurus.read_category(file.path, file.display)
            findings.extend(category_findings)
            categories[folder] = category
            continue
        if source.is_docusaurus and file.rel == "tags.yml":
            continue
        if source.is_docusaurus and name.lower().endswith(page_suffixes) and _is_partial(file.rel):
            findings.append(rule("KB707").finding(file.display, 1, 1, f"{file.display} is a partial (its name "
                                                  "starts with `_`): not a page, its text goes where pages use it."))
            continue
        if not name.lower().endswith(page_suffixes):
            target = "/".join(p for p in (folder, name) if p)
            index.assets[file.rel] = target
            assets.append((source, file, target))
            continue
        page = _read_page(source, file, folder, project, renderer, matcher, needs, findings)
        if page is not None:
            pages.append(page)
            index.by_source[file.rel] = page.target
            index.anchors[page.target] = page.anchors
    _index_ids(source, pages, index)
    docs = project.docs_dir if project.docs_dir.is_dir() else None  # None: a new project (its scratch is gone)
    pages += _sections(source, pages, categories, folder_numbers, findings, docs)
    _fill_positions(pages, index)
    return pages, assets


def _read_page(source: Source, file: SourceFile, folder: str, project: Project, renderer: Renderer, matcher: Any,
               needs: set[str], findings: list[Finding]) -> Imported | None:
    data, read_findings = read_limited(file.path, file.display, project.options.max_page_size, source.root)
    if data is None:
        findings.extend(_as_import(f) for f in read_findings)
        return None
    if b"\x00" in data:
        findings.append(rule("KB701").finding(
            file.display, data[: data.index(b"\x00")].count(b"\n") + 1, 1,
            f"{file.display} holds NUL bytes, so it is binary rather than text, and is not imported.",
            "Export the document as Markdown or plain text, then import that."))
        return None
    decoded = notes.decode(data, file.display)
    findings.extend(decoded.findings)
    front = docusaurus.split(decoded.text, file.display)
    findings.extend(front.findings)
    stem = posixpath.basename(file.rel).rsplit(".", 1)[0]
    number, bare = docusaurus.split_number_prefix(stem)
    meta: dict[str, Any] = {}
    if front.meta is not None and source.is_docusaurus:
        meta, mapped = docusaurus.map_front_matter(front.meta, file.display, front.lines)
        findings.extend(mapped)
    elif front.meta:
        meta = dict(front.meta)
    converted = mdx.convert(front.body, file.display, front.body_line, mdx=source.is_docusaurus,
                            partials=_partial_reader(source, file, project.options.max_page_size))
    findings.extend(converted.findings)
    needs.update(converted.needs)
    before = links.headings(renderer, converted.body if False else converted.text)
    body = converted.text
    title = meta.get("title") if isinstance(meta.get("title"), str) and meta["title"].strip() else None
    heading_position: int | None = None
    if front.meta is None and not source.is_docusaurus and notes.first_heading(body) is None:
        body, plain = notes.plain_title(body, file.display, front.body_line)
        findings.extend(plain)
    if front.meta is None or not source.is_docusaurus:
        tidied = notes.tidy_headings(body, file.display, front.body_line)
        findings.extend(tidied.findings)
        body = tidied.body
        if title is None and tidied.title:
            title = tidied.title
            heading_position = tidied.position
            findings.append(rule("KB707").finding(file.display, front.body_line, 1,
                                                  f"The title of {file.display} was taken from its first heading."))
    if title is None:
        title = notes.first_heading(body) or (meta.get("sidebar_label") if isinstance(meta.get("sidebar_label"), str)
                                              else None) or _title_from(meta.get("id"), bare)
        findings.append(rule("KB707").finding(file.display, 1, 1, f"{file.display} has no `title`; it is {title!r}."))
    if len(title) > MAX_TITLE:
        cut = title.rfind(" ", 0, MAX_TITLE - 1)
        title = title[: cut if cut > 0 else MAX_TITLE - 1].rstrip() + "…"
        findings.append(rule("KB707").finding(file.display, 1, 1, f"The title of {file.display} was shortened to "
                                              f"{MAX_TITLE} characters: {title!r}."))
    after = links.headings(renderer, body)
    anchors = links.anchor_map(before, after, fix=lambda t: notes.unstick(t)[1])
    description = meta.get("description")
    if not isinstance(description, str) or not description.strip():
        description = notes.describe(body) or f"{title}."
        findings.append(rule("KB707").finding(
            file.display, 1, 1,
            f"{file.display} has no `description`; its first sentence became one: {description!r}."))
    elif len(description) > notes.MAX_DESCRIPTION:
        cut = description.rfind(" ", 0, notes.MAX_DESCRIPTION - 1)
        description = description[: cut if cut > 0 else notes.MAX_DESCRIPTION - 1] + "…"
        findings.append(rule("KB707").finding(file.display, 1, 1, f"The description of {file.display} was shortened "
                                                                    f"to {notes.MAX_DESCRIPTION} characters."))
    findings.extend(notes.near_misses(matcher, body, file.display, front.body_line))
    doc_id: str = meta["id"] if isinstance(meta.get("id"), str) and meta["id"] else bare
    if not source.is_docusaurus:  # notes have no URL to keep: a file name without spaces
        doc_id = "-".join(doc_id.split())
    is_index = bare.lower() in ("index", "readme")
    if isinstance(meta.get("slug"), str) and not meta["slug"].strip("/") and not folder:
        # `slug: /`: the docs home page, which is index.md here.
        is_index = True
        meta.pop("slug")
        findings.append(rule("KB707").finding(file.display, front.lines.get("slug", 1), 1,
                                              f"{file.display} has `slug: /`; it became the home page, index.md."))
    name = "index" if is_index else _file_name(doc_id, bare, file.display, findings)
    target = "/".join(p for p in (folder, f"{name}.md") if p)
    position = meta.get("sidebar_position")
    if not isinstance(position, (int, float)) or isinstance(position, bool):
        position = number if number is not None else heading_position
    ordered = {"title": title, "description": description.strip()}
    ordered.update({k: v for k, v in meta.items() if k not in ordered})
    imported = Imported(source, file, target, ordered, body, front.body_line, folder,
                        float(position) if position is not None else None, anchors)
    slug = meta.get("slug") if isinstance(meta.get("slug"), str) else None
    imported.meta["_url"] = docusaurus.doc_url(source.route_base if source.is_docusaurus else "", folder, name,
                                               slug, is_index)
    imported.meta["_id"] = "/".join(p for p in (folder, doc_id) if p)
    return imported


def _is_partial(rel: str) -> bool:
    """Docusaurus leaves files and folders whose names start with `_` out of the docs: they are partials."""
    return any(part.startswith("_") for part in rel.split("/"))


def _partial_reader(source: Source, file: SourceFile, max_size: int) -> mdx.Partials:
    by_rel = {f.rel: f for f in source.files}

    def read(path: str) -> tuple[str, str] | None:
        rel = posixpath.normpath(posixpath.join(posixpath.dirname(file.rel), path))
        found = by_rel.get(rel)
        if found is None:
            return None
        data, _ = read_limited(found.path, found.display, max_size, source.root)
        if data is None or b"\x00" in data:
            return None
        split = docusaurus.split(notes.decode(data, found.display).text, found.display)
        return split.body, found.display

    return read


def _title_from(doc_id: Any, bare: str) -> str:
    text = doc_id if isinstance(doc_id, str) and doc_id else bare
    return text.replace("-", " ").replace("_", " ").strip().capitalize() or "Untitled"


def _file_name(doc_id: str, bare: str, shown: str, findings: list[Finding]) -> str:
    name = doc_id.rsplit("/", 1)[-1]
    if not name or _SAFE_NAME.search(name) or name.startswith("."):
        findings.append(rule("KB703").finding(shown, 1, 1, f"The id {doc_id!r} of {shown} is not a plain file name; "
                                              f"the page is named after the file ({bare}.md).",
                                              "Links to the old id may break; check them after the import."))
        return bare
    if name != bare:
        findings.append(rule("KB707").finding(shown, 1, 1, f"{shown} is written as {name}.md, after its id, so its "
                                              "URL stays the same."))
    return name


def _index_ids(source: Source, pages: list[Imported], index: links.LinkIndex) -> None:
    for page in pages:
        url = page.meta.pop("_url", None)
        doc_id = page.meta.pop("_id", None)
        if isinstance(url, str):
            index.by_url.setdefault(url, page.target)
            if not url.startswith(source.route_base) and source.route_base:
                index.by_url.setdefault(f"{source.route_base}/{url}".strip("/"), page.target)
        if isinstance(doc_id, str):
            index.by_id.setdefault(doc_id, page.target)
            # Docusaurus ids keep number prefixes in folder names unless stripped; both are accepted.
            if page.file is not None:
                raw_folder = posixpath.dirname(page.file.rel)
                index.by_id.setdefault("/".join(p for p in (raw_folder, doc_id.rsplit("/", 1)[-1]) if p), page.target)


def _sections(source: Source, pages: list[Imported], categories: dict[str, docusaurus.Category],
              folder_numbers: dict[str, int | None], findings: list[Finding], docs: Path | None) -> list[Imported]:
    """An index page for every folder: the category's label, position and description, and a list of its pages."""
    folders = {p.folder for p in pages if p.folder}
    for folder in list(folders):
        parts = folder.split("/")
        folders.update("/".join(parts[:i]) for i in range(1, len(parts)))
    indexes = {p.folder: p for p in pages if posixpath.basename(p.target) == "index.md"}
    explicit_nav = source.sidebars is not None and source.is_docusaurus
    made: list[Imported] = []
    for folder in sorted(folders):
        category = categories.get(folder, docusaurus.Category())
        if explicit_nav and folder not in categories and folder not in indexes:
            continue
        there = docs / folder if docs is not None else None
        if there is not None and folder not in categories and there.is_dir() and not (there / "index.md").exists():
            continue  # a folder the project already has without an index page: kb's nav names it
        # Docusaurus labels a folder by its name as it is; notes folders get a readable one.
        label = category.label or (posixpath.basename(folder) if source.is_docusaurus
                                   else pretty_name(posixpath.basename(folder)))
        position = category.position if category.position is not None else folder_numbers.get(folder)
        existing = indexes.get(folder)
        if existing is not None:
            if position is not None and existing.position is None:
                existing.position = float(position)
            if category.label and category.label != existing.meta.get("title"):
                existing.meta.setdefault("sidebar_label", category.label)
            continue
        description = category.description or f"The pages of the section {label}."
        meta: dict[str, Any] = {"title": category.title or label,
                                "description": notes.describe(description) or description}
        if category.title and category.title != label:
            meta["sidebar_label"] = label
        if category.slug:
            meta["slug"] = category.slug
        page = Imported(source, None, f"{folder}/index.md", meta, "", folder=folder,
                        position=float(position) if position is not None else None, section_label=label)
        page.meta["_description_text"] = description
        if category.doc_link:
            page.meta["_doc_link"] = category.doc_link
        for key in category.other:
            findings.append(rule("KB703").finding(
                f"{source.display}/{folder}", 1, 1, f"`{key}` in the category file of {source.display}/{folder} has "
                "no MkDocs equivalent; it is left out.", "Nothing to do unless the setting mattered."))
        made.append(page)
        findings.append(rule("KB707").finding(
            f"{source.display}/{folder}", 1, 1, f"The folder {folder} became a section with the index page "
            f"{folder}/index.md, labelled {label!r}."))
    return made


def _fill_positions(pages: list[Imported], index: links.LinkIndex) -> None:
    """Pages and sections without a position come after those with one, in file name order, as in Docusaurus."""
    by_parent: dict[str, list[Imported]] = {}
    for page in pages:
        is_index = posixpath.basename(page.target) == "index.md"
        parent = posixpath.dirname(page.folder) if is_index and page.folder else page.folder
        if is_index and not page.folder:
            continue
        by_parent.setdefault(parent, []).append(page)
    for items in by_parent.values():
        known = [p.position for p in items if p.position is not None]
        start = max(known) if known else 0.0
        missing = sorted((p for p in items if p.position is None), key=lambda p: p.file.rel if p.file else p.target)
        for offset, page in enumerate(missing, start=1):
            page.position = start + offset
    for page in pages:
        if page.position is not None:
            page.meta["sidebar_position"] = int(page.position) if page.position.is_integer() else page.position
        if page.file is None:  # a generated index: its list of pages, in order
            page.body = _section_body(page, pages, index)


def _section_body(page: Imported, pages: list[Imported], index: links.LinkIndex) -> str:
    description = page.meta.pop("_description_text", "")
    doc_link = page.meta.pop("_doc_link", None)
    children = [p for p in pages if p is not page and (
        (p.folder == page.folder and posixpath.basename(p.target) != "index.md")
        or (posixpath.basename(p.target) == "index.md" and p.folder and posixpath.dirname(p.folder) == page.folder))]
    children.sort(key=lambda p: (p.position is None, p.position or 0.0, str(p.meta.get("title", ""))))
    lines = [f"# {page.meta['title']}", "", description, ""]
    if doc_link:
        linked = index.by_id.get(doc_link)
        start = f"[{doc_link}]({posixpath.relpath(linked, page.folder)})" if linked else f"`{doc_link}`"
        lines += [f"Start with {start}.", ""]
    for child in children:
        link = posixpath.relpath(child.target, page.folder)
        label = child.meta.get("sidebar_label") or child.meta.get("title")
        summary = child.meta.get("description", "")
        lines.append(f"- [{label}]({link}): {summary}" if summary else f"- [{label}]({link})")
    return "\n".join(lines) + "\n"


def _sidebar_nav(source: Source, index: links.LinkIndex, pages: list[Imported],
                 findings: list[Finding]) -> list[Any]:
    if source.sidebars is None or not source.is_docusaurus:
        return []
    shown = display_path(source.sidebars)
    value, read_findings = docusaurus.read_sidebars(source.sidebars, shown)
    findings.extend(read_findings)
    if not value:
        return []
    name, first = next(iter(value.items()))
    entries = docusaurus.sidebar_entries(first, shown, findings)
    if entries is None:
        return []
    if len(value) > 1:
        findings.append(rule("KB703").finding(shown, 1, 1, f"{shown} defines {len(value)} sidebars; the nav follows "
                                              f"the first, `{name}`.", "Add the others to `nav` by hand if needed."))
    docs_prefix = "docs/"
    findings.append(rule("KB707").finding(shown, 1, 1, f"The order of the sidebar `{name}` in {shown} became `nav` "
                                          "in mkdocs.yml."))
    titles = {p.target: p.meta.get("sidebar_label") for p in pages}
    return _nav_items(entries, index, titles, shown, findings, docs_prefix)


def _nav_items(entries: list[docusaurus.NavEntry], index: links.LinkIndex, labels: dict[str, Any], shown: str,
               findings: list[Finding], prefix: str) -> list[Any]:
    items: list[Any] = []
    for entry in entries:
        if entry.label is not None and (entry.children or entry.doc is None):
            children = _nav_items(entry.children, index, labels, shown, findings, prefix)
            if entry.doc and entry.doc in index.by_id:
                children.insert(0, index.by_id[entry.doc])
            items.append({entry.label: children})
            continue
        target = index.by_id.get(entry.doc or "")
        if target is None:
            findings.append(rule("KB702").finding(shown, 1, 1, f"The sidebar in {shown} names the doc "
                                                  f"`{entry.doc}`, which does not exist; it is left out of the nav.",
                                                  "Fix the id in the source, or add the page to `nav` by hand."))
            continue
        label = entry.label or labels.get(target)
        items.append({label: target} if isinstance(label, str) else target)
    return items


def _tags(pages: list[Imported], sources: list[Source], project: Project,
          new_project: bool) -> tuple[str | None, list[Finding]]:
    """Tags as keys of docs/tags.yml (written for a new project; reported for an existing one)."""
    from kb.pages.tags import load_tags

    predefined: dict[str, dict[str, str]] = {}
    findings: list[Finding] = []
    for source in sources:
        path = source.root / "tags.yml"
        if source.is_docusaurus and path.is_file():
            raw, _ = read_limited(path, display_path(path), 256 * 1024, source.root)
            loaded: Any = None
            try:
                if raw:
                    loader, node = compose(raw.decode("utf-8", errors="replace"))
                    loaded = loader.construct_document(node) if node is not None else None
            except (yaml.YAMLError, Refusal, ValueError, TypeError):
                findings.append(rule("KB701").finding(
                    display_path(path), 1, 1, f"{display_path(path)} is not a readable tags file; its labels and "
                    "descriptions are not used.", "Fix the YAML (no aliases, plain keys), then import again."))
            for key, value in (loaded or {}).items() if isinstance(loaded, dict) else []:
                if isinstance(value, dict):
                    predefined[str(key)] = {k: str(v) for k, v in value.items() if isinstance(v, str)}
    existing = None if new_project else load_tags(project)[0]
    seen: dict[str, str] = {}
    for page in pages:
        value = page.meta.get("tags")
        if not isinstance(value, list):
            continue
        keys: list[Any] = []
        for tag in value:
            if isinstance(tag, dict) and isinstance(tag.get("label"), str):
                label = tag["label"]
                permalink: str = tag["permalink"] if isinstance(tag.get("permalink"), str) else ""
                key = permalink.strip("/").rsplit("/", 1)[-1] or _TAG_KEY.sub("-", label.lower()).strip("-")
            elif isinstance(tag, str):
                key, label = tag, predefined.get(tag, {}).get("label", tag)
            else:
                continue
            if existing is not None and key not in existing:
                keys.append(tag if isinstance(tag, dict) else {"label": label})
                findings.append(rule("KB705").finding(
                    page.shown, 1, 1, f"The tag {label!r} of {page.shown} is not in {project.rel(project.tags_path)}; "
                    "it is kept as an inline tag.", f"Add `{key}:` with a label and description to the tags file, "
                    f"then write `{key}` in the page's tags."))
                continue
            seen.setdefault(key, label)
            if key not in keys:
                keys.append(key)
        page.meta["tags"] = keys
    if not new_project or not seen:
        return None, findings
    data = {key: {"label": predefined.get(key, {}).get("label", label),
                  "description": predefined.get(key, {}).get("description") or f"Pages about {label}."}
            for key, label in sorted(seen.items())}
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000), findings


def _page_text(page: Imported) -> str:
    meta = {k: v for k, v in page.meta.items() if not k.startswith("_")}
    meta.setdefault("tags", [])  # said outright: the page has no topics yet (kb check warns when it is absent)
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)
    body = page.body.strip("\n")
    return f"---\n{front}---\n\n{body}\n"


def _config_findings(project: Project, needs: set[str], nav: list[Any], config: Path, into: Path) -> list[Finding]:
    names = {e if isinstance(e, str) else type(e).__module__ for e in project.markdown_extensions}
    names |= {n.rsplit(".", 1)[-1] for n in list(names)}
    shown = display_path(config)
    findings = []
    for need in sorted(needs):
        if need not in names and need.rsplit(".", 1)[-1] not in names:
            tabbed = "  - pymdownx.tabbed:\n      alternate_style: true"
            setting = tabbed if need == "pymdownx.tabbed" else f"  - {need}"
            findings.append(rule("KB705").finding(
                shown, 1, 1, f"{shown} lacks the Markdown extension `{need}`, which the imported pages use; "
                "kb import does not edit it.", f"Add under `markdown_extensions:`\n{setting}"))
    if nav:
        findings.append(rule("KB705").finding(
            shown, 1, 1, f"The imported sidebar order is not in {shown}, which kb import does not edit.",
            "Add this under `nav:` (or order the pages with `sidebar_position`):\n"
            + yaml.safe_dump(nav, sort_keys=False, allow_unicode=True, width=1000).rstrip()))
    return findings
