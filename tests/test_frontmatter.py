"""Front-matter parsing and checks: every bad input is a finding with its code and file line."""

from pathlib import Path

import pytest

from kb.check.analysis import analyse
from kb.config.project import Project
from kb.report.findings import Finding

from .conftest import page, write_site

TAGS = "x:\n  label: X\n  description: A tag.\nrag:\n  label: RAG\n  description: Retrieval.\n"


def check(tmp_path: Path, text: str | bytes, tags: str | None = TAGS) -> list[Finding]:
    files: dict[str, str | bytes] = {"docs/p.md": text}
    if tags is not None:
        files["docs/tags.yml"] = tags
    root = write_site(tmp_path, files)
    return [f for f in analyse(Project.from_config_file(root / "mkdocs.yml")).findings if f.path == "docs/p.md"]


def codes(findings: list[Finding]) -> list[tuple[str, int]]:
    return [(f.code, f.line) for f in findings]


def test_valid_page_has_no_findings(tmp_path: Path) -> None:
    text = page(keywords="[a, b]", sidebar_position=2, sidebar_label="Short", draft="false",
                unlisted="false", last_reviewed="2026-11-01", slug="/genai")
    assert check(tmp_path, text) == []


def test_malformed_yaml_points_at_the_file_line(tmp_path: Path) -> None:
    text = "---\ntitle: ok\ndescription: fine\ntags: [x\nkeywords: [a]\n---\nbody\n"
    [finding] = check(tmp_path, text)
    assert finding.code == "KB202"
    assert finding.line in (5, 6)  # PyYAML notices the unclosed list on the next line
    assert "not valid YAML" in finding.message


def test_colon_in_value_gets_a_quoting_hint(tmp_path: Path) -> None:
    text = "---\ntitle: RAG: a primer\ndescription: fine\n---\n"
    [finding] = check(tmp_path, text)
    assert (finding.code, finding.line) == ("KB202", 2)
    assert "quotes" in finding.hint


def test_unclosed_front_matter(tmp_path: Path) -> None:
    assert codes(check(tmp_path, "---\ntitle: x\ndescription: y\n\n# Body\n")) == [("KB202", 1)]


@pytest.mark.parametrize("yaml_body", ["- a\n- b", "just a string"])
def test_front_matter_that_is_not_a_mapping(tmp_path: Path, yaml_body: str) -> None:
    assert codes(check(tmp_path, f"---\n{yaml_body}\n---\n# Body\n")) == [("KB203", 2)]


def test_missing_front_matter_and_empty_file(tmp_path: Path) -> None:
    assert codes(check(tmp_path, "# Just a heading\n")) == [("KB201", 1)]
    assert codes(check(tmp_path / "empty", "  \n\n")) == [("KB104", 1)]


def test_missing_required_fields(tmp_path: Path) -> None:
    findings = check(tmp_path, "---\ntags: [x]\n---\n# Body\n")
    assert sorted(codes(findings)) == [("KB204", 1), ("KB204", 1)]
    assert {"`title`" in f.message or "`description`" in f.message for f in findings} == {True}


def test_wrong_types_point_at_the_value_line(tmp_path: Path) -> None:
    text = page(sidebar_position='"first"', draft="yes please", keywords="llm", last_reviewed="2026-13-45")
    findings = check(tmp_path, text)
    assert sorted(codes(findings)) == [("KB205", 5), ("KB205", 6), ("KB205", 7), ("KB205", 8)]
    by_line = {f.line: f for f in findings}
    assert "must be a number" in by_line[5].message and "sidebar_position: 3" in by_line[5].hint
    assert "true or false" in by_line[6].message
    assert "must be a list" in by_line[7].message
    assert "YYYY-MM-DD" in by_line[8].message


def test_description_limits(tmp_path: Path) -> None:
    long = check(tmp_path, page(description="word " * 50))
    assert codes(long) == [("KB205", 3)] and "limit is 200" in long[0].message
    two = check(tmp_path / "2", page(description="First sentence here. Second one follows."))
    assert codes(two) == [("KB207", 3)]
    abbreviations = check(tmp_path / "3", page(description="Models such as GPT-4 (e.g. ChatGPT) score 86.4% on MMLU."))
    assert abbreviations == []


def test_unknown_key_is_a_warning_with_did_you_mean(tmp_path: Path) -> None:
    [finding] = check(tmp_path, page(sidebar_postion=3))
    assert (finding.code, finding.severity.value, finding.line) == ("KB206", "warning", 5)
    assert "`sidebar_position`" in finding.hint


def test_duplicate_key_is_reported_at_the_second_occurrence(tmp_path: Path) -> None:
    text = "---\ntitle: A\ndescription: B.\ntags: [x]\ntitle: C\n---\n"
    assert codes(check(tmp_path, text)) == [("KB205", 5)]


def test_title_with_number_stuck_to_it(tmp_path: Path) -> None:
    [finding] = check(tmp_path, page(title="01What Is GenAI"))
    assert (finding.code, finding.line) == ("KB210", 2)
    assert "title: What Is GenAI" in finding.hint and "sidebar_position: 1" in finding.hint
    assert check(tmp_path / "b", page(title="3D Models and 4-bit Weights")) == []


def test_tags_must_be_defined_with_did_you_mean(tmp_path: Path) -> None:
    text = "---\ntitle: A\ndescription: B.\ntags:\n  - x\n  - rga\n  - RAG\n---\n"
    findings = check(tmp_path, text)
    assert codes(findings) == [("KB208", 6), ("KB208", 7)]
    assert "`rag`" in findings[0].hint
    assert "key `rag`" in findings[1].hint


def test_missing_tags_is_a_warning_and_any_tag_is_fine_without_tags_file(tmp_path: Path) -> None:
    findings = check(tmp_path, "---\ntitle: A\ndescription: B.\n---\n")
    assert [(f.code, f.severity.value) for f in findings] == [("KB209", "warning")]
    assert check(tmp_path / "free", page(), tags=None) == []


def test_broken_tags_file_is_reported(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"docs/p.md": page(), "docs/tags.yml": "x:\n  label: X\ny: just text\n"}
    root = write_site(tmp_path, files)
    findings = analyse(Project.from_config_file(root / "mkdocs.yml")).findings
    assert [(f.code, f.path, f.line) for f in findings] == [
        ("KB211", "docs/tags.yml", 1), ("KB211", "docs/tags.yml", 3)]
