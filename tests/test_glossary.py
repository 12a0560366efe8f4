"""The glossary: checks with codes and lines, and what the built site does with the terms."""

import json
import re
from pathlib import Path

import pytest

from kb.check.analysis import analyse
from kb.cli import main
from kb.config.project import Project
from kb.report.findings import Finding

from .conftest import build_site, copy_fixture


@pytest.fixture(scope="module")
def fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_fixture("glossary-site", tmp_path_factory.mktemp("glossary"))


@pytest.fixture(scope="module")
def all_findings(fixture: Path) -> list[Finding]:
    return analyse(Project.from_config_file(fixture / "mkdocs.yml"), use_cache=False).findings


@pytest.fixture(scope="module")
def findings(all_findings: list[Finding]) -> set[tuple[str, str, int]]:
    return {(f.code, f.path, f.line) for f in all_findings}


def test_term_file_problems(findings: set[tuple[str, str, int]]) -> None:
    assert ("KB501", "glossary/Bad_Name.yml", 1) in findings
    assert ("KB206", "glossary/Bad_Name.yml", 2) in findings  # `sohrt`
    assert ("KB204", "glossary/Bad_Name.yml", 1) in findings  # no `short`
    assert ("KB502", "glossary/retrieval.yml", 1) in findings  # duplicate of rag.yml's term
    assert ("KB503", "glossary/rag.yml", 5) in findings  # see_also: vector-store
    assert ("KB503", "glossary/large-language-model.yml", 6) in findings  # page: models/llm.md
    assert ("KB208", "glossary/large-language-model.yml", 4) in findings  # topic retreival


def test_unused_terms(findings: set[tuple[str, str, int]]) -> None:
    unused = {path for code, path, _ in findings if code == "KB504"}
    assert unused == {"glossary/unused-thing.yml", "glossary/retrieval.yml", "glossary/Bad_Name.yml"}


def test_near_misses_and_their_controls(all_findings: list[Finding]) -> None:
    near = [(f.line, f.column) for f in all_findings if f.code == "KB505"]
    # Line 9: "Generative Al" and "LIama"; line 10: "Genereative AI" and "LlaMa". Nothing on line 11
    # (all agents, general AI, plurals), line 12 (code, URLs) or in the fence.
    assert near == [(9, 1), (9, 42), (10, 1), (10, 31)]


def test_near_miss_hints_name_the_intended_term(fixture: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "-f", str(fixture / "mkdocs.yml"), "--no-cache"])
    out = capsys.readouterr().out
    assert "docs/index.md:9:1: warning KB505 `Generative Al`" in out
    assert "hint: Write `Generative AI`" in out
    assert "hint: Write `Llama` or `LLaMA`" in out


@pytest.fixture(scope="module")
def site(fixture: Path) -> Path:
    return build_site(fixture)


def test_glossary_page_lists_terms_with_anchors_and_backlinks(site: Path) -> None:
    page = (site / "glossary/index.html").read_text(encoding="utf-8")
    ids = re.findall(r'<h3 id="([^"]+)"', page)
    assert ids == ["ai-agent", "ai", "Bad_Name", "generative-ai", "large-language-model", "llama",  # A-Z by term
                   "unused-thing", "retrieval", "rag", "transformer"]
    rag = page[page.index('id="rag"'):]
    rag = rag[: rag.index("<h3", 10)]
    assert "<strong>Abbreviation:</strong> RAG" in rag
    assert 'href="#large-language-model"' in rag  # see also
    assert "Appears on:</strong> <a href=\"../\">Home</a>" in rag  # backlink to the page that mentions it
    assert 'href="../rag/">Retrieval</a>' in rag  # in depth
    assert "By topic" in page and "Large language models" in page


