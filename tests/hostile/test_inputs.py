"""Hostile input, generated here: for every case `kb check` ends in time, without a traceback, with a
finding that names the file and line (or a usage error for configuration), and the same with and
without its cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from ..conftest import page, write_site

pytestmark = pytest.mark.hostile

MKDOCS = """\
site_name: Hostile
theme:
  name: mkdocs
plugins:
  - kb:
      render_timeout: 2
markdown_extensions:
  - attr_list
  - toc
"""
# Generous for two cores under load; a hang is minutes.
TIME_LIMIT = 60
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
    for i in range(9))


def run_kb(root: Path, *extra: str) -> tuple[int, dict[str, object] | None, str]:
    command = [sys.executable, "-m", "kb.cli", "check", "--format", "json", "-f", str(root / "mkdocs.yml"), *extra]
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIME_LIMIT, cwd=root)
    assert "Traceback" not in done.stderr, done.stderr
    report = json.loads(done.stdout) if done.returncode in (0, 1) else None
    return done.returncode, report, done.stderr


def findings_for(root: Path) -> list[dict[str, object]]:
    """Findings without the cache, then twice with it (cold and warm): all three alike."""
    code, report, _ = run_kb(root, "--no-cache")
    assert code in (0, 1) and report is not None
    for _ in range(2):
        again = run_kb(root)
        assert again[0] == code and again[1] is not None and again[1]["findings"] == report["findings"]
    findings = report["findings"]
    assert isinstance(findings, list)
    for f in findings:
        assert f["path"] and f["line"] >= 1 and f["column"] >= 1, f
    return findings


def site(tmp_path: Path, files: dict[str, str | bytes], mkdocs: str = MKDOCS) -> Path:
    return write_site(tmp_path, {"docs/index.md": page(body="# Home\n\n[p](p.md)\n"), **files}, mkdocs)


YAML_CASES = {
    "alias bomb": BOMB,
    "deep nesting": "a: " + "[" * 50 + "]" * 50 + "\n",
    "deeper than libyaml allows": "a: " + "[" * 5000 + "]" * 5000 + "\n",
    "recursive alias": "a: &a [*a]\n",
    "list key": "? [a, b]\n: c\n",
    "mapping key": "? {a: b}\n: c\n",
    "null key beside an unknown key": "~: 1\nunknown: 2\n",
    "control character": "title: a\x07b\n",
    "NUL byte": "title: a\x00b\n",
    "merge key": "base: &b {x: 1}\nother:\n  <<: *b\n",
}


@pytest.mark.parametrize("case", sorted(YAML_CASES))
def test_hostile_front_matter(tmp_path: Path, case: str) -> None:
    root = site(tmp_path, {"docs/p.md": f"---\n{YAML_CASES[case]}---\n# P\n"})
    found = [f for f in findings_for(root) if f["path"] == "docs/p.md"]
    assert any(f["code"] in ("KB202", "KB203") for f in found), found


@pytest.mark.parametrize("case", sorted(YAML_CASES))
def test_hostile_glossary_file(tmp_path: Path, case: str) -> None:
    root = site(tmp_path, {"docs/p.md": page(body="# P\n"), "docs/glossary.md": page(body="<!-- kb:glossary -->\n"),
                           "glossary/term.yml": YAML_CASES[case]})
    found = [f for f in findings_for(root) if f["path"] == "glossary/term.yml"]
    assert any(f["code"] in ("KB202", "KB203", "KB204") for f in found), found


@pytest.mark.parametrize("case", sorted(YAML_CASES))
def test_hostile_tags_file(tmp_path: Path, case: str) -> None:
    root = site(tmp_path, {"docs/p.md": page(body="# P\n"), "docs/tags.yml": YAML_CASES[case]})
    found = [f for f in findings_for(root) if f["path"] == "docs/tags.yml"]
    assert any(f["code"] == "KB211" for f in found), found


CONFIG_CASES = {
    "alias bomb": MKDOCS + BOMB.replace("a:", "extra_a:", 1),
    "deep nesting": MKDOCS + "extra:\n  a: " + "[" * 60 + "]" * 60 + "\n",
    "kb options as a list": MKDOCS.replace("  - kb:\n      render_timeout: 2\n", "  - kb: [1, 2]\n"),
    "kb option of the wrong type": MKDOCS.replace("render_timeout: 2", "render_timeout: soon"),
    "unknown kb option": MKDOCS.replace("render_timeout: 2", "render_timout: 2"),
    "slugify that is not a function": MKDOCS.replace("  - toc\n", "  - toc:\n      slugify: 7\n"),
    "slugify of the wrong shape": MKDOCS.replace(
        "  - toc\n", "  - toc:\n      slugify: !!python/name:os.getcwd\n"),
    "INHERIT loop": "INHERIT: mkdocs.yml\n" + MKDOCS,
    "not a mapping": "- a\n- b\n",
}


@pytest.mark.parametrize("case", sorted(CONFIG_CASES))
def test_hostile_configuration_is_a_usage_error(tmp_path: Path, case: str) -> None:
    root = site(tmp_path, {"docs/p.md": page(body="# P\n")}, CONFIG_CASES[case])
    code, _, stderr = run_kb(root, "--no-cache")
    assert code == 2, stderr
    assert stderr.startswith("kb: ") and len(stderr.strip().splitlines()) <= 3, stderr


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _link(target: str) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        path.symlink_to(target)
    return make


FILE_CASES: dict[str, tuple[str, Callable[[Path], None]]] = {
    "FIFO page": ("docs/x.md", _fifo),
    "page linked to /dev/zero": ("docs/x.md", _link("/dev/zero")),
    "page linked to /dev/urandom": ("docs/x.md", _link("/dev/urandom")),
    "folder linked above the project": ("docs/up", _link("/usr")),
    "folder linked back into docs": ("docs/loop", _link(".")),
    "dangling link": ("docs/x.md", _link("/nonexistent/x.md")),
    "FIFO glossary term": ("glossary/x.yml", _fifo),
    "glossary term linked to /dev/zero": ("glossary/x.yml", _link("/dev/zero")),
}


@pytest.mark.parametrize("case", sorted(FILE_CASES))
def test_hostile_files(tmp_path: Path, case: str) -> None:
    where, make = FILE_CASES[case]
    root = site(tmp_path, {"docs/p.md": page(body="# P\n"), "docs/glossary.md": page(body="<!-- kb:glossary -->\n"),
                           "glossary/ok.yml": "term: Heading\nshort: A title inside a page.\n"})
    make(root / where)
    found = [f for f in findings_for(root) if str(f["path"]).startswith(where)]
    assert any(f["code"] == "KB105" for f in found), found


LINE = 100_000
LINE_CASES = {
    "brackets": "[" * LINE,
    "image brackets": "![" * (LINE // 2),
    "less-than signs": "<" * LINE,
    "tabs in a heading": "#" + "\t" * LINE + "x",
    "unclosed comment": "<!--" + "a " * (LINE // 2),
    "attribute braces": "# h " + "{" * LINE,
    "reference links": "[a][b]" * (LINE // 6),
    "e-mail autolinks": "<a@b" * (LINE // 4),
    "nested lists": "- " * 5000 + "x",
    "nested quotes": ">" * LINE,
}


@pytest.mark.parametrize("case", sorted(LINE_CASES))
def test_pathological_lines_end_in_time(tmp_path: Path, case: str) -> None:
    root = site(tmp_path, {"docs/p.md": page(body="# P\n\n" + LINE_CASES[case] + "\n")})
    findings_for(root)  # in time, no traceback, every finding placed, the same with the cache


SLUGS = ["index.html", "/404", "tags.yml", "/" + "a" * 300, "/assets/x", "/sitemap.xml", "a/../../..", "dé jà"]


@pytest.mark.parametrize("slug", SLUGS)
def test_dangerous_slugs_are_findings(tmp_path: Path, slug: str) -> None:
    root = site(tmp_path, {"docs/p.md": page(body="# P\n", slug=json.dumps(slug))})
    found = [f for f in findings_for(root) if f["path"] == "docs/p.md"]
    assert [f["code"] for f in found] == ["KB302"] and found[0]["line"] == 5, found


PAYLOADS = {
    "img onerror": '<img/src=x onerror="alert(1)">',
    "svg onload": "<svg/onload=alert(1)>",
    "script src": "<script/src=//example.invalid/x.js></script>",
    "iframe javascript": "<iframe/src=javascript:alert(1)></iframe>",
    "svg animate": '<svg><a><animate attributeName="href" values="javascript:alert(1)"/><text>t</text></a></svg>',
    "markdown link": "[x](javascript:alert(1))",
    "entity-encoded scheme": '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "meta refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "object": '<object data="x.svg"></object>',
    "inside md_in_html": '<div markdown>\n\n<b onclick="alert(1)">x</b>\n\n</div>',
}


@pytest.mark.parametrize("case", sorted(PAYLOADS))
def test_script_payloads_are_errors(tmp_path: Path, case: str) -> None:
    root = site(tmp_path, {"docs/p.md": page(body="# P\n\n" + PAYLOADS[case] + "\n")},
                MKDOCS.replace("  - toc\n", "  - toc\n  - md_in_html\n"))
    found = [f for f in findings_for(root) if f["path"] == "docs/p.md"]
    line = 8 + PAYLOADS[case].split("alert")[0].count("\n")  # the payload starts on line 8
    assert any(f["code"] in ("KB410", "KB411") and f["line"] == line for f in found), found


def test_script_in_a_snippet_is_an_error(tmp_path: Path) -> None:
    config = MKDOCS.replace("  - toc\n", "  - toc\n  - pymdownx.snippets:\n      base_path: [snippets]\n")
    root = site(tmp_path, {"docs/p.md": page(body="# P\n\n--8<-- \"part.md\"\n"),
                           "snippets/part.md": "<img src=x onerror=alert(1)>\n"}, config)
    found = [f for f in findings_for(root) if f["path"] == "docs/p.md"]
    assert any(f["code"] == "KB411" for f in found), found


def test_script_in_glossary_fields(tmp_path: Path) -> None:
    term = ("term: Heading\nshort: A <b onclick=alert(1)>title</b>.\n"
            "definition: |\n  Text.\n  <img src=x onerror=alert(1)>\n")
    root = site(tmp_path, {"docs/p.md": page(body="# P\n\nA heading.\n"),
                           "docs/glossary.md": page(body="<!-- kb:glossary -->\n"), "glossary/heading.yml": term})
    found = [f for f in findings_for(root) if f["path"] == "glossary/heading.yml"]
    assert [(f["code"], f["line"]) for f in found] == [("KB411", 5)], found


def mkdocs_build(root: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(root / "mkdocs.yml")],
                          capture_output=True, text=True, timeout=TIME_LIMIT, cwd=root,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert "Traceback" not in done.stderr, done.stderr
    return done


def test_a_page_that_hangs_python_markdown_stops_check_and_build_in_time(tmp_path: Path) -> None:
    """Quadratic in Python-Markdown: a long run of `[` takes it minutes. A cold build stops at the
    time limit with KB107's words; kb check reports KB107 at that line; and a build after it stops
    before rendering anything, since the cache knows."""
    root = site(tmp_path, {"docs/p.md": page(body="# P\n\nfine\n\n" + "[" * 9000 + "\n")})
    cold = mkdocs_build(root)
    assert cold.returncode != 0 and "takes Python-Markdown longer than 2 s" in cold.stderr, cold.stderr
    found = [f for f in findings_for(root) if f["code"] == "KB107"]
    assert [(f["path"], f["line"]) for f in found] == [("docs/p.md", 10)], found
    warm = mkdocs_build(root)
    assert warm.returncode != 0 and "hangs on docs/p.md (KB107)" in warm.stderr, warm.stderr
