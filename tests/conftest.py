"""Shared helpers: write small sites, copy fixture sites, build them with real MkDocs."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest

from kb.render.scan import placed

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

MINIMAL_MKDOCS = """\
site_name: Test site
theme:
  name: material
  font: false
plugins:
  - kb
  - search
"""


def page(title: str = "A page", description: str = "A page used in a test.", body: str = "# Heading\n",
         **fields: object) -> str:
    """Markdown text with valid front-matter; extra fields are written as YAML flow values."""
    lines = ["---", f"title: {title}", f"description: {description}", "tags: [x]"]
    lines += [f"{key}: {value}" for key, value in fields.items()]
    return "\n".join([*lines, "---", body])


def write_site(root: Path, files: dict[str, str | bytes], mkdocs_yml: str = MINIMAL_MKDOCS) -> Path:
    (root / "docs").mkdir(parents=True, exist_ok=True)
    (root / "mkdocs.yml").write_text(mkdocs_yml, encoding="utf-8")
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content) if content.startswith("\n") else content, encoding="utf-8")
    return root


def copy_fixture(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(FIXTURES / name, target)
    return target


def build_site(root: Path, *, serve: bool = False, strict: bool = False) -> Path:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site_dir = root / "site"
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(site_dir), strict=strict)
    build(config, serve_url="http://127.0.0.1:8000/" if serve else None)
    return site_dir


@pytest.fixture
def site_factory(tmp_path: Path):  # type: ignore[no-untyped-def]
    def make(files: dict[str, str | bytes], mkdocs_yml: str = MINIMAL_MKDOCS) -> Path:
        return write_site(tmp_path / "site-src", files, mkdocs_yml)
    return make


def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The bodies whose render facts are placed from now on: one per page rendered, by kb or by MkDocs
    (the cache reads and hashes every page, but renders none it holds)."""
    seen: list[str] = []

    def counting(facts, body, first_line, prose=True):  # type: ignore[no-untyped-def]
        seen.append(body)
        return placed(facts, body, first_line, prose)

    monkeypatch.setattr("kb.check.analysis.placed", counting)
    return seen
