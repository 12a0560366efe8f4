"""Safety of `kb import`: dry runs write nothing, existing files survive without --overwrite, an existing
project's mkdocs.yml is reported on and never edited, and misspelt glossary terms are reported, not changed."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from ..conftest import MINIMAL_MKDOCS, write_site
from .helpers import IMPORT_FIXTURES, build, check_errors, findings_of, run_import, tree_digest

NOTES = IMPORT_FIXTURES / "notes"
SITE = IMPORT_FIXTURES / "create-docusaurus"


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    into = tmp_path / "kb"
    status, report = run_import(str(SITE), "--into", str(into), "--dry-run")
    assert status == 0
    assert report["dry_run"] is True
    assert {f["action"] for f in report["files"]} == {"new"}
    assert "mkdocs.yml" in {f["path"] for f in report["files"]}
    assert not into.exists()


def test_existing_files_are_kept_unless_overwrite(tmp_path: Path) -> None:
    into = tmp_path / "kb"
    run_import(str(NOTES), "--into", str(into))
    page = into / "docs/prompting.md"
    page.write_text("---\ntitle: Mine\ndescription: My own words.\n---\n\nKeep me.\n", encoding="utf-8")
    status, report = run_import(str(NOTES), "--into", str(into))
    assert status == 0
    actions = {f["path"]: f["action"] for f in report["files"]}
    assert actions["docs/prompting.md"] == "exists"
    assert "Keep me." in page.read_text(encoding="utf-8")
    assert any(f["path"] == "docs/prompting.md" for f in findings_of(report, "KB704"))
    status, report = run_import(str(NOTES), "--into", str(into), "--overwrite")
    assert {f["path"]: f["action"] for f in report["files"]}["docs/prompting.md"] == "overwrite"
    assert "Keep me." not in page.read_text(encoding="utf-8")


def test_a_symbolic_link_in_dir_is_not_written_through(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    into = write_site(tmp_path / "kb", {})
    (into / "docs" / "basics").symlink_to(outside, target_is_directory=True)
    _, report = run_import(str(NOTES), "--into", str(into))
    assert list(outside.iterdir()) == []
    assert any("symbolic link" in f["message"] for f in findings_of(report, "KB701"))
    (into / "docs" / "basics").unlink()
    (into / "docs").rename(into / "real-docs")
    (into / "docs").symlink_to(outside, target_is_directory=True)
    status, report = run_import(str(NOTES), "--into", str(into))
    assert status == 2 and list(outside.iterdir()) == []


def test_symbolic_links_out_of_the_source_are_not_followed(tmp_path: Path) -> None:
    source = tmp_path / "notes"
    source.mkdir()
    (source / "a.md").write_text("# A\n\nFirst note.\n", encoding="utf-8")
    secret = tmp_path / "secret.md"
    secret.write_text("# Secret\n\nNot for import.\n", encoding="utf-8")
    (source / "b.md").symlink_to(secret)
    _, report = run_import(str(source), "--into", str(tmp_path / "kb"))
    assert [f["path"] for f in report["files"] if f["path"].startswith("docs/")] == ["docs/a.md"]
    assert any("outside the source" in f["message"] for f in findings_of(report, "KB701"))


# An existing project that lacks the extensions imported admonitions and tabs need.
GLOSSARY_MKDOCS = MINIMAL_MKDOCS + "markdown_extensions:\n  - toc\n"


def test_existing_project_near_misses_and_missing_extensions(tmp_path: Path) -> None:
    root = write_site(tmp_path / "kb", {
        "docs/index.md": "---\ntitle: Home\ndescription: The home page.\ntags: []\n---\n\n# Home\n\nGenerative AI.\n",
        "glossary/generative-ai.yml": "term: Generative AI\nshort: Models that produce new content.\n",
    }, GLOSSARY_MKDOCS)
    config_before = (root / "mkdocs.yml").read_bytes()
    tabs = tmp_path / "docs-folder"
    tabs.mkdir()
    (tabs / "tabs.mdx").write_text(textwrap.dedent("""\
        ---
        title: Tabs
        description: A page with tabs.
        ---
        import Tabs from '@theme/Tabs';

        <Tabs>
        <TabItem value="a" label="A">First.</TabItem>
        </Tabs>

        :::note
        A note.
        :::
        """), encoding="utf-8")
    status, report = run_import(str(NOTES), str(tabs), "--into", str(root))
    assert status == 0
    assert (root / "mkdocs.yml").read_bytes() == config_before
    missing = " ".join(f["message"] for f in findings_of(report, "KB705"))
    for extension in ("admonition", "pymdownx.tabbed"):
        assert f"`{extension}`" in missing
    near = findings_of(report, "KB706")
    assert any("Genereative AI" in f["message"] for f in near)
    transformers = (root / "docs/basics/transformers.md").read_text(encoding="utf-8")
    assert "Genereative AI" in transformers  # reported, never changed
    assert [e for e in check_errors(root)] == []


def test_sources_are_byte_identical_after_every_mode(tmp_path: Path) -> None:
    before = tree_digest(IMPORT_FIXTURES)
    into = tmp_path / "kb"
    for extra in (["--dry-run"], [], [], ["--overwrite"]):
        run_import(str(SITE), str(NOTES), "--into", str(into), *extra)
    assert tree_digest(IMPORT_FIXTURES) == before


def test_missing_source_is_a_usage_error(tmp_path: Path) -> None:
    from kb.cli.commands import main

    assert main(["import", str(tmp_path / "nothing-here"), "--into", str(tmp_path / "kb")]) == 2


def test_slugs_ids_and_links_keep_their_urls(tmp_path: Path) -> None:
    source = tmp_path / "docs"
    (source / "01-guides").mkdir(parents=True)
    (source / "01-guides" / "_category_.yml").write_text("label: The Guides\nposition: 5\n", encoding="utf-8")
    (source / "01-guides" / "02-first.md").write_text(textwrap.dedent("""\
        ---
        slug: /custom-url
        title: First guide
        description: The first guide.
        tags: [basics, {label: Deep Dive, permalink: /deep-dive}]
        ---

        ## Getting Started Now!

        Text.
        """), encoding="utf-8")
    (source / "01-guides" / "01-second.md").write_text(textwrap.dedent("""\
        ---
        id: other-name
        title: Second guide
        description: The second guide.
        hide_table_of_contents: true
        pagination_next: null
        ---

        See [the first](/docs/custom-url#getting-started-now), [again](./02-first.md#getting-started-now),
        [by path](02-first) and [missing](./nowhere.md).
        """), encoding="utf-8")
    into = tmp_path / "kb"
    status, report = run_import(str(source), "--into", str(into))
    assert status == 0
    second = (into / "docs/guides/other-name.md").read_text(encoding="utf-8")
    assert "(first.md#getting-started-now)" in second
    assert "[by path](first.md)" in second and "(./nowhere.md)" in second
    assert "hide:\n- toc" in second and "pagination_next: null" in second
    assert len(findings_of(report, "KB702")) == 1
    tags = (into / "docs/tags.yml").read_text(encoding="utf-8")
    assert "deep-dive:\n  label: Deep Dive" in tags and "basics:" in tags
    errors = check_errors(into)
    assert [e.code for e in errors] == ["KB402"]  # the link that was already broken
    site = build(into, strict=False)
    assert (site / "custom-url/index.html").is_file()
    assert (site / "guides/other-name/index.html").is_file()
    index = (into / "docs/guides/index.md").read_text(encoding="utf-8")
    assert "title: The Guides" in index and "sidebar_position: 5" in index


def test_slug_root_becomes_the_home_page(tmp_path: Path) -> None:
    source = tmp_path / "docs"
    source.mkdir()
    (source / "intro.md").write_text("---\nslug: /\ntitle: Welcome\ndescription: The start.\n---\n\nHello.\n",
                                     encoding="utf-8")
    (source / "next.md").write_text("---\ntitle: Next\ndescription: Then.\n---\n\nBack [home](/docs/).\n",
                                    encoding="utf-8")
    into = tmp_path / "kb"
    status, _ = run_import(str(source), "--into", str(into))
    assert status == 0
    assert "title: Welcome" in (into / "docs/index.md").read_text(encoding="utf-8")
    assert "[home](index.md)" in (into / "docs/next.md").read_text(encoding="utf-8")
    assert check_errors(into) == []


def test_a_page_python_markdown_is_slow_on_imports_in_time(tmp_path: Path) -> None:
    import time

    source = tmp_path / "notes"
    source.mkdir()
    (source / "slow.md").write_text("# Slow\n\nText.\n\n" + "[" * 20_000 + "\n\n## Next {#n}\n", encoding="utf-8")
    start = time.monotonic()
    status, report = run_import(str(source), "--into", str(tmp_path / "kb"))
    assert status == 0 and time.monotonic() - start < 10
    assert [f["path"] for f in report["files"]][-1] == "docs/slow.md"


def test_malformed_source_files_are_findings_with_lines(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "docs" / "guide").mkdir(parents=True)
    (site / "docusaurus.config.js").write_text("export default {title: 'Broken', presets: []};\n", encoding="utf-8")
    (site / "sidebars.js").write_text("export default {\n  docs: [\n    ...generated(),\n  ],\n};\n",
                                      encoding="utf-8")
    (site / "docs" / "guide" / "_category_.json").write_text('{"label": "Guide",\n\n "position": 2,,}',
                                                              encoding="utf-8")
    (site / "docs" / "bad-yaml.md").write_text("---\ntitle: [unclosed\n---\n\n# Still Here\n\nText.\n",
                                               encoding="utf-8")
    (site / "docs" / "guide" / "open.mdx").write_text("---\ntitle: Open\n---\n\n:::note\nNever closed.\n"
                                                      "<Tabs>\n<TabItem value=\"x\">\n", encoding="utf-8")
    (site / "docs" / "binary.md").write_bytes(b"\x00\xff\xfe" * 100)
    status, report = run_import(str(site), "--into", str(tmp_path / "kb"))
    assert status == 1  # some source files could not be read completely
    places = {(f["path"].rsplit("/", 1)[-1], f["line"]) for f in findings_of(report, "KB701")}
    assert ("sidebars.js", 3) in places
    assert ("_category_.json", 3) in places
    assert ("bad-yaml.md", 3) in places and ("binary.md", 1) in places
    never_closed = [f for f in findings_of(report, "KB703") if "never closed" in f["message"]]
    assert {f["line"] for f in never_closed} >= {5}
    written = {f["path"] for f in report["files"]}
    assert {"docs/bad-yaml.md", "docs/guide/open.md", "docs/guide/index.md"} <= written
    assert "Still Here" in (tmp_path / "kb/docs/bad-yaml.md").read_text(encoding="utf-8")


def test_an_mdx_file_inside_docs_is_converted_in_place(tmp_path: Path) -> None:
    root = write_site(tmp_path / "kb", {
        "docs/index.md": "---\ntitle: Home\ndescription: Home.\ntags: []\n---\n\n# Home\n",
        "docs/guide/tabs.mdx": "---\ntitle: Tabs\ndescription: Tabs.\n---\n\nimport X from 'y';\n\nText.\n",
    })
    status, report = run_import(str(root / "docs/guide/tabs.mdx"), "--into", str(root))
    assert status == 0
    assert [f["path"] for f in report["files"]] == ["docs/guide/tabs.md"]
    assert "import X" not in (root / "docs/guide/tabs.md").read_text(encoding="utf-8")
    assert (root / "docs/guide/tabs.mdx").is_file()  # the source is never modified


def test_raw_html_images_point_where_the_built_page_finds_them(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "docs" / "guide" / "img").mkdir(parents=True)
    (site / "static" / "img").mkdir(parents=True)
    (site / "docusaurus.config.js").write_text("export default {title: 'S'};\n", encoding="utf-8")
    (site / "static" / "img" / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>\n")
    (site / "docs" / "guide" / "img" / "shot.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>\n")
    (site / "docs" / "guide" / "page.mdx").write_text(textwrap.dedent("""\
        ---
        title: Page
        description: A page with raw HTML images.
        ---

        <img src={require('./img/shot.svg').default} alt="Shot" />

        <img src="/img/logo.svg" alt="Logo" />

        <a href="./other.md">Other</a>
        """), encoding="utf-8")
    (site / "docs" / "guide" / "other.md").write_text("---\ntitle: Other\ndescription: Other.\n---\n\nText.\n")
    into = tmp_path / "kb"
    status, _ = run_import(str(site), "--into", str(into))
    assert status == 0
    page = (into / "docs/guide/page.md").read_text(encoding="utf-8")
    assert 'src="../img/shot.svg"' in page and 'src="../../img/logo.svg"' in page and 'href="../other/"' in page
    assert check_errors(into) == []


def test_the_human_report_and_help(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kb.cli.commands import main

    assert main(["import", str(NOTES), "--into", str(tmp_path / "kb"), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "(dry run)" in out and "would write: docs/basics/what-is-generative-ai.md" in out
    assert "Translated (" in out and "files to write" in out
    assert not (tmp_path / "kb").exists()
    with pytest.raises(SystemExit):
        main(["import", "--help"])
    assert "kb import ../old-site --into new-kb" in capsys.readouterr().out


def test_partials_are_inlined_not_published(tmp_path: Path) -> None:
    source = tmp_path / "docs"
    source.mkdir()
    (source / "_shared.mdx").write_text(":::tip\nShared **advice**.\n:::\n", encoding="utf-8")
    (source / "page.mdx").write_text(textwrap.dedent("""\
        ---
        title: Page
        description: A page using a partial.
        ---
        import Shared from './_shared.mdx';
        import Missing from './_missing.mdx';

        Before.

        <Shared />

        <Missing />

        After.
        """), encoding="utf-8")
    into = tmp_path / "kb"
    status, report = run_import(str(source), "--into", str(into))
    assert status == 0
    assert [f["path"] for f in report["files"] if f["path"].startswith("docs/") and f["path"].endswith(".md")] == [
        "docs/page.md"]
    page = (into / "docs/page.md").read_text(encoding="utf-8")
    assert "!!! tip\n\n    Shared **advice**." in page and "<Shared" not in page and "<Missing" not in page
    assert any("_missing.mdx" in f["message"] for f in findings_of(report, "KB703"))
