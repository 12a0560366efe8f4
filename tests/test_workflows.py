"""The pull-request and deploy workflows, the pre-commit hooks and the PR template."""

import subprocess
import sys
from pathlib import Path

import yaml

from .conftest import REPO

BIN = Path(sys.executable).parent
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))


def load(path: Path) -> dict:  # type: ignore[type-arg]
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # keeps `on` a string
    assert isinstance(data, dict)
    return data


def test_workflows_match_github_schema() -> None:
    result = subprocess.run([str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows",
                             *map(str, WORKFLOWS)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflows_pass_the_security_linter() -> None:
    result = subprocess.run([str(BIN / "zizmor"), "--offline", "--no-progress", str(REPO / ".github" / "workflows")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_least_privilege_and_no_pull_request_target() -> None:
    for path in WORKFLOWS:
        data = load(path)
        assert "pull_request_target" not in data["on"], path.name
        assert data["permissions"] == {"contents": "read"}, path.name  # jobs widen it only where needed
        for name, job in data["jobs"].items():
            extra = job.get("permissions", {})
            assert set(extra) <= {"pages", "id-token"}, (path.name, name)


def test_pull_request_workflow_annotates_summarises_and_builds() -> None:
    steps = load(REPO / ".github/workflows/pull-request.yml")["jobs"]["check"]["steps"]
    commands = "\n".join(step.get("run", "") for step in steps)
    assert "bash .ci/run" in commands
    assert "kb check --format github" in commands
    assert '--changed-since "origin/$BASE_REF"' in commands
    assert "GITHUB_STEP_SUMMARY" in commands
    assert "make site" in commands


def test_deploy_workflow_publishes_with_deploy_pages() -> None:
    data = load(REPO / ".github/workflows/deploy.yml")
    assert data["on"]["push"]["branches"] == ["main"]
    uses = [step.get("uses", "") for job in data["jobs"].values() for step in job["steps"]]
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)


def test_pre_commit_hooks() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hooks[0]["id"] == "kb-check" and hooks[0]["entry"] == "kb check"
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    ids = [hook["id"] for repo in config["repos"] for hook in repo["hooks"]]
    assert {"kb-check", "ruff", "mypy"} <= set(ids)


def test_pull_request_template_exists() -> None:
    assert "make site" in (REPO / ".github/pull_request_template.md").read_text(encoding="utf-8")
