"""The `kb` MkDocs plugin: applies front-matter (nav order, slugs, drafts, unlisted, meta) to the build.

It loads pages through the same `analyse` as `kb check`, so the build and the checker never disagree.
"""

from __future__ import annotations

import gzip
import html
import json
import logging
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from urllib.parse import quote as urlquote

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page as MkPage

from kb.check.analysis import Analysis, analyse, default_jobs, generated_glossary_page
from kb.config.mkdocs import project_from_config
from kb.config.project import ConfigError, Options, Project
from kb.glossary.annotate import annotate_html
from kb.glossary.matcher import TermMatcher
from kb.glossary.render import glossary_markdown, mentioned_on
from kb.links.rewrite import apply_rewrites
from kb.pages.nav import NavItem, NavSection, build_nav, in_built_nav, walk_pages
from kb.pages.page import Page, load_page
from kb.pages.source import SourceText
from kb.pages.urls import relative_url
from kb.publish.csp import add_policy
from kb.publish.diagrams import CHROMIUM, DiagramRenderer, diagrams_in, with_svgs
from kb.publish.diagrams import available as diagrams_available
from kb.publish.llms import published, write_copies
from kb.publish.pages import single_site_name, with_review_date, with_tag_descriptions
from kb.publish.search import spelling_variants
from kb.publish.trim import remove_source_maps, remove_unused_languages
from kb.render.scan import GLOSSARY_MARKER
from kb.report.findings import Severity
from kb.site.config import CONFIG_SCHEME
from kb.site.redirects import redirect_html

log = logging.getLogger("mkdocs.plugins.kb")

MERMAID_URL = "assets/javascripts/mermaid.min.js"
SEARCH_SCRIPT_URL = "assets/javascripts/kb-search.js"
SEARCH_SCRIPT = Path(__file__).parent.parent / "publish" / "assets" / "kb-search.js"
_BUNDLE_SCRIPT = re.compile(r'<script src="[^"]*assets/javascripts/bundle\.[0-9a-f]+\.min\.js"></script>')
# Extra search fields (Material's search indexes every field named in its config).
SEARCH_ABBREVIATIONS = "kb_abbreviations"
SEARCH_VARIANTS = "kb_variants"  # the British or American spelling of the page's -ize and -ise words
SEARCH_COVERS = "kb_covers"
SEARCH_MENTIONS = "kb_mentions"
_LOG_LEVELS = {Severity.ERROR: logging.ERROR, Severity.WARNING: logging.WARNING, Severity.INFO: logging.INFO}
_SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


