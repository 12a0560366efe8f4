"""The MkDocs adapter: mkdocs.yml read by MkDocs' own loader, turned into kb's renderer-neutral `Project`."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, ConfigurationError
from mkdocs.structure.files import File, Files, InclusionLevel, set_exclusions

from kb.config.project import ConfigError, Options, Project
from kb.pages.page import discover_files
from kb.pages.yamlsafe import Refusal, compose
from kb.render.facts import Renderer

_INCLUSION = {
    InclusionLevel.EXCLUDED: "excluded",
    InclusionLevel.DRAFT: "draft",
    InclusionLevel.NOT_IN_NAV: "not_in_nav",
}


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def _collected(logger_name: str) -> Iterator[_Collect]:
    """MkDocs reports configuration problems through its logger; kb says them in its own error."""
    logger = logging.getLogger(logger_name)
    handler = _Collect()
    logger.addHandler(handler)
    propagate, logger.propagate = logger.propagate, False
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def load_project(config_path: Path) -> Project:
    """mkdocs.yml through MkDocs' loader: INHERIT, !ENV, defaults, validation, plugins and all."""
    config_path = config_path.resolve()
    if not config_path.is_file():
        raise ConfigError(f"{config_path} does not exist; run kb from the project root or pass -f mkdocs.yml.")
    _check_yaml(config_path)
    with _collected("mkdocs") as problems:
        try:
            config = load_config(config_file=str(config_path))
        except (Abort, ConfigurationError, OSError, ValueError) as exc:
            details = " ".join(problems.messages) or str(exc)
            raise ConfigError(f"{config_path.name} is not a valid MkDocs configuration: {details} "
                              "Fix the setting it names; `mkdocs build` reports the same.") from exc
    return project_from_config(config)


MAX_CONFIG_BYTES = 1024 * 1024
MAX_INHERIT = 8


def _check_yaml(path: Path) -> None:
    """mkdocs.yml and the files it INHERITs, composed with kb's bounded loader before MkDocs' loader
    walks them, so an alias bomb or a deep nest is a configuration error, not a hang."""
    for _ in range(MAX_INHERIT):
        try:
            if path.stat().st_size > MAX_CONFIG_BYTES:
                raise ConfigError(f"{path.name} is larger than {MAX_CONFIG_BYTES // 1024} KiB; is it the right file?")
            text = path.read_text(encoding="utf-8-sig")
            _, node = compose(text)
        except Refusal as exc:
            raise ConfigError(f"{path.name}:{exc.line + 1}:{exc.column}: the configuration {exc}.") from exc
        except yaml.YAMLError as exc:
            raise ConfigError(f"{path.name} is not valid YAML: {' '.join(str(exc).split())}") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path} cannot be read as UTF-8 text: {exc}.") from exc
        parent = _inherit(node)
        if parent is None:
            return
        path = (path.parent / parent).resolve()
    raise ConfigError(f"{path.name}: INHERIT goes more than {MAX_INHERIT} files deep; is there a loop?")


def _inherit(node: yaml.Node | None) -> str | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "INHERIT" and isinstance(value, yaml.ScalarNode):
                return str(value.value)
    return None


def _probe_markdown(extensions: list[Any], configs: dict[str, Any]) -> None:
    """Python-Markdown set up as the site sets it up, tried once on a heading, a link and a table, so
    that a broken extension setting (a `toc.slugify` that is not a function of two arguments) is one
    configuration error instead of a failure on every page."""
    try:
        Renderer(extensions, configs).render("# Probe heading\n\n[a link](page.md#probe)\n\n| a |\n| - |\n| b |\n")
    except Exception as exc:
        raise ConfigError(
            f"markdown_extensions in mkdocs.yml cannot be used: {type(exc).__name__}: {exc}. "
            "Check the extension names and their settings (callables such as `toc.slugify` must take the "
            "text and the separator); `mkdocs build` fails the same way.") from exc


def kb_options(config: MkDocsConfig) -> Options:
    plugin = config.plugins.get("kb") if config.plugins else None
    data = dict(plugin.config) if plugin is not None else {}
    return Options.from_mapping(data, Path(config.config_file_path or "mkdocs.yml").name)


def prepare_markdown(config: MkDocsConfig) -> None:
    """The changes kb makes to the Markdown set-up, applied alike for `kb check` and the build: the
    glossary page gives each term an id with `{#id}`."""
    if "attr_list" not in config.markdown_extensions:
        config.markdown_extensions.append("attr_list")


