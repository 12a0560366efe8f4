"""The result cache: warm runs give identical findings and re-read only what changed."""

import os
from pathlib import Path

import pytest

import kb.check.cache
from kb.check.analysis import analyse
from kb.config.project import Project

from .conftest import build_site, page, renders, write_site


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return write_site(tmp_path, {
        "docs/index.md": page(body="# Home\n\n[a](a.md#intro) [b](b.md#gone)\n", last_reviewed="2026-01-02"),
        "docs/a.md": page(body="# A\n\n## Intro\n"),
        "docs/b.md": page(sidebar_postion=1, body="# B\n"),
        "docs/bad.md": b"---\ntitle: \xff\n---\n",
    })


def run(root: Path, use_cache: bool = True):  # type: ignore[no-untyped-def]
    return analyse(Project.from_config_file(root / "mkdocs.yml"), use_cache=use_cache)


def test_warm_run_reads_nothing_and_reports_the_same(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold = run(site)
    assert (site / ".kb-cache" / "pages.json").is_file()
    seen = renders(monkeypatch)
    warm = run(site)
    assert seen == []
    assert warm.findings == cold.findings
    assert warm.pages["index.md"].meta == cold.pages["index.md"].meta  # dates survive the round trip
    assert {f.code for f in warm.findings} == {"KB101", "KB206", "KB403"}


def test_only_changed_files_are_re_read(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run(site)
    (site / "docs/b.md").write_text(page(body="# B\n\n## Gone\n"), encoding="utf-8")
    touched = site / "docs/a.md"
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10_000_000))
    seen = renders(monkeypatch)
    result = run(site)
    assert seen == ["# B\n\n## Gone\n"]  # a.md only touched: its bytes are the same, so not rendered again
    assert {f.code for f in result.findings} == {"KB101"}  # b.md now defines #gone and has no typo


def test_damaged_cache_is_a_cold_run(site: Path) -> None:
    expected = run(site, use_cache=False).findings
    (site / ".kb-cache").mkdir()
    (site / ".kb-cache" / "pages.json").write_text("{not json", encoding="utf-8")
    assert run(site).findings == expected


def test_no_cache_neither_reads_nor_writes(site: Path) -> None:
    run(site, use_cache=False)
    assert not (site / ".kb-cache").exists()


def test_build_after_check_uses_the_cached_analysis(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run(site)
    seen = renders(monkeypatch)
    built = build_site(site)
    assert seen == []  # the plugin's analysis came from the cache
    assert 'href="a/#intro"' in (built / "index.html").read_text(encoding="utf-8")


def test_term_search_is_built_only_when_pages_need_scanning(site: Path) -> None:
    (site / "glossary").mkdir()
    (site / "glossary" / "intro.yml").write_text("term: Introduction\nshort: An opening section.\n",
                                                  encoding="utf-8")
    (site / "docs" / "c.md").write_text(page(body="# C\n\nAn Introdution, then the introduction.\n"),
                                        encoding="utf-8")
    cold = run(site)
    assert "matcher" in vars(cold.glossary)  # pages were scanned for terms
    assert cold.index.scans["c.md"].terms == {"intro": 8}  # the line of its first mention
    assert [f.code for f in cold.findings if f.path == "docs/c.md"] == ["KB505"]
    warm = run(site)
    assert "matcher" not in vars(warm.glossary)  # every page came from the cache, terms and near misses too
    assert warm.findings == cold.findings
    assert warm.index.scans == cold.index.scans


def test_editing_the_tags_file_refreshes_cached_tag_findings(site: Path) -> None:
    tags = site / "docs" / "tags.yml"
    tags.write_text("y:\n  label: Y\n  description: Not the tag the pages use.\n", encoding="utf-8")
    assert any(f.code == "KB208" for f in run(site).findings)
    tags.write_text("x:\n  label: X\n  description: The tag the pages use.\n", encoding="utf-8")
    assert not any(f.code == "KB208" for f in run(site).findings)


def test_editing_a_glossary_file_refreshes_cached_mentions(site: Path) -> None:
    (site / "glossary").mkdir()
    term = site / "glossary" / "intro.yml"
    term.write_text("term: Intro\nshort: An opening section.\n", encoding="utf-8")
    assert "intro" in run(site).index.scans["a.md"].terms
    before = term.stat().st_mtime_ns
    term.write_text("term: Outr\nshort: An opening section.\n", encoding="utf-8")  # the same size
    os.utime(term, ns=(before + 1_000_000, before + 1_000_000))  # a coarse clock may not have moved
    assert "intro" not in run(site).index.scans["a.md"].terms


def test_changing_mkdocs_yml_gives_the_same_findings_as_no_cache(site: Path) -> None:
    (site / "docs/a.md").write_text(page(body="# A\n\n## Intro Part\n"), encoding="utf-8")
    (site / "docs/index.md").write_text(page(body="# Home\n\n[a](a.md#intro_part)\n"), encoding="utf-8")
    assert any(f.code == "KB403" for f in run(site).findings)  # the default slugify writes intro-part
    config = site / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "markdown_extensions:\n  - toc:\n      separator: _\n",
                      encoding="utf-8")
    assert run(site).findings == run(site, use_cache=False).findings
    assert not any(f.code == "KB403" for f in run(site).findings)


