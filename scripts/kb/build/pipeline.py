"""`kb build` and `kb serve`: the chosen renderer, through the kb plugin or a prepared copy and site steps."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kb.build.prepare import Prepared, prepare
from kb.build.renderers import RENDERERS, Renderer
from kb.build.site_steps import apply_page_steps
from kb.check.analysis import Analysis, analyse, default_jobs
from kb.config.project import ConfigError, Project
from kb.pages.page import discover_files
from kb.publish.site import SiteInfo, apply_site_steps
from kb.report.findings import Finding, Severity


class BuildError(Exception):
    """The build could not run or the renderer failed; the message says why and what to do."""


@dataclass
class BuildResult:
    site: Path
    findings: list[Finding] = field(default_factory=list)  # what stopped the build, or warnings
    missing: list[str] = field(default_factory=list)  # pages the renderer did not write where kb expected them
    checked: int = 0  # pages and glossary files kb checked (none when the plugin did)


def renderer_named(name: str) -> Renderer:
    renderer = RENDERERS.get(name)
    if renderer is None:
        raise ConfigError(f"There is no renderer {name!r}; choose one of {', '.join(RENDERERS)}.")
    if not renderer.installed():
        raise ConfigError(renderer.missing_message())
    return renderer


def site_settings(project: Project) -> tuple[Path, SiteInfo]:
    """The site folder and the settings the site steps need, as the configuration adapter read them."""
    site_dir = project.site_dir or project.root / "site"
    return site_dir, SiteInfo(project.site_name, project.site_description, project.site_url)


def _run(command: list[str], cwd: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    try:
        done = subprocess.run(command, cwd=cwd, env=env, check=False)
    except OSError as exc:
        raise BuildError(f"`{' '.join(command)}` could not be started: {exc}.") from exc
    if done.returncode != 0:
        raise BuildError(f"`{' '.join(command[2:])}` failed with status {done.returncode}; its messages are above. "
                         "Fix what they name and build again.")


def build(config_path: Path, renderer_name: str, strict: bool = False) -> BuildResult:
    """Build the site into the project's site_dir with the chosen renderer. Findings that fail the build
    (errors, or warnings with `strict`) come back in the result and nothing is built."""
    renderer = renderer_named(renderer_name)
    project = Project.from_config_file(config_path)
    site_dir, info = site_settings(project)
    if renderer.runs_plugin:  # the kb plugin does everything during the build, and reports the findings
        _run(renderer.build_command(sys.executable, project.config_path, site_dir, strict), project.root)
        return BuildResult(site_dir)
    analysis = analyse(project, use_cache=project.options.cache, workers=default_jobs())
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    stopping = [f for f in analysis.findings if f.severity in failing]
    if stopping:
        return BuildResult(site_dir, stopping, checked=analysis.files_checked)
    prepared = prepare(project, analysis, renderer.name)
    if prepared.site.exists():
        shutil.rmtree(prepared.site)
    _run(renderer.build_command(sys.executable, prepared.config, None, strict), project.root)
    if not prepared.site.is_dir():
        raise BuildError(f"{renderer.name} reported success but wrote no site into {prepared.site}.")
    finish(prepared, site_dir)
    missing = apply_page_steps(site_dir, project, analysis, info)
    apply_site_steps(site_dir, project, analysis, info, prepared.generated)
    return BuildResult(site_dir, [f for f in analysis.findings if f.severity is not Severity.INFO], missing,
                       analysis.files_checked)


def finish(prepared: Prepared, site_dir: Path) -> None:
    """The renderer's output moved to the project's site folder, replacing the last build (as MkDocs
    cleans it)."""
    if site_dir.exists():
        shutil.rmtree(site_dir)
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(prepared.site), str(site_dir))


def _snapshot(project: Project) -> tuple[tuple[str, int, int], ...]:
    """What the preview depends on: each file under docs/ and the glossary, and mkdocs.yml, with size and time."""
    paths = [project.config_path]
    for folder in (project.docs_dir, project.glossary_path):
        if folder.is_dir():
            paths += [folder / name for name in discover_files(folder, project.root)[0]]
    entries = []
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue
        entries.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(entries)


def serve(config_path: Path, renderer_name: str, dev_addr: str,
          on_change: Callable[[str], None] = lambda message: None) -> int:
    """A live preview, drafts included. Renderers that run the plugin serve the project itself; for the
    others kb serves the prepared copy and prepares it again whenever a page, term or mkdocs.yml changes."""
    renderer = renderer_named(renderer_name)
    if not renderer.serves:
        raise ConfigError(f"{renderer.name} has no live preview; use `kb build --renderer {renderer.name}` "
                          "and open the site folder instead.")
    project = Project.from_config_file(config_path)
    if renderer.runs_plugin:
        return subprocess.call(renderer.serve_command(sys.executable, project.config_path, dev_addr), cwd=project.root)
    prepared = _prepare_preview(project, renderer)
    child = subprocess.Popen(renderer.serve_command(sys.executable, prepared.config, dev_addr), cwd=project.root)
    seen = _snapshot(project)
    try:
        while child.poll() is None:
            time.sleep(1)
            now = _snapshot(project)
            if now != seen:
                seen = now
                try:
                    project = Project.from_config_file(config_path)
                    _prepare_preview(project, renderer)
                    on_change("The prepared copy was brought up to date.")
                except (ConfigError, OSError, yaml.YAMLError) as exc:
                    on_change(f"The preview was not updated: {exc}")
        return child.returncode
    finally:
        if child.poll() is None:
            child.terminate()
            child.wait()


def _prepare_preview(project: Project, renderer: Renderer) -> Prepared:
    analysis: Analysis = analyse(project, use_cache=project.options.cache, workers=default_jobs())
    return prepare(project, analysis, renderer.name, drafts=True)
