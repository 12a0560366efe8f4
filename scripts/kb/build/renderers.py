"""The renderers kb builds the site with, and what each needs: command, whether it runs the kb plugin, preview."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Renderer:
    name: str
    module: str  # run as `python -m <module>`
    extra: str  # the pip extra that installs it: `pip install .[<extra>]`
    runs_plugin: bool  # runs MkDocs plugins, so the kb plugin applies front-matter during the build
    serves: bool  # has a live preview server

    def installed(self) -> bool:
        return importlib.util.find_spec(self.module) is not None

    def missing_message(self) -> str:
        return (f"The renderer {self.name} is not installed in this Python environment; install it with "
                f"`pip install -e '.[{self.extra}]'` (or choose another with --renderer).")

    def build_command(self, python: str, config: Path, site_dir: Path | None, strict: bool) -> list[str]:
        command = [python, "-m", self.module, "build", "-f", str(config)]
        if self.runs_plugin and site_dir is not None:
            command += ["-d", str(site_dir)]
        if strict:
            command.append("--strict")
        return command

    def serve_command(self, python: str, config: Path, dev_addr: str) -> list[str]:
        return [python, "-m", self.module, "serve", "-f", str(config), "-a", dev_addr]


RENDERERS = {
    "mkdocs": Renderer("mkdocs", "mkdocs", "dev", runs_plugin=True, serves=True),
    # A drop-in fork of MkDocs 1.6: it loads plugins from the `mkdocs.plugins` entry points as well.
    "properdocs": Renderer("properdocs", "properdocs", "properdocs", runs_plugin=True, serves=True),
    # Material's successor: reads mkdocs.yml and runs Python-Markdown extensions, but no MkDocs plugins.
    "zensical": Renderer("zensical", "zensical", "zensical", runs_plugin=False, serves=True),
}
