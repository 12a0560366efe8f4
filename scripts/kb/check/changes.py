"""What changed since a git ref, for `kb check --changed-since REF`."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from kb.config.project import ConfigError, Project


@dataclass
class ChangeSet:
    changed: set[str] = field(default_factory=set)  # docs-relative paths that exist and changed
    removed: set[str] = field(default_factory=set)  # docs-relative paths deleted or renamed away
    renamed: dict[str, str] = field(default_factory=dict)  # old docs-relative path -> new one
    everything: bool = False  # a change that affects every page (mkdocs.yml, the tags file)
    elsewhere: set[str] = field(default_factory=set)  # changed files outside docs/, relative to the project


def _git(project: Project, *args: str) -> str:
    try:
        result = subprocess.run(["git", *args], cwd=project.root, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise ConfigError(f"--changed-since needs git, which could not be run: {exc}.") from exc
    if result.returncode != 0:
        raise ConfigError(f"git {' '.join(args)} failed: {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout


def changes_since(project: Project, ref: str) -> ChangeSet:
    top = Path(_git(project, "rev-parse", "--show-toplevel").strip())
    _git(project, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    diff = _git(project, "diff", "--name-status", "-z", "-M", ref, "--")
    untracked = _git(project, "ls-files", "--others", "--exclude-standard", "-z", "--full-name")
    docs = project.docs_dir.resolve()
    whole_project = {project.config_path.resolve(), project.tags_path.resolve()}
    result = ChangeSet()

    def docs_path(repo_path: str) -> str | None:
        absolute = (top / repo_path).resolve()
        if absolute in whole_project:
            result.everything = True
        try:
            return absolute.relative_to(docs).as_posix()
        except ValueError:
            if absolute.exists():
                result.elsewhere.add(project.rel(absolute))
            return None

    fields = diff.split("\0")
    i = 0
    while i < len(fields) - 1:
        status = fields[i]
        if status.startswith(("R", "C")):
            old, new = docs_path(fields[i + 1]), docs_path(fields[i + 2])
            if old and status.startswith("R"):
                result.removed.add(old)
                if new:
                    result.renamed[old] = new
            if new:
                result.changed.add(new)
            i += 3
            continue
        path = docs_path(fields[i + 1])
        if path:
            (result.removed if status.startswith("D") else result.changed).add(path)
        i += 2
    for name in filter(None, untracked.split("\0")):
        path = docs_path(name)
        if path:
            result.changed.add(path)
    return result
