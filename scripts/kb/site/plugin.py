"""The `kb` MkDocs plugin: applies front-matter (nav order, slugs, drafts, unlisted, meta) to the build.

It reads pages through the same `Analyser` as `kb check`, so the build and the checker never
disagree; and it takes each page's facts from MkDocs' own render of it (kb's facts extension runs
inside MkDocs' Markdown), so a cold build renders every page once, not twice.
"""

from __future__ import annotations

import contextlib
import functools
import html
import logging
from pathlib import Path
from typing import Any
from urllib.parse import quote as urlquote

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page as MkPage

from kb.check.analysis import (
    Analyser,
    Analysis,
    RenderTimeout,
    default_jobs,
    generated_glossary_page,
    render_problem,
    time_limit,
)
from kb.config.mkdocs import project_from_config
from kb.config.project import ConfigError, Options, Project
from kb.glossary.render import glossary_markdown, mentioned_on
from kb.links.check import LinkIndex
from kb.pages.nav import NavItem, NavSection, build_nav, in_built_nav, walk_pages
from kb.pages.page import Page, load_page
from kb.pages.source import SourceText
from kb.pages.urls import PageUrl
from kb.publish.content import page_content
from kb.publish.csp import add_policy
from kb.publish.diagrams import MERMAID_URL, BuildDiagrams
from kb.publish.finish import PageFinisher
from kb.publish.meta import theme_meta
from kb.publish.site import SiteInfo, apply_site_steps
from kb.render.facts import FactsExtension
from kb.render.scan import GLOSSARY_MARKER
from kb.report.findings import Severity
from kb.site.config import CONFIG_SCHEME

log = logging.getLogger("mkdocs.plugins.kb")

SEARCH_SCRIPT_URL = "assets/javascripts/kb-search.js"
SEARCH_SCRIPT = Path(__file__).parent.parent / "publish" / "assets" / "kb-search.js"
_LOG_LEVELS = {Severity.ERROR: logging.ERROR, Severity.WARNING: logging.WARNING, Severity.INFO: logging.INFO}


