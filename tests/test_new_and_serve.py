"""`kb new` writes pages kb check accepts, after their siblings, and never overwrites."""

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from kb.check.analysis import analyse
from kb.cli import main
from kb.config.project import Project

from .conftest import page, write_site

TAGS = "llm:\n  label: LLM\n  description: Models.\nx:\n  label: X\n  description: Test tag.\n"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return write_site(tmp_path, {
        "docs/tags.yml": TAGS,
        "docs/index.md": page(title="Home"),
        "docs/llms/index.md": "---\ntitle: LLMs\ndescription: The section.\ntags: [llm]\nsidebar_position: 1\n---\n",
        "docs/llms/a.md": page(sidebar_position=4),
    })


def new(site: Path, *args: str) -> int:
    return main(["new", *args, "-f", str(site / "mkdocs.yml")])


def test_new_page_is_valid_and_placed_last(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert new(site, "llms/quantization.md", "--title", "Quantization") == 0
    text = (site / "docs/llms/quantization.md").read_text(encoding="utf-8")
    assert "sidebar_position: 5" in text and "tags:\n- llm" in text and "# Quantization" in text
    findings = analyse(Project.from_config_file(site / "mkdocs.yml"), use_cache=False).findings
    assert [f for f in findings if f.path == "docs/llms/quantization.md"] == []
    assert "Created docs/llms/quantization.md" in capsys.readouterr().out


def test_new_section_gets_an_index(site: Path) -> None:
    assert new(site, "lora", "--section", "fine-tuning", "--title", "LoRA", "--tag", "llm",
               "--description", "Low-rank adapters for cheap fine-tuning.") == 0
    assert (site / "docs/fine-tuning/index.md").is_file()
    findings = analyse(Project.from_config_file(site / "mkdocs.yml"), use_cache=False).findings
    assert [f for f in findings if f.severity.value == "error"] == []


def test_new_refuses_to_overwrite_and_bad_paths(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (site / "docs/llms/a.md").read_text(encoding="utf-8")
    assert new(site, "llms/a.md", "--title", "Again") == 2
    assert "already exists" in capsys.readouterr().err
    assert (site / "docs/llms/a.md").read_text(encoding="utf-8") == before
    assert new(site, "../escape.md", "--title", "X") == 2
    assert new(site, "notes.txt", "--title", "X") == 2


def test_every_command_has_help_with_an_example() -> None:
    for command in (["check"], ["new"], ["serve"], ["rules"], ["glossary", "export"]):
        result = subprocess.run([sys.executable, "-m", "kb.cli", *command, "--help"], capture_output=True, text=True)
        assert result.returncode == 0 and "xample" in result.stdout, command


def test_serve_shows_drafts(site: Path) -> None:
    (site / "docs/llms/wip.md").write_text(page(title="Work in progress", draft="true"), encoding="utf-8")
    port = 8765
    process = subprocess.Popen([str(Path(sys.executable).parent / "kb"), "serve", "-a", f"127.0.0.1:{port}"],
                               cwd=site, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/llms/wip/", timeout=2).read().decode()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.3)
        assert "Work in progress" in body
    finally:
        process.terminate()
        process.wait(timeout=10)
