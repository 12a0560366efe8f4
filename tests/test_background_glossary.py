"""The glossary parsed in a child process: the same result as parsing it here, and a child that
fails leaves the parent to parse it itself."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

import kb.background_glossary
from kb.background_glossary import GlossaryInBackground
from kb.findings import Finding
from kb.glossary import Glossary, GlossarySources, glossary_files, load_glossary, parse_glossary
from kb.project import Project

from .conftest import copy_fixture


@pytest.fixture()
def project(tmp_path: Path) -> Project:
    return Project.from_config_file(copy_fixture("glossary-site", tmp_path) / "mkdocs.yml")


def test_the_child_parses_as_the_parent_would(project: Project) -> None:
    background = GlossaryInBackground(project, glossary_files(project))
    glossary, findings = background.glossary()
    pickled = background.matcher()
    expected, expected_findings = load_glossary(project)
    assert findings == expected_findings and findings  # the fixture has bad files
    assert {i: t.data for i, t in glossary.terms.items()} == {i: t.data for i, t in expected.terms.items()}
    assert glossary.terms["rag"].where.key_positions == expected.terms["rag"].where.key_positions
    matcher = pickle.loads(pickled)
    assert [m.term_id for m in matcher.mentions("RAG and retrieval-augmented generation")] == ["rag", "rag"]


def test_a_failing_child_leaves_the_parsing_to_the_parent(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    parent = os.getpid()

    def parse_only_here(given: GlossarySources) -> tuple[Glossary, list[Finding]]:
        if os.getpid() != parent:
            os._exit(1)
        return parse_glossary(given)

    monkeypatch.setattr(kb.background_glossary, "parse_glossary", parse_only_here)
    background = GlossaryInBackground(project, glossary_files(project))
    glossary, findings = background.glossary()
    pickled = background.matcher()
    expected, expected_findings = load_glossary(project)
    assert set(glossary.terms) == set(expected.terms) and findings == expected_findings
    assert pickle.loads(pickled).names
