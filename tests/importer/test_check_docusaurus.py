"""`kb check` on Docusaurus material: the standard front-matter fields and inline tag objects are accepted,
and an `.mdx` file under docs/ is reported with `kb import` as the fix instead of being ignored."""

from __future__ import annotations

from pathlib import Path

from kb.check.analysis import analyse
from kb.config.project import Project

from ..conftest import build_site, write_site

DOCUSAURUS_PAGE = """\
---
id: intro
title: Introduction
description: What the site is about.
tags: [basics, {label: Deep Dive, permalink: /deep-dive}]
keywords: [intro]
sidebar_label: Intro
sidebar_position: 1
pagination_label: Start here
pagination_next: guides/setup
pagination_prev: null
custom_edit_url: null
hide_title: false
hide_table_of_contents: true
toc_min_heading_level: 2
toc_max_heading_level: 4
parse_number_prefixes: true
displayed_sidebar: docs
sidebar_class_name: green
sidebar_custom_props: {emoji: "x"}
image: /img/card.png
last_update: {date: 2026-11-01, author: Someone}
draft: false
unlisted: false
---

# Introduction
"""

TAGS = "basics:\n  label: Basics\n  description: The basics.\n"


def test_docusaurus_front_matter_and_tag_objects_are_accepted(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", {"docs/index.md": DOCUSAURUS_PAGE, "docs/tags.yml": TAGS})
    findings = analyse(Project.from_config_file(root / "mkdocs.yml"), use_cache=False).findings
    assert [(f.code, f.message) for f in findings if f.code.startswith("KB2")] == []


def test_tag_objects_must_have_a_label(tmp_path: Path) -> None:
    page = DOCUSAURUS_PAGE.replace("{label: Deep Dive, permalink: /deep-dive}", "{permalink: /deep-dive}")
    root = write_site(tmp_path / "site", {"docs/index.md": page, "docs/tags.yml": TAGS})
    findings = analyse(Project.from_config_file(root / "mkdocs.yml"), use_cache=False).findings
    assert [f.code for f in findings if f.code.startswith("KB2")] == ["KB205"]


def test_tag_objects_show_their_label_on_the_built_page(tmp_path: Path) -> None:
    mkdocs = "site_name: T\ntheme:\n  name: material\n  font: false\nplugins:\n  - kb\n  - search\n  - tags\n"
    root = write_site(tmp_path / "site", {"docs/index.md": DOCUSAURUS_PAGE, "docs/tags.yml": TAGS}, mkdocs)
    site = build_site(root)
    html = (site / "index.html").read_text(encoding="utf-8")
    assert "Deep Dive" in html and "Basics" in html


def test_mdx_files_under_docs_are_reported(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", {
        "docs/index.md": "---\ntitle: Home\ndescription: Home.\ntags: []\n---\n\n# Home\n",
        "docs/guide/tabs.mdx": "---\ntitle: Tabs\n---\n\nimport Tabs from '@theme/Tabs';\n",
    })
    findings = analyse(Project.from_config_file(root / "mkdocs.yml"), use_cache=False).findings
    mdx = [f for f in findings if f.code == "KB108"]
    assert [(f.path, f.severity.value) for f in mdx] == [("docs/guide/tabs.mdx", "error")]
    assert "`kb import`" in mdx[0].message and "docs/guide/tabs.mdx" in mdx[0].message
    assert "kb import docs/guide/tabs.mdx" in mdx[0].hint