def test_terms_get_tooltips_and_first_mentions_link(site: Path) -> None:
    home = (site / "index.html").read_text(encoding="utf-8")
    body = home[home.index("<article"):]
    assert '<a class="kb-term" href="glossary/#rag"><abbr title="Answering with a model after retrieving relevant ' \
           'documents &amp; adding them to the prompt.">RAG</abbr></a>' in body
    assert body.count('href="glossary/#rag"') == 1  # only the first mention links
    heading = re.search(r"<h1[^>]*>.*?</h1>", body, re.S)
    assert heading and "<abbr" not in heading.group(0)  # never inside headings
    assert "<code><abbr" not in body and "Genereative AI in code" in body
    assert 'href="https://example.com/Genereative-AI"' in body  # URLs untouched


def test_search_finds_pages_by_any_name(site: Path) -> None:
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["fields"]["kb_covers"]["boost"] > index["config"]["fields"]["kb_mentions"]["boost"]
    docs = {d["location"]: d for d in index["docs"]}
    assert "RAG" in docs["rag/"]["kb_covers"]  # the page that explains it, though it only spells it out
    assert "Retrieval-augmented generation" in docs[""]["kb_mentions"]  # the home page only says RAG


def test_export_json_and_jsonld(fixture: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clean = tmp_path / "clean"
    (clean / "docs").mkdir(parents=True)
    (clean / "glossary").mkdir()
    (clean / "mkdocs.yml").write_text("site_name: KB\nsite_url: https://kb.example.org/\n", encoding="utf-8")
    for name in ("rag.yml", "llama.yml"):
        (clean / "glossary" / name).write_text((fixture / "glossary" / name).read_text().replace(
            "see_also: [large-language-model, vector-store]\n", "").replace("page: rag/index.md\n", "")
            .replace("topics: [retrieval]\n", ""), encoding="utf-8")
    assert main(["glossary", "export", "-f", str(clean / "mkdocs.yml"), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [t["id"] for t in data["terms"]] == ["llama", "rag"]
    assert data["terms"][1]["abbreviation"] == "RAG"
    out = tmp_path / "g.jsonld"
    assert main(["glossary", "export", "-f", str(clean / "mkdocs.yml"), "--format", "jsonld", "-o", str(out)]) == 0
    ld = json.loads(out.read_text(encoding="utf-8"))
    assert ld["@type"] == "DefinedTermSet" and ld["name"] == "KB"
    rag = next(t for t in ld["hasDefinedTerm"] if t["termCode"] == "rag")
    assert rag["@id"] == "https://kb.example.org/glossary/#rag" and rag["alternateName"] == ["RAG"]
    assert main(["glossary", "export", "-f", str(fixture / "mkdocs.yml")]) == 1  # refuses a broken glossary


def test_encoding_problems_in_term_files(tmp_path: Path) -> None:
    root = tmp_path / "enc"
    (root / "docs").mkdir(parents=True)
    (root / "glossary").mkdir()
    (root / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    (root / "glossary" / "latin.yml").write_bytes(b"term: Caf\xe9\nshort: Coffee.\n")
    (root / "glossary" / "moji.yml").write_text("term: Dash\nshort: A dash â€” broken.\n", encoding="utf-8")
    found = {(f.code, f.path, f.line) for f in analyse(Project.from_config_file(root / "mkdocs.yml")).findings}
    assert ("KB101", "glossary/latin.yml", 1) in found
    assert ("KB102", "glossary/moji.yml", 2) in found


def test_a_spelling_shared_by_three_pages_is_deliberate(tmp_path: Path) -> None:
    from .conftest import page, write_site

    files: dict[str, str | bytes] = {"glossary/mixtral.yml": "term: Mixtral\nshort: A mixture-of-experts model.\n"}
    files |= {f"docs/p{i}.md": page(body=f"# P{i}\n\nMistral released Mixtral.\n") for i in range(3)}
    files["docs/glossary.md"] = page(body="<!-- kb:glossary -->\n")
    files["docs/typo.md"] = page(body="# T\n\nThe Mixtrel model.\n")
    root = write_site(tmp_path, files)
    near = [(f.path, f.message) for f in analyse(Project.from_config_file(root / "mkdocs.yml")).findings
            if f.code == "KB505"]
    assert near == [("docs/typo.md",
                     "`Mixtrel` in docs/typo.md looks like a misspelling of the glossary term `Mixtral`.")]
