"""Link checks MkDocs has no opinion on: suggestions, drafts, orphans, own-site URLs, unsafe content."""

from pathlib import Path

from kb.check.analysis import analyse
from kb.config.project import Project
from kb.report.findings import Finding

from .conftest import page, write_site

SITE_URL = "site_url: https://kb.example.org/\n"


def findings_for(tmp_path: Path, files: dict[str, str | bytes], extra_yml: str = "") -> list[Finding]:
    root = write_site(tmp_path, files, "site_name: t\n" + extra_yml)
    return [f for f in analyse(Project.from_config_file(root / "mkdocs.yml")).findings if f.code != "KB209"]


def test_did_you_mean_for_paths_and_anchors(tmp_path: Path) -> None:
    findings = findings_for(tmp_path, {
        "docs/index.md": page(body="[a](llms/tokenisation.md) [b](llms/tokenization.md#byte-pair)\n"),
        "docs/llms/tokenization.md": page(body="# Tokens\n\n## Byte-pair encoding\n"),
    })
    assert [(f.code, f.line, f.column) for f in findings] == [("KB402", 6, 5), ("KB403", 6, 31)]
    assert findings[0].hint == "Did you mean `llms/tokenization.md`?"
    assert findings[1].hint == "Did you mean `#byte-pair-encoding`?"


def test_slug_links_resolve_and_unknown_slugs_suggest(tmp_path: Path) -> None:
    findings = findings_for(tmp_path, {
        "docs/index.md": page(body="[ok](/genai#intro) [ok2](/genai/) [bad](/gena) [anchor](/genai#intr)\n"),
        "docs/models/overview.md": page(slug="/genai", body="# Overview\n\n## Intro\n"),
    })
    assert [(f.code, f.hint) for f in findings] == [
        ("KB404", "Did you mean `/genai`?"), ("KB403", "Did you mean `#intro`?")]


def test_link_to_draft_from_published_page(tmp_path: Path) -> None:
    findings = findings_for(tmp_path, {
        "docs/index.md": page(body="[wip](wip.md)\n"),
        "docs/wip.md": page(draft="true", body="[back](index.md)\n"),
    })
    assert [(f.code, f.path) for f in findings] == [("KB407", "docs/index.md")]


def test_orphans_are_unlisted_pages_nobody_links_to(tmp_path: Path) -> None:
    findings = findings_for(tmp_path, {
        "docs/index.md": page(body="[linked](linked.md)\n"),
        "docs/linked.md": page(unlisted="true"),
        "docs/lonely.md": page(unlisted="true", body="# Heading\n\n[myself](#heading)\n"),
    })
    assert [(f.code, f.path) for f in findings] == [("KB412", "docs/lonely.md")]


def test_explicit_nav_makes_unlisted_files_orphans(tmp_path: Path) -> None:
    findings = findings_for(tmp_path, {"docs/index.md": page(), "docs/extra.md": page()}, "nav:\n  - index.md\n")
    assert [(f.code, f.path) for f in findings] == [("KB412", "docs/extra.md")]


def test_own_site_url_and_self_links(tmp_path: Path) -> None:
    findings = findings_for(tmp_path, {
        "docs/index.md": page(body="# Heading\n\n[abs](https://kb.example.org/other/) [self](index.md#heading)\n"
                                   "[external](https://example.com/x)\n"),
        "docs/other.md": page(),
    }, SITE_URL)
    assert [(f.code, f.severity.value) for f in findings] == [("KB409", "error"), ("KB413", "warning")]
    assert findings[1].hint == "Write `#heading` alone."


def test_unsafe_urls_and_markup_are_errors(tmp_path: Path) -> None:
    body = (
        "[a](javascript:alert(1)) [b](JaVaScRiPt:x) [c](vbscript:x) ![d](data:image/png;base64,AAAA)\n"
        '<a href="jav&#x61;script:alert(1)">e</a> <img src="x.png" onerror="alert(1)">\n'
        "<script>alert(1)</script>\n\n<iframe src=\"https://example.com\"></iframe>\n\n"
        '<object data="javascript:x"></object> <embed src="movie.swf">\n'
        "`<script>in code is fine</script>`\n"
    )
    findings = findings_for(tmp_path, {"docs/index.md": page(body=body), "docs/x.png": b""})
    codes = [f.code for f in findings]
    assert codes.count("KB410") == 6  # four Markdown links, the entity-encoded href, the object data
    assert codes.count("KB411") == 5  # onerror, script, iframe, object, embed
    assert all(f.line in (6, 7, 8, 10, 12) for f in findings)


def test_raw_html_is_resolved_against_the_built_url(tmp_path: Path) -> None:
    findings = findings_for(tmp_path, {
        "docs/models/compare.md": page(body='# Heading\n\n<a href="../overview/">ok</a> <a href="overview/">bad</a>\n'),
        "docs/models/overview.md": page(),
        "docs/index.md": page(body='<a href="models/compare/#heading">ok</a> <img src="img/a.png">\n'),
        "docs/img/a.png": b"",
    })
    [finding] = findings
    assert finding.code == "KB408" and finding.path == "docs/models/compare.md"
    assert "/models/compare/overview/" in finding.message and "`../overview/`" in finding.hint


def test_slug_and_folder_links_point_at_the_markdown_file_mkdocs_converts(tmp_path: Path) -> None:
    root = write_site(tmp_path, {
        "docs/index.md": page(),
        "docs/models/overview.md": page(slug="/genai"),
        "docs/guides/index.md": page(),
        "docs/guides/start.md": page(),
    }, "site_name: t\n")
    analysis = analyse(Project.from_config_file(root / "mkdocs.yml"))
    index = analysis.index
    assert index.markdown_target("guides/start.md", "/genai#x") == "../models/overview.md#x"
    assert index.markdown_target("index.md", "guides/") == "guides/index.md"
    assert index.markdown_target("index.md", "guides") == "guides/index.md"
    # Everything MkDocs converts or leaves alone on its own stays as written.
    for target in ("models/overview.md", "#x", "https://example.org/genai", "/nowhere", "../out", "", "img.png"):
        assert index.markdown_target("index.md", target) is None, target
