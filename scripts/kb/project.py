"""The project: where mkdocs.yml, docs/ and the kb plugin's options are. No MkDocs imports."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .anchors import PythonReference, Slugify, default_slugify, resolve_callable


class ConfigError(Exception):
    """A problem with mkdocs.yml or the kb options: the CLI exits with status 2."""


@dataclass(frozen=True)
class Options:
    """Options of the `kb` plugin in mkdocs.yml, read identically by the CLI and the plugin."""

    max_page_size: int = 512 * 1024
    tags_file: str = "tags.yml"
    redirects: bool = True
    cache: bool = True
    glossary_dir: str = "glossary"  # relative to mkdocs.yml
    glossary_page: str = "glossary.md"  # relative to docs_dir; holds the <!-- kb:glossary --> marker
    tooltips: bool = True  # wrap terms and abbreviations in <abbr title="short definition">
    link_first_mention: bool = True  # link a term's first mention on a page to its glossary entry
    # Mermaid served from the site itself; relative to mkdocs.yml. Empty: the newest one `make assets` fetched.
    mermaid_js: str = ""
    # External link checking (`kb check --external`); see kb.external_links.EXTERNAL_OPTIONS for the keys.
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
    use_directory_urls: bool = True
    options: Options = field(default_factory=Options)
    toc_config: dict[str, Any] = field(default_factory=dict)
    nav: Any = None

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
    def slugify(self) -> Slugify:
        return resolve_callable(self.toc_config.get("slugify")) or default_slugify

    @property
    def slug_separator(self) -> str:
        return str(self.toc_config.get("separator", "-"))

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
        config_path = config_path.resolve()
        if not config_path.is_file():
            raise ConfigError(f"{config_path} does not exist; run kb from the project root or pass -f mkdocs.yml.")
        try:
            data = yaml.load(config_path.read_text(encoding="utf-8-sig"), Loader=_MkDocsYamlLoader)
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{config_path.name} cannot be parsed: {exc}") from exc
        if not isinstance(data, dict):
            raise ConfigError(f"{config_path.name} must be a mapping of MkDocs settings.")
        root = config_path.parent
        docs_dir = root / str(data.get("docs_dir", "docs"))
        if not docs_dir.is_dir():
            raise ConfigError(f"{config_path.name}: docs_dir {docs_dir} is not a folder.")
        return cls(
            root=root,
            config_path=config_path,
            docs_dir=docs_dir,
            site_url=str(data.get("site_url") or ""),
            site_name=str(data.get("site_name") or ""),
            use_directory_urls=bool(data.get("use_directory_urls", True)),
            options=Options.from_mapping(_plugin_options(data.get("plugins"), "kb"), config_path.name),
            toc_config=_extension_config(data.get("markdown_extensions"), "toc"),
            nav=data.get("nav"),
        )


def _extension_config(extensions: Any, name: str) -> dict[str, Any]:
    for entry in extensions or []:
        if isinstance(entry, dict) and name in entry:
            return dict(entry[name] or {})
    return {}


def _plugin_options(plugins: Any, name: str) -> dict[str, Any]:
    for entry in plugins or []:
        if entry == name:
            return {}
        if isinstance(entry, dict) and name in entry:
            return dict(entry[name] or {})
    return {}


class _MkDocsYamlLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without importing what its `!!python/name:` tags point at."""


def _construct_env(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    names = loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode) else [loader.construct_scalar(node)]  # type: ignore[arg-type]
    *variables, default = names if len(names) > 1 else (*names, None)
    for variable in variables:
        if variable in os.environ:
            return os.environ[variable]
    return default


def _construct_python_name(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    return PythonReference(suffix)


def _construct_python_apply(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        spec = loader.construct_mapping(node, deep=True)
        return PythonReference(suffix, True, tuple(spec.get("args", ())), dict(spec.get("kwds", {})))
    args = loader.construct_sequence(node, deep=True) if isinstance(node, yaml.SequenceNode) else []
    return PythonReference(suffix, True, tuple(args))


_MkDocsYamlLoader.add_constructor("!ENV", _construct_env)
_MkDocsYamlLoader.add_constructor("!relative", lambda loader, node: str(loader.construct_scalar(node)))  # type: ignore[arg-type]
_MkDocsYamlLoader.add_multi_constructor("tag:yaml.org,2002:python/name:", _construct_python_name)
_MkDocsYamlLoader.add_multi_constructor("tag:yaml.org,2002:python/object/apply:", _construct_python_apply)