@pytest.mark.parametrize("change", ["kb", "markdown"])
def test_a_new_kb_or_dependency_version_renders_again(site: Path, monkeypatch: pytest.MonkeyPatch,
                                                       change: str) -> None:
    run(site)
    if change == "kb":
        monkeypatch.setattr(kb.check.cache, "__version__", "99.0")
    else:
        import importlib.metadata

        real = importlib.metadata.version
        monkeypatch.setattr(importlib.metadata, "version", lambda name: "99.0" if name == "markdown" else real(name))
    seen = renders(monkeypatch)
    assert run(site).findings == run(site, use_cache=False).findings
    assert len(seen) >= 3  # every page that has text was rendered again, nothing was taken from the cache


CORRUPT_CACHES = {
    "not json": "{not json",
    "a list": "[1, 2]",
    "entries of the wrong type": '{"fingerprint": null, "entries": [1]}',
    "empty object": "{}",
    "deep nesting": "[" * 100_000 + "]" * 100_000,
}


@pytest.mark.parametrize("content", sorted(CORRUPT_CACHES))
def test_a_damaged_cache_changes_nothing_but_speed(site: Path, content: str) -> None:
    expected = run(site, use_cache=False).findings
    (site / ".kb-cache").mkdir()
    (site / ".kb-cache" / "pages.json").write_text(CORRUPT_CACHES[content], encoding="utf-8")
    assert run(site).findings == expected
    assert run(site).findings == expected  # and the rewritten cache is sound


def test_entries_of_the_wrong_shape_are_misses(site: Path) -> None:
    import json

    expected = run(site).findings
    path = site / ".kb-cache" / "pages.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["entries"]["index.md"]["scan"]["links"] = [["link"]]  # too short
    data["entries"]["a.md"]["findings"] = [{"code": "KB999", "severity": "error", "path": "docs/a.md", "line": 1,
                                            "column": 1, "message": "forged", "hint": ""}]
    data["entries"]["b.md"]["findings"] = [{**expected[0].to_dict(), "path": "docs/elsewhere.md"}]
    path.write_text(json.dumps(data), encoding="utf-8")
    assert run(site).findings == expected


@pytest.mark.parametrize("shape", ["folder is a file", "file is a folder", "file is a symlink to /dev/zero",
                                   "folder is read-only"])
def test_an_unusable_cache_location_means_a_run_without_cache(site: Path, shape: str) -> None:
    expected = run(site, use_cache=False).findings
    folder = site / ".kb-cache"
    if shape == "folder is a file":
        folder.write_text("not a folder", encoding="utf-8")
    elif shape == "file is a folder":
        (folder / "pages.json").mkdir(parents=True)
    elif shape == "file is a symlink to /dev/zero":
        folder.mkdir()
        (folder / "pages.json").symlink_to("/dev/zero")
    else:
        folder.mkdir()
        folder.chmod(0o500)
    try:
        assert run(site).findings == expected
        assert run(site).findings == expected
    finally:
        if folder.is_dir():
            folder.chmod(0o700)


def test_a_cache_kb_did_not_sign_is_not_believed(site: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A pull request could commit a .kb-cache whose entries say whatever it likes, in the right shape
    and with the right page hashes; without this machine's key it adds and hides nothing."""
    import json

    expected = run(site).findings
    path = site / ".kb-cache" / "pages.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["entries"]["a.md"]["findings"] = [{**expected[0].to_dict(), "path": "docs/a.md", "message": "forged"}]
    data["entries"]["index.md"]["findings"] = []  # hiding the real findings of index.md
    path.write_text(json.dumps(data), encoding="utf-8")  # the old signature no longer matches
    assert run(site).findings == expected
    run(site)  # signed again by this machine
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-machine"))
    seen = renders(monkeypatch)
    assert run(site).findings == expected
    assert len(seen) >= 3  # another key: nothing was taken from the cache


def test_two_runs_at_once_are_safe(site: Path) -> None:
    """Each run writes a whole cache file under a name of its own and renames it into place."""
    import subprocess
    import sys

    expected = run(site, use_cache=False).findings
    command = [sys.executable, "-m", "kb.cli", "check", "--format", "json", "-f", str(site / "mkdocs.yml")]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = [r.communicate(timeout=120) for r in runs]
    assert all("Traceback" not in err for _, err in outputs)
    assert len({out for out, _ in outputs}) == 1  # all four agree
    assert run(site).findings == expected  # and the cache they left is sound
    assert not list((site / ".kb-cache").glob("*.tmp"))
