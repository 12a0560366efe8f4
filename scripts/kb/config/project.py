"""The project as kb sees it, whatever renderer built it: folders, options, Markdown set-up. No MkDocs imports."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Set
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class ConfigError(Exception):
    """A problem with mkdocs.yml or the kb options: the CLI exits with status 2."""


@dataclass(frozen=True)
class Options:
    """Options of the `kb` plugin in mkdocs.yml, read identically by the CLI and the plugin."""

    max_page_size: int = 512 * 1024
    # Seconds Python-Markdown may spend on one page; some inputs (a line of 20,000 `[`) take it minutes.
    render_timeout: int = 10
    tags_file: str = "tags.yml"
    redirects: bool = True
    cache: bool = True
    glossary_dir: str = "glossary"  # relative to mkdocs.yml
    glossary_page: str = "glossary.md"  # relative to docs_dir; holds the <!-- kb:glossary --> marker
    tooltips: bool = True  # wrap terms and abbreviations in <abbr title="short definition">
    link_first_mention: bool = True  # link a term's first mention on a page to its glossary entry
    tooltips_per_section: int = 1  # marks of one term in one section (its first mentions); 0: no limit
    tooltips_per_100_words: float = 3.0  # marked terms a page may carry per hundred words; 0: no limit
    # A Content-Security-Policy <meta> on every built page: only the site's own and the theme's scripts run.
    content_security_policy: bool = True
    forgiving_search: bool = True  # search also finds words with one typo; spelling variants are indexed
    # Mermaid diagrams drawn as SVG at build time (needs Playwright and Debian's Chromium, else the
    # browser draws them); pages then download no diagram library.
    prerender_diagrams: bool = True
    show_review_date: bool = True  # "Reviewed 3 November 2026" under the title of pages with last_reviewed
    llms_txt: bool = True  # llms.txt, llms-full.txt and a Markdown copy of each published page
    trim_assets: bool = True  # no source maps, no search languages the site does not use
    # Mermaid served from the site itself; relative to mkdocs.yml. Empty: the newest one `make assets` fetched.
    mermaid_js: str = ""
    # External link checking (`kb check --external`); see kb.external.links.EXTERNAL_OPTIONS for the keys.
    external: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            factory: Any = f.default_factory
            values[f.name] = factory() if f.default is dataclasses.MISSING else f.default
        return values

    @classmethod
    def from_mapping(cls, data: dict[str, Any], where: str) -> Options:
        known = cls.defaults()
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                raise ConfigError(
                    f"{where}: the kb plugin has no option `{key}`; known options are: {', '.join(sorted(known))}."
                )
            expected = type(known[key])
            if expected is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)  # `3` where `3.0` is meant
            if (expected is int and isinstance(value, bool)) or not isinstance(value, expected):
                raise ConfigError(
                    f"{where}: the kb option `{key}` must be a {expected.__name__}, not {value!r}."
                )
            values[key] = value
        return cls(**values)


@dataclass
class Project:
    root: Path
    config_path: Path
    docs_dir: Path
    site_url: str = ""
    site_name: str = ""
    site_description: str = ""
    site_dir: Path | None = None  # where the renderer writes the site (MkDocs' default: site/ beside mkdocs.yml)
    use_directory_urls: bool = True
    options: Options = field(default_factory=Options)
    nav: Any = None
    # Python-Markdown exactly as the site configures it: extension names and their settings.
    markdown_extensions: list[Any] = field(default_factory=list)
    mdx_configs: dict[str, Any] = field(default_factory=dict)
    # Files whose inclusion the configuration sets (exclude_docs, draft_docs, not_in_nav), by docs path.
    inclusion: dict[str, str] = field(default_factory=dict)
    # The theme's static files, which links may target; a function, as listing them is slow.
    theme_files: Callable[[], Set[str]] = field(default=frozenset, repr=False, compare=False)
    render_digest: str = ""  # changes whenever anything a page's render depends on changes

    def rel(self, path: Path) -> str:
        """A path relative to the project root, as findings show it."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    def doc_rel(self, src: str) -> str:
        """`src` (relative to docs_dir) as a path relative to the project root."""
        prefix = self.__dict__.get("_docs_prefix")
        if prefix is None:
            prefix = self.__dict__["_docs_prefix"] = self.rel(self.docs_dir)
        return src if prefix == "." else f"{prefix}/{src}"

    @property
    def mermaid_path(self) -> Path | None:
        if self.options.mermaid_js:
            path = self.root / self.options.mermaid_js
            return path if path.is_file() else None
        found = sorted((self.root / ".cache" / "assets").glob("mermaid-*.min.js"))
        return found[-1] if found else None

    @property
    def glossary_path(self) -> Path:
        return self.root / self.options.glossary_dir

    @property
    def tags_path(self) -> Path:
        return self.docs_dir / self.options.tags_file

    @classmethod
    def from_config_file(cls, config_path: Path) -> Project:
        """Read mkdocs.yml with MkDocs' own loader (through the adapter, the one place that imports MkDocs)."""
        from kb.config.mkdocs import load_project

        return load_project(config_path)
