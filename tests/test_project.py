"""The repository itself: lint, types, docs of the rules, schemas, and its own content."""

import ast
import json
import subprocess
import sys
from pathlib import Path

from jsonschema import Draft202012Validator

from kb.check.analysis import analyse
from kb.config.project import Project
from kb.report.rules import RULES

from .conftest import REPO, build_site

BIN = Path(sys.executable).parent
CORE = REPO / "scripts" / "kb"


def test_ruff_is_clean() -> None:
    command = [str(BIN / "ruff"), "check", "scripts", "tests", "benchmarks"]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_mypy_is_clean() -> None:
    result = subprocess.run([str(BIN / "mypy")], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_core_does_not_import_mkdocs() -> None:
    """Only the plugin and the configuration adapter may import MkDocs, so the checks run without a renderer."""
    offenders = []
    for path in CORE.rglob("*.py"):
        if "site" in path.parts or path == CORE / "config" / "mkdocs.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in ("mkdocs", "material")]
    assert offenders == []


def test_every_rule_is_documented_in_contributing() -> None:
    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for code, rule in RULES.items():
        assert f"| {code} | {rule.severity.value} | {rule.name} |" in text, code


def test_shipped_schemas_are_valid_json_schema() -> None:
    for path in (CORE / "schemas").glob("*.schema.json"):
        Draft202012Validator.check_schema(json.loads(path.read_text(encoding="utf-8")))


def test_the_knowledge_base_passes_its_own_checks() -> None:
    findings = analyse(Project.from_config_file(REPO / "mkdocs.yml")).findings
    assert [f"{f.path}:{f.line} {f.code} {f.message}" for f in findings] == []


def test_the_knowledge_base_builds_strictly(tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "repo"
    for name in ("docs", "glossary"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    if (REPO / ".cache" / "assets").is_dir():  # Mermaid, fetched by `make assets`
        shutil.copytree(REPO / ".cache" / "assets", root / ".cache" / "assets")
    site = build_site(root, strict=True)
    assert (site / "introduction/what-is-generative-ai/index.html").is_file()
    assert (site / "tags/index.html").read_text(encoding="utf-8").count('class="md-tag"') >= 10
