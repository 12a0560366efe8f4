"""kb check and MkDocs 1.6 agree on internal-link problems, in both directions.

The fixture is built by plain MkDocs (no kb plugin) with `links.not_found` and `links.anchors` at
`warn`. Every problem MkDocs logs must be a kb finding on the same link, and every kb link finding
must be logged by MkDocs, except the kinds MkDocs cannot see (raw HTML, slug links, unsafe URLs),
which kb alone must report.
"""

import logging
import re
from pathlib import Path

import pytest

from kb.check.analysis import analyse
from kb.config.project import Project

from .conftest import build_site, copy_fixture

_MKDOCS_PROBLEM = re.compile(r"Doc file '([^']+)' contains a link '([^']+)', but")
_KB_TARGET = re.compile(r"^The (?:link|image|raw HTML \w+) `(.+?)` in docs/(\S+)")
LINK_PROBLEMS = {"KB402", "KB403", "KB405", "KB406"}
MKDOCS_CANNOT_SEE = {"KB404", "KB408", "KB410", "KB411"}

SLUGIFY_VARIANTS = {
    "python-markdown": "",
    "pymdownx-slugs": (
        "  - toc:\n      slugify: !!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}\n"
    ),
}


def mkdocs_problems(root: Path, caplog: pytest.LogCaptureFixture) -> set[tuple[str, str]]:
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="mkdocs"):
        build_site(root)
    found = set()
    for record in caplog.records:
        match = _MKDOCS_PROBLEM.search(record.getMessage())
        if match and record.levelno >= logging.WARNING:
            found.add((match.group(1), match.group(2)))
    return found


def kb_findings(root: Path) -> list[tuple[str, str, str]]:
    findings = analyse(Project.from_config_file(root / "mkdocs.yml")).findings
    out = []
    for f in findings:
        match = _KB_TARGET.match(f.message)
        out.append((f.code, match.group(2) if match else f.path, match.group(1) if match else f.message))
    return out


@pytest.mark.parametrize("variant", sorted(SLUGIFY_VARIANTS))
def test_kb_and_mkdocs_agree(tmp_path: Path, caplog: pytest.LogCaptureFixture, variant: str) -> None:
    root = copy_fixture("links-site", tmp_path)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - toc\n", SLUGIFY_VARIANTS[variant] or "  - toc\n"))
    expected = mkdocs_problems(root, caplog)
    findings = kb_findings(root)
    reported = {(path, target) for code, path, target in findings if code in LINK_PROBLEMS}
    assert reported == expected
    blind = {(code, target) for code, _, target in findings if code in MKDOCS_CANNOT_SEE}
    assert {code for code, _ in blind} == MKDOCS_CANNOT_SEE
    assert ("KB408", "guide/headings.md") in blind and ("KB404", "/no-such-slug") in blind


def test_the_fixture_exercises_every_case(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Guards the agreement test against a fixture that silently stops covering things."""
    root = copy_fixture("links-site", tmp_path)
    expected = mkdocs_problems(root, caplog)
    assert ("index.md", "guide/headings.md#Punctuation-Matters") in expected  # anchors are case-sensitive
    assert ("guide/links.md", "headings.md#duplicate_3") in expected
    assert ("guide/links.md", "headings.md#custom-id") in expected
    assert ("guide/headings.md", "missing-in-details.md") in expected
    assert ("guide/headings.md", "../guide/nope.md") in expected
    assert ("index.md", "guide/broken-multiline.md") in expected
    assert len(expected) >= 12
    assert not any("nope" in target and target.startswith("nope") for _, target in expected)