class KbPlugin(BasePlugin):  # type: ignore[type-arg]
    config_scheme = CONFIG_SCHEME
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.analysis: Analysis | None = None
        self.project: Project | None = None
        self._unlisted_urls: set[str] = set()
        self._loaded: dict[str, Page] = {}
        self._matcher = TermMatcher([])
        self._shorts: dict[str, str] = {}
        self._tag_descriptions: dict[str, str] = {}
        self._mermaid_missing_reported = False
        self._mentioned_on: dict[str, list[str]] = {}
        self._generated: dict[str, str] = {}  # pages whose Markdown kb generated, as rendered
        self._diagrams: DiagramRenderer | None = None
        self._diagrams_failed = False

    @property
    def _analysis(self) -> Analysis:
        assert self.analysis is not None, "on_files runs before any page event"
        return self.analysis

    @property
    def _project(self) -> Project:
        assert self.project is not None, "on_config runs before any other event"
        return self.project

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        try:
            options = Options.from_mapping(dict(self.config), "mkdocs.yml")
            # The same adapter `kb check` reads mkdocs.yml through, so both render pages alike.
            self.project = project_from_config(config, options)
        except ConfigError as exc:
            raise PluginError(str(exc)) from exc
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        self.analysis = analysis = analyse(self._project, use_cache=self._project.options.cache,
                                           workers=default_jobs())
        self._unlisted_urls = set()
        self._matcher = analysis.glossary.matcher
        self._shorts = {t.id: t.short for t in analysis.glossary.terms.values()}
        self._tag_descriptions = {t.label: t.description for t in (analysis.tags or {}).values()}
        terms_by_page = {src: scan.terms for src, scan in analysis.index.scans.items()}
        self._mentioned_on = mentioned_on(analysis.glossary, analysis.pages, terms_by_page, in_built_nav)
        for finding in analysis.findings:
            hint = f" {finding.hint}" if finding.hint else ""
            log.log(_LOG_LEVELS[finding.severity],
                    f"{finding.path}:{finding.line}:{finding.column}: {finding.code} {finding.message}{hint}")
        hanging = [f.path for f in analysis.findings if f.code == "KB107"]
        if hanging:  # MkDocs would render these pages next and never finish
            raise PluginError(f"Stopping the build: Python-Markdown would hang on {', '.join(hanging)} (KB107 above).")
        mermaid = self._project.mermaid_path
        if mermaid is not None:
            files.append(File.generated(config, MERMAID_URL, abs_src_path=str(mermaid)))
        if self._project.options.forgiving_search:
            files.append(File.generated(config, SEARCH_SCRIPT_URL, abs_src_path=str(SEARCH_SCRIPT)))
        glossary_page = self._project.options.glossary_page
        if glossary_page in analysis.pages and files.get_file_from_path(glossary_page) is None:
            # The project has terms but no page for them: publish the one kb generated.
            files.append(File.generated(config, glossary_page, content=generated_glossary_page()))
        self._mermaid_missing_reported = False
        for file in files.documentation_pages(inclusion=lambda _: True):
            page = analysis.pages.get(file.src_uri)
            if page is None:
                continue
            if page.draft:
                file.inclusion = InclusionLevel.DRAFT
            elif page.unlisted:
                file.inclusion = InclusionLevel.NOT_IN_NAV
            page_url = analysis.urls[file.src_uri]
            if page_url.redirected:
                file.dest_uri = page_url.dest
                file.url = urlquote(page_url.url or "./")
                file.__dict__.pop("abs_dest_path", None)
        return files

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        if config.nav:  # an explicit nav in mkdocs.yml wins over front-matter
            return nav
        pages = list(self._analysis.pages.values())

        def in_nav(page: Any) -> bool:
            file = files.get_file_from_path(page.src)
            return file is not None and bool(file.inclusion.is_in_nav()) and file.page is not None  # type: ignore[no-untyped-call]

        tree = build_nav(pages, include=in_nav)
        items = [self._to_mkdocs(item, files) for item in tree]
        ordered = [files.get_file_from_path(p.src).page for p in walk_pages(tree)]  # type: ignore[union-attr]
        new_nav = Navigation(items, [p for p in ordered if p is not None])
        _link_structure(items, None)
        _link_pages(new_nav.pages)
        return new_nav

    def _to_mkdocs(self, item: NavItem, files: Files) -> Any:
        if isinstance(item, NavSection):
            children = ([item.index] if item.index else []) + item.children
            return Section(item.title, [self._to_mkdocs(child, files) for child in children])
        file = files.get_file_from_path(item.src)
        assert file is not None and file.page is not None
        if item.nav_label != item.title:
            # Material renders `typeset.title` in the nav instead of the page title.
            file.page.typeset = {"title": html.escape(item.nav_label)}  # type: ignore[attr-defined]
        return file.page

    def on_page_read_source(self, page: MkPage, config: MkDocsConfig) -> str | None:
        if page.file.src_uri not in self._analysis.pages:
            return None
        ours = self._analysis.pages[page.file.src_uri]
        if ours.text is None:  # the analysis came from the cache: read through the same loader as kb check
            generated = page.file.generated_by is not None and page.file.src_uri == self._project.options.glossary_page
            source = SourceText(ours.rel_path, generated_glossary_page()) if generated else None
            ours, _ = load_page(self._project, page.file.src_uri, source)
        self._loaded[page.file.src_uri] = ours
        if ours.text is not None:
            return ours.content
        # Undecodable file: already reported as KB101; build it anyway rather than crash.
        return Path(page.file.abs_src_path or "").read_bytes().decode("utf-8", errors="replace")

    @event_priority(100)  # before Material's tags and search plugins read page.meta
    def on_page_markdown(self, markdown: str, page: MkPage, config: MkDocsConfig, files: Files) -> str:
        ours = self._loaded.get(page.file.src_uri)
        if ours is None or ours.front is None:
            return markdown
        meta = dict(ours.meta)
        if isinstance(meta.get("description"), str):
            # Material writes the description into an attribute without escaping it.
            meta["description"] = html.escape(meta["description"], quote=True)
        tags = self._analysis.tags
        if isinstance(meta.get("tags"), list):
            # Keys become their labels; Docusaurus inline tags ({label, permalink}) are their label.
            meta["tags"] = [t.get("label") if isinstance(t, dict) else
                            tags[t].label if tags and isinstance(t, str) and t in tags else t for t in meta["tags"]]
        if ours.unlisted:
            meta["search"] = {**(meta.get("search") or {}), "exclude": True}
        page.meta = meta
        markdown = apply_rewrites(ours.content, ours.content_line, self._analysis.links.rewrites.get(ours.src, []))
        if ours.src == self._project.options.glossary_page and GLOSSARY_MARKER in markdown:
            generated = glossary_markdown(self._analysis.glossary, ours.src, self._analysis.pages,
                                          self._mentioned_on, self._analysis.tags)
            markdown = markdown.replace(GLOSSARY_MARKER, generated, 1)
            self._generated[ours.src] = markdown
        return markdown

    def on_page_content(self, html_text: str, page: MkPage, config: MkDocsConfig, files: Files) -> str:
        ours = self._analysis.pages.get(page.file.src_uri)
        if ours is not None and self._project.options.show_review_date:
            html_text = with_review_date(html_text, ours.meta.get("last_reviewed"))
        return self._with_glossary(html_text, page)

    def _with_glossary(self, html_text: str, page: MkPage) -> str:
        options = self._project.options
        glossary_page = options.glossary_page
        wanted = options.tooltips or options.link_first_mention
        if page.file.src_uri == glossary_page or not self._matcher.names or not wanted:
            return html_text
        urls = self._analysis.urls
        link_for = None
        if options.link_first_mention and glossary_page in urls and page.file.src_uri in urls:
            base = relative_url(urls[glossary_page].url, urls[page.file.src_uri].url)

            def link_for(term_id: str) -> str:
                return f"{base}#{term_id}"

        shorts = self._shorts if options.tooltips else {}
        return annotate_html(html_text, self._matcher, shorts, link_for,
                             options.tooltips_per_section, options.tooltips_per_100_words)

    def on_post_page(self, output: str, page: MkPage, config: MkDocsConfig) -> str:
        output = single_site_name(self._with_meta(output, page), config.site_name)
        if 'class="mermaid"' in output:
            output = self._with_diagrams(output, page)
            if 'class="mermaid"' in output:  # not drawn at build time: the browser draws it
                output = self._with_mermaid(output, page)
        if self._project.options.forgiving_search:
            output = _before_bundle(output, SEARCH_SCRIPT_URL, page.url)  # it wraps the Worker the bundle makes
        if self._tag_descriptions and 'class="md-tag"' in output:
            output = with_tag_descriptions(output, self._tag_descriptions)
        if self._project.options.content_security_policy:
            output = add_policy(output, page.content or "")
        return output

    def on_post_template(self, output_content: str, template_name: str, config: MkDocsConfig) -> str:
        if template_name.endswith(".html") and self._project.options.content_security_policy:
            return add_policy(output_content, "")  # 404.html and other theme pages: no authored content
        return output_content

    def _with_meta(self, output: str, page: MkPage) -> str:
        ours = self._analysis.pages.get(page.file.src_uri)
        if ours is None:
            return output
        extra = []
        keywords = ours.meta.get("keywords")
        if isinstance(keywords, list) and keywords:
            content = html.escape(", ".join(str(k) for k in keywords), quote=True)
            extra.append(f'<meta name="keywords" content="{content}">')
        if ours.unlisted:
            extra.append('<meta name="robots" content="noindex">')
            if page.canonical_url:
                self._unlisted_urls.add(page.canonical_url)
        if not extra:
            return output
        return output.replace("</head>", "\n".join(extra) + "\n</head>", 1)

    def _with_diagrams(self, output: str, page: MkPage) -> str:
        """Diagrams drawn as SVG now, when Chromium is here, so readers need no Mermaid at all."""
        mermaid = self._project.mermaid_path
        if not self._project.options.prerender_diagrams or mermaid is None or self._diagrams_failed:
            return output
        try:
            if self._diagrams is None:
                if not diagrams_available():
                    raise RuntimeError(f"Playwright or {CHROMIUM} is missing")
                self._diagrams = DiagramRenderer(mermaid, self._project.root / ".cache" / "diagrams")
            return with_svgs(output, self._diagrams.render(diagrams_in(output)))
        except Exception as exc:
            self._diagrams_failed = True
            # Info, not a warning: the site is complete without it (readers' browsers draw them).
            log.info(f"Diagrams are left for the browser to draw ({type(exc).__name__}: {exc}); "
                     f"install Debian's chromium and Playwright to draw them at build time.")
            return output

    def _with_mermaid(self, output: str, page: MkPage) -> str:
        """Load the local Mermaid before Material looks for it, so it never fetches one from a CDN."""
        if self._project.mermaid_path is None:
            if not self._mermaid_missing_reported:
                log.warning(f"{page.file.src_uri} has Mermaid diagrams but no local copy of Mermaid was found; "
                            "run `make assets` (or set the kb option `mermaid_js`), otherwise the browser would "
                            "fetch Mermaid from another host.")
                self._mermaid_missing_reported = True
            return output
        # Before Material's bundle: it decides at start-up whether a global `mermaid` exists.
        return _before_bundle(output, MERMAID_URL, page.url)

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, config: MkDocsConfig) -> None:
        self._close_diagrams()
        site = Path(config.site_dir)
        self._add_search_synonyms(site)
        options = self._project.options
        if options.trim_assets:
            remove_source_maps(site)
            remove_unused_languages(site)
        if options.llms_txt:
            self._write_llms_copies(site, config)
        if self._project.options.redirects:
            self._write_redirects(site, files_built=self._built_dests(site))
        if self._unlisted_urls:
            _prune_sitemap(site, self._unlisted_urls)

    def on_build_error(self, error: Exception) -> None:
        self._close_diagrams()

    def _close_diagrams(self) -> None:
        if self._diagrams is not None:
            self._diagrams.close()
        self._diagrams, self._diagrams_failed = None, False

    def _write_llms_copies(self, site: Path, config: MkDocsConfig) -> None:
        pages = [p if p.text is not None else load_page(self._project, p.src)[0]
                 for p in self._analysis.pages.values()]
        urls = {src: u.url for src, u in self._analysis.urls.items()}
        base = config.site_url or "/"
        base = base if base.endswith("/") else base + "/"
        copies = published(pages, urls, base, self._generated)
        write_copies(site, config.site_name, config.site_description or "", build_nav(pages), copies, base)

    def _add_search_synonyms(self, site: Path) -> None:
        """Index every name of the terms a page covers or mentions, so that "RAG" finds the pages that
        spell it out and the other way round. Names of the terms a page explains in depth (the
        glossary's `page`) weigh like a title, their abbreviations more (so that "LLM" finds the page
        that explains LLMs before those about LLMOps); names of terms it only mentions weigh a little."""
        index_path = site / "search" / "search_index.json"
        if not index_path.is_file():
            return
        data = json.loads(index_path.read_text(encoding="utf-8"))
        by_url = {u.url: src for src, u in self._analysis.urls.items()}
        terms = self._analysis.glossary.terms
        in_depth: dict[str, set[str]] = {}
        for term in terms.values():
            in_depth.setdefault(term.page.split("#", 1)[0], set()).add(term.id)
        for doc in data.get("docs", []):
            location = doc.get("location", "")
            if self._project.options.forgiving_search:
                variants = spelling_variants(f"{doc.get('title', '')} {doc.get('text', '')}")
                if variants:
                    doc[SEARCH_VARIANTS] = variants
            if "#" in location or location not in by_url:
                continue
            src = by_url[location]
            scan = self._analysis.index.scans.get(src)
            covered = in_depth.get(src, set())
            mentioned = set(scan.terms if scan else ()) - covered
            abbreviations = sorted({terms[t].abbreviation for t in covered if t in terms and terms[t].abbreviation})
            if abbreviations:
                doc[SEARCH_ABBREVIATIONS] = " ".join(abbreviations)
            for field, ids in ((SEARCH_COVERS, covered), (SEARCH_MENTIONS, mentioned)):
                names = sorted({name for term_id in ids if term_id in terms for name in terms[term_id].names})
                if names:
                    doc[field] = " ".join(names)
        fields = data.setdefault("config", {}).setdefault("fields", {})
        # Material weighs tag labels a thousand times a title, so a broad label ("Agents and LLMOps")
        # would put every page of its tag above the page that answers the query ("LLM"); a tag weighs
        # like a title here.
        if isinstance(fields.get("tags"), dict):
            fields["tags"]["boost"] = min(fields["tags"].get("boost", 1000), 1000)
        fields[SEARCH_ABBREVIATIONS] = {"boost": 3000}
        fields[SEARCH_VARIANTS] = {"boost": 1}
        fields[SEARCH_COVERS] = {"boost": 1000}
        fields[SEARCH_MENTIONS] = {"boost": 10}
        index_path.write_text(json.dumps(data, separators=(",", ":"), ensure_ascii=False), encoding="utf-8")

    def _built_dests(self, site: Path) -> set[str]:
        return {u.dest for u in self._analysis.urls.values() if (site / u.dest).exists()}

    def _write_redirects(self, site: Path, files_built: set[str]) -> None:
        claimed = {u.url for u in self._analysis.urls.values()}
        for page_url in self._analysis.urls.values():
            if not page_url.redirected or page_url.dest not in files_built or page_url.default_url in claimed:
                continue
            target = site / page_url.default_dest
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(redirect_html(relative_url(page_url.url, page_url.default_url)), encoding="utf-8")