def project_from_config(config: MkDocsConfig, options: Options | None = None) -> Project:
    prepare_markdown(config)
    root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
    configs = {name: dict(values or {}) for name, values in (config.mdx_configs or {}).items()}
    snippets = configs.get("pymdownx.snippets")
    if snippets is not None:
        # Snippet paths are relative to where the build runs, which is where mkdocs.yml is.
        bases = snippets.get("base_path", ["."])
        bases = [bases] if isinstance(bases, str) else list(bases)
        snippets["base_path"] = [b if os.path.isabs(b) else str(root / b) for b in bases]
    # kb's own walk (it refuses links out of the project, which MkDocs would follow), then MkDocs'
    # own rules for what exclude_docs, draft_docs and not_in_nav make of each file.
    found, _ = discover_files(Path(config.docs_dir), root)
    files = Files([File(src, config.docs_dir, config.site_dir, config.use_directory_urls) for src in found])
    set_exclusions(files, config)
    by_dest: dict[str, File] = {}
    for file in files:  # as MkDocs does: a README.md beside an index.md is not published
        other = by_dest.setdefault(file.dest_uri, file)
        included = InclusionLevel.DRAFT.value  # levels above this are published
        if other is not file and min(file.inclusion.value, other.inclusion.value) > included:
            readme = other if other.name.lower() == "readme" else file
            readme.inclusion = InclusionLevel.EXCLUDED
    inclusion = {f.src_uri: _INCLUSION.get(f.inclusion, "included") for f in files}

    @functools.cache
    def theme_files() -> frozenset[str]:
        """The theme's static files, link targets too as in MkDocs' build (`img/favicon.ico`). Listing
        them costs a quarter of a second with Material, so only a link that misses docs/ asks, once."""
        documentation = {f.src_uri for f in files}
        with _collected("mkdocs"):
            files.add_files_from_theme(config.theme.get_env(), config)
        return frozenset(f.src_uri for f in files if f.src_uri not in documentation)

    extensions = list(config.markdown_extensions)
    _probe_markdown(extensions, configs)
    return Project(
        root=root,
        config_path=Path(config.config_file_path or root / "mkdocs.yml").resolve(),
        docs_dir=Path(config.docs_dir),
        site_url=config.site_url or "",
        site_name=config.site_name or "",
        site_description=config.site_description or "",
        site_dir=Path(config.site_dir),
        use_directory_urls=config.use_directory_urls,
        options=options or kb_options(config),
        nav=config.nav,
        markdown_extensions=extensions,
        mdx_configs=configs,
        inclusion=inclusion,
        theme_files=theme_files,
        render_digest=_render_digest(extensions, configs, config),
    )


def _render_digest(extensions: list[Any], configs: dict[str, Any], config: MkDocsConfig) -> str:
    """Everything besides a page's own bytes that its render depends on, including the versions of
    the libraries that render it."""
    from importlib.metadata import PackageNotFoundError, version

    versions = []
    for package in ("markdown", "pymdown-extensions", "mkdocs", "pygments"):
        try:
            versions.append(f"{package}={version(package)}")
        except PackageNotFoundError:
            versions.append(f"{package}=none")
    text = repr((versions, [_stable(e) for e in extensions], _stable(configs), config.use_directory_urls,
                 config.site_url, str(config.docs_dir)))
    return hashlib.sha256(text.encode()).hexdigest()


def _stable(value: Any, depth: int = 0) -> Any:
    """A repr that does not change between runs: callables by their qualified name, not their address.
    Bounded in depth, so an object graph that refers to itself cannot recurse without end."""
    if depth > 20:
        return "..."
    if isinstance(value, dict):
        return {str(k): _stable(v, depth + 1) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [_stable(v, depth + 1) for v in value]
    if callable(value):
        module = getattr(value, "__module__", "")
        name = getattr(value, "__qualname__", type(value).__qualname__)
        # functools.partial and similar objects carry their arguments; include them.
        extra = [_stable(getattr(value, a, None), depth + 1) for a in ("args", "keywords") if hasattr(value, a)]
        return f"{module}.{name}{extra if extra else ''}"
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    state = _stable(getattr(value, "__dict__", repr(value)), depth + 1)
    return f"{type(value).__module__}.{type(value).__qualname__}:{state}"