class KbPlugin(BasePlugin):  # type: ignore[type-arg]
    config_scheme = CONFIG_SCHEME
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.analysis: Analysis | None = None  # complete once every page is rendered (on_env)
        self.project: Project | None = None
        self._analyser: Analyser | None = None
        self._pages: dict[str, Page] = {}  # every page, read before the render
        self._urls: dict[str, PageUrl] = {}
        self._links: LinkIndex | None = None
        # Runs inside MkDocs' Markdown: collects each page's facts and points slug links at .md files.
        self._facts = FactsExtension()
        self._taking: str | None = None  # the page whose render's facts go to the analysis
        self._time_limit = contextlib.ExitStack()
        self._loaded: dict[str, Page] = {}
        self._tag_descriptions: dict[str, str] = {}
        self._mermaid_missing_reported = False
        self._generated: dict[str, str] = {}  # pages whose Markdown kb generated, as rendered
        self._finisher: PageFinisher | None = None  # made for the first page written

    @property
    def _analysis(self) -> Analysis:
        assert self.analysis is not None, "on_env completes it, before any page is written"
        return self.analysis

    @property
    def _run(self) -> Analyser:
        assert self._analyser is not None, "on_files runs before any page event"
        return self._analyser

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
        # After the project is read, so kb's own render configuration (and cache key) leaves it out.
        config.markdown_extensions.append(self._facts)
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        project = self._project
        self._analyser = analyser = Analyser(project, use_cache=project.options.cache)
        self.analysis = None
        self._pages, self._urls = analyser.read_pages()  # the URLs' findings come with the rest, in on_env
        pages = self._pages
        self._links = LinkIndex(pages, self._urls, {}, analyser.assets, project.site_url,
                                theme_files=project.theme_files)
        hanging = sorted({f.path for _, found, _ in analyser.results.values() for f in found if f.code == "KB107"})
        if hanging:  # known from an earlier run: MkDocs would render these pages next and never finish
            raise PluginError(f"Stopping the build: Python-Markdown hangs on {', '.join(hanging)} (KB107); "
                              "run `kb check` for the line to fix.")
        self._tag_descriptions = {t.label: t.description for t in (analyser.tags or {}).values()}
        mermaid = self._project.mermaid_path
        if mermaid is not None:
            files.append(File.generated(config, MERMAID_URL, abs_src_path=str(mermaid)))
        if self._project.options.forgiving_search:
            files.append(File.generated(config, SEARCH_SCRIPT_URL, abs_src_path=str(SEARCH_SCRIPT)))
        glossary_page = self._project.options.glossary_page
        if glossary_page in pages:
            glossary_file = files.get_file_from_path(glossary_page)
            if glossary_file is None:
                # The project has terms but no page for them: publish the one kb generated.
                files.append(File.generated(config, glossary_page, content=generated_glossary_page()))
            else:
                # Rendered last: its "appears on" lists need the terms every other page's render found.
                files.remove(glossary_file)
                files.append(glossary_file)
        self._mermaid_missing_reported = False
        for file in files.documentation_pages(inclusion=lambda _: True):
            page = pages.get(file.src_uri)
            if page is None:
                continue
            if page.draft:
                file.inclusion = InclusionLevel.DRAFT
            elif page.unlisted:
                file.inclusion = InclusionLevel.NOT_IN_NAV
            page_url = self._urls[file.src_uri]
            if page_url.redirected:
                file.dest_uri = page_url.dest
                file.url = urlquote(page_url.url or "./")
                file.__dict__.pop("abs_dest_path", None)
        return files

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        if config.nav:  # an explicit nav in mkdocs.yml wins over front-matter
            return nav
        pages = list(self._pages.values())

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
        if page.file.src_uri not in self._pages:
            return None
        ours = self._pages[page.file.src_uri]
        if ours.text is None:  # the analysis came from the cache: read through the same loader as kb check
            generated = page.file.generated_by is not None and page.file.src_uri == self._project.options.glossary_page
            source = SourceText(ours.rel_path, generated_glossary_page()) if generated else None
            ours, _ = load_page(self._project, page.file.src_uri, source)
        self._loaded[page.file.src_uri] = ours
        if ours.text is not None:
            # A blank first line, so that MkDocs never reads the body's first lines as MultiMarkdown
            # meta ("Note: ..."); it drops leading blank lines and renders `rendered_body`.
            return "\n" + ours.content
        # Undecodable file: already reported as KB101; build it anyway rather than crash.
        return Path(page.file.abs_src_path or "").read_bytes().decode("utf-8", errors="replace")

    @event_priority(100)  # before Material's tags and search plugins read page.meta
    def _page_markdown(self, markdown: str, page: MkPage, config: MkDocsConfig, files: Files) -> str:
        ours = self._loaded.get(page.file.src_uri)
        if ours is None or ours.front is None:
            return markdown
        page.meta = theme_meta(ours, self._run.tags)
        if ours.src == self._project.options.glossary_page and GLOSSARY_MARKER in markdown:
            run = self._run
            # Every other page is rendered by now (on_files put this one last).
            terms_by_page = {src: scan.terms for src in self._pages if (scan := run.scan(src)) is not None}
            found_on = mentioned_on(run.glossary, self._pages, terms_by_page, in_built_nav)
            generated = glossary_markdown(run.glossary, ours.src, self._pages, found_on, run.tags)
            markdown = markdown.replace(GLOSSARY_MARKER, generated, 1)
            self._generated[ours.src] = markdown
        return markdown

    @event_priority(-100)  # last: what MkDocs renders is known only after every other plugin's turn
    def _render_starts(self, markdown: str, page: MkPage, config: MkDocsConfig, files: Files) -> str:
        src = page.file.src_uri
        ours = self._loaded.get(src)
        self._taking = None
        if ours is None:
            return markdown
        # The render's facts stand for the page's (and go to the cache kb check shares) only when
        # MkDocs renders exactly the page's body; otherwise kb renders the body itself in on_env.
        if self._run.waiting(src) and markdown == ours.rendered_body:
            self._taking = src
        assert self._links is not None
        self._facts.collector.rewrite = functools.partial(self._links.markdown_target, src)
        timeout = self._project.options.render_timeout

        def hung() -> PluginError:
            problem = render_problem(ours, RenderTimeout(), timeout)
            return PluginError(f"Stopping the build: {problem.message} {problem.hint}")

        self._time_limit.enter_context(time_limit(timeout, hung))
        return markdown

    on_page_markdown = CombinedEvent(_page_markdown, _render_starts)

    @event_priority(100)  # first: the HTML as MkDocs rendered it
    def _render_ended(self, html_text: str, page: MkPage, config: MkDocsConfig, files: Files) -> str:
        self._time_limit.close()
        self._facts.collector.rewrite = None
        if self._taking == page.file.src_uri:
            self._run.rendered(self._taking, self._facts.facts(html_text))
        self._taking = None
        return html_text

    def _page_content(self, html_text: str, page: MkPage, config: MkDocsConfig, files: Files) -> str:
        return page_content(self._project.options, self._run.glossary, self._pages, self._urls,
                            page.file.src_uri, html_text)

    on_page_content = CombinedEvent(_render_ended, _page_content)

    def on_env(self, env: Any, config: MkDocsConfig, files: Files) -> Any:
        """Every page is rendered: the analysis is complete, and its findings are logged."""
        self.analysis = self._run.finish(default_jobs())
        for finding in self.analysis.findings:
            hint = f" {finding.hint}" if finding.hint else ""
            log.log(_LOG_LEVELS[finding.severity],
                    f"{finding.path}:{finding.line}:{finding.column}: {finding.code} {finding.message}{hint}")
        return env

    def on_post_page(self, output: str, page: MkPage, config: MkDocsConfig) -> str:
        ours = self._analysis.pages.get(page.file.src_uri)
        if self._finisher is None:
            project = self._project
            # Info, not a warning, when diagrams cannot be drawn: the browser draws them.
            diagrams = BuildDiagrams(project.mermaid_path, project.root / ".cache" / "diagrams",
                                     project.options.prerender_diagrams, log.info)
            scripts = (SEARCH_SCRIPT_URL,) if project.options.forgiving_search else ()  # it wraps the bundle's Worker
            self._finisher = PageFinisher(project.options, config.site_name, self._tag_descriptions, diagrams,
                                          project.mermaid_path is not None, scripts)
        output = self._finisher.finish(output, ours, page.url, page.content or "")
        if 'class="mermaid"' in output and self._project.mermaid_path is None and not self._mermaid_missing_reported:
            log.warning(f"{page.file.src_uri} has Mermaid diagrams but no local copy of Mermaid was found; "
                        "run `make assets` (or set the kb option `mermaid_js`), otherwise the browser would "
                        "fetch Mermaid from another host.")
            self._mermaid_missing_reported = True
        return output

    def on_post_template(self, output_content: str, template_name: str, config: MkDocsConfig) -> str:
        if template_name.endswith(".html") and self._project.options.content_security_policy:
            return add_policy(output_content, "")  # 404.html and other theme pages: no authored content
        return output_content

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, config: MkDocsConfig) -> None:
        self._close_diagrams()
        info = SiteInfo(config.site_name, config.site_description or "", config.site_url or "")
        apply_site_steps(Path(config.site_dir), self._project, self._analysis, info, self._generated)

    def on_build_error(self, error: Exception) -> None:
        self._time_limit.close()
        self._facts.collector.rewrite = None
        self._close_diagrams()

    def _close_diagrams(self) -> None:
        if self._finisher is not None:
            self._finisher.diagrams.close()
        self._finisher = None


def _link_structure(items: list[Any], parent: Section | None) -> None:
    for item in items:
        item.parent = parent
        if isinstance(item, Section):
            _link_structure(item.children, item)


def _link_pages(pages: list[MkPage]) -> None:
    for i, page in enumerate(pages):
        page.previous_page = pages[i - 1] if i > 0 else None
        page.next_page = pages[i + 1] if i + 1 < len(pages) else None