def _before_bundle(output: str, url: str, page_url: str) -> str:
    """The page with a script of the site's own loaded just before Material's bundle."""
    tag = f'<script src="{html.escape(relative_url(url, page_url))}"></script>\n'
    bundle = _BUNDLE_SCRIPT.search(output)
    at = bundle.start() if bundle else output.rfind("</body>")
    return output[:at] + tag + output[at:] if at >= 0 else output


def _link_structure(items: list[Any], parent: Section | None) -> None:
    for item in items:
        item.parent = parent
        if isinstance(item, Section):
            _link_structure(item.children, item)


def _link_pages(pages: list[MkPage]) -> None:
    for i, page in enumerate(pages):
        page.previous_page = pages[i - 1] if i > 0 else None
        page.next_page = pages[i + 1] if i + 1 < len(pages) else None


def _prune_sitemap(site: Path, urls: set[str]) -> None:
    sitemap = site / "sitemap.xml"
    if not sitemap.is_file():
        return
    ET.register_namespace("", _SITEMAP_NS)
    tree = ET.parse(sitemap)
    root = tree.getroot()
    for entry in list(root):
        loc = entry.find(f"{{{_SITEMAP_NS}}}loc")
        if loc is not None and (loc.text or "").strip() in urls:
            root.remove(entry)
    tree.write(sitemap, encoding="UTF-8", xml_declaration=True)
    with gzip.GzipFile(site / "sitemap.xml.gz", "wb", mtime=0) as gz:
        gz.write(sitemap.read_bytes())
