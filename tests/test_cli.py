"""The `kb` command: output formats, exit status, and resilience to bad files."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kb.cli import main

from .conftest import page, write_site


def run(root: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(["check", "-f", str(root / "mkdocs.yml"), *args])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def mixed_site(tmp_path: Path) -> Path:
    """One page per kind of bad input, plus good pages: every file must still be checked."""
    return write_site(tmp_path, {
        "docs/good.md": page(),
        "docs/binary.md": b"---\ntitle: \xff\xfe\x00\x01\n---\n",
        "docs/no-front.md": "# Hello\n",
        "docs/bad-yaml.md": "---\ntitle: [unclosed\n---\n",
        "docs/warn.md": page(sidebar_postion=1),
        "docs/z-good.md": page(),
    })


def test_human_output_lists_every_bad_file_with_location(mixed_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(mixed_site, capsys=capsys)
    assert status == 1 and err == ""
    assert "docs/binary.md:2:8: error KB101" in out
    assert "docs/no-front.md:1:1: error KB201" in out
    assert "docs/bad-yaml.md:3:1: error KB202" in out or "docs/bad-yaml.md:2:" in out
    assert "docs/warn.md:5:1: warning KB206" in out
    assert "    hint: Did you mean `sidebar_position`?" in out
    assert out.rstrip().endswith("in 6 files checked.")


def test_json_output(mixed_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(mixed_site, "--format", "json", capsys=capsys)
    data = json.loads(out)
    assert status == 1
    assert data["summary"] == {"error": 3, "warning": 1, "info": 0, "files": 6}
    first = data["findings"][0]
    assert set(first) == {"code", "severity", "path", "line", "column", "message", "hint"}


def test_github_annotations_escape_properties(mixed_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(mixed_site, "--format", "github", capsys=capsys)
    line = next(x for x in out.splitlines() if "KB206" in x)
    assert line.startswith("::warning file=docs/warn.md,line=5,col=1,title=KB206::")
    assert "%0AHint: Did you mean" in line


def test_exit_status_clean_strict_and_config_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clean = write_site(tmp_path / "clean", {"docs/a.md": page()})
    assert run(clean, capsys=capsys)[0] == 0
    warned = write_site(tmp_path / "warned", {"docs/a.md": page(colour="blue")})
    assert run(warned, capsys=capsys)[0] == 0
    assert run(warned, "--strict", capsys=capsys)[0] == 1
    status, _, err = run(tmp_path / "nowhere", capsys=capsys)
    assert status == 2 and "does not exist" in err
    bad_option = write_site(tmp_path / "opt", {"docs/a.md": page()},
                            "site_name: x\nplugins:\n  - kb:\n      max_page_sise: 3\n")
    status, _, err = run(bad_option, capsys=capsys)
    assert status == 2 and "no option `max_page_sise`" in err


def test_console_script_runs_from_the_project_root(tmp_path: Path) -> None:
    root = write_site(tmp_path, {"docs/a.md": page()})
    kb = Path(sys.executable).parent / "kb"
    result = subprocess.run([str(kb), "check"], cwd=root, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No problems in 1 file checked." in result.stdout


def test_usage_error_exits_2() -> None:
    with pytest.raises(SystemExit) as exc:
        main(["check", "--format", "xml"])
    assert exc.value.code == 2
