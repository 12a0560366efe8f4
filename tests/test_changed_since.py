"""`kb check --changed-since REF`: changed pages plus the pages whose links they can break."""

import subprocess
from pathlib import Path

import pytest

from kb.cli import main

from .conftest import page, write_site


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(root), "PATH": "/usr/bin:/bin"})


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = write_site(tmp_path, {
        "docs/index.md": page(body="# Home\n\n[b](b.md#old-heading) [c](c.md)\n"),
        "docs/b.md": page(body="# B\n\n## Old heading\n"),
        "docs/c.md": page(body="# C\n"),
        "docs/unrelated.md": page(body="# U\n\n[broken](nowhere.md)\n"),  # an old problem, not this change's
    })
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "start")
    return root


def check(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(["check", "-f", str(root / "mkdocs.yml"), "--no-cache", *args])
    return status, capsys.readouterr().out


def test_renamed_heading_reports_the_links_it_breaks_elsewhere(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "docs/b.md").write_text(page(body="# B\n\n## New heading\n"), encoding="utf-8")
    status, out = check(repo, capsys, "--changed-since", "HEAD")
    assert status == 1
    assert "docs/index.md:8:5: error KB403" in out and "#old-heading" in out
    assert "unrelated.md" not in out
    assert out.rstrip().endswith("in 2 files checked.")


def test_renamed_and_removed_pages(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git(repo, "mv", "docs/c.md", "docs/see.md")
    status, out = check(repo, capsys, "--changed-since", "HEAD")
    assert status == 1 and "docs/index.md" in out and "KB402" in out
    assert "hint: It was renamed: link to `see.md`." in out
    assert "unrelated.md" not in out


def test_no_relevant_change_is_clean_even_with_old_problems(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "docs/c.md").write_text(page(body="# C\n\nMore text.\n"), encoding="utf-8")
    (repo / "docs/new.md").write_text(page(body="# New\n"), encoding="utf-8")
    status, out = check(repo, capsys, "--changed-since", "HEAD")
    assert status == 0, out
    assert "in 3 files checked" in out  # c.md, new.md, and index.md which links to c.md


def test_config_change_checks_everything(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "mkdocs.yml").write_text((repo / "mkdocs.yml").read_text() + "\n# touched\n", encoding="utf-8")
    _, out = check(repo, capsys, "--changed-since", "HEAD")
    assert "unrelated.md" in out


def test_bad_ref_is_a_usage_error(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["check", "-f", str(repo / "mkdocs.yml"), "--changed-since", "no-such-ref"])
    assert status == 2
    assert "no-such-ref" in capsys.readouterr().err
