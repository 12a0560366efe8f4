"""The glossary parsed in a child process: the same result as parsing it here, and a child that
fails leaves the parent to parse it itself."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

import kb.background_glossary
from kb.background_glossary import GlossaryInBackground
from kb.glossary import GlossarySources, parse_glossary, read_glossary
from kb.project import Project

from .conftest import copy_fixture


@pytest.fixture()
def sources(tmp_path: Path) -> GlossarySources:
    root = copy_fixture("glossary-site", tmp_path)
    return read_glossary(Project.from_config_file(root / "mkdocs.yml"))


def test_the_child_parses_as_the_parent_would(sources: GlossarySources) -> None:
    glossary, findings, pickled = GlossaryInBackground(sources).result()
    expected, expected_findings = parse_glossary(sources)
    assert findings == expected_findings and findings  # the fixture has bad files
    assert {i: t.data for i, t in glossary.terms.items()} == {i: t.data for i, t in expected.terms.items()}
    assert glossary.terms["rag"].where.key_positions == expected.terms["rag"].where.key_positions
    matcher = pickle.loads(pickled)
    assert [m.term_id for m in matcher.mentions("RAG and retrieval-augmented generation")] == ["rag", "rag"]


def test_a_failing_child_leaves_the_parsing_to_the_parent(sources: GlossarySources,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    parent = os.getpid()

    def parse_only_here(given: GlossarySources) -> object:
        if os.getpid() != parent:
            os._exit(1)
        return parse_glossary(given)

    monkeypatch.setattr(kb.background_glossary, "parse_glossary", parse_only_here)
    glossary, findings, pickled = GlossaryInBackground(sources).result()
    expected, expected_findings = parse_glossary(sources)
    assert set(glossary.terms) == set(expected.terms) and findings == expected_findings
    assert pickle.loads(pickled).names
